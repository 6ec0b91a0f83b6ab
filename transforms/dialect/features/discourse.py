"""discourse"""
from transforms.dialect.rules import RuleSet

RULES = RuleSet("discourse")
