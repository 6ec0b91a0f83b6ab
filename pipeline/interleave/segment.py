"""Sentences of a document -> segments.

* ``segment: sentences``: every ``sentences_per_segment`` consecutive
  sentences form one segment.
* ``segment: tokens``: consecutive sentences are packed into a segment while
  it stays within ``segment_tokens`` tokens; a sentence longer than the
  budget is a segment of its own (it is split only if it cannot fit a
  context window, see :func:`split_segment`).

For parallel documents both sides are cut at the same sentence boundaries
(in token mode a segment closes when either side would exceed the budget),
so segment ``k`` of one side translates segment ``k`` of the other.
Sentences inside a segment are joined by ``sentence_joiner`` (a space).
"""
from __future__ import annotations

from typing import List, NamedTuple, Sequence, Tuple

from cs_synth.pipeline.interleave.documents import Piece, merge_spans
from cs_synth.pipeline.langs import LANG_INDEPENDENT


class Segment(NamedTuple):
    #: ``src``, ``tgt``, or ``cs`` (a source segment replaced by its code-switched outputs)
    side: str
    #: segment number on its side (aligned across sides for parallel documents)
    index: int
    #: 0, or the number of the piece when an over-long segment was split
    part: int
    #: the language whose tag opens the segment (a code-switched segment: its matrix language)
    lang: str
    #: the record ids (pair ids) of its sentences
    record_ids: Tuple[str, ...]
    piece: Piece
    n_tokens: int


def join_pieces(pieces: Sequence[Piece], joiner: str) -> Piece:
    """The pieces joined by ``joiner``; a joiner between two spans of one
    language takes that language, else ``zxx``."""
    text_parts, spans, pos = [], [], 0
    for k, p in enumerate(pieces):
        if k:
            before = spans[-1][2] if spans else LANG_INDEPENDENT
            after = p.spans[0][2] if p.spans else LANG_INDEPENDENT
            spans.append((pos, pos + len(joiner), before if before == after else LANG_INDEPENDENT))
            text_parts.append(joiner)
            pos += len(joiner)
        text_parts.append(p.text)
        spans.extend((pos + a, pos + b, lang) for a, b, lang in p.spans)
        pos += len(p.text)
    return Piece("".join(text_parts), merge_spans(spans))


def group_sentences(counts: Sequence[Sequence[int]], mode: str, per_segment: int, budget: int) -> List[Tuple[int, int]]:
    """``[start, end)`` sentence ranges of the segments.  ``counts[s]`` holds
    the token counts of sentence ``s`` on each side taken into account."""
    n = len(counts)
    if mode == "sentences":
        return [(a, min(a + per_segment, n)) for a in range(0, n, per_segment)]
    out, start, totals = [], 0, None
    for s, c in enumerate(counts):
        if totals is not None and any(t + x > budget for t, x in zip(totals, c)):
            out.append((start, s))
            start, totals = s, None
        totals = list(c) if totals is None else [t + x for t, x in zip(totals, c)]
    if n:
        out.append((start, n))
    return out


def build_segments(side: str, lang: str, pieces: Sequence[Piece], ids: Sequence[str],
                   groups: Sequence[Tuple[int, int]], tokenizer, joiner: str = " ") -> List[Segment]:
    joined = [join_pieces(pieces[a:b], joiner) for a, b in groups]
    counts = tokenizer.count_batch([p.text for p in joined])
    return [Segment(side, k, 0, lang, tuple(ids[a:b]), p, n)
            for k, ((a, b), p, n) in enumerate(zip(groups, joined, counts))]


def split_segment(seg: Segment, limit: int, tokenizer) -> List[Segment]:
    """``seg`` cut at token boundaries into pieces of at most ``limit``
    tokens (nothing of the text but the whitespace at the cuts is lost)."""
    if seg.n_tokens <= limit:
        return [seg]
    offsets = tokenizer.offsets_batch([seg.piece.text])[0]
    out = []
    for part, a in enumerate(range(0, len(offsets), limit)):
        chunk = offsets[a:a + limit]
        c0, c1 = chunk[0][0], chunk[-1][1]
        spans = merge_spans((max(s, c0) - c0, min(e, c1) - c0, lang)
                            for s, e, lang in seg.piece.spans if e > c0 and s < c1)
        out.append(seg._replace(part=part, piece=Piece(seg.piece.text[c0:c1], spans), n_tokens=len(chunk)))
    return out
