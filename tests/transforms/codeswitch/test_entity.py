"""The entity recipe (EntityCS): lexicon labels, projection fallback, one
language per output, up to K languages, character offsets."""
import pytest

from cs_synth.pipeline.record import Span
from cs_synth.pipeline.annotate.lexicon import load_lexicon


@pytest.fixture(scope="module")
def lexicon(lexicon_dir):
    return load_lexicon(str(lexicon_dir / "entities.tsv"))


SENTENCES = [
    "The United Nations will hold a climate summit in Nairobi next year .",
    "Police in Madrid arrested three men after the robbery .",
    "The flight from New York to Tokyo was delayed .",
    "Albert Einstein was born in Germany and died in the United States .",
    "Doctors Without Borders opened a clinic near Lagos .",
]


@pytest.mark.parametrize("sentence", SENTENCES)
@pytest.mark.parametrize("lang", ["hi", "es", "de", "fr"])
def test_switched_text_contains_exactly_the_lexicon_label(sentence, lang, make_record, build, apply, lexicon,
                                                          lexicon_dir):
    unit = build("entity", lexicon=str(lexicon_dir / "entities.tsv"), target_langs=[lang])
    rec = make_record(sentence)
    outs = apply(unit, rec, seed=1)
    assert len(outs) == 1
    out = outs[0]
    same = [e for e in ("Madrid", "New York", "Tokyo") if e in sentence]
    if same and all(lexicon.label(lexicon.lookup(tuple(e.split()), "en"), lang) == e for e in same):
        # every entity is spelt the same in this language: no switch, and it says so
        assert out.rejected and out.reject_reason == "no_change", out.text
        assert all(e in out.reject_detail for e in same)
        return
    if sentence.startswith("Doctors") and lang == "hi":  # no Hindi label, no alignment: Lagos only
        assert [e.kb_id for e in out.entities] == ["loc:lagos"]
    assert out.entities, out.reject_detail
    for e in out.entities:
        label = lexicon.label(e.kb_id, lang)
        assert out.text[e.char_start:e.char_end] == label
        assert all(l in (lang, "zxx") for l in out.langs[e.start:e.end])
    # every token outside the entities is the unchanged source text
    outside = [t for k, t in enumerate(out.tokens) if not any(e.start <= k < e.end for e in out.entities)]
    src = sentence.split()
    assert outside == [t for i, t in enumerate(src) if not any(d.src_start <= i < d.src_end for d in out.edits)]
    assert [d.before for d in out.edits] == [lexicon[e.kb_id].label("en") for e in out.entities]


def test_all_entities_of_one_output_share_a_language_and_k_limits_outputs(make_record, build, apply,
                                                                          lexicon_dir):
    unit = build("entity", lexicon=str(lexicon_dir / "entities.tsv"), target_langs=["hi", "es", "de", "fr"], k=2)
    rec = make_record("Angela Merkel met Barack Obama in Berlin .")
    seen = set()
    for seed in range(20):
        outs = apply(unit, rec, seed=seed)
        assert [o.id for o in outs] == ["r1/entity/0", "r1/entity/1"]
        langs_per_out = []
        for o in outs:
            langs = {l for l in o.langs if l not in ("en", "zxx")}
            assert len(langs) == 1
            langs_per_out.append(langs.pop())
        assert len(set(langs_per_out)) == 2
        # outputs follow the order of target_langs
        order = ["hi", "es", "de", "fr"]
        assert langs_per_out == sorted(langs_per_out, key=order.index)
        seen.update(langs_per_out)
    # "Angela Merkel", "Barack Obama" and "Berlin" are spelt alike in German and
    # French: those languages would switch nothing, so they are never drawn
    assert seen == {"hi", "es"}


