"""The ``translit`` recipe: modes (whole text, by language, by predicate),
edits, language tags, pass-through marking, chaining and configuration."""
import pytest

from cs_synth.pipeline import registry
from cs_synth.pipeline.record import Edit, Span
from cs_synth.pipeline.units import ConfigError
from cs_synth.transforms.translit.backends import Backend
from cs_synth.transforms.translit.predicates import register_classifier, register_predicate
from cs_synth.transforms.translit.recipe import Transliterate, translit_factory

HI = ("मैं", "घर", "जा", "रहा", "हूँ", "।")
HI_SPACES = (True, True, True, True, False, False)
# a code-switched Hindi-English output from an earlier unit
CS = ("मुझे", "office", "जाना", "है", "but", "traffic", "बहुत", "है", "।")
CS_LANGS = ("hi", "en", "hi", "hi", "en", "en", "hi", "hi", "zxx")
CS_SPACES = (True,) * 7 + (False, False)


def test_registered_under_translit():
    info = registry.recipe_infos()["translit"]
    assert info.factory is translit_factory


# ----------------------------------------------------------- whole text
@pytest.mark.parametrize("options,text", [
    ({"backend": "hinglish"}, "main ghar ja raha hoon."),
    ({"backend": "icu", "transform_id": "Devanagari-Latin"}, "maiṁ ghara jā rahā hūm̐."),
    ({"backend": "icu", "transform_id": "Any-Latin; Latin-ASCII"}, "maim ghara ja raha hum।"),
    ({"backend": "sanscript", "scheme": "iast"}, "maiṃ ghara jā rahā hū~|"),
    ({"backend": "sanscript", "scheme": "itrans"}, "maiM ghara jA rahA hU.N|"),
    ({"backend": "uroman", "lcode": "hin"}, "maim ghar jaa rahaa huum."),
])
def test_whole_text_golden(ctx, make_record, run, options, text):
    rec = make_record(HI, spaces=HI_SPACES)
    out = run(translit_factory(ctx, **options), rec)
    assert out.text == text
    assert out.id == "t1/translit/0" and out.recipe == "translit" and out.pair_id == "t1"
    assert out.langs == ("hi",) * 5 + ("zxx",)  # a transliterated token keeps its language tag
    assert out.spaces == HI_SPACES
    assert not out.rejected


def test_one_edit_per_changed_token(ctx, make_record, run):
    rec = make_record(HI, spaces=HI_SPACES)
    out = run(translit_factory(ctx, backend="hinglish"), rec)
    assert out.edits == (
        Edit("translit.v1", "transliterate", 0, 1, 0, 1, "मैं", "main", "hinglish:casual"),
        Edit("translit.v1", "transliterate", 1, 2, 1, 2, "घर", "ghar", "hinglish:casual"),
        Edit("translit.v1", "transliterate", 2, 3, 2, 3, "जा", "ja", "hinglish:casual"),
        Edit("translit.v1", "transliterate", 3, 4, 3, 4, "रहा", "raha", "hinglish:casual"),
        Edit("translit.v1", "transliterate", 4, 5, 4, 5, "हूँ", "hoon", "hinglish:casual"),
        Edit("translit.v1", "transliterate", 5, 6, 5, 6, "।", ".", "hinglish:casual"),
    )


# --------------------------------------------------------- by language
def test_lang_mode_romanizes_only_hindi_tokens_to_hinglish(ctx, make_record, run):
    rec = make_record(CS, langs=CS_LANGS, spaces=CS_SPACES, edits=(Edit("codeswitch.v1", "switch", 1, 2, 1, 2,
                                                                         "दफ़्तर", "office", ""),))
    out = run(translit_factory(ctx, backend="hinglish", mode="lang", langs=["hi"]), rec)
    # the danda (language-independent) goes with the romanized script around it
    assert out.text == "mujhe office jana hai but traffic bahut hai."
    assert out.langs == CS_LANGS
    assert out.recipe == "prev+translit" and out.id == "t1/translit/0"
    assert out.edits[0].unit == "codeswitch.v1"  # earlier edits kept, new ones appended
    assert [(e.src_start, e.before, e.after) for e in out.edits[1:]] == [
        (0, "मुझे", "mujhe"), (2, "जाना", "jana"), (3, "है", "hai"), (6, "बहुत", "bahut"), (7, "है", "hai"),
        (8, "।", ".")]


def test_lang_mode_reverse_direction(ctx, make_record, run):
    toks = ("I", "love", "namaste", "and", "duniyA")
    rec = make_record(toks, langs=("en", "en", "hi", "en", "hi"))
    out = run(translit_factory(ctx, backend="sanscript", source_scheme="itrans", scheme="devanagari",
                               mode="lang", langs="hi"), rec)
    assert out.tokens == ("I", "love", "नमस्ते", "and", "दुनिया")
    assert [e.detail for e in out.edits] == ["sanscript:itrans>devanagari"] * 2


