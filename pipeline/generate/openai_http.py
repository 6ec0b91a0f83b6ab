"""An OpenAI-compatible HTTP endpoint: vLLM, llama.cpp's server (or
llama-cpp-python's), Ollama, ``transformers serve``, a hosted API.

Options: ``base_url`` (``http://127.0.0.1:8000/v1``), ``model``,
``api_key_env`` (the *name* of the environment variable that holds the key;
the key itself is read when a call is made and is never stored in a config
dump, a cache key, an output or the manifest), ``api``: ``completions``
(``/completions``, raw prompts: what a base model needs, with few-shot
prompts) or ``chat`` (``/chat/completions``, the prompt as one user
message), decoding (``temperature`` 0 by default, ``top_p``, ``max_tokens``,
``stop``), and ``extra``: more body fields, e.g. ``{top_k: 1,
cache_prompt: false}`` for llama.cpp.  Each request carries its seed
(``seed``, drawn from the record's rng).

Calls run in a thread pool of ``concurrency`` at most.  Each has a
``timeout``; a timeout, a connection error, HTTP 429 and 5xx are retried
``retries`` times with exponential backoff (``backoff`` seconds, doubled
each time).  What still fails becomes that item's reason, and the run goes
on: ``llm_timeout``, ``llm_http_<code>`` (``llm_http_500``),
``llm_unreachable`` (no server), ``llm_unparseable`` (a body without a
completion text).
"""
from __future__ import annotations

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Literal, Mapping, Optional, Sequence

from pydantic import Field
from typing_extensions import Annotated

from cs_synth.pipeline.generate.base import Generated, Generator, GenSpec, Request, generators
from cs_synth.pipeline.units import ConfigError

RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


class OpenAIGenerator(Generator):
    name = "openai.v1"

    def __init__(self, base_url: str, model: str, *, api: str = "completions", api_key_env: str = "",
                 temperature: float = 0.0, top_p: float = 1.0, max_tokens: int = 64, stop: Sequence[str] = ("\n",),
                 timeout: float = 60.0, retries: int = 2, backoff: float = 0.5, concurrency: int = 4,
                 extra: Optional[Mapping[str, Any]] = None, translate_prompt: str = "", send_seed: bool = True):
        self.base_url, self.model, self.api, self.api_key_env = base_url.rstrip("/"), model, api, api_key_env
        self.temperature, self.top_p, self.max_tokens, self.stop = temperature, top_p, max_tokens, tuple(stop)
        self.timeout, self.retries, self.backoff, self.concurrency = timeout, retries, backoff, concurrency
        self.extra = dict(extra or {})
        self.translate_prompt, self.send_seed = translate_prompt, send_seed
        self.calls = 0  # HTTP requests sent (retries included)

    def identity(self) -> Dict[str, Any]:
        # the endpoint's host may change (a new port for the same server);
        # what the output depends on is the model and the decoding
        return {"backend": self.name, "model": self.model, "api": self.api, "temperature": self.temperature,
                "top_p": self.top_p, "max_tokens": self.max_tokens, "stop": list(self.stop),
                "extra": json.loads(json.dumps(self.extra, sort_keys=True)), "send_seed": self.send_seed}

    @property
    def samples(self) -> bool:
        return self.temperature > 0

    def describe(self) -> str:
        return f"{self.name} {self.model}"

    # -- one call --------------------------------------------------------------
    def _body(self, req: Request) -> Dict[str, Any]:
        body: Dict[str, Any] = {"model": self.model, "temperature": self.temperature, "top_p": self.top_p,
                                "max_tokens": self.max_tokens}
        if self.stop:
            body["stop"] = list(self.stop)
        if self.send_seed:
            body["seed"] = int(req.seed) % (2 ** 31)
        if self.api == "chat":
            body["messages"] = [{"role": "user", "content": req.prompt}]
        else:
            body["prompt"] = req.prompt
        body.update(self.extra)
        return body

    def _headers(self) -> Dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.api_key_env:
            key = os.environ.get(self.api_key_env, "")
            if key:
                headers["Authorization"] = f"Bearer {key}"
        return headers

    def _parse(self, payload: Any) -> Generated:
        try:
            choice = payload["choices"][0]
            text = choice["message"]["content"] if self.api == "chat" else choice["text"]
        except (KeyError, IndexError, TypeError):
            return Generated(reason="llm_unparseable",
                             detail=f"{self.describe()}: no completion text in the response "
                                    f"{json.dumps(payload, ensure_ascii=False)[:200]}")
        if not isinstance(text, str):
            return Generated(reason="llm_unparseable", detail=f"{self.describe()}: completion is not a string")
        text = text.strip()
        if not text:
            return Generated(reason="llm_empty", detail=f"{self.describe()}: empty completion")
        return Generated(text=text)

    def _one(self, req: Request) -> Generated:
        import httpx

        url = f"{self.base_url}/{'chat/completions' if self.api == 'chat' else 'completions'}"
        body = self._body(req)
        last = Generated(reason="llm_unreachable", detail="no attempt made")
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * (2 ** (attempt - 1)))
            self.calls += 1
            try:
                resp = httpx.post(url, json=body, headers=self._headers(), timeout=self.timeout)
            except httpx.TimeoutException as exc:
                last = Generated(reason="llm_timeout", detail=f"{self.describe()}: no answer from {url} within "
                                 f"{self.timeout:g} s ({type(exc).__name__}), {attempt + 1} attempt(s)")
                continue
            except httpx.HTTPError as exc:
                last = Generated(reason="llm_unreachable", detail=f"{self.describe()}: {url}: "
                                 f"{type(exc).__name__}: {exc}"[:300])
                continue
            if resp.status_code != 200:
                last = Generated(reason=f"llm_http_{resp.status_code}",
                                 detail=f"{self.describe()}: {url} answered {resp.status_code} after "
                                        f"{attempt + 1} attempt(s): {resp.text[:200]}")
                if resp.status_code in RETRY_STATUS:
                    continue
                return last
            try:
                payload = resp.json()
            except ValueError:
                return Generated(reason="llm_unparseable", detail=f"{self.describe()}: response is not JSON: "
                                 f"{resp.text[:200]!r}")
            return self._parse(payload)
        return last

    def complete(self, requests: Sequence[Request]) -> List[Generated]:
        requests = list(requests)
        if len(requests) <= 1 or self.concurrency == 1:
            return [self._one(r) for r in requests]
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(requests))) as pool:
            return list(pool.map(self._one, requests))  # map keeps the input order

    def translate(self, texts: Sequence[str]) -> List[Generated]:
        if not self.translate_prompt:
            raise ConfigError("backend_options.translate_prompt: needed to translate with an LLM endpoint "
                              "(a template with $text)")
        from string import Template

        return self.complete([Request(Template(self.translate_prompt).safe_substitute(text=t)) for t in texts])


