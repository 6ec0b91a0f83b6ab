"""Tense, aspect and modality: progressive, habitual, perfect, future and
modal features (eWAVE features 88-127, 144-147)."""
from __future__ import annotations

from transforms.dialect.morph import (be_past_for, be_present_for, complement_end, gerund, has_habitual_cue,
                                      is_negated, is_third_singular, lemma_of, match_case, participle, past,
                                      perfect, present_for, subject_of, surface, third_singular, verified_lemma)
from transforms.dialect.rules import Hit, RuleSet

RULES = RuleSet("tense_aspect")
STATIVE = {"like", "love", "want", "know", "need", "understand", "believe", "hate", "own", "prefer", "remember",
           "mean", "seem", "think", "wish", "feel", "belong", "contain", "have"}
PAST_TIME = {"yesterday", "ago", "last"}


def _declarative_subject(verb):
    subj = subject_of(verb)
    if subj is None or subj.i > verb.i:
        return None
    return subj


def _simple_lexical(verb, tags):
    """A finite lexical verb with no auxiliaries, not negated, in a
    declarative clause; returns its subject."""
    if verb.tag_ not in tags or verb.pos_ != "VERB" or verb.dep_ in ("aux", "auxpass"):
        return None
    if any(c.dep_ in ("aux", "auxpass", "neg") for c in verb.children):
        return None
    return _declarative_subject(verb)


@RULES.func(88, "Wider range of uses of progressive be + V-ing than in StE: extension to stative verbs")
def stative_progressive(doc):
    """*I like this* -> *I am liking this*."""
    for verb in doc:
        subj = _simple_lexical(verb, ("VBP", "VBZ", "VBD"))
        lemma = verified_lemma(verb) if subj is not None else None
        if lemma in STATIVE and lemma != "have":
            be = be_past_for(subj) if verb.tag_ == "VBD" else be_present_for(subj)
            yield Hit(verb.i, verb.i + 1, (be, gerund(lemma)))


HABITUAL_ADVERBS = {"always", "usually", "often", "sometimes", "normally", "generally", "regularly"}


@RULES.func(90, "Invariant be as habitual marker")
def habitual_be(doc):
    """*He is always sick* -> *He always be sick*."""
    for be in doc:
        if be.lower_ not in ("is", "are", "am", "'s", "'re", "'m") or lemma_of(be) != "be":
            continue
        head = be.head if be.dep_ == "aux" else be
        if _declarative_subject(be) is None or is_negated(head):
            continue
        nxt = doc[be.i + 1] if be.i + 1 < len(doc) else None
        if nxt is not None and nxt.lower_ in HABITUAL_ADVERBS:
            yield Hit(be.i, be.i + 2, (nxt.text, "be"))
        elif has_habitual_cue(head):
            yield Hit(be.i, be.i + 1, ("be",))


@RULES.func(91, "Do as habitual marker")
def habitual_do(doc):
    """*He catches fish every day* -> *He does catch fish every day*."""
    for verb in doc:
        subj = _simple_lexical(verb, ("VBZ", "VBP"))
        lemma = verified_lemma(verb) if subj is not None else None
        if lemma and lemma not in ("be", "have") and has_habitual_cue(verb):
            do = "does" if verb.tag_ == "VBZ" else "do"
            yield Hit(verb.i, verb.i + 1, (do, lemma))


@RULES.func(92, "Other non-standard habitual markers: synthetic")
def habitual_s(doc):
    """*I drink three cups every day* -> *I drinks three cups every day*."""
    for verb in doc:
        subj = _simple_lexical(verb, ("VBP",))
        lemma = verified_lemma(verb) if subj is not None else None
        if lemma and lemma != "be" and has_habitual_cue(verb):
            yield Hit(verb.i, verb.i + 1, (match_case(third_singular(lemma), verb.text),))


@RULES.func(93, "Other non-standard habitual markers: analytic")
def habitual_do_be(doc):
    """*He is sick a lot* -> *He do be sick a lot*."""
    for be in doc:
        if be.lower_ not in ("is", "are", "am") or be.dep_ in ("aux", "auxpass") or lemma_of(be) != "be":
            continue
        if _declarative_subject(be) is not None and not is_negated(be) and has_habitual_cue(be):
            yield Hit(be.i, be.i + 1, ("do", "be"))


