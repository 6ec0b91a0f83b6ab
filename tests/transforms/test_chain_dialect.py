"""The dialect recipe after other units and on labelled sources: token labels
are projected, entity spans (and their character offsets over the new text)
follow the tokens, ``source_map`` marks the unchanged copies, provenance and
recipe naming join the earlier steps (issue #9)."""
import pathlib

import pytest

from cs_synth.pipeline import registry
from cs_synth.pipeline.record import Edit, Record, Side, Span, detokenize
from cs_synth.pipeline.rng import derive_rng
from cs_synth.pipeline.units import Context

REPO = pathlib.Path(__file__).resolve().parents[2]
LEXICON = str(REPO / "samples" / "lexicons" / "entities.tsv")
ATTACH = {".", ",", "n't", "'s"}


def build(name, **options):
    ctx = Context(base_dir=str(REPO), src_lang="en", tgt_lang="hi", seed=0)
    return registry.recipe_infos()[name].factory(ctx, **options)


def apply(unit, record, seed=0):
    return list(unit(record, derive_rng(seed, record.id, unit.name)))


def spaces_for(tokens):
    return tuple(k + 1 < len(tokens) and tokens[k + 1] not in ATTACH for k in range(len(tokens)))


def source(tokens, rid="r1", **side_kw):
    tokens = tuple(tokens)
    spaces = spaces_for(tokens)
    return Record(id=rid, src=Side(text=detokenize(tokens, spaces), lang="en", tokens=tokens, spaces=spaces,
                                   **side_kw))


def entity_texts(out):
    """(text[char_start:char_end], the entity's tokens joined) per entity."""
    return [(out.text[e.char_start:e.char_end], detokenize(out.tokens[e.start:e.end], out.spaces[e.start:e.end]))
            for e in out.entities]


def assert_consistent(out):
    for got, want in entity_texts(out):
        assert got == want
    for name, seq in out.token_labels.items():
        assert len(seq) == len(out.tokens), name
    for k, p in enumerate(out.source_map):
        assert p == -1 or out.src.tokens[p] == out.tokens[k]


MEN = ("The", "men", "are", "in", "Madrid", "and", "they", "are", "not", "happy", ".")
MEN_NER = ("O", "O", "O", "O", "B-LOC", "O", "O", "O", "O", "O", "O")
# f178 deletes "are" before "in Madrid", f155 makes "are not" -> "ain't"
DIALECT = {"features": [155, 178]}


@pytest.fixture(scope="module")
def dialect():
    return build("dialect", **DIALECT)


@pytest.fixture(scope="module")
def entity_out():
    rec = source(MEN, labels={"ner": MEN_NER})
    (out,) = apply(build("entity", lexicon=LEXICON, target_langs=["hi"]), rec)
    assert not out.rejected, out.reject_detail
    assert out.tokens == ("The", "men", "are", "in", "मैड्रिड", "and", "they", "are", "not", "happy", ".")
    assert out.entities == (Span(4, 5, "LOC", "loc:madrid", 15, 22),)
    return out


def test_entity_then_dialect(entity_out, dialect):
    (out,) = apply(dialect, entity_out)
    assert not out.rejected, out.reject_detail
    assert out.tokens == ("The", "men", "in", "मैड्रिड", "and", "they", "ai", "n't", "happy", ".")
    assert out.text == "The men in मैड्रिड and they ain't happy."
    assert out.langs == ("en", "en", "en", "hi", "en", "en", "en", "en", "en", "zxx")
    assert out.token_labels == {"ner": ("O", "O", "O", "B-LOC", "O", "O", "O", "O", "O", "O")}
    assert out.entities == (Span(3, 4, "LOC", "loc:madrid", 11, 18),)
    assert entity_texts(out) == [("मैड्रिड", "मैड्रिड")]
    # "are" (2) is gone, the Hindi label and "ain't" were written by units
    assert out.source_map == (0, 1, 3, -1, 5, 6, -1, -1, 9, 10)
    assert out.id == "r1/entity/0/dialect/0" and out.recipe == "entity+dialect" and out.pair_id == "r1"
    assert out.edits[0] == entity_out.edits[0]
    assert out.edits[1:] == (
        Edit("ewave.f178.v1", "delete", 2, 3, 2, 2, "are", "", "Deletion of copula be: before locatives"),
        Edit("ewave.f155.v1", "replace", 7, 9, 6, 8, "are not", "ain't", "Ain’t as the negated form of be"),
    )
    assert_consistent(out)


