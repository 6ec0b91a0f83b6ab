"""Run configuration (YAML), validated with pydantic.

Unknown keys are errors, and every error names the field path, e.g.
``transform.1.options.max_len: must be >= 1 (got 0)``.  The blocks of this
file are typed here; the ``options`` of a unit (``transform.K``, ``align``,
``score.K``, ``filter.K``) are typed by the unit's own options schema (see
:mod:`cs_synth.pipeline.registry`) and checked by :func:`validate_units`.
``input.format`` and ``annotate.backend`` name entries of the readers and
annotators registries, so third-party units can be configured.
Relative paths are resolved against the folder of the config file.
"""
from __future__ import annotations

import hashlib
import json
import os
from typing import Any, Dict, List, Literal, Optional, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from typing_extensions import Annotated

from cs_synth.pipeline.interleave.config import InterleaveConfig
from cs_synth.pipeline.units import ConfigError, Context, OptionsError, validation_problems


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _registered(kind: str, name: str, extra: tuple = ()) -> str:
    """``name`` if the ``kind`` registry (readers, annotators) has it."""
    from cs_synth.pipeline import registry

    reg = getattr(registry, kind)
    registry.load_builtins()
    if name in extra or name in reg:
        return name
    known = ", ".join(sorted([*reg.get_all(), *extra]))
    raise ValueError(f"unknown {kind.rstrip('s')} {name!r}; known: {known}")


class InputConfig(_Strict):
    #: a name in the readers registry (built in: tsv, jsonl, moses, parquet, arrow, text)
    format: str
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
    #: tsv: the 0-based columns holding the source, the target (and, with
    #: tsv_alignment_column, the alignment) of a file with more columns;
    #: default: the file has exactly those columns, in that order
    tsv_columns: Optional[List[int]] = None
    #: tsv: the first line of each file is a header, not a pair
    tsv_header: bool = False
    #: documents (see cs_synth.pipeline.interleave.documents): the field holding the
    #: document id (jsonl/parquet/arrow) and the one holding the position in it
    doc_field: Optional[str] = None
    order_field: Optional[str] = None
    #: documents of every N consecutive lines or rows of a file (any format)
    doc_lines: Optional[int] = Field(None, gt=0)

    @field_validator("format")
    @classmethod
    def _reader(cls, value: str) -> str:
        return _registered("readers", value)

    @field_validator("tsv_columns")
    @classmethod
    def _tsv_columns(cls, value, info):
        if value is None:
            return value
        want = 3 if info.data.get("tsv_alignment_column") else 2
        if len(value) != want or any(isinstance(c, bool) or not isinstance(c, int) or c < 0 for c in value) \
                or len(set(value)) != len(value):
            raise ValueError(f"must list {want} distinct 0-based column numbers (source, target"
                             f"{', alignment' if want == 3 else ''}), got {value!r}")
        return value

    @field_validator("src_lang", "tgt_lang", mode="before")
    @classmethod
    def _language_tag(cls, value, info):
        """BCP-47, normalized with langcodes (eng -> en, EN -> en; English is an error)."""
        from cs_synth.pipeline.langs import normalize_tag

        return normalize_tag(value, allow_empty=info.field_name == "tgt_lang")

    @model_validator(mode="after")
    def _paths(self):
        if self.format == "moses":
            if not (self.src_path and self.tgt_path):
                raise ValueError("moses input needs both src_path and tgt_path")
        elif not self.path:
            raise ValueError(f"{self.format} input needs 'path'")
        return self

    @field_validator("doc_field")
    @classmethod
    def _doc_field(cls, value, info):
        if value and info.data.get("format") in ("tsv", "text", "moses"):
            raise ValueError(f"{info.data['format']} input has no named fields; use input.doc_lines "
                             f"(every N lines form a document)")
        return value

    @field_validator("order_field")
    @classmethod
    def _order_field(cls, value, info):
        if value and not info.data.get("doc_field"):
            raise ValueError("orders the rows of the documents of input.doc_field; set doc_field")
        return value

    @field_validator("doc_lines")
    @classmethod
    def _doc_lines(cls, value, info):
        if value and info.data.get("doc_field"):
            raise ValueError("set one of input.doc_field (a document id per row) and input.doc_lines "
                             "(N lines per document)")
        return value


