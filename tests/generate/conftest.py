"""Fixtures for the generation backends: tiny random-weight models built
offline (``pipeline.testing.tiny_models``), once per test session."""
import pytest

from pipeline.testing.tiny_models import build_tiny_causal_lm, build_tiny_seq2seq, sample_sentences

CORPUS = sample_sentences() + [
    "I am going to the market .", "voy al mercado .", "the old man sells apples .", "el viejo vende manzanas .",
    "Mixed: I left my keys en el coche .", "English: In Spanish: fluency: naturalness: fidelity: cs_ratio:",
]


@pytest.fixture(scope="session")
def tiny_lm(tmp_path_factory):
    return build_tiny_causal_lm(str(tmp_path_factory.mktemp("tiny") / "gpt2"), CORPUS, max_positions=1024)


@pytest.fixture(scope="session")
def tiny_mt(tmp_path_factory):
    return build_tiny_seq2seq(str(tmp_path_factory.mktemp("tiny") / "marian"), CORPUS)
