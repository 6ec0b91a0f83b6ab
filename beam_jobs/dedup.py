"""Corpus-level dedup stages: exact and near-duplicate removal on Beam.

Both are ``PTransform``s over a ``PCollection`` of records that return a
tuple ``(kept, rejected)`` of ``PCollection``s.  Duplicates are decided by
*grouping* (GroupByKey / CoGroupByKey / one global combine), never by
per-worker state, so the result is the same on 1 or N workers and in any
order; within a group the record with the smallest id is kept, the others
are rejected with ``duplicate`` / ``near_duplicate`` and the kept record's id
as detail.  Records that arrive already rejected go to ``rejected``
unchanged.

* :class:`ExactDedup` -- key: a hash of the normalised output text (Unicode
  NFKC, whitespace collapsed, optionally case-folded).
* :class:`NearDedup` -- MinHash signatures (``datasketch.MinHash`` over
  character n-gram shingles of the normalised text) cut into LSH bands; the
  (band, band-hash) keys are grouped, candidate pairs inside a bucket are
  verified by their *exact* Jaccard similarity of shingles (>= ``threshold``;
  the normalised text travels with the band keys, fine for sentence-level
  records), and the verified edges are joined into connected components by
  one global union-find.  Each component keeps its smallest id;
  every other member is rejected with that id as detail (so a chain A~B~C
  keeps only A even when A and C alone are not similar).  The band/row split
  comes from ``datasketch.MinHashLSH`` for ``threshold - 0.1``, weighted
  towards recall (see :func:`lsh_params`), so that pairs at the threshold
  become candidates with high probability; only exact verification decides.
  LSH is probabilistic: a pair can still be missed (rarely); the decisions
  are nevertheless deterministic, as the hash functions are seeded.
* :class:`Dedup` -- exact, then near, on what exact kept.
* :func:`build_dedup` -- the config's ``dedup:`` block::

      dedup: {exact: true, near: true, threshold: 0.8, num_perm: 128, ngram: 5,
              lowercase: true, ignore_same_pair: false}

  Defaults: ``exact: true``, ``near: false`` (near dedup runs only when
  asked for), threshold 0.8, 128 permutations, character 5-grams,
  case-folded text, records of one pair compared too.

  ``ignore_same_pair: true`` never compares records of the same source pair
  (alternative outputs of one pair are expected to be similar; sampling, not
  dedup, chooses among them).
"""
from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from typing import Any, Dict, Iterable, List, Optional, Tuple

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipeline.record import Record, detokenize
from pipeline.units import ConfigError

STAGE = "dedup"
REJECTED = "rejected"
_WS = re.compile(r"\s+")


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


def _split_prior_rejects(pcoll, label: str):
    parts = pcoll | f"{label}SplitRejected" >> beam.Partition(lambda r, _: 1 if r.rejected else 0, 2)
    return parts[0], parts[1]


class _KeepSmallest(beam.DoFn):
    """(key, records) -> the smallest id kept, the others rejected."""

    def __init__(self, reason: str):
        self.reason = reason
        self.counter = Metrics.counter("cs_synth", f"rejected_{reason}")

    def process(self, element):
        _, records = element
        records = sorted(records, key=lambda r: r.id)
        yield records[0]
        for r in records[1:]:
            self.counter.inc()
            yield beam.pvalue.TaggedOutput(REJECTED, r.reject(self.reason, records[0].id, stage=STAGE))


class ExactDedup(beam.PTransform):
    """Exact duplicates of the normalised output text -> ``(kept, rejected)``."""

    def __init__(self, lowercase: bool = True, label: Optional[str] = None):
        super().__init__(label)
        self.lowercase = lowercase

    def expand(self, pcoll):
        live, prior = _split_prior_rejects(pcoll, "Exact")
        lowercase = self.lowercase
        out = (live
               | "KeyByText" >> beam.Map(lambda r: (text_key(r, lowercase), r))
               | "GroupByText" >> beam.GroupByKey()
               | "KeepSmallest" >> beam.ParDo(_KeepSmallest("duplicate")).with_outputs(REJECTED, main="kept"))
        rejected = (out[REJECTED], prior) | "ExactRejected" >> beam.Flatten()
        return out.kept, rejected


# ------------------------------------------------------------- near dedup
def _band_keys(element, bands: int, rows: int):
    rid, pair_id, sig, text = element
    for b in range(bands):
        chunk = sig[b * rows * 4:(b + 1) * rows * 4]
        yield (b, hashlib.blake2b(chunk, digest_size=12).digest()), (rid, pair_id, text)


def jaccard(a: Iterable[bytes], b: Iterable[bytes]) -> float:
    a, b = set(a), set(b)
    union = len(a | b)
    return len(a & b) / union if union else 1.0


def _verified_edges(element, threshold: float, ignore_same_pair: bool, ngram: int):
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


class _RouteNear(beam.DoFn):
    def __init__(self):
        self.counter = Metrics.counter("cs_synth", "rejected_near_duplicate")

    def process(self, element):
        _, groups = element
        roots = list(groups["root"])
        for r in groups["rec"]:
            if roots:
                self.counter.inc()
                yield beam.pvalue.TaggedOutput(REJECTED, r.reject("near_duplicate", roots[0], stage=STAGE))
            else:
                yield r


