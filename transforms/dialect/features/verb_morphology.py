"""verb_morphology"""
from transforms.dialect.rules import RuleSet

RULES = RuleSet("verb_morphology")
