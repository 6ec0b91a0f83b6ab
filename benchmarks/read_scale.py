"""A 1M-pair gzipped TSV through the job with 1 and 4 workers (issue 12).

    python benchmarks/read_scale.py [--pairs 1000000] [--workers 1 4] [--stage job|read] [--md PATH]

Builds ``--pairs`` en-de pairs as one gzipped TSV under a temporary folder
(multi30k train repeated; the TSV reader numbers lines, so the repeats are
distinct records; never written into the repository), then runs a cheap job
that needs no aligner and no model (spaCy's blank tokenizer, the ``translit``
recipe with ICU ``Latin-ASCII``, no dedup) once per worker count, each in a
fresh process.  A gzipped file is one block (it cannot be cut by bytes): one
worker streams it and the chunks of lines are parsed on every worker
(pipeline/read/splits.py).

Asserts (in this script, not a test) that every run wrote the same shard
files byte for byte, the same ids, and the same manifest counts.  Prints
wall time, CPU seconds and peak RSS for each run: the peak of the *sum* over
the whole process tree (sampled every 0.2 s with psutil: the launcher and
every worker process) and the largest single process (``ru_maxrss`` of the
children).  With ``--md`` the printed lines are also written there.
"""
from __future__ import annotations

import argparse
import glob
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
import _m30k as m  # noqa: E402


def build_input(folder: str, n: int) -> str:
    """``n`` pairs as pairs.tsv.gz (streamed, never a list of n pairs)."""
    base, _ = m.load_pairs(m.M30K_PAIRS)
    path = os.path.join(folder, "pairs.tsv.gz")
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=6) as fh:
        k = 0
        while k < n:
            for e, g in base[: n - k]:
                fh.write(f"{e}\t{g}\n")
            k += min(len(base), n - k)
    return path


def job_config(tsv: str) -> dict:
    return {"input": {"format": "tsv", "path": tsv, "src_lang": "en", "tgt_lang": "de"},
            "align": None,
            "transform": [{"recipe": "translit", "options": {"backend": "icu", "transform_id": "Latin-ASCII"}}],
            "seed": 0}


_WRAP = r"""
import json, resource, subprocess, sys
proc = subprocess.run(sys.argv[2:])
r = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as fh:
    json.dump({"rc": proc.returncode, "cpu_s": r.ru_utime + r.ru_stime, "maxrss_kb": r.ru_maxrss}, fh)
"""


def run_measured(cmd, log_path: str) -> dict:
    """Run ``cmd`` through a wrapper; wall, CPU of the tree, the largest
    single process's peak RSS, and the peak of the tree's summed RSS."""
    import psutil

    fd, stats = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    peak = {"tree_mb": 0.0}
    t0 = time.perf_counter()
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-c", _WRAP, stats] + list(cmd), cwd=m.REPO, stdout=log,
                                stderr=subprocess.STDOUT)
        done = threading.Event()

        def sample():
            root = psutil.Process(proc.pid)
            while not done.is_set():
                try:
                    procs = [root] + root.children(recursive=True)
                    total = 0
                    for p in procs:
                        try:
                            total += p.memory_info().rss
                        except psutil.Error:
                            pass
                    peak["tree_mb"] = max(peak["tree_mb"], total / 2 ** 20)
                except psutil.Error:
                    pass
                done.wait(0.2)

        th = threading.Thread(target=sample, daemon=True)
        th.start()
        proc.wait()
        done.set()
        th.join()
    wall = time.perf_counter() - t0
    with open(stats) as fh:
        st = json.load(fh)
    os.unlink(stats)
    if proc.returncode != 0 or st["rc"] != 0:
        with open(log_path) as fh:
            tail = fh.read()[-3000:]
        raise RuntimeError(f"{' '.join(cmd)} failed ({st['rc']}):\n{tail}")
    return {"wall_s": wall, "cpu_s": st["cpu_s"], "max_process_rss_mb": st["maxrss_kb"] / 1024.0,
            "peak_tree_rss_mb": peak["tree_mb"]}


