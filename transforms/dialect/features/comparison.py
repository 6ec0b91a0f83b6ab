"""comparison"""
from transforms.dialect.rules import RuleSet

RULES = RuleSet("comparison")
