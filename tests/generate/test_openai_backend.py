"""The OpenAI-compatible HTTP backend against a small real HTTP server on
127.0.0.1 (started by the test): timeouts, HTTP errors, retries, malformed
bodies, the API key from a named environment variable, and the llm-cs
recipe's rejects through it.  The real-model server is in
``test_model_server.py``."""
import json

import pytest

from cs_synth.pipeline import augment
from cs_synth.pipeline.generate.base import GenSpec, Request
from cs_synth.pipeline.generate.openai_http import OpenAIGenerator, openai_factory
from cs_synth.pipeline.units import ConfigError


def _gen(server, **kw):
    kw.setdefault("timeout", 0.5)
    kw.setdefault("retries", 1)
    kw.setdefault("backoff", 0.01)
    return OpenAIGenerator(server.url, "tiny", **kw)


def test_each_failure_becomes_its_reason_and_the_rest_still_comes_back(server):
    server.script = {"SLOW": "slow", "FIVE": "500", "GONE": "404", "HTML": "nojson", "EMPTY": "nochoices"}
    gen = _gen(server, concurrency=4)
    res = gen.complete([Request(p) for p in ("a SLOW one", "FIVE hundred", "fine", "GONE", "HTML", "EMPTY")])
    assert [r.reason for r in res] == ["llm_timeout", "llm_http_500", "", "llm_http_404", "llm_unparseable",
                                       "llm_unparseable"]
    assert res[2].text == "I am going al mercado"
    assert "2 attempt(s)" in res[1].detail  # 500 is retried, 404 is not
    paths = [p for p, _, _ in server.seen]
    assert paths.count("/v1/completions") == len(paths)
    assert sum(1 for _, b, _ in server.seen if "FIVE" in b["prompt"]) == 2
    assert sum(1 for _, b, _ in server.seen if "GONE" in b["prompt"]) == 1


def test_a_retry_after_503_succeeds(server):
    server.script = {"FLAKY": "flaky"}
    res = _gen(server).complete([Request("FLAKY")])
    assert res[0].ok and len(server.seen) == 2


def test_no_server_is_llm_unreachable():
    gen = OpenAIGenerator("http://127.0.0.1:9/v1", "tiny", timeout=0.5, retries=0)
    assert gen.complete([Request("x")])[0].reason == "llm_unreachable"


def test_results_keep_input_order_under_concurrency(server):
    server.answers = {f"[P{k}]": f"answer {k}" for k in range(12)}
    server.script = {f"[P{k}]": ("slow" if k % 3 == 0 else "ok") for k in range(12)}
    gen = _gen(server, concurrency=6, timeout=5)
    res = gen.complete([Request(f"[P{k}]") for k in range(12)])
    assert [r.text for r in res] == [f"answer {k}" for k in range(12)]


def test_body_seed_stop_chat_and_the_key_from_the_named_variable(server, monkeypatch):
    monkeypatch.setenv("CS_SYNTH_TEST_KEY", "sk-secret-123")
    gen = _gen(server, api="chat", api_key_env="CS_SYNTH_TEST_KEY", extra={"top_k": 1, "cache_prompt": False})
    assert gen.complete([Request("hello", seed=7)])[0].ok
    path, body, auth = server.seen[0]
    assert path == "/v1/chat/completions" and auth == "Bearer sk-secret-123"
    assert body["messages"] == [{"role": "user", "content": "hello"}] and body["seed"] == 7
    assert body["stop"] == ["\n"] and body["top_k"] == 1 and body["cache_prompt"] is False
    assert "sk-secret" not in json.dumps(gen.identity())


def test_config_refuses_a_key_in_the_config():
    with pytest.raises(ConfigError, match="option 'api_key_env'"):
        openai_factory(GenSpec(), base_url="http://x/v1", model="m", api_key_env="sk-abc def")
    with pytest.raises(ConfigError, match="option 'extra'"):
        openai_factory(GenSpec(), base_url="http://x/v1", model="m", extra={"api_key": "sk-1"})
    with pytest.raises(ConfigError, match="option 'base_url'"):
        openai_factory(GenSpec(), base_url="127.0.0.1:8000", model="m")


def _llm_cs(server, text="I am going to the market", **kw):
    return augment(text, src_lang="en", recipe="llm-cs", target_lang="es", backend="openai",
                   backend_options={"base_url": server.url, "model": "tiny", "timeout": 0.5, "retries": 0}, **kw)


def test_llm_cs_rejects_with_the_backend_reason(server):
    server.script = {"market": "500"}
    rec = _llm_cs(server)[0]
    assert rec.rejected and rec.reject_reason == "llm_http_500" and "answered 500" in rec.reject_detail
    server.script = {"market": "slow"}
    assert _llm_cs(server)[0].reject_reason == "llm_timeout"


@pytest.mark.parametrize("answer", ["", "  \n  ", "English: I am going\nIn Spanish:", "?!? 123", "\x00\x01 ab"])
def test_malformed_answers_are_llm_unparseable(server, answer):
    server.answers = {"market": answer}
    rec = _llm_cs(server)[0]
    assert rec.rejected and rec.reject_reason in ("llm_unparseable", "llm_empty"), rec.reject_reason


def test_an_unswitched_answer_is_not_written(server):
    server.answers = {"market": "I am going to the market"}
    assert _llm_cs(server)[0].reject_reason == "no_change"
    server.answers = {"market": "I am walking to the shop"}
    assert _llm_cs(server)[0].reject_reason == "llm_no_switch"


def test_llm_cs_output_tokens_langs_and_edits(server):
    server.answers = {"market": " I am going al mercado"}
    rec = _llm_cs(server)[0]
    assert not rec.rejected, rec.reject_detail
    assert rec.text == "I am going al mercado"
    assert rec.langs == ("en", "en", "en", "es", "es")
    assert rec.source_map == (0, 1, 2, -1, -1)
    switch, gen = rec.edits
    assert (switch.op, switch.before, switch.after) == ("llm_switch", "to the market", "al mercado")
    asked = json.loads(gen.detail)
    assert gen.op == "llm_generate" and gen.after == "I am going al mercado"
    assert asked["words"] == "to the market" and asked["prompt"] == "llm-cs.en-es.completion.txt"
    prompt = server.seen[0][1]["prompt"]
    assert prompt.endswith("English: I am going to the market\nIn Spanish: to the market\nMixed:")


def test_refine_pass_re_asks_once_when_the_judge_rates_low(server):
    server.answers = {"Code-switched attempt: I am going al mercado": " I am going al mercado hoy",
                      "Ratings of English-Spanish": " 9 naturalness: 5 fidelity: 9 cs_ratio: 8",
                      "market": " I am going al mercado"}
    rec = _llm_cs(server, refine_below=8)[0]
    assert not rec.rejected, rec.reject_detail
    assert rec.text == "I am going al mercado hoy"
    refine = rec.edits[-1]
    assert refine.op == "llm_refine" and refine.before == "I am going al mercado"
    assert json.loads(refine.detail)["ratings"]["llm_naturalness"] == 5.0
    assert len(server.seen) == 3  # ask, judge, refine: once


def test_no_refine_when_the_judge_is_content(server):
    server.answers = {"Ratings of English-Spanish": " 9 naturalness: 9 fidelity: 9 cs_ratio: 8",
                      "market": " I am going al mercado"}
    rec = _llm_cs(server, refine_below=8)[0]
    assert rec.text == "I am going al mercado" and rec.edits[-1].op == "llm_generate" and len(server.seen) == 2