@RULES.func(95, "Be sat/stood with progressive meaning")
def be_sat_stood(doc):
    forms = {"sitting": "sat", "standing": "stood"}
    for tok in doc:
        if tok.lower_ in forms and any(c.dep_ == "aux" and c.lemma_ == "be" for c in tok.children):
            yield Hit(tok.i, tok.i + 1, (match_case(forms[tok.lower_], tok.text),))


def _between(doc, a, b):
    return tuple(t.text for t in doc[a + 1: b])


@RULES.func(99, "Levelling of the difference between present perfect and simple past: simple past for StE present perfect")
def past_for_perfect(doc):
    """*I have eaten* -> *I ate*; *Have you ever been in London?* -> *Were you ever in London?*"""
    for have, verb in perfect(doc):
        lemma = verified_lemma(verb)
        if lemma is None:
            continue
        subj = subject_of(verb)
        if subj is None:
            continue
        neg = doc[have.i + 1] if doc[have.i + 1].lower_ in ("n't", "not") else None
        if subj.i > have.i:  # question: Have you ... V-en
            if neg is not None:
                continue
            mid = tuple(surface(t) if t.i == subj.i else t.text for t in doc[have.i + 1: verb.i])
            if lemma == "be":
                yield Hit(have.i, verb.i + 1, (match_case(be_past_for(subj), have.text),) + mid)
            else:
                yield Hit(have.i, verb.i + 1, (match_case("did", have.text),) + mid + (lemma,))
        elif neg is not None:
            if lemma == "be":
                yield Hit(have.i, verb.i + 1, (be_past_for(subj),) + _between(doc, have.i, verb.i))
            else:
                yield Hit(have.i, verb.i + 1, ("did",) + _between(doc, have.i, verb.i) + (lemma,),
                          spaces=(False,) + tuple(True for _ in range(verb.i - have.i)))
        else:
            new = be_past_for(subj) if lemma == "be" else past(lemma)
            yield Hit(have.i, verb.i + 1, _between(doc, have.i, verb.i) + (new,))


def _past_time(verb) -> bool:
    for t in verb.subtree:
        if t.lower_ in PAST_TIME and (t.head == verb or t.head.head == verb):
            return True
    return False


@RULES.func(100, "Levelling of the difference between present perfect and simple past: present perfect for StE simple past")
def perfect_for_past(doc):
    """*I saw him yesterday* -> *I have seen him yesterday*."""
    for verb in doc:
        subj = _simple_lexical(verb, ("VBD",))
        lemma = verified_lemma(verb) if subj is not None else None
        if lemma and lemma not in ("be", "have") and _past_time(verb):
            have = "has" if is_third_singular(subj) else "have"
            yield Hit(verb.i, verb.i + 1, (have, participle(lemma)))


def _continuative(verb) -> bool:
    for c in verb.children:
        if c.lower_ == "since" or (c.lower_ == "for" and any(g.like_num or g.lower_ in ("years", "months", "ages")
                                                             for g in c.subtree)):
            return True
        if c.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ == "since" for g in c.children):
            return True
    return False


@RULES.func(101, "Simple present for continuative or experiential perfect")
def present_for_perfect(doc):
    """*I have known her since she was a child* -> *I know her since ...*"""
    for have, verb in perfect(doc):
        subj = _declarative_subject(have)
        lemma = verified_lemma(verb)
        if subj is None or lemma is None or is_negated(verb) or not _continuative(verb):
            continue
        yield Hit(have.i, verb.i + 1, _between(doc, have.i, verb.i) + (present_for(lemma, subj),))


@RULES.func(102, "Be as perfect auxiliary")
def be_perfect(doc):
    """*They haven't left school yet* -> *They aren't left school yet*."""
    forms = {"have": "are", "has": "is", "'ve": "'re"}
    for have, verb in perfect(doc):
        subj = _declarative_subject(have)
        if subj is None or verb.lower_ == "been":
            continue
        new = forms[have.lower_]
        if subj.lower_ == "i":
            new = "'m" if have.lower_ == "'ve" else "am"
        yield Hit(have.i, have.i + 1, (match_case(new, have.text) if not new.startswith("'") else new,))


