"""Readers: turn input files into Records, one per line / row.

Every reader yields exactly one Record per input line or row.  A line that
cannot be read (no tab, bad JSON, invalid UTF-8, an empty side, a missing
field) becomes a *rejected* Record (``stage="read"``) carrying the raw text
as far as it could be decoded, so nothing is ever dropped silently.

All file access goes through ``apache_beam.io.filesystems.FileSystems``, so
``gs://`` (with the ``gcs`` extra), ``s3://`` and local paths all work.

Record ids are ``<name>:<line or row number, 1-based, zero padded>`` so
they sort in input order and are stable across runs and runners.  ``<name>``
is the file's path relative to the input root, the deepest folder that holds
every input file (so one file is named by its base name, and ``a/x.tsv`` and
``b/x.tsv`` never collide); a ``:`` or ``%`` in it is percent-escaped, so
the first ``:`` of an id always ends the name.  With ``input.id_field`` the
user's id replaces the number (``<name>:<user id>``); a value seen before in
the same file (``7`` and ``"7"`` are the same id) is a ``duplicate_id``
reject, never a merge.  Ids are unique by construction: no two records of a
run share one.

Containment: whatever a file holds, the reader yields records and rejects
and never raises.  A file that cannot be read at all (not Parquet, a
truncated Arrow stream or gzip member, no permission) ends with **one**
``unreadable_file`` reject carrying the error, counted as one read record
after the records read before the failure.  A read reject keeps its input
losslessly in ``Record.raw``: base64 of the line's bytes (text formats) or of
the row as JSON, binary values as ``{"$base64": ...}`` (table formats).
"""
from __future__ import annotations

import base64
import datetime
import decimal
import inspect
import io
import json
import os
from typing import Dict, Iterator, List, Optional, Tuple

from cs_synth.pipeline.record import FrozenMap, Record, RecordError, Side
from cs_synth.pipeline.registry import readers
from cs_synth.pipeline.units import ConfigError

#: longest text field a record may carry; a longer one is a ``too_long``
#: reject at read time (spaCy alone refuses texts over 1,000,000 characters)
MAX_TEXT_CHARS = 100_000


# --------------------------------------------------------------------------- files
def _fs():
    from apache_beam.io.filesystems import FileSystems

    return FileSystems


def expand_paths(spec, base_resolve) -> List[str]:
    """Expand one path, a glob or a list of them into a sorted list of files
    (a file that two entries name is read once)."""
    specs = spec if isinstance(spec, (list, tuple)) else [spec]
    out: List[str] = []
    fs = _fs()
    for s in specs:
        s = base_resolve(str(s))
        if any(ch in s for ch in "*?["):
            matches = fs.match([s])[0].metadata_list
            found = sorted(m.path for m in matches)
            if not found:
                raise ConfigError(f"input.path: no file matches {s}")
            out.extend(found)
        else:
            if not fs.exists(s):
                raise ConfigError(f"input.path: file not found: {s}")
            out.append(s)
    seen, unique = set(), []
    for path in out:
        key = os.path.normpath(path) if "://" not in path else path
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def _split_path(path: str) -> List[str]:
    return [p for p in path.replace("\\", "/").split("/") if p not in ("", ".")]


def unit_names(paths: List[str]) -> List[str]:
    """Each file's path relative to the deepest folder holding them all."""
    parts = [_split_path(p) for p in paths]
    folders = [p[:-1] for p in parts]
    common = 0
    if folders:
        shortest = min(len(f) for f in folders)
        while common < shortest and len({f[common] for f in folders}) == 1:
            common += 1
    return ["/".join(p[common:]) for p in parts]


def escape_name(name: str) -> str:
    """A unit name as it appears in ids: ``%`` and ``:`` percent-escaped."""
    return name.replace("%", "%25").replace(":", "%3A")


#: compression by file extension
_COMPRESSION = {".gz": "gzip", ".gzip": "gzip", ".bz2": "bz2", ".zst": "zstd", ".zstd": "zstd"}


def _decompressor(kind: str):
    if kind == "gzip":
        import zlib

        return zlib.decompressobj(wbits=31)
    if kind == "bz2":
        import bz2

        return bz2.BZ2Decompressor()
    import zstandard

    return zstandard.ZstdDecompressor().decompressobj()


