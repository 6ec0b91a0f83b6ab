"""Helpers for the dialup tests."""
import dataclasses

import pytest

from cs_synth.pipeline.record import Record, Side, detokenize
from cs_synth.pipeline.rng import derive_rng
from cs_synth.transforms.dialup.recipe import DialUp
from cs_synth.transforms.dialup.ruleset import load_ruleset, shipped_path


def _record(tokens, lang="es", langs=None, rid="d1", spaces=None):
    tokens = tuple(tokens)
    spaces = tuple(spaces) if spaces is not None else tuple(True for _ in tokens)
    text = detokenize(tokens, spaces)
    if langs is None:  # monolingual: source side only, tgt=None
        return Record(id=rid, src=Side(text=text, lang=lang, tokens=tokens, spaces=spaces))
    return Record(id=rid, src=Side(text=text, lang=lang, tokens=tokens, spaces=spaces), recipe="prev",
                  tokens=tokens, langs=tuple(langs), spaces=spaces, text=text)


@pytest.fixture
def make_record():
    return _record


@pytest.fixture
def run():
    def _run(unit, record, seed=0):
        outs = list(unit(record, derive_rng(seed, record.id, unit.name)))
        assert len(outs) == 1
        return outs[0]

    return _run


def only_rule(lang: str, rule_id: str) -> DialUp:
    """A DialUp unit with every rate 1 and only ``rule_id`` of the shipped
    ``lang`` file active (its weight set to 1), to test one rule in isolation."""
    rs = load_ruleset(shipped_path(lang))
    chars = tuple(dataclasses.replace(r, weight=1.0) for r in rs.char_rules if r.id == rule_id)
    affixes = tuple(dataclasses.replace(r, weight=1.0) for r in rs.affix_rules if r.id == rule_id)
    words = {k: dataclasses.replace(f, weight=1.0) for k, f in rs.function_words.items() if f.id == rule_id}
    assert len(chars) + len(affixes) + len(words) == 1, f"no rule {rule_id!r} in {lang}"
    return DialUp(dataclasses.replace(rs, char_rules=chars, affix_rules=affixes, function_words=words), 1.0, 1.0, 1.0)


@pytest.fixture
def isolate():
    return only_rule
