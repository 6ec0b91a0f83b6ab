"""Reflexives: regularized paradigms, number, emphatic *own self* (eWAVE 11-16)."""
from __future__ import annotations

from cs_synth.transforms.dialect.morph import match_case
from cs_synth.transforms.dialect.morph import tokens
from cs_synth.transforms.dialect.rules import Hit, RuleSet

RULES = RuleSet("reflexives")
REFLEXIVE = {"TAG": "PRP"}

RULES.lex(11, "Regularized reflexives paradigm",
          {"himself": "hisself", "themselves": "theirselves", "themself": "theirself"}, **REFLEXIVE)
RULES.lex(12, "Object pronoun forms serving as base for first and/or second person reflexives",
          {"myself": "meself"}, **REFLEXIVE)
RULES.lex(13, "Subject pronoun forms serving as base for reflexives",
          {"themselves": "theyselves", "himself": "heself", "ourselves": "weselves"}, **REFLEXIVE)
RULES.lex(14, "No number distinction in reflexives",
          {"ourselves": "ourself", "themselves": "themself", "yourselves": "yourself"}, **REFLEXIVE)

OWN_SELF = {
    "myself": ("my", "self"), "yourself": ("your", "self"), "himself": ("his", "self"),
    "herself": ("her", "self"), "itself": ("its", "self"), "ourselves": ("our", "selves"),
    "yourselves": ("your", "selves"), "themselves": ("their", "self"), "themself": ("their", "self"),
}


@RULES.func(16, "Emphatic reflexives with own")
def own_self(doc):
    """*took care of themselves* -> *took care of their own self*."""
    for tok in tokens(doc):
        form = OWN_SELF.get(tok.lower_)
        if form and tok.tag_ == "PRP":
            yield Hit(tok.i, tok.i + 1, (match_case(form[0], tok.text), "own", form[1]))
