"""The contracts every unit follows.

* A **transform** is a pure callable ``(record, rng) -> iterable of records``
  yielding 0, 1 or many records.  It never mutates its input and never uses
  global random state: ``rng`` is derived from (seed, record id, unit name)
  by :func:`cs_synth.pipeline.rng.derive_rng`.  A transform that cannot do anything
  useful yields ``record.reject(reason, detail, stage="transform")`` with a
  stable snake_case reason (e.g. ``no_switchable_span``).
* A **recipe** is a registered factory ``factory(ctx, **options)`` returning
  a transform.  Factories are cheap: they validate options and check that
  files and models exist (failing with :class:`ConfigError` naming the
  option), and defer loading heavy models to first use.
* A **scorer** maps a record to named scores; a **filter** only decides
  from scores: it returns ``None`` (keep) or ``(reason, detail)``.
"""
from __future__ import annotations

import os
import random
import re
from dataclasses import dataclass
from typing import Any, Iterable, List, Mapping, Optional, Protocol, Sequence, Tuple

from cs_synth.pipeline.record import Record


class ConfigError(ValueError):
    """Bad configuration: the run stops at once with this message."""


class OptionsError(ConfigError):
    """Options that do not fit a unit's schema.  ``problems`` holds
    ``(option path, message)`` pairs (``("max_len", "must be >= 1 (got 0)")``);
    :func:`qualify` puts the full config path in front of each."""

    def __init__(self, problems: Sequence[Tuple[str, str]]):
        self.problems = [(str(loc), str(msg)) for loc, msg in problems]
        super().__init__("\n".join(f"{loc}: {msg}" if loc else msg for loc, msg in self.problems))


_BOUNDS = {"greater_than_equal": (">=", "ge"), "greater_than": (">", "gt"),
           "less_than_equal": ("<=", "le"), "less_than": ("<", "lt")}


_TYPE_TAGS = {"str", "int", "float", "bool", "dict", "list", "none"}


def _union_tag(part) -> bool:
    """pydantic's name for a union member in an error location
    (``str``, ``ScorerConfig``, ``literal['pair','all']``), not a field."""
    return isinstance(part, str) and ("[" in part or part in _TYPE_TAGS or part[:1].isupper())


def validation_problems(exc, known: Sequence[str] = (), unknown=None) -> List[Tuple[str, str]]:
    """``(path, message)`` for each error of a pydantic ``ValidationError``,
    worded for config files: ``must be >= 1 (got 0)``, ``unknown option;
    known options: ...``, ``required option is missing``.  The errors of one
    value against the members of a union are merged into one line.
    ``unknown(loc)``, when given, words the error of an unknown key at the
    location tuple ``loc``."""
    out: List[Tuple[str, str]] = []
    index = {}
    for err in exc.errors():
        # drop pydantic's union-member tags such as "literal['pair','all']" or "list[str]"
        loc = ".".join(str(x) for x in err["loc"] if not _union_tag(x))
        kind, ctx = err["type"], err.get("ctx") or {}
        if kind == "extra_forbidden" and unknown is not None:
            msg = unknown(tuple(err["loc"]))
        elif kind == "extra_forbidden":
            msg = "unknown option"
            if known and "." not in loc:
                msg += f"; known options: {', '.join(known)}"
        elif kind == "missing":
            msg = "required option is missing"
        else:
            if kind in _BOUNDS:
                op, key = _BOUNDS[kind]
                msg = f"must be {op} {ctx.get(key)}"
            elif kind in ("too_short", "string_too_short"):
                n = ctx.get("min_length")
                what = "item" if kind == "too_short" else "character"
                msg = f"must have at least {n} {what}{'' if n == 1 else 's'}"
            elif kind == "literal_error":
                msg = f"must be one of {ctx.get('expected')}"
            else:
                msg = str(err["msg"])
                msg = msg.replace("Value error, ", "", 1)
                if msg.startswith("Input should be "):
                    msg = "must be " + msg[len("Input should be "):]
            if not isinstance(err.get("input"), Mapping):
                msg += f" (got {err.get('input')!r})"
        if loc in index and kind not in ("extra_forbidden", "missing"):
            prev_loc, prev = out[index[loc]]
            head = prev.rsplit(" (got ", 1)[0]
            got = msg.rsplit(" (got ", 1)
            out[index[loc]] = (prev_loc, f"{head} or {got[0]}" + (f" (got {got[1]}" if len(got) > 1 else ""))
            continue
        index[loc] = len(out)
        out.append((loc, msg))
    return out


#: first words of a message that already names a config field by its full path
_TOP_LEVEL = ("input", "annotate", "align", "transform", "score", "filter", "dedup", "sampling", "output")
_QUOTED = re.compile(r"options? '([\w.-]+)'(?::\s*|\s+)(.*)", re.S)
_NAMED = re.compile(r"([A-Za-z_][\w-]*)((?:\.[\w-]+)*):\s+(.*)", re.S)