def _plain_perfect(doc):
    for have, verb in perfect(doc):
        subj = _declarative_subject(have)
        lemma = verified_lemma(verb)
        if subj is not None and lemma is not None and not is_negated(verb) and lemma != "be":
            yield have, verb, lemma


@RULES.func(104, "Completive/perfect done")
def completive_done(doc):
    """*I have told you* -> *I done told you*."""
    for have, verb, lemma in _plain_perfect(doc):
        yield Hit(have.i, verb.i + 1, ("done",) + _between(doc, have.i, verb.i) + (past(lemma),))


@RULES.func(105, "Completive/perfect have/be + done + past participle")
def have_done(doc):
    """*He has gone home* -> *He has done gone home*."""
    for have, verb, lemma in _plain_perfect(doc):
        yield Hit(verb.i, verb.i, ("done",))


@RULES.func(108, "Ever as marker of experiential perfect")
def ever_perfect(doc):
    """*I have seen the movie* -> *I ever see the movie*."""
    for have, verb, lemma in _plain_perfect(doc):
        if any(t.lower_ in ("already", "never", "just", "yet", "recently") for t in doc[have.i: verb.i]):
            continue
        mid = tuple(t.text for t in doc[have.i + 1: verb.i] if t.lower_ != "ever")
        yield Hit(have.i, verb.i + 1, ("ever",) + mid + (lemma,))


@RULES.func(109, "Perfect marker already")
def perfect_already(doc):
    """*I have finished my work* -> *I finished my work already*."""
    for have, verb, lemma in _plain_perfect(doc):
        if any(t.lower_ in ("already", "yet") for t in verb.subtree):
            continue
        end = complement_end(verb)
        rest = tuple(t.text for t in doc[verb.i + 1: end + 1])
        yield Hit(have.i, end + 1, _between(doc, have.i, verb.i) + (past(lemma),) + rest + ("already",))


@RULES.func(111, "Past tense/anterior marker been")
def anterior_been(doc):
    """*I baked the bread* -> *I been bake the bread*."""
    for verb in doc:
        subj = _simple_lexical(verb, ("VBD",))
        lemma = verified_lemma(verb) if subj is not None else None
        if lemma and lemma not in ("be", "have", "do"):
            yield Hit(verb.i, verb.i + 1, ("been", lemma))


@RULES.func(113, "Loosening of sequence of tenses rule")
def sequence_of_tenses(doc):
    """*the van I had come in* -> *the van I came in* (subordinate clauses)."""
    for had in doc:
        verb = had.head
        if had.lower_ == "had" and had.dep_ == "aux" and verb.tag_ == "VBN" and verb.dep_ in ("relcl", "ccomp",
                                                                                              "advcl") \
                and not is_negated(verb) and _declarative_subject(had) is not None:
            lemma = verified_lemma(verb)
            if lemma and lemma != "be":
                yield Hit(had.i, verb.i + 1, _between(doc, had.i, verb.i) + (past(lemma),))


@RULES.func(114, "Go-based future markers")
def gon_future(doc):
    """*He is going to build* -> *He gon build*; *I'll call* -> *I gon call*."""
    for tok in doc:
        if tok.lower_ in ("will", "'ll") and tok.tag_ == "MD" and tok.head.tag_ == "VB" and tok.head.i > tok.i \
                and _declarative_subject(tok) is not None and not is_negated(tok.head):
            yield Hit(tok.i, tok.i + 1, ("gon",))
        elif tok.lemma_ == "be" and tok.i + 3 < len(doc) and doc[tok.i + 1].lower_ == "going" \
                and doc[tok.i + 2].lower_ == "to" and doc[tok.i + 3].tag_ == "VB" \
                and _declarative_subject(tok) is not None and tok.lower_ in ("is", "are", "'s", "'re", "am", "'m"):
            yield Hit(tok.i, tok.i + 3, ("gon",))


@RULES.func(117, "Present tense forms for neutral future reference")
def present_for_future(doc):
    """*I think I will make a new dress* -> *I think I make a new dress*."""
    for tok in doc:
        if tok.lower_ in ("will", "'ll") and tok.tag_ == "MD" and tok.head.tag_ == "VB" \
                and tok.head.i == tok.i + 1 and not is_negated(tok.head):
            subj = _declarative_subject(tok)
            lemma = lemma_of(tok.head)
            if subj is not None and lemma.isalpha():
                yield Hit(tok.i, tok.i + 2, (present_for(lemma, subj),))


