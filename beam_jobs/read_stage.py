"""The read stage of the Beam jobs: the input's records.

TSV, JSONL and text files are read by byte blocks, Parquet and Arrow IPC
files by row groups / record batches, on several workers, and parsed
wherever the shuffle puts the chunks; Moses pairs by line ranges of both
files (pipeline/read/splits.py: same ids and bytes for any split); other
inputs are read a file per worker.
"""
from __future__ import annotations

import sys
import time

import apache_beam as beam
from apache_beam.metrics import Metrics

from cs_synth.beam_jobs import coders  # noqa: F401  (registers the Record coder)
from cs_synth.pipeline import resources, stages
from cs_synth.pipeline.config import RunConfig
from cs_synth.pipeline.record import Record


class ReadFile(beam.DoFn):
    """One read unit (a file, or a pair of files) -> its records, streamed."""

    def __init__(self, cfg: RunConfig):
        self.cfg = cfg
        self.stage = None
        # the local resource files the read stage reads, by content (cs_synth.pipeline.resources)
        self.carried = resources.carry(stages.resources_used(cfg, "read"))
        self.read = Metrics.counter("cs_synth", "read")

    def setup(self):
        resources.install(self.carried)
        self.stage = stages.stage(self.cfg, "read")

    def process(self, unit):
        n, t0 = 0, time.time()
        for rec in self.stage.process(unit):
            n += 1
            self.read.inc()
            if n % 2000 == 0:
                print(f"[cs-synth] read {n} pairs from {unit} ({n / (time.time() - t0):.0f}/s)",
                      file=sys.stderr, flush=True)
            yield rec


class _ReadBlock(beam.DoFn):
    """One block of a split file -> its raw lines (or table rows) in
    chunks, and its line (row) count."""

    def __init__(self, cfg: RunConfig):
        # what ReadFile carries: the read stage's resource files and the
        # launch's filesystem flags (a multi-process local worker has no
        # pipeline options: without them an s3:// block is read from the
        # default AWS endpoint, not --s3_endpoint_url)
        self.carried = resources.carry(stages.resources_used(cfg, "read"))

    def setup(self):
        resources.install(self.carried)

    def process(self, block):
        from cs_synth.pipeline.read.splits import ends_file, read_block

        n, end = 0, False
        for chunk in read_block(block):
            n += chunk.count
            end = end or ends_file(chunk)
            yield chunk
        # (path, block, lines or rows, whether the block ends the file's records)
        yield beam.pvalue.TaggedOutput("count", (block.path, block.index, n, end))


class _ParseChunk(beam.DoFn):
    """A chunk of raw lines -> records, numbered from the line counts of the
    blocks before it (a side input)."""

    def __init__(self, cfg: RunConfig):
        self.input = cfg.input
        self.read = Metrics.counter("cs_synth", "read")
        self._bases = (None, None)

    def process(self, chunk, counts):
        from cs_synth.pipeline.read.splits import block_bases, parse_chunk

        if self._bases[0] is not counts:
            self._bases = (counts, block_bases(counts))
        for rec in parse_chunk(chunk, self._bases[1][(chunk.path, chunk.index)], self.input):
            self.read.inc()
            yield rec


class _ReadMosesBlock(beam.DoFn):
    """One block of a Moses pair (the same lines of both files) -> its
    records, numbered from the block's first line (known from the plan)."""

    def __init__(self, cfg: RunConfig):
        self.input = cfg.input
        # what ReadFile carries (see _ReadBlock)
        self.carried = resources.carry(stages.resources_used(cfg, "read"))
        self.read = Metrics.counter("cs_synth", "read")

    def setup(self):
        resources.install(self.carried)

    def process(self, block):
        from cs_synth.pipeline.read.splits import read_moses_block

        for rec in read_moses_block(block, self.input):
            self.read.inc()
            yield rec


class ReadRecords(beam.PTransform):
    """The input's records.  TSV, JSONL and text files are read by byte
    blocks, Parquet files by row groups and Arrow IPC files by record
    batches, on several workers, and parsed wherever the shuffle puts the
    chunks; Moses pairs by line ranges the same in both files, parsed where
    they are read (pipeline/read/splits.py; same ids and bytes for any
    split); other inputs are read a file per worker, then spread."""

    def __init__(self, cfg: RunConfig):
        super().__init__()
        self.cfg = cfg

    def expand(self, p):
        from cs_synth.pipeline.read import splits

        units = stages.stage(self.cfg, "read").units()
        if not splits.splittable(self.cfg.input):
            return (p | "Inputs" >> beam.Create(units, reshuffle=False)
                    | "Read" >> beam.ParDo(ReadFile(self.cfg)).with_output_types(Record)
                    | "Spread" >> beam.Reshuffle())
        if self.cfg.input.format == "moses":  # line ranges, the same in both files
            blocks = [b for unit in units for b in splits.plan_moses(tuple(unit))]
            return (p | "MosesBlocks" >> beam.Create(blocks, reshuffle=len(blocks) > 1)
                    | "ReadMoses" >> beam.ParDo(_ReadMosesBlock(self.cfg)).with_output_types(Record)
                    | "Spread" >> beam.Reshuffle())
        blocks = splits.plan_blocks(units, fmt=self.cfg.input.format)
        read = (p | "Blocks" >> beam.Create(blocks, reshuffle=len(blocks) > 1)
                | "ReadBlocks" >> beam.ParDo(_ReadBlock(self.cfg)).with_outputs("count", main="chunks"))
        return (read.chunks | "SpreadChunks" >> beam.Reshuffle()
                | "Parse" >> beam.ParDo(_ParseChunk(self.cfg), counts=beam.pvalue.AsList(read.count))
                .with_output_types(Record))
