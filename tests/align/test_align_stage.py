"""AlignStage in a Beam pipeline (FnApiRunner, in-process and 2 worker
processes): rejects with reasons, given alignments, deterministic batches
and the corpus-level priors pass, checked against the aligner called
directly on the batches the stage must form."""
import math

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline
from apache_beam.testing.util import assert_that, equal_to

from cs_synth.beam_jobs.align_stage import AlignStage
from cs_synth.pipeline import stages
from cs_synth.pipeline.config import AlignConfig, RunConfig
from cs_synth.pipeline.record import Record, Side
from cs_synth.pipeline.stages import id_hash

MAX_TOKENS = 28  # the 5 pairs longer than this (of these 90) are rejected too_long
EFLOMAL = AlignConfig(backend="eflomal", batch_size=30, priors=True,
                      options={"priors_sample": 40, "rel_iterations": 0.3})
SEED = 11


def _cfg(align: AlignConfig, max_tokens: int = MAX_TOKENS) -> RunConfig:
    return RunConfig(input={"format": "tsv", "path": "<test>", "src_lang": "en", "tgt_lang": "fr"},
                     annotate={"backend": "none", "max_tokens": max_tokens}, align=align, seed=SEED)


def build_aligner(config: AlignConfig):
    return stages.stage(_cfg(config), "align").aligner


def _rec(rid, src, tgt, given=None):
    tgt_side = None if tgt is None else Side(" ".join(tgt), "fr", tokens=tuple(tgt))
    return Record(id=rid, src=Side(" ".join(src), "en", tokens=tuple(src)), tgt=tgt_side,
                  given_alignment=given or "", seq_labels={"topic": "t"})


@pytest.fixture(scope="module")
def corpus(enfr):
    pairs = enfr[0][100:190]
    records = [_rec(f"enfr:{k:04d}", s, t) for k, (s, t) in enumerate(pairs)]
    records += [
        _rec("bad:empty", ("hello",), ()),
        _rec("bad:no_tgt", ("hello",), None),
        _rec("bad:given", ("a", "b"), ("c", "d"), given="0-0 1-7"),
        _rec("bad:given_syntax", ("a", "b"), ("c", "d"), given="0-0,1-1"),
        _rec("ok:given", ("a", "b"), ("c", "d"), given="1-0 0-1"),
    ]
    return records


def expected_eflomal(records, config=EFLOMAL, learn_priors=True):
    """What the stage must produce, computed with the aligner directly."""
    rejected = []
    todo = []
    aligned = {}
    for r in records:
        n_src, n_tgt = len(r.src.tokens), len(r.tgt.tokens) if r.tgt else 0
        if not n_src or not n_tgt:
            rejected.append((r.id, "empty_side"))
        elif max(n_src, n_tgt) > MAX_TOKENS:
            rejected.append((r.id, "too_long"))
        elif r.given_alignment:
            if r.id == "ok:given":
                aligned[r.id] = ((0, 1), (1, 0))
            else:
                rejected.append((r.id, "invalid_alignment"))
        else:
            todo.append(r)
    aligner = build_aligner(config)
    sample = sorted(todo, key=lambda r: (id_hash(r.id), r.id))[:config.options["priors_sample"]]
    sample.sort(key=lambda r: r.id)
    priors, sample_links = aligner.fit_with_links([(r.src.tokens, r.tgt.tokens) for r in sample])
    if not learn_priors:
        priors = None
    # the sample pairs keep the links of the priors pass; only the rest is batched
    aligned.update({r.id: l for r, l in zip(sample, sample_links)})
    in_sample = {r.id for r in sample}
    rest = [r for r in todo if r.id not in in_sample]
    n_buckets = math.ceil(len(rest) / config.batch_size)
    for b in range(n_buckets):
        batch = sorted((r for r in rest if id_hash(r.id) % n_buckets == b), key=lambda r: r.id)
        links = aligner.align([(r.src.tokens, r.tgt.tokens) for r in batch], priors=priors)
        aligned.update({r.id: l for r, l in zip(batch, links)})
    return sorted(aligned.items()), sorted(rejected), n_buckets


@pytest.fixture(scope="module")
def expected(corpus):
    return expected_eflomal(corpus)


