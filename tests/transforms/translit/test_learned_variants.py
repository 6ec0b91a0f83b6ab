"""The learned romanizer's schwa rule and spelling variants (the candidates
added to the pair model's n-best list), the phonetic consistency check of
a loanword candidate (:func:`silent_units`), and the native model that
learns from the lexicon's Hindi words only (:func:`hindi_lexicon`)."""
import pytest

from cs_synth.transforms.translit import learned
from cs_synth.transforms.translit.learned import (Lexicon, LearnedRomanizer, PairModel, align_lexicon, hindi_lexicon,
                                                  load_lexicon, loan_lexicon, schwa_pattern, schwa_variant,
                                                  schwa_violations, short_variant, silent_units, split_by_word,
                                                  units_of)


def _inherent(word):
    """(consonant, kept?) for every consonant with an inherent vowel."""
    units = units_of(word)
    return [(u, keep) for u, keep in zip(units, schwa_pattern(units)) if keep is not None]


def test_the_schwa_rule_deletes_final_and_vcvcv_schwas():
    # सुखदेव sukhdev: the final one and the one between u and de go
    assert _inherent("सुखदेव") == [("ख", False), ("व", False)]
    # नजमा najma: the first consonant keeps it, ज between a and ma loses it
    assert _inherent("नजमा") == [("न", True), ("ज", False)]
    # हंसकर hanskar: स between the nasal vowel and ka goes; क keeps it, as र lost its own
    assert _inherent("हंसकर") == [("ह", True), ("स", False), ("क", True), ("र", False)]
    # after a cluster it stays: निर्मम nirmam, गट्ठर gatthar
    assert _inherent("निर्मम") == [("म", True), ("म", False)]
    assert _inherent("गट्ठर") == [("ग", True), ("ठ", True), ("र", False)]
    # a word of one consonant keeps it (न na); vowel signs and the virama have none
    assert schwa_pattern(units_of("न")) == (True,)
    assert all(k is None for k in schwa_pattern(units_of("की")))


def test_the_schwa_variant_and_its_violations():
    units = units_of("सुखदेव")
    segments = ("s", "u", "kha", "d", "e", "va")
    pattern = schwa_pattern(units)
    assert schwa_violations(pattern, segments) == (2, 0)
    variant = schwa_variant(pattern, segments)
    assert "".join(variant) == "sukhdev"
    assert schwa_violations(pattern, variant) == (0, 0)
    # a kept schwa that a spelling drops comes back as a
    units = units_of("निर्मम")
    nirmm = ("n", "i", "r", "", "m", "m")
    assert schwa_violations(schwa_pattern(units), nirmm) == (0, 1)
    assert "".join(schwa_variant(schwa_pattern(units), nirmm)) == "nirmam"


def test_the_short_vowel_variant():
    units = units_of("उदारवादी")
    segments = ("u", "d", "aa", "r", "v", "aa", "d", "ee")
    assert len(units) == len(segments)
    assert "".join(short_variant(units, segments)) == "udarvadi"
    # a vowel already written short, or with other letters, is left alone
    assert short_variant(units_of("की"), ("k", "ey")) == ("k", "ey")


@pytest.fixture(scope="module")
def slice_lexicon(shared_dir):
    lex = load_lexicon(str(shared_dir / "data" / "dakshina" / "hi.translit.train.tsv"))
    keep, _ = split_by_word(lex, 75, salt="test-slice")
    return keep.subset(sorted(keep.entries)[:6000])


@pytest.fixture(scope="module")
def loan_model(slice_lexicon):
    return PairModel(align_lexicon(loan_lexicon(slice_lexicon), loose=True))


def _silent(model, word, spelling):
    units = units_of(word)
    res = model.nbest(units, beam=12, n=1, allowed=spelling, segments=True)
    assert res and res[0][1] == spelling
    return silent_units(units, res[0][2])


def test_the_consistency_check_counts_what_an_english_word_leaves_unwritten(loan_model):
    # एक्युरेसी is accuracy: every consonant written; acres leaves some out
    assert _silent(loan_model, "एक्युरेसी", "accuracy") == 0
    assert _silent(loan_model, "एक्युरेसी", "acres") >= 1
    assert _silent(loan_model, "कैक्टस", "cactus") == 0
    assert _silent(loan_model, "कैक्टस", "cats") >= 1
    assert _silent(loan_model, "टेडी", "teddy") == 0
    assert _silent(loan_model, "टेडी", "ted") == 1  # the final ी
    # the glides may go: वर्जीनिया virginia
    assert _silent(loan_model, "वर्जीनिया", "virginia") == 0


@pytest.fixture(scope="module")
def rom(slice_lexicon, loan_model):
    return LearnedRomanizer(slice_lexicon, loanwords=True, loan_model=loan_model,
                            model=PairModel(align_lexicon(hindi_lexicon(slice_lexicon))))


def test_the_loanword_value_pays_for_silent_units(rom):
    assert learned.LOAN_SILENT < 0
    units = units_of("एक्युरेसी")
    best = rom.model.nbest(units, beam=12, n=8)
    cands = {w: silent for w, _, _, silent in rom.loan_candidates(units, best)}
    # on this slice both are candidates: acres leaves a consonant unwritten, accuracy none
    assert cands["acres"] >= 1 and cands["accuracy"] == 0
    assert rom.model_word("एक्युरेसी") != "acres"


def test_the_native_model_learns_from_the_hindi_words_only(slice_lexicon):
    loans = loan_lexicon(slice_lexicon)
    hindi = hindi_lexicon(slice_lexicon)
    assert loans.entries and hindi.entries
    assert set(hindi.entries).isdisjoint(loans.entries)
    assert set(hindi.entries) | set(loans.entries) == set(slice_lexicon.entries)
    # a word with an English-word romanization is out, a Hindi one is in
    english = next(w for w, e in sorted(loans.entries.items()) if len(w) > 3)
    assert english not in hindi
    assert any(w in hindi for w in ("बहुत", "किताब", "मेहनत", "दोस्ती", "पहाड़", "सपना")) or len(hindi) > 3000


def test_an_english_stem_keeps_its_spelling_before_a_hindi_ending(slice_lexicon, rom):
    entries = dict(slice_lexicon.entries)
    for w in ("स्कूलों", "बहुतों"):  # the model, not a look-up
        entries.pop(w, None)
    entries["स्कूल"] = (("school", 5),)
    entries["बहुत"] = (("bahut", 5),)
    with_stem = LearnedRomanizer(Lexicon(entries), loanwords=True, loan_model=rom.loan_model, model=rom.model,
                                 char_lm=rom.char_lm, script_lms=rom.script_lms)
    assert with_stem.word("स्कूलों") == "schoolon"
    assert with_stem.inflected_loanword("स्कूलों", units_of("स्कूलों")) == "schoolon"
    # a Hindi stem goes the usual way
    assert with_stem.inflected_loanword("बहुतों", units_of("बहुतों")) is None
    # without the ending rule the word is the model's
    off = LearnedRomanizer(Lexicon(entries), loanwords=False, model=rom.model, char_lm=rom.char_lm)
    assert off.word("स्कूलों") != "schoolon"
