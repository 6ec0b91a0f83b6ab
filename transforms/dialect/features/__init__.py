"""The implemented eWAVE features, one module per grammatical area.

Each module builds a :class:`~cs_synth.transforms.dialect.rules.RuleSet`; this
package collects them into one mapping ``eWAVE feature ID -> rule``.
Feature names are the eWAVE catalogue's names, character for character
(``tests/transforms/dialect`` checks them against ``ewave.csv``).
"""
from __future__ import annotations

import functools
import importlib
from typing import Dict

from cs_synth.transforms.dialect.rules import Rule, by_id

AREAS = (
    "pronouns",
    "reflexives",
    "noun_phrase",
    "comparison",
    "tense_aspect",
    "verb_morphology",
    "negation",
    "agreement",
    "copula",
    "relativizers",
    "complementation",
    "questions",
    "discourse",
)


@functools.lru_cache(maxsize=1)
def all_rules() -> Dict[int, Rule]:
    """``{feature ID: rule}`` in ascending ID order."""
    rules = []
    for area in AREAS:
        mod = importlib.import_module(f"{__name__}.{area}")
        rules.extend(mod.RULES.rules)
    table = by_id(rules)
    return {fid: table[fid] for fid in sorted(table)}


def implemented_ids():
    return list(all_rules())
