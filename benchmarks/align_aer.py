"""AER of eflomal on the shared gold sets, per symmetrization heuristic,
with and without priors.

    .venv/bin/python benchmarks/align_aer.py [--seeds 0 1 2] [--extra-limit 29000]

(about 7 minutes on a busy 2-core machine with the defaults; --seeds 0 and
--no-joint take about 2)

Gold: ``shared/data/alignment-gold/{enfr,roen}`` (1-based Pharaoh; ``ipj``
possible links in en-fr).  Conditions per language pair:

``none``
    eflomal on the gold pairs alone.
``self``
    priors learned by :meth:`EflomalAligner.fit` over the gold pairs
    themselves (what the Beam job does when the corpus is all there is).
``extra`` (en-fr only)
    priors learned over Multi30k train en-fr (image captions, lowercased,
    regex-tokenized) plus the gold pairs, then the gold pairs aligned with
    them.  There is no ro-en text in shared/ for this.
``<condition>+stemN`` (with ``--stems 0 N``)
    the same with both sides cut to their first N characters (option
    ``stem``).
``joint`` (en-fr only)
    the extra text and the gold pairs aligned in one eflomal run (the
    upper reference priors approximate).

For each condition eflomal runs once per seed (forward + reverse) and every
heuristic symmetrizes the same directional links; the table shows the AER
mean over seeds (and min-max).
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("CS_SYNTH_SHARED", os.path.join(os.path.dirname(REPO), "shared"))
HEURISTICS = ("intersection", "union", "grow", "grow-diag", "grow-diag-final", "grow-diag-final-and")


def load_gold(name):
    from cs_synth.pipeline.align.evaluate import read_gold, read_pairs

    base = os.path.join(SHARED, "data", "alignment-gold")
    pairs = read_pairs(os.path.join(base, f"{name}.src-tgt"))
    return pairs, read_gold(os.path.join(base, f"{name}.gold"), pairs, index_base=1)


def tokenize(text):
    return tuple(re.findall(r"\w+'|\w+|[^\w\s]", text.lower()))


def load_multi30k(src, tgt, limit):
    base = os.path.join(SHARED, "data", "multi30k")
    with gzip.open(os.path.join(base, f"train.{src}.gz"), "rt", encoding="utf-8") as fs, \
            gzip.open(os.path.join(base, f"train.{tgt}.gz"), "rt", encoding="utf-8") as ft:
        pairs = [(tokenize(a), tokenize(b)) for a, b in zip(fs, ft)]
    return [p for p in pairs if p[0] and p[1]][:limit]


def score(fwd, rev, pairs, gold):
    from cs_synth.pipeline.align.aer import corpus_counts
    from cs_synth.pipeline.align.symmetrize import SYMMETRIZERS

    out = {}
    for h in HEURISTICS:
        links = [SYMMETRIZERS[h](f, r, len(s), len(t)) for f, r, (s, t) in zip(fwd, rev, pairs)]
        out[h] = corpus_counts(links, gold)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--extra-limit", type=int, default=29000, help="Multi30k pairs used for en-fr priors")
    ap.add_argument("--no-joint", action="store_true")
    ap.add_argument("--stems", type=int, nargs="+", default=[0],
                    help="prefix stemming lengths to compare (0 = none; both sides, as option stem gives)")
    ap.add_argument("--json", help="also write the rows to this file")
    args = ap.parse_args(argv)

    from cs_synth.pipeline.align.eflomal_aligner import eflomal_factory
    from cs_synth.pipeline.units import Context

    results = {}  # (pair, condition, heuristic) -> [aer per seed]
    timings = {}
    extra = load_multi30k("en", "fr", args.extra_limit)
    for name in ("enfr", "roen"):
        pairs, gold = load_gold(name)
        conditions = ["none", "self"] + (["extra"] + ([] if args.no_joint else ["joint"]) if name == "enfr" else [])
        for seed in args.seeds:
            for stem in args.stems:
                aligner = eflomal_factory(Context(seed=seed), src_prefix_len=stem, tgt_prefix_len=stem)
                for base_cond in conditions:
                    cond = base_cond if not stem else f"{base_cond}+stem{stem}"
                    t0 = time.perf_counter()
                    if base_cond == "none":
                        fwd, rev = aligner.run_directional(pairs)
                    elif base_cond == "self":
                        fwd, rev = aligner.run_directional(pairs, priors=aligner.fit(pairs))
                    elif base_cond == "extra":
                        fwd, rev = aligner.run_directional(pairs, priors=aligner.fit(extra + pairs))
                    else:
                        fwd, rev = aligner.run_directional(extra + pairs)
                        fwd, rev = fwd[len(extra):], rev[len(extra):]
                    timings.setdefault((name, cond), []).append(time.perf_counter() - t0)
                    for h, c in score(fwd, rev, pairs, gold).items():
                        results.setdefault((name, cond, h), []).append(c.aer)
                    print(f"[{name} {cond} seed {seed}: {timings[(name, cond)][-1]:.1f}s]", file=sys.stderr, flush=True)

    print(f"eflomal AER (mean over seeds {args.seeds}; min-max); en-fr extra = Multi30k train, "
          f"{len(extra)} pairs")
    header = f"{'pair':5} {'priors':12} " + " ".join(f"{h:>22}" for h in HEURISTICS)
    print(header)
    rows = []
    for (name, cond) in timings:
        cells = []
        for h in HEURISTICS:
            v = results[(name, cond, h)]
            cells.append(f"{statistics.mean(v):.4f} ({min(v):.3f}-{max(v):.3f})")
            rows.append({"pair": name, "priors": cond, "symmetrize": h, "aer_mean": round(statistics.mean(v), 4),
                         "aer_min": round(min(v), 4), "aer_max": round(max(v), 4), "seeds": args.seeds})
        print(f"{name:5} {cond:12} " + " ".join(f"{c:>22}" for c in cells))
    for (name, cond), ts in timings.items():
        print(f"time {name} {cond}: {statistics.mean(ts):.1f}s per seed")
    print(json.dumps({"rows": rows}))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"command": "benchmarks/align_aer.py " + " ".join(argv if argv is not None else sys.argv[1:]),
                       "extra_pairs": len(extra), "rows": rows}, fh, indent=1)
            fh.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
