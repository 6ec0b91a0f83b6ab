"""Gazetteer annotator: entity spans from a multilingual entity lexicon.

The lexicon (see :mod:`cs_synth.pipeline.annotate.lexicon`: TSV or JSONL of
entity id -> label per language) is matched against the tokenized text,
longest match first, left to right; exact case by default (proper nouns such
as "China" or "Turkey" are also common words), ``case_insensitive`` for
lowercased corpora.  Each
match becomes a :class:`~cs_synth.pipeline.record.Span` with ``label`` = the entity
type from the lexicon and ``kb_id`` = the entity id, so the ``entity``
recipe can write the entity's label in another language.

As an annotate backend (``annotate.backend: gazetteer`` with
``annotate.gazetteer: path/to/lexicon.tsv``) it tokenizes with spaCy (the
blank tokenizer, or the trained pipeline named by ``src_model`` /
``tgt_model``) and then adds the gazetteer matches to each side's
entities.  Entities already found by a trained pipeline are kept; a
gazetteer match overlapping one of them is dropped.
"""
from __future__ import annotations

from typing import Optional, Sequence, Tuple

from cs_synth.pipeline.annotate.lexicon import load_lexicon
from cs_synth.pipeline.record import Record, Side, Span
from cs_synth.pipeline.registry import annotators
from cs_synth.pipeline.units import ConfigError, Context


def find_entities(tokens: Sequence[str], lexicon, lang: str, *, case_insensitive: bool = False,
                  allowed: Optional[Sequence[bool]] = None) -> Tuple[Span, ...]:
    """Entity spans in ``tokens`` (language ``lang``) from ``lexicon``
    (:class:`~cs_synth.pipeline.annotate.lexicon.EntityLexicon`).  Longest match
    wins; matches never overlap; ``allowed[i]`` False keeps token ``i`` out
    of every match."""
    if not tokens:
        return ()
    index = lexicon.matcher(lang, case_insensitive)
    out = []
    for start, end, eid in index.find(tokens, allowed):
        out.append(Span(start, end, lexicon[eid].type, eid))
    return tuple(out)


def merge_entities(existing: Sequence[Span], found: Sequence[Span]) -> Tuple[Span, ...]:
    """``existing`` plus every ``found`` span that overlaps none of them,
    sorted by position."""
    keep = list(existing)
    for s in found:
        if all(s.end <= e.start or e.end <= s.start for e in existing):
            keep.append(s)
    return tuple(sorted(keep, key=lambda s: (s.start, s.end)))


class GazetteerAnnotator:
    name = "gazetteer_annotate.v1"

    def __init__(self, lexicon_path: str, tokenizer, case_insensitive: bool = False):
        self.lexicon_path = lexicon_path
        self.tokenizer = tokenizer  # an annotator that tokenizes (spaCy)
        self.case_insensitive = case_insensitive

    @property
    def lexicon(self):
        return load_lexicon(self.lexicon_path)  # cached per process

    def annotate_side(self, side: Side) -> Side:
        found = find_entities(side.tokens, self.lexicon, side.lang, case_insensitive=self.case_insensitive)
        if not found:
            return side
        return Side(text=side.text, lang=side.lang, tokens=side.tokens, spaces=side.spaces, lemmas=side.lemmas,
                    pos=side.pos, heads=side.heads, deps=side.deps,
                    entities=merge_entities(side.entities, found), labels=side.labels)

    def __call__(self, record: Record) -> Record:
        if record.rejected:
            return record
        rec = self.tokenizer(record) if self.tokenizer is not None else record
        if rec.rejected:
            return rec
        src = self.annotate_side(rec.src)
        tgt = self.annotate_side(rec.tgt) if rec.tgt is not None and rec.tgt.tokens else rec.tgt
        return rec.evolve(src=src, tgt=tgt)


def gazetteer_factory(ctx: Context, gazetteer: Optional[str] = None, src_model: Optional[str] = None,
                      tgt_model: Optional[str] = None, max_tokens: int = 200, case_insensitive: bool = False,
                      **_ignored) -> GazetteerAnnotator:
    if not gazetteer:
        raise ConfigError("annotate.gazetteer: the gazetteer backend needs the path of an entity lexicon "
                          "(TSV or JSONL: entity id -> label per language), e.g. samples/lexicons/entities.tsv")
    path = ctx.require_file("annotate.gazetteer", gazetteer)
    load_lexicon(path)  # malformed rows stop the run now, with their line numbers
    from cs_synth.pipeline.annotate.spacy_annotator import SpacyAnnotator

    tok = SpacyAnnotator(ctx.src_lang, ctx.tgt_lang, src_model, tgt_model, max_tokens)
    return GazetteerAnnotator(path, tok, case_insensitive)


annotators.register("gazetteer", func=gazetteer_factory)
