"""Symmetrization of directional word alignments, and Pharaoh text I/O.

Directional aligners (eflomal, IBM models) produce a *forward* link set
(each target word linked to at most one source word) and a *reverse* one
(each source word linked to at most one target word).  The heuristics here
combine the two into one set of ``(i, j)`` links, ``i`` indexing the source
sentence and ``j`` the target sentence, following the definitions in
Koehn, Och and Marcu (2003), "Statistical Phrase-Based Translation", and
Koehn's *Statistical Machine Translation* (2010), section 4.5.3:

``intersection``
    links in both directions (high precision).
``union``
    links in either direction (high recall).
``grow``, ``grow-diag``
    start from the intersection and repeatedly add a union link that
    neighbours an existing link (horizontally/vertically; ``grow-diag``
    also diagonally) when its source or its target word is still unaligned.
``grow-diag-final``
    ``grow-diag``, then add any remaining directional link (forward first,
    then reverse) whose source *or* target word is unaligned.
``grow-diag-final-and``
    as ``grow-diag-final`` but the final step needs the source *and* the
    target word to be unaligned.

Every function is pure and deterministic: it visits positions in index
order and returns a sorted tuple of links.

Pharaoh text is ``"0-0 1-2 2-1"``: whitespace-separated ``i-j`` links.  Gold
standards also use ``ipj`` for *possible* (as opposed to *sure*) links.
"""
from __future__ import annotations

import re
from typing import Callable, Dict, Iterable, List, Sequence, Set, Tuple

Link = Tuple[int, int]
Links = Tuple[Link, ...]

# neighbourhoods in the order Koehn's pseudo-code lists them
_SIDE_NEIGHBOURS = ((-1, 0), (0, -1), (1, 0), (0, 1))
_DIAG_NEIGHBOURS = _SIDE_NEIGHBOURS + ((-1, -1), (-1, 1), (1, -1), (1, 1))


def _dims(links: Iterable[Link], n_src: int | None, n_tgt: int | None) -> Tuple[int, int]:
    links = list(links)
    ms = max((i for i, _ in links), default=-1) + 1
    mt = max((j for _, j in links), default=-1) + 1
    return max(ms, n_src or 0), max(mt, n_tgt or 0)


def intersection(fwd: Iterable[Link], rev: Iterable[Link], n_src: int | None = None,
                 n_tgt: int | None = None) -> Links:
    """Links present in both directions."""
    return tuple(sorted(set(fwd) & set(rev)))


def union(fwd: Iterable[Link], rev: Iterable[Link], n_src: int | None = None,
          n_tgt: int | None = None) -> Links:
    """Links present in either direction."""
    return tuple(sorted(set(fwd) | set(rev)))


class _Grid:
    """The alignment being grown, with per-word alignedness counts."""

    def __init__(self, n_src: int, n_tgt: int, start: Iterable[Link]):
        self.n_src, self.n_tgt = n_src, n_tgt
        self.links: Set[Link] = set()
        self.src_count = [0] * n_src
        self.tgt_count = [0] * n_tgt
        for i, j in start:
            self.add(i, j)

    def add(self, i: int, j: int) -> None:
        if (i, j) not in self.links:
            self.links.add((i, j))
            self.src_count[i] += 1
            self.tgt_count[j] += 1

    def src_free(self, i: int) -> bool:
        return self.src_count[i] == 0

    def tgt_free(self, j: int) -> bool:
        return self.tgt_count[j] == 0


def _grow(grid: _Grid, candidates: Set[Link], neighbours) -> None:
    """Koehn's GROW(-DIAG) loop: sweep the grid in index order; for each
    current link try its neighbours; repeat until a sweep adds nothing."""
    added = True
    while added:
        added = False
        for i in range(grid.n_src):
            for j in range(grid.n_tgt):
                if (i, j) not in grid.links:
                    continue
                for di, dj in neighbours:
                    ni, nj = i + di, j + dj
                    if not (0 <= ni < grid.n_src and 0 <= nj < grid.n_tgt):
                        continue
                    if (ni, nj) in grid.links or (ni, nj) not in candidates:
                        continue
                    if grid.src_free(ni) or grid.tgt_free(nj):
                        grid.add(ni, nj)
                        added = True


def _final(grid: _Grid, directional: Set[Link], both: bool) -> None:
    """Koehn's FINAL(-AND) step over one directional link set."""
    for i in range(grid.n_src):
        for j in range(grid.n_tgt):
            if (i, j) not in directional or (i, j) in grid.links:
                continue
            if both:
                ok = grid.src_free(i) and grid.tgt_free(j)
            else:
                ok = grid.src_free(i) or grid.tgt_free(j)
            if ok:
                grid.add(i, j)


def _grown(fwd, rev, n_src, n_tgt, neighbours, final: str | None) -> Links:
    fwd, rev = set(fwd), set(rev)
    n_src, n_tgt = _dims(fwd | rev, n_src, n_tgt)
    grid = _Grid(n_src, n_tgt, sorted(fwd & rev))
    _grow(grid, fwd | rev, neighbours)
    if final is not None:
        both = final == "and"
        _final(grid, fwd, both)
        _final(grid, rev, both)
    return tuple(sorted(grid.links))


def grow(fwd: Iterable[Link], rev: Iterable[Link], n_src: int | None = None,
         n_tgt: int | None = None) -> Links:
    """Intersection grown with horizontally/vertically adjacent union links."""
    return _grown(fwd, rev, n_src, n_tgt, _SIDE_NEIGHBOURS, None)


