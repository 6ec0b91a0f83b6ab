"""Tiny offline models: loadable by transformers and SimAlign, seeded,
and leaving the caller's torch random state alone."""
import json
import os

import pytest
import torch

from cs_synth.pipeline.testing.tiny_models import build_tiny_bert, build_tiny_causal_lm, sample_sentences

SENTS = sample_sentences()


@pytest.fixture(scope="module")
def bert_dir(tmp_path_factory):
    import transformers

    transformers.logging.set_verbosity_error()
    return build_tiny_bert(str(tmp_path_factory.mktemp("bert")), SENTS, vocab_size=200, seed=3)


def test_bert_loads_with_auto_classes(bert_dir):
    from transformers import AutoModel, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(bert_dir)
    model = AutoModel.from_pretrained(bert_dir)
    enc = tok(["the cat sat", "le chat"], padding=True, return_tensors="pt")
    assert tok.convert_ids_to_tokens(enc["input_ids"][0])[0] == "[CLS]"
    out = model(**enc)
    assert out.last_hidden_state.shape[-1] == 32
    assert model.config.num_hidden_layers == 2
    assert tok.model_max_length == 512
    info = json.load(open(os.path.join(bert_dir, "TINY_MODEL.json")))
    assert info["kind"] == "bert" and info["trained_vocab"] == len(tok)


def test_bert_is_seeded_and_leaves_global_rng(tmp_path, bert_dir):
    from transformers import AutoModel

    torch.manual_seed(123)
    before = torch.random.get_rng_state().clone()
    again = build_tiny_bert(str(tmp_path / "again"), SENTS, vocab_size=200, seed=3)
    other = build_tiny_bert(str(tmp_path / "other"), SENTS, vocab_size=200, seed=4)
    assert torch.equal(torch.random.get_rng_state(), before)
    w = lambda d: AutoModel.from_pretrained(d).embeddings.word_embeddings.weight  # noqa: E731
    assert torch.equal(w(bert_dir), w(again))
    assert not torch.equal(w(bert_dir), w(other))


def test_bert_model_vocab_can_exceed_tokenizer(tmp_path):
    from transformers import AutoConfig, AutoTokenizer

    d = build_tiny_bert(str(tmp_path / "big"), SENTS, vocab_size=200, model_vocab_size=5000, num_layers=1)
    assert AutoConfig.from_pretrained(d).vocab_size == 5000
    assert len(AutoTokenizer.from_pretrained(d)) < 5000


def test_simalign_loads_it(bert_dir):
    from simalign import SentenceAligner

    sa = SentenceAligner(model=bert_dir, token_type="bpe", matching_methods="a", device="cpu", layer=1)
    links = sa.get_word_aligns("the cat sat".split(), "le chat".split())["inter"]
    assert links and all(0 <= i < 3 and 0 <= j < 2 for i, j in links)


def test_causal_lm(tmp_path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    d = build_tiny_causal_lm(str(tmp_path / "lm"), SENTS, vocab_size=300, seed=1)
    tok = AutoTokenizer.from_pretrained(d)
    model = AutoModelForCausalLM.from_pretrained(d)
    ids = tok("the cat sat on the mat", return_tensors="pt")
    assert tok.decode(ids["input_ids"][0]) == "the cat sat on the mat"
    out = model(**ids, labels=ids["input_ids"])
    assert out.logits.shape[-1] == len(tok)
    assert torch.isfinite(out.loss)


def test_empty_corpus_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="at least one non-empty sentence"):
        build_tiny_bert(str(tmp_path / "x"), ["", "  "])
