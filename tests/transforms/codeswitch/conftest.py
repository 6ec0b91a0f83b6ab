"""Helpers for the code-switching tests: build records from tokens and
Pharaoh links, build recipes by name, run them with the derived rng."""
import pathlib

import pytest

from cs_synth.pipeline import registry
from cs_synth.pipeline.record import Record, Side
from cs_synth.pipeline.rng import derive_rng
from cs_synth.pipeline.units import Context

REPO = pathlib.Path(__file__).resolve().parents[3]
LEXICONS = REPO / "samples" / "lexicons"


def _side(text_or_tokens, lang, **kw):
    toks = tuple(text_or_tokens.split()) if isinstance(text_or_tokens, str) else tuple(text_or_tokens)
    spaces = kw.pop("spaces", tuple(True for _ in toks))
    return Side(text=" ".join(toks), lang=lang, tokens=toks, spaces=spaces, **kw)


def _links(links):
    if isinstance(links, str):
        return tuple(tuple(int(x) for x in p.split("-")) for p in links.split())
    return tuple(links)


@pytest.fixture
def make_record():
    """make_record("the cat", "le chat", "0-0 1-1", src_lang="en", tgt_lang="fr",
    src={pos: ...}, tgt={...}, rid="r1")"""

    def make(src, tgt=None, links="", *, src_lang="en", tgt_lang="fr", src_kw=None, tgt_kw=None, rid="r1",
             **rec_kw):
        s = _side(src, src_lang, **(src_kw or {}))
        t = _side(tgt, tgt_lang, **(tgt_kw or {})) if tgt is not None else None
        return Record(id=rid, src=s, tgt=t, alignment=_links(links), **rec_kw)

    return make


@pytest.fixture
def build():
    """build("span-ec", ctx_kw..., **options) -> transform"""

    def make(name, *, src_lang="en", tgt_lang="fr", **options):
        ctx = Context(base_dir=str(REPO), src_lang=src_lang, tgt_lang=tgt_lang, seed=0)
        return registry.get(registry.recipes, name).factory(ctx, **options)

    return make


@pytest.fixture
def apply():
    """apply(unit, record, seed=0) -> list of records, with the rng the engine derives."""

    def run(unit, record, seed=0):
        return list(unit(record, derive_rng(seed, record.id, unit.name)))

    return run


@pytest.fixture(scope="session")
def lexicon_dir():
    return LEXICONS
