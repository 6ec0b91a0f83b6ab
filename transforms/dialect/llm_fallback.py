"""``dialect`` with ``llm_fallback``: rules where they exist, the LLM elsewhere.

With the option ``llm_fallback: {backend: openai, backend_options: {...}}``
the ``dialect`` recipe splits its features (``features``, or the features a
``dialect`` variety attests in ``ewave.csv``) into those the rule engine
implements and those it lacks.  The rules apply theirs as usual; then, for
each record, one of the features without rules is drawn (record rng,
weighted by its probability: the rating's for a variety, ``density`` for a
list) and an LLM rewrites the rules' output with it, given the feature's
name and example from ``ewave.csv`` (the ``llm-dialect`` prompts and
parsing, :mod:`cs_synth.transforms.generate.llm_dialect`).  All the LLM calls of a
batch go to the backend in one call.

Every edit names its feature and where it came from: unit
``ewave.f<ID>.v1`` for a rule, ``ewave.f<ID>.llm.v1`` for the LLM (whose
detail also names the backend and the prompt).  The output is one record
``<id>/dialect/0`` of recipe ``dialect`` as without the fallback.

Outcomes: rules and/or the LLM changed the text: the output.  The LLM call
failed or its answer cannot be read (``llm_timeout``, ``llm_http_<code>``,
``llm_unparseable``): the record is rejected with that reason, as a
``[dialect, llm-dialect]`` chain would be.  The LLM returned the text
unchanged: the rules' result stands (a ``no_feature_applied`` reject when
they applied nothing either, its detail saying the LLM changed nothing).

The LLM is asked for one feature on every record (``density`` and the
ratings weigh which one); a record without tokens (no ``annotate``
block) that no rule changed is not sent to it.

``llm_fallback`` keys: ``backend`` (``openai`` by default, or ``hf``),
``backend_options``, ``cache``, ``prompt``, ``style``
(``completion``/``chat``); ``ewave_path`` is required (the feature
descriptions come from it)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Literal, Mapping, Optional, Sequence, Tuple

from cs_synth.pipeline.generate.base import Request
from cs_synth.pipeline.record import Record, detokenize
from cs_synth.pipeline.units import ConfigError, Context, OptionsError

RECIPE = "dialect"


def _fallback_schema(ctx=None, *, backend: str = "openai", backend_options: Optional[Dict[str, Any]] = None,
                     cache: Optional[str] = None, prompt: Optional[str] = None,
                     style: Literal["completion", "chat"] = "completion"):
    """The keys of ``llm_fallback`` (validated by the registry's schema)."""


def llm_features(ctx: Context, features, dialect, ewave_path, probabilities, density: float,
                 implemented: Sequence[int]):
    """``(rule_features, rule_dialect, llm_plan, table)``: what the rule
    engine gets (``features`` or ``dialect``, None when it has nothing to
    do) and ``[(fid, probability)]`` for the LLM."""
    from cs_synth.transforms.dialect import profiles

    if not ewave_path:
        raise ConfigError("option 'ewave_path': llm_fallback needs the eWAVE table (the folder holding "
                          "ewave.csv): the LLM is given each feature's name and example from it")
    table = profiles.load_ewave(ctx.require_file("ewave_path", ewave_path))
    impl = set(implemented)
    if features is not None:
        ids = [features] if isinstance(features, (int, str)) else list(features)
        ruled, llm = [], []
        for f in ids:
            fid = int(f) if isinstance(f, str) and f.strip().isdigit() else f
            if isinstance(fid, int) and not isinstance(fid, bool) and fid in impl:
                ruled.append(fid)
            elif isinstance(fid, int) and not isinstance(fid, bool) and fid in table.features:
                llm.append(fid)
            else:
                raise ConfigError(f"option 'features': {f!r} is not an eWAVE feature ID of {ewave_path}")
        return (ruled or None), None, [(f, density) for f in sorted(set(llm))], table
    if dialect is None:
        raise ConfigError("the dialect recipe needs option 'features' or option 'dialect'")
    if str(dialect).lower().endswith((".yaml", ".yml")):
        raise ConfigError("option 'llm_fallback': takes 'features' or an eWAVE variety name in 'dialect', "
                          "not a YAML profile")
    others = sorted(set(table.features) - impl)
    prof = profiles.profile_from_ewave(table, str(dialect), others, probabilities)
    llm = [(fid, min(1.0, p * density)) for fid, p in prof.probabilities if p * density > 0]
    rules_prof = profiles.profile_from_ewave(table, str(dialect), sorted(impl), probabilities)
    return None, (str(dialect) if rules_prof.probabilities else None), llm, table


def factory(ctx: Context, rule_factory, llm_fallback: Mapping[str, Any], *, features, dialect, ewave_path,
            density, probabilities, **rule_options):
    """The ``dialect`` recipe's unit when ``llm_fallback`` is set:
    ``rule_factory`` (the recipe's own factory) builds the rule part over
    the implemented features."""
    from cs_synth.transforms.dialect.features import implemented_ids

    if not isinstance(llm_fallback, Mapping):
        raise ConfigError(f"option 'llm_fallback': expected a mapping (backend, backend_options, ...), "
                          f"got {llm_fallback!r}")
    try:
        density = float(density)
    except (TypeError, ValueError):
        raise ConfigError(f"option 'density': expected a number between 0 and 1, got {density!r}") from None
    rf, rd, plan, table = llm_features(ctx, features, dialect, ewave_path, probabilities, density,
                                       implemented_ids())
    rules = None
    if rf or rd:
        rules = rule_factory(ctx, features=rf, dialect=rd, ewave_path=ewave_path, density=density,
                             probabilities=probabilities, **rule_options)
    return build(ctx, rules, plan, table, ewave_path, llm_fallback)


def build(ctx: Context, rules, llm_plan, table, ewave_path: str, options: Mapping[str, Any]):
    """The :class:`DialectWithLLM` unit for the ``llm_fallback`` mapping."""
    from cs_synth.pipeline import registry
    from cs_synth.pipeline.generate.base import build_generator
    from cs_synth.transforms.generate.llm_dialect import FIELDS, LLMDialect
    from cs_synth.transforms.generate.prompting import load_prompt

    try:
        opts = registry.validate_options(_fallback_schema, dict(options))
    except OptionsError as exc:
        raise OptionsError([(f"llm_fallback.{loc}" if loc else "llm_fallback", msg)
                            for loc, msg in exc.problems]) from None
    if not llm_plan and rules is None:
        raise ConfigError("option 'features': no feature left to apply")
    feats = tuple((f, table.features[f].name, table.features[f].example) for f, _ in llm_plan)
    llm = None
    if feats:
        tmpl = load_prompt(ctx, "llm_fallback.prompt", opts["prompt"], [f"llm-dialect.{opts['style']}.txt"],
                           FIELDS)
        gen = build_generator(ctx, opts["backend"], opts["backend_options"], tgt_lang=ctx.src_lang,
                              cache=opts["cache"], prefix="llm_fallback.backend_options")
        llm = LLMDialect(gen, tmpl, list(feats))
    return DialectWithLLM(rules=rules, llm=llm, weights=tuple(p for _, p in llm_plan))


@dataclass
class DialectWithLLM:
    rules: Any            # DialectTransform over the implemented features, or None
    llm: Any              # LLMDialect over the others, or None
    weights: Tuple[float, ...] = ()
    name: str = "dialect.v1"
    recipe: str = RECIPE
    requires: tuple = ()
    provides: tuple = ("output",)

    def __call__(self, record: Record, rng):
        return self.batch([record], [rng])[0]

    def _rules(self, record: Record, rng) -> Tuple[Optional[Record], Optional[Record]]:
        """``(changed, fallback)``: the rules' output when they changed the
        text, and what to return when the LLM changes nothing."""
        if self.rules is None:
            return None, record.reject("no_feature_applied", "no rule-based feature configured; the LLM "
                                       "changed nothing", stage="transform")
        out = next(iter(self.rules(record, rng)))
        if out.rejected or any(e.op == "unchanged" for e in out.edits[len(record.edits):]):
            return None, out
        return out, out

    def batch(self, records: Sequence[Record], rngs: Sequence) -> List[List[Record]]:
        outs: List[List[Record]] = [[] for _ in records]
        asks, reqs = [], []
        for k, (record, rng) in enumerate(zip(records, rngs)):
            if record.rejected:
                outs[k] = [record]
                continue
            changed, fallback = self._rules(record, rng)
            marks = [e for e in fallback.edits[len(record.edits):] if e.op == "unchanged"]
            if self.llm is None or any(e.detail.startswith("unparseable") for e in marks):
                outs[k] = [fallback]
                continue
            base = changed if changed is not None else record
            feature = self.llm.features[_draw(rng, self.weights)]
            tokens, _, spaces = base.current()
            if not tokens:
                outs[k] = [fallback]
                continue
            text = detokenize(tokens, spaces)
            fields = {"source": text, "feature_id": str(feature[0]), "feature_name": feature[1],
                      "feature_example": feature[2]}
            asks.append((k, base, feature, text, changed, fallback))
            reqs.append(Request(self.llm.prompt.render(**fields), seed=rng.getrandbits(63)))
        results = self.llm.generator.complete(reqs) if reqs else []
        for (k, base, feature, text, changed, fallback), res in zip(asks, results):
            outs[k] = [self._merge(records[k], base, feature, text, changed, fallback, res)]
        return outs

    def _merge(self, record, base, feature, text, changed, fallback, res) -> Record:
        out = self.llm._output(base, feature, text, res)
        if out.rejected:
            if out.reject_reason != "no_change":
                return record.reject(out.reject_reason, out.reject_detail, stage="transform")
            if fallback.rejected:
                return record.reject(fallback.reject_reason, f"{fallback.reject_detail}; the LLM (eWAVE "
                                     f"{feature[0]}) changed nothing either", stage="transform")
            return fallback
        # one record of recipe `dialect`, whatever the LLM added to the rules' output
        return out.evolve(id=f"{record.id}/{RECIPE}/0", recipe=f"{record.recipe}+{RECIPE}" if record.recipe
                          else RECIPE)


def _draw(rng, weights: Sequence[float]) -> int:
    total = sum(weights)
    x = rng.random() * total
    acc = 0.0
    for i, w in enumerate(weights):
        acc += w
        if x < acc:
            return i
    return len(weights) - 1
