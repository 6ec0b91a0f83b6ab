"""Registered scorers: ``factory(ctx, **options) -> scorer``.

A scorer is a callable ``record -> Mapping[str, float]`` with a versioned
``.name`` and the tuple ``.keys`` of score columns it may write (all listed in
:data:`cs_synth.pipeline.score.SCORE_NAMES`).  A score that is undefined for a record
(no target side, no alignment, no switched span to identify) is *left out*;
the writer stores it as null and filters report ``missing_score_<name>``.
Scorers never decide anything: filters do, from the stored scores.

=====================  =====================================================
registry name          writes
=====================  =====================================================
``code_mixing``        every key of :func:`cs_synth.pipeline.metrics.code_mixing_metrics`
                       (matrix language = the record's source language)
``length_ratio``       ``length_ratio`` = source tokens / target tokens
``alignment_coverage`` ``alignment_coverage`` = aligned tokens / all tokens
                       over both sides
``lid``                ``lid_agreement``, ``lid_confidence`` for the switched
                       spans (needs ``cs-synth[lid]``)
``perplexity``         ``perplexity`` of the output text under a local
                       causal LM (transformers + torch)
=====================  =====================================================

:data:`DEFAULT_SCORERS` run when the config's ``score:`` is left out.
"""
from __future__ import annotations

import functools
import math
import os
from typing import Any, Callable, Dict, Iterable, List, Literal, Mapping, Optional, Sequence, Tuple, Union

from pydantic import Field
from typing_extensions import Annotated

from cs_synth.pipeline import registry
from cs_synth.pipeline.langs import LANG_INDEPENDENT
from cs_synth.pipeline.record import Record, detokenize
from cs_synth.pipeline.score import SCORE_NAMES
from cs_synth.pipeline.score.metrics import METRIC_NAMES, code_mixing_metrics
from cs_synth.pipeline.units import ConfigError, Context

#: scorers that run when the config does not list any
DEFAULT_SCORERS = ("code_mixing", "length_ratio", "alignment_coverage")


class FnScorer:
    """A named scorer wrapping a plain function (picklable for Beam)."""

    def __init__(self, name: str, keys: Sequence[str], fn: Callable[[Record], Mapping[str, float]]):
        unknown = [k for k in keys if k not in SCORE_NAMES]
        if unknown:
            raise ConfigError(f"scorer {name}: score names {unknown} are not in SCORE_NAMES; "
                              f"register them with cs_synth.pipeline.score.register_score_names first")
        self.name = name
        self.keys = tuple(keys)
        self._fn = fn

    def __call__(self, record: Record) -> Dict[str, float]:
        return dict(self._fn(record))

    def __repr__(self) -> str:
        return f"<scorer {self.name}>"


def _output(record: Record) -> Tuple[Tuple[str, ...], Tuple[str, ...], Tuple[bool, ...]]:
    return record.current()


# --------------------------------------------------------------- code mixing
class _CodeMixing:
    def __init__(self, ignore: Tuple[str, ...]):
        self.ignore = ignore

    def __call__(self, record: Record) -> Dict[str, float]:
        _, langs, _ = _output(record)
        return code_mixing_metrics(langs, matrix_lang=record.src_lang or None, ignore=self.ignore)


@registry.scorers.register("code_mixing")
def code_mixing(ctx: Context, *, ignore: Sequence[str] = ()) -> FnScorer:
    """All code-mixing metrics of the output's language tags.

    ``ignore``: extra tags to treat as language independent (besides ``zxx``),
    a list such as ``[other, ne]``.
    """
    return FnScorer("code_mixing.v1", METRIC_NAMES, _CodeMixing(tuple(ignore)))


# -------------------------------------------------------------- length ratio
def _length_ratio(record: Record) -> Dict[str, float]:
    if record.tgt is None or not record.src.tokens or not record.tgt.tokens:
        return {}
    return {"length_ratio": len(record.src.tokens) / len(record.tgt.tokens)}


