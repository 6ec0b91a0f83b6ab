"""Pairs per second of the alignment stage (``AlignStage``) inside a Beam job.

    .venv/bin/python benchmarks/align_beam_throughput.py [--pairs 6000] [--batch-size 2000] [--workers 1 2]

Input: Multi30k train en-fr (lowercased, regex-tokenized) as tokenized
records.  For each worker setting the job is
``Create -> AlignStage(eflomal, priors) -> count``, run on the FnApiRunner
(in-process for 1 worker, ``multi_processing`` otherwise).  In the same run
the eflomal aligner is called directly on the same deterministic batches
(priors pass + batches, no Beam), so the printed ratio is the stage's
overhead-inclusive speed against the bare aligner.  A ``given``-backend run
(alignments supplied, validation only) shows the stage's own ceiling.
"""
from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import re
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("CS_SYNTH_SHARED", os.path.join(os.path.dirname(REPO), "shared"))


def tokenize(text):
    return tuple(re.findall(r"\w+'|\w+|[^\w\s]", text.lower()))


def load_records(n):
    from cs_synth.pipeline.record import Record, Side

    base = os.path.join(SHARED, "data", "multi30k")
    out = []
    with gzip.open(os.path.join(base, "train.en.gz"), "rt", encoding="utf-8") as fs, \
            gzip.open(os.path.join(base, "train.fr.gz"), "rt", encoding="utf-8") as ft:
        for k, (a, b) in enumerate(zip(fs, ft)):
            if len(out) >= n:
                break
            s, t = tokenize(a), tokenize(b)
            if s and t:
                out.append(Record(id=f"m30k:{k:06d}", src=Side(a.strip(), "en", tokens=s),
                                  tgt=Side(b.strip(), "fr", tokens=t)))
    return out


def run_job(records, config, ctx, flags):
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions

    from cs_synth.beam_jobs.align_stage import AlignStage

    t0 = time.perf_counter()
    p = beam.Pipeline(runner="FnApiRunner", options=PipelineOptions(flags))
    aligned, rejected = p | beam.Create(records, reshuffle=False) | AlignStage(config, ctx)
    _ = aligned | "CountA" >> beam.combiners.Count.Globally()
    _ = rejected | "CountR" >> beam.combiners.Count.Globally()
    result = p.run()
    result.wait_until_finish()
    elapsed = time.perf_counter() - t0
    counters = {m.key.metric.name: m.committed for m in result.metrics().query()["counters"]}
    return elapsed, counters


def direct(records, config, ctx):
    """The same work without Beam: priors pass on the same sample, then the
    same hash-bucketed batches."""
    from cs_synth.beam_jobs.align_stage import build_aligner, id_hash

    t0 = time.perf_counter()
    aligner = build_aligner(config.backend, dict(config.options), ctx)
    cap = aligner.fit_sample_size
    sample = sorted(records, key=lambda r: (id_hash(r.id), r.id))[:cap]
    priors = aligner.fit([(r.src.tokens, r.tgt.tokens) for r in sorted(sample, key=lambda r: r.id)])
    n_buckets = max(1, math.ceil(len(records) / config.batch_size))
    for b in range(n_buckets):
        batch = sorted((r for r in records if id_hash(r.id) % n_buckets == b), key=lambda r: r.id)
        aligner.align([(r.src.tokens, r.tgt.tokens) for r in batch], priors=priors)
    return time.perf_counter() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", type=int, default=6000)
    ap.add_argument("--batch-size", type=int, default=2000)
    ap.add_argument("--priors-sample", type=int, default=6000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args(argv)

    from cs_synth.pipeline.config import AlignConfig
    from cs_synth.pipeline.record import FrozenMap
    from cs_synth.pipeline.units import Context

    records = load_records(args.pairs)
    ctx = Context(seed=0)
    config = AlignConfig(backend="eflomal", batch_size=args.batch_size, priors=True,
                         options={"priors_sample": args.priors_sample})
    rows = []
    t_direct = direct(records, config, ctx)
    rows.append({"run": "direct eflomal (no Beam)", "seconds": round(t_direct, 2),
                 "pairs_per_s": round(len(records) / t_direct, 1)})
    for w in args.workers:
        flags = [] if w == 1 else [f"--direct_num_workers={w}", "--direct_running_mode=multi_processing"]
        elapsed, counters = run_job(records, config, ctx, flags)
        rows.append({"run": f"AlignStage eflomal, {w} worker(s)", "seconds": round(elapsed, 2),
                     "pairs_per_s": round(len(records) / elapsed, 1),
                     "vs_direct": round(t_direct / elapsed, 2),
                     "aligned": counters.get("align_aligned"), "batches": counters.get("align_batches")})
    # given backend: the stage itself (check, validate, route) with no model
    given = [r.evolve(seq_labels=FrozenMap({"__alignment__": "0-0"})) for r in records]
    elapsed, counters = run_job(given, AlignConfig(backend="given"), ctx, [])
    rows.append({"run": "AlignStage given, 1 worker", "seconds": round(elapsed, 2),
                 "pairs_per_s": round(len(records) / elapsed, 1), "aligned": counters.get("align_given")})
    print(f"{len(records)} Multi30k en-fr pairs, batch_size {args.batch_size}, priors_sample {args.priors_sample}")
    for r in rows:
        print(f"  {r['run']:36} {r['seconds']:8.2f}s {r['pairs_per_s']:9.1f} pairs/s"
              + (f"  ({r['vs_direct']}x of direct)" if "vs_direct" in r else ""))
    print(json.dumps({"pairs": len(records), "rows": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