def grow_diag(fwd: Iterable[Link], rev: Iterable[Link], n_src: int | None = None,
              n_tgt: int | None = None) -> Links:
    """Intersection grown with adjacent (diagonals included) union links."""
    return _grown(fwd, rev, n_src, n_tgt, _DIAG_NEIGHBOURS, None)


def grow_diag_final(fwd: Iterable[Link], rev: Iterable[Link], n_src: int | None = None,
                    n_tgt: int | None = None) -> Links:
    """``grow_diag`` plus directional links touching an unaligned word."""
    return _grown(fwd, rev, n_src, n_tgt, _DIAG_NEIGHBOURS, "or")


def grow_diag_final_and(fwd: Iterable[Link], rev: Iterable[Link], n_src: int | None = None,
                        n_tgt: int | None = None) -> Links:
    """``grow_diag`` plus directional links joining two unaligned words."""
    return _grown(fwd, rev, n_src, n_tgt, _DIAG_NEIGHBOURS, "and")


SYMMETRIZERS: Dict[str, Callable[..., Links]] = {
    "intersection": intersection,
    "union": union,
    "grow": grow,
    "grow-diag": grow_diag,
    "grow-diag-final": grow_diag_final,
    "grow-diag-final-and": grow_diag_final_and,
}


def get_symmetrizer(name: str) -> Callable[..., Links]:
    """The heuristic called ``name``; ``KeyError`` listing the valid names."""
    try:
        return SYMMETRIZERS[name]
    except KeyError:
        raise KeyError(f"unknown symmetrization {name!r}; valid: {', '.join(SYMMETRIZERS)}") from None


def symmetrize(fwd: Iterable[Link], rev: Iterable[Link], method: str = "grow-diag-final-and",
               n_src: int | None = None, n_tgt: int | None = None) -> Links:
    return get_symmetrizer(method)(fwd, rev, n_src, n_tgt)


# ----------------------------------------------------------------- Pharaoh I/O
class PharaohError(ValueError):
    """Malformed Pharaoh text or a link outside the sentence."""


_LINK = re.compile(r"([0-9]+)([-p])([0-9]+)")


def parse_pharaoh_sp(text: str, n_src: int | None = None, n_tgt: int | None = None,
                     index_base: int = 0) -> Tuple[Links, Links]:
    """Parse Pharaoh text into ``(sure, possible)`` link tuples (0-based).

    ``i-j`` is a sure link and ``ipj`` a possible one.  ``index_base`` is the
    index of the first word in ``text`` (0, or 1 for gold files that count
    from one).  When ``n_src``/``n_tgt`` are given, every link must fall
    inside the sentence.  Raises :class:`PharaohError` naming the offending
    link and its position.
    """
    if text is None:
        raise PharaohError("alignment is missing (None)")
    if not isinstance(text, str):
        raise PharaohError(f"alignment must be a string, got {type(text).__name__}")
    sure: Set[Link] = set()
    possible: Set[Link] = set()
    for k, item in enumerate(text.split(), start=1):
        m = _LINK.fullmatch(item)
        if m is None:
            raise PharaohError(f"malformed link {item!r} (link {k}): expected 'i-j' or 'ipj' "
                               f"with non-negative integers")
        i, j = int(m.group(1)) - index_base, int(m.group(3)) - index_base
        if i < 0 or j < 0:
            raise PharaohError(f"link {item!r} (link {k}) is below the index base {index_base}")
        if n_src is not None and i >= n_src:
            raise PharaohError(f"link {item!r} (link {k}): source index out of range, the source has "
                               f"{n_src} tokens (valid {index_base}..{n_src - 1 + index_base})")
        if n_tgt is not None and j >= n_tgt:
            raise PharaohError(f"link {item!r} (link {k}): target index out of range, the target has "
                               f"{n_tgt} tokens (valid {index_base}..{n_tgt - 1 + index_base})")
        (sure if m.group(2) == "-" else possible).add((i, j))
    possible -= sure
    return tuple(sorted(sure)), tuple(sorted(possible))


def parse_pharaoh(text: str, n_src: int | None = None, n_tgt: int | None = None,
                  index_base: int = 0) -> Links:
    """Parse Pharaoh text into one sorted tuple of 0-based links (sure and
    possible alike).  See :func:`parse_pharaoh_sp` for the checks."""
    sure, possible = parse_pharaoh_sp(text, n_src, n_tgt, index_base)
    return tuple(sorted(set(sure) | set(possible)))


def format_pharaoh(links: Iterable[Link], possible: Iterable[Link] = (), index_base: int = 0) -> str:
    """``links`` as sorted ``i-j`` text (plus ``ipj`` for ``possible``)."""
    items: List[Tuple[int, int, str]] = [(i, j, "-") for i, j in set(links)]
    sure = {(i, j) for i, j, _ in items}
    items += [(i, j, "p") for i, j in set(possible) if (i, j) not in sure]
    return " ".join(f"{i + index_base}{sep}{j + index_base}" for i, j, sep in sorted(items))


def links_from_lines(lines: Sequence[str]) -> List[Links]:
    """Parse eflomal/fast_align output (one Pharaoh line per pair, no range
    check).  Used for trusted tool output only."""
    return [parse_pharaoh(line) for line in lines]
