"""Arrow IPC stream shards of training sequences and of rejected documents,
written with the helpers of :mod:`cs_synth.pipeline.write.arrow_writer` (temporary
name then rename, rows sorted by id, shard of a row from its id).

Sequence columns: ``id`` (``<doc>#<window>``), ``text`` (ready for
pretraining), then provenance: ``doc_id``, ``src_doc``, ``tgt_doc``,
``src_lang``, ``tgt_lang``, ``pattern``, ``window``, ``n_windows``,
``n_tokens``, ``similarity`` (comparable documents paired by embeddings),
``segments`` (side, segment index, part, language, record ids and character
range of each segment) and ``lang_spans`` (the language of every character
span of ``text``; tags and separators are ``zxx`` with kind ``tag`` /
``separator``).
"""
from __future__ import annotations

import hashlib
from typing import Dict, List, Sequence

import pyarrow as pa

from cs_synth.pipeline.write.arrow_writer import ROWS_PER_BATCH, join, shard_name, write_atomic

SEQUENCES_DIR = "data"
DOC_REJECTED_DIR = "rejected_documents"
SCHEMA_VERSION = "interleave-1"

_segment = pa.struct([("position", pa.int32()), ("side", pa.string()), ("index", pa.int32()),
                      ("part", pa.int32()), ("lang", pa.string()), ("record_ids", pa.list_(pa.string())),
                      ("char_start", pa.int32()), ("char_end", pa.int32()), ("n_tokens", pa.int32())])
_span = pa.struct([("start", pa.int32()), ("end", pa.int32()), ("lang", pa.string()), ("kind", pa.string()),
                   ("segment", pa.int32())])

SEQUENCE_FIELDS = [
    ("id", pa.string()), ("text", pa.string()), ("doc_id", pa.string()), ("src_doc", pa.string()),
    ("tgt_doc", pa.string()), ("src_lang", pa.string()), ("tgt_lang", pa.string()), ("pattern", pa.string()),
    ("window", pa.int32()), ("n_windows", pa.int32()), ("n_tokens", pa.int32()), ("similarity", pa.float64()),
    ("segments", pa.list_(_segment)), ("lang_spans", pa.list_(_span)),
]
DOC_REJECT_FIELDS = [
    ("id", pa.string()), ("doc_id", pa.string()), ("src_doc", pa.string()), ("tgt_doc", pa.string()),
    ("reject_reason", pa.string()), ("reject_detail", pa.string()), ("sentences_read", pa.int32()),
    ("src_sentences", pa.int32()), ("tgt_sentences", pa.int32()),
]


def schema(fields, metadata: Dict[str, str]) -> pa.Schema:
    md = {"cs_synth.schema_version": SCHEMA_VERSION, **(metadata or {})}
    return pa.schema(fields, metadata={k.encode(): str(v).encode() for k, v in md.items()})


def serialize(rows: Sequence[dict], fields, metadata: Dict[str, str]) -> bytes:
    sch = schema(fields, metadata)
    rows = sorted(rows, key=lambda r: r["id"])
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, sch) as writer:
        for k in range(0, len(rows), ROWS_PER_BATCH):
            writer.write_batch(pa.RecordBatch.from_pylist(rows[k:k + ROWS_PER_BATCH], schema=sch))
    return sink.getvalue().to_pybytes()


def write_rows(out_dir: str, kind: str, index: int, total: int, rows: List[dict], fields,
               metadata: Dict[str, str]) -> Dict[str, object]:
    """Write one shard; returns its manifest entry (path, rows, sha256, bytes)."""
    path = join(out_dir, kind, shard_name(kind, index, total))
    data = serialize(rows, fields, metadata)
    write_atomic(path, data)
    return {"path": f"{kind}/{shard_name(kind, index, total)}", "rows": len(rows),
            "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
