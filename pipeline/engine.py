"""The stages as plain Python, shared by the Beam job and the Python API.

:class:`Engine` builds every unit a config names (through the registries)
and exposes one method per stage.  ``beam_jobs`` wraps these methods in
DoFns; :func:`pipeline.api.augment` calls them in sequence for one pair.
So one sentence takes exactly the path a corpus takes; only the shell
around it differs.

Any exception a unit raises on one record is turned into a rejected record
with reason ``unit_error`` (counted as an error in the manifest) instead of
crashing the run.
"""
from __future__ import annotations

import traceback
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from pipeline import registry
from pipeline.align.base import AlignmentError
from pipeline.config import RunConfig
from pipeline.read.readers import GIVEN_ALIGNMENT_KEY
from pipeline.record import FrozenMap, Record, RecordError
from pipeline.rng import derive_rng

ERROR_REASON = "unit_error"


def _error(record: Record, stage: str, unit: str, exc: BaseException) -> Record:
    tb = traceback.extract_tb(exc.__traceback__)
    where = f" at {tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno}" if tb else ""
    return record.reject(ERROR_REASON, f"{unit}: {type(exc).__name__}: {exc}{where}"[:2000], stage=stage)


def pass_through(record: Record) -> Record:
    """Give a record with no synthesized text the source as its output."""
    if record.tokens or record.rejected:
        return record
    from pipeline.record import detokenize

    toks, langs, spaces = record.current()
    return record.evolve(tokens=toks, langs=langs, spaces=spaces, text=detokenize(toks, spaces))


class Engine:
    def __init__(self, cfg: RunConfig):
        registry.load_builtins()
        self.cfg = cfg
        ctx = cfg.context()
        self.ctx = ctx
        ann = cfg.annotate
        if ann.backend == "none":
            self.annotator = None
        else:
            factory = registry.get(registry.annotators, ann.backend)
            self.annotator = factory(ctx, src_model=ann.src_model, tgt_model=ann.tgt_model,
                                     max_tokens=ann.max_tokens, gazetteer=ann.gazetteer,
                                     stanza_dir=ann.stanza_dir)
        self.aligner = None
        if cfg.align is not None and cfg.input.tgt_lang:
            self.aligner = registry.get(registry.aligners, cfg.align.backend)(ctx, **cfg.align.options)
        self.steps = []
        for step in cfg.transform:
            info = registry.get(registry.recipes, step.recipe)
            self.steps.append((step.recipe, info.factory(ctx, **step.options)))
        from pipeline.filter.filters import check_filters_have_scores
        from pipeline.score.scorers import build_scorers

        self.scorers = build_scorers(ctx, cfg.score)
        self.filters = [registry.get(registry.filters, f.name)(ctx, **f.options) for f in cfg.filter]
        check_filters_have_scores(self.filters, self.scorers)
        self.sampler = None
        if cfg.sampling is not None:
            from pipeline.filter.sampling import build_sampler

            self.sampler = build_sampler(ctx, **cfg.sampling)

    # ---------------------------------------------------------------- annotate
    def annotate(self, record: Record) -> Record:
        if record.rejected or self.annotator is None:
            return record
        try:
            return self.annotator(record)
        except RecordError as exc:
            return record.reject("annotation_mismatch", str(exc), stage="annotate")
        except Exception as exc:  # noqa: BLE001 - never crash a run on one record
            return _error(record, "annotate", getattr(self.annotator, "name", "annotator"), exc)

    # ------------------------------------------------------------------- align
    def align_batch(self, records: Sequence[Record], priors=None) -> List[Record]:
        """Align a batch of annotated records (all non-rejected)."""
        if self.aligner is None:
            return [self._drop_given(r) for r in records]
        pairs = [(r.src.tokens, r.tgt.tokens) for r in records]
        given = [r.seq_labels.get(GIVEN_ALIGNMENT_KEY) for r in records]
        try:
            links = self.aligner.align(pairs, priors=priors, given=given)
        except AlignmentError:
            if len(records) == 1:
                raise
            return [r for rec in records for r in self.align_batch([rec], priors)]
        return [self._drop_given(r, tuple(l)) for r, l in zip(records, links)]

    def align_one(self, record: Record, priors=None) -> Record:
        if record.rejected:
            return record
        try:
            return self.align_batch([record], priors)[0]
        except AlignmentError as exc:
            return record.reject(exc.reason, str(exc), stage="align")
        except RecordError as exc:
            return record.reject("invalid_alignment", str(exc), stage="align")
        except Exception as exc:  # noqa: BLE001
            return _error(record, "align", getattr(self.aligner, "name", "aligner"), exc)

    @staticmethod
    def _drop_given(record: Record, links=None) -> Record:
        seq = record.seq_labels
        if GIVEN_ALIGNMENT_KEY in seq:
            seq = FrozenMap({k: v for k, v in seq.items() if k != GIVEN_ALIGNMENT_KEY})
        if links is None:
            return record.evolve(seq_labels=seq)
        return record.evolve(seq_labels=seq, alignment=links)

    # --------------------------------------------------------------- transform
    def transform(self, record: Record) -> List[Record]:
        """Run every configured step; returns kept and rejected outputs."""
        if record.rejected:
            return [record]
        current = [record]
        done: List[Record] = []
        seed = self.cfg.seed
        for recipe, unit in self.steps:
            nxt: List[Record] = []
            uname = getattr(unit, "name", recipe)
            for r in current:
                try:
                    outs = list(unit(r, derive_rng(seed, r.id, uname)))
                except RecordError as exc:
                    outs = [r.reject("invalid_output", f"{uname}: {exc}", stage="transform")]
                except Exception as exc:  # noqa: BLE001
                    outs = [_error(r, "transform", uname, exc)]
                if not outs:
                    outs = [r.reject("no_output", f"{uname} produced no records", stage="transform")]
                for o in outs:
                    (done if o.rejected else nxt).append(o)
            current = nxt
        return done + [pass_through(r) for r in current]

    # ---------------------------------------------------------- score & filter
    def score(self, record: Record) -> Record:
        if record.rejected and not record.tokens:
            return record
        scores: Dict[str, float] = {}
        for s in self.scorers:
            try:
                scores.update(s(record))
            except Exception as exc:  # noqa: BLE001
                return _error(record, "score", getattr(s, "name", "scorer"), exc)
        return record.with_scores(scores)

    def filter(self, record: Record) -> Record:
        if record.rejected:
            return record
        for f in self.filters:
            try:
                verdict = f(record)
            except Exception as exc:  # noqa: BLE001
                return _error(record, "filter", getattr(f, "name", "filter"), exc)
            if verdict:
                reason, detail = verdict
                return record.reject(reason, detail, stage="filter")
        return record

    def score_and_filter(self, record: Record) -> Record:
        return self.filter(self.score(record))

    # ------------------------------------------------------------------ settle
    def settle(self, records: Iterable[Record]):
        """All records of one pair -> (kept, rejected, outcome), after the
        optional distribution-matched sampling of the pair's candidates."""
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
