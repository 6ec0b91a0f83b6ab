"""Pronouns: gender, case, possessives, number, pronoun drop and dummy ``it``
(eWAVE features 1-47)."""
from __future__ import annotations

from cs_synth.transforms.dialect.morph import (OBJ_TO_SUBJ, SUBJ_TO_OBJ, is_dummy_it, is_finite_subject, is_question,
                                      match_case, surface)
from cs_synth.transforms.dialect.morph import tokens
from cs_synth.transforms.dialect.rules import Hit, RuleSet

RULES = RuleSet("pronouns")
SUBJECT_DEPS = ("nsubj", "nsubjpass")
OBJECT_DEPS = ("dobj", "dative", "iobj", "pobj")


def _coordinated(tok) -> bool:
    return tok.dep_ == "conj" or any(c.dep_ in ("conj", "cc") for c in tok.children)


def _referential_it(tok) -> bool:
    return tok.lower_ == "it" and tok.tag_ == "PRP" and not is_dummy_it(tok)


def _gendered_it(doc, subj_form, obj_form):
    for tok in tokens(doc):
        if _referential_it(tok):
            new = subj_form if is_finite_subject(tok) else obj_form
            yield Hit(tok.i, tok.i + 1, (match_case(new, tok.text),))


@RULES.func(1, "She/her used for inanimate referents")
def she_for_it(doc):
    return _gendered_it(doc, "she", "her")


@RULES.func(2, "He/him used for inanimate referents")
def he_for_it(doc):
    return _gendered_it(doc, "he", "him")


def _in_coordinated_subject(tok) -> bool:
    if tok.dep_ in SUBJECT_DEPS and any(c.dep_ == "conj" for c in tok.children):
        return True
    return tok.dep_ == "conj" and tok.head.dep_ in SUBJECT_DEPS


@RULES.func(7, "Me instead of I in coordinate subjects")
def me_coordinate(doc):
    """*My brother and I were late* -> *Me and my brother were late* (the
    vernacular order puts *me* first); *I and my brother* -> *Me and my brother*."""
    for tok in tokens(doc):
        if tok.text != "I" or not _in_coordinated_subject(tok):
            continue
        first = tok.head
        if tok.dep_ == "conj" and tok.i > 1 and doc[tok.i - 1].lower_ == "and" and doc[tok.i - 1].head.i == first.i \
                and first.dep_ in SUBJECT_DEPS and not any(c.dep_ == "conj" and c.i != tok.i for c in first.children) \
                and first.right_edge.i == tok.i and not any(t.is_punct for t in doc[first.left_edge.i: tok.i]):
            start = first.left_edge.i
            words = [surface(t) if t.i == start else t for t in doc[start: tok.i - 1]]
            yield Hit.of(start, tok.i + 1, ["me", "and"] + words)
        else:
            yield Hit(tok.i, tok.i + 1, ("me",))


@RULES.func(8, "Myself/meself instead of I in coordinate subjects")
def myself_coordinate(doc):
    for tok in tokens(doc):
        if tok.text == "I" and _in_coordinated_subject(tok):
            yield Hit(tok.i, tok.i + 1, ("myself",))


BENEFACTIVE_VERBS = {"get", "buy", "find", "make", "cook", "build", "catch", "grab", "bake", "fix", "shoot", "pick"}


@RULES.func(9, "Benefactive \u201cpersonal dative\u201d construction")
def personal_dative(doc):
    """*I got a new car* -> *I got me a new car*: an object pronoun
    coreferent with the subject right after a verb of obtaining."""
    for verb in tokens(doc):
        if verb.pos_ != "VERB" or verb.lemma_ not in BENEFACTIVE_VERBS:
            continue
        subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        dobj = next((c for c in verb.children if c.dep_ == "dobj"), None)
        if subj is None or subj.lower_ not in SUBJ_TO_OBJ or subj.lower_ == "it" or dobj is None:
            continue
        if dobj.tag_ == "PRP" or any(c.dep_ in ("dative", "iobj", "prt") for c in verb.children):
            continue
        if verb.i + 1 < len(doc) and doc[verb.i + 1].i == dobj.left_edge.i:
            yield Hit(verb.i + 1, verb.i + 1, (SUBJ_TO_OBJ[subj.lower_],))


@RULES.func(10, "No gender distinction in third person singular")
def no_gender(doc):
    """Feminine forms generalized to masculine: *she* -> *he*, *her* -> *him*/*his*."""
    for tok in tokens(doc):
        low = tok.lower_
        if low == "she":
            new = "he"
        elif low == "her":
            new = "his" if tok.tag_ == "PRP$" or tok.dep_ == "poss" else "him"
        elif low == "herself":
            new = "himself"
        elif low == "hers":
            new = "his"
        else:
            continue
        yield Hit(tok.i, tok.i + 1, (match_case(new, tok.text),))


