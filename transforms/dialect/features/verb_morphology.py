"""Verb morphology: regularized and levelled past forms, zero and double
past marking, a-prefixing (eWAVE features 128-134)."""
from __future__ import annotations

from transforms.dialect.morph import lemma_of, match_case, participle, past, regular_past, verified_lemma
from transforms.dialect.rules import Hit, RuleSet

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
    for tok in doc:
        lemma = _lexical(tok, ("VBD", "VBN"))
        if lemma and lemma != "go" and regular_past(lemma) != tok.lower_:  # *went* is suppletive
            yield Hit(tok.i, tok.i + 1, (match_case(regular_past(lemma), tok.text),))


@RULES.func(129, "Levelling of past tense/past participle verb forms: unmarked forms")
def unmarked_past(doc):
    """Irregular pasts unmarked: *She gave me the book* -> *She give me the book*."""
    for tok in doc:
        lemma = _lexical(tok, ("VBD",))
        if lemma and past(lemma) != regular_past(lemma) and lemma != tok.lower_:
            yield Hit(tok.i, tok.i + 1, (match_case(lemma, tok.text),))


@RULES.func(130, "Levelling of past tense/past participle verb forms: past tense replacing the past participle")
def past_for_participle(doc):
    """*He had gone* -> *He had went*."""
    for tok in doc:
        lemma = _lexical(tok, ("VBN",))
        if lemma and past(lemma) != tok.lower_ and any(c.dep_ in ("aux", "auxpass") and lemma_of(c) in ("have", "be")
                                                       for c in tok.children):
            yield Hit(tok.i, tok.i + 1, (match_case(past(lemma), tok.text),))


@RULES.func(131, "Levelling of past tense/past participle verb forms: past participle replacing the past tense form")
def participle_for_past(doc):
    """*He went to Mary* -> *He gone to Mary*; *I saw it* -> *I seen it*."""
    for tok in doc:
        lemma = _lexical(tok, ("VBD",))
        if lemma and participle(lemma) != tok.lower_:
            yield Hit(tok.i, tok.i + 1, (match_case(participle(lemma), tok.text),))


@RULES.func(132, "Zero past tense forms of regular verbs")
def zero_past(doc):
    """*I walked* -> *I walk* (regular verbs only)."""
    for tok in doc:
        lemma = _lexical(tok, ("VBD",))
        if lemma and regular_past(lemma) == tok.lower_ and past(lemma) == tok.lower_:
            yield Hit(tok.i, tok.i + 1, (match_case(lemma, tok.text),))


@RULES.func(133, "Double marking of past tense")
def double_past(doc):
    """*didn't stay* -> *didn't stayed*."""
    for do in doc:
        verb = do.head
        if do.lower_ == "did" and do.dep_ == "aux" and verb.tag_ == "VB" and verb.i > do.i:
            lemma = verified_lemma(verb)
            if lemma and lemma not in ("be", "have"):
                yield Hit(verb.i, verb.i + 1, (match_case(past(lemma), verb.text),))


@RULES.func(134, "A-prefixing on ing-forms")
def a_prefixing(doc):
    """*They weren't doing anything* -> *They weren't a-doing anything*
    (progressives of consonant-initial verbs)."""
    for tok in doc:
        if tok.tag_ == "VBG" and tok.text[:1].isalpha() and tok.lower_[0] not in "aeiou" \
                and any(c.dep_ == "aux" and c.lemma_ == "be" for c in tok.children) \
                and tok.lower_ not in ("going", "being"):
            yield Hit(tok.i, tok.i + 1, ("a", "-", tok.text), spaces=(False, False, True))
