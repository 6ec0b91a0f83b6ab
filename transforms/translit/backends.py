"""Transliteration backends: ICU, indic-transliteration (sanscript), uroman
and the built-in casual Hinglish romanizer.

A backend is a small picklable object with ``transliterate(text) -> str``
and ``detail`` (``"backend:scheme"``, written into every edit).  Building
one validates its configuration at once (an unknown ICU transform ID or
sanscript scheme raises :class:`ConfigError` listing the valid ones; a
missing library names the pip package).  Heavy objects (ICU transliterators,
the uroman tables, ~3 s to load) are created lazily, at most once per
process (and per thread for ICU, whose transliterators are not safe to share
between threads), never at import time.

Reverse direction (Latin -> native script) is whatever the backend supports:
ICU IDs such as ``Latin-Devanagari`` / ``Latin-Cyrillic`` and sanscript
romanizations as the source scheme (``source_scheme: itrans``,
``scheme: devanagari``).  uroman and ``hinglish`` only romanize.
"""
from __future__ import annotations

import difflib
import functools
import importlib.util
import re
import threading
from typing import Optional, Tuple

from cs_synth.pipeline.units import ConfigError

INSTALL_HINT = "install the translit extra: pip install 'cs-synth[translit]'"


def _require(module: str, package: str) -> None:
    if importlib.util.find_spec(module) is None:
        raise ConfigError(f"backend needs the Python package {package!r} ({module!r} is not importable): "
                          f"pip install {package}, or {INSTALL_HINT}")


class Backend:
    name = ""

    @property
    def detail(self) -> str:
        raise NotImplementedError

    def transliterate(self, text: str) -> str:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.detail}>"


# --------------------------------------------------------------------- ICU
@functools.lru_cache(maxsize=1)
def icu_available_ids() -> Tuple[str, ...]:
    import icu

    return tuple(sorted(icu.Transliterator.getAvailableIDs()))


_icu_local = threading.local()


def _icu_instance(transform_id: str):
    cache = getattr(_icu_local, "cache", None)
    if cache is None:
        cache = _icu_local.cache = {}
    tr = cache.get(transform_id)
    if tr is None:
        import icu

        tr = cache[transform_id] = icu.Transliterator.createInstance(transform_id, icu.UTransDirection.FORWARD)
    return tr


def _icu_unknown_message(transform_id: str) -> str:
    ids = icu_available_ids()
    known = set(ids)
    # compound IDs ("Any-Latin; Latin-ASCII"): point at the bad piece
    pieces = [p.strip() for p in transform_id.split(";") if p.strip()]
    bad = [p for p in pieces if _strip_filter(p) not in known] or [transform_id]
    near = []
    for p in bad:
        near += difflib.get_close_matches(_strip_filter(p), ids, n=5, cutoff=0.6)
    hint = f" Did you mean: {', '.join(dict.fromkeys(near))}?" if near else ""
    return (f"option 'transform_id': unknown ICU transform {', '.join(repr(b) for b in bad)}.{hint} "
            f"Compound IDs join valid IDs with ';'. Valid IDs ({len(ids)}, from "
            f"icu.Transliterator.getAvailableIDs()): {', '.join(ids)}")


_FILTER = re.compile(r"^\s*\[[^\]]*\]\s*")


def _strip_filter(piece: str) -> str:
    """``[:Devanagari:] Any-Latin`` -> ``Any-Latin``; ``Any-Latin/BGN`` kept."""
    return _FILTER.sub("", piece).strip()


class IcuBackend(Backend):
    """Any ICU transform ID or compound ID (``Any-Latin; Latin-ASCII``)."""

    name = "icu"

    def __init__(self, transform_id: str):
        _require("icu", "pyicu-wheels")
        if not isinstance(transform_id, str) or not transform_id.strip():
            raise ConfigError("option 'transform_id' is required for backend 'icu' (e.g. 'Devanagari-Latin' "
                              "or 'Any-Latin; Latin-ASCII')")
        import icu

        self.transform_id = transform_id.strip()
        try:
            _icu_instance(self.transform_id)
        except icu.ICUError:
            raise ConfigError(_icu_unknown_message(self.transform_id)) from None

    @property
    def detail(self) -> str:
        return f"icu:{self.transform_id}"

    def transliterate(self, text: str) -> str:
        return _icu_instance(self.transform_id).transliterate(text)

    def __reduce__(self):
        return (IcuBackend, (self.transform_id,))


