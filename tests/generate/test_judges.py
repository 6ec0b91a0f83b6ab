"""Judges as scorers: ``llm_judge`` through the OpenAI-compatible backend
(a real local HTTP server scripted by the test), and ``mt_fidelity``
(back-translation with the real Apertium spa-eng, chrF by sacrebleu)."""
import json
import os
import shutil

import pytest

from cs_synth.pipeline import augment, registry
from cs_synth.pipeline.generate import apertium as ap
from cs_synth.pipeline.score.llm_judge import parse_ratings
from cs_synth.pipeline.units import ConfigError


def test_parse_ratings_reads_four_scores_and_refuses_out_of_range():
    assert parse_ratings("x\nfluency:", " 9 naturalness: 8 fidelity: 10 cs_ratio: 7") == {
        "llm_fluency": 9.0, "llm_naturalness": 8.0, "llm_fidelity": 10.0, "llm_cs_ratio": 7.0}
    assert parse_ratings("x", "fluency: 0\nnaturalness: 11\nFidelity = 4") == {"llm_fidelity": 4.0}
    assert parse_ratings("x", "I think it is good") == {}


def _run(server, text="The cat sleeps .", **judge):
    score = [{"name": "code_mixing"},
             {"name": "llm_judge", "options": {"target_lang": "hi", "backend": "openai",
                                               "backend_options": {"base_url": server.url, "model": "judge", "api": "chat",
                                                                   "timeout": 0.5, "retries": 0}, **judge}}]
    return augment(text, "बिल्ली सोती है ।", src_lang="en", tgt_lang="hi", recipe="noun-swap",
                   alignment="1-0 2-1 2-2 3-3", pretokenized=True, score=score)


def test_llm_judge_scores_go_into_the_record_and_the_prompt_names_both_sides(server):
    server.answers = {"बिल्ली": "fluency: 8\nnaturalness: 7\nfidelity: 9\ncs_ratio: 6"}
    rec = _run(server)[0]
    assert not rec.rejected, rec.reject_detail
    assert (rec.scores["llm_fluency"], rec.scores["llm_naturalness"], rec.scores["llm_fidelity"],
            rec.scores["llm_cs_ratio"]) == (8.0, 7.0, 9.0, 6.0)
    path, body, _ = server.seen[0]
    prompt = body["messages"][0]["content"]
    assert path == "/v1/chat/completions" and "The बिल्ली sleeps ." in prompt and "The cat sleeps ." in prompt
    assert "stop" not in body  # four lines come back


def test_a_failed_judge_call_leaves_the_scores_out_and_a_filter_says_so(server):
    server.script = {"बिल्ली": "500"}
    rec = _run(server)[0]
    assert not rec.rejected and "llm_fluency" not in rec.scores and "cmi" in rec.scores
    out = augment("The cat sleeps .", "बिल्ली सोती है ।", src_lang="en", tgt_lang="hi", recipe="noun-swap",
                  alignment="1-0 2-1 2-2 3-3", pretokenized=True,
                  score=[{"name": "llm_judge", "options": {"backend": "openai", "backend_options": {
                      "base_url": server.url, "model": "judge", "timeout": 0.5, "retries": 0}}}],
                  filters=[{"name": "metric_range", "options": {"metric": "llm_naturalness", "min": 8}}])
    assert out[0].rejected and out[0].reject_reason == "missing_score_llm_naturalness"


def test_judge_options_errors_name_the_path():
    from cs_synth.pipeline.config import parse_config

    with pytest.raises(ConfigError, match=r"score\.0\.options\.backend_options\.base_url"):
        parse_config({"input": {"format": "text", "path": "x.txt", "src_lang": "en"}, "align": None,
                      "transform": [{"recipe": "noun-swap"}], "score": [{"name": "llm_judge"}]})
    assert "llm_judge" in registry.names(registry.scorers) and "mt_fidelity" in registry.names(registry.scorers)


HAVE = shutil.which("apertium") is not None and "spa-eng" in ap.installed_modes()


