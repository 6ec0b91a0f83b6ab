"""Where the span-ec job spends its time, by stage (issue 17).

    python benchmarks/profile_job.py [--pairs 10000] [--workers 1] [--rate 50] [--out benchmarks/results]

Runs the issue's job (span-ec, eflomal with corpus priors, multi30k en-de)
in a fresh process under py-spy (``--subprocesses``, ``--idle``: every
thread's stack, sleeping or not), then sorts the samples of the thread that
does the work by stage:

* annotate (spaCy), priors pass and align (split into *waiting on the eflomal
  binary* and the Python side), transform (the recipe), score, filter,
  dedup, settle, write, read;
* serialization: Beam coders, pickle/dill, between stages;
* beam runner: the rest of apache_beam on a working stack;
* startup: imports and building the stages before the pipeline runs.

Samples of threads that only wait (gRPC, the runner's idle pools) are
dropped; a sample counts when its stack reaches one of the job's frames or a
Beam bundle.  The eflomal binary itself is a C program: its time shows as the
Python thread waiting in ``subprocess`` under the priors pass or align.  The
whole-process CPU seconds (Python plus the eflomal binaries) are measured
separately with ``getrusage``.  Writes ``profile_span_ec_<N>.txt`` (table)
and ``.json`` into ``--out``.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import _m30k as m  # noqa: E402

#: (stage, markers); the first stage whose marker is on the stack wins, so
#: serialization is found before the stage whose bundle it runs in
STAGES = [
    ("serialization", ("apache_beam/coders/", "/pickle.py", "/dill/", "cloudpickle", "beam_jobs/coders.py",
                       "pipeline/record.py:__reduce__", "FrozenMap.__init__", "FrozenMap.__reduce__")),
    ("priors pass", ("_Fit.process", "AlignStage.fit ", "AlignStage.fit_links", "EflomalAligner.fit")),
    ("align", ("_AlignBatch.process", "AlignStage.align_batch", "_AlignSample", "_Check.process",
               "_AlignGiven")),
    ("annotate", ("Annotate.process", "pipeline/annotate/", "/spacy/", "/thinc/")),
    ("transform", ("/transforms/", "TransformStage.")),
    ("score", ("ScoreStage.", "pipeline/score/")),
    ("filter", ("FilterStage.", "pipeline/filter/filters")),
    ("dedup", ("beam_jobs/dedup.py", "pipeline/filter/dedup.py")),
    ("settle", ("_Settle.process", "SettleStage.", "settle_pair")),
    ("write", ("_WriteShard", "pipeline/write/", "/pyarrow/")),
    ("read", ("ReadFile.process", "pipeline/read/")),
]
WAIT_MARKERS = ("subprocess.py", "Popen.")
STARTUP_MARKERS = ("_find_and_load", "check_stages", "stages.stage (", "_config (", "load_config", "parse_config")
WORK_MARKERS = ("process_bundle", "beam_jobs/", "pipeline/")


def classify(stack: str):
    for name, marks in STAGES:
        if any(mk in stack for mk in marks):
            if name in ("priors pass", "align"):
                waiting = any(w in stack.rsplit(";", 3)[-1] or w in stack.split("run_directional", 1)[-1]
                              for w in WAIT_MARKERS) if "run_directional" in stack else False
                return f"{name}: eflomal binary (wait)" if waiting else f"{name}: python"
            return name
    if "process_bundle" in stack or "apache_beam/runners" in stack and "beam_jobs/" in stack:
        return "beam runner"
    if "apache_beam/" in stack and any(mk in stack for mk in WORK_MARKERS):
        return "beam runner"
    return None


def _idle_thread(stack: str) -> bool:
    leaf = stack.rsplit(";", 1)[-1]
    waiting = any(x in leaf for x in ("wait (threading", "_wait_for_tstate_lock", "select", "poll (",
                                      "get (queue", "_worker (concurrent", "sleep", "acquire"))
    return waiting and "process_bundle" not in stack and "run_directional" not in stack


def profile(pairs_n: int, workers: int, rate: int, out: str, keep_raw: bool = False) -> dict:
    py_spy = shutil.which("py-spy")
    if py_spy is None:
        raise SystemExit("py-spy is not installed: pip install py-spy")
    tmp = tempfile.mkdtemp(prefix="profile-job-")
    pairs, what = m.load_pairs(pairs_n)
    config = m.write_config(tmp, m.job_config(m.write_tsv(tmp, pairs)))
    raw = os.path.join(tmp, "raw.txt")
    load_before = m.load_note()
    # py-spy runs a small wrapper that runs the job and waits for it, so the
    # wrapper's children usage is the job's CPU (eflomal binaries included)
    stats = os.path.join(tmp, "rusage.json")
    cmd = [py_spy, "record", "--full-filenames", "--idle", "--subprocesses", "-r", str(rate), "-f", "raw",
           "-o", raw, "--", sys.executable, "-c", m._WRAP, stats] + m.job_cmd(config, os.path.join(tmp, "out"),
                                                                              workers)
    res = m.measured(cmd)
    with open(stats, encoding="utf-8") as fh:
        res["cpu_s"] = json.load(fh)["cpu_s"]
    counts = collections.Counter()
    total = 0
    for line in open(raw, encoding="utf-8", errors="replace"):
        stack, _, n = line.rstrip("\n").rpartition(" ")
        if not n.isdigit():
            continue
        n = int(n)
        if _idle_thread(stack):
            continue
        cat = classify(stack)
        if cat is None:
            cat = "startup (imports, building stages)" if any(s in stack for s in STARTUP_MARKERS) else None
        if cat is None:
            continue
        counts[cat] += n
        total += n
    with open(os.path.join(tmp, "out", "manifest.json"), encoding="utf-8") as fh:
        manifest = json.load(fh)
    rows = [(cat, n, 100.0 * n / max(1, total), n / rate) for cat, n in counts.most_common()]
    result = {"pairs": pairs_n, "what": what, "workers": workers, "rate_hz": rate, "wall_s": round(res["wall_s"], 1),
              "cpu_s": round(res["cpu_s"], 1), "load_before": load_before, "load_after": m.load_note(),
              "read": manifest["read"], "written": manifest["written"],
              "by_stage": [{"stage": c, "samples": n, "share_pct": round(p, 1), "thread_s": round(s, 1)}
                           for c, n, p, s in rows]}
    lines = [f"profile of the span-ec job (eflomal + priors), {what}, {workers} worker(s)",
             f"wall {res['wall_s']:.1f}s, CPU {res['cpu_s']:.1f}s (process + eflomal binaries; py-spy adds some)",
             f"{load_before} before, {result['load_after']} after (other engineers share the machine)",
             f"py-spy {rate} Hz, working-thread samples: {total}", "",
             f"{'stage':45s} {'share':>7s} {'thread-s':>9s}"]
    lines += [f"{c:45s} {p:6.1f}% {s:9.1f}" for c, n, p, s in rows]
    text = "\n".join(lines) + "\n"
    os.makedirs(out, exist_ok=True)
    stem = os.path.join(out, f"profile_span_ec_{pairs_n}" + (f"_w{workers}" if workers != 1 else ""))
    with open(stem + ".txt", "w", encoding="utf-8") as fh:
        fh.write(text)
    with open(stem + ".json", "w", encoding="utf-8") as fh:
        json.dump(result, fh, indent=2)
    if keep_raw:
        shutil.copy(raw, stem + ".raw.txt")  # py-spy's collapsed stacks, for a flame graph
    print(text)
    shutil.rmtree(tmp, ignore_errors=True)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", type=int, default=10000)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--rate", type=int, default=50)
    ap.add_argument("--out", default=os.path.join(m.REPO, "benchmarks", "results"))
    ap.add_argument("--keep-raw", action="store_true", help="also keep py-spy's raw stacks")
    args = ap.parse_args()
    profile(args.pairs, args.workers, args.rate, args.out, args.keep_raw)


if __name__ == "__main__":
    main()
