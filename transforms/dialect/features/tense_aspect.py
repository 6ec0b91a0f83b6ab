"""Tense, aspect and modality: progressive, habitual, perfect, future and
modal features (eWAVE features 88-127, 144-147)."""
from __future__ import annotations

from cs_synth.transforms.dialect.morph import (be_past_for, be_present_for, complement_end, gerund, has_habitual_cue,
                                      is_negated, is_third_singular, lemma_of, match_case, participle, past,
                                      perfect, present_for, subject_of, surface, third_singular, verified_lemma)
from cs_synth.transforms.dialect.morph import operators, tokens, verb_conjuncts
from cs_synth.transforms.dialect.rules import Hit, RuleSet

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
    for verb in tokens(doc):
        subj = _simple_lexical(verb, ("VBP", "VBZ", "VBD"))
        lemma = verified_lemma(verb) if subj is not None else None
        if lemma in STATIVE and lemma != "have":
            be = be_past_for(subj) if verb.tag_ == "VBD" else be_present_for(subj)
            yield Hit(verb.i, verb.i + 1, (be, gerund(lemma)))


HABITUAL_ADVERBS = {"always", "usually", "often", "sometimes", "normally", "generally", "regularly"}


@RULES.func(90, "Invariant be as habitual marker")
def habitual_be(doc):
    """*He is always sick* -> *He always be sick*."""
    for be in tokens(doc):
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
    for verb in tokens(doc):
        subj = _simple_lexical(verb, ("VBZ", "VBP"))
        lemma = verified_lemma(verb) if subj is not None else None
        if lemma and lemma not in ("be", "have") and has_habitual_cue(verb):
            do = "does" if verb.tag_ == "VBZ" else "do"
            yield Hit(verb.i, verb.i + 1, (do, lemma))


@RULES.func(92, "Other non-standard habitual markers: synthetic")
def habitual_s(doc):
    """*I drink three cups every day* -> *I drinks three cups every day*."""
    for verb in tokens(doc):
        subj = _simple_lexical(verb, ("VBP",))
        lemma = verified_lemma(verb) if subj is not None else None
        if lemma and lemma != "be" and has_habitual_cue(verb):
            yield Hit(verb.i, verb.i + 1, (match_case(third_singular(lemma), verb.text),))


@RULES.func(93, "Other non-standard habitual markers: analytic")
def habitual_do_be(doc):
    """*He is sick a lot* -> *He do be sick a lot*."""
    for be in tokens(doc):
        if be.lower_ not in ("is", "are", "am") or be.dep_ in ("aux", "auxpass") or lemma_of(be) != "be":
            continue
        if _declarative_subject(be) is not None and not is_negated(be) and has_habitual_cue(be):
            yield Hit(be.i, be.i + 1, ("do", "be"))


@RULES.func(95, "Be sat/stood with progressive meaning")
def be_sat_stood(doc):
    forms = {"sitting": "sat", "standing": "stood"}
    for tok in tokens(doc):
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
    for verb in tokens(doc):
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
    for tok in tokens(doc):
        # *We moved here a week ago* -> *... a week already*; *Were you there
        # before?* -> *Were you there already?* (anteriority said by *already*)
        if tok.lower_ in ("ago", "before") and tok.dep_ == "advmod" and tok.head.tag_ in ("VBD", "VBN") \
                and not any(c.dep_ in ("pobj", "advcl", "ccomp") for c in tok.children) \
                and (tok.lower_ == "ago" or tok.i + 1 == len(doc) or doc[tok.i + 1].is_punct):
            yield Hit(tok.i, tok.i + 1, ("already",))


@RULES.func(111, "Past tense/anterior marker been")
def anterior_been(doc):
    """*I baked the bread* -> *I been bake the bread*."""
    for verb in tokens(doc):
        subj = _simple_lexical(verb, ("VBD",))
        lemma = verified_lemma(verb) if subj is not None else None
        if lemma and lemma not in ("be", "have", "do"):
            yield Hit(verb.i, verb.i + 1, ("been", lemma))