POSSESSIVE = {"TAG": "PRP$"}
RULES.lex(18, "Subject pronoun forms as (modifying) possessive pronouns: first person singular", {"my": "I"},
          **POSSESSIVE)
RULES.lex(19, "Subject pronoun forms as (modifying) possessive pronouns: first person plural", {"our": "we"},
          **POSSESSIVE)
RULES.lex(20, "Subject pronoun forms as (modifying) possessive pronouns: third person singular",
          {"his": "he", "her": "she"}, **POSSESSIVE)
RULES.lex(21, "Subject pronoun forms as (modifying) possessive pronouns: third person plural",
          {"their": "they"}, **POSSESSIVE)
RULES.lex(24, "Object pronoun forms as (modifying) possessive pronouns: third person singular",
          {"his": "him"}, **POSSESSIVE)
RULES.lex(25, "Object pronoun forms as (modifying) possessive pronouns: third person plural",
          {"their": "them"}, **POSSESSIVE)
RULES.lex(26, "Object pronoun forms as (modifying) possessive pronouns: first person singular",
          {"my": "me"}, **POSSESSIVE)
RULES.lex(27, "Object pronoun forms as (modifying) possessive pronouns: first person plural",
          {"our": "us"}, **POSSESSIVE)


@RULES.match(28, "Use of us + NP in subject function", [[{"LOWER": "we"}, {"TAG": "NNS"}]])
def us_np(doc, start, end):
    return Hit(start, start + 1, (match_case("us", doc[start].text),))


GIVING_VERBS = ["give", "show", "tell", "lend", "pass", "bring", "get", "hand", "let", "send", "buy", "fetch"]
RULES.lex(29, "Use of us in object function with singular referent", {"me": "us"},
          DEP={"IN": ["dobj", "dative", "iobj"]}, when=lambda tok: tok.head.lemma_ in GIVING_VERBS)


@RULES.func(30, "Non-coordinated subject pronoun forms in object function")
def subject_forms_as_objects(doc):
    for tok in tokens(doc):
        if tok.tag_ == "PRP" and tok.lower_ in OBJ_TO_SUBJ and tok.dep_ in OBJECT_DEPS and not _coordinated(tok):
            yield Hit(tok.i, tok.i + 1, (match_case(OBJ_TO_SUBJ[tok.lower_], tok.text),))


@RULES.func(31, "Non-coordinated object pronoun forms in subject function")
def object_forms_as_subjects(doc):
    for tok in tokens(doc):
        low = tok.lower_
        if low in ("he", "she", "we", "they", "i") and is_finite_subject(tok) and not _coordinated(tok):
            yield Hit(tok.i, tok.i + 1, (match_case(SUBJ_TO_OBJ[low], tok.text),))


@RULES.func(33, "Independent possessive pronoun forms with added nasal")
def nasal_possessives(doc):
    forms = {"hers": "hern", "ours": "ourn", "yours": "yourn", "his": "hisn", "theirs": "theirn"}
    for tok in tokens(doc):
        if tok.lower_ in forms and tok.dep_ != "poss" and (tok.lower_ != "his" or tok.head.i < tok.i):
            yield Hit(tok.i, tok.i + 1, (match_case(forms[tok.lower_], tok.text),))


@RULES.match(34, "Forms or phrases for the second person plural pronoun other than you", [
    [{"LOWER": "you"}, {"LOWER": {"IN": ["all", "guys", "people", "folks"]}}],
    [{"LOWER": "all"}, {"LOWER": "of"}, {"LOWER": "you"}],
])
def yall(doc, start, end):
    first = doc[start].text
    return Hit(start, end, (match_case("y'", first), "all"), spaces=(False, True))


RULES.lex(35, "Forms or phrases for the second person singular pronoun other than you", {"you": "ye"},
          TAG="PRP")


@RULES.func(39, "Plural forms of interrogative pronouns: using additional elements")
def who_all(doc):
    if not is_question(doc):
        return
    for tok in tokens(doc):
        if tok.is_punct or tok.is_space:
            continue
        if tok.lower_ in ("who", "what") and tok.tag_ == "WP":
            yield Hit(tok.i, tok.i + 1, (tok.text, "-", "all"), spaces=(False, False, True))
        return


