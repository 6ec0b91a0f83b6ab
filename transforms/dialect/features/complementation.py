"""Complementation: complementizers and infinitive markers (eWAVE features
200-209)."""
from __future__ import annotations

from cs_synth.transforms.dialect.morph import tokens
from cs_synth.transforms.dialect.rules import Hit, RuleSet

RULES = RuleSet("complementation")
SAY_VERBS = {"hear", "say", "know", "think", "tell", "believe", "see", "understand", "learn"}
NO_TO_DELETION = {"use", "have", "go", "get", "ought", "be", "about", "able", "seem", "appear", "need", "want"}
FOR_TO_EXCLUDED = {"use", "used", "have", "go", "get", "ought", "be", "about", "able", "seem", "appear", "going",
                   "have", "need"}
CAUSATIVE = {"make", "let", "help", "see", "hear", "watch", "have"}
OBJECT_CONTROL = {"ask", "tell", "allow", "force", "persuade", "order", "get", "permit", "encourage", "teach",
                  "remind", "invite", "advise", "urge", "cause", "enable", "require", "need", "like", "love"}
DESIRE = {"want", "wish", "hope", "expect", "desire", "plan", "intend"}


def _infinitives(doc):
    """``(to, verb, head)`` for *to + bare verb* complements and adjuncts."""
    for to in tokens(doc):
        if to.tag_ == "TO" and to.dep_ == "aux" and to.i + 1 < len(doc):
            verb = to.head
            if verb.tag_ == "VB" and verb.i > to.i and verb.dep_ in ("xcomp", "advcl", "ccomp", "relcl", "acl"):
                yield to, verb, verb.head


@RULES.func(200, "Say-based complementizers")
def say_complementizer(doc):
    """*We heard that you went* -> *We heard say you went*."""
    for tok in tokens(doc):
        if tok.lower_ == "that" and tok.dep_ == "mark" and tok.head.dep_ == "ccomp" \
                and tok.head.head.lemma_ in SAY_VERBS:
            yield Hit(tok.i, tok.i + 1, ("say",))


def _purpose(to, verb, head) -> bool:
    if verb.dep_ == "advcl":
        return True
    return verb.dep_ == "xcomp" and head.lemma_ not in (DESIRE | CAUSATIVE | OBJECT_CONTROL) - {"have"} and \
        any(c.dep_ == "dobj" and c.i < to.i for c in head.children)


@RULES.func(202, "Unsplit for to in infinitival purpose clauses")
def for_to_purpose(doc):
    """*gutters to drain the water* -> *gutters for to drain the water*."""
    for to, verb, head in _infinitives(doc):
        if _purpose(to, verb, head) and not (to.i > 0 and (doc[to.i - 1].lower_ in ("for", "order")
                                                          or doc[to.i - 1].tag_ in ("WRB", "WP", "WDT"))):
            yield Hit(to.i, to.i, ("for",))


@RULES.func(203, "For (to) as infinitive marker")
def for_to_complement(doc):
    """*You were not allowed to go* -> *... allowed for to go*."""
    for to, verb, head in _infinitives(doc):
        if verb.dep_ == "xcomp" and not _purpose(to, verb, head) and head.lemma_ not in FOR_TO_EXCLUDED \
                and not (to.i > 0 and doc[to.i - 1].lower_ == "for"):
            yield Hit(to.i, to.i, ("for",))


@RULES.func(207, "Substitution of that-clause for infinitival subclause")
def that_for_infinitive(doc):
    """*I wanted to see the doctor* -> *I wanted that I should see the doctor*."""
    for to, verb, head in _infinitives(doc):
        if head.lemma_ not in DESIRE or verb.dep_ != "xcomp" or to.i != head.i + 1:
            continue
        subj = next((c for c in head.children if c.dep_ == "nsubj"), None)
        if subj is None or subj.tag_ != "PRP":
            continue
        pron = subj.text if subj.text == "I" else subj.lower_
        yield Hit(to.i, to.i + 1, ("that", pron, "should"))


