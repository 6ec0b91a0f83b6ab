"""One small registry per kind of unit, with versioned names.

Configs name registry entries (``recipe: entity``, ``aligner: eflomal``,
``filter: metric_range``); nothing is imported from dotted paths and nothing
is ``eval``-ed.  Third-party units register through the entry-point groups
``cs_synth_<kind>`` (e.g. ``cs_synth_recipes``), which ``catalogue`` reads.
``tests/test_registry.py`` snapshots the names, so renaming a unit is a
visible decision.

**Options.**  Every unit that takes options (aligners, recipes, scorers,
filters) has one options schema, a pydantic model: the one its factory
declares as ``factory.options_model`` (see :func:`options`), else one
derived from the factory signature ``factory(ctx, *, name: type = default,
...)`` (annotations such as ``Optional[str]``, ``Sequence[str]``,
``Literal[...]``, ``Annotated[int, Field(ge=1)]``; a parameter without a
default is required, ``**kwargs`` lets unknown options through).  Values
are checked strictly (no ``"3"`` for an int, no ``true`` for a number).
:func:`get` hands out factories that validate their options against it
before the factory body runs, and :func:`build` does the same for one
config entry, reporting every error with its full path
(``transform.1.options.max_len: must be >= 1 (got 0)``).
"""
from __future__ import annotations

import dataclasses
import importlib
import functools
import inspect
import typing
from dataclasses import dataclass
from typing import Any, Callable, Dict, Mapping, Optional, Sequence, Type

import catalogue
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from cs_synth.pipeline.units import ConfigError, OptionsError, qualify, validation_problems

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
    "cs_synth.pipeline.read.readers",
    "cs_synth.pipeline.annotate.spacy_annotator",
    "cs_synth.pipeline.annotate.stanza_annotator",
    "cs_synth.pipeline.annotate.gazetteer",
    "cs_synth.pipeline.align.eflomal_aligner",
    "cs_synth.pipeline.align.simalign_aligner",
    "cs_synth.pipeline.align.given",
    "cs_synth.pipeline.score.scorers",
    "cs_synth.pipeline.score.llm_judge",
    "cs_synth.pipeline.score.naturalness",
    "cs_synth.pipeline.filter.filters",
    "cs_synth.transforms.codeswitch",
    "cs_synth.transforms.translit",
    "cs_synth.transforms.dialect",
    "cs_synth.transforms.dialup",
    "cs_synth.transforms.generate",
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


def _kind(registry: catalogue.Registry) -> str:
    return registry.namespace[-1]


def unknown_name(registry: catalogue.Registry, name: str) -> str:
    """``unknown reader 'tsvx'; known: arrow, jsonl, ...``"""
    known = ", ".join(sorted(registry.get_all())) or "(none)"
    return f"unknown {_kind(registry).rstrip('s')} {name!r}; known: {known}"


def lookup(registry: catalogue.Registry, name: str):
    """The registered object itself (no option checking), or KeyError
    listing the known names."""
    load_builtins()
    if name not in registry:  # catalogue.Registry has __contains__, no .has()
        raise KeyError(unknown_name(registry, name))
    return registry.get(name)


def get(registry: catalogue.Registry, name: str) -> Callable:
    """Look ``name`` up, failing with the list of known names.  For the kinds
    that take options the factory returned checks them against its schema
    (:func:`options_schema`) first; a recipe's :class:`RecipeInfo` carries
    such a factory."""
    obj = lookup(registry, name)
    if _kind(registry) not in OPTION_KINDS:
        return obj
    if isinstance(obj, RecipeInfo):
        return _checked_info(obj)
    return checked(obj)


# ------------------------------------------------------------------ options
#: the kinds of unit whose factories take options from the config
OPTION_KINDS = ("aligners", "recipes", "scorers", "filters")


def options(model: Type[BaseModel]):
    """Decorator declaring the options schema of a factory explicitly (the
    factory is then called with the model's fields as keyword arguments)."""

    def deco(factory):
        factory.options_model = model
        return factory

    return deco


_PREFIX = "o_"  # internal field names: an option may be called ``model``, ``json``, ``copy`` ...


