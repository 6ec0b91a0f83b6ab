"""``llm-dialect``: an LLM applies one eWAVE feature (the Trans-EnV
approach).

For each record one feature is drawn (record rng) from ``features`` (eWAVE
IDs) or from the features a ``variety`` attests in ``ewave.csv`` (ratings
A/B/C; ``only_without_rules: true`` keeps only the features the rule engine
of the ``dialect`` recipe does not implement, so ``[dialect, llm-dialect]``
uses rules where they exist and the LLM elsewhere).  The model gets the
feature's name and example from ``ewave.csv`` and rewrites the sentence
(few-shot completion prompt by default, ``style: chat`` for instruction
models, ``prompt`` for the user's own template).

The answer is read back as one line, tokenized and compared with the text
it rewrote (the source, or the previous step's output): each changed block
becomes an edit of unit ``ewave.f<ID>.llm.v1`` whose detail names the
feature; tokens keep the source language.  An unchanged answer is rejected
``no_change``, an unreadable one ``llm_unparseable``, a failed call with the
backend's reason.
"""
from __future__ import annotations

from typing import Any, Dict, List, Literal, Optional, Sequence

from cs_synth.pipeline.generate.base import Request, build_generator
from cs_synth.pipeline.record import Record, detokenize
from cs_synth.pipeline.registry import register_recipe
from cs_synth.pipeline.units import ConfigError, Context
from cs_synth.transforms.common import Base, Replacement, build_output
from cs_synth.transforms.generate.prompting import answer_line, diff_blocks, load_prompt, tokenize

FIELDS = ("source", "feature_id", "feature_name", "feature_example")


class LLMDialect:
    name = "llm_dialect.v1"
    recipe = "llm-dialect"
    requires = ()
    provides = ("output",)

    def __init__(self, generator, prompt, features):
        self.generator, self.prompt, self.features = generator, prompt, features  # [(id, name, example)]

    def __call__(self, record: Record, rng):
        return self.batch([record], [rng])[0]

    def batch(self, records: Sequence[Record], rngs: Sequence) -> List[List[Record]]:
        outs: List[List[Record]] = [[] for _ in records]
        asks, reqs = [], []
        for k, (record, rng) in enumerate(zip(records, rngs)):
            if record.rejected:
                outs[k] = [record]
                continue
            feature = self.features[rng.randrange(len(self.features))]
            tokens, _, spaces = record.current()
            text = detokenize(tokens, spaces)
            fields = {"source": text, "feature_id": str(feature[0]), "feature_name": feature[1],
                      "feature_example": feature[2]}
            asks.append((k, feature, text))
            reqs.append(Request(self.prompt.render(**fields), seed=rng.getrandbits(63)))
        for (k, feature, text), res in zip(asks, self.generator.complete(reqs) if reqs else []):
            outs[k] = [self._output(records[k], feature, text, res)]
        return outs

    def _output(self, record: Record, feature, text: str, res) -> Record:
        fid, fname, _ = feature
        if not res.ok:
            return record.reject(res.reason, f"llm-dialect (eWAVE {fid}): {res.detail}", stage="transform")
        line, problem = answer_line(res.text)
        if not problem and len(line) > 2 * len(text) + 40:
            problem = f"the answer is far longer than the sentence: {line[:120]!r}"
        if problem:
            return record.reject("llm_unparseable", f"llm-dialect (eWAVE {fid}): {problem}", stage="transform")
        lang = record.src_lang or "en"
        base = Base.of(record)
        toks, spaces = tokenize(line, lang)
        reps = [Replacement.tagged(a0, a1, toks[b0:b1], lang, spaces=spaces[b0:b1], op="dialect",
                                   unit=f"ewave.f{fid}.llm.v1",
                                   detail=f"eWAVE {fid}: {fname}; {self.generator.describe()}; prompt "
                                          f"{self.prompt.name}@{self.prompt.sha}")
                for a0, a1, b0, b1 in diff_blocks(list(base.tokens), toks)]
        if not reps:
            return record.reject("no_change", f"llm-dialect (eWAVE {fid}): the model returned the sentence "
                                 f"unchanged", stage="transform")
        # the answer's own spelling and spacing ("didn't" is two tokens with no space between)
        return build_output(record, base, reps, unit=self.name, recipe=self.recipe, out_tokens=toks,
                            out_spaces=spaces)


@register_recipe("llm-dialect", description="an LLM rewrites the sentence with one eWAVE feature, given the "
                 "feature's description and example from ewave.csv (fallback for features without rules)",
                 paper="Trans-EnV")
def llm_dialect_factory(ctx: Context, *, ewave_path: str = "", features: Optional[Sequence[int]] = None,
                        variety: Optional[str] = None, only_without_rules: bool = False,
                        backend: str = "openai", backend_options: Optional[Dict[str, Any]] = None,
                        cache: Optional[str] = None, prompt: Optional[str] = None,
                        style: Literal["completion", "chat"] = "completion") -> LLMDialect:
    from cs_synth.transforms.dialect.profiles import load_ewave

    if not ewave_path:
        raise ConfigError("option 'ewave_path' is required (the folder holding ewave.csv, or the file)")
    if bool(features) == bool(variety):
        raise ConfigError("option 'features': give either 'features' (eWAVE IDs) or 'variety', not both or neither")
    table = load_ewave(ctx.resolve(ewave_path))
    if variety:
        abbr = table.find_variety(variety)
        if abbr is None:
            raise ConfigError(f"option 'variety': {variety!r} is not a variety of {ewave_path}")
        ids = sorted(f for f, r in table.ratings.get(abbr, {}).items() if r in ("A", "B", "C"))
    else:
        ids = []
        for f in features or ():
            if isinstance(f, bool) or not isinstance(f, int) or f not in table.features:
                raise ConfigError(f"option 'features': {f!r} is not an eWAVE feature ID of {ewave_path}")
            ids.append(f)
    if only_without_rules:
        from cs_synth.transforms.dialect.features import implemented_ids

        ruled = set(implemented_ids())
        ids = [f for f in ids if f not in ruled]
    if not ids:
        raise ConfigError("option 'features': no feature left to apply")
    feats = [(f, table.features[f].name, table.features[f].example) for f in ids]
    tmpl = load_prompt(ctx, "prompt", prompt, [f"llm-dialect.{style}.txt"], FIELDS)
    generator = build_generator(ctx, backend, backend_options, tgt_lang=ctx.src_lang, cache=cache)
    return LLMDialect(generator, tmpl, feats)
