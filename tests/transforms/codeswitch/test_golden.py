"""One golden case per recipe: input pair + alignment + seed -> exact tokens
and language tags.  The cases are built so that the constraint of each
recipe leaves one possible output (or one output per seed, as noted), so
the expected values follow from the recipe's definition."""
import pytest


def _one(outs):
    assert len(outs) == 1, [(o.id, o.reject_reason, o.reject_detail) for o in outs]
    assert not outs[0].rejected, (outs[0].reject_reason, outs[0].reject_detail)
    return outs[0]


def test_noun_swap_golden(make_record, build, apply):
    rec = make_record("The cat sleeps on the mat .", "बिल्ली चटाई पर सोती है ।", "1-0 2-3 2-4 3-2 5-1 6-5",
                      tgt_lang="hi", src_kw={"pos": ("DET", "NOUN", "VERB", "ADP", "DET", "NOUN", "PUNCT")})
    out = _one(apply(build("noun-swap", tgt_lang="hi"), rec, seed=7))
    assert out.tokens == ("The", "बिल्ली", "sleeps", "on", "the", "चटाई", ".")
    assert out.langs == ("en", "hi", "en", "en", "en", "hi", "zxx")
    assert out.text == "The बिल्ली sleeps on the चटाई ."
    assert out.id == "r1/noun-swap/0" and out.pair_id == "r1" and out.recipe == "noun-swap"
    assert [(e.unit, e.src_start, e.src_end, e.out_start, e.out_end, e.before, e.after, e.detail)
            for e in out.edits] == [("noun_swap.v1", 1, 2, 1, 2, "cat", "बिल्ली", "tgt=0:1"),
                                    ("noun_swap.v1", 5, 6, 5, 6, "mat", "चटाई", "tgt=1:2")]


def test_span_ec_golden(make_record, build, apply):
    # "red" -> "rouge" alone would put the adjective on the wrong side of
    # "car" (orders disagree at the switch point); "red car" is the only
    # EC-valid two-token span.
    rec = make_record("the red car", "la voiture rouge", "0-0 1-2 2-1")
    out = _one(apply(build("span-ec", min_len=2, max_len=2), rec, seed=0))
    assert out.tokens == ("the", "voiture", "rouge")
    assert out.langs == ("en", "fr", "fr")
    assert out.edits[0].unit == "span_ec.v1" and out.edits[0].detail == "tgt=1:3"


@pytest.mark.parametrize("seed", range(12))
def test_span_ec_never_switches_a_reordered_word_alone(make_record, build, apply, seed):
    rec = make_record("the red car", "la voiture rouge", "0-0 1-2 2-1")
    out = _one(apply(build("span-ec", max_len=3), rec, seed=seed))
    assert out.tokens in {("la", "red", "car"), ("the", "voiture", "rouge"), ("la", "voiture", "rouge")}


def test_span_ml_golden_without_pos_uses_stop_words(make_record, build, apply):
    # function words (my/the, mi/el) stay in the matrix language; every
    # content word is switched with probability 1
    rec = make_record("my father reads the newspaper", "mi padre lee el periódico", "0-0 1-1 2-2 3-3 4-4",
                      tgt_lang="es")
    out = _one(apply(build("span-ml", tgt_lang="es", probability=1.0), rec, seed=3))
    assert out.tokens == ("my", "padre", "lee", "the", "periódico")
    assert out.langs == ("en", "es", "es", "en", "es")


def test_span_ml_golden_with_pos(make_record, build, apply):
    # with POS tags the content/function split follows them: the verb is
    # tagged AUX here, so it stays in the frame
    rec = make_record("she is a doctor", "ella es médica", "0-0 1-1 3-2", tgt_lang="es",
                      src_kw={"pos": ("PRON", "AUX", "DET", "NOUN")},
                      tgt_kw={"pos": ("PRON", "AUX", "NOUN")})
    out = _one(apply(build("span-ml", tgt_lang="es", probability=1.0), rec, seed=0))
    assert out.tokens == ("she", "is", "a", "médica")
    assert out.langs == ("en", "en", "en", "es")


