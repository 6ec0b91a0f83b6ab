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

A text that is its tokens joined (``detokenize(tokens, spaces)``: most
annotated sides and most outputs) is not written twice: the record is
written with that text left out and a bit in a mask says which to rebuild
(tag ``\x03``), about a third fewer bytes for every record a local run
holds between stages (issue 17).

:func:`register` registers it for ``Record`` (``beam.coders.registry``), so
every PCollection typed ``Record`` (``.with_output_types(Record)``) and
every ``KV[str, Record]`` uses it.  Importing this module registers it.
"""
from __future__ import annotations

import pickle
from typing import Any

import apache_beam as beam
import msgpack

from cs_synth.pipeline.record import Record, Side, _names, detokenize, record_from_tuple, record_to_tuple

_MSGPACK = b"\x01"
_PICKLE = b"\x02"
#: msgpack of ``(mask, record tuple)``, the texts named by the mask left out
_MSGPACK_JOINED = b"\x03"

_REC_FIELDS, _SIDE_FIELDS = _names(Record), _names(Side)
_R_TEXT, _R_TOKENS, _R_SPACES = (_REC_FIELDS.index(n) for n in ("text", "tokens", "spaces"))
_S_TEXT, _S_TOKENS, _S_SPACES = (_SIDE_FIELDS.index(n) for n in ("text", "tokens", "spaces"))
#: (mask bit, index of the side in the record tuple)
_SIDES = ((1, _REC_FIELDS.index("src")), (2, _REC_FIELDS.index("tgt")))
_OUTPUT_BIT = 4


def _joined(t, text: int, tokens: int, spaces: int) -> bool:
    return bool(t[tokens]) and type(t[text]) is str and t[text] == detokenize(t[tokens], t[spaces])


def _leave_out_joined_texts(t: tuple):
    """``(mask, tuple)``: the record tuple with every text that its tokens
    rebuild set to None, and which ones."""
    mask, out = 0, None
    for bit, k in _SIDES:
        side = t[k]
        if side is not None and _joined(side, _S_TEXT, _S_TOKENS, _S_SPACES):
            out = out or list(t)
            s = list(side)
            s[_S_TEXT] = None
            out[k] = tuple(s)
            mask |= bit
    if _joined(t, _R_TEXT, _R_TOKENS, _R_SPACES):
        out = out or list(t)
        out[_R_TEXT] = None
        mask |= _OUTPUT_BIT
    return mask, (tuple(out) if out is not None else t)


def _put_back_joined_texts(mask: int, t) -> tuple:
    out = list(t)
    for bit, k in _SIDES:
        if mask & bit:
            s = list(out[k])
            s[_S_TEXT] = detokenize(s[_S_TOKENS], s[_S_SPACES])
            out[k] = s
    if mask & _OUTPUT_BIT:
        out[_R_TEXT] = detokenize(out[_R_TOKENS], out[_R_SPACES])
    return out


def encode_record(record: Record) -> bytes:
    try:
        mask, t = _leave_out_joined_texts(record_to_tuple(record))
        if mask:
            return _MSGPACK_JOINED + msgpack.packb((mask, t), use_bin_type=True)
        return _MSGPACK + msgpack.packb(t, use_bin_type=True)
    except (TypeError, ValueError, UnicodeEncodeError, OverflowError):
        return _PICKLE + pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)


def decode_record(data: bytes) -> Record:
    tag, body = data[:1], memoryview(data)[1:]
    if tag == _MSGPACK:
        return record_from_tuple(msgpack.unpackb(body, use_list=False, raw=False, strict_map_key=False))
    if tag == _MSGPACK_JOINED:
        mask, t = msgpack.unpackb(body, use_list=False, raw=False, strict_map_key=False)
        return record_from_tuple(_put_back_joined_texts(mask, t))
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
