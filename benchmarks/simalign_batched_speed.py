"""Batched SimAlign vs ``simalign.SentenceAligner``: speed ratio and identity.

Builds an mBERT-sized encoder with random weights (BertConfig: 12 layers,
hidden 768, 12 heads, a 119,547-row embedding; the WordPiece vocabulary is
trained on the pairs themselves), then aligns the same pairs with
``simalign.SentenceAligner`` and with ``simalign-batched`` (batch 32) in the
same run, and prints pairs/second for each, the ratio, and whether the
alignments are identical (differences on floating-point near-ties are
counted separately).

    .venv/bin/python benchmarks/simalign_batched_speed.py --pairs 96 --method itermax
    .venv/bin/python benchmarks/simalign_batched_speed.py --runtime both   # + the ONNX Runtime encoder

``--runtime onnx``/``both`` also times ``runtime: onnx`` (needs the ``onnx``
extra); its one-off export to the cache happens before the timed region.

Timings are wall-clock on whatever else the machine is doing: after one
warm-up pair each, the two aligners alternate batch by batch (``--batch-size``
pairs), ``--rounds`` times, and each batch counts with its best time.  Part
of the gain is that the batched aligner does not compute the layers above
``--layer`` (SentenceAligner always runs all of them); ``--layer 12`` shows
the gain of batching alone.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("CS_SYNTH_SHARED", os.path.join(os.path.dirname(REPO), "shared"))


def load_pairs(n: int):
    path = os.path.join(SHARED, "data", "alignment-gold", "enfr.src-tgt")
    pairs = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            src, tgt = line.rstrip("\n").split(" ||| ")
            if src.split() and tgt.split():
                pairs.append((src.split(), tgt.split()))
    # skip the first, very short ones; take a spread over the file
    pairs = pairs[20:]
    step = max(1, len(pairs) // n)
    return pairs[::step][:n], pairs


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", type=int, default=96)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--layer", type=int, default=8)
    ap.add_argument("--layers", type=int, default=12, help="model depth")
    ap.add_argument("--hidden", type=int, default=768)
    ap.add_argument("--vocab", type=int, default=119547)
    ap.add_argument("--method", default="itermax", choices=["argmax", "itermax", "match"])
    ap.add_argument("--token-type", default="bpe", choices=["bpe", "word"])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0 = torch default)")
    ap.add_argument("--model-dir", default="", help="reuse a model folder built by an earlier run")
    ap.add_argument("--runtime", default="torch", choices=["torch", "onnx", "both"],
                    help="encoder runtime(s) of the batched aligner to time")
    ap.add_argument("--max-batch-tokens", type=int, default=0,
                    help="padded subwords per forward pass (0 = the aligner's default)")
    args = ap.parse_args(argv)

    import numpy as np
    import torch
    import transformers

    transformers.logging.set_verbosity_error()
    if args.threads:
        torch.set_num_threads(args.threads)
    from cs_synth.pipeline.align.simalign_aligner import (MAX_BATCH_TOKENS, decision_margin, simalign_batched_factory,
                                                 simalign_factory)
    from cs_synth.pipeline.testing.tiny_models import build_tiny_bert
    from cs_synth.pipeline.units import Context

    pairs, all_pairs = load_pairs(args.pairs)
    model_dir = args.model_dir or tempfile.mkdtemp(prefix="cs-synth-mbert-sized-")
    if not os.path.exists(os.path.join(model_dir, "config.json")):
        t0 = time.perf_counter()
        sents = [" ".join(x) for p in all_pairs for x in p]
        build_tiny_bert(model_dir, sents, num_layers=args.layers, hidden_size=args.hidden,
                        num_heads=max(1, args.hidden // 64), intermediate_size=4 * args.hidden,
                        vocab_size=8000, model_vocab_size=args.vocab)
        print(f"built random-weight model in {time.perf_counter() - t0:.1f}s at {model_dir}", file=sys.stderr)

    # exported ONNX graphs (~600 MB for mBERT at layer 8) go next to the model, not in the user cache
    os.environ.setdefault("CS_SYNTH_ONNX_CACHE", model_dir.rstrip("/") + ".onnx-cache")
    opts = dict(model=model_dir, layer=args.layer, token_type=args.token_type, method=args.method, device="cpu")
    max_tokens = args.max_batch_tokens or MAX_BATCH_TOKENS
    ref = simalign_factory(Context(), **opts)
    aligners = {"simalign": ref}
    runtimes = ["torch", "onnx"] if args.runtime == "both" else [args.runtime]
    for runtime in runtimes:
        aligners["batched" if runtime == "torch" else "onnx"] = simalign_batched_factory(
            Context(), batch_size=args.batch_size, max_batch_tokens=max_tokens, runtime=runtime, **opts)
    # load the models (and export the ONNX graph) and warm up outside the timed region
    for aligner in aligners.values():
        aligner.align(pairs[:1])

    # The machine is shared: interleave the aligners chunk by chunk (one
    # chunk = one batch of pairs) so load changes hit both alike; per chunk
    # keep each aligner's best time over the rounds.
    chunks = [pairs[k:k + args.batch_size] for k in range(0, len(pairs), args.batch_size)]
    best = {name: [float("inf")] * len(chunks) for name in aligners}
    out = {name: [None] * len(chunks) for name in aligners}
    for _ in range(args.rounds):
        for c, chunk in enumerate(chunks):
            for name, aligner in aligners.items():
                t0 = time.perf_counter()
                out[name][c] = aligner.align(chunk)
                best[name][c] = min(best[name][c], time.perf_counter() - t0)
    out = {name: [links for chunk in v for links in chunk] for name, v in out.items()}
    per_chunk = best
    best = {name: sum(v) for name, v in best.items()}
    result = {
        "pairs": len(pairs),
        "mean_src_words": float(np.mean([len(s) for s, _ in pairs])),
        "mean_tgt_words": float(np.mean([len(t) for _, t in pairs])),
        "model": f"BertConfig(layers={args.layers}, hidden={args.hidden}, vocab={args.vocab}), random weights",
        "layer": args.layer, "method": args.method, "token_type": args.token_type,
        "batch_size": args.batch_size, "max_batch_tokens": max_tokens, "torch_threads": torch.get_num_threads(),
        "simalign_s": round(best["simalign"], 3),
        "simalign_pairs_per_s": round(len(pairs) / best["simalign"], 2),
    }
    # "batched" is the torch runtime, "onnx" the ONNX Runtime one
    for name in (n for n in aligners if n != "simalign"):
        ratios = sorted(a / b for a, b in zip(per_chunk["simalign"], per_chunk[name]))
        diffs = [k for k in range(len(pairs)) if out["simalign"][k] != out[name][k]]
        near_ties = []
        if diffs:
            sims = aligners[name].similarity_matrices([pairs[k] for k in diffs])
            near_ties = [k for k, (sim, _) in zip(diffs, sims) if decision_margin(sim, args.method) < 1e-5]
        prefix = "" if name == "batched" else "onnx_"
        result.update({
            f"{name}_s": round(best[name], 3),
            f"{name}_pairs_per_s": round(len(pairs) / best[name], 2),
            f"{prefix}speedup": round(best["simalign"] / best[name], 2),
            f"{prefix}speedup_per_batch_min_median_max": [round(ratios[0], 2), round(ratios[len(ratios) // 2], 2),
                                                          round(ratios[-1], 2)],
            f"{prefix}identical": not diffs, f"{prefix}differing_pairs": len(diffs),
            f"{prefix}near_tie_pairs": len(near_ties),
        })
    if "batched" in best and "onnx" in best:
        result["onnx_over_torch"] = round(best["batched"] / best["onnx"], 2)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
