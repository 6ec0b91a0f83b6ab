"""Synthetic dialect noise for non-English languages (issue #5): the
``dialup`` recipe.

:mod:`.ruleset` loads and validates per-language rule files (shipped:
``rules/es.yaml``, ``rules/de.yaml``); :mod:`.recipe` applies them and
registers the recipe.  Importing this package reads no file.
"""
from cs_synth.transforms.dialup import recipe  # noqa: F401  (registers the recipe)
