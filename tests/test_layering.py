"""Layering of the packages, checked on the source with ``ast``.

* ``pipeline`` (the core library) imports neither ``beam_jobs`` (the Beam /
  command-line shell) nor ``transforms`` (the rewriting units): not at module
  level, not inside functions, not through ``importlib.import_module`` /
  ``__import__`` with a literal name.  The only way in is the registry:
  ``pipeline/registry.py`` lists the built-in unit modules as strings and
  imports them by name at run time, and third-party units come through entry
  points; strings are not imports, so that needs no exemption here.
* The module-level imports among ``pipeline.*`` modules form no cycle.
"""
from __future__ import annotations

import ast
import pathlib
from typing import Dict, Iterator, List, Optional, Set, Tuple

REPO = pathlib.Path(__file__).resolve().parents[1]
PIPELINE = REPO / "pipeline"
FORBIDDEN = ("beam_jobs", "transforms")


def module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def pipeline_files() -> List[pathlib.Path]:
    return sorted(p for p in PIPELINE.rglob("*.py") if "__pycache__" not in p.parts)


def resolve_from(path: pathlib.Path, node: ast.ImportFrom) -> str:
    """Absolute module name of ``from <module> import ...`` in ``path``."""
    if not node.level:
        return node.module or ""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package.pop()
    base = package[:len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imported_names(path: pathlib.Path, node: ast.AST) -> List[str]:
    """Module names an import statement (or a literal-named dynamic import
    call) brings in; for ``from A import b`` both ``A`` and ``A.b`` (``b``
    may be a submodule)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom):
        mod = resolve_from(path, node)
        return [mod] + [f"{mod}.{a.name}" for a in node.names if a.name != "*"]
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
            and isinstance(node.args[0].value, str):
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
        if name in ("import_module", "__import__"):
            return [node.args[0].value]
    return []


def test_pipeline_imports_neither_beam_jobs_nor_transforms():
    violations = []
    for path in pipeline_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            for name in imported_names(path, node):
                top = name.split(".")[0]
                if top in FORBIDDEN:
                    violations.append(f"{path.relative_to(REPO)}:{node.lineno}: imports {name}")
                    break
    assert not violations, ("pipeline/ must not import beam_jobs/ or transforms/ (units come in through "
                            "pipeline/registry.py's builtin module names and entry points):\n  "
                            + "\n  ".join(violations))


# ---------------------------------------------------------------- cycles
def _is_type_checking(test: ast.AST) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def module_level_imports(tree: ast.Module) -> Iterator[ast.AST]:
    """Import statements run when the module is imported: everything outside
    function bodies (class bodies, ``try``/``if`` blocks included), except
    ``if TYPE_CHECKING:`` blocks."""
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
        else:
            stack.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt))


def import_graph() -> Tuple[Dict[str, Set[str]], Dict[Tuple[str, str], str]]:
    """``pipeline.*`` module -> the ``pipeline.*`` modules it imports at
    module level, and where (``file:line``) each edge comes from.  An edge
    goes to the module named by the import (for ``from A import b``: ``A``,
    and ``A.b`` when that is a module); the parent packages Python also
    initialises on the way are left out."""
    files = {module_name(p): p for p in pipeline_files()}
    graph: Dict[str, Set[str]] = {m: set() for m in files}
    where: Dict[Tuple[str, str], str] = {}
    for mod, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in module_level_imports(tree):
            for name in imported_names(path, node):
                if name in files and name != mod:
                    graph[mod].add(name)
                    where.setdefault((mod, name), f"{path.relative_to(REPO)}:{node.lineno}")
    return graph, where


def strongly_connected(graph: Dict[str, Set[str]]) -> List[List[str]]:
    """Tarjan's algorithm (iterative); components with more than one module."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    on_stack: Set[str] = set()
    stack: List[str] = []
    out: List[List[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: List[Tuple[str, Optional[Iterator[str]]]] = [(root, None)]
        while work:
            node, it = work.pop()
            if it is None:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
                it = iter(sorted(graph[node]))
            advanced = False
            for nxt in it:
                if nxt not in index:
                    work.append((node, it))
                    work.append((nxt, None))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            if low[node] == index[node]:
                comp = []
                while True:
                    m = stack.pop()
                    on_stack.discard(m)
                    comp.append(m)
                    if m == node:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return out


def test_strongly_connected_finds_cycles():
    g = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"f"}, "f": set()}
    assert strongly_connected(g) == [["a", "b", "c"]]


def test_no_import_cycle_among_pipeline_modules():
    graph, where = import_graph()
    problems = []
    for comp in strongly_connected(graph):
        members = set(comp)
        edges = sorted(f"{a} -> {b} ({where[(a, b)]})" for a in comp for b in graph[a] if b in members)
        problems.append(" <-> ".join(comp) + ":\n    " + "\n    ".join(edges))
    assert not problems, "module-level import cycles among pipeline modules:\n  " + "\n  ".join(problems)
