"""Substituters: *what* goes into a selected span.

Each returns a :class:`~cs_synth.transforms.common.Replacement` over base positions
(or None when it has nothing for the span).  The ``origins`` of every new
token say which replaced base tokens it comes from, so token labels follow
the switch (see :mod:`cs_synth.transforms.codeswitch.labels`).
"""
from __future__ import annotations

from typing import Optional, Sequence

from cs_synth.pipeline.record import Span, tag_tokens
from cs_synth.transforms.codeswitch.labels import target_origins
from cs_synth.pipeline.annotate.lexicon import EntityLexicon, tokenize
from cs_synth.transforms.codeswitch.selectors import Pair, View
from cs_synth.transforms.common import Replacement


def aligned_target(view: View, pair: Pair, *, op: str = "switch", entity: Optional[Span] = None,
                   detail: str = "") -> Replacement:
    """The target tokens ``[pair.tgt_start, pair.tgt_end)`` in the target
    language, with target spacing; ``detail`` starts with ``tgt=j1:j2``."""
    j1, j2 = pair.tgt_start, pair.tgt_end
    toks = view.tgt.tokens[j1:j2]
    sps = view.tgt.token_spaces()[j1:j2]
    info = f"tgt={j1}:{j2}" + (f" {detail}" if detail else "")
    initial = j1 == 0 and entity is None
    return Replacement(pair.start, pair.end, toks, tag_tokens(toks, view.tgt_lang), sps,
                       origins=target_origins(view, pair), op=op, detail=info, entity=entity,
                       initial=initial, common_initial=initial and _common_first_word(view.tgt))


#: entity labels of names: a sentence-initial token inside one keeps its capital
_NAME_LABELS = frozenset({"PERSON", "GPE", "LOC", "ORG", "FAC", "NORP", "PRODUCT", "EVENT", "WORK_OF_ART",
                          "LANGUAGE", "DATE"})


def _common_first_word(side) -> bool:
    """Whether the parse says the side's first token is a common word: POS
    tags present, not PROPN, not inside a name entity (dates too: *Monday*),
    in a language that does not capitalize nouns."""
    from cs_synth.transforms.boundary import NOUN_CAPITALS

    if not side.pos or not side.tokens or side.pos[0] in ("PROPN", "X") or \
            side.lang.split("-")[0] in NOUN_CAPITALS:
        return False
    return not any(e.start == 0 and e.label in _NAME_LABELS for e in side.entities)


def lexicon_label(lexicon: EntityLexicon, entity_id: str, lang: str, start: int, end: int,
                  entity_type: str = "") -> Optional[Replacement]:
    """The entity's label in ``lang`` from the lexicon, tokenized like text
    in that language; every new token derives from the whole entity span."""
    label = lexicon.label(entity_id, lang)
    if not label:
        return None
    toks, sps = tokenize(label, lang)
    if not toks:
        return None
    etype = entity_type or lexicon[entity_id].type
    return Replacement(start, end, toks, tag_tokens(toks, lang), sps, op="entity_label",
                       detail=f"entity={entity_id} lang={lang} source=lexicon",
                       entity=Span(0, 1, etype, entity_id))


def dictionary_entry(translations: Sequence[str], lang: str, start: int, end: int, rng,
                     source: str = "") -> Replacement:
    """One of ``translations`` (chosen with ``rng`` when there are several),
    split on whitespace.  A one-word source gives every new token that word
    as origin; a phrase gives the whole phrase."""
    choice = translations[0] if len(translations) == 1 else translations[rng.randrange(len(translations))]
    toks = tuple(choice.split())
    return Replacement(start, end, toks, tag_tokens(toks, lang), tuple(True for _ in toks), op="dictionary",
                       detail=f"lang={lang} source={source!r}" if source else f"lang={lang}")
