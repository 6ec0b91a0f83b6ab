"""relativizers"""
from transforms.dialect.rules import RuleSet

RULES = RuleSet("relativizers")
