"""Streaming shard writes (issue 17): a shard is spilled as sorted runs and
merged, so memory does not grow with the shard; the bytes are those of the
in-memory serialization, whatever the run and batch sizes."""
import random

import pyarrow as pa
import pytest

from cs_synth.pipeline.record import Record, Side
from cs_synth.pipeline.write import arrow_writer
from cs_synth.pipeline.write.arrow_writer import REJECTED_DIR, serialize, write_shard


def _rec(i, rnd):
    text = " ".join(rnd.choice(["the", "cat", "perro", "日本", "ñ"]) for _ in range(rnd.randint(1, 6)))
    r = Record(id=f"c.tsv:{i:08d}" if i % 7 else f"Ω/c.tsv:{i}", src=Side(text=text, lang="en"),
               tgt=Side(text=text[::-1], lang="es"))
    return r.reject("malformed_line", f"detail {i}", "read") if i % 5 == 0 else r


@pytest.mark.parametrize("run_rows,run_batch,batch", [(7, 3, 5), (50, 11, 20), (1000, 250, 1000)])
@pytest.mark.parametrize("kind", ["data", REJECTED_DIR])
def test_sorted_runs_give_the_in_memory_bytes(tmp_path, monkeypatch, run_rows, run_batch, batch, kind):
    rnd = random.Random(run_rows)
    recs = [_rec(i, rnd) for i in rnd.sample(range(100000), 333)]
    recs = [r for r in recs if r.rejected] if kind == REJECTED_DIR else [r for r in recs if not r.rejected]
    monkeypatch.setattr(arrow_writer, "RUN_ROWS", run_rows)
    monkeypatch.setattr(arrow_writer, "RUN_BATCH", run_batch)
    monkeypatch.setattr(arrow_writer, "ROWS_PER_BATCH", batch)
    (tmp_path / kind).mkdir()
    info = write_shard(str(tmp_path), kind, 0, 1, iter(recs + [None]), {"k": "v"}, parquet=True)
    data = (tmp_path / info["path"]).read_bytes()
    assert data == serialize(recs, {"k": "v"}, rejected=(kind == REJECTED_DIR))
    table = pa.ipc.open_stream(data).read_all()
    assert table.num_rows == info["rows"] == len(recs)
    assert table["id"].to_pylist() == sorted(r.id for r in recs)
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / info["parquet"]["path"]).to_pylist() == table.to_pylist()


def test_an_empty_shard_is_a_valid_stream(tmp_path):
    (tmp_path / "data").mkdir()
    info = write_shard(str(tmp_path), "data", 0, 1, iter([]), {"k": "v"})
    table = pa.ipc.open_stream((tmp_path / info["path"]).read_bytes()).read_all()
    assert info["rows"] == 0 and table.num_rows == 0 and b"k" in table.schema.metadata
