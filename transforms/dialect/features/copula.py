"""Copula and auxiliary *be*/*have*: deletion, invariant *be*, *is* for *am*
(eWAVE features 118, 174-179, 184).

Deletion follows the constraints reported for the varieties that delete:
only present-tense forms, never *am*, never in clause-final position (*I
know he is*), never before the subject (questions), and not after *it*,
*that*, *what* (where the form survives as *'s*).
"""
from __future__ import annotations

from cs_synth.transforms.dialect.morph import lemma_of, match_case, subject_of
from cs_synth.transforms.dialect.morph import tokens
from cs_synth.transforms.dialect.rules import Hit, RuleSet

RULES = RuleSet("copula")
DELETABLE = {"is", "are", "'s", "'re"}
KEEP_AFTER = {"it", "that", "what", "this", "these", "those", "there", "here", "who", "which"}
LOCATIVE_ADVERBS = {"here", "there", "home", "inside", "outside", "upstairs", "downstairs", "away", "out", "in",
                    "back", "abroad", "nearby", "around", "somewhere", "everywhere"}


def _deletable(be) -> bool:
    if be.lower_ not in DELETABLE or lemma_of(be) != "be":
        return False
    subj = subject_of(be if be.dep_ in ("aux", "auxpass") else be)
    if subj is None or subj.i > be.i or subj.lower_ in KEEP_AFTER or subj.dep_ == "expl":
        return False
    nxt = be.doc[be.i + 1] if be.i + 1 < len(be.doc) else None
    return nxt is not None and not nxt.is_punct


def _delete(be):
    """Delete *be*; *isn't* becomes *not* (*He not working*)."""
    doc = be.doc
    if be.i + 1 < len(doc) and doc[be.i + 1].lower_ == "n't":
        return Hit(be.i, be.i + 2, ("not",))
    return Hit(be.i, be.i + 1, ())


@RULES.func(118, "Is for am/will with 1st person singular")
def is_for_am(doc):
    for tok in tokens(doc):
        if tok.lower_ in ("am", "'m") and tok.i > 0 and doc[tok.i - 1].text == "I" and lemma_of(tok) == "be":
            yield Hit(tok.i, tok.i + 1, ("'s" if tok.lower_ == "'m" else "is",))


@RULES.func(174, "Deletion of auxiliary be: before progressive")
def delete_be_progressive(doc):
    for be in tokens(doc):
        if be.dep_ == "aux" and be.head.tag_ == "VBG" and be.head.lower_ not in ("going", "gon") \
                and _deletable(be):
            yield _delete(be)


@RULES.func(175, "Deletion of auxiliary be: before gonna")
def delete_be_gonna(doc):
    for be in tokens(doc):
        if be.i + 2 < len(doc) and _deletable(be):
            a, b = doc[be.i + 1].lower_, doc[be.i + 2].lower_
            if (a, b) in (("gon", "na"), ("going", "to")) and (b == "na" or be.i + 3 < len(doc)
                                                                and doc[be.i + 3].tag_ == "VB"):
                yield _delete(be)


def _copula_with(doc, kind):
    for be in tokens(doc):
        if be.lemma_ != "be" or be.dep_ in ("aux", "auxpass") or not _deletable(be):
            continue
        comps = [c for c in be.children if c.i > be.i and c.dep_ in ("attr", "acomp", "prep", "advmod")
                 and not (c.dep_ == "advmod" and c.lower_ in ("not", "n't", "never"))]
        comps = [c for c in comps if c.dep_ != "advmod" or c.lower_ in LOCATIVE_ADVERBS]
        if not comps:
            continue
        first = comps[0].dep_
        if kind == "np" and first == "attr" and comps[0].pos_ in ("NOUN", "PROPN", "PRON", "NUM"):
            yield _delete(be)
        elif kind == "adj" and first == "acomp":
            yield _delete(be)
        elif kind == "loc" and first in ("prep", "advmod"):
            yield _delete(be)


@RULES.func(176, "Deletion of copula be: before NPs")
def delete_copula_np(doc):
    return _copula_with(doc, "np")


@RULES.func(177, "Deletion of copula be: before AdjPs")
def delete_copula_adj(doc):
    return _copula_with(doc, "adj")


@RULES.func(178, "Deletion of copula be: before locatives")
def delete_copula_loc(doc):
    return _copula_with(doc, "loc")


@RULES.func(179, "Deletion of auxiliary have")
def delete_have(doc):
    for have in tokens(doc):
        if have.dep_ == "aux" and have.lower_ in ("have", "has", "'ve") and have.head.tag_ == "VBN":
            subj = subject_of(have)
            nxt = doc[have.i + 1] if have.i + 1 < len(doc) else None
            if subj is not None and subj.i < have.i and nxt is not None and nxt.lower_ not in ("n't", "not") \
                    and subj.lower_ not in KEEP_AFTER:
                yield Hit(have.i, have.i + 1, ())


@RULES.func(184, "Invariant be with non-habitual function")
def invariant_be(doc):
    """*I am cold* -> *I be cold*; *Here I am* -> *Here I be*."""
    for be in tokens(doc):
        if be.lower_ not in ("am", "is", "are", "'m", "'s", "'re") or lemma_of(be) != "be":
            continue
        subj = subject_of(be)
        if subj is None or subj.i > be.i or subj.dep_ == "expl":
            continue
        if be.i + 1 < len(doc) and doc[be.i + 1].lower_ in ("n't", "not"):
            continue
        yield Hit(be.i, be.i + 1, (match_case("be", be.text) if not be.text.startswith("'") else "be",))
