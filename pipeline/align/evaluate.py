"""``cs-synth align-eval``: alignment error rate of an aligner on a gold set.

    cs-synth align-eval --pairs enfr.src-tgt --gold enfr.gold --aligner eflomal \\
        [--symmetrize grow-diag-final-and] [--extra-pairs more.src-tgt | --extra-src X --extra-tgt Y]

``--pairs`` holds one ``source ||| target`` pair per line, tokens separated
by whitespace.  ``--gold`` holds one Pharaoh line per pair: ``i-j`` is a
sure link, ``ipj`` a possible one.  The gold files in
``shared/data/alignment-gold`` count words from **1** (every index there is
>= 1 and the largest equal the sentence lengths), so ``--gold-index-base``
defaults to 1; pass 0 for 0-based gold files.

Extra unlabelled parallel text (``--extra-pairs``, or ``--extra-src`` with
``--extra-tgt``, whitespace-tokenized) helps corpus-level aligners:
with ``--extra-use priors`` (default) priors are learned over the extra text
plus the evaluation pairs and the evaluation pairs are then aligned with
them, as the Beam job does; with ``--extra-use train`` everything is aligned
in one run and only the evaluation pairs are scored.  ``--priors FILE``
passes an eflomal priors file instead.  ``--aligner given --given FILE``
scores a file of predicted alignments (0-based Pharaoh, one line per pair).

The last line printed is a JSON object with ``aer``, ``precision``,
``recall``, ``n_pairs``, ``aligner``, ``options`` and the link counts.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from typing import Any, Dict, List, Optional, Tuple

Pair = Tuple[Tuple[str, ...], Tuple[str, ...]]


class EvalInputError(ValueError):
    pass


def split_tokens(text: str) -> Tuple[str, ...]:
    """Tokens of a gold-set line: split on ASCII spaces and tabs only, so a
    token that is other Unicode white space (an ideographic space U+3000,
    a no-break space) stays one token and the gold indices stay in step."""
    return tuple(t for t in re.split(r"[ \t]+", text.strip(" \t\r\n")) if t)


def _lines(fh) -> List[str]:
    """Lines split on \\n only (str.splitlines also splits on U+2028,
    U+001C and others, which may stand inside a token)."""
    text = fh.read()
    lines = [line.rstrip("\r") for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def read_pairs(path: str) -> List[Pair]:
    out: List[Pair] = []
    with open(path, encoding="utf-8", newline="") as fh:
        for n, line in enumerate(_lines(fh), start=1):
            if "|||" not in line:
                raise EvalInputError(f"{path}:{n}: expected 'source ||| target'")
            src, tgt = line.split("|||", 1)
            out.append((split_tokens(src), split_tokens(tgt)))
    return out


def read_side_files(src_path: str, tgt_path: str) -> List[Pair]:
    with open(src_path, encoding="utf-8", newline="") as fs, open(tgt_path, encoding="utf-8", newline="") as ft:
        src, tgt = _lines(fs), _lines(ft)
    if len(src) != len(tgt):
        raise EvalInputError(f"{src_path} has {len(src)} lines but {tgt_path} has {len(tgt)}")
    return [(split_tokens(s), split_tokens(t)) for s, t in zip(src, tgt)]


def read_gold(path: str, pairs: List[Pair], index_base: int):
    from cs_synth.pipeline.align.symmetrize import PharaohError, parse_pharaoh_sp

    with open(path, encoding="utf-8", newline="") as fh:
        lines = _lines(fh)
    if len(lines) != len(pairs):
        raise EvalInputError(f"{path} has {len(lines)} alignment lines for {len(pairs)} pairs")
    gold = []
    for n, (line, (s, t)) in enumerate(zip(lines, pairs), start=1):
        try:
            gold.append(parse_pharaoh_sp(line, len(s), len(t), index_base=index_base))
        except PharaohError as exc:
            hint = "" if index_base == 1 else " (is the gold file 1-based? try --gold-index-base 1)"
            raise EvalInputError(f"{path}:{n}: {exc}{hint}") from None
    return gold


def _option_value(text: str) -> Any:
    import yaml

    return yaml.safe_load(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pairs", required=True, help="'source ||| target' lines, whitespace tokens")
    parser.add_argument("--gold", required=True, help="Pharaoh gold alignments, one line per pair (i-j sure, ipj possible)")
    parser.add_argument("--gold-index-base", type=int, choices=(0, 1), default=1,
                        help="index of the first word in --gold (default 1, as in shared/data/alignment-gold)")
    parser.add_argument("--aligner", default="eflomal", help="registered aligner: eflomal, simalign, simalign-batched, given")
    parser.add_argument("--symmetrize", help="eflomal: symmetrization heuristic")
    parser.add_argument("--model", help="simalign: model folder or cached Hugging Face name")
    parser.add_argument("--layer", type=int, help="simalign: hidden layer")
    parser.add_argument("--method", help="simalign: argmax, itermax or match")
    parser.add_argument("--token-type", help="simalign: bpe or word")
    parser.add_argument("--device", help="simalign: auto, cpu, cuda")
    parser.add_argument("--seed", type=int, default=0, help="run seed (default 0)")
    parser.add_argument("--option", "-O", action="append", default=[], metavar="KEY=VALUE",
                        help="any other aligner option (value parsed as YAML), repeatable")
    parser.add_argument("--extra-pairs", help="extra unlabelled 'source ||| target' text")
    parser.add_argument("--extra-src", help="extra unlabelled source text, one sentence a line")
    parser.add_argument("--extra-tgt", help="extra unlabelled target text, line-aligned with --extra-src")
    parser.add_argument("--extra-use", choices=("priors", "train"), default="priors",
                        help="learn priors from the extra text (default) or align it jointly with the pairs")
    parser.add_argument("--no-priors", action="store_true", help="corpus-level aligners: do not learn priors")
    parser.add_argument("--priors", help="eflomal priors file (eflomal-makepriors text format)")
    parser.add_argument("--given", help="--aligner given: predicted alignments, 0-based Pharaoh, one line per pair")
    parser.add_argument("--output", help="write the predicted alignments here (0-based Pharaoh)")


def build_options(args) -> Dict[str, Any]:
    opts: Dict[str, Any] = {}
    for key, attr in (("symmetrize", "symmetrize"), ("model", "model"), ("layer", "layer"), ("method", "method"),
                      ("token_type", "token_type"), ("device", "device")):
        v = getattr(args, attr, None)
        if v is not None:
            opts[key] = v
    if args.priors:
        opts["priors_file"] = args.priors
    for item in args.option:
        if "=" not in item:
            raise EvalInputError(f"--option {item!r}: expected KEY=VALUE")
        k, v = item.split("=", 1)
        opts[k.strip()] = _option_value(v)
    return opts


def evaluate(args) -> Dict[str, Any]:
    import os

    from cs_synth.pipeline import registry
    from cs_synth.pipeline.align.aer import corpus_counts
    from cs_synth.pipeline.align.symmetrize import format_pharaoh
    from cs_synth.pipeline.units import Context

    t0 = time.perf_counter()
    pairs = read_pairs(args.pairs)
    gold = read_gold(args.gold, pairs, args.gold_index_base)
    extra: List[Pair] = []
    if args.extra_pairs:
        extra = read_pairs(args.extra_pairs)
    if args.extra_src or args.extra_tgt:
        if not (args.extra_src and args.extra_tgt):
            raise EvalInputError("--extra-src and --extra-tgt go together")
        extra += read_side_files(args.extra_src, args.extra_tgt)
    extra = [p for p in extra if p[0] and p[1]]

    options = build_options(args)
    ctx = Context(base_dir=os.getcwd(), seed=args.seed)
    # the aligner is built as the align stage builds it: schema-checked
    # options, errors naming align.backend / align.options.<name>
    aligner = registry.build(registry.aligners, args.aligner, ctx, options, "align", "backend")

    given = None
    if aligner.uses_given_alignment:
        if not args.given:
            raise EvalInputError("--aligner given needs --given FILE with the predicted alignments")
        with open(args.given, encoding="utf-8") as fh:
            given = _lines(fh)
        if len(given) != len(pairs):
            raise EvalInputError(f"{args.given} has {len(given)} lines for {len(pairs)} pairs")

    priors = None
    if aligner.corpus_level and extra and args.extra_use == "train":
        predicted = aligner.align(extra + pairs)[len(extra):]
    else:
        if aligner.corpus_level and extra and not args.no_priors:
            priors = aligner.fit(extra + pairs)
        predicted = aligner.align(pairs, priors=priors, given=given)
    counts = corpus_counts(predicted, gold)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            for links in predicted:
                fh.write(format_pharaoh(links) + "\n")
    return {
        "aer": round(counts.aer, 6), "precision": round(counts.precision, 6), "recall": round(counts.recall, 6),
        "n_pairs": len(pairs), "aligner": args.aligner, "options": options,
        "predicted_links": counts.predicted, "sure_links": counts.sure,
        "possible_links": sum(len(set(s) | set(p)) for s, p in gold),
        "hit_sure": counts.hit_sure, "hit_possible": counts.hit_possible,
        "extra_pairs": len(extra), "extra_use": args.extra_use if extra else None,
        "learned_priors": priors is not None, "priors_file": args.priors,
        "gold_index_base": args.gold_index_base, "seconds": round(time.perf_counter() - t0, 2),
    }


def run(args) -> int:
    from cs_synth.pipeline.units import ConfigError

    try:
        result = evaluate(args)
    except (EvalInputError, ConfigError, OSError) as exc:
        print(f"align-eval: {exc}", file=sys.stderr)
        return 2
    print(f"pairs {result['n_pairs']}  aligner {result['aligner']}  "
          f"AER {result['aer']:.4f}  precision {result['precision']:.4f}  recall {result['recall']:.4f}")
    print(json.dumps(result, sort_keys=True))
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="cs-synth align-eval", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