# --------------------------------------------------------------- sanscript
@functools.lru_cache(maxsize=1)
def sanscript_schemes() -> Tuple[str, ...]:
    from indic_transliteration import sanscript

    return tuple(sorted(sanscript.SCHEMES))


class SanscriptBackend(Backend):
    """indic-transliteration's sanscript: ``source_scheme`` -> ``scheme``,
    e.g. devanagari -> iast / itrans / hk, or itrans -> devanagari."""

    name = "sanscript"

    def __init__(self, scheme: str, source_scheme: str = "devanagari"):
        _require("indic_transliteration", "indic-transliteration")
        valid = sanscript_schemes()
        for opt, value in (("scheme", scheme), ("source_scheme", source_scheme)):
            if not isinstance(value, str) or value.lower() not in valid:
                near = difflib.get_close_matches(str(value).lower(), valid, n=3)
                hint = f" Did you mean: {', '.join(near)}?" if near else ""
                raise ConfigError(f"option {opt!r}: unknown sanscript scheme {value!r}.{hint} "
                                  f"Valid schemes: {', '.join(valid)}")
        self.scheme = scheme.lower()
        self.source_scheme = source_scheme.lower()
        if self.scheme == self.source_scheme:
            raise ConfigError(f"options 'source_scheme' and 'scheme' are both {self.scheme!r}: "
                              "nothing to transliterate")

    @property
    def detail(self) -> str:
        return f"sanscript:{self.source_scheme}>{self.scheme}"

    def transliterate(self, text: str) -> str:
        from indic_transliteration import sanscript

        return sanscript.transliterate(text, self.source_scheme, self.scheme)


# ------------------------------------------------------------------ uroman
@functools.lru_cache(maxsize=1)
def load_uroman():
    """The uroman tables (about 3 s to load): once per process."""
    import uroman

    return uroman.Uroman()


_LCODE = re.compile(r"^[a-z]{3}$")


class UromanBackend(Backend):
    """uroman: any script to Latin; ``lcode`` (ISO 639-3, e.g. ``hin``,
    ``rus``) enables uroman's language-specific rules."""

    name = "uroman"

    def __init__(self, lcode: Optional[str] = None):
        _require("uroman", "uroman")
        if lcode is not None and (not isinstance(lcode, str) or not _LCODE.match(lcode)):
            raise ConfigError(f"option 'lcode' must be an ISO 639-3 code of three lowercase letters "
                              f"(e.g. 'hin', 'rus', 'ara'), got {lcode!r}")
        self.lcode = lcode

    @property
    def detail(self) -> str:
        return f"uroman:{self.lcode}" if self.lcode else "uroman"

    def transliterate(self, text: str) -> str:
        return load_uroman().romanize_string(text, lcode=self.lcode)


# ---------------------------------------------------------------- hinglish
class HinglishBackend(Backend):
    """Devanagari -> casual Hinglish with schwa deletion
    (:mod:`cs_synth.transforms.translit.hinglish`)."""

    name = "hinglish"

    @property
    def detail(self) -> str:
        from cs_synth.transforms.translit.hinglish import CONVENTION

        return f"hinglish:{CONVENTION}"

    def transliterate(self, text: str) -> str:
        from cs_synth.transforms.translit.hinglish import romanize

        return romanize(text)


