"""agreement"""
from transforms.dialect.rules import RuleSet

RULES = RuleSet("agreement")
