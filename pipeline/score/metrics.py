"""Code-mixing metrics computed from one utterance's per-token language tags.

:func:`code_mixing_metrics` takes the language tag of every token (``zxx``,
see :mod:`cs_synth.pipeline.langs`, for language-independent tokens: punctuation,
numbers, symbols) and returns a flat ``dict`` of floats.  Notation used below:

* ``n``  -- all tokens, language-independent ones included;
* ``u``  -- language-independent tokens (tag ``zxx``, the empty tag, or any
  tag passed in ``ignore=``);
* ``L = l_1 .. l_m`` -- the language tags left after dropping those ``u``
  tokens, in order (``m = n - u``).  A language-independent token between two
  tokens of different languages is thus *not* a switch site of its own: the
  switch is counted once, between the two language tokens around it;
* ``w_j`` -- the number of tokens of language ``j`` in ``L``; ``p_j = w_j / m``;
  ``k`` -- the number of distinct languages in ``L``;
* *spans* -- the maximal runs of one language in ``L``; ``tau_1 .. tau_r`` their
  lengths (``r`` spans, ``r - 1`` switches).

Definitions (one key each):

``cmi``
    Code-Mixing Index, Das & Gambäck (2014), "Identifying languages at the
    word level in code-mixed Indian social media text" (ICON):
    ``100 * (1 - max_j w_j / (n - u))`` when ``n > u``, else ``0``.  The maximum
    runs over *language* tags only; taking it over all tags (so that a run of
    punctuation can become the "majority language") is a known bug of
    published scripts and is avoided here.
``switch_points``
    The number of adjacent language changes in ``L``:
    ``sum_{i=2..m} [l_i != l_{i-1}]`` = ``r - 1``.  Counting the first token,
    or counting spans instead of switches, is the known off-by-one.
``spf``
    Switch-point fraction as used by GCM's SPF sampling (Rizvi et al. 2021,
    "GCM: A Toolkit for Generating Synthetic Code-mixed Text", EACL demos):
    ``switch_points / (m - 1)``, i.e. switches per possible switch site
    between language tokens; ``0`` when ``m < 2``.
``i_index``
    Integration index, Guzmán et al. (2017), "Metrics for modeling
    code-switching across corpora" (Interspeech):
    ``1/(m - 1) * sum_{i=1..m-1} S(l_i, l_{i+1})`` with ``S = 1`` on a
    language change; language-independent tokens are excluded, so for one
    utterance it has the same value as ``spf`` (the two names are kept because
    corpora report them under both); ``0`` when ``m < 2``.
``m_index``
    Multilingual index, Barnett et al. (2000), "The LIDES Coding Manual"
    (International Journal of Bilingualism 4(2)):
    ``(1 - sum_j p_j^2) / ((k - 1) * sum_j p_j^2)``; ``0`` (monolingual) when
    ``k < 2``.  It is ``1`` when the ``k`` languages are equally represented.
``burstiness``
    Guzmán et al. (2017), after Goh & Barabási (2008):
    ``(sigma_tau - mu_tau) / (sigma_tau + mu_tau)`` over the span lengths, with
    the population standard deviation.  ``-1`` = periodic switching, ``1`` =
    bursty.  Undefined without a switch, so ``0`` when ``r < 2``.
``memory``
    Guzmán et al. (2017), after Goh & Barabási (2008): the correlation of
    consecutive span lengths,
    ``1/(r - 1) * sum_{i=1..r-1} (tau_i - mu_1)(tau_{i+1} - mu_2) / (sigma_1 sigma_2)``
    where ``mu_1, sigma_1`` are the mean and population standard deviation of
    ``tau_1..tau_{r-1}`` and ``mu_2, sigma_2`` of ``tau_2..tau_r``.  ``0`` when it
    is undefined (``r < 3`` or either standard deviation is 0).
``language_entropy``
    Guzmán et al. (2017): ``-sum_j p_j log2 p_j`` in bits; ``0`` for one
    language or none.
``span_entropy``
    Guzmán et al. (2017): ``-sum_l q_l log2 q_l`` in bits, where ``q_l`` is the
    share of spans whose length is ``l``; ``0`` with fewer than two distinct
    span lengths.
``cs_ratio``
    The share of language tokens in the embedded language(s):
    ``(m - w_matrix) / m``.  The matrix language is ``matrix_lang`` when given
    (the scorer passes the record's source language), else the most frequent
    language (ties broken by first occurrence); ``0`` when ``m = 0``.
``n_tokens``
    ``n``.

Edge cases, all returning finite numbers: the empty list and an all-``zxx``
utterance give ``0`` everywhere (``n_tokens`` aside); a single token or a
monolingual utterance gives ``0`` everywhere (``n_tokens`` aside), except
that ``cs_ratio`` is ``1`` when that one language is not ``matrix_lang``.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Dict, Iterable, List, Optional, Sequence

from cs_synth.pipeline.langs import LANG_INDEPENDENT

#: the keys :func:`code_mixing_metrics` returns, in a fixed order
METRIC_NAMES = (
    "cmi",
    "switch_points",
    "spf",
    "m_index",
    "i_index",
    "burstiness",
    "memory",
    "language_entropy",
    "span_entropy",
    "cs_ratio",
    "n_tokens",
)


def language_tokens(langs: Sequence[str], ignore: Iterable[str] = ()) -> List[str]:
    """The tags of ``langs`` that name a language (``zxx``, ``""`` and the tags
    in ``ignore`` dropped), in order."""
    skip = {LANG_INDEPENDENT, ""} | set(ignore)
    return [t for t in langs if t not in skip]


def spans(lang_seq: Sequence[str]) -> List[int]:
    """Lengths of the maximal runs of one tag in ``lang_seq``."""
    out: List[int] = []
    prev = None
    for tag in lang_seq:
        if out and tag == prev:
            out[-1] += 1
        else:
            out.append(1)
            prev = tag
    return out


def _entropy(counts: Iterable[int]) -> float:
    counts = [c for c in counts if c > 0]
    total = sum(counts)
    if total == 0 or len(counts) < 2:
        return 0.0
    h = 0.0
    for c in counts:
        p = c / total
        h -= p * math.log2(p)
    return h


def _mean_pstd(xs: Sequence[float]):
    mu = sum(xs) / len(xs)
    var = sum((x - mu) ** 2 for x in xs) / len(xs)
    return mu, math.sqrt(var)


def _burstiness(taus: Sequence[int]) -> float:
    if len(taus) < 2:
        return 0.0
    mu, sigma = _mean_pstd(taus)
    return (sigma - mu) / (sigma + mu)  # mu >= 1, so never 0/0


def _memory(taus: Sequence[int]) -> float:
    if len(taus) < 3:
        return 0.0
    a, b = taus[:-1], taus[1:]
    mu1, s1 = _mean_pstd(a)
    mu2, s2 = _mean_pstd(b)
    if s1 == 0 or s2 == 0:
        return 0.0
    cov = sum((x - mu1) * (y - mu2) for x, y in zip(a, b)) / len(a)
    return cov / (s1 * s2)


def code_mixing_metrics(
    langs: Sequence[str],
    matrix_lang: Optional[str] = None,
    ignore: Iterable[str] = (),
) -> Dict[str, float]:
    """All code-mixing metrics of one utterance (see the module docstring for
    each definition and its paper).

    ``langs`` -- one tag per token; ``zxx`` (and ``""``) marks
    language-independent tokens.  ``matrix_lang`` -- the matrix (base)
    language for ``cs_ratio``; default: the most frequent language.
    ``ignore`` -- further tags that are not languages (e.g. ``"other"``,
    ``"ne"`` from corpora that tag named entities or ambiguous words
    separately); they are treated like ``zxx``.
    """
    n = len(langs)
    seq = language_tokens(langs, ignore)
    m = len(seq)
    counts = Counter(seq)
    taus = spans(seq)
    switches = max(len(taus) - 1, 0)
    k = len(counts)

    cmi = 100.0 * (1.0 - max(counts.values()) / m) if m else 0.0
    frac = switches / (m - 1) if m >= 2 else 0.0
    if k >= 2:
        sum_p2 = sum((c / m) ** 2 for c in counts.values())
        m_index = (1.0 - sum_p2) / ((k - 1) * sum_p2)
    else:
        m_index = 0.0
    if m == 0:
        cs_ratio = 0.0
    else:
        if matrix_lang is None:
            # most frequent; Counter keeps first-occurrence order, max keeps the first maximum
            matrix_lang = max(counts, key=lambda t: counts[t])
        cs_ratio = (m - counts.get(matrix_lang, 0)) / m

    return {
        "cmi": cmi,
        "switch_points": float(switches),
        "spf": frac,
        "m_index": m_index,
        "i_index": frac,
        "burstiness": _burstiness(taus),
        "memory": _memory(taus),
        "language_entropy": _entropy(counts.values()),
        "span_entropy": _entropy(Counter(taus).values()),
        "cs_ratio": cs_ratio,
        "n_tokens": float(n),
    }
