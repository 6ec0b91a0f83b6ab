"""Boundary repair: what a switched span changes at its edges.

A span spliced into another language's sentence keeps its own words, but
the words around it were written for what it replaced.  ``build_output``
calls :func:`repair` after the splice, for the replacements that switch
language (``switch``, ``translate``, ``dictionary``, entity labels and
projections).  Each repair is one :class:`~cs_synth.pipeline.record.Edit` with unit
``boundary.v1`` and one of these ops:

``repair_space``
    Two words glued together at a span edge (the spacing after the
    replaced text was copied from the source) get a space, unless either
    language is written without spaces between words; a French, Italian or
    Catalan elided word (``l'``, ``d'``, ``qu'``) joins the next word
    (``l'herbe``, never ``l' herbe``).
``repair_case``
    A span at the start of the sentence starts with a capital when the
    source did; a span whose first word was sentence-initial in the other
    language loses the capital it had only for its position: when that
    word is a function word of its language (the stop-word lists spaCy
    ships), or, in a language that does not capitalize nouns, when every
    source word it is aligned to is written in lower case mid-sentence
    (*We Alquilamos* → *We alquilamos*, from *rented*; *Kenia* keeps its
    capital, from *Kenya*), or when the word's own parse says it is a common
    word (not PROPN, not in a name or date entity; what an uncased frame
    such as Devanagari cannot tell: *bakery ki bread*, not *bakery ki
    Bread*).  Other capitals (names, German nouns) are never touched.
``repair_article``
    English ``a``/``an`` before or after a switched word agrees with the
    word that now follows it (the ``inflect`` package decides, so "an hour"
    and "a university" come out right).
"""
from __future__ import annotations

import functools
import importlib.util
import os
from typing import List, Sequence, Tuple

#: replacement ops that switch language at their edges
SWITCH_OPS = frozenset({"switch", "translate", "dictionary", "entity_label", "entity_projection"})
#: languages that elide a vowel before another vowel, written with an apostrophe
ELIDING = frozenset({"fr", "it", "ca", "oc", "lb"})
#: scripts / languages written without spaces between words
NO_SPACE_LANGS = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo", "yue", "wuu"})
APOSTROPHES = ("'", "\u2019")
#: languages that write every noun with a capital: a capital there may be
#: the word's own even when its source counterpart is lower case
NOUN_CAPITALS = frozenset({"de", "lb", "gsw", "bar", "nds"})
UNIT = "boundary.v1"


@functools.lru_cache(maxsize=None)
def stop_words(lang: str) -> frozenset:
    """spaCy's stop-word list for ``lang`` (empty when spaCy has none),
    read from its data file without importing spaCy itself."""
    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.origin or not lang.isalpha():
        return frozenset()
    path = os.path.join(os.path.dirname(spec.origin), "lang", lang, "stop_words.py")
    if not os.path.exists(path):
        return frozenset()
    mod_spec = importlib.util.spec_from_file_location(f"_cs_synth_stop_{lang}", path)
    mod = importlib.util.module_from_spec(mod_spec)
    try:
        mod_spec.loader.exec_module(mod)
    except Exception:  # noqa: BLE001 - a list we cannot read is no list
        return frozenset()
    return frozenset(w.casefold() for w in getattr(mod, "STOP_WORDS", ()))


def _passthrough(target=None, **_options):
    """typeguard's ``typechecked`` that checks nothing (a decorator with or
    without options)."""
    if target is None:
        return _passthrough
    return target


@functools.lru_cache(maxsize=1)
def _inflect():
    """inflect's engine.  inflect decorates its API with typeguard's
    ``@typechecked``, which re-parses and instruments the module's source at
    import (about 2 s of its 2.2 s import here); so unless inflect is in
    already, it is imported with a ``typeguard`` whose ``typechecked`` leaves
    functions as they are (the same answers; only its argument type checks
    are gone: :func:`article_for` makes the one its input can fail, an
    empty word, itself).  The real typeguard, if any
    was imported, is put back at once."""
    import sys
    import types

    if "inflect" not in sys.modules:
        stand_in = types.ModuleType("typeguard")
        stand_in.typechecked = _passthrough
        real = sys.modules.get("typeguard")
        sys.modules["typeguard"] = stand_in
        try:
            import inflect  # noqa: F401
        finally:
            if real is None:
                del sys.modules["typeguard"]
            else:
                sys.modules["typeguard"] = real
    import inflect

    return inflect.engine()


#: first letters after which every one of inflect's a/an rules says ``a``
#: (its consonant rule, and its letter, ordinal and abbreviation rules for
#: these letters), whatever follows
_ALWAYS_A = frozenset("bcdgjkpqtvwzBCDGJKPQTVWZ")
#: Devanagari independent vowel letters (अ ... औ, ॠ ॡ, ॲ ... ॷ)
_DEVANAGARI_VOWELS = frozenset(chr(c) for c in [*range(0x0904, 0x0915), 0x0960, 0x0961, *range(0x0972, 0x0978)])
#: first letters after which every one of its rules says ``an``
_ALWAYS_AN = frozenset("aiAI")


