"""``cs-synth make-priors``: eflomal priors from a separate, larger parallel
corpus, for a job whose own corpus is too small to learn them.

    cs-synth make-priors BIG.yaml --output priors.txt [--max-pairs N]

``BIG.yaml`` is an ordinary config whose ``input`` is the large corpus and
whose ``annotate`` and ``align`` blocks are those of the small job (the
tokens and the aligner's normalisation, stemming included, must be the
same for the priors to match its words).  The corpus is read, annotated
and checked by the job's own stages, in process; the aligner's first pass
(:meth:`~cs_synth.pipeline.align.eflomal_aligner.EflomalAligner.fit`, on
at most ``align.options.priors_sample`` pairs chosen by a hash of their
text) gives the priors, written in eflomal's text format.  The small job
then names the file::

    align: {backend: eflomal, options: {priors_file: priors.txt}}

The same corpus, config and seed give the same bytes.
"""
from __future__ import annotations

import os
import sys
from typing import Iterator, List, Optional, Tuple

from cs_synth.pipeline.units import ConfigError

BATCH = 256


def add_arguments(p) -> None:
    p.add_argument("config", help="a config whose input is the large parallel corpus, with the small job's "
                                  "annotate and align blocks")
    p.add_argument("--output", "-o", required=True, help="the priors file to write (eflomal's text format)")
    p.add_argument("--max-pairs", type=int, default=None,
                   help="read at most this many pairs (default: all; the aligner samples priors_sample of them)")


def token_pairs(cfg, max_pairs: Optional[int] = None) -> Iterator[Tuple[str, Tuple[str, ...], Tuple[str, ...]]]:
    """``(id, source tokens, target tokens)`` of every pair the job's read,
    annotate and alignment checks keep."""
    from cs_synth.pipeline import stages
    from cs_synth.pipeline.stages import TODO

    read, ann, align = stages.stage(cfg, "read"), stages.stage(cfg, "annotate"), stages.stage(cfg, "align")
    seen = 0
    batch: List = []

    def flush():
        for rec in ann.process_batch(batch):
            route, rec = align.check(rec)
            if route == TODO:
                yield rec.id, tuple(rec.src.tokens), tuple(rec.tgt.tokens)

    for unit in read.units():
        for rec in read.process(unit):
            if max_pairs is not None and seen >= max_pairs:
                break
            seen += 1
            batch.append(rec)
            if len(batch) >= BATCH:
                yield from flush()
                batch = []
    if batch:
        yield from flush()


def make_priors(cfg, max_pairs: Optional[int] = None):
    from cs_synth.pipeline import stages

    align = stages.stage(cfg, "align")
    if not align.enabled or not hasattr(align.aligner, "fit_with_links") or not align.corpus_level:
        raise ConfigError("align.backend: make-priors needs a corpus-level aligner with priors (eflomal)")
    pairs = list(token_pairs(cfg, max_pairs))
    if not pairs:
        raise ConfigError("input: no pair of the corpus could be aligned (all rejected or empty)")
    priors = align.fit(pairs)
    return priors, len(pairs)


def run(args) -> int:
    from cs_synth.pipeline.config import load_config

    cfg = load_config(args.config)
    priors, n = make_priors(cfg, args.max_pairs)
    if priors is None or not len(priors):
        raise ConfigError("the aligner learned no priors from this corpus")
    folder = os.path.dirname(os.path.abspath(args.output))
    os.makedirs(folder, exist_ok=True)
    tmp = args.output + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(priors.to_text())
    os.replace(tmp, args.output)
    print(f"cs-synth make-priors: {len(priors.lex)} lexical, {len(priors.hmm_fwd) + len(priors.hmm_rev)} jump and "
          f"{len(priors.fert_fwd) + len(priors.fert_rev)} fertility priors from {priors.n_pairs} of {n} pairs "
          f"-> {args.output}", file=sys.stderr)
    return 0
