"""Readers: turn input files into Records, one per line / row.

Every reader yields exactly one Record per input line or row.  A line that
cannot be read (no tab, bad JSON, invalid UTF-8, an empty side, a missing
field) becomes a *rejected* Record (``stage="read"``) carrying the raw text
as far as it could be decoded, so nothing is ever dropped silently.

All file access goes through ``apache_beam.io.filesystems.FileSystems``, so
``gs://`` (with the ``gcs`` extra), ``s3://`` and local paths all work.

Record ids are ``<file name>:<line number, 1-based, zero padded>`` so they
sort in input order and are stable across runs and runners.
"""
from __future__ import annotations

import io
import json
import os
from typing import Iterator, List, Optional, Tuple

from pipeline.record import FrozenMap, Record, RecordError, Side
from pipeline.registry import readers
from pipeline.units import ConfigError



# --------------------------------------------------------------------------- files
def _fs():
    from apache_beam.io.filesystems import FileSystems

    return FileSystems


def expand_paths(spec, base_resolve) -> List[str]:
    """Expand one path, a glob or a list of them into a sorted list of files."""
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
    return out


def iter_raw_lines(path: str) -> Iterator[Tuple[int, bytes]]:
    """(1-based line number, raw bytes without the newline) for each line.

    Compressed files (``.gz``, ``.bz2``, ``.zst``, ...) are decompressed by
    extension through Beam's FileSystems; a UTF-8 byte-order mark at the
    start of the file is dropped, so it never costs the first line."""
    with _fs().open(path) as fh:
        n = 0
        while True:
            raw = fh.readline()
            if not raw:
                break
            n += 1
            if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if raw.endswith(b"\n"):
                raw = raw[:-1]
            if raw.endswith(b"\r"):
                raw = raw[:-1]
            yield n, raw


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


def _make_id(path: str, line: int) -> str:
    return f"{os.path.basename(path)}:{line:08d}"


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


def _rejected(rid: str, src: str, tgt: str, cfg, reason: str, detail: str, source: str) -> Record:
    rid, src, tgt, source = _escaped(rid), _escaped(src), _escaped(tgt), _escaped(source)
    tgt_side = Side(text=tgt, lang=cfg.tgt_lang) if cfg.tgt_lang else None
    return Record(id=rid, source=source, src=Side(text=src, lang=cfg.src_lang), tgt=tgt_side,
                  reject_reason=reason, reject_detail=detail, reject_stage="read")


def build_record(cfg, rid: str, source: str, src, tgt, *, alignment=None, token_labels=None,
                 seq_labels=None) -> Record:
    """Validate one pair and build its Record, or a rejected Record with a reason."""
    bilingual = bool(cfg.tgt_lang)
    if not isinstance(src, str) or (bilingual and not isinstance(tgt, str)):
        which = "source" if not isinstance(src, str) else "target"
        return _rejected(rid, str(src or ""), str(tgt or ""), cfg, "malformed_field",
                         f"{which} text is not a string", source)
    bad = [name for name, v in (("id", rid), ("source", src), ("target", tgt)) if _has_surrogate(v)]
    if bad:
        return _rejected(rid, src, tgt or "", cfg, "invalid_unicode",
                         f"{' and '.join(bad)} text holds a lone surrogate code point (not encodable as UTF-8)",
                         source)
    if not src.strip() or (bilingual and not tgt.strip()):
        which = "source" if not src.strip() else "target"
        return _rejected(rid, src, tgt or "", cfg, "empty_side", f"{which} side is empty", source)
    seq = dict(seq_labels or {})
    if alignment is not None:
        if not isinstance(alignment, str):
            return _rejected(rid, src, tgt, cfg, "invalid_alignment", "alignment is not a Pharaoh string", source)
    src_side = Side(text=src, lang=cfg.src_lang)
    if token_labels:
        words = src.split()
        for name, values in token_labels.items():
            if not isinstance(values, (list, tuple)) or len(values) != len(words):
                n = len(values) if isinstance(values, (list, tuple)) else "non-list"
                return _rejected(rid, src, tgt or "", cfg, "label_length_mismatch",
                                 f"label {name!r} has {n} values for {len(words)} whitespace tokens", source)
        try:
            src_side = Side(text=src, lang=cfg.src_lang, tokens=tuple(words),
                            spaces=tuple(True for _ in words),
                            labels=FrozenMap({k: tuple(str(x) for x in v) for k, v in token_labels.items()}))
        except RecordError as exc:
            return _rejected(rid, src, tgt or "", cfg, "label_length_mismatch", str(exc), source)
    tgt_side = Side(text=tgt, lang=cfg.tgt_lang) if bilingual else None
    return Record(id=rid, source=source, src=src_side, tgt=tgt_side, given_alignment=alignment or "",
                  seq_labels=FrozenMap({k: str(v) for k, v in seq.items()}))


