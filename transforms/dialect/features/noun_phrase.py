"""Noun phrases: plural marking, articles, demonstratives and possession
(eWAVE features 48-77)."""
from __future__ import annotations

from cs_synth.transforms.dialect.morph import indefinite, match_case, regular_plural
from cs_synth.transforms.dialect.morph import tokens
from cs_synth.transforms.dialect.rules import Hit, RuleSet

RULES = RuleSet("noun_phrase")

HUMAN_NOUNS = frozenset("""
person people man men woman women child children kid boy girl baby babies adult teenager youth guy lady gentleman
mother father mom mum dad daddy mommy parent brother sister son daughter uncle aunt cousin nephew niece grandmother
grandfather grandparent grandchild husband wife friend neighbour neighbor wife partner fiance bride groom family
teacher student pupil doctor nurse worker farmer soldier officer policeman police driver player singer dancer
artist writer author musician priest king queen prince princess boss chief leader member citizen visitor tourist
customer client guest stranger owner employee manager official president minister lawyer judge cook chef waiter
waitress fisherman miner sailor pilot engineer scientist researcher professor athlete fan crowd audience colleague
classmate mate buddy fellow folk individual human chap lad lass
""".split())
MASS_NOUNS = frozenset("""advice furniture equipment information luggage baggage homework staff stuff evidence
research machinery jewellery jewelry knowledge mail traffic scenery clothing""".split())
QUANTITY_NOUNS = frozenset("lot few little bit couple number deal kind sort type".split())
TEMPORAL = frozenset("morning afternoon evening night day week weekend month year time summer winter spring autumn"
                     .split())
QUANTIFIERS = frozenset("all many several few some both various numerous".split())


def _dets(noun):
    return [c for c in noun.children if c.dep_ in ("det", "poss", "predet", "nummod")]


def _is_plural_noun(tok) -> bool:
    return tok.tag_ == "NNS" and tok.text.isalpha()


#: plural-only nouns and plural pronoun-like words: no singular to fall back on
PLURALIA_TANTUM = frozenset("""woods clothes glasses pants jeans trousers shorts overalls scissors goggles tights
leggings pajamas pyjamas sunglasses binoculars headphones earphones stairs outskirts surroundings belongings
premises thanks congratulations remains others suds""".split())


def _singular_hit(tok):
    lemma = tok.lemma_.lower()
    if lemma and lemma != tok.lower_ and lemma.isalpha() and tok.lower_ not in PLURALIA_TANTUM:
        return Hit(tok.i, tok.i + 1, (match_case(lemma, tok.text),))
    return None


@RULES.func(48, "Regularization of plural formation: extension of -s to StE irregular plurals")
def plural_s_extension(doc):
    for tok in tokens(doc):
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        if _is_plural_noun(tok) and not tok.lower_.endswith("s") and (nxt is None or nxt.tag_ != "POS"):
            yield Hit(tok.i, tok.i + 1, (tok.text + "s",))


@RULES.func(49, "Regularization of plural formation: phonological regularization")
def plural_f_regularization(doc):
    for tok in tokens(doc):
        if _is_plural_noun(tok) and tok.lower_.endswith("ves"):
            lemma = tok.lemma_.lower()
            if lemma.endswith(("f", "fe")):
                new = regular_plural(lemma)
                if new != tok.lower_:
                    yield Hit(tok.i, tok.i + 1, (match_case(new, tok.text),))


@RULES.match(52, "Associative plural marked by postposed and them/them all/dem", [[
    {"LOWER": "and"}, {"TAG": "PRP$"},
    {"LOWER": {"IN": ["friends", "family", "colleagues", "mates", "buddies", "pals", "folks", "people", "crew",
                      "gang", "lot"]}},
]])
def and_them(doc, start, end):
    return Hit(start + 1, end, ("them",))


COLLECTIVE_MASS = frozenset("wood bread fruit chalk hair money food".split())


def _portion_of(tok) -> bool:
    """*pieces of advice*, *a bit of luggage*: the portion noun counts already."""
    prep = tok.head
    return tok.dep_ == "pobj" and prep.lower_ == "of" and prep.head.lemma_ in QUANTITY_NOUNS | {
        "piece", "item", "article", "bag", "loaf", "slice", "lump", "pile", "heap", "stack", "box", "amount"}


