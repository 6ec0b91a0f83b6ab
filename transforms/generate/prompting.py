"""What the LLM units share: prompt templates, language names, reading a
model's answer back, and turning a rewritten sentence into span
replacements over the source.

Prompt templates are plain text files with ``$name`` fields
(:class:`string.Template`; a literal ``$`` is written ``$$``).  The built-in
ones live in ``transforms/generate/prompts/``; a unit's ``prompt`` option
names a file of the user's instead (relative to the config's folder).
"""
from __future__ import annotations

import difflib
import hashlib
import os
import re
import unicodedata
from string import Template
from typing import Dict, List, Optional, Sequence, Tuple

from cs_synth.pipeline.generate.prompts import LANG_NAMES, Prompt, lang_name, load_prompt as _load_prompt  # noqa: F401
from cs_synth.pipeline.units import ConfigError

PROMPTS = os.path.join(os.path.dirname(__file__), "prompts")


def load_prompt(ctx, option, value, default_names, known):
    return _load_prompt(ctx, option, value, default_names, known, PROMPTS)


_LABEL = re.compile(r"^\s*(?:mixed|output|answer|rewritten|code[- ]switched(?: sentence)?)\s*:\s*", re.I)


def answer_line(text: str) -> Tuple[str, str]:
    """``(line, problem)``: the model's one-line answer, or why it cannot be
    read as one (``problem`` non-empty -> ``llm_unparseable``)."""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    if not lines:
        return "", "empty answer"
    line = _LABEL.sub("", lines[0]).strip()
    if len(line) >= 2 and line[0] == line[-1] and line[0] in "\"'“”«»":
        line = line[1:-1].strip()
    elif line[:1] in "“«" and line[-1:] in "”»":
        line = line[1:-1].strip()
    if not line:
        return "", "empty answer"
    if "\ufffd" in line or any(unicodedata.category(c) in ("Cc", "Cs", "Co") for c in line):
        return "", f"control or broken characters in {line[:80]!r}"
    if not any(c.isalpha() for c in line):
        return "", f"no words in {line[:80]!r}"
    if re.search(r"\b(?:English|Spanish|Hindi|In \w+|Sentence|Feature|Example)\s*:", line):
        return "", f"the answer repeats the prompt's labels: {line[:120]!r}"
    return line, ""


def tokenize(text: str, lang: str) -> Tuple[List[str], List[bool]]:
    from cs_synth.pipeline.resources import load_spacy

    doc = load_spacy(lang).make_doc(text)
    toks = [t for t in doc if not t.is_space]
    return [t.text for t in toks], [bool(t.whitespace_) for t in toks]


def diff_blocks(old: Sequence[str], new: Sequence[str]) -> List[Tuple[int, int, int, int]]:
    """The changed blocks between two token lists, ``(a0, a1, b0, b1)``:
    old tokens ``[a0, a1)`` became new tokens ``[b0, b1)`` (case-blind
    match, so a re-cased first word is no change)."""
    sm = difflib.SequenceMatcher(a=[t.lower() for t in old], b=[t.lower() for t in new], autojunk=False)
    return [(a0, a1, b0, b1) for tag, a0, a1, b0, b1 in sm.get_opcodes() if tag != "equal"]


class WordLid:
    """Word-level language of a new token between two languages: lingua
    restricted to the pair when installed (``cs-synth[lid]``), else the
    script (a token in the target's script is target language)."""

    def __init__(self, langs: Sequence[str]):
        self.langs = tuple(dict.fromkeys(l.split("-")[0].lower() for l in langs))
        self._det = None
        try:
            from lingua import IsoCode639_1, LanguageDetectorBuilder

            codes = [IsoCode639_1.from_str(c) for c in self.langs]
            self._det = LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()
        except Exception:  # noqa: BLE001 - lingua missing or a language it lacks
            self._det = None

    def __call__(self, word: str, default: str) -> str:
        if self._det is None:
            return default
        lang = self._det.detect_language_of(word)
        if lang is None:
            return default
        code = lang.iso_code_639_1.name.lower()
        return code if code in self.langs else default
