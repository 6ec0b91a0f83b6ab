"""Token labels through a switch.

Token-level labels given with the source (``src.labels``, e.g. ``ner`` BIO
tags or ``upos``) are carried into the switched output: unchanged tokens
keep theirs; a target token inserted for a source span takes the label of
the source tokens it is aligned to (its *origins*).  BIO sequences are
re-chunked, so a switched entity keeps its type over all of its new tokens
with ``B-`` on the first, and a chunk cut by a switch restarts with ``B-``.
The projection itself is :func:`cs_synth.transforms.common.project_labels` (shared
with the other rewriting units); this module computes the origins through
the word alignment.  Sequence-level labels (``seq_labels``) pass through
unchanged.
"""
from __future__ import annotations

from typing import Tuple

from cs_synth.transforms.common import is_bio, project_labels  # noqa: F401  (re-exported)


def target_origins(view, pair) -> Tuple[Tuple[int, ...], ...]:
    """For each target token of ``pair``: the base positions inside the
    pair's span that it is aligned to (empty for unaligned target tokens,
    which then take the label of their neighbours in the span)."""
    out = []
    for j in range(pair.tgt_start, pair.tgt_end):
        ps = []
        for i in view.t2s.get(j, ()):
            p = view.base_of.get(i)
            if p is not None and pair.start <= p < pair.end:
                ps.append(p)
        out.append(tuple(sorted(ps)))
    return tuple(out)
