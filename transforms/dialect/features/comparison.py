"""Comparison: double and regularized comparatives, *much*/*as*/bare *than*
as comparative markers, *than what* (eWAVE features 78-86, 204)."""
from __future__ import annotations

from transforms.dialect.morph import comparative, match_case, superlative
from transforms.dialect.rules import Hit, RuleSet

RULES = RuleSet("comparison")
NOT_SYNTHETIC = {"more", "less", "fewer", "most", "least", "further", "farther", "other", "elder"}


def _synthetic(tok):
    """A one-word comparative/superlative adjective (*easier*, *prettiest*)."""
    return tok.tag_ in ("JJR", "JJS") and tok.lower_ not in NOT_SYNTHETIC and tok.text.isalpha()


@RULES.func(78, "Double comparatives and superlatives")
def double_comparative(doc):
    """*much easier* -> *much more easier*; *the best* -> *the most best*."""
    for tok in doc:
        if _synthetic(tok) and not (tok.i > 0 and doc[tok.i - 1].lower_ in ("more", "most")):
            yield Hit(tok.i, tok.i, ("more" if tok.tag_ == "JJR" else "most",))


@RULES.func(79, "Regularized comparison strategies: extension of synthetic marking")
def synthetic_extension(doc):
    """*the most regular* -> *the regularest*; *more beautiful* -> *beautifuler*."""
    for tok in doc:
        if tok.lower_ not in ("more", "most") or tok.dep_ != "advmod" or tok.head.tag_ != "JJ" \
                or tok.head.i != tok.i + 1:
            continue
        adj = tok.head
        new = comparative(adj.lower_) if tok.lower_ == "more" else superlative(adj.lower_)
        if new and new.isalpha():
            yield Hit(tok.i, adj.i + 1, (match_case(new, tok.text),))


@RULES.func(80, "Regularized comparison strategies: extension of analytic marking")
def analytic_extension(doc):
    """*the prettiest sunsets* -> *the most pretty sunsets*."""
    for tok in doc:
        if not _synthetic(tok):
            continue
        lemma = tok.lemma_.lower()
        form = comparative(lemma) if tok.tag_ == "JJR" else superlative(lemma)
        if lemma != tok.lower_ and form == tok.lower_:
            yield Hit(tok.i, tok.i + 1, ("more" if tok.tag_ == "JJR" else "most", lemma))


def _than_follows(tok) -> bool:
    doc = tok.doc
    return any(t.lower_ == "than" for t in doc[tok.i + 1: tok.i + 4])


@RULES.func(81, "Much as comparative marker")
def much_comparative(doc):
    """*more severe than* -> *much severe than*."""
    for tok in doc:
        if tok.lower_ == "more" and tok.i + 1 < len(doc) and doc[tok.i + 1].tag_ == "JJ" and _than_follows(tok):
            yield Hit(tok.i, tok.i + 1, (match_case("much", tok.text),))
        elif _synthetic(tok) and tok.tag_ == "JJR" and _than_follows(tok):
            lemma = tok.lemma_.lower()
            if comparative(lemma) == tok.lower_ and lemma != tok.lower_:
                yield Hit(tok.i, tok.i + 1, ("much", lemma))


@RULES.func(82, "As/to as comparative markers")
def as_comparative(doc):
    """*worse than* -> *worse as*."""
    for tok in doc:
        if tok.lower_ == "than" and tok.i > 0 and (doc[tok.i - 1].tag_ in ("JJR", "RBR")
                                                   or doc[tok.i - 1].head.tag_ in ("JJR", "RBR")):
            yield Hit(tok.i, tok.i + 1, ("as",))


@RULES.func(84, "Comparative marking only with than")
def only_than(doc):
    """*He loves his car more than his children* -> *He loves his car than his children*."""
    for tok in doc:
        if tok.lower_ == "more" and tok.tag_ in ("RBR", "JJR") and tok.i + 1 < len(doc):
            nxt = doc[tok.i + 1]
            if nxt.lower_ == "than" or (nxt.tag_ == "JJ" and _than_follows(tok)):
                yield Hit(tok.i, tok.i + 1, ())


@RULES.func(204, "As what / than what in comparative clauses")
def than_what(doc):
    """*harder than you think* -> *harder than what you think*."""
    for tok in doc:
        if tok.lower_ in ("than", "as") and tok.i + 2 < len(doc):
            nxt = doc[tok.i + 1]
            if nxt.dep_ == "nsubj" and nxt.tag_ in ("PRP", "NN", "NNS", "NNP") and nxt.head.pos_ in ("VERB", "AUX") \
                    and nxt.head.i > nxt.i and (tok.lower_ == "than" or doc[tok.i - 1].tag_ in ("JJ", "RB")):
                yield Hit(tok.i + 1, tok.i + 1, ("what",))
