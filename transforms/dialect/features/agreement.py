"""Subject-verb agreement: zero and generalized -s, there's with plurals,
was/were levelling, the Northern Subject Rule (eWAVE features 170-183)."""
from __future__ import annotations

from cs_synth.transforms.dialect.morph import (PERSONAL, is_third_singular, lemma_of, match_case, subject_of,
                                      third_singular)
from cs_synth.transforms.dialect.morph import tokens
from cs_synth.transforms.dialect.rules import Hit, RuleSet

RULES = RuleSet("agreement")


def _lexical_present(tok, tag):
    return tok.tag_ == tag and tok.pos_ == "VERB" and tok.dep_ not in ("aux", "auxpass") and lemma_of(tok) != "be"


@RULES.func(170, "Invariant present tense forms due to zero marking for the third person singular")
def zero_third_singular(doc):
    """*She shows up and says* -> *She show up and say* (also *has*, *does*)."""
    for tok in tokens(doc):
        if tok.tag_ == "VBZ" and lemma_of(tok) != "be" and not tok.text.startswith("'"):
            if tok.pos_ == "VERB" or (tok.pos_ == "AUX" and tok.lower_ in ("has", "does")):
                base = "have" if tok.lower_ == "has" else lemma_of(tok)
                yield Hit(tok.i, tok.i + 1, (match_case(base, tok.text),))


@RULES.func(171, "Invariant present tense forms due to generalization of 3rd person \u2013s to all persons")
def generalized_s(doc):
    """*I see the house* -> *I sees the house*; a coordinated verb under the
    same subject too (*I open the door and walks inside*... -> *and walks*)."""
    from cs_synth.transforms.dialect.morph import verb_conjuncts, verified_lemma

    for tok in tokens(doc):
        if _lexical_present(tok, "VBP"):
            yield Hit(tok.i, tok.i + 1, (match_case(third_singular(lemma_of(tok)), tok.text),))
            for conj in verb_conjuncts(tok):
                lemma = verified_lemma(conj)
                if conj.tag_ in ("VB", "VBP") and lemma and lemma != "be":
                    yield Hit(conj.i, conj.i + 1, (match_case(third_singular(lemma), conj.text),))


@RULES.match(172, "Existential / presentational there\u2019s/there is/there was with plural subjects", [[
    {"LOWER": "there", "DEP": "expl"}, {"LOWER": {"IN": ["are", "'re", "were"]}}]])
def theres_plural(doc, start, end):
    be = doc[start + 1]
    negated = end < len(doc) and doc[end].lower_ == "n't"
    if be.lower_ == "were":
        return Hit(start + 1, end, (match_case("was", be.text),))
    return Hit(start + 1, end, ("is" if negated else "'s",))


RULES.lex(173, "Variant forms of dummy subject there in existential clauses", {"there": "they"}, DEP="expl")


@RULES.func(180, "Was/were generalization")
def was_generalization(doc):
    for tok in tokens(doc):
        if tok.lower_ == "were" and lemma_of(tok) == "be":
            yield Hit(tok.i, tok.i + 1, (match_case("was", tok.text),))


def _np_subject(verb):
    subj = subject_of(verb)
    return subj is not None and subj.lower_ not in PERSONAL and subj.tag_ in ("NNS", "NNPS") \
        and subj.i < verb.i


def _non_adjacent_pronoun_subject(verb):
    """Verb conjoined with an earlier verb whose subject is a pronoun
    (*I sing and dances*)."""
    if verb.dep_ != "conj":
        return False
    subj = subject_of(verb)
    return subj is not None and subj.lower_ in PERSONAL and not is_third_singular(subj) \
        and not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)


def _with_s(tok):
    return Hit(tok.i, tok.i + 1, (match_case(third_singular(lemma_of(tok)), tok.text),))


@RULES.func(181, "Agreement sensitive to subject type")
def subject_type_agreement(doc):
    """*Birds sing* -> *Birds sings*; pronoun subjects keep *sing*."""
    for tok in tokens(doc):
        if _lexical_present(tok, "VBP") and _np_subject(tok):
            yield _with_s(tok)


@RULES.func(182, "Agreement sensitive to position of subject")
def subject_position_agreement(doc):
    for tok in tokens(doc):
        if _lexical_present(tok, "VBP") and _non_adjacent_pronoun_subject(tok):
            yield _with_s(tok)


@RULES.func(183, "Northern Subject Rule")
def northern_subject_rule(doc):
    """-s (and *is*/*was*) unless the subject is an adjacent personal pronoun."""
    for tok in tokens(doc):
        if tok.lower_ in ("are", "were") and lemma_of(tok) == "be" and _np_subject(tok):
            yield Hit(tok.i, tok.i + 1, (match_case("is" if tok.lower_ == "are" else "was", tok.text),))
        elif _lexical_present(tok, "VBP") and (_np_subject(tok) or _non_adjacent_pronoun_subject(tok)):
            yield _with_s(tok)
