"""Selectors: *where* a sentence may switch.

Every selector reads a :class:`View` (the base text the unit starts from,
mapped back onto the source side and its alignment) and returns candidate
spans over base positions.  Selectors never decide what goes into a span;
that is the substituters' job (:mod:`cs_synth.transforms.codeswitch.substituters`).

A :class:`Pair` is a base span ``[start, end)`` with the target span
``[tgt_start, tgt_end)`` it is aligned to (empty target for selectors that
do not use the alignment, e.g. entity or dictionary spans).

Alignment terms used below, over source span ``[i1, i2)`` and target span
``[j1, j2)``:

* **consistent** (the phrase-extraction rule of Koehn, Och & Marcu 2003):
  at least one link inside (between two words, not two punctuation
  marks), and no link joins a token inside one span to one outside the
  other;
* **tight**: the first and last word of both spans are aligned;
* **EC-valid** (Poplack's Equivalence Constraint as operationalised for
  alignments): consistent and tight, and the switch points agree in both
  surface orders: the nearest aligned source word before the span links
  only to target words before ``j1``, and the nearest aligned source word
  after it only to target words from ``j2`` on.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from cs_synth.pipeline.langs import LANG_INDEPENDENT, is_language_independent
from cs_synth.pipeline.record import Record
from cs_synth.transforms.common import Base

# Universal POS tags counted as content words (matrix-language frame).
CONTENT_POS = frozenset({"NOUN", "PROPN", "ADJ", "VERB", "ADV"})
NOUN_POS = ("NOUN", "PROPN")


@dataclass(frozen=True)
class Pair:
    start: int          # base positions [start, end)
    end: int
    tgt_start: int = -1  # target positions [tgt_start, tgt_end), -1 when not aligned
    tgt_end: int = -1

    @property
    def length(self) -> int:
        return self.end - self.start

    def overlaps(self, other: "Pair") -> bool:
        return self.start < other.end and other.start < self.end


class View:
    """The base text with its mapping onto the source side and alignment.

    ``src_of[p]`` is the source index of base position ``p`` (None when the
    token was changed by an earlier step).  On a first step the base *is*
    the source and the map is the identity; after earlier steps, unchanged
    source tokens are found again by sequence matching, so alignment-based
    selectors can keep working on what is left of the source."""

    def __init__(self, record: Record, base: Optional[Base] = None):
        self.record = record
        self.base = base or Base.of(record)
        self.src = record.src
        self.tgt = record.tgt
        self.src_lang = record.src.lang
        self.tgt_lang = record.tgt.lang if record.tgt is not None else ""
        self.n = len(self.base.tokens)
        self.n_tgt = len(record.tgt.tokens) if record.tgt is not None else 0
        # base position -> the source token it still is (the record's
        # output-to-source map, kept by every rewriting unit), or None
        self.src_of: Tuple[Optional[int], ...] = tuple(
            None if i < 0 else i for i in (self.base.source_index(p) for p in range(self.n)))
        self.base_of: Dict[int, int] = {i: p for p, i in enumerate(self.src_of) if i is not None}
        s2t: Dict[int, List[int]] = {}
        t2s: Dict[int, List[int]] = {}
        for i, j in record.alignment:
            s2t.setdefault(i, []).append(j)
            t2s.setdefault(j, []).append(i)
        self.s2t = {i: tuple(sorted(v)) for i, v in s2t.items()}
        self.t2s = {j: tuple(sorted(v)) for j, v in t2s.items()}
        self.protected: Tuple[bool, ...] = tuple(False for _ in range(self.n))
        self._chunks = _chunks(self.base)
        self._blocked = None
        self._neighbours = None

    # ------------------------------------------------------------ basics
    @property
    def has_alignment(self) -> bool:
        return bool(self.record.alignment) and self.n_tgt > 0

    @property
    def mapped_any(self) -> bool:
        return bool(self.base_of)

    def use_entities(self, spans) -> "View":
        """Take ``spans`` instead of the base's entities as the units that
        must not be cut (the entity recipe's own, possibly nested, finds)."""
        self._chunks = _chunks(self.base, spans)
        return self

    def protect(self, mask: Sequence[bool]) -> "View":
        self.protected = tuple(a or b for a, b in zip(self.protected, mask))
        self._blocked = None
        return self

    def _blocked_prefix(self):
        """Prefix counts of positions that may not switch and of language
        tokens, so span checks are O(1)."""
        if self._blocked is None:
            blocked, words = [0], [0]
            for p in range(self.n):
                blocked.append(blocked[-1] + (0 if self.free(p) else 1))
                words.append(words[-1] + (0 if self.base.langs[p] == LANG_INDEPENDENT else 1))
            self._blocked = (blocked, words)
        return self._blocked

    def free(self, p: int) -> bool:
        """Base position ``p`` may switch: not protected and still in the
        source language (or language independent)."""
        return not self.protected[p] and self.base.langs[p] in (self.src_lang, LANG_INDEPENDENT)

    def src_range(self, start: int, end: int) -> Optional[Tuple[int, int]]:
        """Source range of base span ``[start, end)`` when every position
        maps to consecutive source indices."""
        first = self.src_of[start]
        if first is None:
            return None
        for k in range(start, end):
            if self.src_of[k] != first + (k - start):
                return None
        return first, first + (end - start)

    def all_zxx(self, start: int, end: int) -> bool:
        words = self._blocked_prefix()[1]
        return words[end] == words[start]

    def cuts_chunk(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` takes part of an entity span or of a
        BIO chunk of a token-label sequence without taking all of it (an
        entity switches whole or not at all)."""
        for a, b in self._chunks:
            if a < end and start < b and not (start <= a and b <= end):
                return True
        return False

    def switchable(self, start: int, end: int) -> bool:
        blocked, words = self._blocked_prefix()
        return (blocked[end] == blocked[start] and words[end] > words[start]
                and not self.cuts_chunk(start, end))

    def pos_of(self, p: int) -> str:
        i = self.src_of[p]
        if i is None or not self.src.pos:
            return ""
        return self.src.pos[i]

    # ------------------------------------------------------- alignment
    def target_hull(self, i1: int, i2: int) -> Optional[Tuple[int, int]]:
        lo = hi = None
        s2t = self.s2t
        for i in range(i1, i2):
            js = s2t.get(i)  # sorted
            if js:
                if lo is None or js[0] < lo:
                    lo = js[0]
                if hi is None or js[-1] > hi:
                    hi = js[-1]
        if lo is None:
            return None
        return lo, hi + 1

    def consistent(self, i1: int, i2: int, j1: int, j2: int) -> bool:
        """The phrase-extraction rule, anchored: no link leaves the pair, and
        at least one link inside joins two words (a link between
        punctuation marks alone does not make a pair)."""
        anchored = False
        src_toks, tgt_toks = self.src.tokens, self.tgt.tokens
        for i in range(i1, i2):
            for j in self.s2t.get(i, ()):
                if not j1 <= j < j2:
                    return False
                if not anchored and not (is_language_independent(src_toks[i])
                                         or is_language_independent(tgt_toks[j])):
                    anchored = True
        if not anchored:
            return False
        for j in range(j1, j2):
            for i in self.t2s.get(j, ()):
                if not i1 <= i < i2:
                    return False
        return True

    def tight(self, i1: int, i2: int, j1: int, j2: int) -> bool:
        return (i1 in self.s2t and (i2 - 1) in self.s2t and j1 in self.t2s and (j2 - 1) in self.t2s)

    def order_agrees(self, i1: int, i2: int, j1: int, j2: int) -> bool:
        """The nearest aligned source word left of the span links only left
        of the target span, the nearest one right of it only right of it."""
        if self._neighbours is None:
            self._neighbours = self._neighbour_links()
        left_max, right_min = self._neighbours
        if left_max[i1] is not None and left_max[i1] >= j1:
            return False
        if right_min[i2] is not None and right_min[i2] < j2:
            return False
        return True

    def _neighbour_links(self):
        """For each source boundary ``b``: the highest target index linked to
        the nearest aligned source word before ``b``, and the lowest linked
        to the nearest one at or after ``b`` (None where there is none)."""
        n = len(self.src.tokens)
        left_max: List[Optional[int]] = [None] * (n + 1)
        last = None
        for b in range(1, n + 1):
            js = self.s2t.get(b - 1)
            if js:
                last = js[-1]
            left_max[b] = last
        right_min: List[Optional[int]] = [None] * (n + 1)
        nxt = None
        for b in range(n - 1, -1, -1):
            js = self.s2t.get(b)
            if js:
                nxt = js[0]
            right_min[b] = nxt
        return left_max, right_min

    def ec_valid(self, i1: int, i2: int, j1: int, j2: int) -> bool:
        return (self.consistent(i1, i2, j1, j2) and self.tight(i1, i2, j1, j2)
                and self.order_agrees(i1, i2, j1, j2))

    def pair_for(self, start: int, end: int) -> Optional[Pair]:
        """The tight consistent target span for base span ``[start, end)``."""
        rng = self.src_range(start, end)
        if rng is None:
            return None
        hull = self.target_hull(*rng)
        if hull is None or not self.consistent(rng[0], rng[1], *hull):
            return None
        return Pair(start, end, hull[0], hull[1])


def _chunks(base: Base, entities=None) -> Tuple[Tuple[int, int], ...]:
    """Multi-token entity spans (``base.entities`` unless given) and BIO
    chunks over the base."""
    from cs_synth.transforms.common import is_bio

    ents = base.entities if entities is None else entities
    out = {(e.start, e.end) for e in ents if e.end - e.start > 1}
    for seq in base.labels.values():
        if not is_bio(seq):
            continue
        start = None
        for p, t in enumerate(tuple(seq) + ("O",)):
            cont = t.startswith("I-") and start is not None and seq[p - 1][2:] == t[2:]
            if not cont:
                if start is not None and p - start > 1:
                    out.add((start, p))
                start = p if t != "O" else None
    return tuple(sorted(out))



# ------------------------------------------------------------ selectors
def protection_mask(view: View, labels: Sequence[str] = (), entities: bool = False) -> Tuple[bool, ...]:
    """Positions never switched: tokens with a non-``O`` value in any of the
    named token-label sequences (e.g. the NER spans of fine-tuning data) and,
    with ``entities``, tokens inside the base's entity spans."""
    mask = [False] * view.n
    for name in labels:
        seq = view.base.labels.get(name)
        if seq is None:
            continue
        for p, v in enumerate(seq):
            if v not in ("O", "", "_"):
                mask[p] = True
    if entities:
        for e in view.base.entities:
            for p in range(e.start, e.end):
                mask[p] = True
    return tuple(mask)


def entity_spans(view: View, spans: Iterable) -> List[Pair]:
    """Entity spans (over base positions) that may switch, with their
    consistent aligned target span where one exists."""
    out = []
    for s in spans:
        if not view.switchable(s.start, s.end):
            continue
        pair = view.pair_for(s.start, s.end) if view.has_alignment else None
        out.append(pair or Pair(s.start, s.end))
    return out


def _aligned_candidates(view: View, min_len: int, max_len: int):
    """Switchable source spans of ``min_len``..``max_len`` tokens with their
    aligned source range and target hull (at most ``max_len`` tokens):
    yields ``(start, end, (i1, i2), (j1, j2))``."""
    if not view.has_alignment:
        return
    for start in range(view.n):
        for end in range(start + min_len, min(view.n, start + max_len) + 1):
            if not view.switchable(start, end):
                continue
            rng = view.src_range(start, end)
            if rng is None:
                break
            hull = view.target_hull(*rng)
            if hull is None or hull[1] - hull[0] > max_len:
                continue
            yield start, end, rng, hull


def phrase_pairs(view: View, max_len: int = 3, extend_unaligned: bool = True) -> List[Pair]:
    """Consistent phrase pairs, both sides at most ``max_len`` tokens (the
    standard phrase-extraction rule; with ``extend_unaligned`` the target
    side is also extended over unaligned boundary words)."""
    out: List[Pair] = []
    for start, end, rng, (j1, j2) in _aligned_candidates(view, 1, max_len):
        if not view.consistent(rng[0], rng[1], j1, j2):
            continue
        if not extend_unaligned:
            out.append(Pair(start, end, j1, j2))
            continue
        lows = [j1]
        while lows[-1] > 0 and (lows[-1] - 1) not in view.t2s:
            lows.append(lows[-1] - 1)
        highs = [j2]
        while highs[-1] < view.n_tgt and highs[-1] not in view.t2s:
            highs.append(highs[-1] + 1)
        for lo in lows:
            for hi in highs:
                if hi - lo <= max_len:
                    out.append(Pair(start, end, lo, hi))
    return out


def ec_spans(view: View, max_len: int = 4, min_len: int = 1) -> List[Pair]:
    """EC-valid spans (see the module docstring), ``min_len``..``max_len``
    source tokens, target side at most ``max_len`` tokens."""
    return [Pair(start, end, hull[0], hull[1])
            for start, end, rng, hull in _aligned_candidates(view, min_len, max_len)
            if view.ec_valid(rng[0], rng[1], *hull)]


def dependents(heads: Sequence[int]) -> Dict[int, List[int]]:
    """{head: its direct dependents} of a parse given as head indices (the
    root, its own head, is nobody's dependent)."""
    children: Dict[int, List[int]] = {}
    for i, h in enumerate(heads):
        if h != i:
            children.setdefault(h, []).append(i)
    return children


def subtree_nodes(children: Dict[int, List[int]], i: int) -> List[int]:
    """``i`` and every word that depends on it, directly or not."""
    nodes, stack = [], [i]
    while stack:
        x = stack.pop()
        nodes.append(x)
        stack.extend(children.get(x, ()))
    return nodes


def subtree_spans(view: View, min_size: int = 2, max_size: int = 6) -> List[Pair]:
    """Contiguous (projective) dependency subtrees of the source with
    ``min_size``..``max_size`` tokens, never the whole sentence, whose
    aligned target span is consistent."""
    n_src = len(view.src.tokens)
    children = dependents(view.src.heads)
    out = []
    seen = set()
    for i in range(n_src):
        nodes = subtree_nodes(children, i)
        a, b = min(nodes), max(nodes) + 1
        if len(nodes) != b - a or not min_size <= b - a <= max_size or b - a == n_src or (a, b) in seen:
            continue
        seen.add((a, b))
        if a not in view.base_of:
            continue
        start = view.base_of[a]
        end = start + (b - a)
        if end > view.n or view.src_range(start, end) != (a, b) or not view.switchable(start, end):
            continue
        hull = view.target_hull(a, b)
        if hull is None or not view.consistent(a, b, *hull):
            continue
        out.append(Pair(start, end, hull[0], hull[1]))
    return sorted(out, key=lambda p: (p.start, p.end))


def noun_spans(view: View, pos: Sequence[str] = NOUN_POS, max_len: int = 3) -> List[Pair]:
    """Runs of nouns (``src.pos`` in ``pos``) and their sub-runs of at most
    ``max_len`` tokens that have a consistent aligned target span (so a
    compound like "New York" aligned to one target word switches whole)."""
    out = []
    tags = set(pos)
    p = 0
    while p < view.n:
        if view.pos_of(p) not in tags:
            p += 1
            continue
        q = p
        while q < view.n and view.pos_of(q) in tags:
            q += 1
        for start in range(p, q):
            for end in range(start + 1, min(q, start + max_len) + 1):
                if not view.switchable(start, end):
                    continue
                pair = view.pair_for(start, end)
                if pair is not None:
                    out.append(pair)
        p = q
    return out


def content_pairs(view: View, max_len: int = 3, src_stop=frozenset(), tgt_stop=frozenset()) -> List[Pair]:
    """Tight consistent phrase pairs made only of content words on both
    sides (for the matrix-language frame): every language-tagged word is a
    content word by POS (``CONTENT_POS``) when the side is tagged, else by
    not being a stop word of its language."""
    out = []
    tgt = view.tgt
    for pair in phrase_pairs(view, max_len, extend_unaligned=False):
        if not all(_is_content(view.base.tokens[p], view.base.langs[p], view.pos_of(p), src_stop)
                   for p in range(pair.start, pair.end)):
            continue
        if not all(_is_content(tgt.tokens[j], "", tgt.pos[j] if tgt.pos else "", tgt_stop)
                   for j in range(pair.tgt_start, pair.tgt_end)):
            continue
        out.append(pair)
    return out


def _is_content(token: str, lang: str, pos: str, stop) -> bool:
    if lang == LANG_INDEPENDENT or is_language_independent(token):
        return True
    if pos:
        return pos in CONTENT_POS
    return token.casefold() not in stop


def pick_non_overlapping(cands: Sequence[Pair], rng, k: Optional[int] = None,
                         prob: Optional[float] = None, at_least: int = 0) -> List[Pair]:
    """Random non-overlapping subset: candidates in a random order, each
    taken with probability ``prob`` (always when None) until ``k`` are
    taken; if fewer than ``at_least`` were taken, the rest are filled from
    the remaining non-overlapping candidates in the same order."""
    order = list(cands)
    rng.shuffle(order)
    chosen: List[Pair] = []
    skipped: List[Pair] = []
    for c in order:
        if k is not None and len(chosen) >= k:
            break
        if any(c.overlaps(x) for x in chosen):
            continue
        if prob is None or rng.random() < prob:
            chosen.append(c)
        else:
            skipped.append(c)
    for c in skipped:
        if len(chosen) >= at_least or (k is not None and len(chosen) >= k):
            break
        if not any(c.overlaps(x) for x in chosen):
            chosen.append(c)
    return sorted(chosen, key=lambda c: c.start)
