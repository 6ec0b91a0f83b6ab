"""The aligner interface every backend fills.

An aligner turns tokenized pairs into Pharaoh-style links ``(i, j)``
(source index, target index).  Backends are registered in
``pipeline.registry.aligners`` under their config name and built with
``factory(ctx, **options)``.

Corpus-level backends (eflomal) set ``corpus_level = True``: the Beam job
then groups pairs into large, deterministic batches (``batch_size`` pairs,
by input order) and may first run :meth:`Aligner.fit` over the whole corpus
(or a sample of it) to learn priors, which it passes to every batch as a
side input.  Pair-level backends (simalign, given) see small batches.
"""
from __future__ import annotations

from typing import Any, Iterable, List, Optional, Sequence, Tuple

Link = Tuple[int, int]
Links = Tuple[Link, ...]
TokenPair = Tuple[Sequence[str], Sequence[str]]


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

    def align(self, pairs: Sequence[TokenPair], priors: Optional[Any] = None,
              given: Optional[Sequence[Optional[str]]] = None) -> List[Links]:
        """Align a batch. Returns one tuple of links per pair, in order.
        ``given`` carries the per-pair Pharaoh strings for the ``given``
        backend. May raise :class:`AlignmentError` only for a batch of one."""
        raise NotImplementedError