# ----------------------------------------------------------------- learned
class LearnedBackend(Backend):
    """Devanagari -> Latin learned from a ``native<TAB>roman<TAB>count``
    lexicon (Dakshina's format; :mod:`cs_synth.transforms.translit.learned`): lexicon
    hits give their most frequent romanization, other words a pair n-gram
    model, English loanwords their English spelling (``loanwords``), and
    with ``variation`` lexicon words draw among their attested spellings in
    proportion to their counts, from the record's random stream; with
    ``neural`` the two small networks of the neural reranker (needs torch;
    trained once per lexicon, minutes, then cached on disk) rerank the
    model's spellings of words outside the lexicon; with ``pair_hints`` a
    loanword takes the spelling of the pair's English side (फ़ेरी *ferry*
    when the English sentence says "ferry"), which the recipe passes as
    ``hints``."""

    name = "learned"

    def __init__(self, lexicon: str, loanwords: bool = True, variation: bool = False, neural: bool = False,
                 pair_hints: bool = False):
        from cs_synth.transforms.translit.learned import load_romanizer

        if loanwords:
            _require("wordfreq", "wordfreq")
        self.lexicon = lexicon
        self.loanwords = bool(loanwords)
        self.variation = bool(variation)
        self.neural = bool(neural)
        self.pair_hints = bool(pair_hints)
        if self.pair_hints and not self.loanwords:
            raise ConfigError("option 'pair_hints' needs 'loanwords' (it spells loanwords as the pair's English "
                              "side does)")
        self.uses_rng = self.variation
        self.uses_hints = self.pair_hints
        self._romanizer = load_romanizer(lexicon, loanwords=self.loanwords, neural=self.neural)

    @property
    def detail(self) -> str:
        import os

        flags = ("+loanwords" if self.loanwords else "") + ("+variation" if self.variation else "") \
            + ("+neural" if self.neural else "") + ("+pair_hints" if self.pair_hints else "")
        return f"learned:{os.path.basename(self.lexicon)}{flags}"

    def transliterate(self, text: str, rng=None, hints=()) -> str:
        return self._romanizer.romanize(text, rng if self.variation else None, hints if self.pair_hints else ())

    def __reduce__(self):
        return (LearnedBackend, (self.lexicon, self.loanwords, self.variation, self.neural, self.pair_hints))


BACKENDS = ("icu", "sanscript", "uroman", "hinglish", "learned")


def build_backend(backend: str, *, transform_id: Optional[str] = None, scheme: Optional[str] = None,
                  source_scheme: Optional[str] = None, lcode: Optional[str] = None,
                  lexicon: Optional[str] = None, loanwords: Optional[bool] = None,
                  variation: Optional[bool] = None, neural: Optional[bool] = None,
                  pair_hints: Optional[bool] = None, base_dir: Optional[str] = None) -> Backend:
    """Validate the backend options and build the backend (cheap, except
    ``learned``, which trains its model once per process)."""
    given = {"transform_id": transform_id, "scheme": scheme, "source_scheme": source_scheme, "lcode": lcode,
             "lexicon": lexicon, "loanwords": loanwords, "variation": variation, "neural": neural,
             "pair_hints": pair_hints}
    allowed = {"icu": {"transform_id"}, "sanscript": {"scheme", "source_scheme"}, "uroman": {"lcode"},
               "hinglish": set(), "learned": {"lexicon", "loanwords", "variation", "neural", "pair_hints"}}
    if backend not in allowed:
        raise ConfigError(f"option 'backend': unknown transliteration backend {backend!r}; "
                          f"valid backends: {', '.join(BACKENDS)}")
    stray = sorted(k for k, v in given.items() if v is not None and k not in allowed[backend])
    if stray:
        raise ConfigError(f"option {stray[0]!r} does not apply to backend {backend!r} "
                          f"(it takes: {', '.join(sorted(allowed[backend])) or 'no scheme options'})")
    if backend == "icu":
        return IcuBackend(transform_id)
    if backend == "sanscript":
        _require("indic_transliteration", "indic-transliteration")
        if scheme is None:
            raise ConfigError("option 'scheme' is required for backend 'sanscript' (the target scheme, "
                              "e.g. 'iast', 'itrans', 'hk', or 'devanagari' for the reverse direction); "
                              f"valid schemes: {', '.join(sanscript_schemes())}")
        return SanscriptBackend(scheme, source_scheme or "devanagari")
    if backend == "uroman":
        return UromanBackend(lcode)
    if backend == "learned":
        import os

        if not isinstance(lexicon, str) or not lexicon.strip():
            raise ConfigError("option 'lexicon' is required for backend 'learned': a native<TAB>roman<TAB>count "
                              "file such as Dakshina's hi.translit.sampled.train.tsv (relative to the config)")
        path = lexicon if os.path.isabs(lexicon) else os.path.join(base_dir or ".", lexicon)
        return LearnedBackend(os.path.normpath(path), loanwords=True if loanwords is None else loanwords,
                              variation=bool(variation), neural=bool(neural), pair_hints=bool(pair_hints))
    return HinglishBackend()