def run_stage(records, config, flags=(), max_tokens=MAX_TOKENS, check=None):
    options = PipelineOptions(list(flags))
    with BeamTestPipeline(runner="FnApiRunner", options=options) as p:
        aligned, rejected = p | beam.Create(records, reshuffle=False) | AlignStage(_cfg(config, max_tokens))
        got_aligned = aligned | "AlignedItems" >> beam.Map(lambda r: (r.id, r.alignment))
        got_rejected = rejected | "RejectedItems" >> beam.Map(lambda r: (r.id, r.reject_reason))
        stages = rejected | "Stages" >> beam.Map(lambda r: r.reject_stage) | beam.Distinct()
        labels = (aligned | "Labels" >> beam.Map(lambda r: (r.given_alignment, tuple(r.seq_labels.items())))
                  | "DistinctL" >> beam.Distinct())
        check(got_aligned, got_rejected, stages, labels)


def _checker(expected_aligned, expected_rejected):
    def check(got_aligned, got_rejected, stages, labels):
        assert_that(got_aligned, equal_to(expected_aligned), label="AlignedMatch")
        assert_that(got_rejected, equal_to(expected_rejected), label="RejectedMatch")
        assert_that(stages, equal_to(["align"] if expected_rejected else []), label="StageIsAlign")
        assert_that(labels, equal_to([("", (("topic", "t"),))]), label="GivenAlignmentCleared")
    return check


def test_expected_batches_are_real(expected, corpus):
    aligned, rejected, n_buckets = expected
    assert n_buckets >= 2  # the corpus really is split into several batches
    assert ("bad:empty", "empty_side") in rejected and ("bad:no_tgt", "empty_side") in rejected
    assert ("bad:given", "invalid_alignment") in rejected and ("bad:given_syntax", "invalid_alignment") in rejected
    assert any(reason == "too_long" for _, reason in rejected)
    assert len(aligned) + len(rejected) == len(corpus)
    assert sum(1 for _, links in aligned if links) >= len(aligned) - 2


def test_eflomal_stage_in_process(corpus, expected):
    aligned, rejected, _ = expected
    run_stage(corpus, EFLOMAL, check=_checker(aligned, rejected))


@pytest.mark.slow
def test_eflomal_stage_two_worker_processes(corpus, expected):
    """Same alignments with 2 worker processes as computed in-process."""
    aligned, rejected, _ = expected
    run_stage(corpus, EFLOMAL, flags=["--direct_num_workers=2", "--direct_running_mode=multi_processing"],
              check=_checker(aligned, rejected))


def test_priors_change_the_result(corpus, expected):
    """The priors side input is really used: without it the batches align
    differently."""
    no_priors = AlignConfig(backend="eflomal", batch_size=30, priors=False, options=dict(EFLOMAL.options))
    aligned, _, n_buckets = expected
    aligner = build_aligner(no_priors)
    ids = dict(aligned)
    sample = sorted((r for r in corpus if r.id in ids and not r.id.startswith("ok:")),
                    key=lambda r: (id_hash(r.id), r.id))[:EFLOMAL.options["priors_sample"]]
    in_sample = {r.id for r in sample}
    todo = [r for r in corpus if r.id in ids and not r.id.startswith("ok:") and r.id not in in_sample]
    plain = {}
    for b in range(n_buckets):
        batch = sorted((r for r in todo if id_hash(r.id) % n_buckets == b), key=lambda r: r.id)
        plain.update(zip([r.id for r in batch], aligner.align([(r.src.tokens, r.tgt.tokens) for r in batch])))
    assert sum(plain[i] != ids[i] for i in plain) > len(plain) // 4


def test_given_backend_stage():
    records = [_rec("g:1", ("a", "b"), ("c",), given="0-0 1-0"),
               _rec("g:2", ("a",), ("c",)),
               _rec("g:3", ("a",), ("c",), given="0p0"),
               _rec("g:4", ("a",) * 5, ("c",), given="0-0")]
    config = AlignConfig(backend="given")
    run_stage(records, config, max_tokens=4, check=_checker(
        [("g:1", ((0, 0), (1, 0))), ("g:3", ((0, 0),))],
        [("g:2", "missing_alignment"), ("g:4", "too_long")]))


def test_simalign_batched_stage(tiny_bert, enfr):
    pairs = enfr[0][:24]
    records = [_rec(f"s:{k:03d}", s, t) for k, (s, t) in enumerate(pairs)]
    config = AlignConfig(backend="simalign-batched", options={"model": tiny_bert, "layer": 1, "device": "cpu",
                                                              "batch_size": 4})
    # 24 pairs fit one group of 8 x 4 pairs: one batch, in id order
    aligner = build_aligner(config)
    expected_links = aligner.align([(r.src.tokens, r.tgt.tokens) for r in records])
    run_stage(records, config, check=_checker(list(zip([r.id for r in records], expected_links)), []))


