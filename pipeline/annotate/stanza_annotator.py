"""stanza annotator (when its models are present on disk).

stanza models cannot be downloaded by the pipeline; the user installs them
(``stanza.download(lang)`` where there is internet) and points
``annotate.stanza_dir`` at them if not in the default folder.  The adapter
:func:`stanza_doc_to_side` is tested on real stanza ``Document`` objects
built from CoNLL-U, so the conversion is covered without the models.
"""
from __future__ import annotations

import functools
import os
from typing import Optional

from cs_synth.pipeline.record import Record, Side, Span
from cs_synth.pipeline.registry import annotators
from cs_synth.pipeline.units import ConfigError, Context


def _default_dir() -> str:
    return os.environ.get("STANZA_RESOURCES_DIR", os.path.join(os.path.expanduser("~"), "stanza_resources"))


def check_stanza_models(lang: str, model_dir: Optional[str]) -> str:
    d = model_dir or _default_dir()
    if not os.path.isdir(os.path.join(d, lang)):
        raise ConfigError(
            f"stanza models for {lang!r} not found in {d}: run `python -c \"import stanza; "
            f"stanza.download('{lang}')\"` where you have internet and copy the folder here, "
            f"or set annotate.stanza_dir (or use annotate.backend: spacy)")
    return d


@functools.lru_cache(maxsize=None)
def load_stanza(lang: str, model_dir: str):
    import stanza

    return stanza.Pipeline(lang, dir=model_dir, processors="tokenize,mwt,pos,lemma,depparse,ner",
                           download_method=None, verbose=False)


def stanza_doc_to_side(doc, side: Side) -> Side:
    """Convert a stanza Document into a Side: syntactic words become tokens,
    heads become absolute indices (root points to itself), entities become
    token spans."""
    tokens, spaces, lemmas, pos, heads, deps = [], [], [], [], [], []
    char_to_tok = {}
    for sent in doc.sentences:
        offset = len(tokens)
        for tok in sent.tokens:
            after = getattr(tok, "spaces_after", None)
            space_after = bool(after) if after is not None else "SpaceAfter=No" not in (tok.misc or "")
            for k, w in enumerate(tok.words):
                idx = len(tokens)
                tokens.append(w.text)
                spaces.append(space_after if k == len(tok.words) - 1 else True)
                lemmas.append(w.lemma or w.text)
                pos.append(w.upos or "")
                heads.append(offset + w.head - 1 if w.head else idx)
                deps.append(w.deprel or "")
                if tok.start_char is not None:
                    char_to_tok.setdefault(tok.start_char, idx)
                    char_to_tok[("end", tok.end_char)] = idx
    ents = []
    for e in getattr(doc, "ents", []) or []:
        a = char_to_tok.get(e.start_char)
        b = char_to_tok.get(("end", e.end_char))
        if a is not None and b is not None and b >= a:
            ents.append(Span(a, b + 1, e.type))
    return Side(text=side.text, lang=side.lang, tokens=tuple(tokens), spaces=tuple(spaces),
                lemmas=tuple(lemmas), pos=tuple(pos), heads=tuple(heads), deps=tuple(deps),
                entities=tuple(ents), labels=side.labels if len(side.tokens) == len(tokens) else {})


class StanzaAnnotator:
    name = "stanza_annotate.v1"

    def __init__(self, src_lang: str, tgt_lang: str, model_dir: Optional[str], max_tokens: int = 200):
        self.dirs = {}
        for lang in (src_lang, tgt_lang):
            if lang:
                self.dirs[lang] = check_stanza_models(lang, model_dir)
        self.max_tokens = max_tokens

    def __call__(self, record: Record) -> Record:
        if record.rejected:
            return record
        sides = []
        for side in (record.src, record.tgt):
            if side is None:
                sides.append(None)
                continue
            nlp = load_stanza(side.lang, self.dirs[side.lang])
            new = stanza_doc_to_side(nlp(side.text), side)
            if not new.tokens:
                return record.reject("empty_side", f"{side.lang} side has no tokens", stage="annotate")
            if len(new.tokens) > self.max_tokens:
                return record.reject("too_long", f"{side.lang} side has {len(new.tokens)} tokens", stage="annotate")
            sides.append(new)
        return record.evolve(src=sides[0], tgt=sides[1])


@annotators.register("stanza")
def stanza_factory(ctx: Context, stanza_dir: Optional[str] = None, max_tokens: int = 200, **_ignored):
    import importlib.util

    if importlib.util.find_spec("stanza") is None:  # not in the base install
        raise ConfigError("annotate.backend: stanza is not installed: pip install 'cs-synth[stanza]'")
    return StanzaAnnotator(ctx.src_lang, ctx.tgt_lang, stanza_dir and ctx.resolve(stanza_dir), max_tokens)
