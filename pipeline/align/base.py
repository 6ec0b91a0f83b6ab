"""The aligner interface every backend fills.

An aligner turns tokenized pairs into Pharaoh-style links ``(i, j)``
(source index, target index).  Backends are registered in
``cs_synth.pipeline.registry.aligners`` under their config name and built with
``factory(ctx, **options)``.

Corpus-level backends (eflomal) set ``corpus_level = True``: the Beam job
then groups pairs into large, deterministic batches (``batch_size`` pairs,
by input order) and may first run :meth:`Aligner.fit` over the whole corpus
(or a sample of it) to learn priors, which it passes to every batch as a
side input.  Pair-level backends (simalign, given) see small batches.
"""
from __future__ import annotations

from typing import Any, Iterable, List, Optional, Sequence, Tuple

from cs_synth.pipeline.align.symmetrize import PharaohError, parse_pharaoh

Link = Tuple[int, int]
Links = Tuple[Link, ...]
TokenPair = Tuple[Sequence[str], Sequence[str]]


def parse_given(text: Optional[str], n_src: int, n_tgt: int) -> Links:
    """Validate a Pharaoh alignment that came with the input for a pair of
    ``n_src`` x ``n_tgt`` tokens; possible links (``ipj``) count as sure."""
    if text is None:
        raise AlignmentError("missing_alignment", "the given aligner needs an alignment for every pair, "
                                                  "but this record has none")
    try:
        return parse_pharaoh(text, n_src, n_tgt)
    except PharaohError as exc:
        clipped = text if len(text) <= 120 else text[:120] + "..."
        raise AlignmentError("invalid_alignment", f"given alignment {clipped!r}: {exc}") from None


def split_given(pairs: Sequence[TokenPair], given: Optional[Sequence[Optional[str]]]):
    """Indices of pairs that carry a given alignment, and the rest: a
    supplied alignment always wins over the model."""
    if not given:
        return [], list(range(len(pairs)))
    if len(given) != len(pairs):
        raise ValueError(f"{len(given)} given alignments for {len(pairs)} pairs")
    return [k for k, g in enumerate(given) if g is not None], [k for k, g in enumerate(given) if g is None]


class AlignmentError(ValueError):
    """A single pair cannot be aligned; the record is rejected with
    ``reason`` (snake_case) and the message as detail."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


class Aligner:
    name: str = "aligner"
    corpus_level: bool = False
    #: input column this backend reads (``given`` reads the pair's alignment)
    uses_given_alignment: bool = False

    def fit(self, corpus: Iterable[TokenPair]) -> Optional[Any]:
        """Learn corpus-level state (e.g. eflomal priors) from the whole
        corpus. Returns a picklable object passed back to :meth:`align` as
        ``priors``; ``None`` when the backend has nothing to learn."""
        return None

    def fit_with_links(self, corpus: Sequence[TokenPair]) -> Tuple[Optional[Any], Optional[List[Links]]]:
        """:meth:`fit`, plus the links the fit itself found for each pair of
        ``corpus`` (in order) when it aligns them on the way, as eflomal's
        priors pass does; ``None`` for the links when it does not.  The job
        uses those links for the sampled pairs instead of aligning them a
        second time."""
        return self.fit(corpus), None

    def align(self, pairs: Sequence[TokenPair], priors: Optional[Any] = None,
              given: Optional[Sequence[Optional[str]]] = None) -> List[Links]:
        """Align a batch. Returns one tuple of links per pair, in order.
        Pairs that carry a Pharaoh string in ``given`` use it (validated);
        the rest go to :meth:`align_pairs`. May raise :class:`AlignmentError`
        only for a batch of one."""
        with_given, rest = split_given(pairs, given)
        out: List[Links] = [()] * len(pairs)
        for k in with_given:
            out[k] = parse_given(given[k], len(pairs[k][0]), len(pairs[k][1]))  # type: ignore[index]
        if rest:
            for k, links in zip(rest, self.align_pairs([pairs[k] for k in rest], priors)):
                out[k] = links
        return out

    def align_pairs(self, pairs: Sequence[TokenPair], priors: Optional[Any] = None) -> List[Links]:
        """The backend itself: links for pairs that came with no alignment."""
        raise NotImplementedError
