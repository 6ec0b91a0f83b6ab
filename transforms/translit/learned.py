"""A romanizer learned from a lexicon of attested romanizations.

The lexicon is a file in the format of the Dakshina dataset's romanization
lexicons (Roark et al., 2020): one ``native<TAB>roman<TAB>count`` row per
romanization that people wrote for a native-script word, e.g. ::

    अलविदा	alveeda	1
    अलविदा	alvida	3

How a word is romanized
-----------------------
1. **Lexicon hit** (also for a word whose nukta-less spelling is in the
   lexicon: मुफ़्त as मुफ्त): the word's most frequent attested romanization
   (a tie goes to an English word among the tied spellings, else to the one
   the pair model scores best, see :meth:`LearnedRomanizer.lexicon_choice`).
   With ``variation`` on, one of the
   attested spellings is drawn in proportion to its count instead, from the
   record's own random stream (so it is seeded per record).
2. **Model**: every other word goes to a joint-sequence ("pair n-gram")
   model trained on the lexicon, the approach of Bisani & Ney (2008) and
   Phonetisaurus:

   * each native word is cut into units (one code point, a consonant keeps its
     nukta), and each unit emits 0 to :data:`MAX_EMIT` Latin letters of the
     kind it allows (vowel signs vowels, consonants a consonant first; ऋ is
     free, as it is written *ri*);
   * expectation maximisation (forward-backward over the monotone alignment
     lattice, weighted by the counts) learns ``p(letters | unit)`` and
     Viterbi alignment turns every lexicon row into a sequence of joint tokens
     ``unit:letters``;
   * an interpolated Kneser-Ney n-gram model over those tokens, of order
     ``order`` (default 3; orders 4-6, with or without the next native unit
     in the token, scored lower on the held-out split), scores romanizations;
   * with the loanword model on, the pair model learns from the lexicon's
     other words only (:func:`hindi_lexicon`: English spellings such as क as
     *c* stay out of Hindi words; on the development split 0.8280 -> 0.8346
     any-attested, pair model + loanwords);
   * beam search gives the n-best list; the schwa-rule spelling
     (:func:`schwa_pattern`, :func:`schwa_variant`: *janapadon* ->
     *janpadon*, *nirmm* -> *nirmam*) of each of the top three and the
     short-vowel spelling (:func:`short_variant`: *udarvaadi* -> *udarvadi*)
     of the top one join it, scored by the pair model constrained to spell
     them, and the list is reranked by ``pair + CHAR_LM_WEIGHT * char +
     SCHWA_WROTE * vowels written where the rule deletes + SCHWA_DROPPED *
     vowels dropped where it keeps + SCHWA_VARIANT or SHORT_VARIANT for an
     added spelling`` (development split, pair model alone 0.7505 ->
     0.7629, with loanwords 0.8173 -> 0.8280 for the schwa part);
   * the reranking also uses a character 6-gram
     over the lexicon's romanizations (:func:`char_model`) and, with
     ``neural=True`` (optional, needs torch), a small character
     encoder-decoder trained on the lexicon (:class:`NeuralScorer`; trained
     once per lexicon, minutes on one core, and kept on disk), which then
     reranks a 16-best list: ``pair + CHAR_LM_WEIGHT * char + NEURAL_WEIGHT *
     neural``.  The neural score is that of a noisy channel
     (:class:`NeuralReranker`): ``log p(spelling | native)`` plus
     :data:`CHANNEL_WEIGHT` times ``log p(native | spelling)`` from a second
     network trained the other way round, which penalises a spelling that
     does not account for the whole word (development split 0.8606 ->
     0.8635);
   * a bigram pair model over the same alignment joins the reranking with
     weight :data:`LOW_ORDER_WEIGHT` (its score of each spelling,
     constrained to spell it): the trigram alone over-trusts contexts seen a
     few times (development split, pair model + loanwords 0.8470 -> 0.8536);
   * a word that is two lexicon words (रत्नमाला = रत्न + माला) may be spelt as
     their spellings joined, when the model scores that spelling within
     :data:`COMPOUND_MARGIN` per unit of its own best.
3. **Loanwords** (``loanwords``, on by default): English words written in
   Devanagari (अचीवमेंट, अलार्म) come back in English spelling.  The English
   word list is wordfreq's (Speer, 2022) top :data:`ENGLISH_WORDS` words.
   A second pair model is trained on the lexicon's loanword rows (those
   whose romanization is an English word, :func:`loan_lexicon`), aligned
   loosely so that क्वालिटी can emit *quality*.  Candidates are the English
   words in either model's n-best list and those that share a consonant
   skeleton (within one deletion) with their top spellings; each is scored
   by the loanword model constrained to spell it, and the best one replaces
   the native model's choice when ``LOAN_DELTA * delta + LOAN_WEIGHT * zipf
   + LOAN_MARK * [ॉ/ऑ] + LOAN_SCRIPT * script + LOAN_SHORT / units +
   LOAN_SILENT * silent >= LOAN_THRESHOLD`` (delta: its per-unit log
   probability minus the native top one's; silent: how many of the word's
   consonants and final vowel it spells with no letter in the loanword
   model's alignment, :func:`silent_units`, a phonetic consistency check:
   एक्युरेसी is not *acres*, कैक्टस not *cats*; script: how much more likely the Devanagari spelling is under
   a unit n-gram of the lexicon's loanwords than under one of its other
   words, :func:`script_score`; with the neural reranker, plus
   ``NEURAL_LOAN`` times its per-unit neural score minus the top's).

   An English stem with a Hindi plural or oblique ending (स्कूलों
   *schoolon*, डिविजनों *divisionon*) keeps the stem's English spelling
   (:meth:`LearnedRomanizer.inflected_loanword`).

The weights of the reranking and of the loanword decision were chosen on a
development split of the training words (``split_by_word(train, 11,
salt="dev")``, disjoint from the 10% held-out split; the models scored on it
were trained on the other training words), never on the held-out split:
``benchmarks/romanizer_accuracy.py --dev`` prints both.
4. A word with a unit that the lexicon never shows (a rare sign) goes to the
   rule-based ``hinglish`` romanizer (:mod:`cs_synth.transforms.translit.hinglish`).

Everything is deterministic: training iterates in sorted order, ties are
broken by the spelling, and nothing reads global random state.  A trained
model is kept once per process per lexicon file (path, size, mtime), and
romanized words are cached (``functools.lru_cache``).
"""
from __future__ import annotations

import functools
import hashlib
import math
import os
import re
import unicodedata
from collections import defaultdict
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from cs_synth.pipeline.units import ConfigError

__all__ = ["align_lexicon", "loan_lexicon", "hindi_lexicon", "schwa_pattern", "schwa_variant",
           "short_variant", "silent_units", "char_model", "script_models", "script_score", "NeuralScorer",
           "neural_scorer", "NeuralReranker", "neural_reranker", "Lexicon", "PairModel", "LearnedRomanizer", "load_lexicon", "split_by_word", "units_of", "load_romanizer"]

#: the most Latin letters one native unit may emit
MAX_EMIT = 4
#: EM iterations for the alignment
EM_ITERATIONS = 4
#: how many English words (most frequent first) the loanword detector knows
ENGLISH_WORDS = 60000
NUKTA = "\u093c"
CANDRABINDU, ANUSVARA = "\u0901", "\u0902"
ZW = ("\u200c", "\u200d")
BOS, EOS = "<s>", "</s>"
#: loanword decision: ``LOAN_DELTA * delta + LOAN_WEIGHT * zipf + LOAN_MARK * mark
#: + LOAN_SCRIPT * script + LOAN_SHORT / units + LOAN_SILENT * silent >=
#: LOAN_THRESHOLD`` (see
#: :meth:`LearnedRomanizer.loanword`).  The weights were found by coordinate
#: ascent on accuracy over a development split of the Dakshina training
#: file (``split_by_word(train, 11, salt="dev")``, disjoint from the 10% test
#: split; the models scored on it were trained without it), see
#: ``benchmarks/romanizer_accuracy.py --tune``
LOAN_DELTA = 0.95
LOAN_WEIGHT = 0.3
LOAN_MARK = 1.0
LOAN_SCRIPT = 0.35
LOAN_SHORT = -0.4
#: (the threshold was 0.6 with the native model trained on every word; with
#: :func:`hindi_lexicon` and the schwa variants 1.2 on the development split)
LOAN_THRESHOLD = 1.2
#: a loanword candidate loses this much per consonant (or final vowel) of
#: the Devanagari word that it spells with no letter in the loanword
#: model's alignment (एक्युरेसी as *acres*, कैक्टस as *cats*, टेडी as *ted*;
#: :func:`silent_units`), tuned on the development split
LOAN_SILENT = -0.6
#: Hindi endings on an English stem (:meth:`LearnedRomanizer.inflected_loanword`)
LOAN_SUFFIXES = (("\u094b\u0902", "on"), ("\u0947\u0902", "en"))
#: order of the Devanagari unit n-grams behind the ``script`` feature
SCRIPT_ORDER = 4
LOAN_MIN_SIMILARITY = 0.6
LOAN_CANDIDATES = 5
#: a lexicon row is a loanword row (trains the loanword model) when its
#: romanization is an English word at least this frequent (Zipf scale)
LOAN_ROW_ZIPF = 2.5
#: compounds of two lexicon words: the shortest part (code points) and the
#: per-unit score margin (tuned on the development split, like the loanword weights)
COMPOUND_MIN = 3
COMPOUND_MARGIN = -0.3
#: a tie among a lexicon word's most frequent spellings goes to an English
#: word at least this frequent (Zipf), when loanword detection is on
TIE_ENGLISH_ZIPF = 3.0
#: the character n-gram that reranks the pair model's n-best list: its order
#: and weight (on the development split: +0.4 points at order 6, weight 0.3;
#: 0 turns it off)
CHAR_LM_ORDER = 6
CHAR_LM_WEIGHT = 0.3
#: the bigram pair model in the reranking: ``pair + LOW_ORDER_WEIGHT *
#: bigram``, the bigram's order and weight (development split, pair model +
#: loanwords: 0.8470 at weight 0, 0.8511 at 0.3, 0.8536 at 0.5, 0.8532 at
#: 0.7, 0.8511 at 1.0; a lookahead-token trigram or a 4-gram in its place
#: scored lower; 0 turns it off)
LOW_ORDER = 2
#: the n-best list's length without the neural reranker
PLAIN_NBEST = 8
LOW_ORDER_WEIGHT = 0.5
#: the schwa rule in the reranking (:func:`schwa_pattern`): the
#: :func:`schwa_variant` of each of the top SCHWA_VARIANTS spellings joins
#: the n-best list, and the rank adds ``SCHWA_WROTE * vowels written where
#: the rule deletes + SCHWA_DROPPED * vowels dropped where it keeps +
#: SCHWA_VARIANT * [an added variant]`` (tuned on the development split)
SCHWA_VARIANTS = 3
SCHWA_WROTE = -1.0
SCHWA_DROPPED = -2.0
SCHWA_VARIANT = 1.0
SHORT_VARIANTS = 1
SHORT_VARIANT = 2.0
#: initial EM weight of a move the native kinds do not allow (loose alignment)
LOOSE_PRIOR = 0.01
_ENGLISH_MARKS = ("\u0949", "\u0911")


