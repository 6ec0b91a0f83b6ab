#!/usr/bin/env python3
"""Move the top-level packages ``pipeline``, ``transforms`` and ``beam_jobs``
under one distribution namespace, ``cs_synth``, without moving a folder.

PyPI has unrelated distributions named ``pipeline`` and ``transforms``;
installed next to cs-synth they write into the same ``site-packages``
folders.  After this rewrite the project installs as ``cs_synth.pipeline``,
``cs_synth.transforms`` and ``cs_synth.beam_jobs`` (setup.py ``package_dir``
maps them to the folders that stay where they are), and nothing imports the
bare names any more.

    python tools/namespace_rename.py [ROOT] [--apply] [--namespace cs_synth]

Without ``--apply`` it only prints what it would change.  What it does:

* Python files: ``from pipeline... import`` / ``import pipeline...``
  statements get the namespace; inside string literals and comments, dotted
  names of the project's own modules (``"pipeline.align.evaluate"``,
  ``"beam_jobs.cli:main"``, ``monkeypatch.setattr("pipeline.x.y", ...)``)
  get it too.  Only names whose first two parts are a real module or
  package of the project are touched (``transform.0.options`` is not).
* Text files (Markdown, YAML, INI, TOML, shell, the Dockerfile, .ci/run):
  the same dotted names, and ``from/import`` lines in code examples.
* setup.py: ``packages``, ``package_dir`` (``cs_synth.pipeline`` ->
  ``pipeline/`` ...), ``package_data`` keys, the entry points.
* a new ``cs_synth/__init__.py`` whose ``__path__`` also covers the
  repository root when the packages lie beside it (a checkout, without an
  install), so ``python -m pytest`` and ``python -m cs_synth.beam_jobs.cli``
  work from the root as before.

It never edits .git, virtual environments, build outputs or binary files.
"""
from __future__ import annotations

import argparse
import io
import os
import re
import sys
import time
import tokenize
from typing import Dict, List, Optional, Set, Tuple

TOP = ("pipeline", "transforms", "beam_jobs")
SKIP_DIRS = {".git", ".venv", "venv", "build", "dist", "__pycache__", ".pytest_cache", ".mypy_cache",
             ".hypothesis", "node_modules", ".eggs"}
TEXT_SUFFIXES = (".md", ".rst", ".txt", ".yaml", ".yml", ".toml", ".ini", ".cfg", ".sh", ".html", ".json")
TEXT_NAMES = ("Dockerfile", "run", "Makefile")


def modules(root: str) -> Set[str]:
    """Dotted names of every module and package under the top packages."""
    out: Set[str] = set()
    for top in TOP:
        base = os.path.join(root, top)
        for folder, dirs, files in os.walk(base):
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
            rel = os.path.relpath(folder, root).replace(os.sep, ".")
            if "__init__.py" in files or folder == base:
                out.add(rel)
            for f in files:
                if f.endswith(".py") and f != "__init__.py":
                    out.add(f"{rel}.{f[:-3]}")
    return out


