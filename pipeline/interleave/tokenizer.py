"""Token counts for segments and windows.

``whitespace`` counts runs of non-space characters.  Any other name is a
local Hugging Face tokenizer: a folder holding ``tokenizer.json`` (what
``save_pretrained`` writes for a fast tokenizer) or that file itself, read
with the ``tokenizers`` library; special tokens are not added.  A window's
token count is the sum of its parts' counts (segments, language tags,
separators), which is what a trainer's tokenizer gives for the joined text
whenever the separator ends a pre-token (whitespace or a newline does).
"""
from __future__ import annotations

import os
import re
from typing import List, Sequence, Tuple

from cs_synth.pipeline.units import ConfigError

_WORD = re.compile(r"\S+")


class WhitespaceTokenizer:
    name = "whitespace"

    def offsets_batch(self, texts: Sequence[str]) -> List[List[Tuple[int, int]]]:
        return [[m.span() for m in _WORD.finditer(t)] for t in texts]

    def count_batch(self, texts: Sequence[str]) -> List[int]:
        return [len(_WORD.findall(t)) for t in texts]


class HFTokenizer:
    """A ``tokenizers.Tokenizer`` loaded from a local file."""

    def __init__(self, path: str):
        from tokenizers import Tokenizer

        self.name = path
        self.tok = Tokenizer.from_file(path)

    def offsets_batch(self, texts: Sequence[str]) -> List[List[Tuple[int, int]]]:
        if not texts:
            return []
        encs = self.tok.encode_batch(list(texts), add_special_tokens=False)
        return [[(a, b) for a, b in e.offsets] for e in encs]

    def count_batch(self, texts: Sequence[str]) -> List[int]:
        if not texts:
            return []
        return [len(e.ids) for e in self.tok.encode_batch(list(texts), add_special_tokens=False)]


def build_tokenizer(name: str, resolve, where: str = "interleave.tokenizer"):
    """The tokenizer a config names; a missing folder or file, or one
    ``tokenizers`` cannot read, stops the run naming ``where``."""
    if name == "whitespace":
        return WhitespaceTokenizer()
    path = resolve(name)
    if os.path.isdir(path):
        path = os.path.join(path, "tokenizer.json")
    if not os.path.exists(path):
        raise ConfigError(f"{where}: no tokenizer at {path} (name 'whitespace', a folder holding "
                          f"tokenizer.json, or the file itself)")
    try:
        tok = HFTokenizer(path)
    except Exception as exc:  # noqa: BLE001 - any load failure is a configuration error
        raise ConfigError(f"{where}: cannot load {path}: {exc}") from None
    tok.name = name
    return tok