@registry.scorers.register("length_ratio")
def length_ratio(ctx: Context) -> FnScorer:
    """Source tokens / target tokens (all tokens counted); left out when
    either side is missing or untokenized."""
    return FnScorer("length_ratio.v1", ("length_ratio",), _length_ratio)


# -------------------------------------------------------- alignment coverage
class _Coverage:
    def __init__(self, skip_language_independent: bool):
        self.skip = skip_language_independent

    def __call__(self, record: Record) -> Dict[str, float]:
        if record.tgt is None or not record.alignment:
            return {}
        src, tgt = record.src.tokens, record.tgt.tokens
        src_idx = range(len(src))
        tgt_idx = range(len(tgt))
        if self.skip:
            from cs_synth.pipeline.langs import is_language_independent

            src_idx = [i for i in src_idx if not is_language_independent(src[i])]
            tgt_idx = [j for j in tgt_idx if not is_language_independent(tgt[j])]
        total = len(src_idx) + len(tgt_idx)
        if total == 0:
            return {}
        a_src = {i for i, _ in record.alignment}
        a_tgt = {j for _, j in record.alignment}
        covered = sum(1 for i in src_idx if i in a_src) + sum(1 for j in tgt_idx if j in a_tgt)
        return {"alignment_coverage": covered / total}


@registry.scorers.register("alignment_coverage")
def alignment_coverage(ctx: Context, *, skip_language_independent: bool = False) -> FnScorer:
    """Share of source and target tokens with at least one alignment link:
    (aligned source + aligned target tokens) / (source + target tokens).
    Left out when the record has no alignment (aligner off, or it found no
    link) so that it cannot be mistaken for a measured 0.
    ``skip_language_independent``: count only tokens that are not ``zxx``.
    """
    return FnScorer("alignment_coverage.v1", ("alignment_coverage",), _Coverage(skip_language_independent))


# ------------------------------------------------------------------------ LID
LID_BACKENDS = ("lingua", "py3langid")
_LID_PACKAGES = {"lingua": "lingua-language-detector", "py3langid": "py3langid"}


def _check_backend(backend: str) -> None:
    mod = "lingua" if backend == "lingua" else "py3langid"
    import importlib.util

    if importlib.util.find_spec(mod) is None:
        raise ConfigError(f"backend: {backend!r} needs the package {_LID_PACKAGES[backend]!r}: "
                          f"pip install {_LID_PACKAGES[backend]}  (or: pip install 'cs-synth[lid]')")


@functools.lru_cache(maxsize=None)
def supported_languages(backend: str) -> frozenset:
    """ISO 639-1 codes the backend can identify."""
    if backend == "lingua":
        from lingua import Language

        return frozenset(lang.iso_code_639_1.name.lower() for lang in Language.all())
    return frozenset(_py3langid_all().nb_classes)


@functools.lru_cache(maxsize=1)
def _py3langid_all():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@functools.lru_cache(maxsize=64)
def _detector(backend: str, langs: Tuple[str, ...]):
    """A detector restricted to ``langs`` (empty = every language), loaded once
    per process and language set.  Returns ``text -> {lang: probability}``."""
    if backend == "lingua":
        from lingua import IsoCode639_1, LanguageDetectorBuilder

        if len(langs) >= 2:
            builder = LanguageDetectorBuilder.from_iso_codes_639_1(*(IsoCode639_1.from_str(c) for c in langs))
        else:
            builder = LanguageDetectorBuilder.from_all_languages()
        det = builder.build()

        def probs(text: str) -> Dict[str, float]:
            return {cv.language.iso_code_639_1.name.lower(): float(cv.value)
                    for cv in det.compute_language_confidence_values(text)}

        return probs

    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    if len(langs) >= 2:
        ident.set_languages(list(langs))

    def probs(text: str) -> Dict[str, float]:
        return {lang: float(p) for lang, p in ident.rank(text)}

    return probs


