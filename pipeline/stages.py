"""One object per stage, shared by the Beam job and the local path.

Each stage object is built from the run config, holds only its own units
(built once per process through :func:`stage`), and offers

* ``process(record)``: the per-record call, and
* ``process_batch(records)``: the batch call, whose result is, record by
  record, exactly what ``process`` gives (units that can do better in a
  batch, such as spaCy's ``nlp.pipe``, implement a batch method of their
  own; batch size never changes the output bytes).

``beam_jobs`` wraps these objects in DoFns (wiring, tagged outputs,
counters, grouping); :func:`cs_synth.pipeline.api.augment` calls them in sequence
for one pair.  So one sentence and a corpus run literally the same code.

Any exception a unit raises on one record becomes a rejected record with
reason ``unit_error`` (file:line in the detail) instead of crashing the run.
"""
from __future__ import annotations

import collections.abc
import hashlib
import threading
import traceback
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from cs_synth.pipeline import registry, units
from cs_synth.pipeline.align.base import AlignmentError, parse_given
from cs_synth.pipeline.record import Record, RecordError, detokenize
from cs_synth.pipeline.units import ConfigError
from cs_synth.pipeline.rng import derive_rng

ERROR_REASON = "unit_error"


def unit_error(record: Record, stage: str, unit: str, exc: BaseException) -> Record:
    reason = getattr(exc, "reject_reason", None)  # e.g. user_regex.RegexTimeout: regex_timeout
    if isinstance(reason, str) and reason:
        return record.reject(reason, f"{unit}: {exc}"[:2000], stage=stage)
    tb = traceback.extract_tb(exc.__traceback__)
    where = f" at {tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno}" if tb else ""
    return record.reject(ERROR_REASON, f"{unit}: {type(exc).__name__}: {exc}{where}"[:2000], stage=stage)


def _unit_name(unit, default: str) -> str:
    return getattr(unit, "name", default)


def _batch_or_each(batch: Optional[Callable], one: Callable, items: Sequence) -> list:
    """``batch(items)`` when the unit has a batch call and there is more
    than one item; if it raises, ``one(item)`` for each item, so one bad
    record cannot take its batch down and the result equals the
    per-record result."""
    if batch is None or len(items) <= 1:
        return [one(x) for x in items]
    try:
        return list(batch(list(items)))
    except Exception:  # noqa: BLE001 - retried item by item below
        return [one(x) for x in items]


# --------------------------------------------------------------------- read
class ReadStage:
    """The ``input`` block: which read units there are (files, or a Moses
    pair) and the records of one unit; the reader comes from the readers
    registry by ``input.format``."""

    name = "read"

    def __init__(self, cfg):
        self.input = cfg.input
        self.resolve = cfg.context().resolve

    def units(self) -> list:
        """Check the input (files exist, ...) and list the read units."""
        from cs_synth.pipeline.read.readers import read_units

        return read_units(self.input, self.resolve)

    def process(self, unit) -> Iterable[Record]:
        from cs_synth.pipeline.read.readers import read_file

        if getattr(self.input, "doc_field", None) or getattr(self.input, "doc_lines", None):
            from cs_synth.pipeline.interleave.documents import read_documents

            return read_documents(unit, self.input)  # document id and position in seq_labels
        return read_file(unit, self.input)


# ----------------------------------------------------------------- annotate
class AnnotateStage:
    """Tokenize and annotate both sides (``annotate`` block)."""

    name = "annotate"

    def __init__(self, cfg):
        ann = cfg.annotate
        self.annotator = None
        if ann.backend != "none":
            factory = registry.get(registry.annotators, ann.backend)
            self.annotator = factory(cfg.context(), src_model=ann.src_model, tgt_model=ann.tgt_model,
                                     max_tokens=ann.max_tokens, gazetteer=ann.gazetteer,
                                     stanza_dir=ann.stanza_dir)

    def process(self, record: Record) -> Record:
        if record.rejected or self.annotator is None:
            return record
        try:
            return self.annotator(record)
        except RecordError as exc:
            return record.reject("annotation_mismatch", str(exc), stage="annotate")
        except Exception as exc:  # noqa: BLE001 - never crash a run on one record
            return unit_error(record, "annotate", _unit_name(self.annotator, "annotator"), exc)

    def process_batch(self, records: Sequence[Record]) -> List[Record]:
        out = list(records)
        todo = [k for k, r in enumerate(records) if not r.rejected]
        batch = getattr(self.annotator, "annotate_batch", None) if self.annotator is not None else None
        for k, r in zip(todo, _batch_or_each(batch, self.process, [records[k] for k in todo])):
            out[k] = r
        return out