def _compression(path: str) -> Optional[str]:
    lower = path.lower()
    for ext, kind in _COMPRESSION.items():
        if lower.endswith(ext):
            return kind
    return None


def iter_chunks(path: str, size: int = 1 << 20) -> Iterator[bytes]:
    """The file's bytes, decompressed by extension (gzip, bz2, zstd; several
    members or frames in a row are read one after the other).  A compressed
    stream that ends before its end marker (a truncated file) raises
    ``EOFError``: the caller turns that into an ``unreadable_file`` reject,
    it is never silently short."""
    from apache_beam.io.filesystem import CompressionTypes

    kind = _compression(path)
    with _fs().open(path, compression_type=CompressionTypes.UNCOMPRESSED) as fh:
        if kind is None:
            while True:
                chunk = fh.read(size)
                if not chunk:
                    return
                yield chunk
        d, fed = _decompressor(kind), False
        while True:
            chunk = fh.read(size)
            if not chunk:
                break
            while chunk:
                if d.eof:
                    d, fed = _decompressor(kind), False
                out = d.decompress(chunk)
                fed = True
                if out:
                    yield out
                chunk = d.unused_data if d.eof else b""
        if fed and not d.eof:
            raise EOFError(f"{kind} stream ends before its end marker (a truncated file)")


def iter_raw_lines(path: str) -> Iterator[Tuple[int, bytes]]:
    """(1-based line number, raw bytes without the newline) for each line.

    Compressed files (``.gz``, ``.bz2``, ``.zst``) are decompressed by
    extension (:func:`iter_chunks`); a UTF-8 byte-order mark at the start of
    the file is dropped, so it never costs the first line."""
    n, rest = 0, b""
    for chunk in iter_chunks(path):
        if n == 0 and not rest and chunk.startswith(b"\xef\xbb\xbf"):
            chunk = chunk[3:]
        parts = (rest + chunk).split(b"\n")
        rest = parts.pop()
        for raw in parts:
            n += 1
            yield n, raw[:-1] if raw.endswith(b"\r") else raw
    if rest:
        n += 1
        yield n, rest[:-1] if rest.endswith(b"\r") else rest


def count_lines(path: str) -> int:
    n = 0
    for n, _ in iter_raw_lines(path):
        pass
    return n


def _decode(raw: bytes) -> Tuple[str, Optional[str]]:
    """Decode UTF-8; on failure return replacement-decoded text and a reason."""
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return raw.decode("utf-8", errors="replace"), f"invalid UTF-8 at byte {exc.start}"


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


class IdSpace:
    """The ids of one read unit.  Built-in readers name lines and rows by
    number (unique by construction); with ``input.id_field`` every id is
    claimed here, so a repeated user id becomes a ``duplicate_id`` reject
    and an id taken by a user id is never handed out again."""

    def __init__(self, name: str, track: bool):
        self.name = escape_name(name)
        #: the file as records name it in ``Record.source``: its path relative
        #: to the input root, so the output bytes do not depend on where the
        #: corpus (or the checkout) lies
        self.label = name
        self.seen: Optional[Dict[str, str]] = {} if track else None

    def number(self, n: int, where: str = "") -> str:
        rid = f"{self.name}:{n:08d}"
        return self._fresh(rid, where) if self.seen is not None else rid

    def user(self, value, n: int, where: str) -> Tuple[str, Optional[str]]:
        """(id, None) for a new user id; (fresh id, detail) for a repeat."""
        rid = f"{self.name}:{value}"
        if self.seen is None:
            self.seen = {}
        first = self.seen.get(rid)
        if first is None:
            self.seen[rid] = where
            return rid, None
        return self.number(n, where), f"id {rid!r} repeats the id of {first}"

    def special(self, label: str, where: str = "") -> str:
        rid = f"{self.name}:{label}"
        return self._fresh(rid, where) if self.seen is not None else rid

    def _fresh(self, rid: str, where: str) -> str:
        cand, k = rid, 1
        while cand in self.seen:
            k += 1
            cand = f"{rid}~{k}"
        self.seen[cand] = where or cand
        return cand


def _make_id(path: str, line: int) -> str:
    return f"{escape_name(os.path.basename(path))}:{line:08d}"


