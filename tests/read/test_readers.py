import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cs_synth.pipeline.config import InputConfig
from cs_synth.pipeline.read.readers import check_input, read_file, read_units
from cs_synth.pipeline.units import ConfigError


def cfg(**kw):
    base = {"format": "tsv", "path": "x", "src_lang": "en", "tgt_lang": "hi"}
    base.update(kw)
    return InputConfig(**base)


def records(c, tmp_path):
    """Every record of the input, in input order: each read unit (a file, or
    the Moses file pair) through ``read_file``, as the read stage does."""
    resolve = lambda p: str(tmp_path / p) if not p.startswith("/") else p  # noqa: E731
    return [r for unit in read_units(c, resolve) for r in read_file(unit, c)]


def test_tsv_good_and_malformed_lines(tmp_path):
    (tmp_path / "c.tsv").write_bytes(
        "Hello world\tनमस्ते दुनिया\n"          # 1 ok
        "no tab here\n"                          # 2 malformed
        "a\tb\tc\n".encode() +                   # 3 too many columns
        b"bad \xff bytes\tx\n"                   # 4 invalid utf-8
        + "   \tकुछ\n".encode()                  # 5 empty source
        + "x\t\n".encode()                       # 6 empty target
        + "Ok again\tठीक\r\n".encode())          # 7 CRLF ok
    recs = records(cfg(path="c.tsv"), tmp_path)
    assert [r.id for r in recs] == [f"c.tsv:{i:08d}" for i in range(1, 8)]
    reasons = [r.reject_reason for r in recs]
    assert reasons == ["", "malformed_line", "malformed_line", "invalid_utf8", "empty_side", "empty_side", ""]
    assert recs[0].src.text == "Hello world" and recs[0].tgt.text == "नमस्ते दुनिया"
    assert recs[6].tgt.text == "ठीक"
    assert "byte 4" in recs[3].reject_detail and "bad" in recs[3].src.text
    assert "target" in recs[5].reject_detail and all(r.reject_stage == "read" for r in recs if r.rejected)


def test_tsv_alignment_column(tmp_path):
    (tmp_path / "a.tsv").write_text("a b\tx y\t0-0 1-1\n", encoding="utf-8")
    (r,) = records(cfg(path="a.tsv", tsv_alignment_column=True), tmp_path)
    assert r.given_alignment == "0-0 1-1"


def test_tsv_columns_and_header(tmp_path):
    # a table with more columns than the pair (HinGE's layout: english, hindi, hinglish, rating)
    (tmp_path / "t.tsv").write_text("english\thindi\thinglish\trating\n"
                                    "Good morning\tसुप्रभात\tgood morning ji\t7\n"
                                    "only two\tcolumns\n"
                                    "Thank you\tधन्यवाद\tthank you\t9\n", encoding="utf-8")
    recs = records(cfg(path="t.tsv", tsv_columns=[0, 1], tsv_header=True), tmp_path)
    # the header line is no pair; ids keep the file's line numbers
    assert [r.id for r in recs] == ["t.tsv:00000002", "t.tsv:00000003", "t.tsv:00000004"]
    assert [r.reject_reason for r in recs] == ["", "", ""]
    assert (recs[0].src.text, recs[0].tgt.text) == ("Good morning", "सुप्रभात")
    # other columns, in any order
    recs = records(cfg(path="t.tsv", tsv_columns=[2, 1], tsv_header=True), tmp_path)
    assert (recs[0].src.text, recs[0].tgt.text) == ("good morning ji", "सुप्रभात")
    assert recs[1].reject_reason == "malformed_line" and "input.tsv_columns" in recs[1].reject_detail
    # without tsv_header the header is read as a pair; without tsv_columns a 4-column row is malformed
    recs = records(cfg(path="t.tsv", tsv_columns=[0, 1]), tmp_path)
    assert recs[0].src.text == "english" and len(recs) == 4
    assert records(cfg(path="t.tsv"), tmp_path)[1].reject_reason == "malformed_line"


