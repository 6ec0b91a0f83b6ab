"""Every code-mixing metric against values worked out by hand (the
derivation is in each case's comment), plus the edge cases and invariants."""
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cs_synth.pipeline.metrics import METRIC_NAMES, code_mixing_metrics
from cs_synth.pipeline.score import SCORE_NAMES

ZERO = {k: 0.0 for k in METRIC_NAMES}


def approx(d):
    return {k: pytest.approx(v, abs=1e-12) for k, v in d.items()}


def test_keys_are_score_columns():
    assert set(code_mixing_metrics(["en"])) == set(METRIC_NAMES)
    assert set(METRIC_NAMES) <= set(SCORE_NAMES)


def test_two_languages_with_punctuation():
    # en en hi hi hi , en : n=7, u=1, L = en en hi hi hi en (m=6), w_en=3, w_hi=3
    # spans 2,3,1 -> 2 switches over 5 sites; CMI 100*(1-3/6)=50; M = (1-.5)/(1*.5) = 1
    # burstiness: mu=2, sigma=sqrt(2/3); memory on (2,3)->(3,1): mu1=2.5 s1=.5, mu2=2 s2=1,
    #   cov = ((-.5)(1) + (.5)(-1))/2 = -.5 -> -1
    # span entropy: three lengths once each -> log2 3
    got = code_mixing_metrics(["en", "en", "hi", "hi", "hi", "zxx", "en"], matrix_lang="en")
    s = math.sqrt(2 / 3)
    assert got == approx({
        "cmi": 50.0, "switch_points": 2.0, "spf": 0.4, "i_index": 0.4, "m_index": 1.0,
        "burstiness": (s - 2) / (s + 2), "memory": -1.0, "language_entropy": 1.0,
        "span_entropy": math.log2(3), "cs_ratio": 0.5, "n_tokens": 7.0,
    })


def test_three_languages():
    # en en hi fr: p = 1/2, 1/4, 1/4; sum p^2 = 3/8 -> M = (5/8)/(2*3/8) = 5/6
    # H = 1/2*1 + 2*(1/4*2) = 1.5 bits; spans 2,1,1: q(2)=1/3, q(1)=2/3
    # burstiness: mu=4/3, var=(4/9+1/9+1/9)/3=2/9; memory: (2,1)->(1,1) has sigma_2=0 -> 0
    got = code_mixing_metrics(["en", "en", "hi", "fr"])
    s, mu = math.sqrt(2 / 9), 4 / 3
    assert got == approx({
        "cmi": 50.0, "switch_points": 2.0, "spf": 2 / 3, "i_index": 2 / 3, "m_index": 5 / 6,
        "burstiness": (s - mu) / (s + mu), "memory": 0.0, "language_entropy": 1.5,
        "span_entropy": -(1 / 3 * math.log2(1 / 3) + 2 / 3 * math.log2(2 / 3)),
        "cs_ratio": 0.5, "n_tokens": 4.0,
    })


def test_memory_positive_and_cs_ratio_matrix():
    # spans 1,2,3,4 (en hi hi en en en hi hi hi hi): consecutive lengths rise together -> memory 1
    langs = ["en"] + ["hi"] * 2 + ["en"] * 3 + ["hi"] * 4
    got = code_mixing_metrics(langs, matrix_lang="en")
    assert got["memory"] == pytest.approx(1.0)
    assert got["switch_points"] == 3.0
    assert got["spf"] == pytest.approx(3 / 9)
    assert got["cmi"] == pytest.approx(40.0)  # w_hi = 6 of 10
    assert got["m_index"] == pytest.approx(0.48 / 0.52)  # 1 - (.16 + .36) over .52
    assert got["cs_ratio"] == pytest.approx(0.6)  # embedded hi = 6/10
    # default matrix = majority (hi): embedded en = 4/10
    assert code_mixing_metrics(langs)["cs_ratio"] == pytest.approx(0.4)
    # burstiness: mu=2.5, sigma=sqrt(1.25)
    s = math.sqrt(1.25)
    assert got["burstiness"] == pytest.approx((s - 2.5) / (s + 2.5))