def test_projection_when_the_lexicon_has_no_label(make_record, build, apply, lexicon_dir):
    # org:msf has no Hindi label: the aligned Hindi span is projected
    rec = make_record("Doctors Without Borders opened a clinic .",
                      "डॉक्टर्स विदाउट बॉर्डर्स ने एक क्लिनिक खोला ।",
                      "0-0 1-1 2-2 3-6 4-4 5-5 6-7", tgt_lang="hi")
    unit = build("entity", lexicon=str(lexicon_dir / "entities.tsv"), tgt_lang="hi")
    out = apply(unit, rec)[0]
    assert out.tokens == ("डॉक्टर्स", "विदाउट", "बॉर्डर्स", "opened", "a", "clinic", ".")
    assert out.langs[:3] == ("hi", "hi", "hi")
    assert out.edits[0].op == "entity_projection" and "source=alignment" in out.edits[0].detail
    assert [(e.kb_id, e.label, e.char_start, e.char_end) for e in out.entities] == [("org:msf", "ORG", 0, 24)]


def test_uses_ner_annotations_and_looks_up_their_ids(make_record, build, apply, lexicon_dir):
    # entities from a trained NER pipeline carry no id: the lexicon gives one
    rec = make_record("She moved to Lisbon in May .", src_kw={"entities": (Span(3, 4, "GPE"), Span(5, 6, "DATE"))})
    unit = build("entity", lexicon=str(lexicon_dir / "entities.tsv"), target_langs=["de"], entities="annotations")
    out = apply(unit, rec)[0]
    assert out.tokens == ("She", "moved", "to", "Lissabon", "in", "May", ".")
    assert [(e.label, e.kb_id) for e in out.entities] == [("GPE", "loc:lisbon"), ("DATE", "")]


def test_auto_merges_lexicon_matches_and_named_ner_spans(make_record, build, apply, lexicon_dir):
    # lexicon match (the European Union -> European Union) wins over the
    # overlapping NER span; Arjun (NER only) is projected; the DATE is not a
    # named entity and stays
    rec = make_record("Arjun left the European Union in May", "Arjun a quitté l' Union européenne en mai",
                      "0-0 1-1 1-2 2-3 3-5 4-4 5-6 6-7",
                      src_kw={"entities": (Span(0, 1, "PERSON"), Span(2, 5, "ORG"), Span(6, 7, "DATE"))})
    out = apply(build("entity", lexicon=str(lexicon_dir / "entities.tsv")), rec)[0]
    assert out.tokens == ("Arjun", "left", "the", "Union", "européenne", "in", "May")
    # "Arjun" is projected onto the same text: no switch, it stays English
    assert out.langs == ("en", "en", "en", "fr", "fr", "en", "en")
    assert [(e.op, e.before) for e in out.edits] == [("entity_label", "European Union")]
    # one entity per switched span (the NER span with "the" is superseded);
    # the unswitched PERSON and DATE are carried over
    assert [(e.start, e.end, e.label, e.kb_id) for e in out.entities] == [
        (0, 1, "PERSON", ""), (3, 5, "ORG", "org:eu"), (6, 7, "DATE", "")]


def test_without_lexicon_projects_ner_spans(make_record, build, apply):
    rec = make_record("I live in Montreal now", "je vis à Montréal maintenant", "0-0 1-1 2-2 3-3 4-4",
                      src_kw={"entities": (Span(3, 4, "GPE"),)})
    out = apply(build("entity"), rec)[0]
    assert out.tokens == ("I", "live", "in", "Montréal", "now")
    assert out.langs == ("en", "en", "en", "fr", "en")


def test_case_insensitive_option(make_record, build, apply, lexicon_dir):
    rec = make_record("we flew to new york")
    exact = apply(build("entity", lexicon=str(lexicon_dir / "entities.tsv"), target_langs=["es"]), rec)[0]
    assert exact.rejected and exact.reject_reason == "no_switchable_span"
    folded = apply(build("entity", lexicon=str(lexicon_dir / "entities.tsv"), target_langs=["es"],
                         case_insensitive=True), rec)[0]
    assert folded.tokens == ("we", "flew", "to", "Nueva", "York")


