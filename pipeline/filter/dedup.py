"""Dedup logic that needs no Beam: text normalisation, shingles, MinHash
signatures, LSH bands, exact Jaccard verification, union-find, and the
check of the config's ``dedup:`` block (:class:`cs_synth.pipeline.config.DedupConfig`)::

    dedup: {exact: true, near: true, threshold: 0.8, num_perm: 128, ngram: 5,
            lowercase: true, ignore_same_pair: false}

Defaults (written once, in :class:`~cs_synth.pipeline.config.DedupConfig`):
``exact: true``, ``near: false`` (near dedup runs only when asked for),
threshold 0.8, 128 permutations, character 5-grams, case-folded text,
records of one pair compared too.  ``ignore_same_pair: true`` never compares
records of the same source pair (alternative outputs of one pair are
expected to be similar; sampling, not dedup, chooses among them).

The Beam wiring (grouping, routing, counters) is in :mod:`cs_synth.beam_jobs.dedup`.
"""
from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from typing import Any, Dict, Iterable, List, Mapping, Tuple, Union

from cs_synth.pipeline.record import Record, detokenize
from cs_synth.pipeline.units import ConfigError

STAGE = "dedup"
_WS = re.compile(r"\s+")

#: LSH bands are chosen for ``threshold - CANDIDATE_MARGIN``; candidates are then verified exactly
CANDIDATE_MARGIN = 0.1


def record_text(record: Record) -> str:
    """The text dedup compares: the output text, else the source text."""
    if record.text:
        return record.text
    if record.tokens:
        return detokenize(record.tokens, record.spaces or [True] * len(record.tokens))
    return record.src.text


def normalize(text: str, lowercase: bool = True) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _WS.sub(" ", text).strip()
    return text.casefold() if lowercase else text


def text_key(record: Record, lowercase: bool = True) -> str:
    return hashlib.blake2b(normalize(record_text(record), lowercase).encode("utf-8"), digest_size=16).hexdigest()


def shingles(text: str, ngram: int) -> List[bytes]:
    """Distinct character n-grams of ``text`` (the text itself when shorter)."""
    if len(text) <= ngram:
        return [text.encode("utf-8")] if text else []
    return sorted({text[i:i + ngram].encode("utf-8") for i in range(len(text) - ngram + 1)})


@functools.lru_cache(maxsize=8)
def lsh_params(threshold: float, num_perm: int) -> Tuple[int, int]:
    """(bands, rows) that datasketch's MinHashLSH picks for ``threshold``,
    weighted towards recall (false negatives 0.9, false positives 0.1):
    every candidate pair is verified afterwards, so a false positive costs a
    comparison while a false negative is a missed duplicate.  For threshold
    0.8 and 128 permutations this gives 14 bands of 9 rows: a pair with
    similarity 0.9 becomes a candidate with probability 0.9990."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=(0.1, 0.9))
    return lsh.b, lsh.r


def signature(text: str, num_perm: int, ngram: int, seed: int = 1) -> bytes:
    """MinHash signature of ``text``'s shingles as little-endian uint32 bytes
    (identical on every worker: datasketch's hash and permutations depend
    only on ``seed``)."""
    from datasketch import MinHash

    m = MinHash(num_perm=num_perm, seed=seed)
    m.update_batch(shingles(text, ngram))
    return m.hashvalues.astype("<u4").tobytes()


def band_keys(element, bands: int, rows: int):
    """((band, band hash), (id, pair id, text)) for each LSH band of a signed record."""
    rid, pair_id, sig, text = element
    for b in range(bands):
        chunk = sig[b * rows * 4:(b + 1) * rows * 4]
        yield (b, hashlib.blake2b(chunk, digest_size=12).digest()), (rid, pair_id, text)


def jaccard(a: Iterable[bytes], b: Iterable[bytes]) -> float:
    a, b = set(a), set(b)
    union = len(a | b)
    return len(a & b) / union if union else 1.0


def verified_edges(element, threshold: float, ignore_same_pair: bool, ngram: int):
    """Pairs (smaller id, larger id) inside one LSH bucket whose exact
    Jaccard similarity of shingles reaches ``threshold``."""
    _, members = element
    members = sorted(set(members))  # (id, pair_id, normalised text); sorted for determinism
    if len(members) < 2:
        return
    sets = [set(shingles(text, ngram)) for _, _, text in members]
    for i in range(len(members) - 1):
        for j in range(i + 1, len(members)):
            if ignore_same_pair and members[i][1] == members[j][1]:
                continue
            if jaccard(sets[i], sets[j]) >= threshold:
                yield members[i][0], members[j][0]


def components(edges: Iterable[Tuple[str, str]]) -> List[Tuple[str, str]]:
    """Union-find over ``edges``: (member, root) for every member that is not
    its component's root; the root is the component's smallest id."""
    parent: Dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            lo, hi = (ra, rb) if ra < rb else (rb, ra)
            parent[hi] = lo
            parent.setdefault(lo, lo)
    return sorted((x, find(x)) for x in parent if find(x) != x)


def sign(r: Record, lowercase: bool, num_perm: int, ngram: int, seed: int):
    """(id, pair id, MinHash signature, normalised text) of one record."""
    text = normalize(record_text(r), lowercase)
    return r.id, r.pair_id, signature(text, num_perm, ngram, seed), text


def dedup_options(options: Union[Mapping[str, Any], Any, None]):
    """The ``dedup:`` block as a :class:`cs_synth.pipeline.config.DedupConfig`
    (a mapping is validated: unknown options and bad values raise
    :class:`ConfigError` naming ``dedup.<option>``)."""
    from cs_synth.pipeline.config import DedupConfig, check_block

    return check_block(DedupConfig, options, "dedup")


def check_dedup(options) -> Any:
    """Validate the ``dedup:`` block, and check that near dedup has its
    package; returns the :class:`~cs_synth.pipeline.config.DedupConfig`."""
    opts = dedup_options(options)
    if opts.near:
        import importlib.util

        if importlib.util.find_spec("datasketch") is None:
            raise ConfigError("dedup.near: needs the package 'datasketch': pip install datasketch "
                              "(or pip install 'cs-synth[dedup]'), or set dedup.near: false")
    return opts


def near_lsh_params(threshold: float, num_perm: int) -> Tuple[int, int]:
    """(bands, rows) for near dedup at ``threshold``: candidates are found for
    ``threshold - CANDIDATE_MARGIN`` and then verified exactly, so that pairs
    just above ``threshold`` are rarely missed by the banding."""
    return lsh_params(round(max(threshold - CANDIDATE_MARGIN, 0.05), 4), num_perm)
