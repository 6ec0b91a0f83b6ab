"""llm-dialect through the OpenAI-compatible backend (a real local HTTP
server scripted by the test) with the real eWAVE table from the shared
data folder."""
import os
import pathlib

import pytest

from cs_synth.pipeline import augment
from cs_synth.pipeline.units import ConfigError

EWAVE = pathlib.Path("/work/shared/data/ewave")
if not (EWAVE / "ewave.csv").exists():
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail("the eWAVE table is missing under CI", pytrace=False)
    pytestmark = pytest.mark.skip(reason="eWAVE table not available")


def _run(server, text, **opts):
    opts.setdefault("features", [154])
    return augment(text, src_lang="en", recipe="llm-dialect", ewave_path=str(EWAVE), backend="openai",
                   backend_options={"base_url": server.url, "model": "m", "timeout": 0.5, "retries": 0}, **opts)


def test_the_feature_is_described_from_ewave_and_recorded_in_the_edit(server):
    server.answers = {"anybody": " I didn't see nobody there ."}
    rec = _run(server, "I did not see anybody there .")[0]
    assert not rec.rejected, rec.reject_detail
    assert rec.text == "I didn't see nobody there ."
    prompt = server.seen[0][1]["prompt"]
    assert "Feature: Multiple negation / negative concord\nExample: " in prompt.rsplit("\n\n", 1)[1]
    assert prompt.endswith("Sentence: I did not see anybody there .\nRewritten:")
    units = {e.unit for e in rec.edits}
    assert units == {"ewave.f154.llm.v1"} and all("eWAVE 154" in e.detail for e in rec.edits)
    assert set(rec.langs) <= {"en", "zxx"}


def test_unchanged_and_unreadable_answers_are_rejected(server):
    server.answers = {"anybody": "I did not see anybody there ."}
    assert _run(server, "I did not see anybody there .")[0].reject_reason == "no_change"
    server.answers = {"anybody": "Feature: something\n"}
    assert _run(server, "I did not see anybody there .")[0].reject_reason == "llm_unparseable"


def test_only_features_without_rules_and_bad_options():
    with pytest.raises(ConfigError, match=r"transform\.0\.options\.features: 99999 is not an eWAVE feature"):
        augment("x", src_lang="en", recipe="llm-dialect", ewave_path=str(EWAVE), features=[99999],
                backend_options={"base_url": "http://127.0.0.1:9/v1", "model": "m"})
    with pytest.raises(ConfigError, match="ewave_path"):
        augment("x", src_lang="en", recipe="llm-dialect", features=[154],
                backend_options={"base_url": "http://127.0.0.1:9/v1", "model": "m"})
    from cs_synth.transforms.dialect.features import implemented_ids

    ruled = sorted(implemented_ids())
    with pytest.raises(ConfigError, match="no feature left"):
        augment("x", src_lang="en", recipe="llm-dialect", ewave_path=str(EWAVE), features=ruled[:3],
                only_without_rules=True, backend_options={"base_url": "http://127.0.0.1:9/v1", "model": "m"})
