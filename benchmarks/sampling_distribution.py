"""Distribution-matched sampling vs simpler top-k rules: how close does the
kept corpus's switch-point distribution get to a target mean/std?

Builds ``--pairs`` synthetic candidate sets shaped like a code-switching
recipe's output: each pair gets 2..12 candidates whose switch-point counts
are drawn around a pair-specific rate (short sentences give few switches,
long ones many), then keeps ``--k`` per pair with

* ``random``           -- k candidates at random (rng per pair),
* ``most_switched``    -- the k with most switch points (a common "best" rule),
* ``closest_to_mean``  -- the k nearest the target mean (ranking by the
                          Gaussian density of the target; shrinks the spread),
* ``matched``          -- cs_synth.pipeline.filter.sampling (targets drawn from
                          N(mean, std), optimal assignment per pair),
* ``matched+calibrated`` -- the same with draw_mean/draw_std from
                          ``calibrate()`` run on a *different* set of pairs
                          (another seed), so it is not fitted to the test pairs,

and prints each rule's corpus mean/std next to the target, the absolute
errors, and the errors as a ratio of the ``random`` rule's (same run).  It
also prints the sampler's time per pair as a ratio of the random rule's.

    .venv/bin/python benchmarks/sampling_distribution.py --pairs 5000 --k 1 --mean 2.0 --std 1.3

The target numbers are illustrative (pass the mean/std measured on a real
code-switched corpus with ``cs_synth.pipeline.metrics``).
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from cs_synth.pipeline.filter.sampling import build_sampler, calibrate, distribution_stats  # noqa: E402
from cs_synth.pipeline.record import Record, Side  # noqa: E402
from cs_synth.pipeline.rng import derive_rng  # noqa: E402
from cs_synth.pipeline.units import Context  # noqa: E402


def candidates(n_pairs: int, seed: int):
    out = []
    for p in range(n_pairs):
        rng = derive_rng(seed, f"pair{p}", "bench")
        n = rng.randint(2, 12)
        rate = rng.uniform(0.3, 4.0)
        cands = []
        for i in range(n):
            # Poisson-like count via summed Bernoulli trials
            sp = sum(1 for _ in range(12) if rng.random() < rate / 12)
            cands.append(Record(id=f"p{p}:{i}", pair_id=f"p{p}", src=Side(text="x", lang="en"),
                                scores={"switch_points": float(sp)}))
        out.append(cands)
    return out


def keep_random(cands, k, seed):
    rng = derive_rng(seed, cands[0].pair_id, "random")
    return rng.sample(cands, min(k, len(cands)))


def keep_most(cands, k, _):
    return sorted(cands, key=lambda r: (-r.scores["switch_points"], r.id))[:k]


def make_closest(mean, std):
    def keep(cands, k, _):
        dens = lambda r: math.exp(-0.5 * ((r.scores["switch_points"] - mean) / std) ** 2)  # noqa: E731
        return sorted(cands, key=lambda r: (-dens(r), r.id))[:k]
    return keep


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", type=int, default=5000)
    ap.add_argument("--k", type=int, default=1)
    ap.add_argument("--mean", type=float, default=2.0)
    ap.add_argument("--std", type=float, default=1.3)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    pairs = candidates(args.pairs, args.seed)
    pool = distribution_stats([r.scores["switch_points"] for c in pairs for r in c])
    print(f"{args.pairs} pairs, {pool['n']} candidates (pool mean {pool['mean']:.3f}, std {pool['std']:.3f}); "
          f"keep k={args.k} per pair; target mean {args.mean}, std {args.std}")

    sampler = build_sampler(Context(seed=args.seed), k=args.k, mean=args.mean, std=args.std)
    held_out = candidates(min(args.pairs, 3000), args.seed + 1)
    t0 = time.perf_counter()
    cal = calibrate([(c[0].pair_id, [r.scores["switch_points"] for r in c]) for c in held_out],
                    k=args.k, mean=args.mean, std=args.std, seed=args.seed)
    print(f"calibrated on {len(held_out)} other pairs in {time.perf_counter() - t0:.1f}s: "
          f"draw_mean {cal['draw_mean']:.3f}, draw_std {cal['draw_std']:.3f}")
    calibrated = build_sampler(Context(seed=args.seed), k=args.k, mean=args.mean, std=args.std,
                               draw_mean=cal["draw_mean"], draw_std=cal["draw_std"])
    rules = {
        "random": keep_random,
        "most_switched": keep_most,
        "closest_to_mean": make_closest(args.mean, args.std),
        "matched": lambda cands, k, _: [r for r in sampler(cands) if not r.rejected],
        "matched+calibrated": lambda cands, k, _: [r for r in calibrated(cands) if not r.rejected],
    }
    results, times = {}, {}
    for name, rule in rules.items():
        t0 = time.perf_counter()
        kept = [r for c in pairs for r in rule(c, args.k, args.seed)]
        times[name] = time.perf_counter() - t0
        results[name] = distribution_stats([r.scores["switch_points"] for r in kept])

    base = results["random"]
    base_err = (abs(base["mean"] - args.mean), abs(base["std"] - args.std))
    print(f"{'rule':<19} {'kept':>6} {'mean':>7} {'std':>7} {'|d mean|':>9} {'|d std|':>8} "
          f"{'mean err/random':>16} {'std err/random':>15} {'time/random':>12}")
    for name, s in results.items():
        dm, ds = abs(s["mean"] - args.mean), abs(s["std"] - args.std)
        print(f"{name:<19} {s['n']:>6} {s['mean']:>7.3f} {s['std']:>7.3f} {dm:>9.3f} {ds:>8.3f} "
              f"{dm / base_err[0] if base_err[0] else float('nan'):>16.3f} "
              f"{ds / base_err[1] if base_err[1] else float('nan'):>15.3f} "
              f"{times[name] / times['random']:>12.2f}")


if __name__ == "__main__":
    main()
