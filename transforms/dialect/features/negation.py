"""negation"""
from transforms.dialect.rules import RuleSet

RULES = RuleSet("negation")