# -------------------------------------------------------- by predicate
def test_script_predicate_selects_devanagari(ctx, make_record, run):
    rec = make_record(CS, langs=CS_LANGS, spaces=CS_SPACES)
    unit = translit_factory(ctx, backend="icu", transform_id="Devanagari-Latin", mode="predicate",
                            predicate="script", predicate_options={"scripts": ["Deva"]})
    out = run(unit, rec)
    # the danda is Devanagari punctuation but has no letter, so it is not selected
    assert out.tokens == ("mujhē", "office", "jānā", "hai", "but", "traffic", "bahuta", "hai", "।")


@pytest.mark.parametrize("method", ["icu", "unicodedata"])
def test_script_predicate_reverse_latin_tokens(ctx, make_record, run, method):
    rec = make_record(("नमस्ते", "ghara", "3"), langs=("hi", "hi", "zxx"))
    unit = translit_factory(ctx, backend="icu", transform_id="Latin-Devanagari", mode="predicate",
                            predicate="script", predicate_options={"scripts": ["Latin"], "method": method})
    out = run(unit, rec)
    assert out.tokens == ("नमस्ते", "घर", "3")
    assert len(out.edits) == 1 and out.edits[0].before == "ghara"


def test_script_predicate_match_all(ctx, make_record, run):
    rec = make_record(("घरwala", "घर"))
    unit = translit_factory(ctx, backend="hinglish", mode="predicate", predicate="script",
                            predicate_options={"scripts": ["Devanagari"], "match": "all"})
    assert run(unit, rec).tokens == ("घरwala", "ghar")


def test_wordlist_predicate_transliterates_listed_words(tmp_path, ctx, make_record, run):
    # Maltese-style: only words of Arabic origin go to Arabic script
    (tmp_path / "arabic_origin.txt").write_text("# words of Arabic origin\nkelb\nqalb  # heart\n\n", encoding="utf-8")
    rec = make_record(("Il-", "kelb", "tiegħi", "għandu", "Qalb", "tajba"), lang="mt")
    unit = translit_factory(ctx, backend="icu", transform_id="Latin-Arabic", mode="predicate",
                            predicate="wordlist", predicate_options={"path": "arabic_origin.txt"})
    out = run(unit, rec)
    assert out.tokens == ("Il-", "كِلب", "tiegħi", "għandu", "قَلب", "tajba")
    assert [e.before for e in out.edits] == ["kelb", "Qalb"]


def test_wordlist_case_sensitive(tmp_path, ctx, make_record, run):
    (tmp_path / "w.txt").write_text("kelb\n", encoding="utf-8")
    rec = make_record(("kelb", "Kelb"), lang="mt")
    unit = translit_factory(ctx, backend="icu", transform_id="Latin-Arabic", mode="predicate",
                            predicate="wordlist", predicate_options={"path": "w.txt", "casefold": False})
    assert run(unit, rec).tokens == ("كِلب", "Kelb")


def test_regex_predicate(ctx, make_record, run):
    rec = make_record(("Москва", "Moskva", "Казань"), lang="ru")
    unit = translit_factory(ctx, backend="icu", transform_id="Cyrillic-Latin", mode="predicate",
                            predicate="regex", predicate_options={"pattern": "Мос.*"})
    assert run(unit, rec).tokens == ("Moskva", "Moskva", "Казань")


def test_registered_classifier_plugs_in(ctx, make_record, run):
    def hindi_infinitive(token, lang):
        return lang == "hi" and token.endswith("ना")

    register_classifier("test_hindi_infinitive", hindi_infinitive)
    try:
        rec = make_record(CS, langs=CS_LANGS, spaces=CS_SPACES)
        unit = translit_factory(ctx, backend="hinglish", mode="predicate", predicate="test_hindi_infinitive")
        out = run(unit, rec)
        assert [(e.before, e.after) for e in out.edits] == [("जाना", "jana")]
    finally:
        del __import__("catalogue").REGISTRY[("cs_synth", "translit_predicates", "test_hindi_infinitive")]


def test_registered_predicate_factory_with_options(ctx, make_record, run):
    @register_predicate("test_min_len")
    def min_len(ctx, n: int):
        return lambda token, lang: len(token) >= n

    try:
        rec = make_record(("घर", "दुनिया"))
        unit = translit_factory(ctx, backend="hinglish", mode="predicate", predicate="test_min_len",
                                predicate_options={"n": 4})
        assert run(unit, rec).tokens == ("घर", "duniya")
        with pytest.raises(ConfigError, match="predicate_options.m: unknown option; known options: n"):
            translit_factory(ctx, backend="hinglish", mode="predicate", predicate="test_min_len",
                             predicate_options={"m": 4})
    finally:
        del __import__("catalogue").REGISTRY[("cs_synth", "translit_predicates", "test_min_len")]


