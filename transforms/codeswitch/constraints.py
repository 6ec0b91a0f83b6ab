"""Switch-point constraints: candidate spans a selector found that would
give ungrammatical text at their edges.

Every constraint looks at one candidate :class:`~cs_synth.transforms.codeswitch.selectors.Pair`
in its :class:`~cs_synth.transforms.codeswitch.selectors.View` and returns ``None``
(the span may switch) or a short reason.  The aligned-span recipes run them
on every candidate before choosing (``TransformStage`` hands each step its
``constraints:`` block); a sentence whose every candidate fails is rejected
with ``switch_point_constraint`` and a count per constraint, so nothing is
dropped silently.  They are on by default; a step turns any of them off:

.. code-block:: yaml

    transform:
      - recipe: phrase
        constraints: {dangling_function_word: false}   # or `constraints: false` for all

The checks use what the annotate stage gives on the source side (POS tags
and a dependency parse) and the alignment; without a parse the parse-based
checks pass every span.

``finite_verb_clash``
    An auxiliary and the verb it belongs to must switch together: switching
    the verb of "is running" alone gives "Der Hund is läuft", an English
    auxiliary before a finite target verb; switching the auxiliary alone
    gives a target auxiliary before an English participle.  The same for a
    verb coordinated with one that has the auxiliary ("are sitting and
    essen").  A negation stays with its verb too ("has नहीं lost", "does
    nicht like").  In a Hindi frame (``matrix: tgt``), an English verb is
    not inserted without a Hindi light verb ("main mans nahin eat"), unless
    the Hindi word it replaces is that English word (ग्रिल "grilled").  In an
    English frame, a Hindi span holding a form of होना switches only with its
    whole clause ("The मीठा था too sweet" is rejected).
``dangling_function_word``
    A closed-class word at a span edge whose partner stays outside: a
    determiner without its noun, a preposition without its object, a
    conjunction or subordinator at the edge ("A man on a Pferd versucht to
    lasso a Hund mit dem"); a verb particle without its verb, or a verb
    without its particle ("enfilant son jean on"); a possessive or genitive 's without its noun
    ("and ihren parents"); a German preposition ending the target span
    ("umklammert den anderen beim"), or a postposition doubling the English
    preposition in front ("on eine Straße entlang"); and an attributive adjective switched without
    its noun, which would carry agreement for a noun that is not there
    ("with schwarzen hair"); a French "que" opening the span without the
    first half of its conjunction ("looks on que son coéquipier trébuche",
    from "tandis que"); a target article right before the span that stays
    behind where the source has no determiner ("from on sommet", from
    "depuis le sommet"); a Hindi postposition opening the span (its noun
    stays outside: "villages का संपर्क"), a Hindi case marker ending a span
    whose English side has no preposition ("The नदी में flooded"), or a
    postposition ending it while an English preposition before the span
    says it again ("at अपने ... खेत पर farm").
``unaligned_edge``
    The aligned target span starts or ends with a word the aligner left
    unaligned, or a source word next to the span is an unaligned content
    word: the aligner probably missed a link, and the switch would
    duplicate or lose a word ("Two Baseballspieler players").  Also a
    source word the switch would drop: a content word inside the span with
    no link, a determiner opening the span when the target span starts
    with a content word ("in a hat" -> "in Hut"), or a preposition at a
    span edge with no link ("out of the water" -> "out dem Wasser", "to
    pass the ball to" -> "to pass le ballon"); and a target content word
    inside the span with no link, which the switch would add ("trinkt im
    Gehen ein Bier" for "drinking a beer"); and an unaligned copula inside
    the span whose complement stays outside ("The screen is bright" ->
    "The स्क्रीन bright").
``case_government``
    The target word before the span is a case-marked determiner or
    preposition that the span leaves behind, so the span's target form
    carries a case its new frame does not give ("of a Grills", "riding
    Pferden"); or the span starts with a preposition+article contraction
    (German *im*, French *au*) while the source preposition stays in front
    of it ("laying in im Gras").  In German also a span that *starts*
    with a case-marked form whose governor stays outside: a genitive
    article not after "of" ("catching eines übereifrigen Spielers"), a
    dative article not after a preposition, or an attributive adjective
    whose strong ending disagrees with the English article left in front
    of it ("wearing a bright grüner Kleidung", "a kleinem Hund").  In
    Hindi an oblique plural ending the span while its postposition stays
    outside ("काहिरा के अधिकारियों" + "को").  And a
    German preposition left behind by the span when no English preposition
    governs it ("wearing Wintermänteln" from "in Wintermänteln").
    Per-language tables below.
``misaligned_edge``
    A word at a target span edge is a function word aligned only to source
    content words, or the reverse ("people playing" -> "Leute , die"); or a
    lowercase German content word aligned only to source nouns ("her baby"
    -> "ihr Baby hält"); a number or name in the target span that the
    source also has outside the span ("versprach, bis 2030" + "by 2030");
    or a target span of function words only for a
    source span with a content word ("is stopped" -> "wird": the verb is
    lost), or one source verb or noun of the span aligned only to function
    words ("woman jumping up" -> "Frau , die"); or a punctuation mark at a target span edge where the source
    span has a word ("boy , klettert"), or a quotation mark whose partner
    stays outside ('„MAKE SOME NOISE"'); an edge word whose one source word
    is also linked to a target word 4 or more words away inside the span (a
    stray link that stretched it); and, for Hindi targets, a loanword pair
    that the edge separates: a Devanagari word written like an English word
    (the same consonant skeleton once romanized) on one side and that word
    on the other ("We ordered मँगवाया" with "पिज़्ज़ा" left behind).  In a
    Hindi frame (``matrix: tgt``), also an English noun aligned to the
    span's last Hindi word where that is the verb position (clause end, or
    a participle before है/हैं/था...): "dalni cartridge" for डालनी होगी;
    or a span that reaches that position while its English side has no
    verb ("is soup mein thoda aur salt" for नमक डालिए).  For a
    Hindi target, a span that runs to the end of its Hindi clause (the verb
    position) while the English span has no verb ("checked मेरा ब्लड प्रेशर
    और तापमान जाँचा").
``split_compound``
    A noun compound split by the span edge: the head noun switches and its
    compound modifier stays, or the reverse ("trick Reiter", "Boston
    Spielers" alone).  German writes most compounds as one word, so the
    target span usually holds both meanings and one is said twice.  Also an
    edge inside one written word, on either side: a hyphenated word
    ("sister-in-law" -> "भाभी-in-law", "दादा-दादी") or two unspaced word parts.
``pronoun_switch``
    A subject or object pronoun switched without the verb that governs it,
    or the verb without its pronoun ("Ich am not very good", "Can ich
    borrow your notes", "Der Reiseführer zeigte us"): pronoun and verb
    stay in one language.
``separable_verb``
    A German verb split by the span edge: the verb switches while its
    separable particle stays at the end of the clause ("legt laundry" from
    "legt Wäsche zusammen") or its reflexive "sich" stays after the span
    ("Männer unterhalten a conversation"); or "sich" switches without a
    verb ("enjoying sich").
"""
from __future__ import annotations

import unicodedata
from collections import Counter
from typing import Dict, List, Optional, Sequence, Tuple

from cs_synth.pipeline.config import ConstraintsConfig as Constraints
from cs_synth.pipeline.langs import is_language_independent
from cs_synth.transforms.boundary import stop_words
from cs_synth.transforms.codeswitch.selectors import dependents, subtree_nodes

#: universal POS tags of content words
CONTENT_POS = frozenset({"NOUN", "PROPN", "ADJ", "VERB", "ADV", "NUM"})
#: nouns and adjectives (what a target compound swallows)
NOMINAL_POS = frozenset({"NOUN", "PROPN", "ADJ"})
_NOMINAL_OR_VERB = NOMINAL_POS | {"VERB"}
_NOMINAL_OR_NUM = NOMINAL_POS | {"NUM"}
#: dependency labels (spaCy English / ClearNLP and UD) of auxiliaries
AUX_DEPS = frozenset({"aux", "auxpass", "aux:pass"})
#: dependency labels of a negation particle ("not", "n't"): it stays in the
#: language of its verb ("has नहीं lost", "does nicht like")
NEG_DEPS = frozenset({"neg"})
#: dependency labels of a copula's complement (spaCy English: the copula
#: heads its clause, "is" -> "bright" acomp)
COPULA_COMPLEMENT_DEPS = frozenset({"acomp", "attr", "oprd", "prep", "xcomp", "ccomp", "advcl", "npadvmod"})
#: objects of a preposition (ClearNLP-style parses, where the preposition heads the phrase)
PREP_OBJ_DEPS = frozenset({"pobj", "pcomp"})

#: target-language words that mark case on what follows them (German
#: dative/genitive/accusative forms of the articles and the contracted
#: prepositions).  Nominative/feminine-ambiguous forms (der, die, das, eine,
#: ein) are left out: they do not force an inflected noun.
CASE_GOVERNORS: Dict[str, frozenset] = {
    "de": frozenset({"dem", "den", "des", "einem", "einen", "einer", "eines", "im", "am", "vom", "zum", "zur",
                     "beim", "ins", "ans", "aufs", "durchs", "fürs", "ums", "diesem", "diesen", "dieses",
                     "jenem", "jenen", "seinem", "seinen", "seiner", "seines", "ihrem", "ihren", "ihrer",
                     "ihres", "meinem", "meinen", "meiner", "keinem", "keinen", "keiner", "mehreren"}),
}


#: prepositions that take the dative only
DATIVE_PREPOSITIONS: Dict[str, frozenset] = {
    "de": frozenset({"mit", "von", "zu", "aus", "bei", "nach", "seit", "gegenüber", "außer"}),
}
#: every preposition that gives its noun phrase a case: the dative-only
#: ones, the two-way (dative/accusative) ones, the accusative-only and the
#: genitive ones.  Left behind by a span with no English preposition in
#: front, its case has nothing to come from ("wearing Wintermänteln" <-
#: "in Wintermänteln")
CASE_PREPOSITIONS: Dict[str, frozenset] = {
    "de": DATIVE_PREPOSITIONS["de"] | frozenset({"in", "an", "auf", "unter", "über", "vor", "hinter", "neben",
                                                 "zwischen", "für", "durch", "gegen", "ohne", "um", "während",
                                                 "wegen", "trotz"}),
}


DEFAULT = Constraints()
#: reject reason when every candidate span of a sentence fails a constraint
REJECT = "switch_point_constraint"


def parse(value) -> Constraints:
    return Constraints.parse(value)


# ------------------------------------------------------------- the checks
def _src_range(view, pair) -> Optional[Tuple[int, int]]:
    return view.src_range(pair.start, pair.end)