def test_priors_pass_links_do_not_depend_on_order(corpus):
    """The links the stage takes from the priors pass depend on the sample's
    content only: the same pairs in another order get the same links, and
    the priors are those of ``fit``."""
    aligner = build_aligner(EFLOMAL)
    pairs = [(r.src.tokens, r.tgt.tokens) for r in corpus[:40] if r.tgt is not None and r.src.tokens
             and r.tgt.tokens]
    priors, links = aligner.fit_with_links(pairs)
    order = sorted(range(len(pairs)), key=lambda k: id_hash(str(k)))
    priors2, links2 = aligner.fit_with_links([pairs[k] for k in order])
    assert priors == priors2 == aligner.fit(pairs)
    assert [links[k] for k in order] == links2
    assert sum(1 for l in links if l) >= len(links) - 2


def test_priors_auto_needs_priors_min_pairs():
    """``priors: auto`` learns priors from a first pass of at least
    ``priors_min_pairs`` pairs; true always, false never."""
    def st(**kw):
        return stages.stage(_cfg(AlignConfig(backend="eflomal", **kw)), "align")

    assert AlignConfig().priors == "auto"
    auto = st(priors="auto", priors_min_pairs=100)
    assert auto.uses_priors  # the first pass runs: its links are used
    assert not auto.learns_priors(99) and auto.learns_priors(100)
    assert st(priors=True, priors_min_pairs=100).learns_priors(1)
    never = st(priors=False)
    assert not never.uses_priors and not never.learns_priors(10 ** 6)


def test_priors_auto_bad_value_names_the_field():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="priors"):
        AlignConfig(priors="sometimes")
    with pytest.raises(ValidationError, match="priors_min_pairs"):
        AlignConfig(priors_min_pairs=0)


def test_priors_auto_small_pass_aligns_the_rest_without_priors(corpus):
    """Below ``priors_min_pairs`` the pass keeps its links and the pairs
    outside it are aligned with no priors (what ``fit_links`` gives the
    batches); at or above it, exactly what ``priors: true`` gives."""
    small = AlignConfig(backend="eflomal", batch_size=30, priors="auto", priors_min_pairs=41,
                        options=dict(EFLOMAL.options))
    st = stages.stage(_cfg(small), "align")
    items = [(r.id, r.src.tokens, r.tgt.tokens) for r in corpus[:40] if r.tgt and r.tgt.tokens]
    priors, links = st.fit_links(items)
    assert priors is None and len(links) == len(items)
    aligned, rejected, _ = expected_eflomal(corpus, small, learn_priors=False)
    run_stage(corpus, small, check=_checker(aligned, rejected))
    big = AlignConfig(backend="eflomal", batch_size=30, priors="auto", priors_min_pairs=40,
                      options=dict(EFLOMAL.options))
    assert stages.stage(_cfg(big), "align").fit_links(items)[0] is not None


def test_packed_sides_round_trip():
    """The priors sample's packed sides give back exactly the tokens: none,
    one empty token, spaces and marks inside tokens, and a token holding the
    separator itself (that side stays a tuple)."""
    cases = [(), ("",), ("a",), ("", ""), ("New York", "’s", "\u00a0", "दिल्ली"), ("a\x1fb", "c"), ("x",) * 300]
    for tokens in cases:
        packed = stages.pack_side(tokens)
        assert list(stages.unpack_side(packed)) == list(tokens), tokens
    assert isinstance(stages.pack_side(["a", "b"]), str) and isinstance(stages.pack_side(["a\x1fb"]), tuple)
    assert stages.pack_side([]) != stages.pack_side([""])
    pairs = stages.PackedPairs([("i1", stages.pack_side(["a", "b"]), ("c",)), ("i2", "", stages.pack_side([""]))])
    assert len(pairs) == 2 and list(pairs) == [(["a", "b"], ("c",)), ([], [""])]
    assert pairs[-1:] == [([], [""])]


def test_fit_links_same_for_packed_and_plain_sides(corpus):
    """The job hands the priors pass packed sides: the priors and every
    pair's links are those of the same pairs given as token lists."""
    cfg = AlignConfig(backend="eflomal", batch_size=30, priors=True, options=dict(EFLOMAL.options))
    st = stages.stage(_cfg(cfg), "align")
    plain = [(r.id, r.src.tokens, r.tgt.tokens) for r in corpus if r.tgt and r.tgt.tokens]
    packed = [(rid, stages.pack_side(s), stages.pack_side(t)) for rid, s, t in plain]
    assert all(isinstance(s, str) for _, s, _ in packed)
    priors, links = st.fit_links(plain)
    priors2, links2 = st.fit_links(list(reversed(packed)))
    assert priors is not None and len(links) > 10
    assert priors2 == priors and links2 == links
