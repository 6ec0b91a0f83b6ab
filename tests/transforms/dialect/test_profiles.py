"""Profiles from the eWAVE attestation table (user-given path) and from the
hand-written YAML samples."""
import csv
import pathlib

import pytest

from cs_synth.pipeline.units import ConfigError, Context
from cs_synth.transforms.dialect import factory
from cs_synth.transforms.dialect.features import all_rules
from cs_synth.transforms.dialect.profiles import load_ewave, load_yaml_profile, profile_from_ewave

SAMPLES = pathlib.Path(__file__).resolve().parents[3] / "samples" / "dialects"


def ratings(ewave_dir, abbr):
    with open(ewave_dir / "ewave.csv", encoding="utf-8", newline="") as fh:
        return {int(r["parameter_pk"]): r["attestation"] for r in csv.DictReader(fh) if r["abbr"] == abbr}


def test_table_is_read_with_its_features_and_varieties(ewave_dir):
    ew = load_ewave(str(ewave_dir))
    assert len(ew.features) == 235 and min(ew.features) == 1 and max(ew.features) == 235
    assert ew.features[154].name == "Multiple negation / negative concord"
    assert ew.features[154].example == "He won\u02bct do no harm."
    assert len(ew.varieties) == 76
    assert ew.find_variety("appalachian english") == "AppE" and ew.find_variety("uaave") == "UAAVE"
    assert ew.regions["AppE"] == "America"
    assert load_ewave(str(ewave_dir / "ewave.csv")).features == ew.features  # the file path works too


def test_variety_profile_maps_ratings_and_keeps_only_implemented_features(ewave_dir):
    prof = profile_from_ewave(load_ewave(str(ewave_dir)), "Urban African American Vernacular English",
                              all_rules())
    table = ratings(ewave_dir, "UAAVE")
    expected = {fid: {"A": 1.0, "B": 0.6, "C": 0.3}[table[fid]] for fid in all_rules() if table[fid] in "ABC"}
    assert prof.as_dict() == expected
    assert prof.name == "Urban African American Vernacular English"
    # spot checks against the table: A, B, C, D
    assert (table[154], prof.as_dict()[154]) == ("A", 1.0)
    assert (table[226], prof.as_dict()[226]) == ("B", 0.6)
    assert (table[1], prof.as_dict()[1]) == ("C", 0.3)
    assert table[134] == "D" and 134 not in prof.as_dict()
    assert [fid for fid, _ in prof.probabilities] == sorted(prof.as_dict())


def test_custom_rating_probabilities_and_density(ewave_dir):
    unit = factory(Context(), dialect="UAAVE", ewave_path=str(ewave_dir), probabilities={"B": 0.5, "C": 0},
                   density=0.5)
    plan = dict(unit.plan)
    assert plan[154] == 0.5 and plan[226] == 0.25 and 1 not in plan
    assert unit.profile == "Urban African American Vernacular English"


@pytest.mark.parametrize("probabilities, fragment", [
    ({"D": 0.2}, "rating 'D' never applies"),
    ({"Z": 0.2}, "unknown rating 'Z'"),
    ({"A": 2}, "between 0 and 1"),
    ([1, 2], "expected a mapping"),
])
def test_bad_rating_probabilities(ewave_dir, probabilities, fragment):
    with pytest.raises(ConfigError, match=fragment):
        factory(Context(), dialect="UAAVE", ewave_path=str(ewave_dir), probabilities=probabilities)


def test_unknown_variety_lists_the_valid_ones(ewave_dir):
    with pytest.raises(ConfigError) as exc:
        factory(Context(), dialect="Martian English", ewave_path=str(ewave_dir))
    assert "unknown eWAVE variety 'Martian English'" in str(exc.value)
    assert "Appalachian English (AppE)" in str(exc.value) and "Tok Pisin (TP)" in str(exc.value)


def test_table_without_the_expected_columns_is_refused(tmp_path):
    bad = tmp_path / "ewave.csv"
    bad.write_text("id,name\n1,foo\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="lacks the column.*parameter_pk"):
        factory(Context(), dialect="UAAVE", ewave_path=str(tmp_path))
    with pytest.raises(ConfigError, match="option 'ewave_path': file not found"):
        factory(Context(), dialect="UAAVE", ewave_path=str(tmp_path / "nowhere"))


@pytest.mark.parametrize("name", ["southern_us_sample.yaml", "aave_sample.yaml", "colloquial_singapore_sample.yaml"])
def test_sample_yaml_profiles_load_and_run(name):
    prof = load_yaml_profile(str(SAMPLES / name), all_rules())
    assert len(prof.probabilities) >= 10
    assert all(0 < p <= 1 for _, p in prof.probabilities)
    unit = factory(Context(base_dir=str(SAMPLES)), dialect=name)
    assert unit.plan == prof.probabilities


def test_yaml_rating_letters_use_the_probability_map():
    prof = load_yaml_profile(str(SAMPLES / "aave_sample.yaml"), all_rules())
    assert prof.as_dict()[228] == 0.6 and prof.as_dict()[154] == 0.9
    prof = load_yaml_profile(str(SAMPLES / "aave_sample.yaml"), all_rules(), probabilities={"B": 0.25})
    assert prof.as_dict()[228] == 0.25


@pytest.mark.parametrize("body, fragment", [
    ("features: {154: 1.0, 17: 0.5}\n", "eWAVE feature not implemented 17"),
    ("features: {154: 1.0, 400: 0.5}\n", "unknown eWAVE feature ID 400"),
    ("features: {154: 7}\n", "between 0 and 1"),
    ("name: x\n", "needs a 'features' mapping"),
    ("features: [\n", "not valid YAML"),
])
def test_bad_yaml_profiles(tmp_path, body, fragment):
    path = tmp_path / "p.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=fragment):
        factory(Context(), dialect=str(path))


def test_profile_with_nothing_to_apply_is_refused(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("features: {154: 0, 155: D}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="nothing would change"):
        factory(Context(), dialect=str(path))


def test_every_ewave_variety_and_the_union_build_a_recipe(ewave_dir):
    from cs_synth.transforms.dialect import factory
    from cs_synth.transforms.dialect.profiles import load_ewave

    table = load_ewave(str(ewave_dir))
    rated = [name for name, abbr in table.varieties.items() if table.ratings.get(abbr)]
    assert len(rated) == 50  # the attestation table's varieties (varieties.csv lists more)
    sizes = {}
    for name in rated + ["MultiDialect"]:
        unit = factory(Context(), dialect=name, ewave_path=str(ewave_dir))
        sizes[name] = len(unit.plan)
        assert unit.plan and all(0 < p <= 1 for _, p in unit.plan)
    union = dict(factory(Context(), dialect="multidialect", ewave_path=str(ewave_dir)).plan)
    for name in rated:
        plan = dict(factory(Context(), dialect=name, ewave_path=str(ewave_dir)).plan)
        assert set(plan) <= set(union) and all(p <= union[f] for f, p in plan.items())
    assert sizes["MultiDialect"] == max(sizes.values())
