"""``cs-synth recipes`` lists every registered recipe with its description
and paper."""
import json

from cs_synth.pipeline import registry
from cs_synth.beam_jobs.cli import main

CODESWITCH = ["entity", "noun-swap", "phrase", "ratio", "span-ec", "span-ml", "subtree", "word"]


def test_lists_every_registered_recipe_with_description_and_paper(capsys):
    assert main(["recipes"]) == 0
    text = capsys.readouterr().out
    infos = registry.recipe_infos()
    assert set(CODESWITCH) <= set(infos)
    lines = text.splitlines()
    for name, info in infos.items():
        assert any(line.startswith(f"{name} ") and info.description in line for line in lines), name
        if info.paper:
            assert f"paper: {info.paper}" in text
    assert "Whitehouse et al. (2022), EntityCS" in text
    assert "Qin et al. (2020), CoSDA-ML" in text


def test_options_and_json(capsys):
    assert main(["recipes", "ratio", "word", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in rows] == ["ratio", "word"]
    opts = {o["name"]: o["default"] for o in rows[0]["options"]}
    assert opts["target_ratio"] == 0.3 and opts["mode"] == "phrase" and opts["spf"] is None
    assert main(["recipes", "span-ec", "--options"]) == 0
    assert "options: max_len=4, min_len=1, max_spans=1" in capsys.readouterr().out


def test_unknown_name_lists_known_ones(capsys):
    assert main(["recipes", "nope"]) == 2
    err = capsys.readouterr().err
    assert "unknown recipe 'nope'; known:" in err and "span-ml" in err
