"""Adverbs, prepositions, clause linking and discourse: adjective-form
adverbs, *too* for *very*, preposition omission, clause-final *but*,
*anymore*, subject imperatives, *like* (eWAVE features 211-235)."""
from __future__ import annotations

from cs_synth.transforms.dialect.morph import is_known_adjective, match_case, subject_of
from cs_synth.transforms.dialect.morph import tokens
from cs_synth.transforms.dialect.rules import Hit, RuleSet

RULES = RuleSet("discourse")
WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "weekend"}
MOTION = {"go", "come", "walk", "drive", "run", "travel", "move", "return", "head", "get", "ride"}
PLACES = {"town", "school", "church", "market", "hospital", "work", "class", "college", "court", "prison",
          "jail", "university", "shop", "store", "city"}
SENTENCE_ADVERBS = {"finally", "actually", "usually", "really", "only", "recently", "nearly", "hardly", "simply",
                    "certainly", "probably", "especially", "exactly", "likely", "mostly", "generally", "totally",
                    "apparently", "obviously", "clearly", "surely", "early", "daily", "weekly", "fully", "merely",
                    "completely", "entirely", "immediately", "suddenly", "eventually", "currently", "possibly"}
ADVERB_ADJECTIVE = {"really": "real", "awfully": "awful", "terribly": "terrible", "extremely": "extreme",
                    "incredibly": "incredible", "mighty": "mighty", "truly": "true", "seriously": "serious",
                    "dreadfully": "dreadful", "remarkably": "remarkable", "exceptionally": "exceptional"}


def _end_of_sentence(doc) -> int:
    end = len(doc)
    while end > 0 and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return end


@RULES.func(211, "Clause-final but = \u02bcthough\u02bc")
def final_but(doc):
    """*I wasn't so very cold, though.* -> *I wasn't so very cold but.*"""
    end = _end_of_sentence(doc)
    if end > 1 and doc[end - 1].lower_ == "though" and doc[end - 1].dep_ == "advmod":
        start = end - 2 if doc[end - 2].text == "," else end - 1
        yield Hit(start, end, ("but",))


@RULES.func(215, "Conjunction doubling: correlative conj.s")
def correlative_but(doc):
    """*Although you are smart, you are not appreciated* -> *..., but you are ...*"""
    for mark in tokens(doc):
        if mark.lower_ not in ("although", "though") or mark.dep_ != "mark" or mark.head.dep_ != "advcl":
            continue
        clause = mark.head
        main = clause.head
        after = clause.right_edge.i + 1
        if after < len(doc) and doc[after].text == "," and main.i > after:
            first = next((t for t in doc[after + 1:] if not t.is_space), None)
            if first is not None and first.lower_ != "but":
                yield Hit(after + 1, after + 1, ("but",))


@RULES.func(216, "Omission of StE prepositions")
def omit_preposition(doc):
    """*She went to town* -> *She went town*; *on Tuesday* -> *Tuesday*."""
    for prep in tokens(doc):
        if prep.dep_ != "prep":
            continue
        objs = [c for c in prep.children if c.dep_ == "pobj"]
        if len(objs) != 1 or objs[0].i != prep.i + 1:
            continue
        obj = objs[0]
        if prep.lower_ == "to" and prep.head.lemma_ in MOTION and obj.lower_ in PLACES:
            yield Hit(prep.i, prep.i + 1, ())
        elif prep.lower_ == "on" and obj.lower_ in WEEKDAYS:
            yield Hit(prep.i, prep.i + 1, ())
    for of in tokens(doc):  # *He came out of hospital* -> *He came out hospital*
        if of.lower_ == "of" and of.dep_ == "prep" and of.i > 0 and doc[of.i - 1].lower_ == "out" \
                and of.head.i == of.i - 1 and doc[of.i - 1].head.pos_ == "VERB":
            yield Hit(of.i, of.i + 1, ())


RULES.lex(218, "Affirmative anymore \u2018nowadays\u2019", {"nowadays": "anymore", "these days": "anymore"})


@RULES.func(220, "Degree modifier adverbs have the same form as adjectives")
def degree_adverbs(doc):
    """*really good* -> *real good*."""
    for tok in tokens(doc):
        if tok.dep_ == "advmod" and tok.head.pos_ in ("ADJ", "ADV") and tok.head.i == tok.i + 1:
            new = ADVERB_ADJECTIVE.get(tok.lower_)
            if new and new != tok.lower_:
                yield Hit(tok.i, tok.i + 1, (match_case(new, tok.text),))


@RULES.func(221, "Other adverbs have the same form as adjectives")
def manner_adverbs(doc):
    """*Come quickly!* -> *Come quick!*"""
    for tok in tokens(doc):
        if tok.dep_ != "advmod" or tok.head.pos_ != "VERB" or not tok.lower_.endswith("ly") or len(tok.text) < 5 \
                or tok.i < tok.head.i or tok.lower_ in SENTENCE_ADVERBS:
            continue  # manner adverbs follow the verb; sentence adverbs keep -ly
        low = tok.lower_
        candidates = [low[:-2]]
        if low.endswith("ily"):
            candidates.append(low[:-3] + "y")
        if low.endswith("ably") or low.endswith("ibly"):
            candidates.append(low[:-1] + "e")
        for adj in candidates:
            if adj not in ("on", "ear", "ful", "kind") and is_known_adjective(adj):
                yield Hit(tok.i, tok.i + 1, (match_case(adj, tok.text),))
                break


