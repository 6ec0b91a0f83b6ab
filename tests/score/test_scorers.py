"""Registered scorers on real records (real lingua / py3langid / transformers)."""
import math

import pytest

from cs_synth.pipeline import registry
from cs_synth.pipeline.score import SCORE_NAMES
from cs_synth.pipeline.score.scorers import DEFAULT_SCORERS, build_scorers, switched_spans
from cs_synth.pipeline.units import ConfigError, Context

CTX = Context(src_lang="en", tgt_lang="fr")


def scorer(name, ctx=CTX, **options):
    return registry.get(registry.scorers, name)(ctx, **options)


def test_registered_names_and_defaults():
    assert {"code_mixing", "length_ratio", "alignment_coverage", "lid", "perplexity"} <= set(
        registry.names(registry.scorers))
    assert DEFAULT_SCORERS == ("code_mixing", "length_ratio", "alignment_coverage")
    built = build_scorers(CTX)
    assert [s.name for s in built] == ["code_mixing.v1", "length_ratio.v1", "alignment_coverage.v1"]
    for s in built:
        assert set(s.keys) <= set(SCORE_NAMES)


def test_code_mixing_uses_output_tags_and_source_as_matrix(make_record):
    rec = make_record("I saw the cat", out="I saw le chat .", out_langs=["en", "en", "fr", "fr", "zxx"])
    got = scorer("code_mixing")(rec)
    assert got["switch_points"] == 1.0
    assert got["cmi"] == 50.0
    assert got["cs_ratio"] == 0.5
    assert got["n_tokens"] == 5.0
    # no output yet: the source, tagged with its language, is what gets scored
    assert scorer("code_mixing")(make_record("I saw 3 cats"))["switch_points"] == 0.0
    assert scorer("code_mixing")(make_record("I saw 3 cats"))["n_tokens"] == 4.0


def test_code_mixing_ignore_option(make_record):
    rec = make_record("a b c", out="a b c d", out_langs=["ne", "ne", "en", "fr"])
    assert scorer("code_mixing", ignore=["ne"])(rec)["cmi"] == 50.0
    with pytest.raises(ConfigError, match=r"^ignore: 'str' instances are not allowed as a Sequence value"):
        scorer("code_mixing", ignore="ne")


def test_length_ratio(make_record):
    s = scorer("length_ratio")
    assert s(make_record("a b c", tgt="x y")) == {"length_ratio": 1.5}
    assert s(make_record("a b c")) == {}           # no target side: left out
    assert s(make_record("a b c", tgt="")) == {}   # untokenized/empty target: left out


def test_alignment_coverage(make_record):
    s = scorer("alignment_coverage")
    # src 4 tokens, tgt 3 tokens; aligned src {0,1}, tgt {0,2} -> 4/7
    rec = make_record("a b c .", tgt="x y z", alignment=[(0, 0), (1, 0), (1, 2)])
    assert s(rec) == {"alignment_coverage": pytest.approx(4 / 7)}
    # skipping the "." -> 4/6
    assert scorer("alignment_coverage", skip_language_independent=True)(rec) == {
        "alignment_coverage": pytest.approx(4 / 6)}
    assert s(make_record("a b c", tgt="x y")) == {}  # no alignment: left out, not 0


def test_switched_spans_absorb_inner_punctuation():
    toks = ["I", "like", "New", "-", "York", ",", "très", "bien", "!"]
    langs = ["en", "en", "fr", "zxx", "fr", "zxx", "fr", "fr", "zxx"]
    assert switched_spans(toks, langs, [True] * 9, "en") == [("fr", "New - York , très bien")]
    assert switched_spans(toks, langs, [True] * 9, "fr") == [("en", "I like")]
    assert switched_spans([], [], [], "en") == []


@pytest.mark.parametrize("backend", ["lingua", "py3langid"])
def test_lid_agreement(make_record, backend):
    s = scorer("lid", backend=backend)
    assert s.name == "lid.v1"
    good = make_record(
        "yesterday I visited the big municipal library with my sister",
        out="yesterday I visited la grande bibliothèque municipale avec ma sœur",
        out_langs=["en", "en", "en"] + ["fr"] * 7)
    got = s(good)
    assert got["lid_agreement"] == 1.0
    assert got["lid_confidence"] > 0.9
    # the "French" span is English words: identified as en, so no agreement
    bad = make_record(
        "yesterday I visited the big municipal library with my sister",
        out="yesterday I visited the big municipal library with my sister",
        out_langs=["en", "en", "en"] + ["fr"] * 7)
    got = s(bad)
    assert got["lid_agreement"] == 0.0
    assert got["lid_confidence"] < 0.5
    # one right span and one wrong span -> 1/2
    mixed = make_record(
        "x", out="la grande bibliothèque municipale avec ma sœur and then the big municipal library with my sister",
        out_langs=["fr"] * 7 + ["en", "en"] + ["fr"] * 7)
    assert s(mixed)["lid_agreement"] == 0.5
    # nothing switched: left out
    assert s(make_record("the cat", out="the cat", out_langs=["en", "en"])) == {}