def test_lingua_classifier_predicate(ctx, make_record, run):
    toks = ("the", "casa", "is", "muy", "bonita")
    rec = make_record(toks, lang="en")
    unit = translit_factory(ctx, backend="icu", transform_id="Latin-Cyrillic", mode="predicate",
                            predicate="lingua", predicate_options={"languages": ["es"], "candidates": ["en"],
                                                                   "min_confidence": 0.6})
    out = run(unit, rec)
    assert out.tokens == ("the", "цаса", "is", "муы", "бонита")


# ------------------------------------------------ spans, labels, chaining
def test_entities_get_new_char_offsets_and_labels_survive(ctx, make_record, run):
    toks = ("मैं", "दिल्ली", "गया")
    rec = make_record(toks, langs=("hi", "hi", "hi"), entities=(Span(1, 2, "LOC", "", 4, 10),),
                      token_labels={"ner": ("O", "B-LOC", "O")})
    out = run(translit_factory(ctx, backend="hinglish"), rec)
    assert out.text == "main dilli gaya"
    assert out.entities == (Span(1, 2, "LOC", "", 5, 10),)
    assert out.text[5:10] == "dilli"
    assert out.token_labels["ner"] == ("O", "B-LOC", "O")


def test_no_selected_tokens_passes_through_marked(ctx, make_record, run):
    rec = make_record(("the", "house", "."), langs=("en", "en", "zxx"))
    out = run(translit_factory(ctx, backend="hinglish", mode="lang", langs=["hi"]), rec)
    assert not out.rejected
    assert out.tokens == rec.tokens and out.text == "the house ."
    assert out.edits == (Edit("translit.v1", "unchanged", detail="no_selected_tokens"),)


def test_text_backend_cannot_handle_passes_through_marked(ctx, make_record, run):
    rec = make_record(("the", "house", "."), lang="en")
    out = run(translit_factory(ctx, backend="icu", transform_id="Devanagari-Latin"), rec)
    assert not out.rejected and out.text == "the house ."
    assert out.edits == (Edit("translit.v1", "unchanged", detail="no_applicable_tokens"),)


class _Exploding(Backend):
    """A backend that fails on one token, to exercise the error path."""

    detail = "exploding:test"

    def transliterate(self, text):
        if text == "बम":
            raise ValueError("boom")
        return text.upper()


def test_backend_error_on_a_token_leaves_it_and_marks_it(make_record, run):
    rec = make_record(("ab", "बम", "cd"), lang="hi")
    out = run(Transliterate(_Exploding()), rec)
    assert out.tokens == ("AB", "बम", "CD")
    assert out.edits[-1] == Edit("translit.v1", "unchanged", 1, 2, 1, 2, "बम", "बम",
                                 "backend_error:exploding:test:ValueError")


def test_record_without_tokens_is_rejected(ctx, run):
    from cs_synth.pipeline.record import Record, Side

    rec = Record(id="e1", src=Side(text="", lang="hi"))
    out = run(translit_factory(ctx, backend="hinglish"), rec)
    assert out.rejected and out.reject_reason == "no_tokens" and out.reject_stage == "transform"


def test_deterministic_and_rng_free(ctx, make_record, run):
    rec = make_record(HI, spaces=HI_SPACES)
    unit = translit_factory(ctx, backend="hinglish")
    assert run(unit, rec, seed=1) == run(unit, rec, seed=2)


# ------------------------------------------------------------ configuration
@pytest.mark.parametrize("options,match", [
    ({"backend": "hinglish", "mode": "words"}, "option 'mode': unknown mode 'words'; valid modes: text, lang, predicate"),
    ({"backend": "hinglish", "mode": "lang"}, "option 'langs' is required"),
    ({"backend": "hinglish", "mode": "text", "langs": ["hi"]}, "'langs' only applies to mode 'lang'"),
    ({"backend": "hinglish", "mode": "predicate"}, "option 'predicate' is required.*script.*wordlist"),
    ({"backend": "hinglish", "mode": "predicate", "predicate": "nope"}, "unknown predicate 'nope'; known: .*regex"),
    ({"backend": "hinglish", "mode": "lang", "langs": "hi", "predicate": "script"}, "only apply to mode 'predicate'"),
    ({"backend": "hinglish", "mode": "predicate", "predicate": "script", "predicate_options": {"scripts": ["Klingon"]}},
     "unknown script 'Klingon'.*devanagari"),
    ({"backend": "hinglish", "mode": "predicate", "predicate": "script", "predicate_options": {}},
     "predicate_options.scripts: required option is missing"),
    ({"backend": "hinglish", "mode": "predicate", "predicate": "wordlist", "predicate_options": {"path": "nope.txt"}},
     "predicate_options.path.*file not found"),
    ({"backend": "hinglish", "mode": "predicate", "predicate": "regex", "predicate_options": {"pattern": "("}},
     "invalid regular expression"),
    ({"backend": "hinglish", "mode": "predicate", "predicate": "lingua", "predicate_options": {"languages": ["xx"], "candidates": ["en"]}},
     "unknown ISO 639-1 code"),
])
def test_config_errors(ctx, options, match):
    with pytest.raises(ConfigError, match=match):
        translit_factory(ctx, **options)


