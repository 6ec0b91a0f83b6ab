"""Declared needs: what each unit requires, what each stage provides.

A transform unit states what it needs on its input record in a
``requires`` tuple (and what it adds in ``provides``).  The names:

=============  ==========================================================
``src_pos``    POS tags on the source side (a trained annotate pipeline)
``src_parse``  a dependency parse of the source (heads and labels)
``src_lemmas`` lemmas of the source
``src_entities`` entity spans on the source (NER pipeline or gazetteer)
``tgt``        a tokenized target side (``input.tgt_lang`` set)
``alignment``  word links between the sides (an ``align`` block)
=============  ==========================================================

:func:`resolve_needs` checks them when the config is parsed, the way filters
are checked against scorers, and says what to add.  When a unit needs POS
tags or a parse and the config names no trained spaCy pipeline, an
installed one for the source language is chosen and logged; when none is
installed the run stops before any output, naming the package to install.
"""
from __future__ import annotations

import logging
from typing import Dict, FrozenSet, List, Optional, Sequence

from cs_synth.pipeline.units import ConfigError

log = logging.getLogger("cs_synth")

TRAINED = frozenset({"src_pos", "src_parse", "src_lemmas", "src_entities"})
KNOWN = TRAINED | {"tgt", "alignment", "output"}

#: each need in words, for messages
WORDS = {"src_pos": "POS tags on the source", "src_parse": "a dependency parse of the source",
         "src_lemmas": "lemmas of the source", "src_entities": "entity spans on the source",
         "tgt": "a target side", "alignment": "a word alignment", "output": "an earlier step's output"}

#: what to write in the config to get each need
HOW = {
    "tgt": "input.tgt_lang (and a target column)",
    "alignment": "an align block (align: {backend: eflomal}, or given alignments with backend: given)",
}


def provided(cfg) -> FrozenSet[str]:
    """What the annotate and align stages of ``cfg`` give every record."""
    out = set()
    ann = cfg.annotate
    if ann.backend in ("spacy", "gazetteer") and ann.src_model:
        out |= TRAINED
    if ann.backend == "stanza":
        out |= TRAINED
    if ann.backend == "gazetteer":
        out.add("src_entities")
    if cfg.input.tgt_lang:
        out.add("tgt")
        if cfg.align is not None:
            out.add("alignment")
    return frozenset(out)


def installed_pipeline(lang: str) -> Optional[str]:
    """A trained spaCy pipeline installed for ``lang`` (first by name), or None."""
    from cs_synth.pipeline.units import import_spacy_without_torch

    import_spacy_without_torch()
    import spacy.util

    base = lang.split("-")[0].split("_")[0].lower()
    names = sorted(n for n in spacy.util.get_installed_models() if n.split("_")[0].lower() == base)
    return names[0] if names else None


def install_hint(lang: str) -> str:
    from cs_synth.pipeline.resources import KNOWN_MODEL_PACKAGES

    base = lang.split("-")[0].lower()
    known = [pkg for name, pkg in sorted(KNOWN_MODEL_PACKAGES.items()) if name.startswith(base + "_")]
    if known:
        return f"pip install {known[0]}"
    return f"install a trained spaCy pipeline for {lang!r} and name it in annotate.src_model"


def unit_needs(units: Sequence) -> List[tuple]:
    """``(step index, recipe, unit, requires)`` for each transform step."""
    return [(k, recipe, unit, tuple(getattr(unit, "requires", ()) or ())) for k, (recipe, unit) in enumerate(units)]


def resolve_needs(cfg, steps: Sequence) -> Optional[Dict[str, str]]:
    """Check every step's ``requires`` against what the config provides.

    Returns the annotate fields to set (``{"src_model": NAME}``) when a
    trained pipeline must be picked, None when nothing changes; raises
    :class:`ConfigError` naming the step and what to add otherwise."""
    have = provided(cfg)
    change: Dict[str, str] = {}
    for k, recipe, _unit, requires in unit_needs(steps):
        for need in requires:
            if need not in KNOWN:
                raise ConfigError(f"transform.{k} ({recipe}): declares an unknown need {need!r}")
            if need in have:
                continue
            where = f"transform.{k} ({recipe}) needs {WORDS[need]}"
            if need in TRAINED:
                if cfg.annotate.backend not in ("spacy", "gazetteer"):
                    raise ConfigError(f"{where}, which annotate.backend {cfg.annotate.backend!r} does not give; "
                                      f"use backend spacy with a trained pipeline (annotate.src_model)")
                name = installed_pipeline(cfg.input.src_lang)
                if name is None:
                    raise ConfigError(f"{where}, which takes a trained spaCy pipeline for "
                                      f"{cfg.input.src_lang!r} in annotate.src_model, and none is installed: "
                                      f"{install_hint(cfg.input.src_lang)}")
                change["src_model"] = name
                have = have | TRAINED
                log.warning("annotate.src_model: %s (installed; chosen because %s)", name, where)
                continue
            raise ConfigError(f"{where}; add {HOW[need]}")
    return change or None


def apply_needs(cfg):
    """``cfg`` with its declared needs checked and, where a unit needs a
    trained pipeline the config does not name, the chosen one set."""
    from cs_synth.pipeline.stages import stage

    change = resolve_needs(cfg, stage(cfg, "transform").steps)
    if not change:
        return cfg
    return cfg.model_copy(update={"annotate": cfg.annotate.model_copy(update=change)})
