"""eflomal option ``stem``: prefix stemming per language (issue 13, cat. 6)."""
import pytest

from cs_synth.pipeline import registry
from cs_synth.pipeline.units import ConfigError, Context

pytest.importorskip("eflomal")


def _build(options, src="ro", tgt="en"):
    import cs_synth.pipeline.align.eflomal_aligner; from cs_synth import pipeline  # noqa: F401  (registers eflomal)

    return registry.build(registry.aligners, "eflomal", Context(src_lang=src, tgt_lang=tgt), options,
                          "align", "backend")


def test_stem_applies_per_language_of_each_side():
    a = _build({"stem": {"en": 4, "ro": 5}})
    assert a.normalise_pair(["Frumoasele", "Case"], ["Beautiful", "Houses"]) == (["frumo", "case"],
                                                                                 ["beau", "hous"])
    only_ro = _build({"stem": {"ro": 4}})
    assert only_ro.normalise_pair(["Frumoasele"], ["Beautiful"]) == (["frum"], ["beautiful"])
    # region subtags and case do not matter
    assert _build({"stem": {"EN": 3}}, src="en-GB", tgt="fr").normalise_pair(["houses"], ["maisons"]) == \
        (["hou"], ["maisons"])


def test_stem_changes_the_alignment_input_not_the_positions():
    a = _build({"stem": {"en": 4, "ro": 4}, "rel_iterations": 0.2})
    pairs = [(("the", "houses", "are", "big"), ("casele", "sunt", "mari"))] * 3
    links = a.align_pairs(pairs)
    assert all(max((i for i, _ in l), default=0) < 4 and max((j for _, j in l), default=0) < 3 for l in links)


@pytest.mark.parametrize("options, field", [
    ({"stem": {"en": -1}}, "align.options.stem.en"),
    ({"stem": {"en": True}}, "align.options.stem.en"),
    ({"stem": [4]}, "align.options.stem"),
    ({"stem": {"en": 4}, "tgt_prefix_len": 3}, "align.options.stem"),
])
def test_bad_stem_names_the_field(options, field):
    with pytest.raises(ConfigError, match=field.replace(".", r"\.")):
        _build(options)