@RULES.func(55, "Different count/mass noun distinctions resulting in use of plural for StE singular")
def mass_plural(doc):
    for tok in tokens(doc):
        if tok.tag_ == "NN" and tok.lower_ in MASS_NOUNS | COLLECTIVE_MASS \
                and tok.dep_ in ("dobj", "pobj", "attr", "conj", "nsubj", "nsubjpass") \
                and not _portion_of(tok) \
                and not any(c.lower_ in ("a", "an", "this", "that", "every", "each") for c in tok.children):
            yield Hit(tok.i, tok.i + 1, (match_case(regular_plural(tok.lower_), tok.text),))


@RULES.func(56, "Absence of plural marking only after quantifiers")
def no_plural_after_quantifier(doc):
    for tok in tokens(doc):
        if not _is_plural_noun(tok):
            continue
        quantified = any((c.dep_ == "nummod" and c.like_num and c.lower_ not in ("one", "1"))
                         or (c.dep_ in ("amod", "det", "predet") and c.lower_ in QUANTIFIERS) for c in tok.children)
        if quantified:
            hit = _singular_hit(tok)
            if hit:
                yield hit


def _optional_plural(doc, human: bool):
    for tok in tokens(doc):
        if _is_plural_noun(tok) and (tok.lemma_.lower() in HUMAN_NOUNS) == human:
            hit = _singular_hit(tok)
            if hit:
                yield hit


@RULES.func(57, "Plural marking generally optional : for nouns with human referents")
def optional_plural_human(doc):
    return _optional_plural(doc, True)


@RULES.func(58, "Plural marking generally optional: for nouns with non-human referents")
def optional_plural_nonhuman(doc):
    return _optional_plural(doc, False)


@RULES.func(59, "Double determiners")
def double_determiner(doc):
    """*Our common problem* -> *This our common problem* (singular subjects)."""
    for tok in tokens(doc):
        if tok.tag_ != "NN" or tok.dep_ not in ("nsubj", "nsubjpass"):
            continue
        poss = [c for c in tok.children if c.dep_ == "poss" and c.tag_ == "PRP$"]
        if poss and poss[0].i == tok.left_edge.i:
            yield Hit(poss[0].i, poss[0].i, ("this",))


def _article(tok, words):
    return tok.dep_ == "det" and tok.lower_ in words and tok.head.pos_ in ("NOUN", "PROPN") and tok.head.i > tok.i


def _count_singular(noun) -> bool:
    return noun.tag_ == "NN" and noun.lower_ not in QUANTITY_NOUNS and noun.lower_ not in MASS_NOUNS


ORDINAL_LIKE = {"same", "first", "last", "next", "only", "other", "whole", "rest", "world", "most"}


def _definite_the(tok) -> bool:
    if not _article(tok, ("the",)) or not _count_singular(tok.head):
        return False
    between = tok.doc[tok.i + 1: tok.head.i]
    return not any(t.tag_ == "JJS" or t.lower_ in ORDINAL_LIKE for t in between) and tok.head.lower_ not in ORDINAL_LIKE


def _plain_indefinite(tok) -> bool:
    return _article(tok, ("a", "an")) and tok.head.lower_ not in QUANTITY_NOUNS


@RULES.func(60, "Use of definite article where StE has indefinite article")
def the_for_a(doc):
    for tok in tokens(doc):
        if _plain_indefinite(tok) and tok.head.dep_ != "attr":
            yield Hit(tok.i, tok.i + 1, (match_case("the", tok.text),))


@RULES.func(61, "Use of indefinite article where StE has definite article")
def a_for_the(doc):
    for tok in tokens(doc):
        if _definite_the(tok) and tok.i + 1 < len(doc):
            yield Hit(tok.i, tok.i + 1, (match_case(indefinite(doc[tok.i + 1].text), tok.text),))


@RULES.func(62, "Use of zero article where StE has definite article")
def zero_for_the(doc):
    for tok in tokens(doc):
        if _definite_the(tok):
            yield Hit(tok.i, tok.i + 1, ())


@RULES.func(63, "Use of zero article where StE has indefinite article")
def zero_for_a(doc):
    for tok in tokens(doc):
        if _plain_indefinite(tok):
            yield Hit(tok.i, tok.i + 1, ())


