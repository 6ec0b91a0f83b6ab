"""Language tags.

Token language tags are ISO 639-1 codes where one exists (``en``, ``hi``,
``de``), ISO 639-3 otherwise, and ``zxx`` ("no linguistic content", the
ISO 639-2/3 code made for this) for language-independent tokens:
punctuation, numbers, symbols and emoji.  ``zxx`` is never counted as a
language by the code-mixing metrics.
"""
from __future__ import annotations

import unicodedata

LANG_INDEPENDENT = "zxx"


def is_language_independent(token: str) -> bool:
    """True when every character is punctuation, a number, a symbol, a mark or
    whitespace (so ``"3.5"``, ``"..."``, ``"%"``, ``"🙂"`` are; ``"x2"`` is not)."""
    if not token:
        return True
    for ch in token:
        cat = unicodedata.category(ch)
        if cat[0] not in "PNSZ" and cat not in ("Cc", "Cf", "Mn", "Me"):
            return False
    return True
