"""Fixtures for the generation backends: tiny random-weight models built
offline (``cs_synth.pipeline.testing.tiny_models``), once per test session, and a
small real OpenAI-compatible HTTP server on 127.0.0.1 whose answers,
errors and delays each test scripts (``server.script``/``server.answers``,
keyed by a piece of the prompt)."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cs_synth.pipeline.testing.tiny_models import build_tiny_causal_lm, build_tiny_seq2seq, sample_sentences

CORPUS = sample_sentences() + [
    "I am going to the market .", "voy al mercado .", "the old man sells apples .", "el viejo vende manzanas .",
    "Mixed: I left my keys en el coche .", "English: In Spanish: fluency: naturalness: fidelity: cs_ratio:",
]


@pytest.fixture(scope="session")
def tiny_lm(tmp_path_factory):
    return build_tiny_causal_lm(str(tmp_path_factory.mktemp("tiny") / "gpt2"), CORPUS, max_positions=1024)


@pytest.fixture(scope="session")
def tiny_mt(tmp_path_factory):
    return build_tiny_seq2seq(str(tmp_path_factory.mktemp("tiny") / "marian"), CORPUS)


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8"))
        srv = self.server
        srv.seen.append((self.path, body, self.headers.get("Authorization")))
        prompt = body.get("prompt") or body["messages"][-1]["content"]
        key = next((k for k in list(srv.script) + list(srv.answers) if k in prompt), None)
        action = srv.script.get(key, "ok")
        if action == "slow":
            time.sleep(1.5)
        if action == "500":
            return self._send(500, {"error": "boom"})
        if action == "flaky" and srv.flaky.setdefault(key, 0) < 1:
            srv.flaky[key] += 1
            return self._send(503, {"error": "busy"})
        if action == "404":
            return self._send(404, {"error": "no such model"})
        if action == "nojson":
            return self._send(200, None, raw=b"<html>oops</html>")
        if action == "nochoices":
            return self._send(200, {"object": "text_completion"})
        text = srv.answers.get(key, " I am going al mercado")
        choice = {"message": {"role": "assistant", "content": text}} if "messages" in body else {"text": text}
        return self._send(200, {"choices": [choice]})

    def _send(self, code, payload, raw=None):
        data = raw if raw is not None else json.dumps(payload).encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.seen, srv.script, srv.answers, srv.flaky = [], {}, {}, {}
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    srv.url = f"http://127.0.0.1:{srv.server_address[1]}/v1"
    yield srv
    srv.shutdown()
    srv.server_close()
