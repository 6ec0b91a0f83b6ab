"""The contracts every unit follows.

* A **transform** is a pure callable ``(record, rng) -> iterable of records``
  yielding 0, 1 or many records.  It never mutates its input and never uses
  global random state: ``rng`` is derived from (seed, record id, unit name)
  by :func:`pipeline.rng.derive_rng`.  A transform that cannot do anything
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
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional, Protocol, Tuple

from pipeline.record import Record


class ConfigError(ValueError):
    """Bad configuration: the run stops at once with this message."""


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
    extra: Mapping[str, Any] = field(default_factory=dict)

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
        if "://" not in full and not os.path.exists(full):
            raise ConfigError(f"option {option!r}: file not found: {full}")
        return full
