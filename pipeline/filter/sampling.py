"""Distribution-matched top-k sampling per source pair.

A recipe may produce many candidate outputs for one source pair.  Keeping
the k "best" per pair by a fixed rule skews the corpus (e.g. always the most
switched candidate).  Instead we want the *corpus* distribution of a
code-mixing metric (``switch_points`` by default, or ``spf``, ``cmi``...) to
match a target taken from a real code-switched corpus, given as a mean and
standard deviation (or as the list of its per-sentence values).  GCM
(Rizvi et al. 2021) samples its generated sentences by SPF for the same
purpose; here the metric is the correctly computed one of
:mod:`cs_synth.pipeline.score.metrics`.

Per pair, independently (so it runs inside one Beam group per pair, on any
worker, in any order):

1. draw ``k`` target values from the target distribution, with the rng
   derived from ``(seed, pair_id, "sample.v1")`` -- the same on every worker
   and retry;
2. assign them to ``k`` distinct candidates so that the total absolute
   difference between each target and its candidate's metric is minimal
   (exact: in one dimension an optimal assignment preserves order, so a small
   dynamic program over the sorted candidates and sorted targets finds it);
   among candidates with equal values the order is a hash of (seed, record
   id), so equal alternatives (one entity switched into different languages)
   are picked evenly rather than always the first;
3. keep those ``k``; every other candidate is rejected with reason
   ``not_sampled`` (detail: its value and the pair's kept values).

A pair with at most ``k`` candidates keeps them all.  When many pairs
cannot reach the target's tails the corpus comes out narrower than the
target; :func:`calibrate` replays the sampler on the candidates' scores and
returns ``draw_mean``/``draw_std`` that correct for it.  Candidates without the
metric are rejected with ``missing_score_<metric>``.  Because each pair's
targets are independent draws from the target distribution, the kept values
over many pairs follow it as closely as the candidates allow (a pair whose
candidates all have 0 switch points cannot contribute a 3);
:func:`distribution_stats` / :func:`compare_to_target` measure the result,
and ``benchmarks/sampling_distribution.py`` shows it against baselines.
"""
from __future__ import annotations

import math
import random
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from cs_synth.pipeline.record import Record
from cs_synth.pipeline.rng import derive_rng, derive_seed
from cs_synth.pipeline.units import ConfigError, Context

UNIT = "sample.v1"
STAGE = "sample"


def _value(record: Record, metric: str) -> Optional[float]:
    if metric not in record.scores or record.scores[metric] is None:
        return None
    v = float(record.scores[metric])
    return None if math.isnan(v) else v


def draw_targets(rng: random.Random, k: int, mean: Optional[float], std: Optional[float],
                 values: Optional[Sequence[float]] = None) -> List[float]:
    """``k`` target values: from the empirical ``values`` when given (drawn
    with replacement), else from a normal distribution N(mean, std)."""
    if values:
        return sorted(values[rng.randrange(len(values))] for _ in range(k))
    return sorted(rng.gauss(mean, std) for _ in range(k))


