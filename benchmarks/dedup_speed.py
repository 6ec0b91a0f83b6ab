"""Dedup stages on Beam: throughput of exact vs exact+near, and recall of
planted near duplicates.

Builds ``--records`` sentences from a fixed vocabulary (rng seeded), plants
``--dup-rate`` of them as near copies of another sentence (one word changed)
then runs ``ExactDedup`` alone and ``Dedup(near)``
on the in-process FnApiRunner (optionally ``--workers 2``, multi-process)
and prints records/second for each, their ratio, and how many of the planted
near copies were caught (a near copy counts as caught when it, or the
sentence it was copied from, is rejected as ``near_duplicate``) among the
planted copies whose true Jaccard similarity reaches the threshold.

    .venv/bin/python benchmarks/dedup_speed.py --records 5000 --workers 1
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import apache_beam as beam  # noqa: E402
from apache_beam.options.pipeline_options import PipelineOptions  # noqa: E402

from cs_synth.beam_jobs.dedup import Dedup, ExactDedup  # noqa: E402
from cs_synth.pipeline.filter.dedup import normalize, shingles  # noqa: E402
from cs_synth.pipeline.record import Record, Side  # noqa: E402

WORDS = ("the a one two committee library budget morning city council river market school teacher "
         "children garden train station museum bridge winter summer rain snow quickly slowly opened "
         "closed visited discussed agreed planned built painted cleaned new old big small green red").split()


def corpus(n: int, dup_rate: float, seed: int):
    rng = random.Random(seed)
    texts, planted = [], []
    for i in range(n):
        if texts and rng.random() < dup_rate:
            j = rng.randrange(len(texts))
            words = texts[j].split()
            words[rng.randrange(len(words))] = rng.choice(WORDS)
            planted.append((i, j))
            texts.append(" ".join(words) + " indeed")
        else:
            texts.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 24))))
    recs = [Record(id=f"r{i:07d}", src=Side(text=t, lang="en"), text=t) for i, t in enumerate(texts)]
    return recs, planted


def _dump(pairs, path):
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(pairs, fh)


def run(transform_factory, recs, argv):
    """Seconds for the pipeline, and {rejected id: reason} (written to a file
    by the pipeline: DoFns run on pickled copies, not in this frame)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "rejected.json")
        t0 = time.perf_counter()
        with beam.Pipeline(options=PipelineOptions(argv)) as p:
            _, rejected = p | beam.Create(recs) | transform_factory()
            _ = (rejected | beam.Map(lambda r: (r.id, r.reject_reason))
                 | beam.combiners.ToList() | beam.Map(_dump, path))
        seconds = time.perf_counter() - t0
        with open(path, encoding="utf-8") as fh:
            return seconds, dict(tuple(x) for x in json.load(fh))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, default=5000)
    ap.add_argument("--dup-rate", type=float, default=0.1)
    ap.add_argument("--threshold", type=float, default=0.8)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args(argv)
    beam_argv = ["--runner=FnApiRunner"]
    if args.workers > 1:
        beam_argv += [f"--direct_num_workers={args.workers}", "--direct_running_mode=multi_processing"]
    recs, planted = corpus(args.records, args.dup_rate, 0)
    t_exact, _ = run(lambda: ExactDedup(), recs, beam_argv)
    t_near, rejected = run(lambda: Dedup(exact=True, near=True, threshold=args.threshold), recs, beam_argv)
    print(f"{args.records} records, {len(planted)} planted near copies, threshold {args.threshold}, "
          f"{args.workers} worker(s)")
    print(f"exact only   : {t_exact:6.1f}s  {args.records / t_exact:8.0f} records/s")
    print(f"exact + near : {t_near:6.1f}s  {args.records / t_near:8.0f} records/s  "
          f"(time ratio near/exact {t_near / t_exact:.2f})")
    ids = [r.id for r in recs]

    def jaccard(a, b):
        sa, sb = set(shingles(normalize(a), 5)), set(shingles(normalize(b), 5))
        return len(sa & sb) / len(sa | sb)

    above = [(i, j) for i, j in planted if jaccard(recs[i].text, recs[j].text) >= args.threshold]
    caught = [(i, j) for i, j in above if rejected.get(ids[i]) == "near_duplicate"
              or rejected.get(ids[j]) == "near_duplicate"]
    print(f"planted near copies with true character-5-gram Jaccard >= {args.threshold}: {len(above)}; "
          f"caught {len(caught)} ({len(caught) / max(len(above), 1):.1%}); "
          f"near_duplicate rejects in all: {sum(1 for v in rejected.values() if v == 'near_duplicate')}")


if __name__ == "__main__":
    main()
