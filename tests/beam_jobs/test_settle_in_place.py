"""Issue 17: without dedup a pair settles where its records are made (no
shuffle of the corpus by pair id); the output is byte for byte the one the
per-pair shuffle gives, and the shard writer's encoded hand-off keeps the
bytes too."""
import hashlib
import json
import pathlib

import apache_beam as beam
import pytest
import yaml

from cs_synth.beam_jobs import synth
from cs_synth.pipeline.config import parse_config

REPO = pathlib.Path(__file__).resolve().parents[2]
RECIPES = REPO / "samples" / "recipes"


def _config(tmp_path, **extra):
    raw = yaml.safe_load((RECIPES / "en-es-word.yaml").read_text())
    assert not raw.get("dedup")
    raw.update(extra)
    return parse_config(raw, base_dir=str(RECIPES))


def _labels(cfg, tmp_path, by_pair_shuffle):
    p = beam.Pipeline(options=synth.beam_options([]))
    synth.build(p, cfg, str(tmp_path / "unused"), by_pair_shuffle=by_pair_shuffle)
    proto = p.to_runner_api()
    return {t.unique_name for t in proto.components.transforms.values()}


def _run(cfg, out: pathlib.Path, by_pair_shuffle):
    out.mkdir(parents=True)
    p = beam.Pipeline(options=synth.beam_options([]))
    synth.build(p, cfg, str(out), by_pair_shuffle=by_pair_shuffle)
    p.run().wait_until_finish()
    files = {str(f.relative_to(out)): hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(out.rglob("*.arrow"))}
    manifest = json.loads((out / "manifest.json").read_text())
    return files, {k: manifest[k] for k in ("read", "pairs_with_output", "rejected", "written", "rejected_records")}


def test_no_dedup_means_no_pair_shuffle(tmp_path):
    cfg = _config(tmp_path)
    assert not any(n.startswith("ByPair") for n in _labels(cfg, tmp_path, None))
    assert any(n.startswith("ByPair") for n in _labels(cfg, tmp_path, True))
    dedup = _config(tmp_path, dedup={"exact": True})
    assert any(n.startswith("ByPair") for n in _labels(dedup, tmp_path, None))


# the sampling block settles through the sampler (no perplexity score here:
# every candidate is a missing_score_perplexity reject, so it visibly acts)
@pytest.mark.parametrize("extra", [{}, {"sampling": {"k": 1, "mean": 2.0, "std": 1.0, "metric": "perplexity"}}],
                         ids=["plain", "sampling"])
def test_settle_in_place_gives_the_shuffle_bytes(tmp_path, extra):
    cfg = _config(tmp_path, **extra)
    in_place = _run(cfg, tmp_path / "in_place", False)
    shuffled = _run(cfg, tmp_path / "shuffled", True)
    files, counts = in_place
    assert files and any(k.startswith("rejected/") for k in files)
    assert counts["read"] == 300 and counts["rejected"]["total"] > 0
    assert ("missing_score_perplexity" in counts["rejected"]["by_reason"]) == bool(extra)
    assert in_place == shuffled