def _split_dependency(view, pair, deps, pos=None) -> Optional[Tuple[int, int]]:
    """The first (dependent, head) with a label in ``deps`` (and, with
    ``pos``, a dependent of that POS tag) that the span edge separates (one
    inside the span, the other outside), or None."""
    src = view.src
    if not src.heads or not src.deps or (pos is not None and not src.pos):
        return None
    rng = _src_range(view, pair)
    if rng is None:
        return None
    i1, i2 = rng
    for i in range(len(src.tokens)):
        if src.deps[i] not in deps or (pos is not None and src.pos[i] != pos):
            continue
        h = src.heads[i]
        if (i1 <= i < i2) != (i1 <= h < i2):
            return i, h
    return None


def finite_verb_clash(view, pair) -> Optional[str]:
    hit = _split_dependency(view, pair, AUX_DEPS | NEG_DEPS)
    if hit is not None:
        i, h = hit
        return f"'{view.src.tokens[i]}' and its verb '{view.src.tokens[h]}' would be in different languages"
    return _coordinated_verb(view, pair) or _english_verb_in_hindi_frame(view, pair) or \
        _hindi_finite_verb_in_english_clause(view, pair) or _hindi_verb_in_english_frame(view, pair)


def _hindi_finite_verb_in_english_clause(view, pair) -> Optional[str]:
    """An English frame with Hindi spans (en-hi, ``matrix: src``): a Hindi
    span that holds a form of होना (है, था, ...) carries a Hindi finite verb;
    it may switch only with its whole clause, the English subject included
    ("समुद्र तट पर भीड़ थी, so we walked"), not inside an English clause
    ("The मीठा था too sweet", "Where है the fitting room?")."""
    if view.tgt_lang != "hi" or view.tgt is None or pair.tgt_start < 0 or not view.src.pos or not view.src.deps:
        return None
    tgt = view.tgt.tokens
    aux = [j for j in range(pair.tgt_start, pair.tgt_end) if tgt[j] in HI_AUXILIARIES]
    if not aux:
        return None
    rng = _src_range(view, pair)
    if rng is None:
        return None
    src = view.src
    inside = range(*rng)
    verbs = [i for i in inside if src.pos[i] in ("VERB", "AUX") and src.deps[i] not in AUX_DEPS]
    for v in verbs:
        subj = [k for k in _children(src, v) if src.deps[k] in ("nsubj", "nsubjpass", "expl")]
        if subj and all(k in inside for k in subj):
            # ... and the copula's complement with it: "The मीठा था too sweet" for "The dessert was"
            out = [k for k in _children(src, v) if src.deps[k] in ("acomp", "attr") and k not in inside]
            if out:
                return (f"Hindi finite verb '{tgt[aux[0]]}' would stand before the English complement "
                        f"'{src.tokens[out[0]]}' of its clause")
            return None
    return f"Hindi finite verb '{tgt[aux[0]]}' would stand inside an English clause whose subject stays outside"


def _hindi_verb_in_english_frame(view, pair) -> Optional[str]:
    """An English frame with Hindi spans (en-hi, ``matrix: src``): an
    English verb is replaced by Hindi only together with everything that
    depends on it, its whole clause or verb phrase.  A Hindi verb alone in
    an English clause brings Hindi inflection and word order into the
    English frame, which bilinguals avoid: Hindi verbs are not inserted into
    English clauses, English verbs enter Hindi with a light verb (the
    asymmetry of the Matrix Language Frame).  Alignments add their own
    errors here, since a Hindi verb is often a noun plus light verb
    ("marched" -> मार्च of मार्च निकाला, "to read" -> पढ़ने को, "sitting"
    -> मेज़)."""
    if view.tgt_lang != "hi" or view.tgt is None or pair.tgt_start < 0 or not view.src.pos or not view.src.deps \
            or not view.src.heads:
        return None
    rng = _src_range(view, pair)
    if rng is None:
        return None
    src = view.src
    i1, i2 = rng
    verbs = [i for i in range(i1, i2) if src.pos[i] == "VERB" and src.deps[i] not in AUX_DEPS]
    children = dependents(src.heads) if verbs else {}
    for i in verbs:
        outside = sorted(k for k in subtree_nodes(children, i) if not i1 <= k < i2 and src.pos[k] != "PUNCT")
        if outside:
            return (f"the English verb '{src.tokens[i]}' would become Hindi while its dependent "
                    f"'{src.tokens[outside[0]]}' stays English")
    return None


def _english_verb_in_hindi_frame(view, pair) -> Optional[str]:
    """A Hindi frame (``matrix: tgt`` on an en-hi pair) takes an English
    verb only with a Hindi light verb (*eat karta*, *grill kiya*): an English
    verb or auxiliary in the inserted span that stands for Hindi verb forms
    gives "main mans nahin eat", "mere father cooks ka khana".  An English
    verb whose Hindi partner is the same loanword (ग्रिल for "grilled") leaves
    the Hindi light verb outside, and may switch.  Needs POS tags on the
    English side (annotate it)."""
    if view.src_lang != "hi" or view.tgt is None or not view.tgt.pos or pair.tgt_start < 0:
        return None
    tgt = view.tgt
    src_keys, tgt_keys = _loan_keys(view)
    for j in range(pair.tgt_start, pair.tgt_end):
        if tgt.pos[j] not in ("VERB", "AUX"):
            continue
        k = tgt_keys.get(j)
        if k is not None and any(src_keys.get(i) == k for i in view.t2s.get(j, ())):
            continue
        return (f"English {tgt.pos[j].lower()} '{tgt.tokens[j]}' would stand in a Hindi frame without a "
                f"Hindi light verb")
    return None


def _coordinated_verb(view, pair) -> Optional[str]:
    """A verb switched alone whose auxiliary comes through a coordination
    that stays outside: in "are sitting and eating" the "are" serves
    "eating" too, so "are sitting and essen" puts a finite target verb
    after an English auxiliary."""
    src = view.src
    if not src.heads or not src.deps or not src.pos:
        return None
    rng = _src_range(view, pair)
    if rng is None:
        return None
    i1, i2 = rng
    for i in range(i1, i2):
        if src.deps[i] != "conj" or src.pos[i] not in ("VERB", "AUX"):
            continue
        h = src.heads[i]
        if i1 <= h < i2:
            continue
        aux = [k for k in _children(src, h) if src.deps[k] in AUX_DEPS and not i1 <= k < i2]
        if aux and not any(src.deps[k] in AUX_DEPS for k in _children(src, i)):
            return (f"'{src.tokens[i]}' shares the auxiliary '{src.tokens[aux[0]]}' of '{src.tokens[h]}', "
                    f"which stays outside the span")
    return None


def _children(src, i: int) -> List[int]:
    return [k for k, h in enumerate(src.heads) if h == i and k != i]


#: English relative pronouns
RELATIVE_PRONOUNS = frozenset({"that", "which", "who", "whom", "whose"})


#: French words that make a conjunction with the "que" after them ("tandis
#: que", "parce que", "ce que"): a span starting with that "que" leaves its
#: first half behind ("looks on que son coéquipier trébuche")
FR_QUE_LOCUTIONS = frozenset({"tandis", "pendant", "alors", "parce", "bien", "avant", "après", "dès", "sans",
                              "pour", "afin", "depuis", "ainsi", "lors", "tant", "sorte", "moins", "peur",
                              "mesure", "condition", "ce", "plutôt", "encore", "même"})


#: articles: a target article right before the span, left behind while the
#: source has no determiner there, leaves the span's noun without one
#: ("from on top of" -> "from on sommet", from "depuis le sommet")
ARTICLES: Dict[str, frozenset] = {
    "fr": frozenset({"le", "la", "les", "l'", "l\u2019", "un", "une", "des", "du"}),
    "de": frozenset({"der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines"}),
}


def _left_article(view, pair) -> Optional[str]:
    table = ARTICLES.get(view.tgt_lang)
    if not table or pair.tgt_start <= 0 or view.tgt is None or not view.src.pos:
        return None
    prev = view.tgt.tokens[pair.tgt_start - 1]
    if prev.casefold() not in table or view.tgt.tokens[pair.tgt_start].casefold() in table:
        return None
    rng = _src_range(view, pair)
    if rng is None or (rng[0] > 0 and view.src.pos[rng[0] - 1] in ("DET", "NUM")) or \
            view.src.pos[rng[0]] in ("DET", "NUM", "PRON"):
        return None
    if rng[0] > 0 and view.src.pos[rng[0] - 1] == "PRON" and view.src.deps and view.src.deps[rng[0] - 1] == "poss":
        return None
    return f"the target article '{prev}' stays behind and the source has none before the span"


def _split_locution(view, pair) -> Optional[str]:
    if view.tgt_lang != "fr" or pair.tgt_start <= 0 or view.tgt is None:
        return None
    first = view.tgt.tokens[pair.tgt_start].casefold()
    prev = view.tgt.tokens[pair.tgt_start - 1].casefold()
    if first in ("que", "qu'", "qu\u2019") and prev in FR_QUE_LOCUTIONS:
        return f"'{view.tgt.tokens[pair.tgt_start]}' opens the span and '{view.tgt.tokens[pair.tgt_start - 1]}' " \
               f"of the conjunction stays behind"
    return None


