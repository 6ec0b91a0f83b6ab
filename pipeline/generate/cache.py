"""The response cache: finished model calls, on disk, keyed by what they
depend on.

The key is the SHA-256 of the JSON of: the backend's :meth:`identity`
(backend, model, decoding options; never an API key), the call kind
(``translate`` or ``complete``), the prompt, and the request's seed when
the backend samples.  Each entry is one small JSON file,
``<dir>/<key[:2]>/<key>.json``, written under a temporary name and renamed
into place, so a killed run leaves no half entry and a rerun (or a retried
Beam bundle, or another worker) finds every finished call and pays only for
the rest.  The folder may be local or any Beam FileSystems path
(``gs://``, ``s3://``).  Only successful results are stored: a timeout or
an HTTP error is tried again next time.
"""
from __future__ import annotations

import hashlib
import json
import os
import uuid
from typing import Any, Dict, List, Optional, Sequence

from cs_synth.pipeline.generate.base import Generated, Generator, Request


def cache_key(identity: Dict[str, Any], kind: str, prompt: str, seed: Optional[int]) -> str:
    blob = json.dumps({"identity": identity, "kind": kind, "prompt": prompt, "seed": seed},
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class ResponseCache:
    def __init__(self, root: str):
        self.root = root
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> str:
        from apache_beam.io.filesystems import FileSystems

        return FileSystems.join(self.root, key[:2], key + ".json")

    def get(self, key: str) -> Optional[str]:
        from apache_beam.io.filesystems import FileSystems

        path = self._path(key)
        try:
            if not FileSystems.exists(path):
                return None
            with FileSystems.open(path) as fh:
                entry = json.loads(fh.read().decode("utf-8"))
        except (OSError, ValueError):
            return None  # unreadable entry: pay for the call again
        if not isinstance(entry, dict) or entry.get("key") != key or not isinstance(entry.get("text"), str):
            return None
        return entry["text"]

    def put(self, key: str, text: str) -> None:
        from apache_beam.io.filesystems import FileSystems

        path = self._path(key)
        data = json.dumps({"key": key, "text": text}, ensure_ascii=False, sort_keys=True).encode("utf-8")
        if "://" not in path:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            tmp = f"{path}.{uuid.uuid4().hex}.tmp"
            with open(tmp, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)  # atomic: readers see the whole entry or none
            return
        # object stores write an object whole when the stream closes
        with FileSystems.create(path) as fh:
            fh.write(data)


class CachedGenerator(Generator):
    """``inner`` behind a :class:`ResponseCache`: the same calls, the same
    results; only the misses reach the model, in one batch call."""

    def __init__(self, inner: Generator, cache: ResponseCache):
        self.inner, self.cache = inner, cache
        self.name = inner.name

    def identity(self):
        return self.inner.identity()

    @property
    def samples(self) -> bool:
        return self.inner.samples

    def describe(self) -> str:
        return self.inner.describe()

    def __getattr__(self, name):  # mode, model, ... of the wrapped backend
        if name in ("inner", "cache"):
            raise AttributeError(name)
        return getattr(self.inner, name)

    def _through(self, kind: str, prompts: Sequence[str], seeds: Sequence[Optional[int]], call) -> List[Generated]:
        identity = self.inner.identity()
        keys = [cache_key(identity, kind, p, s if self.inner.samples else None) for p, s in zip(prompts, seeds)]
        out: List[Optional[Generated]] = []
        todo: List[int] = []
        for k, key in enumerate(keys):
            text = self.cache.get(key)
            if text is None:
                out.append(None)
                todo.append(k)
                self.cache.misses += 1
            else:
                out.append(Generated(text=text))
                self.cache.hits += 1
        if todo:
            # duplicates inside one batch go to the model once
            first: Dict[str, int] = {}
            unique = [k for k in todo if first.setdefault(keys[k], k) == k]
            results = call(unique)
            by_key = {}
            for k, res in zip(unique, results):
                by_key[keys[k]] = res
                if res.ok:
                    self.cache.put(keys[k], res.text)
            for k in todo:
                out[k] = by_key[keys[k]]
        return out  # type: ignore[return-value]

    def translate(self, texts: Sequence[str]) -> List[Generated]:
        texts = list(texts)
        return self._through("translate", texts, [None] * len(texts),
                             lambda idx: self.inner.translate([texts[k] for k in idx]))

    def complete(self, requests: Sequence[Request]) -> List[Generated]:
        requests = list(requests)
        return self._through("complete", [r.prompt for r in requests], [r.seed for r in requests],
                             lambda idx: self.inner.complete([requests[k] for k in idx]))