# ----------------------------------------------------------------- lexicon
class Lexicon:
    """``native -> ((roman, count), ...)``, most frequent first."""

    def __init__(self, entries: Dict[str, Tuple[Tuple[str, int], ...]], source: str = ""):
        self.entries = entries
        self.source = source

    def __contains__(self, word: str) -> bool:
        return word in self.entries

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, word: str):
        return self.entries.get(word)

    def rows(self) -> Iterable[Tuple[str, str, int]]:
        for native in sorted(self.entries):
            for roman, count in self.entries[native]:
                yield native, roman, count

    def subset(self, words: Iterable[str]) -> "Lexicon":
        return Lexicon({w: self.entries[w] for w in words if w in self.entries}, self.source)


def _sorted_entry(counts: Dict[str, int]) -> Tuple[Tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda rc: (-rc[1], rc[0])))


def load_lexicon(path: str) -> Lexicon:
    """Read a ``native<TAB>roman<TAB>count`` file.  A row that is not three
    fields with a positive integer count stops with a :class:`ConfigError`
    naming the file and line (a broken lexicon is a configuration error, not
    something to guess around); blank lines and ``#`` comments are skipped."""
    if not os.path.isfile(path):
        raise ConfigError(f"option 'lexicon': no such file {path!r} (a native<TAB>roman<TAB>count file, "
                          "e.g. Dakshina's hi.translit.sampled.train.tsv)")
    counts: Dict[str, Dict[str, int]] = defaultdict(dict)
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 3 or not parts[0] or not parts[1]:
                raise ConfigError(f"option 'lexicon': {path}:{lineno}: expected native<TAB>roman<TAB>count, "
                                  f"got {line[:80]!r}")
            native, roman, count = parts
            try:
                n = int(count)
            except ValueError:
                n = 0
            if n < 1:
                raise ConfigError(f"option 'lexicon': {path}:{lineno}: count must be a positive integer, "
                                  f"got {count!r}")
            native = unicodedata.normalize("NFC", native.strip())
            roman = roman.strip().lower()
            counts[native][roman] = counts[native].get(roman, 0) + n
    if not counts:
        raise ConfigError(f"option 'lexicon': {path} has no rows")
    return Lexicon({w: _sorted_entry(c) for w, c in counts.items()}, source=path)


def split_by_word(lexicon: Lexicon, heldout_percent: int = 10, salt: str = "") -> Tuple[Lexicon, Lexicon]:
    """A deterministic split by native word (every romanization of a word is on
    the same side): a word is held out when the SHA-1 of its UTF-8 bytes,
    modulo 100, is below ``heldout_percent`` (``salt`` is prefixed to the
    word, for a second, independent split such as a development set)."""
    train, test = {}, {}
    for w, e in lexicon.entries.items():
        h = int.from_bytes(hashlib.sha1((salt + w).encode("utf-8")).digest()[:8], "big") % 100
        (test if h < heldout_percent else train)[w] = e
    return Lexicon(train, lexicon.source), Lexicon(test, lexicon.source)


# ------------------------------------------------------------------- units
_NUKTA_DROP = frozenset("\u0915\u0916\u0917\u091c\u092b\u092f")  # क ख ग ज फ य (not ड ढ)


def _drop_nukta(word: str) -> str:
    """The word without the nukta of क़ ख़ ग़ ज़ फ़ य़ (NFC)."""
    out: List[str] = []
    for ch in unicodedata.normalize("NFD", word):
        if ch == NUKTA and out and out[-1] in _NUKTA_DROP:
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def _is_consonant(ch: str) -> bool:
    return "\u0915" <= ch <= "\u0939" or "\u0958" <= ch <= "\u095f" or ch in "\u0979\u097a\u097b\u097c\u097e\u097f"


def _is_sign(ch: str) -> bool:
    """A dependent vowel sign or the virama."""
    return "\u093e" <= ch <= "\u094d" or ch in "\u0955\u0956\u0957\u0962\u0963"


#: unit granularity: ``"char"`` (one code point; a consonant keeps its nukta)
#: or ``"akshara"`` (a consonant with its nukta and the vowel sign or virama
#: after it is one unit).  Held-out any-attested, pair model alone: char
#: order 3 0.746, akshara order 3 0.736, order 4 0.750; char stays the
#: default (the loanword and compound weights were tuned with it)
UNITS = "char"


def units_of(word: str) -> Tuple[str, ...]:
    """The native word cut into units: a consonant with its nukta and the
    vowel sign or virama that follows it (की, क्, ज़ी), or any other code
    point (independent vowels, nasal signs), when :data:`UNITS` is
    ``"akshara"``; by default one code point each, a nukta joining the
    consonant before it.  Zero-width joiners are dropped."""
    word = unicodedata.normalize("NFD", word)
    out: List[str] = []
    for ch in word:
        if ch in ZW:
            continue
        if ch == NUKTA and out:
            out[-1] += ch
        elif UNITS == "akshara" and _is_sign(ch) and out and _is_consonant(out[-1][0]) \
                and not _is_sign(out[-1][-1]):
            out[-1] += ch
        else:
            out.append(ch)
    return tuple(out)


# ------------------------------------------------------------- alignment
_VOWEL_LETTERS = frozenset("aeiouy")
_MATRA_LIKE = frozenset(chr(c) for c in range(0x093e, 0x094d)) | frozenset(chr(c) for c in range(0x0904, 0x0915)) \
    | {"\u0960", "\u0961", "\u0962", "\u0963", "\u0972", "\u0973", "\u0974", "\u0975", "\u0976", "\u0977"}
_VIRAMA = "\u094d"
_INDEPENDENT = frozenset(chr(c) for c in range(0x0904, 0x0915)) | {"\u0960", "\u0961", "\u0972", "\u0973",
                                                                   "\u0974", "\u0975", "\u0976", "\u0977"}
_NASAL = {"\u0901", "\u0902"}
#: the independent vowels ऋ and ॠ are written with a consonant (ऋषिकेश
#: *rishikesh*): they may emit any letters
_VOCALIC_R = frozenset("\u090b\u0960")


def _kind(unit: str) -> str:
    """What a unit may emit: ``v`` vowel signs and vowel letters emit vowel
    letters or nothing; ``c`` consonants emit letters starting with a
    non-vowel letter (their inherent vowel and doubling may follow); ``n``
    nasal signs emit a consonant letter run or nothing; ``x`` the virama
    emits nothing; ऋ/ॠ and anything else is free."""
    ch = unit[0]
    if ch in _VOCALIC_R:
        return "f"
    if len(unit) > 1 and unit[-1] == _VIRAMA and _is_consonant(ch):
        return "cc"
    if ch == _VIRAMA:
        return "x"
    if ch in _NASAL or ch == "\u0903":
        return "n"
    if ch in _MATRA_LIKE:
        return "v"
    if "\u0915" <= ch <= "\u0939" or "\u0958" <= ch <= "\u095f" or ch in ("\u0979", "\u097a", "\u097b",
                                                                          "\u097c", "\u097e", "\u097f"):
        return "c"
    return "f"


def _allowed(kind: str, s: str) -> bool:
    if kind == "x":
        return s == ""
    if kind == "v":
        return all(c in _VOWEL_LETTERS for c in s)
    if kind == "c":
        return bool(s) and (s[0] not in _VOWEL_LETTERS or s[0] == "y")
    if kind == "cc":
        return bool(s) and (s[0] not in _VOWEL_LETTERS or s[0] == "y") and not any(c in "aeiou" for c in s)
    if kind == "n":
        return s == "" or s[0] not in _VOWEL_LETTERS
    return True


