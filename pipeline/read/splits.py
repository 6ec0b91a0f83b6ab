"""Split reading of large line-based inputs (TSV, JSONL, text) across workers.

A file is cut into byte *blocks* (:func:`plan_blocks`, Beam's
``OffsetRange.split``); a block owns the lines whose first byte lies in it,
so every line belongs to exactly one block whatever the block size.  A
worker reads one block (:func:`block_lines`, a seek and a streamed read
through Beam ``FileSystems``) and hands its raw lines on in chunks of
:data:`CHUNK_LINES`, with their position *inside the block*; it also counts
the block's lines.  After a shuffle, any worker turns a chunk into records
(:func:`parse_chunk`): its lines' numbers are the lines of the earlier
blocks of the file (a small side input of counts, :func:`block_bases`) plus
their place in the block.  So the ids (``<name>:<line number>``), and every
byte of the records, are those of the whole-file reader
(:func:`cs_synth.pipeline.read.readers.read_file`) for any block size and any number
of workers, and each file is read once.

A compressed file (gzip, bz2, zstd) cannot be cut by bytes: it is one block,
read by one worker as a stream (never into memory), and its chunks are
spread to the other workers for parsing.

Table files are split the same way, by their own units: a Parquet file
by row groups (consecutive groups up to :data:`SPLIT_BYTES` of data, from
the footer read when the job is planned), an Arrow IPC *file* by record
batches (it has random access to them).  A block's rows travel to the
parsers as Arrow IPC chunks of :data:`CHUNK_ROWS` rows, numbered like lines
from the row counts of the earlier blocks.  An Arrow IPC *stream*, a
compressed table file, or one whose footer cannot be read when planned is
one block, read as a stream.  A table block whose read fails ends the
file, as the whole-file reader does: one ``unreadable_file`` reject after
the rows read before the failure, and the blocks after it give nothing.

A Moses file pair (two line-parallel files) is split by line ranges that
are the same on both sides (:func:`plan_moses`): the source file is cut
by bytes at line starts, and one pass over each file when the job is
planned finds the number of each cut's line and where that line starts in
the target file.  A block reads its lines of both files in lockstep and
numbers them from its first line (known from the plan: no side input), so
the records are those of the whole-pair reader.  A compressed pair is one
block.

What cannot be split is read whole, as before (:func:`splittable`):
``input.id_field`` (a repeated user id is a ``duplicate_id`` reject, which
needs the whole file), documents (``doc_field``/``doc_lines``), Hugging
Face folders and plugin readers.
"""
from __future__ import annotations

import os
from typing import Dict, Iterable, Iterator, List, NamedTuple, Optional, Sequence, Tuple

from cs_synth.pipeline.record import Record

#: bytes per block of an uncompressed file (the unit of work of a reader)
SPLIT_BYTES = 64 << 20
#: the smallest block size :func:`plan_blocks` uses (a block must hold
#: more than a byte-order mark)
MIN_SPLIT_BYTES = 4096
#: raw lines per chunk handed from the block reader to the parsers
CHUNK_LINES = 1000
#: rows per chunk of a table block (an Arrow IPC stream of one batch)
CHUNK_ROWS = 1000

_BOM = b"\xef\xbb\xbf"
SPLIT_FORMATS = ("tsv", "jsonl", "text", "parquet", "arrow")
#: formats split by their own units (row groups, record batches), not by bytes
TABLE_FORMATS = ("parquet", "arrow")


class Block(NamedTuple):
    """One block of one input file: bytes ``[start, end)`` of a line file,
    row groups ``[start, end)`` of a Parquet file, record batches ``[start,
    end)`` of an Arrow IPC file; ``end`` is ``None`` for a whole file (a
    compressed one, an Arrow stream)."""

    path: str
    name: str
    index: int
    start: int
    end: Optional[int]
    blocks: int  # how many blocks the file has
    kind: str = "lines"  # or "parquet", "arrow", "moses"
    #: a Moses pair's block: the target file, the bytes of the same lines in
    #: it, and the number of the block's first line
    tgt: str = ""
    tgt_start: int = 0
    tgt_end: Optional[int] = None
    line: int = 1


