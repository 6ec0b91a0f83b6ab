"""Naturalness: how surprising a causal language model finds the switch
points of an output, against the monolingual source it came from.

For a text, every word's surprisal is the sum of the negative log
probabilities (nats) of its subword tokens under the LM, given everything
before it.  For an output with switch points (a language change between two
language-tagged words), the scorer writes

``switch_surprisal``
    the mean surprisal of the words within ``window`` words of a switch
    point (the words on both sides of each change);
``naturalness``
    the source's mean word surprisal minus ``switch_surprisal``: 0 when the
    switch points are as predictable as an average word of the monolingual
    sentence, negative when the model finds them harder.  Higher is more
    natural.  Normalising by the source removes what the sentence itself
    costs (rare words, length), so scores compare across sentences.

An output with no switch point (or no text) gets neither score; filters
then report ``missing_score_naturalness``.  The model is any local causal LM
folder that transformers loads (``AutoModelForCausalLM``), on the GPU when
``device: auto`` finds one.  A multilingual LM that has seen code-switched
text (e.g. a Hinglish or multilingual base model) is what makes the score
meaningful; calibrate it on a rated set with
``benchmarks/naturalness_calibration.py``.
"""
from __future__ import annotations

import math
import os
from typing import Dict, List, Optional, Sequence, Tuple

from pydantic import Field
from typing_extensions import Annotated

from cs_synth.pipeline import registry
from cs_synth.pipeline.langs import LANG_INDEPENDENT, is_language_independent
from cs_synth.pipeline.record import Record, char_offsets, detokenize
from cs_synth.pipeline.score.scorers import _load_lm  # the perplexity scorer's loader: one model per process
from cs_synth.pipeline.units import ConfigError, Context


def _device(device: str) -> str:
    if device != "auto":
        return device
    try:
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    except ImportError:  # pragma: no cover
        return "cpu"


class WordSurprisal:
    """Per-word surprisal of texts under one causal LM, batched and cached."""

    def __init__(self, path: str, device: str = "cpu", max_length: int = 256, batch_size: int = 16):
        self.path = path
        self.device = _device(device)
        self.max_length = max_length
        self.batch_size = batch_size
        self._cache: Dict[Tuple[str, Tuple[Tuple[int, int], ...]], Tuple[float, ...]] = {}

    def __getstate__(self):
        return {**self.__dict__, "_cache": {}}

    def words(self, items: Sequence[Tuple[str, Sequence[Tuple[int, int]]]]) -> List[Tuple[float, ...]]:
        """For each ``(text, word character spans)``, each word's surprisal
        (nats); a word beyond ``max_length`` tokens gets NaN."""
        out: List[Optional[Tuple[float, ...]]] = []
        todo = []
        for k, (text, spans) in enumerate(items):
            key = (text, tuple(tuple(s) for s in spans))
            hit = self._cache.get(key)
            out.append(hit)
            if hit is None:
                todo.append((k, key))
        for b in range(0, len(todo), self.batch_size):
            chunk = todo[b:b + self.batch_size]
            for (k, key), vals in zip(chunk, self._score([key for _, key in chunk])):
                self._cache[key] = vals
                out[k] = vals
        return [o if o is not None else () for o in out]

    def _score(self, keys) -> List[Tuple[float, ...]]:
        import torch

        tok, model = _load_lm(self.path, self.device)
        encoded = [tok(text, add_special_tokens=False, return_offsets_mapping=True) for text, _ in keys]
        bos = tok.bos_token_id if tok.bos_token_id is not None else tok.eos_token_id
        pad = tok.pad_token_id if tok.pad_token_id is not None else (bos or 0)
        seqs = [([bos] if bos is not None else []) + list(e["input_ids"]) for e in encoded]
        seqs = [s[: self.max_length] for s in seqs]
        width = max(len(s) for s in seqs)
        ids = torch.full((len(seqs), width), pad, dtype=torch.long)
        mask = torch.zeros((len(seqs), width), dtype=torch.long)
        for r, s in enumerate(seqs):  # right padding: positions, and so the bytes, never depend on the batch
            ids[r, : len(s)] = torch.tensor(s, dtype=torch.long)
            mask[r, : len(s)] = 1
        with torch.no_grad():
            logits = model(input_ids=ids.to(self.device), attention_mask=mask.to(self.device)).logits.float()
            logp = torch.log_softmax(logits, dim=-1).cpu()
        results = []
        offset = 1 if bos is not None else 0
        for r, ((text, spans), e) in enumerate(zip(keys, encoded)):
            n_tok = len(seqs[r]) - offset
            nll = [-float(logp[r, p + offset - 1, seqs[r][p + offset]]) if p + offset >= 1 else float("nan")
                   for p in range(n_tok)]
            offsets = e["offset_mapping"][:n_tok]
            end = offsets[-1][1] if offsets else 0  # text past here was cut at max_length
            vals = []
            for a, b in spans:
                # a word's tokens: those starting inside it, and the
                # whitespace token(s) right before it (byte-level BPE gives the
                # space its own token or glues it to the word)
                sub = [x for (s, t), x in zip(offsets, nll) if s < b and (s >= a or text[s:a].isspace())]
                # rounded: the last bits of a float sum may differ between batch shapes
                vals.append(round(float(sum(sub)), 4) if sub and end >= b else float("nan"))
            results.append(tuple(vals))
        return results