def _edges(units: Sequence[str], roman: str, loose: bool = False):
    """The alignment lattice of one pair: for each unit ``i``, the moves
    ``(j, j + k, letters)`` the unit's kind allows.  A consonant followed by
    a vowel sign or the virama has no inherent vowel, so it emits no vowel
    letter (``cc``)."""
    n, m = len(units), len(roman)
    out = []
    for i, u in enumerate(units):
        kind = _kind(u)
        if kind == "c" and i + 1 < n and _kind(units[i + 1]) in ("v", "x") and units[i + 1][0] not in _INDEPENDENT:
            kind = "cc"
        lo = max(0, m - MAX_EMIT * (n - i))
        row = []
        for j in range(lo, m + 1):
            for k in range(0, min(MAX_EMIT, m - j) + 1):
                s = roman[j:j + k]
                if loose or _allowed(kind, s):
                    row.append((j, j + k, s))
        out.append(row)
    return out


def _em_align(pairs: List[Tuple[Tuple[str, ...], str, float]], iterations: int = EM_ITERATIONS,
              loose: bool = False):
    """Forward-backward EM for ``p(letters | unit)`` over monotone alignments
    in which each unit emits 0..MAX_EMIT letters of the kind it allows (see
    :func:`_kind`), weighted by the rows' counts; returns the Viterbi token
    sequence (list of (unit, letters)) of every pair that has an alignment,
    and the emission table."""
    lattices = []
    for units, roman, weight in pairs:
        lat = _edges(units, roman, loose)
        lattices.append((units, len(roman), weight, lat))
    prob: Dict[Tuple[str, str], float] = defaultdict(lambda: 1.0)
    if loose:  # English spellings: every move is possible, the native kinds' moves are preferred
        for units, m, weight, lat in lattices:
            for i, row in enumerate(lat):
                kind = _kind(units[i])
                for j, j2, s in row:
                    prob[(units[i], s)] = 1.0 if _allowed(kind, s) else LOOSE_PRIOR
    for _ in range(iterations):
        counts: Dict[Tuple[str, str], float] = defaultdict(float)
        for units, m, weight, lat in lattices:
            n = len(units)
            alpha = [[0.0] * (m + 1) for _ in range(n + 1)]
            alpha[0][0] = 1.0
            probs = []
            for i in range(n):
                u = units[i]
                ai, an = alpha[i], alpha[i + 1]
                row = [(j, j2, s, prob[(u, s)]) for j, j2, s in lat[i]]
                probs.append(row)
                for j, j2, s, p in row:
                    a = ai[j]
                    if a:
                        an[j2] += a * p
            z = alpha[n][m]
            if z <= 0.0:
                continue
            beta = [[0.0] * (m + 1) for _ in range(n + 1)]
            beta[n][m] = 1.0
            for i in range(n - 1, -1, -1):
                u = units[i]
                bi, bn, ai = beta[i], beta[i + 1], alpha[i]
                for j, j2, s, p in probs[i]:
                    b = bn[j2]
                    if b:
                        v = p * b
                        bi[j] += v
                        a = ai[j]
                        if a:
                            counts[(u, s)] += weight * a * v / z
        totals: Dict[str, float] = defaultdict(float)
        for (u, s), c in counts.items():
            totals[u] += c
        new: Dict[Tuple[str, str], float] = defaultdict(float)
        for (u, s), c in counts.items():
            new[(u, s)] = c / totals[u]
        prob = new
    out = []
    for units, m, weight, lat in lattices:
        n = len(units)
        best = [[-1.0] * (m + 1) for _ in range(n + 1)]
        back: List[List[Optional[tuple]]] = [[None] * (m + 1) for _ in range(n + 1)]
        best[0][0] = 1.0
        for i in range(n):
            u = units[i]
            bi, bn = best[i], best[i + 1]
            for j, j2, s in lat[i]:
                b = bi[j]
                if b < 0:
                    continue
                p = prob.get((u, s), 0.0)
                if p <= 0.0:
                    continue
                v = b * p
                if v > bn[j2]:
                    bn[j2] = v
                    back[i + 1][j2] = (j, s)
        if best[n][m] <= 0:
            continue
        seq = []
        j = m
        for i in range(n, 0, -1):
            j0, s = back[i][j]
            seq.append((units[i - 1], s))
            j = j0
        seq.reverse()
        out.append((seq, weight))
    return out, dict(prob)


def align_lexicon(lexicon: "Lexicon", loose: bool = False):
    """The EM alignment of every row (see :func:`_em_align`); ``loose`` lets
    any unit emit any letters (for English spellings: क्वालिटी -> quality)."""
    pairs = []
    for native, roman, count in lexicon.rows():
        units = units_of(native)
        if units and roman and len(roman) <= MAX_EMIT * len(units):
            pairs.append((units, roman, float(count)))
    return _em_align(pairs, loose=loose)


def loan_lexicon(lexicon: "Lexicon", min_zipf: float = LOAN_ROW_ZIPF) -> "Lexicon":
    """The rows of a lexicon whose romanization is an English word (wordfreq
    Zipf frequency at least ``min_zipf``, three letters or more): what the
    loanword model learns from (अलार्म -> alarm, स्टेडियम -> stadium)."""
    _, zipf = english_index()
    out = {}
    for native, entry in lexicon.entries.items():
        keep = tuple((r, c) for r, c in entry if zipf.get(r, 0.0) >= min_zipf)
        if keep:
            out[native] = keep
    return Lexicon(out, lexicon.source)


def hindi_lexicon(lexicon: "Lexicon") -> "Lexicon":
    """The lexicon without its loanword words (those with a row in
    :func:`loan_lexicon`): what the native pair model learns from when the
    loanword model is on, so that English spellings (क as *c*, ज as *g*)
    do not leak into Hindi words (*crantikari*, *gymmedaar*)."""
    loans = loan_lexicon(lexicon).entries
    return Lexicon({w: e for w, e in lexicon.entries.items() if w not in loans}, lexicon.source)


# ---------------------------------------------------------------- n-gram
class PairModel:
    """Interpolated Kneser-Ney n-gram over joint tokens ``unit>next:letters``
    (the unit, the native unit after it, and the letters the unit emits)."""

    def __init__(self, lexicon, order: int = 3, max_candidates: int = 8, lookahead: bool = False):
        self.order = order
        self.lookahead = lookahead
        if isinstance(lexicon, Lexicon):
            aligned, emit = align_lexicon(lexicon)
        else:  # already aligned: (sequences, emission table)
            aligned, emit = lexicon
        self.aligned = (aligned, emit)  # a lower-order model of the same alignment is built from it
        # candidate letters per unit, most probable first
        per_unit: Dict[str, List[Tuple[float, str]]] = defaultdict(list)
        for (u, s), p in emit.items():
            if p >= 0.002:
                per_unit[u].append((-p, s))
        self.candidates = {u: tuple(s for _, s in sorted(v)[:max_candidates]) for u, v in per_unit.items()}
        # a given spelling (a loanword candidate) may use rarer emissions
        self.all_candidates = {u: tuple(s for p, s in sorted((-p, s) for (u2, s), p in emit.items()
                                                           if u2 == u and p >= 1e-4)) for u in self.candidates}
        # n-gram counts; the highest order counts rows (weighted by their
        # counts), the lower orders count distinct left neighbours (Kneser-Ney)
        full: Dict[tuple, float] = defaultdict(float)
        for seq, weight in aligned:
            toks = [BOS] * (order - 1) + self._tokens([u for u, _ in seq], [s for _, s in seq]) + [EOS]
            for t in range(order - 1, len(toks)):
                full[tuple(toks[t - order + 1:t + 1])] += weight
        levels: List[Dict[tuple, float]] = [dict() for _ in range(order + 1)]
        levels[order] = dict(full)
        for n in range(order - 1, 0, -1):
            cont: Dict[tuple, float] = defaultdict(float)
            for gram in levels[n + 1]:
                cont[gram[1:]] += 1.0
            levels[n] = dict(cont)
        self.table = {}
        for n in range(1, order + 1):
            grams = levels[n]
            n1 = sum(1 for c in grams.values() if c == 1)
            n2 = sum(1 for c in grams.values() if c == 2)
            d = n1 / (n1 + 2 * n2) if n1 + n2 else 0.5
            d = min(max(d, 0.1), 0.9)
            by_ctx: Dict[tuple, Dict[str, float]] = defaultdict(dict)
            for gram, c in grams.items():
                by_ctx[gram[:-1]][gram[-1]] = c
            for ctx, nxt in by_ctx.items():
                total = sum(nxt.values())
                probs = {w: max(c - d, 0.0) / total for w, c in nxt.items()}
                gamma = d * len(nxt) / total
                self.table[ctx] = (gamma, probs)
        self.vocab = len(self.table[()][1]) + 1
        self._memo: Dict[tuple, float] = {}

    def _tokens(self, units: Sequence[str], letters: Sequence[str]) -> List[str]:
        n = len(units)
        if not self.lookahead:
            return [f"{units[i]}:{letters[i]}" for i in range(n)]
        return [f"{units[i]}>{units[i + 1] if i + 1 < n else '#'}:{letters[i]}" for i in range(n)]

    def logprob(self, ctx: tuple, tok: str) -> float:
        key = (ctx, tok)
        v = self._memo.get(key)
        if v is None:
            v = self._memo[key] = math.log(self._prob(ctx, tok))
        return v

    def _prob(self, ctx: tuple, tok: str) -> float:
        if not ctx:
            gamma, probs = self.table[()]
            return probs.get(tok, 0.0) + gamma / self.vocab
        entry = self.table.get(ctx)
        if entry is None:
            return self._prob(ctx[1:], tok)
        gamma, probs = entry
        return probs.get(tok, 0.0) + gamma * self._prob(ctx[1:], tok)

    def knows(self, units: Sequence[str]) -> bool:
        return all(u in self.candidates for u in units)

    def constrained(self, units: Sequence[str], letters: str, beam: int = 12) -> float:
        """The log probability of the best segmentation of ``letters`` over
        ``units`` (-inf when none spells it)."""
        res = self.nbest(units, beam=beam, n=1, allowed=letters)
        return res[0][0] if res else -math.inf

    def nbest(self, units: Sequence[str], beam: int = 12, n: int = 8,
              allowed: Optional[str] = None, segments: bool = False) -> List[tuple]:
        """The n best romanizations ``(logprob, letters)`` by beam search;
        with ``allowed`` only hypotheses that spell a prefix of it survive
        (the constrained score of one given spelling); with ``segments``
        each comes as ``(logprob, letters, per-unit letters)``."""
        k = self.order - 1
        hyps = {(BOS,) * k: (0.0, "", ())}
        count = len(units)
        for i, u in enumerate(units):
            pre = f"{u}>{units[i + 1] if i + 1 < count else '#'}:" if self.lookahead else f"{u}:"
            grown: Dict[tuple, tuple] = {}
            for hist, (score, text, segs) in hyps.items():
                for s in (self.candidates if allowed is None else self.all_candidates).get(u, ("",)):
                    new_text = text + s
                    if allowed is not None and not allowed.startswith(new_text):
                        continue
                    tok = pre + s
                    sc = score + self.logprob(hist, tok)
                    h2 = (hist + (tok,))[1:] if k else ()
                    key = (h2, new_text) if allowed is None else h2
                    old = grown.get(key)
                    if old is None or sc > old[0] or (sc == old[0] and new_text < old[1]):
                        grown[key] = (sc, new_text, segs + (s,) if segments else segs)
            best = sorted(grown.items(), key=lambda kv: (-kv[1][0], kv[1][1]))[:beam]
            hyps = {}
            for key, val in best:
                hist = key[0] if allowed is None else key
                if hist not in hyps or val[0] > hyps[hist][0]:
                    hyps[hist] = val
        final: Dict[str, tuple] = {}
        for hist, (score, text, segs) in hyps.items():
            if allowed is not None and text != allowed:
                continue
            sc = score + self.logprob(hist, EOS)
            if text not in final or sc > final[text][0]:
                final[text] = (sc, segs)
        if segments:
            return sorted(((s, t, g) for t, (s, g) in final.items()), key=lambda st: (-st[0], st[1]))[:n]
        return sorted(((s, t) for t, (s, _) in final.items()), key=lambda st: (-st[0], st[1]))[:n]


