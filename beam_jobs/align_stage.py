"""Beam wiring of the align stage; the logic is :class:`pipeline.stages.AlignStage`.

``records | AlignStage(cfg)`` returns ``(aligned, rejected)``:

1. **Check** each record (:meth:`~pipeline.stages.AlignStage.check`): to the
   rejected output, to the given path, or on to be aligned.
2. **Batch** deterministically: count the pairs, hash each record id into
   ``ceil(count / group_size)`` buckets; each bucket is sorted by id when
   aligned, so batches depend on neither worker count, bundle order nor
   runner.
3. **Priors** (corpus-level backends with ``align.priors: true``): the
   ``priors_sample`` records with the smallest id hashes (``Top``; the whole
   corpus when unset) are fitted once and handed to every batch as a
   singleton side input.
4. **Align** each batch (:meth:`~pipeline.stages.AlignStage.align_batch`).
"""
from __future__ import annotations

import math

import apache_beam as beam
from apache_beam.metrics import Metrics

from beam_jobs.common import NAMESPACE, REJECTED, route
from pipeline import stages
from pipeline.record import Record


class _StageDoFn(beam.DoFn):
    def __init__(self, cfg):
        self.cfg = cfg
        self.stage = None

    def setup(self):
        self.stage = stages.stage(self.cfg, "align")


class _Check(_StageDoFn):
    def process(self, record: Record):
        where, out = self.stage.check(record)
        if where == stages.REJECTED:
            yield from route(out)
        elif where == stages.GIVEN:
            yield beam.pvalue.TaggedOutput(stages.GIVEN, out)
        else:
            yield out


class _AlignGiven(_StageDoFn):
    def process(self, record: Record):
        yield from route(self.stage.align_given(record), "align_given")


class _Fit(_StageDoFn):
    def process(self, sample):
        Metrics.counter(NAMESPACE, "align_priors_pairs").inc(len(sample))
        yield self.stage.fit(sample)


class _AlignBatch(_StageDoFn):
    def process(self, element, priors=None):
        _, records = element
        records = list(records)
        Metrics.counter(NAMESPACE, "align_batches").inc()
        Metrics.distribution(NAMESPACE, "align_batch_size").update(len(records))
        for out in self.stage.align_batch(records, priors):
            yield from route(out, "align_aligned")


def _bucket(record: Record, count: int, size: int):
    return stages.id_hash(record.id) % max(1, math.ceil(count / size)), record


class AlignStage(beam.PTransform):
    """Align tokenized records; returns ``(aligned, rejected)``."""

    def __init__(self, cfg, label=None):
        super().__init__(label)
        self.cfg = cfg
        # the launcher's copy (from the process cache): reads the backend's
        # batching needs; workers build their own once each
        self.stage = stages.stage(cfg, "align")

    def expand(self, records):
        cfg, st = self.cfg, self.stage
        checked = records | "CheckPairs" >> beam.ParDo(_Check(cfg)).with_outputs(REJECTED, stages.GIVEN,
                                                                                 main="todo")
        given = checked[stages.GIVEN] | "AlignGiven" >> beam.ParDo(_AlignGiven(cfg)).with_outputs(
            REJECTED, main="ok")
        aligned_parts = [given.ok]
        rejected_parts = [checked[REJECTED], given[REJECTED]]
        todo = checked.todo
        count = todo | "CountPairs" >> beam.combiners.Count.Globally()
        groups = (todo | "AssignBatch" >> beam.Map(_bucket, beam.pvalue.AsSingleton(count), st.group_size())
                  | "GroupBatches" >> beam.GroupByKey())
        side = []
        if st.uses_priors:
            items = todo | "SampleItem" >> beam.Map(lambda r: (stages.id_hash(r.id), r.id, r.src.tokens,
                                                               r.tgt.tokens))
            cap = st.priors_sample_size
            if cap:
                sample = items | "PriorsSample" >> beam.combiners.Top.Of(cap, key=lambda x: (x[0], x[1]),
                                                                         reverse=True)
            else:
                sample = items | "PriorsCorpus" >> beam.combiners.ToList()
            priors = (sample | "DropHash" >> beam.Map(lambda xs: [(x[1], x[2], x[3]) for x in xs])
                      | "LearnPriors" >> beam.ParDo(_Fit(cfg)))
            side = [beam.pvalue.AsSingleton(priors)]
        batched = groups | "AlignBatches" >> beam.ParDo(_AlignBatch(cfg), *side).with_outputs(REJECTED, main="ok")
        aligned_parts.append(batched.ok)
        rejected_parts.append(batched[REJECTED])
        aligned = aligned_parts | "AlignedAll" >> beam.Flatten()
        rejected = rejected_parts | "AlignRejectedAll" >> beam.Flatten()
        return aligned, rejected