def dangling_function_word(view, pair) -> Optional[str]:
    src = view.src
    if not src.pos:
        return _hindi_frame_focus_word(view, pair) or _hindi_frame_quantifier(view, pair) or \
            _hindi_frame_adverb_postposition(view, pair)
    why = _dangling_target_preposition(view, pair) or _split_locution(view, pair) or _left_article(view, pair)
    if why is not None:
        return why
    rng = _src_range(view, pair)
    if rng is None:
        return None
    i1, i2 = rng
    words = [i for i in range(i1, i2) if not is_language_independent(src.tokens[i])]
    if not words:
        return None
    parsed = bool(src.heads) and bool(src.deps)
    if parsed:
        for i in words:
            # an attributive adjective without its noun carries the other
            # language's agreement for a noun that is not there ("with schwarzen hair")
            if src.deps[i] == "amod" and not i1 <= src.heads[i] < i2:
                return f"adjective '{src.tokens[i]}' switches without its noun '{src.tokens[src.heads[i]]}'"
            # ... also a later conjunct of such an adjective ("a green, white,
            # schwarzen und roten flag": "black" and "red" hang from "green")
            h, seen = i, set()
            while src.deps[h] == "conj" and src.pos[h] == "ADJ" and h not in seen:
                seen.add(h)
                h = src.heads[h]
            if h != i and src.deps[h] == "amod" and src.pos[i] == "ADJ" and not i1 <= src.heads[h] < i2:
                return f"adjective '{src.tokens[i]}' switches without its noun '{src.tokens[src.heads[h]]}'"
    for i in {words[0], words[-1]}:
        pos = src.pos[i]
        tok = src.tokens[i]
        if pos in ("CCONJ", "SCONJ"):
            return f"'{tok}' ({pos}) at the edge of the span"
        # a relative pronoun whose clause stays outside ("turtles qui are crawling")
        if parsed and tok.casefold() in RELATIVE_PRONOUNS and pos in ("PRON", "DET") and \
                src.deps[i] in ("nsubj", "nsubjpass", "dobj", "pobj", "attr", "nsubj:pass", "obj") and \
                not i1 <= src.heads[i] < i2 and i == words[-1]:
            return f"relative pronoun '{tok}' switches without its clause"
        if not parsed:
            continue
        inside = lambda k: i1 <= k < i2  # noqa: E731
        # determiners, possessives ("their" -> "ihren" without "parents") and
        # the genitive 's ("'s hair" -> "die Haare" without "man")
        if pos == "DET" or (pos == "PART" and src.deps[i] in ("aux", "mark", "case", "poss")) or \
                (pos == "PRON" and src.deps[i] == "poss"):
            if not inside(src.heads[i]):
                return f"'{tok}' ({pos}) switches without '{src.tokens[src.heads[i]]}'"
        elif pos == "ADP":
            objs = [k for k in _children(src, i) if src.deps[k] in PREP_OBJ_DEPS]
            if src.deps[i] == "case":  # UD: the preposition hangs from its noun
                objs = [src.heads[i]]
            if objs and not any(inside(k) for k in objs):
                return f"'{tok}' (ADP) switches without its object '{src.tokens[objs[0]]}'"
            if src.deps[i] == "prt" and not inside(src.heads[i]):
                return f"particle '{tok}' switches without its verb '{src.tokens[src.heads[i]]}'"
    if parsed:
        # the verb switches and its particle stays: the target verb already
        # says it ("putting his jeans on" -> "enfilant son jean on")
        for i in words:
            if src.pos[i] in ("VERB", "AUX"):
                for k in _children(src, i):
                    if src.deps[k] in ("prt", "compound:prt") and not i1 <= k < i2:
                        return f"the verb '{src.tokens[i]}' switches without its particle '{src.tokens[k]}'"
    return None


def _edge_words(tgt, pair) -> List[int]:
    """The first and last words of a target span, over punctuation at its
    edges ("Schule vor ." ends in "vor")."""
    words = [j for j in range(pair.tgt_start, pair.tgt_end) if not is_language_independent(tgt[j])]
    if not words:
        return []
    return sorted({words[0], words[-1]})


def unaligned_edge(view, pair) -> Optional[str]:
    if pair.tgt_start < 0 or view.tgt is None:
        return None
    tgt = view.tgt.tokens
    for j in _edge_words(tgt, pair):
        if j not in view.t2s and not is_language_independent(tgt[j]):
            return f"target word '{tgt[j]}' at the span edge is unaligned"
    for j in (pair.tgt_start - 1, pair.tgt_end):
        if 0 <= j < len(tgt) and j not in view.t2s and not is_language_independent(tgt[j]):
            if view.tgt_lang == "hi" and j == pair.tgt_end and tgt[j] in HI_POSTPOSITIONS:
                continue  # the ergative ने, the object's को: no English word says them
            return f"target word '{tgt[j]}' next to the span is unaligned"
    # one Hindi postposition further: an English compound noun aligned to the
    # first half of a Hindi phrase ("Dinner" -> रात of "रात का खाना", "headache"
    # -> सिर of "सिर में दर्द", "lunch" -> दोपहर of "दोपहर के खाने")
    j = pair.tgt_end + 1
    if view.tgt_lang == "hi" and j < len(tgt) and tgt[j - 1] in HI_POSTPOSITIONS and j not in view.t2s and \
            _is_devanagari(tgt[j]) and tgt[j] not in _HI_POSTPOSITIONS_OR_FOLLOWERS:
        return f"target word '{tgt[j]}' after '{tgt[j - 1]}' next to the span is unaligned"
    # a content word inside the target span with no link says what the
    # source span does not, often what a word outside it says ("walking and
    # drinking a beer" -> "walking and trinkt im Gehen ein Bier")
    stops = stop_words(view.tgt_lang)
    for j in range(pair.tgt_start + 1, pair.tgt_end - 1):
        # (a capital inside a German sentence is a noun, stop word or not: "Gehen")
        content = tgt[j].casefold() not in stops or (view.tgt_lang == "de" and tgt[j][:1].isupper())
        if j not in view.t2s and len(tgt[j]) > 3 and content and not is_language_independent(tgt[j]):
            return f"target word '{tgt[j]}' inside the span is unaligned: the switch would add it"
    rng = _src_range(view, pair)
    if rng is None:
        return None
    src = view.src
    if src.pos and rng[1] - rng[0] > 1:
        # a content word inside the span with no counterpart in the target
        # span: the switch drops it ("woman with umbrellas run" -> "avec des
        # parapluies", "hikers wearing" -> "Wanderer")
        for i in range(*rng):
            if src.pos[i] in _NOMINAL_OR_VERB and i not in view.s2t:
                return f"source word '{src.tokens[i]}' inside the span is unaligned: the switch would drop it"
        # a copula inside the span with no counterpart whose complement stays
        # outside: the English clause loses its verb ("The screen is bright"
        # -> "The स्क्रीन bright", "These shoes are too small" -> "ये जूते too small")
        if src.heads and src.deps:
            for i in range(*rng):
                if src.pos[i] != "AUX" or i in view.s2t or src.deps[i] in AUX_DEPS:
                    continue
                out = [k for k in _children(src, i)
                       if src.deps[k] in COPULA_COMPLEMENT_DEPS and not rng[0] <= k < rng[1]]
                if out:
                    return (f"source verb '{src.tokens[i]}' inside the span is unaligned and its complement "
                            f"'{src.tokens[out[0]]}' stays outside: the switch would drop the verb")
        # an article or possessive opening the span with no counterpart, and
        # a target span that starts with a content word: the noun arrives
        # bare where the English frame wants its determiner ("in a hat" ->
        # "in Hut", from "mit Hut")
        i = rng[0]
        if _is_determiner(src, i) and i not in view.s2t and not _edge_is_function_word(view, pair):
            return f"source determiner '{src.tokens[i]}' opening the span is unaligned: the switch would drop it"
        # a preposition at a span edge with no counterpart: "out of the
        # water" -> "out dem Wasser" (the "aus" went to "out"); a stranded
        # one: "someone to pass the ball to" -> "to pass le ballon"
        for i, where in ((rng[0], "opening"), (rng[1] - 1, "ending")):
            if src.pos[i] == "ADP" and i not in view.s2t:
                return f"source preposition '{src.tokens[i]}' {where} the span is unaligned: the switch would drop it"
    near = [(rng[0] - 1, CONTENT_POS), (rng[1], CONTENT_POS)]
    if src.pos:
        # one function word further: "piece of art" -> "Kunstwerk" for "art",
        # "pitchers of water" -> "Wasserkrügen" with "water" unaligned
        if rng[0] >= 2 and src.pos[rng[0] - 1] in FUNCTION_POS:
            near.append((rng[0] - 2, NOMINAL_POS))
        if rng[1] + 1 < len(src.tokens) and src.pos[rng[1]] in FUNCTION_POS:
            # (a number too: "groups of four" -> "Vierergruppen" with "four" unaligned)
            near.append((rng[1] + 1, _NOMINAL_OR_NUM))
    src_stops = stop_words(view.src_lang) if not src.pos else frozenset()
    if src_stops:
        # no POS tags (a Hindi frame, matrix: tgt): the source language's stop words are the function
        # words ("रात" -> "Dinner" with "का खाना" unaligned gives "Dinner ka khana")
        if rng[0] >= 2 and src.tokens[rng[0] - 1] in src_stops:
            near.append((rng[0] - 2, NOMINAL_POS))
        if rng[1] + 1 < len(src.tokens) and src.tokens[rng[1]] in src_stops:
            near.append((rng[1] + 1, NOMINAL_POS))
    for i, classes in near:
        if not 0 <= i < len(src.tokens) or i in view.s2t or is_language_independent(src.tokens[i]):
            continue
        pos = src.pos[i] if src.pos else ""
        if (pos in classes) if pos else len(src.tokens[i]) > 3 and src.tokens[i] not in src_stops:
            where = "next to" if i in (rng[0] - 1, rng[1]) else "near"
            return f"source word '{src.tokens[i]}' {where} the span is unaligned"
    return None


def _is_determiner(src, i: int) -> bool:
    """An article, a determiner or a possessive (by POS; a possessive
    pronoun by its ``poss`` label)."""
    return src.pos[i] == "DET" or (src.pos[i] == "PRON" and bool(src.deps) and src.deps[i] == "poss")


def _edge_is_function_word(view, pair) -> bool:
    """The first word of the target span is a function word of its
    language (spaCy's stop words)."""
    edges = _edge_words(view.tgt.tokens, pair)
    return bool(edges) and view.tgt.tokens[edges[0]].casefold() in stop_words(view.tgt_lang)


#: German forms that mark genitive only, or dative (or dative/genitive) only
GENITIVE_ONLY: Dict[str, frozenset] = {"de": frozenset({"des", "eines", "dieses", "jenes", "keines", "meines",
                                                        "seines", "ihres", "unseres", "eures"})}
DATIVE_MARKED: Dict[str, frozenset] = {"de": frozenset({"dem", "einem", "einer", "diesem", "jenem", "keinem",
                                                        "meinem", "seinem", "ihrem", "unserem", "eurem",
                                                        "keiner", "meiner", "seiner", "ihrer"})}
#: English dependency labels of a noun phrase in subject / oblique position
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "nsubj:pass", "ROOT", "root", "attr", "appos"})
OBLIQUE_DEPS = frozenset({"dobj", "obj", "pobj", "iobj", "dative", "obl", "npadvmod"})


