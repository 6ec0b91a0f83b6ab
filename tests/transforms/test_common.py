"""cs_synth.transforms.common.build_output: splicing, spacing, edits, labels,
entities with character offsets."""
import pytest

from cs_synth.pipeline.record import Record, Side, Span
from cs_synth.transforms.common import Base, Replacement, build_output, is_bio, project_labels


def rec(tokens, spaces=None, **side_kw):
    toks = tuple(tokens.split())
    return Record(id="c1", src=Side(text="", lang="en", tokens=toks,
                                    spaces=spaces or tuple(True for _ in toks), **side_kw))


def test_splice_keeps_spacing_and_records_edits():
    r = rec("Hello , New York !", spaces=(False, True, True, False, False))
    base = Base.of(r)
    assert base.is_source and base.langs == ("en", "zxx", "en", "en", "zxx")
    rep = Replacement.tagged(2, 4, ("न्यूयॉर्क",), "hi", op="entity_label", detail="entity=x",
                             entity=Span(0, 1, "LOC", "x"))
    out = build_output(r, base, [rep], unit="demo.v1", recipe="demo", index=3)
    assert out.id == "c1/demo/3" and out.recipe == "demo"
    assert out.text == "Hello, न्यूयॉर्क!"
    assert out.langs == ("en", "zxx", "hi", "zxx")
    e = out.edits[0]
    assert (e.unit, e.op, e.src_start, e.src_end, e.out_start, e.out_end, e.before, e.after, e.detail) == (
        "demo.v1", "entity_label", 2, 4, 2, 3, "New York", "न्यूयॉर्क", "entity=x")
    assert [(s.start, s.end, s.char_start, s.char_end) for s in out.entities] == [(2, 3, 7, 16)]
    assert out.text[7:16] == "न्यूयॉर्क"


def test_several_replacements_shift_entities_and_offsets():
    r = rec("a b c d e", entities=(Span(4, 5, "LOC", "e1"),))
    reps = [Replacement.tagged(0, 1, ("x", "y"), "fr", spaces=(False, True)),
            Replacement.tagged(2, 4, (), "fr", op="delete")]
    out = build_output(r, Base.of(r), reps, unit="u.v1", recipe="u")
    assert out.tokens == ("x", "y", "b", "e")
    assert out.text == "xy b e"
    assert [(s.start, s.end, s.char_start, s.char_end, s.kb_id) for s in out.entities] == [(3, 4, 5, 6, "e1")]
    assert [(e.out_start, e.out_end) for e in out.edits] == [(0, 2), (3, 3)]


def test_overlapping_replacements_are_a_programming_error():
    r = rec("a b c")
    with pytest.raises(ValueError):
        build_output(r, Base.of(r), [Replacement.tagged(0, 2, ("x",), "fr"), Replacement.tagged(1, 3, ("y",), "fr")],
                     unit="u.v1", recipe="u")
    with pytest.raises(ValueError):
        Replacement.tagged(1, 2, ("x",), "fr", origins=((0,),))  # origin outside the span


def test_chained_base_is_the_previous_output():
    r = rec("a b c", labels={"ner": ("O", "B-X", "O")})
    first = build_output(r, Base.of(r), [Replacement.tagged(0, 1, ("z",), "de")], unit="u.v1", recipe="u")
    base = Base.of(first)
    assert not base.is_source
    assert base.tokens == ("z", "b", "c") and base.langs == ("de", "en", "en")
    assert base.labels == {"ner": ("O", "B-X", "O")}
    second = build_output(first, base, [Replacement.tagged(2, 3, ("w",), "es")], unit="v.v1", recipe="v")
    assert second.id == "c1/u/0/v/0" and second.recipe == "u+v"
    assert [e.unit for e in second.edits] == ["u.v1", "v.v1"]


@pytest.mark.parametrize("seq,expected", [
    (("O", "B-PER", "I-PER"), True), (("O", "O"), False), (("NOUN", "VERB"), False), (("B-X", "E-X"), False)])
def test_is_bio(seq, expected):
    assert is_bio(seq) is expected


def test_project_plain_labels_by_majority_origin_and_neighbours():
    reps = [Replacement.tagged(1, 3, ("p", "q", "r"), "fr", origins=((1,), (), (2,)))]
    # output: a p q r ; q unaligned between p (from 1) and r (from 2)
    origins = [(0,), (1,), (), (2,)]
    group = [-1, 0, 0, 0]
    assert project_labels(("DET", "ADJ", "NOUN"), origins, group, reps) == ("DET", "ADJ", "ADJ", "NOUN")


def test_project_bio_ill_formed_i_starts_a_chunk():
    reps = []
    assert project_labels(("I-LOC", "I-LOC", "O", "I-PER"), [(0,), (1,), (2,), (3,)], [-1] * 4, reps) == (
        "B-LOC", "I-LOC", "O", "B-PER")


# ------------------------------------------------------- honest counting
def _honest_record():
    from cs_synth.pipeline.record import Record, Side

    toks = ("Anna", "lives", "in", "Berlin", ".")
    return Record(id="h1", src=Side("Anna lives in Berlin .", "en", tokens=toks))


def test_an_identical_switch_is_no_switch_and_records_no_edit():
    from cs_synth.transforms.common import Base, Replacement, build_output

    rec = _honest_record()
    base = Base.of(rec)
    out = build_output(rec, base, [Replacement.tagged(3, 4, ["Berlin"], "de"),
                                   Replacement.tagged(1, 2, ["wohnt"], "de")], unit="u.v1", recipe="r")
    assert out.langs == ("en", "de", "en", "en", "zxx")
    assert [e.before for e in out.edits] == ["lives"]
    assert out.source_map == (0, -1, 2, 3, 4)


def test_only_identical_switches_reject_no_change():
    from cs_synth.transforms.common import Base, Replacement, build_output

    rec = _honest_record()
    out = build_output(rec, Base.of(rec), [Replacement.tagged(0, 1, ["Anna"], "de"),
                                           Replacement.tagged(3, 4, ["Berlin"], "de")], unit="u.v1", recipe="r")
    assert out.rejected and out.reject_reason == "no_change" and "'Berlin'" in out.reject_detail
