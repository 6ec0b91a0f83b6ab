"""The output of two sample runs against committed hashes.

A performance change (coders, batching, alignment plumbing, workers) must
not change one byte of what the tool writes.  This test runs two sample
recipes and compares a sha256 of their rows (kept and rejected shards, in
shard order, each row as canonical JSON) and of the manifest's counts with
``tests/golden_hashes.json``.

The hash covers the rows, not the Arrow file bytes, so a change of the
writer's framing (row groups, schema metadata such as the version) does
not count as an output change, while any change to a text, a token, a
label, a score, an alignment link or a reject reason does.

When an output change is **intended**, regenerate on purpose and say why
in the commit::

    python benchmarks/regen_golden_hashes.py            # all recipes
    python benchmarks/regen_golden_hashes.py en-es-word # one
"""
from __future__ import annotations

import glob
import hashlib
import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden_hashes.json"
#: recipes whose outputs should change least often: dictionary word
#: switching (no aligner) and entity switching with eflomal + priors
RECIPES = ("en-es-word", "en-hi-entity")
#: manifest fields that are part of the output (not timings, paths or versions)
MANIFEST_FIELDS = ("read", "pairs_with_output", "rejected", "written", "rejected_records", "errors",
                   "accounting_ok")


def _canonical(value):
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return value


def output_digest(out_dir: str) -> dict:
    """sha256 of the rows of every shard and of the manifest's counts."""
    import pyarrow as pa

    h = hashlib.sha256()
    rows = {}
    for kind in ("data", "rejected"):
        n = 0
        for path in sorted(glob.glob(os.path.join(out_dir, kind, "*.arrow"))):
            h.update(f"\x00{kind}/{os.path.basename(path)}\x00".encode())
            with pa.memory_map(path) as src:
                try:
                    table = pa.ipc.open_file(src).read_all()
                except pa.ArrowInvalid:
                    src.seek(0)
                    table = pa.ipc.open_stream(src).read_all()
            h.update(",".join(table.schema.names).encode())
            for row in table.to_pylist():
                h.update(json.dumps(_canonical(row), sort_keys=True, ensure_ascii=False).encode("utf-8"))
                h.update(b"\n")
                n += 1
        rows[kind] = n
    with open(os.path.join(out_dir, "manifest.json"), encoding="utf-8") as fh:
        manifest = json.load(fh)
    counts = {k: manifest.get(k) for k in MANIFEST_FIELDS}
    h.update(json.dumps(counts, sort_keys=True).encode())
    return {"sha256": h.hexdigest(), "rows": rows, "read": manifest.get("read")}


def run_recipe(name: str, out_dir: str, workers: int = 1) -> dict:
    from cs_synth.beam_jobs.synth import run_job
    from cs_synth.pipeline.config import load_config

    run_job(load_config(str(REPO / "samples" / "recipes" / f"{name}.yaml")), out_dir, workers=workers,
            overwrite=True)
    return output_digest(out_dir)


@pytest.mark.parametrize("name", RECIPES)
def test_sample_run_matches_committed_hash(name, tmp_path):
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert name in golden, f"no committed hash for {name}; run python benchmarks/regen_golden_hashes.py {name}"
    got = run_recipe(name, str(tmp_path / name))
    want = golden[name]
    assert got["rows"] == want["rows"] and got["sha256"] == want["sha256"], (
        f"{name}: the output changed (rows {want['rows']} -> {got['rows']}, sha256 {want['sha256'][:12]} -> "
        f"{got['sha256'][:12]}). If this change is intended, regenerate with "
        f"'python benchmarks/regen_golden_hashes.py {name}' and say why in the commit.")


def test_digest_sees_a_one_character_change(tmp_path):
    """The hash must be able to fail: changing one character of one row's
    text changes it."""
    import pyarrow as pa

    out = tmp_path / "o"
    (out / "data").mkdir(parents=True)
    (out / "manifest.json").write_text(json.dumps({"read": 1}), encoding="utf-8")
    table = pa.table({"id": ["a"], "text": ["Das ist gut ."]})
    with pa.OSFile(str(out / "data" / "train-00000-of-00001.arrow"), "wb") as sink:
        with pa.ipc.new_file(sink, table.schema) as w:
            w.write_table(table)
    first = output_digest(str(out))
    table = pa.table({"id": ["a"], "text": ["Das ist gut !"]})
    with pa.OSFile(str(out / "data" / "train-00000-of-00001.arrow"), "wb") as sink:
        with pa.ipc.new_stream(sink, table.schema) as w:  # a stream file reads too
            w.write_table(table)
    second = output_digest(str(out))
    assert first["rows"] == second["rows"] == {"data": 1, "rejected": 0}
    assert first["sha256"] != second["sha256"]
