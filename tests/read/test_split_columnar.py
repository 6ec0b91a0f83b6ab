"""Split reading of table files (pipeline/read/splits.py, issue 12): a
Parquet file read by row groups and an Arrow IPC file read by record
batches, block by block, give the records, ids and bytes of the whole-file
reader whatever the split and the chunk size -- for hostile rows (invalid
UTF-8 in a flat or a nested column, a timestamp Python cannot hold, nulls)
and hostile files (a corrupt row group in the middle, a cut file, an
Arrow stream); the job gives the same bytes with 1 and 2 workers."""
import hashlib
import json
import pathlib

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cs_synth.pipeline.config import InputConfig, parse_config
from cs_synth.pipeline.read import splits
from cs_synth.pipeline.read.readers import read_file

_text = st.sampled_from(["the dog", "perro", "ñandú", "日本", "", " ", "x" * 50, "a\tb", "{"])


def _bad_strings(values, bad_rows):
    """A string array whose rows in ``bad_rows`` end with a byte that is not UTF-8."""
    raw = [v.encode() + (b"\xff" if k in bad_rows else b"") for k, v in enumerate(values)]
    offsets = [0]
    for v in raw:
        offsets.append(offsets[-1] + len(v))
    return pa.StringArray.from_buffers(len(raw), pa.py_buffer(pa.array(offsets, pa.int32()).buffers()[1]),
                                       pa.py_buffer(b"".join(raw)))


@st.composite
def table(draw):
    n = draw(st.integers(0, 40))
    srcs = [draw(_text) for _ in range(n)]
    bad = set(draw(st.lists(st.integers(0, max(0, n - 1)), max_size=3))) if n else set()
    nested_bad = set(draw(st.lists(st.integers(0, max(0, n - 1)), max_size=2))) if n else set()
    far = set(draw(st.lists(st.integers(0, max(0, n - 1)), max_size=2))) if n else set()
    cols = {
        "src": _bad_strings(srcs, bad),
        "tgt": pa.array([draw(st.one_of(_text, st.none())) for _ in range(n)], pa.string()),
        # 9e18 microseconds: year ~287,000, beyond Python's datetime
        "when": pa.array([9 * 10 ** 18 if k in far else 0 for k in range(n)], pa.timestamp("us")),
        "meta": pa.StructArray.from_arrays([_bad_strings(["m"] * n, nested_bad)], ["note"]),
        "blob": pa.array([b"\x00\xff"] * n),
    }
    return pa.table(cols)


def _cfg(fmt, path):
    return InputConfig(format=fmt, path=str(path), src_lang="en", tgt_lang="de")


def _corrupt_row_group(data: bytes, k: int) -> bytes:
    """The Parquet bytes with row group ``k``'s first column chunk overwritten."""
    import io

    meta = pq.ParquetFile(io.BytesIO(data)).metadata
    col = meta.row_group(k).column(0)
    start, size = col.data_page_offset, col.total_compressed_size
    return data[:start] + bytes((b * 7 + 13) & 0xFF for b in data[start:start + size]) + data[start + size:]


def _compare(path, fmt, split, chunk):
    cfg = _cfg(fmt, path)
    unit = (str(path), path.name)
    whole = list(read_file(unit, cfg))
    got = list(splits.read_split([unit], cfg, split_bytes=split, chunk_lines=chunk))
    assert [r.id for r in got] == [r.id for r in whole]
    assert got == whole
    return whole


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(t=table(), group=st.integers(1, 9), split=st.sampled_from([1, 300, 2000, None]), chunk=st.integers(1, 7),
       damage=st.sampled_from(["", "", "middle", "cut"]), data=st.data())
