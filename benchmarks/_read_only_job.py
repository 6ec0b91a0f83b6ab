"""The job's read stage alone, as a Beam pipeline (used by read_scale.py
``--stage read``).

    python benchmarks/_read_only_job.py CONFIG WORKERS RESULT.json

Runs the job's own ``ReadRecords`` (the split reader: byte blocks, chunks
spread by a Reshuffle, lines numbered from a side input), then reduces every
record to ``sha256(id + encoded record)``: its id and every byte the
record coder writes between stages.  An order-free digest (the count, the
sum and the XOR of those hashes) and the count of distinct ids are written to
RESULT.json.  Two runs with equal digests read the same records, with the
same ids and bytes, whatever the number of workers."""
from __future__ import annotations

import hashlib
import json
import sys

import apache_beam as beam

from cs_synth.beam_jobs.coders import encode_record
from cs_synth.beam_jobs.synth import ReadRecords, beam_options
from cs_synth.pipeline.config import load_config

MOD = 1 << 256


class Digest(beam.CombineFn):
    def create_accumulator(self):
        return (0, 0, 0)

    def add_input(self, acc, h):
        return (acc[0] + 1, (acc[1] + h) % MOD, acc[2] ^ h)

    def merge_accumulators(self, accs):
        n = s = x = 0
        for a in accs:
            n, s, x = n + a[0], (s + a[1]) % MOD, x ^ a[2]
        return (n, s, x)

    def extract_output(self, acc):
        return {"records": acc[0], "sum": f"{acc[1]:064x}", "xor": f"{acc[2]:064x}"}


def record_hash(rec) -> int:
    h = hashlib.sha256(rec.id.encode("utf-8") + b"\0" + encode_record(rec))
    return int.from_bytes(h.digest(), "big")


def main() -> None:
    config, workers, result = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    cfg = load_config(config)
    with beam.Pipeline(options=beam_options([], workers)) as p:
        recs = p | "Read" >> ReadRecords(cfg)
        digest = (recs | "Hash" >> beam.Map(record_hash) | "Digest" >> beam.CombineGlobally(Digest())
                  | "KeyDigest" >> beam.Map(lambda d: ("digest", d)))
        ids = (recs | "Ids" >> beam.Map(lambda r: r.id) | "Distinct" >> beam.Distinct()
               | "CountIds" >> beam.combiners.Count.Globally() | "KeyIds" >> beam.Map(lambda n: ("distinct_ids", n)))
        rejected = (recs | "Rejected" >> beam.Filter(lambda r: r.rejected)
                    | "CountRejected" >> beam.combiners.Count.Globally()
                    | "KeyRejected" >> beam.Map(lambda n: ("rejected", n)))
        # three small values, written by whichever worker gets them
        ((digest, ids, rejected) | "Merge" >> beam.Flatten() | "All" >> beam.combiners.ToList()
         | "Write" >> beam.Map(_write, result))


def _write(vals, path):
    with open(path, "w") as fh:
        json.dump(dict(sorted(vals)), fh, sort_keys=True)


if __name__ == "__main__":
    main()