def _span_start_case(view, pair) -> Optional[str]:
    """A German span that starts with a case-marked article or adjective
    whose case the English words left in front of it do not give."""
    lang = view.tgt_lang
    if lang not in GENITIVE_ONLY or not view.src.pos:
        return None
    rng = _src_range(view, pair)
    if rng is None:
        return None
    src = view.src
    first = view.tgt.tokens[pair.tgt_start]
    low = first.casefold()
    before = rng[0] - 1
    prev = src.tokens[before].casefold() if before >= 0 else ""
    prev_pos = src.pos[before] if before >= 0 else ""
    if low in GENITIVE_ONLY[lang] and prev != "of" and src.tokens[rng[0]].casefold() != "of":
        return f"genitive '{first}' at the span start, after '{src.tokens[before] if before >= 0 else ''}'"
    if low in DATIVE_MARKED[lang] and prev_pos != "ADP":
        return f"dative '{first}' at the span start, after '{src.tokens[before] if before >= 0 else ''}'"
    if not (src.heads and src.deps) or not first[:1].islower() or prev_pos != "DET":
        return None
    if low in stop_words(lang):
        return None
    adj = [i for i in view.t2s.get(pair.tgt_start, ()) if src.pos[i] == "ADJ"]
    if not adj:
        return None
    head = src.heads[adj[0]]
    dep = src.deps[head] if 0 <= head < len(src.deps) else ""
    if low.endswith("em"):
        return f"dative adjective '{first}' after the article '{src.tokens[before]}'"
    if low.endswith("er") and dep in OBLIQUE_DEPS:
        return f"nominative/dative adjective '{first}' after '{src.tokens[before]}' in an object ({dep})"
    if low.endswith("en") and dep in SUBJECT_DEPS and src.tokens[before].casefold() in ("a", "an"):
        return f"oblique adjective '{first}' after '{src.tokens[before]}' in a subject ({dep})"
    return None


def case_government(view, pair) -> Optional[str]:
    if pair.tgt_start < 0 or view.tgt is None:
        return None
    why = _contraction(view, pair) or _span_start_case(view, pair) or _hindi_oblique(view, pair) or \
        _hindi_frame_number(view, pair)
    if why is not None:
        return why
    if pair.tgt_start == 0:
        return None
    governors = CASE_GOVERNORS.get(view.tgt_lang)
    if not governors:
        return None
    # over the inflected adjectives the span leaves behind: "eines
    # afrikanischen" + "Stammes"
    preps = CASE_PREPOSITIONS.get(view.tgt_lang, frozenset())
    k = pair.tgt_start - 1
    while k > 0 and view.tgt_lang == "de" and view.tgt.tokens[k][:1].islower() and \
            view.tgt.tokens[k].casefold().endswith(("en", "em", "er", "es")) and \
            view.tgt.tokens[k].casefold() not in governors | preps:
        k -= 1
    prev = view.tgt.tokens[k].casefold()
    if prev in preps and view.src.pos:
        # a dative-only preposition left behind ("mit Rucksäcken" -> "wearing
        # Rucksäcken"): fine only when an English preposition governs the span
        rng = _src_range(view, pair)
        if rng is None:
            return None
        i = rng[0] - 1
        while i >= 0 and view.src.pos[i] in ("ADJ", "DET", "NUM", "ADV", "PRON"):
            i -= 1
        if i >= 0 and view.src.pos[i] == "ADP":
            return None
        return (f"target form follows the preposition '{view.tgt.tokens[k]}', which the span leaves "
                f"behind, and no English preposition governs it")
    if prev not in governors:
        return None
    first = view.tgt.tokens[pair.tgt_start].casefold()
    if first in governors or first in ("der", "die", "das", "ein", "eine"):
        return None  # the span brings its own determiner
    return f"target form follows '{view.tgt.tokens[k]}', which the span leaves behind"


#: source POS of function words
FUNCTION_POS = frozenset({"DET", "ADP", "AUX", "PRON", "CCONJ", "SCONJ", "PART"})


def misaligned_edge(view, pair) -> Optional[str]:
    """A word at a target span edge whose class disagrees with every source
    word it is aligned to: a target function word (one of spaCy's stop
    words for the language) aligned only to source content words, or a
    target content word aligned only to source function words.  Both are
    the aligner's mistakes ("people playing" -> "Leute , die")."""
    if pair.tgt_start < 0 or view.tgt is None:
        return None
    if _is_hindi_frame(view):
        # a Hindi frame (matrix: tgt) has no POS tags: the loanword and verb-position checks still run
        rng = _src_range(view, pair)
        return _split_loanword(view, pair, rng) or _hindi_verb_position(view, pair, rng) or \
            _hindi_frame_postposition(view, rng) or _hindi_frame_lost_word(view, pair, rng) or \
            _english_phrase_not_a_constituent(view, pair) or _hindi_frame_question_word(view, pair, rng)
    if not view.src.pos:
        return None
    stops = stop_words(view.tgt_lang)
    if not stops:
        return None
    tgt = view.tgt.tokens
    rng = _src_range(view, pair)
    if view.tgt_lang == "hi" and rng is not None:
        # "this बुख़ार कब" for "this fever": कब (when) came from "How long"
        why = _lost_question_word(tgt[pair.tgt_start:pair.tgt_end], view.src.tokens[rng[0]:rng[1]])
        if why is not None:
            return why
    why = _split_loanword(view, pair, rng)
    if why is not None:
        return why
    if rng is not None:
        outside = {view.src.tokens[i].casefold() for i in range(len(view.src.tokens))
                   if not rng[0] <= i < rng[1] and any(ch.isalnum() for ch in view.src.tokens[i])}
        for j in range(pair.tgt_start, pair.tgt_end):
            t = tgt[j].casefold()
            if t in outside and (t[:1].isdigit() or tgt[j][:1].isupper()) and \
                    t not in {view.src.tokens[i].casefold() for i in range(*rng)}:
                return f"target word '{tgt[j]}' is also outside the span in the source: it would be said twice"
        content = [i for i in range(*rng) if view.src.pos[i] in CONTENT_POS - {"NUM"}]
        words = [j for j in range(pair.tgt_start, pair.tgt_end) if not is_language_independent(tgt[j])]
        if content and words and all(tgt[j].casefold() in stops for j in words):
            return (f"target span '{' '.join(tgt[pair.tgt_start:pair.tgt_end])}' has only function words for "
                    f"'{view.src.tokens[content[0]]}'")
        # one source verb or noun of the span aligned only to target function
        # words or punctuation: its meaning is lost ("woman jumping up" ->
        # "Frau , die")
        for i in content:
            links = view.s2t.get(i, ())
            if view.src.pos[i] in ("VERB", "NOUN") and links and \
                    all(tgt[j].casefold() in stops or _is_punct(tgt[j]) for j in links):
                return (f"source {view.src.pos[i].lower()} '{view.src.tokens[i]}' is aligned only to function "
                        f"words or punctuation ('{tgt[links[0]]}')")
    if rng is not None:
        # a punctuation mark at a target span edge where the source span has
        # a word: "boy is climbing" -> "boy , klettert"; "im Park ." + "."
        tg = tgt[pair.tgt_start:pair.tgt_end]
        sg = view.src.tokens[rng[0]:rng[1]]
        for t, w in ((tg[0], sg[0]), (tg[-1], sg[-1])):
            if _is_punct(t) and not _is_punct(w):
                return f"the target span has the punctuation mark '{t}' at its edge, the source span a word"
        # a quotation mark whose partner stays outside, in the other
        # language's style ('„MAKE SOME NOISE"')
        quotes = sum(ch in QUOTE_MARKS for t in tg for ch in t)
        if quotes % 2:
            return "the target span has a quotation mark whose partner is outside it"
    if view.tgt_lang == "de":
        # German writes every noun with a capital: a lowercase content word
        # aligned only to source nouns is another word class, anywhere in
        # the span ("Baby hält", "Einkaufstasche vergessen und")
        for j in range(pair.tgt_start, pair.tgt_end):
            srcs = [i for i in view.t2s.get(j, ()) if not is_language_independent(view.src.tokens[i])]
            if srcs and tgt[j][:1].islower() and tgt[j].casefold() not in stops and len(tgt[j]) > 2 and \
                    all(view.src.pos[i] in ("NOUN", "PROPN") for i in srcs):
                return f"German '{tgt[j]}' (not a noun) aligned to the noun '{view.src.tokens[srcs[0]]}'"
        # a finite auxiliary or modal as the span's last word: its verb stays
        # outside, in the other language ("Jeder Schüler muss a uniform")
        edges = _edge_words(tgt, pair)
        if edges and tgt[edges[-1]].casefold() in DE_FINITE_AUX and rng is not None and \
                any(not is_language_independent(t) for t in view.src.tokens[rng[1]:]):
            return f"German '{tgt[edges[-1]]}' ends the span and its verb is not in it"
    if rng is not None and rng[1] < len(view.src.tokens) and pair.tgt_end > pair.tgt_start:
        # the last target word also spells the clitic after the source span ("Applebee" -> "Applebee's"
        # with "'s" outside gives "Applebee's's"; "John" -> "John'" gives "John''s")
        nxt = view.src.tokens[rng[1]]
        last = tgt[pair.tgt_end - 1].casefold()
        if nxt[:1] in ("'", "\u2019") and len(nxt) <= 3 and (last.endswith(nxt.casefold()) or
                                                            last.endswith(("'", "\u2019"))):  # "John'" + "'s"
            return f"target word '{tgt[pair.tgt_end - 1]}' also spells '{nxt}', which stays outside the span"
    if pair.tgt_end > pair.tgt_start and len(tgt[pair.tgt_end - 1]) > 3 and \
            tgt[pair.tgt_end - 1].endswith(("'", "\u2019")) and tgt[pair.tgt_end - 1][:1].isupper():
        # a name cut by the target tokenizer ("McDonald's" -> "McDonald'" + "s"): the span ends inside a word
        return f"target word '{tgt[pair.tgt_end - 1]}' ends the span with an apostrophe: a word cut in two"
    for j in _edge_words(tgt, pair):
        if is_language_independent(tgt[j]):
            continue
        srcs = [i for i in view.t2s.get(j, ()) if not is_language_independent(view.src.tokens[i])]
        # a stray link: the edge word's only source word is also aligned to
        # a target word far from it, and the span was stretched to take both
        # ("before the twentieth of December" -> "बीस दिसंबर से पहले पूरा
        # कर लें", with "December" also linked to "लें")
        if len(srcs) == 1 and tgt[j].casefold() not in DE_SEPARABLE_PARTICLES:
            far = [k for k in view.s2t.get(srcs[0], ())
                   if abs(k - j) >= FAR_LINK and pair.tgt_start <= k < pair.tgt_end]
            if far:
                return (f"target word '{tgt[j]}' at the span edge shares '{view.src.tokens[srcs[0]]}' with "
                        f"'{tgt[far[0]]}', {abs(far[0] - j)} words away: a stray link")
        if not srcs:
            if view.t2s.get(j) and any(ch.isalnum() for ch in tgt[j]) and (
                    tgt[j].casefold() not in stops and len(tgt[j]) > 2 or
                    any(_is_punct(view.src.tokens[i]) for i in view.t2s[j])):
                # a word aligned to punctuation only ("," -> ", braucht"; "male ," -> "Mann und")
                return f"target word '{tgt[j]}' at the span edge is aligned only to punctuation"
            continue
        classes = {view.src.pos[i] in FUNCTION_POS for i in srcs}
        tgt_function = tgt[j].casefold() in stops
        if tgt_function and classes == {False}:
            return f"target function word '{tgt[j]}' aligned to content word '{view.src.tokens[srcs[0]]}'"
        if not tgt_function and len(tgt[j]) > 3 and classes == {True}:
            return f"target content word '{tgt[j]}' aligned to function word '{view.src.tokens[srcs[0]]}'"
    return _hindi_clause_verb(view, pair, rng)


