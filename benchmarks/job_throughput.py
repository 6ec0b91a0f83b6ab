"""Pairs per second of the whole Beam job, against eflomal alone on the same
pairs, measured in the same run.

    python benchmarks/job_throughput.py [--pairs 3000] [--workers 1 2] [--recipe span-ec]

Reads the first N en-de pairs of ../shared/data/multi30k (train), runs
``cs-synth run`` equivalents (read -> annotate -> eflomal with priors ->
transform -> score -> write) and prints pairs/s for each worker count, plus
the ratio of job time to the time eflomal alone needs to align the same
tokenized pairs (the floor any job with statistical alignment pays).
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from cs_synth.beam_jobs.synth import run_job  # noqa: E402
from cs_synth.pipeline.config import parse_config  # noqa: E402

SHARED = os.environ.get("CS_SYNTH_SHARED", os.path.join(os.path.dirname(__file__), "..", "..", "shared"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=3000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--recipe", default="span-ec")
    args = ap.parse_args()
    d = os.path.join(SHARED, "data", "multi30k")
    with gzip.open(os.path.join(d, "train.en.gz"), "rt", encoding="utf-8") as f_en, \
            gzip.open(os.path.join(d, "train.de.gz"), "rt", encoding="utf-8") as f_de:
        pairs = [(e.strip(), g.strip()) for e, g, _ in zip(f_en, f_de, range(args.pairs))]
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "m30k.tsv")
    with open(path, "w", encoding="utf-8") as fh:
        fh.writelines(f"{e}\t{g}\n" for e, g in pairs)
    cfg = parse_config({"input": {"format": "tsv", "path": path, "src_lang": "en", "tgt_lang": "de"},
                        "align": {"backend": "eflomal", "priors": True},
                        "transform": [{"recipe": args.recipe}], "seed": 0}, base_dir=tmp)

    # reference: eflomal alone (our backend, no Beam) on the same tokenized pairs
    from cs_synth.pipeline import stages

    ann, aln = stages.stage(cfg, "annotate"), stages.stage(cfg, "align")
    from cs_synth.pipeline.read.readers import build_record

    recs = [ann.process(build_record(cfg.input, f"r{i}", "", e, g)) for i, (e, g) in enumerate(pairs)]
    toks = [(r.src.tokens, r.tgt.tokens) for r in recs if not r.rejected]
    t0 = time.perf_counter()
    aln.aligner.align(toks)
    t_ref = time.perf_counter() - t0
    print(f"eflomal alone: {len(toks)} pairs in {t_ref:.1f}s = {len(toks) / t_ref:.0f} pairs/s")
    results = {"pairs": len(pairs), "eflomal_alone_s": round(t_ref, 2)}
    for w in args.workers:
        out = os.path.join(tmp, f"out{w}")
        t0 = time.perf_counter()
        m = run_job(cfg, out, workers=w)
        t = time.perf_counter() - t0
        print(f"job, {w} worker(s): {m['read']} pairs in {t:.1f}s = {m['read'] / t:.0f} pairs/s; "
              f"written {m['written']}, rejected pairs {m['rejected']['total']} {m['rejected']['by_reason']}; "
              f"job/eflomal-alone time ratio {t / t_ref:.2f}")
        results[f"workers_{w}"] = {"seconds": round(t, 2), "pairs_per_s": round(m["read"] / t, 1),
                                   "written": m["written"], "rejected": m["rejected"],
                                   "ratio_vs_eflomal": round(t / t_ref, 2)}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
