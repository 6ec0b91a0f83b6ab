"""Devanagari -> casual Hinglish romanization with Hindi schwa deletion.

Hindi spelling writes an inherent vowel /ə/ ("schwa") after every consonant
that carries no vowel sign, but speakers drop many of them: घर is *ghar*,
not *ghara*; कमरा is *kamra*, not *kamara*.  A letter-by-letter scheme
(ICU ``Devanagari-Latin``, IAST) keeps every schwa; Hinglish as people type
it drops them.  This module parses each word into consonant and vowel
segments, deletes schwas with the rules below, and spells the result in a
casual, diacritic-free Hinglish convention.

Schwa deletion (after Ohala's analysis of Hindi schwa syncope, 1983)
--------------------------------------------------------------------
1. **Word-final** inherent schwa is deleted (घर ghar, बहुत bahut, दोस्त
   dost), except when it is the word's only vowel (न na) or when it follows
   a consonant cluster whose last member is य/र/ल/व (मित्र mitra, सत्य
   satya), where Hindi keeps it.
2. **Medial** inherent schwa is deleted in the context ``V C _ C V`` (one
   consonant on each side, vowels beyond them), scanning the word **from
   right to left** so an earlier deletion can block a later one: समझना
   sa-ma-jha-naa -> *samajhna* (the schwa after झ goes first, which leaves
   म followed by a cluster, so its schwa stays).  Nasalized schwas are never
   deleted.
3. An anusvara before a stop consonant (क..म) is a nasal *consonant* for
   these contexts (ज़िंदगी zin-da-gi keeps its schwa: deleting it would make
   a three-consonant cluster); elsewhere anusvara and chandrabindu only
   nasalize the vowel (हँसना hansna).
4. A schwa before ह whose own vowel is gone or is a schwa is pronounced [ɛ]
   and is written ``e`` (कहना kehna, पहला pehla, शहर shehar, बहन behan).
   Before a word-final ह this only happens in one-syllable words (यह yeh,
   कह keh); longer words keep ``ah`` (जगह jagah, सुबह subah).

Spelling convention ("casual Hinglish", no diacritics)
------------------------------------------------------
* Long vowels आ ई ऊ are written double (``aa``, ``ee``, ``oo``) only in a
  **closed syllable** (one that ends in a consonant: काम kaam, ठीक theek,
  दूध doodh, किताब kitaab, पूछना poochna) or in a nasalized one-syllable
  word (हाँ haan, हूँ hoon); everywhere else they are single (पानी pani,
  खाना khana, दुनिया duniya, ऊपर upar).  Word-initial आ is always ``aa``
  (आज aaj, आदमी aadmi).
* Consonants: च/छ ``ch`` (कुछ kuch), ट/त ``t``, ठ/थ ``th``, ड/द ``d``,
  ढ/ध ``dh``, श/ष ``sh``, ड़ ``d``, ढ़ ``dh``, क़ ``q``, ज़ ``z``, फ़ ``f``,
  फ ``ph``, ज्ञ ``gy``.  व is ``w`` before a, aa, ai, o, au (वाला wala,
  विश्वास vishwaas) and ``v`` elsewhere (विचार vichar, देव dev).
* A consonant doubled or followed by its own aspirate is written with the
  first letter only for the first member: अच्छा accha, बच्चा baccha.
* Nasalization is ``n`` (नहीं nahin, मैं main); a word-final nasalized ए is
  ``ein`` (में mein).  Anusvara before प फ ब भ म is ``m`` (लंबा lamba).
* य closing a syllable after a schwa is ``i`` (जयपुर jaipur, but समय
  samay at the end of a word).
* A glide ``y`` is written between a, aa, i, ii and a following ए (गए
  gaye, लिए liye, चाहिए chahiye).
* Visarga is ``h`` word-finally and silent before a consonant (दुःख dukh).
* Devanagari digits become ASCII digits; danda ``।`` becomes ``.``.

Exception lexicon
-----------------
:data:`EXCEPTIONS` holds whole words whose usual Hinglish spelling is not
derivable from their letters: वह is said *vo/voh* (the rules give *weh*) and
हम is conventionally typed *hum*.  It is deliberately tiny; everything else
goes through the rules.

Known limits: no morphology, so schwas at morpheme boundaries of inflected or
compound words can come out wrong (धड़कनें -> *dhadaknein*, spoken
dhadkanein; समयपर -> *samaipar*); माँ comes out *maan* (typed *maa*);
Sanskrit loans that keep a final schwa after a nasal cluster (कृष्ण) lose it;
English loans are spelt as written in Devanagari (होटल *hotal*, not hotel).
"""
from __future__ import annotations