def _has_surrogate(text) -> bool:
    """True for a str holding a lone surrogate (not encodable as UTF-8);
    the encoder finds it at C speed."""
    if not isinstance(text, str) or text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _escaped(text: str) -> str:
    """``text`` with lone surrogates written as ``\\udXXX`` escapes, so a
    reject that holds it can still be keyed and written (lossless: the
    escape names the code unit)."""
    if not _has_surrogate(text):
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _rejected(rid: str, src: str, tgt: str, cfg, reason: str, detail: str, source: str, raw: str = "") -> Record:
    rid, src, tgt, source = _escaped(rid), _escaped(src), _escaped(tgt), _escaped(source)
    tgt_side = Side(text=tgt, lang=cfg.tgt_lang) if cfg.tgt_lang else None
    return Record(id=rid, source=source, src=Side(text=src, lang=cfg.src_lang), tgt=tgt_side,
                  reject_reason=reason, reject_detail=detail, reject_stage="read", raw=raw)


#: a reject keeps at most this much of an over-long text in ``src``/``tgt``
#: (the whole input is in ``raw``)
_PREVIEW = 2000


def build_record(cfg, rid: str, source: str, src, tgt, *, alignment=None, token_labels=None,
                 seq_labels=None, raw: str = "") -> Record:
    """Validate one pair and build its Record, or a rejected Record with a reason."""
    bilingual = bool(cfg.tgt_lang)
    if not isinstance(src, str) or (bilingual and not isinstance(tgt, str)):
        which = "source" if not isinstance(src, str) else "target"
        value = src if which == "source" else tgt
        return _rejected(rid, str(src if src is not None else "")[:_PREVIEW],
                         str(tgt if tgt is not None else "")[:_PREVIEW], cfg, "malformed_field",
                         f"{which} text is not a string ({type(value).__name__})", source, raw)
    bad = [name for name, v in (("id", rid), ("source", src), ("target", tgt)) if _has_surrogate(v)]
    if bad:
        return _rejected(rid, src, tgt or "", cfg, "invalid_unicode",
                         f"{' and '.join(bad)} text holds a lone surrogate code point (not encodable as UTF-8)",
                         source, raw)
    long_ = [(name, len(v)) for name, v in (("source", src), ("target", tgt or ""))
             if len(v) > MAX_TEXT_CHARS]
    if long_:
        return _rejected(rid, src[:_PREVIEW], (tgt or "")[:_PREVIEW], cfg, "too_long",
                         "; ".join(f"{name} text has {n} characters (most: {MAX_TEXT_CHARS}); "
                                   f"src/tgt hold the first {_PREVIEW}" for name, n in long_),
                         source, raw)
    if not src.strip() or (bilingual and not tgt.strip()):
        which = "source" if not src.strip() else "target"
        return _rejected(rid, src, tgt or "", cfg, "empty_side", f"{which} side is empty", source, raw)
    seq = dict(seq_labels or {})
    if alignment is not None:
        if not isinstance(alignment, str):
            return _rejected(rid, src, tgt, cfg, "invalid_alignment", "alignment is not a Pharaoh string",
                             source, raw)
    src_side = Side(text=src, lang=cfg.src_lang)
    if token_labels:
        words = src.split()
        for name, values in token_labels.items():
            if not isinstance(values, (list, tuple)) or len(values) != len(words):
                n = len(values) if isinstance(values, (list, tuple)) else "non-list"
                return _rejected(rid, src, tgt or "", cfg, "label_length_mismatch",
                                 f"label {name!r} has {n} values for {len(words)} whitespace tokens", source, raw)
        try:
            src_side = Side(text=src, lang=cfg.src_lang, tokens=tuple(words),
                            spaces=tuple(True for _ in words),
                            labels=FrozenMap({k: tuple(str(x) for x in v) for k, v in token_labels.items()}))
        except RecordError as exc:
            return _rejected(rid, src, tgt or "", cfg, "label_length_mismatch", str(exc), source, raw)
    tgt_side = Side(text=tgt, lang=cfg.tgt_lang) if bilingual else None
    return Record(id=rid, source=source, src=src_side, tgt=tgt_side, given_alignment=alignment or "",
                  seq_labels=FrozenMap({k: str(v) for k, v in seq.items()}))


