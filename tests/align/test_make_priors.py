"""``cs-synth make-priors``: eflomal priors from a separate, larger corpus
(read, annotated and checked by the job's own stages), for a small job's
``align.options.priors_file``."""
import pytest

from cs_synth.beam_jobs.cli import main
from cs_synth.pipeline.align.aer import corpus_counts
from cs_synth.pipeline.align.eflomal_aligner import EflomalPriors, eflomal_factory
from cs_synth.pipeline.units import Context

HELD = range(200, 250)


def _big_corpus(tmp_path, pairs, align="{backend: eflomal, options: {rel_iterations: 0.3}}"):
    with open(tmp_path / "big.tsv", "w", encoding="utf-8") as fh:
        for k, (s, t) in enumerate(pairs):
            if k not in HELD:  # the batch scored below is not in the priors corpus
                fh.write(" ".join(s) + "\t" + " ".join(t) + "\n")
    cfg = tmp_path / "big.yaml"
    cfg.write_text("input: {format: tsv, path: big.tsv, src_lang: en, tgt_lang: fr}\n"
                   f"align: {align}\ntransform: [{{recipe: span-ec}}]\nseed: 0\n", encoding="utf-8")
    return str(cfg)


def test_priors_from_another_corpus_help_a_small_job(enfr, tmp_path, capsys):
    pairs, gold = enfr
    cfg = _big_corpus(tmp_path, pairs)
    assert main(["make-priors", cfg, "--output", str(tmp_path / "priors.txt")]) == 0
    assert "from 397 of 397 pairs" in capsys.readouterr().err
    text = (tmp_path / "priors.txt").read_text(encoding="utf-8")
    priors = EflomalPriors.from_text(text.splitlines(True))
    assert len(priors.lex) > 1000 and priors.hmm_fwd and priors.fert_fwd
    # the same corpus, config and seed: the same bytes
    assert main(["make-priors", cfg, "--output", str(tmp_path / "again.txt")]) == 0
    assert (tmp_path / "again.txt").read_text(encoding="utf-8") == text
    batch = slice(HELD.start, HELD.stop)
    alone = eflomal_factory(Context(seed=0), rel_iterations=0.3).align(pairs[batch])
    helped = eflomal_factory(Context(seed=0, base_dir=str(tmp_path)), rel_iterations=0.3,
                             priors_file="priors.txt").align(pairs[batch])
    a, b = corpus_counts(alone, gold[batch]).aer, corpus_counts(helped, gold[batch]).aer
    # measured: 0.307 -> 0.207 (seed 0), 0.305 -> 0.208 (seed 1)
    assert b < a - 0.05, (a, b)


def test_a_config_without_a_priors_aligner_is_a_clean_error(enfr, tmp_path, capsys):
    cfg = _big_corpus(tmp_path, enfr[0][:20], align="{backend: given}")
    assert main(["make-priors", cfg, "--output", str(tmp_path / "p.txt")]) == 2
    assert "make-priors needs a corpus-level aligner" in capsys.readouterr().err
    assert not (tmp_path / "p.txt").exists()


def _priors_from_job(tmp_path, pairs, extra_options=""):
    """A small job (the held-out batch) whose ``align.priors_from`` names the
    large corpus, written as a 4-column table with a header."""
    with open(tmp_path / "table.tsv", "w", encoding="utf-8") as fh:
        fh.write("id\tenglish\tfrench\tnote\n")
        for k, (s, t) in enumerate(pairs):
            if k not in HELD:
                fh.write(f"{k}\t{' '.join(s)}\t{' '.join(t)}\tx\n")
    with open(tmp_path / "small.tsv", "w", encoding="utf-8") as fh:
        for k in HELD:
            fh.write(" ".join(pairs[k][0]) + "\t" + " ".join(pairs[k][1]) + "\n")
    cfg = tmp_path / "small.yaml"
    cfg.write_text("input: {format: tsv, path: small.tsv, src_lang: en, tgt_lang: fr}\n"
                   f"align: {{backend: eflomal, options: {{rel_iterations: 0.3{extra_options}}},\n"
                   "        priors_from: {format: tsv, path: table.tsv, src_lang: en, tgt_lang: fr,\n"
                   "                      tsv_columns: [1, 2], tsv_header: true}}\n"
                   "transform: [{recipe: span-ec}]\nseed: 0\n", encoding="utf-8")
    return str(cfg)


def test_priors_from_learns_what_make_priors_does_once_and_caches_it(enfr, tmp_path, monkeypatch, capsys):
    from cs_synth.pipeline import stages
    from cs_synth.pipeline.align import make_priors as mp
    from cs_synth.pipeline.config import load_config

    monkeypatch.setenv("CS_SYNTH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(mp, "_MEMO", {})
    pairs, gold = enfr
    small = _priors_from_job(tmp_path, pairs)
    # the reference: make-priors on the same corpus, as a plain 2-column file
    ref = _big_corpus(tmp_path, pairs)
    assert main(["make-priors", ref, "--output", str(tmp_path / "priors.txt")]) == 0
    expected = (tmp_path / "priors.txt").read_text(encoding="utf-8")

    cfg = load_config(small)
    aligner = stages.AlignStage(cfg).aligner
    assert aligner.default_priors is not None
    assert aligner.default_priors.to_text() == expected
    cached = list((tmp_path / "cache" / "priors").iterdir())
    assert len(cached) == 1 and cached[0].read_text(encoding="utf-8") == expected
    # a new process (no memo) reads the cache and learns nothing again
    monkeypatch.setattr(mp, "_MEMO", {})

    def no_learning(*a, **k):
        raise AssertionError("learned again despite the cache")

    monkeypatch.setattr(mp, "make_priors", no_learning)
    assert stages.AlignStage(cfg).aligner.default_priors.to_text() == expected
    # they help the small job's batch as the priors file does
    batch = slice(HELD.start, HELD.stop)
    alone = eflomal_factory(Context(seed=0), rel_iterations=0.3).align(pairs[batch])
    helped = stages.AlignStage(cfg).aligner.align(pairs[batch])
    assert corpus_counts(helped, gold[batch]).aer < corpus_counts(alone, gold[batch]).aer - 0.05
    # a changed corpus is a new cache entry
    monkeypatch.undo()
    monkeypatch.setenv("CS_SYNTH_CACHE", str(tmp_path / "cache"))
    with open(tmp_path / "table.tsv", "a", encoding="utf-8") as fh:
        fh.write("9999\tOne more line .\tUne ligne de plus .\tx\n")
    stages.AlignStage(load_config(small))
    assert len(list((tmp_path / "cache" / "priors").iterdir())) == 2


def test_priors_from_and_a_priors_file_is_a_config_error_naming_the_field(enfr, tmp_path, monkeypatch):
    from cs_synth.pipeline import stages
    from cs_synth.pipeline.config import load_config
    from cs_synth.pipeline.units import ConfigError

    (tmp_path / "p.txt").write_text("", encoding="utf-8")
    small = _priors_from_job(tmp_path, enfr[0][:260], extra_options=", priors_file: p.txt")
    with pytest.raises(ConfigError, match="align.priors_from"):
        stages.AlignStage(load_config(small))
