"""Corpus-level dedup stages: exact and near-duplicate removal on Beam.

Both are ``PTransform``s over a ``PCollection`` of records that return a
tuple ``(kept, rejected)`` of ``PCollection``s.  Duplicates are decided by
*grouping* (GroupByKey / CoGroupByKey / one global combine), never by
per-worker state, so the result is the same on 1 or N workers and in any
order; within a group the record with the smallest id is kept, the others
are rejected with ``duplicate`` / ``near_duplicate`` and the kept record's id
as detail.  Records that arrive already rejected go to ``rejected``
unchanged.

* :class:`ExactDedup` -- key: a hash of the normalised output text (Unicode
  NFKC, whitespace collapsed, optionally case-folded).
* :class:`NearDedup` -- MinHash signatures (``datasketch.MinHash`` over
  character n-gram shingles of the normalised text) cut into LSH bands; the
  (band, band-hash) keys are grouped, candidate pairs inside a bucket are
  verified by their *exact* Jaccard similarity of shingles (>= ``threshold``;
  the normalised text travels with the band keys, fine for sentence-level
  records), and the verified edges are joined into connected components by
  one global union-find.  Each component keeps its smallest id;
  every other member is rejected with that id as detail (so a chain A~B~C
  keeps only A even when A and C alone are not similar).  The band/row split
  comes from ``datasketch.MinHashLSH`` for ``threshold - 0.1``, weighted
  towards recall (see :func:`lsh_params`), so that pairs at the threshold
  become candidates with high probability; only exact verification decides.
  LSH is probabilistic: a pair can still be missed (rarely); the decisions
  are nevertheless deterministic, as the hash functions are seeded.
* :class:`Dedup` -- exact, then near, on what exact kept.
* :func:`build_dedup` -- the config's ``dedup:`` block
  (:class:`cs_synth.pipeline.config.DedupConfig`; options and defaults are described
  in :mod:`cs_synth.pipeline.filter.dedup`).

Everything that needs no Beam (normalisation, MinHash, LSH bands, exact
verification, union-find, the option check) lives in
:mod:`cs_synth.pipeline.filter.dedup`; this module is the Beam wiring only.
"""
from __future__ import annotations

from typing import Optional

import apache_beam as beam
from apache_beam.metrics import Metrics

from cs_synth.pipeline.filter.dedup import (STAGE, band_keys, check_dedup, components, near_lsh_params, sign, text_key,
                                   verified_edges)

from cs_synth.pipeline.config import DedupConfig

REJECTED = "rejected"
#: the defaults of the dedup: block, written once in DedupConfig
_D = DedupConfig()


def _split_prior_rejects(pcoll, label: str):
    parts = pcoll | f"{label}SplitRejected" >> beam.Partition(lambda r, _: 1 if r.rejected else 0, 2)
    return parts[0], parts[1]


class _KeepSmallest(beam.DoFn):
    """(key, records) -> the smallest id kept, the others rejected."""

    def __init__(self, reason: str):
        self.reason = reason
        self.counter = Metrics.counter("cs_synth", f"rejected_{reason}")

    def process(self, element):
        _, records = element
        records = sorted(records, key=lambda r: r.id)
        yield records[0]
        for r in records[1:]:
            self.counter.inc()
            yield beam.pvalue.TaggedOutput(REJECTED, r.reject(self.reason, records[0].id, stage=STAGE))


class ExactDedup(beam.PTransform):
    """Exact duplicates of the normalised output text -> ``(kept, rejected)``."""

    def __init__(self, lowercase: bool = _D.lowercase, label: Optional[str] = None):
        super().__init__(label)
        self.lowercase = lowercase

    def expand(self, pcoll):
        live, prior = _split_prior_rejects(pcoll, "Exact")
        lowercase = self.lowercase
        out = (live
               | "KeyByText" >> beam.Map(lambda r: (text_key(r, lowercase), r))
               | "GroupByText" >> beam.GroupByKey()
               | "KeepSmallest" >> beam.ParDo(_KeepSmallest("duplicate")).with_outputs(REJECTED, main="kept"))
        rejected = (out[REJECTED], prior) | "ExactRejected" >> beam.Flatten()
        return out.kept, rejected


