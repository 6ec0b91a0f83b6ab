"""Language tags.

Token language tags are ISO 639-1 codes where one exists (``en``, ``hi``,
``de``), ISO 639-3 otherwise, and ``zxx`` ("no linguistic content", the
ISO 639-2/3 code made for this) for language-independent tokens:
punctuation, numbers, symbols and emoji.  ``zxx`` is never counted as a
language by the code-mixing metrics.
"""
from __future__ import annotations

import functools
import unicodedata

LANG_INDEPENDENT = "zxx"


@functools.lru_cache(maxsize=1 << 16)
def is_language_independent(token: str) -> bool:
    """True when every character is punctuation, a number, a symbol, a mark or
    whitespace (so ``"3.5"``, ``"..."``, ``"%"``, ``"🙂"`` are; ``"x2"`` is not).
    Cached: the switch-point checks ask it of the same words again and again."""
    if not token:
        return True
    for ch in token:
        cat = unicodedata.category(ch)
        if cat[0] not in "PNSZ" and cat not in ("Cc", "Cf", "Mn", "Me"):
            return False
    return True


def normalize_tag(value, *, allow_empty: bool = False) -> str:
    """A language tag in its shortest standard BCP-47 form, with
    ``langcodes``: ``eng`` -> ``en``, ``EN`` -> ``en``, ``en_US`` -> ``en-US``,
    ``hin`` -> ``hi``; ``en-US``, ``zh-Hant``, ``hi-Latn`` stay as they are.
    A language name (``English``), an unknown code (``klingon``, ``xx``), a
    lone ``x`` or an empty tag raise ``ValueError`` (the config names the
    field).  ``allow_empty`` lets ``""`` through (no target side)."""
    import langcodes

    if not isinstance(value, str):
        raise ValueError(f"expected a language tag such as en, hi or en-US, got {value!r}")
    text = value.strip()
    if not text:
        if allow_empty:
            return ""
        raise ValueError("empty language tag; expected a BCP-47 tag such as en, hi or en-US")
    try:
        tag = langcodes.standardize_tag(text)
        valid = langcodes.Language.get(tag).is_valid()
    except (ValueError, langcodes.tag_parser.LanguageTagError) as exc:
        raise ValueError(f"{value!r} is not a BCP-47 language tag ({exc}); use a code such as en, hi or en-US"
                         + _name_hint(text)) from None
    if not valid:
        raise ValueError(f"{value!r} is not a registered language tag; use a code such as en, hi or en-US"
                         + _name_hint(text))
    return tag


def _name_hint(text: str) -> str:
    """`` (English is en)`` when ``text`` is a language name langcodes knows
    (needs its optional ``language_data`` package), else ``""``."""
    import importlib.util

    if importlib.util.find_spec("language_data") is None:
        return ""
    try:
        import langcodes

        return f" ({text} is {langcodes.find(text).to_tag()})"
    except Exception:  # noqa: BLE001 - no name data installed, or no such name
        return ""
