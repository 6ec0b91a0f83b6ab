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

What cannot be split is read whole, as before (:func:`splittable`):
``input.id_field`` (a repeated user id is a ``duplicate_id`` reject, which
needs the whole file), documents (``doc_field``/``doc_lines``), Moses file
pairs (two files in lockstep), table formats (Parquet and Arrow are read a
row group / record batch at a time by their readers) and plugin readers.
"""
from __future__ import annotations

from typing import Dict, Iterable, Iterator, List, NamedTuple, Optional, Sequence, Tuple

from cs_synth.pipeline.record import Record

#: bytes per block of an uncompressed file (the unit of work of a reader)
SPLIT_BYTES = 64 << 20
#: the smallest block size :func:`plan_blocks` uses (a block must hold
#: more than a byte-order mark)
MIN_SPLIT_BYTES = 4096
#: raw lines per chunk handed from the block reader to the parsers
CHUNK_LINES = 1000

_BOM = b"\xef\xbb\xbf"
SPLIT_FORMATS = ("tsv", "jsonl", "text")


class Block(NamedTuple):
    """One block of one input file: bytes ``[start, end)``; ``end`` is
    ``None`` for a whole (compressed) file."""

    path: str
    name: str
    index: int
    start: int
    end: Optional[int]
    blocks: int  # how many blocks the file has


class Chunk(NamedTuple):
    """Raw lines of a block, from its ``first``-th line (0-based, in the
    block), joined by ``\\n`` (a raw line never holds one).  ``error`` is set
    on the chunk that ends a block whose read failed (``lines`` is empty)."""

    path: str
    name: str
    index: int
    blocks: int
    first: int
    lines: bytes
    count: int
    error: str = ""


def splittable(cfg) -> bool:
    """Whether the ``input`` block ``cfg`` is read by blocks (see the module
    docstring for what is read whole)."""
    from cs_synth.pipeline.read.readers import READERS
    from cs_synth.pipeline.registry import get, readers

    if cfg.format not in SPLIT_FORMATS or cfg.id_field:
        return False
    if getattr(cfg, "doc_field", None) or getattr(cfg, "doc_lines", None):
        return False
    try:
        return get(readers, cfg.format) is READERS[cfg.format]
    except Exception:  # noqa: BLE001 - an unknown reader: the whole-file path reports it
        return False


def plan_blocks(units: Sequence[Tuple[str, str]], split_bytes: Optional[int] = None) -> List[Block]:
    """The blocks of the read units ``(path, name)``: a compressed file is
    one block, an uncompressed one is cut every ``split_bytes`` bytes
    (:data:`SPLIT_BYTES`) by Beam's ``OffsetRange.split``."""
    from apache_beam.io.filesystems import FileSystems
    from apache_beam.io.restriction_trackers import OffsetRange

    from cs_synth.pipeline.read.readers import _compression

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


def read_block(block: Block, chunk_lines: int = CHUNK_LINES) -> Iterator[Chunk]:
    """A block's lines in chunks; a read that fails part-way ends with a
    chunk carrying the error.  Never raises for what the file holds."""
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


def block_bases(counts: Iterable[Tuple[str, int, int]]) -> Dict[Tuple[str, int], int]:
    """``(path, block index) -> lines before the block`` from the
    ``(path, block index, lines)`` of every block."""
    by_path: Dict[str, Dict[int, int]] = {}
    for path, index, n in counts:
        by_path.setdefault(path, {})[index] = n
    out = {}
    for path, blocks in by_path.items():
        total = 0
        for index in sorted(blocks):
            out[(path, index)] = total
            total += blocks[index]
    return out


def parse_chunk(chunk: Chunk, base: int, cfg) -> Iterator[Record]:
    """The records of a chunk whose block starts after ``base`` lines of its
    file: the same records, ids and bytes the whole-file reader gives for
    these lines."""
    from cs_synth.pipeline.read.readers import READERS, IdSpace, _rejected

    ids = IdSpace(chunk.name, False)
    first = base + chunk.first + 1
    if chunk.error:
        where = f"{ids.label}:after{first - 1}"
        label = "unreadable" if chunk.blocks == 1 else f"unreadable@{chunk.index}"
        yield _rejected(ids.special(label, where), "", "", cfg, "unreadable_file",
                        f"{chunk.error} (after {first - 1} record(s) read from {chunk.path})", where)
        return
    if not chunk.count:
        return
    raws = chunk.lines.split(b"\n")
    yield from READERS[cfg.format](None, cfg, ids=ids, lines=zip(range(first, first + len(raws)), raws))


def read_split(units: Sequence[Tuple[str, str]], cfg, split_bytes: Optional[int] = None,
               chunk_lines: int = CHUNK_LINES) -> Iterator[Record]:
    """Every record of the units, read block by block in one process (what
    the job does across workers; used by tests and tools)."""
    chunks = [c for b in plan_blocks(units, split_bytes) for c in read_block(b, chunk_lines)]
    counts = {}
    for c in chunks:
        key = (c.path, c.index)
        counts[key] = counts.get(key, 0) + c.count
    bases = block_bases((p, i, n) for (p, i), n in counts.items())
    for c in chunks:
        yield from parse_chunk(c, bases[(c.path, c.index)], cfg)
