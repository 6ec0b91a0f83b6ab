"""Peak RSS of the span-ec job at several corpus sizes, against eflomal
alone on the same pairs (issue 17).

    python benchmarks/memory.py [--pairs 10000 29000 116000] [--job span-ec|translit] [--tree DIR] [--tag TEXT]

Each size runs in a fresh process (``--workers 1``: everything in one
process, so its peak RSS is the job's); past 29,000 pairs multi30k is
repeated with distinct ids, dedup off.  Prints the peak RSS of each size and
its ratio to the smallest.  Adds its rows to memory.json (earlier rows are
kept).  ``--job translit`` is the cheap job of read_scale.py (no aligner, no
model); ``--tree DIR`` runs the job from another checkout of the code (for
instance a ``git archive`` of an earlier commit), so a before/after pair
can be measured in one run.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import _m30k as m  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", type=int, nargs="+", default=[10000, 29000, 116000])
    ap.add_argument("--out", default=os.path.join(m.REPO, "benchmarks", "results"))
    ap.add_argument("--tag", default="", help="a label stored with each row (e.g. before/after a change)")
    ap.add_argument("--job", choices=["span-ec", "translit"], default="span-ec")
    ap.add_argument("--tree", default=None, help="run the job from this checkout instead of the repository")
    args = ap.parse_args()
    import subprocess

    import read_scale

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=m.REPO, capture_output=True,
                            text=True).stdout.strip() or "unknown"
    rows = []
    for n in args.pairs:
        tmp = tempfile.mkdtemp(prefix="memory-")
        pairs, what = m.load_pairs(n)
        tsv = m.write_tsv(tmp, pairs)
        config = m.write_config(tmp, m.job_config(tsv) if args.job == "span-ec" else read_scale.job_config(tsv))
        load = m.load_note()
        cmd = m.job_cmd(config, os.path.join(tmp, "out"), 1)
        if args.tree:  # the other checkout's packages first (cwd stays the repository)
            tree = os.path.abspath(args.tree)
            cmd = [cmd[0], "-c", f"import runpy, sys; sys.path.insert(0, {tree!r}); sys.argv[0] = 'synth'; "
                                 f"runpy.run_module('cs_synth.beam_jobs.synth', run_name='__main__')"] + cmd[3:]
        res = m.measured(cmd)
        rows.append({"pairs": n, "what": what, "job": args.job, "peak_rss_mb": res["maxrss_mb"],
                     "wall_s": res["wall_s"], "cpu_s": res["cpu_s"], "load": load,
                     "commit": commit if not args.tree else f"tree {args.tree}", "tag": args.tag})
        print(f"{what}: peak RSS {res['maxrss_mb']:.0f} MB (x{res['maxrss_mb'] / rows[0]['peak_rss_mb']:.2f} of "
              f"{rows[0]['pairs']}), wall {res['wall_s']:.0f}s, CPU {res['cpu_s']:.0f}s | {load}", flush=True)
        shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "memory.json")
    earlier = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            earlier = json.load(fh)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(earlier + rows, fh, indent=2)


if __name__ == "__main__":
    main()