def test_defaults_infer_mode_and_romanize_to_ascii(ctx, make_record, run):
    """``{"recipe": "translit", "options": {"langs": ["hi"]}}`` (the README's
    chain example): mode lang, ICU Any-Latin; Latin-ASCII."""
    unit = translit_factory(ctx, langs=["hi"])
    assert unit.mode == "lang" and unit.backend.detail == "icu:Any-Latin; Latin-ASCII"
    rec = make_record(CS, langs=CS_LANGS, spaces=CS_SPACES)
    assert run(unit, rec).text == "mujhe office jana hai but traffic bahuta hai।"
    assert translit_factory(ctx, predicate="regex", predicate_options={"pattern": "x"}).mode == "predicate"
    assert translit_factory(ctx, backend="hinglish").mode == "text"


def test_config_unknown_icu_id_through_run_config(tmp_path):
    from cs_synth.pipeline.config import parse_config

    data = {"input": {"format": "text", "path": "x.txt", "src_lang": "hi"}, "align": None,
            "transform": [{"recipe": "translit", "options": {"backend": "icu", "transform_id": "Hindi-Latin"}}]}
    with pytest.raises(ConfigError, match="unknown ICU transform 'Hindi-Latin'"):
        parse_config(data, base_dir=str(tmp_path))


def test_augment_end_to_end():
    from cs_synth.pipeline import augment

    out = augment("मैं घर जा रहा हूँ।", src_lang="hi", recipe="translit", backend="hinglish")
    assert [o.text for o in out] == ["main ghar ja raha hoon."]
    assert out[0].langs == ("hi", "hi", "hi", "hi", "hi", "zxx")
    assert out[0].scores["switch_points"] == 0.0


def test_capitalize_names_from_the_aligned_english_entities(ctx, make_record, run):
    """A romanized word that spells a capitalized token of an English name
    entity gets a capital (Madrid se Lima); other words, and the same words
    with the option off or without entities, stay as the backend spells
    them.  It goes by spelling: a verb linked to a name stays lower case."""
    from cs_synth.pipeline.record import Side

    hi = ("मैड्रिड", "से", "लीमा", "की", "उड़ान", "सोमवार", "को", "है", "।")
    en = Side(text="The flight from Madrid to Lima is on Monday .", lang="en",
              tokens=("The", "flight", "from", "Madrid", "to", "Lima", "is", "on", "Monday", "."),
              entities=(Span(3, 4, "GPE"), Span(5, 6, "GPE"), Span(8, 9, "DATE")))
    links = ((0, 3), (1, 2), (2, 5), (4, 1), (5, 8), (7, 5), (8, 9))  # a stray link: है -> Lima
    rec = make_record(hi, tgt=en, alignment=links)
    on = run(translit_factory(ctx, backend="hinglish", capitalize_names=True), rec)
    off = run(translit_factory(ctx, backend="hinglish"), rec)
    assert [t[:1].isupper() for t in on.tokens] == [True, False, True, False, False, False, False, False, False]
    assert on.tokens[0] == off.tokens[0].capitalize() and on.tokens[2] == off.tokens[2].capitalize()
    assert on.tokens[5] == off.tokens[5]  # सोमवार: a DATE, not a name
    assert not any(t[:1].isupper() for t in off.tokens)
    plain = en.evolve(entities=()) if hasattr(en, "evolve") else Side(text=en.text, lang="en", tokens=en.tokens)
    bare = run(translit_factory(ctx, backend="hinglish", capitalize_names=True), make_record(hi, tgt=plain))
    assert bare.tokens == off.tokens  # no entities: nothing to go by
    # a code-switched output: the base positions follow the source map
    cs = rec.evolve(recipe="prev", tokens=("Madrid",) + hi[1:], langs=("en",) + ("hi",) * 7 + ("zxx",),
                    spaces=rec.src.spaces, text="Madrid " + rec.src.text.split(" ", 1)[1],
                    source_map=(-1,) + tuple(range(1, len(hi))))
    out = run(translit_factory(ctx, backend="hinglish", mode="lang", langs=["hi"], capitalize_names=True), cs)
    assert out.tokens[0] == "Madrid" and out.tokens[2][:1].isupper() and out.tokens[4][:1].islower()