@pytest.mark.skipif(not HAVE and os.environ.get("CI", "").lower() not in ("true", "1", "yes"),
                    reason="apertium spa-eng not installed")
def test_mt_fidelity_back_translates_with_apertium():
    score = [{"name": "mt_fidelity", "options": {"from_lang": "es"}}]
    rec = augment("I am going to the market", src_lang="en", recipe="mt-span", target_lang="es", score=score)[0]
    assert not rec.rejected and rec.text.startswith("I am going a la")
    # 'I am going al mercado' back to English comes close to the source
    assert 60 <= rec.scores["mt_fidelity"] <= 100, rec.scores
    bad = augment("The old man sells apples .", src_lang="en", recipe="mt-span", target_lang="es", score=score,
                  max_spans=2, seed=1)[0]
    assert bad.scores["mt_fidelity"] > 0


def _score_stage(score):
    from cs_synth.pipeline import stages
    from cs_synth.pipeline.config import parse_config

    cfg = parse_config({"input": {"format": "text", "path": "x.txt", "src_lang": "en", "tgt_lang": "es"},
                        "align": None, "transform": [{"recipe": "dialect", "options": {"features": [154]}}],
                        "score": score})
    return stages.stage(cfg, "score")


def _judged_records(n):
    from cs_synth.pipeline.record import Record, Side

    out = []
    for k in range(n):
        toks = ("I", "am", "going", "al", "mercado", str(k), ".")
        out.append(Record(id=f"j:{k}", pair_id=f"j:{k}", src=Side(text=f"I am going to the market {k} .",
                                                                   lang="en"),
                          tokens=toks, langs=("en", "en", "en", "es", "es", "zxx", "zxx"),
                          spaces=(True,) * 5 + (True, False), text=f"I am going al mercado {k} ."))
    return out


def _count_complete(gen):
    seen = []
    inner = gen.complete
    gen.complete = lambda reqs: seen.append(len(reqs)) or inner(reqs)
    return seen


def test_llm_judge_scores_a_batch_with_one_backend_call(tiny_lm):
    stage = _score_stage([{"name": "llm_judge", "options": {
        "backend": "transformers", "style": "completion",
        "backend_options": {"model": tiny_lm, "batch_size": 16, "max_new_tokens": 6}}}])
    judge = stage.scorers[0]
    seen = _count_complete(judge.generator)
    recs = _judged_records(6)
    batched = stage.process_batch(recs)
    assert seen == [6]  # six records, one complete() call
    assert 1 <= judge.generator.calls < 6  # which batches them into generate() calls
    # record by record: six calls, the same scores
    seen.clear()
    assert [stage.process(r) for r in recs] == batched and seen == [1] * 6


def test_llm_judge_over_http_sends_the_batch_concurrently_in_one_call(server):
    server.answers = {"mercado": "fluency: 7\nnaturalness: 6\nfidelity: 8\ncs_ratio: 5"}
    stage = _score_stage([{"name": "llm_judge", "options": {
        "backend": "openai", "backend_options": {"base_url": server.url, "model": "judge", "api": "chat",
                                                 "concurrency": 4, "timeout": 2, "retries": 0}}}])
    seen = _count_complete(stage.scorers[0].generator)
    out = stage.process_batch(_judged_records(5))
    assert seen == [5] and len(server.seen) == 5
    assert all(r.scores["llm_naturalness"] == 6.0 and r.scores["llm_cs_ratio"] == 5.0 for r in out)


@pytest.mark.skipif(not HAVE and os.environ.get("CI", "").lower() not in ("true", "1", "yes"),
                    reason="apertium spa-eng not installed")
def test_mt_fidelity_back_translates_a_batch_in_one_call():
    stage = _score_stage([{"name": "mt_fidelity", "options": {"from_lang": "es"}}])
    seen = []
    gen = stage.scorers[0].generator
    inner = gen.translate
    gen.translate = lambda texts: seen.append(len(texts)) or inner(texts)
    out = stage.process_batch(_judged_records(4))
    assert seen == [4] and all(0 < r.scores["mt_fidelity"] <= 100 for r in out)