@functools.lru_cache(maxsize=None)
def options_schema(factory: Callable) -> Type[BaseModel]:
    """The pydantic model of ``factory``'s options (declared, or derived
    from the signature after ``ctx``)."""
    factory = _unwrap(factory)
    declared = getattr(factory, "options_model", None)
    if declared is not None:
        return declared
    try:
        hints = typing.get_type_hints(factory, include_extras=True)
    except Exception:  # noqa: BLE001 - an unresolvable annotation is checked as Any
        hints = {}
    params = list(inspect.signature(factory).parameters.values())[1:]  # skip ctx
    extra = "forbid"
    fields: Dict[str, Any] = {}
    for p in params:
        if p.kind == p.VAR_KEYWORD:
            extra = "allow"
            continue
        if p.kind == p.VAR_POSITIONAL:
            continue
        ann = hints.get(p.name, Any) if p.annotation is not p.empty else Any
        default = ... if p.default is p.empty else p.default
        fields[_PREFIX + p.name] = (ann, Field(default, alias=p.name))
    config = ConfigDict(extra=extra, strict=True, arbitrary_types_allowed=True, protected_namespaces=(),
                        populate_by_name=False)
    name = f"{getattr(factory, '__qualname__', 'factory')}.options".replace("<", "").replace(">", "")
    return create_model(name, __config__=config, **fields)


def _unwrap(factory: Callable) -> Callable:
    return factory.__wrapped__ if getattr(factory, "__cs_synth_checked__", False) else factory


def option_names(factory: Callable) -> list:
    schema = options_schema(factory)
    return sorted(f.alias or n for n, f in schema.model_fields.items())


def validate_options(factory: Callable, options: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    """``options`` checked against ``factory``'s schema, with defaults filled
    in: the keyword arguments to call it with.  Raises :class:`OptionsError`
    whose problems name the option (``max_len``, ``dictionaries.hi``)."""
    factory = _unwrap(factory)
    if options is None:
        options = {}
    if not isinstance(options, Mapping):
        raise OptionsError([("", f"expected a mapping of option names to values, got {options!r}")])
    schema = options_schema(factory)
    try:
        model = schema.model_validate(dict(options))
    except ValidationError as exc:
        raise OptionsError(validation_problems(exc, option_names(factory))) from None
    if getattr(factory, "options_model", None) is not None:
        return dict(model)
    # declared fields carry the internal prefix; extra options (a factory
    # with **kwargs) come through under their own names
    out = {n[len(_PREFIX):]: getattr(model, n) for n in type(model).model_fields}
    out.update(model.model_extra or {})
    return out


def checked(factory: Callable) -> Callable:
    """``factory`` with its options validated (and defaulted) by its schema."""
    if getattr(factory, "__cs_synth_checked__", False):
        return factory
    return _checked(factory)


@functools.lru_cache(maxsize=None)
def _checked(factory: Callable) -> Callable:
    @functools.wraps(factory)
    def build_unit(ctx, **options):
        return factory(ctx, **validate_options(factory, options))

    build_unit.__cs_synth_checked__ = True
    return build_unit


@functools.lru_cache(maxsize=None)
def _checked_info(info: "RecipeInfo") -> "RecipeInfo":
    return dataclasses.replace(info, factory=checked(info.factory))


def build(registry: catalogue.Registry, name: str, ctx, options: Optional[Mapping[str, Any]], where: str,
          name_field: str = "name"):
    """Build the unit that config entry ``where`` (``transform.1``,
    ``score.0``, ``align``) names: look ``name`` up (error at
    ``<where>.<name_field>``, or ``<where>`` when the entry is the bare
    name), validate ``options`` against the unit's schema
    and call its factory; every :class:`ConfigError` comes out with the full
    path (``transform.1.options.max_len: ...``)."""
    try:
        obj = lookup(registry, name)
    except KeyError as exc:
        field = f"{where}.{name_field}" if name_field else where
        raise ConfigError(f"{field}: {exc.args[0]}") from None
    factory = obj.factory if isinstance(obj, RecipeInfo) else obj
    try:
        return factory(ctx, **validate_options(factory, options))
    except ConfigError as exc:
        raise qualify(f"{where}.options", exc, option_names(factory)) from None


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
