"""Exact and near-duplicate removal as Beam stages, in-process and on two
worker processes.  Expected results are written out by hand and, for near
dedup, cross-checked against a brute-force all-pairs reference."""
import itertools

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline
from apache_beam.testing.util import assert_that, equal_to

from cs_synth.beam_jobs.dedup import Dedup, ExactDedup, NearDedup, build_dedup
from cs_synth.pipeline.filter.dedup import (CANDIDATE_MARGIN, check_dedup, components, jaccard, lsh_params, normalize, shingles,
                                   signature)
from cs_synth.pipeline.record import Record, Side
from cs_synth.pipeline.units import ConfigError

IN_PROCESS = ["--runner=FnApiRunner"]
TWO_WORKERS = ["--runner=FnApiRunner", "--direct_num_workers=2", "--direct_running_mode=multi_processing"]
THRESHOLD = 0.6

BASE = ("the committee met on tuesday morning to discuss the new budget for the city library "
        "and agreed to extend the opening hours during the winter holidays")


def rec(rid, text, pair=None):
    return Record(id=rid, pair_id=pair or rid, src=Side(text=text, lang="en"), text=text,
                  tokens=tuple(text.split()), langs=tuple("en" for _ in text.split()))


def run(transform, records, argv, expected):
    """Run ``transform`` and check (id, reason, detail) of every output record."""
    with BeamTestPipeline(options=PipelineOptions(argv)) as p:
        kept, rejected = (p | beam.Create(records) | beam.Reshuffle() | transform)
        out = ((kept | "K" >> beam.Map(lambda r: (r.id, "", "")),
                rejected | "R" >> beam.Map(lambda r: (r.id, r.reject_reason, r.reject_detail)))
               | beam.Flatten())
        assert_that(out, equal_to(expected))


# ------------------------------------------------------------------ exact
EXACT = [rec("a1", "Hello  world"), rec("a0", "hello world"), rec("a2", "HELLO WORLD\n"),
         rec("b", "bonjour le monde"), rec("c3", "same"), rec("c1", "same"), rec("c2", " same "),
         rec("d", "different")]
EXACT_EXPECTED = sorted([("a0", "", ""), ("a1", "duplicate", "a0"), ("a2", "duplicate", "a0"), ("b", "", ""),
                         ("c1", "", ""), ("c2", "duplicate", "c1"), ("c3", "duplicate", "c1"), ("d", "", "")])


def test_exact_dedup():
    run(ExactDedup(), EXACT, IN_PROCESS, EXACT_EXPECTED)


def test_exact_dedup_case_sensitive():
    # "Hello  world", "hello world" and "HELLO WORLD" now differ; whitespace still does not count
    expected = sorted([("a0", "", ""), ("a1", "", ""), ("a2", "", ""), ("b", "", ""), ("c1", "", ""),
                       ("c2", "duplicate", "c1"), ("c3", "duplicate", "c1"), ("d", "", "")])
    run(ExactDedup(lowercase=False), EXACT, IN_PROCESS, expected)


# ------------------------------------------------------------------- near
def chain_texts():
    """BASE, then five edits in a row, each replacing 3 further words: every
    text is similar to its neighbours but the ends share little."""
    words = BASE.split()
    out = [list(words)]
    for k, start in enumerate([0, 5, 10, 15, 20]):
        nxt = list(out[-1])
        nxt[start:start + 3] = [f"zq{k}{i}" for i in range(3)]
        out.append(nxt)
    return [" ".join(w) for w in out]


CHAIN_IDS = ["k4", "k2", "k0", "k5", "k1", "k3"]  # the smallest id, k0, sits mid-chain
OTHER = "a completely unrelated sentence about football scores and the weather in lisbon"
NEAR = ([rec(i, t) for i, t in zip(CHAIN_IDS, chain_texts())]
        + [rec("x1", OTHER), rec("x0", OTHER + " today"), rec("z", "short")])
NEAR_EXPECTED = sorted([("k0", "", "")] + [(i, "near_duplicate", "k0") for i in CHAIN_IDS if i != "k0"]
                       + [("x0", "", ""), ("x1", "near_duplicate", "x0"), ("z", "", "")])


def sim(a, b):
    """Exact Jaccard similarity of the character 5-gram sets (what NearDedup verifies)."""
    sa, sb = set(shingles(normalize(a), 5)), set(shingles(normalize(b), 5))
    return len(sa & sb) / len(sa | sb)


def brute_force(records, threshold):
    """All pairs, no LSH, no MinHash: similar pairs -> components -> (id, reason, detail)."""
    edges = [(a.id, b.id) if a.id < b.id else (b.id, a.id)
             for a, b in itertools.combinations(records, 2) if sim(a.text, b.text) >= threshold]
    roots = dict(components(edges))
    return sorted((r.id, "near_duplicate", roots[r.id]) if r.id in roots else (r.id, "", "") for r in records)


def test_near_fixture_is_a_chain():
    texts = chain_texts()
    for a, b in zip(texts, texts[1:]):
        assert sim(a, b) > THRESHOLD + 0.1
    assert sim(texts[0], texts[-1]) < 0.3  # the ends alone are not near duplicates
    assert brute_force(NEAR, THRESHOLD) == NEAR_EXPECTED


