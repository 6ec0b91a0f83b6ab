"""The generator interface and its registry.

``generator.translate(texts)`` returns one :class:`Generated` per text, in
order: the output text, or a stable snake_case ``reason`` (and detail) when
that text could not be generated (``mt_unknown_word``, ``mt_failed``,
``mt_unparseable`` ...).  A failure of one text never fails the batch.
Generators are deterministic: the same input and options give the same
output, whatever the batch size.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Sequence

import catalogue

generators = catalogue.create("cs_synth", "generators", entry_points=True)


@dataclass(frozen=True)
class Generated:
    text: str = ""
    reason: str = ""
    detail: str = ""

    @property
    def ok(self) -> bool:
        return not self.reason


class Generator:
    name: str = "generator"

    def translate(self, texts: Sequence[str]) -> List[Generated]:
        raise NotImplementedError


def get_generator(name: str):
    import pipeline.generate.apertium  # noqa: F401  (registers the built-in backend)

    if name not in generators:
        known = ", ".join(sorted(generators.get_all())) or "(none)"
        raise KeyError(f"unknown generator backend {name!r}; known: {known}")
    return generators.get(name)