class AnnotateConfig(_Strict):
    #: a name in the annotators registry (built in: spacy, stanza, gazetteer), or none
    backend: str = "spacy"
    #: trained pipeline names (spaCy package or stanza language); None = blank tokenizer
    src_model: Optional[str] = None
    tgt_model: Optional[str] = None
    #: gazetteer backend / extra entity lexicon
    gazetteer: Optional[str] = None
    #: stanza backend: folder holding downloaded stanza models
    stanza_dir: Optional[str] = None
    max_tokens: int = Field(200, gt=0)

    @field_validator("backend")
    @classmethod
    def _annotator(cls, value: str) -> str:
        return _registered("annotators", value, extra=("none",))

    @model_validator(mode="after")
    def _backend_fields(self):
        if self.gazetteer and self.backend != "gazetteer":
            raise ValueError("gazetteer is only read by backend: gazetteer (which tokenizes with spaCy, "
                             "using src_model/tgt_model when set, then adds the lexicon's entities)")
        if self.stanza_dir and self.backend != "stanza":
            raise ValueError("stanza_dir is only read by backend: stanza")
        return self


class AlignConfig(_Strict):
    """The ``align:`` block.

    Corpus-level backends (eflomal) align in a first pass over the corpus
    (or ``options.priors_sample`` pairs of it); every pair of that pass keeps
    its links, and priors counted from them align the pairs outside it.
    ``priors``: ``auto`` (default) learns those priors only when the pass has
    at least ``priors_min_pairs`` pairs; ``true`` always, ``false`` never
    (no first pass: batches of ``batch_size``).  Priors learned from a few
    hundred pairs hurt: on the shared gold sets (447 en-fr, 248 ro-en pairs)
    priors from the gold pairs themselves raise AER by 0.3-1.1 points, while
    priors from 29k Multi30k pairs lower en-fr AER from 0.171 to 0.148
    (grow-diag, 2 seeds; ``benchmarks/results/align_aer.json``).  Priors from a separate, larger
    corpus: ``options.priors_file`` (eflomal's priors text format).
    """

    backend: str = "eflomal"
    options: Dict[str, Any] = Field(default_factory=dict)
    #: pairs per alignment batch (corpus-level backends); fixed so batches are deterministic
    batch_size: int = Field(20000, gt=0)
    #: learn priors from the corpus in a first pass (corpus-level backends): true, false or auto
    priors: Union[bool, Literal["auto"]] = "auto"
    #: priors: auto learns priors only from a first pass of at least this many pairs
    priors_min_pairs: int = Field(10000, gt=0)
    #: an input spec (the ``input:`` block's fields) of a separate, larger
    #: parallel corpus: the aligner's priors are learned from it, with this
    #: run's annotate and align settings, before the job starts (cached by
    #: its content; see ``cs_synth.pipeline.align.make_priors``).  For a
    #: corpus too small to learn its own word pairs
    priors_from: Optional[InputConfig] = None
    #: priors_from: read at most this many pairs of it
    priors_from_max_pairs: Optional[int] = Field(None, gt=0)


class ConstraintsConfig(_Strict):
    """A transform step's switch-point constraints (see
    ``transforms/codeswitch/constraints.py``); all on by default.
    ``constraints: false`` turns them all off."""

    finite_verb_clash: bool = True
    dangling_function_word: bool = True
    unaligned_edge: bool = True
    case_government: bool = True
    misaligned_edge: bool = True
    split_compound: bool = True
    pronoun_switch: bool = True
    separable_verb: bool = True

    @classmethod
    def parse(cls, value) -> "ConstraintsConfig":
        if value is None or value is True:
            return cls()
        if value is False:
            return cls(**{name: False for name in cls.model_fields})
        if isinstance(value, ConstraintsConfig):
            return value
        return cls(**value)

    @property
    def active(self) -> tuple:
        return tuple(name for name in type(self).model_fields if getattr(self, name))