@pytest.mark.parametrize("langs,expected", [
    (["en", "hi"], 1.0),            # one change -- not 2 (counting the first token) nor 0
    (["en", "zxx", "hi"], 1.0),     # zxx between languages is not an extra switch site
    (["zxx", "en", "hi", "zxx"], 1.0),
    (["en", "en", "en"], 0.0),
    (["en", "hi", "en", "hi"], 3.0),
    (["en", "zxx", "en"], 0.0),     # the same language around punctuation is no switch
])
def test_switch_points_no_off_by_one(langs, expected):
    assert code_mixing_metrics(langs)["switch_points"] == expected


def test_spf_counts_sites_between_language_tokens():
    # en , hi : one switch over one site between language tokens (not 2 sites over n-1 tokens)
    assert code_mixing_metrics(["en", "zxx", "hi"])["spf"] == 1.0
    assert code_mixing_metrics(["en", "hi", "en", "hi"])["spf"] == 1.0


def test_cmi_never_takes_punctuation_as_majority():
    # three zxx tokens outnumber each language; the buggy max over all tags gives 100*(1-3/2) = -50
    got = code_mixing_metrics(["zxx", "zxx", "zxx", "en", "hi"])
    assert got["cmi"] == 50.0
    assert got["cs_ratio"] == 0.5


def test_extra_non_language_tags_are_ignored():
    # LinCE-style "other"/"ne" tags: L = en hi hi -> CMI = 100*(1-2/3)
    got = code_mixing_metrics(["other", "ne", "other", "en", "hi", "hi"], ignore={"other", "ne"})
    assert got["cmi"] == pytest.approx(100 / 3)
    assert got["switch_points"] == 1.0
    assert got["n_tokens"] == 6.0


def test_empty():
    assert code_mixing_metrics([]) == ZERO


def test_all_language_independent():
    assert code_mixing_metrics(["zxx", "zxx", ""]) == dict(ZERO, n_tokens=3.0)


def test_single_token():
    assert code_mixing_metrics(["en"]) == dict(ZERO, n_tokens=1.0)
    # a single token in a language other than the matrix language is fully embedded
    assert code_mixing_metrics(["hi"], matrix_lang="en") == dict(ZERO, n_tokens=1.0, cs_ratio=1.0)


def test_one_language():
    assert code_mixing_metrics(["en", "zxx", "en", "en"], matrix_lang="en") == dict(ZERO, n_tokens=4.0)


def test_two_equal_spans_are_periodic():
    # spans 2,2: sigma = 0 -> burstiness (0-2)/(0+2) = -1
    assert code_mixing_metrics(["en", "en", "hi", "hi"])["burstiness"] == -1.0


tags = st.lists(st.sampled_from(["en", "hi", "fr", "zxx"]), max_size=30)


@settings(max_examples=200, deadline=None)
@given(tags, st.data())
def test_invariants(langs, data):
    got = code_mixing_metrics(langs)
    lang_only = [t for t in langs if t != "zxx"]
    k = len(set(lang_only))
    assert 0 <= got["switch_points"] <= max(len(lang_only) - 1, 0)
    assert 0.0 <= got["spf"] <= 1.0 and got["spf"] == got["i_index"]
    assert 0.0 <= got["cmi"] <= 100.0 * (1 - 1 / k) + 1e-9 if k else got["cmi"] == 0.0
    assert 0.0 <= got["cs_ratio"] <= 1.0
    assert -1.0 <= got["burstiness"] <= 1.0 and -1.0 - 1e-9 <= got["memory"] <= 1.0 + 1e-9
    assert 0.0 <= got["m_index"] <= 1.0 + 1e-9
    assert 0.0 <= got["language_entropy"] <= math.log2(max(k, 1)) + 1e-9
    # inserting language-independent tokens anywhere changes nothing but n_tokens
    pos = data.draw(st.integers(0, len(langs)))
    padded = code_mixing_metrics(langs[:pos] + ["zxx"] + langs[pos:])
    assert padded == dict(got, n_tokens=got["n_tokens"] + 1)
    # and dropping them gives the same metrics
    assert code_mixing_metrics(lang_only) == dict(got, n_tokens=float(len(lang_only)))