# ------------------------------------------------------------- schwa
def schwa_pattern(units: Sequence[str]) -> Tuple[Optional[bool], ...]:
    """Hindi schwa deletion (Ohala's rule, right to left) over the native
    units: per unit None where there is no inherent vowel (not a consonant,
    or one followed by a vowel sign or the virama), else True where the
    rule keeps it and False where it deletes it.  The inherent vowel of a
    word's last consonant goes (सुखदेव *sukhdev*, unless the word is that
    one consonant), and a medial one goes between a vowel and a single
    consonant with a vowel after it, ``V C _ C V`` (नजमा *najma*, हंसकर
    *hanskar*, कमला *kamla*); after a cluster or the first consonant it
    stays (निर्मम *nirmam*, गट्ठर *gatthar*)."""
    n = len(units)
    kinds = [_kind(u) for u in units]

    def sign_after(j):
        return j + 1 < n and (kinds[j + 1] == "x" or (kinds[j + 1] == "v" and units[j + 1][0] not in _INDEPENDENT))

    inherent = [kinds[i] == "c" and not sign_after(i) for i in range(n)]
    keep: List[Optional[bool]] = [None] * n
    for i in range(n - 1, -1, -1):
        if not inherent[i]:
            continue
        if i == n - 1:
            keep[i] = n == 1
            continue
        before = i - 1
        if before >= 0 and kinds[before] == "n":
            before -= 1
        left = before >= 0 and (kinds[before] == "v" or inherent[before])
        nxt = i + 1
        right = kinds[nxt] == "c" and ((nxt + 1 < n and kinds[nxt + 1] == "v" and units[nxt + 1][0] not in _INDEPENDENT)
                                       or (inherent[nxt] and bool(keep[nxt])))
        keep[i] = not (left and right)
    return tuple(keep)


def _has_vowel(letters: str) -> bool:
    return any(c in "aeiou" for c in letters[1:])


def schwa_violations(pattern: Sequence[Optional[bool]], segments: Sequence[str]) -> Tuple[int, int]:
    """How often a spelling (its letters per unit) writes a vowel where
    :func:`schwa_pattern` deletes the inherent one, and how often it writes
    none where the rule keeps it."""
    wrote = dropped = 0
    for rule, letters in zip(pattern, segments):
        if rule is None or not letters:
            continue
        if _has_vowel(letters):
            wrote += not rule
        else:
            dropped += rule
    return wrote, dropped


def schwa_variant(pattern: Sequence[Optional[bool]], segments: Sequence[str]) -> Tuple[str, ...]:
    """The letters per unit with every inherent vowel as :func:`schwa_pattern`
    says: a deleted one's vowel letters dropped, a kept one written *a*
    (*nirmm* -> *nirmam*, *janapadon* -> *janpadon*)."""
    out = []
    for rule, letters in zip(pattern, segments):
        if rule is False and _has_vowel(letters):
            letters = letters[0] + letters[1:].rstrip("aeiou")
        elif rule is True and letters and not _has_vowel(letters):
            letters += "a"
        out.append(letters)
    return tuple(out)


_LONG = {"\u093e": "aa", "\u0940": "ee", "\u0942": "oo", "\u0906": "aa", "\u0908": "ee", "\u090a": "oo"}
_SHORT = {"aa": "a", "ee": "i", "oo": "u"}


def short_variant(units: Sequence[str], segments: Sequence[str]) -> Tuple[str, ...]:
    """The letters per unit with the long vowels written short (ा ी ू and
    आ ई ऊ as *a i u*, not *aa ee oo*: *udarvaadi* -> *udarvadi*)."""
    return tuple(_SHORT[g] if _LONG.get(u) == g else g for u, g in zip(units, segments))


# ------------------------------------------------------- spelling model
def char_model(lexicon: "Lexicon", order: int = None) -> PairModel:
    """A Kneser-Ney character n-gram over the lexicon's romanizations
    (weighted by their counts): how likely a Latin spelling is as Hinglish,
    whatever the native word.  The n-best list of the pair model is reranked
    by ``pair score + CHAR_LM_WEIGHT * this``."""
    seqs = [([(c, "") for c in roman], float(count)) for _, roman, count in lexicon.rows()]
    return PairModel((seqs, {}), order=order or CHAR_LM_ORDER)


def char_logprob(lm: PairModel, text: str) -> float:
    k = lm.order - 1
    hist = (BOS,) * k
    total = 0.0
    for c in text:
        tok = f"{c}:"
        total += lm.logprob(hist, tok)
        hist = (hist + (tok,))[1:] if k else ()
    return total + lm.logprob(hist, EOS)


def script_models(lexicon: "Lexicon", order: int = SCRIPT_ORDER) -> Optional[Tuple[PairModel, PairModel]]:
    """Two Kneser-Ney n-grams over the native units of the lexicon's words
    (each word once): its loanword words (:func:`loan_lexicon`) and all the
    others (None when either is empty).  How English a Devanagari spelling
    looks (ऑ, ट्र, -िंग, -ियम) is :func:`script_score`."""
    loans = set(loan_lexicon(lexicon).entries)
    if not loans or not set(lexicon.entries) - loans:
        return None

    def model(words):
        seqs = [([(u, "") for u in units_of(w)], 1.0) for w in sorted(words) if units_of(w)]
        return PairModel((seqs, {}), order=order)

    return model(loans), model(w for w in lexicon.entries if w not in loans)


def script_score(models: Optional[Tuple[PairModel, PairModel]], units: Sequence[str]) -> float:
    """The per-unit log-likelihood ratio of a native word under the loanword
    and the native script models of :func:`script_models` (positive: it
    looks like an English word written in Devanagari)."""
    if not units or models is None:
        return 0.0
    return (char_logprob(models[0], units) - char_logprob(models[1], units)) / len(units)


# ------------------------------------------------------------- loanwords
_GLIDES = frozenset("\u092f\u0935")


def silent_units(units: Sequence[str], segments: Sequence[str]) -> int:
    """How many of a word's consonants, and of its final vowel sign or
    vowel, an aligned spelling (its letters per unit) writes with no
    letter: the phonetic consistency of an English word with its
    Devanagari spelling (एक्युरेसी *accuracy* 0, *acres* more; a
    consonant cluster written with one letter, क्स as *x*, counts one;
    the glides य and व do not count: ज्योग्राफी *geography*, वर्जीनिया
    *virginia*)."""
    silent = 0
    for i, (u, letters) in enumerate(zip(units, segments)):
        if letters:
            continue
        kind = _kind(u)
        if (kind in ("c", "cc") and u[0] not in _GLIDES) or (kind == "v" and i == len(units) - 1):
            silent += 1
    return silent


_SKELETON_MAP = str.maketrans({"c": "k", "q": "k", "x": "ks", "z": "s", "v": "w", "f": "p"})


