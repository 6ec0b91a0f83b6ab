"""``augment()`` latency per rule recipe (issue 17): the first call in a fresh
process, then p50/p95 over 200 warm calls, measured in one run.

    python benchmarks/augment_latency.py [--calls 200] [--recipes word translit ...]

Each recipe runs in its own fresh child process, so "first call" includes
importing the pipeline, spaCy and whatever the recipe's units import (the
child also reports whether torch got imported).  Warm calls use different
record ids (so the seeded choices differ) on the same sentence.  Results go
to benchmarks/results/augment_latency.json.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
import _m30k as m  # noqa: E402

LEX = os.path.join(m.REPO, "samples", "lexicons")
#: name -> augment() keyword arguments (the README's and the tests' examples)
CALLS = {
    "word": dict(src="My sister works as a nurse in Leeds .", src_lang="en", recipe="word", pretokenized=True,
                 dictionaries={"es": os.path.join(LEX, "en-es.tsv")}, probability=0.5),
    "translit": dict(src="मैं बाजार जा रहा हूँ ।", src_lang="hi", recipe="translit", backend="hinglish",
                     langs=["hi"], pretokenized=True),
    "entity": dict(src="Priya flew from Delhi to London .", tgt="प्रिया दिल्ली से लंदन गई ।", src_lang="en",
                   tgt_lang="hi", recipe="entity", alignment="0-0 3-1 5-3 6-5", pretokenized=True,
                   lexicon=os.path.join(LEX, "entities.tsv"), annotate={"backend": "gazetteer",
                                                                        "gazetteer": os.path.join(LEX, "entities.tsv")}),
    "dialect": dict(src="He doesn't like me.", src_lang="en", recipe="dialect", features=[158]),
    "noun-swap": dict(src="The cat sleeps .", tgt="बिल्ली सोती है ।", src_lang="en", tgt_lang="hi",
                      recipe="noun-swap", alignment="1-0 2-1 2-2 3-3", pretokenized=True),
}

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from cs_synth.pipeline import augment
kwargs = json.loads(sys.argv[1]); n = int(sys.argv[2])
src = kwargs.pop("src"); tgt = kwargs.pop("tgt", None)
out = augment(src, tgt, record_id="bench:00000000", **kwargs)
first = time.perf_counter() - t0
times = []
for k in range(1, n + 1):
    t = time.perf_counter()
    augment(src, tgt, record_id=f"bench:{k:08d}", **kwargs)
    times.append(time.perf_counter() - t)
times.sort()
print(json.dumps({"first_s": first, "p50_ms": 1000 * times[len(times) // 2],
                  "p95_ms": 1000 * times[min(len(times) - 1, int(0.95 * len(times)))],
                  "torch_imported": "torch" in sys.modules, "spacy_imported": "spacy" in sys.modules,
                  "kept": sum(not r.rejected for r in out),
                  "example": [r.text if not r.rejected else "REJECT " + r.reject_reason for r in out][:2]}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--recipes", nargs="+", default=list(CALLS))
    ap.add_argument("--out", default=os.path.join(m.REPO, "benchmarks", "results"))
    args = ap.parse_args()
    results = {"load_before": m.load_note(), "calls": args.calls, "recipes": {}}
    print(f"augment() latency, {args.calls} warm calls per recipe; {results['load_before']}")
    print(f"{'recipe':10s} {'first s':>8s} {'p50 ms':>8s} {'p95 ms':>8s}  torch  output")
    for name in args.recipes:
        proc = subprocess.run([sys.executable, "-c", CHILD, json.dumps(CALLS[name]), str(args.calls)],
                              cwd=m.REPO, capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"{name:10s} FAILED: {proc.stderr[-800:]}")
            results["recipes"][name] = {"error": proc.stderr[-2000:]}
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        results["recipes"][name] = r
        print(f"{name:10s} {r['first_s']:8.2f} {r['p50_ms']:8.2f} {r['p95_ms']:8.2f}  {str(r['torch_imported']):5s}  "
              f"{r['example'][0] if r['example'] else ''}")
    results["load_after"] = m.load_note()
    print(f"done; {results['load_after']}")
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "augment_latency.json"), "w", encoding="utf-8") as fh:
        json.dump(results, fh, indent=2, ensure_ascii=False)


if __name__ == "__main__":
    main()
