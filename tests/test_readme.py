"""Every example in the README runs: the Python blocks are executed as
written, and the quick-tour command lines are run through the real
``cs-synth`` console script."""
import json
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def _blocks(lang: str):
    return re.findall(r"```" + lang + r"\n(.*?)```", README, flags=re.S)


def _quick_tour_commands():
    """The quick tour's command lines, with backslash continuations joined
    and comments dropped."""
    tour = README.split("## Quick tour", 1)[1]
    block = re.search(r"```bash\n(.*?)```", tour, flags=re.S).group(1)
    joined = block.replace("\\\n", " ")
    out = []
    for line in joined.splitlines():
        line = line.split("  #", 1)[0].strip()
        if line:
            out.append(line)
    return out


def _cs_synth() -> str:
    exe = shutil.which("cs-synth", path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    assert exe, "the cs-synth console script is not installed (pip install -e .)"
    return exe


def test_the_python_api_example_gives_a_switched_record_with_scores():
    api = next(b for b in _blocks("python") if "augment(" in b)
    scope = {}
    exec(compile(api, "README.md (python example)", "exec"), scope)
    rec = scope["rec"]
    assert not rec.rejected, (rec.reject_reason, rec.reject_detail)
    assert rec.tokens == ("The", "बिल्ली", "sleeps", ".")
    assert rec.langs == ("en", "hi", "en", "zxx")
    assert rec.edits[0].unit == "noun_swap.v1" and rec.edits[0].before == "cat"
    assert rec.scores["cmi"] > 0 and rec.scores["switch_points"] == 2


def test_quick_tour_augment_line(repo_dir):
    line = next(c for c in _quick_tour_commands() if c.startswith("cs-synth augment"))
    argv = [_cs_synth()] + shlex.split(line)[1:]
    proc = subprocess.run(argv, cwd=repo_dir, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert rows[0]["reject_reason"] in (None, "") and rows[0]["text"] == "The बिल्ली sleeps ."


@pytest.mark.parametrize("sub", ["recipes", "dialect-features"])
def test_quick_tour_listing_commands(sub, repo_dir):
    assert any(c == f"cs-synth {sub}" for c in _quick_tour_commands())
    proc = subprocess.run([_cs_synth(), sub], cwd=repo_dir, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert ("noun-swap" in proc.stdout) if sub == "recipes" else re.search(r"\b\d+\b", proc.stdout)


def test_loading_example_reads_the_main_jobs_output(tmp_path, repo_dir):
    """The README's main command writes out/en-hi; its loading block reads it."""
    from cs_synth.beam_jobs.synth import run_job
    from cs_synth.pipeline.config import load_config

    manifest = run_job(load_config(str(repo_dir / "samples/recipes/en-hi-entity.yaml")),
                       str(tmp_path / "out/en-hi"), overwrite=True)
    load = next(b for b in _blocks("python") if "load_dataset" in b)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        scope = {}
        exec(compile(load, "README.md (loading example)", "exec"), scope)
    finally:
        os.chdir(cwd)
    assert len(scope["ds"]) == manifest["written"] > 0


def test_the_mt_span_example():
    from cs_synth.pipeline.generate import apertium

    if "eng-spa" not in apertium.installed_modes():
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail("apertium eng-spa is not installed", pytrace=False)
        pytest.skip("apertium eng-spa not installed")
    block = next(b for b in _blocks("python") if "mt-span" in b)
    scope = {}
    exec(compile(block, "README.md (mt-span example)", "exec"), scope)
    expected = re.search(r"rec\.text\s+# '(.*)'", block).group(1)
    assert scope["rec"].text == expected


def test_the_distribution_control_example_builds():
    """The README's per-sentence distribution example, as a config in
    samples/recipes/: every option validates and the reference file is read."""
    import yaml

    from cs_synth.pipeline.config import parse_config
    from cs_synth.pipeline.filter.sampling import build_sampler
    from cs_synth.pipeline.stages import TransformStage

    block = next(b for b in _blocks("yaml") if "max_spans: {mean" in b)
    data = yaml.safe_load(block)
    data["input"] = {"format": "moses", "src_path": "../corpora/en-de.en", "tgt_path": "../corpora/en-de.de",
                     "src_lang": "en", "tgt_lang": "de"}
    cfg = parse_config(data, base_dir=str(REPO / "samples" / "recipes"))
    stage = TransformStage(cfg)
    (_, span_ec), (_, ratio) = stage.steps
    assert span_ec.max_spans.hi == 4 and not span_ec.max_spans.is_constant
    assert len(ratio.target_ratio.values) >= 15
    sampler = build_sampler(cfg.context(), **cfg.sampling.model_dump())
    assert len(sampler.values) == 22


def test_the_learned_romanizer_example_runs():
    block = next(b for b in _blocks("python") if "build_backend(\"learned\"" in b)
    scope = {}
    exec(compile(block, "README.md (learned romanizer example)", "exec"), scope)  # asserts inside
    assert scope["roman"].transliterate("पानी") == "pani"


def test_the_matrix_example_is_the_hinglish_sample():
    """The README's matrix: tgt fragment is the transform of the Hinglish sample recipe."""
    import yaml

    block = next(b for b in _blocks("yaml") if "matrix: tgt" in b)
    sample = yaml.safe_load((REPO / "samples/recipes/en-hi-hinglish-matrix.yaml").read_text(encoding="utf-8"))
    assert yaml.safe_load(block)["transform"] == sample["transform"]


def _dataflow_commands():
    for block in _blocks("bash"):
        if "DataflowRunner" not in block:
            continue
        for line in block.replace("\\\n", " ").splitlines():
            line = line.strip()
            if line.startswith(("cs-synth run", "docker build")):
                yield shlex.split(line)


def test_the_dataflow_commands_parse_as_beam_options():
    """Every flag of the README's Dataflow command lines is a cs-synth or
    Beam option (unknown flags stop a run), and the runner loads."""
    from cs_synth.beam_jobs.synth import beam_options

    runs = [c for c in _dataflow_commands() if c[0] == "cs-synth"]
    assert len(runs) >= 2, runs
    for argv in runs:
        rest = argv[3:]  # cs-synth run CONFIG
        i = rest.index("--output")
        del rest[i:i + 2]
        opts = beam_options(rest).get_all_options()
        assert opts["runner"] == "DataflowRunner" and opts["project"] == "PROJECT", argv
        if "--sdk_container_image" in rest:
            assert opts["sdk_container_image"].endswith("cs-synth:0.1")


def test_the_worker_image_recipe_names_real_extras_and_cpu_torch():
    from importlib.metadata import metadata

    builds = [c for c in _dataflow_commands() if c[0] == "docker"]
    assert builds, "no docker build line in the README's Dataflow section"
    known = set(metadata("cs-synth").get_all("Provides-Extra"))
    for argv in builds:
        arg = next(a for a in argv if a.startswith("CS_SYNTH_EXTRAS="))
        extras = arg.split("=", 1)[1].split(",")
        assert set(extras) <= known, set(extras) - known
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert "ARG CS_SYNTH_EXTRAS" in dockerfile
    assert re.search(r"torch==\$\{TORCH_VERSION\}\" --index-url https://download\.pytorch\.org/whl/cpu", dockerfile)