def qualify(where: str, exc: ConfigError, known: Sequence[str] = ()) -> ConfigError:
    """``exc`` (raised while building a unit) with the unit's config path in
    front: ``where`` is e.g. ``transform.1.options``.  Schema problems get one
    line each; a factory message that starts with an option name
    (``max_len: ...``, ``option 'max_len': ...``) becomes
    ``transform.1.options.max_len: ...``; one that already names a config
    field by its full path (``align.options.model: ...``,
    ``input.tgt_lang: ...``) is kept; any other gets ``where: `` in front."""
    if isinstance(exc, OptionsError):
        return OptionsError([(f"{where}.{loc}" if loc else where, msg) for loc, msg in exc.problems])
    message = str(exc.args[0]) if exc.args else str(exc)
    head = where.split(".", 1)[0]
    first = re.split(r"[.:\s]", message, 1)[0]
    if message.startswith(where) or (first in _TOP_LEVEL and first not in known
                                     and (first != head or message.startswith(head + "."))):
        return ConfigError(message)
    m = _QUOTED.match(message)
    if m:
        return ConfigError(f"{where}.{m.group(1)}: {m.group(2)}")
    m = _NAMED.match(message)
    if m and m.group(1) in known:
        return ConfigError(f"{where}.{m.group(1)}{m.group(2)}: {m.group(3)}")
    return ConfigError(f"{where}: {message}")


def check_probability(where: str, value) -> float:
    """A number in [0, 1] (booleans refused), else ConfigError naming ``where``."""
    if isinstance(value, bool):
        raise ConfigError(f"{where}: expected a probability between 0 and 1, got {value!r}")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: expected a probability between 0 and 1, got {value!r}") from None
    if not 0.0 <= v <= 1.0:
        raise ConfigError(f"{where}: expected a probability between 0 and 1, got {value!r}")
    return v


class Transform(Protocol):
    name: str  # versioned unit name, e.g. "entity_swap.v1"

    def __call__(self, record: Record, rng: random.Random) -> Iterable[Record]: ...


class Scorer(Protocol):
    name: str

    def __call__(self, record: Record) -> Mapping[str, float]: ...


class Filter(Protocol):
    name: str

    def __call__(self, record: Record) -> Optional[Tuple[str, str]]: ...


@dataclass(frozen=True)
class Context:
    """What a factory may know about the run it is built for."""

    base_dir: str = "."
    src_lang: str = ""
    tgt_lang: str = ""
    seed: int = 0

    def resolve(self, path: str) -> str:
        """Resolve a path from the config relative to the config's folder
        (URLs such as gs://... pass through)."""
        if "://" in path or os.path.isabs(path):
            return path
        return os.path.normpath(os.path.join(self.base_dir, path))

    def require_file(self, option: str, path: Optional[str]) -> str:
        if not path:
            raise ConfigError(f"option {option!r} is required")
        full = self.resolve(path)
        from cs_synth.pipeline import resources

        if not resources.exists(full):  # local, carried, or gs:// / s3:// through Beam FileSystems
            raise ConfigError(f"option {option!r}: file not found: {full}")
        return full


# ----------------------------------------------------------- spaCy and torch
#
# thinc (spaCy's ML library) imports torch at import time whenever torch is
# installed, only to offer PyTorch-wrapped layers; importing spaCy then costs
# torch's import too (0.8 s on a quiet machine, several seconds under load),
# although spaCy's own CNN pipelines (``*_core_*_sm/md/lg``) never use it.
# thinc treats a failed ``import torch`` as "no torch" (``thinc.compat``), so
# spaCy is imported with torch hidden for that one import.  Units that use
# torch themselves (simalign, the LM scorers, stanza) import it normally
# afterwards; only thinc's PyTorch wrappers stay off in that process, which
# just the spaCy pipelines built on them need: those come from the
# spacy-transformers / spacy-curated-transformers plugins (``*_trf``), so
# with such a plugin installed, or ``CS_SYNTH_SPACY_TORCH=1``, spaCy is
# imported as usual.

#: installed distributions that make spaCy pipelines run on torch through thinc
SPACY_TORCH_PLUGINS = ("spacy-transformers", "spacy-curated-transformers")


def spacy_needs_torch() -> bool:
    """True when spaCy must be imported with torch visible to thinc: the
    environment asks for it (``CS_SYNTH_SPACY_TORCH=1``) or a plugin that
    runs spaCy pipelines on torch is installed."""
    if os.environ.get("CS_SYNTH_SPACY_TORCH", "").strip().lower() in ("1", "true", "yes"):
        return True
    from importlib import metadata

    for dist in SPACY_TORCH_PLUGINS:
        try:
            metadata.distribution(dist)
            return True
        except metadata.PackageNotFoundError:
            continue
    return False


def import_spacy_without_torch() -> bool:
    """Import spaCy with torch hidden from thinc, unless spaCy or torch is
    imported already or :func:`spacy_needs_torch`.  Returns whether it did.
    Call it before anything imports spaCy (the stage builders and
    ``augment()`` do); afterwards ``import torch`` works as usual."""
    import sys

    if "spacy" in sys.modules or "thinc" in sys.modules or "torch" in sys.modules or spacy_needs_torch():
        return False
    sys.modules["torch"] = None  # type: ignore[assignment]  # makes ``import torch`` raise ImportError
    try:
        import spacy  # noqa: F401
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
    return True
