"""Hostile input never crashes a run and is never lost: each bad line
becomes a reject with its own reason (issue: nothing lost)."""
import bz2
import gzip
import json

import pyarrow as pa
import pyarrow.parquet as pq

from cs_synth.beam_jobs.synth import run_job
from cs_synth.pipeline.config import InputConfig, parse_config
from cs_synth.pipeline.read.readers import read_file, read_units

GOOD = {"src": "I love my dog", "tgt": "Yo amo a mi perro"}


def _records(c, tmp_path):
    resolve = lambda p: str(tmp_path / p) if not p.startswith("/") else p  # noqa: E731
    return [r for unit in read_units(c, resolve) for r in read_file(unit, c)]


def _jsonl_cfg(path, **kw):
    return InputConfig(format="jsonl", path=str(path), src_lang="en", tgt_lang="es", **kw)


def _hostile_lines():
    return [
        json.dumps(GOOD),                                          # 1 ok
        "[" * 10000 + "]" * 10000,                                 # 2 nested 10,000 deep
        '{"src": ' + "9" * 5000 + ', "tgt": "x"}',                 # 3 a 5,000-digit integer
        '{"src": "bad \\ud800 text", "tgt": "x"}',                 # 4 lone surrogate in text
        '{"src": "ok", "tgt": "x", "id": "\\udfff"}',              # 5 lone surrogate in the id
        '{"src": {"nested": 1}, "tgt": "x"}',                      # 6 wrong type
        '{"src": "a", ',                                           # 7 truncated
        json.dumps({"src": "We walk .", "tgt": "Caminamos ."}),    # 8 ok
    ]


def test_bom_does_not_cost_the_first_line(tmp_path):
    p = tmp_path / "bom.jsonl"
    p.write_bytes(b"\xef\xbb\xbf" + json.dumps(GOOD).encode() + b"\n" + json.dumps(GOOD).encode() + b"\n")
    recs = _records(_jsonl_cfg(p), tmp_path)
    assert [r.reject_reason for r in recs] == ["", ""] and recs[0].src.text == GOOD["src"]


def test_each_hostile_jsonl_line_is_one_reject_with_a_reason(tmp_path):
    p = tmp_path / "h.jsonl"
    p.write_text("\n".join(_hostile_lines()) + "\n", encoding="utf-8")
    recs = _records(_jsonl_cfg(p, id_field="id"), tmp_path)
    reasons = [r.reject_reason for r in recs]
    assert reasons == ["", "malformed_json", "malformed_json", "invalid_unicode", "invalid_unicode",
                       "malformed_field", "malformed_json", ""]
    assert "nested deeper" in recs[1].reject_detail
    assert "digit" in recs[2].reject_detail
    # the reject keeps the text, lone surrogate escaped (encodable, lossless)
    assert "\\ud800" in recs[3].src.text and recs[3].src.text.encode("utf-8")
    assert recs[4].id.encode("utf-8") and "\\udfff" in recs[4].id


def test_hostile_jsonl_through_the_job_keeps_exact_accounting(tmp_path):
    p = tmp_path / "h.jsonl"
    lines = _hostile_lines()
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cfg = parse_config({"input": {"format": "jsonl", "path": str(p), "src_lang": "en", "tgt_lang": "es",
                                  "id_field": "id"},
                        "align": None,
                        "transform": []},
                       base_dir=str(tmp_path))
    manifest = run_job(cfg, str(tmp_path / "out"))
    assert manifest["read"] == len(lines)
    assert manifest["accounting_ok"] and manifest["pairs_with_output"] == 2
    assert manifest["rejected"]["by_reason"] == {"invalid_unicode": 2, "malformed_field": 1, "malformed_json": 3}


def test_parquet_with_timestamp_and_bytes_columns_is_not_a_crash(tmp_path):
    import datetime

    table = pa.table({"src": ["Hello", "x"], "tgt": ["Hola", "y"],
                      "when": [datetime.datetime(2026, 1, 1), datetime.datetime(2026, 1, 2)],
                      "blob": [b"\x00\x01", b"\xff"]})
    pq.write_table(table, tmp_path / "t.parquet")
    recs = _records(InputConfig(format="parquet", path=str(tmp_path / "t.parquet"), src_lang="en",
                                tgt_lang="es", src_field="missing"), tmp_path)
    assert [r.reject_reason for r in recs] == ["missing_field", "missing_field"]
    assert "2026-01-01" in recs[0].src.text


def test_gzip_and_bz2_text_inputs_read_like_plain_ones(tmp_path):
    body = "".join(f"sentence {k}\tfrase {k}\n" for k in range(5)).encode()
    (tmp_path / "c.tsv").write_bytes(body)
    (tmp_path / "c.tsv.gz").write_bytes(gzip.compress(body))
    (tmp_path / "c.tsv.bz2").write_bytes(bz2.compress(body))
    texts = {}
    for name in ("c.tsv", "c.tsv.gz", "c.tsv.bz2"):
        recs = _records(InputConfig(format="tsv", path=str(tmp_path / name), src_lang="en", tgt_lang="es"),
                        tmp_path)
        assert all(not r.rejected for r in recs)
        texts[name] = [(r.src.text, r.tgt.text) for r in recs]
    assert texts["c.tsv"] == texts["c.tsv.gz"] == texts["c.tsv.bz2"] and len(texts["c.tsv"]) == 5
