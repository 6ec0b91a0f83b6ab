"""Prompt templates: plain text files with ``$name`` fields
(:class:`string.Template`; a literal ``$`` is written ``$$``).  A unit's
``prompt`` option names a file of the user's (relative to the config's
folder) or a built-in one by its file name."""
from __future__ import annotations

import hashlib
import os
from string import Template
from typing import List, Optional, Sequence

from cs_synth.pipeline.units import ConfigError

LANG_NAMES = {"en": "English", "es": "Spanish", "hi": "Hindi", "fr": "French", "de": "German", "it": "Italian",
              "pt": "Portuguese", "ca": "Catalan", "ar": "Arabic", "zh": "Chinese", "ja": "Japanese", "ko": "Korean",
              "ru": "Russian", "tr": "Turkish", "bn": "Bengali", "ta": "Tamil", "te": "Telugu", "mr": "Marathi",
              "ur": "Urdu", "id": "Indonesian", "ms": "Malay", "tl": "Tagalog", "sw": "Swahili", "nl": "Dutch",
              "vi": "Vietnamese", "th": "Thai", "fa": "Persian", "pl": "Polish", "el": "Greek", "he": "Hebrew"}


def lang_name(code: str) -> str:
    return LANG_NAMES.get(code.split("-")[0].lower(), code)


class Prompt:
    """A loaded template: ``render(**fields)``; ``name`` and ``sha`` go into
    edit details so an output says which prompt made it."""

    def __init__(self, path: str, text: str):
        self.path, self.text = path, text
        self.name = os.path.basename(path)
        self.sha = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
        self.template = Template(text)

    def fields(self) -> List[str]:
        return sorted({m.group("named") or m.group("braced") for m in self.template.pattern.finditer(self.text)
                       if m.group("named") or m.group("braced")})

    def render(self, **fields) -> str:
        return self.template.safe_substitute(**fields).rstrip("\n")


def load_prompt(ctx, option: str, value: Optional[str], default_names: Sequence[str], known: Sequence[str],
                builtin_dir: str) -> Prompt:
    """The template the ``option`` names (a file path), else the first
    built-in of ``default_names`` that exists.  Unknown ``$fields`` are a
    config error, so a typo does not reach the model."""
    if value:
        path = ctx.resolve(value)
        if not os.path.exists(path):
            builtin = os.path.join(builtin_dir, value)
            if os.path.exists(builtin):
                path = builtin
            else:
                raise ConfigError(f"option {option!r}: prompt file not found: {path} (built-in prompts: "
                                  f"{', '.join(sorted(os.listdir(builtin_dir)))})")
    else:
        path = next((os.path.join(builtin_dir, n) for n in default_names if os.path.exists(os.path.join(builtin_dir, n))),
                    "")
        if not path:
            raise ConfigError(f"option {option!r}: no built-in prompt for this language pair (looked for "
                              f"{', '.join(default_names)}); write one and name it here")
    with open(path, encoding="utf-8") as fh:
        prompt = Prompt(path, fh.read())
    bad = [f for f in prompt.fields() if f not in known]
    if bad:
        raise ConfigError(f"option {option!r}: {path} uses unknown field(s) {', '.join('$' + b for b in bad)}; "
                          f"known: {', '.join('$' + k for k in known)}")
    return prompt


