"""Peak RSS of the span-ec job at several corpus sizes, against eflomal
alone on the same pairs (issue 17).

    python benchmarks/memory.py [--pairs 10000 29000 116000]

Each size runs in a fresh process (``--workers 1``: everything in one
process, so its peak RSS is the job's); past 29,000 pairs multi30k is
repeated with distinct ids, dedup off.  Prints the peak RSS of each size and
its ratio to the smallest.  Writes memory.json.
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
    args = ap.parse_args()
    import subprocess

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=m.REPO, capture_output=True,
                            text=True).stdout.strip() or "unknown"
    rows = []
    for n in args.pairs:
        tmp = tempfile.mkdtemp(prefix="memory-")
        pairs, what = m.load_pairs(n)
        config = m.write_config(tmp, m.job_config(m.write_tsv(tmp, pairs)))
        load = m.load_note()
        res = m.measured(m.job_cmd(config, os.path.join(tmp, "out"), 1))
        rows.append({"pairs": n, "what": what, "peak_rss_mb": res["maxrss_mb"], "wall_s": res["wall_s"],
                     "cpu_s": res["cpu_s"], "load": load, "commit": commit, "tag": args.tag})
        print(f"{what}: peak RSS {res['maxrss_mb']:.0f} MB (x{res['maxrss_mb'] / rows[0]['peak_rss_mb']:.2f} of "
              f"{rows[0]['pairs']}), wall {res['wall_s']:.0f}s, CPU {res['cpu_s']:.0f}s | {load}", flush=True)
        shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "memory.json"), "w", encoding="utf-8") as fh:
        json.dump(rows, fh, indent=2)


if __name__ == "__main__":
    main()