def test_near_dedup_in_process():
    run(NearDedup(threshold=THRESHOLD), NEAR, IN_PROCESS, NEAR_EXPECTED)


def test_dedup_on_two_worker_processes():
    """Exact then near, on 2 worker processes: the same decisions.  k9 repeats
    k2's text exactly (exact keeps k2); j0 is k4's text plus " ." -- a near
    duplicate with an id below k0, so it becomes the one kept."""
    recs = EXACT + NEAR + [rec("k9", chain_texts()[1]), rec("j0", BASE + " .")]
    expected = EXACT_EXPECTED + [("k9", "duplicate", "k2"), ("j0", "", "")] + [
        (i, "near_duplicate", "j0") for i in CHAIN_IDS] + [("x0", "", ""), ("x1", "near_duplicate", "x0"),
                                                            ("z", "", "")]
    run(Dedup(threshold=THRESHOLD), recs, TWO_WORKERS, sorted(expected))


def test_prior_rejects_pass_through_and_same_pair_option():
    a = rec("p1:0", BASE, pair="p1")
    b = rec("p1:1", BASE + " again", pair="p1")
    c = rec("p2:0", BASE + " again", pair="p2").reject("no_switchable_span", stage="transform")
    run(NearDedup(threshold=THRESHOLD, ignore_same_pair=True), [a, b, c], IN_PROCESS,
        [("p1:0", "", ""), ("p1:1", "", ""), ("p2:0", "no_switchable_span", "")])
    run(NearDedup(threshold=THRESHOLD), [a, b, c], IN_PROCESS,
        [("p1:0", "", ""), ("p1:1", "near_duplicate", "p1:0"), ("p2:0", "no_switchable_span", "")])


def test_components_union_find():
    assert components([]) == []
    edges = [("b", "c"), ("c", "d"), ("a", "d"), ("x", "y")]
    assert components(edges) == [("b", "a"), ("c", "a"), ("d", "a"), ("y", "x")]
    assert components(list(reversed(edges))) == components(edges)  # order does not matter


def test_lsh_params_and_shingles():
    assert lsh_params(0.8, 128) == (14, 9)  # recall-weighted: P(candidate | s=0.9) = 1-(1-.9**9)**14
    assert 1 - (1 - 0.9 ** 9) ** 14 > 0.998
    assert shingles("abcdef", 5) == [b"abcde", b"bcdef"]
    assert shingles("abc", 5) == [b"abc"]
    assert shingles("", 5) == []
    # candidates come from bands for threshold - 0.1, verification is exact
    assert CANDIDATE_MARGIN == 0.1
    near = NearDedup(threshold=0.8)
    assert (near.bands, near.rows) == lsh_params(0.7, 128)
    assert jaccard([b"ab", b"bc"], [b"bc", b"cd"]) == pytest.approx(1 / 3)
    assert jaccard([], []) == 1.0
    assert signature("same text", 64, 5) == signature("same text", 64, 5)
    assert len(signature("same text", 64, 5)) == 64 * 4


@pytest.mark.parametrize("options,match", [
    ({"treshold": 0.8}, "dedup.treshold: unknown option; known options: exact, near, threshold"),
    ({"threshold": 1.5}, r"dedup.threshold: must be < 1.0 \(got 1.5\)"),
    ({"threshold": 0}, r"dedup.threshold: must be > 0.0 \(got 0\)"),
    ({"num_perm": 4}, r"dedup.num_perm: must be >= 16 \(got 4\)"),
    ({"ngram": 2.5}, r"dedup.ngram: must be a valid integer \(got 2.5\)"),
    ({"exact": "yes"}, r"dedup.exact: must be a valid boolean \(got 'yes'\)"),
])
def test_build_dedup_config_errors(options, match):
    with pytest.raises(ConfigError, match=match):
        build_dedup(options)
    with pytest.raises(ConfigError, match=match):
        check_dedup(options)  # the pure check the config runs, without Beam


def test_dedup_block_in_the_run_config():
    from cs_synth.pipeline.config import DedupConfig, parse_config

    base = {"input": {"format": "text", "path": "m.txt", "src_lang": "en"}, "align": None}
    assert parse_config(base).dedup is None
    assert parse_config(dict(base, dedup={})).dedup is None  # an empty block is off, as before
    cfg = parse_config(dict(base, dedup={"near": True}))
    assert cfg.dedup == DedupConfig(near=True)
    assert build_dedup(cfg.dedup).near_options["ngram"] == 5
    with pytest.raises(ConfigError, match="dedup.treshold: unknown option; known options: exact, near, threshold"):
        parse_config(dict(base, dedup={"treshold": 0.8}))


def test_build_dedup_defaults():
    d = build_dedup({"exact": True})
    assert (d.exact, d.near) == (True, False)
    d = build_dedup({"near": True, "exact": False})
    assert (d.exact, d.near) == (False, True)
    assert d.near_options["threshold"] == 0.8 and d.near_options["num_perm"] == 128
