"""The ``given`` aligner: alignments supplied with the input pass through.

A reader stores the Pharaoh text of an input alignment column in
``record.seq_labels["__alignment__"]`` (:data:`GIVEN_ALIGNMENT_KEY`).  This
backend validates it against the tokenized pair and turns it into links.
A malformed link (``0-x``, ``1:2``), a negative or out-of-range index, or a
missing string is a per-record problem: :func:`parse_given` raises
:class:`~pipeline.align.base.AlignmentError` with reason
``invalid_alignment`` (``missing_alignment`` when there is none) and
:func:`align_record` turns that into a rejected record (``stage="align"``).

Possible links (``ipj``) are accepted and kept like sure links.
"""
from __future__ import annotations

from typing import List, Optional, Sequence

from pipeline.align.base import AlignmentError, Aligner, Links, TokenPair
from pipeline.align.symmetrize import PharaohError, parse_pharaoh
from pipeline.record import FrozenMap, Record
from pipeline.registry import aligners
from pipeline.units import Context

#: where readers put a supplied alignment (same value as
#: ``pipeline.read.readers.GIVEN_ALIGNMENT_KEY``)
GIVEN_ALIGNMENT_KEY = "__alignment__"
UNIT = "given.v1"


def parse_given(text: Optional[str], n_src: int, n_tgt: int) -> Links:
    """Validate Pharaoh ``text`` for a pair of ``n_src`` x ``n_tgt`` tokens."""
    if text is None:
        raise AlignmentError("missing_alignment", "the given aligner needs an alignment for every pair, "
                                                  "but this record has none")
    try:
        return parse_pharaoh(text, n_src, n_tgt)
    except PharaohError as exc:
        raise AlignmentError("invalid_alignment", f"given alignment {_clip(text)!r}: {exc}") from None


def _clip(text, n: int = 120) -> str:
    text = str(text)
    return text if len(text) <= n else text[:n] + "..."


def split_given(pairs: Sequence[TokenPair], given: Optional[Sequence[Optional[str]]]):
    """Indices of pairs that carry a given alignment, and the rest.

    Model backends use this so that a supplied alignment always wins over
    the model, whichever backend is configured."""
    if not given:
        return [], list(range(len(pairs)))
    if len(given) != len(pairs):
        raise ValueError(f"{len(given)} given alignments for {len(pairs)} pairs")
    with_given = [k for k, g in enumerate(given) if g is not None]
    rest = [k for k, g in enumerate(given) if g is None]
    return with_given, rest


def without_given_key(record: Record) -> Record:
    """``record`` without the internal given-alignment label."""
    if GIVEN_ALIGNMENT_KEY not in record.seq_labels:
        return record
    seq = FrozenMap({k: v for k, v in record.seq_labels.items() if k != GIVEN_ALIGNMENT_KEY})
    return record.evolve(seq_labels=seq)


def align_record(record: Record, stage: str = "align") -> Record:
    """Set ``record.alignment`` from its given Pharaoh text.

    Returns the aligned record (given-alignment label removed), or the
    record rejected with ``invalid_alignment`` / ``missing_alignment``."""
    if record.rejected:
        return record
    text = record.seq_labels.get(GIVEN_ALIGNMENT_KEY)
    n_src = len(record.src.tokens)
    n_tgt = len(record.tgt.tokens) if record.tgt is not None else 0
    try:
        links = parse_given(text, n_src, n_tgt)
    except AlignmentError as exc:
        return without_given_key(record).reject(exc.reason, str(exc), stage=stage)
    return without_given_key(record).evolve(alignment=links)


class GivenAligner(Aligner):
    name = UNIT
    corpus_level = False
    uses_given_alignment = True

    def align(self, pairs: Sequence[TokenPair], priors=None,
              given: Optional[Sequence[Optional[str]]] = None) -> List[Links]:
        if given is None:
            given = [None] * len(pairs)
        if len(given) != len(pairs):
            raise ValueError(f"{len(given)} given alignments for {len(pairs)} pairs")
        return [parse_given(g, len(s), len(t)) for (s, t), g in zip(pairs, given)]


def given_factory(ctx: Context) -> GivenAligner:
    """``aligner: given``: no options."""
    return GivenAligner()


aligners.register("given", func=given_factory)