def output_digest(out: str) -> dict:
    """sha256 of every shard file, the sorted ids, and the manifest counts."""
    import pyarrow as pa

    files = {os.path.relpath(p, out): hashlib.sha256(open(p, "rb").read()).hexdigest()
             for p in sorted(glob.glob(os.path.join(out, "*", "*.arrow")))}
    ids = hashlib.sha256()
    n_ids = 0
    for p in sorted(glob.glob(os.path.join(out, "*", "*.arrow"))):
        with pa.memory_map(p) as src:
            for batch in pa.ipc.open_stream(src):
                col = batch.column(batch.schema.get_field_index("id")).to_pylist()
                n_ids += len(col)
                ids.update("\n".join(col).encode("utf-8") + b"\n")
    with open(os.path.join(out, "manifest.json"), encoding="utf-8") as fh:
        man = json.load(fh)
    counts = {k: man[k] for k in ("read", "pairs_with_output", "rejected", "written", "rejected_records")}
    return {"files": files, "ids_sha256": ids.hexdigest(), "ids": n_ids, "counts": counts}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    ap.add_argument("--md", default=None, help="also write the printed lines to this Markdown file")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (prints its path)")
    ap.add_argument("--stage", choices=("job", "read"), default="job",
                    help="job: the whole translit job (default); read: the job's read stage alone "
                         "(benchmarks/_read_only_job.py), compared by an order-free digest of every record's "
                         "id and encoded bytes")
    args = ap.parse_args()
    lines = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    tmp = tempfile.mkdtemp(prefix="read-scale-")
    try:
        t0 = time.perf_counter()
        tsv = build_input(tmp, args.pairs)
        say(f"input: {args.pairs} pairs (multi30k en-de train, {m.M30K_PAIRS} pairs, repeated; ids are line "
            f"numbers, so the repeats are distinct), one gzipped TSV of {os.path.getsize(tsv) / 2 ** 20:.1f} MiB, "
            f"built in {time.perf_counter() - t0:.0f}s")
        config = m.write_config(tmp, job_config(tsv))
        if args.stage == "read":
            say("stage: the job's ReadRecords alone (split reader: the gzip file is one streamed block, chunks of "
                "lines reshuffled and parsed on every worker), then sha256(id + the record coder's bytes) per "
                "record, combined order-free (count, sum, xor) and distinct ids counted; FnApiRunner, --workers N")
        else:
            say("job: spaCy blank tokenizer, no aligner, translit (ICU Latin-ASCII), no dedup, seed 0; FnApiRunner, "
                "--workers N (multi-process for N > 1)")
        results, digests = [], []
        for w in args.workers:
            out = os.path.join(tmp, f"out-w{w}")
            load = m.load_note()
            if args.stage == "read":
                res_path = os.path.join(tmp, f"read-w{w}.json")
                cmd = [sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "_read_only_job.py"), config,
                       str(w), res_path]
                res = run_measured(cmd, os.path.join(tmp, f"log-w{w}.txt"))
                with open(res_path) as fh:
                    dig = json.load(fh)
                results.append((w, res))
                digests.append(dig)
                say(f"workers {w}: wall {res['wall_s']:.0f}s, CPU {res['cpu_s']:.0f}s, peak RSS of the process "
                    f"tree {res['peak_tree_rss_mb']:.0f} MB (largest single process "
                    f"{res['max_process_rss_mb']:.0f} MB); records {dig['digest']['records']}, distinct ids "
                    f"{dig['distinct_ids']}, rejected {dig['rejected']}, digest {dig['digest']['sum'][:16]}… | {load}")
                continue
            res = run_measured(m.job_cmd(config, out, w), os.path.join(tmp, f"log-w{w}.txt"))
            dig = output_digest(out)
            results.append((w, res))
            digests.append(dig)
            say(f"workers {w}: wall {res['wall_s']:.0f}s, CPU {res['cpu_s']:.0f}s, peak RSS of the process tree "
                f"{res['peak_tree_rss_mb']:.0f} MB (largest single process {res['max_process_rss_mb']:.0f} MB); "
                f"read {dig['counts']['read']}, written {dig['counts']['written']}, "
                f"{len(dig['files'])} shard files | {load}")
            shutil.rmtree(out, ignore_errors=True)
        first = digests[0]
        if args.stage == "read":
            for (w, _), dig in zip(results[1:], digests[1:]):
                assert dig == first, f"records differ with {w} workers: {dig} vs {first}"
            assert first["digest"]["records"] == first["distinct_ids"] == args.pairs, first
            say(f"identical: {args.pairs} records, {first['distinct_ids']} distinct ids, the same digest of ids and "
                f"encoded bytes (sum {first['digest']['sum']}, xor {first['digest']['xor']}), across workers "
                f"{args.workers}")
        else:
            for (w, _), dig in zip(results[1:], digests[1:]):
                assert dig["counts"] == first["counts"], f"manifest counts differ with {w} workers"
                assert dig["ids"] == first["ids"] and dig["ids_sha256"] == first["ids_sha256"], \
                    f"ids differ with {w} workers"
                assert dig["files"] == first["files"], f"shard bytes differ with {w} workers"
            assert first["counts"]["read"] == args.pairs
            say(f"identical: {len(first['files'])} shard files byte for byte (sha256), {first['ids']} ids, manifest "
                f"counts, across workers {args.workers}")
        w0 = results[0][1]
        for w, res in results[1:]:
            say(f"ratios {w} vs {results[0][0]} worker(s), same run: wall x{res['wall_s'] / w0['wall_s']:.2f}, "
                f"CPU x{res['cpu_s'] / w0['cpu_s']:.2f}, peak tree RSS "
                f"x{res['peak_tree_rss_mb'] / w0['peak_tree_rss_mb']:.2f}")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.md:
        with open(args.md, "w", encoding="utf-8") as fh:
            fh.write("# Read at scale: a gzipped TSV with 1 and N workers (issue 12)\n\n")
            fh.write(f"`python benchmarks/read_scale.py --pairs {args.pairs} --workers "
                     f"{' '.join(map(str, args.workers))} --stage {args.stage}`\n\n")
            fh.writelines(f"- {ln}\n" for ln in lines)


if __name__ == "__main__":
    main()
