"""Registered quality filters: ``factory(ctx, **options) -> filter``.

A filter is a callable ``record -> None | (reason, detail)`` with a versioned
``.name`` and ``.requires`` (the score names it reads).  It decides *only*
from ``record.scores`` ("score first, decide later"): the scores stay on kept
records, so thresholds can be re-applied to the output without recomputing.

Every reason is a stable snake_case code; bounds are inclusive (a score equal
to ``min`` or ``max`` is kept):

=====================  ==================================  =============================================
registry name          options                             reason codes
=====================  ==================================  =============================================
``metric_range``       ``metric`` (any SCORE_NAMES name),  ``<metric>_below_min``, ``<metric>_above_max``
                       ``min``, ``max``, ``on_missing``
``lid_agreement``      ``min_agreement`` (1.0),            ``lid_agreement_below_min``,
                       ``min_confidence`` (0.0),           ``lid_confidence_below_min``
                       ``on_missing``
``length_ratio``       ``min`` (0.5), ``max`` (2.0),       ``length_ratio_below_min``,
                       ``on_missing``                      ``length_ratio_above_max``
``alignment_coverage`` ``min`` (0.5), ``max`` (none),      ``alignment_coverage_below_min``,
                       ``on_missing``                      ``alignment_coverage_above_max``
``perplexity``         ``max`` (required), ``min``,        ``perplexity_above_max``, ``perplexity_below_min``
                       ``on_missing``
=====================  ==================================  =============================================

**A missing score** (the scorer was not run, or left the score out because
it is undefined for that record, or it is NaN) is a per-record fact, not a
configuration error: with ``on_missing: reject`` (the default) the record is
rejected with ``missing_score_<name>`` so nothing passes a check that was
never made; ``on_missing: keep`` lets it through.  A filter whose scores no
configured scorer produces *is* a configuration error:
:func:`check_filters_have_scores` raises :class:`ConfigError` for it before
the run starts.

The detail string reads like ``switch_points=0 < min=1``.
"""
from __future__ import annotations

import math
from typing import Any, Literal, Optional, Sequence, Tuple

from pydantic import AfterValidator, Field
from typing_extensions import Annotated

from cs_synth.pipeline import registry
from cs_synth.pipeline.record import Record
from cs_synth.pipeline.score import SCORE_NAMES
from cs_synth.pipeline.units import ConfigError, Context

ON_MISSING = ("reject", "keep")
Verdict = Optional[Tuple[str, str]]


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _not_nan(value: float) -> float:
    if math.isnan(value):
        raise ValueError("must be a number, not NaN")
    return value


# option types of the filter factories (their signatures are their option schemas)
Number = Annotated[float, AfterValidator(_not_nan)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]
OnMissing = Literal[ON_MISSING]


def _score(record: Record, name: str) -> Optional[float]:
    if name not in record.scores:
        return None
    value = record.scores[name]
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


class Bound:
    """One inclusive ``[min, max]`` check on one score."""

    def __init__(self, metric: str, lo: Optional[float], hi: Optional[float], on_missing: str):
        if metric not in SCORE_NAMES:
            raise ConfigError(f"metric: unknown score {metric!r}; known: {', '.join(SCORE_NAMES)}")
        if lo is None and hi is None:
            raise ConfigError(f"give min, max or both for {metric!r}")
        if lo is not None and hi is not None and lo > hi:
            raise ConfigError(f"min: {_fmt(lo)} is greater than max ({_fmt(hi)})")
        self.metric, self.lo, self.hi, self.on_missing = metric, lo, hi, on_missing

    def __call__(self, record: Record) -> Verdict:
        value = _score(record, self.metric)
        if value is None:
            if self.on_missing == "keep":
                return None
            return f"missing_score_{self.metric}", f"no {self.metric} score on the record"
        if self.lo is not None and value < self.lo:
            return f"{self.metric}_below_min", f"{self.metric}={_fmt(value)} < min={_fmt(self.lo)}"
        if self.hi is not None and value > self.hi:
            return f"{self.metric}_above_max", f"{self.metric}={_fmt(value)} > max={_fmt(self.hi)}"
        return None