def _plain_article(word: str):
    """The article inflect gives ``word`` where its rules cannot disagree,
    read off the first letters without importing inflect (which takes a
    second or more to import: typeguard instruments it); None elsewhere
    (``h``, ``u``, ``y``, ``o``, ``eu``, capitals such as ``FBI``, digits,
    symbols ...).  A word holding whitespace is inflect's too (it reads a
    leading ``a``/``an`` there as an article)."""
    if not word or any(ch.isspace() for ch in word):
        return None
    first = word[0]
    if "\u0900" <= first <= "\u097f":
        # Devanagari: an independent vowel letter starts with a vowel sound (ऐप "app", एक्सपर्ट),
        # a consonant letter with a consonant (बाज़ार)
        return "an" if first in _DEVANAGARI_VOWELS else "a"
    if first in _ALWAYS_A:
        return "a"
    if first in _ALWAYS_AN or (first in "eE" and word[1:2] not in ("u", "w", "U", "W")):
        return "an"
    return None


def article_for(word: str) -> str:
    """``a`` or ``an`` before ``word`` (inflect's choice; the plain cases,
    :func:`_plain_article`, are decided without importing it)."""
    plain = _plain_article(word)
    if plain is not None:
        return plain
    try:
        if not word:  # inflect's typeguard check refuses it (and _inflect leaves typeguard out)
            raise ValueError("inflect takes a word of at least one character")
        return _inflect().a(word).split(" ", 1)[0].lower()
    except Exception:  # noqa: BLE001 - inflect refuses some inputs (empty, symbols)
        return "an" if word[:1].lower() in "aeiou" else "a"


def _wordish(ch: str) -> bool:
    return ch.isalnum()


def _elided(token: str, lang: str) -> bool:
    return (lang in ELIDING and token.endswith(APOSTROPHES) and 2 <= len(token) <= 4
            and token[:-1].isalpha())


def _glued(tokens, langs, k: int) -> bool:
    """Tokens ``k`` and ``k+1`` are two words that need a space between them."""
    left, right = tokens[k], tokens[k + 1]
    if not left or not right or not _wordish(left[-1]) or not _wordish(right[0]):
        return False
    if langs[k] in NO_SPACE_LANGS or langs[k + 1] in NO_SPACE_LANGS:
        return False
    if right.startswith(APOSTROPHES) or right.startswith("-") or left.endswith("-"):
        return False
    return True


def _match_case(new: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return new.upper()
    if like[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


def _positional_capital(word: str, lang: str, origins: Sequence[int], base_tokens: Sequence[str]) -> bool:
    """``word`` (sentence-initial where it came from) has its capital only
    for its position: a function word, or, where nouns are not capitalized,
    a word aligned only to lower-case source words that were not
    sentence-initial themselves."""
    if word.casefold() in stop_words(lang):
        return True
    if lang.split("-")[0] in NOUN_CAPITALS or not origins or not base_tokens:
        return False
    return all(0 < p < len(base_tokens) and base_tokens[p][:1].islower() for p in origins)


def repair(tokens: List[str], langs: Sequence[str], spaces: List[bool], group: Sequence[int],
           reps: Sequence, rep_out: Sequence[Tuple[int, int]], base_first: str,
           base_tokens: Sequence[str] = ()) -> List[Tuple[int, str, str, str]]:
    """Repair the edges of the switching replacements in place.

    ``group[k]`` is the replacement index of output token ``k`` (-1 when
    unchanged), ``rep_out`` each replacement's output range,
    ``base_first`` the first token of the text before the splice and
    ``base_tokens`` all of its tokens.  Returns
    ``(output position, op, before, after)`` per repair."""
    n = len(tokens)
    done: List[Tuple[int, str, str, str]] = []
    junctions = set()
    for ri, (a, b) in enumerate(rep_out):
        if b <= a or reps[ri].op not in SWITCH_OPS:
            continue
        junctions.update(k for k in (a - 1, b - 1) if 0 <= k < n - 1)
        # elision inside the span and at its edges
        for k in range(max(a - 1, 0), min(b, n - 1)):
            if spaces[k] and _elided(tokens[k], langs[k]) and tokens[k + 1][:1].isalpha():
                spaces[k] = False
                done.append((k, "repair_space", tokens[k] + " ", tokens[k]))
        first = tokens[a]
        if a == 0:
            if base_first[:1].isupper() and first[:1].islower():
                tokens[0] = first[:1].upper() + first[1:]
                done.append((0, "repair_case", first, tokens[0]))
        elif getattr(reps[ri], "initial", False) and first[:1].isupper() and not first.isupper() \
                and (getattr(reps[ri], "common_initial", False) or
                     _positional_capital(first, langs[a], (reps[ri].origins or ((),))[0], base_tokens)):
            tokens[a] = first[:1].lower() + first[1:]
            done.append((a, "repair_case", first, tokens[a]))
    for k in sorted(junctions):
        if not spaces[k] and _glued(tokens, langs, k):
            spaces[k] = True
            done.append((k, "repair_space", tokens[k], tokens[k] + " "))
    # a/an next to a switched word
    def switched(k: int) -> bool:
        return group[k] >= 0 and reps[group[k]].op in SWITCH_OPS

    for k in range(n - 1):
        tok = tokens[k]
        if tok.lower() not in ("a", "an") or langs[k] != "en":
            continue
        if not (switched(k) or switched(k + 1)):
            continue
        if not tokens[k + 1][:1].isalnum():
            continue
        want = _match_case(article_for(tokens[k + 1]), tok)
        if want != tok:
            tokens[k] = want
            done.append((k, "repair_article", tok, want))
    return done
