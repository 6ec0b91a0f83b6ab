"""Sentences per second of the ``translit`` backends and the ``dialup``
recipe, against a pass-through transform measured in the same run.

    .venv/bin/python benchmarks/translit_dialup_throughput.py [--repeat 20]

Inputs are the team's sample corpora (``samples/corpora``): the Hindi side
of ``en-hi.tsv`` for translit, the Spanish side of ``en-es.jsonl`` and the
German ``en-de.de`` for dialup, tokenized once with spaCy's blank pipelines
(tokenization is not timed).  Each unit runs over the sentences ``--repeat``
times, with the rng the pipeline would derive per record.  The reference is
a transform that does the same per-record bookkeeping (``Base.of`` and
``build_output`` with no replacements): the ratio shows what the backend
itself costs on top of building the output record.  One-off loading
(ICU transliterator, uroman tables, rule file) happens before timing and is
printed separately.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from cs_synth.pipeline.record import Record, Side  # noqa: E402
from cs_synth.pipeline.resources import load_spacy  # noqa: E402
from cs_synth.pipeline.rng import derive_rng  # noqa: E402
from cs_synth.pipeline.units import Context  # noqa: E402
from cs_synth.transforms.common import Base, build_output  # noqa: E402

SAMPLES = os.path.join(os.path.dirname(__file__), "..", "samples", "corpora")


class PassThrough:
    name = "passthrough.v1"

    def __call__(self, record, rng):
        yield build_output(record, Base.of(record), [], unit=self.name, recipe="passthrough")


def _records(lang, sentences):
    nlp = load_spacy(lang)
    out = []
    for k, s in enumerate(sentences):
        doc = nlp(s)
        out.append(Record(id=f"{lang}-{k:05d}", src=Side(text=s, lang=lang, tokens=tuple(t.text for t in doc),
                                                         spaces=tuple(bool(t.whitespace_) for t in doc))))
    return out


def _load():
    with open(os.path.join(SAMPLES, "en-hi.tsv"), encoding="utf-8") as fh:
        hi = [line.rstrip("\n").split("\t")[1] for line in fh if "\t" in line]
    with open(os.path.join(SAMPLES, "en-es.jsonl"), encoding="utf-8") as fh:
        es = [json.loads(line)["es"] for line in fh if line.strip()]
    with open(os.path.join(SAMPLES, "en-de.de"), encoding="utf-8") as fh:
        de = [line.strip() for line in fh if line.strip()]
    return {"hi": _records("hi", hi), "es": _records("es", es), "de": _records("de", de)}


def _time(unit, records, repeat):
    # warm-up: lazy loads (uroman tables, ICU instances) happen here, timed apart
    t0 = time.perf_counter()
    for out in unit(records[0], derive_rng(0, records[0].id, unit.name)):
        pass
    warm = time.perf_counter() - t0
    n = 0
    t0 = time.perf_counter()
    for _ in range(repeat):
        for r in records:
            for _out in unit(r, derive_rng(0, r.id, unit.name)):
                pass
            n += 1
    return n / (time.perf_counter() - t0), warm


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20, help="passes over the sample sentences")
    args = ap.parse_args()
    from cs_synth.transforms.dialup.recipe import dialup_factory
    from cs_synth.transforms.translit.recipe import translit_factory

    data = _load()
    units = [
        ("translit icu Devanagari-Latin", "hi", lambda c: translit_factory(c, backend="icu",
                                                                        transform_id="Devanagari-Latin")),
        ("translit icu Any-Latin; Latin-ASCII", "hi", lambda c: translit_factory(
            c, backend="icu", transform_id="Any-Latin; Latin-ASCII")),
        ("translit sanscript devanagari>iast", "hi", lambda c: translit_factory(c, backend="sanscript",
                                                                             scheme="iast")),
        ("translit uroman (hin)", "hi", lambda c: translit_factory(c, backend="uroman", lcode="hin")),
        ("translit hinglish", "hi", lambda c: translit_factory(c, backend="hinglish")),
        ("translit hinglish, predicate script=Deva", "hi", lambda c: translit_factory(
            c, backend="hinglish", mode="predicate", predicate="script", predicate_options={"scripts": ["Deva"]})),
        ("dialup es (0.1/0.2/0.3)", "es", lambda c: dialup_factory(c)),
        ("dialup es (rates 1.0)", "es", lambda c: dialup_factory(c, char_rate=1, affix_rate=1,
                                                                 function_word_rate=1)),
        ("dialup de (0.1/0.2/0.3)", "de", lambda c: dialup_factory(c)),
    ]
    ref = {}
    for lang in ("hi", "es", "de"):
        ref[lang], _ = _time(PassThrough(), data[lang], args.repeat)
    print(f"{len(data['hi'])} hi / {len(data['es'])} es / {len(data['de'])} de sentences x {args.repeat} passes")
    print(f"{'unit':44s} {'sent/s':>10s} {'x passthrough':>14s} {'build+warm-up s':>16s}")
    for lang in ("hi", "es", "de"):
        print(f"{'(reference) passthrough ' + lang:44s} {ref[lang]:10.0f} {1.0:14.2f}")
    for label, lang, build in units:
        t0 = time.perf_counter()
        unit = build(Context(src_lang=lang))
        build_s = time.perf_counter() - t0
        rate, warm = _time(unit, data[lang], args.repeat)
        print(f"{label:44s} {rate:10.0f} {rate / ref[lang]:14.2f} {build_s + warm:16.2f}")


if __name__ == "__main__":
    main()