class ScoreFilter:
    """A named filter made of bounds checked in order; the first failure wins."""

    def __init__(self, name: str, bounds: Sequence[Bound]):
        self.name = name
        self.bounds = tuple(bounds)
        self.requires = tuple(b.metric for b in self.bounds)

    def __call__(self, record: Record) -> Verdict:
        for bound in self.bounds:
            verdict = bound(record)
            if verdict is not None:
                return verdict
        return None

    def __repr__(self) -> str:
        return f"<filter {self.name} {self.requires}>"


@registry.filters.register("metric_range")
def metric_range(ctx: Context, *, metric: str, min: Optional[Number] = None, max: Optional[Number] = None,
                 on_missing: OnMissing = "reject") -> ScoreFilter:
    """Keep records whose score ``metric`` lies in ``[min, max]`` (either bound
    may be left out).  Reasons ``<metric>_below_min`` / ``<metric>_above_max``."""
    return ScoreFilter("metric_range.v1", [Bound(metric, min, max, on_missing)])


@registry.filters.register("lid_agreement")
def lid_agreement(ctx: Context, *, min_agreement: Share = 1.0, min_confidence: Share = 0.0,
                  on_missing: OnMissing = "reject") -> ScoreFilter:
    """Switched spans must be identified as their claimed language: keep when
    ``lid_agreement >= min_agreement`` and ``lid_confidence >= min_confidence``
    (scores of the ``lid`` scorer)."""
    return ScoreFilter("lid_agreement.v1", [
        Bound("lid_agreement", min_agreement, None, on_missing),
        Bound("lid_confidence", min_confidence, None, on_missing),
    ])


@registry.filters.register("length_ratio")
def length_ratio(ctx: Context, *, min: Optional[Number] = 0.5, max: Optional[Number] = 2.0,
                 on_missing: OnMissing = "reject") -> ScoreFilter:
    """Source/target token length ratio within ``[min, max]``."""
    return ScoreFilter("length_ratio.v1", [Bound("length_ratio", min, max, on_missing)])


@registry.filters.register("alignment_coverage")
def alignment_coverage(ctx: Context, *, min: Optional[Number] = 0.5, max: Optional[Number] = None,
                       on_missing: OnMissing = "reject") -> ScoreFilter:
    """Share of aligned tokens at least ``min`` (and at most ``max``)."""
    return ScoreFilter("alignment_coverage.v1", [Bound("alignment_coverage", min, max, on_missing)])


@registry.filters.register("perplexity")
def perplexity(ctx: Context, *, max: Number, min: Optional[Number] = None,
               on_missing: OnMissing = "reject") -> ScoreFilter:
    """Fluency: language-model perplexity at most ``max`` (``perplexity`` scorer)."""
    return ScoreFilter("perplexity.v1", [Bound("perplexity", min, max, on_missing)])


# ------------------------------------------------------------------ helpers
def check_filters_have_scores(filters: Sequence[ScoreFilter], scorers: Sequence[Any]) -> None:
    """Raise :class:`ConfigError` when a filter reads a score that none of the
    configured scorers writes (name the scorer to add)."""
    produced = {key for s in scorers for key in getattr(s, "keys", ())}
    for f in filters:
        for name in f.requires:
            if name not in produced:
                raise ConfigError(f"filter {f.name} reads score {name!r} but no configured scorer writes it; "
                                  f"add the scorer that does to 'score:' ({_scorer_for(name)})")


def _scorer_for(score: str) -> str:
    from cs_synth.pipeline.score.metrics import METRIC_NAMES

    if score in METRIC_NAMES:
        return "code_mixing"
    hints = {"lid_agreement": "lid", "lid_confidence": "lid", "length_ratio": "length_ratio",
             "alignment_coverage": "alignment_coverage", "perplexity": "perplexity"}
    return hints.get(score, "a scorer that writes it")
