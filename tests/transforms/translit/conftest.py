"""Helpers for the translit tests: records built the way the pipeline builds
them (tokenized source side, or a previous unit's output)."""
import pytest

from cs_synth.pipeline.record import Record, Side, detokenize
from cs_synth.pipeline.rng import derive_rng
from cs_synth.pipeline.units import Context


def _record(tokens, lang="hi", spaces=None, langs=None, rid="t1", **kw):
    tokens = tuple(tokens)
    spaces = tuple(spaces) if spaces is not None else tuple(True for _ in tokens)
    text = detokenize(tokens, spaces)
    if langs is None:  # monolingual input: the source side only, no target
        return Record(id=rid, src=Side(text=text, lang=lang, tokens=tokens, spaces=spaces), **kw)
    # a previous unit's output (e.g. a code-switched sentence)
    return Record(id=rid, src=Side(text=text, lang=lang, tokens=tokens, spaces=spaces), recipe="prev",
                  tokens=tokens, langs=tuple(langs), spaces=spaces, text=text, **kw)


@pytest.fixture
def make_record():
    return _record


@pytest.fixture
def ctx(tmp_path):
    return Context(base_dir=str(tmp_path), src_lang="hi")


@pytest.fixture
def run():
    def _run(unit, record, seed=0):
        outs = list(unit(record, derive_rng(seed, record.id, unit.name)))
        assert len(outs) == 1
        return outs[0]

    return _run

