"""What the learned romanizer's weights were tuned on and with: the
development split (disjoint from the held-out split and from the words the
models scored on it were trained on), the loanword decision's features
(deterministic; English-looking Devanagari scores as English), the vocalic
r (ऋ), and the optional neural reranker (deterministic, and the backend works
without torch)."""
import sys

import pytest

from cs_synth.pipeline.units import ConfigError
from cs_synth.transforms.translit import learned
from cs_synth.transforms.translit.learned import (Lexicon, LearnedRomanizer, NeuralScorer, align_lexicon,
                                                  load_lexicon, load_romanizer, script_models, script_score,
                                                  split_by_word, units_of)


@pytest.fixture(scope="module")
def dakshina(shared_dir):
    return load_lexicon(str(shared_dir / "data" / "dakshina" / "hi.translit.train.tsv"))


def _bench():
    import importlib.util
    import pathlib

    path = pathlib.Path(__file__).resolve().parents[3] / "benchmarks" / "romanizer_accuracy.py"
    spec = importlib.util.spec_from_file_location("romanizer_accuracy", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_development_split_is_disjoint_and_deterministic(dakshina):
    bench = _bench()
    train, test = split_by_word(dakshina, 10)
    core, dev = split_by_word(train, bench.DEV_PERCENT, salt=bench.DEV_SALT)
    assert set(dev.entries).isdisjoint(test.entries)
    assert set(dev.entries).isdisjoint(core.entries)
    assert set(dev.entries) | set(core.entries) == set(train.entries)
    assert 0.08 < len(dev) / len(train) < 0.14
    # the salt makes it a split of its own, not the held-out split again
    core2, dev2 = split_by_word(train, bench.DEV_PERCENT, salt=bench.DEV_SALT)
    assert sorted(dev2.entries) == sorted(dev.entries)
    _, unsalted = split_by_word(train, bench.DEV_PERCENT)
    assert set(unsalted.entries) != set(dev.entries)


@pytest.fixture(scope="module")
def slice_lexicon(dakshina):
    keep, _ = split_by_word(dakshina, 75, salt="test-slice")
    return keep.subset(sorted(keep.entries)[:6000])


def test_script_score_tells_english_looking_devanagari(slice_lexicon):
    models = script_models(slice_lexicon)
    english = ["स्टेडियम", "हॉस्पिटल", "कंप्यूटर", "ट्रेनिंग", "मैनेजर", "प्रोजेक्ट"]
    native = ["बहुत", "किताब", "मेहनत", "समझदारी", "मिठाई", "त्योहार"]
    e = [script_score(models, units_of(w)) for w in english]
    n = [script_score(models, units_of(w)) for w in native]
    assert sum(e) / len(e) > sum(n) / len(n) + 0.5, (e, n)
    assert sum(x > 0 for x in e) >= 5 and sum(x < 0 for x in n) >= 5, (e, n)
    # deterministic: rebuilt from the same lexicon, the same values
    again = script_models(slice_lexicon)
    assert [script_score(again, units_of(w)) for w in english + native] == e + n


def test_the_loanword_decision_is_deterministic_and_short_words_stay_hindi(slice_lexicon):
    r1 = LearnedRomanizer(slice_lexicon)
    r2 = LearnedRomanizer(slice_lexicon)
    words = ["अस्पताल", "क्वालिटी", "स्टेडियम", "बॉक्सिंग", "मोबाइल", "अस", "बज"]
    assert [r1.romanize(w) for w in words] == [r2.romanize(w) for w in words]
    assert [r1.loan_features(units_of(w)) for w in words] == [r2.loan_features(units_of(w)) for w in words]
    # the length term: the same word shape scores lower the shorter it is
    assert learned.LOAN_SHORT < 0
    assert r1.romanize("स्टेडियम") == "stadium"


def test_vocalic_r_emits_its_consonant():
    lex = Lexicon({"ऋषि": (("rishi", 3),), "ऋतु": (("ritu", 2),), "ऋण": (("rin", 2),), "कर": (("kar", 2),)})
    aligned, emit = align_lexicon(lex)
    first = {seq[0] for seq, _ in aligned}
    assert ("ऋ", "ri") in first, first
    assert len(aligned) == 4  # every row has an alignment


@pytest.fixture(scope="module")
def tiny():
    rows = {"घर": (("ghar", 3),), "कर": (("kar", 2),), "घड़ी": (("ghadi", 2),), "कमरा": (("kamra", 2),),
            "मकान": (("makan", 2), ("makaan", 1)), "नगर": (("nagar", 2),), "रस": (("ras", 1),)}
    return Lexicon(rows)


def test_the_neural_scorer_is_deterministic(tiny):
    a = NeuralScorer(tiny, epochs=2, seed=3)
    b = NeuralScorer(tiny, epochs=2, seed=3)
    c = NeuralScorer(tiny, epochs=2, seed=4)
    units = units_of("मगर")
    spellings = ["magar", "mgr", "magara"]
    assert a.score(units, spellings) == b.score(units, spellings)
    assert a.score(units, spellings) != c.score(units, spellings)
    # a letter the lexicon never shows cannot be spelt
    assert a.score(units, ["maqar"])[0] == -100.0
    # a saved state scores the same
    again = NeuralScorer(state=a.state())
    assert again.score(units, spellings) == a.score(units, spellings)


def test_the_neural_reranker_learns(tiny):
    scorer = NeuralScorer(tiny, epochs=40, seed=0)
    units = units_of("घर")
    right, wrong = scorer.score(units, ["ghar", "rahg"])
    assert right > wrong


def test_the_backend_works_without_torch(tmp_path, monkeypatch):
    path = tmp_path / "lex.tsv"
    path.write_text("घर\tghar\t3\nकर\tkar\t2\nनगर\tnagar\t2\n", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError
    monkeypatch.setenv("CS_SYNTH_CACHE", str(tmp_path / "cache"))
    r = load_romanizer(str(path), loanwords=False)
    assert r.romanize("घर") == "ghar" and r.neural is None
    assert r.romanize("नर").isascii()
    with pytest.raises(ConfigError, match="needs the Python package 'torch'"):
        load_romanizer(str(path), loanwords=False, neural=True)


def test_the_bigram_model_joins_the_reranking(slice_lexicon, monkeypatch):
    """The romanizer builds a bigram over its trigram's alignment and adds
    LOW_ORDER_WEIGHT times its constrained score of each spelling: with the
    weight at 0 the choice is the trigram-and-rules rank; with a large
    weight it is the bigram's own best among the same candidates."""
    r = LearnedRomanizer(slice_lexicon, loanwords=False)
    assert r.low_model is not None and r.low_model.order == learned.LOW_ORDER < r.model.order
    assert r.low_model.aligned[0] is r.model.aligned[0]
    words = sorted(slice_lexicon.entries)[::37][:120]
    default = [r.model_word(w) for w in words]
    monkeypatch.setattr(learned, "LOW_ORDER_WEIGHT", 0.0)
    off = [r.model_word(w) for w in words]
    monkeypatch.setattr(learned, "LOW_ORDER_WEIGHT", 1000.0)
    heavy = [r.model_word(w) for w in words]
    assert default != off  # the bigram moves some choices
    # a heavy bigram weight moves choices towards the bigram's favourite (a compound split, which
    # overrides the rank, may not follow)
    low = [(r.low_model.constrained(units_of(w), h, beam=r.beam), r.low_model.constrained(units_of(w), o, beam=r.beam))
           for w, h, o in zip(words, heavy, off)]
    assert sum(h >= o - 1e-9 for h, o in low) >= 0.95 * len(words)
    assert any(h > o + 1e-9 for h, o in low)
    # the same romanizer twice gives the same spellings (no state between words)
    monkeypatch.setattr(learned, "LOW_ORDER_WEIGHT", 0.5)
    assert [r.model_word(w) for w in words] == default


def test_the_channel_network_scores_the_word_given_the_spelling(tiny):
    """With ``reverse`` the network reads the spelling and predicts the
    native units: ``log p(native | spelling)``, deterministic, saved with its
    direction, and a spelling of another word explains घर worse."""
    rev = NeuralScorer(tiny, epochs=40, seed=0, reverse=True)
    units = units_of("घर")
    right, other = rev.score(units, ["ghar", "kamra"])
    assert right > other
    assert rev.reverse and NeuralScorer(state=rev.state()).reverse
    # the same score alone as in a batch with a longer spelling (packed, not padded; up to float rounding)
    alone = rev.score(units, ["ghar"])
    assert alone == pytest.approx([right], abs=1e-5)
    assert NeuralScorer(state=rev.state()).score(units, ["ghar"]) == alone
    assert NeuralScorer(tiny, epochs=40, seed=0, reverse=True).score(units, ["ghar"]) == alone
    assert NeuralScorer(tiny, epochs=40, seed=0).score(units, ["ghar"]) != alone  # not the forward network
    assert rev.score(units, ["qhar"]) == [-100.0]  # a letter the lexicon never shows
    # a state saved before the channel network existed (three parts) is a forward network
    fwd = NeuralScorer(tiny, epochs=2, seed=0)
    assert NeuralScorer(state=fwd.state()[:3]).reverse is False


def test_the_reranker_adds_the_channel_score(tiny):
    fwd, rev = NeuralScorer(tiny, epochs=2, seed=0), NeuralScorer(tiny, epochs=2, seed=0, reverse=True)
    units, spellings = units_of("मगर"), ["magar", "mgr", "magara"]
    both = learned.NeuralReranker(fwd, rev, channel_weight=0.5).score(units, spellings)
    assert both == pytest.approx([a + 0.5 * b for a, b in zip(fwd.score(units, spellings),
                                                               rev.score(units, spellings))])
    assert learned.NeuralReranker(fwd, None).score(units, spellings) == fwd.score(units, spellings)
    assert learned.NeuralReranker(fwd, rev).channel_weight == learned.CHANNEL_WEIGHT > 0


def test_the_backend_takes_the_neural_option(tmp_path, monkeypatch):
    """``neural: true`` on the learned backend trains both networks once
    (cached on disk), says so in the edit detail, and survives pickling."""
    import pickle

    from cs_synth.transforms.translit.backends import build_backend

    path = tmp_path / "lex.tsv"
    path.write_text("घर\tghar\t3\nकर\tkar\t2\nनगर\tnagar\t2\nमकान\tmakan\t2\n", encoding="utf-8")
    monkeypatch.setenv("CS_SYNTH_CACHE", str(tmp_path / "cache"))
    be = build_backend("learned", lexicon=str(path), loanwords=False, neural=True)
    assert be.detail == "learned:lex.tsv+neural"
    reranker = be._romanizer.neural
    assert isinstance(reranker, learned.NeuralReranker)
    assert reranker.forward.reverse is False and reranker.reverse.reverse is True
    assert len(list((tmp_path / "cache" / "romanizer").glob("*-neural.pt"))) == 2
    assert be.transliterate("घर") == "ghar" and be.transliterate("नगरकर").isascii()
    again = pickle.loads(pickle.dumps(be))
    assert again.neural and again.detail == be.detail
    assert again.transliterate("नगरकर") == be.transliterate("नगरकर")
    assert build_backend("learned", lexicon=str(path), loanwords=False).detail == "learned:lex.tsv"
    with pytest.raises(ConfigError, match="option 'neural' does not apply to backend 'hinglish'"):
        build_backend("hinglish", neural=True)