@RULES.func(64, "Use of definite article where StE favours zero")
def the_for_zero(doc):
    """*Do they keep goats?* -> *Do they keep the goats?* (bare object nouns)."""
    for tok in tokens(doc):
        if tok.tag_ not in ("NNS", "NN") or tok.dep_ not in ("dobj", "pobj") or _dets(tok):
            continue
        if tok.tag_ == "NN" and tok.lower_ not in ("hunger", "thirst", "cold", "flu", "fever", "measles"):
            continue
        left = tok.left_edge
        if left.tag_ in ("DT", "PRP$", "CD", "WDT", "WP$", "POS") or left.lower_ in QUANTIFIERS \
                or any(t.dep_ in ("poss", "case") for t in doc[left.i: tok.i]):
            continue
        yield Hit(left.i, left.i, ("the",))


def _approximate_numbers(doc):
    """*about three fields* -> *about a three fields* (approximating *about*)."""
    for tok in tokens(doc):
        if tok.lower_ in ("about", "around", "some") and tok.dep_ == "advmod" and tok.i + 2 < len(doc):
            num, noun = doc[tok.i + 1], doc[tok.i + 2]
            if num.like_num and num.lower_ not in ("one", "1") and noun.tag_ == "NNS":
                yield Hit(tok.i + 1, tok.i + 1, ("a",))


@RULES.func(65, "Use of indefinite article where StE favours zero")
def a_before_mass(doc):
    """*He gave me good advice* -> *He gave me a good advice*; *We have
    homework* -> *We have a homework* (a bare mass noun counted)."""
    yield from _approximate_numbers(doc)
    for tok in tokens(doc):
        if tok.tag_ != "NN" or tok.lower_ not in MASS_NOUNS or tok.dep_ not in ("dobj", "attr", "pobj") \
                or _dets(tok) or _portion_of(tok):
            continue
        first = tok.left_edge
        if first.tag_ in ("DT", "PRP$", "CD", "WDT", "WP$", "POS") or first.lower_ in QUANTIFIERS \
                or any(t.dep_ in ("poss", "case", "compound") for t in doc[first.i: tok.i]):
            continue
        yield Hit(first.i, first.i, (indefinite(first.text),))


@RULES.func(66, "Indefinite article one/wan")
def one_for_a(doc):
    for tok in tokens(doc):
        if _plain_indefinite(tok) and tok.head.dep_ != "attr":
            yield Hit(tok.i, tok.i + 1, (match_case("one", tok.text),))


@RULES.func(67, "Demonstratives for definite articles")
def demonstrative_for_the(doc):
    for tok in tokens(doc):
        if _article(tok, ("the",)) and tok.head.tag_ in ("NN", "NNS"):
            new = "those" if tok.head.tag_ == "NNS" else "that"
            if tok.head.tag_ == "NN" and not _definite_the(tok):
                continue
            yield Hit(tok.i, tok.i + 1, (match_case(new, tok.text),))


RULES.lex(68, "Them instead of demonstrative those", {"those": "them"}, DEP="det")


@RULES.func(70, "Proximal and distal demonstratives with  \u02bchere\u02bc and  \u02bcthere\u02bc")
def this_here(doc):
    adverb = {"this": "here", "these": "here", "that": "there", "those": "there"}
    for tok in tokens(doc):
        if tok.dep_ == "det" and tok.lower_ in adverb and tok.head.pos_ == "NOUN" \
                and tok.head.dep_ not in ("npadvmod", "tmod") and tok.head.lower_ not in TEMPORAL:
            yield Hit(tok.i + 1, tok.i + 1, (adverb[tok.lower_],))


RULES.lex(71, "No number distinction in demonstratives", {"these": "this", "those": "that"}, DEP="det")


def _possessives(doc):
    """``(start, case, noun)`` for simple prenominal genitives *(the) X's N*:
    ``doc[start:case]`` is the possessor phrase, ``noun`` the possessed head."""
    for case in tokens(doc):
        if case.tag_ != "POS":
            continue
        owner = case.head
        noun = owner.head
        if owner.dep_ != "poss" or noun.pos_ not in ("NOUN",) or noun.i <= case.i:
            continue
        start = owner.left_edge.i
        if any(t.dep_ == "poss" and any(g.tag_ == "POS" for g in t.children) for t in owner.children) \
                or _dets(noun) != [owner] or doc[start].lower_ in ("a", "an"):
            continue
        yield start, case.i, noun


