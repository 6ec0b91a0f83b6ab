"""The fixed Arrow schema of output and rejected shards, and the mapping
between :class:`~cs_synth.pipeline.record.Record` and Arrow rows.

See ``docs/schema.md`` for the column-by-column description.
"""
from __future__ import annotations

from typing import Any, Dict, List

import pyarrow as pa

from cs_synth.pipeline.record import Edit, FrozenMap, Record, Side, Span

SCHEMA_VERSION = "2"

_str_list = pa.list_(pa.string())
_span = pa.struct([("start", pa.int32()), ("end", pa.int32()), ("label", pa.string()),
                   ("kb_id", pa.string()), ("char_start", pa.int32()), ("char_end", pa.int32())])
_named_seq = pa.struct([("name", pa.string()), ("values", _str_list)])
_named_val = pa.struct([("name", pa.string()), ("value", pa.string())])
_side = pa.struct([
    ("text", pa.string()),
    ("lang", pa.string()),
    ("tokens", _str_list),
    ("spaces", pa.list_(pa.bool_())),
    ("lemmas", _str_list),
    ("pos", _str_list),
    ("heads", pa.list_(pa.int32())),
    ("deps", _str_list),
    ("entities", pa.list_(_span)),
    ("labels", pa.list_(_named_seq)),
])
_edit = pa.struct([("unit", pa.string()), ("op", pa.string()), ("src_start", pa.int32()),
                   ("src_end", pa.int32()), ("out_start", pa.int32()), ("out_end", pa.int32()),
                   ("before", pa.string()), ("after", pa.string()), ("detail", pa.string())])


def score_names() -> List[str]:
    from cs_synth.pipeline.score import SCORE_NAMES

    return list(SCORE_NAMES)


def arrow_schema(metadata: Dict[str, str] | None = None, rejected: bool = False) -> pa.Schema:
    """The shard schema; rejected shards add ``raw`` (a read reject's
    original input, base64)."""
    scores = pa.struct([(n, pa.float64()) for n in score_names()])
    fields = [
        ("id", pa.string()),
        ("pair_id", pa.string()),
        ("source", pa.string()),
        ("recipe", pa.string()),
        ("src_lang", pa.string()),
        ("tgt_lang", pa.string()),
        ("text", pa.string()),
        ("tokens", _str_list),
        ("langs", _str_list),
        ("spaces", pa.list_(pa.bool_())),
        ("source_map", pa.list_(pa.int32())),
        ("entities", pa.list_(_span)),
        ("token_labels", pa.list_(_named_seq)),
        ("seq_labels", pa.list_(_named_val)),
        ("edits", pa.list_(_edit)),
        ("scores", scores),
        ("src", _side),
        ("tgt", _side),
        ("alignment", pa.string()),
        ("reject_reason", pa.string()),
        ("reject_stage", pa.string()),
        ("reject_detail", pa.string()),
    ]
    if rejected:
        fields.append(("raw", pa.string()))
    md = {"cs_synth.schema_version": SCHEMA_VERSION}
    md.update(metadata or {})
    return pa.schema(fields, metadata={k.encode(): str(v).encode() for k, v in md.items()})


def _span_row(s: Span) -> Dict[str, Any]:
    return {"start": s.start, "end": s.end, "label": s.label, "kb_id": s.kb_id,
            "char_start": s.char_start, "char_end": s.char_end}


def _side_row(side: Side | None):
    if side is None:
        return None
    return {
        "text": side.text, "lang": side.lang, "tokens": list(side.tokens), "spaces": list(side.spaces),
        "lemmas": list(side.lemmas), "pos": list(side.pos), "heads": list(side.heads), "deps": list(side.deps),
        "entities": [_span_row(s) for s in side.entities],
        "labels": [{"name": k, "values": list(v)} for k, v in side.labels.items()],
    }


def format_pharaoh(links) -> str:
    return " ".join(f"{i}-{j}" for i, j in links)


def record_to_row(r: Record) -> Dict[str, Any]:
    names = score_names()
    unknown = set(r.scores) - set(names)
    if unknown:
        raise ValueError(f"scores {sorted(unknown)} are not registered score names "
                         f"(cs_synth.pipeline.score.register_score_names)")
    return {
        "id": r.id, "pair_id": r.pair_id, "source": r.source, "recipe": r.recipe,
        "src_lang": r.src_lang, "tgt_lang": r.tgt_lang, "text": r.text,
        "tokens": list(r.tokens), "langs": list(r.langs), "spaces": list(r.spaces),
        "source_map": list(r.source_map),
        "entities": [_span_row(s) for s in r.entities],
        "token_labels": [{"name": k, "values": list(v)} for k, v in r.token_labels.items()],
        "seq_labels": [{"name": k, "value": str(v)} for k, v in r.seq_labels.items()],
        "edits": [{"unit": e.unit, "op": e.op, "src_start": e.src_start, "src_end": e.src_end,
                   "out_start": e.out_start, "out_end": e.out_end, "before": e.before,
                   "after": e.after, "detail": e.detail} for e in r.edits],
        "scores": {n: (float(r.scores[n]) if n in r.scores else None) for n in names},
        "src": _side_row(r.src), "tgt": _side_row(r.tgt),
        "alignment": format_pharaoh(r.alignment),
        "reject_reason": r.reject_reason or None, "reject_stage": r.reject_stage or None,
        "reject_detail": r.reject_detail or None,
        **({"raw": r.raw or None} if r.reject_reason else {}),
    }


def _side_from(d) -> Side | None:
    if d is None:
        return None
    return Side(text=d["text"], lang=d["lang"], tokens=tuple(d["tokens"]), spaces=tuple(d["spaces"]),
                lemmas=tuple(d["lemmas"]), pos=tuple(d["pos"]), heads=tuple(d["heads"]), deps=tuple(d["deps"]),
                entities=tuple(Span(**e) for e in d["entities"]),
                labels=FrozenMap({x["name"]: tuple(x["values"]) for x in d["labels"]}))


def row_to_record(d: Dict[str, Any]) -> Record:
    links = tuple(tuple(int(x) for x in l.split("-")) for l in (d["alignment"] or "").split())
    return Record(
        id=d["id"], pair_id=d["pair_id"], source=d["source"], recipe=d["recipe"],
        src=_side_from(d["src"]), tgt=_side_from(d["tgt"]), alignment=links,
        tokens=tuple(d["tokens"]), langs=tuple(d["langs"]), spaces=tuple(d["spaces"]), text=d["text"],
        source_map=tuple(d.get("source_map") or ()),
        entities=tuple(Span(**e) for e in d["entities"]),
        token_labels=FrozenMap({x["name"]: tuple(x["values"]) for x in d["token_labels"]}),
        seq_labels=FrozenMap({x["name"]: x["value"] for x in d["seq_labels"]}),
        edits=tuple(Edit(**e) for e in d["edits"]),
        scores=FrozenMap({k: v for k, v in (d["scores"] or {}).items() if v is not None}),
        reject_reason=d["reject_reason"] or "", reject_stage=d["reject_stage"] or "",
        reject_detail=d["reject_detail"] or "", raw=d.get("raw") or "",
    )