class Chunk(NamedTuple):
    """Raw lines of a block, from its ``first``-th line (0-based, in the
    block), joined by ``\\n`` (a raw line never holds one); of a table
    block (``kind`` ``parquet``/``arrow``), ``lines`` is an Arrow IPC stream
    of ``count`` rows from its ``first``-th row.  ``error`` is set on the
    chunk that ends a block whose read failed (``lines`` is empty)."""

    path: str
    name: str
    index: int
    blocks: int
    first: int
    lines: bytes
    count: int
    error: str = ""
    kind: str = "lines"


def splittable(cfg) -> bool:
    """Whether the ``input`` block ``cfg`` is read by blocks (see the module
    docstring for what is read whole)."""
    from cs_synth.pipeline.read.readers import READERS
    from cs_synth.pipeline.registry import get, readers

    if getattr(cfg, "doc_field", None) or getattr(cfg, "doc_lines", None):
        return False
    if cfg.format == "moses":
        from cs_synth.pipeline.read.readers import read_moses

        try:
            return get(readers, "moses") is read_moses
        except Exception:  # noqa: BLE001
            return False
    if cfg.format not in SPLIT_FORMATS or cfg.id_field:
        return False
    try:
        return get(readers, cfg.format) is READERS[cfg.format]
    except Exception:  # noqa: BLE001 - an unknown reader: the whole-file path reports it
        return False


def plan_blocks(units: Sequence[Tuple[str, str]], split_bytes: Optional[int] = None,
                fmt: str = "tsv") -> List[Block]:
    """The blocks of the read units ``(path, name)`` of format ``fmt``: a
    compressed file is one block, an uncompressed line file is cut every
    ``split_bytes`` bytes (:data:`SPLIT_BYTES`) by Beam's
    ``OffsetRange.split``; a table file by :func:`plan_table`."""
    from apache_beam.io.filesystems import FileSystems
    from apache_beam.io.restriction_trackers import OffsetRange

    from cs_synth.pipeline.read.readers import _compression

    if fmt in TABLE_FORMATS:
        return [b for path, name in units for b in plan_table(path, name, fmt, split_bytes)]
    size_of = max(MIN_SPLIT_BYTES, int(split_bytes or SPLIT_BYTES))
    out: List[Block] = []
    for path, name in units:
        if _compression(path) is not None:
            out.append(Block(path, name, 0, 0, None, 1))
            continue
        # the file's size from its metadata (no glob: a name may hold '[')
        size = FileSystems.get_filesystem(path).size(path)
        ranges = list(OffsetRange(0, size).split(size_of)) if size else [OffsetRange(0, 0)]
        out.extend(Block(path, name, k, r.start, r.stop, len(ranges)) for k, r in enumerate(ranges))
    return out


