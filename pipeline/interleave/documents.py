"""Documents: which document a record belongs to, and what one sentence
carries to the per-document step.

A reader puts the document id (and the optional position) of a record in
its ``seq_labels`` under :data:`DOC_KEY` / :data:`ORDER_KEY`:

* ``input.doc_field`` (jsonl, parquet, arrow): the named field holds the
  document id, ``input.order_field`` its position inside the document
  (rows without it keep their file order);
* ``input.doc_lines: N`` (any format): every N consecutive lines or rows of
  a file form one document, e.g. consecutive captions of an image index
  range (:func:`line_blocks`).

The sentence-level stages carry ``seq_labels`` through unchanged, so the
kept records of a pair still name their document when they reach the
interleave stage.
"""
from __future__ import annotations

import os
from typing import Iterable, Iterator, NamedTuple, Optional, Tuple

from cs_synth.pipeline.langs import LANG_INDEPENDENT
from cs_synth.pipeline.record import Record, char_offsets, detokenize

DOC_KEY = "doc_id"
ORDER_KEY = "doc_order"


def unit_name(unit) -> str:
    """The file name of a read unit (a path, or a Moses pair: its source file)."""
    path = unit[0] if isinstance(unit, (tuple, list)) else unit
    return os.path.basename(str(path))


def line_blocks(records: Iterable[Record], unit, n: int) -> Iterator[Record]:
    """Tag the k-th record of a read unit (readers yield one record per line
    or row, in order) with document ``<file>:<first line>-<last line>`` of
    its block of ``n`` lines and its position in the file; rejected records
    too, so a document whose lines were all rejected is still counted."""
    name = unit_name(unit)
    for k, rec in enumerate(records):
        block = k // n
        doc = f"{name}:{block * n + 1:08d}-{block * n + n:08d}"
        yield rec.evolve(seq_labels=rec.seq_labels.merged({DOC_KEY: doc, ORDER_KEY: str(k)}))


def read_documents(unit, input_cfg) -> Iterator[Record]:
    """The records of one read unit with their document id and position in
    ``seq_labels``.  With ``doc_field`` the reader is asked for the document
    and position fields as sequence labels (so any reader of named fields
    does it, with its own field syntax), which are then renamed; a row
    without a document id becomes a ``missing_field`` reject."""
    from cs_synth.pipeline.read.readers import read_file

    doc_field, order_field = input_cfg.doc_field, input_cfg.order_field
    if input_cfg.doc_lines:
        yield from line_blocks(read_file(unit, input_cfg), unit, input_cfg.doc_lines)
        return
    if not doc_field:
        yield from read_file(unit, input_cfg)
        return
    extra = [f for f in (doc_field, order_field) if f and f not in input_cfg.seq_label_fields]
    asked = input_cfg.model_copy(update={"seq_label_fields": list(input_cfg.seq_label_fields) + extra})
    for rec in read_file(unit, asked):
        labels = dict(rec.seq_labels)
        doc = labels.get(doc_field)
        order = labels.get(order_field) if order_field else None
        if rec.rejected and doc is None:
            doc, order = _fields_of_raw(rec, doc_field, order_field)
        for f in extra:
            labels.pop(f, None)
        if doc not in (None, ""):
            labels[DOC_KEY] = doc
            if order not in (None, ""):
                labels[ORDER_KEY] = order
        rec = rec.evolve(seq_labels=labels)
        if not rec.rejected and doc in (None, ""):
            rec = rec.reject("missing_field", f"no document id in field {doc_field!r} (input.doc_field)",
                             stage="read")
        yield rec


