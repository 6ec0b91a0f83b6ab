"""A Beam coder for :class:`cs_synth.pipeline.record.Record`.

Without it, every record that crosses a stage boundary (a Reshuffle, a
GroupByKey, a worker hand-off) is pickled as a frozen dataclass: field names
in every element, one object per field, and every ``FrozenMap`` rebuilt
through a ``typing.Mapping`` check and a re-sort when it is read back.

:class:`RecordCoder` writes the record as nested tuples of plain values
(:func:`cs_synth.pipeline.record.record_to_tuple`) packed with msgpack, and reads it
back without re-validating (the bytes can only come from a record that
passed its checks).  Values msgpack cannot write (a surrogate in a string,
a score of an unusual type) make that one record fall back to pickle, with
a tag byte, so nothing is ever lost.  The encoding is deterministic (equal
records, equal bytes).

:func:`register` registers it for ``Record`` (``beam.coders.registry``), so
every PCollection typed ``Record`` (``.with_output_types(Record)``) and
every ``KV[str, Record]`` uses it.  Importing this module registers it.
"""
from __future__ import annotations

import pickle
from typing import Any

import apache_beam as beam
import msgpack

from cs_synth.pipeline.record import Record, record_from_tuple, record_to_tuple

_MSGPACK = b"\x01"
_PICKLE = b"\x02"


def encode_record(record: Record) -> bytes:
    try:
        return _MSGPACK + msgpack.packb(record_to_tuple(record), use_bin_type=True)
    except (TypeError, ValueError, UnicodeEncodeError, OverflowError):
        return _PICKLE + pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)


def decode_record(data: bytes) -> Record:
    tag, body = data[:1], memoryview(data)[1:]
    if tag == _MSGPACK:
        return record_from_tuple(msgpack.unpackb(body, use_list=False, raw=False, strict_map_key=False))
    if tag == _PICKLE:
        return pickle.loads(body)
    raise ValueError(f"not an encoded record (tag {tag!r})")


class RecordCoder(beam.coders.Coder):
    """msgpack rows for :class:`Record` (pickle for the rare record msgpack
    cannot hold)."""

    def encode(self, value: Record) -> bytes:
        return encode_record(value)

    def decode(self, encoded: bytes) -> Record:
        return decode_record(encoded)

    def is_deterministic(self) -> bool:
        return True

    def to_type_hint(self) -> Any:
        return Record

    def __eq__(self, other) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))


def register() -> None:
    beam.coders.registry.register_coder(Record, RecordCoder)


register()
