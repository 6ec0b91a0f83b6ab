"""The output commit protocol (issue 16): staging, lock, journaled publish,
manifest with checksums, verify, --overwrite deleting only cs-synth's files,
clean errors for unusable output folders, the dataset card and an
all-rejected output that still loads."""
import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cs_synth.beam_jobs.cli import main
from cs_synth.beam_jobs.synth import run_job
from cs_synth.pipeline.config import parse_config
from cs_synth.pipeline.record import Record, Side
from cs_synth.pipeline.write import commit
from cs_synth.pipeline.write.arrow_writer import serialize, write_shard

REPO = Path(__file__).resolve().parents[2]


def _cfg(tmp_path, lines=None, **extra):
    data = tmp_path / "c.tsv"
    if not data.exists():
        data.write_text("".join(lines or [f"sentence {k}\tfrase {k}\n" for k in range(12)]), encoding="utf-8")
    raw = {"input": {"format": "tsv", "path": str(data), "src_lang": "en", "tgt_lang": "es"}, "align": None,
           "output": {"max_records_per_shard": 5}, **extra}
    return parse_config(raw, base_dir=str(tmp_path))


def _files(out):
    return sorted(str(p.relative_to(out)) for p in Path(out).rglob("*") if p.is_file())


def test_a_run_publishes_shards_card_and_a_manifest_with_checksums(tmp_path):
    out = tmp_path / "out"
    m = run_job(_cfg(tmp_path), str(out))
    assert _files(out) == ["README.md", "data/train-00000-of-00003.arrow", "data/train-00001-of-00003.arrow",
                           "data/train-00002-of-00003.arrow", "manifest.json",
                           "rejected/rejected-00000-of-00001.arrow"]
    listed = {f["path"]: f for f in m["files"]}
    assert set(listed) == set(_files(out)) - {"manifest.json"}
    assert sum(f.get("rows", 0) for p, f in listed.items() if p.startswith("data/")) == 12
    for path, f in listed.items():
        assert commit.file_digest(str(out / path)) == (f["sha256"], f["bytes"])
    assert commit.verify(str(out)) == [] and not (out / ".cs-synth" / "lock.json").exists()
    assert main(["verify", str(out)]) == 0


def test_verify_and_load_refuse_a_damaged_or_incomplete_dataset(tmp_path, capsys):
    out = tmp_path / "out"
    run_job(_cfg(tmp_path), str(out))
    shard = out / "data" / "train-00001-of-00003.arrow"
    data = bytearray(shard.read_bytes())
    data[-20] ^= 0xFF
    shard.write_bytes(bytes(data))
    (out / "data" / "train-00009-of-00009.arrow").write_bytes(b"stray")
    problems = commit.verify(str(out))
    assert any("train-00001-of-00003.arrow: contents differ" in p for p in problems)
    assert any("train-00009-of-00009.arrow: not listed" in p for p in problems)
    with pytest.raises(commit.OutputError, match="does not verify"):
        commit.load(str(out))
    assert main(["verify", str(out)]) == 1 and "NOT OK" in capsys.readouterr().out
    (out / "manifest.json").unlink()
    assert "no manifest.json" in commit.verify(str(out))[0]


def test_a_second_run_is_refused_while_the_lock_is_held(tmp_path):
    out = tmp_path / "out"
    holder = commit.OutputDir(str(out)).open()
    try:
        with pytest.raises(commit.OutputError) as err:
            run_job(_cfg(tmp_path), str(out))
        msg = str(err.value)
        assert f"pid {os.getpid()}" in msg and "still running" in msg and "--force-unlock" in msg
        with pytest.raises(commit.OutputError, match="still running"):  # a live run is never force-unlocked
            run_job(_cfg(tmp_path), str(out), force_unlock=True)
    finally:
        holder.close()
    assert not (out / "data").exists()  # nothing of the refused runs was written


def test_a_stale_lock_needs_force_unlock_which_also_removes_its_temp_folder(tmp_path):
    out = tmp_path / "out"
    (out / ".cs-synth" / "staging-dead").mkdir(parents=True)
    (out / ".cs-synth" / "staging-dead" / "x.arrow").write_bytes(b"partial")
    dead_tmp = tmp_path / "dead-tmp"
    dead_tmp.mkdir()
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    lock = {"owner": "someone", "pid": int(proc.stdout), "host": os.uname().nodename, "run_id": "dead",
            "started": "2026-01-01T00:00:00+00:00", "tmp": str(dead_tmp)}
    (out / ".cs-synth" / "lock.json").write_text(json.dumps(lock))
    with pytest.raises(commit.OutputError, match="stale.*--force-unlock"):
        run_job(_cfg(tmp_path), str(out))
    m = run_job(_cfg(tmp_path), str(out), force_unlock=True)
    assert m["written"] == 12 and not dead_tmp.exists()
    assert os.listdir(out / ".cs-synth") == []  # the dead run's staging folder is gone too


