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
"""
from __future__ import annotations

import json
import zlib
from typing import Dict, Iterable, List

import pyarrow as pa

from pipeline.record import Record
from pipeline.write.schema import arrow_schema, record_to_row

DATA_DIR = "data"
REJECTED_DIR = "rejected"
MANIFEST = "manifest.json"
ROWS_PER_BATCH = 1000


def _fs():
    from apache_beam.io.filesystems import FileSystems

    return FileSystems


def join(*parts: str) -> str:
    return _fs().join(*parts)


def shard_name(kind: str, index: int, total: int) -> str:
    prefix = "train" if kind == DATA_DIR else "rejected"
    return f"{prefix}-{index:05d}-of-{total:05d}.arrow"


def shard_of(record_id: str, total: int) -> int:
    """Stable shard index of a record (CRC32 of its id)."""
    return zlib.crc32(record_id.encode("utf-8")) % total


def serialize(records: Iterable[Record], metadata: Dict[str, str]) -> bytes:
    schema = arrow_schema(metadata)
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


def write_shard(out_dir: str, kind: str, index: int, total: int, records: List[Record],
                metadata: Dict[str, str]) -> Dict[str, object]:
    path = join(out_dir, kind, shard_name(kind, index, total))
    write_atomic(path, serialize(records, metadata))
    return {"path": f"{kind}/{shard_name(kind, index, total)}", "rows": len(records)}


def write_manifest(out_dir: str, manifest: Dict[str, object]) -> str:
    path = join(out_dir, MANIFEST)
    write_atomic(path, (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode())
    return path


def prepare_output(out_dir: str, overwrite: bool) -> None:
    """Create the folders; refuse to mix with an earlier run unless told to
    overwrite, in which case only this tool's own files are removed."""
    fs = _fs()
    existing = []
    for kind in (DATA_DIR, REJECTED_DIR):
        existing += [m.path for m in fs.match([join(out_dir, kind, "*.arrow")])[0].metadata_list]
    if fs.exists(join(out_dir, MANIFEST)):
        existing.append(join(out_dir, MANIFEST))
    if existing and not overwrite:
        from pipeline.units import ConfigError

        raise ConfigError(f"output folder {out_dir} already holds a run ({len(existing)} files); "
                          f"pass --overwrite or choose another --output")
    if existing:
        fs.delete(existing)
    for kind in (DATA_DIR, REJECTED_DIR):
        d = join(out_dir, kind)
        if not fs.exists(d):
            fs.mkdirs(d)
