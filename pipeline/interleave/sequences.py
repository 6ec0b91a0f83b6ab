"""Ordered segments -> training sequences with provenance.

Patterns (``interleave.pattern``) over the segments of the two sides:

* ``alternate``: ``s0 t0 s1 t1 ...`` (``first: tgt`` gives ``t0 s0 ...``);
* ``random``: for each ``k`` the order of ``s_k`` and ``t_k`` is drawn from
  an rng derived from (seed, document id), so a retry on any worker draws
  the same;
* ``src_first`` / ``tgt_first``: one side's segments, then the other's.

When the sides have different numbers of segments (comparable documents),
the rest of the longer side follows in order.

The window: a sequence takes segments from position ``i`` while their
tokens (with language tags and separators) fit ``context_length``; the next
sequence starts ``stride`` segments later (no stride: right after the last
segment taken).  The last sequence is the first one that reaches the end.
"""
from __future__ import annotations

import random
from typing import Dict, List, Optional, Sequence, Tuple

from cs_synth.pipeline.interleave.segment import Segment
from cs_synth.pipeline.langs import LANG_INDEPENDENT


def order_segments(src: Sequence[Segment], tgt: Sequence[Segment], pattern: str, first: str = "src",
                   rng: Optional[random.Random] = None) -> List[Segment]:
    if pattern == "src_first":
        return list(src) + list(tgt)
    if pattern == "tgt_first":
        return list(tgt) + list(src)
    m = min(len(src), len(tgt))
    out: List[Segment] = []
    for k in range(m):
        if pattern == "random":
            src_opens = rng.random() < 0.5
        elif pattern == "alternate":
            src_opens = first == "src"
        else:
            raise ValueError(f"unknown pattern {pattern!r}")
        out.extend((src[k], tgt[k]) if src_opens else (tgt[k], src[k]))
    out.extend(src[m:])
    out.extend(tgt[m:])
    return out


def windows(costs: Sequence[int], sep_cost: int, context: int, stride: Optional[int]) -> List[Tuple[int, int, int]]:
    """``(start, end, tokens)`` of each window over segments costing
    ``costs`` (a segment's tokens plus its tag).  A window always holds at
    least one segment."""
    n, out, i = len(costs), [], 0
    while i < n:
        j, total = i, 0
        while j < n:
            add = costs[j] + (sep_cost if j > i else 0)
            if j > i and total + add > context:
                break
            total += add
            j += 1
        out.append((i, j, total))
        if j >= n:
            break
        i = i + stride if stride else j
    return out


def assemble(segments: Sequence[Segment], tags: Dict[str, str], separator: str):
    """The text of one sequence, its language spans and its segment list."""
    parts, spans, segs, pos = [], [], [], 0
    for k, seg in enumerate(segments):
        if k and separator:
            parts.append(separator)
            spans.append({"start": pos, "end": pos + len(separator), "lang": LANG_INDEPENDENT,
                          "kind": "separator", "segment": -1})
            pos += len(separator)
        tag = tags.get(seg.lang, "")
        if tag:
            parts.append(tag)
            spans.append({"start": pos, "end": pos + len(tag), "lang": LANG_INDEPENDENT, "kind": "tag",
                          "segment": k})
            pos += len(tag)
        text = seg.piece.text
        for a, b, lang in seg.piece.spans:
            spans.append({"start": pos + a, "end": pos + b, "lang": lang, "kind": "text", "segment": k})
        segs.append({"position": k, "side": seg.side, "index": seg.index, "part": seg.part, "lang": seg.lang,
                     "record_ids": list(seg.record_ids), "char_start": pos, "char_end": pos + len(text),
                     "n_tokens": seg.n_tokens})
        parts.append(text)
        pos += len(text)
    return "".join(parts), spans, segs
