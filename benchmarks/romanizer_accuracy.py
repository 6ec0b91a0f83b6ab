"""The learned romanizer (``translit`` backend ``learned``) on a held-out
split of a Dakshina-format lexicon, split by word (every romanization of a
held-out word is held out), against the rule-based ``hinglish`` backend.

    python benchmarks/romanizer_accuracy.py ../shared/data/dakshina/hi.translit.train.tsv

Prints top-1 accuracy against any attested romanization and against the
most frequent one, for: the rules, the pair model alone, the pair model with
loanword detection, and with ``--neural`` the neural reranker (its forward
network alone, then the noisy channel of both networks, the default); then speed in words per second on one core: cold (every
held-out word once, nothing cached) and a cached stream (the words of the
Hindi side of HinGE, when given with ``--stream``, in text order, through
the lexicon and the word cache), each against the rule-based romanizer
measured in the same run.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from cs_synth.transforms.translit import hinglish  # noqa: E402
from cs_synth.transforms.translit.learned import (LearnedRomanizer, NeuralReranker, PairModel,  # noqa: E402
                                                  align_lexicon, english_index, hindi_lexicon, load_lexicon,
                                                  loan_lexicon, neural_reranker, split_by_word)

#: the development split: this share of the training words (salt "dev"),
#: the words every weight of the romanizer was tuned on; models scored on it
#: are trained on the rest of the training words only
DEV_PERCENT, DEV_SALT = 11, "dev"


def category(out: str, attested, zipf) -> str:
    """Why a miss is a miss, by the nearest attested spelling: an English
    word missed or wrongly chosen (loanword), a/aa ee/i oo/u only (vowel
    length), an inherent a only (schwa), n/m only (nasal), else other."""
    def length(s):
        return s.replace("aa", "a").replace("ee", "i").replace("oo", "u")

    if any(zipf.get(a, 0) >= 2.5 for a in attested) and zipf.get(out, 0) < 2.5:
        return "loanword missed"
    if zipf.get(out, 0) >= 2.5:
        return "loanword wrong"
    if any(length(out) == length(a) for a in attested):
        return "vowel length"
    if any(length(out).replace("a", "") == length(a).replace("a", "") for a in attested):
        return "schwa"
    if any(out.replace("m", "n") == a.replace("m", "n") for a in attested):
        return "nasal"
    return "other"


def score(fn, test):
    words = sorted(test.entries)
    any_ok = top_ok = 0
    t0 = time.perf_counter()
    outs = [fn(w) for w in words]
    dt = time.perf_counter() - t0
    for w, out in zip(words, outs):
        attested = [r for r, _ in test.entries[w]]
        any_ok += out in attested
        top_ok += out == attested[0]
    return any_ok / len(words), top_ok / len(words), len(words) / dt, dict(zip(words, outs))


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("lexicon")
    ap.add_argument("--heldout", type=int, default=10, help="percent of words held out (default 10)")
    ap.add_argument("--stream", help="a TSV whose 'hindi' column is the cached-stream text (HinGE)")
    ap.add_argument("--stream-lines", type=int, default=300, help="how many rows of --stream (default 300)")
    ap.add_argument("--show", type=int, default=0, help="print this many misses")
    ap.add_argument("--dev", action="store_true", help="first the same figures on the development split "
                    "(trained on the training words outside it)")
    ap.add_argument("--neural", action="store_true", help="also the neural reranker (needs torch; trains "
                    "for minutes, once per lexicon: kept in the cache folder)")
    args = ap.parse_args(argv)
    lex = load_lexicon(args.lexicon)
    train, test = split_by_word(lex, args.heldout)
    print(f"lexicon {args.lexicon}: {len(lex)} words; train {len(train)} words, held out {len(test)} words "
          f"({sum(len(e) for e in test.entries.values())} rows)")
    if args.dev:
        core, dev = split_by_word(train, DEV_PERCENT, salt=DEV_SALT)
        assert not set(dev.entries) & set(test.entries) and not set(dev.entries) & set(core.entries)
        print(f"development split: {len(dev)} of the training words (salt {DEV_SALT!r}, {DEV_PERCENT}%), "
              f"trained on the other {len(core)}")
        evaluate(core, dev, "dev", args.neural)
    model, loan_model, results, scorer = evaluate(train, test, "held-out", args.neural)
    if args.show:
        import random

        name = "pair model + loanwords + neural" if args.neural else "pair model + loanwords"
        misses = [(w, o, [r for r, _ in test.entries[w]]) for w, o in results[name].items()
                  if o not in [r for r, _ in test.entries[w]]]
        _, zipf = english_index()
        counts = {}
        for w, o, att in misses:
            c = category(o, att, zipf)
            counts[c] = counts.get(c, 0) + 1
        print(f"misses of {name!r} by category ({len(misses)}): "
              + ", ".join(f"{c} {n}" for c, n in sorted(counts.items())))
        for w, o, att in random.Random(0).sample(misses, min(args.show, len(misses))):
            print(f"  miss [{category(o, att, zipf)}] {w}: {o} (attested: {', '.join(att)})")
    if args.stream:
        stream(args, lex, model, loan_model, scorer)


def evaluate(train, test, label, neural=False):
    t0 = time.perf_counter()
    aligned = align_lexicon(train)
    t1 = time.perf_counter()
    model = PairModel(aligned)
    t2 = time.perf_counter()
    loan_model = PairModel(align_lexicon(loan_lexicon(train), loose=True))
    t3 = time.perf_counter()
    hindi = hindi_lexicon(train)
    hindi_model = PairModel(align_lexicon(hindi))
    t4 = time.perf_counter()
    print(f"training ({label}): EM alignment {t1 - t0:.1f} s, n-gram {t2 - t1:.1f} s, loanword model "
          f"({len(loan_lexicon(train))} words) {t3 - t2:.1f} s, native model without them ({len(hindi)} words, "
          f"used with the loanword model) {t4 - t3:.1f} s")
    plain = LearnedRomanizer(train, model=model, loanwords=False)
    loan = LearnedRomanizer(train, model=hindi_model, loanwords=True, loan_model=loan_model)
    rows = [("hinglish rules", hinglish.romanize_word), ("pair model", plain.model_word),
            ("pair model + loanwords", loan.model_word)]
    scorer = None
    if neural:
        t0 = time.perf_counter()
        scorer = neural_reranker(train)
        print(f"training ({label}): neural reranker, both networks {time.perf_counter() - t0:.1f} s "
              "(0 s when cached)")
        forward = NeuralReranker(scorer.forward, None)
        one = LearnedRomanizer(train, model=hindi_model, loanwords=True, loan_model=loan_model, neural=forward)
        both = LearnedRomanizer(train, model=hindi_model, loanwords=True, loan_model=loan_model, neural=scorer)
        rows.append(("  + neural, forward only", one.model_word))
        rows.append(("pair model + loanwords + neural", both.model_word))
    results = {}
    print(f"{label + ' top-1':32s} {'any attested':>12s} {'most frequent':>14s} {'cold words/s':>13s}")
    for name, fn in rows:
        a, t, wps, outs = score(fn, test)
        results[name] = outs
        print(f"{name:32s} {a:12.4f} {t:14.4f} {wps:13.0f}")
    return hindi_model, loan_model, results, scorer


def stream(args, lex, model, loan_model, scorer=None):
    """Speed on a cached stream: the Hindi side of --stream, through the full lexicon and the word cache."""
    import csv

    csv.field_size_limit(1 << 24)
    with open(args.stream, encoding="utf-8", newline="") as fh:
        rows = [row["hindi"] for _, row in zip(range(args.stream_lines), csv.DictReader(fh, delimiter="\t"))]
    tokens = " ".join(rows).split()
    full = LearnedRomanizer(lex, model=model, loanwords=True, loan_model=loan_model,  # full lexicon look-ups
                            neural=scorer)
    t0 = time.perf_counter()
    for tok in tokens:
        full.romanize(tok)
    first = time.perf_counter() - t0
    info = full.word.cache_info()
    t0 = time.perf_counter()
    for tok in tokens * 3:  # a corpus repeats its words: every word is in the cache now
        full.romanize(tok)
    again = time.perf_counter() - t0
    t0 = time.perf_counter()
    for tok in tokens * 3:
        hinglish.romanize(tok)
    dr = time.perf_counter() - t0
    print(f"stream: {len(tokens)} tokens of {args.stream} ({info.misses} distinct words, "
          f"{sum(1 for w in set(tokens) if w in lex)} of them lexicon hits):")
    print(f"  first pass (lexicon + model + loanwords, filling the cache): {len(tokens) / first:.0f} words/s")
    print(f"  cached (3 more passes): {3 * len(tokens) / again:.0f} words/s; rules backend on the same "
          f"3 passes: {3 * len(tokens) / dr:.0f} words/s (ratio cached/rules {dr / again:.2f})")


if __name__ == "__main__":
    main()