def test_subtree_golden(make_record, build, apply):
    rec = make_record("she bought a new car", "sie kaufte ein neues Auto", "0-0 1-1 2-2 3-3 4-4", tgt_lang="de",
                      src_kw={"heads": (1, 1, 4, 4, 1), "deps": ("nsubj", "ROOT", "det", "amod", "dobj")})
    out = _one(apply(build("subtree", tgt_lang="de"), rec, seed=11))
    assert out.tokens == ("she", "bought", "ein", "neues", "Auto")
    assert out.langs == ("en", "en", "de", "de", "de")
    assert out.edits[0].unit == "subtree_swap.v1"


def test_phrase_golden(make_record, build, apply):
    # an idiom aligned many-to-many: the only consistent phrase pair is the
    # whole idiom ("the" and "sa" are unaligned, "." is punctuation only)
    rec = make_record("kick the bucket .", "casser sa pipe .", "0-0 0-2 2-0 2-2 3-3")
    out = _one(apply(build("phrase", max_len=3), rec, seed=5))
    assert out.tokens == ("casser", "sa", "pipe", ".")
    assert out.langs == ("fr", "fr", "fr", "zxx")
    assert out.edits[0].unit == "phrase_swap.v1" and out.edits[0].detail == "tgt=0:3"


def test_word_golden(tmp_path, make_record, build, apply):
    d = tmp_path / "en-es.tsv"
    d.write_text("cat\tgato\nblack cat\tgato negro\nmilk\tleche\n", encoding="utf-8")
    rec = make_record("The black cat drinks milk .")
    unit = build("word", dictionary=str(d), target_lang="es", probability=1.0)
    out = _one(apply(unit, rec, seed=1))
    assert out.tokens == ("The", "gato", "negro", "drinks", "leche", ".")
    assert out.langs == ("en", "es", "es", "en", "es", "zxx")
    assert [(e.unit, e.op, e.before, e.after) for e in out.edits] == [
        ("word_swap.v1", "dictionary", "black cat", "gato negro"), ("word_swap.v1", "dictionary", "milk", "leche")]


def test_ratio_golden_noun_token(make_record, build, apply):
    # 3 language tokens; switching the one noun gives ratio 1/3, closer to
    # 0.3 than 0
    rec = make_record("the cat sleeps .", "बिल्ली सोती है ।", "1-0 2-1 2-2 3-3", tgt_lang="hi",
                      src_kw={"pos": ("DET", "NOUN", "VERB", "PUNCT")})
    out = _one(apply(build("ratio", tgt_lang="hi", mode="noun-token", target_ratio=0.3), rec, seed=2))
    assert out.tokens == ("the", "बिल्ली", "sleeps", ".")
    assert out.langs == ("en", "hi", "en", "zxx")


def test_entity_golden(make_record, build, apply, lexicon_dir):
    rec = make_record("Angela Merkel visited Paris .")
    unit = build("entity", lexicon=str(lexicon_dir / "entities.tsv"), target_langs=["hi", "es"])
    outs = apply(unit, rec, seed=0)
    assert [o.id for o in outs] == ["r1/entity/0", "r1/entity/1"]
    hi, es = outs
    assert hi.tokens == ("एंजेला", "मर्केल", "visited", "पेरिस", ".")
    assert hi.langs == ("hi", "hi", "en", "hi", "zxx")
    assert es.tokens == ("Angela", "Merkel", "visited", "París", ".")
    # "Angela Merkel" is spelt alike in Spanish: no switch, it keeps its English tag
    assert es.langs == ("en", "en", "en", "es", "zxx")
    assert [(e.label, e.kb_id, e.char_start, e.char_end) for e in es.entities] == [("LOC", "loc:paris", 22, 27)]