def test_overwrite_deletes_only_files_cs_synth_wrote(tmp_path):
    out = tmp_path / "out"
    run_job(_cfg(tmp_path), str(out))
    (out / "notes.txt").write_text("mine")
    (out / "data" / "notes.txt").write_text("mine too")
    with pytest.raises(commit.OutputError, match="--overwrite"):
        run_job(_cfg(tmp_path), str(out))
    cfg2 = _cfg(tmp_path, output={"max_records_per_shard": 100})
    m = run_job(cfg2, str(out), overwrite=True)
    assert m["shards"] == ["data/train-00000-of-00001.arrow"]
    assert (out / "notes.txt").read_text() == "mine" and (out / "data" / "notes.txt").exists()
    assert sorted(os.listdir(out / "data")) == ["notes.txt", "train-00000-of-00001.arrow"]
    assert commit.verify(str(out)) == []
    (out / "data" / "their.arrow").write_bytes(b"not ours")
    with pytest.raises(commit.OutputError, match="no cs-synth manifest lists .*their.arrow"):
        run_job(cfg2, str(out), overwrite=True)
    assert (out / "data" / "their.arrow").exists() and commit.verify(str(out))  # listed as unlisted


def test_a_failed_overwrite_keeps_the_earlier_dataset_whole(tmp_path, monkeypatch):
    out = tmp_path / "out"
    run_job(_cfg(tmp_path), str(out))
    before = {p: (out / p).read_bytes() for p in _files(out)}
    import cs_synth.pipeline.write.arrow_writer as aw

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(aw, "write_shard", boom)
    with pytest.raises(commit.OutputError, match="No space left on device.*nothing was published"):
        run_job(_cfg(tmp_path), str(out), overwrite=True)
    assert {p: (out / p).read_bytes() for p in _files(out)} == before
    assert commit.verify(str(out)) == []


def test_an_interrupted_publish_is_completed_at_the_next_start(tmp_path, monkeypatch):
    out = tmp_path / "out"
    ref = tmp_path / "ref"
    run_job(_cfg(tmp_path), str(ref))
    moves = []
    real_move = commit._move

    def crash_after_two(src, dst):
        if len(moves) == 2:
            raise KeyboardInterrupt("killed during publish")
        moves.append(dst)
        real_move(src, dst)

    monkeypatch.setattr(commit, "_move", crash_after_two)
    with pytest.raises(KeyboardInterrupt):
        run_job(_cfg(tmp_path), str(out))
    monkeypatch.setattr(commit, "_move", real_move)
    assert (out / ".cs-synth" / "publish.json").exists() and not (out / "manifest.json").exists()
    assert any("publish was interrupted" in p for p in commit.verify(str(out)))
    # the interrupted run had passed its commit point: the next start rolls it forward
    with pytest.raises(commit.OutputError, match="already holds a run"):
        run_job(_cfg(tmp_path), str(out))
    assert commit.verify(str(out)) == []
    assert {p: (out / p).read_bytes() for p in _files(out)} == {p: (ref / p).read_bytes() for p in _files(ref)}


def test_output_path_that_is_a_file_or_cannot_be_created_is_a_clean_error(tmp_path, capsys):
    cfg_path = tmp_path / "c.yaml"
    (tmp_path / "c.tsv").write_text("a\tb\n")
    cfg_path.write_text(yaml.safe_dump({"input": {"format": "tsv", "path": "c.tsv", "src_lang": "en",
                                                  "tgt_lang": "es"}, "align": None}))
    (tmp_path / "afile").write_text("x")
    for out, words in ((tmp_path / "afile", "is a file"), (tmp_path / "afile" / "sub", "cannot create"),
                       (Path("/proc/cs-synth-out"), "cannot create")):
        rc = main(["run", str(cfg_path), "--output", str(out), "--no-report"])
        err = capsys.readouterr().err
        assert rc == 2 and words in err and "Traceback" not in err, (out, err)


