"""The alignment stage of the Beam job.

``records | AlignStage(align_config, ctx)`` returns ``(aligned, rejected)``.

1. **Check** each tokenized record: a pair with an empty side is rejected
   ``empty_side``; one with more than ``max_tokens`` tokens on a side
   ``too_long``.  A record that carries a given Pharaoh alignment
   (``record.seq_labels["__alignment__"]``, put there by the readers) takes
   the **given** path whatever the backend: it is validated and becomes the
   record's alignment, or the record is rejected ``invalid_alignment``.
   With the ``given`` backend a record without one is rejected
   ``missing_alignment``.
2. **Batch** the rest deterministically: count the corpus, hash each record
   id into ``ceil(count / batch_size)`` buckets and sort each bucket by id.
   The batches therefore do not depend on worker count, bundle order or
   runner.  Corpus-level backends (eflomal) use ``align.batch_size`` (large:
   statistical alignment is poor on small batches); model backends use
   ``PAIR_LEVEL_GROUP`` forward batches per group.
3. **Priors** (corpus-level backends, ``align.priors: true``): an explicit
   corpus pass takes the ``priors_sample`` records with the smallest id
   hashes (``Top`` combine; the whole corpus when the option is null), runs
   :meth:`Aligner.fit` on them once, and hands the priors to every batch as
   a singleton side input.
4. **Align** each batch.  If the backend raises ``AlignmentError`` for a
   batch, its pairs are retried one by one and the failing ones rejected
   with the error's reason.

Rejects carry ``stage="align"``; counters are in the ``cs_synth`` namespace.
"""
from __future__ import annotations

import hashlib
import json
import math
import threading
from typing import Any, Dict, Iterable, List, Optional, Tuple

import apache_beam as beam
from apache_beam.metrics import Metrics

from beam_jobs.common import REJECTED, route
from pipeline.align.base import AlignmentError, Aligner
from pipeline.align.given import GIVEN_ALIGNMENT_KEY, align_record, without_given_key
from pipeline.record import Record, RecordError
from pipeline.units import Context

STAGE = "align"
GIVEN = "given"
DEFAULT_MAX_TOKENS = 200
#: model backends: forward batches (``aligner.batch_size`` pairs) per group
PAIR_LEVEL_GROUP = 8
DEFAULT_PAIR_BATCH = 32

_ALIGNERS: Dict[str, Aligner] = {}
_ALIGNERS_LOCK = threading.Lock()


def build_aligner(backend: str, options: Dict[str, Any], ctx: Context) -> Aligner:
    """The configured aligner, built once per worker process."""
    key = json.dumps([backend, options, ctx.base_dir, ctx.src_lang, ctx.tgt_lang, ctx.seed],
                     sort_keys=True, default=str)
    with _ALIGNERS_LOCK:
        if key not in _ALIGNERS:
            from pipeline import registry

            _ALIGNERS[key] = registry.get(registry.aligners, backend)(ctx, **options)
        return _ALIGNERS[key]


