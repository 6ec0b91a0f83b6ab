"""Verb morphology: regularized and levelled past forms, zero and double
past marking, a-prefixing (eWAVE features 128-134)."""
from __future__ import annotations

from cs_synth.transforms.dialect.morph import (gerund, is_negated, lemma_of, match_case, participle, past, regular_past,
                                      verified_lemma)
from cs_synth.transforms.dialect.morph import tokens
from cs_synth.transforms.dialect.rules import Hit, RuleSet

RULES = RuleSet("verb_morphology")
SKIP = {"be", "have", "do", "say", "make"}  # suppletive or clitic-prone forms


def _lexical(tok, tags):
    if tok.tag_ not in tags or tok.pos_ != "VERB":
        return None
    lemma = verified_lemma(tok)
    return lemma if lemma and lemma not in SKIP else None


@RULES.func(128, "Levelling of past tense/past participle verb forms: regularization of irregular verb paradigms")
def regularized_past(doc):
    """*caught* -> *catched*, *knew* -> *knowed*."""
    for tok in tokens(doc):
        lemma = _lexical(tok, ("VBD", "VBN"))
        if lemma and lemma != "go" and regular_past(lemma) != tok.lower_:  # *went* is suppletive
            yield Hit(tok.i, tok.i + 1, (match_case(regular_past(lemma), tok.text),))


@RULES.func(129, "Levelling of past tense/past participle verb forms: unmarked forms")
def unmarked_past(doc):
    """Irregular pasts unmarked: *She gave me the book* -> *She give me the book*."""
    for tok in tokens(doc):
        lemma = _lexical(tok, ("VBD",))
        if lemma and past(lemma) != regular_past(lemma) and lemma != tok.lower_:
            yield Hit(tok.i, tok.i + 1, (match_case(lemma, tok.text),))


@RULES.func(130, "Levelling of past tense/past participle verb forms: past tense replacing the past participle")
def past_for_participle(doc):
    """*He had gone* -> *He had went*."""
    for tok in tokens(doc):
        lemma = _lexical(tok, ("VBN",))
        if lemma and past(lemma) != tok.lower_ and any(c.dep_ in ("aux", "auxpass") and lemma_of(c) in ("have", "be")
                                                       for c in tok.children):
            yield Hit(tok.i, tok.i + 1, (match_case(past(lemma), tok.text),))


@RULES.func(131, "Levelling of past tense/past participle verb forms: past participle replacing the past tense form")
def participle_for_past(doc):
    """*He went to Mary* -> *He gone to Mary*; *I saw it* -> *I seen it*."""
    for tok in tokens(doc):
        lemma = _lexical(tok, ("VBD",))
        if lemma and participle(lemma) != tok.lower_:
            yield Hit(tok.i, tok.i + 1, (match_case(participle(lemma), tok.text),))


@RULES.func(132, "Zero past tense forms of regular verbs")
def zero_past(doc):
    """*I walked* -> *I walk* (regular verbs only)."""
    for tok in tokens(doc):
        lemma = _lexical(tok, ("VBD",))
        if lemma and regular_past(lemma) == tok.lower_ and past(lemma) == tok.lower_:
            yield Hit(tok.i, tok.i + 1, (match_case(lemma, tok.text),))


@RULES.func(133, "Double marking of past tense")
def double_past(doc):
    """*didn't stay* -> *didn't stayed*."""
    for do in tokens(doc):
        verb = do.head
        if do.lower_ == "did" and do.dep_ == "aux" and verb.tag_ == "VB" and verb.i > do.i:
            lemma = verified_lemma(verb)
            if lemma and lemma not in ("be", "have"):
                yield Hit(verb.i, verb.i + 1, (match_case(past(lemma), verb.text),))