def _owner_tokens(doc, start, case):
    owner_toks = [t.text for t in doc[start: case]]
    if start == 0 and doc[start].pos_ != "PROPN" and doc[start].text != "I":
        owner_toks[0] = owner_toks[0][0].lower() + owner_toks[0][1:]
    return owner_toks


def _postposed_possessor(doc, word):
    for start, case, noun in _possessives(doc):
        middle = [t.text for t in doc[case + 1: noun.i + 1]]
        yield Hit(start, noun.i + 1, tuple(["the"] + middle + [word] + _owner_tokens(doc, start, case)))


@RULES.func(75, "Phrases with for + noun to express possession: for-phrase preceding possessed NP")
def for_possession_preceding(doc):
    """*my sister's husband* -> *for my sister husband*."""
    for start, case, noun in _possessives(doc):
        yield Hit(start, case + 1, tuple(["for"] + _owner_tokens(doc, start, case)))


@RULES.func(76, "Postnominal phrases with bilong/blong/long/blo to express possession")
def blong_possession(doc):
    """*the man's dog* -> *the dog blong the man*."""
    return _postposed_possessor(doc, "blong")


POSSESSOR_OBJECT = {"my": "me", "your": "you", "his": "him", "her": "her", "our": "us", "their": "them"}


@RULES.func(74, "Phrases with for + noun to express possession: for-phrase following possessed NP")
def for_possession(doc):
    """*John's knife* -> *the knife for John*."""
    for case in tokens(doc):
        if case.tag_ != "POS":
            continue
        owner = case.head
        noun = owner.head
        if owner.dep_ != "poss" or noun.pos_ not in ("NOUN",) or noun.i <= case.i:
            continue
        start = owner.left_edge.i
        if any(t.dep_ == "poss" for t in owner.children) or _dets(noun) != [owner] \
                or doc[start].lower_ in ("a", "an"):
            continue
        owner_toks = [t.text for t in doc[start: case.i]]
        if start == 0 and doc[start].pos_ != "PROPN":
            owner_toks[0] = owner_toks[0][0].lower() + owner_toks[0][1:]
        middle = [t.text for t in doc[case.i + 1: noun.i + 1]]
        yield Hit(start, noun.i + 1, tuple(["the"] + middle + ["for"] + owner_toks))
    for poss in tokens(doc):
        # *my house* -> *the house for me* (the eWAVE example): a possessive
        # determiner becomes a for-phrase with the object pronoun
        noun = poss.head
        if poss.tag_ != "PRP$" or poss.dep_ != "poss" or poss.lower_ not in POSSESSOR_OBJECT \
                or noun.pos_ != "NOUN" or noun.i <= poss.i or _dets(noun) != [poss] \
                or any(c.dep_ in ("prep", "relcl", "acl", "conj") for c in noun.children):
            continue
        if any(t.is_punct or t.head.i != noun.i for t in doc[poss.i + 1: noun.i]):
            continue
        middle = list(doc[poss.i + 1: noun.i + 1])
        yield Hit.of(poss.i, noun.i + 1, [match_case("the", poss.text)] + middle + ["for", POSSESSOR_OBJECT[poss.lower_]])


@RULES.func(77, "Omission of genitive suffix; possession expressed through bare juxtaposition of nouns")
def bare_genitive(doc):
    for tok in tokens(doc):
        if tok.tag_ == "POS" and tok.head.pos_ in ("NOUN", "PROPN"):
            yield Hit(tok.i, tok.i + 1, ())


def _plain_plural(tok):
    """A plural common noun heading its phrase (not a compound modifier, not
    before a genitive), with its singular: ``(singular, determiner or None)``."""
    if not _is_plural_noun(tok) or tok.dep_ in ("compound", "poss", "npadvmod") or tok.pos_ != "NOUN":
        return None
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    if nxt is not None and (nxt.tag_ == "POS" or nxt.dep_ == "compound"):
        return None
    lemma = tok.lemma_.lower()
    if not lemma.isalpha() or lemma == tok.lower_ or tok.lower_ in PLURALIA_TANTUM:
        return None
    dets = _dets(tok)
    if any(d.dep_ in ("nummod", "predet") or d.lower_ not in ("the", "my", "your", "his", "her", "our", "their")
           for d in dets) or any(c.dep_ == "amod" and c.lower_ in QUANTIFIERS for c in tok.children):
        return None
    return match_case(lemma, tok.text), (dets[0] if dets else None)