@RULES.func(222, "Too; too much; very much \u2018very\u2019 as qualifier")
def too_for_very(doc):
    """*It is very difficult* -> *It is too difficult*."""
    for tok in tokens(doc):
        if tok.lower_ == "very" and tok.dep_ == "advmod" and tok.head.tag_ in ("JJ", "RB") \
                and not (tok.i > 0 and doc[tok.i - 1].lower_ in ("so", "the", "too", "not")):
            yield Hit(tok.i, tok.i + 1, (match_case("too", tok.text),))


@RULES.func(233, "Presence of subject in imperatives")
def imperative_subject(doc):
    """*Go there!* -> *Go you there!*"""
    words = [t for t in tokens(doc) if not (t.is_punct or t.is_space)]
    if not words or doc[-1].text not in ("!", ".") or words[0].tag_ != "VB" or words[0].dep_ != "ROOT":
        return
    verb = words[0]
    if subject_of(verb) is None and not any(c.dep_ in ("aux", "neg") for c in verb.children) \
            and verb.lower_ not in ("please", "let", "thank"):
        yield Hit(verb.i + 1, verb.i + 1, ("you",))


@RULES.func(234, "Like as a focussing device")
def like_focus(doc):
    """*That was three pounds* -> *That was like three pounds* (before a
    number it hedges); otherwise clause-final: *How did you get away with
    that?* -> *How did you get away with that like?*"""
    quantity = [t for t in tokens(doc) if t.dep_ == "nummod" and t.like_num and t.i == t.head.left_edge.i
                and t.lower_ not in ("one", "1")
                and t.head.dep_ in ("attr", "dobj", "pobj", "npadvmod") and (t.i == 0 or doc[t.i - 1].lower_ != "like")]
    if quantity:
        for t in quantity:
            yield Hit(t.i, t.i, ("like",))
        return
    end = _end_of_sentence(doc)
    if 2 < end < len(doc) and doc[end].text in ("?", "!", ".") and doc[end - 1].lower_ != "like" \
            and doc[end - 1].is_alpha:
        yield Hit(end, end, ("like",))


@RULES.func(235, "Like as a quotative particle")
def quotative_like(doc):
    """*She said, "What do you mean?"* -> *She was like, "What do you mean?"*"""
    for tok in tokens(doc):
        if tok.lemma_ != "say" or tok.tag_ not in ("VBD", "VBZ", "VBP"):
            continue
        subj = subject_of(tok)
        quote = next((t for t in doc[tok.i + 1: tok.i + 3] if t.text in ('"', "``", "\u201c")), None)
        if subj is None or subj.i > tok.i or quote is None:
            continue
        if tok.tag_ == "VBD":
            be = "was" if subj.lower_ in ("i", "he", "she", "it") or subj.tag_ in ("NN", "NNP") else "were"
        else:
            be = {"i": "am"}.get(subj.lower_, "is" if tok.tag_ == "VBZ" else "are")
        yield Hit(tok.i, tok.i + 1, (be, "like"))


# ----------------------------------------------------- issue 11 additions
@RULES.func(212, "Clause-final but = \u02bcreally\u02bc")
def final_but_really(doc):
    """*I am really afraid of dogs.* -> *I am afraid of dogs, but.*"""
    end = _end_of_sentence(doc)
    for tok in tokens(doc):
        if tok.lower_ != "really" or tok.dep_ != "advmod":
            continue
        head = tok.head
        if not (head.dep_ == "ROOT" or (head.dep_ == "acomp" and head.head.dep_ == "ROOT")):
            continue
        if any(t.lower_ == "but" for t in doc[tok.i: end]):
            continue
        yield Hit.of(tok.i, end, list(doc[tok.i + 1: end]) + [",", "but"])
        return


@RULES.func(213, "No subordination; chaining construction linking two main verbs (motion and activity)")
def motion_chaining(doc):
    """*I went there to work* -> *I went there work*: a purpose infinitive
    after a verb of motion loses *to*."""
    for to in tokens(doc):
        if to.lower_ != "to" or to.i + 1 >= len(doc):
            continue
        if to.tag_ == "TO" and to.dep_ == "aux":
            verb, motion = to.head, to.head.head
        elif to.dep_ == "prep" and doc[to.i + 1].tag_ == "VB" and doc[to.i + 1].head.i == to.i:
            verb, motion = doc[to.i + 1], to.head  # *went there to work* parsed as a PP
        else:
            continue
        if verb.tag_ == "VB" and verb.i == to.i + 1 and verb.dep_ in ("advcl", "xcomp", "pobj") \
                and motion.lemma_ in MOTION and motion.i < to.i:
            yield Hit(to.i, to.i + 1, ())


