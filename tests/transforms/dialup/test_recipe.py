"""The ``dialup`` recipe on whole records: determinism, rates, edits,
language selection, pass-through marking and configuration errors."""
import dataclasses
import random

import pytest

from cs_synth.pipeline import registry
from cs_synth.pipeline.record import Edit
from cs_synth.pipeline.rng import derive_rng
from cs_synth.pipeline.units import ConfigError, Context
from cs_synth.transforms.dialup.recipe import DialUp, dialup_factory
from cs_synth.transforms.dialup.ruleset import load_ruleset, shipped_languages, shipped_path

ES = ("Nosotros", "estamos", "muy", "cansados", "porque", "trabajamos", "todo", "el", "día", "en", "la",
      "ciudad", ",", "pero", "hasta", "mañana", "no", "descansamos", ".")
ES_SPACES = tuple(t not in ("ciudad", "descansamos", ".") for t in ES)
ES_CTX = Context(src_lang="es")


def test_registered_under_dialup():
    assert registry.recipe_infos()["dialup"].factory is dialup_factory
    assert shipped_languages() == ["de", "es"]


def test_same_seed_same_output_different_seed_differs(make_record, run):
    rec = make_record(ES, spaces=ES_SPACES)
    unit = dialup_factory(ES_CTX, char_rate=0.5, affix_rate=0.5, function_word_rate=0.5)
    a, b, c = run(unit, rec, seed=0), run(unit, rec, seed=0), run(unit, rec, seed=1)
    assert a == b
    assert a.text == "Nosotro ehtamos mu cansaos porque trabajamos too el día en la ciuad, pero hasta mañana no " \
                     "escansamos."
    assert c.text == "Nosotro estamo mu cansaos porque trabahamo todo el día en la siuda, pero jasta mañana no " \
                     "escansamos."
    # a fresh factory (another worker) gives the same bytes
    again = dialup_factory(ES_CTX, char_rate=0.5, affix_rate=0.5, function_word_rate=0.5)
    assert run(again, rec, seed=1) == c


def test_rates_zero_leave_text_unchanged_and_draw_nothing(make_record):
    rec = make_record(ES, spaces=ES_SPACES)
    unit = dialup_factory(ES_CTX, char_rate=0, affix_rate=0, function_word_rate=0)
    rng = random.Random(7)
    out = list(unit(rec, rng))[0]
    assert out.tokens == ES and out.text == rec.src.text
    assert out.edits == (Edit("dialup.v1", "unchanged", detail="no_rule_applied"),)
    assert rng.random() == random.Random(7).random()  # the rng was not touched


def test_one_rate_at_a_time(make_record, run):
    rec = make_record(("Estoy", "muy", "cansado", "para", "salir", "."), spaces=(True,) * 4 + (False, False))
    fw = run(dialup_factory(ES_CTX, char_rate=0, affix_rate=0, function_word_rate=1), rec)
    assert fw.text == "Toy mu cansado pa salir."
    assert {e.op for e in fw.edits} == {"function_word"}
    af = run(dialup_factory(ES_CTX, char_rate=0, affix_rate=1, function_word_rate=0), rec)
    assert af.text == "Estoy muy cansao para salir."
    assert [(e.op, e.before, e.after, e.detail) for e in af.edits] == [("affix", "cansado", "cansao", "es.ado_ao")]


def test_one_edit_per_applied_rule_with_chained_before_after(make_record, run):
    rs = load_ruleset(shipped_path("es"))
    keep = ("s_aspiration", "initial_h_aspiration")
    rules = dataclasses.replace(rs, char_rules=tuple(dataclasses.replace(r, weight=1.0) for r in rs.char_rules
                                                     if r.id in keep), affix_rules=(), function_words={})
    rec = make_record(("hasta", "luego"))
    out = run(DialUp(rules, 1.0, 1.0, 1.0), rec)
    assert out.tokens == ("jahta", "luego")
    assert out.edits == (
        Edit("dialup.v1", "char", 0, 1, 0, 1, "hasta", "hahta", "es.s_aspiration"),
        Edit("dialup.v1", "char", 0, 1, 0, 1, "hahta", "jahta", "es.initial_h_aspiration"),
    )


