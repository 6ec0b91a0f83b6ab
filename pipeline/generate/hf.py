"""Local ``transformers`` models: seq2seq MT (Marian opus-mt, NLLB,
M2M-100, mBART) and causal LMs, from a local folder or a model name already
in the HF cache (``HF_HUB_OFFLINE`` is respected; nothing is downloaded
unless the user's environment allows it).

* ``translate(texts)``: a seq2seq model translates each text (NLLB/mBART/M2M
  take ``src_code``/``tgt_code``, e.g. ``eng_Latn``/``spa_Latn``; the target
  code is forced as the first generated token).  A causal LM can translate
  too when ``translate_prompt`` is given (a template with ``$text``).
* ``complete(requests)``: a causal LM continues each prompt (left padded);
  a seq2seq model (T5, mT0, NLLB) generates from it.  Generation stops at the
  first ``stop`` string (default: a new line), which is cut off.

Batching by length bucket: each text is padded to the next multiple of
``bucket`` tokens (8), texts of one bucket share batches of up to
``batch_size``, and results come back in input order.  A text's padding
depends only on its own length, never on its batch, so batch size and
batch boundaries do not change its numbers (with ``padding=True`` to the
longest in the batch they did: greedy outputs of a causal LM differed
between batch sizes 1 and 16).  Greedy (``num_beams: 1``) or beam search by default, which need no
randomness.  With ``do_sample: true`` every request is generated alone,
under ``torch.random.fork_rng`` seeded from the request's seed (drawn from
the record's rng), so a record's output depends on nothing but its seed,
and the global torch random state is left as it was.  The model goes on the
GPU when there is one (``device: auto``).  ``calls`` counts ``generate()``
calls (tests use it to see that the cache skips the model).
"""
from __future__ import annotations

import os
import threading
from typing import Any, Dict, List, Literal, Optional, Sequence

from pydantic import Field
from typing_extensions import Annotated

from cs_synth.pipeline.generate.base import Generated, Generator, GenSpec, Request, generators
from cs_synth.pipeline.units import ConfigError