@RULES.func(214, "Conjunction doubling: clause + conj. + conj. + clause")
def conjunction_doubling(doc):
    """*He has been here five years, but he is not tired* -> *..., but yet he
    is not tired*; *still he is* -> *still yet he is*."""
    for cc in tokens(doc):
        if cc.lower_ not in ("but", "still") or cc.i + 1 >= len(doc):
            continue
        if cc.lower_ == "but" and cc.dep_ == "cc":
            second = next((c for c in cc.head.children if c.dep_ == "conj" and c.i > cc.i), None)
            if second is None or not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in second.children):
                continue
            if doc[cc.i + 1].lower_ in ("yet", "still", "also"):
                continue
            yield Hit(cc.i + 1, cc.i + 1, ("yet",))
        elif cc.lower_ == "still" and cc.dep_ == "advmod" and cc.i > 0 and doc[cc.i - 1].text == "," \
                and doc[cc.i + 1].dep_ in ("nsubj", "expl"):
            yield Hit(cc.i + 1, cc.i + 1, ("yet",))


@RULES.func(223, "Other options for clefting than StE")
def progressive_cleft(doc):
    """*A lot of them are looking for more land* -> *It's looking for more
    land a lot of them are* (the predicate first, the subject and *be* after)."""
    for verb in tokens(doc):
        if verb.tag_ != "VBG" or verb.dep_ != "ROOT":
            continue
        be = [c for c in verb.children if c.dep_ == "aux" and c.lemma_ == "be" and c.i == verb.i - 1]
        subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if not be or subj is None or subj.left_edge.i != 0 or subj.right_edge.i + 1 != be[0].i \
                or be[0].text.startswith("'"):
            continue
        end = _end_of_sentence(doc)
        if any(t.dep_ == "cc" for t in doc[verb.i: end]):
            continue
        yield Hit.of(0, end, ["It", "'s"] + list(doc[verb.i: end]) + [surface_word(t) for t in doc[0: be[0].i]]
                     + [be[0].lower_])


def surface_word(tok):
    from cs_synth.transforms.dialect.morph import surface

    return surface(tok)


@RULES.func(224, "Other possibilities for fronting than StE")
def pp_fronting(doc):
    """*I sometimes speak English to my sister* -> *To my sister I sometimes
    speak English*: the last prepositional phrase of the main clause moves to
    the front, without a comma."""
    end = _end_of_sentence(doc)
    root = next((t for t in tokens(doc) if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ not in ("VERB", "AUX") or end < 4:
        return
    subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or subj.left_edge.i != 0:
        return
    preps = [c for c in root.children if c.dep_ in ("prep", "dative") and c.i > root.i and c.right_edge.i == end - 1]
    if not preps:
        return
    prep = preps[-1]
    if not any(c.dep_ == "pobj" for c in prep.children):
        return
    pp = list(doc[prep.i: end])
    yield Hit.of(0, end, pp + [surface_word(doc[0])] + list(doc[1: prep.i]))


WH_WORDS = {"what", "who", "where", "when", "how", "why", "which"}


@RULES.func(230, "Doubly filled COMP-position with wh-words")
def wh_that(doc):
    """*I wonder what he wants* -> *I wonder what that he wants* (an
    embedded wh-clause with *that* after the wh-word)."""
    for wh in tokens(doc):
        if wh.lower_ not in WH_WORDS or wh.tag_ not in ("WP", "WRB", "WDT"):
            continue
        clause = wh.head
        if clause.dep_ not in ("ccomp", "xcomp", "advcl", "pcomp") or clause.i <= wh.i + 1:
            continue
        if wh.i + 1 < len(doc) and doc[wh.i + 1].dep_ in ("nsubj", "nsubjpass") and wh.dep_ not in ("nsubj",
                                                                                                   "nsubjpass"):
            yield Hit(wh.i + 1, wh.i + 1, ("that",))


DITRANSITIVE = {"give", "show", "send", "hand", "tell", "bring", "lend", "pass", "throw", "sell", "offer", "teach"}


@RULES.func(232, "Either order of objects in double object constructions (if both objects are pronominal)")
def pronoun_object_order(doc):
    """*He couldn't give it to him* -> *He couldn't give him it*; *give me
    it* -> *give it me*."""
    for verb in tokens(doc):
        if verb.lemma_ not in DITRANSITIVE or verb.pos_ != "VERB":
            continue
        dobj = next((c for c in verb.children if c.dep_ == "dobj" and c.tag_ == "PRP"), None)
        dative = next((c for c in verb.children if c.dep_ == "dative"), None)
        if dobj is None or dative is None:
            continue
        if dative.lower_ == "to" and dative.i == dobj.i + 1 and dobj.i == verb.i + 1:
            pobj = next((c for c in dative.children if c.dep_ == "pobj" and c.tag_ == "PRP"), None)
            if pobj is not None and pobj.i == dative.i + 1:
                yield Hit(dobj.i, pobj.i + 1, (pobj.text, dobj.text))
        elif dative.tag_ == "PRP" and dative.i == verb.i + 1 and dobj.i == dative.i + 1:
            yield Hit(dative.i, dobj.i + 1, (dobj.text, dative.text))