def test_parquet_row_groups_give_the_whole_file_records(tmp_path_factory, t, group, split, chunk, damage, data):
    sink = pa.BufferOutputStream()
    pq.write_table(t, sink, row_group_size=group)
    body = sink.getvalue().to_pybytes()
    groups = pq.ParquetFile(pa.BufferReader(body)).metadata.num_row_groups
    if damage == "middle" and groups:
        body = _corrupt_row_group(body, data.draw(st.integers(0, groups - 1)))
    elif damage == "cut":
        body = body[: len(body) // 2]
    path = tmp_path_factory.mktemp("p") / "t.parquet"
    path.write_bytes(body)
    blocks = splits.plan_blocks([(str(path), path.name)], split, "parquet")
    if damage != "cut":  # the blocks tile the row groups in order
        assert [(b.start, b.end) for b in blocks] == list(zip([0] + [b.end for b in blocks[:-1]],
                                                              [b.end for b in blocks]))
        assert blocks[-1].end == groups and (split != 1 or len(blocks) == max(1, groups))
    else:
        assert [b.end for b in blocks] == [None]
    whole = _compare(path, "parquet", split, chunk)
    if not damage:
        assert len(whole) == t.num_rows
        assert [r.id for r in whole] == [f"t.parquet:{k:08d}" for k in range(1, t.num_rows + 1)]
    unreadable = [r for r in whole if r.reject_reason == "unreadable_file"]
    assert len(unreadable) <= 1 and (not unreadable or unreadable[0] is whole[-1])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(t=table(), batch=st.integers(1, 9), split=st.sampled_from([1, 300, 2000, None]), chunk=st.integers(1, 7),
       stream=st.booleans(), cut=st.booleans())
def test_arrow_record_batches_give_the_whole_file_records(tmp_path_factory, t, batch, split, chunk, stream, cut):
    sink = pa.BufferOutputStream()
    with (pa.ipc.new_stream if stream else pa.ipc.new_file)(sink, t.schema) as w:
        for b in t.to_batches(max_chunksize=batch):
            w.write_batch(b)
    body = sink.getvalue().to_pybytes()
    if cut:
        body = body[: max(8, len(body) * 3 // 4)]
    path = tmp_path_factory.mktemp("a") / "t.arrow"
    path.write_bytes(body)
    blocks = splits.plan_blocks([(str(path), path.name)], split, "arrow")
    if stream or cut:
        assert [b.end for b in blocks] == [None]  # no random access (or no footer): one block
    elif split == 1:
        assert len(blocks) == max(1, len(t.to_batches(max_chunksize=batch)))
    whole = _compare(path, "arrow", split, chunk)
    if not cut:
        assert len(whole) == t.num_rows


def test_hostile_rows_are_rejected_one_by_one(tmp_path):
    """What the whole-file reader does for each hostile row, and the split
    reader with it: invalid UTF-8 (flat or nested) is ``invalid_utf8``, a
    value Python cannot hold is ``malformed_field``, the rest is read."""
    n = 12
    t = pa.table({"src": _bad_strings([f"s {k}" for k in range(n)], {2}),
                  "tgt": pa.array([f"t {k}" for k in range(n)]),
                  "when": pa.array([9 * 10 ** 18 if k == 5 else 0 for k in range(n)], pa.timestamp("us")),
                  "meta": pa.StructArray.from_arrays([_bad_strings(["m"] * n, {8})], ["note"])})
    pq.write_table(t, tmp_path / "h.parquet", row_group_size=4)
    whole = _compare(tmp_path / "h.parquet", "parquet", 1, 3)
    reasons = {k + 1: r.reject_reason for k, r in enumerate(whole) if r.rejected}
    assert reasons == {3: "invalid_utf8", 6: "malformed_field", 9: "invalid_utf8"}
    assert "OverflowError" in whole[5].reject_detail
    assert pa.ipc.open_stream(__import__("base64").b64decode(whole[5].raw)).read_all().num_rows == 1
    assert [r.src.text for r in whole if not r.rejected][:2] == ["s 0", "s 1"]


def test_a_corrupt_row_group_ends_the_file_as_the_whole_file_reader_does(tmp_path):
    t = pa.table({"src": [f"s {k}" for k in range(40)], "tgt": [f"t {k}" for k in range(40)]})
    sink = pa.BufferOutputStream()
    pq.write_table(t, sink, row_group_size=10, compression="snappy")
    (tmp_path / "c.parquet").write_bytes(_corrupt_row_group(sink.getvalue().to_pybytes(), 2))
    whole = _compare(tmp_path / "c.parquet", "parquet", 1, 4)
    assert len(splits.plan_blocks([(str(tmp_path / "c.parquet"), "c.parquet")], 1, "parquet")) == 4
    assert [r.id for r in whole[:20]] == [f"c.parquet:{k:08d}" for k in range(1, 21)]
    assert all(not r.rejected for r in whole[:20])
    (last,) = whole[20:]
    assert last.id == "c.parquet:unreadable" and last.reject_reason == "unreadable_file"
    assert "after 20 record(s)" in last.reject_detail


def test_tables_are_split_unless_the_whole_file_is_needed():
    assert splits.splittable(_cfg("parquet", "x.parquet")) and splits.splittable(_cfg("arrow", "x.arrow"))
    assert not splits.splittable(InputConfig(format="parquet", path="x", src_lang="en", tgt_lang="de",
                                             id_field="id"))


# ------------------------------------------------------------------ the job
def _digests(out: pathlib.Path):
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*.arrow"))}


def _job_cfg(tmp_path, fmt, name):
    return parse_config({"input": {"format": fmt, "path": name, "src_lang": "en", "tgt_lang": "de"},
                         "align": None, "annotate": {"backend": "none"},
                         "transform": [{"recipe": "translit", "options": {"backend": "icu",
                                                                            "transform_id": "Latin-ASCII"}}],
                         "seed": 0}, base_dir=str(tmp_path))


@pytest.mark.slow
def test_job_bytes_do_not_depend_on_row_group_split_or_workers(tmp_path, monkeypatch):
    """1,500 rows in 15 row groups (a few hostile rows): one block per row
    group with 1 and 2 workers, and the whole file as one block, give the
    same shards byte for byte; an Arrow IPC file of the same rows read by
    record batches gives the same rows."""
    from cs_synth.beam_jobs.synth import run_job

    n = 1500
    t = pa.table({"src": _bad_strings([f"Größe {k} café" for k in range(n)], {7, 901}),
                  "tgt": pa.array([f"naïve Straße {k}" if k % 97 else "" for k in range(n)]),
                  "when": pa.array([9 * 10 ** 18 if k == 300 else 0 for k in range(n)], pa.timestamp("us"))})
    pq.write_table(t, tmp_path / "c.parquet", row_group_size=100)
    with pa.OSFile(str(tmp_path / "c.arrow"), "wb") as sink, pa.ipc.new_file(sink, t.schema) as w:
        for b in t.to_batches(max_chunksize=150):
            w.write_batch(b)
    monkeypatch.setattr(splits, "CHUNK_ROWS", 70)
    run_job(_job_cfg(tmp_path, "parquet", "c.parquet"), str(tmp_path / "whole"), workers=1)
    monkeypatch.setattr(splits, "SPLIT_BYTES", 1)  # one block per row group / record batch
    assert len(splits.plan_blocks([(str(tmp_path / "c.parquet"), "c.parquet")], fmt="parquet")) == 15
    run_job(_job_cfg(tmp_path, "parquet", "c.parquet"), str(tmp_path / "w1"), workers=1)
    run_job(_job_cfg(tmp_path, "parquet", "c.parquet"), str(tmp_path / "w2"), workers=2)
    run_job(_job_cfg(tmp_path, "arrow", "c.arrow"), str(tmp_path / "arrow"), workers=2)
    d = [_digests(tmp_path / o) for o in ("whole", "w1", "w2")]
    assert d[0] and d[0] == d[1] == d[2]
    m = [json.loads((tmp_path / o / "manifest.json").read_text()) for o in ("whole", "w2", "arrow")]
    assert m[0]["read"] == m[1]["read"] == m[2]["read"] == n
    assert m[0]["rejected"] == m[1]["rejected"] == m[2]["rejected"]
    reasons = m[0]["rejected"]["by_reason"]
    assert {k: reasons.get(k) for k in ("empty_side", "invalid_utf8", "malformed_field")} == \
        {"empty_side": 16, "invalid_utf8": 2, "malformed_field": 1}
    from datasets import Dataset

    def rows_of(out):
        rows = [{k: (v.replace("c.arrow", "c.parquet") if isinstance(v, str) else v) for k, v in r.items()}
                for p in sorted((tmp_path / out).rglob("*.arrow")) for r in Dataset.from_file(str(p))]
        return sorted(rows, key=lambda r: r["id"])

    assert rows_of("w2") == rows_of("arrow")