# ------------------------------------------------------------------------ formats
def _decoded_lines(path: str, cfg, ids: IdSpace,
                   lines=None) -> Iterator[Tuple[str, str, str, bytes, Optional[Record]]]:
    """(id, source, text, raw bytes, reject) per line; ``reject`` is set (and
    text is the replacement-decoded line) when the line is not valid UTF-8.
    ``lines``: (1-based line number, raw bytes) pairs to use instead of
    reading ``path`` (a block of a split file, see :mod:`cs_synth.pipeline.read.splits`)."""
    for line, raw in (iter_raw_lines(path) if lines is None else lines):
        source = f"{ids.label}:{line}"
        rid = ids.number(line, source) if not cfg.id_field else f"{ids.name}:{line:08d}"
        text, err = _decode(raw)
        yield rid, source, text, raw, (_rejected(rid, text, "", cfg, "invalid_utf8", err, source, b64(raw))
                                       if err else None)


def read_tsv(path: Optional[str], cfg, ids: Optional[IdSpace] = None, lines=None) -> Iterator[Record]:
    ids = ids or IdSpace(os.path.basename(path), False)
    for rid, source, text, raw, bad in _decoded_lines(path, cfg, ids, lines):
        if bad:
            yield bad
            continue
        if cfg.tsv_header and source.rsplit(":", 1)[-1] == "1":
            continue  # the file's header line (input.tsv_header)
        parts = text.split("\t")
        want = 3 if cfg.tsv_alignment_column else 2
        if cfg.tsv_columns:
            if len(parts) <= max(cfg.tsv_columns):
                yield _rejected(rid, text[:_PREVIEW], "", cfg, "malformed_line",
                                f"expected at least {max(cfg.tsv_columns) + 1} tab-separated columns "
                                f"(input.tsv_columns), found {len(parts)}", source, b64(raw))
                continue
            parts = [parts[c] for c in cfg.tsv_columns]
        elif len(parts) != want:
            yield _rejected(rid, text[:_PREVIEW], "", cfg, "malformed_line",
                            f"expected {want} tab-separated columns, found {len(parts)}", source, b64(raw))
            continue
        rec = build_record(cfg, rid, source, parts[0], parts[1],
                           alignment=parts[2] if cfg.tsv_alignment_column else None)
        yield rec.evolve(raw=b64(raw)) if rec.rejected else rec


def read_text(path: Optional[str], cfg, ids: Optional[IdSpace] = None, lines=None) -> Iterator[Record]:
    """Monolingual text, one sentence a line (``tgt_lang`` must be empty)."""
    ids = ids or IdSpace(os.path.basename(path), False)
    for rid, source, text, raw, bad in _decoded_lines(path, cfg, ids, lines):
        rec = bad or build_record(cfg, rid, source, text, None)
        yield rec.evolve(raw=b64(raw)) if rec.rejected and not rec.raw else rec


_MISSING = object()


def get_field(obj: dict, name: str):
    """``obj[name]``, or a nested value for a dotted path (``translation.en``)
    when ``name`` itself is not a key; ``_MISSING`` when absent."""
    if name in obj:
        return obj[name]
    if "." not in name:
        return _MISSING
    cur = obj
    for part in name.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return _MISSING
        cur = cur[part]
    return cur


def _json_default(value):
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$base64": b64(bytes(value))}
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return {"$seconds": value.total_seconds()}
    if isinstance(value, decimal.Decimal):
        return str(value)
    return str(value)


def row_json(obj) -> str:
    """A row as JSON text, lossless for binary values (``{"$base64": ...}``)."""
    return json.dumps(obj, ensure_ascii=False, default=_json_default, sort_keys=True)


def _row_raw(obj) -> str:
    return b64(_escaped(row_json(obj)).encode("utf-8"))


