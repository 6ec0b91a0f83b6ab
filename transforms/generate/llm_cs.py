"""``llm-cs``: an LLM writes the code-switched sentence (EZSwitch /
SwitchLingua style).

The prompt is built from the record: the source sentence, its translation
when the input is a pair, the *words wanted* in the other language (chosen
by a selector: the noun and prepositional phrases of the parse, as
``mt-span`` picks them, or the nouns, until the target share ``cs_ratio`` of
the source tokens is covered), the target ratio, the switch type
(``intra`` sentential, ``inter`` sentential, ``tag``) and the matrix
language.  Prompts are template files (``transforms/generate/prompts``;
``prompt`` names one of the user's): few-shot completion prompts for base
models (the default for en-es and en-hi), ``llm-cs.chat.txt`` for
instruction-tuned models.

The answer is read back as one line (``llm_unparseable`` otherwise), cut
into tokens and compared with the source: unchanged tokens keep their
source language and their place in ``source_map``; each changed block
becomes one edit.  A new token is tagged with the target language when it
belongs to the translation, with the source language when it is a source
word outside the asked spans, and otherwise by word-level LID (lingua,
between the two languages; the asked language when lingua is not installed
or undecided).  An answer with no target-language word is
rejected ``llm_no_switch``; an answer equal to the source ``no_change``.
The last edit (``op: llm_generate``) records what was asked (the words,
ratio, switch type, matrix language, prompt file and hash) and the model's
raw answer.

With ``refine_below: 8`` the unit runs SwitchLingua's single refine pass:
an LLM judge (the ``llm_judge`` prompt, on the same backend) rates each
output, and one rated below 8 on any scale is asked for once more with the
ratings (``llm-cs.refine.txt``); the edit ``llm_refine`` keeps the first
answer and its ratings.

The batch call sends every prompt of a batch to the backend at once
(batched ``generate()``, or concurrent HTTP calls).  Each request carries a
seed from the record's rng, so sampling backends are reproducible.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Literal, Optional, Sequence, Tuple

from pydantic import Field
from typing_extensions import Annotated

from cs_synth.pipeline.generate.base import Generated, Request, build_generator
from cs_synth.pipeline.record import Edit, Record, detokenize, is_language_independent
from cs_synth.pipeline.registry import register_recipe
from cs_synth.pipeline.units import ConfigError, Context
from cs_synth.transforms.common import Base, Replacement, build_output
from cs_synth.transforms.generate.mt_span import phrase_spans
from cs_synth.transforms.generate.prompting import (WordLid, answer_line, diff_blocks, lang_name, load_prompt, tokenize)

SWITCH_TYPES = {
    "intra": "intra-sentential (switch inside the sentence, at phrase boundaries)",
    "inter": "inter-sentential (switch between clauses or sentences)",
    "tag": "tag-switching (insert a short tag or filler from the other language)",
}
FIELDS = ("source", "previous", "ratings", "translation", "translation_line", "words", "ratio", "ratio_percent", "switch_type",
          "switch_type_text", "matrix", "matrix_name", "embedded", "embedded_name", "src_name", "tgt_name",
          "src_lang", "tgt_lang")


class LLMCodeSwitch:
    name = "llm_cs.v1"
    recipe = "llm-cs"
    provides = ("output",)

    def __init__(self, generator, prompt, target_lang: str, words: str, cs_ratio: float, switch_type: str,
                 matrix_lang: str, max_words: int, judge=None, refine_prompt=None, refine_below: float = 8.0):
        self.generator, self.prompt, self.target_lang = generator, prompt, target_lang
        self.words, self.cs_ratio, self.switch_type = words, cs_ratio, switch_type
        self.matrix_lang, self.max_words = matrix_lang, max_words
        self.requires = {"phrases": ("src_parse",), "nouns": ("src_pos",), "none": ()}[words]
        self._lid = None
        self.judge, self.refine_prompt, self.refine_below = judge, refine_prompt, refine_below

    def __call__(self, record: Record, rng):
        return self.batch([record], [rng])[0]

    # -- what to ask ------------------------------------------------------------
    def _wanted(self, record: Record, rng) -> List[Tuple[int, int]]:
        src = record.src
        n = len(src.tokens)
        if self.words == "none" or not n:
            return []
        if self.words == "phrases":
            cands = phrase_spans(record, 1, self.max_words)
        else:
            cands = [(i, i + 1) for i, p in enumerate(src.pos) if p in ("NOUN", "PROPN")]
        rng.shuffle(cands)
        goal = max(1, round(self.cs_ratio * n))
        chosen: List[Tuple[int, int]] = []
        covered = 0
        for a, b in cands:
            if covered >= goal:
                break
            if all(b <= x or a >= y for x, y in chosen) and covered + (b - a) <= max(goal, b - a if not chosen else 0):
                chosen.append((a, b))
                covered += b - a
        return sorted(chosen)

    def _fields(self, record: Record, wanted) -> Dict[str, str]:
        src, spaces = record.src, record.src.token_spaces()
        words = ", ".join(detokenize(src.tokens[a:b], spaces[a:b]) for a, b in wanted)
        tgt_text = record.tgt.text if record.tgt is not None and record.tgt.tokens else ""
        src_lang = record.src_lang or "en"
        embedded = self.target_lang if self.matrix_lang == src_lang else src_lang
        return {
            "source": record.src.text or detokenize(src.tokens, spaces), "translation": tgt_text,
            "translation_line": (f"- {lang_name(self.target_lang)} translation, for reference: {tgt_text}"
                                 if tgt_text else ""),
            "words": words or "(your choice)", "ratio": f"{self.cs_ratio:g}",
            "ratio_percent": f"{round(100 * self.cs_ratio)}", "switch_type": self.switch_type,
            "switch_type_text": SWITCH_TYPES[self.switch_type], "matrix": self.matrix_lang,
            "matrix_name": lang_name(self.matrix_lang), "embedded": embedded, "embedded_name": lang_name(embedded),
            "src_name": lang_name(src_lang), "tgt_name": lang_name(self.target_lang), "src_lang": src_lang,
            "tgt_lang": self.target_lang,
        }

    # -- batch call ----------------------------------------------------------
    def batch(self, records: Sequence[Record], rngs: Sequence) -> List[List[Record]]:
        outs: List[List[Record]] = [[] for _ in records]
        asks: List[Tuple[int, List[Tuple[int, int]], Dict[str, str]]] = []
        requests: List[Request] = []
        for k, (record, rng) in enumerate(zip(records, rngs)):
            bad = self._precheck(record)
            if bad is not None:
                outs[k] = [bad]
                continue
            wanted = self._wanted(record, rng)
            if self.words != "none" and not wanted:
                outs[k] = [record.reject("no_switchable_span", f"llm-cs: no {self.words} to ask for in the source",
                                         stage="transform")]
                continue
            fields = self._fields(record, wanted)
            asks.append((k, wanted, fields))
            requests.append(Request(self.prompt.render(**fields), seed=rng.getrandbits(63)))
        results = self.generator.complete(requests) if requests else []
        for (k, wanted, fields), res in zip(asks, results):
            outs[k] = [self._output(records[k], wanted, fields, res)]
        if self.judge is not None:
            self._refine(records, outs, asks, rngs)
        return outs

    def _refine(self, records, outs, asks, rngs) -> None:
        """SwitchLingua's single refine pass: the judge rates each output;
        one rated below ``refine_below`` on any scale is asked for again
        once, with the ratings, and the second answer replaces it (its edit
        ``llm_refine`` keeps the first answer and the ratings).  A second
        answer that fails to parse keeps the first output."""
        done = [(k, wanted, fields) for k, wanted, fields in asks if not outs[k][0].rejected]
        ratings = self.judge.score_batch([outs[k][0] for k, _, _ in done]) if done else []
        again, reqs = [], []
        for (k, wanted, fields), rated in zip(done, ratings):
            if not rated or min(rated.values()) >= self.refine_below:
                continue  # content, or no readable rating: nothing to act on
            f = dict(fields, previous=outs[k][0].text,
                     ratings=", ".join(f"{n[4:]} {v:g}" for n, v in sorted(rated.items())) or "no ratings")
            again.append((k, wanted, f, rated))
            reqs.append(Request(self.refine_prompt.render(**f), seed=rngs[k].getrandbits(63)))
        for (k, wanted, f, rated), res in zip(again, self.generator.complete(reqs) if reqs else []):
            new = self._output(records[k], wanted, f, res)
            if new.rejected:
                continue
            note = Edit(unit=self.name, op="llm_refine", before=f["previous"], after=new.text,
                        detail=json.dumps({"ratings": rated, "below": self.refine_below,
                                           "prompt": self.refine_prompt.name}, sort_keys=True))
            outs[k] = [new.evolve(edits=tuple(new.edits) + (note,))]

    def _precheck(self, record: Record) -> Optional[Record]:
        if record.rejected:
            return record
        if record.tokens:
            return record.reject("chain_breaks_parse", "llm-cs rewrites the source sentence, so it must be the "
                                 "first step of a chain", stage="transform")
        if self.words == "phrases" and not record.src.is_parsed:
            return record.reject("missing_dependency_parse", "llm-cs (words: phrases) needs a parsed source",
                                 stage="transform")
        return None

    def _tagger(self, src_lang: str) -> WordLid:
        if self._lid is None:
            self._lid = WordLid((src_lang, self.target_lang))
        return self._lid

    def _output(self, record: Record, wanted, fields, res: Generated) -> Record:
        if not res.ok:
            return record.reject(res.reason, f"llm-cs: {res.detail}", stage="transform")
        line, problem = answer_line(res.text)
        if problem:
            return record.reject("llm_unparseable", f"llm-cs: {problem}", stage="transform")
        src_lang = record.src_lang or "en"
        base = Base.of(record)
        src_tokens = list(base.tokens)
        if len(line) > 3 * len(fields["source"]) + 40:
            return record.reject("llm_unparseable", f"llm-cs: the answer is far longer than the source "
                                 f"({len(line)} characters for {len(fields['source'])}): {line[:120]!r}",
                                 stage="transform")
        toks, spaces = tokenize(line, self.matrix_lang)
        if not toks:
            return record.reject("llm_unparseable", f"llm-cs: no tokens in {line[:80]!r}", stage="transform")
        src_vocab = {t.lower() for t in src_tokens}
        tgt_vocab = ({t.lower() for t in record.tgt.tokens} if record.tgt is not None and record.tgt.tokens
                     else set())
        lid = self._tagger(src_lang)
        reps = []
        for a0, a1, b0, b1 in diff_blocks(src_tokens, toks):
            asked = any(a0 < y and x < a1 or (a0 == a1 and x <= a0 <= y) for x, y in wanted)
            langs = []
            for t in toks[b0:b1]:
                low = t.lower()
                if is_language_independent(t):
                    langs.append("zxx")
                elif low in tgt_vocab and low not in src_vocab:
                    langs.append(self.target_lang)
                elif low in src_vocab and not asked:
                    langs.append(src_lang)
                else:  # a new word: what it was asked for, unless word-level LID says otherwise
                    langs.append(lid(t, self.target_lang if asked else src_lang))
            reps.append(Replacement(a0, a1, toks[b0:b1], langs, spaces=spaces[b0:b1], op="llm_switch",
                                    detail=self.generator.describe()))
        if not reps:
            return record.reject("no_change", f"llm-cs: the model returned the source unchanged: {line[:120]!r}",
                                 stage="transform")
        # the answer's own spelling and spacing for every token (a kept word re-cased by
        # the model is no longer a copy of its source token)
        out = build_output(record, base, reps, unit=self.name, recipe=self.recipe, out_tokens=toks,
                           out_spaces=spaces)
        if out.rejected:
            return out
        if self.target_lang not in out.langs:
            return record.reject("llm_no_switch", f"llm-cs: no {lang_name(self.target_lang)} word in the answer "
                                 f"{line[:120]!r}", stage="transform")
        ask = {"words": fields["words"] if wanted else "", "cs_ratio": self.cs_ratio,
               "switch_type": self.switch_type, "matrix_lang": self.matrix_lang, "prompt": self.prompt.name,
               "prompt_sha": self.prompt.sha, "backend": self.generator.describe()}
        gen_edit = Edit(unit=self.name, op="llm_generate", src_start=0, src_end=len(src_tokens), out_start=0,
                        out_end=len(out.tokens), before=fields["words"] if wanted else "", after=res.text.strip(),
                        detail=json.dumps(ask, ensure_ascii=False, sort_keys=True))
        return out.evolve(edits=tuple(out.edits) + (gen_edit,))


@register_recipe("llm-cs", description="an LLM rewrites the sentence as code-switched text, asked for the words "
                 "a selector picks, a target ratio, switch type and matrix language (local transformers model or "
                 "OpenAI-compatible endpoint), batched and cached", paper="EZSwitch; SwitchLingua")
def llm_cs_factory(ctx: Context, *, target_lang: str = "", backend: str = "openai",
                   backend_options: Optional[Dict[str, Any]] = None, cache: Optional[str] = None,
                   prompt: Optional[str] = None, style: Literal["completion", "chat"] = "completion",
                   words: Literal["phrases", "nouns", "none"] = "phrases",
                   cs_ratio: Annotated[float, Field(gt=0, le=1)] = 0.3,
                   switch_type: Literal["intra", "inter", "tag"] = "intra", matrix_lang: Optional[str] = None,
                   max_words: Annotated[int, Field(ge=1)] = 4, refine_below: Optional[float] = None,
                   judge_prompt: Optional[str] = None, refine_prompt: Optional[str] = None) -> LLMCodeSwitch:
    target_lang = target_lang or ctx.tgt_lang
    if not target_lang:
        raise ConfigError("option 'target_lang' is required (the language switched into), or set input.tgt_lang")
    src = ctx.src_lang or "en"
    if matrix_lang and matrix_lang not in (src, target_lang):
        raise ConfigError(f"option 'matrix_lang': must be the source ({src}) or the target ({target_lang}) "
                          f"language, got {matrix_lang!r}")
    names = ([f"llm-cs.{src}-{target_lang}.completion.txt"] if style == "completion" else ["llm-cs.chat.txt"])
    tmpl = load_prompt(ctx, "prompt", prompt, names, FIELDS)
    generator = build_generator(ctx, backend, backend_options, tgt_lang=target_lang, cache=cache)
    judge = refine = None
    if refine_below is not None:
        if not 1 <= refine_below <= 10:
            raise ConfigError(f"option 'refine_below': a rating between 1 and 10, got {refine_below!r}")
        from cs_synth.pipeline.generate.prompts import load_prompt as _load
        from cs_synth.pipeline.score.llm_judge import FIELDS as JUDGE_FIELDS, PROMPTS as JUDGE_PROMPTS, LLMJudge

        jt = _load(ctx, "judge_prompt", judge_prompt, ["llm-judge.txt" if style == "chat" else
                                                       "llm-judge.completion.txt"], JUDGE_FIELDS, JUDGE_PROMPTS)
        judge = LLMJudge(generator, jt, target_lang, cs_ratio, ctx.seed)
        refine = load_prompt(ctx, "refine_prompt", refine_prompt, ["llm-cs.refine.txt"], FIELDS)
    return LLMCodeSwitch(generator, tmpl, target_lang, words, cs_ratio, switch_type, matrix_lang or src, max_words,
                         judge=judge, refine_prompt=refine, refine_below=refine_below or 8.0)