def _if_clause(verb) -> bool:
    return verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "if" for c in verb.children)


@RULES.func(120, "Would in if-clauses")
def would_in_if(doc):
    """*If I were you* -> *If I would be you*."""
    for verb in doc:
        if not _if_clause(verb) or verb.tag_ != "VBD" or is_negated(verb):
            continue
        if any(c.dep_ in ("aux", "auxpass") for c in verb.children) or _declarative_subject(verb) is None:
            continue
        lemma = lemma_of(verb)
        if lemma == "be" or verified_lemma(verb):
            yield Hit(verb.i, verb.i + 1, ("would", lemma))


@RULES.func(121, "Double modals")
def double_modals(doc):
    """*We might go* -> *We might could go*; *could* -> *might could*."""
    for tok in doc:
        if tok.tag_ == "MD" and tok.head.tag_ == "VB" and tok.i + 1 < len(doc) and doc[tok.i + 1].tag_ == "VB":
            if tok.lower_ in ("might", "may"):
                yield Hit(tok.i + 1, tok.i + 1, ("could",))
            elif tok.lower_ == "could":
                yield Hit(tok.i, tok.i, (match_case("might", tok.text),))


@RULES.func(123, "Present tense forms of modals used where StE has past tense forms")
def present_modals(doc):
    """*would* -> *will*, *could* -> *can*, *might* -> *may* (*couldn't* -> *can't*)."""
    forms = {"would": ("will", "wo"), "could": ("can", "ca"), "might": ("may", "may")}
    for tok in doc:
        polite = tok.lower_ == "would" and tok.head.lemma_ in ("like", "love", "prefer", "mind", "rather")
        if tok.tag_ == "MD" and tok.lower_ in forms and not polite:
            negated = tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "n't"
            yield Hit(tok.i, tok.i + 1, (match_case(forms[tok.lower_][negated], tok.text),))


@RULES.func(124, "Want/need + past participle")
def need_washed(doc):
    """*The car needs washing* -> *The car needs washed*; *wants to be petted* -> *wants petted*."""
    for verb in doc:
        if verb.lemma_ not in ("need", "want"):
            continue
        for c in verb.children:
            if c.tag_ == "VBG" and c.dep_ in ("dobj", "xcomp") and c.i == verb.i + 1:
                lemma = verified_lemma(c)
                if lemma:
                    yield Hit(c.i, c.i + 1, (participle(lemma),))
            elif c.tag_ == "VBN" and c.dep_ == "xcomp" and c.i == verb.i + 3 \
                    and [t.lower_ for t in doc[verb.i + 1: c.i]] == ["to", "be"]:
                yield Hit(verb.i + 1, c.i, ())


@RULES.match(126, "New quasi-modals: aspectual meanings", [[
    {"LEMMA": "be"}, {"LOWER": "about"}, {"LOWER": "to"}, {"TAG": "VB"}]])
def fixing_to(doc, start, end):
    return Hit(start + 1, start + 2, ("fixing",))


@RULES.func(145, "Use of gotten instead of got")
def gotten(doc):
    for tok in doc:
        if tok.lower_ == "got" and tok.tag_ == "VBN" and any(c.dep_ == "aux" and c.lemma_ == "have"
                                                             for c in tok.children):
            yield Hit(tok.i, tok.i + 1, (match_case("gotten", tok.text),))


@RULES.func(147, "Was for conditional were")
def was_conditional(doc):
    for tok in doc:
        if tok.lower_ != "were" or lemma_of(tok) != "be":
            continue
        subj = subject_of(tok)
        head = tok if tok.dep_ not in ("aux", "auxpass") else tok.head
        irrealis = _if_clause(head) or (head.dep_ == "ccomp" and head.head.lemma_ == "wish")
        if irrealis and subj is not None and (is_third_singular(subj) or subj.lower_ == "i"):
            yield Hit(tok.i, tok.i + 1, (match_case("was", tok.text),))
