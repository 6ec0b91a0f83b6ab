"""Calibrate the naturalness scorer against human ratings (issue 13).

Give it a rated set you have, a CSV or TSV with one code-switched sentence
and its human rating per row (and, best, the monolingual source it came
from), and a local causal LM folder; it scores every sentence with the
``naturalness`` scorer and prints the Spearman correlation between the score
and the ratings (and the same for the raw ``switch_surprisal``):

    python benchmarks/naturalness_calibration.py --ratings ../shared/data/hinge/train_ratings.tsv \\
        --text-column hinglish --rating-column rating --source-column english \\
        --model /models/a-multilingual-causal-lm --other-lang hi --limit 500

Token language tags come from an English word list (``wordfreq``): a word
with Zipf frequency >= ``--min-zipf`` in English is ``en``, any other word
is ``--other-lang`` (what romanized Hinglish needs; for a script-separated
pair any tagger works the same way).  With no ``--source-column`` the
sentence is its own reference, and only ``switch_surprisal`` is meaningful.
A random-weight test model gives a correlation near 0: that checks the
mechanics, not the scorer.
"""
from __future__ import annotations

import argparse
import csv
import os
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, REPO)


def tag(tokens, other: str, min_zipf: float):
    from wordfreq import zipf_frequency

    from cs_synth.pipeline.langs import LANG_INDEPENDENT, is_language_independent

    return tuple(LANG_INDEPENDENT if is_language_independent(t) else
                 ("en" if zipf_frequency(t.lower(), "en") >= min_zipf else other) for t in tokens)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ratings", required=True)
    ap.add_argument("--text-column", required=True)
    ap.add_argument("--rating-column", required=True)
    ap.add_argument("--source-column")
    ap.add_argument("--model", required=True)
    ap.add_argument("--other-lang", default="hi")
    ap.add_argument("--min-zipf", type=float, default=3.5)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--device", default="auto")
    args = ap.parse_args(argv)

    from scipy.stats import spearmanr

    from cs_synth.pipeline.record import Record, Side
    from cs_synth.pipeline.score.naturalness import naturalness
    from cs_synth.pipeline.units import Context

    delim = "\t" if args.ratings.endswith((".tsv", ".tsv.gz")) else ","
    with open(args.ratings, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=delim))
    if args.limit:
        rows = rows[: args.limit]
    records, ratings = [], []
    for k, row in enumerate(rows):
        text = (row.get(args.text_column) or "").strip()
        try:
            rating = float(row[args.rating_column])
        except (KeyError, TypeError, ValueError):
            continue
        toks = tuple(text.split())
        if not toks:
            continue
        src_text = (row.get(args.source_column) or "").strip() if args.source_column else text
        src_toks = tuple(src_text.split()) or toks
        records.append(Record(id=f"row{k}", src=Side(src_text, "en", src_toks, tuple(True for _ in src_toks)),
                              tokens=toks, langs=tag(toks, args.other_lang, args.min_zipf),
                              spaces=tuple(True for _ in toks), text=text))
        ratings.append(rating)
    scorer = naturalness(Context(), model=args.model, device=args.device)
    scores = scorer.score_batch(records)
    for key in ("naturalness", "switch_surprisal"):
        pairs = [(s[key], r) for s, r in zip(scores, ratings) if key in s]
        if len(pairs) < 3:
            print(f"{key}: too few scored rows ({len(pairs)})")
            continue
        rho, p = spearmanr([a for a, _ in pairs], [b for _, b in pairs])
        print(f"{key}: Spearman rho = {rho:.3f} (p = {p:.3g}) over {len(pairs)} of {len(rows)} rated rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