def switch_points(langs: Sequence[str]) -> List[int]:
    """Indices ``k`` of language-tagged tokens whose previous language-tagged
    token has another language (the first token after each switch)."""
    out, prev = [], None
    for k, lang in enumerate(langs):
        if lang == LANG_INDEPENDENT:
            continue
        if prev is not None and lang != prev:
            out.append(k)
        prev = lang
    return out


class _Naturalness:
    def __init__(self, lm: WordSurprisal, window: int):
        self.lm = lm
        self.window = window

    def _items(self, record: Record):
        toks, langs, spaces = (record.tokens, record.langs, record.spaces) if record.tokens else record.current()
        points = switch_points(langs)
        if not points or not toks:
            return None
        words = [k for k, l in enumerate(langs) if l != LANG_INDEPENDENT]
        pos = {k: n for n, k in enumerate(words)}
        near = set()
        for k in points:
            n = pos[k]
            for m in range(max(0, n - self.window), min(len(words), n + self.window)):
                near.add(words[m])
        out_text = detokenize(toks, spaces)
        out_spans = char_offsets(toks, spaces)
        src = record.src
        src_spaces = src.token_spaces() if hasattr(src, "token_spaces") else src.spaces
        src_text = detokenize(src.tokens, src_spaces)
        src_spans = [s for s, t in zip(char_offsets(src.tokens, src_spaces), src.tokens)
                     if t and not is_language_independent(t)]
        return (out_text, [out_spans[k] for k in sorted(near)]), (src_text, src_spans)

    def batch(self, records: Sequence[Record]) -> List[Dict[str, float]]:
        plans = [self._items(r) for r in records]
        items = [x for p in plans if p is not None for x in p]
        vals = iter(self.lm.words(items))
        out = []
        for p in plans:
            if p is None:
                out.append({})
                continue
            at_switch, src = next(vals), next(vals)
            a = [v for v in at_switch if not math.isnan(v)]
            s = [v for v in src if not math.isnan(v)]
            if not a or not s:
                out.append({})
                continue
            sw = sum(a) / len(a)
            out.append({"switch_surprisal": round(sw, 4), "naturalness": round(sum(s) / len(s) - sw, 4)})
        return out

    def __call__(self, record: Record) -> Dict[str, float]:
        return self.batch([record])[0]


class NaturalnessScorer:
    """The registered scorer: per record, or a batch at once."""

    keys = ("naturalness", "switch_surprisal")

    def __init__(self, impl: _Naturalness):
        self.name = "naturalness.v1"
        self._impl = impl

    def __call__(self, record: Record) -> Dict[str, float]:
        return self._impl(record)

    def score_batch(self, records: Sequence[Record]) -> List[Dict[str, float]]:
        return self._impl.batch(records)


@registry.scorers.register("naturalness")
def naturalness(ctx: Context, *, model: str, window: Annotated[int, Field(ge=1)] = 1,
                max_length: Annotated[int, Field(ge=2)] = 256, batch_size: Annotated[int, Field(ge=1)] = 16,
                device: str = "cpu") -> NaturalnessScorer:
    """``model``: a local causal LM folder (``save_pretrained`` output);
    ``window``: words on each side of a switch point that count;
    ``device``: ``cpu``, ``cuda``, or ``auto`` (the GPU when there is one)."""
    path = ctx.require_file("model", model)
    if "://" not in path and not os.path.exists(os.path.join(path, "config.json")):
        raise ConfigError(f"model: {path} has no config.json; give the folder written by "
                          f"save_pretrained() of a transformers causal LM")
    return NaturalnessScorer(_Naturalness(WordSurprisal(path, device, max_length, batch_size), window))
