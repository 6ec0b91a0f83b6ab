"""English morphology and parse helpers shared by the feature rules.

Verb and noun inflection comes from ``lemminflect`` (its lexicon for the
standard forms, its out-of-vocabulary rules for the regularized forms such
as *catched*, *knowed*, *childs*).  It is imported on first use.
"""
from __future__ import annotations

import functools
from typing import Optional

# ------------------------------------------------------------------ words
SUBJ_TO_OBJ = {"i": "me", "he": "him", "she": "her", "we": "us", "they": "them", "you": "you", "it": "it"}
OBJ_TO_SUBJ = {v: ("I" if k == "i" else k) for k, v in SUBJ_TO_OBJ.items() if k not in ("you", "it")}
PERSONAL = {"i", "me", "you", "he", "him", "she", "her", "it", "we", "us", "they", "them"}
NEGATIVE_OF = {"any": "no", "anything": "nothing", "anybody": "nobody", "anyone": "nobody",
               "anywhere": "nowhere", "ever": "never", "either": "neither", "anymore": "no more"}
BE_PRESENT = {"am", "is", "are", "'m", "'s", "'re"}
BE_PAST = {"was", "were"}
HAVE_FORMS = {"have", "has", "'ve", "had", "'d"}
CLITICS = {"n't", "'s", "'m", "'re", "'ve", "'ll", "'d", "'S", "'M", "'RE", "'VE", "'LL", "'D", "N'T"}
HABITUAL_ADVERBS = {"always", "usually", "often", "sometimes", "normally", "generally", "regularly",
                    "constantly", "frequently", "typically"}


def match_case(new: str, old: str) -> str:
    """Give ``new`` the casing of ``old`` (UPPER, Title or lower)."""
    if not new or not old:
        return new
    if old == "I":  # capital only as a pronoun; the engine recapitalizes sentence starts
        return new if new == "I" else new[0].lower() + new[1:]
    if old.isupper() and len(old) > 1 and old.isalpha():
        return new.upper()
    if old[0].isupper():
        return new[0].upper() + new[1:]
    if new == "I":
        return new
    return new[0].lower() + new[1:]


def indefinite(word: str) -> str:
    """``a`` or ``an`` before ``word`` (by sound, with the usual exceptions)."""
    w = word.lower()
    if w.startswith(("hour", "honest", "honour", "honor", "heir")):
        return "an"
    if w.startswith(("uni", "use", "usu", "uti", "eu", "one", "once", "ewe", "uk", "ura", "ure")):
        return "a"
    if len(w) == 1 or (w.isupper() and len(w) <= 4):
        return "an" if w[0] in "aefhilmnorsx" else "a"
    return "an" if w[:1] in "aeiou" else "a"


# ------------------------------------------------------------- inflection
@functools.lru_cache(maxsize=4096)
def _inflect(lemma: str, tag: str) -> Optional[str]:
    from lemminflect import getInflection

    forms = getInflection(lemma, tag=tag, inflect_oov=True)
    return forms[0] if forms else None


@functools.lru_cache(maxsize=4096)
def _regular(lemma: str, upos: str, tag: str) -> Optional[str]:
    from lemminflect import getAllInflectionsOOV

    forms = getAllInflectionsOOV(lemma, upos=upos).get(tag)
    return forms[0] if forms else None


def lemma_of(tok) -> str:
    lem = tok.lemma_.lower()
    if tok.lower_ in ("'s", "'re", "'m", "ai"):
        return "be"
    if tok.lower_ == "'ve":
        return "have"
    if tok.lower_ in ("'ll", "wo"):
        return "will"
    if tok.lower_ == "ca":
        return "can"
    return lem or tok.lower_


@functools.lru_cache(maxsize=4096)
def _lemmas(word: str):
    from lemminflect import getLemma

    return tuple(getLemma(word, upos="VERB"))


def past(lemma: str) -> str:
    return _inflect(lemma, "VBD") or lemma + "ed"


def participle(lemma: str) -> str:
    return _inflect(lemma, "VBN") or lemma + "ed"


def third_singular(lemma: str) -> str:
    return _inflect(lemma, "VBZ") or lemma + "s"


def gerund(lemma: str) -> str:
    return _inflect(lemma, "VBG") or lemma + "ing"


def regular_past(lemma: str) -> str:
    """The regularized ``-ed`` form (``catch`` -> ``catched``)."""
    return _regular(lemma, "VERB", "VBD") or lemma + "ed"


def is_irregular(lemma: str) -> bool:
    return past(lemma) != regular_past(lemma) or participle(lemma) != regular_past(lemma)


def plural(lemma: str) -> str:
    return _inflect(lemma, "NNS") or lemma + "s"


def regular_plural(lemma: str) -> str:
    return _regular(lemma, "NOUN", "NNS") or lemma + "s"