@RULES.func(113, "Loosening of sequence of tenses rule")
def sequence_of_tenses(doc):
    """*the van I had come in* -> *the van I came in* (subordinate clauses)."""
    for had in tokens(doc):
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
    for tok in tokens(doc):
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
    for tok in tokens(doc):
        if tok.lower_ in ("will", "'ll") and tok.tag_ == "MD" and tok.head.tag_ == "VB" \
                and tok.head.i == tok.i + 1 and not is_negated(tok.head):
            subj = _declarative_subject(tok)
            lemma = lemma_of(tok.head)
            if subj is not None and lemma.isalpha():
                yield Hit(tok.i, tok.i + 2, (present_for(lemma, subj),))
                for conj in verb_conjuncts(tok.head):  # *will open ... and walk* -> *opens ... and walks*
                    conj_lemma = verified_lemma(conj)
                    if conj.tag_ == "VB" and conj_lemma:
                        yield Hit(conj.i, conj.i + 1, (present_for(conj_lemma, subj),))
        elif tok.lower_ == "going" and tok.tag_ == "VBG" and tok.i + 2 < len(doc) and doc[tok.i + 1].lower_ == "to" \
                and doc[tok.i + 2].tag_ == "VB" and doc[tok.i + 2].head.i == tok.i and tok.i > 0:
            # *I am going to buy a car next week* -> *I buy a car next week*
            be = doc[tok.i - 1]
            subj = _declarative_subject(tok)
            lemma = verified_lemma(doc[tok.i + 2])
            if be.lemma_ == "be" and be.head.i == tok.i and be.tag_ in ("VBP", "VBZ") and subj is not None \
                    and lemma and not is_negated(tok):
                yield Hit(be.i, tok.i + 3, (present_for(lemma, subj),))


def _if_clause(verb) -> bool:
    return verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "if" for c in verb.children)


@RULES.func(120, "Would in if-clauses")
def would_in_if(doc):
    """*If I were you* -> *If I would be you*."""
    for verb in tokens(doc):
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
    for tok in tokens(doc):
        if tok.tag_ == "MD" and tok.head.tag_ == "VB" and tok.i + 1 < len(doc) and doc[tok.i + 1].tag_ == "VB":
            if tok.lower_ in ("might", "may"):
                yield Hit(tok.i + 1, tok.i + 1, ("could",))
            elif tok.lower_ == "could":
                yield Hit(tok.i, tok.i, (match_case("might", tok.text),))


@RULES.func(123, "Present tense forms of modals used where StE has past tense forms")
def present_modals(doc):
    """*would* -> *will*, *could* -> *can*, *might* -> *may* (*couldn't* -> *can't*)."""
    forms = {"would": ("will", "wo"), "could": ("can", "ca"), "might": ("may", "may")}
    for tok in tokens(doc):
        polite = tok.lower_ == "would" and tok.head.lemma_ in ("like", "love", "prefer", "mind", "rather")
        if tok.tag_ == "MD" and tok.lower_ in forms and not polite:
            negated = tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "n't"
            yield Hit(tok.i, tok.i + 1, (match_case(forms[tok.lower_][negated], tok.text),))


@RULES.func(124, "Want/need + past participle")
def need_washed(doc):
    """*The car needs washing* -> *The car needs washed*; *wants to be petted* -> *wants petted*."""
    for verb in tokens(doc):
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
    for tok in tokens(doc):
        if tok.lower_ == "got" and tok.tag_ == "VBN" and any(c.dep_ == "aux" and c.lemma_ == "have"
                                                             for c in tok.children):
            yield Hit(tok.i, tok.i + 1, (match_case("gotten", tok.text),))


@RULES.func(147, "Was for conditional were")
def was_conditional(doc):
    for tok in tokens(doc):
        if tok.lower_ != "were" or lemma_of(tok) != "be":
            continue
        subj = subject_of(tok)
        head = tok if tok.dep_ not in ("aux", "auxpass") else tok.head
        irrealis = _if_clause(head) or (head.dep_ == "ccomp" and head.head.lemma_ == "wish")
        if irrealis and subj is not None and (is_third_singular(subj) or subj.lower_ == "i"):
            yield Hit(tok.i, tok.i + 1, (match_case("was", tok.text),))


# ----------------------------------------------------- issue 11 additions
INDEFINITE_SUBJECTS = {"something", "someone", "somebody", "anything", "nothing"}


def _indefinite_subject(subj) -> bool:
    if subj.lower_ in INDEFINITE_SUBJECTS:
        return True
    first = subj.doc[subj.left_edge.i]
    return subj.pos_ == "NOUN" and first.lower_ in ("a", "an", "some") and first.head.i == subj.i


@RULES.func(96, "There with past participle in resultative contexts")
def there_resultative(doc):
    """*Something has fallen down the sink* -> *There's something fallen down
    the sink* (an indefinite subject of an intransitive present perfect)."""
    for have, verb, lemma in _plain_perfect(doc):
        subj = subject_of(verb)
        if any(c.dep_ == "conj" for c in verb.children):
            continue  # *A structure has broken and is laying ...*: the subject is shared
        if subj is None or subj.dep_ != "nsubj" or not _indefinite_subject(subj) or subj.right_edge.i != have.i - 1 \
                or have.lower_ not in ("has", "have", "'s", "'ve") or verb.i != have.i + 1 \
                or any(c.dep_ in ("dobj", "ccomp", "xcomp") or (c.dep_ == "dative" and c.tag_ != "IN")
                       for c in verb.children):
            continue
        start = subj.left_edge.i
        words = tuple(surface(t) if t.i == start else t.text for t in doc[start: have.i])
        if subj.tag_ == "NNS":
            lead, spaces = ("there", "are"), (True, True)
        else:
            lead, spaces = ("there", "'s"), (False, True)
        lead = (match_case(lead[0], doc[start].text),) + lead[1:]
        yield Hit(start, have.i + 1, lead + words, spaces=spaces + tuple(True for _ in words))