def _is_devanagari(word: str) -> bool:
    """The word has a letter or sign of the Devanagari block (U+0900-U+097F)."""
    return any("\u0900" <= ch <= "\u097f" for ch in word)


def _loan_keys(view):
    """Consonant skeletons of the English words and of the romanized
    Devanagari words (a pair with Hindi on either side: a Hindi target, or a
    Hindi frame from ``matrix: tgt``), computed once per view:
    {index: skeleton} for each side, only for words long enough that a
    match is not chance."""
    keys = getattr(view, "_loan_keys_cache", None)
    if keys is not None:
        return keys
    keys = ({}, {})
    hindi_side = 1 if view.tgt_lang == "hi" else 0 if view.src_lang == "hi" else None
    if hindi_side is not None and view.tgt is not None:
        from cs_synth.transforms.translit.hinglish import romanize_word
        from cs_synth.transforms.translit.learned import skeleton

        def key(word):
            k = skeleton(word)
            return k if len(k) >= 3 or (len(k) == 2 and len(word) >= 5) else None

        english, hindi = (view.tgt, view.src) if hindi_side == 0 else (view.src, view.tgt)
        for i, w in enumerate(english.tokens):
            if w.isalpha() and w.isascii() and (k := key(w)) is not None:
                keys[1 - hindi_side][i] = k
        for j, w in enumerate(hindi.tokens):
            if _is_devanagari(w):
                r = romanize_word(w)
                if len(r) >= 4 and (k := key(r)) is not None:
                    keys[hindi_side][j] = k
    view._loan_keys_cache = keys
    return keys


#: Hindi forms of होना that follow a verb's participle (लगते हैं, सीखा था)
HI_AUXILIARIES = frozenset("है हैं था थी थे हूँ हूं हो होगा होगी होंगे".split())
#: endings of Hindi imperfective and perfective participles (सीखते, लगता, लौटाए, आई, गया)
HI_PARTICIPLE_ENDINGS = ("ते", "ता", "ती", "या", "ये", "यी", "ए", "ई")
#: what follows a Hindi participle in a verb group: forms of होना, and of जाना
#: (passive and compound verbs: किए जाएँगे, टूट गया)
HI_VERB_FOLLOWERS = HI_AUXILIARIES | frozenset("जा जाता जाती जाते जाएगा जाएगी जाएँगे जाएंगे जायेगा जायेगी जायेंगे "
                                               "गया गई गए गयी गये".split())
#: participles of the light and common verbs whose stems end in a consonant
#: (लगना, होना, करना, देना, लेना, रहना, पड़ना, सकना, चुकना), which
#: :data:`HI_PARTICIPLE_ENDINGS` cannot tell from adjectives (अच्छी है):
#: before a form of होना they are the verb ("bhukh nahin hungry hai" for लगी है)
HI_LIGHT_VERB_FORMS = frozenset("लगा लगी लगे हुआ हुई हुए हुईं किया की किए किये दिया दी दिए दिये लिया ली लिए लिये "
                                "रहा रही रहे पड़ा पड़ी पड़े सका सकी सके चुका चुकी चुके".split())
#: a participle's endings, with the vowel signs ा ी े that end the perfective
#: participle of a consonant stem (खोला, रखी, कटे)
HI_PERFECTIVE_ENDINGS = HI_PARTICIPLE_ENDINGS + ("\u093e", "\u0940", "\u0947")
#: the forms of हुआ that make a perfective participle stative (कटा हुआ, टूटी हुई)
HI_STATIVE_HUA = frozenset({"हुआ", "हुई", "हुए", "हुईं"})
#: sentence or clause punctuation (the danda too)
CLAUSE_END = frozenset("। ॥ . ? ! , ; :".split())


def _last_word(tokens: Sequence[str], start: int, end: int) -> int:
    """The index of the last token of ``tokens[start:end]`` that is not
    clause punctuation (a span may take the clause's danda or "?"), or
    ``start`` when all of them are."""
    last = end - 1
    while last > start and tokens[last] in CLAUSE_END:
        last -= 1
    return last


def _hindi_clause_verb(view, pair, rng) -> Optional[str]:
    """A Hindi target span that runs to the end of its clause takes the
    clause's verb (Hindi is verb-final); when the English span has no verb,
    the English verb outside says it again ("The nurse checked मेरा ब्लड
    प्रेशर और तापमान जाँचा"), or the aligner paired the two sentence ends
    ("because of the आई।" for "the ice").  A span that takes the clause's
    punctuation too ends its clause; so does a participle before a form of
    होना or जाना ("The किए will be published" for किए जाएँगे)."""
    if view.tgt_lang != "hi" or rng is None or view.tgt is None or not view.src.pos:
        return None
    tgt = view.tgt.tokens
    end = _last_word(tgt, pair.tgt_start, pair.tgt_end) + 1
    if tgt[end - 1] in CLAUSE_END:
        return None
    last = tgt[end - 1]
    if not _is_devanagari(last):
        return None
    after = tgt[pair.tgt_end] if pair.tgt_end < len(tgt) else None
    if end == pair.tgt_end and after is not None and after not in CLAUSE_END and \
            not (after in HI_VERB_FOLLOWERS and last.endswith(HI_PARTICIPLE_ENDINGS)):
        return None
    if any(view.src.pos[i] in ("VERB", "AUX") for i in range(*rng)):
        return None
    if not any(view.src.pos[i] in ("VERB", "AUX") for i in range(len(view.src.tokens)) if not rng[0] <= i < rng[1]):
        return None
    return (f"the Hindi span ends its clause with '{last}', the verb position, and the English span has no "
            f"verb: the verb would be said twice")


def _hindi_frame_lost_word(view, pair, rng) -> Optional[str]:
    """In a Hindi frame (no POS tags on the Hindi side), a Hindi content
    word that the switch loses or misplaces:
    - one at the span's edge with no link at all: the English span does
      not say it ("har evening ke bad" for "शाम खाने के बाद", खाने lost);
    - one next to the span linked only to English articles of the span's
      own English noun: "airplane jahaj" for हवाई of "हवाई
      जहाज़", with जहाज़ linked to "an";
    - the bound half of a compound adjective right after the span
      (:data:`HI_BOUND_ADJECTIVES`): "dusty bhari" for धूल भरी."""
    if rng is None or view.tgt is None or not view.tgt.pos:
        return None
    stops = stop_words(view.src_lang)
    src = view.src.tokens
    pair_t1, pair_t2 = pair.tgt_start, pair.tgt_end

    def content(i):
        return _is_devanagari(src[i]) and src[i] not in stops and src[i] not in HI_POSTPOSITIONS and len(src[i]) > 2

    for i in sorted({rng[0], rng[1] - 1}):
        if i not in view.s2t and content(i):
            return f"Hindi word '{src[i]}' at the span edge is unaligned: the switch would drop it"
    if rng[1] < len(src) and src[rng[1]] in HI_BOUND_ADJECTIVES:
        # "hawa sukhi aur dusty bhari" for धूल भरी ("dusty"): भरी makes one adjective of the noun before it
        return f"the span cuts the Hindi compound '{src[rng[1] - 1]} {src[rng[1]]}': '{src[rng[1]]}' stays outside"
    for i in (rng[0] - 1, rng[1]):
        if 0 <= i < len(src) and content(i) and \
                src[i] not in HI_COMPOUND_POSTPOSITIONS | HI_PRONOUNS | HI_GENITIVE_FORMS | HI_DETERMINERS and \
                view.s2t.get(i) and all(view.tgt.tokens[j].casefold() in ("a", "an", "the") and view.tgt.heads and
                                        pair_t1 <= view.tgt.heads[j] < pair_t2 for j in view.s2t[i]):
            return (f"Hindi word '{src[i]}' next to the span is linked only to the article "
                    f"'{view.tgt.tokens[min(view.s2t[i])]}' of the span's English noun: it belongs with the span")
    return None


def _opens_compound_postposition(tokens: Sequence[str], k: int) -> Optional[str]:
    """The span's first Hindi word ``tokens[k]`` is the second half of a
    compound postposition whose genitive (के, अपने ...) stays outside: the
    English word it was aligned to can only be the aligner's mistake ("keep
    your पास", "apne luggage rakhen" for अपने पास "with you"); so is one
    of :data:`HI_SE_POSTPOSITIONS` after a से that stays outside ("shahar se
    colleagues rahte hain" for शहर से बाहर "outside the city")."""
    if k > 0 and (tokens[k] in HI_COMPOUND_POSTPOSITIONS and tokens[k - 1] in HI_GENITIVE_FORMS or
                  tokens[k] in HI_SE_POSTPOSITIONS and tokens[k - 1] == "से"):
        return (f"the span opens inside the Hindi postposition '{tokens[k - 1]} {tokens[k]}', whose first half "
                f"stays outside")
    return None


def _lost_question_word(hindi: Sequence[str], english: Sequence[str]) -> Optional[str]:
    """A Hindi question word among the span's Hindi words while its English
    words have none: one side of the switch loses the question."""
    ask = next((w for w in hindi if w in HI_QUESTION_WORDS), None)
    if ask is not None and not any(w.casefold() in ENGLISH_QUESTION_WORDS for w in english):
        return f"Hindi question word '{ask}' in the span and no English question word"
    return None


def _hindi_frame_question_word(view, pair, rng) -> Optional[str]:
    """:func:`_lost_question_word` in a Hindi frame: the English span would
    drop the question ("aapko yah fever se hai?" for बुख़ार कब, "How long
    have you had this fever?")."""
    if rng is None or view.tgt is None or pair.tgt_start < 0:
        return None
    return _lost_question_word(view.src.tokens[rng[0]:rng[1]], view.tgt.tokens[pair.tgt_start:pair.tgt_end])


def _english_phrase_not_a_constituent(view, pair) -> Optional[str]:
    """In a Hindi frame, an English span of several words that is not one
    phrase of the English parse (more than one of its words has its head
    outside it, punctuation aside): two phrases side by side in English
    order, which the Hindi frame would read as one ("class today mein" for
    आज कक्षा में, from "in class today")."""
    tgt = view.tgt
    if pair.tgt_start < 0 or tgt is None or not tgt.heads or pair.tgt_end - pair.tgt_start < 2:
        return None
    words = [j for j in range(pair.tgt_start, pair.tgt_end) if not tgt.pos or tgt.pos[j] != "PUNCT"]
    roots = [j for j in words if not pair.tgt_start <= tgt.heads[j] < pair.tgt_end or tgt.heads[j] == j]
    if len(roots) > 1:
        return (f"English span '{' '.join(tgt.tokens[pair.tgt_start:pair.tgt_end])}' is not one phrase: "
                f"'{tgt.tokens[roots[0]]}' and '{tgt.tokens[roots[1]]}' attach outside it")
    return None