def switched_spans(tokens: Sequence[str], langs: Sequence[str], spaces: Sequence[bool],
                   matrix_lang: str) -> List[Tuple[str, str]]:
    """(claimed language, text) of each maximal span in a language other than
    ``matrix_lang``.  Language-independent tokens inside a span (between two
    tokens of its language) belong to it; at its edges they do not."""
    out: List[Tuple[str, str]] = []
    cur_lang, first, last = None, -1, -1
    for i, tag in enumerate(langs):
        if tag in (LANG_INDEPENDENT, ""):
            continue
        if tag == cur_lang:
            last = i
            continue
        if cur_lang is not None and cur_lang != matrix_lang:
            out.append((cur_lang, detokenize(tokens[first:last + 1], spaces[first:last + 1])))
        cur_lang, first, last = tag, i, i
    if cur_lang is not None and cur_lang != matrix_lang:
        out.append((cur_lang, detokenize(tokens[first:last + 1], spaces[first:last + 1])))
    return out


class _Lid:
    def __init__(self, backend: str, languages: Any, min_chars: int = 0):
        self.backend = backend
        self.languages = languages
        self.min_chars = min_chars

    def _candidates(self, record: Record, claimed: Iterable[str]) -> Tuple[str, ...]:
        if self.languages == "all":
            return ()
        if self.languages == "pair":
            langs = {record.src_lang, record.tgt_lang, *claimed}
        else:
            langs = set(self.languages)
        supported = supported_languages(self.backend)
        return tuple(sorted(lang for lang in langs if lang in supported))

    def __call__(self, record: Record) -> Dict[str, float]:
        tokens, langs, spaces = _output(record)
        supported = supported_languages(self.backend)
        spans = [(lang, text) for lang, text in switched_spans(tokens, langs, spaces, record.src_lang)
                 if lang in supported and text.strip() and len("".join(text.split())) >= self.min_chars]
        if not spans:
            return {}
        probs_of = _detector(self.backend, self._candidates(record, {lang for lang, _ in spans}))
        agree, conf = 0, 0.0
        for lang, text in spans:
            probs = probs_of(text)
            best = max(sorted(probs), key=lambda k: probs[k]) if probs else None
            p = probs.get(lang, 0.0)
            if best == lang and p > 0.0:
                agree += 1
            conf += p
        return {"lid_agreement": agree / len(spans), "lid_confidence": conf / len(spans)}


@registry.scorers.register("lid")
def lid(ctx: Context, *, backend: Literal[LID_BACKENDS] = "lingua",
        languages: Union[Literal["pair", "all"], Annotated[List[str], Field(min_length=1)]] = "pair",
        min_chars: Annotated[int, Field(ge=0)] = 0) -> FnScorer:
    """Language-ID agreement of the switched spans (maximal runs of a
    language other than the source language) with their claimed language.

    ``lid_agreement``: share of those spans whose most probable language is
    the claimed one; ``lid_confidence``: mean probability the detector gives
    the claimed language.  Both are left out when the output has no switched
    span in a language the backend knows.

    ``backend``: ``lingua`` (lingua-language-detector; better on short
    spans) or ``py3langid``; both run offline.  ``languages``: ``pair``
    (decide among the record's source, target and claimed languages -- the
    question a code-switching corpus asks), ``all`` (every language the
    backend knows), or a list of ISO 639-1 codes.  One- or two-word spans are
    hard for any detector (``pan``, ``mil`` and ``ver`` are English words
    too): ``min_chars`` leaves spans with fewer non-space characters out of
    the judgement (a record with only such spans gets no lid scores).
    """
    _check_backend(backend)
    supported = supported_languages(backend)
    if languages in ("pair", "all"):
        for opt, lang in (("input.src_lang", ctx.src_lang), ("input.tgt_lang", ctx.tgt_lang)):
            if lang and lang not in supported:
                raise ConfigError(f"{opt}: {lang!r} is not a language the lid scorer's {backend} backend knows; "
                                  f"try the other backend ({', '.join(b for b in LID_BACKENDS if b != backend)}) "
                                  f"or drop the lid scorer")
    else:
        bad = [x for x in languages if x not in supported]
        if bad:
            raise ConfigError(f"languages: {bad} not known to the {backend} backend; "
                              f"known: {', '.join(sorted(supported))}")
        languages = tuple(sorted(set(languages)))
    return FnScorer("lid.v1", ("lid_agreement", "lid_confidence"), _Lid(backend, languages, min_chars))