@RULES.func(42, "Object pronoun drop")
def object_drop(doc):
    for tok in tokens(doc):
        if tok.lower_ in ("it", "them") and tok.dep_ == "dobj" and tok.head.pos_ == "VERB" \
                and not _coordinated(tok):
            yield Hit(tok.i, tok.i + 1, ())


def _clitic_follows(doc, i) -> bool:
    return i + 1 < len(doc) and doc[i + 1].text.startswith("'")


@RULES.func(43, "Subject pronoun drop: referential pronouns")
def subject_drop(doc):
    if is_question(doc):
        return
    for tok in tokens(doc):
        if tok.is_punct or tok.is_space or tok.pos_ == "INTJ" or tok.lower_ in ("no", "yes", "well", "oh", "so"):
            continue  # *No, I sold them already* -> *No, sold them already*
        if tok.lower_ in ("i", "you", "we", "he", "she", "they") and tok.dep_ == "nsubj" \
                and tok.head.dep_ == "ROOT" and not _coordinated(tok) and not _clitic_follows(doc, tok.i):
            yield Hit(tok.i, tok.i + 1, ())
        return


@RULES.func(44, "Subject pronoun drop: dummy pronouns")
def dummy_drop(doc):
    for tok in tokens(doc):
        if tok.lower_ == "it" and tok.dep_ in ("nsubj", "expl") and is_dummy_it(tok) \
                and not _clitic_follows(doc, tok.i) and tok.head.lemma_ != "be":
            yield Hit(tok.i, tok.i + 1, ())


@RULES.match(45, "Insertion of it where StE favours zero", [
    [{"LEMMA": "make"}, {"LOWER": {"IN": ["clear", "plain", "known", "sure"]}}, {"LOWER": {"IN": ["that", "to"]}, "OP": "!"}],
    [{"LOWER": "as"}, {"LOWER": {"IN": ["is", "was"]}}, {"LOWER": "the"}, {"LOWER": "case"}],
])
def insert_it(doc, start, end):
    return Hit(start + 1, start + 1, ("it",))


def _it_be(doc, want_referential: bool):
    for tok in tokens(doc):
        if tok.lower_ != "it" or tok.dep_ not in SUBJECT_DEPS or tok.i + 1 >= len(doc):
            continue
        be = doc[tok.i + 1]
        if be.lemma_ != "be" or be.tag_ not in ("VBZ", "VBD"):
            continue
        if is_dummy_it(tok) == want_referential:
            continue
        if be.text.startswith("'"):
            yield Hit(tok.i, tok.i + 2, ("is",))
        else:
            yield Hit(tok.i, tok.i + 1, ())


@RULES.func(46, "Deletion of it in referential it is-constructions")
def it_is_referential(doc):
    return _it_be(doc, True)


@RULES.func(47, "Deletion of it in non-referential it is-constructions")
def it_is_nonreferential(doc):
    return _it_be(doc, False)


# ----------------------------------------------------- issue 11 additions
def _subject_verb_after(doc, tok):
    """The finite verb form right after subject ``tok`` (*it is*, *they are*)."""
    return doc[tok.i + 1] if tok.i + 1 < len(doc) else None


@RULES.func(3, "Alternative forms/phrases for referential (non-dummy) it")
def the_thing_for_it(doc):
    """*When you switch it off* -> *When you switch the thing off*."""
    for tok in tokens(doc):
        if _referential_it(tok) and not _coordinated(tok) and not _clitic_follows(doc, tok.i):
            yield Hit(tok.i, tok.i + 1, (match_case("the", tok.text), "thing"))


@RULES.func(4, "Alternative forms/phrases for dummy it")
def that_for_dummy_it(doc):
    """*It's raining* -> *That's raining* (dummy subject *it* only)."""
    for tok in tokens(doc):
        if tok.lower_ == "it" and tok.dep_ in ("nsubj", "expl") and is_dummy_it(tok):
            yield Hit(tok.i, tok.i + 1, (match_case("that", tok.text),))


@RULES.func(5, "Generalized third person singular pronoun: subject pronouns")
def em_subject(doc):
    """*She is tired* -> *Em is tired* (one form for he, she and referential it)."""
    for tok in tokens(doc):
        low = tok.lower_
        if tok.tag_ == "PRP" and low in ("he", "she", "it") and tok.dep_ in SUBJECT_DEPS \
                and (low != "it" or _referential_it(tok)):
            yield Hit(tok.i, tok.i + 1, (match_case("em", tok.text),))


