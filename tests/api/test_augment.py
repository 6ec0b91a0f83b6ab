"""The Python API applies the same units as the Beam job."""
import glob
import pathlib

import pytest

from cs_synth.beam_jobs.synth import run_job
from cs_synth.pipeline import augment
from cs_synth.pipeline.config import parse_config

REPO = pathlib.Path(__file__).resolve().parents[2]
PAIRS = [
    ("The small cat sleeps on the red sofa .", "Le petit chat dort sur le canapé rouge .",
     "0-0 1-1 2-2 3-3 4-4 5-5 6-7 7-6 8-8"),
    ("My brother lives in Paris .", "Mon frère habite à Paris .", "0-0 1-1 2-2 3-3 4-4 5-5"),
    ("We ate bread .", "Nous avons mangé du pain .", "0-0 1-1 1-2 2-3 2-4 3-5"),
]


def test_augment_returns_records_with_text_tokens_langs_edits_scores():
    src, tgt, al = PAIRS[0]
    out = augment(src, tgt, src_lang="en", tgt_lang="fr", recipe="phrase", alignment=al, seed=3)
    rec = out[0]
    assert not rec.rejected and rec.recipe == "phrase"
    assert len(rec.tokens) == len(rec.langs) and "fr" in rec.langs and "en" in rec.langs
    assert rec.text == " ".join(rec.tokens)  # the input is space-separated, so is the output
    assert rec.edits and rec.edits[0].unit.startswith("phrase")
    assert rec.scores["switch_points"] >= 1 and "cmi" in rec.scores
    # same seed, same output; the api never touches global random state
    import random

    state = random.getstate()
    again = augment(src, tgt, src_lang="en", tgt_lang="fr", recipe="phrase", alignment=al, seed=3)
    assert again == out and random.getstate() == state


def test_bad_alignment_is_a_rejected_record_not_a_crash():
    out = augment("a b", "x y", src_lang="en", tgt_lang="fr", recipe="phrase", alignment="0-0 5-1")
    assert len(out) == 1 and out[0].rejected and out[0].reject_reason == "invalid_alignment"
    out = augment("a b", "x y", src_lang="en", tgt_lang="fr", recipe="phrase", alignment="0-0 1_1")
    assert out[0].reject_reason == "invalid_alignment"


def test_unknown_recipe_lists_known_names():
    from cs_synth.pipeline.units import ConfigError

    with pytest.raises(ConfigError, match="unknown recipe 'nope'; known: .*entity"):
        augment("a", "b", src_lang="en", tgt_lang="fr", recipe="nope", alignment="0-0")


def test_api_matches_beam_job_record_for_record(tmp_path):
    data = tmp_path / "c.tsv"
    data.write_text("".join(f"{s}\t{t}\t{a}\n" for s, t, a in PAIRS), encoding="utf-8")
    cfg = parse_config({"input": {"format": "tsv", "path": str(data), "src_lang": "en", "tgt_lang": "fr",
                                  "tsv_alignment_column": True},
                        "align": {"backend": "given"},
                        "transform": [{"recipe": "phrase", "options": {"max_phrases": 2}}], "seed": 7},
                       base_dir=str(tmp_path))
    run_job(cfg, str(tmp_path / "out"))
    from datasets import Dataset

    from cs_synth.pipeline.write.schema import record_to_row

    job_rows = {r["id"]: r for r in Dataset.from_file(glob.glob(str(tmp_path / "out/data/*.arrow"))[0])}
    api_rows = {}
    for k, (s, t, a) in enumerate(PAIRS, start=1):
        for rec in augment(s, t, src_lang="en", tgt_lang="fr", recipe="phrase", alignment=a, seed=7,
                           max_phrases=2, record_id=f"c.tsv:{k:08d}"):
            if not rec.rejected:
                api_rows[rec.id] = record_to_row(rec)
    assert api_rows and set(api_rows) == set(job_rows)
    for rid, row in api_rows.items():
        job = job_rows[rid]
        for col in ("text", "tokens", "langs", "edits", "alignment", "scores"):
            assert row[col] == job[col], (rid, col)