def test_translit_then_dialect(entity_out, dialect):
    (tr,) = apply(build("translit", mode="lang", langs=["hi"], backend="hinglish"), entity_out)
    assert tr.tokens[4] == "maidrid" and tr.langs[4] == "hi" and tr.token_labels["ner"] == MEN_NER
    (out,) = apply(dialect, tr)
    assert not out.rejected, out.reject_detail
    assert out.tokens == ("The", "men", "in", "maidrid", "and", "they", "ai", "n't", "happy", ".")
    assert out.text == "The men in maidrid and they ain't happy."
    assert out.langs[3] == "hi"  # a Hindi token is never touched by the rules
    assert out.token_labels == {"ner": ("O", "O", "O", "B-LOC", "O", "O", "O", "O", "O", "O")}
    assert out.entities == (Span(3, 4, "LOC", "loc:madrid", 11, 18),)
    assert entity_texts(out) == [("maidrid", "maidrid")]
    assert out.source_map == (0, 1, 3, -1, 5, 6, -1, -1, 9, 10)
    assert out.id == "r1/entity/0/translit/0/dialect/0" and out.recipe == "entity+translit+dialect"
    assert [e.unit for e in out.edits] == ["entity_swap.v1", "translit.v1", "ewave.f178.v1", "ewave.f155.v1"]
    assert_consistent(out)


def test_translit_output_with_labels_and_entity_then_dialect(dialect):
    # a previous unit's output that carries token labels of its own (one
    # more token than the source) and an entity over two tokens
    src = ("They", "are", "in", "Delhi", "and", "they", "are", "not", "happy", ".")
    prev = ("They", "are", "in", "Nai", "Dilli", "and", "they", "are", "not", "happy", ".")
    spaces = spaces_for(prev)
    rec = Record(id="p1", src=Side(text=detokenize(src, spaces_for(src)), lang="en", tokens=src,
                                   spaces=spaces_for(src)),
                 recipe="translit", tokens=prev, langs=("en", "en", "en", "hi", "hi", "en", "en", "en", "en", "en",
                                                       "zxx"),
                 spaces=spaces, text=detokenize(prev, spaces), source_map=(0, 1, 2, -1, -1, 4, 5, 6, 7, 8, 9),
                 entities=(Span(3, 5, "LOC", "loc:delhi", 12, 21),),
                 token_labels={"ner": ("O", "O", "O", "B-LOC", "I-LOC", "O", "O", "O", "O", "O", "O"),
                               "pos": ("PRON", "AUX", "ADP", "PROPN", "PROPN", "CCONJ", "PRON", "AUX", "PART",
                                       "ADJ", "PUNCT")})
    (out,) = apply(dialect, rec)
    assert not out.rejected, out.reject_detail
    assert out.tokens == ("They", "in", "Nai", "Dilli", "and", "they", "ai", "n't", "happy", ".")
    assert out.token_labels["ner"] == ("O", "O", "B-LOC", "I-LOC", "O", "O", "O", "O", "O", "O")
    # "ai n't" spell none of the replaced "are not": both take the span's
    # majority label (the first of a tie)
    assert out.token_labels["pos"] == ("PRON", "ADP", "PROPN", "PROPN", "CCONJ", "PRON", "AUX", "AUX", "ADJ",
                                       "PUNCT")
    assert out.entities == (Span(2, 4, "LOC", "loc:delhi", 8, 17),)
    assert entity_texts(out) == [("Nai Dilli", "Nai Dilli")]
    assert out.source_map == (0, 2, -1, -1, 4, 5, -1, -1, 8, 9)
    assert out.recipe == "translit+dialect" and out.id == "p1/dialect/0"
    assert_consistent(out)


def test_dialect_on_a_bio_labelled_source():
    toks = ("She", "is", "not", "in", "New", "York", ",", "she", "is", "in", "Paris", "now", ".")
    ner = ("O", "O", "O", "O", "B-LOC", "I-LOC", "O", "O", "O", "O", "B-LOC", "O", "O")
    rec = source(toks, labels={"ner": ner}, entities=(Span(4, 6, "LOC"), Span(10, 11, "LOC")))
    (out,) = apply(build("dialect", **DIALECT), rec)
    assert not out.rejected, out.reject_detail
    assert out.tokens == ("She", "ai", "n't", "in", "New", "York", ",", "she", "in", "Paris", "now", ".")
    assert out.text == "She ain't in New York, she in Paris now."
    assert out.token_labels == {"ner": ("O", "O", "O", "O", "B-LOC", "I-LOC", "O", "O", "O", "B-LOC", "O", "O")}
    assert out.entities == (Span(4, 6, "LOC", "", 13, 21), Span(9, 10, "LOC", "", 30, 35))
    assert entity_texts(out) == [("New York", "New York"), ("Paris", "Paris")]
    assert out.source_map == (0, -1, -1, 3, 4, 5, 6, 7, 9, 10, 11, 12)
    assert out.recipe == "dialect" and out.id == "r1/dialect/0"
    assert [(e.unit, e.src_start, e.src_end, e.out_start, e.out_end, e.before, e.after) for e in out.edits] == [
        ("ewave.f155.v1", 1, 3, 1, 3, "is not", "ain't"),
        ("ewave.f178.v1", 8, 9, 8, 8, "is", "")]
    assert_consistent(out)