# ------------------------------------------------------------------------ formats
def _decoded_lines(path: str, cfg) -> Iterator[Tuple[str, str, str, Optional[Record]]]:
    """(id, source, text, reject) per line; ``reject`` is set (and text is the
    replacement-decoded line) when the line is not valid UTF-8."""
    for line, raw in iter_raw_lines(path):
        rid, source = _make_id(path, line), f"{path}:{line}"
        text, err = _decode(raw)
        yield rid, source, text, (_rejected(rid, text, "", cfg, "invalid_utf8", err, source) if err else None)


def read_tsv(path: str, cfg) -> Iterator[Record]:
    for rid, source, text, bad in _decoded_lines(path, cfg):
        if bad:
            yield bad
            continue
        parts = text.split("\t")
        want = 3 if cfg.tsv_alignment_column else 2
        if len(parts) != want:
            yield _rejected(rid, text, "", cfg, "malformed_line",
                            f"expected {want} tab-separated columns, found {len(parts)}", source)
            continue
        yield build_record(cfg, rid, source, parts[0], parts[1],
                           alignment=parts[2] if cfg.tsv_alignment_column else None)


def read_text(path: str, cfg) -> Iterator[Record]:
    """Monolingual text, one sentence a line (``tgt_lang`` must be empty)."""
    for rid, source, text, bad in _decoded_lines(path, cfg):
        yield bad or build_record(cfg, rid, source, text, None)


def _fields_from_mapping(obj: dict, cfg, rid: str, source: str) -> Record:
    missing = [f for f in ([cfg.src_field] + ([cfg.tgt_field] if cfg.tgt_lang else [])) if f not in obj]
    if missing:
        return _rejected(rid, json.dumps(obj, ensure_ascii=False, default=str)[:2000], "", cfg, "missing_field",
                         f"missing field(s): {', '.join(missing)}", source)
    if cfg.id_field and obj.get(cfg.id_field) not in (None, ""):
        rid = f"{rid.split(':')[0]}:{obj[cfg.id_field]}"
    labels = {f: obj.get(f) for f in cfg.token_label_fields}
    absent = [f for f, v in labels.items() if v is None]
    if absent:
        return _rejected(rid, str(obj.get(cfg.src_field, "")), "", cfg, "missing_field",
                         f"missing label field(s): {', '.join(absent)}", source)
    seq = {f: obj.get(f) for f in cfg.seq_label_fields if obj.get(f) is not None}
    alignment = obj.get(cfg.alignment_field) if cfg.alignment_field else None
    return build_record(cfg, rid, source, obj[cfg.src_field], obj.get(cfg.tgt_field) if cfg.tgt_lang else None,
                        alignment=alignment, token_labels=labels or None, seq_labels=seq)


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


