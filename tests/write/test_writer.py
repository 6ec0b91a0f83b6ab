import os

import pyarrow as pa
import pytest

from cs_synth.pipeline.record import Edit, Record, Side, Span
from cs_synth.pipeline.units import ConfigError
from cs_synth.pipeline.write.arrow_writer import prepare_output, serialize, shard_of, write_manifest, write_shard
from cs_synth.pipeline.write.schema import arrow_schema, record_to_row, row_to_record


def make(i, rejected=False):
    src = Side(text="the cat", lang="en", tokens=("the", "cat"), spaces=(True, False), pos=("DET", "NOUN"),
               heads=(1, 1), deps=("det", "ROOT"), entities=(Span(1, 2, "ANIMAL"),), labels={"ner": ("O", "B-X")})
    tgt = Side(text="बिल्ली", lang="hi", tokens=("बिल्ली",), spaces=(False,))
    r = Record(id=f"c.tsv:{i:08d}", src=src, tgt=tgt, alignment=[(1, 0)], recipe="noun-swap",
               tokens=("the", "बिल्ली"), langs=("en", "hi"), spaces=(True, False), text="the बिल्ली",
               entities=(Span(1, 2, "ANIMAL", "Q146", 4, 10),), token_labels={"ner": ("O", "B-X")},
               seq_labels={"topic": "pets"}, edits=(Edit("noun_swap.v1", "replace", 1, 2, 1, 2, "cat", "बिल्ली"),),
               scores={"cmi": 50.0, "switch_points": 1.0})
    return r.reject("too_long", "detail", "filter") if rejected else r


def test_row_roundtrip():
    r = make(1)
    assert row_to_record(record_to_row(r)) == r


def test_unknown_score_name_refused():
    with pytest.raises(ValueError, match="not registered"):
        record_to_row(make(1).with_scores({"bogus": 1.0}))


def test_shard_loads_with_datasets(tmp_path):
    out = str(tmp_path)
    prepare_output(out, overwrite=False)
    recs = [make(i) for i in (3, 1, 2)]
    info = write_shard(out, "data", 0, 1, recs, {"cs_synth.config_hash": "abc"})
    path = tmp_path / info["path"]
    assert info["rows"] == 3 and path.exists()
    assert not [f for f in os.listdir(tmp_path / "data") if f.startswith(".tmp")]
    from datasets import Dataset, load_dataset

    ds = Dataset.from_file(str(path))
    assert ds["id"] == ["c.tsv:00000001", "c.tsv:00000002", "c.tsv:00000003"]  # sorted by id
    assert ds[0]["langs"] == ["en", "hi"] and ds[0]["scores"]["cmi"] == 50.0 and ds[0]["scores"]["m_index"] is None
    assert ds[0]["src"]["labels"] == [{"name": "ner", "values": ["O", "B-X"]}]
    ds2 = load_dataset("arrow", data_files=str(tmp_path / "data" / "*.arrow"), split="train")
    assert ds2.num_rows == 3 and ds2[2]["text"] == "the बिल्ली"
    schema = pa.ipc.open_stream(path.read_bytes()).schema
    assert schema.metadata[b"cs_synth.config_hash"] == b"abc"
    assert schema.equals(arrow_schema({"cs_synth.config_hash": "abc"}), check_metadata=True)


def test_serialize_is_order_independent():
    a = serialize([make(1), make(2), make(3)], {})
    b = serialize([make(3), make(1), make(2)], {})
    assert a == b


def test_shard_of_is_stable():
    assert shard_of("c.tsv:00000001", 7) == shard_of("c.tsv:00000001", 7)
    assert {shard_of(f"id{i}", 4) for i in range(100)} == {0, 1, 2, 3}


def test_prepare_output_refuses_earlier_run(tmp_path):
    out = str(tmp_path)
    prepare_output(out, overwrite=False)
    write_shard(out, "data", 0, 1, [make(1)], {})
    write_manifest(out, {"read": 1})
    with pytest.raises(ConfigError, match="--overwrite"):
        prepare_output(out, overwrite=False)
    (tmp_path / "keep.txt").write_text("mine")
    prepare_output(out, overwrite=True)
    assert not list((tmp_path / "data").iterdir()) and (tmp_path / "keep.txt").exists()