def test_entities_from_bio_labels_of_fine_tuning_data(make_record, build, apply, lexicon_dir):
    rec = make_record("Kofi Mensah flew to London on Monday .", "Kofi Mensah a volé à Londres lundi .",
                      "0-0 1-1 2-2 2-3 3-4 4-5 6-6 7-7",
                      src_kw={"labels": {"ner": ("B-PER", "I-PER", "O", "O", "B-LOC", "O", "O", "O")}})
    unit = build("entity", lexicon=str(lexicon_dir / "entities.tsv"), target_langs=["fr", "hi"], from_labels="ner")
    fr, hi = apply(unit, rec)
    # the projected "Kofi Mensah" is the same text in French: it stays English and is no edit
    assert fr.tokens == ("Kofi", "Mensah", "flew", "to", "Londres", "on", "Monday", ".")
    assert fr.langs == ("en", "en", "en", "en", "fr", "en", "en", "zxx")
    assert [(e.op, e.before) for e in fr.edits] == [("entity_label", "London")]
    # Hindi: no lexicon label for the person and no Hindi alignment: only London switches
    assert hi.tokens == ("Kofi", "Mensah", "flew", "to", "लंदन", "on", "Monday", ".")
    assert hi.token_labels["ner"] == ("B-PER", "I-PER", "O", "O", "B-LOC", "O", "O", "O")
    without = apply(build("entity", lexicon=str(lexicon_dir / "entities.tsv"), target_langs=["fr"]), rec)[0]
    assert [e.before for e in without.edits] == ["London"]
    # Paris is spelt alike in French: a French-only run has nothing to switch
    paris = make_record("Kofi Mensah flew to Paris on Monday .", "Kofi Mensah a volé à Paris lundi .",
                        "0-0 1-1 2-2 2-3 3-4 4-5 6-6 7-7",
                        src_kw={"labels": {"ner": ("B-PER", "I-PER", "O", "O", "B-LOC", "O", "O", "O")}})
    only_fr = apply(build("entity", lexicon=str(lexicon_dir / "entities.tsv"), target_langs=["fr"],
                          from_labels="ner"), paris)
    assert len(only_fr) == 1 and only_fr[0].reject_reason == "no_change"
    assert "Paris" in only_fr[0].reject_detail and "Kofi Mensah" in only_fr[0].reject_detail


def test_projected_entities_meet_the_switch_point_constraints(make_record, build, apply, lexicon_dir):
    """A projection is an aligned span: the constraints apply to it (the
    aligner put "Fußballspieler" into the span of "Chelsea", and "soccer
    player" would be said twice); a lexicon label is a name, and passes."""
    rec = make_record("A Chelsea soccer player kicks the ball .", "Ein Chelsea-Fußballspieler tritt den Ball .",
                      "0-0 1-1 4-2 5-3 6-4 7-5", tgt_lang="de", src_kw={"entities": (Span(1, 2, "ORG"),)})
    unit = build("entity", entities="annotations", tgt_lang="de")
    (rej,) = apply(unit, rec)
    assert rej.rejected and rej.reject_reason == "switch_point_constraint", rej
    assert "unaligned_edge" in rej.reject_detail or "misaligned_edge" in rej.reject_detail, rej.reject_detail
    # the same sentence with the constraints off projects the compound
    unit.constraints = type(unit.constraints)(**{f: False for f in type(unit.constraints).model_fields})
    (out,) = apply(unit, rec)
    assert not out.rejected and "Chelsea-Fußballspieler" in out.tokens


def test_a_projection_differing_only_in_case_is_no_switch(make_record, build, apply):
    rec = make_record("A church in new york .", "Eine Kirche in New York .", "0-0 1-1 2-2 3-3 4-4 5-5",
                      tgt_lang="de", src_kw={"entities": (Span(3, 5, "GPE"),)})
    (rej,) = apply(build("entity", entities="annotations", tgt_lang="de"), rec)
    assert rej.rejected and rej.reject_reason == "no_change", rej


