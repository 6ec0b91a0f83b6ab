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


#: bump when what a cached ``priors_from`` file holds changes meaning
PRIORS_CACHE_VERSION = 1
_MEMO: dict = {}


def _priors_config(cfg):
    """The config whose input is ``cfg.align.priors_from``, with ``cfg``'s
    annotate and align blocks (less ``priors_from``)."""
    align = cfg.align.model_copy(update={"priors_from": None, "priors_from_max_pairs": None})
    return cfg.model_copy(update={"input": cfg.align.priors_from, "align": align})


def _input_digest(pcfg) -> Optional[str]:
    """A digest of the files the priors corpus reads (local paths only;
    None when one is remote or missing, and then nothing is cached)."""
    import glob
    import hashlib

    spec = pcfg.input
    paths = [spec.src_path, spec.tgt_path] if spec.format == "moses" else spec.path
    paths = paths if isinstance(paths, (list, tuple)) else [paths]
    h = hashlib.sha256()
    for p in paths:
        p = str(p)
        if "://" in p:
            return None
        full = p if os.path.isabs(p) else os.path.join(pcfg.base_dir, p)
        found = sorted(glob.glob(full)) if glob.has_magic(full) else [full]
        if not found or not all(os.path.isfile(f) for f in found):
            return None
        for f in found:
            h.update(f.encode("utf-8") + b"\0")
            with open(f, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
    return h.hexdigest()


def priors_from_corpus(cfg):
    """The eflomal priors that ``align.priors_from`` gives for ``cfg``:
    learned from that corpus with ``cfg``'s annotate and align settings and
    seed, once per content (cached in ``~/.cache/cs-synth/priors``, or
    ``$CS_SYNTH_CACHE/priors``, by a digest of the corpus files and the
    settings; in memory within a process)."""
    import hashlib
    import json

    from cs_synth.pipeline.align.eflomal_aligner import EflomalPriors

    pcfg = _priors_config(cfg)
    digest = _input_digest(pcfg)
    key = None
    if digest is not None:
        settings = json.dumps({"v": PRIORS_CACHE_VERSION, "input": pcfg.input.model_dump(mode="json"),
                               "annotate": pcfg.annotate.model_dump(mode="json"),
                               "align": pcfg.align.model_dump(mode="json"), "seed": pcfg.seed,
                               "max_pairs": cfg.align.priors_from_max_pairs, "files": digest},
                              sort_keys=True, default=str)
        key = hashlib.sha256(settings.encode("utf-8")).hexdigest()[:24]
        if key in _MEMO:
            return _MEMO[key]
        from cs_synth.pipeline.resources import cache_root

        path = os.path.join(cache_root(), "priors", key + ".txt")
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as fh:
                priors = EflomalPriors.from_text(fh)
            _MEMO[key] = priors
            return priors
    try:
        priors, _ = make_priors(pcfg, cfg.align.priors_from_max_pairs)
    except ConfigError as exc:
        raise ConfigError(f"align.priors_from: {exc}") from None
    if priors is None or not len(priors):
        raise ConfigError("align.priors_from: the aligner learned no priors from this corpus")
    if key is not None:
        _MEMO[key] = priors
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            tmp = f"{path}.{os.getpid()}.tmp"
            with open(tmp, "w", encoding="utf-8") as fh:
                fh.write(priors.to_text())
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only cache: learned again next time
    return priors


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
