"""One small registry per kind of unit, with versioned names.

Configs name registry entries (``recipe: entity``, ``aligner: eflomal``,
``filter: metric_range``); nothing is imported from dotted paths and nothing
is ``eval``-ed.  Third-party units register through the entry-point groups
``cs_synth_<kind>`` (e.g. ``cs_synth_recipes``), which ``catalogue`` reads.
``tests/test_registry.py`` snapshots the names, so renaming a unit is a
visible decision.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable, Dict

import catalogue

readers = catalogue.create("cs_synth", "readers", entry_points=True)
annotators = catalogue.create("cs_synth", "annotators", entry_points=True)
aligners = catalogue.create("cs_synth", "aligners", entry_points=True)
recipes = catalogue.create("cs_synth", "recipes", entry_points=True)
scorers = catalogue.create("cs_synth", "scorers", entry_points=True)
filters = catalogue.create("cs_synth", "filters", entry_points=True)

# Modules whose import registers the built-in units.  Listed here (not found
# by scanning) so the set of built-ins is explicit and import stays cheap:
# every module below must import without loading any model.
_BUILTIN_MODULES = (
    "pipeline.read.readers",
    "pipeline.annotate.spacy_annotator",
    "pipeline.annotate.stanza_annotator",
    "pipeline.annotate.gazetteer",
    "pipeline.align.eflomal_aligner",
    "pipeline.align.simalign_aligner",
    "pipeline.align.given",
    "pipeline.score.scorers",
    "pipeline.filter.filters",
    "transforms.codeswitch",
    "transforms.translit",
    "transforms.dialect",
    "transforms.dialup",
)

_loaded = False


def load_builtins() -> None:
    """Import the built-in unit modules (idempotent).  Modules that are not
    written yet are skipped so a partial install still works."""
    global _loaded
    if _loaded:
        return
    for mod in _BUILTIN_MODULES:
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as exc:  # only tolerate the module itself missing
            if exc.name != mod and not mod.startswith(str(exc.name) + "."):
                raise
    _loaded = True


def get(registry: catalogue.Registry, name: str) -> Callable:
    """Look ``name`` up, failing with the list of known names."""
    load_builtins()
    if name not in registry:  # catalogue.Registry has __contains__, no .has()
        known = ", ".join(sorted(registry.get_all())) or "(none)"
        kind = registry.namespace[-1].rstrip("s")
        raise KeyError(f"unknown {kind} {name!r}; known: {known}")
    return registry.get(name)


def names(registry: catalogue.Registry) -> list:
    load_builtins()
    return sorted(registry.get_all())


@dataclass(frozen=True)
class RecipeInfo:
    """What ``cs-synth recipes`` prints for a recipe."""

    name: str
    description: str
    paper: str
    factory: Callable


def register_recipe(name: str, *, description: str, paper: str = ""):
    """Decorator for a recipe factory ``factory(ctx, **options) -> Transform``."""

    def deco(factory):
        recipes.register(name, func=RecipeInfo(name, description, paper, factory))
        return factory

    return deco


def recipe_infos() -> Dict[str, RecipeInfo]:
    load_builtins()
    return {n: recipes.get(n) for n in sorted(recipes.get_all())}
