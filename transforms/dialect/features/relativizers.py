"""Relative clauses: relativizer choice, doubling, zero subjects, resumptive
pronouns and preposition chopping (eWAVE features 185-198)."""
from __future__ import annotations

from cs_synth.transforms.dialect.morph import match_case
from cs_synth.transforms.dialect.morph import tokens
from cs_synth.transforms.dialect.rules import Hit, RuleSet

RULES = RuleSet("relativizers")
RELATIVIZERS = {"who", "which", "that", "whom"}


def relativizers(doc):
    """``(relativizer, clause verb)``: a wh-/that relativizer opening a relative clause."""
    for tok in tokens(doc):
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
    for tok in tokens(doc):
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
    for tok in tokens(doc):
        if tok.dep_ not in ("prep", "prt") or tok.head.dep_ != "relcl" or tok.i < tok.head.i \
                or (tok.dep_ == "prt" and tok.lower_ not in ("in", "on", "at", "with", "to", "for", "about", "from",
                                                             "into", "of")):
            continue
        if any(c.dep_ == "pobj" and c.i > tok.i for c in tok.children):
            continue
        if tok.dep_ == "prt" and not any(t.dep_ == "nsubj" and t.lower_ not in RELATIVIZERS and t.i < tok.i
                                         for t in tok.head.subtree):
            continue  # *the man who came in*: a real particle of a subject relative
        rel_obj = any(c.dep_ == "pobj" and c.i < tok.i for c in tok.children) or \
            any(c.lower_ in RELATIVIZERS or c.dep_ == "nsubj" for c in tok.head.children) or \
            any(t.lower_ in RELATIVIZERS and t.tag_ in ("WDT", "WP") and t.i < tok.i for t in tok.head.subtree)
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        if rel_obj and (nxt is None or nxt.is_punct or nxt.dep_ in ("cc",) or nxt.head != tok.head):
            yield Hit(tok.i, tok.i + 1, ())


# ----------------------------------------------------- issue 11 additions
FULL_FORM = {"'s": "is", "'re": "are", "'m": "am", "'ve": "have", "'ll": "will", "'d": "would"}


def _unclitic(span):
    """The span's tokens, a leading clitic written out (*that's holding* ->
    *is holding* once *that* is gone)."""
    parts = list(span)
    if parts and parts[0].lower_ in FULL_FORM:
        parts[0] = FULL_FORM[parts[0].lower_]
    return parts


def _restrictive_subject_relatives(doc):
    """``(noun, rel, verb)``: a restrictive relative clause right after its
    head noun (*the boy who pinched my sister*)."""
    for rel, verb in relativizers(doc):
        noun = verb.head
        if _non_restrictive(rel) or noun.pos_ not in ("NOUN", "PROPN") or noun.i + 1 != rel.i:
            continue
        yield noun, rel, verb


@RULES.func(195, "Postposed one as sole relativizer")
def postposed_one(doc):
    """*That boy who pinched my sister is very naughty* -> *That boy pinched
    my sister one is very naughty*."""
    for noun, rel, verb in _restrictive_subject_relatives(doc):
        end = verb.right_edge.i
        while end > verb.i and doc[end].is_punct:
            end -= 1
        if rel.dep_ not in ("nsubj", "nsubjpass", "dobj"):
            continue
        yield Hit.of(rel.i, end + 1, _unclitic(doc[rel.i + 1: end + 1]) + ["one"])


@RULES.func(196, "Correlative constructions")
def correlative(doc):
    """*The man who came yesterday is my brother* -> *Which man came
    yesterday, that one is my brother* (a subject with a relative clause)."""
    for noun, rel, verb in _restrictive_subject_relatives(doc):
        if noun.dep_ != "nsubj" or noun.head.i <= verb.right_edge.i or noun.pos_ != "NOUN":
            continue
        start = noun.left_edge.i
        det = doc[start]
        if det.dep_ != "det" or det.lower_ not in ("the", "a", "an", "this", "that", "these", "those") \
                or det.head.i != noun.i:
            continue
        end = verb.right_edge.i + 1
        if end != noun.right_edge.i + 1 or any(t.is_punct for t in doc[rel.i: end]):
            continue
        plural = noun.tag_ == "NNS"
        parts = ["which"] + list(doc[start + 1: rel.i]) + _unclitic(doc[rel.i + 1: end]) + [",", "those" if plural else "that",
                                                                                       "ones" if plural else "one"]
        yield Hit.of(start, end, parts)


@RULES.func(197, "\u201cLinking relative clauses\u201d")
def linking_relative(doc):
    """*A man sits on a bench and a woman reads a book* -> *A man sits on a
    bench which a woman reads a book* (*which* links two full clauses)."""
    for cc in tokens(doc):
        if cc.lower_ != "and" or cc.dep_ != "cc":
            continue
        first = cc.head
        second = next((c for c in first.children if c.dep_ == "conj" and c.i > cc.i), None)
        if first.pos_ not in ("VERB", "AUX") or second is None or second.pos_ not in ("VERB", "AUX"):
            continue
        if not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in second.children):
            continue
        start = cc.i - 1 if cc.i > 0 and doc[cc.i - 1].text == "," else cc.i
        yield Hit(start, cc.i + 1, ("which",))


@RULES.func(199, "Reduced relative phrases preceding head-noun")
def prenominal_reduced_relative(doc):
    """*The jersey knitted by Neela* -> *That Neela's-knitted jersey*: a
    reduced passive relative with a *by*-agent moves before the noun."""
    for verb in tokens(doc):
        if verb.tag_ != "VBN" or verb.dep_ != "acl" or verb.head.pos_ != "NOUN" or verb.head.i + 1 != verb.i:
            continue
        noun = verb.head
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        if agent is None or agent.i != verb.i + 1 or agent.right_edge.i != verb.right_edge.i:
            continue
        pobj = next((c for c in agent.children if c.dep_ == "pobj"), None)
        if pobj is None or pobj.right_edge.i != pobj.i \
                or any(c.dep_ != "det" for c in pobj.children if c.i < pobj.i):
            continue
        det = next((c for c in noun.children if c.dep_ in ("det", "poss") and c.i < noun.i), None)
        first = det.i + 1 if det is not None else noun.left_edge.i
        if pobj.pos_ == "PROPN" or pobj.tag_ == "PRP":
            owner = [pobj.text, "'s"]
        else:  # a compound modifier is singular: *tree-surrounded*
            owner = [pobj.lemma_.lower() if pobj.tag_ == "NNS" and pobj.lemma_.isalpha() else pobj.text]
        mods = list(doc[first: noun.i + 1])
        if det is not None and det.lower_ in ("a", "an"):
            from cs_synth.transforms.dialect.morph import indefinite

            yield Hit.of(det.i, verb.right_edge.i + 1,
                         [match_case(indefinite(owner[0]), det.text)] + owner + ["-", verb] + mods)
        else:
            yield Hit.of(first, verb.right_edge.i + 1, owner + ["-", verb] + mods)
