"""copula"""
from transforms.dialect.rules import RuleSet

RULES = RuleSet("copula")
