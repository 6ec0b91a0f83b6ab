"""tense_aspect"""
from transforms.dialect.rules import RuleSet

RULES = RuleSet("tense_aspect")