@RULES.func(134, "A-prefixing on ing-forms")
def a_prefixing(doc):
    """*They weren't doing anything* -> *They weren't a-doing anything*
    (progressives of consonant-initial verbs)."""
    for tok in tokens(doc):
        if tok.tag_ == "VBG" and tok.text[:1].isalpha() and tok.lower_[0] not in "aeiou" \
                and any(c.dep_ == "aux" and c.lemma_ == "be" for c in tok.children) \
                and tok.lower_ not in ("going", "being"):
            yield Hit(tok.i, tok.i + 1, ("a", "-", tok.text), spaces=(False, False, True))


# ----------------------------------------------------- issue 11 additions
A_PARTICLES = {"back", "round", "down", "long", "cross", "far"}


@RULES.func(135, "A-prefixing on elements other than ing-forms")
def a_prefix_other(doc):
    """*He came back* -> *He came a-back* (directional particles after a verb)."""
    for tok in tokens(doc):
        if tok.lower_ in A_PARTICLES and tok.dep_ in ("advmod", "prt") and tok.head.pos_ == "VERB" \
                and tok.i > tok.head.i and tok.text.isalpha():
            yield Hit(tok.i, tok.i + 1, (match_case("a", tok.text), "-", tok.lower_), spaces=(False, False, True))


@RULES.func(143, "Transitive verb suffix -em/-im/-um")
def transitive_im(doc):
    """*He bought some food* -> *He bought-im some food* (a verb with a
    nominal direct object right after it)."""
    for verb in tokens(doc):
        if verb.pos_ != "VERB" or not verb.text.isalpha() or verb.lemma_ in ("have", "be", "do"):
            continue
        obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
        if obj is None or obj.left_edge.i != verb.i + 1 or obj.tag_ == "PRP":
            continue
        yield Hit(verb.i, verb.i + 1, (verb.text, "-", "im"), spaces=(False, False, True))


MODALS = {"can", "could", "will", "would", "shall", "should", "must", "may", "might", "ca", "wo", "'ll", "'d"}


@RULES.func(146, "Use of verbal suffix -ing with forms other than present participle/gerund")
def ing_after_modal(doc):
    """*I can drive now* -> *I can driving now*."""
    for md in tokens(doc):
        if md.lower_ not in MODALS or md.tag_ != "MD" or md.i + 1 >= len(doc):
            continue
        verb = doc[md.i + 1]
        if verb.tag_ != "VB" or md.head.i != verb.i:
            continue
        lemma = verified_lemma(verb)
        if lemma and lemma not in ("be", "have"):
            yield Hit(verb.i, verb.i + 1, (match_case(gerund(lemma), verb.text),))
            from cs_synth.transforms.dialect.morph import verb_conjuncts

            for conj in verb_conjuncts(verb):  # *can open ... and walk* -> *can opening ... and walking*
                conj_lemma = verified_lemma(conj)
                if conj.tag_ == "VB" and conj_lemma and conj_lemma not in ("be", "have"):
                    yield Hit(conj.i, conj.i + 1, (match_case(gerund(conj_lemma), conj.text),))


def _human_nouns():
    from cs_synth.transforms.dialect.features.noun_phrase import HUMAN_NOUNS

    return HUMAN_NOUNS


def _human(tok) -> bool:
    from cs_synth.transforms.dialect.features.noun_phrase import HUMAN_NOUNS

    return tok.tag_ in ("PRP", "NNP") or tok.lemma_.lower() in HUMAN_NOUNS


@RULES.func(148, "Serial verbs: give = \u02bcto, for\u02bc")
def serial_give(doc):
    """*Give the book to me* -> *Give the book give me*; *He bought a car for
    his wife* -> *He bought a car give his wife* (a recipient after the object)."""
    for prep in tokens(doc):
        if prep.lower_ not in ("to", "for") or prep.dep_ not in ("dative", "prep"):
            continue
        verb = prep.head
        pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
        obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
        if verb.pos_ != "VERB" or pobj is None or obj is None or obj.i > prep.i or not _human(pobj) \
                or obj.right_edge.i + 1 != prep.i:
            continue
        yield Hit(prep.i, prep.i + 1, ("give",))


