"""The README's document-interleaving section: its config is the sample
recipe, its command runs, and the sequence it quotes is what the run writes."""
import pathlib
import re
import shlex

import pyarrow as pa
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
SECTION = (REPO / "README.md").read_text(encoding="utf-8").split("## Document interleaving", 1)[1].split("\n## ", 1)[0]


def _blocks(lang):
    return re.findall(r"```" + lang + r"\n(.*?)```", SECTION, flags=re.S)


def test_the_yaml_example_is_the_sample_recipe():
    shown = yaml.safe_load(_blocks("yaml")[0])
    recipe = yaml.safe_load((REPO / "samples" / "recipes" / "en-de-interleave.yaml").read_text())
    assert shown == recipe


def test_the_command_runs_and_writes_the_quoted_sequence(tmp_path, monkeypatch, capsys):
    from cs_synth.beam_jobs.cli import main

    line = next(l for l in _blocks("bash")[0].splitlines() if l.startswith("cs-synth run"))
    argv = shlex.split(line)[1:]
    argv[argv.index("--output") + 1] = str(tmp_path / "out")
    monkeypatch.chdir(REPO)
    assert main(argv + ["--no-report"]) == 0
    texts = []
    for f in sorted((tmp_path / "out" / "data").glob("*.arrow")):
        with pa.OSFile(str(f), "rb") as fh:
            texts += pa.ipc.open_stream(fh).read_all().column("text").to_pylist()
    quoted = re.search(r"gives sequences such as\n\n```\n(.*?)```", SECTION, flags=re.S).group(1).rstrip("\n")
    assert quoted in texts
    assert "documents read: 5" in capsys.readouterr().out