def _hindi_frame_postposition(view, rng) -> Optional[str]:
    """:func:`_opens_compound_postposition` in a Hindi frame (``matrix: tgt``)."""
    return None if rng is None else _opens_compound_postposition(view.src.tokens, rng[0])


def _hindi_verb_position(view, pair, rng) -> Optional[str]:
    """In a Hindi frame (``matrix: tgt``), the span's last Hindi word is
    where a Hindi clause puts its verb (Hindi is verb-final): at the end of
    a clause, or a participle before a form of होना (सीखते हैं).  An English
    noun aligned to that word is the aligner's mistake of pairing the two
    sentence ends ("printer mein ... dalni cartridge" for डालनी होगी,
    "tairna grade hain" for सीखते हैं): the Hindi verb would be lost.  A
    loanword partner (ग्रिल "grill") is exempt.  Needs POS tags on the
    English side."""
    if view.tgt is None or not view.tgt.pos or pair.tgt_start < 0 or rng is None:
        return None
    src = view.src.tokens
    last = _last_word(src, *rng)  # past the clause's punctuation: "pura kar yet?" for "कर लिया?"
    nxt = src[last + 1] if last + 1 < len(src) else None
    word = src[last]
    if nxt is None or nxt in CLAUSE_END:
        verb = True
    elif nxt in HI_AUXILIARIES:
        verb = word.endswith(HI_PARTICIPLE_ENDINGS) or word in HI_LIGHT_VERB_FORMS
    elif nxt in HI_VERB_FOLLOWERS or nxt in HI_STATIVE_HUA:
        # a perfective participle before a form of जाना, the passive ("fir se renovation gaya" for खोला
        # गया, "servers jata hai" for रखा जाता है), or before हुआ, the stative ("sampark ab bhi landslide
        # hua hai" for कटा हुआ); a bare noun before जाना (घर गया) has no vowel sign
        verb = word.endswith(HI_PERFECTIVE_ENDINGS) or word in HI_LIGHT_VERB_FORMS
    else:
        verb = False
    if not verb or not _is_devanagari(word):
        return None
    if not any(view.tgt.pos[j] in ("VERB", "AUX") for j in range(pair.tgt_start, pair.tgt_end)):
        # "is soup mein thoda aur salt" for "नमक डालिए", "kya aap credit cards hain" for "... लेते हैं"
        return (f"the Hindi span ends with '{word}' in the verb position and the English span has no verb: "
                f"the Hindi verb would be lost")
    src_keys, tgt_keys = _loan_keys(view)
    for j in view.s2t.get(last, ()):
        if view.tgt.pos[j] in ("NOUN", "PROPN") and not (src_keys.get(last) and src_keys.get(last) == tgt_keys.get(j)):
            return (f"the Hindi word '{word}' in the verb position is aligned to the English noun "
                    f"'{view.tgt.tokens[j]}': the Hindi verb would be lost")
    return None


def _split_loanword(view, pair, rng) -> Optional[str]:
    """A loanword pair that the span cuts: a Hindi target word written like
    an English word (same consonant skeleton once romanized) on one side of
    the span edge and that English word on the other ("We ordered pizza"
    -> "We ordered मँगवाया" with "पिज़्ज़ा" left behind; "forgot our वेटर"
    with "waiter" outside).  The aligner put the link in the wrong place."""
    if rng is None or pair.tgt_start < 0:
        return None
    src_keys, tgt_keys = _loan_keys(view)
    if not tgt_keys:
        return None
    inside_src = {src_keys[i] for i in range(*rng) if i in src_keys}
    outside_src = {k: i for i, k in src_keys.items() if not rng[0] <= i < rng[1]}
    inside_tgt = {tgt_keys[j] for j in range(pair.tgt_start, pair.tgt_end) if j in tgt_keys}
    for j in range(pair.tgt_start, pair.tgt_end):
        k = tgt_keys.get(j)
        if k is not None and k in outside_src and k not in inside_src:
            return (f"target word '{view.tgt.tokens[j]}' is the loanword '{view.src.tokens[outside_src[k]]}', "
                    f"which stays outside the span")
    for i in range(*rng):
        k = src_keys.get(i)
        if k is None or k in inside_tgt:
            continue
        out = [j for j, kk in tgt_keys.items() if kk == k and not pair.tgt_start <= j < pair.tgt_end]
        if out:
            return (f"source word '{view.src.tokens[i]}' is the loanword '{view.tgt.tokens[out[0]]}', "
                    f"which stays outside the target span")
    return None


#: how far apart (in target words) two links of one source word must be
#: for the one at a span edge to count as stray
FAR_LINK = 4
#: double quotation marks (not the apostrophe-like single ones)
QUOTE_MARKS = frozenset('"\u201e\u201c\u201d\u00ab\u00bb')


def _is_punct(tok: str) -> bool:
    return bool(tok) and not any(ch.isalnum() for ch in tok)


#: German finite auxiliaries and modals
DE_FINITE_AUX = frozenset({"hat", "habe", "hast", "haben", "habt", "hatte", "hatten", "ist", "sind", "bin", "bist",
                           "seid", "war", "waren", "wird", "werden", "wirst", "wurde", "wurden", "muss", "müssen",
                           "musste", "kann", "können", "konnte", "soll", "sollen", "sollte", "will", "wollen",
                           "wollte", "darf", "dürfen", "mag", "möchte", "möchten"})


#: target words that contract a preposition with an article (German im =
#: in dem, French au = à le): a span starting with one takes the source's
#: preposition too, or it is said twice ("laying in im Gras")
CONTRACTIONS: Dict[str, frozenset] = {
    "de": frozenset({"im", "am", "vom", "zum", "zur", "beim", "ins", "ans", "aufs", "durchs", "fürs", "ums"}),
    "fr": frozenset({"au", "aux", "du", "des"}),
    "es": frozenset({"al", "del"}),
    "it": frozenset({"al", "allo", "alla", "ai", "agli", "alle", "del", "dello", "della", "dei", "degli", "delle",
                     "nel", "nello", "nella", "nei", "negli", "nelle", "sul", "sullo", "sulla", "sui", "sugli",
                     "sulle"}),
    "pt": frozenset({"ao", "aos", "do", "da", "dos", "das", "no", "na", "nos", "nas", "pelo", "pela"}),
}


def _contraction(view, pair) -> Optional[str]:
    table = CONTRACTIONS.get(view.tgt_lang)
    if not table or pair.tgt_start < 0 or not view.src.pos:
        return None
    first = view.tgt.tokens[pair.tgt_start]
    rng = _src_range(view, pair)
    if first.casefold() not in table or rng is None or rng[0] == 0:
        return None
    before = rng[0] - 1
    if view.src.pos[before] == "ADP" and view.base_of.get(before) is not None:
        return f"'{first}' contains a preposition, and '{view.src.tokens[before]}' stays before the span"
    return None


#: German prepositions (and contractions) that cannot end a span, and
#: postpositions that double an English preposition left in front
DE_PREPOSITIONS = frozenset({"mit", "von", "zu", "in", "an", "auf", "bei", "nach", "aus", "für", "um", "über",
                             "unter", "vor", "hinter", "neben", "zwischen", "durch", "gegen", "ohne", "seit",
                             "während", "wegen", "trotz",
                             # separable verb particles: the verb's other half is outside the span
                             "ab", "los", "weg", "zurück", "hin", "her", "fort", "weiter", "fest"}) | \
    CONTRACTIONS["de"]
DE_POSTPOSITIONS = frozenset({"entlang", "hinunter", "hinauf", "herunter", "herauf", "hindurch", "gegenüber",
                              "zufolge", "entgegen", "herum", "hinein", "heraus", "hinaus", "herab", "hinab"})


#: Hindi question words, and the English ones that may stand for them
HI_QUESTION_WORDS = frozenset("क्या कब कहाँ कहां क्यों कैसे कैसा कैसी कौन किसने किसे किसको कितना कितनी कितने".split())
ENGLISH_QUESTION_WORDS = frozenset("what when where why how who whom whose which".split())
#: Hindi particles that lean on the word before them
HI_ENCLITICS = frozenset({"भी", "ही", "तो"})
#: Hindi personal pronouns, direct, oblique and dative forms
HI_PRONOUNS = frozenset("मैं मुझे मुझको मुझसे हम हमें हमको तुम तुम्हें तुमको आप आपको वह वो वे उसे उसको उसने उन्हें "
                        "उनको उन्होंने इसे इसको इन्हें मैंने हमने तुमने आपने".split())
#: the genitive forms a compound postposition follows (के बाद, अपने पास, मेरे साथ)
HI_GENITIVE_FORMS = frozenset("के की अपने अपनी मेरे मेरी तेरे तेरी हमारे हमारी तुम्हारे तुम्हारी आपके आपकी उसके उसकी "
                              "उनके उनकी इसके इसकी".split())
#: Hindi postpositions (the simple ones, and the first word of the
#: compound ones: "के लिए", "के बारे में", "की तरह").  They follow their
#: noun phrase, so a span that starts with one has left its noun behind
HI_POSTPOSITIONS = frozenset({"का", "की", "के", "को", "से", "में", "पर", "ने", "तक", "वाला", "वाली", "वाले",
                              "लिए", "बारे", "बाद", "साथ", "दौरान", "तरह", "द्वारा"})
#: the Hindi case markers among them: one ending a span stands for an
#: English preposition (or 's, or the "to" of a purpose clause) in it
HI_CASE_MARKERS = HI_POSTPOSITIONS - frozenset({"वाला", "वाली", "वाले", "बारे", "दौरान", "तरह"})
ENGLISH_CASE_WORDS = frozenset({"'s", "'", "to", "s'"})
#: second parts of Hindi compound postpositions (के किनारे "by", के पास
#: "near", की तरह "like"): a span ending in the के or की before one cuts it
HI_COMPOUND_POSTPOSITIONS = frozenset({"किनारे", "पास", "बाद", "लिए", "साथ", "बारे", "ऊपर", "नीचे", "अंदर", "भीतर",
                                       "बाहर", "पीछे", "सामने", "दौरान", "कारण", "बीच", "तरफ़", "तरफ", "तरह",
                                       "बिना", "द्वारा", "वजह", "जैसे", "पहले", "आसपास", "ख़िलाफ़", "खिलाफ",
                                       "अलावा", "बजाय", "मुताबिक", "अनुसार"})