def _plural_conjuncts(noun):
    """Bare plural nouns coordinated with ``noun`` (*the shoulders and arms*):
    each ``(token, singular)``, when only *and*/*or*/commas stand between."""
    out = []
    cur = noun
    while True:
        nxt = next((c for c in cur.children if c.dep_ == "conj" and c.i > cur.i), None)
        if nxt is None:
            return out
        between = noun.doc[cur.right_edge.i + 1: nxt.left_edge.i]
        if nxt.tag_ != "NNS" or nxt.left_edge.i != nxt.i or not all(t.lower_ in ("and", "or", ",") for t in between) \
                or nxt.lower_ in PLURALIA_TANTUM or not nxt.lemma_.isalpha() or nxt.lemma_.lower() == nxt.lower_:
            return out
        out.append((nxt, match_case(nxt.lemma_.lower(), nxt.text)))
        cur = nxt


def _with_conjuncts(doc, start, noun, head_words, marker_after=None):
    """Tokens for ``doc[start: last conjunct + 1]``: ``head_words`` for
    ``doc[start: noun + 1]``, then each coordinated plural singular too (and
    ``marker_after`` after the last), so a coordination is rewritten whole."""
    conj = _plural_conjuncts(noun)
    parts = list(head_words)
    k = noun.i + 1
    for tok, singular in conj:
        parts += list(doc[k: tok.i]) + [singular]
        k = tok.i + 1
    if marker_after:
        parts.append(marker_after)
    return Hit.of(start, k, parts)


@RULES.func(50, "Plural marking via preposed elements")
def preposed_plural(doc):
    """*The boys will come* -> *Dem boy will come*: the plural marker *dem*
    takes the place of the article and the noun is singular."""
    for tok in tokens(doc):
        found = _plain_plural(tok)
        if found is None or found[1] is None or found[1].lower_ != "the" or found[1].i != tok.left_edge.i:
            continue
        det = found[1]
        middle = list(doc[det.i + 1: tok.i])
        yield _with_conjuncts(doc, det.i, tok, [match_case("dem", det.text)] + middle + [found[0]])


@RULES.func(51, "Plural marking via postposed elements")
def postposed_plural(doc):
    """*the boys* -> *the boy dem*: a singular noun followed by *dem*."""
    for tok in tokens(doc):
        found = _plain_plural(tok)
        if found is None or found[1] is None:
            continue
        yield _with_conjuncts(doc, tok.i, tok, [found[0]], marker_after="dem")


POSSESSIVE_OF = {"i": "my", "you": "your", "we": "our", "they": "their", "he": "his", "she": "her"}


@RULES.func(73, "Existential construction to express possessive")
def existential_possessive(doc):
    """*I have a car.* -> *My car is there.* (possession said as the existence
    of the possessed thing)."""
    for have in tokens(doc):
        if have.lemma_ != "have" or have.tag_ not in ("VBP", "VBZ", "VBD") or have.pos_ != "VERB" \
                or have.dep_ != "ROOT" or any(c.dep_ in ("aux", "neg", "prt", "dative") for c in have.children):
            continue
        subj = next((c for c in have.children if c.dep_ == "nsubj"), None)
        obj = next((c for c in have.children if c.dep_ == "dobj"), None)
        if subj is None or obj is None or subj.lower_ not in POSSESSIVE_OF or subj.i != have.i - 1 \
                or obj.tag_ not in ("NN", "NNS") or obj.left_edge.i != have.i + 1:
            continue
        end = obj.right_edge.i + 1
        if any(not t.is_punct for t in doc[end:]) or any(c.dep_ in ("prep", "relcl", "acl") for c in obj.children):
            continue
        dets = [d for d in _dets(obj) if d.dep_ != "nummod"]
        first = obj.left_edge.i
        if dets and dets[0].i == first and dets[0].lower_ in ("a", "an"):
            first += 1
        elif dets:
            continue
        poss = match_case(POSSESSIVE_OF[subj.lower_], subj.text)
        plural = obj.tag_ == "NNS"
        be = ("were" if plural else "was") if have.tag_ == "VBD" else ("are" if plural else "is")
        yield Hit(subj.i, end, (poss,) + tuple(t.text for t in doc[first:end]) + (be, "there"))