def test_recased_first_word_is_no_longer_a_source_copy():
    # f62 drops "The"; the engine capitalizes the new first word, which is
    # then no unchanged copy of its source token, but keeps its label
    toks = ("The", "doctor", "from", "Paris", "is", "here", ".")
    ner = ("O", "O", "O", "B-LOC", "O", "O", "O")
    rec = source(toks, labels={"ner": ner}, entities=(Span(3, 4, "LOC"),))
    (out,) = apply(build("dialect", features=[62]), rec)
    if out.rejected:
        pytest.skip(f"f62 does not fire here: {out.reject_detail}")
    assert out.tokens == ("Doctor", "from", "Paris", "is", "here", ".")
    assert out.source_map == (-1, 2, 3, 4, 5, 6)
    assert out.token_labels == {"ner": ("O", "O", "B-LOC", "O", "O", "O")}
    assert out.entities == (Span(2, 3, "LOC", "", 12, 17),)
    assert_consistent(out)


def test_text_tokenized_by_the_transform_has_no_source_map():
    rec = Record(id="t1", src=Side(text="He is not here.", lang="en"))
    (out,) = apply(build("dialect", features=[155]), rec)
    assert out.tokens == ("He", "ai", "n't", "here", ".") and out.text == "He ain't here."
    assert out.source_map == () and out.token_labels == {} and out.entities == ()


def test_unchanged_pass_through_keeps_labels_entities_and_source_map():
    toks = ("The", "cat", "sleeps", "in", "Paris", ".")
    ner = ("O", "O", "O", "O", "B-LOC", "O")
    rec = source(toks, labels={"ner": ner}, entities=(Span(4, 5, "LOC"),))
    (out,) = apply(build("dialect", features=[154], keep_unchanged=True), rec)
    assert not out.rejected and out.tokens == toks and out.text == "The cat sleeps in Paris."
    assert out.token_labels == {"ner": ner}
    assert out.entities == (Span(4, 5, "LOC", "", 18, 23),)
    assert out.source_map == (0, 1, 2, 3, 4, 5)
    assert [(e.unit, e.op, e.detail) for e in out.edits] == [("dialect.v1", "unchanged", "no_feature_applied")]
    # and after an earlier step the recipe joins it
    (ent,) = apply(build("entity", lexicon=LEXICON, target_langs=["hi"]), rec)
    (out2,) = apply(build("dialect", features=[154], keep_unchanged=True), ent)
    assert out2.recipe == "entity+dialect" and out2.id == "r1/entity/0/dialect/0"
    assert out2.tokens == ent.tokens and out2.entities == ent.entities and out2.source_map == ent.source_map
    assert out2.token_labels == ent.token_labels


def test_unparseable_chained_output_passes_through_with_its_labels():
    toks = ("मैं", "घर", "जा", "रहा", "हूँ", "।")
    rec = Record(id="u1", src=Side(text="I am going home .", lang="en", tokens=("I", "am", "going", "home", "."),
                                   spaces=(True,) * 5),
                 recipe="translate", tokens=toks, langs=("hi",) * 5 + ("zxx",), spaces=(True,) * 6,
                 text=" ".join(toks), source_map=(-1,) * 6,
                 token_labels={"ner": ("O",) * 6}, entities=(Span(1, 2, "LOC", "", 4, 6),))
    (out,) = apply(build("dialect", features=[155]), rec)
    assert not out.rejected and out.tokens == toks and out.recipe == "translate+dialect"
    assert out.token_labels == {"ner": ("O",) * 6} and out.source_map == (-1,) * 6
    assert [e[:2] for e in entity_texts(out)] == [("घर", "घर")]
    assert out.edits[-1] == Edit("dialect.v1", "unchanged", detail="unparseable: not_latin_script")


# ------------------------------------------- the builder options it uses
def test_build_output_replacement_unit_and_final_spelling():
    from cs_synth.transforms.common import Base, Replacement, build_output

    rec = source(("The", "cat", "is", "here", "."), labels={"ner": ("O", "B-ANI", "O", "O", "O")},
                 entities=(Span(1, 2, "ANI"),))
    base = Base.of(rec)
    reps = [Replacement(0, 1, (), (), op="delete", detail="d", unit="ewave.f62.v1"),
            Replacement(2, 3, ("be",), ("en",), op="replace")]
    plain = build_output(rec, base, reps, unit="dialect.v1", recipe="dialect")
    assert plain.tokens == ("cat", "be", "here", ".") and plain.source_map == (1, -1, 3, 4)
    assert [e.unit for e in plain.edits] == ["ewave.f62.v1", "dialect.v1"]
    # the unit's own spelling and spacing: "cat" re-cased is no longer a copy
    out = build_output(rec, base, reps, unit="dialect.v1", recipe="dialect",
                       out_tokens=("Cat", "be", "here", "."), out_spaces=(True, True, False, False))
    assert out.tokens == ("Cat", "be", "here", ".") and out.text == "Cat be here."
    assert out.source_map == (-1, -1, 3, 4)
    assert out.token_labels == {"ner": ("B-ANI", "O", "O", "O")}
    assert out.entities == (Span(0, 1, "ANI", "", 0, 3),)
    assert out.edits[1].after == "be"
    with pytest.raises(ValueError, match="out_tokens"):
        build_output(rec, base, reps, unit="u", recipe="r", out_tokens=("Cat",))
    with pytest.raises(ValueError, match="out_spaces"):
        build_output(rec, base, reps, unit="u", recipe="r", out_spaces=(True,))
