"""The learned romanizer (backend ``learned``) on real Dakshina rows: lexicon
hits, the pair model on words it never saw, loanwords, casual variation,
the recipe wiring and the configuration errors.

The model is trained on a 6,000-word slice of the shared Dakshina training
file (written to a temporary folder, never into the repository); the full
held-out figures come from ``benchmarks/romanizer_accuracy.py``."""
import collections
import random

import pytest

from cs_synth.pipeline.rng import derive_rng
from cs_synth.pipeline.units import ConfigError, Context
from cs_synth.transforms.translit.backends import build_backend
from cs_synth.transforms.translit.learned import (LearnedRomanizer, load_lexicon, load_romanizer, skeleton,
                                         split_by_word, units_of)
from cs_synth.transforms.translit.recipe import translit_factory

#: English words in Devanagari that the test lexicon leaves out, so the model
#: and the loanword detector (not a look-up) must spell them
LOANS = {"अलार्म": "alarm", "अचीवमेंट": "achievement", "अगस्टाइन": "augustine", "डॉक्टर": "doctor", "स्टेशन": "station"}

#: more English words in Devanagari (none in the test lexicon), and everyday
#: Hindi words the loanword detector must leave alone
MORE_LOANS = {"क्वालिटी": "quality", "स्टेडियम": "stadium", "बॉक्सिंग": "boxing", "कस्टडी": "custody",
              "सर्कल": "circle", "आइडिया": "idea", "हॉस्पिटल": "hospital", "कंप्यूटर": "computer",
              "मोबाइल": "mobile", "इंटरनेट": "internet", "प्रोजेक्ट": "project", "मैनेजर": "manager",
              "ट्रेनिंग": "training", "पार्किंग": "parking", "टीचर": "teacher", "बैंक": "bank"}
NATIVE = ["बहुत", "किताब", "मेहनत", "दोस्ती", "समझदारी", "जानकारी", "खुशबू", "बचपन", "पहाड़", "सपना",
          "मिठाई", "रसोई", "चिट्ठी", "दरवाजा", "बारिश", "त्योहार"]


@pytest.fixture(scope="module")
def dakshina(shared_dir):
    return shared_dir / "data" / "dakshina" / "hi.translit.train.tsv"


@pytest.fixture(scope="module")
def small(dakshina, tmp_path_factory):
    """6,000 words of the shared file, without the LOANS, MORE_LOANS and NATIVE words."""
    lex = load_lexicon(str(dakshina))
    keep, _ = split_by_word(lex, 75, salt="test-slice")  # ~25% of the words
    left_out = set(LOANS) | set(MORE_LOANS) | set(NATIVE)
    words = [w for w in sorted(keep.entries) if w not in left_out][:6000]
    path = tmp_path_factory.mktemp("lex") / "hi.small.tsv"
    with open(path, "w", encoding="utf-8") as fh:
        for w in words:
            for roman, count in keep.entries[w]:
                fh.write(f"{w}\t{roman}\t{count}\n")
    return path


