"""Fixtures for the alignment tests: the shared gold sets (1-based Pharaoh
gold, ``src ||| tgt`` pairs) and a tiny random-weight BERT built offline."""
import os
import pathlib

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def load_gold_set(shared_dir: pathlib.Path, name: str):
    """The shared gold set through the same readers ``align-eval`` uses."""
    from cs_synth.pipeline.align.evaluate import read_gold, read_pairs

    base = shared_dir / "data" / "alignment-gold"
    pairs = read_pairs(str(base / f"{name}.src-tgt"))
    return pairs, read_gold(str(base / f"{name}.gold"), pairs, index_base=1)


@pytest.fixture(scope="session")
def enfr(shared_dir):
    return load_gold_set(shared_dir, "enfr")


@pytest.fixture(scope="session")
def roen(shared_dir):
    return load_gold_set(shared_dir, "roen")


@pytest.fixture(scope="session")
def tiny_bert(tmp_path_factory, enfr, roen):
    """A 3-layer, 48-wide random BERT whose WordPiece vocabulary is trained
    on the gold sentences (both languages of both sets)."""
    import transformers

    from cs_synth.pipeline.testing.tiny_models import build_tiny_bert

    transformers.logging.set_verbosity_error()
    sents = [" ".join(side) for pairs in (enfr[0], roen[0]) for pair in pairs for side in pair]
    out = tmp_path_factory.mktemp("tiny_bert")
    return build_tiny_bert(str(out), sents, num_layers=3, hidden_size=48, num_heads=4, vocab_size=3000, seed=7)