def match_targets(values: Sequence[float], targets: Sequence[float]) -> List[int]:
    """Indices (into ``values``, which must be sorted ascending) of the
    ``len(targets)`` entries matched one-to-one to the sorted ``targets``
    with minimal total absolute difference.  O(n*k)."""
    n, k = len(values), len(targets)
    if k >= n:
        return list(range(n))
    inf = float("inf")
    # cost[i][j]: best cost of matching targets[:j] within values[:i]
    cost = [[inf] * (k + 1) for _ in range(n + 1)]
    take = [[False] * (k + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        cost[i][0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, min(i, k) + 1):
            skip = cost[i - 1][j]
            use = cost[i - 1][j - 1] + abs(values[i - 1] - targets[j - 1])
            # on a tie, skipping keeps target j on an earlier candidate
            # (smaller value, then smaller id): deterministic
            if use < skip:
                cost[i][j], take[i][j] = use, True
            else:
                cost[i][j] = skip
    out, i, j = [], n, k
    while j > 0:
        if take[i][j]:
            out.append(i - 1)
            j -= 1
        i -= 1
    return sorted(out)


def choose(sorted_values: Sequence[float], pair_key: str, *, k: int, seed: int, mean: Optional[float],
           std: Optional[float], values: Optional[Sequence[float]] = None) -> List[int]:
    """Indices of the candidates one pair keeps (``sorted_values`` ascending;
    ties already ordered by record id)."""
    if len(sorted_values) <= k:
        return list(range(len(sorted_values)))
    rng = derive_rng(seed, pair_key, UNIT)
    return match_targets(sorted_values, draw_targets(rng, k, mean, std, values))


class DistributionSampler:
    """Callable ``records -> records`` for the candidates of one pair.

    Targets are drawn from N(``draw_mean``, ``draw_std``), which default to
    the target ``mean``/``std``; :func:`calibrate` finds values that make
    the kept corpus hit the target when some pairs cannot reach its tails.
    """

    name = UNIT

    def __init__(self, *, k: int, metric: str, mean: Optional[float], std: Optional[float],
                 values: Optional[Tuple[float, ...]], seed: int,
                 draw_mean: Optional[float] = None, draw_std: Optional[float] = None):
        self.k, self.metric, self.mean, self.std, self.values, self.seed = k, metric, mean, std, values, seed
        self.draw_mean = mean if draw_mean is None else draw_mean
        self.draw_std = std if draw_std is None else draw_std

    def __call__(self, records: Iterable[Record]) -> List[Record]:
        records = list(records)
        out: List[Record] = [r for r in records if r.rejected]
        cands: List[Tuple[float, int, Record]] = []
        for r in records:
            if r.rejected:
                continue
            v = _value(r, self.metric)
            if v is None:
                out.append(r.reject(f"missing_score_{self.metric}", f"no {self.metric} score to sample on",
                                    stage=STAGE))
            else:
                # ties between equal values are broken by a hash of (seed, id), not by the id
                # itself: alternatives of one pair with the same value (the same entity switched
                # into different languages) must not always resolve to the first one
                cands.append((v, derive_seed(self.seed, r.id, UNIT), r))
        if len(cands) <= self.k:
            return out + [r for _, _, r in cands]
        cands.sort(key=lambda c: (c[0], c[1], c[2].id))
        pair_key = "\x1f".join(sorted({r.pair_id for _, _, r in cands}))
        chosen = set(choose([v for v, _, _ in cands], pair_key, k=self.k, seed=self.seed,
                            mean=self.draw_mean, std=self.draw_std, values=self.values))
        kept_vals = ", ".join(f"{cands[i][0]:g}" for i in sorted(chosen))
        for idx, (v, _, r) in enumerate(cands):
            if idx in chosen:
                out.append(r)
            else:
                out.append(r.reject("not_sampled", f"{self.metric}={v:g}; kept {self.k} of {len(cands)} "
                                                   f"with {self.metric} {kept_vals}", stage=STAGE))
        return out


def build_sampler(ctx: Context, **options: Any) -> DistributionSampler:
    """The config's ``sampling:`` block, e.g.::

        sampling: {k: 1, metric: switch_points, mean: 2.1, std: 1.4}

    Options, their types and defaults are those of
    :class:`cs_synth.pipeline.config.SamplingConfig` (an unknown option or a bad
    value raises :class:`ConfigError` naming ``sampling.<option>``).
    ``values`` (a list of the real corpus's per-sentence values) may replace
    ``mean``/``std``, and so may ``reference``: a real corpus in the
    word-level LID format whose per-sentence ``metric`` values are the target
    (:mod:`cs_synth.pipeline.distribution`).  ``seed`` defaults to the run's seed.  ``draw_mean`` /
    ``draw_std``: the normal distribution the per-pair targets are drawn
    from, when it should differ from the target (from :func:`calibrate`)."""
    from cs_synth.pipeline.config import SamplingConfig, check_block

    o = check_block(SamplingConfig, options, "sampling")
    where = "sampling"
    values = None
    if o.reference is not None:
        if o.values is not None or o.mean is not None or o.std is not None:
            raise ConfigError(f"{where}.reference: give one of reference, values or mean/std")
        from cs_synth.pipeline.distribution import checked_reference_values

        try:
            values = checked_reference_values(ctx.resolve(o.reference), o.metric, f"{where}.reference",
                                              mixed_only=False)
        except KeyError:
            raise ConfigError(f"{where}.metric: {o.metric} is no code-mixing metric, so it cannot be "
                              f"read from the reference corpus {o.reference}") from None
        if not values:
            raise ConfigError(f"{where}.reference: {o.reference} has no sentence")
        for opt in ("draw_mean", "draw_std"):
            if getattr(o, opt) is not None:
                raise ConfigError(f"{where}.{opt}: only used with mean/std, not with reference")
    elif o.values is not None:
        if o.mean is not None or o.std is not None:
            raise ConfigError(f"{where}: give either values or mean/std, not both")
        for opt in ("draw_mean", "draw_std"):
            if getattr(o, opt) is not None:
                raise ConfigError(f"{where}.{opt}: only used with mean/std, not with values")
        values = tuple(o.values)
    else:
        for opt in ("mean", "std"):
            if getattr(o, opt) is None:
                raise ConfigError(f"{where}.{opt}: required (the target corpus's {o.metric} {opt}), "
                                  f"or give values")
    return DistributionSampler(k=o.k, metric=o.metric, mean=o.mean, std=o.std, values=values,
                               seed=ctx.seed if o.seed is None else o.seed,
                               draw_mean=o.draw_mean, draw_std=o.draw_std)


def calibrate(pairs: Sequence[Tuple[str, Sequence[float]]], *, k: int, mean: float, std: float, seed: int = 0,
              iterations: int = 25) -> Dict[str, float]:
    """Find ``draw_mean``/``draw_std`` so that sampling ``pairs`` (each
    ``(pair_id, candidate values)``) gives kept values with the target
    ``mean``/``std``.

    Independent per-pair choices lose the target's tails wherever a pair's
    candidates cannot reach them (a pair whose candidates all have 0 or 1
    switch points cannot contribute a 4), which narrows the corpus
    distribution.  This replays the sampler exactly (same per-pair rng) and
    adjusts the drawing distribution by fixed-point steps
    (``mean' += mean - got_mean``, ``std' *= std / got_std``).  Run it on
    the candidates' scores (or a sample of pairs) and pass the result as
    ``draw_mean``/``draw_std``.  Returns the draw parameters and the kept
    mean/std they give."""
    prepared = [(pid, sorted(float(v) for v in vals)) for pid, vals in pairs]

    def run(dm: float, ds: float) -> Dict[str, float]:
        kept = []
        for pid, vals in prepared:
            kept += [vals[i] for i in choose(vals, pid, k=k, seed=seed, mean=dm, std=ds)]
        return distribution_stats(kept)

    dm, ds = float(mean), float(std)
    best = None
    for _ in range(max(1, iterations)):
        got = run(dm, ds)
        err = abs(got["mean"] - mean) + abs(got["std"] - std)
        if best is None or err < best[0]:
            best = (err, dm, ds, got)
        dm += mean - got["mean"]
        if got["std"] > 0:
            ds = min(ds * std / got["std"], 10.0 * std + 1.0)
    _, dm, ds, got = best
    return {"draw_mean": dm, "draw_std": ds, "mean": got["mean"], "std": got["std"]}


# ----------------------------------------------------------- corpus check
def distribution_stats(values: Sequence[float]) -> Dict[str, float]:
    """n, mean and population standard deviation of ``values``."""
    n = len(values)
    if n == 0:
        return {"n": 0, "mean": 0.0, "std": 0.0}
    mu = sum(values) / n
    return {"n": n, "mean": mu, "std": math.sqrt(sum((v - mu) ** 2 for v in values) / n)}


def corpus_distribution(records: Iterable[Record], metric: str = "switch_points") -> Dict[str, float]:
    """Stats of ``metric`` over the kept (not rejected) records that have it."""
    vals = [v for v in (_value(r, metric) for r in records if not r.rejected) if v is not None]
    return distribution_stats(vals)


def compare_to_target(records: Iterable[Record], *, mean: float, std: float,
                      metric: str = "switch_points") -> Dict[str, float]:
    """The kept records' mean/std next to the target, with the differences."""
    got = corpus_distribution(records, metric)
    return {"metric": metric, "n": got["n"], "mean": got["mean"], "std": got["std"],
            "target_mean": mean, "target_std": std,
            "mean_error": got["mean"] - mean, "std_error": got["std"] - std}


SamplerFn = Callable[[Iterable[Record]], List[Record]]