import unicodedata
from typing import List

__all__ = ["romanize", "romanize_word", "EXCEPTIONS", "CONVENTION"]

CONVENTION = "casual"

#: Whole-word exceptions (see module docstring); keys are NFC Devanagari.
EXCEPTIONS = {
    "वह": "woh",
    "हम": "hum",
}

NUKTA = "\u093c"
VIRAMA = "\u094d"
CHANDRABINDU = "\u0901"
ANUSVARA = "\u0902"
VISARGA = "\u0903"
AVAGRAHA = "\u093d"
OM = "\u0950"
ZW = ("\u200c", "\u200d")

_CONSONANTS = {
    "क": "k", "ख": "kh", "ग": "g", "घ": "gh", "ङ": "n",
    "च": "ch", "छ": "ch", "ज": "j", "झ": "jh", "ञ": "n",
    "ट": "t", "ठ": "th", "ड": "d", "ढ": "dh", "ण": "n",
    "त": "t", "थ": "th", "द": "d", "ध": "dh", "न": "n", "ऩ": "n",
    "प": "p", "फ": "ph", "ब": "b", "भ": "bh", "म": "m",
    "य": "y", "र": "r", "ऱ": "r", "ल": "l", "ळ": "l", "ऴ": "l", "व": "v",
    "श": "sh", "ष": "sh", "स": "s", "ह": "h",
}
_NUKTA_FORMS = {"क": "q", "ख": "kh", "ग": "gh", "ज": "z", "झ": "zh", "ड": "d", "ढ": "dh", "फ": "f", "य": "y"}

# stops and nasals (the five vargas): an anusvara before them is a nasal consonant
_VARGA = set("कखगघङचछजझञटठडढणतथदधनपफबभम")
_LABIAL = set("पफबभम")
_ASPIRATE_OF = {"क": "ख", "ग": "घ", "च": "छ", "ज": "झ", "ट": "ठ", "ड": "ढ", "त": "थ", "द": "ध", "प": "फ", "ब": "भ"}
# a final schwa after a cluster ending in one of these is kept (मित्र mitra)
_KEEP_FINAL_AFTER = set("यरलव")

_MATRAS = {
    "\u093e": "aa", "\u093f": "i", "\u0940": "ii", "\u0941": "u", "\u0942": "uu",
    "\u0943": "ri", "\u0944": "ri", "\u0945": "e", "\u0946": "e", "\u0947": "e",
    "\u0948": "ai", "\u0949": "o", "\u094a": "o", "\u094b": "o", "\u094c": "au",
    "\u0962": "li", "\u0963": "li",
}
_INDEPENDENT = {
    "अ": "a", "आ": "aa", "इ": "i", "ई": "ii", "उ": "u", "ऊ": "uu", "ऋ": "ri",
    "ॠ": "ri", "ऌ": "li", "ॡ": "li", "ऍ": "e", "ऎ": "e", "ए": "e", "ऐ": "ai",
    "ऑ": "o", "ऒ": "o", "ओ": "o", "औ": "au",
}
_SHORT = {"aa": "a", "ii": "i", "uu": "u"}
_DOUBLE = {"aa": "aa", "ii": "ee", "uu": "oo"}
_W_BEFORE = {"a", "aa", "ai", "o", "au"}
_GLIDE_AFTER = {"a", "aa", "i", "ii"}

_DIGITS = {chr(0x0966 + d): str(d) for d in range(10)}
_PUNCT = {"\u0964": ".", "\u0965": ".", AVAGRAHA: ""}


