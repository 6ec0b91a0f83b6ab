"""complementation"""
from transforms.dialect.rules import RuleSet

RULES = RuleSet("complementation")
