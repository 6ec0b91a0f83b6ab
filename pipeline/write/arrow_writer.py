"""Arrow IPC stream shards and the manifest.

Layout of an output folder::

    OUT/data/train-00000-of-00002.arrow      kept records
    OUT/rejected/rejected-00000-of-00001.arrow   rejected records + reason
    OUT/manifest.json                        counts, shards, config hash

Shards are Arrow IPC *stream* files, which both ``datasets.Dataset.from_file``
and ``load_dataset("arrow", ...)`` read.  Each is written under a temporary
name and renamed when complete, so a shard under its final name is whole.
Rows inside a shard are sorted by record id and shard membership depends
only on the record id, so the bytes do not depend on runner or workers.

:func:`write_shard` streams: rows arrive in batches of ``ROWS_PER_BATCH``,
every ``RUN_ROWS`` of them are sorted by id (Arrow's sort, UTF-8 byte order,
which is code point order) into a local spill file (a sorted run), and the
runs are merged a small batch at a time into the shard while its sha256 is
computed.  A shard is never held in memory whole, and peak memory depends on
the batch sizes, not on the shard size.  The job writes into a staging folder and
publishes with :mod:`cs_synth.pipeline.write.commit`.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import zlib
from typing import Dict, Iterable, List

import pyarrow as pa

from cs_synth.pipeline.record import Record
from cs_synth.pipeline.write.schema import arrow_schema, record_to_row

DATA_DIR = "data"
REJECTED_DIR = "rejected"
MANIFEST = "manifest.json"
ROWS_PER_BATCH = 1000


def _fs():
    from apache_beam.io.filesystems import FileSystems

    return FileSystems


def join(*parts: str) -> str:
    return _fs().join(*parts)


#: the names cs-synth gives shards (``--overwrite`` deletes no other file)
_SHARD_NAME = re.compile(r"^[a-z_]+-\d{5}-of-\d{5}\.(arrow|parquet)$")


def shard_name(kind: str, index: int, total: int) -> str:
    prefix = "train" if kind == DATA_DIR else "rejected"
    return f"{prefix}-{index:05d}-of-{total:05d}.arrow"


def shard_of(record_id: str, total: int) -> int:
    """Stable shard index of a record (CRC32 of its id)."""
    return zlib.crc32(record_id.encode("utf-8")) % total


def serialize(records: Iterable[Record], metadata: Dict[str, str], rejected: bool = False) -> bytes:
    """One shard's bytes in memory (what :func:`write_shard` streams)."""
    schema = arrow_schema(metadata, rejected=rejected)
    rows = [record_to_row(r) for r in sorted(records, key=lambda r: r.id)]
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, schema) as writer:
        for k in range(0, len(rows), ROWS_PER_BATCH):
            writer.write_batch(pa.RecordBatch.from_pylist(rows[k:k + ROWS_PER_BATCH], schema=schema))
    return sink.getvalue().to_pybytes()


def write_atomic(path: str, data: bytes) -> None:
    fs = _fs()
    parent, name = path.rsplit("/", 1)
    tmp = f"{parent}/.tmp-{name}"
    with fs.create(tmp) as fh:
        fh.write(data)
    if fs.exists(path):
        fs.delete([path])
    fs.rename([tmp], [path])


class _HashingWriter:
    """A write-only file object that hashes what it passes on."""

    def __init__(self, fh):
        self.fh, self.sha, self.size, self.closed = fh, hashlib.sha256(), 0, False

    def write(self, data) -> int:
        data = bytes(data)
        self.sha.update(data)
        self.size += len(data)
        self.fh.write(data)
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def writable(self) -> bool:
        return True


#: rows sorted in memory at a time while a shard is spilled (one sorted run)
RUN_ROWS = 5 * ROWS_PER_BATCH
#: rows per record batch of a spilled run (what the merge holds per run)
RUN_BATCH = 250


def _spill_runs(records: Iterable[Record], schema, spill_dir: str):
    """Spill the records as sorted runs: up to :data:`RUN_ROWS` rows at a
    time are sorted by id (Arrow's sort: UTF-8 byte order, code point order;
    stable) and written to their own IPC stream file in batches of
    :data:`RUN_BATCH`.  Returns (run file paths, rows)."""
    import pyarrow.compute as pc

    runs: List[str] = []
    rows = 0
    batches: List[pa.RecordBatch] = []
    buf: List[dict] = []

    def flush_run():
        nonlocal batches
        if not batches:
            return
        table = pa.Table.from_batches(batches, schema=schema)
        batches = []
        table = table.take(pc.sort_indices(table["id"]))
        path = os.path.join(spill_dir, f"run-{len(runs):05d}.arrow")
        with pa.OSFile(path, "wb") as sink, pa.ipc.new_stream(sink, schema) as writer:
            for part in table.to_batches(max_chunksize=RUN_BATCH):
                writer.write_batch(part)
        runs.append(path)

    pending = 0
    for r in records:
        if r is None:
            continue
        buf.append(record_to_row(r))
        if len(buf) == ROWS_PER_BATCH:
            batches.append(pa.RecordBatch.from_pylist(buf, schema=schema))
            rows, pending, buf = rows + len(buf), pending + len(buf), []
            if pending >= RUN_ROWS:
                flush_run()
                pending = 0
    if buf:
        batches.append(pa.RecordBatch.from_pylist(buf, schema=schema))
        rows += len(buf)
    flush_run()
    return runs, rows


