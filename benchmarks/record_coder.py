"""Encode + decode time of records: the Record coder (msgpack tuples) against
pickling the frozen dataclasses as before issue 17 (field-name dicts, and a
FrozenMap rebuilt through the Mapping check and a re-sort), interleaved.

    python benchmarks/record_coder.py [--records 5000] [--rounds 5]
"""
from __future__ import annotations

import argparse
import io
import os
import pickle
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "beam_jobs"))

from cs_synth.beam_jobs.coders import decode_record, encode_record  # noqa: E402
from cs_synth.pipeline.record import FrozenMap, Record, Side, Span, Edit  # noqa: E402


class _OldPickler(pickle.Pickler):
    """Pickles records the way they were pickled before: the dataclass
    default (``__reduce_ex__`` with the instance dict) and FrozenMap(items)."""

    def reducer_override(self, obj):
        if isinstance(obj, (Record, Side, Span, Edit)):
            return object.__reduce_ex__(obj, 2)
        if isinstance(obj, FrozenMap):
            return (FrozenMap, (obj._items,))
        return NotImplemented


def old_encode(r) -> bytes:
    buf = io.BytesIO()
    _OldPickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(r)
    return buf.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    from test_coders import _full_record

    recs = [_full_record(rid=f"m30k.tsv:{k:08d}") for k in range(args.records)]
    assert all(pickle.loads(old_encode(r)) == r == decode_record(encode_record(r)) for r in recs[:50])
    old_t, new_t = [], []
    for _ in range(args.rounds):  # each decoded record is dropped at once, as in a Beam bundle
        t = time.process_time()
        for r in recs:
            pickle.loads(old_encode(r))
        old_t.append(time.process_time() - t)
        t = time.process_time()
        for r in recs:
            decode_record(encode_record(r))
        new_t.append(time.process_time() - t)
    o, n = statistics.median(old_t), statistics.median(new_t)
    print(f"{args.records} records, median of {args.rounds} interleaved rounds (CPU s): pickle as before "
          f"{o:.3f}s ({1e6 * o / args.records:.0f} us/record, {len(old_encode(recs[0]))} bytes), Record coder "
          f"{n:.3f}s ({1e6 * n / args.records:.0f} us/record, {len(encode_record(recs[0]))} bytes): {o / n:.2f}x")


if __name__ == "__main__":
    main()
