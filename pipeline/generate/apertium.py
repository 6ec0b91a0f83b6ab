"""Apertium, the rule-based MT engine (``apt-get install apertium-eng-spa``).

One ``apertium`` process translates a whole batch: the texts go in one
paragraph each and come back one paragraph each (Apertium keeps blank lines,
and starts a new sentence after one, so a text's translation is the same as
in a call of its own).  If the line
count does not match, the batch is retried text by text, so the result never
depends on the batch.  Words Apertium does not know come back marked with
``*`` (``#`` and ``@`` mark generation and transfer gaps); such a text is
reported ``mt_unknown_word`` unless ``allow_unknown`` is set, in which case
the marks are removed and the source word stays.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from typing import List, Optional, Sequence

from cs_synth.pipeline.generate.base import Generated, Generator, GenSpec, generators
from cs_synth.pipeline.units import ConfigError

#: ISO 639-1 -> the ISO 639-3 codes Apertium's mode names use
ISO3 = {"en": "eng", "es": "spa", "ca": "cat", "fr": "fra", "pt": "por", "it": "ita", "de": "deu",
        "oc": "oci", "gl": "glg", "eu": "eus", "ro": "ron", "nl": "nld", "eo": "epo", "af": "afr"}
_MARK = re.compile(r"(?<!\S)[*#@](?=\S)")


def mode_for(src_lang: str, tgt_lang: str) -> str:
    a, b = (ISO3.get(x.split("-")[0].lower(), x) for x in (src_lang, tgt_lang))
    return f"{a}-{b}"


def installed_modes() -> List[str]:
    try:
        out = subprocess.run(["apertium", "-l"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted(line.strip() for line in out.splitlines() if line.strip())


class Apertium(Generator):
    name = "apertium.v1"

    def __init__(self, mode: str, allow_unknown: bool = False, timeout: float = 120.0):
        self.mode, self.allow_unknown, self.timeout = mode, allow_unknown, timeout

    def identity(self):
        return {"backend": self.name, "mode": self.mode, "allow_unknown": self.allow_unknown}

    def describe(self) -> str:
        return f"{self.name} {self.mode}"

    def _run(self, texts: Sequence[str]) -> Optional[List[str]]:
        # one paragraph per text: Apertium starts a new sentence at a blank
        # line, so no text's translation depends on its neighbours (with
        # plain line breaks the tagger reads across them, and 28 of 120
        # sample spans came out differently from single calls)
        data = "\n\n".join(" ".join(t.split()) for t in texts) + "\n"
        proc = subprocess.run(["apertium", self.mode], input=data, capture_output=True, text=True,
                              timeout=self.timeout)
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr.strip()[:500] or f"apertium exited {proc.returncode}")
        parts = re.split(r"\n[ \t]*\n", proc.stdout.strip("\n"))
        return parts if len(parts) == len(texts) else None

    def _result(self, source: str, out: str) -> Generated:
        out = out.strip()
        marked = [m.group(0) for m in re.finditer(r"(?<!\S)[*#@]\S+", out)]
        if marked:
            if not self.allow_unknown:
                return Generated(reason="mt_unknown_word",
                                 detail=f"apertium {self.mode}: no translation for {', '.join(marked)[:200]}")
            out = _MARK.sub("", out)
        if not out:
            return Generated(reason="mt_failed", detail=f"apertium {self.mode}: empty output for {source!r}")
        return Generated(text=out)

    def translate(self, texts: Sequence[str]) -> List[Generated]:
        if not texts:
            return []
        try:
            lines = self._run(texts)
        except (OSError, subprocess.SubprocessError, RuntimeError) as exc:
            if len(texts) == 1:
                return [Generated(reason="mt_failed", detail=f"apertium {self.mode}: {exc}"[:500])]
            lines = None
        if lines is None:
            if len(texts) == 1:
                return [Generated(reason="mt_unparseable", detail=f"apertium {self.mode}: output lines do not "
                                  "match input lines")]
            return [g for t in texts for g in self.translate([t])]
        return [self._result(t, o) for t, o in zip(texts, lines)]


def apertium_factory(spec: GenSpec, *, mode: Optional[str] = None, allow_unknown: bool = False,
                     timeout: float = 120.0) -> Apertium:
    """Check at config time that Apertium and the language pair's mode are
    installed, naming the Debian package otherwise."""
    mode = mode or mode_for(spec.src_lang, spec.tgt_lang)
    if shutil.which("apertium") is None:
        raise ConfigError(f"the apertium backend needs the apertium program: apt-get install apertium "
                          f"apertium-{mode}")
    modes = installed_modes()
    if mode not in modes:
        raise ConfigError(f"apertium mode {mode!r} is not installed (installed: {', '.join(modes) or 'none'}); "
                          f"apt-get install apertium-{mode}, or name another one in backend_options.mode")
    return Apertium(mode, allow_unknown=allow_unknown, timeout=timeout)


generators.register("apertium", func=apertium_factory)