def skeleton(latin: str) -> str:
    """A consonant skeleton for matching English words with romanized
    Devanagari: digraphs ph/ck/ch/sh/th to one letter, c/q -> k, x -> ks,
    z -> s, v -> w, f -> p, then vowels, h, y and w dropped and doubled
    letters written once (``achievement`` and ``acheevment`` -> ``kmnt``)."""
    s = latin.lower()
    s = s.replace("ph", "p").replace("ck", "k").replace("ch", "c").replace("sh", "s").replace("th", "t")
    s = s.translate(_SKELETON_MAP)
    s = re.sub(r"[aeiouhyw]", "", s)
    return re.sub(r"(.)\1+", r"\1", s)


def _neighbours(key: str) -> List[str]:
    """The key and its one-letter deletions (the fuzzy part of the index)."""
    return [key] + sorted({key[:i] + key[i + 1:] for i in range(len(key))}) if len(key) >= 4 else [key]


_rf_process = _rf_fuzz = None


def _import_rapidfuzz():
    global _rf_process, _rf_fuzz
    try:
        from rapidfuzz import fuzz, process
    except ImportError:
        raise ConfigError("option 'loanwords' needs the Python package 'rapidfuzz': pip install rapidfuzz, or "
                          "install the translit extra: pip install 'cs-synth[translit]'") from None
    _rf_process, _rf_fuzz = process, fuzz


#: bump when the English index changes (its words, keys or values)
INDEX_VERSION = "1"


@functools.lru_cache(maxsize=1)
def english_index(n_words: int = ENGLISH_WORDS):
    """wordfreq's most frequent English words (alphabetic, 3+ letters), as
    ``skeleton -> ((word, zipf), ...)`` (each word under its skeleton and the
    skeleton's one-letter deletions) and ``word -> zipf``.  Built once per
    process; the build (tens of seconds: a Zipf look-up per word) is kept on
    disk in :func:`cache_dir`, keyed by wordfreq's version, ``n_words`` and
    :data:`INDEX_VERSION`, so later processes load it in a fraction of a second."""
    try:
        import wordfreq
    except ImportError:
        raise ConfigError("option 'loanwords' needs the Python package 'wordfreq': pip install wordfreq, or "
                          "install the translit extra: pip install 'cs-synth[translit]'") from None
    _import_rapidfuzz()
    import pickle

    version = getattr(wordfreq, "__version__", "") or _dist_version("wordfreq")
    target = os.path.join(cache_dir(), f"english-{version}-{n_words}-v{INDEX_VERSION}.pkl")
    if os.path.isfile(target):
        try:
            with open(target, "rb") as fh:
                return pickle.load(fh)
        except Exception:  # noqa: BLE001 - a broken cache file is rebuilt
            pass
    index: Dict[str, List[Tuple[str, float]]] = defaultdict(list)
    zipf: Dict[str, float] = {}
    for w in wordfreq.top_n_list("en", n_words):
        if len(w) < 3 or not w.isascii() or not w.isalpha():
            continue
        z = wordfreq.zipf_frequency(w, "en")
        zipf[w] = z
        for key in _neighbours(skeleton(w)):
            index[key].append((w, z))
    out = ({k: tuple(v) for k, v in index.items()}, zipf)
    _write_cache(target, out)
    return out


def _dist_version(name: str) -> str:
    try:
        from importlib.metadata import version

        return version(name)
    except Exception:  # noqa: BLE001
        return "unknown"


def _write_cache(target: str, obj) -> None:
    """Pickle ``obj`` to ``target`` atomically (a temporary file, then a
    rename); a read-only cache folder only costs the rebuild next time."""
    import pickle
    import tempfile

    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target), suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(obj, fh, protocol=4)
        os.replace(tmp, target)
    except OSError:
        pass


# --------------------------------------------------- neural reranker
#: the optional neural reranker (``neural=True``; needs torch): epochs, the
#: size of the pair model's n-best list it reranks, and its weights in the
#: reranking (``pair + CHAR_LM_WEIGHT * char + NEURAL_WEIGHT * neural``) and
#: in the loanword value (``NEURAL_LOAN * its per-unit delta``), tuned on the
#: development split like the loanword weights
NEURAL_EPOCHS = 8
NEURAL_NBEST = 16
NEURAL_WEIGHT = 0.7
NEURAL_LOAN = 0.1
#: pair hints (``hints`` of :meth:`LearnedRomanizer.romanize`): how alike
#: (rapidfuzz ratio) an English word of the pair must be to the word's own
#: spelling, and how far below the loanword model's best spelling (per
#: unit) its score may be
HINT_SIMILARITY = 0.5
HINT_MARGIN = 2.0
#: Hindi plural and oblique plural endings (a hint for such a word must be an English plural)
HINDI_PLURAL_ENDINGS = ("\u094b\u0902", "\u0947\u0902", "\u0913\u0902", "\u090f\u0902")
#: the weight of the channel direction (``log p(native | spelling)``) in the
#: neural score of :class:`NeuralReranker` (development split, from 0.8606
#: without it: 0.5 0.8614, 0.7 0.8619, 1.0 0.8635, 1.5 0.8614; before its
#: encoder read packed sequences, 0.3 0.8610, 1.0 0.8627, 2.5 0.8569, and
#: trained for 12 epochs instead of 8, 0.8619 at 1.0)
CHANNEL_WEIGHT = 1.0
#: bump when the network or its training changes, so cached models are not reused
NEURAL_VERSION = "1"


def _torch():
    try:
        import torch
    except ImportError:
        raise ConfigError("the neural reranker of the learned romanizer needs the Python package 'torch' "
                          "(pip install torch); without it, leave 'neural' off") from None
    return torch


class _OneThread:
    """Run torch on one thread (the same sums in the same order: the same
    bytes on every machine), restoring the caller's setting after."""

    def __enter__(self):
        torch = _torch()
        self.n = torch.get_num_threads()
        torch.set_num_threads(1)

    def __exit__(self, *exc):
        _torch().set_num_threads(self.n)


def _network(n_src: int, n_tgt: int, emb: int = 64, hid: int = 96, packed: bool = False):
    torch = _torch()

    class Net(torch.nn.Module):
        """A character encoder-decoder: a bidirectional GRU over the native
        units, a GRU decoder over the Latin letters started from the
        encoder's last state, dot-product attention, a softmax over letters.
        With ``packed`` the encoder reads each sequence without its padding
        (a packed sequence), so a sequence scores the same in any batch (up to
        float rounding): the
        channel network scores a word's candidate spellings, of different
        lengths, in one batch."""

        def __init__(self):
            super().__init__()
            self.se = torch.nn.Embedding(n_src, emb, padding_idx=0)
            self.te = torch.nn.Embedding(n_tgt, emb, padding_idx=0)
            self.enc = torch.nn.GRU(emb, hid, batch_first=True, bidirectional=True)
            self.dec = torch.nn.GRU(emb, 2 * hid, batch_first=True)
            self.out = torch.nn.Linear(4 * hid, n_tgt)

        def forward(self, src, tin):
            smask = src != 0
            lengths = smask.sum(1)
            if packed:
                seq = torch.nn.utils.rnn.pack_padded_sequence(self.se(src), lengths, batch_first=True,
                                                              enforce_sorted=False)
                e, _ = self.enc(seq)
                e, _ = torch.nn.utils.rnn.pad_packed_sequence(e, batch_first=True, total_length=src.size(1))
            else:
                e, _ = self.enc(self.se(src))
            h0 = e[torch.arange(src.size(0)), lengths - 1].unsqueeze(0).contiguous()
            d, _ = self.dec(self.te(tin), h0)
            att = (d @ e.transpose(1, 2)).masked_fill(~smask.unsqueeze(1), -1e9).softmax(-1)
            return self.out(torch.cat([d, att @ e], -1)).log_softmax(-1)

    return Net()


