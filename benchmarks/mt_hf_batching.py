"""transformers MT backend: batched generate() against one call per span,
on the same model, in one run.

    python benchmarks/mt_hf_batching.py [--spans 256] [--batch 32] [--hidden 256] [--layers 3]

Builds a random-weight Marian model offline (cs_synth.pipeline.testing.tiny_models;
``--hidden 512 --layers 6`` is opus-mt's size) with a vocabulary trained on
the bundled English sentences, takes noun/prepositional-phrase-sized spans
(2-5 words) from them, and translates all spans both ways, interleaved per
batch: ``batch_size=B`` (length buckets) and ``batch_size=1``.  Prints
spans/s for each, the ratio (target: 5x or more at batch 32 on CPU) and
whether the outputs are identical.
"""
from __future__ import annotations

import argparse
import pathlib
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cs_synth.pipeline.generate.hf import HFGenerator  # noqa: E402
from cs_synth.pipeline.testing.tiny_models import build_tiny_seq2seq  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--spans", type=int, default=256)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--new-tokens", type=int, default=12)
    args = ap.parse_args()
    import torch

    torch.set_num_threads(max(1, torch.get_num_threads()))
    lines = [l for l in (REPO / "samples/corpora/en-mono.txt").read_text(encoding="utf-8").splitlines() if l.strip()]
    spans = []
    for k, line in enumerate(lines):
        words = line.split()
        n = 2 + k % 4
        for a in range(0, max(1, len(words) - n), n + 1):
            spans.append(" ".join(words[a:a + n]))
    spans = (spans * (args.spans // max(1, len(spans)) + 1))[:args.spans]
    with tempfile.TemporaryDirectory() as tmp:
        model = build_tiny_seq2seq(f"{tmp}/marian", lines, num_layers=args.layers, hidden_size=args.hidden,
                                   num_heads=8 if args.hidden >= 256 else 2, vocab_size=4000)
        batched = HFGenerator(model, batch_size=args.batch, max_new_tokens=args.new_tokens)
        single = HFGenerator(model, batch_size=1, max_new_tokens=args.new_tokens)
        batched.translate(spans[:2]), single.translate(spans[:2])  # load both, warm up
        t_b = t_s = 0.0
        same = True
        for k in range(0, len(spans), args.batch):
            chunk = spans[k:k + args.batch]
            t0 = time.perf_counter()
            a = batched.translate(chunk)
            t1 = time.perf_counter()
            b = single.translate(chunk)
            t2 = time.perf_counter()
            t_b += t1 - t0
            t_s += t2 - t1
            same &= a == b
    n = len(spans)
    print(f"spans: {n}, batch size {args.batch}, Marian d_model {args.hidden} x {args.layers} layers, "
          f"{args.new_tokens} new tokens max, torch threads {torch.get_num_threads()}")
    print(f"batched:      {n / t_b:8.1f} spans/s")
    print(f"one per call: {n / t_s:8.1f} spans/s")
    print(f"ratio batched/one-per-call: {t_s / t_b:.1f}x   identical outputs: {same}")


if __name__ == "__main__":
    main()
