"""Alignment error rate (Och and Ney 2003), precision and recall.

A gold standard marks each link *sure* (S) or *possible* (P); sure links are
also possible (P includes S).  For predicted links A, summed over the
corpus::

    precision = |A & P| / |A|
    recall    = |A & S| / |S|
    AER       = 1 - (|A & S| + |A & P|) / (|A| + |S|)

In Pharaoh gold files ``i-j`` is sure and ``ipj`` possible
(:func:`cs_synth.pipeline.align.symmetrize.parse_pharaoh_sp`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Dict, Iterable, Sequence, Tuple

Link = Tuple[int, int]


@dataclass(frozen=True)
class AERCounts:
    predicted: int = 0       # |A|
    sure: int = 0            # |S|
    hit_sure: int = 0        # |A & S|
    hit_possible: int = 0    # |A & P|, P including S

    def __add__(self, other: "AERCounts") -> "AERCounts":
        return AERCounts(self.predicted + other.predicted, self.sure + other.sure,
                         self.hit_sure + other.hit_sure, self.hit_possible + other.hit_possible)

    @property
    def precision(self) -> float:
        return self.hit_possible / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.hit_sure / self.sure if self.sure else 0.0

    @property
    def aer(self) -> float:
        denom = self.predicted + self.sure
        if denom == 0:
            return 0.0
        return 1.0 - (self.hit_sure + self.hit_possible) / denom

    def as_dict(self) -> Dict[str, float]:
        d: Dict[str, float] = dict(asdict(self))
        d.update(aer=self.aer, precision=self.precision, recall=self.recall)
        return d


def sentence_counts(predicted: Iterable[Link], sure: Iterable[Link],
                    possible: Iterable[Link] = ()) -> AERCounts:
    """Counts for one sentence pair.  ``possible`` may or may not repeat the
    sure links; they are added to it either way."""
    a = set(predicted)
    s = set(sure)
    p = set(possible) | s
    return AERCounts(len(a), len(s), len(a & s), len(a & p))


def corpus_counts(predicted: Sequence[Iterable[Link]],
                  gold: Sequence[Tuple[Iterable[Link], Iterable[Link]]]) -> AERCounts:
    """Sum :func:`sentence_counts` over aligned corpora; ``gold`` holds one
    ``(sure, possible)`` per pair."""
    if len(predicted) != len(gold):
        raise ValueError(f"{len(predicted)} predicted alignments for {len(gold)} gold alignments")
    total = AERCounts()
    for a, (s, p) in zip(predicted, gold):
        total = total + sentence_counts(a, s, p)
    return total


def aer(predicted: Sequence[Iterable[Link]],
        gold: Sequence[Tuple[Iterable[Link], Iterable[Link]]]) -> float:
    return corpus_counts(predicted, gold).aer