@RULES.func(6, "Generalized third person singular pronoun: object pronouns")
def om_object(doc):
    """*I saw her* -> *I saw om* (one form for him, her and referential it)."""
    for tok in tokens(doc):
        low = tok.lower_
        if tok.tag_ == "PRP" and low in ("him", "her", "it") and tok.dep_ in OBJECT_DEPS \
                and (low != "it" or _referential_it(tok)):
            yield Hit(tok.i, tok.i + 1, (match_case("om", tok.text),))


@RULES.func(15, "Absolute use of reflexives")
def absolute_reflexive(doc):
    """*He is gone to Dublin* -> *Himself is gone to Dublin* (a reflexive as
    the subject of a finite clause)."""
    forms = {"he": "himself", "she": "herself"}
    for tok in tokens(doc):
        if tok.lower_ in forms and tok.tag_ == "PRP" and is_finite_subject(tok) and not _coordinated(tok) \
                and not _clitic_follows(doc, tok.i):
            yield Hit(tok.i, tok.i + 1, (match_case(forms[tok.lower_], tok.text),))


RULES.lex(22, "You as (modifying) possessive pronoun", {"your": "you"}, **POSSESSIVE)
RULES.lex(23, "Second person pronoun forms other than you as (modifying) possessive pronoun", {"your": "yous"},
          **POSSESSIVE)


@RULES.func(40, "Plural forms of interrogative pronouns: reduplication")
def who_who(doc):
    """*Who came?* -> *Who-who came?* (the question word of a direct question)."""
    if not is_question(doc):
        return
    for tok in tokens(doc):
        if tok.is_punct or tok.is_space:
            continue
        if tok.lower_ in ("who", "what") and tok.tag_ == "WP":
            yield Hit(tok.i, tok.i + 1, (tok.text, "-", tok.lower_), spaces=(False, False, True))
        return


def _inanimate_plural_before(doc, i) -> bool:
    """A plural inanimate noun before ``i`` and no plural noun or pronoun
    for people or animals (which *they* could refer to instead)."""
    from cs_synth.transforms.dialect.features.noun_phrase import HUMAN_NOUNS
    from cs_synth.transforms.dialect.features.verb_morphology import ANIMALS

    plurals = [t for t in doc[:i] if t.tag_ in ("NNS", "NNPS") or (t.tag_ == "NN" and t.lemma_.lower() in HUMAN_NOUNS
                                                                   and any(c.dep_ == "nummod" for c in t.children))]
    if not plurals or any(t.lower_ in ("they", "them", "we", "us") for t in doc[:i]):
        return False
    return all(t.tag_ != "NNPS" and t.lemma_.lower() not in HUMAN_NOUNS and t.lemma_.lower() not in ANIMALS
               and t.lower_ not in ANIMALS and t.lemma_.lower() not in ("people", "person") for t in plurals)


SINGULAR_OF_BE = {"are": "is", "were": "was", "'re": "'s"}


@RULES.func(41, "Singular it for plural they in anaphoric use")
def it_for_they(doc):
    """*Those books are informative. They can be obtained at Dillon's.* ->
    *... It can be obtained ...* (an anaphoric *they*/*them* after a plural
    inanimate noun; a following *are*/*were* agrees with *it*)."""
    for tok in tokens(doc):
        low = tok.lower_
        if low not in ("they", "them") or tok.tag_ != "PRP" or _coordinated(tok) \
                or not _inanimate_plural_before(doc, tok.i):
            continue
        nxt = _subject_verb_after(doc, tok)
        if low == "they" and nxt is not None and nxt.lower_ in SINGULAR_OF_BE:
            be = SINGULAR_OF_BE[nxt.lower_]
            spaces = (not be.startswith("'"), True)
            yield Hit(tok.i, tok.i + 2, (match_case("it", tok.text), match_case(be, nxt.text)), spaces=spaces)
        elif low == "they" and nxt is not None and nxt.tag_ == "VBP" and nxt.pos_ == "VERB":
            from cs_synth.transforms.dialect.morph import third_singular, verified_lemma

            lemma = verified_lemma(nxt)
            if lemma:
                yield Hit(tok.i, tok.i + 2, (match_case("it", tok.text), third_singular(lemma)))
        elif low == "they" and nxt is not None and nxt.lower_ in ("have", "do"):
            yield Hit(tok.i, tok.i + 2, (match_case("it", tok.text), "has" if nxt.lower_ == "have" else "does"))
        elif low == "they" and (nxt is None or nxt.tag_ not in ("VBP",)):
            yield Hit(tok.i, tok.i + 1, (match_case("it", tok.text),))
        elif low == "them":
            yield Hit(tok.i, tok.i + 1, ("it",))
