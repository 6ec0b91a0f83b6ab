"""Question formation: inversion in indirect questions, no inversion / no
auxiliaries in main-clause questions (eWAVE features 227-229)."""
from __future__ import annotations

from cs_synth.transforms.dialect.morph import is_question, lemma_of, match_case, past, subject_of, surface, third_singular
from cs_synth.transforms.dialect.morph import tokens
from cs_synth.transforms.dialect.rules import Hit, RuleSet

RULES = RuleSet("questions")
WH = {"what", "who", "whom", "where", "when", "why", "how", "which"}


def _inverted(doc, wh: bool):
    """``(aux, subject, verb)`` of a main-clause question whose first word is
    a wh-word (``wh``) or the auxiliary itself (yes/no question)."""
    if not is_question(doc):
        return None
    words = [t for t in tokens(doc) if not (t.is_punct or t.is_space)]
    if len(words) < 3:
        return None
    k = 0
    if wh:
        if words[0].lower_ not in WH:
            return None
        k = 1
        while k < len(words) and words[k].i == words[k - 1].i + 1 and words[k].head.i == words[0].i \
                and words[k].dep_ not in ("aux", "ROOT"):
            k += 1
    aux = words[k] if k < len(words) else None
    if aux is None or aux.tag_ not in ("MD", "VBZ", "VBP", "VBD") or aux.i + 1 >= len(doc):
        return None
    if doc[aux.i + 1].lower_ in ("n't", "not"):
        return None
    verb = aux.head if aux.dep_ in ("aux", "auxpass") else aux
    subj = subject_of(verb)
    if subj is None or subj.i <= aux.i or (wh and subj.i < words[0].i):
        return None
    return aux, subj, verb


def _do_form(do, verb):
    lemma = lemma_of(verb)
    if do.lower_ == "did":
        return past(lemma)
    if do.lower_ == "does":
        return third_singular(lemma)
    return lemma


def _no_inversion(doc, wh: bool, drop_be: bool):
    found = _inverted(doc, wh)
    if found is None:
        return
    aux, subj, verb = found
    if aux.lemma_ == "do" and aux.dep_ == "aux" and verb.tag_ == "VB" and verb.i > subj.i:
        mid = tuple(surface(t) for t in doc[aux.i + 1: verb.i])
        yield Hit(aux.i, verb.i + 1, mid + (_do_form(aux, verb),))
    elif aux.lemma_ == "be" and drop_be:
        yield Hit(aux.i, aux.i + 1, ())
    elif aux.lemma_ != "do":
        subj_toks = tuple(surface(t) for t in doc[aux.i + 1: subj.right_edge.i + 1])
        yield Hit(aux.i, subj.right_edge.i + 1, subj_toks + (aux.text.lower(),))


@RULES.func(227, "Inverted word order in indirect questions")
def indirect_inversion(doc):
    """*I'm wondering what you are going to do* -> *... what are you going to do*."""
    for verb in tokens(doc):
        if verb.dep_ not in ("ccomp", "xcomp") or verb.head.lemma_ not in ("wonder", "ask", "know", "tell", "see",
                                                                          "understand", "remember", "find"):
            continue
        wh = verb.left_edge
        if wh.lower_ not in WH:
            continue
        subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.i > wh.i), None)
        if subj is None or subj.lower_ in WH:
            continue
        aux = next((c for c in verb.children if c.dep_ in ("aux", "auxpass") and c.i == subj.right_edge.i + 1
                    and c.tag_ != "TO"), None)
        subj_toks = tuple(t.text for t in doc[subj.left_edge.i: subj.right_edge.i + 1])
        if aux is not None:
            yield Hit(subj.left_edge.i, aux.i + 1, (aux.text.lower(),) + subj_toks)
        elif verb.i == subj.right_edge.i + 1 and verb.tag_ in ("VBD", "VBZ", "VBP") and verb.pos_ == "VERB":
            do = {"VBD": "did", "VBZ": "does", "VBP": "do"}[verb.tag_]
            yield Hit(subj.left_edge.i, verb.i + 1, (do,) + subj_toks + (lemma_of(verb),))


@RULES.func(228, "No inversion/no auxiliaries in wh-questions")
def wh_no_inversion(doc):
    """*What are you doing?* -> *What you doing?*; *What does he want?* -> *What he wants?*"""
    return _no_inversion(doc, wh=True, drop_be=True)


@RULES.func(229, "No inversion/no auxiliaries in main clause yes/no questions")
def yn_no_inversion(doc):
    """*Do you get the point?* -> *You get the point?*; *Are you coming?* -> *You are coming?*"""
    return _no_inversion(doc, wh=False, drop_be=False)
