"""Gazetteer annotator: entity spans from the multilingual lexicon."""
import pathlib

import pytest

from cs_synth.pipeline import registry
from cs_synth.pipeline.annotate.gazetteer import find_entities, merge_entities
from cs_synth.pipeline.record import Record, Side, Span
from cs_synth.pipeline.units import ConfigError, Context
from cs_synth.pipeline.annotate.lexicon import load_lexicon

REPO = pathlib.Path(__file__).resolve().parents[2]
LEXICON = REPO / "samples" / "lexicons" / "entities.tsv"


@pytest.fixture(scope="module")
def lex():
    return load_lexicon(str(LEXICON))


def test_longest_match_with_ids_and_types(lex):
    toks = "The United States of America and the United Kingdom met in New York City .".split()
    spans = find_entities(toks, lex, "en")
    assert [(s.start, s.end, s.label, s.kb_id) for s in spans] == [
        (1, 5, "LOC", "loc:usa"), (7, 9, "LOC", "loc:uk"), (11, 14, "LOC", "loc:new_york")]


def test_other_languages_and_scripts(lex):
    assert [s.kb_id for s in find_entities("संयुक्त राष्ट्र की बैठक नई दिल्ली में हुई ।".split(), lex, "hi")] == [
        "org:un", "loc:new_delhi"]
    assert [s.kb_id for s in find_entities("Je vais à Londres .".split(), lex, "fr")] == ["loc:london"]


def test_case_option(lex):
    toks = "a trip to new delhi".split()
    assert find_entities(toks, lex, "en") == ()
    assert [(s.start, s.end) for s in find_entities(toks, lex, "en", case_insensitive=True)] == [(3, 5)]


def test_allowed_mask_keeps_tokens_out_of_matches(lex):
    toks = "New York and Paris".split()
    spans = find_entities(toks, lex, "en", allowed=[True, False, True, True])
    assert [s.kb_id for s in spans] == ["loc:paris"]


def test_merge_keeps_ner_spans_first():
    ner = (Span(0, 2, "GPE"),)
    found = (Span(1, 2, "LOC", "x"), Span(3, 4, "LOC", "y"))
    assert merge_entities(ner, found) == (Span(0, 2, "GPE"), Span(3, 4, "LOC", "y"))


def test_annotator_backend_tokenizes_and_adds_entities():
    factory = registry.get(registry.annotators, "gazetteer")
    ann = factory(Context(base_dir=str(REPO), src_lang="en", tgt_lang="de"), gazetteer="samples/lexicons/entities.tsv",
                  src_model=None, tgt_model=None, max_tokens=200, stanza_dir=None)
    rec = Record(id="g", src=Side(text="Flights from Munich to Lisbon, daily.", lang="en"),
                 tgt=Side(text="Flüge von München nach Lissabon, täglich.", lang="de"))
    out = ann(rec)
    assert out.src.tokens == ("Flights", "from", "Munich", "to", "Lisbon", ",", "daily", ".")
    assert [(e.start, e.end, e.kb_id) for e in out.src.entities] == [(2, 3, "loc:munich"), (4, 5, "loc:lisbon")]
    assert [e.kb_id for e in out.tgt.entities] == ["loc:munich", "loc:lisbon"]


def test_annotator_backend_needs_a_lexicon():
    factory = registry.get(registry.annotators, "gazetteer")
    with pytest.raises(ConfigError, match="annotate.gazetteer"):
        factory(Context(), gazetteer=None)
