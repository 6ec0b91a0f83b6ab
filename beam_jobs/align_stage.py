"""Beam wiring of the align stage; the logic is :class:`cs_synth.pipeline.stages.AlignStage`.

``records | AlignStage(cfg)`` returns ``(aligned, rejected)``:

1. **Check** each record (:meth:`~cs_synth.pipeline.stages.AlignStage.check`): to the
   rejected output, to the given path, or on to be aligned.
2. **Batch** deterministically: count the pairs, hash each record id into
   ``ceil(count / group_size)`` buckets; each bucket is sorted by id when
   aligned, so batches depend on neither worker count, bundle order nor
   runner.
3. **Priors** (corpus-level backends with ``align.priors`` true or ``auto``): the
   ``priors_sample`` records with the smallest id hashes (``Top``; the whole
   corpus when unset) are fitted once.  The priors pass aligns every pair of
   the sample on the way, so those pairs take its links (joined back to
   their records by id) and are not aligned again; only the pairs outside
   the sample are batched and aligned, with the priors as a singleton side
   input.  With ``priors: auto`` a pass of fewer than ``align.priors_min_pairs``
   pairs gives no priors (its links are still used; the rest is aligned
   without priors).  A pair's links depend on the sample's content only (it is sorted
   by a hash of each pair's text before eflomal sees it), never on workers
   or bundles.
4. **Align** each batch (:meth:`~cs_synth.pipeline.stages.AlignStage.align_batch`).
"""
from __future__ import annotations

import math

import apache_beam as beam
from apache_beam.metrics import Metrics

from cs_synth.beam_jobs import coders  # noqa: F401  (registers the Record coder)
from cs_synth.beam_jobs.common import NAMESPACE, REJECTED, route
from cs_synth.pipeline import resources, stages
from cs_synth.pipeline.record import Record


class _StageDoFn(beam.DoFn):
    def __init__(self, cfg):
        self.cfg = cfg
        self.stage = None
        # the local resource files the align stage read (priors file), by content
        self.carried = resources.carry(stages.resources_used(cfg, "align"))

    def setup(self):
        resources.install(self.carried)
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


class _FitLinks(_StageDoFn):
    """The priors, and ``(id, links)`` of every sample pair (tag ``links``)."""

    def process(self, sample):
        Metrics.counter(NAMESPACE, "align_priors_pairs").inc(len(sample))
        priors, links = self.stage.fit_links(sample)
        yield priors
        for item in links:
            yield beam.pvalue.TaggedOutput("links", item)


class _UseSampleLinks(_StageDoFn):
    """Records joined by id with the priors pass's links: emitted with them,
    or (not in the sample, or an id that is not unique) on to be aligned."""

    def process(self, element):
        _, groups = element
        records, links = list(groups["records"]), list(groups["links"])
        if len(records) == 1 and len(links) == 1:
            Metrics.counter(NAMESPACE, "align_from_priors_pass").inc()
            yield from route(self.stage.emit_links(records[0], links[0]), "align_aligned")
        else:
            for r in records:
                yield beam.pvalue.TaggedOutput("todo", r)


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
        side = []
        if st.uses_priors:
            # each side packed into one string: the sample is the whole corpus up to priors_sample
            items = todo | "SampleItem" >> beam.Map(lambda r: (stages.id_hash(r.id), r.id,
                                                               stages.pack_side(r.src.tokens),
                                                               stages.pack_side(r.tgt.tokens)))
            cap = st.priors_sample_size
            if cap:
                sample = items | "PriorsSample" >> beam.combiners.Top.Of(cap, key=lambda x: (x[0], x[1]),
                                                                         reverse=True)
            else:
                sample = items | "PriorsCorpus" >> beam.combiners.ToList()
            fitted = (sample | "DropHash" >> beam.Map(lambda xs: [(x[1], x[2], x[3]) for x in xs])
                      | "LearnPriors" >> beam.ParDo(_FitLinks(cfg)).with_outputs("links", main="priors"))
            side = [beam.pvalue.AsSingleton(fitted.priors)]
            joined = ({"records": todo | "KeyById" >> beam.Map(lambda r: (r.id, r)).with_output_types(
                           beam.typehints.KV[str, Record]),
                       "links": fitted.links}
                      | "JoinSampleLinks" >> beam.CoGroupByKey()
                      | "UseSampleLinks" >> beam.ParDo(_UseSampleLinks(cfg)).with_outputs(REJECTED, "todo",
                                                                                          main="ok"))
            aligned_parts.append(joined.ok)
            rejected_parts.append(joined[REJECTED])
            todo = joined.todo
        count = todo | "CountPairs" >> beam.combiners.Count.Globally()
        groups = (todo | "AssignBatch" >> beam.Map(_bucket, beam.pvalue.AsSingleton(count), st.group_size())
                  .with_output_types(beam.typehints.KV[int, Record])
                  | "GroupBatches" >> beam.GroupByKey())
        batched = groups | "AlignBatches" >> beam.ParDo(_AlignBatch(cfg), *side).with_outputs(REJECTED, main="ok")
        aligned_parts.append(batched.ok)
        rejected_parts.append(batched[REJECTED])
        aligned = aligned_parts | "AlignedAll" >> beam.Flatten()
        rejected = rejected_parts | "AlignRejectedAll" >> beam.Flatten()
        return aligned, rejected
