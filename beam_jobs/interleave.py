"""The interleave job (CrossIC-PT): the sentence-level job up to where each
pair settles, then documents -> training sequences -> Arrow shards.

    read -> annotate -> align -> transform/score/filter -> settle per pair
         -> (doc id, sentence) -> CoGroupByKey per document -> interleave
         -> OUT/data/train-*.arrow            sequences (text + provenance)
            OUT/rejected/rejected-*.arrow     rejected sentence records (as in the synth job)
            OUT/rejected_documents/*.arrow    rejected documents with a reason
            OUT/manifest.json                 pair-level and document-level counts

With ``interleave.comparable`` a second monolingual collection is read and
its documents are paired with those of ``input`` by id, or by nearest
neighbours on document embeddings (one global pairing step over one vector
per document).

Run it with ``cs-synth run CONFIG --output DIR`` (a config with an
``interleave`` block) or ``python -m cs_synth.beam_jobs.interleave --config CONFIG
--output DIR``.
"""
from __future__ import annotations

import argparse
import json
from typing import List, Optional

import apache_beam as beam
from apache_beam.metrics import Metrics

from cs_synth.beam_jobs import synth
from cs_synth.beam_jobs.common import NAMESPACE, REJECTED
from cs_synth.pipeline import resources, stages
from cs_synth.pipeline.config import RunConfig, load_config
from cs_synth.pipeline.interleave.documents import doc_of, read_documents
from cs_synth.pipeline.interleave.write import (DOC_REJECT_FIELDS, DOC_REJECTED_DIR, SEQUENCE_FIELDS, SEQUENCES_DIR,
                                       write_rows)
from cs_synth.pipeline.write.arrow_writer import shard_of

#: the rejected read records of the other collection of comparable documents
OTHER_REJECTED_DIR = "rejected_comparable"
#: a kept record whose reader gave it no document id (e.g. a third-party reader)
NO_DOC = ""


class _Stage(beam.DoFn):
    def __init__(self, cfg: RunConfig):
        self.cfg = cfg
        self.stage = None

    def setup(self):
        self.stage = stages.stage(self.cfg, "interleave")


class SentenceOf(_Stage):
    """kept record (or a rejected one that still brings its text, see
    ``keep_rejected_pairs``) -> (doc id, the Sentence it carries)."""

    def process(self, record):
        if record.rejected and not self.stage.takes_rejected(record):
            return
        doc, sent = self.stage.sentence(record)
        yield (doc if doc is not None else NO_DOC), sent


class ReadOther(_Stage):
    """The other collection's records (comparable documents)."""

    def process(self, unit):
        yield from read_documents(unit, self.stage.other_input)


class EmbedDoc(_Stage):
    def process(self, kv):
        doc, sents = kv
        yield doc, self.stage.embed(list(sents))


class InterleaveDoc(_Stage):
    """One document: its sequences, or its reject, and its outcome."""

    def setup(self):
        super().setup()
        self.sequences = Metrics.counter(NAMESPACE, "sequences")

    def process(self, kv):
        doc, groups = kv
        n_read = sum(groups.get("read", ()))
        st = self.stage
        src = list(groups.get("src", ()))
        if doc != NO_DOC and not n_read:  # a document of the other collection only: not one of the input's
            yield beam.pvalue.TaggedOutput("outcome", ("other_only", ""))
            return
        partner = sorted(groups.get("partner", ()), key=lambda x: x[0])
        rows, reject = st.document(doc, n_read, src, tgt=list(groups.get("tgt", ())),
                                   tgt_read=sum(groups.get("tgt_read", ())), partner=partner[0] if partner else None)
        if reject is not None:
            Metrics.counter(NAMESPACE, f"documents_rejected_{reject['reject_reason']}").inc()
            yield beam.pvalue.TaggedOutput("doc_rejected", reject)
            yield beam.pvalue.TaggedOutput("outcome", ("rejected", reject["reject_reason"]))
            return
        for row in rows:
            self.sequences.inc()
            yield row
        yield beam.pvalue.TaggedOutput("outcome", ("output", ""))