#: second parts of Hindi compound postpositions opened by से (से बाहर
#: "outside", से पहले "before", से दूर "far from", से अलग "apart from")
HI_SE_POSTPOSITIONS = frozenset({"बाहर", "पहले", "दूर", "अलग"})
#: Hindi determiners that only stand before a noun (oblique demonstratives, हर, किसी)
HI_DETERMINERS = frozenset({"इस", "उस", "इन", "उन", "हर", "किसी", "प्रत्येक"})
#: the Hindi genitive postposition (its three agreement forms)
HI_GENITIVE = frozenset({"का", "की", "के"})
#: Hindi oblique plural endings (-ों, -ियों, -ओं): the form a noun takes
#: before a postposition, wrong without one ("काहिरा के अधिकारियों expect")
HI_OBLIQUE_PLURAL = ("ों", "ओं")


def _dangling_hindi_postposition(view, pair) -> Optional[str]:
    """A Hindi span that starts with a postposition (its noun stays
    outside: "Several villages का संपर्क", "by a runner ने जीती"); that ends
    with a case marker while the English span has no preposition, so the
    case has no source in the English frame ("The नदी में flooded", "गाइड
    ने showed us", "attended संगीत समारोह में in Rio"); that ends with a
    genitive for an English "of" phrase, or a phrase after a noun, after
    its head ("this part देश के", "Scientists चिली के"); that ends with a
    determiner whose noun stays outside ("most of छात्र इस"); that ends in
    the के of a compound postposition ("cooler समुद्र के" + "किनारे"); or
    that ends with one while an English preposition before the span says it
    again ("at अपने दादा-दादी के खेत पर farm")."""
    if view.tgt_lang != "hi" or pair.tgt_start < 0 or view.tgt is None:
        return None
    tgt = view.tgt.tokens
    edges = _edge_words(tgt, pair)
    if not edges:
        return None
    first, last = tgt[edges[0]], tgt[edges[-1]]
    rng = _src_range(view, pair)
    if first in HI_POSTPOSITIONS:
        return f"Hindi postposition '{first}' opens the span: the noun it follows stays outside"
    if first in HI_ENCLITICS:
        # "still भी वारंटी" for "अभी भी": भी, ही, तो lean on the word before them
        return f"Hindi particle '{first}' opens the span: the word it leans on stays outside"
    if view.src.pos and rng is not None and not any(view.src.pos[i] == "PRON" for i in range(*rng)):
        pron = next((tgt[j] for j in (edges[0], edges[-1]) if tgt[j] in HI_PRONOUNS), None)
        if pron is not None:
            # "wear a cast उसे छह हफ़्ते" for "for six weeks"
            return f"Hindi pronoun '{pron}' at the span edge and no English pronoun in the span"
    why = _opens_compound_postposition(tgt, edges[0])  # "keep your पास" for "luggage" (अपने पास)
    if why is not None:
        return why
    if last in HI_CASE_MARKERS and view.src.pos and rng is not None and not any(
            view.src.pos[i] == "ADP" or view.src.tokens[i].casefold() in ENGLISH_CASE_WORDS for i in range(*rng)):
        # "The river" -> "नदी में", "the concert" -> "संगीत समारोह में" + "in Rio", "The guide" -> "गाइड ने"
        return (f"Hindi postposition '{last}' ends the span and the English span has no preposition: "
                f"it marks a case the English frame does not give")
    if last in HI_DETERMINERS:
        return f"Hindi determiner '{last}' ends the span: its noun stays outside"
    if last in ("के", "की") and pair.tgt_end < len(tgt) and tgt[pair.tgt_end] in HI_COMPOUND_POSTPOSITIONS:
        return f"the span cuts the Hindi postposition '{last} {tgt[pair.tgt_end]}'"
    if last in HI_GENITIVE and rng is not None and rng[0] > 0 and (
            view.src.tokens[rng[0]].casefold() == "of" or (view.src.pos and view.src.pos[rng[0]] == "ADP" and
                                                           view.src.pos[rng[0] - 1] in ("NOUN", "PROPN"))):
        # "this part of the country" -> "this part देश के", "Scientists in Chile" -> "Scientists चिली के":
        # a Hindi genitive goes before its head
        return (f"Hindi genitive '{last}' ends the span after its head '{view.src.tokens[rng[0] - 1]}': "
                f"Hindi puts it before the head")
    if last not in HI_POSTPOSITIONS or not view.src.pos or rng is None or view.src.pos[rng[0]] == "ADP":
        return None
    # the English preposition left in front, over the determiners and
    # adjectives also left there ("at the खेत पर")
    i = rng[0] - 1
    while i >= 0 and view.src.pos[i] in ("DET", "NUM", "ADJ") or (i >= 0 and view.src.deps and
                                                                 view.src.deps[i] == "poss"):
        i -= 1
    if i >= 0 and view.src.pos[i] == "ADP":
        return f"Hindi postposition '{last}' ends the span and '{view.src.tokens[i]}' before it says it again"
    return None


#: second halves of Hindi compound adjectives (धूल भरी "dusty", पानी भरा "full of water")
HI_BOUND_ADJECTIVES = frozenset({"भरा", "भरी", "भरे"})
#: English focus adverbs: Hindi says them with the clitics ही / भी on the word they focus
ENGLISH_FOCUS_WORDS = frozenset({"only", "just", "even", "also", "too"})
#: Hindi determiners that take a singular noun (every, each)
HI_SINGULAR_DETERMINERS = frozenset({"हर", "प्रत्येक"})


def _is_hindi_frame(view) -> bool:
    return view.src_lang == "hi" and not view.src.pos and view.tgt is not None


def _hindi_frame_focus_word(view, pair) -> Optional[str]:
    """In a Hindi frame (``matrix: tgt``), an English span of focus adverbs
    only (:data:`ENGLISH_FOCUS_WORDS`): Hindi focuses a word with the
    clitics ही / भी on it, so the English adverb can only replace a Hindi
    word it was wrongly aligned to ("mujhe iska pata only chala" for तभी,
    "only then")."""
    if pair.tgt_start < 0 or not _is_hindi_frame(view):
        return None
    words = [w.casefold() for w in view.tgt.tokens[pair.tgt_start:pair.tgt_end] if any(ch.isalpha() for ch in w)]
    if words and all(w in ENGLISH_FOCUS_WORDS for w in words):
        return (f"English focus adverb '{' '.join(words)}' alone in the Hindi frame: Hindi marks focus with "
                f"ही / भी on the word it focuses")
    return None


#: English quantifiers that go with a degree word (too much, so many, very few)
ENGLISH_DEGREE_QUANTIFIERS = frozenset({"much", "many", "few", "little", "more", "less"})
ENGLISH_DEGREE_WORDS = frozenset({"too", "so", "very", "how", "as"})
#: English quantifiers that need their article: "a little" is some, "little" not much
ENGLISH_ARTICLE_QUANTIFIERS = frozenset({"little", "few", "lot", "bit", "couple"})


def _hindi_frame_quantifier(view, pair) -> Optional[str]:
    """In a Hindi frame, an English span opening with a quantifier whose
    article stays outside: "a little" is one word and "little" alone says
    the opposite ("is soup mein little aur namak chahiye" for थोड़ा, from
    "a little more salt"); or with much/many/few whose degree word (too,
    so, very) stays outside, where the Hindi frame says it again ("bahut
    much chini" for "too much sugar", "bahut few hain")."""
    if pair.tgt_start <= 0 or not _is_hindi_frame(view):
        return None
    first, before = view.tgt.tokens[pair.tgt_start].casefold(), view.tgt.tokens[pair.tgt_start - 1].casefold()
    if first in ENGLISH_ARTICLE_QUANTIFIERS and before in ("a", "an"):
        return f"English quantifier '{view.tgt.tokens[pair.tgt_start]}' without its article '{before}'"
    if first in ENGLISH_DEGREE_QUANTIFIERS and before in ENGLISH_DEGREE_WORDS:
        # "bahut much chini" for बहुत ज़्यादा ("too much sugar"): बहुत says "too" and "much" is half of it
        return f"English quantifier '{view.tgt.tokens[pair.tgt_start]}' without its '{before}'"
    return None


#: Hindi words that cannot follow an English adverb in a Hindi frame
HI_AFTER_ADVERB = HI_CASE_MARKERS | HI_ENCLITICS


def _hindi_frame_adverb_postposition(view, pair) -> Optional[str]:
    """In a Hindi frame, a Hindi case marker or clitic (भी, ही, तो) right
    after an English span that ends in an adverb: it was part of a Hindi
    adverbial the span cut ("kya April mein usually par itni thand" for
    आमतौर पर, "usually"; "sampark still bhi kata hua hai" for अभी भी)."""
    if pair.tgt_start < 0 or not _is_hindi_frame(view) or not view.tgt.pos:
        return None
    rng = _src_range(view, pair)
    if rng is None or rng[1] >= len(view.src.tokens) or \
            view.src.tokens[rng[1]] not in HI_AFTER_ADVERB:
        return None
    last = max((j for j in range(pair.tgt_start, pair.tgt_end) if view.tgt.pos[j] != "PUNCT"), default=None)
    if last is not None and view.tgt.pos[last] == "ADV":
        return (f"Hindi postposition or clitic '{view.src.tokens[rng[1]]}' after the English adverb "
                f"'{view.tgt.tokens[last]}': it belonged to the Hindi adverbial the span cut")
    return None


def _hindi_frame_number(view, pair) -> Optional[str]:
    """In a Hindi frame, a plural English noun opening the span right after
    हर / प्रत्येक (every, each), which take a singular ("apna saman har
    times apne paas rakhen" for हर समय, from "at all times").  A noun is
    plural when its lemma differs from it; needs lemmas on the English side."""
    if pair.tgt_start < 0 or not _is_hindi_frame(view) or not view.tgt.pos or not view.tgt.lemmas:
        return None
    rng = _src_range(view, pair)
    if rng is None or rng[0] == 0 or view.src.tokens[rng[0] - 1] not in HI_SINGULAR_DETERMINERS:
        return None
    for j in range(pair.tgt_start, pair.tgt_end):
        if view.tgt.pos[j] in ("DET", "ADJ", "NUM"):
            continue
        word = view.tgt.tokens[j]
        if view.tgt.pos[j] == "NOUN" and view.tgt.lemmas[j].casefold() != word.casefold():
            return (f"plural English noun '{word}' after the Hindi '{view.src.tokens[rng[0] - 1]}' (every), "
                    f"which takes a singular")
        return None
    return None


def _hindi_oblique(view, pair) -> Optional[str]:
    """A Hindi oblique plural ending the span while its postposition stays
    outside ("काहिरा के अधिकारियों" + "को")."""
    if view.tgt_lang != "hi" or pair.tgt_start < 0 or view.tgt is None or pair.tgt_end >= len(view.tgt.tokens):
        return None
    last, after = view.tgt.tokens[pair.tgt_end - 1], view.tgt.tokens[pair.tgt_end]
    if last.endswith(HI_OBLIQUE_PLURAL) and after in HI_POSTPOSITIONS:
        return f"Hindi oblique plural '{last}' needs the postposition '{after}', which stays outside"
    return None