def _fields_of_raw(rec: Record, doc_field: str, order_field: Optional[str]):
    """The document id (and position) of a row the reader rejected, from the
    row it kept in ``raw`` (base64 of a JSON line or row), so the row still
    counts for its document; ``(None, None)`` when it cannot be told."""
    import base64
    import json

    from cs_synth.pipeline.read.readers import get_field

    raw = getattr(rec, "raw", "")
    if not raw:
        return None, None
    try:
        obj = json.loads(base64.b64decode(raw).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None, None
    if not isinstance(obj, dict):
        return None, None

    def scalar(field):
        v = get_field(obj, field) if field else None
        return str(v) if isinstance(v, (str, int, float)) and not isinstance(v, bool) and v != "" else None

    return scalar(doc_field), scalar(order_field)


def _label(record: Record, key: str) -> Optional[str]:
    labels = record.seq_labels
    return labels[key] if key in labels else None  # (Mapping.get goes through a KeyError: slow)


def doc_of(record: Record) -> Optional[str]:
    return _label(record, DOC_KEY)


def order_key(value: Optional[str], record_id: str) -> Tuple:
    """Sort key of a sentence inside its document: numeric positions in
    numeric order, then other positions as strings, then the record id."""
    if value is None or value == "":
        return (2, 0.0, "", record_id)
    try:
        return (0, float(value), "", record_id)
    except ValueError:
        return (1, 0.0, str(value), record_id)


class Piece(NamedTuple):
    """Text with its language per character span: ``spans`` holds
    ``(start, end, lang)`` covering ``text``."""

    text: str
    spans: Tuple[Tuple[int, int, str], ...]


def plain(text: str, lang: str) -> Piece:
    return Piece(text, ((0, len(text), lang),) if text else ())


def tagged(record: Record) -> Piece:
    """The synthesized output of ``record`` with its language per character
    span, from the token tags: a gap between two tokens of one language
    belongs to that language, any other gap is ``zxx``; runs are merged."""
    text = record.text
    spaces = record.spaces or tuple(True for _ in record.tokens)
    offsets = char_offsets(record.tokens, spaces)
    if detokenize(record.tokens, spaces) != text:  # text not spelt from the tokens: one span of the source language
        return plain(text, record.src_lang)
    spans = []
    for k, ((a, b), lang) in enumerate(zip(offsets, record.langs)):
        if k + 1 < len(offsets):
            nxt = offsets[k + 1][0]
            gap_lang = lang if record.langs[k + 1] == lang else LANG_INDEPENDENT
            spans.append((a, b, lang))
            if nxt > b:
                spans.append((b, nxt, gap_lang))
        else:
            spans.append((a, b, lang))
    return Piece(text, merge_spans(spans))


def merge_spans(spans) -> Tuple[Tuple[int, int, str], ...]:
    out = []
    for a, b, lang in spans:
        if b <= a:
            continue
        if out and out[-1][2] == lang and out[-1][1] == a:
            out[-1] = (out[-1][0], b, lang)
        else:
            out.append((a, b, lang))
    return tuple(out)


class Sentence(NamedTuple):
    """One sentence pair (or monolingual sentence) of a document: only what
    the interleave step needs travels through the grouping."""

    pair_id: str
    order: Tuple
    src: Piece
    tgt: Optional[Piece]
    #: the sentence-level code-switched output chosen for this pair (lowest record id), or None
    cs: Optional[Piece]
    cs_id: str = ""


def sentence_of(record: Record, with_cs: bool) -> Tuple[str, Sentence]:
    """``(doc id, Sentence)`` for a kept record."""
    src = plain(record.src.text, record.src_lang)
    tgt = plain(record.tgt.text, record.tgt_lang) if record.tgt is not None else None
    cs = None
    if with_cs and record.edits and record.text:
        cs = tagged(record)
    order = order_key(_label(record, ORDER_KEY), record.pair_id)
    return doc_of(record), Sentence(record.pair_id, order, src, tgt, cs, record.id if cs else "")


def merge_pairs(sentences: Iterable[Sentence]) -> list:
    """One Sentence per pair (a pair may have several kept records), in
    document order; the code-switched output of the lowest record id wins."""
    by_pair = {}
    for s in sentences:
        cur = by_pair.get(s.pair_id)
        if cur is None or (s.cs is not None and (cur.cs is None or s.cs_id < cur.cs_id)):
            by_pair[s.pair_id] = s
    return sorted(by_pair.values(), key=lambda s: s.order)