class _WriteRows(beam.DoFn):
    def __init__(self, cfg, out_dir, kind, fields):
        self.cfg, self.out_dir, self.kind, self.fields = cfg, out_dir, kind, fields

    def setup(self):
        self.metadata = stages.stage(self.cfg, "write").metadata

    def process(self, kv, n):
        rows = [r for r in kv[1] if r is not None]
        yield write_rows(self.out_dir, self.kind, kv[0], n, rows, self.fields, self.metadata)


class WriteRows(beam.PTransform):
    """Rows (dicts with an ``id``) to deterministic shards, like
    :class:`cs_synth.beam_jobs.synth.WriteShards`: shard count from the row count,
    shard from the id, rows sorted by id."""

    def __init__(self, cfg, out_dir, kind, fields):
        super().__init__()
        self.cfg, self.out_dir, self.kind, self.fields = cfg, out_dir, kind, fields

    def expand(self, rows):
        st = stages.stage(self.cfg, "write")
        total = rows | "Count" >> beam.combiners.Count.Globally() | "Shards" >> beam.Map(st.shard_count)
        keyed = rows | "Key" >> beam.Map(lambda r, n: (shard_of(r["id"], n), r), n=beam.pvalue.AsSingleton(total))
        slots = (rows.pipeline | "Seed" >> beam.Create([None])
                 | "Slots" >> beam.FlatMap(lambda _, n: [(i, None) for i in range(n)],
                                           n=beam.pvalue.AsSingleton(total)))
        return ((keyed, slots) | "Merge" >> beam.Flatten() | "Group" >> beam.GroupByKey()
                | "Write" >> beam.ParDo(_WriteRows(self.cfg, self.out_dir, self.kind, self.fields),
                                        n=beam.pvalue.AsSingleton(total)))


def _doc_counts(records, label: str):
    return (records | f"DocOf{label}" >> beam.FlatMap(lambda r: [(doc_of(r), 1)] if doc_of(r) is not None else [])
            | f"CountDocs{label}" >> beam.CombinePerKey(sum))


def _pairs(_, src_vecs, tgt_vecs, min_similarity, mutual):
    from cs_synth.pipeline.interleave.pairing import nearest

    for src_doc, (tgt_doc, sim) in sorted(nearest(src_vecs, tgt_vecs, min_similarity, mutual).items()):
        yield tgt_doc, (src_doc, sim)


def _partners(kv):
    tgt_doc, groups = kv
    sents = list(groups["tgt"])
    for src_doc, sim in groups["pair"]:
        yield src_doc, (tgt_doc, sim, sents)


def documents_manifest(_, *, read, outcomes, sequence_shards, doc_reject_shards, tokens, other=None):
    by_reason, with_output, other_only = {}, 0, 0
    for (kind, reason), n in outcomes:
        if kind == "output":
            with_output += n
        elif kind == "other_only":
            other_only += n
        else:
            by_reason[reason] = by_reason.get(reason, 0) + n
    rejected = sum(by_reason.values())
    written = sum(s["rows"] for s in sequence_shards)
    out = {
        "read": read,
        "with_output": with_output,
        "rejected": {"total": rejected, "by_reason": dict(sorted(by_reason.items()))},
        "sequences_written": written,
        "tokens_written": int(sum(tokens)),
        "accounting_ok": read == with_output + rejected
                         and sum(s["rows"] for s in doc_reject_shards) == rejected,
        "shards": sorted(s["path"] for s in sequence_shards),
        "rejected_shards": sorted(s["path"] for s in doc_reject_shards),
    }
    if other is not None:
        out["other_collection_only"] = other_only
    return out


def _manifest(_, *, out_dir, cfg_hash, config, read, outcomes, rejected_shards, rejected_reasons, docs_read,
              doc_outcomes, sequence_shards, doc_reject_shards, tokens, other=None, other_shards=None):
    m = synth.sentence_manifest(cfg_hash=cfg_hash, read=read, outcomes=outcomes, kept_shards=sequence_shards,
                                rejected_shards=rejected_shards, rejected_reasons=rejected_reasons, config=config)
    docs = documents_manifest(None, read=docs_read, outcomes=doc_outcomes, sequence_shards=sequence_shards,
                              doc_reject_shards=doc_reject_shards, tokens=tokens, other=other)
    m["documents"] = docs
    if other is not None:
        m["comparable_input"] = other
    m["accounting_ok"] = bool(m["accounting_ok"] and docs["accounting_ok"])
    from cs_synth.pipeline.write.commit import write_card_and_manifest

    # into the staging folder, listing every file with rows and sha256; run_job publishes them
    files = list(sequence_shards) + list(rejected_shards) + list(doc_reject_shards) + list(other_shards or ())
    return write_card_and_manifest(out_dir, m, config, files)


