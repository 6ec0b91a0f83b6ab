"""``matrix: tgt`` for every code-switching recipe (issue 14): the target side
frames the sentence, source spans are inserted into it.

Golden outputs for an en-hi pair (Hindi frame, English insertions), the
equivalence with running the recipe on the swapped pair for every recipe,
what an output and a reject carry, chaining, and the configuration errors."""
import pytest

from cs_synth.pipeline import registry
from cs_synth.pipeline.units import ConfigError, Context
from cs_synth.transforms.codeswitch.matrix import CHAIN_BREAKS, MatrixFrame, swap_sides

EN = "I ate a red apple today"
HI = "मैंने आज एक लाल सेब खाया"
LINKS = "0-0 1-5 2-2 3-3 4-4 5-1"
# not its own inverse, so a missing inversion shows
EN2 = "my sister reads books"
HI2 = "मेरी बहन किताबें पढ़ती है"
LINKS2 = "0-0 1-1 2-3 2-4 3-2"


def build_in(name, tgt_lang="hi", src_lang="en", **options):
    ctx = Context(base_dir=".", src_lang=src_lang, tgt_lang=tgt_lang, seed=0)
    return registry.get(registry.recipes, name).factory(ctx, **options)


@pytest.fixture
def enhi(make_record):
    return make_record(EN, HI, LINKS, src_lang="en", tgt_lang="hi")


# golden: each recipe, Hindi frame, on the en-hi pair (read by a Hindi-English bilingual:
# the Hindi word order and postpositions stay, English content spans come in)
GOLDEN = [
    ("span-ml", {"probability": 1.0, "max_len": 1}, "मैंने today एक red apple ate",
     ("hi", "en", "hi", "en", "en", "en")),
    ("span-ec", {}, "I आज एक लाल सेब खाया", ("en", "hi", "hi", "hi", "hi", "hi")),
    ("phrase", {}, "मैंने आज a red apple खाया", ("hi", "hi", "en", "en", "en", "hi")),
    ("ratio", {"target_ratio": 0.5}, "मैंने आज a red apple खाया", ("hi", "hi", "en", "en", "en", "hi")),
    ("ratio", {"mode": "token"}, "मैंने आज एक red apple खाया", ("hi", "hi", "hi", "en", "en", "hi")),
]


@pytest.mark.parametrize("name,options,text,langs", GOLDEN, ids=[f"{g[0]}-{i}" for i, g in enumerate(GOLDEN)])
def test_hindi_frame_golden(enhi, apply, name, options, text, langs):
    unit = build_in(name, matrix="tgt", **options)
    (out,) = apply(unit, enhi)
    assert not out.rejected, out.reject_detail
    assert out.text == text and out.langs == langs
    # the output's src is the matrix side: its source map points into the Hindi tokens
    assert out.src.lang == "hi" and out.tgt.lang == "en"
    hi_tokens = HI.split()
    for tok, m in zip(out.tokens, out.source_map):
        if m >= 0:
            assert hi_tokens[m] == tok
    for e in out.edits:
        assert out.src.tokens[e.src_start:e.src_end] == tuple(e.before.split())


def test_word_recipe_frames_in_the_target_with_a_target_side_dictionary(make_record, apply, tmp_path):
    dic = tmp_path / "hi-en.tsv"
    dic.write_text("सेब\tapple\nकिताबें\tbooks\n", encoding="utf-8")
    unit = build_in("word", matrix="tgt", dictionaries={"en": str(dic)}, probability=1.0)
    (out,) = apply(unit, make_record(EN2, HI2, LINKS2, src_lang="en", tgt_lang="hi"))
    assert out.text == "मेरी बहन books पढ़ती है"
    assert out.langs == ("hi", "hi", "en", "hi", "hi")


def test_entity_recipe_frames_in_the_target(make_record, apply):
    rec = make_record("Priya lives in Delhi", "प्रिया दिल्ली में रहती है", "0-0 1-3 1-4 2-2 3-1",
                      src_lang="en", tgt_lang="hi",
                      tgt_kw={"entities": (__import__("cs_synth.pipeline.record", fromlist=["Span"]).Span(1, 2, "GPE"),)})
    unit = build_in("entity", matrix="tgt", entities="annotations")
    (out,) = apply(unit, rec)
    assert out.text == "प्रिया Delhi में रहती है"
    assert out.langs[1] == "en" and out.src.lang == "hi"


