"""LLM judges as scorers (SwitchLingua style), and back-translation chrF.

``llm_judge`` asks a model (any generator backend: a local transformers
model or an OpenAI-compatible endpoint, with the response cache) to rate the
output from 1 to 10 on fluency, naturalness, fidelity to the source meaning
and adherence to the requested code-switching ratio.  The prompt is a
template file (``pipeline/score/prompts/llm-judge.txt`` for instruction
models, ``llm-judge.completion.txt`` few-shot for base models; ``prompt``
names the user's own).  It writes ``llm_fluency``, ``llm_naturalness``,
``llm_fidelity`` and ``llm_cs_ratio``; a rating the answer does not give (or
a failed call) is left out, so a filter on it reports
``missing_score_<name>`` and nothing is guessed.

``mt_fidelity`` back-translates the output into the source language with a
generator (Apertium ``spa-eng`` by default for en-es, unknown words kept)
and writes ``mt_fidelity``: chrF (sacrebleu, 0-100) of the back-translation
against the source sentence.

Filters read these scores like any other (``metric_range`` with
``metric: llm_naturalness, min: 8``).
"""
from __future__ import annotations

import re
from typing import Any, Dict, Literal, Optional

from pydantic import Field
from typing_extensions import Annotated

from cs_synth.pipeline import registry
from cs_synth.pipeline.generate.base import Request, build_generator
from cs_synth.pipeline.generate.prompts import lang_name, load_prompt
from cs_synth.pipeline.record import Record, detokenize
from cs_synth.pipeline.rng import derive_seed
from cs_synth.pipeline.score import register_score_names
from cs_synth.pipeline.units import ConfigError, Context

import os

PROMPTS = os.path.join(os.path.dirname(__file__), "prompts")
JUDGE_KEYS = {"fluency": "llm_fluency", "naturalness": "llm_naturalness", "fidelity": "llm_fidelity",
              "cs_ratio": "llm_cs_ratio"}
register_score_names(*JUDGE_KEYS.values(), "mt_fidelity")
FIELDS = ("source", "output", "src_name", "tgt_name", "src_lang", "tgt_lang", "ratio", "ratio_percent")
_RATING = re.compile(r"\b(fluency|naturalness|fidelity|cs[_ ]ratio)\s*[:=]\s*(\d{1,2})\b", re.I)


def parse_ratings(prompt: str, answer: str) -> Dict[str, float]:
    """``{"llm_fluency": 9.0, ...}`` from an answer; a completion prompt that
    ends with ``fluency:`` gets its label back in front of the answer."""
    tail = re.search(r"(fluency|naturalness|fidelity|cs_ratio)\s*:\s*$", prompt, re.I)
    text = (tail.group(1) + ": " + answer.lstrip()) if tail else answer
    out: Dict[str, float] = {}
    for name, value in _RATING.findall(text):
        key = JUDGE_KEYS[name.lower().replace(" ", "_")]
        v = int(value)
        if key not in out and 1 <= v <= 10:
            out[key] = float(v)
    return out


class LLMJudge:
    name = "llm_judge.v1"
    keys = tuple(JUDGE_KEYS.values())

    def __init__(self, generator, prompt, target_lang: str, cs_ratio: float, seed: int):
        self.generator, self.prompt, self.target_lang = generator, prompt, target_lang
        self.cs_ratio, self.seed = cs_ratio, seed

    def request(self, record: Record) -> Optional[Request]:
        tokens, _, spaces = record.current()
        if not tokens:
            return None
        src_lang = record.src_lang or "en"
        tgt = self.target_lang or record.tgt_lang or next((l for l in record.langs if l not in (src_lang, "zxx")), "")
        fields = {"source": record.src.text, "output": detokenize(tokens, spaces), "src_lang": src_lang,
                  "tgt_lang": tgt, "src_name": lang_name(src_lang), "tgt_name": lang_name(tgt),
                  "ratio": f"{self.cs_ratio:g}", "ratio_percent": f"{round(100 * self.cs_ratio)}"}
        return Request(self.prompt.render(**fields), seed=derive_seed(self.seed, record.id, self.name))

    def score_batch(self, records):
        reqs = [self.request(r) for r in records]
        live = [q for q in reqs if q is not None]
        results = iter(self.generator.complete(live)) if live else iter(())
        out = []
        for q in reqs:
            if q is None:
                out.append({})
                continue
            res = next(results)
            out.append(parse_ratings(q.prompt, res.text) if res.ok else {})
        return out

    def __call__(self, record: Record) -> Dict[str, float]:
        return self.score_batch([record])[0]


@registry.scorers.register("llm_judge")
def llm_judge(ctx: Context, *, backend: str = "openai", backend_options: Optional[Dict[str, Any]] = None,
              cache: Optional[str] = None, prompt: Optional[str] = None,
              style: Literal["completion", "chat"] = "chat", target_lang: str = "",
              cs_ratio: Annotated[float, Field(gt=0, le=1)] = 0.3) -> LLMJudge:
    names = ["llm-judge.completion.txt"] if style == "completion" else ["llm-judge.txt"]
    tmpl = load_prompt(ctx, "prompt", prompt, names, FIELDS, PROMPTS)
    opts = dict(backend_options or {})
    if backend == "openai" and style == "chat":
        opts.setdefault("stop", [])  # four lines of ratings
    gen = build_generator(ctx, backend, opts, tgt_lang=target_lang or ctx.tgt_lang, cache=cache)
    return LLMJudge(gen, tmpl, target_lang or ctx.tgt_lang, cs_ratio, ctx.seed)


class MTFidelity:
    name = "mt_fidelity.v1"
    keys = ("mt_fidelity",)

    def __init__(self, generator):
        self.generator = generator

    def score_batch(self, records):
        from sacrebleu.metrics import CHRF

        chrf = CHRF()
        texts = []
        for r in records:
            tokens, _, spaces = r.current()
            texts.append(detokenize(tokens, spaces) if tokens else "")
        live = [t for t in texts if t]
        results = iter(self.generator.translate(live)) if live else iter(())
        out = []
        for r, t in zip(records, texts):
            if not t:
                out.append({})
                continue
            res = next(results)
            out.append({"mt_fidelity": round(chrf.sentence_score(res.text, [r.src.text]).score, 4)} if res.ok
                       else {})
        return out

    def __call__(self, record: Record) -> Dict[str, float]:
        return self.score_batch([record])[0]


@registry.scorers.register("mt_fidelity")
def mt_fidelity(ctx: Context, *, from_lang: str = "", backend: str = "apertium",
                backend_options: Optional[Dict[str, Any]] = None, cache: Optional[str] = None) -> MTFidelity:
    """``from_lang``: the language the output is mostly in besides the
    source (default: ``input.tgt_lang``); the back-translation goes
    ``from_lang`` -> source language."""
    from_lang = from_lang or ctx.tgt_lang
    if not from_lang:
        raise ConfigError("option 'from_lang' is required when the input has no tgt_lang (the language to "
                          "back-translate from)")
    try:
        import sacrebleu  # noqa: F401
    except ImportError:
        raise ConfigError("mt_fidelity needs sacrebleu: pip install 'cs-synth[llm]'") from None
    opts = dict(backend_options or {})
    if backend == "apertium":
        opts.setdefault("allow_unknown", True)  # the switched text's other-language words stay as they are
    gen = build_generator(ctx, backend, opts, src_lang=from_lang, tgt_lang=ctx.src_lang, cache=cache)
    return MTFidelity(gen)