class NeuralScorer:
    """``log p(spelling | native word)`` from a small character
    encoder-decoder (:func:`_network`) trained on the lexicon's rows
    (weighted by their counts): Adam, batches of 128, the learning rate
    times 0.8 after every epoch, no dropout.  With ``reverse`` the network
    reads the spelling's letters and predicts the native units, and
    :meth:`score` is ``log p(native word | spelling)``.  Deterministic: the weights
    are initialised and the rows shuffled from a ``torch.Generator`` seeded
    with ``seed`` (no global random state), on one thread."""

    def __init__(self, lexicon: Optional["Lexicon"] = None, epochs: int = NEURAL_EPOCHS, seed: int = 0,
                 state=None, log=None, reverse: bool = False):
        torch = _torch()
        self.reverse = reverse
        if state is not None:
            self.src, self.tgt, weights = state[:3]
            self.reverse = bool(state[3]) if len(state) > 3 else False
            self.net = _network(len(self.src) + 2, len(self.tgt) + 3, packed=self.reverse)
            self.net.load_state_dict(weights)
            self.net.eval()
            return
        rows = [(units_of(n), r, c) for n, r, c in lexicon.rows() if units_of(n)]
        if reverse:  # the channel direction: the native units given the spelling
            rows = [(tuple(r), us, c) for us, r, c in rows]
        self.src = {u: i + 2 for i, u in enumerate(sorted({u for us, _, _ in rows for u in us}))}  # 0 pad, 1 unknown
        self.tgt = {ch: i + 3 for i, ch in enumerate(sorted({ch for _, r, _ in rows for ch in r}))}  # 0 pad, 1 <s>, 2 </s>
        with _OneThread():
            g = torch.Generator().manual_seed(seed)
            self.net = _network(len(self.src) + 2, len(self.tgt) + 3, packed=reverse)
            with torch.no_grad():
                for _, p in sorted(self.net.named_parameters()):
                    p.uniform_(-0.08, 0.08, generator=g)
            opt = torch.optim.Adam(self.net.parameters(), lr=3e-3)
            data = [(self._src(us), self._tgt(r), float(c)) for us, r, c in rows]
            for epoch in range(epochs):
                perm = torch.randperm(len(data), generator=g).tolist()
                total = 0.0
                for b in range(0, len(perm), 128):
                    items = [data[i] for i in perm[b:b + 128]]
                    src, tin, tout, w = self._batch(items)
                    lp = self.net(src, tin)
                    nll = -lp.gather(2, tout.unsqueeze(2)).squeeze(2) * (tout != 0)
                    loss = (nll.sum(1) * w).sum() / w.sum()
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
                    total += loss.item() * len(items)
                for group in opt.param_groups:
                    group["lr"] *= 0.8
                if log is not None:
                    log(f"neural epoch {epoch}: loss {total / len(data):.3f}")
        self.net.eval()

    def state(self):
        return (self.src, self.tgt, self.net.state_dict(), self.reverse)

    def _src(self, units):
        return [self.src.get(u, 1) for u in units]

    def _tgt(self, roman):
        return [self.tgt.get(ch, 0) for ch in roman]

    def _batch(self, items):
        torch = _torch()
        S = max(len(s) for s, _, _ in items)
        T = max(len(t) for _, t, _ in items) + 1
        src = torch.zeros(len(items), S, dtype=torch.long)
        tin = torch.zeros(len(items), T, dtype=torch.long)
        tout = torch.zeros(len(items), T, dtype=torch.long)
        for i, (s, t, _) in enumerate(items):
            src[i, :len(s)] = torch.tensor(s)
            tin[i, 0] = 1
            if t:
                tin[i, 1:len(t) + 1] = torch.tensor(t)
                tout[i, :len(t)] = torch.tensor(t)
            tout[i, len(t)] = 2
        return src, tin, tout, torch.tensor([w for _, _, w in items])

    def score(self, units: Sequence[str], spellings: Sequence[str]) -> List[float]:
        """The log probability of each spelling (-100 for one with a letter
        the lexicon never shows)."""
        torch = _torch()
        if not spellings:
            return []
        if self.reverse:
            t = self._tgt(units)
            items = [(self._src(c) or [1], t, 1.0) for c in spellings]  # (an empty spelling scores -100)
            letters = self.src
        else:
            s = self._src(units)
            items = [(s, self._tgt(c), 1.0) for c in spellings]
            letters = self.tgt
        with _OneThread(), torch.no_grad():
            src, tin, tout, _ = self._batch(items)
            lp = self.net(src, tin)
            v = (lp.gather(2, tout.unsqueeze(2)).squeeze(2) * (tout != 0)).sum(1).tolist()
        return [x if all(ch in letters for ch in c) and (c or not self.reverse) else -100.0
                for x, c in zip(v, spellings)]


def _lexicon_digest(lexicon: "Lexicon") -> str:
    h = hashlib.sha256()
    for native, roman, count in lexicon.rows():
        h.update(f"{native}\t{roman}\t{count}\n".encode("utf-8"))
    return h.hexdigest()


def neural_scorer(lexicon: "Lexicon", epochs: int = NEURAL_EPOCHS, seed: int = 0, log=None,
                  reverse: bool = False) -> NeuralScorer:
    """The :class:`NeuralScorer` of a lexicon, trained once (minutes on one
    core) and kept in :func:`cache_dir`, keyed by the SHA-256 of its rows,
    the epochs, the seed, the direction (``reverse``: the channel network of
    :class:`NeuralReranker`), torch's version and :data:`NEURAL_VERSION`."""
    torch = _torch()
    rev = "|reverse-packed" if reverse else ""
    key = hashlib.sha256(f"{_lexicon_digest(lexicon)}|{epochs}|{seed}|{torch.__version__}|{NEURAL_VERSION}{rev}"
                         .encode()).hexdigest()[:32]
    target = os.path.join(cache_dir(), f"{key}-neural.pt")
    if os.path.isfile(target):
        try:
            return NeuralScorer(state=torch.load(target, weights_only=False))
        except Exception:  # noqa: BLE001 - a broken cache file is rebuilt
            pass
    scorer = NeuralScorer(lexicon, epochs=epochs, seed=seed, log=log, reverse=reverse)
    try:
        import tempfile

        os.makedirs(os.path.dirname(target), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target), suffix=".tmp")
        os.close(fd)
        torch.save(scorer.state(), tmp)
        os.replace(tmp, target)
    except OSError:
        pass
    return scorer


class NeuralReranker:
    """The neural score of the reranking, a noisy channel: the forward
    scorer's ``log p(spelling | native)`` plus :data:`CHANNEL_WEIGHT` times
    the reverse scorer's ``log p(native | spelling)``."""

    def __init__(self, forward: NeuralScorer, reverse: Optional[NeuralScorer] = None,
                 channel_weight: Optional[float] = None):
        self.forward, self.reverse = forward, reverse
        self.channel_weight = CHANNEL_WEIGHT if channel_weight is None else channel_weight

    def score(self, units: Sequence[str], spellings: Sequence[str]) -> List[float]:
        out = self.forward.score(units, spellings)
        if self.reverse is None or not self.channel_weight:
            return out
        return [a + self.channel_weight * b for a, b in zip(out, self.reverse.score(units, spellings))]


def neural_reranker(lexicon: "Lexicon", epochs: int = NEURAL_EPOCHS, seed: int = 0, log=None) -> NeuralReranker:
    """Both networks of the :class:`NeuralReranker` of a lexicon (each
    trained once and cached by :func:`neural_scorer`)."""
    return NeuralReranker(neural_scorer(lexicon, epochs=epochs, seed=seed, log=log),
                          neural_scorer(lexicon, epochs=epochs, seed=seed, log=log, reverse=True))


