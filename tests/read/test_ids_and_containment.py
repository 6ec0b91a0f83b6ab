"""Issue 16: globally unique ids (no two records of a run share one, so
nothing merges), per-record containment in every reader, and rejects that
keep their input losslessly in ``raw``."""
import base64
import gzip
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cs_synth.beam_jobs.synth import run_job
from cs_synth.pipeline.config import InputConfig, parse_config
from cs_synth.pipeline.read.readers import MAX_TEXT_CHARS, read_file, read_units, unit_names
from cs_synth.pipeline.units import ConfigError


def _records(c, tmp_path):
    resolve = lambda p: str(tmp_path / p) if not p.startswith("/") else p  # noqa: E731
    return [r for unit in read_units(c, resolve) for r in read_file(unit, c)]


def _cfg(fmt, path, **kw):
    return InputConfig(format=fmt, path=path, src_lang="en", tgt_lang=kw.pop("tgt_lang", "es"), **kw)


def _job(tmp_path, inp, name="out"):
    cfg = parse_config({"input": inp, "align": None, "annotate": {"backend": "none"}, "transform": []},
                       base_dir=str(tmp_path))
    return run_job(cfg, str(tmp_path / name))


def _bad_utf8_strings(values):
    """A StringArray holding the given byte strings unchecked (as a buggy
    writer leaves them)."""
    offsets, data = [0], b""
    for v in values:
        data += v
        offsets.append(len(data))
    return pa.StringArray.from_buffers(len(values), pa.py_buffer(pa.array(offsets, pa.int32()).buffers()[1]),
                                       pa.py_buffer(data))


