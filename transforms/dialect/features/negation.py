"""Negation: negative concord, ain't, invariant don't, preverbal negators,
was/weren't, tags and negative inversion (eWAVE features 154-169, 226)."""
from __future__ import annotations

from cs_synth.transforms.dialect.morph import (NEGATIVE_OF, lemma_of, match_case, negated, operators, past, subject_of,
                                      surface)
from cs_synth.transforms.dialect.morph import tokens
from cs_synth.transforms.dialect.rules import Hit, RuleSet

RULES = RuleSet("negation")
PRESENT_BE = {"am", "is", "are", "'m", "'s", "'re"}
NEGATIVE_SUBJECTS = {"nobody", "nothing", "none", "noone", "no-one"}


def _ain_t(op, neg):
    """``is n't`` -> ``ai n't``; ``is not`` / ``'m not`` -> ``ai n't``."""
    if neg.lower_ == "n't":
        return Hit(op.i, op.i + 1, (match_case("ai", op.text) if not op.text.startswith("'") else "ai",))
    return Hit(op.i, neg.i + 1, (match_case("ai", op.text) if not op.text.startswith("'") else "ai", "n't"),
               spaces=(False, True))


@RULES.func(154, "Multiple negation / negative concord")
def negative_concord(doc):
    """Indefinites after a negated verb become negative: *won't do any harm*
    -> *won't do no harm*, *anybody* -> *nobody*, *ever* -> *never*."""
    seen = set()
    for tok in tokens(doc):
        if tok.dep_ != "neg" or tok.lower_ not in ("n't", "not", "never"):
            continue
        for t in tok.head.subtree:
            if t.i > tok.i and t.lower_ in NEGATIVE_OF and t.i not in seen:
                if t.lower_ == "either" and t.dep_ != "advmod":
                    continue
                seen.add(t.i)
                words = NEGATIVE_OF[t.lower_].split(" ")
                yield Hit(t.i, t.i + 1, (match_case(words[0], t.text),) + tuple(words[1:]))


@RULES.func(155, "Ain\u2019t as the negated form of be")
def aint_be(doc):
    for op, neg in operators(doc):
        if op.lower_ in PRESENT_BE and lemma_of(op) == "be":
            yield _ain_t(op, neg)


@RULES.func(156, "Ain\u02bct as the negated form of have")
def aint_have(doc):
    for op, neg in operators(doc):
        if op.lower_ in ("have", "has", "'ve") and op.dep_ == "aux" and op.head.tag_ == "VBN":
            yield _ain_t(op, neg)


def _do_support(doc, tenses=("VBP", "VBZ", "VBD")):
    """``(do, neg, verb)`` for *do/does/did + n't/not + bare verb*."""
    for op, neg in operators(doc):
        verb = op.head
        if op.lemma_ == "do" and op.dep_ == "aux" and op.tag_ in tenses and verb.tag_ == "VB" and verb.i > neg.i:
            yield op, neg, verb


@RULES.func(157, "Ain\u02bct as generic negator before a main verb")
def aint_generic(doc):
    for op, neg, verb in _do_support(doc):
        if op.i < verb.i and (subject_of(verb) is None or subject_of(verb).i < op.i):
            yield _ain_t(op, neg)


@RULES.func(158, "Invariant don\u2019t for all persons in the present tense")
def invariant_dont(doc):
    for op, neg in operators(doc):
        if op.lower_ == "does":
            yield Hit(op.i, op.i + 1, (match_case("do", op.text),))


def _declarative(op, verb) -> bool:
    subj = subject_of(verb)
    return subj is not None and subj.i < op.i


@RULES.func(159, "Never as preverbal past tense negator")
def never_past(doc):
    """*He didn't come* -> *He never came*."""
    for op, neg, verb in _do_support(doc, ("VBD",)):
        if neg.i + 1 == verb.i and _declarative(op, verb):
            yield Hit(op.i, verb.i + 1, ("never", match_case(past(lemma_of(verb)), verb.text)))