class _C:
    """A consonant segment."""

    __slots__ = ("letter", "roman", "nasal_stop")
    is_vowel = False

    def __init__(self, letter: str, roman: str, nasal_stop: bool = False):
        self.letter = letter
        self.roman = roman
        self.nasal_stop = nasal_stop  # consonant made from an anusvara


class _V:
    """A vowel segment; ``inherent`` marks the deletable schwa."""

    __slots__ = ("kind", "inherent", "independent", "nasal", "visarga", "schwa_as_e")
    is_vowel = True

    def __init__(self, kind: str, inherent: bool = False, independent: bool = False):
        self.kind = kind
        self.inherent = inherent
        self.independent = independent
        self.nasal = ""  # "", CHANDRABINDU or ANUSVARA
        self.visarga = False
        self.schwa_as_e = False


def _is_devanagari_letter(ch: str) -> bool:
    o = ord(ch)
    if ch in _DIGITS or ch in ("\u0964", "\u0965"):
        return False
    return 0x0900 <= o <= 0x097F or 0xA8E0 <= o <= 0xA8FF or ch in ZW


def _parse(word: str) -> List[object]:
    segs: List[object] = []
    i, n = 0, len(word)
    while i < n:
        ch = word[i]
        if ch in _CONSONANTS:
            i += 1
            roman = _CONSONANTS[ch]
            if i < n and word[i] == NUKTA:
                roman = _NUKTA_FORMS.get(ch, roman)
                i += 1
            # ज्ञ is pronounced gy in Hindi
            if ch == "ज" and word[i:i + 2] == VIRAMA + "ञ":
                segs.append(_C("ग", "g"))
                ch, roman = "य", "y"
                i += 2
            segs.append(_C(ch, roman))
            while i < n and word[i] in ZW:
                i += 1
            if i < n and word[i] == VIRAMA:
                i += 1
                while i < n and word[i] in ZW:
                    i += 1
            elif i < n and word[i] in _MATRAS:
                segs.append(_V(_MATRAS[word[i]]))
                i += 1
            else:
                segs.append(_V("a", inherent=True))
        elif ch in _INDEPENDENT:
            segs.append(_V(_INDEPENDENT[ch], independent=True))
            i += 1
        elif ch in (CHANDRABINDU, ANUSVARA):
            if segs and segs[-1].is_vowel and not segs[-1].nasal:
                segs[-1].nasal = ch
            else:  # nasal sign with no vowel to sit on: plain n
                segs.append(_C("न", "n", nasal_stop=True))
            i += 1
        elif ch == VISARGA:
            if segs and segs[-1].is_vowel:
                segs[-1].visarga = True
            i += 1
        elif ch == OM:
            segs.append(_V("o", independent=True))
            segs.append(_C("म", "m"))
            i += 1
        else:  # stray nukta/virama, zero-width joiners, unassigned signs
            i += 1
    # rule 3: anusvara before a stop is a nasal consonant
    out: List[object] = []
    for k, s in enumerate(segs):
        out.append(s)
        if s.is_vowel and s.nasal == ANUSVARA and k + 1 < len(segs):
            nxt = segs[k + 1]
            if not nxt.is_vowel and nxt.letter in _VARGA:
                s.nasal = ""
                out.append(_C("न", "m" if nxt.letter in _LABIAL else "n", nasal_stop=True))
    return out


def _delete_schwas(segs: List[object]) -> List[object]:
    n_vowels = sum(1 for s in segs if s.is_vowel)
    # rule 1: word-final schwa
    last = segs[-1] if segs else None
    if last is not None and last.is_vowel and last.inherent and not last.nasal and not last.visarga and n_vowels > 1:
        onset = []  # the consonants right before the final schwa
        k = len(segs) - 2
        while k >= 0 and not segs[k].is_vowel:
            onset.append(segs[k])
            k -= 1
        keep = len(onset) >= 2 and onset[0].letter in _KEEP_FINAL_AFTER
        if not keep:
            segs = segs[:-1]
    # rule 2: medial V C _ C V, right to left
    k = len(segs) - 2
    while k >= 2:
        s = segs[k]
        if (s.is_vowel and s.inherent and not s.nasal and not s.visarga
                and not segs[k - 1].is_vowel and segs[k - 2].is_vowel
                and not segs[k + 1].is_vowel and k + 2 < len(segs) and segs[k + 2].is_vowel):
            del segs[k]
        k -= 1
    return segs