class HFGenerator(Generator):
    name = "hf.v1"

    def __init__(self, model: str, *, device: str = "auto", batch_size: int = 16, max_new_tokens: int = 64,
                 num_beams: int = 1, do_sample: bool = False, temperature: float = 1.0, top_p: float = 1.0,
                 top_k: int = 0, src_code: str = "", tgt_code: str = "", stop: Sequence[str] = ("\n",),
                 translate_prompt: str = "", dtype: str = "float32", label: str = "", bucket: int = 8):
        self.model_path = model
        self.device_opt, self.batch_size, self.max_new_tokens = device, batch_size, max_new_tokens
        self.num_beams, self.do_sample = num_beams, do_sample
        self.temperature, self.top_p, self.top_k = temperature, top_p, top_k
        self.src_code, self.tgt_code = src_code, tgt_code
        self.stop = tuple(stop)
        self.translate_prompt, self.dtype, self.bucket = translate_prompt, dtype, bucket
        self.label = label or os.path.basename(os.path.normpath(model))
        self.calls = 0
        self._model = self._tok = None
        self._lock = threading.Lock()

    def __getstate__(self):
        state = dict(self.__dict__)
        state.update(_model=None, _tok=None, _lock=None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.Lock()

    # -- identity ------------------------------------------------------------
    def fingerprint(self) -> str:
        """The model's name and a hash of its config, tokenizer and weight
        sizes: two folders that happen to share a name do not share cache
        entries."""
        import hashlib

        h = hashlib.sha256()
        if os.path.isdir(self.model_path):
            for fn in sorted(os.listdir(self.model_path)):
                full = os.path.join(self.model_path, fn)
                if not os.path.isfile(full):
                    continue
                if fn.endswith((".json", ".model", ".txt")) and os.path.getsize(full) < 50_000_000:
                    with open(full, "rb") as fh:
                        h.update(fn.encode() + b"\0" + fh.read())
                else:
                    h.update(f"{fn}:{os.path.getsize(full)}".encode())
        return f"{self.label}@{h.hexdigest()[:16]}"

    def identity(self) -> Dict[str, Any]:
        if not hasattr(self, "_fp"):
            self._fp = self.fingerprint()
        return {"backend": self.name, "model": self._fp, "max_new_tokens": self.max_new_tokens,
                "num_beams": self.num_beams, "do_sample": self.do_sample, "temperature": self.temperature,
                "top_p": self.top_p, "top_k": self.top_k, "src_code": self.src_code, "tgt_code": self.tgt_code,
                "stop": list(self.stop), "translate_prompt": self.translate_prompt, "dtype": self.dtype,
                "bucket": self.bucket}

    @property
    def samples(self) -> bool:
        return self.do_sample

    def describe(self) -> str:
        return f"{self.name} {self.label}"

    # -- loading -------------------------------------------------------------
    def _load(self):
        if self._model is not None:
            return
        with self._lock:
            if self._model is not None:
                return
            import torch
            from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer

            config = AutoConfig.from_pretrained(self.model_path)
            self.seq2seq = bool(getattr(config, "is_encoder_decoder", False))
            tok = AutoTokenizer.from_pretrained(self.model_path)
            cls = AutoModelForSeq2SeqLM if self.seq2seq else AutoModelForCausalLM
            dtype = getattr(torch, self.dtype)
            model = cls.from_pretrained(self.model_path, dtype=dtype)
            if self.device_opt == "auto":
                device = "cuda" if torch.cuda.is_available() else "cpu"
            else:
                device = self.device_opt
            model.to(device).eval()
            if not self.seq2seq:
                tok.padding_side = "left"
                if tok.pad_token is None:
                    tok.pad_token = tok.eos_token
            if self.src_code and hasattr(tok, "src_lang"):
                tok.src_lang = self.src_code
            self.device = device
            self.max_positions = next((int(v) for v in (getattr(config, a, None) for a in (
                "max_position_embeddings", "n_positions", "max_seq_len")) if isinstance(v, int) and v > 0), 0)
            self._tok, self._model = tok, model

    # -- generation ------------------------------------------------------------
    def _gen_kwargs(self) -> Dict[str, Any]:
        kw: Dict[str, Any] = {"max_new_tokens": self.max_new_tokens, "num_beams": self.num_beams,
                              "do_sample": self.do_sample}
        if self.do_sample:
            kw.update(temperature=self.temperature, top_p=self.top_p, top_k=self.top_k)
        if self.seq2seq and self.tgt_code:
            tid = self._tok.convert_tokens_to_ids(self.tgt_code)
            if tid is None or tid == self._tok.unk_token_id:
                raise ConfigError(f"option 'tgt_code': {self.tgt_code!r} is not a token of {self.model_path}")
            kw["forced_bos_token_id"] = tid
        pad = self._tok.pad_token_id
        if pad is not None:
            kw["pad_token_id"] = pad
        return kw

    def _padded(self, length: int) -> int:
        """The length a prompt of ``length`` tokens is padded to: the next
        multiple of ``bucket``, whatever else is in its batch."""
        b = max(1, self.bucket)
        return -(-length // b) * b

    def _run(self, prompts: List[str], length: Optional[int] = None) -> List[str]:
        """Generated continuations of ``prompts`` (one generate() call), all
        padded to ``length`` tokens (a prompt's padding never depends on
        its batch, so neither do its numbers)."""
        import torch

        if length is None:
            length = self._padded(max(len(self._tok(p)["input_ids"]) for p in prompts))
        enc = self._tok(prompts, return_tensors="pt", padding="max_length", max_length=length)
        enc = {k: v.to(self.device) for k, v in enc.items()}
        with torch.no_grad():
            out = self._model.generate(**enc, **self._gen_kwargs())
        self.calls += 1
        if not self.seq2seq:
            out = out[:, enc["input_ids"].shape[1]:]
        return self._tok.batch_decode(out, skip_special_tokens=True)

    def _cut(self, text: str, strip_stop: bool) -> str:
        if strip_stop:
            text = text.lstrip(" ")
            cut = [text.find(s) for s in self.stop if s and text.find(s) >= 0]
            if cut:
                text = text[:min(cut)]
        return text.strip()

    def _generate(self, prompts: Sequence[str], seeds: Sequence[int], strip_stop: bool) -> List[Generated]:
        self._load()
        import torch

        n = len(prompts)
        texts: List[Optional[str]] = [None] * n
        errors: Dict[int, str] = {}
        lengths = [len(self._tok(p)["input_ids"]) for p in prompts]
        limit = self.max_positions - (0 if self.seq2seq else self.max_new_tokens)
        if self.max_positions:
            for k in range(n):
                if lengths[k] > limit:
                    errors[k] = (f"prompt of {lengths[k]} tokens does not fit the model's {self.max_positions} "
                                 f"positions" + ("" if self.seq2seq else f" with {self.max_new_tokens} new tokens"))
        if self.do_sample:
            for k in range(n):
                if k in errors:
                    continue
                with torch.random.fork_rng(devices=[] if self.device == "cpu" else None):
                    torch.manual_seed(int(seeds[k]) % (2 ** 63))
                    texts[k] = self._run([prompts[k]])[0]
        else:
            # length buckets: prompts padded to the same multiple of `bucket`
            # tokens share batches of up to `batch_size`
            order = sorted((k for k in range(n) if k not in errors), key=lambda k: (self._padded(lengths[k]), k))
            batches: List[List[int]] = []
            for k in order:
                if batches and len(batches[-1]) < self.batch_size and \
                        self._padded(lengths[batches[-1][0]]) == self._padded(lengths[k]):
                    batches[-1].append(k)
                else:
                    batches.append([k])
            for idx in batches:
                try:
                    outs = self._run([prompts[k] for k in idx])
                except Exception as exc:  # noqa: BLE001 - one bad batch: try its items one by one
                    if len(idx) == 1:
                        errors[idx[0]] = f"{type(exc).__name__}: {exc}"[:300]
                        continue
                    outs = []
                    for k in idx:
                        try:
                            outs.append(self._run([prompts[k]])[0])
                        except Exception as exc1:  # noqa: BLE001
                            errors[k] = f"{type(exc1).__name__}: {exc1}"[:300]
                            outs.append(None)
                for k, o in zip(idx, outs):
                    texts[k] = o
        res = []
        for k in range(n):
            if k in errors:
                reason = "llm_prompt_too_long" if "does not fit" in errors[k] else "generation_failed"
                res.append(Generated(reason=reason, detail=f"{self.describe()}: {errors[k]}"))
                continue
            text = self._cut(texts[k] or "", strip_stop)
            res.append(Generated(text=text) if text else
                       Generated(reason="llm_empty", detail=f"{self.describe()}: empty output"))
        return res

    def translate(self, texts: Sequence[str]) -> List[Generated]:
        if not texts:
            return []
        if self._model is None:
            self._load()
        if self.seq2seq:
            return self._generate(list(texts), [0] * len(texts), strip_stop=False)
        if not self.translate_prompt:
            raise ConfigError(f"{self.model_path} is a causal LM: give backend_options.translate_prompt "
                              f"(a template with $text) to translate with it")
        from string import Template

        prompts = [Template(self.translate_prompt).safe_substitute(text=t) for t in texts]
        return self._generate(prompts, [0] * len(texts), strip_stop=True)

    def complete(self, requests: Sequence[Request]) -> List[Generated]:
        if not requests:
            return []
        return self._generate([r.prompt for r in requests], [r.seed for r in requests], strip_stop=True)


def hf_factory(spec: GenSpec, *, model: str, device: str = "auto",
               batch_size: Annotated[int, Field(ge=1)] = 16, max_new_tokens: Annotated[int, Field(ge=1)] = 64,
               num_beams: Annotated[int, Field(ge=1)] = 1, do_sample: bool = False,
               temperature: Annotated[float, Field(gt=0)] = 1.0,
               top_p: Annotated[float, Field(gt=0, le=1)] = 1.0, top_k: Annotated[int, Field(ge=0)] = 0,
               src_code: str = "", tgt_code: str = "", stop: Sequence[str] = ("\n",), translate_prompt: str = "",
               dtype: Literal["float32", "float16", "bfloat16"] = "float32",
               bucket: Annotated[int, Field(ge=1)] = 8) -> HFGenerator:
    """Checks at config time that the model folder exists and holds a config
    (the weights are loaded at first use, in each worker)."""
    path = spec.resolve(model)
    if os.path.isdir(path):
        if not os.path.exists(os.path.join(path, "config.json")):
            raise ConfigError(f"option 'model': {path} has no config.json (not a transformers model folder)")
    elif "://" in path or os.path.sep in model or model.startswith("."):
        raise ConfigError(f"option 'model': model folder not found: {path}")
    else:
        try:  # a hub name: only if it is already in the local cache
            from huggingface_hub import try_to_load_from_cache

            if not isinstance(try_to_load_from_cache(model, "config.json"), str):
                raise ConfigError(f"option 'model': {model!r} is neither a folder nor a model in the local "
                                  f"Hugging Face cache; download it first (huggingface-cli download {model})")
        except ImportError:
            pass
    return HFGenerator(path, device=device, batch_size=batch_size, max_new_tokens=max_new_tokens,
                       num_beams=num_beams, do_sample=do_sample, temperature=temperature, top_p=top_p, top_k=top_k,
                       src_code=src_code, tgt_code=tgt_code, stop=tuple(stop), translate_prompt=translate_prompt,
                       dtype=dtype, bucket=bucket)


generators.register("transformers", func=hf_factory)
