"""The main Beam job: read -> annotate -> align -> transform -> score/filter
-> dedup -> settle per pair -> write shards + manifest.

Thin wiring only: every DoFn takes one stage object from
:func:`cs_synth.pipeline.stages.stage` (built once per worker process) in
``setup()`` and calls it; rejects leave
through a tagged output with their reason; ``Metrics.counter`` counts.

Run it with ``cs-synth run CONFIG --output DIR`` or directly::

    python -m cs_synth.beam_jobs.synth --config CONFIG --output DIR [beam options]

On Dataflow add ``--runner DataflowRunner --project P --region R
--temp_location gs://B/tmp --setup_file ./setup.py``.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import List, Optional

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.options.pipeline_options import PipelineOptions, SetupOptions

from cs_synth.beam_jobs import coders  # noqa: F401  (registers the Record coder)
from cs_synth.beam_jobs.common import REJECTED, route
# the read stage (its names stay importable from here)
from cs_synth.beam_jobs.read_stage import ReadFile, ReadRecords, _ParseChunk, _ReadBlock  # noqa: F401
from cs_synth.pipeline.record import Record
from cs_synth.pipeline import __version__
from cs_synth.pipeline.config import RunConfig, load_config
from cs_synth.pipeline import resources, stages
from cs_synth.pipeline.stages import ERROR_REASON
from cs_synth.pipeline.read.readers import check_input
from cs_synth.pipeline.write.arrow_writer import DATA_DIR, REJECTED_DIR, prepare_output, write_manifest



#: most records per annotate call (spaCy's nlp.pipe); any size gives the same bytes
ANNOTATE_BATCH = 256
#: most records per transform call; any size gives the same bytes
TRANSFORM_BATCH = 256


class _StageDoFn(beam.DoFn):
    """Gets one stage object (built once per worker process, see
    :func:`cs_synth.pipeline.stages.stage`) in ``setup()``; subclasses call it."""

    STAGE = ""
    #: other stages this DoFn builds in setup()
    USES: tuple = ()

    def __init__(self, cfg: RunConfig):
        self.cfg = cfg
        self.stage = None
        # the local resource files its stages read, by content (cs_synth.pipeline.resources)
        self.carried = resources.carry(stages.resources_used(cfg, self.STAGE, *self.USES))

    def setup(self):
        resources.install(self.carried)
        self.stage = stages.stage(self.cfg, self.STAGE)


class Annotate(_StageDoFn):
    """Annotates a batch at a time (spaCy's ``nlp.pipe``); the batch size
    does not change the output."""

    STAGE = "annotate"

    def process(self, batch):
        for out in self.stage.process_batch(batch):
            yield from route(out, "annotated")


class Transform(_StageDoFn):
    """transform a batch (units with a batch call, such as an MT engine,
    see all its records at once), then score and filter each output."""

    STAGE = "transform"
    USES = ("score", "filter")

    def setup(self):
        super().setup()
        self.score = stages.stage(self.cfg, "score")
        self.filter = stages.stage(self.cfg, "filter")

    def finished(self, out: Record) -> Record:
        """``out`` scored and filtered (a rejected one as it is), counted."""
        if not out.rejected:
            out = self.filter.process(self.score.process(out))
        for _ in route(out, "candidates_kept"):  # the counters only
            pass
        return out

    def process(self, batch):
        for outs in self.stage.process_batch(batch):
            for out in outs:
                out = self.finished(out)
                yield beam.pvalue.TaggedOutput(REJECTED, out) if out.rejected else out


def _settle_outputs(stage, records):
    """One pair's records -> its kept records (main), rejected ones
    (``rejected``) and its outcome (``outcome``), counted."""
    kept, rejected, outcome = stage.process(records)
    # pair-level counts for the live progress (beam_jobs/common.py): read == kept + rejected
    Metrics.counter("cs_synth", "pairs_kept" if outcome[0] == "output" else f"pairs_rejected_{outcome[1]}").inc()
    for r in kept:
        yield r
    for r in rejected:
        yield beam.pvalue.TaggedOutput(REJECTED, r)
    yield beam.pvalue.TaggedOutput("outcome", outcome)


class _TransformSettle(Transform):
    """Transform, score and filter a batch, then settle each pair on the
    spot: without dedup every record of a pair comes out of the one
    ``process_batch`` entry of its input record, so no per-pair shuffle is
    needed (see :func:`settle_pairs`)."""

    USES = ("score", "filter", "settle")

    def setup(self):
        super().setup()
        self.settle = stages.stage(self.cfg, "settle")

    def process(self, batch):
        for outs in self.stage.process_batch(batch):
            yield from _settle_outputs(self.settle, [self.finished(out) for out in outs])


class _SettleAlone(_StageDoFn):
    """A pair rejected before the transform (read, annotate, align): its one
    record -> where it ends."""

    STAGE = "settle"

    def process(self, record):
        yield from _settle_outputs(self.stage, [record])


class _Settle(_StageDoFn):
    """One input pair: its kept and rejected records -> where it ends."""

    STAGE = "settle"

    def process(self, element):
        pair_id, groups = element
        yield from _settle_outputs(self.stage, list(groups["kept"]) + list(groups["rejected"]))


class _Settled:
    """The tagged outputs of a settle without a shuffle: ``.kept``,
    ``[REJECTED]`` and ``.outcome``, as a ParDo's outputs."""

    def __init__(self, kept, rejected, outcome):
        self.kept, self.outcome = kept, outcome
        self._rejected = rejected

    def __getitem__(self, tag):
        return {"kept": self.kept, REJECTED: self._rejected, "outcome": self.outcome}[tag]


class _WriteShard(_StageDoFn):
    STAGE = "write"

    def __init__(self, cfg: RunConfig, out_dir: str, kind: str):
        super().__init__(cfg)
        self.out_dir, self.kind = out_dir, kind

    def process(self, kv, n):
        # the shard's records arrive encoded (see WriteShards) and are decoded
        # one at a time as the writer takes them
        records = (coders.decode_record(b) for b in kv[1] if b)
        yield self.stage.process(self.out_dir, self.kind, kv[0], n, records)


class WriteShards(beam.PTransform):
    """Deterministic sharding: shard count from the record count, shard of a
    record from its id, rows sorted by id inside each shard.

    The records cross the shard GroupByKey as their encoded bytes
    (:func:`cs_synth.beam_jobs.coders.encode_record`), decoded one by one in
    the writer: a GroupByKey's values reach the DoFn as one list, and a list
    of a whole shard's decoded records (about ten times their encoded size)
    was the largest single allocation of a local run (issue 17)."""

    def __init__(self, cfg: RunConfig, out_dir: str, kind: str):
        super().__init__()
        self.cfg, self.out_dir, self.kind = cfg, out_dir, kind
        self.stage = stages.stage(cfg, "write")

    def expand(self, records):
        st = self.stage
        total = (records | "Count" >> beam.combiners.Count.Globally()
                 | "Shards" >> beam.Map(st.shard_count))
        keyed = records | "Key" >> beam.Map(lambda r, n: (st.shard_of(r, n), coders.encode_record(r)),
                                            n=beam.pvalue.AsSingleton(total)).with_output_types(
            beam.typehints.KV[int, bytes])
        # one empty placeholder per shard index so empty shards are written too
        slots = (records.pipeline | "Seed" >> beam.Create([None])
                 | "Slots" >> beam.FlatMap(lambda _, n: [(i, b"") for i in range(n)],
                                           n=beam.pvalue.AsSingleton(total)).with_output_types(
                    beam.typehints.KV[int, bytes]))
        return ((keyed, slots) | "Merge" >> beam.Flatten() | "Group" >> beam.GroupByKey()
                | "Write" >> beam.ParDo(_WriteShard(self.cfg, self.out_dir, self.kind),
                                        n=beam.pvalue.AsSingleton(total)))


def _manifest(_, *, cfg_hash, read, outcomes, kept_shards, rejected_shards, rejected_reasons, out_dir, config,
              resource_files=()):
    manifest = sentence_manifest(cfg_hash=cfg_hash, read=read, outcomes=outcomes, kept_shards=kept_shards,
                                 rejected_shards=rejected_shards, rejected_reasons=rejected_reasons, config=config)
    from cs_synth.pipeline.write.commit import write_card_and_manifest

    # into the staging folder: the card, then the manifest listing every file
    # with its rows and sha256; run_job publishes them
    if resource_files:  # every file the units read: path (relative to the config), sha256, bytes
        manifest["resources"] = list(resource_files)
    return write_card_and_manifest(out_dir, manifest, config, list(kept_shards) + list(rejected_shards))


def sentence_manifest(*, cfg_hash, read, outcomes, kept_shards, rejected_shards, rejected_reasons, config) -> dict:
    """The manifest's pair-level counts (shared with the interleave job)."""
    by_reason = {}
    pairs_with_output = 0
    for (kind, reason), n in outcomes:
        if kind == "output":
            pairs_with_output += n
        else:
            by_reason[reason] = by_reason.get(reason, 0) + n
    rejected = sum(by_reason.values())
    rec_reasons = dict(sorted(rejected_reasons))
    manifest = {
        "tool": "cs-synth",
        "version": __version__,
        "config_hash": cfg_hash,
        "config": config,
        "read": read,
        "pairs_with_output": pairs_with_output,
        "rejected": {"total": rejected, "by_reason": dict(sorted(by_reason.items()))},
        "written": sum(s["rows"] for s in kept_shards),
        "rejected_records": {"total": sum(s["rows"] for s in rejected_shards), "by_reason": rec_reasons},
        "errors": rec_reasons.get(ERROR_REASON, 0),
        "accounting_ok": read == pairs_with_output + rejected,
        "shards": sorted(s["path"] for s in kept_shards),
        "rejected_shards": sorted(s["path"] for s in rejected_shards),
    }
    return manifest


def build(p: beam.Pipeline, cfg: RunConfig, out_dir: str, *, by_pair_shuffle: Optional[bool] = None) -> None:
    """Add the whole job to pipeline ``p`` (``by_pair_shuffle``: see
    :func:`settle_pairs`)."""
    _, read_count, settled = settle_pairs(p, cfg, by_pair_shuffle=by_pair_shuffle)
    kept_shards = settled.kept | "WriteKept" >> WriteShards(cfg, out_dir, DATA_DIR)
    rejected_shards, outcomes, reasons = write_pair_rejects(cfg, settled, out_dir)
    _ = (p | "ManifestSeed" >> beam.Create([None])
         | "Manifest" >> beam.Map(_manifest, cfg_hash=cfg.config_hash(),
                                  read=beam.pvalue.AsSingleton(read_count),
                                  outcomes=beam.pvalue.AsList(outcomes),
                                  kept_shards=beam.pvalue.AsList(kept_shards),
                                  rejected_shards=beam.pvalue.AsList(rejected_shards),
                                  rejected_reasons=beam.pvalue.AsList(reasons),
                                  out_dir=out_dir, config=cfg.model_dump(mode="json"),
                                  resource_files=resources.manifest_entries(stages.resources_used(cfg), cfg.base_dir)))


def write_pair_rejects(cfg: RunConfig, settled, out_dir: str):
    """The rejected records' shards and the per-pair outcome and reject
    reason counts (shared with the interleave job)."""
    final_rejected = settled[REJECTED]
    if not cfg.output.write_rejected:
        final_rejected = final_rejected | "NoRejectedRows" >> beam.Filter(lambda r: False)
    rejected_shards = final_rejected | "WriteRejected" >> WriteShards(cfg, out_dir, REJECTED_DIR)
    outcomes = settled.outcome | "CountOutcomes" >> beam.combiners.Count.PerElement()
    reasons = (settled[REJECTED] | "Reasons" >> beam.Map(lambda r: r.reject_reason)
               | "CountReasons" >> beam.combiners.Count.PerElement())
    return rejected_shards, outcomes, reasons


def settle_pairs(p: beam.Pipeline, cfg: RunConfig, *, by_pair_shuffle: Optional[bool] = None):
    """read -> annotate -> align -> transform/score/filter -> dedup -> settle
    per pair; returns (read records, read count, settled outputs with tags
    ``kept``, ``rejected`` and ``outcome``).  The interleave job continues
    from the kept records.

    A pair's records meet for the settle through a shuffle by pair id only
    when dedup can reject one of them elsewhere; without dedup they settle
    where they are made (the same records, so the same bytes).
    ``by_pair_shuffle`` (tests) forces one way or the other."""
    records = p | "ReadInput" >> ReadRecords(cfg)
    read_count = records | "CountRead" >> beam.combiners.Count.Globally()
    ok = records | "DropReadRejects" >> beam.Filter(lambda r: not r.rejected)
    read_rejected = records | "ReadRejects" >> beam.Filter(lambda r: r.rejected)

    annotated = (ok | "AnnotateBatches" >> beam.BatchElements(min_batch_size=1, max_batch_size=ANNOTATE_BATCH)
                 | "Annotate" >> beam.ParDo(Annotate(cfg)).with_output_types(Record).with_outputs(REJECTED, main="ok"))
    rejects = [read_rejected, annotated[REJECTED]]
    stream = annotated.ok
    if cfg.align is not None and cfg.input.tgt_lang:
        from cs_synth.beam_jobs.align_stage import AlignStage

        stream, align_rejected = stream | "Align" >> AlignStage(cfg)
        rejects.append(align_rejected)
    batches = stream | "TransformBatches" >> beam.BatchElements(min_batch_size=1, max_batch_size=TRANSFORM_BATCH)
    if not (cfg.dedup if by_pair_shuffle is None else by_pair_shuffle):
        # every record of a pair comes from one place (a read, annotate or
        # align reject, or the transform of its input record), so each pair
        # settles where its records are made: no shuffle of the whole
        # corpus by pair id (the largest one a local run held, issue 17)
        early = rejects | "EarlyRejects" >> beam.Flatten()
        alone = early | "SettleRejected" >> beam.ParDo(_SettleAlone(cfg)).with_outputs(REJECTED, "outcome",
                                                                                         main="kept")
        made = batches | "Transform" >> beam.ParDo(_TransformSettle(cfg)).with_output_types(Record).with_outputs(
            REJECTED, "outcome", main="kept")
        # typed, so the settled records wait for the writers in the Record coder's
        # bytes (beam_jobs/coders.py), not pickled (about twice the size)
        settled = _Settled(kept=(made.kept, alone.kept) | "SettledKept" >> beam.Flatten().with_output_types(Record),
                           rejected=(made[REJECTED], alone[REJECTED])
                           | "SettledRejected" >> beam.Flatten().with_output_types(Record),
                           outcome=(made.outcome, alone.outcome) | "SettledOutcomes" >> beam.Flatten())
        return records, read_count, settled
    transformed = (batches
                   | "Transform" >> beam.ParDo(Transform(cfg)).with_output_types(Record).with_outputs(REJECTED, main="ok"))
    rejects.append(transformed[REJECTED])
    kept = transformed.ok
    if cfg.dedup:
        from cs_synth.beam_jobs.dedup import build_dedup

        kept, dup_rejected = kept | "Dedup" >> build_dedup(cfg.dedup)
        rejects.append(dup_rejected)

    all_rejected = rejects | "AllRejects" >> beam.Flatten()
    # typed, so records cross the shuffle with the Record coder (beam_jobs/coders.py)
    by_pair = ({"kept": kept | "KeyKept" >> beam.Map(lambda r: (r.pair_id, r)).with_output_types(
                    beam.typehints.KV[str, Record]),
                "rejected": all_rejected | "KeyRejected" >> beam.Map(lambda r: (r.pair_id, r)).with_output_types(
                    beam.typehints.KV[str, Record])}
               | "ByPair" >> beam.CoGroupByKey())
    settled = by_pair | "Settle" >> beam.ParDo(_Settle(cfg)).with_output_types(Record).with_outputs(
        REJECTED, "outcome", main="kept")
    return records, read_count, settled


def beam_options(extra: List[str], workers: int = 1) -> PipelineOptions:
    """Local default: FnApiRunner (never tries the Prism download), in-process
    for one worker, multi-process for more."""
    args = list(extra)
    if not any(a.startswith("--runner") for a in args):
        args.append("--runner=FnApiRunner")
        if workers > 1:
            args += [f"--direct_num_workers={workers}", "--direct_running_mode=multi_processing"]
    opts = PipelineOptions(args)
    known = opts.get_all_options(retain_unknown_options=False)
    unknown = sorted(set(opts.get_all_options(retain_unknown_options=True)) - set(known))
    if unknown:
        from cs_synth.pipeline.units import ConfigError

        raise ConfigError(f"unknown command-line option(s): {', '.join('--' + u for u in unknown)} "
                          f"(neither a cs-synth option nor a Beam pipeline option)")
    check_runner(opts)
    opts.view_as(SetupOptions).save_main_session = False
    return opts


def check_runner(opts: PipelineOptions) -> None:
    """An unknown ``--runner`` (or one whose extra is not installed) is a
    configuration error, before any output."""
    from apache_beam.options.pipeline_options import StandardOptions
    from apache_beam.runners.runner import create_runner

    from cs_synth.pipeline.units import ConfigError

    name = opts.view_as(StandardOptions).runner
    if not isinstance(name, str):
        return
    try:
        create_runner(name)
    except ValueError as exc:
        raise ConfigError(f"--runner: {exc}") from None
    except ImportError as exc:
        hint = " (pip install 'cs-synth[gcs]')" if "dataflow" in name.lower() else ""
        raise ConfigError(f"--runner {name}: cannot be loaded here: {exc}{hint}") from None


def job_reference(result, options: PipelineOptions) -> Optional[str]:
    """The job id (and console URL on Dataflow) a remote runner reports."""
    job_id = getattr(result, "job_id", None)
    job_id = job_id() if callable(job_id) else (job_id or getattr(result, "_job_id", None))
    if not job_id:
        return None
    name = resources.runner_name(options)
    if "dataflow" in name.lower():
        from apache_beam.options.pipeline_options import GoogleCloudOptions

        gco = options.view_as(GoogleCloudOptions)
        return (f"{name} job {job_id}: https://console.cloud.google.com/dataflow/jobs/{gco.region}/{job_id}"
                f"?project={gco.project}")
    return f"{name} job {job_id}"


def run_job(cfg: RunConfig, out_dir: str, *, workers: int = 1, beam_args: Optional[List[str]] = None,
            overwrite: bool = False, force_unlock: bool = False) -> dict:
    """Validate, run, and return the manifest.

    The output goes through :mod:`cs_synth.pipeline.write.commit`: a lock on the
    folder, every file written into a staging folder, then published (the
    manifest last); a run that fails or is killed publishes nothing."""
    from apache_beam.io.filesystems import FileSystems

    from cs_synth.pipeline.write.commit import OutputDir, run_failure

    # options first: they name unknown flags, and they configure the remote
    # filesystems (s3://, gs://) that the input check and the output use
    options = beam_options(beam_args or [], workers)
    FileSystems.set_options(options)
    resources.set_worker_filesystem_options(options)
    resources.check_s3_credentials(cfg.model_dump(mode="json"), out_dir, options)
    # a remote runner's workers cannot read this machine's files: each local
    # resource must be small enough to travel with the job
    resources.check_launch(stages.resources_used(cfg), cfg.model_dump(mode="json"), cfg.context().resolve, options)
    check_input(cfg.input, cfg.context().resolve)  # units were validated when the config was parsed
    out = OutputDir(out_dir).open(overwrite=overwrite, force_unlock=force_unlock)
    try:
        p = beam.Pipeline(options=options)
        build(p, cfg, out.staging)
        try:
            result = p.run()
            if resources.is_remote_runner(options) and job_reference(result, options):
                print(f"[cs-synth] {job_reference(result, options)}", file=sys.stderr, flush=True)
            result.wait_until_finish()
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