@pytest.fixture(scope="module")
def romanizer(small, tmp_path_factory):
    import os

    old = os.environ.get("CS_SYNTH_CACHE")
    os.environ["CS_SYNTH_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    try:
        yield load_romanizer(str(small))
    finally:
        if old is None:
            os.environ.pop("CS_SYNTH_CACHE", None)
        else:
            os.environ["CS_SYNTH_CACHE"] = old


def test_lexicon_rows_and_most_frequent_first(small):
    lex = load_lexicon(str(small))
    assert len(lex) == 6000
    for w, entry in list(lex.entries.items())[:500]:
        counts = [c for _, c in entry]
        assert counts == sorted(counts, reverse=True)


def test_a_lexicon_hit_returns_its_most_frequent_romanization(romanizer):
    lex = romanizer.lexicon
    multi = [w for w in sorted(lex.entries) if len(lex.entries[w]) > 1 and
             lex.entries[w][0][1] > lex.entries[w][1][1]][:50]
    assert len(multi) == 50
    for w in multi:
        assert romanizer.romanize(w) == lex.entries[w][0][0]


def test_unseen_words_go_to_the_model(romanizer, dakshina):
    full = load_lexicon(str(dakshina))
    unseen = [w for w in sorted(full.entries) if w not in romanizer.lexicon][:300]
    outs = [romanizer.model_word(w) for w in unseen]
    assert all(o and o.isascii() and o.isalpha() for o in outs)
    hits = sum(o in [r for r, _ in full.entries[w]] for w, o in zip(unseen, outs))
    # a 6,000-word model: well above the rule-based romanizer's ~56% on such words
    assert hits / len(unseen) > 0.6, hits


def test_the_model_is_deterministic(small, romanizer):
    again = LearnedRomanizer(load_lexicon(str(small)), loanwords=True)
    words = ["मेहरबानी", "धड़कनें", "समझदारी", "अलार्म", "किताबें"]
    assert [again.romanize(w) for w in words] == [romanizer.romanize(w) for w in words]


@pytest.mark.parametrize("native,english", sorted(LOANS.items()))
def test_loanwords_come_back_in_english_spelling(romanizer, native, english):
    assert native not in romanizer.lexicon
    assert romanizer.romanize(native) == english


def test_more_loanwords_and_no_false_loans(romanizer):
    """Loanwords the 6,000-word model has not seen come back in English
    spelling (most of them: a miss is possible, a majority of misses is a
    regression), and everyday Hindi words are not turned into English words."""
    for w in list(MORE_LOANS) + NATIVE:
        assert w not in romanizer.lexicon, w
    outs = {w: romanizer.romanize(w) for w in MORE_LOANS}
    hits = [w for w, e in MORE_LOANS.items() if outs[w] == e]
    assert len(hits) >= 12, outs
    native = {w: romanizer.romanize(w) for w in NATIVE}
    plain = LearnedRomanizer(romanizer.lexicon, loanwords=False, model=romanizer.model)
    changed = [w for w in NATIVE if native[w] != plain.romanize(w)]
    assert len(changed) <= 1, (changed, native)


def test_a_tie_among_the_most_frequent_spellings_goes_to_the_model(romanizer):
    """Dakshina's पिछले has pchhale, pichhale and pichhle, each seen once: the
    alphabetically first (pchhale) reads wrong; the model's choice does not."""
    from cs_synth.transforms.translit.learned import Lexicon

    tied = {"पिछले": (("pchhale", 1), ("pichhale", 1), ("pichhle", 1)),
            "दीजिए": (("dijia", 1), ("dijiae", 1), ("dijiye", 1)),
            "टोरंटो": (("torento", 1), ("toronto", 1), ("torrento", 1))}
    r = LearnedRomanizer(Lexicon(tied), model=romanizer.model, loan_model=romanizer.loan_model)
    assert r.romanize("पिछले") in ("pichhale", "pichhle")
    assert r.romanize("दीजिए") in ("dijiye", "dijiae")
    assert r.romanize("टोरंटो") == "toronto"  # an English word among the tied spellings
    # a Hindi word that one of its typists spelt as an English word keeps its Hindi spelling:
    # Dakshina's पाई (the verb 'found') has paai, pai and pie, once each
    r = LearnedRomanizer(Lexicon({"पाई": (("paai", 1), ("pai", 1), ("pie", 1))}), model=romanizer.model,
                         loan_model=romanizer.loan_model)
    assert r.romanize("पाई") in ("pai", "paai")
    # a clear winner is never overruled
    r = LearnedRomanizer(Lexicon({"पिछले": (("pchhale", 2), ("pichhle", 1))}), model=romanizer.model,
                         loan_model=romanizer.loan_model)
    assert r.romanize("पिछले") == "pchhale"


def test_a_word_with_a_nukta_finds_its_spelling_without_it(romanizer):
    from cs_synth.transforms.translit.learned import Lexicon

    r = LearnedRomanizer(Lexicon({"मुफ्त": (("muft", 3),), "पडा": (("marker", 2),)}), model=romanizer.model,
                         loan_model=romanizer.loan_model)
    assert r.romanize("मुफ़्त") == "muft"
    assert r.romanize("पड़ा") != "marker"  # ड़ is a letter of its own: पड़ा is not पडा


def test_a_word_with_candrabindu_finds_its_anusvara_spelling(romanizer):
    """Running text writes हूँ and गाँव; Dakshina's lexicon writes हूं and गांव."""
    from cs_synth.transforms.translit.learned import Lexicon

    r = LearnedRomanizer(Lexicon({"हूं": (("hoon", 3), ("hun", 1)), "गांव": (("gaon", 7), ("gav", 1)),
                                  "मुफ्तां": (("muftan", 2),)}),
                         model=romanizer.model, loan_model=romanizer.loan_model)
    assert r.romanize("मैं हूँ").split()[-1] == "hoon"
    assert r.romanize("गाँव") == "gaon" and r.romanize("गांव") == "gaon"
    assert r.romanize("मुफ़्ताँ") == "muftan"  # both fallbacks at once
    # an unseen word: the model reads the candrabindu as the anusvara it learned
    assert r.model_word("साँप".replace("ँ", "ं")) == r.romanize("साँप")


def test_without_loanword_detection_loans_are_spelt_as_written(small, romanizer):
    plain = LearnedRomanizer(romanizer.lexicon, loanwords=False, model=romanizer.model)
    outs = {w: plain.romanize(w) for w in LOANS}
    assert any(outs[w] != e for w, e in LOANS.items()), outs


def test_skeleton_matches_english_with_romanized_devanagari():
    assert skeleton("achievement") == skeleton("acheevment")
    assert skeleton("doctor") == skeleton("daktar")
    assert skeleton("ghar") != skeleton("gold")


def test_units_keep_the_nukta_with_its_consonant():
    assert units_of("ज़मीन") == ("ज\u093c", "\u092e", "\u0940", "\u0928")


def test_text_keeps_punctuation_and_digits(romanizer):
    out = romanizer.romanize("घर, १२ किताबें।")
    assert out.endswith(".") and ", 12 " in out


def test_variation_draws_in_proportion_to_counts(romanizer):
    lex = romanizer.lexicon
    word = next(w for w in sorted(lex.entries) if len(lex.entries[w]) == 2
                and lex.entries[w][0][1] == 2 * lex.entries[w][1][1])
    (a, ca), (b, cb) = lex.entries[word]
    rng = random.Random(7)
    draws = collections.Counter(romanizer.sample_word(word, rng) for _ in range(3000))
    assert set(draws) == {a, b}
    assert 0.62 < draws[a] / 3000 < 0.72  # 2/3 expected
    # seeded: the same stream gives the same draws
    assert [romanizer.sample_word(word, random.Random(1)) for _ in range(5)] == \
           [romanizer.sample_word(word, random.Random(1)) for _ in range(5)]


def test_recipe_with_the_learned_backend(small, romanizer, make_record, run, tmp_path):
    ctx = Context(base_dir=str(small.parent), src_lang="hi")
    unit = translit_factory(ctx, backend="learned", lexicon=small.name)
    lex = romanizer.lexicon
    words = [w for w in sorted(lex.entries) if len(lex.entries[w]) == 1 or
             lex.entries[w][0][1] > lex.entries[w][1][1]][:4]
    out = run(unit, make_record(words + ["।"]))
    assert list(out.tokens) == [lex.entries[w][0][0] for w in words] + ["."]
    assert {e.detail for e in out.edits} == {"learned:hi.small.tsv+loanwords"}
    assert all(l == "hi" for l in out.langs[:4])


def test_recipe_variation_is_seeded_per_record(small, romanizer, make_record, run):
    ctx = Context(base_dir=str(small.parent), src_lang="hi")
    unit = translit_factory(ctx, backend="learned", lexicon=small.name, variation=True)
    lex = romanizer.lexicon
    varied = [w for w in sorted(lex.entries) if len(lex.entries[w]) >= 2][:30]
    rec = make_record(varied)
    first = run(unit, rec, seed=0)
    assert run(unit, rec, seed=0).tokens == first.tokens  # same seed, same record: same bytes
    others = {run(unit, make_record(varied, rid=f"r{i}"), seed=0).tokens for i in range(6)}
    assert len(others) > 1  # records differ in their draws
    allowed = [{r for r, _ in lex.entries[w]} for w in varied]
    assert all(t in a for t, a in zip(first.tokens, allowed))


def test_backend_pickles_by_its_options(small, romanizer):
    import pickle

    be = build_backend("learned", lexicon=str(small))
    again = pickle.loads(pickle.dumps(be))
    assert again.detail == be.detail and again.transliterate("अलार्म") == be.transliterate("अलार्म")


def test_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="option 'lexicon' is required"):
        build_backend("learned")
    with pytest.raises(ConfigError, match="no such file"):
        build_backend("learned", lexicon="nope.tsv", base_dir=str(tmp_path))
    bad = tmp_path / "bad.tsv"
    bad.write_text("घर\tghar\t3\nघर\tghar\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad.tsv:2: expected native<TAB>roman<TAB>count"):
        build_backend("learned", lexicon=str(bad))
    bad.write_text("घर\tghar\tthree\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="count must be a positive integer"):
        build_backend("learned", lexicon=str(bad))
    with pytest.raises(ConfigError, match="option 'lexicon' does not apply to backend 'hinglish'"):
        build_backend("hinglish", lexicon=str(bad))


#: loanwords outside the test lexicon that the model misspells, and the English word of the pair
HINTED = {"फ़ेरी": "ferry", "बालकनी": "balcony", "कार्ट्रिज": "cartridge", "मानसून": "monsoon", "सिंगापुर": "singapore"}


def test_pair_hints_spell_a_loanword_as_the_english_side_does(romanizer, monkeypatch):
    from cs_synth.transforms.translit import learned

    for word, english in HINTED.items():
        assert word not in romanizer.lexicon and romanizer.word(word) != english
        hints = tuple(sorted({english, "the", "we", "last", "missed", "station"}))
        assert romanizer.hinted_word(word, hints) == english, word
        assert romanizer.romanize(word + " से", hints=hints) == english + " se"
        # no similar English word in the pair: the model's own spelling
        assert romanizer.romanize(word, hints=("station", "missed")) == romanizer.word(word)
    assert romanizer.romanize("फ़ेरी") == romanizer.word("फ़ेरी")  # no hints, no change
    # a lexicon word takes only a spelling people wrote for it
    word = next(w for w in sorted(romanizer.lexicon.entries) if len(w) >= 4 and len(romanizer.lexicon.entries[w]) == 1)
    near = romanizer.word(word) + "e"
    assert romanizer.hinted_word(word, (near,)) is None
    # a Hindi plural whose stem spells the English singular takes the English plural (कारें: कार car -> cars)
    plural = "कार्ट्रिज\u0947\u0902"
    assert plural not in romanizer.lexicon
    assert romanizer.hinted_word(plural, ("cartridge", "cartridges", "new")) == "cartridges"
    assert romanizer.hinted_word(plural, ("cartridge", "new")) is None  # never the singular
    # a Hindi plural takes only an English plural (नर्सों "nurses", not "nurse")
    fresh = LearnedRomanizer(romanizer.lexicon, model=romanizer.model, loan_model=romanizer.loan_model)
    monkeypatch.setattr(learned, "HINDI_PLURAL_ENDINGS", ("\u0940",))  # फ़ेरी's ending counted as a plural
    assert fresh.hinted_word("फ़ेरी", ("ferry",)) is None
    assert fresh.hinted_word("बालकनी", ("balcony",)) is None


def test_recipe_passes_the_english_side_as_hints(small, romanizer, make_record, run):
    from cs_synth.pipeline.record import Side
    from cs_synth.transforms.translit.recipe import pair_english_words

    en = Side(text="We missed the last ferry to Singapore in January .", lang="en",
              tokens=("We", "missed", "the", "last", "ferry", "to", "Singapore", "in", "January", "."),
              lemmas=("we", "miss", "the", "last", "ferry", "to", "Singapore", "in", "January", "."))
    words, caps = pair_english_words(make_record(("x",), lang="hi", tgt=en))
    assert "the" not in words and "miss" in words and "missed" in words and "ferry" in words  # no stop words
    assert caps == {"singapore": "Singapore", "january": "January"}
    ctx = Context(base_dir=str(small.parent), src_lang="hi")
    rec = make_record(("हमारी", "आख़िरी", "फ़ेरी", "छूट", "गई", "।"), tgt=en)
    on = run(translit_factory(ctx, backend="learned", lexicon=small.name, pair_hints=True), rec)
    off = run(translit_factory(ctx, backend="learned", lexicon=small.name), rec)
    assert on.tokens[2] == "ferry" and off.tokens[2] == romanizer.word("फ़ेरी") != "ferry"
    assert on.tokens[:2] == off.tokens[:2] and on.tokens[3:] == off.tokens[3:]
    assert {e.detail for e in on.edits} == {"learned:hi.small.tsv+loanwords+pair_hints"}
    rec = make_record(("सिंगापुर",), tgt=en)
    assert run(translit_factory(ctx, backend="learned", lexicon=small.name, pair_hints=True), rec).tokens == \
        ("Singapore",)  # the English side's capital
    with pytest.raises(ConfigError, match="'pair_hints' needs 'loanwords'"):
        build_backend("learned", lexicon=str(small), loanwords=False, pair_hints=True)
    with pytest.raises(ConfigError, match="option 'pair_hints' does not apply to backend 'hinglish'"):
        build_backend("hinglish", pair_hints=True)