def openai_factory(spec: GenSpec, *, base_url: str, model: str, api: Literal["completions", "chat"] = "completions",
                   api_key_env: str = "", temperature: Annotated[float, Field(ge=0)] = 0.0,
                   top_p: Annotated[float, Field(gt=0, le=1)] = 1.0, max_tokens: Annotated[int, Field(ge=1)] = 64,
                   stop: Sequence[str] = ("\n",), timeout: Annotated[float, Field(gt=0)] = 60.0,
                   retries: Annotated[int, Field(ge=0)] = 2, backoff: Annotated[float, Field(ge=0)] = 0.5,
                   concurrency: Annotated[int, Field(ge=1)] = 4, extra: Optional[Dict[str, Any]] = None,
                   translate_prompt: str = "", send_seed: bool = True) -> OpenAIGenerator:
    if not base_url.startswith(("http://", "https://")):
        raise ConfigError(f"option 'base_url': expected an http(s) URL such as http://127.0.0.1:8000/v1, "
                          f"got {base_url!r}")
    if api_key_env and not api_key_env.replace("_", "").isalnum():
        raise ConfigError(f"option 'api_key_env': the name of an environment variable, got {api_key_env!r} "
                          f"(never put the key itself in a config)")
    for bad in ("api_key", "key", "authorization"):
        if extra and bad in {k.lower() for k in extra}:
            raise ConfigError(f"option 'extra': {bad!r} does not belong in a config; name the environment "
                              f"variable in api_key_env")
    return OpenAIGenerator(base_url, model, api=api, api_key_env=api_key_env, temperature=temperature, top_p=top_p,
                           max_tokens=max_tokens, stop=tuple(stop), timeout=timeout, retries=retries, backoff=backoff,
                           concurrency=concurrency, extra=extra, translate_prompt=translate_prompt,
                           send_seed=send_seed)


generators.register("openai", func=openai_factory)