# ------------------------------------------------------------- romanizer
class LearnedRomanizer:
    """Lexicon look-up, then the pair model, then the loanword check."""

    def __init__(self, lexicon: Lexicon, order: int = 3, loanwords: bool = True, beam: int = 12,
                 model: Optional["PairModel"] = None, loan_weight: float = LOAN_WEIGHT,
                 loan_threshold: float = LOAN_THRESHOLD, loan_model: Optional["PairModel"] = None,
                 char_lm: Optional["PairModel"] = None,
                 script_lms: Optional[Tuple["PairModel", "PairModel"]] = None,
                 neural: Optional["NeuralReranker"] = None, low_model: Optional["PairModel"] = None):
        self.lexicon = lexicon
        if model is None:
            model = PairModel(align_lexicon(hindi_lexicon(lexicon)) if loanwords else lexicon, order=order)
        self.model = model
        if low_model is None and LOW_ORDER_WEIGHT and model.order > LOW_ORDER:
            low_model = PairModel(model.aligned, order=LOW_ORDER, lookahead=model.lookahead)
        self.low_model = low_model
        self.loanwords = loanwords
        if loanwords and loan_model is None:
            loan_model = PairModel(align_lexicon(loan_lexicon(lexicon), loose=True), order=order)
        self.loan_model = loan_model
        self.char_lm = char_lm if char_lm is not None else char_model(lexicon)
        if loanwords and script_lms is None:
            script_lms = script_models(lexicon)  # None for a lexicon without loanword rows
        self.script_lms = script_lms
        self.neural = neural
        self.loan_weight = loan_weight
        self.loan_threshold = loan_threshold
        self.beam = beam
        if loanwords:
            english_index()
        self.word = functools.lru_cache(maxsize=200_000)(self._word)
        self._hinted_cached = functools.lru_cache(maxsize=100_000)(self._hinted)

    # the top-1 spelling of one word of Devanagari letters
    def _word(self, word: str) -> str:
        entry = self.entry(word)
        if entry is not None:
            return self.lexicon_choice(word, entry)
        # the model learned nasal vowels from the lexicon's anusvara spellings
        return self.model_word(word.replace(CANDRABINDU, ANUSVARA) if CANDRABINDU in word else word)

    def entry(self, word: str):
        """The lexicon entry of a word, or of its spelling without the nukta
        of क़ ख़ ग़ ज़ फ़ य़ (people and lexicons write मुफ्त as often as मुफ़्त;
        ड़ and ढ़ are letters of their own and keep it), or of its spelling with
        anusvara for candrabindu (हूँ as हूं, गाँव as गांव: Dakshina's lexicon
        writes the anusvara, 35 of its 44,204 rows a candrabindu, while running
        text has both); None if none is there."""
        entry = self.lexicon.get(word)
        if entry is None and NUKTA in unicodedata.normalize("NFD", word):
            entry = self.lexicon.get(_drop_nukta(word))
        if entry is None and CANDRABINDU in word:
            nasal = word.replace(CANDRABINDU, ANUSVARA)
            entry = self.lexicon.get(nasal)
            if entry is None and NUKTA in unicodedata.normalize("NFD", nasal):
                entry = self.lexicon.get(_drop_nukta(nasal))
        return entry

    def lexicon_choice(self, word: str, entry) -> str:
        """The most frequent attested spelling.  When several share the top
        count (Dakshina has many words with three spellings seen once each:
        पिछले pchhale / pichhale / pichhle), the model's own spelling of the
        word wins when it is one of them (पाई *pai*, not *pie*; टोरंटो
        *toronto*), else an English word among them (with loanword detection
        on), else the one the pair model scores best per unit, then the
        alphabetically first."""
        top = entry[0][1]
        tied = [r for r, c in entry if c == top]
        if len(tied) == 1:
            return tied[0]
        units = units_of(word)
        if self.model.knows(units):
            # the model's own spelling (with its loanword decision) when it is one of them:
            # पाई (pai / paai / pie, once each) is the Hindi verb *pai*, टोरंटो is *toronto*
            own = self.model_word(word)
            if own in tied:
                return own
        if self.loanwords:
            _, zipf = english_index()
            english = sorted((r for r in tied if zipf.get(r, 0.0) >= TIE_ENGLISH_ZIPF), key=lambda r: (-zipf[r], r))
            if english:
                return english[0]
        if not self.model.knows(units):
            return tied[0]
        scored = [(self.model.constrained(units, r, beam=self.beam), r) for r in tied]
        scored.sort(key=lambda sr: (-sr[0], sr[1]))
        return scored[0][1]

    def model_word(self, word: str) -> str:
        units = units_of(word)
        if not units:
            return ""
        if not self.model.knows(units):
            from cs_synth.transforms.translit.hinglish import romanize_word

            return romanize_word(word)
        if self.neural is None:
            best = self.model.nbest(units, beam=self.beam, n=PLAIN_NBEST, segments=True)
        else:
            best = self.model.nbest(units, beam=max(self.beam, NEURAL_NBEST), n=NEURAL_NBEST, segments=True)
        if not best:
            from cs_synth.transforms.translit.hinglish import romanize_word

            return romanize_word(word)
        best, schwa = self.schwa_candidates(units, best)
        neural: Dict[str, float] = {}
        if self.neural is not None:
            neural = dict(zip((t for _, t in best), self.neural.score(units, [t for _, t in best])))

        low = self.low_model

        def rank(st):  # the spelling's own likelihood and the schwa rule too (scores stay the pair model's)
            wrote, dropped, variant = schwa[st[1]]
            value = st[0] + CHAR_LM_WEIGHT * char_logprob(self.char_lm, st[1]) + NEURAL_WEIGHT * neural.get(st[1], 0.0) \
                + SCHWA_WROTE * wrote + SCHWA_DROPPED * dropped + variant
            if low is not None:
                value += LOW_ORDER_WEIGHT * low.constrained(units, st[1], beam=self.beam)
            return (-value, st[1])

        best = sorted(best, key=rank)
        top_neural = neural.get(best[0][1])
        compound = self.compound(word, units, best[0][0])
        if compound is not None:
            if compound[1] != best[0][1]:
                top_neural = None
            best = [compound] + [b for b in best if b[1] != compound[1]]
        top_score, top = best[0]
        if not self.loanwords:
            return top
        inflected = self.inflected_loanword(word, units) if LOAN_SUFFIXES else None
        if inflected is not None:
            return inflected
        loan = self.loanword(units, best[:8], top_neural)
        return loan if loan is not None else top

    def inflected_loanword(self, word: str, units: Sequence[str]) -> Optional[str]:
        """An English word with a Hindi plural or oblique ending (स्कूलों
        *schoolon*, वेबसाइटें *websiten*): when the word ends in one of
        :data:`LOAN_SUFFIXES` after a consonant and its stem romanizes (the
        lexicon, else the model) as an English word (Zipf at least
        :data:`TIE_ENGLISH_ZIPF`), that spelling with the ending's; else None."""
        for suffix, letters in LOAN_SUFFIXES:
            if not word.endswith(suffix) or len(units) < len(suffix) + 3:
                continue
            stem = word[:-len(suffix)]
            if not _is_consonant(stem[-1]) and stem[-1] != NUKTA:
                return None
            spelt = self.word(stem)
            _, zipf = english_index()
            if zipf.get(spelt, 0.0) >= TIE_ENGLISH_ZIPF and not spelt.endswith(("a", "e", "i", "o", "u", "y")):
                return spelt + letters
            return None
        return None

    def schwa_candidates(self, units: Sequence[str], best: List[tuple]):
        """The n-best list ``(score, letters, per-unit letters)`` as ``(score,
        letters)`` pairs, with the :func:`schwa_variant` of each of the top
        :data:`SCHWA_VARIANTS` added (scored by the pair model constrained to
        spell it) when it is not in the list already; and per spelling its
        :func:`schwa_violations` and whether it is such an added variant."""
        pattern = schwa_pattern(units)
        out = [(sc, t) for sc, t, _ in best]
        feats = {t: schwa_violations(pattern, g) + (0,) for _, t, g in best}
        variants = [(schwa_variant(pattern, g), False) for _, _, g in best[:SCHWA_VARIANTS]]
        variants += [(short_variant(units, g), True)
                     for _, _, g in best[:SHORT_VARIANTS]]
        for g, short in variants:
            v = "".join(g)
            if v in feats:
                continue
            res = self.model.nbest(units, beam=self.beam, n=1, allowed=v)
            if res:
                out.append((res[0][0], v))
                feats[v] = schwa_violations(pattern, g) + (SHORT_VARIANT if short else SCHWA_VARIANT,)
        return out, feats

    def compound(self, word: str, units: Sequence[str], top_score: float) -> Optional[Tuple[float, str]]:
        """A word that is two lexicon words (each at least
        :data:`COMPOUND_MIN` code points; रत्नमाला = रत्न + माला) is spelt as
        their spellings joined (*ratnamala*, keeping each part's schwa) when
        the pair model's score of that spelling is within
        :data:`COMPOUND_MARGIN` per unit of its own best; the best such
        split as ``(score, spelling)``, or None."""
        entries = self.lexicon.entries
        found = []
        for i in range(COMPOUND_MIN, len(word) - COMPOUND_MIN + 1):
            a, b = word[:i], word[i:]
            ea, eb = entries.get(a), entries.get(b)
            if ea is None or eb is None or unicodedata.category(b[0]) == "Mn" or unicodedata.category(b[0]) == "Mc":
                continue
            spelling = ea[0][0] + eb[0][0]
            res = self.model.nbest(units, beam=self.beam, n=1, allowed=spelling)
            if res and (res[0][0] - top_score) / len(units) >= COMPOUND_MARGIN:
                found.append((res[0][0], spelling))
        if not found:
            return None
        return max(found, key=lambda st: (st[0], st[1]))

    def loan_candidates(self, units: Sequence[str], best: List[Tuple[float, str]], bound: Optional[float] = None):
        """English words that may be this word: those in the n-best list and
        those whose consonant skeleton is within one deletion of one of the
        top three's, kept when their spelling is similar to the top one
        (rapidfuzz ``fuzz.ratio`` >= :data:`LOAN_MIN_SIMILARITY`), at most
        :data:`LOAN_CANDIDATES` of them; each as ``(word, delta, zipf, silent)``
        where delta is its constrained log probability minus the top
        one's, per unit, and silent how many of the word's consonants and
        final vowel spell nothing in it (:func:`silent_units`)."""
        index, zipf = english_index()
        top_score, top = best[0]
        lm = self.loan_model
        loan_best = lm.nbest(units, beam=self.beam, n=8, segments=True) if lm.knows(units) else []
        cands = {t for _, t in best if t in zipf} | {t for _, t, _ in loan_best if t in zipf}
        for t in [t for _, t in best[:2]] + [t for _, t, _ in loan_best[:3]]:
            for key in _neighbours(skeleton(t)):
                for w, z in index.get(key, ()):
                    cands.add(w)
        refs = [t for _, t, _ in loan_best[:1]] + [top]
        choices = sorted(cands)
        sims: Dict[str, float] = {}
        for ref in refs:  # rapidfuzz's normalised Indel similarity (2 * LCS / total length), in C++
            for w, sim, _ in _rf_process.extract(ref, choices, scorer=_rf_fuzz.ratio, limit=None,
                                                 score_cutoff=100.0 * LOAN_MIN_SIMILARITY):
                if sim > sims.get(w, -1.0):
                    sims[w] = sim
        ranked = [(-(sims[w] / 100.0 + 0.1 * zipf[w]), w) for w in sims]
        ranked.sort()
        n = len(units)
        if bound is not None and ranked and loan_best:
            # a constrained score is (up to beam pruning) at most the loan model's best: when even
            # that, with the most frequent candidate's prior, stays below the
            # threshold, no candidate can pass (saves the constrained searches)
            ceiling = LOAN_DELTA * (loan_best[0][0] - top_score) / n \
                + self.loan_weight * max(zipf[w] for _, w in ranked) + bound
            if ceiling < self.loan_threshold:
                return []
        loan_scores = {t: (sc, g) for sc, t, g in loan_best}
        out = []
        for _, w in ranked[:LOAN_CANDIDATES]:
            found = loan_scores.get(w)
            if found is None:
                res = lm.nbest(units, beam=self.beam, n=1, allowed=w, segments=True)
                if not res:
                    continue
                found = res[0][0], res[0][2]
            sc, segs = found
            out.append((w, (sc - top_score) / n, zipf[w], silent_units(units, segs)))
        return out

    def loan_features(self, units: Sequence[str]) -> float:
        """The part of the loanword value that does not depend on the
        candidate: ``LOAN_MARK`` if the word has the English-only vowel sign
        ॉ/ऑ, ``LOAN_SCRIPT`` times its :func:`script_score` and
        ``LOAN_SHORT / units`` (short words are more often Hindi words that
        happen to spell an English one: अस *as*, not *ass*)."""
        mark = LOAN_MARK if any(u[0] in _ENGLISH_MARKS for u in units) else 0.0
        script = LOAN_SCRIPT * script_score(self.script_lms, units) if self.script_lms is not None else 0.0
        return mark + script + LOAN_SHORT / len(units)

    def loanword(self, units: Sequence[str], best: List[Tuple[float, str]],
                 top_neural: Optional[float] = None) -> Optional[str]:
        """The English spelling of a loanword, or None: the candidate with the
        best ``LOAN_DELTA * delta + LOAN_WEIGHT * zipf + LOAN_SILENT * silent +``
        :meth:`loan_features`
        when that is at least ``LOAN_THRESHOLD``.  With the neural reranker
        (``top_neural``: its score of the top spelling) the value adds
        ``NEURAL_LOAN`` times the candidate's neural score minus the top's, per unit."""
        fixed = self.loan_features(units)
        use_neural = self.neural is not None and top_neural is not None and NEURAL_LOAN != 0.0
        cands = self.loan_candidates(units, best, bound=None if use_neural else fixed)
        extra = [0.0] * len(cands)
        if use_neural and cands:
            extra = [NEURAL_LOAN * (sc - top_neural) / len(units)
                     for sc in self.neural.score(units, [c[0] for c in cands])]
        scored = [(LOAN_DELTA * d + self.loan_weight * z + LOAN_SILENT * silent + fixed + x, w)
                  for (w, d, z, silent), x in zip(cands, extra)]
        if not scored:
            return None
        scored.sort(key=lambda sw: (-sw[0], sw[1]))
        value, w = scored[0]
        return w if value >= self.loan_threshold else None

    def variants(self, word: str) -> Optional[Tuple[Tuple[str, int], ...]]:
        return self.lexicon.get(word)

    def sample_word(self, word: str, rng) -> str:
        """One attested spelling drawn in proportion to its count (``rng`` is
        a ``random.Random``); a word outside the lexicon gets the top-1."""
        entry = self.entry(word)
        if entry is None or len(entry) == 1:
            return self.word(word)
        total = sum(c for _, c in entry)
        x = rng.random() * total
        for roman, c in entry:
            x -= c
            if x < 0:
                return roman
        return entry[-1][0]

    def hinted_word(self, word: str, hints: Sequence[str]) -> Optional[str]:
        """The English word among ``hints`` (the words of the pair's English
        side, casefolded) that this Devanagari word writes, or None: an
        English loanword is spelt as the English sentence spells it (फ़ेरी
        *ferry* for "the last ferry", not *fry*; चिली *chile* next to
        "Chile").  A hint qualifies when it is alike enough to the word's own
        spelling (rapidfuzz ratio at least :data:`HINT_SIMILARITY`), the
        loanword model can spell it from the word with every consonant
        written (:func:`silent_units` 0) and its score is within
        :data:`HINT_MARGIN` per unit of that model's best.  A lexicon word
        takes a hint only when the hint is also one of its attested
        spellings, and a word with a Hindi plural ending only an English
        plural (नर्सों *nurses*, not *nurse*), which its stem may spell in
        the singular (कारें: कार *car*, so *cars*)."""
        if not self.loanwords or not hints:
            return None
        return self._hinted_cached(word, tuple(hints))

    def _hinted(self, word: str, hints: Sequence[str]) -> Optional[str]:
        own = self.word(word)
        if own in hints:
            return None
        _import_rapidfuzz()
        close = [h for h in sorted(set(hints)) if len(h) >= 3 and h.isascii() and h.isalpha()
                 and _rf_fuzz.ratio(h, own) >= 100.0 * HINT_SIMILARITY]
        if not close:
            return None
        ending = next((e for e in HINDI_PLURAL_ENDINGS if word.endswith(e)), None)
        if ending is not None:
            # a Hindi plural takes only an English plural (नर्सों *nurses*), spelt by the word or by its
            # stem with the English singular (कारें: कार *car* -> *cars*)
            plurals = [h for h in close if h.endswith("s")]
            found = self._spelt_by(word, plurals)
            if found is not None:
                return found
            stem = word[:-len(ending)]
            for h in plurals:
                singulars = [h[:-1]] + ([h[:-2]] if h.endswith("es") else [])
                if any(self._spelt_by(stem, [sg]) == sg for sg in singulars if len(sg) >= 3):
                    return h
            return None
        return self._spelt_by(word, close)

    def _spelt_by(self, word: str, candidates: Sequence[str]) -> Optional[str]:
        """The candidate the loanword model spells ``word`` as, every
        consonant written, within :data:`HINT_MARGIN` per unit of its best
        (the best such one), or None; for a lexicon word only its attested
        spellings qualify."""
        if not candidates:
            return None
        entry = self.entry(word)
        if entry is not None:
            attested = {r for r, _ in entry}
            candidates = [h for h in candidates if h in attested]
            if candidates:
                return candidates[0]
            return None
        units = units_of(word.replace(CANDRABINDU, ANUSVARA))
        lm = self.loan_model
        if len(units) < 2 or lm is None or not lm.knows(units):
            return None
        top = lm.nbest(units, beam=self.beam, n=1, segments=True)
        if not top:
            return None
        best = None
        for h in candidates:
            res = lm.nbest(units, beam=self.beam, n=1, allowed=h, segments=True)
            if not res or silent_units(units, res[0][2]):
                continue
            delta = (res[0][0] - top[0][0]) / len(units)
            if delta >= -HINT_MARGIN and (best is None or (delta, h) > best):
                best = (delta, h)
        return None if best is None else best[1]

    def romanize(self, text: str, rng=None, hints: Sequence[str] = ()) -> str:
        """Romanize every Devanagari word in ``text``; other characters pass
        through (Devanagari digits become ASCII digits, the danda a full stop).
        With ``rng``, lexicon words draw among their attested spellings; with
        ``hints`` (the pair's English words), a loanword takes the English
        spelling the pair uses (:meth:`hinted_word`)."""
        from cs_synth.transforms.translit.hinglish import _DIGITS, _PUNCT, _is_devanagari_letter

        out: List[str] = []
        run: List[str] = []

        def flush():
            if run:
                w = unicodedata.normalize("NFC", "".join(run))
                hinted = self.hinted_word(w, hints) if hints else None
                if hinted is not None:
                    out.append(hinted)
                else:
                    out.append(self.word(w) if rng is None else self.sample_word(w, rng))
                run.clear()

        for ch in text:
            if _is_devanagari_letter(ch):
                run.append(ch)
                continue
            flush()
            out.append(_DIGITS.get(ch) or _PUNCT.get(ch, ch))
        flush()
        return "".join(out)


