"""Casual Hinglish romanization with schwa deletion: the word list (150
common words, tests/transforms/translit/hinglish_words.tsv) and the rules."""
import pathlib
import unicodedata

import pytest

from cs_synth.transforms.translit import hinglish
from cs_synth.transforms.translit.hinglish import EXCEPTIONS, romanize, romanize_word

WORDS_FILE = pathlib.Path(__file__).with_name("hinglish_words.tsv")


def _words():
    rows = []
    for line in WORDS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        dev, expected = line.split("\t")
        rows.append(pytest.param(dev, expected, id=expected))
    return rows


WORDS = _words()


def test_word_list_is_large_enough_and_unique():
    assert len(WORDS) >= 50
    devs = [p.values[0] for p in WORDS]
    assert len(set(devs)) == len(devs)


@pytest.mark.parametrize("dev,expected", WORDS)
def test_common_word(dev, expected):
    assert romanize(dev) == expected


@pytest.mark.parametrize("dev,expected,rule", [
    ("घर", "ghar", "final schwa deleted"),
    ("न", "na", "only vowel kept"),
    ("मित्र", "mitra", "final schwa kept after C+r cluster"),
    ("सत्य", "satya", "final schwa kept after C+y cluster"),
    ("दोस्त", "dost", "final schwa deleted after s+t cluster"),
    ("समझना", "samajhna", "right-to-left VC_CV: later deletion blocks the earlier one"),
    ("समझा", "samjha", "VC_CV deletion"),
    ("ज़िंदगी", "zindagi", "anusvara before a stop is a consonant: no CCC"),
    ("हँसना", "hansna", "chandrabindu only nasalizes"),
    ("कहना", "kehna", "schwa before coda h is e"),
    ("जगह", "jagah", "polysyllable keeps final ah"),
    ("यह", "yeh", "monosyllable with final h"),
])
def test_schwa_rules(dev, expected, rule):
    assert romanize_word(dev) == expected, rule


def test_precomposed_and_decomposed_nukta_agree():
    pre = "\u095b" + "रूरत"        # ज़ as one code point (U+095B)
    dec = "\u091c\u093c" + "रूरत"  # ज + nukta
    assert pre != dec and unicodedata.normalize("NFD", pre) == unicodedata.normalize("NFD", dec)
    assert romanize(pre) == romanize(dec) == "zarurat"


def test_mixed_token_digits_and_danda():
    assert romanize("घर-घर") == "ghar-ghar"
    assert romanize("१२३") == "123"
    assert romanize("गया।") == "gaya."
    assert romanize("office") == "office"
    assert romanize("") == ""


def test_exception_lexicon_is_small_and_whole_word():
    assert len(EXCEPTIONS) <= 5
    assert romanize("वह") == "woh"
    # the rules, not the lexicon, handle words built on the exceptions
    assert romanize("हमेशा") == "hamesha"
    assert "हमेशा" not in EXCEPTIONS


def test_convention_is_documented():
    doc = hinglish.__doc__
    for fact in ("closed syllable", "right to left", "Exception lexicon", "V C _ C V"):
        assert fact in doc