@RULES.func(97, "Medial object perfect")
def medial_object_perfect(doc):
    """*till you have made the stations* -> *till you have the stations made*."""
    for have, verb, lemma in _plain_perfect(doc):
        obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
        if obj is None or obj.left_edge.i != verb.i + 1 \
                or any(c.dep_ in ("prt", "dative", "ccomp", "xcomp") for c in verb.children):
            continue
        end = obj.right_edge.i + 1
        if end - obj.left_edge.i > 5:
            continue
        yield Hit(verb.i, end, tuple(t.text for t in doc[verb.i + 1: end]) + (verb.text,))


@RULES.func(98, "After-perfect")
def after_perfect(doc):
    """*She has just sold the boat* -> *She is after selling the boat*."""
    for have, verb, lemma in _plain_perfect(doc):
        subj = subject_of(verb)
        if have.lower_ in ("'ve", "'s"):
            be = {"i": "'m", "we": "'re", "you": "'re", "they": "'re"}.get(subj.lower_, "'s")
        else:
            be = match_case(be_present_for(subj), have.text)
        mid = tuple(t.text for t in doc[have.i + 1: verb.i] if t.lower_ != "just")
        yield Hit(have.i, verb.i + 1, (be,) + mid + ("after", gerund(lemma)))


@RULES.func(103, "Do as unstressed tense marker")
def unstressed_do(doc):
    """*This man who owns this* -> *This man who do own this*; *That girl who
    smiled at me* -> *That girl who did smile at me*."""
    for verb in tokens(doc):
        subj = _simple_lexical(verb, ("VBZ", "VBP", "VBD"))
        lemma = verified_lemma(verb) if subj is not None else None
        if lemma and lemma not in ("be", "have", "do"):
            yield Hit(verb.i, verb.i + 1, ("did" if verb.tag_ == "VBD" else "do", lemma))
            # *rests and fans herself* -> *do rest and fan herself*: a verb
            # coordinated under the same subject follows the one *do*
            for conj in verb.children:
                if conj.dep_ == "conj" and conj.tag_ == verb.tag_ and conj.pos_ == "VERB" \
                        and not any(c.dep_ in ("nsubj", "nsubjpass", "aux", "neg") for c in conj.children):
                    conj_lemma = verified_lemma(conj)
                    if conj_lemma and conj_lemma not in ("be", "have", "do") and conj_lemma != conj.lower_:
                        yield Hit(conj.i, conj.i + 1, (conj_lemma,))


def _will_verb(doc, words=("will", "'ll")):
    """``(will, verb)``: a declarative, non-negated *will* + bare verb."""
    for tok in tokens(doc):
        if tok.lower_ in words and tok.tag_ == "MD" and tok.head.tag_ == "VB" and tok.head.i > tok.i \
                and _declarative_subject(tok) is not None and not is_negated(tok.head) \
                and tok.dep_ == "aux":
            yield tok, tok.head


def _conditional_clause(verb) -> bool:
    return any(c.dep_ == "advcl" and any(m.dep_ in ("mark", "advmod") and m.lower_ in ("if", "when", "unless", "once")
                                         for m in c.children) for c in verb.children)


@RULES.func(106, "\u201cSequential\u201d or \u201cirrealis\u201d be done")
def be_done(doc):
    """*If you love your enemies, they will eat you alive* -> *..., they be
    done eat you alive* (the consequence of a condition)."""
    for will, verb in _will_verb(doc):
        if _conditional_clause(verb) and verb.lower_ != "be":
            yield Hit(will.i, will.i + 1, ("be", "done"))


@RULES.func(107, "Completive/perfect marker slam")
def slam_perfect(doc):
    """*I have told you not to mess up* -> *I slam told you not to mess up*."""
    for have, verb, lemma in _plain_perfect(doc):
        yield Hit(have.i, verb.i + 1, ("slam",) + _between(doc, have.i, verb.i) + (past(lemma),))