def comparative(lemma: str) -> Optional[str]:
    return _regular(lemma, "ADJ", "JJR")


def superlative(lemma: str) -> Optional[str]:
    return _regular(lemma, "ADJ", "JJS")


@functools.lru_cache(maxsize=4096)
def is_known_adjective(word: str) -> bool:
    from lemminflect import getAllInflections

    return bool(getAllInflections(word, upos="ADJ"))


# ----------------------------------------------------------------- parse
def memo(doc, key, fn):
    """``fn(doc)`` computed once per parsed doc (kept in ``doc.user_data``):
    the rules read the same parse, so shared scans run once per sentence."""
    cache = doc.user_data.setdefault("dialect.memo", {})
    if key not in cache:
        cache[key] = fn(doc)
    return cache[key]


def tokens(doc):
    """The doc's tokens as one list per doc (iterating a ``Doc`` builds new
    ``Token`` objects each time)."""
    return memo(doc, "tokens", list)


def subject_of(verb):
    """The nominal subject of ``verb`` (or of the verb an auxiliary serves)."""
    for tok in (verb, verb.head) if verb.dep_ in ("aux", "auxpass") else (verb,):
        for c in tok.children:
            if c.dep_ in ("nsubj", "nsubjpass", "expl"):
                return c
        if tok.dep_ == "conj" and tok.head.i != tok.i:
            return subject_of(tok.head)
    return None


def is_third_singular(subj) -> bool:
    """Third person singular subject (``he``, ``the dog``, ``John``)."""
    if subj is None:
        return False
    if any(c.dep_ == "conj" for c in subj.children):
        return False
    low = subj.lower_
    if low in ("he", "she", "it", "this", "that", "one", "everybody", "everyone", "nobody", "somebody",
               "someone", "anybody", "anyone", "something", "nothing", "everything", "anything", "who",
               "what", "which", "there"):
        return True
    if low in ("i", "you", "we", "they", "these", "those", "y'", "ye"):
        return False
    if subj.tag_ in ("NN", "NNP"):
        return True
    if subj.tag_ in ("NNS", "NNPS"):
        return False
    return subj.morph.get("Number") == ["Sing"] and subj.morph.get("Person") in ([], ["3"])


def be_present_for(subj) -> str:
    if subj is not None and subj.lower_ == "i":
        return "am"
    if subj is not None and subj.lower_ == "there":
        return "is"
    return "is" if is_third_singular(subj) else "are"


def be_past_for(subj) -> str:
    if subj is not None and subj.lower_ == "i":
        return "was"
    return "was" if is_third_singular(subj) else "were"


def neg_of(tok):
    """The ``not``/``n't``/``never`` child of ``tok`` (or of its head if aux)."""
    for c in tok.children:
        if c.dep_ == "neg":
            return c
    return None


def is_negated(verb) -> bool:
    if neg_of(verb) is not None:
        return True
    return any(neg_of(a) is not None for a in verb.children if a.dep_ in ("aux", "auxpass"))


def aux_children(verb):
    return [c for c in verb.children if c.dep_ in ("aux", "auxpass")]


def is_question(doc) -> bool:
    return len(doc) > 0 and doc[-1].text == "?"


def has_habitual_cue(verb) -> bool:
    """An adverb or ``every``-phrase marking habitual meaning in ``verb``'s clause."""
    for t in verb.subtree:
        if t.lower_ in HABITUAL_ADVERBS and t.head == verb:
            return True
        if t.lower_ == "every" and t.head.head == verb:
            return True
        if t.lower_ == "lot" and t.head == verb and t.i > 0 and t.doc[t.i - 1].lower_ == "a":
            return True
    return False


WEATHER_VERBS = {"rain", "snow", "hail", "drizzle", "pour", "thunder", "sleet", "freeze", "storm", "shower"}


def is_dummy_it(tok) -> bool:
    """``it`` without a referent: weather (*it rained*), extraposition
    (*it is hard to say*, *it seems that*), clefts and time (*it is late*)."""
    if tok.lower_ != "it":
        return False
    if tok.dep_ == "expl":
        return True
    head = tok.head
    if tok.dep_ not in ("nsubj", "nsubjpass"):
        return False
    if head.lemma_ in WEATHER_VERBS:
        return True
    for c in head.children:
        if c.dep_ in ("ccomp", "xcomp", "csubj") and c.i > tok.i:
            return True
        if c.dep_ in ("acomp", "attr") :
            if any(g.dep_ in ("xcomp", "ccomp", "relcl") for g in c.children):
                return True
            if c.lower_ in ("late", "early", "time", "dark", "cold", "hot", "warm", "sunny", "windy", "cloudy",
                            "foggy", "raining", "snowing"):
                return True
        if c.dep_ in ("nummod", "npadvmod") and c.like_num:
            return True
    return False