ANIMALS = frozenset("dog dogs cat horse cow sheep goat pig bird duck chicken animal puppy kitten camel".split())
MOVE_AWAY = {"take", "carry", "send", "drive", "ride", "walk", "run", "throw", "push", "pull", "move", "lead", "fly"}


@RULES.func(149, "Serial verbs: go = \u02bcmovement away from\u02bc")
def serial_go(doc):
    """*Are you taking the bus to Kingston?* -> *Are you taking the bus go Kingston?*"""
    for prep in tokens(doc):
        if prep.lower_ != "to" or prep.dep_ not in ("prep", "dative"):
            continue
        verb = prep.head
        pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if any(c.dep_ in ("auxpass", "prt", "nsubjpass") for c in verb.children) or verb.tag_ == "VBN" \
                or any(c.dep_ == "dobj" and c.lower_.endswith(("self", "selves")) for c in verb.children) \
                or (pobj is not None and pobj.lower_ in ("feet", "knees", "side", "end", "top", "bottom", "left",
                                                          "right")):
            continue
        if verb.pos_ == "VERB" and verb.lemma_ in MOVE_AWAY and pobj is not None and pobj.tag_ != "PRP" \
                and pobj.lemma_.lower() not in _human_nouns() and pobj.lemma_.lower() not in ANIMALS \
                and prep.i > verb.i:
            yield Hit(prep.i, prep.i + 1, ("go",))


@RULES.func(150, "Serial verbs: come = \u02bcmovement towards\u02bc")
def serial_come(doc):
    """*They brought them back* -> *They brought them come*; *Bring it to me*
    -> *Bring it come me*."""
    for tok in tokens(doc):
        verb = tok.head
        if verb.pos_ != "VERB" or verb.lemma_ not in ("bring", "carry", "fetch") or tok.i <= verb.i:
            continue
        if tok.lower_ in ("back", "here") and tok.dep_ in ("advmod", "prt"):
            yield Hit(tok.i, tok.i + 1, ("come",))
        elif tok.lower_ == "to" and tok.dep_ in ("dative", "prep") and any(
                c.dep_ == "pobj" and c.lower_ in ("me", "us") for c in tok.children):
            yield Hit(tok.i, tok.i + 1, ("come",))


GIVE_FORM = {"be": "give", "is": "gives", "are": "give", "am": "give", "was": "gave", "were": "gave",
             "been": "given", "being": "giving", "'s": "gives", "'re": "give", "'m": "give"}


@RULES.func(153, "Give passive: NP1 (patient) + give + NP2 (agent) + V")
def give_passive(doc):
    """*John was scolded by his boss* -> *John gave his boss scold* (the tense
    stays on *give*)."""
    for verb in tokens(doc):
        if verb.tag_ != "VBN":
            continue
        auxpass = [c for c in verb.children if c.dep_ == "auxpass" and c.i == verb.i - 1]
        agent = next((c for c in verb.children if c.dep_ == "agent" and c.i == verb.i + 1), None)
        subj = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        lemma = verified_lemma(verb)
        if any(c.lower_ == "being" for c in verb.children):
            continue  # *is being pulled by*: no give-passive of the progressive
        if not auxpass or agent is None or subj is None or lemma is None or is_negated(verb):
            continue
        pobj = next((c for c in agent.children if c.dep_ == "pobj"), None)
        be = auxpass[0]
        if pobj is None or be.lower_ not in GIVE_FORM or pobj.right_edge.i - agent.i > 4:
            continue  # a short agent only: *gave his boss scold*, not a clause-long one
        give = GIVE_FORM[be.lower_]
        if give == "gives" and (subj.tag_ in ("NNS", "NNPS") or subj.lower_ in ("i", "you", "we", "they")):
            give = "give"
        agent_words = tuple(t.text for t in doc[agent.i + 1: pobj.right_edge.i + 1])
        yield Hit(be.i, pobj.right_edge.i + 1, (match_case(give, be.text),) + agent_words + (lemma,))
