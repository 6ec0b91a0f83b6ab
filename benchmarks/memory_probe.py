"""Where the memory of a local (FnApiRunner, in-process) job goes, stage by
stage (issue 17).

    python benchmarks/memory_probe.py --pairs 10000 [--job translit|span-ec] [--out FILE.json]

Runs the job in this process (``--workers 1``) with FnApiRunner's
``_execute_bundle`` wrapped: after each bundle it records the stage, the
process RSS, the peak RSS while the bundle ran (sampled every 50 ms), and
what the runner holds at that moment: the bytes in the live PCollection
buffers (every ``ListBuffer`` / ``GroupingBuffer`` reachable by the garbage
collector: the pending stage inputs, including those queued for stages
not yet run) and the bytes in the state servicer (side inputs, and the
iterables a GroupByKey's result spilled to state).  Prints one line per
bundle and the top stages by RSS growth.  Measurement only: the job's
output is what the job writes anyway.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
import _m30k as m  # noqa: E402


def _buffer_bytes():
    from apache_beam.runners.portability.fn_api_runner import execution as ex

    lists = groups = group_values = 0
    n_lists = n_groups = 0
    for obj in gc.get_objects():
        t = type(obj)
        if t is ex.ListBuffer:
            n_lists += 1
            lists += sum(len(b) for b in obj._inputs)
            if obj._grouped_output:
                lists += sum(len(b) for part in obj._grouped_output for b in part)
        elif t is ex.GroupingBuffer:
            n_groups += 1
            group_values += sum(len(v) for v in obj._table.values())
            if obj._grouped_output:
                groups += sum(len(b) for part in obj._grouped_output for b in part)
    return {"list_buffers": n_lists, "list_mb": lists / 2 ** 20, "grouping_buffers": n_groups,
            "grouping_encoded_mb": groups / 2 ** 20, "grouping_table_values": group_values}


def _state_bytes(ctx):
    st = ctx.worker_handler_manager.state_servicer._state
    st = getattr(st, "_underlying", st)
    return sum(len(b) for v in st.values() for b in v) / 2 ** 20, len(st)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", type=int, default=10000)
    ap.add_argument("--job", choices=["translit", "span-ec"], default="translit")
    ap.add_argument("--out", default=None, help="write the rows here as JSON")
    args = ap.parse_args()
    import psutil
    from apache_beam.runners.portability.fn_api_runner import fn_runner

    import read_scale

    proc = psutil.Process()
    rss = lambda: proc.memory_info().rss / 2 ** 20  # noqa: E731
    rows = []
    peak = {"v": 0.0}
    stop = threading.Event()

    def sampler():
        while not stop.is_set():
            peak["v"] = max(peak["v"], rss())
            stop.wait(0.05)

    original = fn_runner.FnApiRunner._execute_bundle

    def execute_bundle(self, ctx, bcm, bundle_input):
        before = rss()
        peak["v"] = before
        t0 = time.perf_counter()
        out = original(self, ctx, bcm, bundle_input)
        after = rss()
        bufs = _buffer_bytes()
        state_mb, state_keys = _state_bytes(ctx)
        row = {"stage": bcm.stage.name, "rss_before_mb": before, "rss_after_mb": after,
               "peak_in_bundle_mb": max(peak["v"], after), "wall_s": time.perf_counter() - t0,
               "state_mb": state_mb, "state_keys": state_keys, **bufs}
        rows.append(row)
        print(f"{row['stage'][:60]:60s} rss {before:6.0f} -> {after:6.0f} (peak {row['peak_in_bundle_mb']:6.0f}) "
              f"| buffers {bufs['list_buffers']:3d} list {bufs['list_mb']:6.1f} MB, {bufs['grouping_buffers']:2d} "
              f"grouping {bufs['grouping_encoded_mb']:6.1f} MB enc + {bufs['grouping_table_values']} values "
              f"| state {state_mb:6.1f} MB in {state_keys} keys", flush=True)
        return out

    fn_runner.FnApiRunner._execute_bundle = execute_bundle
    tmp = tempfile.mkdtemp(prefix="memory-probe-")
    th = threading.Thread(target=sampler, daemon=True)
    th.start()
    try:
        pairs, what = m.load_pairs(args.pairs)
        tsv = m.write_tsv(tmp, pairs)
        cfg_dict = read_scale.job_config(tsv) if args.job == "translit" else m.job_config(tsv)
        config = m.write_config(tmp, cfg_dict)
        from cs_synth.beam_jobs.synth import run

        t0 = time.perf_counter()
        start = rss()
        man = run(["--config", config, "--output", os.path.join(tmp, "out"), "--overwrite"])
        wall = time.perf_counter() - t0
    finally:
        stop.set()
        shutil.rmtree(tmp, ignore_errors=True)
    import resource

    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{what}, job {args.job}: start RSS {start:.0f} MB, peak RSS {maxrss:.0f} MB, wall {wall:.0f}s, "
          f"read {man['read']}, written {man['written']}")
    grow = sorted(rows, key=lambda r: r["rss_after_mb"] - r["rss_before_mb"], reverse=True)[:8]
    print("largest RSS growth by bundle:")
    for r in grow:
        print(f"  +{r['rss_after_mb'] - r['rss_before_mb']:6.1f} MB  {r['stage']}")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            json.dump({"pairs": args.pairs, "job": args.job, "start_rss_mb": start, "peak_rss_mb": maxrss,
                       "wall_s": wall, "bundles": rows}, fh, indent=1)


if __name__ == "__main__":
    main()