# ------------------------------------------------------------- near dedup
class _RouteNear(beam.DoFn):
    def __init__(self):
        self.counter = Metrics.counter("cs_synth", "rejected_near_duplicate")

    def process(self, element):
        _, groups = element
        roots = list(groups["root"])
        for r in groups["rec"]:
            if roots:
                self.counter.inc()
                yield beam.pvalue.TaggedOutput(REJECTED, r.reject("near_duplicate", roots[0], stage=STAGE))
            else:
                yield r


class NearDedup(beam.PTransform):
    """Near duplicates by MinHash LSH -> ``(kept, rejected)`` (see module doc)."""

    def __init__(self, threshold: float = _D.threshold, num_perm: int = _D.num_perm, ngram: int = _D.ngram,
                 lowercase: bool = _D.lowercase, ignore_same_pair: bool = _D.ignore_same_pair, seed: int = 1,
                 label: Optional[str] = None):
        super().__init__(label)
        self.threshold, self.num_perm, self.ngram = threshold, num_perm, ngram
        self.lowercase, self.ignore_same_pair, self.seed = lowercase, ignore_same_pair, seed
        self.bands, self.rows = near_lsh_params(threshold, num_perm)

    def expand(self, pcoll):
        live, prior = _split_prior_rejects(pcoll, "Near")
        num_perm, ngram, lowercase, seed = self.num_perm, self.ngram, self.lowercase, self.seed
        sigs = live | "MinHash" >> beam.Map(sign, lowercase, num_perm, ngram, seed)
        edges = (sigs
                 | "BandKeys" >> beam.FlatMap(band_keys, self.bands, self.rows)
                 | "GroupByBand" >> beam.GroupByKey()
                 | "Verify" >> beam.FlatMap(verified_edges, self.threshold, self.ignore_same_pair, ngram)
                 | "DistinctEdges" >> beam.Distinct())
        roots = (edges
                 | "AllEdges" >> beam.combiners.ToList()
                 | "Components" >> beam.FlatMap(components))
        routed = ({"rec": live | "KeyById" >> beam.Map(lambda r: (r.id, r)), "root": roots}
                  | "JoinRoots" >> beam.CoGroupByKey()
                  | "Route" >> beam.ParDo(_RouteNear()).with_outputs(REJECTED, main="kept"))
        rejected = (routed[REJECTED], prior) | "NearRejected" >> beam.Flatten()
        return routed.kept, rejected


class Dedup(beam.PTransform):
    """Exact dedup, then near dedup on the survivors -> ``(kept, rejected)``."""

    def __init__(self, exact: bool = True, near: bool = True, label: Optional[str] = None, **near_options):
        super().__init__(label)
        self.exact, self.near = exact, near
        self.near_options = near_options
        if near:
            NearDedup(**near_options)  # validate early (and compute the LSH split once)

    def expand(self, pcoll):
        kept, rejects = pcoll, []
        if self.exact:
            kept, r = kept | "Exact" >> ExactDedup(lowercase=self.near_options.get("lowercase", _D.lowercase))
            rejects.append(r)
        if self.near:
            kept, r = kept | "Near" >> NearDedup(**self.near_options)
            rejects.append(r)
        if not rejects:
            rejects = [kept | "NoRejects" >> beam.Filter(lambda r: False)]
        return kept, tuple(rejects) | "DedupRejected" >> beam.Flatten()


def build_dedup(options) -> Dedup:
    """The Dedup transform for the config's ``dedup:`` block (a
    :class:`cs_synth.pipeline.config.DedupConfig`, or a mapping validated as one)."""
    opts = check_dedup(options).model_dump()
    exact, near = opts.pop("exact"), opts.pop("near")
    return Dedup(exact=exact, near=near, **opts)
