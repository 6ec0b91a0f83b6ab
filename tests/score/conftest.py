"""Fixtures for scorer tests: a record builder and tiny causal LMs built
offline (a word-level tokenizer trained with `tokenizers` + a random GPT-2)."""
import pytest

from cs_synth.pipeline.record import Record, Side, tag_tokens

CORPUS = [
    "the cat sat on the mat .",
    "the dog sat on the rug .",
    "a cat and a dog .",
    "le chat est sur le tapis .",
]


@pytest.fixture
def make_record():
    def make(src, src_lang="en", tgt=None, tgt_lang="fr", out=None, out_langs=None, alignment=(), rid="r1"):
        src_toks = tuple(src.split()) if src else ()
        tgt_side = None
        if tgt is not None:
            tgt_toks = tuple(tgt.split())
            tgt_side = Side(text=tgt, lang=tgt_lang, tokens=tgt_toks)
        kw = {}
        if out is not None:
            toks = tuple(out.split())
            kw = dict(tokens=toks, langs=tuple(out_langs), spaces=tuple(True for _ in toks), text=out)
        return Record(id=rid, src=Side(text=src, lang=src_lang, tokens=src_toks,
                                       spaces=tuple(True for _ in src_toks)),
                      tgt=tgt_side, alignment=alignment, **kw)
    return make


def _build_lm(path, zero=False, train_steps=0):
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    tok = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.train_from_iterator(CORPUS, trainers.WordLevelTrainer(special_tokens=["[UNK]", "<s>"]))
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", bos_token="<s>", eos_token="<s>")
    cfg = GPT2Config(vocab_size=tok.get_vocab_size(), n_positions=32, n_embd=16, n_layer=1, n_head=2,
                     bos_token_id=1, eos_token_id=1)
    with torch.random.fork_rng(devices=[]):  # leave the global torch rng alone
        torch.manual_seed(0)
        model = GPT2LMHeadModel(cfg)
        if zero:
            with torch.no_grad():
                for p in model.parameters():
                    p.zero_()
        if train_steps:
            opt = torch.optim.Adam(model.parameters(), lr=3e-2)
            ids = torch.tensor([[1] + fast(CORPUS[0], add_special_tokens=False)["input_ids"]])
            for _ in range(train_steps):
                loss = model(input_ids=ids, labels=ids).loss
                opt.zero_grad()
                loss.backward()
                opt.step()
    model.save_pretrained(path)
    fast.save_pretrained(path)
    return path, tok.get_vocab_size()


@pytest.fixture(scope="session")
def uniform_lm(tmp_path_factory):
    """All weights zero: every next-token distribution is uniform, so the
    perplexity of any text is exactly the vocabulary size."""
    return _build_lm(tmp_path_factory.mktemp("uniform_lm"), zero=True)


@pytest.fixture(scope="session")
def trained_lm(tmp_path_factory):
    """A tiny GPT-2 fitted for a few steps on CORPUS[0]."""
    return _build_lm(tmp_path_factory.mktemp("trained_lm"), train_steps=60)[0]


@pytest.fixture(scope="session")
def bpe_lm(tmp_path_factory):
    """The shared builder's byte-level BPE GPT-2 (any script, no unknown tokens)."""
    from cs_synth.pipeline.testing.tiny_models import build_tiny_causal_lm

    return build_tiny_causal_lm(str(tmp_path_factory.mktemp("bpe_lm")),
                                ["मैं कल दिल्ली जा रहा हूँ", "I am going to Delhi tomorrow", "kal main Delhi ja raha hoon"],
                                vocab_size=300, num_layers=1, hidden_size=16)