def test_rules_never_rewrite_what_an_earlier_rule_wrote(make_record, run):
    rs = load_ruleset(shipped_path("es"))
    keep = ("jota_aspiration", "initial_h_aspiration")
    rules = dataclasses.replace(rs, char_rules=tuple(dataclasses.replace(r, weight=1.0) for r in rs.char_rules
                                                     if r.id in keep), affix_rules=(), function_words={})
    out = run(DialUp(rules, 1.0, 1.0, 1.0), make_record(("Japón",)))
    assert out.tokens == ("Hapón",)  # not turned back into Japón by h -> j
    # the affix output is protected too: -aos keeps its s although final_s_loss matches it
    full = dataclasses.replace(rs, char_rules=tuple(dataclasses.replace(r, weight=1.0) for r in rs.char_rules))
    assert run(DialUp(full, 1.0, 1.0, 0.0), make_record(("cansados",))).tokens == ("cansaos",)


def test_only_tokens_of_the_rule_language_change(make_record, run):
    toks = ("I", "am", "muy", "cansado", "today", ".")
    rec = make_record(toks, langs=("en", "en", "es", "es", "en", "zxx"), spaces=(True,) * 4 + (False, False))
    out = run(dialup_factory(ES_CTX, char_rate=1, affix_rate=1, function_word_rate=1), rec)
    assert out.tokens == ("I", "am", "mu", "cansao", "today", ".")
    assert out.langs == ("en", "en", "es", "es", "en", "zxx")
    assert out.id == "d1/dialup/0" and out.recipe == "prev+dialup"


def test_monolingual_input_without_target(make_record, run):
    rec = make_record(("Ich", "habe", "nichts", "gemacht", "."), lang="de", spaces=(True,) * 3 + (False, False))
    assert rec.tgt is None
    out = run(dialup_factory(Context(src_lang="de"), char_rate=0, affix_rate=1, function_word_rate=1), rec)
    assert out.tokens[0] == "I" and out.tokens[3] == "gmacht" and out.tokens[4] == "."
    assert out.tokens[1] in ("hab", "hob") and out.tokens[2] in ("nix", "nüt")
    assert out.text == " ".join(out.tokens[:4]) + "."
    assert out.langs == ("de", "de", "de", "de", "zxx")


def test_no_token_of_the_language_is_marked(make_record, run):
    rec = make_record(("the", "house"), langs=("en", "en"))
    out = run(dialup_factory(ES_CTX), rec)
    assert out.tokens == ("the", "house")
    assert out.edits == (Edit("dialup.v1", "unchanged", detail="no_applicable_tokens"),)


def test_mixed_case_tokens_are_left_alone(make_record, run):
    out = run(dialup_factory(ES_CTX, char_rate=1, affix_rate=1, function_word_rate=1), make_record(("McPara",)))
    assert out.tokens == ("McPara",)


def test_record_without_tokens_is_rejected(run):
    from cs_synth.pipeline.record import Record, Side

    out = run(dialup_factory(ES_CTX), Record(id="e", src=Side(text="", lang="es")))
    assert out.rejected and out.reject_reason == "no_tokens"


def test_custom_rule_file(tmp_path, make_record, run):
    (tmp_path / "it.yaml").write_text(
        "language: it\n"
        "char_rules:\n  - {id: c_gorgia, pattern: '(?<=[aeiou])c(?=[aeiou])', replace: h}\n"
        "function_words:\n  - {id: niente, word: niente, variants: [nulla]}\n", encoding="utf-8")
    unit = dialup_factory(Context(base_dir=str(tmp_path), src_lang="it"), rules="it.yaml", char_rate=1,
                          function_word_rate=1)
    out = run(unit, make_record(("la", "casa", "niente"), lang="it"))
    assert out.tokens == ("la", "casa", "nulla")  # 'c' in casa is word-initial: no gorgia
    out = run(unit, make_record(("amico",), lang="it"))
    assert out.tokens == ("amiho",) and out.edits[-1].detail == "it.c_gorgia"