@RULES.func(208, "Deletion of to before infinitives")
def delete_to(doc):
    """*Allow him to go* -> *Allow him go*."""
    for to, verb, head in _infinitives(doc):
        if verb.dep_ in ("xcomp", "ccomp") and head.lemma_ not in NO_TO_DELETION and to.i > 0 \
                and doc[to.i - 1].lower_ not in ("going", "used", "have", "has", "had", "ought", "got"):
            yield Hit(to.i, to.i + 1, ())


@RULES.func(209, "Addition of to where StE has bare infinitive")
def add_to(doc):
    """*He made me do it* -> *He made me to do it*."""
    for verb in tokens(doc):
        head = verb.head
        if verb.tag_ != "VB" or verb.dep_ not in ("ccomp", "xcomp") or head.lemma_ not in CAUSATIVE \
                or head.i >= verb.i or any(c.dep_ == "aux" for c in verb.children):
            continue
        between = doc[head.i + 1: verb.i]
        if len(between) and all(t.tag_ in ("PRP", "NN", "NNS", "NNP", "DT", "PRP$", "JJ") for t in between):
            yield Hit(verb.i, verb.i, ("to",))


# ----------------------------------------------------- issue 11 additions
@RULES.func(201, "For-based complementizers")
def for_complementizer(doc):
    """*It is hard to cross the river* -> *It is hard for cross the river*."""
    for to, verb, head in _infinitives(doc):
        if verb.dep_ in ("xcomp", "advcl") and not (to.i > 0 and doc[to.i - 1].lower_ in ("for", "going", "have",
                                                                                          "has", "ought", "used")):
            yield Hit(to.i, to.i + 1, ("for",))


def _existential(doc, present_only):
    """``(there, be, noun)`` for *there is/are + NP*."""
    for there in tokens(doc):
        if there.dep_ != "expl" or there.lower_ != "there" or there.i + 1 >= len(doc):
            continue
        be = doc[there.i + 1]
        if be.lemma_ != "be" or be.tag_ not in ("VBZ", "VBP", "VBD") or there.head.i != be.i:
            continue
        if present_only and be.tag_ == "VBD":
            continue
        if be.i + 1 < len(doc) and doc[be.i + 1].lower_ in ("n't", "not", "no"):
            continue
        yield there, be


@RULES.func(205, "Existentials with forms of get")
def got_existential(doc):
    """*There is some sand there* -> *It got some sand there*."""
    from cs_synth.transforms.dialect.morph import match_case

    for there, be in _existential(doc, present_only=True):
        yield Hit(there.i, be.i + 1, (match_case("it", there.text), "got"))


@RULES.func(206, "Existentials with forms of have")
def have_existential(doc):
    """*There are some women here* -> *You have some women here*; *there was*
    -> *you had*."""
    from cs_synth.transforms.dialect.morph import match_case

    for there, be in _existential(doc, present_only=False):
        have = "had" if be.tag_ == "VBD" else "have"
        yield Hit(there.i, be.i + 1, (match_case("you", there.text), have))


BARE_AFTER = {"start", "begin", "stop", "keep", "finish", "quit", "like", "love", "hate", "enjoy", "try", "avoid",
              "continue", "go", "come", "mind", "practise", "practice", "remember"}


@RULES.func(210, "Non-finite clause complements with bare root form rather than -ing form")
def bare_for_ing(doc):
    """*He started telling the cousins* -> *He started tell the cousins*."""
    from cs_synth.transforms.dialect.morph import match_case, verified_lemma

    for verb in tokens(doc):
        if verb.tag_ != "VBG" or verb.dep_ not in ("xcomp", "ccomp") or verb.head.lemma_ not in BARE_AFTER \
                or verb.head.i >= verb.i or any(c.dep_ in ("aux", "nsubj") for c in verb.children):
            continue
        lemma = verified_lemma(verb)
        if lemma and lemma != "be":
            yield Hit(verb.i, verb.i + 1, (match_case(lemma, verb.text),))