def test_a_projection_spelling_the_clitic_outside_is_rejected(make_record, build, apply):
    # "Applebee" -> "Applebee's" with "'s" left outside would give "Applebee's's"
    rec = make_record("A shot of Applebee 's restaurant .", "Ein Foto von Applebee's Restaurant .",
                      "0-0 1-1 2-2 3-3 5-4 6-5", tgt_lang="de",
                      src_kw={"entities": (Span(3, 4, "ORG"),),
                              "pos": ("DET", "NOUN", "ADP", "PROPN", "PART", "NOUN", "PUNCT")})
    (rej,) = apply(build("entity", entities="annotations", tgt_lang="de"), rec)
    assert rej.rejected and "misaligned_edge" in rej.reject_detail, rej


def test_a_lexicon_match_inside_a_longer_name_is_no_entity(make_record, build, apply, lexicon_dir):
    """"Mexico" in "New Mexico" is not the country: no lexicon switch (the
    entities.tsv sample has Mexico -> Mexiko)."""
    unit = build("entity", lexicon=str(lexicon_dir / "entities.tsv"), target_langs=["de"], entities="lexicon")
    (rej,) = apply(unit, make_record("The former New Mexico governor spoke .", tgt=None))
    assert rej.rejected, rej
    (out,) = apply(unit, make_record("The governor of Mexico spoke .", tgt=None))
    assert "Mexiko" in out.tokens


def test_a_label_that_is_also_a_source_name_is_no_switch(make_record, build, apply, tmp_path):
    lex = tmp_path / "ents.tsv"
    lex.write_text("id\ttype\ten\tde\nloc:nyc\tLOC\tNew York City|New York\tNew York\n"
                   "loc:de\tLOC\tGermany\tDeutschland\n", encoding="utf-8")
    unit = build("entity", lexicon=str(lex), target_langs=["de"], entities="lexicon")
    (rej,) = apply(unit, make_record("A man in New York City .", tgt=None))
    assert rej.rejected and rej.reject_reason == "no_change", rej
    (out,) = apply(unit, make_record("A man in Germany .", tgt=None))
    assert "Deutschland" in out.tokens


def test_a_projection_ending_in_an_apostrophe_before_the_clitic_is_rejected(make_record, build, apply):
    # a French tokenization "John'" + "s" aligned to "John": "John''s Pizza"
    rec = make_record("A sign for John 's Pizza .", "Une enseigne pour John' s Pizza .",
                      "0-0 1-1 2-2 3-3 4-4 5-5 6-6", tgt_lang="fr",
                      src_kw={"entities": (Span(3, 4, "PERSON"),),
                              "pos": ("DET", "NOUN", "ADP", "PROPN", "PART", "PROPN", "PUNCT")})
    (rej,) = apply(build("entity", entities="annotations", tgt_lang="fr"), rec)
    assert rej.rejected and "misaligned_edge" in rej.reject_detail, rej


def test_a_projection_cut_at_an_apostrophe_is_rejected(make_record, build, apply):
    # "McDonald's" -> "McDonald'" (the target tokenizer split "McDonald's" as "McDonald'" + "s")
    rec = make_record("Signs for McDonald's and Subway .", "Des enseignes pour McDonald' s et Subway .",
                      "0-1 1-2 2-3 3-4 3-5 4-6 5-7", tgt_lang="fr",
                      src_kw={"entities": (Span(2, 3, "ORG"),), "pos": ("NOUN", "ADP", "PROPN", "CCONJ", "PROPN", "PUNCT")})
    (rej,) = apply(build("entity", entities="annotations", tgt_lang="fr"), rec)
    assert rej.rejected and "misaligned_edge" in rej.reject_detail, rej


def test_a_projection_that_is_a_source_language_name_is_no_switch(make_record, build, apply, tmp_path):
    lex = tmp_path / "ents.tsv"
    lex.write_text("id\ttype\ten\tfr\nloc:nyc\tLOC\tNew York City|New York\t\n", encoding="utf-8")
    rec = make_record("A restaurant in NY .", "Un restaurant à New York .", "0-0 1-1 2-2 3-3 3-4 4-5",
                      tgt_lang="fr", src_kw={"entities": (Span(3, 4, "GPE"),)})
    (rej,) = apply(build("entity", lexicon=str(lex), entities="annotations", tgt_lang="fr"), rec)
    assert rej.rejected and rej.reject_reason == "no_change", rej
