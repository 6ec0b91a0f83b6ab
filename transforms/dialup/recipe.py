"""The ``dialup`` recipe: synthetic dialect noise for a high-resource
language, after the model-to-dialect (M->D) noising of DialUp (Bafna et al.,
2025), driven by a per-language rule file (:mod:`cs_synth.transforms.dialup.ruleset`).

For every token tagged with the rule file's language (other languages and
``zxx`` tokens are left alone, so a code-switched input only has its
``es``/``de`` part noised), in this order:

1. **function-word swap**: a listed closed-class word becomes one of its
   dialect variants with probability ``function_word_rate`` x rule weight
   (a swapped word gets no further rule);
2. **affix change**: among the matching suffix/prefix rules the most
   specific (longest affix; ties drawn) applies with probability
   ``affix_rate`` x weight; at most one affix change per word;
3. **character rules**, in file order: every match of a rule's pattern in
   the current word is replaced independently with probability
   ``char_rate`` x weight.  A rule may use earlier output as context but
   never rewrites characters an earlier rule (or the affix change) wrote,
   so rules cannot undo each other (``j -> h`` then ``h -> j``).

All draws come from the ``rng`` the pipeline passes in (seeded from seed,
record id and ``dialup.v1``), in token order, then rule order, then match
order, so the same seed gives the same output on any worker.  Tokens keep
their language tag, spacing, labels and entities.

Edits: one per applied rule, ``unit="dialup.v1"``, ``op`` one of
``function_word``/``affix``/``char``, ``before``/``after`` the token before
and after that rule, ``detail="<language>.<rule id>"`` (``es.s_aspiration``).
When nothing changed (rates 0, or no token of the language) the record passes
through unchanged with one marker edit ``op="unchanged"``, ``detail``
``no_applicable_tokens`` (no token of the language) or ``no_rule_applied``.
A record with no tokens is rejected with ``no_tokens``.
"""
from __future__ import annotations

import unicodedata
from typing import List, Optional, Tuple

from cs_synth.pipeline.record import Edit, Record
from cs_synth.pipeline.registry import register_recipe
from cs_synth.pipeline.units import ConfigError, Context, check_probability
from cs_synth.transforms.common import Base, Replacement, build_output
from cs_synth.transforms.dialup.ruleset import RuleSet, load_ruleset, shipped_path

UNIT = "dialup.v1"
RECIPE = "dialup"

NO_APPLICABLE = "no_applicable_tokens"
NO_RULE = "no_rule_applied"


def _casing(word: str) -> Optional[str]:
    """'lower', 'title' or 'upper'; None for mixed case (left alone)."""
    if word == word.lower():
        return "lower"
    if len(word) > 1 and word == word.upper():
        return "upper"
    if word[:1].isupper() and word[1:] == word[1:].lower():
        return "title"
    return None


def _recase(word: str, casing: str) -> str:
    if casing == "upper":
        return word.upper()
    if casing == "title":
        return word[:1].upper() + word[1:]
    return word