# every recipe: matrix tgt == the recipe on the swapped pair (same rng stream)
FR_POS = ("PRON", "NOUN", "VERB", "DET", "NOUN")
EN_FR = ("my sister reads the newspaper", "ma sœur lit le journal", "0-0 1-1 2-2 3-3 4-4")
FR_PARSE = {"pos": ("DET", "NOUN", "VERB", "DET", "NOUN"), "heads": (1, 2, 2, 4, 2),
            "deps": ("det", "nsubj", "ROOT", "det", "obj")}


@pytest.mark.parametrize("name,options", [
    ("span-ml", {"probability": 1.0}), ("span-ec", {"max_spans": 2}), ("phrase", {"max_phrases": 2}),
    ("ratio", {}), ("ratio", {"mode": "token"}), ("ratio", {"mode": "noun-token"}),
    ("noun-swap", {}), ("subtree", {}),
])
def test_matrix_tgt_is_the_recipe_on_the_swapped_pair(make_record, apply, name, options):
    rec = make_record(*EN_FR, src_lang="en", tgt_lang="fr", tgt_kw=dict(FR_PARSE))
    framed = build_in(name, tgt_lang="fr", matrix="tgt", **options)
    plain = build_in(name, tgt_lang="fr", **options)
    swapped = swap_sides(rec)
    assert swapped.src.lang == "fr" and swapped.alignment == tuple(sorted((j, i) for i, j in rec.alignment))
    got, want = apply(framed, rec), apply(plain, swapped)
    assert [o.tokens for o in got] == [o.tokens for o in want]
    assert all(not o.rejected for o in got), [(o.reject_reason, o.reject_detail) for o in got]
    assert all(o.src.lang == "fr" and set(o.langs) >= {"fr", "en"} for o in got)


def test_alignment_is_inverted(make_record, apply):
    rec = make_record(EN2, HI2, LINKS2, src_lang="en", tgt_lang="hi")
    unit = build_in("phrase", matrix="tgt", max_phrases=1)
    (out,) = apply(unit, rec)
    assert out.alignment == ((0, 0), (1, 1), (2, 3), (3, 2), (4, 2))


def test_a_reject_is_the_input_record(make_record, apply):
    rec = make_record(EN2, HI2, "", src_lang="en", tgt_lang="hi")
    (out,) = apply(build_in("span-ec", matrix="tgt"), rec)
    assert out.rejected and out.reject_reason == "no_switchable_span"
    assert out.src == rec.src and out.tgt == rec.tgt and out.alignment == rec.alignment


def test_missing_target_side_rejects(make_record, apply):
    (out,) = apply(build_in("span-ml", matrix="tgt"), make_record(EN2, src_lang="en"))
    assert out.reject_reason == "missing_target" and "matrix: tgt" in out.reject_detail


def test_chaining(enhi, apply):
    first = build_in("phrase", matrix="tgt")
    (mid,) = apply(first, enhi)
    # a second matrix: tgt step keeps the Hindi frame (no second swap)
    (again,) = apply(build_in("span-ml", matrix="tgt", probability=1.0), mid)
    assert not again.rejected and again.src.lang == "hi" and again.langs[0] == "hi"
    # a matrix: tgt step after a source-framed output cannot use its tokens
    (src_framed,) = apply(build_in("phrase"), enhi)
    (bad,) = apply(build_in("span-ec", matrix="tgt"), src_framed)
    assert bad.reject_reason == CHAIN_BREAKS and "put the matrix: tgt step first" in bad.reject_detail


def test_matrix_src_is_the_plain_unit():
    unit = build_in("span-ec", matrix="src")
    assert not isinstance(unit, MatrixFrame)
    assert isinstance(build_in("span-ec", matrix="tgt"), MatrixFrame)


@pytest.mark.parametrize("name,options,what", [
    ("noun-swap", {}, "POS tags"), ("subtree", {}, "a dependency parse"), ("ratio", {"mode": "noun-token"}, "POS tags"),
])
def test_a_parse_of_a_matrix_side_without_a_pipeline_is_a_config_error(name, options, what):
    with pytest.raises(ConfigError, match=f"matrix: tgt: recipe '{name}' needs {what} of the matrix side \\(hi\\)"):
        build_in(name, matrix="tgt", **options)


def test_the_option_is_in_every_codeswitch_schema_and_validated():
    for name in ("entity", "noun-swap", "phrase", "ratio", "span-ec", "span-ml", "subtree", "word"):
        factory = registry.lookup(registry.recipes, name).factory
        assert "matrix" in registry.option_names(factory)
    factory = registry.lookup(registry.recipes, "span-ec").factory
    with pytest.raises(ConfigError, match="matrix"):
        registry.validate_options(factory, {"matrix": "hi"})
