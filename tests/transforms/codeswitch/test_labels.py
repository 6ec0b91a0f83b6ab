"""Token labels follow the switch through the alignment; sequence labels
pass through unchanged."""
from cs_synth.pipeline.record import Span


def test_reordered_entity_keeps_its_label_and_restarts_bio(make_record, build, apply):
    # "the White House" -> "la Maison Blanche": the entity's tokens swap
    # order in French; Maison (from House) now starts the chunk
    # (the only EC-valid three-token span)
    rec = make_record("visit the White House", "visiter la Maison Blanche", "0-0 1-1 2-3 3-2",
                      src_kw={"labels": {"ner": ("O", "O", "B-LOC", "I-LOC"),
                                         "upos": ("VERB", "DET", "PROPN", "NOUN")},
                              "entities": (Span(2, 4, "LOC"),)},
                      seq_labels={"topic": "travel"})
    out = apply(build("span-ec", min_len=3, max_len=3), rec)[0]
    assert out.tokens == ("visit", "la", "Maison", "Blanche")
    assert out.token_labels["ner"] == ("O", "O", "B-LOC", "I-LOC")
    assert out.token_labels["upos"] == ("VERB", "DET", "NOUN", "PROPN")
    assert dict(out.seq_labels) == {"topic": "travel"}
    # the source entity is carried onto its new tokens, with character offsets
    assert [(e.start, e.end, e.label, e.char_start, e.char_end) for e in out.entities] == [(2, 4, "LOC", 9, 23)]
    assert out.text[9:23] == "Maison Blanche"


def test_entity_switched_to_fewer_tokens_keeps_label(make_record, build, apply, lexicon_dir):
    rec = make_record("Marie Dubois lives in New York .",
                      src_kw={"labels": {"ner": ("B-PER", "I-PER", "O", "O", "B-LOC", "I-LOC", "O")},
                              "entities": (Span(0, 2, "PER"), Span(4, 6, "LOC", "loc:new_york"))})
    out = apply(build("entity", lexicon=str(lexicon_dir / "entities.tsv"), target_langs=["hi"]), rec)[0]
    assert out.tokens == ("Marie", "Dubois", "lives", "in", "न्यूयॉर्क", ".")
    assert out.token_labels["ner"] == ("B-PER", "I-PER", "O", "O", "B-LOC", "O")
    # Marie Dubois has no lexicon entry and no alignment: unchanged, still an entity
    assert [(e.start, e.end, e.label, e.char_start, e.char_end) for e in out.entities] == [
        (0, 2, "PER", 0, 12), (4, 5, "LOC", 22, 31)]
    assert out.text[22:31] == "न्यूयॉर्क"


def test_entity_switched_to_more_tokens_gets_b_then_i(make_record, build, apply, lexicon_dir):
    rec = make_record("We met in Mexico City .", src_kw={"labels": {"ner": ("O", "O", "O", "B-LOC", "I-LOC", "O")}})
    out = apply(build("entity", lexicon=str(lexicon_dir / "entities.tsv"), target_langs=["es"]), rec)[0]
    assert out.tokens == ("We", "met", "in", "Ciudad", "de", "México", ".")
    assert out.token_labels["ner"] == ("O", "O", "O", "B-LOC", "I-LOC", "I-LOC", "O")


def test_unaligned_target_token_inside_a_switched_entity_takes_its_label(make_record, build, apply):
    # "Bank England" -> "Banque d' Angleterre": d' is unaligned but sits
    # inside the entity; all three consistent phrase pairs switch
    rec = make_record("the Bank England report", "le rapport de la Banque d' Angleterre", "0-0 1-4 2-6 3-1",
                      src_kw={"labels": {"ner": ("O", "B-ORG", "I-ORG", "O")}})
    unit = build("phrase", max_len=3, max_phrases=3, extend_unaligned=False)
    # label projection only: "de la" next to the span is unaligned, which the
    # switch-point constraints would refuse
    from cs_synth.pipeline.config import ConstraintsConfig

    unit.constraints = ConstraintsConfig.parse(False)
    out = apply(unit, rec)[0]
    assert out.tokens == ("le", "Banque", "d'", "Angleterre", "rapport")
    assert "d'Angleterre" in out.text  # the elision is repaired
    assert out.token_labels["ner"] == ("O", "B-ORG", "I-ORG", "I-ORG", "O")


def test_chunk_cut_by_a_switch_restarts_with_b(make_record):
    # project_labels directly: an I- token after a replaced part of another
    # chunk becomes B-
    from cs_synth.transforms.common import Base, Replacement, build_output

    rec = make_record("a b c d", src_kw={"labels": {"ner": ("B-X", "I-X", "B-Y", "I-Y")}})
    base = Base.of(rec)
    rep = Replacement.tagged(1, 3, ("q",), "fr", origins=((2,),))  # b c -> q, aligned to c only
    out = build_output(rec, base, [rep], unit="t.v1", recipe="t")
    assert out.token_labels["ner"] == ("B-X", "B-Y", "I-Y")


def test_protected_label_spans_never_switch(make_record, build, apply):
    rec = make_record("Paris is a big city", "Paris est une grande ville", "0-0 1-1 2-2 3-3 4-4",
                      src_kw={"labels": {"ner": ("B-LOC", "O", "O", "O", "O")}})
    unit = build("span-ec", max_len=2, max_spans=3, protect_labels=["ner"])
    for seed in range(15):
        out = apply(unit, rec, seed=seed)[0]
        assert out.langs[0] == "en"
        assert all(e.src_start > 0 for e in out.edits)
