"""``cs-synth`` command line.

    cs-synth run CONFIG.yaml --output DIR [--workers N] [--overwrite] [beam options]
    cs-synth augment --src TEXT [--tgt TEXT] --src-lang en [--tgt-lang hi] --recipe NAME [-o key=value ...]
    cs-synth recipes | align-eval | dialect-features | report OUTPUT_DIR | verify OUTPUT_DIR
    cs-synth make-priors BIG_CORPUS.yaml --output priors.txt

Subcommands other than ``run`` and ``augment`` live in their stage's
package and are imported only when called.  The command line is part of the
shell layer (``beam_jobs``): it may import ``pipeline``, ``transforms`` and
the Beam jobs, while ``pipeline`` imports neither of the other two.
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from typing import List, Optional

import yaml

from cs_synth.pipeline.units import ConfigError

# subcommand -> module exposing add_arguments(parser) and run(args)
SUBCOMMANDS = {
    "recipes": ("cs_synth.transforms.catalog", "list the recipes with a description and the paper each follows"),
    "align-eval": ("cs_synth.pipeline.align.evaluate", "word-alignment AER / precision / recall against gold links"),
    "dialect-features": ("cs_synth.transforms.dialect.cli", "list the implemented eWAVE dialect features"),
    "report": ("cs_synth.pipeline.report", "write an HTML + JSON statistics report for an output folder"),
    "verify": ("cs_synth.pipeline.write.verify_cli", "check an output folder against its manifest (rows, sha256)"),
    "make-priors": ("cs_synth.pipeline.align.make_priors", "eflomal priors from a larger parallel corpus, for a "
                    "small job's align.options.priors_file"),
}


def _add_run(sub) -> None:
    p = sub.add_parser("run", help="run a recipe config over a corpus with Apache Beam")
    p.add_argument("config", help="YAML config (see samples/recipes/)")
    p.add_argument("--output", "-o", required=True, help="output folder (local path or gs://...)")
    p.add_argument("--workers", type=int, default=1, help="local worker processes (default 1: in-process)")
    p.add_argument("--overwrite", action="store_true", help="replace an earlier run in the output folder")
    p.add_argument("--no-report", action="store_true", help="do not write the HTML report after the run")
    p.add_argument("--force-unlock", action="store_true",
                   help="clear the lock that a killed run left on the output folder")
    p.add_argument("--progress-every", type=float, default=5.0, metavar="SECONDS",
                   help="print live per-stage counts (and an ETA) this often during a local run; 0: never")
    p.add_argument("--quiet", "-q", action="store_true", help="no live progress lines (same as --progress-every 0)")


def _add_augment(sub) -> None:
    p = sub.add_parser("augment", help="apply a recipe to one pair and print JSON")
    p.add_argument("--src", required=True)
    p.add_argument("--tgt")
    p.add_argument("--src-lang", required=True)
    p.add_argument("--tgt-lang")
    p.add_argument("--recipe", required=True)
    p.add_argument("--alignment", help="Pharaoh links over the tokens, e.g. '0-0 1-2'")
    p.add_argument("--pretokenized", action="store_true", help="split both sides on whitespace")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--option", "-O", action="append", default=[], metavar="KEY=VALUE",
                   help="recipe option (value parsed as YAML), repeatable")


def _summary(manifest: dict, seconds: float, out_dir: str) -> str:
    lines = [
        f"cs-synth: read {manifest['read']} pairs in {seconds:.1f}s ({manifest['read'] / max(seconds, 1e-9):.1f} pairs/s)",
        f"  pairs with output: {manifest['pairs_with_output']}   records written: {manifest['written']}",
        f"  pairs rejected:    {manifest['rejected']['total']}",
    ]
    for reason, n in sorted(manifest["rejected"]["by_reason"].items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"    {reason:<28} {n}")
    if manifest["rejected_records"]["total"] != manifest["rejected"]["total"]:
        lines.append(f"  rejected records (incl. filtered candidates): {manifest['rejected_records']['total']}")
    if manifest.get("errors"):
        lines.append(f"  unit errors: {manifest['errors']} (see rejected shards, reason unit_error)")
    lines.append(f"  accounting: read == pairs_with_output + rejected -> {manifest['accounting_ok']}")
    docs = manifest.get("documents")
    if docs:  # the interleave job (pipeline/interleave): document-level counts
        lines.append(f"  documents read: {docs['read']}   with output: {docs['with_output']}   "
                     f"sequences: {docs['sequences_written']} ({docs['tokens_written']} tokens)")
        lines.append(f"  documents rejected: {docs['rejected']['total']}")
        for reason, n in sorted(docs["rejected"]["by_reason"].items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"    {reason:<28} {n}")
        lines.append(f"  accounting: documents read == with output + rejected -> {docs['accounting_ok']}")
    lines.append(f"  shards: {out_dir}/data ({len(manifest['shards'])}), manifest: {out_dir}/manifest.json")
    return "\n".join(lines)


def cmd_run(args, beam_args: List[str]) -> int:
    from cs_synth.beam_jobs.synth import run_job
    from cs_synth.pipeline.config import load_config

    from apache_beam.io.filesystems import FileSystems

    from cs_synth.beam_jobs.synth import beam_options

    # the Beam flags first: they name unknown flags, and they configure the
    # remote filesystems (s3://, gs://) that the config's resources are read from
    FileSystems.set_options(beam_options(beam_args, args.workers))
    cfg = load_config(args.config)
    if is_dry_run(beam_args, args.workers):  # translate the job for its runner, submit nothing, write nothing
        print(f"[cs-synth] dry run of {args.config} -> {args.output} {_where(args.workers, beam_args)}",
              file=sys.stderr)
        translated = dry_run(cfg, args.output, beam_args=beam_args, workers=args.workers)
        print(f"cs-synth: dry run: {translated.transforms} transforms translated for {translated.runner}; "
              f"nothing submitted, nothing written")
        return 0
    if cfg.interleave is not None:  # documents -> interleaved training sequences
        from cs_synth.beam_jobs.interleave import run_job
    print(f"[cs-synth] running {args.config} -> {args.output} {_where(args.workers, beam_args)}", file=sys.stderr)
    t0 = time.time()
    every = 0.0 if args.quiet else args.progress_every
    if every < 0:
        raise ConfigError(f"--progress-every: {args.progress_every} is negative; give seconds, or 0 for none")
    from cs_synth.beam_jobs.common import input_size, live_progress
    from cs_synth.pipeline import resources

    if every and resources.is_remote_runner(beam_options(beam_args, args.workers)):
        every = 0.0  # a remote runner reports its own progress (the job id / URL is printed)
    with live_progress(every, input_size(cfg) if every else None):
        manifest = run_job(cfg, args.output, workers=args.workers, beam_args=beam_args, overwrite=args.overwrite,
                           force_unlock=args.force_unlock)
    print(_summary(manifest, time.time() - t0, args.output))
    if not args.no_report:
        from cs_synth.pipeline.report import ReportError, write_report

        try:
            print(f"  report: {write_report(args.output)}")
        except ReportError as exc:  # the run itself succeeded: say why there is no report
            print(f"  report: not written: {exc}", file=sys.stderr)
    return 0 if manifest["accounting_ok"] else 3


def is_dry_run(beam_args: List[str], workers: int = 1) -> bool:
    """``--dry_run=True`` among the Beam flags (Beam's TestOptions)."""
    from apache_beam.options.pipeline_options import TestOptions

    from cs_synth.beam_jobs.synth import beam_options

    return bool(beam_options(beam_args, workers).view_as(TestOptions).dry_run)


class DryRun:
    """What a dry run translated: the pipeline proto, the runner's job
    object where it makes one (Dataflow: ``apiclient.Job`` with the job
    request and its pipeline options), and the options."""

    def __init__(self, runner: str, pipeline_proto, job, options):
        self.runner, self.pipeline_proto, self.job, self.options = runner, pipeline_proto, job, options
        self.transforms = len(pipeline_proto.components.transforms)


def dry_run(cfg, out_dir: str, *, beam_args: List[str], workers: int = 1) -> DryRun:
    """The launch of :func:`cs_synth.beam_jobs.synth.run_job` up to the runner's
    translation, with the runner's own dry run (``--dry_run=True``;
    DataflowRunner builds the job request and returns without submitting):
    the same option, filesystem, credential, resource and input checks, no
    output folder opened.  On runners without a dry run the pipeline is
    only translated to its proto."""
    import apache_beam as beam
    from apache_beam.io.filesystems import FileSystems

    from cs_synth.beam_jobs import synth
    from cs_synth.pipeline import resources, stages
    from cs_synth.pipeline.read.readers import check_input

    options = synth.beam_options(beam_args, workers)
    FileSystems.set_options(options)
    resources.set_worker_filesystem_options(options)
    resources.check_s3_credentials(cfg.model_dump(mode="json"), out_dir, options)
    resources.check_launch(stages.resources_used(cfg), cfg.model_dump(mode="json"), cfg.context().resolve, options)
    check_input(cfg.input, cfg.context().resolve)
    if cfg.interleave is not None:
        from cs_synth.beam_jobs.interleave import build
    else:
        build = synth.build
    p = beam.Pipeline(options=options)
    build(p, cfg, out_dir.rstrip("/") + "/.cs-synth/dry-run")
    runner = resources.runner_name(options)
    if "dataflow" in runner.lower():
        from apache_beam.runners.dataflow.internal import apiclient

        job = p.run().job  # DataflowRunner returns before submitting under --dry_run
        # the request's environment (pipeline options, worker pools), as the
        # submission would add it, minus staging the files
        job.proto.environment = apiclient.Environment(
            packages=[], options=job.options, environment_version=apiclient._FNAPI_ENVIRONMENT_MAJOR_VERSION,  # noqa: SLF001
            proto_pipeline_staged_url=FileSystems.join(job.google_cloud_options.staging_location, "pipeline.pb"),
            proto_pipeline=job.proto_pipeline).proto
        return DryRun(runner, job.proto_pipeline, job, options)
    return DryRun(runner, p.to_runner_api(), None, options)


def _where(workers: int, beam_args: List[str]) -> str:
    """Where the job runs: in-process, N local worker processes, or a runner."""
    runner = None
    for k, a in enumerate(beam_args):
        if a.startswith("--runner="):
            runner = a.split("=", 1)[1]
        elif a == "--runner" and k + 1 < len(beam_args):
            runner = beam_args[k + 1]
    if runner:
        return f"on {runner}"
    if workers > 1:
        return f"with {workers} local worker processes (FnApiRunner, multi-processing)"
    return "in-process (FnApiRunner)"


def cmd_augment(args) -> int:
    from cs_synth.pipeline.api import augment

    options = {}
    for item in args.option:
        if "=" not in item:
            raise ConfigError(f"--option {item!r}: expected KEY=VALUE")
        k, v = item.split("=", 1)
        options[k] = yaml.safe_load(v)
    records = augment(args.src, args.tgt, src_lang=args.src_lang, tgt_lang=args.tgt_lang, recipe=args.recipe,
                      seed=args.seed, alignment=args.alignment, pretokenized=args.pretokenized, **options)
    from cs_synth.pipeline.write.schema import record_to_row

    rows = []
    for r in records:
        row = record_to_row(r)
        row["scores"] = {k: v for k, v in row["scores"].items() if v is not None}
        rows.append(row)
    print(json.dumps(rows, ensure_ascii=False, indent=2))
    return 0 if any(not r.rejected for r in records) else 1


def _quiet_logs() -> None:
    import logging

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for name in ("apache_beam", "root"):
        logging.getLogger(name).setLevel(logging.ERROR)


def main(argv: Optional[List[str]] = None) -> int:
    _quiet_logs()
    parser = argparse.ArgumentParser(prog="cs-synth", description="Code-switching / transliteration / dialect "
                                     "data synthesis on Apache Beam")
    from cs_synth.pipeline import __version__

    parser.add_argument("--version", action="version", version=f"cs-synth {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    _add_run(sub)
    _add_augment(sub)
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv else None
    for name, (module, help_text) in SUBCOMMANDS.items():
        p = sub.add_parser(name, help=help_text)
        if name == command:
            try:
                importlib.import_module(module).add_arguments(p)
            except ModuleNotFoundError as exc:
                print(f"cs-synth {name}: not available ({exc})", file=sys.stderr)
                return 2
    if command == "run":
        args, beam_args = parser.parse_known_args(argv)
    else:
        args, beam_args = parser.parse_args(argv), []
    try:
        if args.command == "run":
            return cmd_run(args, beam_args)
        if args.command == "augment":
            return cmd_augment(args)
        return int(importlib.import_module(SUBCOMMANDS[args.command][0]).run(args) or 0)
    except ConfigError as exc:
        print(f"cs-synth: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