def read_jsonl(path: str, cfg) -> Iterator[Record]:
    for rid, source, text, bad in _decoded_lines(path, cfg):
        if bad:
            yield bad
            continue
        if not text.strip():
            yield _rejected(rid, text, "", cfg, "malformed_json", "blank line", source)
            continue
        obj, problem = _parse_json(text)
        if problem is not None:
            yield _rejected(rid, text, "", cfg, problem[0], problem[1], source)
            continue
        if not isinstance(obj, dict):
            yield _rejected(rid, text, "", cfg, "malformed_json", "line is not a JSON object", source)
            continue
        yield _fields_from_mapping(obj, cfg, rid, source)


def _read_table_rows(path: str, cfg, table_batches) -> Iterator[Record]:
    row = 0
    for batch in table_batches:
        for obj in batch.to_pylist():
            row += 1
            yield _fields_from_mapping(obj, cfg, _make_id(path, row), f"{path}:row{row}")


def read_parquet(path: str, cfg) -> Iterator[Record]:
    import pyarrow.parquet as pq

    with _fs().open(path) as fh:
        pf = pq.ParquetFile(fh)
        yield from _read_table_rows(path, cfg, pf.iter_batches(batch_size=4096))


def read_arrow(path: str, cfg) -> Iterator[Record]:
    import pyarrow as pa
    import pyarrow.ipc as ipc

    with _fs().open(path) as fh:
        data = fh.read()
    try:
        reader = ipc.open_stream(pa.py_buffer(data))
        batches = list(reader)
    except pa.ArrowInvalid:
        reader = ipc.open_file(pa.py_buffer(data))
        batches = [reader.get_batch(i) for i in range(reader.num_record_batches)]
    yield from _read_table_rows(path, cfg, batches)


def read_moses(src_path: str, tgt_path: str, cfg) -> Iterator[Record]:
    """A Moses-style file pair, read in lockstep.  Line counts are checked
    before the run starts (:func:`check_input`); a mismatch found here anyway
    (e.g. a file changed under us) rejects the surplus lines."""
    src_it, tgt_it = iter_raw_lines(src_path), iter_raw_lines(tgt_path)
    name = os.path.basename(src_path)
    while True:
        a = next(src_it, None)
        b = next(tgt_it, None)
        if a is None and b is None:
            return
        line = (a or b)[0]
        rid, source = _make_id(name, line), f"{src_path}|{tgt_path}:{line}"
        if a is None or b is None:
            yield _rejected(rid, "", "", cfg, "line_count_mismatch",
                            f"line {line} exists only in {'target' if a is None else 'source'} file", source)
            continue
        s, e1 = _decode(a[1])
        t, e2 = _decode(b[1])
        if e1 or e2:
            yield _rejected(rid, s, t, cfg, "invalid_utf8",
                            ("source " + e1) if e1 else ("target " + e2), source)
            continue
        yield build_record(cfg, rid, source, s, t)


READERS = {"tsv": read_tsv, "jsonl": read_jsonl, "parquet": read_parquet, "arrow": read_arrow, "text": read_text}
for _name, _fn in READERS.items():
    readers.register(_name, func=_fn)
readers.register("moses", func=read_moses)


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
    if cfg.format == "moses":
        fs = _fs()
        for p in files:
            if not fs.exists(p):
                raise ConfigError(f"input: file not found: {p}")
        n_src, n_tgt = count_lines(files[0]), count_lines(files[1])
        if n_src != n_tgt:
            raise ConfigError(f"input: Moses file pair has different line counts: "
                              f"{files[0]} has {n_src} lines, {files[1]} has {n_tgt}")
    return files


def read_file(path_or_pair, cfg) -> Iterator[Record]:
    """Read one input file (or a Moses pair given as a tuple)."""
    if cfg.format == "moses":
        src_path, tgt_path = path_or_pair
        yield from read_moses(src_path, tgt_path, cfg)
    else:
        from pipeline.registry import get

        yield from get(readers, cfg.format)(path_or_pair, cfg)


def read_units(cfg, resolve) -> list:
    files = check_input(cfg, resolve)
    return [tuple(files)] if cfg.format == "moses" else files
