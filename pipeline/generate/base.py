"""The generator interface and its registry.

A *generator* is one model backend: Apertium, a local ``transformers``
model, an OpenAI-compatible HTTP endpoint.  Two calls, both batched:

* ``generator.translate(texts)``: one :class:`Generated` per source text
  (MT units such as ``mt-span``);
* ``generator.complete(requests)``: one :class:`Generated` per
  :class:`Request` (a prompt and the record's seed; LLM units such as
  ``llm-cs``, ``llm-dialect`` and the ``llm_judge`` scorer).

Each result is the output text, or a stable snake_case ``reason`` (and
detail) when that item could not be generated (``mt_unknown_word``,
``mt_failed``, ``llm_timeout``, ``llm_http_500`` ...).  A failure of one item
never fails the batch.  Generators are deterministic: the same input,
options and seed give the same output whatever the batch size.

Backends register a factory ``factory(spec, **options)`` in
:data:`generators`; ``spec`` is a :class:`GenSpec` (languages and the
config's folder).  :func:`build_generator` validates the options against the
factory's signature (the same strict schema the unit registries use), so
``transform.0.options.backend_options.num_beams: must be >= 1`` names the
field, and wraps the generator in the response cache when the unit names a
``cache`` folder (:mod:`cs_synth.pipeline.generate.cache`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence

import catalogue

from cs_synth.pipeline.units import ConfigError, OptionsError

generators = catalogue.create("cs_synth", "generators", entry_points=True)

#: modules whose import registers the built-in backends (none loads a model)
_BUILTIN_BACKENDS = ("cs_synth.pipeline.generate.apertium", "cs_synth.pipeline.generate.hf", "cs_synth.pipeline.generate.openai_http")


@dataclass(frozen=True)
class Generated:
    text: str = ""
    reason: str = ""
    detail: str = ""

    @property
    def ok(self) -> bool:
        return not self.reason


@dataclass(frozen=True)
class Request:
    """One completion: the prompt, and the seed drawn from the record's rng
    (used only when the backend samples)."""

    prompt: str
    seed: int = 0


@dataclass(frozen=True)
class GenSpec:
    """What a backend factory may know: the languages and the config's folder."""

    src_lang: str = ""
    tgt_lang: str = ""
    base_dir: str = "."

    def resolve(self, path: str) -> str:
        import os

        if "://" in path or os.path.isabs(path):
            return path
        candidate = os.path.normpath(os.path.join(self.base_dir, path))
        # a model *name* already in the HF cache stays a name
        return candidate if os.path.exists(candidate) or path.startswith(".") else path


class Generator:
    name: str = "generator"

    def translate(self, texts: Sequence[str]) -> List[Generated]:
        raise NotImplementedError(f"{self.name} does not translate")

    def complete(self, requests: Sequence[Request]) -> List[Generated]:
        raise NotImplementedError(f"{self.name} does not complete prompts")

    def identity(self) -> Dict[str, Any]:
        """What the output depends on besides the prompt: backend, model and
        decoding options (never secrets).  The response cache keys on it."""
        return {"backend": self.name}

    @property
    def samples(self) -> bool:
        """Whether the output depends on the request's seed."""
        return False

    def describe(self) -> str:
        """A short label for edit details (``hf.v1 opus-mt-en-es``)."""
        return self.name


def _load_backends() -> None:
    import importlib

    for mod in _BUILTIN_BACKENDS:
        importlib.import_module(mod)


def get_generator(name: str):
    _load_backends()
    if name not in generators:
        known = ", ".join(sorted(generators.get_all())) or "(none)"
        raise KeyError(f"unknown generator backend {name!r}; known: {known}")
    return generators.get(name)


def build_generator(ctx, backend: str, options: Optional[Mapping[str, Any]], *, tgt_lang: str = "",
                    src_lang: str = "", cache: Optional[str] = None, prefix: str = "backend_options"):
    """The generator a unit's options name.  Errors name the option:
    ``backend: unknown generator backend ...``,
    ``backend_options.model: required option is missing``."""
    from cs_synth.pipeline import registry

    try:
        factory = get_generator(backend)
    except KeyError as exc:
        raise ConfigError(f"option 'backend': {exc.args[0]}") from None
    spec = GenSpec(src_lang=src_lang or ctx.src_lang, tgt_lang=tgt_lang or ctx.tgt_lang, base_dir=ctx.base_dir)
    try:
        kwargs = registry.validate_options(factory, dict(options or {}))
        gen = factory(spec, **kwargs)
    except OptionsError as exc:
        raise OptionsError([(f"{prefix}.{loc}" if loc else prefix, msg) for loc, msg in exc.problems]) from None
    except ConfigError as exc:
        msg = str(exc)
        import re

        m = re.match(r"option '([\w.-]+)'(?::\s*|\s+)(.*)", msg, re.S)
        if m:
            raise ConfigError(f"{prefix}.{m.group(1)}: {m.group(2)}") from None
        raise ConfigError(f"{prefix}: {msg}") from None
    if cache:
        from cs_synth.pipeline.generate.cache import CachedGenerator, ResponseCache

        gen = CachedGenerator(gen, ResponseCache(ctx.resolve(cache)))
    return gen