def _preverbal(doc, word):
    """*He doesn't like it* -> *He not like it*; the past stays on the verb:
    *He didn't like it* -> *He not liked it*."""
    from cs_synth.transforms.dialect.morph import verified_lemma

    for op, neg, verb in _do_support(doc):
        if neg.i + 1 == verb.i and _declarative(op, verb):
            if op.lower_ == "did":
                lemma = verified_lemma(verb)
                if lemma and lemma not in ("be", "have"):
                    yield Hit(op.i, verb.i + 1, (word, match_case(past(lemma), verb.text)))
            else:
                yield Hit(op.i, neg.i + 1, (word,))


@RULES.func(160, "No as preverbal negator")
def no_preverbal(doc):
    return _preverbal(doc, "no")


@RULES.func(161, "Not as a preverbal negator")
def not_preverbal(doc):
    return _preverbal(doc, "not")


@RULES.func(163, "Was \u2013 weren\u2019t split")
def was_werent(doc):
    """Positive *was* for all persons, negative *weren't* for all persons."""
    negated_ops = {op.i for op, neg in operators(doc) if neg.lower_ == "n't"}
    for tok in tokens(doc):
        if tok.lower_ == "were" and tok.i not in negated_ops and not _followed_by_not(tok):
            yield Hit(tok.i, tok.i + 1, (match_case("was", tok.text),))
        elif tok.lower_ == "was" and tok.i in negated_ops:
            yield Hit(tok.i, tok.i + 1, (match_case("were", tok.text),))


def _followed_by_not(tok) -> bool:
    return tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "not"


@RULES.match(164, "Amn\u02bct in tag questions", [[
    {"ORTH": ","}, {"LOWER": "are"}, {"LOWER": "n't"}, {"ORTH": "I"}, {"ORTH": "?"}]])
def amnt_tag(doc, start, end):
    return Hit(start + 1, start + 2, ("am",))


@RULES.match(165, "Invariant non-concord tags", [[
    {"ORTH": ","}, {"TAG": {"IN": ["MD", "VBZ", "VBP", "VBD"]}}, {"LOWER": {"IN": ["n't", "not"]}, "OP": "?"},
    {"TAG": "PRP"}, {"ORTH": "?"}]])
def innit(doc, start, end):
    return Hit(start + 1, end - 1, ("innit",))


@RULES.func(226, "\u201cNegative inversion\u201d")
def negative_inversion(doc):
    """*Nobody showed up* -> *Didn't nobody show up*; *Nobody can stop us*
    -> *Can't nobody stop us*."""
    for subj in tokens(doc):
        if subj.dep_ != "nsubj":
            continue
        is_neg = subj.lower_ in NEGATIVE_SUBJECTS or any(c.dep_ == "det" and c.lower_ == "no" for c in subj.children)
        verb = subj.head
        if not is_neg or verb.i <= subj.i or any(c.dep_ == "neg" for c in verb.children):
            continue
        start = subj.left_edge.i
        if subj.right_edge.i + 1 != verb.i and not any(c.dep_ == "aux" and c.i == subj.right_edge.i + 1
                                                        for c in verb.children):
            continue
        np = [surface(t) for t in doc[start: subj.right_edge.i + 1]]
        auxes = [c for c in verb.children if c.dep_ == "aux" and c.i == subj.right_edge.i + 1]
        if auxes:
            neg, sp = negated(auxes[0].text)
            yield Hit(start, auxes[0].i + 1, neg + tuple(np), spaces=sp + tuple(True for _ in np))
        elif verb.tag_ in ("VBD", "VBZ", "VBP") and verb.lemma_ not in ("be", "have"):
            do = "did" if verb.tag_ == "VBD" else "do"
            yield Hit(start, verb.i + 1, (do, "n't") + tuple(np) + (lemma_of(verb),),
                      spaces=(False, True) + tuple(True for _ in np) + (True,))
        elif verb.lemma_ == "be" and verb.tag_ in ("VBZ", "VBP"):
            yield Hit(start, verb.i + 1, ("ai", "n't") + tuple(np), spaces=(False, True) + tuple(True for _ in np))