# ------------------------------------------------------------------- ids
def test_two_files_with_one_base_name_never_collide(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.tsv").write_text("".join(f"s{folder}{k}\tt{k}\n" for k in range(25)))
    recs = _records(_cfg("tsv", str(tmp_path / "*" / "x.tsv")), tmp_path)
    ids = [r.id for r in recs]
    assert len(set(ids)) == 50 and ids[0] == "a/x.tsv:00000001" and ids[-1] == "b/x.tsv:00000025"
    m = _job(tmp_path, {"format": "tsv", "path": [str(tmp_path / "a/x.tsv"), str(tmp_path / "b/x.tsv")],
                        "src_lang": "en", "tgt_lang": "es"})
    assert m["read"] == 50 and m["pairs_with_output"] == 50 and m["written"] == 50 and m["accounting_ok"]


def test_unit_names_are_relative_to_the_deepest_common_folder():
    assert unit_names(["/d/c.tsv"]) == ["c.tsv"]
    assert unit_names(["/d/a/x.tsv", "/d/b/x.tsv"]) == ["a/x.tsv", "b/x.tsv"]
    assert unit_names(["gs://bk/p/a/x", "gs://bk/p/x"]) == ["a/x", "x"]


def test_ids_are_stable_across_runs_and_a_colon_in_a_name_is_escaped(tmp_path):
    (tmp_path / "a:b.tsv").write_text("one\tuno\n")
    first = [r.id for r in _records(_cfg("tsv", "a:b.tsv"), tmp_path)]
    assert first == [r.id for r in _records(_cfg("tsv", "a:b.tsv"), tmp_path)] == ["a%3Ab.tsv:00000001"]


def test_a_file_named_twice_is_read_once(tmp_path):
    (tmp_path / "c.tsv").write_text("one\tuno\n")
    recs = _records(_cfg("tsv", [str(tmp_path / "c.tsv"), str(tmp_path / "*.tsv")]), tmp_path)
    assert len(recs) == 1


def test_duplicate_user_ids_are_rejects_never_merges(tmp_path):
    lines = [{"id": 7, "src": "one", "tgt": "uno"}, {"id": "7", "src": "two", "tgt": "dos"},
             {"id": "00000004", "src": "three", "tgt": "tres"}, {"src": "four", "tgt": "cuatro"},
             {"id": 7, "src": "five", "tgt": "cinco"}]
    (tmp_path / "d.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    recs = _records(_cfg("jsonl", "d.jsonl", id_field="id"), tmp_path)
    assert [r.reject_reason for r in recs] == ["", "duplicate_id", "", "", "duplicate_id"]
    assert len({r.id for r in recs}) == 5
    assert recs[0].id == "d.jsonl:7" and recs[2].id == "d.jsonl:00000004"
    assert recs[3].id == "d.jsonl:00000004~2"  # line 4 has no user id; its number was taken
    assert "d.jsonl:7" in recs[1].reject_detail and "d.jsonl:1" in recs[1].reject_detail
    assert json.loads(base64.b64decode(recs[1].raw)) == lines[1]  # the whole line, lossless
    m = _job(tmp_path, {"format": "jsonl", "path": "d.jsonl", "src_lang": "en", "tgt_lang": "es",
                        "id_field": "id"})
    assert m["read"] == 5 and m["pairs_with_output"] == 3 and m["rejected"]["by_reason"] == {"duplicate_id": 2}
    assert m["accounting_ok"]


def test_duplicate_ids_in_parquet(tmp_path):
    pq.write_table(pa.table({"id": ["a", "b", "a"], "src": ["x", "y", "z"], "tgt": ["1", "2", "3"]}),
                   tmp_path / "p.parquet")
    recs = _records(_cfg("parquet", "p.parquet", id_field="id"), tmp_path)
    assert [r.reject_reason for r in recs] == ["", "", "duplicate_id"] and len({r.id for r in recs}) == 3


# ----------------------------------------------------------- containment
def test_parquet_and_arrow_with_invalid_utf8_reject_only_that_row(tmp_path):
    src = _bad_utf8_strings([b"good", b"bad \xff here", b"fine"])
    table = pa.table({"src": src, "tgt": ["a", "b", "c"]})
    pq.write_table(table, tmp_path / "u.parquet")
    with pa.OSFile(str(tmp_path / "u.arrow"), "wb") as sink:
        with pa.ipc.new_stream(sink, table.schema) as w:
            w.write_table(table)
    for fmt in ("parquet", "arrow"):
        recs = _records(_cfg(fmt, f"u.{fmt}"), tmp_path)
        assert [r.reject_reason for r in recs] == ["", "invalid_utf8", ""], fmt
        row = json.loads(base64.b64decode(recs[1].raw))
        assert base64.b64decode(row["src"]["$base64"]) == b"bad \xff here" and row["tgt"] == "b"


def test_bytes_and_timestamp_text_fields_are_malformed_field_with_raw(tmp_path):
    import datetime

    pq.write_table(pa.table({"src": [b"\x00\xff", b"ok"], "tgt": [datetime.datetime(2026, 1, 1), None]}),
                   tmp_path / "t.parquet")
    recs = _records(_cfg("parquet", "t.parquet"), tmp_path)
    assert [r.reject_reason for r in recs] == ["malformed_field", "malformed_field"]
    assert "bytes" in recs[0].reject_detail
    assert base64.b64decode(json.loads(base64.b64decode(recs[0].raw))["src"]["$base64"]) == b"\x00\xff"


def test_a_file_that_is_not_parquet_is_one_unreadable_file_reject(tmp_path):
    (tmp_path / "n.parquet").write_bytes(b"this is not parquet at all")
    (recs,) = [_records(_cfg("parquet", "n.parquet"), tmp_path)]
    assert [r.reject_reason for r in recs] == ["unreadable_file"]
    assert "ArrowInvalid" in recs[0].reject_detail and "after 0 record" in recs[0].reject_detail
    m = _job(tmp_path, {"format": "parquet", "path": "n.parquet", "src_lang": "en", "tgt_lang": "es"})
    assert m["read"] == 1 and m["rejected"]["by_reason"] == {"unreadable_file": 1} and m["accounting_ok"]


def test_a_truncated_arrow_stream_keeps_the_rows_before_the_cut(tmp_path):
    table = pa.table({"src": [f"s{k}" for k in range(100)], "tgt": [f"t{k}" for k in range(100)]})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as w:
        for b in table.to_batches(max_chunksize=10):
            w.write_batch(b)
    data = sink.getvalue().to_pybytes()
    (tmp_path / "t.arrow").write_bytes(data[: len(data) // 2])
    recs = _records(_cfg("arrow", "t.arrow"), tmp_path)
    good = [r for r in recs if not r.rejected]
    assert 0 < len(good) < 100 and len(good) % 10 == 0
    assert [r.reject_reason for r in recs[len(good):]] == ["unreadable_file"]
    assert len({r.id for r in recs}) == len(recs)


def test_a_truncated_gzip_keeps_the_lines_before_the_cut(tmp_path):
    body = gzip.compress("".join(f"sentence {k}\tfrase {k}\n" for k in range(2000)).encode())
    (tmp_path / "c.tsv.gz").write_bytes(body[: len(body) // 2])
    recs = _records(_cfg("tsv", "c.tsv.gz"), tmp_path)
    assert recs[-1].reject_reason == "unreadable_file" and all(not r.rejected for r in recs[:-1])
    assert len(recs) > 1


def test_zstd_input_by_extension(tmp_path):
    import zstandard

    body = "".join(f"sentence {k}\tfrase {k}\n" for k in range(5)).encode()
    (tmp_path / "c.tsv.zst").write_bytes(zstandard.ZstdCompressor().compress(body))
    recs = _records(_cfg("tsv", "c.tsv.zst"), tmp_path)
    assert [(r.src.text, r.tgt.text) for r in recs] == [(f"sentence {k}", f"frase {k}") for k in range(5)]


def test_a_5_mb_field_is_too_long_at_read_not_a_unit_error(tmp_path):
    (tmp_path / "big.tsv").write_text("word " * 1_000_000 + "\tx\nhello\tworld\n")
    recs = _records(_cfg("tsv", "big.tsv"), tmp_path)
    assert [r.reject_reason for r in recs] == ["too_long", ""]
    assert str(MAX_TEXT_CHARS) in recs[0].reject_detail and len(recs[0].src.text) <= 2000
    assert base64.b64decode(recs[0].raw) == ("word " * 1_000_000 + "\tx").encode()  # lossless
    m = _job(tmp_path, {"format": "tsv", "path": "big.tsv", "src_lang": "en", "tgt_lang": "es"})
    assert m["rejected"]["by_reason"] == {"too_long": 1} and m["errors"] == 0


def test_raw_is_the_original_line_bytes(tmp_path):
    lines = [b"no tab", b"bad \xff\tx", b"{", b"   \tfoo"]
    (tmp_path / "r.tsv").write_bytes(b"\n".join(lines) + b"\n")
    recs = _records(_cfg("tsv", "r.tsv"), tmp_path)
    assert [r.reject_reason for r in recs] == ["malformed_line", "invalid_utf8", "malformed_line", "empty_side"]
    assert [base64.b64decode(r.raw) for r in recs] == lines


def test_rejects_raw_reaches_the_rejected_shards(tmp_path):
    (tmp_path / "r.tsv").write_bytes(b"ok\tbien\nbad \xff\tx\n")
    _job(tmp_path, {"format": "tsv", "path": "r.tsv", "src_lang": "en", "tgt_lang": "es"})
    import glob

    (shard,) = glob.glob(str(tmp_path / "out" / "rejected" / "*.arrow"))
    rows = pa.ipc.open_stream(open(shard, "rb").read()).read_all().to_pylist()
    assert [base64.b64decode(r["raw"]) for r in rows] == [b"bad \xff\tx"]


# -------------------------------------------------------------- HF input
def test_hf_save_to_disk_folder_with_nested_translation_field(tmp_path):
    import datasets

    ds = datasets.Dataset.from_dict({"translation": [{"en": "I love my dog", "es": "Amo a mi perro"},
                                                     {"en": "", "es": "vacío"}]})
    ds.save_to_disk(str(tmp_path / "hfds"))
    c = _cfg("hf", "hfds", src_field="translation.en", tgt_field="translation.es")
    recs = _records(c, tmp_path)
    assert [(r.src.text, r.tgt.text, r.reject_reason) for r in recs] == [
        ("I love my dog", "Amo a mi perro", ""), ("", "vacío", "empty_side")]
    m = _job(tmp_path, {"format": "hf", "path": "hfds", "src_lang": "en", "tgt_lang": "es",
                        "src_field": "translation.en", "tgt_field": "translation.es"})
    assert m["read"] == 2 and m["pairs_with_output"] == 1 and m["accounting_ok"]


def test_nested_field_paths_in_jsonl(tmp_path):
    (tmp_path / "n.jsonl").write_text(json.dumps({"translation": {"en": "Hi", "es": "Hola"}}) + "\n")
    (r,) = _records(_cfg("jsonl", "n.jsonl", src_field="translation.en", tgt_field="translation.es"), tmp_path)
    assert (r.src.text, r.tgt.text) == ("Hi", "Hola")


def test_a_folder_as_file_input_is_a_launch_error(tmp_path):
    (tmp_path / "dir").mkdir()
    with pytest.raises(ConfigError, match="input.path: .* is a folder"):
        _records(_cfg("arrow", "dir"), tmp_path)
    (tmp_path / "x.tsv").write_text("a\tb\n")
    with pytest.raises(ConfigError, match="save_to_disk"):
        _records(_cfg("hf", "x.tsv"), tmp_path)


def test_a_truncated_moses_file_is_a_launch_error_not_a_traceback(tmp_path):
    (tmp_path / "c.en.gz").write_bytes(gzip.compress(b"one\ntwo\n" * 500)[:30])
    (tmp_path / "c.es").write_text("uno\n")
    c = InputConfig(format="moses", src_path="c.en.gz", tgt_path="c.es", src_lang="en", tgt_lang="es")
    with pytest.raises(ConfigError, match="cannot read the Moses file pair: EOFError"):
        _records(c, tmp_path)