#: bump when the alignment changes, so cached alignments are not reused
MODEL_VERSION = "3"


def cache_dir() -> str:
    """Where trained alignments are kept: ``$CS_SYNTH_CACHE`` or
    ``~/.cache/cs-synth``, subfolder ``romanizer``."""
    from cs_synth.pipeline.resources import cache_root

    return os.path.join(cache_root(), "romanizer")


def _cached_alignment(path: str, lexicon: Lexicon, part: str = "native"):
    """The EM alignment of a lexicon (about half a minute for Dakshina's 44k
    rows; ``part="loan"``: of its loanword rows, :func:`loan_lexicon`, loose;
    ``part="hindi"``: of the other words, :func:`hindi_lexicon`)
    is kept on disk, keyed by the SHA-256 of the file's bytes, the part and
    :data:`MODEL_VERSION`; the n-gram model is rebuilt from it (seconds)."""
    import pickle
    import tempfile

    with open(path, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    folder = cache_dir()
    target = os.path.join(folder, f"{digest[:32]}-{part}-v{MODEL_VERSION}.pkl")
    if os.path.isfile(target):
        try:
            with open(target, "rb") as fh:
                return pickle.load(fh)
        except Exception:  # noqa: BLE001 - a broken cache file is rebuilt
            pass
    if part == "loan":
        aligned = align_lexicon(loan_lexicon(lexicon), loose=True)
    else:
        aligned = align_lexicon(hindi_lexicon(lexicon) if part == "hindi" else lexicon)
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(aligned, fh, protocol=4)
        os.replace(tmp, target)
    except OSError:  # a read-only home still works, only slower
        pass
    return aligned


@functools.lru_cache(maxsize=4)
def _load(path: str, size: int, mtime: float, order: int, loanwords: bool, neural: bool) -> LearnedRomanizer:
    lexicon = load_lexicon(path)
    model = PairModel(_cached_alignment(path, lexicon, "hindi" if loanwords else "native"), order=order)
    loan_model = PairModel(_cached_alignment(path, lexicon, "loan"), order=order) if loanwords else None
    scorer = neural_reranker(lexicon) if neural else None
    return LearnedRomanizer(lexicon, order=order, loanwords=loanwords, model=model, loan_model=loan_model,
                            neural=scorer)


def load_romanizer(path: str, order: int = 3, loanwords: bool = True, neural: bool = False) -> LearnedRomanizer:
    """The romanizer of a lexicon file, trained once per process per file
    version (path, size, mtime) and options (``neural``: with the neural
    reranker, which needs torch)."""
    path = os.path.abspath(path)
    if not os.path.isfile(path):
        load_lexicon(path)  # raises the ConfigError
    if neural:
        _torch()
    st = os.stat(path)
    return _load(path, st.st_size, st.st_mtime, order, loanwords, bool(neural))
