"""Comparison: double and regularized comparatives, *much*/*as*/bare *than*
as comparative markers, *than what* (eWAVE features 78-86, 204)."""
from __future__ import annotations

from cs_synth.transforms.dialect.morph import comparative, is_known_adjective, match_case, superlative
from cs_synth.transforms.dialect.morph import tokens
from cs_synth.transforms.dialect.rules import Hit, RuleSet

RULES = RuleSet("comparison")
NOT_SYNTHETIC = {"more", "less", "fewer", "most", "least", "further", "farther", "other", "elder"}


def _adjective_lemma(word: str) -> str:
    from lemminflect import getLemma

    lemmas = getLemma(word, upos="ADJ")
    return lemmas[0] if lemmas else word


def _mistagged_superlative(tok) -> bool:
    """*the prettiest sunsets* tagged ``NN``/compound: an ``-est`` word that
    lemminflect reads as the superlative of a known adjective."""
    if tok.tag_ not in ("NN", "NNP") or tok.dep_ not in ("compound", "amod") or not tok.lower_.endswith("est") \
            or tok.head.i <= tok.i:
        return False
    lemma = _adjective_lemma(tok.lower_)
    return lemma != tok.lower_ and superlative(lemma) == tok.lower_ and is_known_adjective(lemma)


def _synthetic(tok):
    """A one-word comparative/superlative adjective (*easier*, *prettiest*)."""
    return tok.tag_ in ("JJR", "JJS") and tok.lower_ not in NOT_SYNTHETIC and tok.text.isalpha()


@RULES.func(78, "Double comparatives and superlatives")
def double_comparative(doc):
    """*much easier* -> *much more easier*; *the best* -> *the most best*."""
    for tok in tokens(doc):
        if _synthetic(tok) and not (tok.i > 0 and doc[tok.i - 1].lower_ in ("more", "most")):
            yield Hit(tok.i, tok.i, ("more" if tok.tag_ == "JJR" else "most",))


@RULES.func(79, "Regularized comparison strategies: extension of synthetic marking")
def synthetic_extension(doc):
    """*the most regular* -> *the regularest*; *more beautiful* -> *beautifuler*."""
    for tok in tokens(doc):
        if tok.lower_ not in ("more", "most") or tok.dep_ != "advmod" or tok.head.tag_ != "JJ" \
                or tok.head.i != tok.i + 1:
            continue
        adj = tok.head
        new = comparative(adj.lower_) if tok.lower_ == "more" else superlative(adj.lower_)
        if new and new.isalpha():
            yield Hit(tok.i, adj.i + 1, (match_case(new, tok.text),))


@RULES.func(80, "Regularized comparison strategies: extension of analytic marking")
def analytic_extension(doc):
    """*the prettiest sunsets* -> *the most pretty sunsets* (also when the
    tagger took the superlative for a noun modifier)."""
    for tok in tokens(doc):
        if not _synthetic(tok) and not _mistagged_superlative(tok):
            continue
        lemma = tok.lemma_.lower() if _synthetic(tok) else _adjective_lemma(tok.lower_)
        if lemma == tok.lower_:
            lemma = _adjective_lemma(tok.lower_)
        form = comparative(lemma) if tok.tag_ == "JJR" else superlative(lemma)
        if lemma != tok.lower_ and form == tok.lower_:
            yield Hit(tok.i, tok.i + 1, ("more" if tok.tag_ == "JJR" else "most", lemma))


def _than_follows(tok) -> bool:
    doc = tok.doc
    return any(t.lower_ == "than" for t in doc[tok.i + 1: tok.i + 4])


@RULES.func(81, "Much as comparative marker")
def much_comparative(doc):
    """*more severe than* -> *much severe than*."""
    for tok in tokens(doc):
        if tok.lower_ == "more" and tok.i + 1 < len(doc) and doc[tok.i + 1].tag_ == "JJ" and _than_follows(tok):
            yield Hit(tok.i, tok.i + 1, (match_case("much", tok.text),))
        elif _synthetic(tok) and tok.tag_ == "JJR" and _than_follows(tok):
            lemma = tok.lemma_.lower()
            if comparative(lemma) == tok.lower_ and lemma != tok.lower_:
                yield Hit(tok.i, tok.i + 1, ("much", lemma))


@RULES.func(82, "As/to as comparative markers")
def as_comparative(doc):
    """*worse than* -> *worse as*."""
    for tok in tokens(doc):
        if tok.lower_ == "than" and tok.i > 0 and (doc[tok.i - 1].tag_ in ("JJR", "RBR")
                                                   or doc[tok.i - 1].head.tag_ in ("JJR", "RBR")):
            yield Hit(tok.i, tok.i + 1, ("as",))


@RULES.func(84, "Comparative marking only with than")
def only_than(doc):
    """*He loves his car more than his children* -> *He loves his car than his children*."""
    for tok in tokens(doc):
        if tok.lower_ == "more" and tok.tag_ in ("RBR", "JJR") and tok.i + 1 < len(doc):
            nxt = doc[tok.i + 1]
            if nxt.lower_ == "than" or (nxt.tag_ == "JJ" and _than_follows(tok)):
                yield Hit(tok.i, tok.i + 1, ())


