"""The span-ec job (eflomal + corpus priors) against eflomal alone, CPU and
wall, measured interleaved in one run (issue 17).

    python benchmarks/job_vs_eflomal.py --pairs 29000 [--repeats 3] [--workers 1]

eflomal alone is the eflomal package's own ``Aligner().align`` on the job's
tokens of the same pairs (tokenized once beforehand by the job's annotate
stage, not timed), run in a fresh process.  The job is ``python -m
cs_synth.beam_jobs.synth`` in a fresh process (read, spaCy, eflomal with priors,
span-ec, scores, shards, manifest).  CPU is user + system of the process and
everything it waited for (the eflomal binaries).  Past 29,000 pairs
multi30k is repeated with distinct ids and dedup is off (printed).  The
ratios are medians over ``--repeats`` interleaved rounds; the machine's load
is printed because it is shared.  Writes job_vs_eflomal_<N>.json.
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
    ap.add_argument("--pairs", type=int, default=29000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--out", default=os.path.join(m.REPO, "benchmarks", "results"))
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="job-vs-eflomal-")
    pairs, what = m.load_pairs(args.pairs)
    cfg = m.job_config(m.write_tsv(tmp, pairs))
    config = m.write_config(tmp, cfg)
    print(f"{what}; job: span-ec, eflomal with priors, {args.workers} worker(s)", flush=True)
    toks = m.tokenize(pairs, cfg, tmp)
    src, tgt = m.write_tokenized(tmp, toks)
    rounds = []
    for k in range(args.repeats):
        load = m.load_note()
        ref = m.measured(m.eflomal_alone_cmd(src, tgt, os.path.join(tmp, "links")))
        job = m.measured(m.job_cmd(config, os.path.join(tmp, "out"), args.workers))
        manifest = json.load(open(os.path.join(tmp, "out", "manifest.json"), encoding="utf-8"))
        r = {"load": load, "eflomal_cpu_s": ref["cpu_s"], "eflomal_wall_s": ref["wall_s"],
             "eflomal_rss_mb": ref["maxrss_mb"], "job_cpu_s": job["cpu_s"], "job_wall_s": job["wall_s"],
             "job_rss_mb": job["maxrss_mb"], "cpu_ratio": job["cpu_s"] / ref["cpu_s"],
             "wall_ratio": job["wall_s"] / ref["wall_s"], "read": manifest["read"], "written": manifest["written"]}
        rounds.append(r)
        print(f"round {k + 1}: eflomal alone CPU {ref['cpu_s']:.1f}s wall {ref['wall_s']:.1f}s | job CPU "
              f"{job['cpu_s']:.1f}s wall {job['wall_s']:.1f}s ({manifest['read']} read, {manifest['written']} "
              f"written, peak RSS {job['maxrss_mb']:.0f} MB) | ratio CPU {r['cpu_ratio']:.2f}x wall "
              f"{r['wall_ratio']:.2f}x | {load}", flush=True)
    result = {"pairs": args.pairs, "what": what, "workers": args.workers, "tokenized_pairs": len(toks),
              "rounds": rounds, "median_cpu_ratio": statistics.median(r["cpu_ratio"] for r in rounds),
              "median_wall_ratio": statistics.median(r["wall_ratio"] for r in rounds),
              "job_pairs_per_cpu_s": statistics.median(r["read"] / r["job_cpu_s"] for r in rounds),
              "eflomal_pairs_per_cpu_s": statistics.median(len(toks) / r["eflomal_cpu_s"] for r in rounds)}
    print(f"median job/eflomal-alone: CPU {result['median_cpu_ratio']:.2f}x, wall {result['median_wall_ratio']:.2f}x; "
          f"job {result['job_pairs_per_cpu_s']:.0f} pairs/CPU-s, eflomal alone "
          f"{result['eflomal_pairs_per_cpu_s']:.0f}")
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, f"job_vs_eflomal_{args.pairs}.json"), "w", encoding="utf-8") as fh:
        json.dump(result, fh, indent=2)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
