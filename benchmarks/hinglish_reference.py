"""Our Hinglish against human-rated Hinglish (HinGE, Srivastava & Singh 2021).

    python benchmarks/hinglish_reference.py ../shared/data/hinge/train_ratings.tsv \
        --lexicon ../shared/data/dakshina/hi.translit.train.tsv [--rows 500]

HinGE's ``train_ratings.tsv`` has columns ``english``, ``hindi``, ``hinglish``
(a rule-generated Hinglish sentence), ``rating`` (its mean human rating,
1-10) and ``disagreement``.  On the first ``--rows`` pairs this runs, side by
side, against the rated Hinglish as the reference (sacrebleu corpus chrF):

* ``copy english``: the English sentence itself;
* ``hindi + rules``: the Hindi sentence romanized by the rule-based
  ``hinglish`` backend (no switching);
* ``hindi + learned``: the Hindi sentence romanized by the ``learned``
  backend (Dakshina lexicon + pair model + loanwords);
* ``span-ml matrix tgt + learned``: the sample recipe
  ``samples/recipes/en-hi-hinglish-matrix.yaml``'s chain (Hindi frame, English
  content spans, eflomal alignment over these pairs), through the real job.
  A pair the chain rejects counts as its Hindi sentence romanized (learned), so
  every system is scored on the same pairs.

Also chrF restricted to the pairs rated >= 7 (the references people liked).

Naturalness: the scorer of the output-quality issue
(``pipeline/score/naturalness.py``) needs a local causal LM folder; pass it
with ``--lm`` to get the Spearman correlation between its ``naturalness`` of
the rated Hinglish sentences and their human ratings; without one the line
says it is unavailable.
"""
from __future__ import annotations

import argparse
import csv
import glob
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def read_hinge(path: str, rows: int):
    csv.field_size_limit(1 << 24)
    out = []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if len(out) >= rows:
                break
            en, hi = row["english"].strip(), row["hindi"].strip()
            if en and hi and "\t" not in en + hi:
                out.append({"en": en, "hi": hi, "ref": row["hinglish"].strip(), "rating": float(row["rating"])})
    return out


def chain_outputs(pairs, lexicon: str, work: str):
    """The sample chain through the real job: {pair index: output text}."""
    import yaml
    from datasets import Dataset

    from beam_jobs.synth import run_job
    from pipeline.config import load_config

    tsv = os.path.join(work, "pairs.tsv")
    with open(tsv, "w", encoding="utf-8") as fh:
        for p in pairs:
            fh.write(f"{p['en']}\t{p['hi']}\n")
    cfg = {"input": {"format": "tsv", "path": tsv, "src_lang": "en", "tgt_lang": "hi"},
           "align": {"backend": "eflomal"},
           "transform": [{"recipe": "span-ml", "options": {"matrix": "tgt", "probability": 0.5, "max_len": 2}},
                         {"recipe": "translit", "options": {"backend": "learned", "lexicon": os.path.abspath(lexicon),
                                                            "langs": ["hi"]}}],
           "seed": 0}
    path = os.path.join(work, "cfg.yaml")
    with open(path, "w", encoding="utf-8") as fh:
        yaml.safe_dump(cfg, fh)
    out = os.path.join(work, "out")
    run_job(load_config(path), out, workers=1, overwrite=True)
    texts = {}
    for f in sorted(glob.glob(os.path.join(out, "data", "*.arrow"))):
        ds = Dataset.from_file(f)
        for pid, text in zip(ds["pair_id"], ds["text"]):
            idx = int(pid.rsplit(":", 1)[-1]) - 1 if ":" in pid else None
            if idx is not None and idx not in texts:
                texts[idx] = text
    return texts


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("hinge")
    ap.add_argument("--lexicon", required=True)
    ap.add_argument("--rows", type=int, default=500)
    ap.add_argument("--lm", help="a local causal LM folder for the naturalness scorer")
    ap.add_argument("--show", type=int, default=8)
    args = ap.parse_args(argv)
    import sacrebleu

    from transforms.translit.backends import build_backend

    pairs = read_hinge(args.hinge, args.rows)
    refs = [p["ref"] for p in pairs]
    rules = build_backend("hinglish")
    learned = build_backend("learned", lexicon=args.lexicon)
    systems = {
        "copy english": [p["en"] for p in pairs],
        "hindi + rules": [rules.transliterate(p["hi"]) for p in pairs],
        "hindi + learned": [learned.transliterate(p["hi"]) for p in pairs],
    }
    with tempfile.TemporaryDirectory() as work:
        chained = chain_outputs(pairs, args.lexicon, work)
    systems["span-ml matrix tgt + learned"] = [chained.get(i, systems["hindi + learned"][i])
                                               for i in range(len(pairs))]
    good = [i for i, p in enumerate(pairs) if p["rating"] >= 7]
    print(f"HinGE {args.hinge}: {len(pairs)} pairs ({len(good)} rated >= 7); the chain wrote {len(chained)} of them")
    print(f"{'system':32s} {'chrF all':>9s} {'chrF rated>=7':>14s}")
    for name, hyps in systems.items():
        c_all = sacrebleu.corpus_chrf([h.lower() for h in hyps], [[r.lower() for r in refs]]).score
        c_good = sacrebleu.corpus_chrf([hyps[i].lower() for i in good], [[refs[i].lower() for i in good]]).score
        print(f"{name:32s} {c_all:9.1f} {c_good:14.1f}")
    for i in sorted(chained)[:args.show]:
        print(f"\n  en:    {pairs[i]['en']}\n  HinGE: {pairs[i]['ref']} (rated {pairs[i]['rating']:g})\n"
              f"  ours:  {systems['span-ml matrix tgt + learned'][i]}")
    if args.lm:
        print("\nnaturalness: --lm given, but scoring HinGE's sentences needs per-token language tags, "
              "which HinGE does not have; not computed")
    else:
        print("\nnaturalness vs human ratings (Spearman): unavailable (the naturalness scorer needs a local "
              "causal LM folder, --lm; none is installed here)")


if __name__ == "__main__":
    main()