def test_full_disk_is_a_clean_error_and_leaves_no_partial_file(tmp_path):
    """File size limit (EFBIG, what a full disk gives as ENOSPC) while the
    shards are written, in a real cs-synth run process."""
    big = "".join(f"sentence number {k} with some words\tfrase número {k} con palabras\n" for k in range(3000))
    (tmp_path / "c.tsv").write_text(big)
    cfg_path = tmp_path / "c.yaml"
    cfg_path.write_text(yaml.safe_dump({"input": {"format": "tsv", "path": "c.tsv", "src_lang": "en",
                                                  "tgt_lang": "es"}, "align": None}))
    out = tmp_path / "out"

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (400_000, 400_000))

    proc = subprocess.run([sys.executable, "-m", "cs_synth.beam_jobs.cli", "run", str(cfg_path), "--output", str(out),
                           "--no-report"], cwd=str(REPO), capture_output=True, text=True, preexec_fn=limit,
                          timeout=600)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "File too large" in proc.stderr and "nothing was published" in proc.stderr
    assert "Traceback" not in proc.stderr.split("cs-synth: error:")[-1]
    assert _files(out) == []  # no shard, no hidden temp file, no lock, no staging


def test_all_rejected_output_is_empty_but_loadable(tmp_path):
    import datasets

    out = tmp_path / "out"
    m = run_job(_cfg(tmp_path, lines=["no tab\n", "\n", "x\t\n"]), str(out))
    assert m["written"] == 0 and m["rejected"]["total"] == 3
    ds = datasets.load_dataset(str(out))
    assert list(ds) == ["rejected"] and ds["rejected"].num_rows == 3
    card = (out / "README.md").read_text()
    assert "No record was kept" in card
    front = yaml.safe_load(card.split("---")[1])
    assert front["configs"][0]["config_name"] == "default" and front["language"] == ["en", "es"]
    assert (out / "data" / "train-00000-of-00001.arrow").exists()  # the empty shard, with the schema


def test_card_front_matter_for_a_kept_run(tmp_path):
    import datasets

    out = tmp_path / "out"
    run_job(_cfg(tmp_path, lines=["sentence one\tfrase uno\n", "bad\n"]), str(out))
    front = yaml.safe_load((out / "README.md").read_text().split("---")[1])
    assert [c["config_name"] for c in front["configs"]] == ["default", "rejected"]
    assert front["configs"][0]["data_files"] == [{"split": "train", "path": "data/*.arrow"}]
    assert front["license"] == "other" and "code-switching" in front["tags"]
    ds = datasets.load_dataset(str(out))
    assert ds["train"].num_rows == 1 and ds["train"][0]["src"]["text"] == "sentence one"
    assert datasets.load_dataset(str(out), "rejected")["rejected"][0]["reject_reason"] == "malformed_line"


def _rec(i):
    return Record(id=f"c.tsv:{i:08d}", src=Side(text=f"s{i}", lang="en"), tgt=Side(text=f"t{i}", lang="es"))


def test_streamed_shard_equals_the_in_memory_serialization(tmp_path):
    from cs_synth.pipeline.write import arrow_writer

    (tmp_path / "data").mkdir()
    recs = [_rec(i) for i in (5, 3, 2500, 1, 1200, 7)] + [_rec(i) for i in range(10, 2300)]
    info = write_shard(str(tmp_path), "data", 0, 1, (r for r in reversed(recs)), {"k": "v"})
    data = (tmp_path / info["path"]).read_bytes()
    assert data == serialize(recs, {"k": "v"}) and info["rows"] == len(recs)
    assert commit.file_digest(str(tmp_path / info["path"])) == (info["sha256"], info["bytes"])
    assert arrow_writer.ROWS_PER_BATCH < len(recs)  # more than one batch went through the spill file


def test_optional_parquet_beside_arrow_and_the_license_on_the_card(tmp_path):
    import datasets
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = tmp_path / "out"
    m = run_job(_cfg(tmp_path, output={"max_records_per_shard": 5, "parquet": True, "license": "cc-by-4.0"}),
                str(out))
    listed = {f["path"] for f in m["files"]}
    for k in range(3):
        arrow, parquet = f"data/train-0000{k}-of-00003.arrow", f"data/train-0000{k}-of-00003.parquet"
        assert {arrow, parquet} <= listed
        a = pa.ipc.open_stream((out / arrow).read_bytes()).read_all()
        p = pq.read_table(out / parquet)
        assert p.to_pylist() == a.to_pylist() and p.schema.metadata == a.schema.metadata
    assert commit.verify(str(out)) == []
    front = yaml.safe_load((out / "README.md").read_text().split("---")[1])
    assert front["license"] == "cc-by-4.0" and "data/*.parquet" in (out / "README.md").read_text()
    assert datasets.load_dataset("parquet", data_files=str(out / "data" / "*.parquet"))["train"].num_rows == 12
    assert datasets.load_dataset(str(out))["train"].num_rows == 12  # the card still loads the Arrow shards