class StepConfig(_Strict):
    recipe: str
    options: Dict[str, Any] = Field(default_factory=dict)
    constraints: ConstraintsConfig = Field(default_factory=ConstraintsConfig)

    @field_validator("constraints", mode="before")
    @classmethod
    def _constraints(cls, v):
        if isinstance(v, bool) or v is None:
            return ConstraintsConfig.parse(v)
        return v


class FilterConfig(_Strict):
    name: str
    options: Dict[str, Any] = Field(default_factory=dict)


class ScorerConfig(_Strict):
    name: str
    options: Dict[str, Any] = Field(default_factory=dict)


class _Typed(BaseModel):
    """A block whose values are checked strictly (``true`` is no number,
    ``"3"`` no integer)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


Finite = Annotated[float, Field(allow_inf_nan=False)]


class DedupConfig(_Typed):
    """The ``dedup:`` block (see :mod:`cs_synth.pipeline.filter.dedup`)."""

    #: drop exact duplicates of the normalised output text
    exact: bool = True
    #: drop near duplicates (MinHash LSH + exact Jaccard check; needs datasketch)
    near: bool = False
    #: Jaccard similarity of character n-grams from which two texts are near duplicates
    threshold: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.8
    num_perm: Annotated[int, Field(ge=16)] = 128
    ngram: Annotated[int, Field(ge=1)] = 5
    lowercase: bool = True
    #: never compare records of the same source pair
    ignore_same_pair: bool = False


class SamplingConfig(_Typed):
    """The ``sampling:`` block (see :mod:`cs_synth.pipeline.filter.sampling`):
    ``mean``/``std`` or ``values`` of the target distribution of ``metric``."""

    k: Annotated[int, Field(ge=1)] = 1
    mean: Optional[Finite] = None
    std: Optional[Annotated[float, Field(ge=0.0, allow_inf_nan=False)]] = None
    metric: str = "switch_points"
    #: the real corpus's per-sentence values (instead of mean/std)
    values: Optional[Annotated[List[Finite], Field(min_length=1)]] = None
    #: a real code-switched corpus in the word-level LID format (``word<TAB>TAG``
    #: lines, a blank line between sentences) whose per-sentence ``metric``
    #: values are the target (instead of mean/std or values)
    reference: Optional[Annotated[str, Field(min_length=1)]] = None
    #: None: the run's seed
    seed: Optional[int] = None
    #: the normal distribution per-pair targets are drawn from (see sampling.calibrate)
    draw_mean: Optional[Finite] = None
    draw_std: Optional[Annotated[float, Field(ge=0.0, allow_inf_nan=False)]] = None

    @field_validator("metric")
    @classmethod
    def _metric(cls, value: str) -> str:
        from cs_synth.pipeline.score import SCORE_NAMES

        if value not in SCORE_NAMES:
            raise ValueError(f"unknown score {value!r}; known: {', '.join(SCORE_NAMES)}")
        return value


class OutputConfig(_Strict):
    max_records_per_shard: int = Field(100_000, gt=0)
    write_rejected: bool = True
    #: also write every shard as Parquet beside the Arrow one (``data/train-*.parquet``)
    parquet: bool = False
    #: the dataset card's ``license`` (an SPDX id or Hub license tag); None: ``other``
    license: Optional[str] = None


class RunConfig(_Strict):
    input: InputConfig
    annotate: AnnotateConfig = Field(default_factory=AnnotateConfig)
    align: Optional[AlignConfig] = Field(default_factory=AlignConfig)
    transform: List[StepConfig] = Field(default_factory=list)
    #: scorer names or {name, options}; None = cs_synth.pipeline.score.scorers.DEFAULT_SCORERS
    score: Optional[List[Union[str, ScorerConfig]]] = None
    filter: List[FilterConfig] = Field(default_factory=list)
    #: corpus-level dedup; None (or an empty block) = off
    dedup: Optional[DedupConfig] = None
    #: distribution-matched top-k sampling per source pair (see cs_synth.pipeline.filter.sampling)
    sampling: Optional[SamplingConfig] = None
    output: OutputConfig = Field(default_factory=OutputConfig)
    #: document-level interleaving (CrossIC-PT); None = off (see cs_synth.pipeline.interleave)
    interleave: Optional[InterleaveConfig] = None
    seed: int = 0

    # set by load_config, not by the YAML
    base_dir: str = Field(".", exclude=True)

    @field_validator("dedup", mode="before")
    @classmethod
    def _empty_dedup_is_off(cls, value):
        return None if value == {} else value  # ``dedup: {}`` always meant no dedup

    def context(self) -> Context:
        return Context(base_dir=self.base_dir, src_lang=self.input.src_lang,
                       tgt_lang=self.input.tgt_lang, seed=self.seed)

    def __getstate__(self):
        # a remote launch pickles the config with a virtual config folder,
        # the one its carried files are keyed under (pipeline/resources.py)
        from cs_synth.pipeline import resources

        return resources.worker_state(super().__getstate__())

    def config_hash(self) -> str:
        blob = json.dumps(self.model_dump(mode="json"), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


#: typed blocks whose unknown keys are reported as options, with the known ones
_OPTION_BLOCKS = {"dedup": DedupConfig, "sampling": SamplingConfig}


def _unknown_key(loc: tuple) -> str:
    block = _OPTION_BLOCKS.get(str(loc[0])) if len(loc) == 2 else None
    if block is not None:
        return f"unknown option; known options: {', '.join(block.model_fields)}"
    return "unknown field"


def _format_validation(exc: ValidationError, where: str) -> str:
    lines = [f"  {loc or '(top level)'}: {msg}" for loc, msg in validation_problems(exc, unknown=_unknown_key)]
    return f"invalid config {where}:\n" + "\n".join(lines)


def parse_config(data: Dict[str, Any], base_dir: str = ".", where: str = "") -> RunConfig:
    if not isinstance(data, dict):
        raise ConfigError(f"invalid config {where}: the top level must be a mapping")
    try:
        cfg = RunConfig(**data, base_dir=os.path.abspath(base_dir))
    except ValidationError as exc:
        raise ConfigError(_format_validation(exc, where)) from None
    validate_units(cfg)
    from cs_synth.pipeline.needs import apply_needs

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


def check_block(model, data, where: str):
    """``data`` validated as ``model`` (e.g. :class:`SamplingConfig`), or
    :class:`ConfigError` naming ``where.<field>`` (the typed blocks are
    checked this way when built outside a RunConfig)."""
    if isinstance(data, model):
        return data
    if hasattr(data, "model_dump"):
        data = data.model_dump()
    try:
        return model.model_validate(dict(data or {}))
    except ValidationError as exc:
        known = list(model.model_fields)
        raise OptionsError([(f"{where}.{loc}" if loc else where, msg)
                            for loc, msg in validation_problems(exc, known)]) from None


def validate_units(cfg: RunConfig) -> None:
    """Resolve every registry name and build every unit once, so bad names,
    options, files and missing models stop the run before any output; every
    error names the field by its full path (``transform.1.options.max_len``).
    The units are built by the stage objects (:func:`cs_synth.pipeline.stages.stage`),
    which keep them for the run, so each factory runs once per process."""
    from cs_synth.pipeline.filter.dedup import check_dedup

    if cfg.dedup is not None:
        check_dedup(cfg.dedup)
    try:
        from cs_synth.pipeline.stages import check_stages

        check_stages(cfg)  # builds (and caches) every stage object, and checks filters have their scores
    except KeyError as exc:
        raise ConfigError(str(exc.args[0])) from None