# -------------------------------------------------------------------- align
def id_hash(record_id: str) -> int:
    """A stable 64-bit hash of a record id (batching, priors sampling)."""
    return int.from_bytes(hashlib.blake2b(record_id.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                          "big")


#: model backends: forward batches (``aligner.batch_size`` pairs) per group
PAIR_LEVEL_GROUP = 8
DEFAULT_PAIR_BATCH = 32

#: routes of :meth:`AlignStage.check`
TODO, GIVEN, REJECTED = "todo", "given", "rejected"


#: the priors sample carries each side of a pair as one string, every token
#: after this separator (a whole corpus waits in the sample at once: two
#: strings a pair instead of two lists of strings)
SIDE_SEP = "\x1f"


def pack_side(tokens: Sequence[str]):
    """A side's tokens as one string for the priors sample (``""`` for no
    tokens, each token after :data:`SIDE_SEP`); the tokens as a tuple when
    one of them holds the separator.  :func:`unpack_side` reverses it."""
    if any(SIDE_SEP in t for t in tokens):
        return tuple(tokens)
    return SIDE_SEP + SIDE_SEP.join(tokens) if tokens else ""


def unpack_side(side) -> Sequence[str]:
    """The tokens :func:`pack_side` packed (a token sequence is returned as
    it is)."""
    return side.split(SIDE_SEP)[1:] if isinstance(side, str) else side


class PackedPairs(collections.abc.Sequence):
    """``(src_tokens, tgt_tokens)`` of ``(id, src, tgt)`` items whose sides
    may be packed, unpacked when read (the aligner's priors pass reads each
    pair a couple of times, never all at once)."""

    def __init__(self, items: Sequence[Tuple[str, object, object]]):
        self._items = items

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        _, src, tgt = self._items[k]
        return unpack_side(src), unpack_side(tgt)


class AlignStage:
    """Word alignment (``align`` block), defined once for both runners.

    1. :meth:`check`: a pair with an empty side is rejected ``empty_side``,
       one longer than ``annotate.max_tokens`` on a side ``too_long``; a
       record that came with an alignment takes the **given** path whatever
       the backend; with the ``given`` backend a record without one is
       rejected ``missing_alignment``.
    2. :meth:`align_given` validates a given alignment (``invalid_alignment``).
    3. :meth:`fit` learns corpus priors (corpus-level backends).
    4. :meth:`align_batch` aligns a batch sorted by id; when the backend
       fails a batch, its pairs are retried one by one and the failing ones
       rejected with the error's reason.
    """

    name = "align"

    def __init__(self, cfg):
        self.config = cfg.align
        self.max_tokens = cfg.annotate.max_tokens
        self.aligner = None
        if cfg.align is not None and cfg.input.tgt_lang:
            self.aligner = registry.build(registry.aligners, cfg.align.backend, cfg.context(), cfg.align.options,
                                          "align", "backend")
            if cfg.align.priors_from is not None:
                if not hasattr(self.aligner, "default_priors") or not self.corpus_level:
                    raise ConfigError(f"align.priors_from: the {cfg.align.backend} backend learns no priors "
                                      f"(use eflomal)")
                if self.aligner.default_priors is not None:
                    raise ConfigError("align.priors_from: give priors_from or align.options.priors_file, not both")
                from cs_synth.pipeline.align.make_priors import priors_from_corpus

                self.aligner.default_priors = priors_from_corpus(cfg)

    @property
    def enabled(self) -> bool:
        return self.aligner is not None

    @property
    def corpus_level(self) -> bool:
        return bool(getattr(self.aligner, "corpus_level", False))

    @property
    def uses_priors(self) -> bool:
        return self.corpus_level and bool(self.config.priors)

    def learns_priors(self, n_pairs: int) -> bool:
        """Whether a first pass over ``n_pairs`` pairs gives priors:
        ``align.priors`` true, or ``auto`` and at least ``priors_min_pairs``
        (priors from a few hundred pairs make alignment worse)."""
        mode = self.config.priors if self.config is not None else False
        if mode == "auto":
            return n_pairs >= int(self.config.priors_min_pairs)
        return bool(mode)

    @property
    def priors_sample_size(self) -> Optional[int]:
        cap = getattr(self.aligner, "fit_sample_size", None)
        return int(cap) if cap else None

    @property
    def given_only(self) -> bool:
        return bool(getattr(self.aligner, "uses_given_alignment", False))

    def group_size(self) -> int:
        """Pairs per alignment batch: ``align.batch_size`` for corpus-level
        backends (statistical alignment is poor on small batches), a few
        forward batches for model backends."""
        if self.corpus_level:
            return int(self.config.batch_size)
        per_call = int(getattr(self.aligner, "batch_size", DEFAULT_PAIR_BATCH) or DEFAULT_PAIR_BATCH)
        return min(int(self.config.batch_size), PAIR_LEVEL_GROUP * per_call)

    # -- the steps ---------------------------------------------------------
    def check(self, record: Record) -> Tuple[str, Record]:
        if record.rejected:
            return REJECTED, record
        if record.tgt is None:
            return REJECTED, self._reject(record, "empty_side", "the pair has no target side")
        n_src, n_tgt = len(record.src.tokens), len(record.tgt.tokens)
        if n_src == 0 or n_tgt == 0:
            side = "source" if n_src == 0 else "target"
            return REJECTED, self._reject(record, "empty_side", f"the {side} side has no tokens")
        if n_src > self.max_tokens or n_tgt > self.max_tokens:
            return REJECTED, self._reject(record, "too_long", f"{n_src} source and {n_tgt} target tokens; the "
                                          f"aligner takes at most {self.max_tokens} per side (annotate.max_tokens)")
        limit = getattr(self.aligner, "max_tokens_per_side", None)
        if limit and not record.given_alignment and (n_src > limit or n_tgt > limit):
            return REJECTED, self._reject(record, "too_long", f"{n_src} source and {n_tgt} target tokens; "
                                          f"{_unit_name(self.aligner, 'the aligner')} aligns at most {limit} "
                                          f"tokens per side")
        if record.given_alignment:
            return GIVEN, record
        if self.given_only:
            return REJECTED, self._reject(record, "missing_alignment",
                                          "align.backend is 'given' but this record has no alignment")
        return TODO, record

    def align_given(self, record: Record) -> Record:
        try:
            links = parse_given(record.given_alignment, len(record.src.tokens), len(record.tgt.tokens))
        except AlignmentError as exc:
            return self._reject(record, exc.reason, str(exc))
        return self._emit(record, links)

    def fit(self, pairs: Sequence[Tuple[str, Sequence[str], Sequence[str]]]):
        """Priors from ``(id, src_tokens, tgt_tokens)`` items (sorted here;
        a side may be :func:`pack_side`'s string)."""
        items = sorted(pairs, key=lambda x: x[0])
        return self.aligner.fit(PackedPairs(items)) if items else None

    def fit_links(self, pairs: Sequence[Tuple[str, Sequence[str], Sequence[str]]]):
        """:meth:`fit`, and ``(id, links)`` for every sample pair the priors
        pass aligned on the way (empty when the backend's fit aligns
        nothing); the job emits those links instead of aligning the pair
        again.  A pair's links depend on the sample's content, not on its
        order or the workers.  A side may be :func:`pack_side`'s string."""
        items = sorted(pairs, key=lambda x: x[0])
        if not items:
            return None, []
        priors, links = self.aligner.fit_with_links(PackedPairs(items))
        if not self.learns_priors(len(items)):
            priors = None  # the pass's links stay; pairs outside it are aligned without priors
        if links is None:
            return priors, []
        return priors, [(rid, tuple(l)) for (rid, _, _), l in zip(items, links) if l is not None]

    def emit_links(self, record: Record, links) -> Record:
        """A checked record (route ``todo``) with links the priors pass found."""
        return self._emit(record, links)

    def align_batch(self, records: Sequence[Record], priors=None) -> List[Record]:
        """Align checked records (route ``todo``); sorted by id, so the
        batch's content, not its arrival order, decides the output."""
        records = sorted(records, key=lambda r: (r.id, r.src.tokens, r.tgt.tokens))
        pairs = [(r.src.tokens, r.tgt.tokens) for r in records]
        try:
            links = self.aligner.align_pairs(pairs, priors=priors)
        except AlignmentError as exc:
            if len(records) == 1:
                return [self._reject(records[0], exc.reason, str(exc))]
            return [out for r in records for out in self.align_batch([r], priors)]
        except Exception as exc:  # noqa: BLE001
            if len(records) == 1:
                return [unit_error(records[0], "align", _unit_name(self.aligner, "aligner"), exc)]
            return [out for r in records for out in self.align_batch([r], priors)]
        return [self._emit(r, l) for r, l in zip(records, links)]

    # -- local path ----------------------------------------------------------
    def process(self, record: Record, priors=None) -> Record:
        return self.process_batch([record], priors)[0]

    def process_batch(self, records: Sequence[Record], priors=None) -> List[Record]:
        """check -> given / align -> records in input order."""
        if self.aligner is None:
            return [r.evolve(given_alignment="") if r.given_alignment else r for r in records]
        out: List[Optional[Record]] = [None] * len(records)
        todo: List[int] = []
        for k, r in enumerate(records):
            route, checked = self.check(r)
            if route == REJECTED:
                out[k] = checked
            elif route == GIVEN:
                out[k] = self.align_given(checked)
            else:
                todo.append(k)
        if todo:
            by_id = {}
            for a in self.align_batch([records[k] for k in todo], priors):
                by_id.setdefault(a.id, []).append(a)
            for k in todo:
                out[k] = by_id[records[k].id].pop(0)
        return out  # type: ignore[return-value]

    @staticmethod
    def _reject(record: Record, reason: str, detail: str) -> Record:
        return record.evolve(given_alignment="").reject(reason, detail, stage="align")

    def _emit(self, record: Record, links) -> Record:
        try:
            return record.evolve(given_alignment="", alignment=tuple(links))
        except RecordError as exc:
            return self._reject(record, "invalid_alignment", str(exc))


# ---------------------------------------------------------------- transform
def pass_through(record: Record) -> Record:
    """Give a record with no synthesized text the source as its output."""
    if record.tokens or record.rejected:
        return record
    toks, langs, spaces = record.current()
    return record.evolve(tokens=toks, langs=langs, spaces=spaces, text=detokenize(toks, spaces),
                         source_map=record.current_source_map())


class TransformStage:
    """The configured ``transform`` steps, applied in sequence."""

    name = "transform"

    def __init__(self, cfg):
        ctx = cfg.context()
        self.seed = cfg.seed
        self.steps = []
        for k, step in enumerate(cfg.transform):
            unit = registry.build(registry.recipes, step.recipe, ctx, step.options, f"transform.{k}", "recipe")
            if hasattr(unit, "constraints"):  # units that take switch-point constraints
                unit.constraints = step.constraints
            self.steps.append((step.recipe, unit))

    def _one(self, unit, uname: str, r: Record) -> List[Record]:
        try:
            outs = list(unit(r, derive_rng(self.seed, r.id, uname)))
        except RecordError as exc:
            outs = [r.reject("invalid_output", f"{uname}: {exc}", stage="transform")]
        except Exception as exc:  # noqa: BLE001
            outs = [unit_error(r, "transform", uname, exc)]
        return outs

    def _step(self, unit, uname: str, records: Sequence[Record]) -> List[List[Record]]:
        """One step over many records: the unit's batch call when it has one
        (``unit.batch(records, rngs)``, e.g. one MT engine call for all
        spans), else (or if the batch raises) record by record."""
        batch = getattr(unit, "batch", None)

        def whole(rs):
            return [list(x) for x in batch(rs, [derive_rng(self.seed, r.id, uname) for r in rs])]

        return _batch_or_each(whole if batch is not None else None, lambda r: self._one(unit, uname, r), records)

    def process(self, record: Record) -> List[Record]:
        """Kept and rejected outputs of one record."""
        return self.process_batch([record])[0]

    def process_batch(self, records: Sequence[Record]) -> List[List[Record]]:
        """Every step in order over a batch; for each input record, its
        rejected outputs then its kept ones (the same as one at a time)."""
        done: List[List[Record]] = [[r] if r.rejected else [] for r in records]
        current: List[Tuple[int, Record]] = [(k, r) for k, r in enumerate(records) if not r.rejected]
        for recipe, unit in self.steps:
            uname = _unit_name(unit, recipe)
            results = self._step(unit, uname, [r for _, r in current])
            nxt: List[Tuple[int, Record]] = []
            for (k, r), outs in zip(current, results):
                if not outs:
                    outs = [r.reject("no_output", f"{uname} produced no records", stage="transform")]
                for o in outs:
                    if o.rejected:
                        done[k].append(o)
                    else:
                        nxt.append((k, o))
            current = nxt
        for k, r in current:
            done[k].append(pass_through(r))
        return done


# ------------------------------------------------------------ score, filter
class ScoreStage:
    """The configured scorers (``score`` block; defaults when unset)."""

    name = "score"

    def __init__(self, cfg):
        from cs_synth.pipeline.score.scorers import build_scorers

        self.scorers = build_scorers(cfg.context(), cfg.score)

    def process(self, record: Record) -> Record:
        if record.rejected and not record.tokens:
            return record
        scores: Dict[str, float] = {}
        for s in self.scorers:
            try:
                scores.update(s(record))
            except Exception as exc:  # noqa: BLE001
                return unit_error(record, "score", _unit_name(s, "scorer"), exc)
        return record.with_scores(scores)

    def process_batch(self, records: Sequence[Record]) -> List[Record]:
        batched = [s for s in self.scorers if hasattr(s, "score_batch")]
        if not batched or len(records) < 2:
            return [self.process(r) for r in records]
        # scorers with a batch call (a language model) score the batch at once;
        # the others, and any batch that raises, go record by record
        live = [r for r in records if not (r.rejected and not r.tokens)]
        pre: Dict[int, Dict[str, float]] = {}
        for s in batched:
            try:
                for r, sc in zip(live, s.score_batch(live)):
                    pre.setdefault(id(r), {}).update(sc)
            except Exception:  # noqa: BLE001 - the per-record path reports the error
                return [self.process(r) for r in records]
        out = []
        for r in records:
            if id(r) not in pre:
                out.append(self.process(r))
                continue
            scores = dict(pre[id(r)])
            for s in self.scorers:
                if hasattr(s, "score_batch"):
                    continue
                try:
                    scores.update(s(r))
                except Exception as exc:  # noqa: BLE001
                    scores = None
                    out.append(unit_error(r, "score", _unit_name(s, "scorer"), exc))
                    break
            if scores is not None:
                out.append(r.with_scores(scores))
        return out


class FilterStage:
    """The configured filters: each reads scores and keeps or rejects."""

    name = "filter"

    def __init__(self, cfg):
        ctx = cfg.context()
        self.filters = [registry.build(registry.filters, f.name, ctx, f.options, f"filter.{k}", "name")
                        for k, f in enumerate(cfg.filter)]

    def process(self, record: Record) -> Record:
        if record.rejected:
            return record
        for f in self.filters:
            try:
                verdict = f(record)
            except Exception as exc:  # noqa: BLE001
                return unit_error(record, "filter", _unit_name(f, "filter"), exc)
            if verdict:
                reason, detail = verdict
                return record.reject(reason, detail, stage="filter")
        return record

    def process_batch(self, records: Sequence[Record]) -> List[Record]:
        return [self.process(r) for r in records]


# ------------------------------------------------------------ sample, settle
class SettleStage:
    """All records of one input pair -> where the pair ends, after the
    optional distribution-matched sampling of its candidates."""

    name = "settle"

    def __init__(self, cfg):
        self.sampler = None
        if cfg.sampling is not None:
            from cs_synth.pipeline.filter.sampling import build_sampler

            sampling = cfg.sampling if isinstance(cfg.sampling, dict) else cfg.sampling.model_dump()
            self.sampler = build_sampler(cfg.context(), **sampling)

    def process(self, records: Iterable[Record]):
        records = list(records)
        if self.sampler is not None:
            records = list(self.sampler(records))
        return settle_pair(records)


def settle_pair(records: Iterable[Record]) -> Tuple[List[Record], List[Record], Tuple[str, str]]:
    """Decide where one input pair ends.  Returns (kept, rejected, outcome)
    where outcome is ("output", "") when at least one record was kept, else
    ("rejected", reason) with the reason of the first rejected record by id."""
    recs = sorted(records, key=lambda r: r.id)
    kept = [r for r in recs if not r.rejected]
    rejected = [r for r in recs if r.rejected]
    if kept:
        return kept, rejected, ("output", "")
    reason = rejected[0].reject_reason if rejected else "lost"
    return kept, rejected, ("rejected", reason)


# -------------------------------------------------------------------- write
class WriteStage:
    """The ``output`` block: deterministic shards (shard of a record from
    its id, rows sorted by id) and the manifest."""

    name = "write"

    def __init__(self, cfg):
        from cs_synth.pipeline import __version__

        self.max_rows = cfg.output.max_records_per_shard
        self.write_rejected = cfg.output.write_rejected
        self.parquet = cfg.output.parquet
        self.metadata = {"cs_synth.version": __version__, "cs_synth.config_hash": cfg.config_hash()}

    def shard_count(self, n_records: int) -> int:
        return max(1, -(-n_records // self.max_rows))

    @staticmethod
    def shard_of(record: Record, total: int) -> int:
        from cs_synth.pipeline.write.arrow_writer import shard_of

        return shard_of(record.id, total)

    def process(self, out_dir: str, kind: str, index: int, total: int, records: Sequence[Record]):
        """Write one shard; returns its ``{path, rows, ...}`` summary."""
        from cs_synth.pipeline.write.arrow_writer import write_shard

        return write_shard(out_dir, kind, index, total, (r for r in records if r is not None), self.metadata,
                           parquet=self.parquet)


# --------------------------------------------------------------- interleave
def interleave_stage(cfg):
    """The ``interleave`` block (documents -> training sequences); see
    :mod:`cs_synth.pipeline.interleave.stage`.  Disabled when the block is absent."""
    from cs_synth.pipeline.interleave.stage import InterleaveStage

    return InterleaveStage(cfg)


# ------------------------------------------------------------ construction
STAGES = {
    "read": ReadStage,
    "annotate": AnnotateStage,
    "align": AlignStage,
    "transform": TransformStage,
    "score": ScoreStage,
    "filter": FilterStage,
    "settle": SettleStage,
    "write": WriteStage,
    "interleave": interleave_stage,
}

_CACHE: Dict[Tuple[str, str], object] = {}  # (stage name, _key)
_LOCK = threading.RLock()  # re-entrant: align.priors_from builds the stages of its own corpus
_USED: Dict[Tuple[str, str], frozenset] = {}  # (stage name, _key) -> resource paths read


#: the config blocks each stage is built from (besides input languages,
#: seed and base folder): two configs that agree on them share the stage
DEPENDS = {
    "read": ("input",),
    "write": ("output", "config_hash"),
    "annotate": ("annotate",),
    "align": ("align", "annotate.max_tokens"),
    "transform": ("transform",),
    "score": ("score",),
    "filter": ("filter",),
    "settle": ("sampling",),
    "interleave": ("interleave", "input"),
}


def _key(cfg, name: str) -> str:
    import json

    dump = cfg.model_dump(mode="json")
    if "config_hash" in DEPENDS[name]:
        dump["config_hash"] = cfg.config_hash()
    parts = {"base_dir": cfg.base_dir, "seed": cfg.seed, "langs": [cfg.input.src_lang, cfg.input.tgt_lang]}
    for dep in DEPENDS[name]:
        value = dump
        for part in dep.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        parts[dep] = value
    return json.dumps(parts, sort_keys=True, default=str)


def stage(cfg, name: str):
    """The ``name`` stage for ``cfg``, built at most once per process (so
    each unit factory runs once per worker, however many DoFns or
    ``augment()`` calls use it)."""
    key = (name, _key(cfg, name))
    with _LOCK:
        obj = _CACHE.get(key)
        if obj is None:
            from cs_synth.pipeline import resources

            # spaCy is imported where it is first used (resources.load_spacy,
            # without torch), not here: a pretokenized side needs no spaCy
            with resources.recording() as used:  # the files its units read (carried to workers)
                obj = STAGES[name](cfg)
            _CACHE[key] = obj
            _USED[key] = frozenset(used)
        return obj


def resources_used(cfg, *names: str) -> List[str]:
    """The resource files that building these stages read (see
    :mod:`cs_synth.pipeline.resources`), sorted; all stages when no name is given."""
    out = set()
    for name in names or tuple(STAGES):
        stage(cfg, name)
        out |= _USED.get((name, _key(cfg, name)), frozenset())
    return sorted(out)


def check_stages(cfg) -> None:
    """Build every stage once (caching them), so bad names, options, files
    and missing models stop the run before any output, and check that each
    filter has the scores it reads."""
    from cs_synth.pipeline.filter.filters import check_filters_have_scores

    for name in STAGES:
        stage(cfg, name)
    check_filters_have_scores(stage(cfg, "filter").filters, stage(cfg, "score").scorers)