class Rewriter:
    def __init__(self, root: str, namespace: str):
        self.root, self.ns = root, namespace
        self.known = modules(root)
        tops = "|".join(TOP)
        # a dotted project name not already under a namespace or attribute
        self.dotted = re.compile(rf"(?<![\w.]){{0}}(?:{tops})(?:\.\w+)+".format(""))
        self.from_line = re.compile(rf"^(\s*(?:>>> )?from )((?:{tops})(?:\.\w+)*)( import\b)", re.M)
        self.import_line = re.compile(rf"^(\s*(?:>>> )?import )((?:{tops})(?:\.\w+)*)(\s+as\s+\w+)?([ \t]*(?:#.*)?)$",
                                      re.M)

    # ---------------------------------------------------------- names
    def _is_project(self, dotted: str) -> bool:
        parts = dotted.split(".")
        return ".".join(parts[:2]) in self.known or parts[0] in TOP and len(parts) == 1

    def names(self, text: str) -> Tuple[str, int]:
        """Prefix project dotted names (``pipeline.align.evaluate``)."""
        count = 0

        def sub(m):
            nonlocal count
            name = m.group(0)
            if not self._is_project(name):
                return name
            count += 1
            return f"{self.ns}.{name}"

        return self.dotted.sub(sub, text), count

    def imports(self, text: str) -> Tuple[str, int]:
        count = 0

        def from_sub(m):
            nonlocal count
            count += 1
            return f"{m.group(1)}{self.ns}.{m.group(2)}{m.group(3)}"

        def import_sub(m):
            nonlocal count
            count += 1
            head, name, alias, tail = m.group(1), m.group(2), m.group(3), m.group(4) or ""
            if alias:
                return f"{head}{self.ns}.{name}{alias}{tail}"
            top = name.split(".")[0]
            if "." not in name:
                return f"{head.replace('import ', 'from ' + self.ns + ' import ', 1)}{top}{tail}"
            # ``import pipeline.x`` binds ``pipeline``: bind it to the namespaced package
            return f"{head}{self.ns}.{name}; from {self.ns} import {top}{tail}"

        text = self.from_line.sub(from_sub, text)
        text = self.import_line.sub(import_sub, text)
        return text, count

    # ---------------------------------------------------------- files
    def python(self, src: str) -> Tuple[str, int]:
        """Imports by statement; dotted names inside strings and comments."""
        src, n = self.imports(src)
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(src).readline))
        except (tokenize.TokenError, SyntaxError):
            out, m = self.names(src)  # not tokenizable: treat as text
            return out, n + m
        lines = src.splitlines(keepends=True)
        offsets = [0]
        for line in lines:
            offsets.append(offsets[-1] + len(line))
        edits: List[Tuple[int, int, str]] = []
        for tok in tokens:
            if tok.type not in (tokenize.STRING, tokenize.COMMENT):
                continue
            start = offsets[tok.start[0] - 1] + tok.start[1]
            end = offsets[tok.end[0] - 1] + tok.end[1]
            new, m = self.names(src[start:end])
            if m:
                edits.append((start, end, new))
                n += m
        for start, end, new in reversed(edits):
            src = src[:start] + new + src[end:]
        return src, n

    def text(self, src: str) -> Tuple[str, int]:
        src, n = self.imports(src)
        src, m = self.names(src)
        return src, n + m

    def setup_py(self, src: str) -> Tuple[str, int]:
        src, n = self.python(src)
        tops = ", ".join(f'"{t}", "{t}.*"' for t in TOP)
        new_packages = (f'packages=["{self.ns}"] + [f"{self.ns}.{{p}}" for p in find_packages(include=[{tops}])],\n'
                        f'    package_dir={{"{self.ns}": "{self.ns}", '
                        + ", ".join(f'"{self.ns}.{t}": "{t}"' for t in TOP) + "},")
        src, k = re.subn(r"packages=find_packages\(include=\[[^\]]*\]\),", lambda _: new_packages, src)
        n += k
        for t in TOP:  # package_data keys
            src, k = re.subn(rf'(package_data=\{{[^}}]*?)"{t}":', rf'\1"{self.ns}.{t}":', src, flags=re.S)
            n += k
        return src, n

    def init_py(self) -> str:
        return f'''"""The cs-synth distribution namespace: ``{self.ns}.pipeline``,
``{self.ns}.transforms``, ``{self.ns}.beam_jobs`` (setup.py ``package_dir``
maps them to the folders at the repository root)."""
import os as _os

_root = _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))
# a checkout without an install: the packages lie beside this folder
if not _os.path.isdir(_os.path.join(_os.path.dirname(__file__), "pipeline")) and all(
        _os.path.isfile(_os.path.join(_root, _name, "__init__.py")) for _name in {TOP!r}):
    __path__.append(_root)  # noqa: F821 - the package's own path list
'''


def walk(root: str, skip: Set[str]):
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info"))
        for f in sorted(files):
            path = os.path.join(folder, f)
            if os.path.abspath(path) in skip:
                continue
            yield path


def run(root: str, namespace: str, apply: bool, out=sys.stdout) -> Dict[str, int]:
    root = os.path.abspath(root)
    for t in TOP:
        if not os.path.isfile(os.path.join(root, t, "__init__.py")):
            raise SystemExit(f"{root}: no {t}/__init__.py: not a cs-synth checkout (or already renamed)")
    if not os.path.isfile(os.path.join(root, "setup.py")):
        raise SystemExit(f"{root}: no setup.py")
    rw = Rewriter(root, namespace)
    changed: Dict[str, int] = {}
    skip = {os.path.abspath(__file__)}
    for path in walk(root, skip):
        name = os.path.basename(path)
        rel = os.path.relpath(path, root)
        if name.endswith(".py"):
            kind = "setup" if rel == "setup.py" else "python"
        elif name.endswith(TEXT_SUFFIXES) or name in TEXT_NAMES:
            kind = "text"
        else:
            continue
        try:
            with open(path, encoding="utf-8") as fh:
                src = fh.read()
        except (UnicodeDecodeError, OSError):
            continue
        new, n = {"setup": rw.setup_py, "python": rw.python, "text": rw.text}[kind](src)
        if n and new != src:
            changed[rel] = n
            if apply:
                with open(path, "w", encoding="utf-8") as fh:
                    fh.write(new)
    init = os.path.join(root, namespace, "__init__.py")
    if not os.path.exists(init):
        changed[os.path.relpath(init, root)] = 1
        if apply:
            os.makedirs(os.path.dirname(init), exist_ok=True)
            with open(init, "w", encoding="utf-8") as fh:
                fh.write(rw.init_py())
    for rel, n in sorted(changed.items()):
        print(f"{'rewrote' if apply else 'would rewrite'} {rel}: {n}", file=out)
    return changed


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("root", nargs="?", default=".")
    ap.add_argument("--namespace", default="cs_synth")
    ap.add_argument("--apply", action="store_true", help="write the changes (default: list them)")
    args = ap.parse_args(argv)
    t0 = time.time()
    changed = run(args.root, args.namespace, args.apply)
    print(f"{len(changed)} files, {sum(changed.values())} names, {time.time() - t0:.2f}s"
          + ("" if args.apply else " (nothing written: --apply to write)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
