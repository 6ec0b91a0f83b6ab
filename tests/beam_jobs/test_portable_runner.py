"""A real multi-process Beam run: the sample recipes through ``PortableRunner``
(Beam's job service and an external worker pool, separate processes on
127.0.0.1, see the ``portable_beam`` fixture) give the same bytes as the
in-process FnApiRunner.

The layout makes the workers unable to read the launcher's config folder:
the recipe and its resources (lexicons, dictionaries, dialect profiles) are
copied to a launcher folder, the corpus to a data folder that both sides
see (as a bucket would be), and the launcher folder is moved away after the
config is parsed and before the portable job is launched.  Any resource
that did not travel with the job fails the run on the worker."""
import pathlib
import shutil

import pytest
import yaml

from cs_synth.beam_jobs.synth import run_job
from cs_synth.pipeline import resources, stages
from cs_synth.pipeline.config import load_config
from cs_synth.pipeline.units import ConfigError

REPO = pathlib.Path(__file__).resolve().parents[2]

# recipe -> (input field(s) to point at the shared data folder)
RECIPES = {
    # gazetteer annotator + entity lexicon + eflomal alignment with corpus priors
    "recipes/en-hi-entity.yaml": ("path",),
    # two bilingual dictionaries
    "recipes/en-es-word.yaml": ("path",),
    # spaCy parse + a YAML dialect profile beside the recipe
    "dialects/en-dialect-aave.yaml": ("path",),
}


def _files(root: pathlib.Path) -> dict:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _launcher(tmp_path: pathlib.Path, recipe: str) -> pathlib.Path:
    launch, data = tmp_path / "launch", tmp_path / "data"
    shutil.copytree(REPO / "samples", launch / "samples", ignore=shutil.ignore_patterns("corpora"))
    shutil.copytree(REPO / "samples" / "corpora", data)
    path = launch / "samples" / recipe
    cfg = yaml.safe_load(path.read_text(encoding="utf-8"))
    for field in RECIPES[recipe]:
        cfg["input"][field] = str(data / pathlib.Path(cfg["input"][field]).name)
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("recipe", sorted(RECIPES))
def test_portable_runner_matches_the_in_process_runner_byte_for_byte(recipe, tmp_path, portable_beam):
    path = _launcher(tmp_path, recipe)
    cfg = load_config(str(path))
    launcher_files = [p for p in stages.resources_used(cfg) if p.startswith(str(tmp_path / "launch"))]
    assert launcher_files, "the recipe reads no resource from the launcher folder; the test would prove nothing"

    local = run_job(cfg, str(tmp_path / "fnapi"))
    # the workers can no longer see the launcher's folder
    shutil.move(str(tmp_path / "launch"), str(tmp_path / "moved-away"))
    assert not any(pathlib.Path(p).exists() for p in launcher_files)
    remote = run_job(cfg, str(tmp_path / "portable"), beam_args=portable_beam.args)

    assert remote["read"] == local["read"] > 0
    assert remote["written"] == local["written"] > 0
    assert remote["accounting_ok"]
    a, b = _files(tmp_path / "fnapi"), _files(tmp_path / "portable")
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []


def test_a_resource_too_large_to_carry_stops_a_remote_launch(tmp_path, monkeypatch):
    path = _launcher(tmp_path, "recipes/en-es-word.yaml")
    cfg = load_config(str(path))
    monkeypatch.setattr(resources, "CARRY_LIMIT", 100)  # the sample dictionaries are larger
    args = ["--runner=PortableRunner", "--job_endpoint=localhost:1", "--environment_type=EXTERNAL",
            "--environment_config=localhost:2"]
    with pytest.raises(ConfigError, match=r"transform\.0\.options\.dictionaries\.(es|hi): .*en-(es|hi)\.tsv is a "
                                          r"file on this machine only .*put it on gs:// or s3://"):
        run_job(cfg, str(tmp_path / "out"), beam_args=args)
    assert not (tmp_path / "out").exists()
    # the in-process runner reads the same file from this machine
    assert run_job(cfg, str(tmp_path / "local"))["written"] > 0


def test_an_unknown_runner_is_a_clean_error(tmp_path, capsys):
    from cs_synth.beam_jobs.cli import main

    rc = main(["run", str(REPO / "samples" / "recipes" / "en-es-word.yaml"), "--output", str(tmp_path / "out"),
               "--runner", "NopeRunner"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "cs-synth: error: --runner: Unexpected pipeline runner: NopeRunner" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()
