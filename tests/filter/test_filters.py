"""Every filter with its reason codes; filters read scores only."""
import math

import pytest

from cs_synth.pipeline import registry
from cs_synth.pipeline.config import parse_config
from cs_synth.pipeline.filter.filters import check_filters_have_scores
from cs_synth.pipeline.record import Record, Side
from cs_synth.pipeline.score.scorers import build_scorers
from cs_synth.pipeline.stages import FilterStage
from cs_synth.pipeline.units import ConfigError, Context

CTX = Context(src_lang="en", tgt_lang="hi")


def rec(**scores):
    return Record(id="r1", src=Side(text="a", lang="en"), scores=scores)


def filt(name, **options):
    return registry.get(registry.filters, name)(CTX, **options)


def test_registered():
    assert {"metric_range", "lid_agreement", "length_ratio", "alignment_coverage", "perplexity"} <= set(
        registry.names(registry.filters))


@pytest.mark.parametrize("options,scores,expected", [
    (dict(metric="switch_points", min=1), dict(switch_points=0.0),
     ("switch_points_below_min", "switch_points=0 < min=1")),
    (dict(metric="switch_points", min=1), dict(switch_points=1.0), None),  # bounds are inclusive
    (dict(metric="switch_points", min=1, max=3), dict(switch_points=3.0), None),
    (dict(metric="switch_points", min=1, max=3), dict(switch_points=4.0),
     ("switch_points_above_max", "switch_points=4 > max=3")),
    (dict(metric="cmi", max=30), dict(cmi=33.3333333), ("cmi_above_max", "cmi=33.3333 > max=30")),
    (dict(metric="cs_ratio", min=0.1, max=0.6), dict(cs_ratio=0.05), ("cs_ratio_below_min", "cs_ratio=0.05 < min=0.1")),
    (dict(metric="cmi", max=30), dict(), ("missing_score_cmi", "no cmi score on the record")),
    (dict(metric="cmi", max=30), dict(cmi=math.nan), ("missing_score_cmi", "no cmi score on the record")),
    (dict(metric="cmi", max=30, on_missing="keep"), dict(), None),
    (dict(metric="burstiness", min=-0.5), dict(burstiness=-1.0),
     ("burstiness_below_min", "burstiness=-1 < min=-0.5")),
])
def test_metric_range(options, scores, expected):
    f = filt("metric_range", **options)
    assert f.name == "metric_range.v1"
    assert f(rec(**scores)) == expected


@pytest.mark.parametrize("options,match", [
    (dict(metric="nope", min=1), r"^metric: unknown score 'nope'; known: cmi, switch_points"),
    (dict(metric="cmi"), "^give min, max or both for 'cmi'"),
    (dict(metric="cmi", min=5, max=1), r"^min: 5 is greater than max \(1\)"),
    (dict(metric="cmi", min="low"), r"^min: must be a valid number \(got 'low'\)"),
    (dict(metric="cmi", min=True), r"^min: must be a valid number \(got True\)"),
    (dict(metric="cmi", min=math.nan), "^min: must be a number, not NaN"),
    (dict(metric="cmi", min=1, on_missing="drop"), r"^on_missing: must be one of 'reject' or 'keep' \(got 'drop'\)"),
    (dict(min=1), "^metric: required option is missing"),
    (dict(metric="cmi", minimum=1), "^minimum: unknown option; known options: max, metric, min, on_missing"),
])
def test_metric_range_config_errors(options, match):
    # the factory from the registry checks its options against its schema (its signature)
    with pytest.raises(ConfigError, match=match):
        filt("metric_range", **options)


def test_config_errors_carry_the_full_path():
    with pytest.raises(ConfigError, match=r"^filter.2.options.min: 5 is greater than max \(1\)"):
        registry.build(registry.filters, "metric_range", CTX, {"metric": "cmi", "min": 5, "max": 1}, "filter.2")
    with pytest.raises(ConfigError, match=r"^filter.0.options: give min, max or both"):
        registry.build(registry.filters, "metric_range", CTX, {"metric": "cmi"}, "filter.0")
    with pytest.raises(ConfigError, match=r"^filter.1.name: unknown filter 'nope'"):
        registry.build(registry.filters, "nope", CTX, {}, "filter.1")


@pytest.mark.parametrize("options,scores,expected", [
    ({}, dict(lid_agreement=1.0, lid_confidence=0.2), None),
    ({}, dict(lid_agreement=0.5, lid_confidence=0.9),
     ("lid_agreement_below_min", "lid_agreement=0.5 < min=1")),
    (dict(min_agreement=0.5, min_confidence=0.7), dict(lid_agreement=0.5, lid_confidence=0.6),
     ("lid_confidence_below_min", "lid_confidence=0.6 < min=0.7")),
    ({}, dict(lid_confidence=0.9), ("missing_score_lid_agreement", "no lid_agreement score on the record")),
    (dict(on_missing="keep"), dict(), None),
])
def test_lid_agreement(options, scores, expected):
    assert filt("lid_agreement", **options)(rec(**scores)) == expected