def _sign(r: Record, lowercase: bool, num_perm: int, ngram: int, seed: int):
    text = normalize(record_text(r), lowercase)
    return r.id, r.pair_id, signature(text, num_perm, ngram, seed), text


#: LSH bands are chosen for ``threshold - CANDIDATE_MARGIN``; candidates are then verified exactly
CANDIDATE_MARGIN = 0.1


class NearDedup(beam.PTransform):
    """Near duplicates by MinHash LSH -> ``(kept, rejected)`` (see module doc)."""

    def __init__(self, threshold: float = 0.8, num_perm: int = 128, ngram: int = 5, lowercase: bool = True,
                 ignore_same_pair: bool = False, seed: int = 1, label: Optional[str] = None):
        super().__init__(label)
        self.threshold, self.num_perm, self.ngram = threshold, num_perm, ngram
        self.lowercase, self.ignore_same_pair, self.seed = lowercase, ignore_same_pair, seed
        # candidates are found for a lower threshold and then verified exactly, so that pairs
        # just above ``threshold`` are rarely missed by the banding
        self.bands, self.rows = lsh_params(round(max(threshold - CANDIDATE_MARGIN, 0.05), 4), num_perm)

    def expand(self, pcoll):
        live, prior = _split_prior_rejects(pcoll, "Near")
        num_perm, ngram, lowercase, seed = self.num_perm, self.ngram, self.lowercase, self.seed
        sigs = live | "MinHash" >> beam.Map(_sign, lowercase, num_perm, ngram, seed)
        edges = (sigs
                 | "BandKeys" >> beam.FlatMap(_band_keys, self.bands, self.rows)
                 | "GroupByBand" >> beam.GroupByKey()
                 | "Verify" >> beam.FlatMap(_verified_edges, self.threshold, self.ignore_same_pair, ngram)
                 | "DistinctEdges" >> beam.Distinct())
        roots = (edges
                 | "AllEdges" >> beam.combiners.ToList()
                 | "Components" >> beam.FlatMap(components))
        routed = ({"rec": live | "KeyById" >> beam.Map(lambda r: (r.id, r)), "root": roots}
                  | "JoinRoots" >> beam.CoGroupByKey()
                  | "Route" >> beam.ParDo(_RouteNear()).with_outputs(REJECTED, main="kept"))
        rejected = (routed[REJECTED], prior) | "NearRejected" >> beam.Flatten()
        return routed.kept, rejected


class Dedup(beam.PTransform):
    """Exact dedup, then near dedup on the survivors -> ``(kept, rejected)``."""

    def __init__(self, exact: bool = True, near: bool = True, label: Optional[str] = None, **near_options):
        super().__init__(label)
        self.exact, self.near = exact, near
        self.near_options = near_options
        if near:
            NearDedup(**near_options)  # validate early (and compute the LSH split once)

    def expand(self, pcoll):
        kept, rejects = pcoll, []
        if self.exact:
            kept, r = kept | "Exact" >> ExactDedup(lowercase=self.near_options.get("lowercase", True))
            rejects.append(r)
        if self.near:
            kept, r = kept | "Near" >> NearDedup(**self.near_options)
            rejects.append(r)
        if not rejects:
            rejects = [kept | "NoRejects" >> beam.Filter(lambda r: False)]
        return kept, tuple(rejects) | "DedupRejected" >> beam.Flatten()


DEDUP_OPTIONS = ("exact", "near", "threshold", "num_perm", "ngram", "lowercase", "ignore_same_pair")


def check_dedup_options(options: Dict[str, Any]) -> Dict[str, Any]:
    """Validate the config's ``dedup:`` block; returns it with defaults."""
    unknown = sorted(set(options) - set(DEDUP_OPTIONS))
    if unknown:
        raise ConfigError(f"dedup.{unknown[0]}: unknown option; known options: {', '.join(DEDUP_OPTIONS)}")
    opts = {"exact": True, "near": False, "threshold": 0.8, "num_perm": 128, "ngram": 5, "lowercase": True,
            "ignore_same_pair": False}
    opts.update(options)
    for name in ("exact", "near", "lowercase", "ignore_same_pair"):
        if not isinstance(opts[name], bool):
            raise ConfigError(f"dedup.{name}: expected true or false, got {opts[name]!r}")
    t = opts["threshold"]
    if isinstance(t, bool) or not isinstance(t, (int, float)) or not 0.0 < t < 1.0:
        raise ConfigError(f"dedup.threshold: expected a number in (0, 1), got {t!r}")
    for name, lo in (("num_perm", 16), ("ngram", 1)):
        v = opts[name]
        if isinstance(v, bool) or not isinstance(v, int) or v < lo:
            raise ConfigError(f"dedup.{name}: expected an integer >= {lo}, got {v!r}")
    if opts["near"]:
        import importlib.util

        if importlib.util.find_spec("datasketch") is None:
            raise ConfigError("dedup.near needs the package 'datasketch': pip install datasketch "
                              "(or pip install 'cs-synth[dedup]'), or set dedup.near: false")
    return opts


def build_dedup(options: Dict[str, Any]) -> Dedup:
    """The Dedup transform for the config's ``dedup:`` block."""
    opts = check_dedup_options(options)
    exact, near = opts.pop("exact"), opts.pop("near")
    return Dedup(exact=exact, near=near, **opts)
