"""1 worker against 2 on the same span-ec job, interleaved in one run
(issue 17).

    python benchmarks/scaling.py [--pairs 10000] [--repeats 2]

Each round runs the job with ``--workers 1`` (in-process FnApiRunner) and
``--workers 2`` (two worker processes) in fresh processes and prints the
wall-time speed-up and the CPU seconds of each.  On a 2-core machine that
other people share, and with eflomal already running its forward and
reverse samplers on both cores, a 1.7x speed-up cannot show; the script
prints the load so the figure can be read.  Writes scaling_<N>.json.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import _m30k as m  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", type=int, default=10000)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--out", default=os.path.join(m.REPO, "benchmarks", "results"))
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="scaling-")
    pairs, what = m.load_pairs(args.pairs)
    config = m.write_config(tmp, m.job_config(m.write_tsv(tmp, pairs)))
    print(f"{what}; span-ec, eflomal with priors; {os.cpu_count()} cores", flush=True)
    rounds = []
    for k in range(args.repeats):
        r = {"load": m.load_note()}
        for w in (1, 2):
            res = m.measured(m.job_cmd(config, os.path.join(tmp, f"out{w}"), w))
            r[f"w{w}_wall_s"], r[f"w{w}_cpu_s"] = res["wall_s"], res["cpu_s"]
        same = (open(os.path.join(tmp, "out1", "manifest.json")).read().count("\"written\"") and
                json.load(open(os.path.join(tmp, "out1", "manifest.json")))["written"] ==
                json.load(open(os.path.join(tmp, "out2", "manifest.json")))["written"])
        r["speedup"] = r["w1_wall_s"] / r["w2_wall_s"]
        r["same_written"] = bool(same)
        rounds.append(r)
        print(f"round {k + 1}: 1 worker wall {r['w1_wall_s']:.1f}s CPU {r['w1_cpu_s']:.1f}s | 2 workers wall "
              f"{r['w2_wall_s']:.1f}s CPU {r['w2_cpu_s']:.1f}s | speed-up {r['speedup']:.2f}x | {r['load']}",
              flush=True)
    result = {"pairs": args.pairs, "what": what, "rounds": rounds,
              "median_speedup": statistics.median(r["speedup"] for r in rounds)}
    print(f"median 2-worker speed-up: {result['median_speedup']:.2f}x")
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, f"scaling_{args.pairs}.json"), "w", encoding="utf-8") as fh:
        json.dump(result, fh, indent=2)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