def test_lid_agreement_config_error():
    with pytest.raises(ConfigError, match=r"min_confidence: must be <= 1.0 \(got 2\)"):
        filt("lid_agreement", min_confidence=2)


@pytest.mark.parametrize("name,options,scores,expected", [
    ("length_ratio", {}, dict(length_ratio=2.5), ("length_ratio_above_max", "length_ratio=2.5 > max=2")),
    ("length_ratio", {}, dict(length_ratio=0.4), ("length_ratio_below_min", "length_ratio=0.4 < min=0.5")),
    ("length_ratio", dict(min=None, max=3), dict(length_ratio=0.01), None),
    ("length_ratio", {}, dict(), ("missing_score_length_ratio", "no length_ratio score on the record")),
    ("alignment_coverage", {}, dict(alignment_coverage=0.3),
     ("alignment_coverage_below_min", "alignment_coverage=0.3 < min=0.5")),
    ("alignment_coverage", dict(min=0.2), dict(alignment_coverage=0.3), None),
    ("alignment_coverage", {}, dict(), ("missing_score_alignment_coverage",
                                        "no alignment_coverage score on the record")),
    ("perplexity", dict(max=100), dict(perplexity=250.0), ("perplexity_above_max", "perplexity=250 > max=100")),
    ("perplexity", dict(max=100, min=2), dict(perplexity=1.5), ("perplexity_below_min", "perplexity=1.5 < min=2")),
    ("perplexity", dict(max=100), dict(perplexity=99.0), None),
    ("perplexity", dict(max=100), dict(perplexity=math.inf), ("perplexity_above_max", "perplexity=inf > max=100")),
])
def test_named_filters(name, options, scores, expected):
    f = filt(name, **options)
    assert f.name == f"{name}.v1"
    assert f(rec(**scores)) == expected


BASE = {"input": {"format": "tsv", "path": "x.tsv", "src_lang": "en", "tgt_lang": "hi"}, "align": None}


def test_filter_stage_first_failure_wins_and_rejects_carry_stage():
    cfg = parse_config(dict(BASE, filter=[{"name": "metric_range", "options": {"metric": "switch_points", "min": 1}},
                                          {"name": "metric_range", "options": {"metric": "cmi", "max": 30}}]))
    stage = FilterStage(cfg)
    bad_both = rec(switch_points=0.0, cmi=50.0)
    out = stage.process(bad_both)
    assert (out.reject_reason, out.reject_detail, out.reject_stage) == (
        "switch_points_below_min", "switch_points=0 < min=1", "filter")
    assert out.scores == bad_both.scores  # scores kept on the reject too
    good = rec(switch_points=2.0, cmi=20.0)
    assert stage.process(good) is good
    already = bad_both.reject("no_switchable_span", stage="transform")
    assert stage.process(already) is already


def test_filters_and_score_check():
    fs = [filt("metric_range", metric="switch_points", min=1), filt("lid_agreement")]
    assert [f.name for f in fs] == ["metric_range.v1", "lid_agreement.v1"]
    # lid_agreement needs the lid scorer, which the defaults do not run
    with pytest.raises(ConfigError, match=r"filter lid_agreement.v1 reads score 'lid_agreement'.*\(lid\)"):
        check_filters_have_scores(fs, build_scorers(CTX))
    check_filters_have_scores(fs[:1], build_scorers(CTX))
    check_filters_have_scores(fs, build_scorers(CTX, ["code_mixing", "lid"]))


def test_config_validation_names_the_field():
    base = {"input": {"format": "tsv", "path": "x.tsv", "src_lang": "en", "tgt_lang": "hi"}, "align": None}
    cfg = parse_config(dict(base, filter=[{"name": "metric_range", "options": {"metric": "cmi", "max": 40}}]))
    assert cfg.filter[0].options == {"metric": "cmi", "max": 40}
    with pytest.raises(ConfigError, match="filter.0.options.maximum: unknown option"):
        parse_config(dict(base, filter=[{"name": "metric_range", "options": {"metric": "cmi", "maximum": 40}}]))
    with pytest.raises(ConfigError, match="filter.0.options.metric: unknown score 'spfx'"):
        parse_config(dict(base, filter=[{"name": "metric_range", "options": {"metric": "spfx", "min": 0}}]))
