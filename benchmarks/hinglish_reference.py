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
* ``hindi + learned + pair hints``: the same with ``pair_hints`` (a loanword
  spelt as the English sentence spells it);
* ``span-ml matrix tgt + learned``: the sample recipe
  ``samples/recipes/en-hi-hinglish-matrix.yaml``'s chain (Hindi frame, English
  content spans, eflomal alignment over these pairs), through the real job.
  A pair the chain rejects counts as its Hindi sentence romanized (learned), so
  every system is scored on the same pairs; ``+ pair hints``: the chain with
  ``pair_hints: true`` on its translit step.

Also chrF restricted to the pairs rated >= 7 (the references people liked).

Naturalness: the scorer of the output-quality issue
(``pipeline/score/naturalness.py``) needs a local causal LM folder; pass it
with ``--lm`` to get the Spearman correlation between its ``naturalness`` of
the rated Hinglish sentences and their human ratings (through
``benchmarks/naturalness_calibration.py``: token tags from wordfreq, the
English sentence as the monolingual source).  No pretrained LM is available
offline here, so ``--train-lm STEPS`` fits a tiny GPT-2
(:func:`cs_synth.pipeline.testing.tiny_models.build_tiny_causal_lm`, seeded) for
STEPS steps on the HinGE rows after the evaluated ones (their English and
rated Hinglish sentences) and scores with it: a weak LM, so the figure is a
floor for the scorer, not its value with a real multilingual LM.
"""
from __future__ import annotations

import argparse
import csv
import glob
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # naturalness_calibration


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


def chain_outputs(pairs, lexicon: str, work: str, translit_options=None):
    """The sample chain through the real job: {pair index: output text}
    (``translit_options``: more options of its translit step)."""
    import yaml
    from datasets import Dataset

    from cs_synth.beam_jobs.synth import run_job
    from cs_synth.pipeline.config import load_config

    tsv = os.path.join(work, "pairs.tsv")
    with open(tsv, "w", encoding="utf-8") as fh:
        for p in pairs:
            fh.write(f"{p['en']}\t{p['hi']}\n")
    cfg = {"input": {"format": "tsv", "path": tsv, "src_lang": "en", "tgt_lang": "hi"},
           "align": {"backend": "eflomal"},
           "transform": [{"recipe": "span-ml", "options": {"matrix": "tgt", "probability": 0.5, "max_len": 2}},
                         {"recipe": "translit", "options": {"backend": "learned", "lexicon": os.path.abspath(lexicon),
                                                            "langs": ["hi"], **(translit_options or {})}}],
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
    ap.add_argument("--train-lm", type=int, default=0, metavar="STEPS",
                    help="fit a tiny GPT-2 for STEPS steps on the rows after --rows, for the naturalness line")
    ap.add_argument("--lm-rows", type=int, default=2000, help="how many later rows --train-lm fits on")
    args = ap.parse_args(argv)
    import sacrebleu

    from cs_synth.transforms.translit.backends import build_backend

    pairs = read_hinge(args.hinge, args.rows)
    refs = [p["ref"] for p in pairs]
    rules = build_backend("hinglish")
    learned = build_backend("learned", lexicon=args.lexicon)
    systems = {
        "copy english": [p["en"] for p in pairs],
        "hindi + rules": [rules.transliterate(p["hi"]) for p in pairs],
        "hindi + learned": [learned.transliterate(p["hi"]) for p in pairs],
    }
    from cs_synth.pipeline.record import Record, Side
    from cs_synth.transforms.translit.recipe import pair_english_words

    hinted = build_backend("learned", lexicon=args.lexicon, pair_hints=True)
    hyps = []
    for p in pairs:  # the English sentence's words as hints (a regex tokenization: no annotate step here)
        words = tuple(re.findall(r"[A-Za-z]+", p["en"]))
        rec = Record(id="h", src=Side(text=p["hi"], lang="hi", tokens=(p["hi"],)),
                     tgt=Side(text=" ".join(words), lang="en", tokens=words))
        hints, _ = pair_english_words(rec)
        hyps.append(hinted.transliterate(p["hi"], None, hints))
    systems["hindi + learned + pair hints"] = hyps
    with tempfile.TemporaryDirectory() as work:
        chained = chain_outputs(pairs, args.lexicon, work)
    with tempfile.TemporaryDirectory() as work:
        chained_hints = chain_outputs(pairs, args.lexicon, work, {"pair_hints": True})
    systems["span-ml matrix tgt + learned"] = [chained.get(i, systems["hindi + learned"][i])
                                               for i in range(len(pairs))]
    systems["  + pair hints"] = [chained_hints.get(i, systems["hindi + learned + pair hints"][i])
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
    lm = args.lm
    with tempfile.TemporaryDirectory() as work:
        if not lm and args.train_lm:
            lm = train_tiny_lm(args.hinge, args.rows, args.lm_rows, args.train_lm, os.path.join(work, "lm"))
        if lm:
            import naturalness_calibration

            print(f"\nnaturalness vs human ratings on the same {args.rows} rows (LM {args.lm or 'tiny GPT-2, '}"
                  f"{'' if args.lm else f'{args.train_lm} steps on {args.lm_rows} later rows'}):")
            naturalness_calibration.main(["--ratings", args.hinge, "--text-column", "hinglish",
                                          "--rating-column", "rating", "--source-column", "english",
                                          "--model", lm, "--limit", str(args.rows), "--device", "cpu"])
        else:
            print("\nnaturalness vs human ratings (Spearman): not computed (needs a local causal LM folder, --lm, "
                  "or --train-lm STEPS for a tiny one fitted here)")


def train_tiny_lm(hinge: str, skip: int, rows: int, steps: int, out: str, seed: int = 0) -> str:
    """A tiny GPT-2 fitted on HinGE rows ``skip .. skip + rows`` (English and
    rated Hinglish sentences), seeded, on the CPU; returns its folder."""
    import random

    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from cs_synth.pipeline.testing.tiny_models import build_tiny_causal_lm

    texts = []
    for k, p in enumerate(read_hinge(hinge, skip + rows)):
        if k >= skip:
            texts += [p["en"], p["ref"]]
    build_tiny_causal_lm(out, texts, num_layers=2, hidden_size=64, num_heads=2, vocab_size=2000,
                         max_positions=256, seed=seed)
    tok = AutoTokenizer.from_pretrained(out)
    model = AutoModelForCausalLM.from_pretrained(out)
    model.train()
    torch.set_num_threads(1)  # a tiny model: more threads only contend
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    order = random.Random(seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for step in range(steps):
            batch = order.sample(texts, min(16, len(texts)))
            enc = tok(batch, return_tensors="pt", padding=True, truncation=True, max_length=96)
            labels = enc["input_ids"].masked_fill(enc["attention_mask"] == 0, -100)
            loss = model(**enc, labels=labels).loss
            opt.zero_grad()
            loss.backward()
            opt.step()
            if (step + 1) % 50 == 0:
                print(f"tiny LM: step {step + 1}/{steps}, loss {loss.item():.2f}", flush=True)
    print(f"tiny LM: {steps} steps on {len(texts)} sentences, last batch loss {loss.item():.2f}")
    model.eval()
    model.save_pretrained(out)
    return out


if __name__ == "__main__":
    main()