def _fields_from_mapping(obj: dict, cfg, rid: str, source: str, *, raw: Optional[str] = None,
                         ids: Optional[IdSpace] = None, n: int = 0) -> Record:
    def raw_():
        return raw if raw is not None else _row_raw(obj)

    wanted = [cfg.src_field] + ([cfg.tgt_field] if cfg.tgt_lang else [])
    values = {f: get_field(obj, f) for f in wanted}
    missing = [f for f, v in values.items() if v is _MISSING]
    if cfg.id_field:
        user = get_field(obj, cfg.id_field)
        if ids is not None:
            if user is _MISSING or user in (None, ""):
                rid = ids.number(n, source)
            else:
                rid, dup = ids.user(user, n, source)
                if dup:
                    return _rejected(rid, str(values.get(cfg.src_field, ""))[:_PREVIEW],
                                     str(values.get(cfg.tgt_field, "") if cfg.tgt_lang else "")[:_PREVIEW],
                                     cfg, "duplicate_id", dup, source, raw_())
        elif user is not _MISSING and user not in (None, ""):
            rid = f"{rid.split(':')[0]}:{user}"
    if missing:
        return _rejected(rid, _escaped(row_json(obj))[:_PREVIEW], "", cfg, "missing_field",
                         f"missing field(s): {', '.join(missing)}", source, raw_())
    labels = {f: get_field(obj, f) for f in cfg.token_label_fields}
    absent = [f for f, v in labels.items() if v is None or v is _MISSING]
    if absent:
        return _rejected(rid, str(values[cfg.src_field])[:_PREVIEW], "", cfg, "missing_field",
                         f"missing label field(s): {', '.join(absent)}", source, raw_())
    seq = {}
    for f in cfg.seq_label_fields:
        v = get_field(obj, f)
        if v is not None and v is not _MISSING:
            seq[f] = v
    alignment = get_field(obj, cfg.alignment_field) if cfg.alignment_field else None
    alignment = None if alignment is _MISSING else alignment
    rec = build_record(cfg, rid, source, values[cfg.src_field], values[cfg.tgt_field] if cfg.tgt_lang else None,
                       alignment=alignment, token_labels=labels or None, seq_labels=seq)
    return rec.evolve(raw=raw_()) if rec.rejected else rec


#: deepest JSON nesting a line may have (deeper lines are rejected, never
#: allowed to exhaust the interpreter's stack)
MAX_JSON_DEPTH = 64


