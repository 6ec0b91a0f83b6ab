"""Apply a set of eWAVE feature rules to one parsed sentence.

Order and overlaps
    Every selected rule reads the *same* parse of the input sentence and
    proposes hits (token spans to replace, see :class:`~.rules.Hit`).  Rules
    run in ascending eWAVE feature ID; within a rule, hits run left to right.
    For each hit the engine draws one number from the record's ``rng`` and
    keeps the hit when the draw is below the feature's probability and the
    hit does not overlap a hit kept before it (so on a conflict the lower
    feature ID wins, then the leftmost hit).  Tokens tagged with a language
    other than English (in chained, code-switched input) are never touched.
    Kept hits are then applied all at once, so positions refer to the input.

Spacing, case
    Tokens that keep their input neighbour keep their input spacing; at every
    changed boundary the space is recomputed (no space before ``n't``, ``'s``
    and closing punctuation, none after opening brackets).  When the first
    word of the sentence changes, the new first word is capitalized and the
    old one lower-cased (unless it is ``I`` or a proper noun).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from cs_synth.transforms.dialect.morph import CLITICS, match_case
from cs_synth.transforms.dialect.rules import Hit, Rule

ATTACH_LEFT = {".", ",", "!", "?", ";", ":", ")", "]", "}", "%", "...", "…", "'", "’"}
OPEN_RIGHT = {"(", "[", "{", "``", "“", "‘", "$", "#"}


@dataclass(frozen=True)
class Applied:
    rule: Rule
    hit: Hit
    out_start: int
    out_end: int


@dataclass(frozen=True)
class Result:
    tokens: Tuple[str, ...]
    spaces: Tuple[bool, ...]
    origin: Tuple[Optional[int], ...]  # input index of each output token, None if new
    applied: Tuple[Applied, ...]
    candidates: int  # hits proposed by the rules (before probabilities)


def _attaches_left(tok: str) -> bool:
    return tok in CLITICS or tok.lower() in CLITICS or tok in ATTACH_LEFT


def _overlaps(hit: Hit, kept: Sequence[Hit]) -> bool:
    s, e = hit.start, hit.end
    for k in kept:
        if s == e:  # insert at s
            if k.start < s < k.end or (k.start == k.end == s):
                return True
        elif k.start == k.end:
            if s < k.start < e:
                return True
        elif s < k.end and k.start < e:
            return True
    return False


def select_hits(doc, plan: Sequence[Tuple[Rule, float]], rng, protected: Sequence[bool] = ()) -> Tuple[List[Tuple[Rule, Hit]], int]:
    """Run the rules of ``plan`` (in the given order) and keep hits by
    probability and overlap, as described in the module docstring."""
    kept: List[Tuple[Rule, Hit]] = []
    kept_hits: List[Hit] = []
    n_candidates = 0
    for rule, prob in plan:
        for hit in rule.hits(doc):
            n_candidates += 1
            draw = rng.random()
            if draw >= prob:
                continue
            if protected and any(protected[i] for i in range(hit.start, min(hit.end, len(protected)))):
                continue
            if _overlaps(hit, kept_hits):
                continue
            kept.append((rule, hit))
            kept_hits.append(hit)
    return kept, n_candidates


def apply_hits(doc, selected: Sequence[Tuple[Rule, Hit]]) -> Tuple[List[str], List[bool], List[Optional[int]], List[Applied]]:
    words = [t.text for t in doc]
    in_spaces = [bool(t.whitespace_) for t in doc]
    n = len(words)
    inserts = {}
    replaces = {}
    for rule, hit in selected:
        if hit.start == hit.end:
            inserts.setdefault(hit.start, []).append((rule, hit))
        else:
            replaces[hit.start] = (rule, hit)
    out: List[str] = []
    origin: List[Optional[int]] = []
    fixed: List[Optional[bool]] = []
    applied: List[Applied] = []

    opens: dict = {}  # output index of a replacement's first token -> its hit
    closes: dict = {}  # output index of a replacement's last token -> its hit

    def emit(rule, hit):
        start = len(out)
        for k, tok in enumerate(hit.tokens):
            out.append(tok)
            origin.append(None)
            last = k == len(hit.tokens) - 1
            fixed.append(None if (last or hit.spaces is None) else hit.spaces[k])
        if hit.tokens and hit.start < hit.end:
            opens[start] = hit
            closes[len(out) - 1] = hit
        applied.append(Applied(rule, hit, start, len(out)))

    k = 0
    while k <= n:
        for rule, hit in inserts.get(k, ()):
            emit(rule, hit)
        if k == n:
            break
        if k in replaces:
            rule, hit = replaces[k]
            emit(rule, hit)
            k = hit.end
            continue
        out.append(words[k])
        origin.append(k)
        fixed.append(None)
        k += 1

    _fix_case(doc, out, origin)
    spaces: List[bool] = []
    m = len(out)
    for j in range(m):
        if j == m - 1:
            spaces.append(in_spaces[origin[j]] if origin[j] is not None else (in_spaces[-1] if n else False))
        elif origin[j] is not None and origin[j + 1] == origin[j] + 1:
            spaces.append(in_spaces[origin[j]])
        elif fixed[j] is not None:
            spaces.append(fixed[j])
        elif _attaches_left(out[j + 1]) or out[j] in OPEN_RIGHT:
            spaces.append(False)
        elif j + 1 in opens and origin[j] is not None and origin[j] == opens[j + 1].start - 1:
            # a replacement right after an untouched token keeps the input
            # boundary (``dirt-bikes`` -> ``dirt-bike``), unless the replaced
            # token was a clitic (``He's`` -> ``He is``)
            spaces.append(in_spaces[origin[j]] or _attaches_left(words[opens[j + 1].start]))
        elif j in closes and origin[j + 1] is not None and origin[j + 1] == closes[j].end:
            spaces.append(in_spaces[closes[j].end - 1])
        else:
            spaces.append(True)
    applied.sort(key=lambda a: (a.out_start, a.hit.start))
    return out, spaces, origin, applied


def _first_word(tokens) -> Optional[int]:
    for i, t in enumerate(tokens):
        if any(ch.isalpha() for ch in t):
            return i
    return None


def _fix_case(doc, out: List[str], origin: List[Optional[int]]) -> None:
    words = [t.text for t in doc]
    first_in = _first_word(words)
    first_out = _first_word(out)
    if first_in is None or first_out is None or not words[first_in][:1].isupper():
        return
    if origin[first_out] == first_in:
        return
    out[first_out] = match_case(out[first_out], "X")
    tok = doc[first_in]
    keep_upper = tok.text == "I" or tok.pos_ == "PROPN" or (tok.text.isupper() and len(tok.text) > 1)
    if not keep_upper:
        for j, o in enumerate(origin):
            if o == first_in and j != first_out:
                out[j] = tok.text[0].lower() + tok.text[1:]


def run(doc, plan: Sequence[Tuple[Rule, float]], rng, protected: Sequence[bool] = ()) -> Result:
    selected, n_candidates = select_hits(doc, plan, rng, protected)
    tokens, spaces, origin, applied = apply_hits(doc, selected)
    return Result(tuple(tokens), tuple(spaces), tuple(origin), tuple(applied), n_candidates)
