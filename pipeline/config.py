"""Run configuration (YAML), validated with pydantic.

Unknown keys are errors, and every error names the field path, e.g.
``transform.0.options.probability: Input should be a valid number``.
Relative paths are resolved against the folder of the config file.
"""
from __future__ import annotations

import hashlib
import inspect
import json
import os
from typing import Any, Dict, List, Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pipeline.units import ConfigError, Context


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InputConfig(_Strict):
    format: Literal["tsv", "jsonl", "moses", "parquet", "arrow", "text"]
    #: one path, a glob, or a list of them (tsv/jsonl/parquet/arrow/text)
    path: Optional[Any] = None
    #: moses: the two files of the pair
    src_path: Optional[str] = None
    tgt_path: Optional[str] = None
    src_lang: str
    tgt_lang: str = ""
    #: jsonl/parquet field names
    src_field: str = "src"
    tgt_field: str = "tgt"
    id_field: Optional[str] = None
    alignment_field: Optional[str] = None
    #: token label columns (lists of tags, whitespace tokens) and sequence labels
    token_label_fields: List[str] = Field(default_factory=list)
    seq_label_fields: List[str] = Field(default_factory=list)
    #: tsv: optional third column holding a Pharaoh alignment
    tsv_alignment_column: bool = False

    @model_validator(mode="after")
    def _paths(self):
        if self.format == "moses":
            if not (self.src_path and self.tgt_path):
                raise ValueError("moses input needs both src_path and tgt_path")
        elif not self.path:
            raise ValueError(f"{self.format} input needs 'path'")
        return self


class AnnotateConfig(_Strict):
    backend: Literal["spacy", "stanza", "gazetteer", "none"] = "spacy"
    #: trained pipeline names (spaCy package or stanza language); None = blank tokenizer
    src_model: Optional[str] = None
    tgt_model: Optional[str] = None
    #: gazetteer backend / extra entity lexicon
    gazetteer: Optional[str] = None
    #: stanza backend: folder holding downloaded stanza models
    stanza_dir: Optional[str] = None
    max_tokens: int = Field(200, gt=0)

    @model_validator(mode="after")
    def _backend_fields(self):
        if self.gazetteer and self.backend != "gazetteer":
            raise ValueError("gazetteer is only read by backend: gazetteer (which tokenizes with spaCy, "
                             "using src_model/tgt_model when set, then adds the lexicon's entities)")
        if self.stanza_dir and self.backend != "stanza":
            raise ValueError("stanza_dir is only read by backend: stanza")
        return self


class AlignConfig(_Strict):
    backend: str = "eflomal"
    options: Dict[str, Any] = Field(default_factory=dict)
    #: pairs per alignment batch (corpus-level backends); fixed so batches are deterministic
    batch_size: int = Field(20000, gt=0)
    #: learn priors over the whole corpus in a first pass (corpus-level backends)
    priors: bool = True


class StepConfig(_Strict):
    recipe: str
    options: Dict[str, Any] = Field(default_factory=dict)


class FilterConfig(_Strict):
    name: str
    options: Dict[str, Any] = Field(default_factory=dict)


class OutputConfig(_Strict):
    max_records_per_shard: int = Field(100_000, gt=0)
    write_rejected: bool = True


class RunConfig(_Strict):
    input: InputConfig
    annotate: AnnotateConfig = Field(default_factory=AnnotateConfig)
    align: Optional[AlignConfig] = Field(default_factory=AlignConfig)
    transform: List[StepConfig] = Field(default_factory=list)
    #: scorer names or {name, options}; None = pipeline.score.scorers.DEFAULT_SCORERS
    score: Optional[List[Any]] = None
    filter: List[FilterConfig] = Field(default_factory=list)
    dedup: Dict[str, Any] = Field(default_factory=dict)
    #: distribution-matched top-k sampling per source pair (see pipeline.filter.sampling)
    sampling: Optional[Dict[str, Any]] = None
    output: OutputConfig = Field(default_factory=OutputConfig)
    seed: int = 0

    # set by load_config, not by the YAML
    base_dir: str = Field(".", exclude=True)

    def context(self) -> Context:
        return Context(base_dir=self.base_dir, src_lang=self.input.src_lang,
                       tgt_lang=self.input.tgt_lang, seed=self.seed)

    def config_hash(self) -> str:
        blob = json.dumps(self.model_dump(mode="json"), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


def _format_validation(exc: ValidationError, where: str) -> str:
    lines = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in err["loc"]) or "(top level)"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        lines.append(f"  {loc}: {msg}")
    return f"invalid config {where}:\n" + "\n".join(lines)


def parse_config(data: Dict[str, Any], base_dir: str = ".", where: str = "") -> RunConfig:
    if not isinstance(data, dict):
        raise ConfigError(f"invalid config {where}: the top level must be a mapping")
    try:
        cfg = RunConfig(**data, base_dir=os.path.abspath(base_dir))
    except ValidationError as exc:
        raise ConfigError(_format_validation(exc, where)) from None
    validate_units(cfg)
    from pipeline.needs import apply_needs

    return apply_needs(cfg)  # declared needs checked; a needed trained pipeline picked


def load_config(path: str) -> RunConfig:
    if not os.path.exists(path):
        raise ConfigError(f"config file not found: {path}")
    with open(path, encoding="utf-8") as fh:
        try:
            data = yaml.safe_load(fh)
        except yaml.YAMLError as exc:
            raise ConfigError(f"config {path} is not valid YAML: {exc}") from None
    return parse_config(data or {}, base_dir=os.path.dirname(os.path.abspath(path)), where=path)


def bind_options(factory, options: Dict[str, Any], where: str) -> None:
    """Check ``options`` against ``factory(ctx, **options)``'s signature so a
    misspelt option fails at once, naming the field."""
    sig = inspect.signature(factory)
    params = list(sig.parameters.values())[1:]  # skip ctx
    accepts_kwargs = any(p.kind == p.VAR_KEYWORD for p in params)
    known = {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    for key in options:
        if key not in known and not accepts_kwargs:
            raise ConfigError(f"{where}.{key}: unknown option; known options: {', '.join(sorted(known)) or '(none)'}")
    for p in params:
        if p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name not in options:
            raise ConfigError(f"{where}.{p.name}: required option is missing")


def validate_units(cfg: RunConfig) -> None:
    """Resolve every registry name and build every unit once, so bad names,
    options, files and missing models stop the run before any output."""
    from pipeline import registry

    ctx = cfg.context()
    try:
        if cfg.align is not None:
            factory = registry.get(registry.aligners, cfg.align.backend)
            bind_options(factory, cfg.align.options, "align.options")
            factory(ctx, **cfg.align.options)
        for k, step in enumerate(cfg.transform):
            info = registry.get(registry.recipes, step.recipe)
            bind_options(info.factory, step.options, f"transform.{k}.options")
            info.factory(ctx, **step.options)
        for k, f in enumerate(cfg.filter):
            factory = registry.get(registry.filters, f.name)
            bind_options(factory, f.options, f"filter.{k}.options")
            factory(ctx, **f.options)
        if cfg.dedup:
            from beam_jobs.dedup import check_dedup_options

            check_dedup_options(cfg.dedup)
        from pipeline.stages import check_stages

        check_stages(cfg)  # builds (and caches) every stage object, and checks filters have their scores
    except KeyError as exc:
        raise ConfigError(str(exc.args[0])) from None