def _other_summary(_, *, read, reasons, shards):
    by_reason = dict(sorted(reasons))
    return {"read": read, "rejected": {"total": sum(by_reason.values()), "by_reason": by_reason},
            "rejected_shards": sorted(s["path"] for s in shards)}


def build(p: beam.Pipeline, cfg: RunConfig, out_dir: str) -> None:
    st = stages.stage(cfg, "interleave")
    records, read_count, settled = synth.settle_pairs(p, cfg)
    rejected_shards, outcomes, reasons = synth.write_pair_rejects(cfg, settled, out_dir)
    doc_reads = _doc_counts(records, "Read")
    sentences = ((settled.kept, settled[REJECTED]) | "KeptAndRejected" >> beam.Flatten()
                 | "SentenceOf" >> beam.ParDo(SentenceOf(cfg)))
    groups = {"read": doc_reads, "src": sentences}
    other_summary = None
    if st.other_input is not None:
        from cs_synth.pipeline.read.readers import read_units

        units = read_units(st.other_input, cfg.context().resolve)
        other = (p | "OtherInputs" >> beam.Create(units, reshuffle=False)
                 | "ReadOther" >> beam.ParDo(ReadOther(cfg)) | "SpreadOther" >> beam.Reshuffle())
        other_ok = other | "OtherKept" >> beam.Filter(lambda r: not r.rejected)
        other_rej = other | "OtherRejects" >> beam.Filter(lambda r: r.rejected)
        other_rej_shards = other_rej | "WriteOtherRejected" >> synth.WriteShards(cfg, out_dir, OTHER_REJECTED_DIR)
        other_reasons = (other_rej | "OtherReasons" >> beam.Map(lambda r: r.reject_reason)
                         | "CountOtherReasons" >> beam.combiners.Count.PerElement())
        other_read = other | "CountOtherRead" >> beam.combiners.Count.Globally()
        other_summary = (p | "OtherSeed" >> beam.Create([None])
                         | "OtherSummary" >> beam.Map(_other_summary, read=beam.pvalue.AsSingleton(other_read),
                                                      reasons=beam.pvalue.AsList(other_reasons),
                                                      shards=beam.pvalue.AsList(other_rej_shards)))
        other_sents = other_ok | "OtherSentenceOf" >> beam.ParDo(SentenceOf(cfg))
        if cfg.interleave.comparable.pair_by == "key":
            groups["tgt"] = other_sents
            groups["tgt_read"] = _doc_counts(other, "OtherRead")
        else:
            c = cfg.interleave.comparable
            src_docs = sentences | "GroupSrcDocs" >> beam.GroupByKey()
            tgt_docs = other_sents | "GroupTgtDocs" >> beam.GroupByKey()
            src_vecs = src_docs | "EmbedSrc" >> beam.ParDo(EmbedDoc(cfg))
            tgt_vecs = tgt_docs | "EmbedTgt" >> beam.ParDo(EmbedDoc(cfg))
            pairs = (p | "PairSeed" >> beam.Create([None])
                     | "Pair" >> beam.FlatMap(_pairs, beam.pvalue.AsList(src_vecs), beam.pvalue.AsList(tgt_vecs),
                                              c.min_similarity, c.mutual))
            groups["partner"] = ({"pair": pairs, "tgt": other_sents} | "JoinPartner" >> beam.CoGroupByKey()
                                 | "Partners" >> beam.FlatMap(_partners))
    docs = (groups | "ByDocument" >> beam.CoGroupByKey()
            | "Interleave" >> beam.ParDo(InterleaveDoc(cfg)).with_outputs("doc_rejected", "outcome",
                                                                           main="sequences"))
    seq_shards = docs.sequences | "WriteSequences" >> WriteRows(cfg, out_dir, SEQUENCES_DIR, SEQUENCE_FIELDS)
    doc_rej_shards = docs.doc_rejected | "WriteDocRejects" >> WriteRows(cfg, out_dir, DOC_REJECTED_DIR,
                                                                       DOC_REJECT_FIELDS)
    docs_read = doc_reads | "NumDocsRead" >> beam.combiners.Count.Globally()
    doc_outcomes = docs.outcome | "CountDocOutcomes" >> beam.combiners.Count.PerElement()
    tokens = docs.sequences | "Tokens" >> beam.Map(lambda r: r["n_tokens"]) | "SumTokens" >> beam.CombineGlobally(sum)
    extra = {} if other_summary is None else {"other": beam.pvalue.AsSingleton(other_summary),
                                              "other_shards": beam.pvalue.AsList(other_rej_shards)}
    _ = (p | "ManifestSeed" >> beam.Create([None])
         | "Manifest" >> beam.Map(_manifest, out_dir=out_dir, cfg_hash=cfg.config_hash(),
                                  config=cfg.model_dump(mode="json"), read=beam.pvalue.AsSingleton(read_count),
                                  outcomes=beam.pvalue.AsList(outcomes),
                                  rejected_shards=beam.pvalue.AsList(rejected_shards),
                                  rejected_reasons=beam.pvalue.AsList(reasons),
                                  docs_read=beam.pvalue.AsSingleton(docs_read),
                                  doc_outcomes=beam.pvalue.AsList(doc_outcomes),
                                  sequence_shards=beam.pvalue.AsList(seq_shards),
                                  doc_reject_shards=beam.pvalue.AsList(doc_rej_shards),
                                  tokens=beam.pvalue.AsList(tokens), **extra))