def _mark_schwa_before_h(segs: List[object]) -> None:
    n_vowels = sum(1 for s in segs if s.is_vowel)
    for k, s in enumerate(segs):
        if not (s.is_vowel and s.kind == "a") or k + 1 >= len(segs):
            continue
        h = segs[k + 1]
        if h.is_vowel or h.letter != "ह" or h.roman != "h":
            continue
        if k + 2 == len(segs):
            s.schwa_as_e = n_vowels == 1
        else:
            after = segs[k + 2]
            s.schwa_as_e = (not after.is_vowel) or after.kind == "a"


def _closed(segs: List[object], k: int) -> bool:
    j = k + 1
    if j >= len(segs) or segs[j].is_vowel:
        return False
    return j + 1 == len(segs) or not segs[j + 1].is_vowel


def _spell(segs: List[object]) -> str:
    n_vowels = sum(1 for s in segs if s.is_vowel)
    parts = []
    for k, s in enumerate(segs):
        nxt = segs[k + 1] if k + 1 < len(segs) else None
        final = nxt is None
        if not s.is_vowel:
            roman = s.roman
            if s.letter == "व" and not s.nasal_stop:
                roman = "w" if (nxt is not None and nxt.is_vowel and nxt.kind in _W_BEFORE) else "v"
            elif (s.letter == "य" and nxt is not None and not nxt.is_vowel and k > 0 and segs[k - 1].is_vowel
                  and segs[k - 1].kind == "a"):
                roman = "i"  # coda y after a schwa: जयपुर jaipur
            elif (nxt is not None and not nxt.is_vowel and not s.nasal_stop and not nxt.nasal_stop
                  and (nxt.letter == s.letter or _ASPIRATE_OF.get(s.letter) == nxt.letter)):
                roman = roman[0]  # अच्छा accha, बच्चा baccha
            parts.append(roman)
            continue
        if s.kind == "e" and k > 0 and segs[k - 1].is_vowel and segs[k - 1].kind in _GLIDE_AFTER:
            parts.append("y")
        if s.kind in _DOUBLE:
            long_ = (s.kind == "aa" and s.independent and k == 0) or _closed(segs, k) or (
                bool(s.nasal) and n_vowels == 1)
            v = _DOUBLE[s.kind] if long_ else _SHORT[s.kind]
        elif s.kind == "a" and s.schwa_as_e:
            v = "e"
        elif s.kind == "e" and s.nasal and final:
            v = "ei"
        else:
            v = s.kind
        parts.append(v)
        if s.nasal:
            parts.append("n")
        if s.visarga and final:
            parts.append("h")
    return "".join(parts)


def romanize_word(word: str) -> str:
    """Romanize one run of Devanagari letters (no digits or punctuation)."""
    word = unicodedata.normalize("NFC", word)
    if word in EXCEPTIONS:
        return EXCEPTIONS[word]
    segs = _parse(unicodedata.normalize("NFD", word))
    if not segs:
        return ""
    segs = _delete_schwas(segs)
    _mark_schwa_before_h(segs)
    return _spell(segs)


def romanize(text: str) -> str:
    """Romanize every Devanagari word in ``text``; other characters pass
    through unchanged (so a mixed token like ``घर-घर`` gives ``ghar-ghar``)."""
    out: List[str] = []
    run: List[str] = []

    def flush():
        if run:
            out.append(romanize_word("".join(run)))
            run.clear()

    for ch in text:
        if _is_devanagari_letter(ch):
            run.append(ch)
            continue
        flush()
        out.append(_DIGITS.get(ch) or _PUNCT.get(ch, ch))
    flush()
    return "".join(out)