def _run_rows(path: str):
    """The rows of one sorted run, a batch at a time (never the whole run)."""
    with pa.OSFile(path, "rb") as src:
        for batch in pa.ipc.open_stream(src):
            yield from batch.to_pylist()


def write_shard(out_dir: str, kind: str, index: int, total: int, records: Iterable[Record],
                metadata: Dict[str, str], parquet: bool = False) -> Dict[str, object]:
    """Write one shard from an iterable of records (``None`` skipped),
    streaming (see the module docstring); returns its manifest entry.  With
    ``parquet``, the same rows also go to ``<name>.parquet`` beside it (its
    entry under ``"parquet"``).

    Memory: at most :data:`RUN_ROWS` rows while spilling, then
    :data:`RUN_BATCH` rows per run and one output batch while the sorted runs
    are merged (``heapq.merge``, stable: equal ids keep their arrival order,
    as a stable sort of the whole shard would), so it does not grow with the
    shard."""
    import heapq
    import tempfile

    name = shard_name(kind, index, total)
    schema = arrow_schema(metadata, rejected=(kind == REJECTED_DIR))
    fs = _fs()
    path = join(out_dir, kind, name)
    tmp = join(out_dir, kind, f".tmp-{name}")
    pq_name = name[: -len(".arrow")] + ".parquet"
    pq_tmp = join(out_dir, kind, f".tmp-{pq_name}")
    with tempfile.TemporaryDirectory(prefix="cs-synth-shard-") as spill_dir:
        runs, rows = _spill_runs(records, schema, spill_dir)
        merged = heapq.merge(*(_run_rows(r) for r in runs), key=lambda row: row["id"])
        with fs.create(tmp) as fh, (fs.create(pq_tmp) if parquet else _Null()) as pq_fh:
            out = _HashingWriter(fh)
            pq_out = _HashingWriter(pq_fh) if parquet else None
            pq_writer = None
            if parquet:
                import pyarrow.parquet as pq

                pq_writer = pq.ParquetWriter(pa.PythonFile(pq_out, mode="w"), schema)
            with pa.ipc.new_stream(pa.PythonFile(out, mode="w"), schema) as writer:
                part: List[dict] = []
                for row in merged:
                    part.append(row)
                    if len(part) == ROWS_PER_BATCH:
                        batch = pa.RecordBatch.from_pylist(part, schema=schema)
                        writer.write_batch(batch)
                        if pq_writer is not None:
                            pq_writer.write_batch(batch)
                        part = []
                if part:
                    batch = pa.RecordBatch.from_pylist(part, schema=schema)
                    writer.write_batch(batch)
                    if pq_writer is not None:
                        pq_writer.write_batch(batch)
            if pq_writer is not None:
                pq_writer.close()
    for t, p in ((tmp, path),) + (((pq_tmp, join(out_dir, kind, pq_name)),) if parquet else ()):
        if fs.exists(p):
            fs.delete([p])
        fs.rename([t], [p])
    info = {"path": f"{kind}/{name}", "rows": rows, "sha256": out.sha.hexdigest(), "bytes": out.size}
    if parquet:
        info["parquet"] = {"path": f"{kind}/{pq_name}", "rows": rows, "sha256": pq_out.sha.hexdigest(),
                           "bytes": pq_out.size}
    return info


class _Null:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def write_manifest(out_dir: str, manifest: Dict[str, object]) -> str:
    path = join(out_dir, MANIFEST)
    write_atomic(path, (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode())
    return path


def prepare_output(out_dir: str, overwrite: bool) -> None:
    """Create the folders; refuse to mix with an earlier run unless told to
    overwrite, in which case only this tool's own files are removed."""
    fs = _fs()
    if "://" not in out_dir and os.path.exists(out_dir) and not os.path.isdir(out_dir):
        from cs_synth.pipeline.units import ConfigError

        raise ConfigError(f"output: {out_dir} is a file, not a folder; choose another --output")
    existing = []
    for kind in (DATA_DIR, REJECTED_DIR):
        existing += [m.path for m in fs.match([join(out_dir, kind, "*.arrow")])[0].metadata_list
                     if _SHARD_NAME.match(m.path.rsplit("/", 1)[-1])]
    if fs.exists(join(out_dir, MANIFEST)):
        existing.append(join(out_dir, MANIFEST))
    if existing and not overwrite:
        from cs_synth.pipeline.units import ConfigError

        raise ConfigError(f"output folder {out_dir} already holds a run ({len(existing)} files); "
                          f"pass --overwrite or choose another --output")
    if existing:
        fs.delete(existing)
    for kind in (DATA_DIR, REJECTED_DIR):
        d = join(out_dir, kind)
        try:
            if not fs.exists(d):
                fs.mkdirs(d)
        except OSError as exc:
            from cs_synth.pipeline.units import ConfigError

            raise ConfigError(f"output: cannot create {d}: {exc.strerror or exc}") from None