# ----------------------------------------------------------------- perplexity
@functools.lru_cache(maxsize=4)
def _load_lm(path: str, device: str):
    try:
        import torch  # noqa: F401
        from transformers import AutoModelForCausalLM, AutoTokenizer
    except ImportError as exc:  # pragma: no cover - both are install requirements
        raise ConfigError(f"the perplexity and naturalness scorers need transformers and torch ({exc}): "
                          "pip install 'cs-synth[models]' transformers torch")
    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path)
    model.to(device)
    model.eval()
    return tok, model


class _Perplexity:
    def __init__(self, path: str, max_length: int, device: str):
        self.path = path
        self.max_length = max_length
        self.device = device

    def __call__(self, record: Record) -> Dict[str, float]:
        import torch

        text = record.text
        if not text:
            tokens, _, spaces = _output(record)
            text = detokenize(tokens, spaces)
        if not text.strip():
            return {}
        tok, model = _load_lm(self.path, self.device)
        ids = tok(text, add_special_tokens=False)["input_ids"]
        if tok.bos_token_id is not None:
            ids = [tok.bos_token_id] + list(ids)
        ids = ids[: self.max_length]
        if len(ids) < 2:
            return {}
        with torch.no_grad():
            inp = torch.tensor([ids], device=self.device)
            out = model(input_ids=inp, labels=inp)
        nll = float(out.loss)
        return {"perplexity": math.exp(nll) if nll < 700 else float("inf")}


@registry.scorers.register("perplexity")
def perplexity(ctx: Context, *, model: str, max_length: Annotated[int, Field(ge=2)] = 256,
               device: str = "cpu") -> FnScorer:
    """Fluency: perplexity exp(mean token NLL) of the output text under a
    causal LM loaded with transformers from the local folder ``model``
    (``config.json``, weights, tokenizer files).  The tokenizer's BOS token
    is prepended when it has one, so every text token is predicted.  The
    model loads on first use, once per process.
    """
    path = ctx.require_file("model", model)
    if "://" not in path and not os.path.exists(os.path.join(path, "config.json")):
        raise ConfigError(f"model: {path} has no config.json; give the folder written by "
                          f"save_pretrained() of a transformers causal LM")
    return FnScorer("perplexity.v1", ("perplexity",), _Perplexity(path, max_length, device))


# ------------------------------------------------------------------ helpers
def build_scorers(ctx: Context, spec: Optional[Sequence] = None) -> List[FnScorer]:
    """Build scorers from ``spec`` (the config's ``score:``): ``None`` =
    :data:`DEFAULT_SCORERS`; else a list of names, ``{"name": ...,
    "options": {...}}`` mappings or :class:`cs_synth.pipeline.config.ScorerConfig`
    entries.  Options are checked against each scorer's schema; errors name
    the entry (``score.1.options.min_chars: must be >= 0 (got -1)``)."""
    items = DEFAULT_SCORERS if spec is None else spec
    out = []
    for k, item in enumerate(items):
        field = "name"
        if isinstance(item, str):
            name, options, field = item, {}, ""
        elif isinstance(item, Mapping) and "name" in item:
            name, options = item["name"], item.get("options") or {}
        elif hasattr(item, "name") and hasattr(item, "options"):
            name, options = item.name, item.options or {}
        else:
            raise ConfigError(f"score.{k}: expected a scorer name or {{name: ..., options: {{...}}}}")
        out.append(registry.build(registry.scorers, name, ctx, options, f"score.{k}", field))
    return out