@RULES.func(204, "As what / than what in comparative clauses")
def than_what(doc):
    """*harder than you think* -> *harder than what you think*."""
    for tok in tokens(doc):
        if tok.lower_ in ("than", "as") and tok.i + 2 < len(doc):
            nxt = doc[tok.i + 1]
            if nxt.dep_ == "nsubj" and nxt.tag_ in ("PRP", "NN", "NNS", "NNP") and nxt.head.pos_ in ("VERB", "AUX") \
                    and nxt.head.i > nxt.i and (tok.lower_ == "than" or doc[tok.i - 1].tag_ in ("JJ", "RB")):
                yield Hit(tok.i + 1, tok.i + 1, ("what",))


# ----------------------------------------------------- issue 11 additions
def _more_before(tok) -> bool:
    """``tok`` (*than*) completes a comparison marked with *more*."""
    doc = tok.doc
    return any(t.lower_ == "more" for t in doc[max(0, tok.i - 8): tok.i]) and tok.i > 0


@RULES.func(85, "Comparative marking with more\u2026and")
def more_and(doc):
    """*more powder on their hands than in their faces* -> *more powder on
    their hands and in their faces*."""
    for tok in tokens(doc):
        if tok.lower_ == "than" and _more_before(tok):
            yield Hit(tok.i, tok.i + 1, ("and",))


@RULES.func(86, "Zero marking of degree")
def zero_degree(doc):
    """*one of the most radical students* -> *one of the radical students*;
    *bigger than* -> *big than*."""
    for tok in tokens(doc):
        if tok.lower_ in ("more", "most") and tok.dep_ == "advmod" and tok.i + 1 < len(doc) \
                and doc[tok.i + 1].tag_ in ("JJ", "RB") and tok.head.i == tok.i + 1:
            yield Hit(tok.i, tok.i + 1, ())
        elif _synthetic(tok):
            lemma = tok.lemma_.lower()
            form = comparative(lemma) if tok.tag_ == "JJR" else superlative(lemma)
            if lemma != tok.lower_ and form == tok.lower_ and lemma.isalpha():
                yield Hit(tok.i, tok.i + 1, (match_case(lemma, tok.text),))


NOT_POSTPOSED = frozenset("""many few several much other such same own more most less least last next first only
various numerous certain whole entire main particular former latter second third top""".split())


@RULES.func(87, "Attributive adjectival modifiers follow head noun")
def postnominal_adjective(doc):
    """*a big iron saucepan* -> *an iron saucepan big*: the adjectives before
    the noun (and its compound modifiers) move after it; an indefinite
    article is re-chosen for the new next word."""
    from cs_synth.transforms.dialect.morph import indefinite

    for noun in tokens(doc):
        if noun.pos_ != "NOUN" or noun.dep_ == "compound":
            continue
        left = [c for c in noun.children if c.i < noun.i and c.dep_ not in ("det", "poss", "nummod", "predet")]
        if not left:
            continue
        start = min(c.left_edge.i for c in left)
        span = doc[start: noun.i]
        adjs = [t for t in span if t.dep_ == "amod"]
        if any(t.lower_ in NOT_POSTPOSED for t in adjs):
            continue
        if not adjs or any(t.head.i != noun.i or t.dep_ not in ("amod", "compound") or t.left_edge.i != t.i
                           or t.right_edge.i != t.i for t in span) \
                or any(t.dep_ == "amod" and t.tag_ != "JJ" for t in span) \
                or any(a.i > c.i for a in adjs for c in span if c.dep_ == "compound"):
            continue
        rest = [t for t in span if t.dep_ == "compound"] + [noun]
        parts = rest + adjs
        if start > 0 and doc[start - 1].lower_ in ("a", "an") and doc[start - 1].head.i == noun.i:
            art = doc[start - 1]
            yield Hit.of(art.i, noun.i + 1, [match_case(indefinite(rest[0].text), art.text)] + parts)
        else:
            yield Hit.of(start, noun.i + 1, parts)


@RULES.func(231, "Superlative marker most occurring before head noun")
def most_before_noun(doc):
    """*The thing I like most is apples* -> *The most thing I like is apples*."""
    for most in tokens(doc):
        if most.lower_ != "most" or most.dep_ not in ("advmod", "dobj", "npadvmod") or most.head.dep_ != "relcl" \
                or most.i != most.head.right_edge.i:
            continue
        noun = most.head.head
        if noun.i >= most.i or noun.pos_ != "NOUN":
            continue
        det = next((c for c in noun.children if c.dep_ == "det" and c.i < noun.i), None)
        at = det.i + 1 if det is not None else noun.left_edge.i
        yield Hit(at, most.i + 1, ("most",)
                  + tuple(t.text for t in doc[at: most.i]))
