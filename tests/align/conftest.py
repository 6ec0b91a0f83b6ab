"""Fixtures for the alignment tests: the shared gold sets (1-based Pharaoh
gold, ``src ||| tgt`` pairs) and a tiny random-weight BERT built offline."""
import os
import pathlib

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def load_gold_set(shared_dir: pathlib.Path, name: str):
    from pipeline.align.symmetrize import parse_pharaoh_sp

    base = shared_dir / "data" / "alignment-gold"
    pairs, gold = [], []
    with open(base / f"{name}.src-tgt", encoding="utf-8") as fp, open(base / f"{name}.gold", encoding="utf-8") as fg:
        for line, g in zip(fp, fg):
            src, tgt = line.rstrip("\n").split(" ||| ")
            s, t = tuple(src.split()), tuple(tgt.split())
            pairs.append((s, t))
            gold.append(parse_pharaoh_sp(g, len(s), len(t), index_base=1))
    return pairs, gold


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

    from pipeline.testing.tiny_models import build_tiny_bert

    transformers.logging.set_verbosity_error()
    sents = [" ".join(side) for pairs in (enfr[0], roen[0]) for pair in pairs for side in pair]
    out = tmp_path_factory.mktemp("tiny_bert")
    return build_tiny_bert(str(out), sents, num_layers=3, hidden_size=48, num_heads=4, vocab_size=3000, seed=7)
