"""Token predicates: which tokens the ``translit`` recipe changes in
``mode: predicate``.

A predicate is built by a registered factory ``factory(ctx, **options)``
and returns a callable ``(token, lang) -> bool`` (``lang`` is the token's
language tag).  Configs name the predicate and pass its options::

    - recipe: translit
      options: {backend: icu, transform_id: Arabic-Latin, mode: predicate,
                predicate: wordlist, predicate_options: {path: arabic_origin.txt}}

Built in:

* ``script``: the token has a letter in one of ``scripts`` (Unicode script
  names or ISO 15924 codes, e.g. ``Devanagari``/``Deva``, ``Arab``), from
  ICU's script property (``method: unicodedata`` uses the first word of the
  character name instead, for installs without ICU); ``match: all`` asks for
  every letter to be in those scripts.
* ``wordlist``: the token (NFC, case-folded unless ``casefold: false``) is in
  a file of one word per line (``#`` starts a comment), e.g. the words of
  Arabic origin in a Maltese text.
* ``regex``: the token matches ``pattern`` (``re.fullmatch``).
* ``lingua``: a classifier: the lingua language detector, choosing among
  ``candidates``, says the token is one of ``languages`` with confidence >=
  ``min_confidence`` (needs ``lingua-language-detector``, extra ``lid``).

Your own classifier plugs in with :func:`register_predicate` (a factory
taking options) or :func:`register_classifier` (a plain callable), or
through the ``cs_synth_translit_predicates`` entry-point group.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from typing import Callable, Iterable, Sequence

import catalogue

from cs_synth.pipeline.units import ConfigError, Context

Predicate = Callable[[str, str], bool]

predicates = catalogue.create("cs_synth", "translit_predicates", entry_points=True)


def register_predicate(name: str):
    """Decorator for a predicate factory ``factory(ctx, **options) -> (token, lang) -> bool``."""

    def deco(factory):
        predicates.register(name, func=factory)
        return factory

    return deco


def register_classifier(name: str, classify: Predicate) -> Predicate:
    """Register a ready callable ``(token, lang) -> bool`` (no options)."""

    def factory(ctx: Context) -> Predicate:
        return classify

    factory.__name__ = f"{name}_factory"
    predicates.register(name, func=factory)
    return classify


def predicate_names() -> list:
    return sorted(predicates.get_all())


def build_predicate(ctx: Context, name: str, options: dict) -> Predicate:
    from cs_synth.pipeline import registry
    from cs_synth.pipeline.units import qualify

    if not isinstance(name, str) or name not in predicates:
        raise ConfigError(f"option 'predicate': unknown predicate {name!r}; known: {', '.join(predicate_names())} "
                          "(register your own with cs_synth.transforms.translit.predicates.register_predicate)")
    if not isinstance(options, dict):
        raise ConfigError(f"option 'predicate_options' must be a mapping, got {options!r}")
    factory = predicates.get(name)
    try:
        kwargs = registry.validate_options(factory, options)
    except ConfigError as exc:
        raise qualify("predicate_options", exc) from None
    return factory(ctx, **kwargs)


# ------------------------------------------------------------------ script
@functools.lru_cache(maxsize=1)
def icu_script_names() -> dict:
    """lower-cased long and short script names -> ICU script code."""
    import icu

    out = {}
    code = 0
    while True:
        try:
            s = icu.Script(code)
        except Exception:  # noqa: BLE001 - past the last code
            break
        out[s.getName().lower()] = code
        out[s.getShortName().lower()] = code
        code += 1
    return out


@functools.lru_cache(maxsize=4096)
def _icu_script(ch: str) -> int:
    import icu

    return icu.Script.getScript(ch).getScriptCode()


# ISO 15924 short codes for the unicodedata fallback (first word of the name)
_UNICODEDATA_ALIASES = {"deva": "devanagari", "arab": "arabic", "latn": "latin", "cyrl": "cyrillic",
                        "grek": "greek", "hebr": "hebrew", "beng": "bengali", "guru": "gurmukhi",
                        "gujr": "gujarati", "taml": "tamil", "telu": "telugu", "knda": "kannada",
                        "mlym": "malayalam", "orya": "oriya", "thai": "thai", "hang": "hangul",
                        "hani": "cjk", "ethi": "ethiopic", "geor": "georgian", "armn": "armenian"}


@functools.lru_cache(maxsize=4096)
def _name_script(ch: str) -> str:
    try:
        return unicodedata.name(ch).split(" ")[0].lower()
    except ValueError:
        return ""


def _letters(token: str) -> Iterable[str]:
    return (ch for ch in token if unicodedata.category(ch)[0] == "L")


@register_predicate("script")
def script_predicate(ctx: Context, scripts: Sequence[str], match: str = "any", method: str = "icu") -> Predicate:
    if isinstance(scripts, str):
        scripts = [scripts]
    if not scripts or not all(isinstance(s, str) for s in scripts):
        raise ConfigError("predicate_options.scripts: give a list of script names, e.g. [Devanagari] or [Arab]")
    if match not in ("any", "all"):
        raise ConfigError(f"predicate_options.match must be 'any' or 'all', got {match!r}")
    quant = any if match == "any" else all
    if method == "icu":
        from cs_synth.transforms.translit.backends import _require

        _require("icu", "pyicu-wheels")
        names = icu_script_names()
        codes = set()
        for s in scripts:
            if s.lower() not in names:
                valid = sorted(names)
                raise ConfigError(f"predicate_options.scripts: unknown script {s!r}; valid names "
                                  f"(ICU / ISO 15924): {', '.join(valid)}")
            codes.add(names[s.lower()])
        frozen = frozenset(codes)

        def by_icu(token: str, lang: str) -> bool:
            letters = list(_letters(token))
            return bool(letters) and quant(_icu_script(ch) in frozen for ch in letters)

        return by_icu
    if method == "unicodedata":
        wanted = frozenset(_UNICODEDATA_ALIASES.get(s.lower(), s.lower()) for s in scripts)

        def by_name(token: str, lang: str) -> bool:
            letters = list(_letters(token))
            return bool(letters) and quant(_name_script(ch) in wanted for ch in letters)

        return by_name
    raise ConfigError(f"predicate_options.method must be 'icu' or 'unicodedata', got {method!r}")


# ---------------------------------------------------------------- wordlist
def _norm(word: str, casefold: bool) -> str:
    word = unicodedata.normalize("NFC", word.strip())
    return word.casefold() if casefold else word


@register_predicate("wordlist")
def wordlist_predicate(ctx: Context, path: str, casefold: bool = True) -> Predicate:
    full = ctx.require_file("predicate_options.path", path)
    from cs_synth.pipeline import resources  # local, carried to the worker, or gs:// / s3://

    try:
        text = resources.read_text(full)
        words = frozenset(_norm(line.split("#", 1)[0], casefold) for line in text.splitlines())
    except UnicodeDecodeError as exc:
        raise ConfigError(f"predicate_options.path: {full} is not UTF-8 text ({exc})") from None
    words = words - {""}
    if not words:
        raise ConfigError(f"predicate_options.path: {full} lists no words")

    def in_list(token: str, lang: str) -> bool:
        return _norm(token, casefold) in words

    in_list.words = words  # type: ignore[attr-defined]
    return in_list


# ------------------------------------------------------------------- regex
@register_predicate("regex")
def regex_predicate(ctx: Context, pattern: str) -> Predicate:
    from cs_synth.pipeline import user_regex  # a time limit per match: a pathological pattern rejects, never hangs

    try:
        rx = user_regex.compile(pattern, "translit predicate 'regex'")
    except (re.error, TypeError) as exc:
        raise ConfigError(f"predicate_options.pattern: invalid regular expression {pattern!r}: {exc}") from None

    def matches(token: str, lang: str) -> bool:
        return rx.fullmatch(token) is not None

    return matches


# ------------------------------------------------------------------ lingua
@functools.lru_cache(maxsize=8)
def _lingua_detector(candidates: tuple):
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, c.upper()) for c in candidates]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


@register_predicate("lingua")
def lingua_predicate(ctx: Context, languages: Sequence[str], candidates: Sequence[str] = (),
                     min_confidence: float = 0.5) -> Predicate:
    from cs_synth.transforms.translit.backends import _require

    _require("lingua", "lingua-language-detector")
    from lingua import IsoCode639_1

    languages = [languages] if isinstance(languages, str) else list(languages)
    cands = list(candidates) or []
    for c in languages:
        if c not in cands:
            cands.append(c)
    if len(cands) < 2:
        raise ConfigError("predicate_options.candidates: lingua needs at least two languages to choose between "
                          "(e.g. languages: [es], candidates: [en])")
    for c in cands:
        if not isinstance(c, str) or not hasattr(IsoCode639_1, c.upper()):
            valid = sorted(n.lower() for n in dir(IsoCode639_1) if len(n) == 2 and n.isupper())
            raise ConfigError(f"predicate_options: unknown ISO 639-1 code {c!r} for lingua; valid: {', '.join(valid)}")
    try:
        threshold = float(min_confidence)
    except (TypeError, ValueError):
        threshold = -1.0
    if not 0.0 <= threshold <= 1.0:
        raise ConfigError(f"predicate_options.min_confidence must be in [0, 1], got {min_confidence!r}")
    key = tuple(sorted(c.lower() for c in cands))
    wanted = frozenset(c.upper() for c in languages)

    def classify(token: str, lang: str) -> bool:
        if not any(True for _ in _letters(token)):
            return False
        values = _lingua_detector(key).compute_language_confidence_values(token)
        for cv in values:
            if cv.language.iso_code_639_1.name in wanted and cv.value >= threshold:
                return True
        return False

    return classify
