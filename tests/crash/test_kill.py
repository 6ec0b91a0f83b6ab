"""Kill a real ``cs-synth run`` (SIGKILL to its whole process group) during
read, align, transform, shard writing and publishing, and from outside while
shards are staged.  After each kill, a reader of the output folder sees no
shard under a final name that a matching manifest does not list (an
interrupted publish is flagged by ``verify`` and completed by the next
start); the killed run's lock is stale, its temp folder is removed by the
``--force-unlock`` rerun, and the final rerun writes the same bytes as an
uninterrupted run."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from cs_synth.pipeline.write import commit

REPO = Path(__file__).resolve().parents[2]
KILLER = Path(__file__).resolve().parent / "killpoints.py"


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    d = tmp_path_factory.mktemp("kill")
    (d / "c.tsv").write_text("".join(f"the dog sees a cat {k}\tel perro ve un gato {k}\t0-0 1-1 2-2 3-3 4-4 5-5\n"
                                     for k in range(60)) + "no tab here\n", encoding="utf-8")
    cfg = {"input": {"format": "tsv", "path": "c.tsv", "src_lang": "en", "tgt_lang": "es",
                     "tsv_alignment_column": True},
           "align": {"backend": "given"},
           "transform": [{"recipe": "word", "options": {"dictionaries": {"es": str(REPO / "samples/lexicons/en-es.tsv")},
                                                         "probability": 1.0}}],
           "output": {"max_records_per_shard": 10}}
    (d / "c.yaml").write_text(yaml.safe_dump(cfg))
    return d


def _reference(d, name):
    """An uninterrupted run (made right after the rerun it is compared with)."""
    ref = d / name
    proc = _run(d, "none", 0, ref)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return ref


def _run(d, point, n, out, *flags):
    return subprocess.run([sys.executable, str(KILLER), point, str(n), "--", "run", str(d / "c.yaml"),
                           "--output", str(out), "--no-report", *flags],
                          cwd=str(REPO), capture_output=True, text=True, start_new_session=True, timeout=600)


def _files(out):
    return {str(p.relative_to(out)): p.read_bytes() for p in Path(out).rglob("*")
            if p.is_file() and ".cs-synth" not in p.parts}


def _reader_sees_nothing_partial(out):
    """What a reader of OUT finds after a kill."""
    files = _files(out)
    if (out / ".cs-synth" / "publish.json").exists():  # killed inside the publish renames
        assert any("publish was interrupted" in p for p in commit.verify(str(out)))
        return "publishing"
    if "manifest.json" in files:
        assert commit.verify(str(out)) == []
        return "whole"
    assert not [f for f in files if f.startswith(("data/", "rejected/"))], files
    assert not [f for f in files if ".tmp" in f]
    return "nothing"


def _lock_tmp(out):
    lock = json.loads((out / ".cs-synth" / "lock.json").read_text())
    return Path(lock["tmp"])


@pytest.mark.slow
def test_kill_at_every_point_then_rerun_gives_the_same_bytes(job):
    d = job
    out = d / "out"
    seen = {}
    for point, n in (("read", 20), ("align", 30), ("transform", 1), ("write", 2), ("publish", 2)):
        proc = _run(d, point, n, out, "--overwrite", "--force-unlock")
        assert proc.returncode == -signal.SIGKILL, (point, proc.returncode, proc.stderr[-3000:])
        seen[point] = _reader_sees_nothing_partial(out)
        tmp = _lock_tmp(out)
        assert tmp.is_dir()  # the killed run's temp folder is still there ...
        if point != "publish":
            follow = _run(d, "none", 0, out, "--overwrite")  # ... and its stale lock refuses a plain rerun
            assert follow.returncode == 2 and "stale" in follow.stderr and "--force-unlock" in follow.stderr
    assert seen == {"read": "nothing", "align": "nothing", "transform": "nothing", "write": "nothing",
                    "publish": "publishing"}
    final = _run(d, "none", 0, out, "--overwrite", "--force-unlock")
    assert final.returncode == 0, final.stderr[-3000:]
    assert not tmp.exists()  # removed by the --force-unlock rerun
    ref = _reference(d, "ref")
    assert _files(out) == _files(ref) and commit.verify(str(out)) == []
    assert os.listdir(out / ".cs-synth") == []


@pytest.mark.slow
def test_kill_from_outside_while_shards_are_staged(job):
    d = job
    out = d / "out-ext"
    proc = subprocess.Popen([sys.executable, "-m", "cs_synth.beam_jobs.cli", "run", str(d / "c.yaml"), "--output", str(out),
                             "--no-report"], cwd=str(REPO), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    deadline = time.time() + 300
    staged = []
    while time.time() < deadline and proc.poll() is None:
        staged = list((out / ".cs-synth").glob("staging-*/data/train-*.arrow")) if (out / ".cs-synth").exists() else []
        if staged:
            break
        time.sleep(0.01)
    assert staged and proc.poll() is None, "the run ended before a shard was staged"
    os.killpg(proc.pid, signal.SIGKILL)  # kill -9 -PGID
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert _reader_sees_nothing_partial(out) == "nothing"
    rerun = subprocess.run([sys.executable, "-m", "cs_synth.beam_jobs.cli", "run", str(d / "c.yaml"), "--output", str(out),
                            "--no-report", "--force-unlock"], cwd=str(REPO), capture_output=True, text=True,
                           timeout=600)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert _files(out) == _files(_reference(d, "ref-ext"))


@pytest.mark.slow
def test_two_runs_into_one_folder_at_once_never_mix(job):
    d = job
    out = d / "out-two"
    cmd = [sys.executable, "-m", "cs_synth.beam_jobs.cli", "run", str(d / "c.yaml"), "--output", str(out), "--no-report"]
    procs = [subprocess.Popen(cmd, cwd=str(REPO), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
    codes = sorted(rc for rc, _ in results)
    assert codes == [0, 2], results
    refused = next(err for rc, err in results if rc == 2)
    assert "is locked by run" in refused or "already holds a run" in refused
    assert commit.verify(str(out)) == []
    m = json.loads((out / "manifest.json").read_text())
    assert len(m["shards"]) == 6 and m["read"] == 61  # one run's shards, not a mix of two
