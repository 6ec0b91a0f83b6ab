"""Snapshot of every registry: renaming or removing a unit must be a visible
decision (update this list in the same commit)."""
from cs_synth.pipeline import registry

EXPECTED = {
    "readers": ["arrow", "hf", "jsonl", "moses", "parquet", "text", "tsv"],
    "annotators": ["gazetteer", "spacy", "stanza"],
    "aligners": ["eflomal", "given", "simalign", "simalign-batched"],
    "recipes": ["dialect", "dialup", "entity", "llm-cs", "llm-dialect", "mt-span", "noun-swap", "phrase", "ratio", "span-ec", "span-ml", "subtree",
                "translit", "word"],
    "scorers": ["alignment_coverage", "code_mixing", "length_ratio", "lid", "llm_judge", "mt_fidelity", "naturalness",
                "perplexity"],
    "filters": ["alignment_coverage", "length_ratio", "lid_agreement", "metric_range", "perplexity"],
}


def test_registry_snapshot():
    got = {name: registry.names(getattr(registry, name)) for name in EXPECTED}
    assert got == EXPECTED


def test_every_recipe_has_description_and_paper():
    for name, info in registry.recipe_infos().items():
        assert info.description and len(info.description) > 20, name
        assert info.paper, name


def test_unknown_name_lists_known():
    import pytest

    with pytest.raises(KeyError, match="unknown aligner 'fast_align'; known: eflomal, given"):
        registry.get(registry.aligners, "fast_align")