def is_finite_subject(tok) -> bool:
    """``tok`` is the subject of a finite clause (so it takes nominative case
    in StE); the subject of a bare small clause (*saw it burn*) is not."""
    if tok.dep_ not in ("nsubj", "nsubjpass"):
        return False
    head = tok.head
    if head.tag_ in ("VBD", "VBZ", "VBP", "MD"):
        return True
    return any(c.dep_ in ("aux", "auxpass") and c.tag_ in ("VBD", "VBZ", "VBP", "MD") for c in head.children)


NEGATED_AUX = {"can": ("ca", "n't"), "will": ("wo", "n't"), "shall": ("sha", "n't"), "am": ("ai", "n't")}


def negated(aux_word: str):
    """Tokens of the ``n't`` form of an auxiliary, spaCy style (``can`` ->
    ``ca`` + ``n't``), with the spaces between them."""
    low = aux_word.lower()
    toks = NEGATED_AUX.get(low, (low, "n't"))
    return (match_case(toks[0], aux_word), toks[1]), (False, True)


def operators(doc):
    """``(operator, negator)`` pairs: an auxiliary or copula directly followed
    by ``n't``/``not`` (*is n't*, *do not*, *wo n't*)."""
    return memo(doc, "operators", lambda d: list(_operators(d)))


def _operators(doc):
    for tok in tokens(doc):
        if tok.lower_ in ("n't", "not") and tok.i > 0:
            op = doc[tok.i - 1]
            if op.tag_ in ("MD", "VBZ", "VBP", "VBD", "VB") and (op.lemma_ in ("be", "have", "do") or op.tag_ == "MD"
                                                                  or lemma_of(op) in ("be", "have", "do")):
                yield op, tok


def surface(tok) -> str:
    """The token's text, lower-cased when it is a sentence-initial common word
    that a rule moves away from the start."""
    first = next((t for t in tok.doc if not (t.is_punct or t.is_space)), None)
    if first is not None and tok.i == first.i and tok.text != "I" and tok.pos_ != "PROPN" \
            and not (tok.text.isupper() and len(tok.text) > 1):
        return tok.text[0].lower() + tok.text[1:]
    return tok.text


def clause_subject_before(verb) -> bool:
    subj = subject_of(verb)
    return subj is not None and subj.i < verb.i


def verified_lemma(tok) -> Optional[str]:
    """The lemma of a verb token, only when re-inflecting it for the token's
    tag gives the token back (guards against lemmatizer slips such as
    *shining* -> *shin*)."""
    lemma = lemma_of(tok)
    low = tok.lower_
    tag = tok.tag_
    if tag == "VB" or (tag == "VBP" and lemma != "be"):
        ok = low == lemma and low in _lemmas(low)
    elif tag == "VBD":
        ok = low == past(lemma)
    elif tag == "VBN":
        ok = low == participle(lemma)
    elif tag == "VBZ":
        ok = low == third_singular(lemma)
    elif tag == "VBG":
        ok = low == gerund(lemma)
    else:
        ok = False
    return lemma if ok and lemma.isalpha() else None


def present_for(lemma: str, subj) -> str:
    """Present tense of ``lemma`` agreeing with ``subj``."""
    if lemma == "be":
        return be_present_for(subj)
    return third_singular(lemma) if is_third_singular(subj) else lemma


def perfect(doc):
    """``(have, verb)`` for present perfects *have/has/'ve + V-en*."""
    return memo(doc, "perfect", lambda d: list(_perfect(d)))


def _perfect(doc):
    for have in tokens(doc):
        if have.dep_ == "aux" and have.lower_ in ("have", "has", "'ve") and have.head.tag_ == "VBN" \
                and have.head.i > have.i:
            yield have, have.head


def verb_conjuncts(verb):
    """Verbs coordinated with ``verb`` under its subject and auxiliaries
    (*opens the door and walks inside*): each a later ``conj`` verb with no
    subject or auxiliary of its own, so a rewrite of the verb's tense or
    form applies to them too."""
    out = []
    cur = verb
    while True:
        nxt = next((c for c in cur.children if c.dep_ == "conj" and c.i > cur.i and c.pos_ == "VERB"), None)
        if nxt is None or any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "neg", "expl") for c in nxt.children):
            return out
        out.append(nxt)
        cur = nxt


def complement_end(verb) -> int:
    """Index of the last token of ``verb``'s objects and complements."""
    end = verb.i
    for c in verb.children:
        if c.i > verb.i and c.dep_ in ("dobj", "prep", "prt", "advmod", "npadvmod", "acomp", "attr", "dative",
                                       "oprd", "pobj"):
            end = max(end, c.right_edge.i)
    while end > verb.i and verb.doc[end].is_punct:
        end -= 1
    return end