@RULES.func(110, "Finish-derived completive markers")
def finish_completive(doc):
    """*I have completed my work* -> *I complete my work finish* (the bare
    verb, its object, then *finish*)."""
    for have, verb, lemma in _plain_perfect(doc):
        obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i), None)
        end = obj.right_edge.i if obj is not None else verb.i
        prt = [c for c in verb.children if c.dep_ == "prt" and c.i > verb.i]
        if prt:
            end = max(end, max(p.i for p in prt))
        rest = tuple(t.text for t in doc[verb.i + 1: end + 1])
        yield Hit(have.i, end + 1, _between(doc, have.i, verb.i) + (lemma,) + rest + ("finish",))


@RULES.func(112, "Anterior had + bare root")
def had_bare_root(doc):
    """*He had eaten the bread* -> *He had eat the bread*; *He ate the bread
    before he went* -> *He had eat the bread before he went*."""
    for verb in tokens(doc):
        if verb.tag_ == "VBN" and not is_negated(verb):
            had = [c for c in verb.children if c.dep_ == "aux" and c.lower_ in ("had", "'d")]
            lemma = verified_lemma(verb)
            if had and lemma and lemma != "be" and verb.i > had[0].i:
                yield Hit(verb.i, verb.i + 1, (match_case(lemma, verb.text),))
        elif verb.tag_ == "VBD" and any(c.dep_ == "advcl" and any(m.lower_ == "before" and m.dep_ == "mark"
                                                                  for m in c.children) for c in verb.children):
            subj = _simple_lexical(verb, ("VBD",))
            lemma = verified_lemma(verb) if subj is not None else None
            if lemma and lemma not in ("be", "have", "do"):
                yield Hit(verb.i, verb.i + 1, ("had", lemma))


@RULES.func(115, "Volition-based future markers other than will")
def wan_future(doc):
    """*Nobody else will be at the camp* -> *Nobody else wan be at the camp*."""
    for will, verb in _will_verb(doc):
        yield Hit(will.i, will.i + 1, ("wan",))


@RULES.func(116, "Come-based future/ingressive markers")
def coming_to(doc):
    """*I am going to cook your meal* / *I am about to cook your meal* ->
    *I am coming to cook your meal*."""
    for tok in tokens(doc):
        if tok.lower_ not in ("going", "about") or tok.i + 2 >= len(doc) or tok.i == 0:
            continue
        be = doc[tok.i - 1]
        if be.lemma_ == "be" and doc[tok.i + 1].lower_ == "to" and doc[tok.i + 2].tag_ == "VB" \
                and (tok.lower_ == "about" or tok.tag_ == "VBG"):
            yield Hit(tok.i, tok.i + 1, ("coming",))


DISTANT_FUTURE = {"tomorrow", "next", "later", "someday", "soon", "eventually", "future", "tonight"}


@RULES.func(119, "Would for (distant) future in contrast to will (immediate future)")
def would_future(doc):
    """*I will eat rice tomorrow* -> *I would eat rice tomorrow* (a future
    time adverbial in the clause)."""
    for will, verb in _will_verb(doc):
        if any(t.lower_ in DISTANT_FUTURE for t in verb.subtree):
            yield Hit(will.i, will.i + 1, ("would",))


@RULES.func(89, "Wider range of uses of progressive be + V-ing than in StE: extension to habitual contexts")
def habitual_progressive(doc):
    """*I usually go to the library* -> *I am usually going to the library*
    (a simple present with a habitual adverb or *every*-phrase)."""
    for verb in tokens(doc):
        subj = _simple_lexical(verb, ("VBP", "VBZ"))
        lemma = verified_lemma(verb) if subj is not None else None
        if not lemma or lemma in STATIVE or lemma in ("be", "have", "do") or not has_habitual_cue(verb):
            continue
        be = be_present_for(subj)
        before = doc[verb.i - 1] if verb.i > 0 else None
        if before is not None and before.lower_ in HABITUAL_ADVERBS and before.head.i == verb.i \
                and before.i == subj.right_edge.i + 1:
            yield Hit(before.i, verb.i + 1, (be, before.text, gerund(lemma)))
        else:
            yield Hit(verb.i, verb.i + 1, (be, gerund(lemma)))


@RULES.func(122, "Epistemic mustn\u2019t")
def epistemic_mustnt(doc):
    """*This can't be true* -> *This mustn't be true* (a negated *can* before
    stative *be*: a conclusion, not an ability)."""
    for op, neg in operators(doc):
        verb = op.head
        if op.lower_ in ("ca", "can", "could") and op.tag_ == "MD" and verb.lemma_ == "be" and verb.i == neg.i + 1 \
                and _declarative_subject(op) is not None:
            if neg.lower_ == "n't":
                yield Hit(op.i, op.i + 1, (match_case("must", op.text),))
            else:
                yield Hit(op.i, neg.i + 1, (match_case("must", op.text), "n't"), spaces=(False, True))
