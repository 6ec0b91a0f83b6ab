"""Relative clauses: relativizer choice, doubling, zero subjects, resumptive
pronouns and preposition chopping (eWAVE features 185-198)."""
from __future__ import annotations

from transforms.dialect.morph import match_case
from transforms.dialect.rules import Hit, RuleSet

RULES = RuleSet("relativizers")
RELATIVIZERS = {"who", "which", "that", "whom"}


def relativizers(doc):
    """``(relativizer, clause verb)``: a wh-/that relativizer opening a relative clause."""
    for tok in doc:
        if tok.lower_ not in RELATIVIZERS or tok.tag_ not in ("WP", "WDT"):
            continue
        verb = tok.head
        while verb.dep_ not in ("relcl", "acl") and verb.head.i != verb.i and verb.head.i > tok.i - 1 \
                and verb.dep_ in ("prep", "pobj"):
            verb = verb.head
        if verb.dep_ == "relcl" and verb.left_edge.i == tok.i or (verb.dep_ == "relcl" and tok.i < verb.i):
            yield tok, verb


def _non_restrictive(tok) -> bool:
    return tok.i > 0 and tok.doc[tok.i - 1].text == ","


@RULES.func(185, "Relativizer that or what  in non-restrictive contexts")
def that_non_restrictive(doc):
    for rel, verb in relativizers(doc):
        if rel.lower_ in ("who", "which") and _non_restrictive(rel):
            yield Hit(rel.i, rel.i + 1, ("that",))


@RULES.func(186, "Which for \u2018who\u2019")
def which_for_who(doc):
    for rel, verb in relativizers(doc):
        if rel.lower_ in ("who", "whom"):
            yield Hit(rel.i, rel.i + 1, ("which",))


def _replace_relativizer(doc, word, subject_only=False):
    for rel, verb in relativizers(doc):
        if subject_only and rel.dep_ not in ("nsubj", "nsubjpass"):
            continue
        yield Hit(rel.i, rel.i + 1, (word,))


@RULES.func(187, "Relativizer as")
def relativizer_as(doc):
    return _replace_relativizer(doc, "as")


@RULES.func(188, "Relativizer at")
def relativizer_at(doc):
    return _replace_relativizer(doc, "at")


@RULES.func(189, "Relativizer where or a form derived from where")
def relativizer_where(doc):
    return _replace_relativizer(doc, "where")


@RULES.func(190, "Relativizer what or a form derived from what")
def relativizer_what(doc):
    return _replace_relativizer(doc, "what")


@RULES.func(191, "Relativizer doubling")
def relativizer_doubling(doc):
    """*fellows that had stayed* -> *fellows that which had stayed*."""
    for rel, verb in relativizers(doc):
        if rel.lower_ in ("that", "who"):
            yield Hit(rel.i + 1, rel.i + 1, ("which",) if rel.lower_ == "that" else ("that",))


@RULES.func(192, "Use of analytic or cliticized that his/that\u2019s, what his/what\u2019s, at\u2019s, who his instead of whose")
def whats_for_whose(doc):
    for tok in doc:
        if tok.lower_ == "whose" and tok.tag_ == "WP$" and tok.head.head.dep_ in ("relcl", "acl") \
                or (tok.lower_ == "whose" and tok.dep_ == "poss" and tok.head.dep_ in ("nsubj", "dobj")
                    and tok.head.head.dep_ == "relcl"):
            yield Hit(tok.i, tok.i + 1, (match_case("what", tok.text), "'s"), spaces=(False, True))


@RULES.func(193, "Gapping/zero-relativization in subject position")
def zero_subject_relative(doc):
    """*The man who lives there is nice* -> *The man lives there is nice*."""
    for rel, verb in relativizers(doc):
        if rel.dep_ in ("nsubj", "nsubjpass") and not _non_restrictive(rel) and rel.i + 1 < len(doc):
            yield Hit(rel.i, rel.i + 1, ())


@RULES.func(194, "Resumptive/shadow pronouns")
def resumptive_pronoun(doc):
    """*the house which I painted yesterday* -> *... which I painted it yesterday*."""
    for rel, verb in relativizers(doc):
        if rel.dep_ != "dobj" or verb.head.i == verb.i or any(c.dep_ == "dobj" and c.i != rel.i for c in verb.children):
            continue
        noun = verb.head
        pron = "them" if noun.tag_ in ("NNS", "NNPS") else "it"
        yield Hit(verb.i + 1, verb.i + 1, (pron,))


@RULES.func(198, "Deletion of stranded prepositions in relative clauses (\u201cpreposition chopping\u201d)")
def preposition_chopping(doc):
    """*the house that I live in* -> *the house that I live*."""
    for tok in doc:
        if tok.dep_ != "prep" or tok.head.dep_ != "relcl" or tok.i < tok.head.i:
            continue
        if any(c.dep_ == "pobj" and c.i > tok.i for c in tok.children):
            continue
        rel_obj = any(c.dep_ == "pobj" and c.i < tok.i for c in tok.children) or \
            any(c.lower_ in RELATIVIZERS or c.dep_ == "nsubj" for c in tok.head.children)
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        if rel_obj and (nxt is None or nxt.is_punct or nxt.dep_ in ("cc",) or nxt.head != tok.head):
            yield Hit(tok.i, tok.i + 1, ())
