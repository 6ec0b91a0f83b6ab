"""One golden case (at least) per implemented eWAVE feature: plain English
in, the expected dialect sentence out, with only that feature at density 1."""
import csv
import json

import pytest

from cs_synth.pipeline.record import detokenize, tag_tokens
from cs_synth.transforms.dialect.features import all_rules

from .conftest import GOLDEN, load_golden, run_recipe

CASES = load_golden()


@pytest.mark.parametrize("fid, text, expected", CASES)
def test_golden(fid, text, expected):
    (out,) = run_recipe(text, features=[fid], density=1.0)
    assert not out.rejected, out.reject_detail
    assert out.text == expected
    assert out.id == "t1/dialect/0" and out.recipe == "dialect"
    assert out.text == detokenize(out.tokens, out.spaces)
    assert out.langs == tag_tokens(out.tokens, "en")
    assert out.edits and {e.unit for e in out.edits} == {f"ewave.f{fid}.v1"}
    assert {e.detail for e in out.edits} == {all_rules()[fid].name}


def test_every_implemented_feature_has_a_golden_case():
    with open(GOLDEN, encoding="utf-8") as fh:
        covered = {json.loads(line)["id"] for line in fh if line.strip()}
    missing = sorted(set(all_rules()) - covered)
    assert missing == []
    assert covered <= set(all_rules())


def test_feature_names_match_the_ewave_catalogue(ewave_dir):
    names = {}
    with open(ewave_dir / "ewave.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            names.setdefault(int(row["parameter_pk"]), row["parameter_name"])
    wrong = {fid: (rule.name, names.get(fid)) for fid, rule in all_rules().items() if names.get(fid) != rule.name}
    assert wrong == {}


def test_at_least_sixty_features_across_the_required_areas():
    rules = all_rules()
    assert len(rules) >= 60
    areas = {r.area for r in rules.values()}
    assert {"pronouns", "reflexives", "negation", "copula", "tense_aspect", "verb_morphology", "agreement",
            "noun_phrase", "relativizers", "questions"} <= areas