class DialUp:
    """``(record, rng) -> [record]``."""

    name = UNIT
    recipe = RECIPE

    def __init__(self, rules: RuleSet, char_rate: float, affix_rate: float, function_word_rate: float):
        self.rules = rules
        self.char_rate = char_rate
        self.affix_rate = affix_rate
        self.function_word_rate = function_word_rate

    # ----------------------------------------------------------- one word
    def noise_word(self, word: str, rng) -> List[Tuple[str, str, str, str]]:
        """Apply the rules to one word; returns the applied steps as
        ``(op, rule_id, before, after)`` (cased like the input)."""
        casing = _casing(word)
        if casing is None:
            return []
        lang = self.rules.language
        cur = word.lower()
        steps: List[Tuple[str, str, str, str]] = []

        def step(op, rule_id, new):
            nonlocal cur
            steps.append((op, f"{lang}.{rule_id}", _recase(cur, casing), _recase(new, casing)))
            cur = new

        fw = self.rules.function_words.get(cur)
        if fw is not None and self.function_word_rate > 0:
            if rng.random() < min(1.0, self.function_word_rate * fw.weight):
                variant = fw.variants[0] if len(fw.variants) == 1 else rng.choice(fw.variants)
                if variant != cur:
                    step("function_word", fw.id, variant)
                return steps

        fresh = [False] * len(cur)  # characters written by an earlier rule: never rewritten again
        if self.affix_rate > 0:
            cands = [r for r in self.rules.affix_rules if r.matches(cur)]
            if cands:
                longest = max(len(r.affix) for r in cands)
                best = [r for r in cands if len(r.affix) == longest]
                rule = best[0] if len(best) == 1 else rng.choice(best)
                if rng.random() < min(1.0, self.affix_rate * rule.weight):
                    variant = rule.variants[0] if len(rule.variants) == 1 else rng.choice(rule.variants)
                    new = rule.apply(cur, variant)
                    if new and new != cur:
                        stem = len(cur) - len(rule.affix)
                        fresh = ([False] * stem + [True] * len(variant) if rule.kind == "suffix"
                                 else [True] * len(variant) + [False] * stem)
                        step("affix", rule.id, new)

        if self.char_rate > 0:
            for rule in self.rules.char_rules:
                p = min(1.0, self.char_rate * rule.weight)
                out, mask, pos, changed = [], [], 0, False
                for m in rule.regex.finditer(cur):
                    if any(fresh[m.start():m.end()]) or rng.random() >= p:
                        continue
                    rep = m.expand(rule.replace)
                    out.append(cur[pos:m.start()])
                    mask += fresh[pos:m.start()]
                    out.append(rep)
                    mask += [True] * len(rep)
                    pos = m.end()
                    changed = True
                if changed:
                    out.append(cur[pos:])
                    mask += fresh[pos:]
                    new = "".join(out)
                    if new and new != cur:
                        fresh = mask
                        step("char", rule.id, new)
        return steps

    # ------------------------------------------------------------- record
    def __call__(self, record: Record, rng):
        base = Base.or_passthrough(record, self.name, "noise")
        if isinstance(base, Record):
            yield base
            return
        lang = self.rules.language
        reps, edits = [], []
        n_eligible = 0
        for i, (tok, tag) in enumerate(zip(base.tokens, base.langs)):
            if tag != lang or not any(unicodedata.category(c)[0] == "L" for c in tok):
                continue
            n_eligible += 1
            steps = self.noise_word(tok, rng)
            if not steps or steps[-1][3] == tok:
                continue
            for op, rule_id, before, after in steps:
                edits.append(Edit(unit=self.name, op=op, src_start=i, src_end=i + 1, out_start=i, out_end=i + 1,
                                  before=before, after=after, detail=rule_id))
            reps.append(Replacement(i, i + 1, (steps[-1][3],), (tag,), op=steps[-1][0], detail=steps[-1][1]))
        out = build_output(record, base, reps, unit=self.name, recipe=self.recipe)
        if not reps:
            edits = [Edit(unit=self.name, op="unchanged", detail=NO_APPLICABLE if n_eligible == 0 else NO_RULE)]
        # one edit per applied rule (several per token possible) instead of one per token
        yield out.evolve(edits=tuple(record.edits) + tuple(edits))

    def __repr__(self) -> str:
        return (f"<DialUp {self.rules.language} char={self.char_rate} affix={self.affix_rate} "
                f"fw={self.function_word_rate}>")


def _rate(name: str, value) -> float:
    return check_probability(f"option {name!r}", value)


@register_recipe("dialup", description="synthetic dialect noise for a high-resource language: character-level "
                 "phonological rules, affix changes and function-word swaps from a per-language rule file "
                 "(shipped: es, de)",
                 paper="Bafna et al. (2025), DialUp! Modeling the Language Continuum by Adapting Models to "
                       "Dialects and Dialects to Models (M->D noise)")
def dialup_factory(ctx: Context, lang: Optional[str] = None, rules: Optional[str] = None,
                   char_rate: float = 0.1, affix_rate: float = 0.2,
                   function_word_rate: float = 0.3) -> DialUp:
    rates = (_rate("char_rate", char_rate), _rate("affix_rate", affix_rate),
             _rate("function_word_rate", function_word_rate))
    if rules is not None:
        ruleset = load_ruleset(ctx.require_file("rules", rules))
        if lang is not None and lang != ruleset.language:
            raise ConfigError(f"option 'lang' is {lang!r} but rule file {ruleset.path} is for "
                              f"{ruleset.language!r}; drop 'lang' or make them agree")
    else:
        lang = lang or ctx.src_lang
        if not lang:
            raise ConfigError("option 'lang' is required (the language to noise, e.g. 'es' or 'de') when the "
                              "input has no source language")
        ruleset = load_ruleset(shipped_path(lang))
    return DialUp(ruleset, *rates)