def test_lid_min_chars_skips_short_spans(make_record):
    # "pan" (Spanish bread) is judged English; with min_chars=4 it is not judged at all
    rec = make_record("x", out="pan from the bakery and la grande bibliothèque municipale",
                      out_langs=["es", "en", "en", "en", "en"] + ["fr"] * 4)
    assert scorer("lid")(rec)["lid_agreement"] == 0.5
    assert scorer("lid", min_chars=4)(rec)["lid_agreement"] == 1.0
    only_short = make_record("x", out="pan from the bakery", out_langs=["es", "en", "en", "en"])
    assert scorer("lid", min_chars=4)(only_short) == {}
    with pytest.raises(ConfigError, match=r"^min_chars: must be >= 0 \(got -1\)"):
        scorer("lid", min_chars=-1)


def test_lid_config_errors():
    with pytest.raises(ConfigError, match=r"^backend: must be one of 'lingua' or 'py3langid' \(got 'fasttext'\)"):
        scorer("lid", backend="fasttext")
    with pytest.raises(ConfigError, match=r"^languages: \['qq'\] not known"):
        scorer("lid", languages=["en", "qq"])
    with pytest.raises(ConfigError, match="^input.tgt_lang: 'qq' is not a language the lid scorer's lingua backend"):
        scorer("lid", ctx=Context(src_lang="en", tgt_lang="qq"))
    with pytest.raises(ConfigError, match=r"^languages: must be one of 'pair' or 'all' or must be a valid list"):
        scorer("lid", languages=3)
    # through the config entry, the same errors carry the full path
    with pytest.raises(ConfigError, match=r"^score.1.options.languages: \['qq'\] not known"):
        build_scorers(CTX, ["code_mixing", {"name": "lid", "options": {"languages": ["en", "qq"]}}])
    with pytest.raises(ConfigError, match="^input.tgt_lang: 'qq'"):
        build_scorers(Context(src_lang="en", tgt_lang="qq"), ["lid"])
    with pytest.raises(ConfigError, match="^score.0.options.min_char: unknown option; known options: backend, "
                                          "languages, min_chars"):
        build_scorers(CTX, [{"name": "lid", "options": {"min_char": 2}}])


def test_perplexity_of_uniform_model_is_vocab_size(make_record, uniform_lm):
    path, vocab = uniform_lm
    s = scorer("perplexity", model=str(path))
    rec = make_record("the cat sat", out="the cat sat on le tapis", out_langs=["en"] * 4 + ["fr"] * 2)
    assert s(rec)["perplexity"] == pytest.approx(vocab, rel=1e-5)


def test_perplexity_ranks_fluent_text_lower(make_record, trained_lm):
    s = scorer("perplexity", model=str(trained_lm))
    fluent = s(make_record("the cat sat on the mat ."))["perplexity"]
    scrambled = s(make_record(". mat the on sat cat the"))["perplexity"]
    assert fluent < scrambled / 5
    assert math.isfinite(fluent) and fluent >= 1.0
    assert s(make_record("")) == {}


def test_perplexity_on_devanagari_with_the_shared_tiny_lm(make_record, bpe_lm):
    rec = make_record("I am going to Delhi", out="मैं कल Delhi जा रहा हूँ", out_langs=["hi", "hi", "en", "hi", "hi", "hi"],
                      src_lang="en")
    a = scorer("perplexity", model=bpe_lm)(rec)["perplexity"]
    b = scorer("perplexity", model=bpe_lm, max_length=64)(rec)["perplexity"]
    assert math.isfinite(a) and a > 1.0
    assert a == b  # same model (cached once per process), same text -> same number
    # truncation to 2 tokens scores only the first prediction: a different number
    assert scorer("perplexity", model=bpe_lm, max_length=2)(rec)["perplexity"] != a


def test_perplexity_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="option 'model': file not found"):
        scorer("perplexity", model=str(tmp_path / "nope"))
    with pytest.raises(ConfigError, match="has no config.json"):
        scorer("perplexity", model=str(tmp_path))
    with pytest.raises(ConfigError, match=r"^max_length: must be >= 2 \(got 1\)"):
        scorer("perplexity", model=str(tmp_path), max_length=1)
    with pytest.raises(ConfigError, match="^model: required option is missing"):
        scorer("perplexity")
    with pytest.raises(ConfigError, match="^score.0.options.model: file not found"):
        build_scorers(CTX, [{"name": "perplexity", "options": {"model": str(tmp_path / "nope")}}])


def test_score_stage_merges_and_build_errors(make_record):
    from cs_synth.pipeline.config import parse_config
    from cs_synth.pipeline.stages import ScoreStage

    cfg = parse_config({"input": {"format": "tsv", "path": "x.tsv", "src_lang": "en", "tgt_lang": "fr"},
                        "align": None})
    rec = make_record("a b c", tgt="x y", out="a y c", out_langs=["en", "fr", "en"])
    out = ScoreStage(cfg).process(rec)
    assert out.scores["switch_points"] == 2.0 and out.scores["length_ratio"] == 1.5
    assert "alignment_coverage" not in out.scores
    assert rec.scores == {}  # input untouched
    with pytest.raises(ConfigError, match="score.0: unknown scorer 'nope'"):
        build_scorers(CTX, ["nope"])
    with pytest.raises(ConfigError, match="score.1.name: unknown scorer 'nope'"):
        build_scorers(CTX, ["lid", {"name": "nope"}])
    spec = [{"name": "alignment_coverage", "options": {"skip_language_independent": True}}]
    assert [s.name for s in build_scorers(CTX, spec)] == ["alignment_coverage.v1"]