def id_hash(record_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(record_id.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                          "big")


def _reject(record: Record, reason: str, detail: str) -> Record:
    Metrics.counter("cs_synth", f"rejected_{reason}").inc()
    return without_given_key(record).reject(reason, detail, stage=STAGE)


class _Check(beam.DoFn):
    def __init__(self, max_tokens: int, needs_given: bool):
        self.max_tokens = max_tokens
        self.needs_given = needs_given

    def process(self, record: Record):
        if record.rejected:  # defensive: rejects should not reach this stage
            yield beam.pvalue.TaggedOutput(REJECTED, record)
            return
        n_src = len(record.src.tokens)
        n_tgt = len(record.tgt.tokens) if record.tgt is not None else 0
        if record.tgt is None:
            yield beam.pvalue.TaggedOutput(REJECTED, _reject(record, "empty_side", "the pair has no target side"))
            return
        if n_src == 0 or n_tgt == 0:
            side = "source" if n_src == 0 else "target"
            yield beam.pvalue.TaggedOutput(REJECTED, _reject(record, "empty_side", f"the {side} side has no tokens"))
            return
        if n_src > self.max_tokens or n_tgt > self.max_tokens:
            yield beam.pvalue.TaggedOutput(REJECTED, _reject(
                record, "too_long", f"{n_src} source and {n_tgt} target tokens; the aligner takes at most "
                                    f"{self.max_tokens} per side"))
            return
        if GIVEN_ALIGNMENT_KEY in record.seq_labels:
            yield beam.pvalue.TaggedOutput(GIVEN, record)
        elif self.needs_given:
            yield beam.pvalue.TaggedOutput(REJECTED, _reject(
                record, "missing_alignment", "align.backend is 'given' but this record has no alignment"))
        else:
            yield record


class _AlignGiven(beam.DoFn):
    def process(self, record: Record):
        yield from route(align_record(record, stage=STAGE), "align_given")


def _bucket(record: Record, count: int, batch_size: int) -> Tuple[int, Record]:
    n_buckets = max(1, math.ceil(count / batch_size))
    return id_hash(record.id) % n_buckets, record


def _sample_key(record: Record) -> Tuple[int, str]:
    return (id_hash(record.id), record.id)


class _Fit(beam.DoFn):
    """Learn priors once from the corpus sample."""

    def __init__(self, backend: str, options: Dict[str, Any], ctx: Context):
        self.backend, self.options, self.ctx = backend, options, ctx

    def process(self, sample: List[Tuple[str, Tuple[str, ...], Tuple[str, ...]]]):
        aligner = build_aligner(self.backend, self.options, self.ctx)
        pairs = [(src, tgt) for _, src, tgt in sorted(sample)]
        Metrics.counter("cs_synth", "align_priors_pairs").inc(len(pairs))
        yield aligner.fit(pairs) if pairs else None


class _AlignBatch(beam.DoFn):
    def __init__(self, backend: str, options: Dict[str, Any], ctx: Context):
        self.backend, self.options, self.ctx = backend, options, ctx
        self.aligner: Optional[Aligner] = None

    def setup(self):
        self.aligner = build_aligner(self.backend, self.options, self.ctx)

    def process(self, element, priors=None):
        _, records = element
        records = sorted(records, key=lambda r: (r.id, r.src.tokens, r.tgt.tokens))
        Metrics.counter("cs_synth", "align_batches").inc()
        Metrics.distribution("cs_synth", "align_batch_size").update(len(records))
        pairs = [(r.src.tokens, r.tgt.tokens) for r in records]
        try:
            links = self.aligner.align(pairs, priors=priors)
        except AlignmentError:
            if len(records) == 1:
                raise
            links = None
        if links is None:  # retry one by one, rejecting the pairs that fail
            for r, p in zip(records, pairs):
                try:
                    yield from self._emit(r, self.aligner.align([p], priors=priors)[0])
                except AlignmentError as exc:
                    yield beam.pvalue.TaggedOutput(REJECTED, _reject(r, exc.reason, str(exc)))
            return
        for r, l in zip(records, links):
            yield from self._emit(r, l)

    def _emit(self, record: Record, links) -> Iterable:
        try:
            out = without_given_key(record).evolve(alignment=tuple(links))
        except RecordError as exc:
            yield beam.pvalue.TaggedOutput(REJECTED, _reject(record, "invalid_alignment", str(exc)))
            return
        Metrics.counter("cs_synth", "align_aligned").inc()
        yield out


class AlignStage(beam.PTransform):
    """Align tokenized records; returns ``(aligned, rejected)``."""

    def __init__(self, align_config, ctx: Context, *, max_tokens: Optional[int] = None, label: Optional[str] = None):
        super().__init__(label)
        self.config = align_config
        self.ctx = ctx
        self.max_tokens = int(max_tokens or getattr(align_config, "max_tokens", None) or DEFAULT_MAX_TOKENS)
        # built here once so bad options fail at construction, and to read
        # the backend's batching needs; workers build their own copy
        self.aligner = build_aligner(align_config.backend, dict(align_config.options), ctx)

    def group_size(self) -> int:
        if self.aligner.corpus_level:
            return int(self.config.batch_size)
        per_call = int(getattr(self.aligner, "batch_size", DEFAULT_PAIR_BATCH) or DEFAULT_PAIR_BATCH)
        return min(int(self.config.batch_size), PAIR_LEVEL_GROUP * per_call)

    def expand(self, records):
        backend, options, ctx = self.config.backend, dict(self.config.options), self.ctx
        checked = records | "CheckPairs" >> beam.ParDo(
            _Check(self.max_tokens, bool(self.aligner.uses_given_alignment))).with_outputs(REJECTED, GIVEN,
                                                                                          main="todo")
        given = checked[GIVEN] | "AlignGiven" >> beam.ParDo(_AlignGiven()).with_outputs(REJECTED, main="ok")
        aligned_parts = [given.ok]
        rejected_parts = [checked[REJECTED], given[REJECTED]]

        if not self.aligner.uses_given_alignment:
            todo = checked.todo
            size = self.group_size()
            count = todo | "CountPairs" >> beam.combiners.Count.Globally()
            groups = (todo
                      | "AssignBatch" >> beam.Map(_bucket, beam.pvalue.AsSingleton(count), size)
                      | "GroupBatches" >> beam.GroupByKey())
            side = []
            if self.aligner.corpus_level and self.config.priors:
                cap = getattr(self.aligner, "fit_sample_size", None)
                as_sample = todo | "SampleItem" >> beam.Map(
                    lambda r: (id_hash(r.id), r.id, r.src.tokens, r.tgt.tokens))
                if cap:
                    sample = as_sample | "PriorsSample" >> beam.combiners.Top.Of(
                        int(cap), key=lambda x: (x[0], x[1]), reverse=True)
                else:
                    sample = as_sample | "PriorsCorpus" >> beam.combiners.ToList()
                priors = (sample
                          | "DropHash" >> beam.Map(lambda xs: [(x[1], x[2], x[3]) for x in xs])
                          | "LearnPriors" >> beam.ParDo(_Fit(backend, options, ctx)))
                side = [beam.pvalue.AsSingleton(priors)]
            batched = groups | "AlignBatches" >> beam.ParDo(
                _AlignBatch(backend, options, ctx), *side).with_outputs(REJECTED, main="ok")
            aligned_parts.append(batched.ok)
            rejected_parts.append(batched[REJECTED])
        else:
            # with the given backend every record went through the given path
            rejected_parts.append(checked.todo)

        aligned = aligned_parts | "AlignedAll" >> beam.Flatten()
        rejected = rejected_parts | "AlignRejectedAll" >> beam.Flatten()
        return aligned, rejected