@pytest.mark.parametrize("cols", [[0], [1, 1], [0, -1], [0, 1, 2]])
def test_tsv_columns_must_name_source_and_target(cols):
    with pytest.raises(ValueError, match="tsv_columns"):
        cfg(tsv_columns=cols)


def test_jsonl_fields_and_errors(tmp_path):
    lines = [
        json.dumps({"id": "k1", "en": "Hi there", "hi": "नमस्ते", "ner": ["O", "O"], "topic": "greet"}),
        "{not json",
        json.dumps([1, 2]),
        json.dumps({"en": "only source"}),
        json.dumps({"en": "a b c", "hi": "x", "ner": ["O"]}),
        "",
        json.dumps({"en": 5, "hi": "x", "ner": []}),
    ]
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    c = cfg(format="jsonl", path="c.jsonl", src_field="en", tgt_field="hi", id_field="id",
            token_label_fields=["ner"], seq_label_fields=["topic"])
    recs = records(c, tmp_path)
    assert [r.reject_reason for r in recs] == ["", "malformed_json", "malformed_json", "missing_field",
                                               "label_length_mismatch", "malformed_json", "malformed_field"]
    good = recs[0]
    assert good.id == "c.jsonl:k1"
    assert good.src.tokens == ("Hi", "there") and good.src.labels["ner"] == ("O", "O")
    assert good.seq_labels["topic"] == "greet"
    assert "hi" in recs[3].reject_detail


def test_moses_pair_and_line_count_mismatch(tmp_path):
    (tmp_path / "c.en").write_text("one\ntwo\n", encoding="utf-8")
    (tmp_path / "c.de").write_text("eins\nzwei\n", encoding="utf-8")
    c = cfg(format="moses", path=None, src_path="c.en", tgt_path="c.de", tgt_lang="de")
    recs = records(c, tmp_path)
    assert [(r.src.text, r.tgt.text) for r in recs] == [("one", "eins"), ("two", "zwei")]
    (tmp_path / "c.de").write_text("eins\nzwei\ndrei\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        check_input(c, lambda p: str(tmp_path / p))
    assert "has 2 lines" in str(err.value) and "has 3" in str(err.value)


def test_parquet_and_arrow(tmp_path):
    table = pa.table({"src": ["hello", "", "bye"], "tgt": ["hallo", "x", None]})
    pq.write_table(table, tmp_path / "c.parquet")
    recs = records(cfg(format="parquet", path="c.parquet", tgt_lang="de"), tmp_path)
    assert [r.reject_reason for r in recs] == ["", "empty_side", "malformed_field"]
    with pa.OSFile(str(tmp_path / "c.arrow"), "wb") as sink:
        with pa.ipc.new_stream(sink, table.schema) as w:
            w.write_table(table)
    recs = records(cfg(format="arrow", path="c.arrow", tgt_lang="de"), tmp_path)
    assert recs[0].tgt.text == "hallo" and len(recs) == 3


def test_glob_and_missing_file(tmp_path):
    for n in ("b", "a"):
        (tmp_path / f"{n}.tsv").write_text(f"{n}\tx\n", encoding="utf-8")
    recs = records(cfg(path=str(tmp_path / "*.tsv")), tmp_path)
    assert [r.src.text for r in recs] == ["a", "b"]
    with pytest.raises(ConfigError, match="not found"):
        records(cfg(path="missing.tsv"), tmp_path)
    with pytest.raises(ConfigError, match="no file matches"):
        records(cfg(path=str(tmp_path / "*.none")), tmp_path)


def test_monolingual_text(tmp_path):
    (tmp_path / "m.txt").write_text("She is happy.\n\n", encoding="utf-8")
    recs = records(cfg(format="text", path="m.txt", tgt_lang=""), tmp_path)
    assert recs[0].tgt is None and recs[0].src.text == "She is happy."
    assert recs[1].reject_reason == "empty_side"
