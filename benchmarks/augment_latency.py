"""``augment()`` latency per rule recipe (issue 17): the first call in a fresh
process, then p50/p95 over 200 warm calls, measured in one run.

    python benchmarks/augment_latency.py [--calls 200] [--runs 3] [--recipes word translit ...]

Each recipe runs in its own fresh child process (``--runs`` times; the
median first call is reported), so "first call" includes importing the
pipeline, spaCy and whatever the recipe's units import.  The child splits
it into: importing spaCy (``spacy_import_s``), building spaCy pipelines
(blank tokenizers and trained models, ``spacy_pipelines_s``), importing
inflect (``inflect_s``) and the rest (the pipeline's own modules, config,
stage objects, the call), and reports which of spacy / inflect / typeguard
/ torch / numpy the first call imported (and which were in after the warm
calls, whose slowest one is ``warm_max_ms``).  Warm calls use different record ids (so the
seeded choices differ) on the same sentence.  The machine is shared, so the
same run also times reference processes (``python -c pass``, ``import
numpy``, spaCy imported without torch, ``import inflect``) and prints each
first call as a multiple of the ``import numpy`` process.  Results go to
benchmarks/results/augment_latency.json.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

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
from cs_synth.pipeline import resources, units
from cs_synth.transforms import boundary

spent = {"spacy_import_s": 0.0, "spacy_pipelines_s": 0.0, "inflect_s": 0.0}
stack = []


def timed(fn, key):  # exclusive time: a timed call inside another counts once, under its own key
    def wrapper(*a, **k):
        t = time.perf_counter()
        stack.append(0.0)
        try:
            return fn(*a, **k)
        finally:
            took = time.perf_counter() - t
            spent[key] += took - stack.pop()
            if stack:
                stack[-1] += took
    return wrapper


units.import_spacy_without_torch = timed(units.import_spacy_without_torch, "spacy_import_s")
resources.load_spacy = timed(resources.load_spacy, "spacy_pipelines_s")
boundary._inflect = timed(boundary._inflect, "inflect_s")
kwargs = json.loads(sys.argv[1]); n = int(sys.argv[2])
src = kwargs.pop("src"); tgt = kwargs.pop("tgt", None)
out = augment(src, tgt, record_id="bench:00000000", **kwargs)
first = time.perf_counter() - t0
breakdown = dict(spent, rest_s=first - sum(spent.values()))  # the first call's share of each
imported = sorted(m for m in ("spacy", "inflect", "typeguard", "torch", "numpy") if m in sys.modules)
times = []
for k in range(1, n + 1):
    t = time.perf_counter()
    augment(src, tgt, record_id=f"bench:{k:08d}", **kwargs)
    times.append(time.perf_counter() - t)
times.sort()
print(json.dumps({"first_s": first, "p50_ms": 1000 * times[len(times) // 2],
                  "p95_ms": 1000 * times[min(len(times) - 1, int(0.95 * len(times)))],
                  "breakdown": breakdown, "imported": imported,
                  "imported_after_warm": sorted(m for m in ("spacy", "inflect", "typeguard", "torch", "numpy")
                                                if m in sys.modules),
                  "warm_max_ms": 1000 * times[-1],
                  "torch_imported": "torch" in sys.modules, "spacy_imported": "spacy" in sys.modules,
                  "kept": sum(not r.rejected for r in out),
                  "example": [r.text if not r.rejected else "REJECT " + r.reject_reason for r in out][:2]}))
"""

#: reference processes, timed in the same run (wall clock of the whole process)
REFERENCES = {
    "python -c pass": "pass",
    "import numpy": "import numpy",
    "import spacy (torch hidden)": "import sys; sys.modules['torch'] = None; import spacy",
    "import inflect": "import inflect",
}


def _wall(args) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", *args], cwd=m.REPO, capture_output=True, text=True, check=True)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3, help="fresh processes per recipe (median first call)")
    ap.add_argument("--recipes", nargs="+", default=list(CALLS))
    ap.add_argument("--out", default=os.path.join(m.REPO, "benchmarks", "results"))
    args = ap.parse_args()
    results = {"load_before": m.load_note(), "calls": args.calls, "runs": args.runs, "references": {},
               "recipes": {}}
    print(f"augment() latency, {args.calls} warm calls, {args.runs} fresh processes per recipe; "
          f"{results['load_before']}")
    for name, code in REFERENCES.items():
        walls = sorted(_wall([code]) for _ in range(args.runs))
        results["references"][name] = {"wall_s": statistics.median(walls), "walls_s": walls}
        print(f"reference {name:28s} {statistics.median(walls):6.2f} s (process wall, median)")
    unit = results["references"]["import numpy"]["wall_s"]
    print(f"{'recipe':10s} {'first s':>8s} {'xnumpy':>7s} {'p50 ms':>7s} {'p95 ms':>7s} {'max ms':>7s}  "
          f"{'spacy':>6s} {'models':>6s} {'inflect':>7s} {'rest':>6s}  imported / output")
    for name in args.recipes:
        runs = []
        for _ in range(args.runs):
            proc = subprocess.run([sys.executable, "-c", CHILD, json.dumps(CALLS[name]), str(args.calls)],
                                  cwd=m.REPO, capture_output=True, text=True)
            if proc.returncode != 0:
                break
            runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        if not runs or len(runs) < args.runs:
            print(f"{name:10s} FAILED: {proc.stderr[-800:]}")
            results["recipes"][name] = {"error": proc.stderr[-2000:]}
            continue
        runs.sort(key=lambda r: r["first_s"])
        r = dict(runs[len(runs) // 2])  # the median run
        r["first_runs_s"] = [x["first_s"] for x in runs]
        r["first_over_numpy_import"] = r["first_s"] / unit
        results["recipes"][name] = r
        b = r["breakdown"]
        print(f"{name:10s} {r['first_s']:8.2f} {r['first_over_numpy_import']:7.1f} {r['p50_ms']:7.2f} "
              f"{r['p95_ms']:7.2f} {r['warm_max_ms']:7.1f}  {b['spacy_import_s']:6.2f} {b['spacy_pipelines_s']:6.2f} "
              f"{b['inflect_s']:7.2f} {b['rest_s']:6.2f}  {','.join(r['imported']) or '-'} / "
              f"{r['example'][0] if r['example'] else ''}")
    results["load_after"] = m.load_note()
    print(f"done; {results['load_after']}")
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "augment_latency.json"), "w", encoding="utf-8") as fh:
        json.dump(results, fh, indent=2, ensure_ascii=False)


if __name__ == "__main__":
    main()
