"""``mt-span``: translate chosen spans of a monolingual sentence in place.

Where: noun phrases and prepositional phrases of the source's dependency
parse (projective subtrees headed by a noun, proper noun or adposition, of
``min_len``..``max_len`` tokens, no punctuation at their edges, no English
possessive inside, not a bare name, not a noun-noun compound modifier and not
the second half of a complex preposition such as *next to*), up to
``max_spans`` of them, chosen with the record's rng.  What: the span's text
translated by a generator backend (Apertium today), tokenized with the
target language's tokenizer and spliced in with the shared output builder,
so token labels, entities and the output-to-source map stay right.

Honest output: a translation identical to the span is not a switch and is
dropped; a span the engine cannot translate (unknown words) is dropped; a
sentence left with no translated span is rejected with the engine's reason
(``mt_unknown_word``, ``mt_failed``) or ``no_switchable_span``.

The recipe needs no target side and no aligner.  Its batch call sends the
spans of a whole batch of records to the engine at once; the result is the
same as one record at a time.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from cs_synth.pipeline.generate.base import Generated, build_generator
from cs_synth.pipeline.record import Record
from cs_synth.pipeline.registry import register_recipe
from cs_synth.pipeline.units import ConfigError, Context
from cs_synth.transforms.common import Base, Replacement, build_output

NO_SPAN = "no_switchable_span"
HEAD_POS = {"NOUN", "PROPN", "ADP"}


def phrase_spans(record: Record, min_len: int, max_len: int) -> List[Tuple[int, int]]:
    """Projective NP/PP subtrees of the source parse, as ``[start, end)``."""
    src = record.src
    n = len(src.tokens)
    children: Dict[int, List[int]] = {}
    for i, h in enumerate(src.heads):
        if h != i:
            children.setdefault(h, []).append(i)
    out = set()
    for h in range(n):
        if src.pos[h] not in HEAD_POS or src.heads[h] == h:
            continue
        stack, members = [h], []
        while stack:
            x = stack.pop()
            members.append(x)
            stack.extend(children.get(x, ()))
        a, b = min(members), max(members) + 1
        if b - a != len(members) or not min_len <= b - a <= max_len:
            continue  # not contiguous (non-projective), or out of bounds
        if src.pos[a] == "PUNCT" or src.pos[b - 1] == "PUNCT":
            continue
        if src.pos[h] == "ADP" and b - a < 2:
            continue  # a bare preposition is no phrase
        if src.deps and src.deps[h] == "compound":
            continue  # a noun modifying a noun ("a caution sign"): translated alone it lands inside English
        if src.pos[h] == "ADP" and src.pos[src.heads[h]] == "ADV":
            continue  # the second half of a complex preposition ("next to a tree" -> "next a un árbol")
        if any(src.tokens[p] in ("'s", "'", "’s", "’") for p in range(a, b)):
            continue  # an English possessive has no place in the translated phrase ("dog's" -> "perro es")
        if all(src.pos[p] == "PROPN" for p in range(a, b)):
            continue  # a bare name: the entity recipe's business, and MT only respells it
        out.add((a, b))
    return sorted(out)


class MTSpan:
    name = "mt_span.v1"
    recipe = "mt-span"
    requires = ("src_parse",)
    provides = ("output",)

    def __init__(self, generator, target_lang: str, min_len: int, max_len: int, max_spans: int):
        self.generator, self.target_lang = generator, target_lang
        self.min_len, self.max_len, self.max_spans = min_len, max_len, max_spans

    def __call__(self, record: Record, rng):
        return self.batch([record], [rng])[0]

    # -- selection -----------------------------------------------------------
    def _choose(self, record: Record, rng) -> List[Tuple[int, int]]:
        cands = phrase_spans(record, self.min_len, self.max_len)
        rng.shuffle(cands)
        chosen: List[Tuple[int, int]] = []
        for a, b in cands:
            if len(chosen) >= self.max_spans:
                break
            if all(b <= x or a >= y for x, y in chosen):
                chosen.append((a, b))
        return sorted(chosen)

    @staticmethod
    def _span_text(record: Record, a: int, b: int) -> str:
        from cs_synth.pipeline.record import detokenize

        return detokenize(record.src.tokens[a:b], record.src.token_spaces()[a:b])

    # -- batch call ----------------------------------------------------------
    def batch(self, records: Sequence[Record], rngs: Sequence) -> List[List[Record]]:
        plans: List[Optional[List[Tuple[int, int]]]] = []
        texts: List[str] = []
        outs: List[List[Record]] = [[] for _ in records]
        for k, (record, rng) in enumerate(zip(records, rngs)):
            bad = self._precheck(record)
            if bad is not None:
                outs[k] = [bad]
                plans.append(None)
                continue
            spans = self._choose(record, rng)
            plans.append(spans)
            texts.extend(self._span_text(record, a, b) for a, b in spans)
        results = iter(self.generator.translate(texts))
        for k, (record, spans) in enumerate(zip(records, plans)):
            if spans is None:
                continue
            if not spans:
                outs[k] = [record.reject(NO_SPAN, f"mt-span: no noun or prepositional phrase of "
                                         f"{self.min_len}..{self.max_len} tokens in the parse", stage="transform")]
                continue
            outs[k] = [self._output(record, spans, [next(results) for _ in spans])]
        return outs

    def _precheck(self, record: Record) -> Optional[Record]:
        if record.rejected:
            return record
        if record.tokens:
            return record.reject("chain_breaks_parse", "mt-span reads the source parse, so it must be the first "
                                 "step of a chain", stage="transform")
        if not record.src.is_parsed or not record.src.pos:
            return record.reject("missing_dependency_parse", "mt-span needs a parsed source "
                                 "(annotate.src_model)", stage="transform")
        return None

    def _output(self, record: Record, spans, results: Sequence[Generated]) -> Record:
        from cs_synth.pipeline.resources import load_spacy

        nlp = load_spacy(self.target_lang)
        base = Base.of(record)
        reps, reasons = [], []
        for (a, b), res in zip(spans, results):
            if not res.ok:
                reasons.append(res)
                continue
            text = _match_case(res.text, record, a)
            source_text = self._span_text(record, a, b)
            if text.strip().lower() == source_text.strip().lower():
                reasons.append(Generated(reason="no_change", detail=f"translation of {source_text!r} is identical"))
                continue
            doc = nlp.make_doc(text)
            toks = [t.text for t in doc if not t.is_space]
            if not toks:
                reasons.append(Generated(reason="mt_failed", detail=f"empty translation of {source_text!r}"))
                continue
            spaces = [bool(t.whitespace_) for t in doc if not t.is_space]
            reps.append(Replacement.tagged(a, b, toks, self.target_lang, spaces=spaces, op="translate",
                                           detail=self.generator.describe()))
        if not reps:
            first = reasons[0]
            return record.reject(first.reason, f"mt-span: {first.detail}", stage="transform")
        return build_output(record, base, reps, unit=self.name, recipe=self.recipe)


def _match_case(text: str, record: Record, start: int) -> str:
    """The engine capitalizes a segment's first letter as if it began a
    sentence; inside a sentence follow the source word's case instead
    (proper nouns keep theirs)."""
    if not text:
        return text
    first = record.src.tokens[start]
    if start == 0:
        return text[0].upper() + text[1:]
    if first[:1].islower() and record.src.pos[start] != "PROPN":
        return text[0].lower() + text[1:]
    return text


@register_recipe("mt-span", description="translate noun/prepositional phrases of a monolingual sentence in "
                 "place with an MT engine (Apertium), batched", paper="CSify-style span translation")
def mt_span_factory(ctx: Context, target_lang: str = "", backend: str = "apertium",
                    backend_options: Optional[Dict[str, Any]] = None, min_len: int = 1, max_len: int = 5,
                    max_spans: int = 1, cache: Optional[str] = None) -> MTSpan:
    if not target_lang:
        raise ConfigError("option 'target_lang' is required (the language the spans are translated into)")
    for name, value in (("min_len", min_len), ("max_len", max_len), ("max_spans", max_spans)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"option {name!r} must be an integer >= 1, got {value!r}")
    if min_len > max_len:
        raise ConfigError(f"option 'min_len' ({min_len}) is larger than 'max_len' ({max_len})")
    generator = build_generator(ctx, backend, backend_options, tgt_lang=target_lang, cache=cache)
    return MTSpan(generator, target_lang, min_len, max_len, max_spans)
