"""Tokens per second of the interleave stage, against reading the same
documents alone, measured in the same run.

    python benchmarks/interleave_throughput.py --multi30k /path/to/multi30k [--lines 29000] [--job]
    python benchmarks/interleave_throughput.py            # the bundled caption sample, repeated

It runs ``samples/recipes/en-de-captions-interleave.yaml`` (pseudo-documents
of 5 consecutive caption pairs, a demonstration grouping) on multi30k's
``train.en.gz``/``train.de.gz`` given by path (or on the bundled sample),
without its transform step unless ``--with-transform``:

* ``read``: the read stage alone (records with their document ids), tokens
  of both sides per second -- the reference;
* ``interleave``: the stage alone on the read documents (segment, order,
  window, assemble), input tokens per second;
* ``read+interleave``: both, in one process;
* ``job`` (with ``--job``): the whole Beam job (FnApiRunner, one worker),
  output shards and manifest included.

Ratios are against ``read`` of this run; no timing is asserted anywhere.
"""
from __future__ import annotations

import argparse
import gzip
import os
import pathlib
import re
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

RECIPE = REPO / "samples" / "recipes" / "en-de-captions-interleave.yaml"
_WORD = re.compile(r"\S+")


def _inputs(args, tmp: str):
    """(en path, de path): multi30k's train files (first --lines lines), or the sample repeated."""
    en_out, de_out = os.path.join(tmp, "bench.en"), os.path.join(tmp, "bench.de")
    if args.multi30k:
        src = [os.path.join(args.multi30k, f"train.{l}.gz") for l in ("en", "de")]
        for path in src:
            if not os.path.exists(path):
                sys.exit(f"--multi30k: {path} not found")
        for path, out in zip(src, (en_out, de_out)):
            with gzip.open(path, "rt", encoding="utf-8") as fh, open(out, "w", encoding="utf-8") as w:
                for k, line in enumerate(fh):
                    if args.lines and k >= args.lines:
                        break
                    w.write(line)
    else:
        en = (REPO / "samples" / "corpora" / "en-de-captions-docs.en").read_text().splitlines()
        de = (REPO / "samples" / "corpora" / "en-de-captions-docs.de").read_text().splitlines()
        n = args.lines or 5000
        with open(en_out, "w", encoding="utf-8") as fe, open(de_out, "w", encoding="utf-8") as fd:
            for k in range(n):
                fe.write(en[k % len(en)] + "\n")
                fd.write(de[k % len(de)] + "\n")
    return en_out, de_out


def _config(en: str, de: str, with_transform: bool):
    import yaml

    from cs_synth.pipeline.config import parse_config

    raw = yaml.safe_load(RECIPE.read_text())
    raw["input"]["src_path"], raw["input"]["tgt_path"] = en, de
    if not with_transform:
        raw.pop("transform", None)
        raw["interleave"]["codeswitched"] = 0.0
        raw["annotate"] = {"backend": "none"}
        raw["score"] = []
    else:
        raw["transform"][0]["options"]["dictionaries"]["de"] = str(REPO / "samples" / "lexicons" / "en-de.tsv")
    return parse_config(raw, base_dir=str(RECIPE.parent))


def _read(cfg):
    from cs_synth.pipeline import stages

    st = stages.stage(cfg, "read")
    return [r for unit in st.units() for r in st.process(unit)]


def _interleave(cfg, records):
    from cs_synth.pipeline import stages
    from cs_synth.pipeline.interleave.documents import doc_of

    st = stages.stage(cfg, "interleave")
    docs, n_read = {}, {}
    for r in records:
        doc = doc_of(r)
        n_read[doc] = n_read.get(doc, 0) + 1
        if not r.rejected:
            d, s = st.sentence(r)
            docs.setdefault(d, []).append(s)
    rows = []
    for doc in sorted(n_read):
        out, _ = st.process(doc, docs.get(doc, []), n_read[doc])
        rows += out
    return rows


def _tokens(records) -> int:
    return sum(len(_WORD.findall(r.src.text)) + (len(_WORD.findall(r.tgt.text)) if r.tgt else 0) for r in records)


def _best(fn, repeat: int):
    best, out = None, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    return best, out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--multi30k", help="folder holding multi30k's train.en.gz and train.de.gz")
    ap.add_argument("--lines", type=int, default=0, help="first N caption pairs (default: all of multi30k; "
                                                         "5000 of the repeated sample)")
    ap.add_argument("--repeat", type=int, default=3, help="best of N timings per measurement")
    ap.add_argument("--job", action="store_true", help="also time the whole Beam job")
    ap.add_argument("--with-transform", action="store_true", help="keep the recipe's word transform step")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="cs-synth-bench-") as tmp:
        en, de = _inputs(args, tmp)
        cfg = _config(en, de, args.with_transform)
        _interleave(cfg, _read(cfg))  # warm-up: stage objects built, files in the page cache
        t_read, records = _best(lambda: _read(cfg), args.repeat)
        tokens = _tokens(records)
        t_il, rows = _best(lambda: _interleave(cfg, records), args.repeat)
        t_both, _ = _best(lambda: _interleave(cfg, _read(cfg)), args.repeat)
        out_tokens = sum(r["n_tokens"] for r in rows)
        from cs_synth.pipeline.interleave.documents import doc_of

        docs = len({doc_of(r) for r in records})
        print(f"input: {'multi30k train' if args.multi30k else 'bundled caption sample, repeated'}: "
              f"{len(records)} caption pairs, {docs} pseudo-documents of 5, {tokens} input tokens (whitespace)")
        print(f"output: {len(rows)} sequences, {out_tokens} tokens (tags and separators included)")
        ref = tokens / t_read
        print(f"{'measurement':<18} {'seconds':>8} {'input tokens/s':>15} {'vs read':>8}")
        for name, t in (("read", t_read), ("interleave", t_il), ("read+interleave", t_both)):
            print(f"{name:<18} {t:8.3f} {tokens / t:15.0f} {tokens / t / ref:8.2f}x")
        if args.job:
            from cs_synth.beam_jobs.interleave import run_job

            t0 = time.perf_counter()
            m = run_job(cfg, os.path.join(tmp, "out"))
            t = time.perf_counter() - t0
            print(f"{'job (Beam, 1 wkr)':<18} {t:8.3f} {tokens / t:15.0f} {tokens / t / ref:8.2f}x   "
                  f"(documents {m['documents']['read']}, with output {m['documents']['with_output']}, "
                  f"sequences {m['documents']['sequences_written']}, accounting {m['accounting_ok']})")


if __name__ == "__main__":
    main()
