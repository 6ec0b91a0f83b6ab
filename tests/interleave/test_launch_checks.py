"""The interleave job runs the launch checks of the synth job
(pipeline/resources.check_launch): on a remote runner a local resource too
large to carry stops the launch naming its config field, before any output."""
import pathlib

import pytest
import yaml

from cs_synth.beam_jobs.interleave import run_job
from cs_synth.pipeline import resources
from cs_synth.pipeline.config import parse_config
from cs_synth.pipeline.units import ConfigError

REPO = pathlib.Path(__file__).resolve().parents[2]
RECIPE = REPO / "samples" / "recipes" / "en-de-interleave.yaml"
#: a remote runner without a project: the launch must stop before the runner's own checks
REMOTE = ["--runner=DataflowRunner", "--region=europe-west1"]


def _launcher_copy(tmp_path):
    """The sample recipe and the files it names, outside the project (files
    of the installed project itself are never carried)."""
    raw = yaml.safe_load(RECIPE.read_text())
    (tmp_path / "corpora").mkdir()
    (tmp_path / "lexicons").mkdir()
    (tmp_path / "recipes").mkdir()
    for rel in ("corpora/en-de-docs.jsonl", "lexicons/en-de.tsv"):
        (tmp_path / rel).write_bytes((REPO / "samples" / rel).read_bytes())
    return parse_config(raw, base_dir=str(tmp_path / "recipes"))


def test_a_resource_too_large_to_carry_stops_a_remote_interleave_launch(tmp_path, monkeypatch):
    cfg = _launcher_copy(tmp_path)
    monkeypatch.setattr(resources, "CARRY_LIMIT", 100)  # the sample dictionary is larger
    with pytest.raises(ConfigError, match=r"transform\.0\.options\.dictionaries\.de: .*en-de\.tsv is a file on "
                                          r"this machine only .*runner DataflowRunner runs on other machines; "
                                          r"put it on gs:// or s3://"):
        run_job(cfg, str(tmp_path / "out"), beam_args=REMOTE)
    assert not (tmp_path / "out").exists()


def test_a_local_interleave_run_carries_nothing_to_check(tmp_path, monkeypatch):
    """On the in-process runner the same small limit does not apply (the
    workers read this machine's files), and a remote launch before it leaves
    no remote state behind."""
    cfg = _launcher_copy(tmp_path)
    monkeypatch.setattr(resources, "CARRY_LIMIT", 100)
    with pytest.raises(ConfigError):
        run_job(cfg, str(tmp_path / "remote"), beam_args=REMOTE)
    m = run_job(cfg, str(tmp_path / "local"))
    assert m["read"] > 0 and m["accounting_ok"]