# ----------------------------------------------------- issue 11 additions
@RULES.func(162, "No more/nomo as negative existential marker")
def no_more_existential(doc):
    """*There is no water in the well* -> *No more water in the well*;
    *There isn't anything in there* -> *No more nothing in there*."""
    for there in tokens(doc):
        if there.dep_ != "expl" or there.lower_ != "there" or there.i + 2 >= len(doc):
            continue
        be = doc[there.i + 1]
        if be.lemma_ != "be" or be.lower_ not in PRESENT_BE or be.head.i != be.i and there.head.i != be.i:
            continue
        nxt = doc[there.i + 2]
        if nxt.lower_ == "no" and nxt.dep_ == "det":
            yield Hit(there.i, there.i + 3, (match_case("no", there.text), "more"))
        elif nxt.lower_ in ("n't", "not") and there.i + 3 < len(doc):
            obj = doc[there.i + 3]
            if obj.lower_ in NEGATIVE_OF and obj.lower_ not in ("ever", "either", "anymore"):
                yield Hit(there.i, there.i + 4, (match_case("no", there.text), "more", NEGATIVE_OF[obj.lower_]))
            elif obj.lower_ == "any":
                yield Hit(there.i, there.i + 4, (match_case("no", there.text), "more"))


def _yes_no_question(doc):
    """For *Can I go home?*: ``(aux, subject, end)`` where the question
    starts with an inverted modal/auxiliary; ``end`` is the index of ``?``."""
    if len(doc) < 4 or doc[-1].text != "?":
        return None
    aux = doc[0]
    if aux.tag_ != "MD" and aux.lemma_ not in ("be", "do"):
        return None
    verb = aux.head
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or subj.left_edge.i != 1 or aux.dep_ not in ("aux", "ROOT"):
        return None
    if doc[1].lower_ in ("n't", "not") or any(t.lower_ in ("n't", "not") for t in doc[: subj.right_edge.i + 2]):
        return None
    return aux, subj, len(doc) - 1


def _declarative_order(doc, aux, subj, end):
    words = [surface(t) if t.i == subj.left_edge.i else t.text for t in doc[1: subj.right_edge.i + 1]]
    if aux.lemma_ == "do" and aux.dep_ == "aux":
        rest = [t.text for t in doc[subj.right_edge.i + 1: end]]
        verb = aux.head
        from cs_synth.transforms.dialect.morph import verified_lemma

        lemma = verified_lemma(verb)
        if lemma is None or verb.tag_ != "VB":
            return None
        if aux.lower_ == "did":
            form = past(lemma)
        elif aux.lower_ == "does":
            from cs_synth.transforms.dialect.morph import third_singular

            form = third_singular(lemma)
        else:
            form = lemma
        rest = [form if t.i == verb.i else t.text for t in doc[subj.right_edge.i + 1: end]]
        return words + rest
    return words + [aux.lower_] + [t.text for t in doc[subj.right_edge.i + 1: end]]


@RULES.func(166, "Invariant tag can or not?")
def can_or_not(doc):
    """*Can I go home?* -> *I can go home, can or not?*"""
    found = _yes_no_question(doc)
    if found is None or found[0].lower_ not in ("can", "could"):
        return
    aux, subj, end = found
    words = _declarative_order(doc, aux, subj, end)
    if words:
        yield Hit(0, end, tuple(words) + (",", "can", "or", "not"))  # spacing before "," is repaired by the engine


@RULES.func(167, "Fronted invariant tag")
def fronted_tag(doc):
    """*I can colour this red, can't I?* -> *Isn't, I can colour this red?*;
    *Can I colour this red?* -> *Isn't, I can colour this red?*"""
    n = len(doc)
    if n >= 6 and doc[-1].text == "?" and doc[-2].tag_ == "PRP":
        k = n - 3
        if doc[k].lower_ in ("n't", "not"):
            k -= 1
        if k >= 2 and doc[k].tag_ in ("MD", "VBZ", "VBP", "VBD") and doc[k - 1].text == ",":
            words = tuple(surface(t) for t in doc[0: k - 1])
            yield Hit(0, n - 1, ("Is", "n't", ",") + words, spaces=(False, False, True) + tuple(True for _ in words))
            return
    found = _yes_no_question(doc)
    if found is not None:
        aux, subj, end = found
        words = _declarative_order(doc, aux, subj, end)
        if words:
            yield Hit(0, end, ("Is", "n't", ",") + tuple(words), spaces=(False, False, True) + tuple(True for _ in words))
