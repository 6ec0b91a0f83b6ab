"""spaCy annotator: tokenization for any language, full annotation with a
trained pipeline.

With no model named, spaCy's blank pipeline for the language tokenizes
(Chinese through jieba, unknown codes through the multi-language ``xx``
tokenizer).  With a trained pipeline (``annotate.src_model`` /
``tgt_model``) the side also gets lemmas, POS, dependency heads/labels and
entity spans.  A side that already has tokens (e.g. given with token
labels) keeps them: the pipeline runs over those words, and with no model
named such a side is not handed to spaCy at all (the blank pipeline would
add nothing to it), so pretokenized input never imports spaCy.
"""
from __future__ import annotations

from typing import Optional

from cs_synth.pipeline.record import Record, Side, Span
from cs_synth.pipeline.registry import annotators
from cs_synth.pipeline.resources import check_spacy_model, load_spacy
from cs_synth.pipeline.units import Context


def doc_to_side(doc, side: Side) -> Side:
    has_parse = doc.has_annotation("DEP")
    has_pos = doc.has_annotation("POS") or doc.has_annotation("TAG")
    has_lemma = doc.has_annotation("LEMMA")
    toks = [t for t in doc]
    return Side(
        text=side.text,
        lang=side.lang,
        tokens=tuple(t.text for t in toks),
        spaces=tuple(bool(t.whitespace_) for t in toks),
        lemmas=tuple(t.lemma_ for t in toks) if has_lemma else (),
        pos=tuple(t.pos_ or t.tag_ for t in toks) if has_pos else (),
        heads=tuple(t.head.i for t in toks) if has_parse else (),
        deps=tuple(t.dep_ for t in toks) if has_parse else (),
        entities=tuple(Span(e.start, e.end, e.label_, e.kb_id_) for e in doc.ents),
        labels=side.labels,
    )


def _strip_whitespace_tokens(doc):
    """spaCy keeps runs of extra spaces as tokens; drop them so every token
    is a word, number or punctuation mark."""
    if not any(t.is_space for t in doc):
        return doc
    from spacy.tokens import Doc

    words, spaces = [], []
    for t in doc:
        if t.is_space:
            if spaces:
                spaces[-1] = True
            continue
        words.append(t.text)
        spaces.append(bool(t.whitespace_))
    return Doc(doc.vocab, words=words, spaces=spaces)


class SpacyAnnotator:
    name = "spacy_annotate.v1"

    def __init__(self, src_lang: str, tgt_lang: str, src_model: Optional[str] = None,
                 tgt_model: Optional[str] = None, max_tokens: int = 200):
        for m in (src_model, tgt_model):
            if m:
                check_spacy_model(m)  # fail at once, naming the package
        self.langs = {"src": (src_lang, src_model), "tgt": (tgt_lang, tgt_model)}
        self.max_tokens = max_tokens

    def _nlp(self, side: Side, which: str):
        lang, model = self.langs[which]
        return load_spacy(side.lang or lang, model)

    @staticmethod
    def _make_doc(nlp, side: Side):
        """The side's tokens as a Doc (a side that has tokens keeps them)."""
        if side.tokens:
            from spacy.tokens import Doc

            return Doc(nlp.vocab, words=list(side.tokens), spaces=list(side.token_spaces()))
        return _strip_whitespace_tokens(nlp.make_doc(side.text))

    def _blank_side(self, side: Side, which: str) -> Optional[Side]:
        """What the blank pipeline makes of a side that already has its
        tokens, without spaCy: a blank pipeline has no components, so the
        Doc of those words carries no lemmas, tags, parse or entities and
        :func:`doc_to_side` gives back the words and their spaces.  None when
        a trained pipeline is named or the side has no tokens (or an empty
        one, which spaCy refuses)."""
        if self.langs[which][1] or not side.tokens or not all(side.tokens):
            return None
        return Side(text=side.text, lang=side.lang, tokens=side.tokens, spaces=side.token_spaces(),
                    labels=side.labels)

    def annotate_side(self, side: Side, which: str) -> Side:
        blank = self._blank_side(side, which)
        if blank is not None:
            return blank
        nlp = self._nlp(side, which)
        doc = self._make_doc(nlp, side)
        for _, proc in nlp.pipeline:
            doc = proc(doc)
        return doc_to_side(doc, side)

    def annotate_sides(self, sides, which: str):
        """Annotate many sides with ``nlp.pipe`` (one pipeline per language);
        each result equals :meth:`annotate_side` on that side alone."""
        out = [self._blank_side(side, which) for side in sides]
        groups = {}
        for k, side in enumerate(sides):
            if out[k] is not None:
                continue
            groups.setdefault(side.lang or self.langs[which][0], []).append(k)
        for _, ks in sorted(groups.items()):
            nlp = self._nlp(sides[ks[0]], which)
            docs = [self._make_doc(nlp, sides[k]) for k in ks]
            for k, doc in zip(ks, nlp.pipe(docs, batch_size=max(1, len(docs)))):
                out[k] = doc_to_side(doc, sides[k])
        return out

    def annotate_batch(self, records):
        """The batch call: both sides of every record through ``nlp.pipe``."""
        srcs = self.annotate_sides([r.src for r in records], "src")
        with_tgt = [k for k, r in enumerate(records) if r.tgt is not None]
        tgts = dict(zip(with_tgt, self.annotate_sides([records[k].tgt for k in with_tgt], "tgt")))
        return [self._finish(r, srcs[k], tgts.get(k)) for k, r in enumerate(records)]

    def __call__(self, record: Record) -> Record:
        if record.rejected:
            return record
        src = self.annotate_side(record.src, "src")
        tgt = self.annotate_side(record.tgt, "tgt") if record.tgt is not None else None
        return self._finish(record, src, tgt)

    def _finish(self, record: Record, src: Side, tgt: Optional[Side]) -> Record:
        for which, side in (("source", src), ("target", tgt)):
            if side is None:
                continue
            if not side.tokens:
                return record.reject("empty_side", f"{which} side has no tokens", stage="annotate")
            if len(side.tokens) > self.max_tokens:
                return record.reject("too_long", f"{which} side has {len(side.tokens)} tokens "
                                     f"(annotate.max_tokens={self.max_tokens})", stage="annotate")
        return record.evolve(src=src, tgt=tgt)


@annotators.register("spacy")
def spacy_factory(ctx: Context, src_model: Optional[str] = None, tgt_model: Optional[str] = None,
                  max_tokens: int = 200, **_ignored) -> SpacyAnnotator:
    return SpacyAnnotator(ctx.src_lang, ctx.tgt_lang, src_model, tgt_model, max_tokens)