def _table_pieces(path: str, fmt: str) -> Optional[List[int]]:
    """The sizes of a table file's pieces, from its footer: the data bytes
    of each row group of a Parquet file; for an Arrow IPC file, one
    (unknown, so equal) size per record batch.  ``None`` when the file is
    read whole: a compressed file, an Arrow stream, a footer that cannot be
    read (the worker's read then reports it, as the whole-file reader does)."""
    from cs_synth.pipeline.read.readers import _compression, _fs

    if _compression(path) is not None:
        return None
    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            with _fs().open(path) as fh:
                meta = pq.ParquetFile(fh).metadata
                return [max(1, meta.row_group(g).total_byte_size) for g in range(meta.num_row_groups)]
        import pyarrow as pa
        import pyarrow.ipc as ipc

        with _fs().open(path) as fh:
            if fh.read(6) != b"ARROW1":
                return None  # the stream format: no random access
        with _fs().open(path) as fh:
            n = ipc.open_file(pa.PythonFile(fh, mode="r")).num_record_batches
        size = _fs().get_filesystem(path).size(path)
        return [max(1, size // max(1, n))] * n
    except Exception:  # noqa: BLE001 - read whole: the worker reports what is wrong
        return None


def plan_table(path: str, name: str, fmt: str, split_bytes: Optional[int] = None) -> List[Block]:
    """The blocks of one Parquet or Arrow IPC file: consecutive row groups
    (record batches) up to ``split_bytes`` (:data:`SPLIT_BYTES`) of data a
    block, each block at least one; or the whole file as one block (see
    :func:`_table_pieces`)."""
    pieces = _table_pieces(path, fmt)
    if not pieces:
        return [Block(path, name, 0, 0, None, 1, fmt)]
    limit = max(1, int(split_bytes or SPLIT_BYTES))
    ranges, start, size = [], 0, 0
    for k, n in enumerate(pieces):
        if size and size + n > limit:
            ranges.append((start, k))
            start, size = k, 0
        size += n
    ranges.append((start, len(pieces)))
    return [Block(path, name, i, a, b, len(ranges), fmt) for i, (a, b) in enumerate(ranges)]


def _cut_lines(path: str, cuts: Sequence[int], size: int = 1 << 20) -> List[Tuple[int, int]]:
    """(line number, offset) of the first line start at or after each byte
    offset in ``cuts`` (ascending, each > 0), once per line: the offset
    after the first newline at or past ``cut - 1`` (the file's size after a
    final newline); a cut with no newline after it is left out."""
    from apache_beam.io.filesystem import CompressionTypes
    from apache_beam.io.filesystems import FileSystems

    out: List[Tuple[int, int]] = []
    todo = list(cuts)
    newlines, pos = 0, 0  # newlines in the bytes before ``pos``
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as fh:
        while todo:
            chunk = fh.read(size)
            if not chunk:
                break
            j, seen = 0, newlines  # newlines in chunk[:j]: seen - newlines
            while todo:
                # a line starts at the cut when the byte before it is a newline
                i = chunk.find(b"\n", max(0, todo[0] - 1 - pos))
                if i < 0:
                    break
                seen += chunk.count(b"\n", j, i + 1)
                j = i + 1
                start, line = pos + i + 1, seen + 1
                while todo and todo[0] - 1 <= pos + i:
                    todo.pop(0)
                if not out or out[-1][1] != start:
                    out.append((line, start))
            newlines += chunk.count(b"\n")
            pos += len(chunk)
    return out


def _line_offsets(path: str, lines: Sequence[int], size: int = 1 << 20, window: int = 4096) -> List[int]:
    """The offset where each line (1-based numbers, ascending, each > 1)
    starts: after the file's ``line - 1``-th newline; the file's size for a
    line past its end."""
    from apache_beam.io.filesystem import CompressionTypes
    from apache_beam.io.filesystems import FileSystems

    out: List[int] = []
    todo = list(lines)
    newlines, pos = 0, 0
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as fh:
        while todo:
            chunk = fh.read(size)
            if not chunk:
                break
            here = chunk.count(b"\n")
            j, seen = 0, newlines  # the newlines before chunk[j] (a newline ends chunk[:j])
            while todo and newlines + here >= todo[0] - 1:
                want = todo[0] - 1  # the (line - 1)-th newline is in this chunk: skip to it
                while seen + chunk.count(b"\n", j, j + window) < want:
                    seen += chunk.count(b"\n", j, j + window)
                    j += window
                while seen < want:
                    j = chunk.find(b"\n", j) + 1
                    seen += 1
                out.append(pos + j)
                todo.pop(0)
            newlines += here
            pos += len(chunk)
    return out + [pos] * len(todo)


def plan_moses(pair: Tuple[str, str], split_bytes: Optional[int] = None) -> List[Block]:
    """The blocks of a Moses pair ``(src, tgt)``: line ranges cut every
    ``split_bytes`` bytes of the source file (at the next line start) and
    the same lines of the target file; a compressed pair is one block."""
    from apache_beam.io.filesystems import FileSystems

    from cs_synth.pipeline.read.readers import _compression

    src, tgt = pair
    name = os.path.basename(src)  # as read_file names a pair
    if _compression(src) is not None or _compression(tgt) is not None:
        return [Block(src, name, 0, 0, None, 1, "moses", tgt, 0, None, 1)]
    size_of = max(MIN_SPLIT_BYTES, int(split_bytes or SPLIT_BYTES))
    src_size = FileSystems.get_filesystem(src).size(src)
    tgt_size = FileSystems.get_filesystem(tgt).size(tgt)
    cuts = [(line, start) for line, start in _cut_lines(src, range(size_of, src_size, size_of))
            if start < src_size]
    tgt_at = _line_offsets(tgt, [line for line, _ in cuts]) if cuts else []
    starts = [(1, 0, 0)] + [(line, s, t) for (line, s), t in zip(cuts, tgt_at)]
    ends = [(s, t) for _, s, t in starts[1:]] + [(src_size, tgt_size)]
    return [Block(src, name, k, s, se, len(starts), "moses", tgt, t, te, line)
            for k, ((line, s, t), (se, te)) in enumerate(zip(starts, ends))]


def read_moses_block(block: Block, cfg) -> Iterator[Record]:
    """The records of a Moses block: those the whole-pair reader gives for
    its lines.  Never raises for what the files hold: a read that fails
    part-way ends with one ``unreadable_file`` reject."""
    from cs_synth.pipeline.read.readers import IdSpace, _rejected, read_file, read_moses

    if block.end is None:
        yield from read_file((block.path, block.tgt), cfg)
        return
    ids = IdSpace(block.name, False)
    first = block.line
    pairs = (zip(range(first, 1 << 62), _range_lines(block.path, block.start, block.end)),
             zip(range(first, 1 << 62), _range_lines(block.tgt, block.tgt_start, block.tgt_end)))
    n = 0
    try:
        for rec in read_moses(block.path, block.tgt, cfg, ids=ids, lines=pairs):
            n += 1
            yield rec
    except Exception as exc:  # noqa: BLE001 - the files, not the run, failed
        where = f"{ids.label}:after{first - 1 + n}"
        label = "unreadable" if block.blocks == 1 else f"unreadable@{block.index}"
        yield _rejected(ids.special(label, where), "", "", cfg, "unreadable_file",
                        f"{type(exc).__name__}: {str(exc)[:500]} (after {first - 1 + n} record(s) read from "
                        f"{block.path})", where)


def _strip_cr(raw: bytes) -> bytes:
    return raw[:-1] if raw.endswith(b"\r") else raw


def _range_lines(path: str, start: int, end: int, size: int = 1 << 20) -> Iterator[bytes]:
    """Raw lines (no newline, a final ``\\r`` dropped) of an uncompressed
    file whose first byte lies in ``[start, end)``; the last may run past
    ``end``.  A UTF-8 byte-order mark at offset 0 is dropped (as
    :func:`cs_synth.pipeline.read.readers.iter_raw_lines` does)."""
    from apache_beam.io.filesystem import CompressionTypes
    from apache_beam.io.filesystems import FileSystems

    if start >= end:
        return
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as fh:
        # ``first``: the block at offset 0 owns the file's first line even
        # when a byte-order mark ends past the block's end
        first = start == 0
        if first:
            buf = fh.read(size)
            pos = 0
            if buf.startswith(_BOM):
                buf, pos = buf[3:], 3
        else:
            first = False
            # the first line starting at or after ``start`` begins after the
            # first newline at or after ``start - 1``
            fh.seek(start - 1)
            pos = start - 1
            while True:
                chunk = fh.read(size)
                if not chunk:
                    return
                i = chunk.find(b"\n")
                if i >= 0:
                    pos += i + 1
                    buf = chunk[i + 1:]
                    break
                pos += len(chunk)
        while True:  # ``pos``: the offset of buf[0], where a line starts
            parts = buf.split(b"\n")
            tail = parts.pop()
            for raw in parts:
                if pos >= end and not first:
                    return
                yield _strip_cr(raw)
                pos += len(raw) + 1
                first = False
            if pos >= end and not first:
                return
            chunk = fh.read(size)
            if not chunk:
                if tail:
                    yield _strip_cr(tail)
                return
            buf = tail + chunk


def block_lines(block: Block) -> Iterator[bytes]:
    """The raw lines a block owns, in order (streamed)."""
    if block.end is None:
        from cs_synth.pipeline.read.readers import iter_raw_lines

        return (raw for _, raw in iter_raw_lines(block.path))
    return _range_lines(block.path, block.start, block.end)


def table_batches(block: Block):
    """The record batches of a table block, streamed."""
    from cs_synth.pipeline.read import readers

    whole = block.end is None
    if block.kind == "parquet":
        return readers.parquet_batches(block.path, None if whole else range(block.start, block.end))
    return readers._arrow_batches(block.path, None if whole else range(block.start, block.end))


def _table_chunks(block: Block, chunk_rows: int) -> Iterator[Chunk]:
    from cs_synth.pipeline.read.readers import _ipc_bytes

    n = 0
    try:
        for batch in table_batches(block):
            for off in range(0, batch.num_rows, chunk_rows):
                piece = batch.slice(off, chunk_rows)
                yield Chunk(block.path, block.name, block.index, block.blocks, n, _ipc_bytes(piece),
                            piece.num_rows, "", block.kind)
                n += piece.num_rows
    except Exception as exc:  # noqa: BLE001 - the file, not the run, failed
        yield Chunk(block.path, block.name, block.index, block.blocks, n, b"", 0,
                    f"{type(exc).__name__}: {str(exc)[:500]}", block.kind)


def read_block(block: Block, chunk_lines: Optional[int] = None) -> Iterator[Chunk]:
    """A block's lines (rows) in chunks; a read that fails part-way ends
    with a chunk carrying the error.  Never raises for what the file holds."""
    if block.kind != "lines":
        yield from _table_chunks(block, max(1, chunk_lines or CHUNK_ROWS))
        return
    chunk_lines = chunk_lines or CHUNK_LINES
    n, buf = 0, []

    def chunk(error: str = "") -> Chunk:
        return Chunk(block.path, block.name, block.index, block.blocks, n, b"\n".join(buf), len(buf), error)

    try:
        for raw in block_lines(block):
            buf.append(raw)
            if len(buf) >= chunk_lines:
                yield chunk()
                n, buf = n + len(buf), []
    except Exception as exc:  # noqa: BLE001 - the file, not the run, failed
        if buf:
            yield chunk()
            n, buf = n + len(buf), []
        yield chunk(f"{type(exc).__name__}: {str(exc)[:500]}")
        return
    if buf:
        yield chunk()


def ends_file(chunk: Chunk) -> bool:
    """Whether a block that ends with ``chunk`` ends its file's records: a
    failed table block does (the whole-file reader stops there); a failed
    line block does not (its reject is ``unreadable@<block>``)."""
    return bool(chunk.error) and chunk.kind != "lines"


def block_bases(counts: Iterable[Tuple]) -> Dict[Tuple[str, int], Optional[int]]:
    """``(path, block index) -> lines (rows) before the block`` from the
    ``(path, block index, lines[, ends file])`` of every block; ``None`` for
    a block after one that ends its file (:func:`ends_file`): it gives
    nothing."""
    by_path: Dict[str, Dict[int, Tuple[int, bool]]] = {}
    for path, index, n, *end in counts:
        by_path.setdefault(path, {})[index] = (n, bool(end and end[0]))
    out: Dict[Tuple[str, int], Optional[int]] = {}
    for path, blocks in by_path.items():
        total: Optional[int] = 0
        for index in sorted(blocks):
            out[(path, index)] = total
            n, end = blocks[index]
            if total is not None:
                total = None if end else total + n
    return out


def parse_chunk(chunk: Chunk, base: int, cfg) -> Iterator[Record]:
    """The records of a chunk whose block starts after ``base`` lines of its
    file: the same records, ids and bytes the whole-file reader gives for
    these lines."""
    from cs_synth.pipeline.read.readers import READERS, IdSpace, _read_table_rows, _rejected

    if base is None:  # after a block that ends the file (block_bases)
        return
    ids = IdSpace(chunk.name, False)
    first = base + chunk.first + 1
    if chunk.error:
        where = f"{ids.label}:after{first - 1}"
        label = "unreadable" if chunk.blocks == 1 or ends_file(chunk) else f"unreadable@{chunk.index}"
        yield _rejected(ids.special(label, where), "", "", cfg, "unreadable_file",
                        f"{chunk.error} (after {first - 1} record(s) read from {chunk.path})", where)
        return
    if not chunk.count:
        return
    if chunk.kind != "lines":
        import pyarrow as pa

        batch = pa.ipc.open_stream(chunk.lines).read_next_batch()
        yield from _read_table_rows(None, cfg, [batch], ids, start=first - 1)
        return
    raws = chunk.lines.split(b"\n")
    yield from READERS[cfg.format](None, cfg, ids=ids, lines=zip(range(first, first + len(raws)), raws))


def read_split(units: Sequence[Tuple[str, str]], cfg, split_bytes: Optional[int] = None,
               chunk_lines: Optional[int] = None) -> Iterator[Record]:
    """Every record of the units, read block by block in one process (what
    the job does across workers; used by tests and tools)."""
    if cfg.format == "moses":
        for unit in units:
            for b in plan_moses(tuple(unit), split_bytes):
                yield from read_moses_block(b, cfg)
        return
    chunks, counts = [], []
    for b in plan_blocks(units, split_bytes, cfg.format):
        got = list(read_block(b, chunk_lines))
        chunks += got
        counts.append((b.path, b.index, sum(c.count for c in got), any(ends_file(c) for c in got)))
    bases = block_bases(counts)
    for c in chunks:
        yield from parse_chunk(c, bases[(c.path, c.index)], cfg)