def run_job(cfg: RunConfig, out_dir: str, *, workers: int = 1, beam_args: Optional[List[str]] = None,
            overwrite: bool = False, force_unlock: bool = False) -> dict:
    """Validate, run, and return the manifest; the output goes through the
    commit protocol of :mod:`cs_synth.pipeline.write.commit` (lock, staging folder,
    publish), as in :func:`cs_synth.beam_jobs.synth.run_job`."""
    from apache_beam.io.filesystems import FileSystems

    from cs_synth.pipeline.read.readers import check_input
    from cs_synth.pipeline.units import ConfigError
    from cs_synth.pipeline.write.commit import OutputDir, join, run_failure

    if cfg.interleave is None:
        raise ConfigError("interleave: this job needs an interleave block (see pipeline/interleave/config.py)")
    options = synth.beam_options(beam_args or [], workers)
    FileSystems.set_options(options)
    # as in the synth job: a remote runner's workers cannot read this
    # machine's files, each local resource must be small enough to travel
    # with the job (and the pickled config names them by virtual paths)
    resources.check_launch(stages.resources_used(cfg), cfg.model_dump(mode="json"), cfg.context().resolve, options)
    check_input(cfg.input, cfg.context().resolve)
    st = stages.stage(cfg, "interleave")
    if st.other_input is not None:
        check_input(st.other_input, cfg.context().resolve)
    out = OutputDir(out_dir).open(overwrite=overwrite, force_unlock=force_unlock)
    try:
        out._mkdirs(*(join(out.staging, k) for k in (DOC_REJECTED_DIR, OTHER_REJECTED_DIR)))
        p = beam.Pipeline(options=options)
        build(p, cfg, out.staging)
        try:
            p.run().wait_until_finish()
        except Exception as exc:  # noqa: BLE001 - an OS error while writing is a clean error, not a traceback
            failure = run_failure(exc, out_dir)
            if failure is exc:
                raise
            raise failure from None
        return out.publish()
    finally:
        out.close()


def run(argv: Optional[List[str]] = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--overwrite", action="store_true")
    parser.add_argument("--force-unlock", action="store_true")
    args, beam_args = parser.parse_known_args(argv)
    return run_job(load_config(args.config), args.output, workers=args.workers, beam_args=beam_args,
                   overwrite=args.overwrite, force_unlock=args.force_unlock)


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