# ------------------------------------------------------------ configuration
def _write(tmp_path, text):
    p = tmp_path / "r.yaml"
    p.write_text(text, encoding="utf-8")
    return str(p)


@pytest.mark.parametrize("body,match", [
    ("language: es\nchar_rules:\n  - {id: bad, pattern: '(', replace: x}\n", "rule 'bad'.*invalid regular expression"),
    ("language: es\nchar_rules:\n  - {id: bad, pattern: 'a', replace: '\\9'}\n", "rule 'bad'.*invalid replacement"),
    ("language: es\nchar_rules:\n  - {id: a, pattern: 'a', replace: b}\n"
     "function_words:\n  - {id: a, word: x, variants: [y]}\n", "rule id 'a' is used twice"),
    ("language: es\nchar_rules:\n  - {id: a, pattern: 'a', replace: b, rate: 2}\n", r"char_rules.0.rate \(rule 'a'\): unknown field"),
    ("language: es\nfunction_words:\n  - {id: noch, word: noch, variants: [no]}\n",
     r"function_words.0.variants.0 \(rule 'noch'\): Input should be a valid string"),
    ("language: es\naffix_rules:\n  - {id: a, type: infix, from: x, to: y}\n", "affix_rules.0.type"),
    ("language: Spanish\n", "language"),
    ("- just a list\n", "top level must be a mapping"),
])
def test_bad_rule_files_stop_at_once(tmp_path, body, match):
    path = _write(tmp_path, body)
    with pytest.raises(ConfigError, match=match):
        dialup_factory(Context(base_dir=str(tmp_path)), rules=path)


@pytest.mark.parametrize("options,match", [
    ({"lang": "fr"}, "no dialup rule file for 'fr'; shipped languages: de, es"),
    ({"char_rate": 1.5}, "option 'char_rate': expected a probability between 0 and 1, got 1.5"),
    ({"affix_rate": "often"}, "option 'affix_rate': expected a probability between 0 and 1, got 'often'"),
    ({"function_word_rate": True}, "option 'function_word_rate': expected a probability between 0 and 1, got True"),
    ({"rules": "missing.yaml"}, "option 'rules': file not found"),
    ({"lang": "de", "rules": str(shipped_path("es"))}, "option 'lang' is 'de' but rule file"),
])
def test_config_errors(options, match):
    with pytest.raises(ConfigError, match=match):
        dialup_factory(ES_CTX, **options)


def test_lang_required_without_source_language():
    with pytest.raises(ConfigError, match="option 'lang' is required"):
        dialup_factory(Context())


def test_unknown_option_through_run_config(tmp_path):
    from cs_synth.pipeline.config import parse_config

    data = {"input": {"format": "text", "path": "x.txt", "src_lang": "es"}, "align": None,
            "transform": [{"recipe": "dialup", "options": {"char_rat": 0.1}}]}
    with pytest.raises(ConfigError, match="transform.0.options.char_rat: unknown option"):
        parse_config(data, base_dir=str(tmp_path))


def test_augment_end_to_end():
    from cs_synth.pipeline import augment

    out = augment("Estoy muy cansado para salir.", src_lang="es", recipe="dialup", seed=3,
                  char_rate=0, affix_rate=1, function_word_rate=1)
    assert [o.text for o in out] == ["Toy mu cansao pa salir."]
    assert [e.detail for e in out[0].edits] == ["es.estoy_toy", "es.muy_mu", "es.ado_ao", "es.para_pa"]


def test_rng_is_the_only_randomness(make_record):
    rec = make_record(ES, spaces=ES_SPACES)
    unit = dialup_factory(ES_CTX, char_rate=0.5, affix_rate=0.5, function_word_rate=0.5)
    random.seed(1)
    a = list(unit(rec, derive_rng(5, rec.id, unit.name)))[0]
    random.seed(2)
    b = list(unit(rec, derive_rng(5, rec.id, unit.name)))[0]
    assert a == b
