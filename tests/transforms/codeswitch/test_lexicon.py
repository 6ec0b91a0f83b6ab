"""Lexicon and dictionary loaders: formats, matching, and malformed rows
reported with their line numbers."""
import pytest

from cs_synth.pipeline.units import ConfigError
from cs_synth.pipeline.annotate.lexicon import (LexiconError, load_dictionary, load_lexicon, parse_dictionary_tsv,
                                      parse_lexicon_jsonl, parse_lexicon_tsv)


def test_sample_lexicon_and_dictionaries_load(lexicon_dir):
    lex = load_lexicon(str(lexicon_dir / "entities.tsv"))
    assert len(lex) >= 100
    assert lex.langs == ("en", "hi", "es", "de", "fr")
    assert lex.label("loc:new_york", "hi") == "न्यूयॉर्क"
    assert lex["per:curie"].type == "PER"
    for lang in ("hi", "es", "de"):
        d = load_dictionary(str(lexicon_dir / f"en-{lang}.tsv"))
        assert len(d) >= 300
    assert load_dictionary(str(lexicon_dir / "en-es.tsv")).translations(("fish",)) == ("pescado", "pez")


def test_tsv_lexicon_aliases_match_but_the_label_is_written(tmp_path):
    p = tmp_path / "lex.tsv"
    p.write_text("# comment\nid\ttype\ten\tde\nq1\tLOC\tMunich|München\tMünchen\nq2\tPER\tAda Lovelace\t\n",
                 encoding="utf-8")
    lex = parse_lexicon_tsv(str(p))
    assert lex.lookup(("München",), "en") == "q1"
    assert lex.label("q1", "en") == "Munich"
    assert lex.label("q2", "de") is None
    assert lex.lookup(("ada", "lovelace"), "en") is None
    assert lex.lookup(("ada", "lovelace"), "en", case_insensitive=True) == "q2"


def test_jsonl_lexicon(tmp_path):
    p = tmp_path / "lex.jsonl"
    p.write_text('{"id": "q1", "type": "LOC", "labels": {"en": "Cologne", "de": "Köln"}, "aliases": {"en": ["Koeln"]}}\n'
                 '\n{"id": "q2", "labels": {"fr": "Genève"}}\n', encoding="utf-8")
    lex = load_lexicon(str(p))
    assert lex.ids == ("q1", "q2")
    assert lex.lookup(("Koeln",), "en") == "q1"
    assert lex.label("q1", "de") == "Köln" and lex["q2"].type == ""


def test_malformed_tsv_lexicon_rows_report_line_numbers(tmp_path):
    p = tmp_path / "bad.tsv"
    p.write_bytes("id\ttype\ten\thi\n"          # 1 header
                  "q1\tLOC\tParis\tपेरिस\n"     # 2 ok
                  "q2\tLOC\tLondon\n"           # 3 too few fields
                  "\n"                          # 4 blank: skipped
                  "\tLOC\tRome\tरोम\n"          # 5 empty id
                  "q1\tLOC\tParis\tपेरिस\n"     # 6 duplicate id
                  "q3\tLOC\t\t\n".encode()      # 7 no label at all
                  + b"q4\tLOC\t\xff\tx\n")      # 8 invalid UTF-8
    with pytest.raises(LexiconError) as exc:
        parse_lexicon_tsv(str(p))
    assert exc.value.lines == [3, 5, 6, 7, 8]
    msg = str(exc.value)
    assert "line(s) 3, 5, 6, 7, 8" in msg
    assert "line 3: expected 4 tab-separated fields (id, type, en, hi), got 3" in msg
    assert "line 6: duplicate entity id 'q1' (first on line 2)" in msg
    assert "line 8: invalid UTF-8" in msg
    assert isinstance(exc.value, ConfigError)


def test_malformed_jsonl_lexicon_rows_report_line_numbers(tmp_path):
    p = tmp_path / "bad.jsonl"
    p.write_text('{"id": "q1", "labels": {"en": "Oslo"}}\n'
                 '{"id": "q2", "labels": {"en": "Bergen"\n'
                 '["not", "an", "object"]\n'
                 '{"id": "q3", "labels": {}}\n'
                 '{"labels": {"en": "Nowhere"}}\n', encoding="utf-8")
    with pytest.raises(LexiconError) as exc:
        parse_lexicon_jsonl(str(p))
    assert exc.value.lines == [2, 3, 4, 5]
    assert "line 2: invalid JSON" in str(exc.value)


def test_malformed_dictionary_rows_report_line_numbers(tmp_path):
    p = tmp_path / "bad.tsv"
    p.write_text("# en-es\ncat\tgato\ndog perro\nhouse\t\t\n\tvacío\nmilk\tleche\n", encoding="utf-8")
    with pytest.raises(LexiconError) as exc:
        parse_dictionary_tsv(str(p))
    assert exc.value.lines == [3, 4, 5]
    assert "line 3: expected 2 tab-separated fields (source, target), got 1" in str(exc.value)


def test_recipe_factories_stop_on_malformed_files_at_once(tmp_path, build):
    bad = tmp_path / "d.tsv"
    bad.write_text("cat\tgato\nbroken\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"line\(s\) 2"):
        build("word", dictionary=str(bad), target_lang="es")
    lex = tmp_path / "l.tsv"
    lex.write_text("id\ten\nq1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"line\(s\) 2"):
        build("entity", lexicon=str(lex), target_langs=["es"])
    with pytest.raises(ConfigError, match="file not found"):
        build("entity", lexicon=str(tmp_path / "missing.tsv"), target_langs=["es"])


def test_cache_reloads_a_changed_file(tmp_path):
    p = tmp_path / "d.tsv"
    p.write_text("cat\tgato\n", encoding="utf-8")
    assert load_dictionary(str(p)).translations(("cat",)) == ("gato",)
    p.write_text("cat\tgata\ndog\tperro\n", encoding="utf-8")
    assert load_dictionary(str(p)).translations(("cat",)) == ("gata",)