def _json_depth_ok(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    if text.count("[") + text.count("{") <= limit:
        return True  # fewer opening brackets than the limit: cannot nest deeper (no scan)
    depth, in_str, esc = 0, False, False
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def _parse_json(text: str):
    """(object, None) or (None, (reason, detail)) for one JSONL line."""
    if not _json_depth_ok(text):
        return None, ("malformed_json", f"nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, ("malformed_json", f"{exc.msg} at column {exc.colno}")
    except ValueError as exc:  # e.g. an integer longer than Python's digit limit
        return None, ("malformed_json", str(exc)[:200])
    except RecursionError:
        return None, ("malformed_json", "nested too deeply")


def read_jsonl(path: Optional[str], cfg, ids: Optional[IdSpace] = None, lines=None) -> Iterator[Record]:
    ids = ids or IdSpace(os.path.basename(path), bool(cfg.id_field))
    for rid, source, text, raw, bad in _decoded_lines(path, cfg, ids, lines):
        line = int(source.rsplit(":", 1)[1])
        if bad:
            yield bad.evolve(id=ids.number(line, source), pair_id="") if cfg.id_field else bad
            continue
        problem = None
        if not text.strip():
            problem = ("malformed_json", "blank line")
        else:
            obj, problem = _parse_json(text)
            if problem is None and not isinstance(obj, dict):
                problem = ("malformed_json", "line is not a JSON object")
        if problem is not None:
            rid = ids.number(line, source) if cfg.id_field else rid
            yield _rejected(rid, text[:_PREVIEW], "", cfg, problem[0], problem[1], source, b64(raw))
            continue
        yield _fields_from_mapping(obj, cfg, rid, source, raw=b64(raw), ids=ids, n=line)


def _string_columns_as_binary(batch):
    """``batch`` with its top-level string columns that hold invalid UTF-8
    cast to binary, so the row can still be turned into Python."""
    import pyarrow as pa

    cols = []
    for col in batch.columns:
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            try:
                col.to_pylist()
            except UnicodeDecodeError:
                col = col.cast(pa.binary() if pa.types.is_string(col.type) else pa.large_binary())
        cols.append(col)
    return pa.RecordBatch.from_arrays(cols, names=batch.schema.names)


def _ipc_bytes(batch) -> bytes:
    """``batch`` as an Arrow IPC stream (schema and one batch)."""
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batch.schema) as w:
        w.write_batch(batch)
    return sink.getvalue().to_pybytes()


def _row_ipc(one) -> str:
    """A one-row batch as base64 Arrow IPC, the same bytes wherever the row
    lay in its batch (the IPC writer copies a sliced buffer differently
    from an unsliced one: the row is copied out first)."""
    import pyarrow as pa

    try:
        one = one.take(pa.array([0]))
    except Exception:  # noqa: BLE001 - a type take does not support: as it is
        pass
    return b64(_ipc_bytes(one))


def _rows_of(batch) -> Iterator[Tuple[Optional[dict], Optional[str], Optional[str]]]:
    """(row, None, None) per row; (None, raw, None) for a row with invalid
    UTF-8; (None, raw, error) for a row holding a value Python cannot hold
    (a timestamp or date past year 9999).  Row by row, so the output of a
    row does not depend on the batch it came in."""
    try:
        rows = batch.to_pylist()
    except Exception:  # noqa: BLE001 - some row cannot be converted: find it below
        rows = None
    if rows is not None:
        yield from ((r, None, None) for r in rows)
        return
    for i in range(batch.num_rows):
        one = batch.slice(i, 1)
        try:
            obj = one.to_pylist()[0]
        except UnicodeDecodeError:
            try:
                raw = b64(row_json(_string_columns_as_binary(one).to_pylist()[0]).encode("utf-8"))
            except Exception:  # noqa: BLE001 - a nested column: keep the row as Arrow IPC bytes
                raw = _row_ipc(one)
            yield None, raw, None
            continue
        except Exception as exc:  # noqa: BLE001 - e.g. OverflowError: date value out of range
            yield None, _row_ipc(one), f"{type(exc).__name__}: {str(exc)[:200]}"
            continue
        yield obj, None, None


def _read_table_rows(path: Optional[str], cfg, table_batches, ids: Optional[IdSpace] = None,
                     start: int = 0) -> Iterator[Record]:
    """The records of the rows of ``table_batches``, numbered from
    ``start + 1`` (a later piece of a split file starts past 0,
    :mod:`cs_synth.pipeline.read.splits`)."""
    ids = ids or IdSpace(os.path.basename(path), bool(cfg.id_field))
    row = start
    for batch in table_batches:
        for obj, bad_raw, error in _rows_of(batch):
            row += 1
            source = f"{ids.label}:row{row}"
            if obj is None and error:
                yield _rejected(ids.number(row, source), "", "", cfg, "malformed_field",
                                f"a value cannot be read into Python ({error}); raw: the row as Arrow IPC",
                                source, bad_raw)
                continue
            if obj is None:
                yield _rejected(ids.number(row, source), "", "", cfg, "invalid_utf8",
                                "a string column holds invalid UTF-8 (raw: the row as JSON, binary values base64)",
                                source, bad_raw)
                continue
            rid = ids.number(row, source) if not cfg.id_field else f"{ids.name}:{row:08d}"
            yield _fields_from_mapping(obj, cfg, rid, source, ids=ids, n=row)


#: rows per record batch read from a Parquet file
PARQUET_BATCH_ROWS = 4096


def parquet_batches(path: str, groups=None):
    """Record batches of a Parquet file (at most :data:`PARQUET_BATCH_ROWS`
    rows), one row group after the other: all of them, or the row groups
    ``groups`` (a piece of a split file).  Never a batch across two row
    groups, so a whole-file read and a split read fail at the same row."""
    import pyarrow.parquet as pq

    with _fs().open(path) as fh:
        pf = pq.ParquetFile(fh)
        for g in (range(pf.metadata.num_row_groups) if groups is None else groups):
            yield from pf.iter_batches(batch_size=PARQUET_BATCH_ROWS, row_groups=[g])


def read_parquet(path: str, cfg, ids: Optional[IdSpace] = None) -> Iterator[Record]:
    """Parquet, one row group at a time (batches of at most 4096 rows)."""
    yield from _read_table_rows(path, cfg, parquet_batches(path), ids)


def _arrow_batches(path: str, batches=None):
    """Record batches of an Arrow IPC stream or file, one at a time; of a
    file, the batches numbered ``batches`` if given (a piece of a split
    file; the stream format has no random access, it is read whole)."""
    import pyarrow as pa
    import pyarrow.ipc as ipc

    with _fs().open(path) as fh:
        head = fh.read(6)
    if head == b"ARROW1":
        # the file format needs its footer: random access through the file
        # handle (a memory map for a local file), one batch in memory at a time
        if "://" not in path:
            with pa.memory_map(path) as src:
                reader = ipc.open_file(src)
                for i in (range(reader.num_record_batches) if batches is None else batches):
                    yield reader.get_batch(i)
            return
        with _fs().open(path) as fh:
            reader = ipc.open_file(pa.PythonFile(fh, mode="r"))
            for i in (range(reader.num_record_batches) if batches is None else batches):
                yield reader.get_batch(i)
        return
    if batches is not None:
        raise ValueError(f"{path} is no longer an Arrow IPC file (it was when the read was planned)")
    with _fs().open(path) as fh:
        reader = ipc.open_stream(fh)
        for batch in reader:
            yield batch


def read_arrow(path: str, cfg, ids: Optional[IdSpace] = None) -> Iterator[Record]:
    """An Arrow IPC stream (read a batch at a time) or file."""
    yield from _read_table_rows(path, cfg, _arrow_batches(path), ids)


def read_hf(path: str, cfg, ids: Optional[IdSpace] = None) -> Iterator[Record]:
    """A Hugging Face ``datasets`` folder written by ``save_to_disk`` (one
    split: for a ``DatasetDict``, name the split's sub-folder).  Nested
    columns are addressed by dotted field paths, e.g. ``translation.en``."""
    import datasets

    ds = datasets.load_from_disk(path)
    if isinstance(ds, datasets.DatasetDict):
        raise ValueError(f"{path} is a DatasetDict with splits {sorted(ds)}; set input.path to "
                         f"one split's folder, e.g. {path}/{sorted(ds)[0]}")
    yield from _read_table_rows(path, cfg, ds.data.to_batches(max_chunksize=4096), ids)


def read_moses(src_path: str, tgt_path: str, cfg, ids: Optional[IdSpace] = None, lines=None) -> Iterator[Record]:
    """A Moses-style file pair, read in lockstep.  Line counts are checked
    before the run starts (:func:`check_input`); a mismatch found here anyway
    (e.g. a file changed under us) rejects the surplus lines.  ``lines``:
    two iterators of (1-based line number, raw bytes) to use instead of
    reading the files (a block of a split pair, see
    :mod:`cs_synth.pipeline.read.splits`)."""
    src_it, tgt_it = (iter_raw_lines(src_path), iter_raw_lines(tgt_path)) if lines is None else map(iter, lines)
    ids = ids or IdSpace(os.path.basename(src_path), False)
    while True:
        a = next(src_it, None)
        b = next(tgt_it, None)
        if a is None and b is None:
            return
        line = (a or b)[0]
        rid, source = ids.number(line), f"{ids.label}|{os.path.basename(tgt_path)}:{line}"
        raw = f"{b64(a[1]) if a else ''}\t{b64(b[1]) if b else ''}"
        if a is None or b is None:
            yield _rejected(rid, "", "", cfg, "line_count_mismatch",
                            f"line {line} exists only in {'target' if a is None else 'source'} file", source, raw)
            continue
        s, e1 = _decode(a[1])
        t, e2 = _decode(b[1])
        if e1 or e2:
            yield _rejected(rid, s, t, cfg, "invalid_utf8",
                            ("source " + e1) if e1 else ("target " + e2), source, raw)
            continue
        rec = build_record(cfg, rid, source, s, t)
        yield rec.evolve(raw=raw) if rec.rejected else rec


READERS = {"tsv": read_tsv, "jsonl": read_jsonl, "parquet": read_parquet, "arrow": read_arrow, "text": read_text,
           "hf": read_hf}
for _name, _fn in READERS.items():
    readers.register(_name, func=_fn)
readers.register("moses", func=read_moses)

#: formats whose input path is a folder
FOLDER_FORMATS = ("hf",)


def input_files(cfg, resolve) -> List[str]:
    if cfg.format == "moses":
        return [resolve(cfg.src_path), resolve(cfg.tgt_path)]
    return expand_paths(cfg.path, resolve)


def check_input(cfg, resolve) -> List[str]:
    """Validate input before anything runs: files exist, Moses pairs have the
    same number of lines, monolingual formats have no target language."""
    if cfg.format == "text" and cfg.tgt_lang:
        raise ConfigError("input.tgt_lang: 'text' input is monolingual; remove tgt_lang")
    if cfg.format == "tsv" and not cfg.tgt_lang:
        raise ConfigError("input.tgt_lang: tsv input holds pairs; set tgt_lang (or use format: text)")
    files = input_files(cfg, resolve)
    local_dirs = [p for p in files if "://" not in p and os.path.isdir(p)]
    if cfg.format in FOLDER_FORMATS:
        for p in files:
            if "://" not in p and not os.path.isdir(p):
                raise ConfigError(f"input.path: {cfg.format} input is a folder (save_to_disk); {p} is not one")
    elif local_dirs:
        raise ConfigError(f"input.path: {local_dirs[0]} is a folder; {cfg.format} input names files "
                          f"(a glob such as {local_dirs[0].rstrip('/')}/*.{cfg.format}, or format: hf for a "
                          f"save_to_disk folder)")
    if cfg.format == "moses":
        fs = _fs()
        for p in files:
            if not fs.exists(p):
                raise ConfigError(f"input: file not found: {p}")
        try:
            n_src, n_tgt = count_lines(files[0]), count_lines(files[1])
        except (OSError, EOFError, ValueError) as exc:  # a truncated or corrupt compressed file
            raise ConfigError(f"input: cannot read the Moses file pair: {type(exc).__name__}: {exc}") from None
        if n_src != n_tgt:
            raise ConfigError(f"input: Moses file pair has different line counts: "
                              f"{files[0]} has {n_src} lines, {files[1]} has {n_tgt}")
    return files


def _accepts_ids(fn) -> bool:
    try:
        return "ids" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def read_file(path_or_pair, cfg) -> Iterator[Record]:
    """Read one read unit: ``(path, name)`` (a bare path is named by its
    base name), or a Moses pair given as ``(src, tgt)``.  Never raises for
    what a file holds: a file that fails part-way ends with one
    ``unreadable_file`` reject."""
    if cfg.format == "moses":
        src_path, tgt_path = path_or_pair
        path, name, fn, args = src_path, os.path.basename(src_path), read_moses, (src_path, tgt_path)
    else:
        from cs_synth.pipeline.registry import get

        if isinstance(path_or_pair, (list, tuple)):
            path, name = path_or_pair
        else:
            path, name = path_or_pair, os.path.basename(path_or_pair)
        fn, args = get(readers, cfg.format), (path,)
    builtin = fn in READERS.values() or fn is read_moses
    ids = IdSpace(name, track=bool(cfg.id_field) or not builtin)
    n = 0
    try:
        if _accepts_ids(fn):
            it = fn(*args, cfg, ids=ids)
        else:  # a plugin reader: its ids are checked here
            it = (_claimed(rec, ids) for rec in fn(*args, cfg))
        for rec in it:
            n += 1
            yield rec
    except Exception as exc:  # noqa: BLE001 - the file, not the run, is what failed
        where = f"{ids.label}:after{n}"
        yield _rejected(ids.special("unreadable", where), "", "", cfg, "unreadable_file",
                        f"{type(exc).__name__}: {str(exc)[:500]} (after {n} record(s) read from {path})", where)


def _claimed(rec: Record, ids: IdSpace) -> Record:
    """A plugin reader's record, with an id no earlier record of the unit has."""
    if rec.id not in ids.seen:
        ids.seen[rec.id] = rec.source or rec.id
        return rec
    rid = ids._fresh(rec.id, rec.source)
    return Record(id=rid, source=rec.source, src=rec.src, tgt=rec.tgt, reject_reason="duplicate_id",
                  reject_detail=f"id {rec.id!r} repeats the id of {ids.seen[rec.id]}", reject_stage="read",
                  raw=rec.raw)


def read_units(cfg, resolve) -> list:
    files = check_input(cfg, resolve)
    if cfg.format == "moses":
        return [tuple(files)]
    return [(path, name) for path, name in zip(files, unit_names(files))]
