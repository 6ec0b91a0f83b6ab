"""questions"""
from transforms.dialect.rules import RuleSet

RULES = RuleSet("questions")