def _dangling_target_preposition(view, pair) -> Optional[str]:
    if view.tgt_lang == "hi":
        return _dangling_hindi_postposition(view, pair)
    if view.tgt_lang != "de" or pair.tgt_start < 0:
        return None
    edges = _edge_words(view.tgt.tokens, pair)
    if not edges:
        return None
    end = edges[-1] + 1
    pair = type(pair)(pair.start, pair.end, pair.tgt_start, end)
    last = view.tgt.tokens[end - 1]
    if last.casefold() in DE_PREPOSITIONS and pair.tgt_end - pair.tgt_start > 1:
        return f"German preposition or verb particle '{last}' ends the span without its partner"
    if pair.tgt_end - pair.tgt_start > 1 and view.tgt.tokens[pair.tgt_end - 2].casefold() == "zu" and \
            last[:1].islower():
        return f"German 'zu {last}' (a clause-final infinitive) ends the span inside an English clause"
    rng = _src_range(view, pair)
    if last.casefold() in DE_POSTPOSITIONS and view.src.pos and rng is not None and rng[0] > 0 \
            and view.src.pos[rng[0] - 1] == "ADP":
        return f"postposition '{last}' doubles '{view.src.tokens[rng[0] - 1]}' before the span"
    return None


#: hyphens and dashes that join the parts of one written word ("sister-in-law", "दादा-दादी")
HYPHENS = frozenset({"-", "\u2010", "\u2011"})


def _word_char(ch: str) -> bool:
    """A letter, digit or combining mark: Devanagari words end in vowel
    signs and nuktas, which ``str.isalnum`` does not count."""
    return bool(ch) and unicodedata.category(ch)[0] in "LNM"


def _word_part(tok: str) -> bool:
    return bool(tok) and all(_word_char(ch) for ch in tok)


def _inside_word(tokens: Sequence[str], spaces: Sequence[bool], cut: int) -> bool:
    """A span edge between ``tokens[cut - 1]`` and ``tokens[cut]`` falls
    inside one written word: no space between them, and they are two word
    parts ("can"+"not") or a hyphen joined on both sides to word parts
    ("sister-in-law", "सर्दी-ज़ुकाम")."""
    if not 0 < cut < len(tokens) or not spaces or spaces[cut - 1]:
        return False
    a, b = tokens[cut - 1], tokens[cut]
    if _word_part(a) and _word_part(b):
        return True
    if b in HYPHENS:  # "sister" | "-in-law"
        return cut + 1 < len(tokens) and not spaces[cut] and _word_char(tokens[cut + 1][:1])
    if a in HYPHENS:  # "sister-" | "in-law"
        return cut >= 2 and not spaces[cut - 2] and _word_char(tokens[cut - 2][-1:])
    return False


def split_compound(view, pair) -> Optional[str]:
    # a hyphenated (or unspaced) word cut by the span edge, on either side:
    # "sister-in-law" -> "भाभी-in-law"
    rng = _src_range(view, pair)
    if rng is not None and view.src.spaces:
        for cut in rng:
            if _inside_word(view.src.tokens, view.src.spaces, cut):
                return (f"the span edge cuts the word '{view.src.tokens[cut - 1]}{view.src.tokens[cut]}' "
                        f"in the source")
    if pair.tgt_start >= 0 and view.tgt is not None and view.tgt.spaces:
        for cut in (pair.tgt_start, pair.tgt_end):
            if _inside_word(view.tgt.tokens, view.tgt.spaces, cut):
                return (f"the span edge cuts the word '{view.tgt.tokens[cut - 1]}{view.tgt.tokens[cut]}' "
                        f"in the target")
    hit = _split_dependency(view, pair, ("compound",))
    if hit is not None:
        a, b = sorted(hit)
        return f"the compound '{view.src.tokens[a]} {view.src.tokens[b]}' is split at the span edge"
    return _split_target_name(view, pair)


#: spaCy / OntoNotes entity types for dates, times and amounts: not names
#: (the entity recipe skips them too, :data:`~cs_synth.transforms.codeswitch.recipes.NUMERIC_TYPES`)
NUMERIC_TYPES = ("DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL")


def _split_target_name(view, pair) -> Optional[str]:
    """The target span takes part of a named entity or of a compound proper
    name of the target side (where it is annotated: the English side of a Hindi frame,
    ``matrix: tgt``): "de janeiro mein" for "Rio de Janeiro", the span
    took "de" alone."""
    tgt = view.tgt
    if pair.tgt_start < 0 or tgt is None:
        return None
    j1, j2 = pair.tgt_start, pair.tgt_end
    for e in tgt.entities or ():
        if e.label in NUMERIC_TYPES:
            continue  # "aaj morning" for "this morning" (DATE) is fine
        if e.start < j2 and j1 < e.end and not (j1 <= e.start and e.end <= j2):
            return f"the span cuts the name '{' '.join(tgt.tokens[e.start:e.end])}' in the target"
    if tgt.heads and tgt.deps and tgt.pos:
        for j in range(len(tgt.tokens)):
            h = tgt.heads[j]
            if tgt.deps[j] == "compound" and tgt.pos[j] == tgt.pos[h] == "PROPN" and (j1 <= j < j2) != (j1 <= h < j2):
                a, b = sorted((j, tgt.heads[j]))
                return f"the compound '{tgt.tokens[a]} {tgt.tokens[b]}' is split at the span edge in the target"
    return None


#: dependency labels of a pronoun that is an argument of its verb
PRONOUN_ARG_DEPS = frozenset({"nsubj", "nsubjpass", "nsubj:pass", "dobj", "obj", "iobj", "dative", "expl"})


def pronoun_switch(view, pair) -> Optional[str]:
    """A personal pronoun switched without its verb, or its verb without
    the pronoun: a subject or object pronoun and the verb that governs it
    should be in one language (Timm 1975; rare in bilingual corpora: *Ich
    am not very good*, *Can ich borrow*, *zeigte us*)."""
    hit = _split_dependency(view, pair, PRONOUN_ARG_DEPS, pos="PRON")
    if hit is None:
        return None
    i, h = hit
    return f"the pronoun '{view.src.tokens[i]}' and its verb '{view.src.tokens[h]}' would be in different languages"


#: German separable verb particles (and adverbs used as such) that close
#: a main clause: "legt Wäsche zusammen", "klettert einen Pfosten hoch"
DE_SEPARABLE_PARTICLES = frozenset({
    "ab", "an", "auf", "aus", "bei", "ein", "mit", "nach", "vor", "zu", "zurück", "zusammen", "weg", "los",
    "hoch", "hinein", "heraus", "hinaus", "herein", "herum", "umher", "vorbei", "fest", "fort", "weiter", "hin",
    "her", "herunter", "hinunter", "hinauf", "herauf", "entlang", "nieder", "um", "durch", "über", "unter",
    "wieder", "dar", "da", "entgegen", "hinterher", "voran", "voraus", "zurecht", "bereit", "frei", "kennen",
    "statt", "teil", "heim", "empor", "herab", "hinab", "hindurch", "heran", "hinüber", "herüber"})
#: the German reflexive pronoun of the third person (the others are also plain objects)
DE_REFLEXIVE = "sich"


def separable_verb(view, pair) -> Optional[str]:
    """A German verb split by the span edge: the verb switches and its
    separable particle or its reflexive "sich" stays outside ("legt
    laundry" for "legt Wäsche zusammen", "Männer unterhalten a
    conversation" for "unterhalten sich"), or "sich" switches without a
    verb ("enjoying sich")."""
    if view.tgt_lang != "de" or pair.tgt_start < 0 or view.tgt is None or not view.src.pos:
        return None
    rng = _src_range(view, pair)
    if rng is None:
        return None
    tgt, src = view.tgt.tokens, view.src
    span = range(pair.tgt_start, pair.tgt_end)
    verbs = [j for j in span if any(src.pos[i] in ("VERB", "AUX") for i in view.t2s.get(j, ()))]
    if any(tgt[j].casefold() == DE_REFLEXIVE for j in span) and \
            not any(src.pos[i] in ("VERB", "AUX") for i in range(*rng)):
        return "German reflexive 'sich' switches without its verb"
    if not verbs:
        return None
    j = pair.tgt_end
    if j < len(tgt) and tgt[j].casefold() == DE_REFLEXIVE:
        # unaligned, or aligned to a reciprocal outside ("unterhalten sich" for "conversing with one
        # another" gives "Menschen unterhalten with one another", the verb without its reflexive)
        return f"the reflexive 'sich' of '{tgt[verbs[0]]}' stays outside the span"
    # the clause-final particle: the last word before the next punctuation
    # mark (or the end of the sentence), left unaligned by the aligner
    k = j
    while k < len(tgt) and not _is_punct(tgt[k]):
        k += 1
    last = k - 1
    if last >= j and tgt[last].casefold() in DE_SEPARABLE_PARTICLES and last not in view.t2s and \
            tgt[last][:1].islower():
        return f"the particle '{tgt[last]}' of the separable verb '{tgt[verbs[0]]}' stays outside the span"
    return None


CHECKS = {
    "finite_verb_clash": finite_verb_clash,
    "dangling_function_word": dangling_function_word,
    "unaligned_edge": unaligned_edge,
    "case_government": case_government,
    "misaligned_edge": misaligned_edge,
    "split_compound": split_compound,
    "pronoun_switch": pronoun_switch,
    "separable_verb": separable_verb,
}


def apply(view, cands: Sequence, constraints: Constraints = DEFAULT) -> Tuple[list, Counter]:
    """The candidates that pass every active constraint, and per constraint
    how many candidates it removed (the first failing check counts)."""
    active = [(name, CHECKS[name]) for name in constraints.active]
    if not active:
        return list(cands), Counter()
    kept, removed = [], Counter()
    for c in cands:
        for name, check in active:
            if check(view, c) is not None:
                removed[name] += 1
                break
        else:
            kept.append(c)
    return kept, removed


def explain(view, pair, constraints: Constraints = DEFAULT) -> Dict[str, str]:
    """Every active constraint ``pair`` fails, with its reason (for tests
    and debugging)."""
    out = {}
    for name in constraints.active:
        why = CHECKS[name](view, pair)
        if why is not None:
            out[name] = why
    return out


def summary(removed: Counter) -> str:
    return ", ".join(f"{name} {n}" for name, n in sorted(removed.items()))


#: (built once: unaligned_edge reads it for every candidate span)
_HI_POSTPOSITIONS_OR_FOLLOWERS = HI_POSTPOSITIONS | HI_VERB_FOLLOWERS
