"""Build small random-weight transformer models offline.

Tests must exercise the real loading and inference code (``transformers``,
SimAlign) without reaching a model hub.  These builders train a tokenizer
with the ``tokenizers`` library on the sentences given, create a model with
random weights from a config, and ``save_pretrained`` both into one folder,
so ``AutoTokenizer``/``AutoModel.from_pretrained(folder)`` and
``simalign.SentenceAligner(model=folder)`` load it.

* :func:`build_tiny_bert`: WordPiece vocabulary + ``BertModel`` (encoder).
* :func:`build_tiny_causal_lm`: byte-level BPE + ``GPT2LMHeadModel``.

Weights are drawn inside ``torch.random.fork_rng`` from ``torch.manual_seed(seed)``,
so the same arguments give the same weights and the caller's global torch
random state is left exactly as it was.  ``model_vocab_size`` lets the model
be larger than the trained vocabulary (e.g. an mBERT-sized 119,547-row
embedding for timing), ids above the tokenizer's vocabulary simply never occur.
"""
from __future__ import annotations

import json
import os
from typing import Iterable, List, Optional, Sequence

BERT_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def _sentences(corpus: Iterable) -> List[str]:
    out = []
    for s in corpus:
        if isinstance(s, (list, tuple)):
            s = " ".join(s)
        s = str(s).strip()
        if s:
            out.append(s)
    if not out:
        raise ValueError("build a tiny model from at least one non-empty sentence")
    return out


def train_wordpiece(corpus: Iterable, vocab_size: int = 1000, lowercase: bool = False):
    """A BERT-style WordPiece ``tokenizers.Tokenizer`` trained on ``corpus``
    (strings or token lists)."""
    from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import WordPiece
    from tokenizers.trainers import WordPieceTrainer

    tok = Tokenizer(WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True,
                                                strip_accents=lowercase, lowercase=lowercase)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    trainer = WordPieceTrainer(vocab_size=vocab_size, special_tokens=list(BERT_SPECIALS), min_frequency=1,
                               show_progress=False)
    tok.train_from_iterator(_sentences(corpus), trainer=trainer)
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)])
    tok.decoder = decoders.WordPiece(prefix="##")
    return tok


def build_tiny_bert(out_dir: str, corpus_sentences: Iterable, *, num_layers: int = 2, hidden_size: int = 32,
                    num_heads: int = 2, intermediate_size: Optional[int] = None, vocab_size: int = 1000,
                    model_vocab_size: Optional[int] = None, max_position_embeddings: int = 512,
                    lowercase: bool = False, seed: int = 0) -> str:
    """Save a random-weight ``BertModel`` and its WordPiece tokenizer in
    ``out_dir`` and return ``out_dir``.

    ``vocab_size`` is the WordPiece training target (the trained vocabulary
    may be smaller on a small corpus); the model's embedding has
    ``max(model_vocab_size, trained size)`` rows."""
    import torch
    from transformers import BertConfig, BertModel, BertTokenizer

    tok = train_wordpiece(corpus_sentences, vocab_size=vocab_size, lowercase=lowercase)
    n_vocab = tok.get_vocab_size()
    config = BertConfig(
        vocab_size=max(n_vocab, model_vocab_size or 0),
        hidden_size=hidden_size,
        num_hidden_layers=num_layers,
        num_attention_heads=num_heads,
        intermediate_size=intermediate_size or 4 * hidden_size,
        max_position_embeddings=max_position_embeddings,
        pad_token_id=tok.token_to_id("[PAD]"),
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = BertModel(config)
    model.eval()
    os.makedirs(out_dir, exist_ok=True)
    model.save_pretrained(out_dir)
    hf_tok = BertTokenizer(tokenizer_object=tok, do_lower_case=lowercase, unk_token="[UNK]", sep_token="[SEP]",
                           pad_token="[PAD]", cls_token="[CLS]", mask_token="[MASK]",
                           model_max_length=max_position_embeddings)
    hf_tok.save_pretrained(out_dir)
    _note(out_dir, "bert", n_vocab, seed)
    return out_dir


def build_tiny_causal_lm(out_dir: str, corpus_sentences: Iterable, *, num_layers: int = 2, hidden_size: int = 32,
                         num_heads: int = 2, vocab_size: int = 1000, max_positions: int = 256,
                         seed: int = 0) -> str:
    """Save a random-weight ``GPT2LMHeadModel`` with a byte-level BPE
    tokenizer trained on ``corpus_sentences`` in ``out_dir``; returns it.
    ``AutoModelForCausalLM``/``AutoTokenizer`` load it (e.g. for perplexity
    scorers under test)."""
    import torch
    from tokenizers import Tokenizer, decoders, pre_tokenizers
    from tokenizers.models import BPE
    from tokenizers.trainers import BpeTrainer
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    eos = "<|endoftext|>"
    tok = Tokenizer(BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = BpeTrainer(vocab_size=vocab_size, special_tokens=[eos], show_progress=False,
                         initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(_sentences(corpus_sentences), trainer=trainer)
    eos_id = tok.token_to_id(eos)
    config = GPT2Config(vocab_size=tok.get_vocab_size(), n_positions=max_positions, n_embd=hidden_size,
                        n_layer=num_layers, n_head=num_heads, bos_token_id=eos_id, eos_token_id=eos_id)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = GPT2LMHeadModel(config)
    model.eval()
    os.makedirs(out_dir, exist_ok=True)
    model.save_pretrained(out_dir)
    hf_tok = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=eos, eos_token=eos, unk_token=eos,
                                     pad_token=eos, model_max_length=max_positions)
    hf_tok.save_pretrained(out_dir)
    _note(out_dir, "gpt2", tok.get_vocab_size(), seed)
    return out_dir


def _note(out_dir: str, kind: str, n_vocab: int, seed: int) -> None:
    with open(os.path.join(out_dir, "TINY_MODEL.json"), "w", encoding="utf-8") as fh:
        json.dump({"built_by": "cs_synth.pipeline.testing.tiny_models", "kind": kind, "trained_vocab": n_vocab,
                   "seed": seed, "weights": "random"}, fh, indent=1)


def sample_sentences(words: Sequence[str] = (), n: int = 0) -> List[str]:
    """A few built-in sentences (English and French) to train a tokenizer on
    when a test has no corpus at hand."""
    base = [
        "the cat sat on the mat .", "le chat est assis sur le tapis .",
        "a young man is playing the guitar in the park .", "un jeune homme joue de la guitare dans le parc .",
        "two dogs are running through the snow .", "deux chiens courent dans la neige .",
        "the parliament voted on the new budget yesterday .", "le parlement a voté le nouveau budget hier .",
        "she reads a book while the children sleep .", "elle lit un livre pendant que les enfants dorment .",
    ]
    return base + list(words)[:n] if n else base + list(words)


def build_tiny_seq2seq(out_dir: str, corpus_sentences: Iterable, *, num_layers: int = 1, hidden_size: int = 32,
                       num_heads: int = 2, vocab_size: int = 600, max_positions: int = 128,
                       seed: int = 0) -> str:
    """Save a random-weight ``MarianMTModel`` (the opus-mt architecture) with
    a BPE tokenizer trained on ``corpus_sentences`` (both languages, one
    shared vocabulary as in opus-mt) in ``out_dir``; returns it.
    ``AutoModelForSeq2SeqLM``/``AutoTokenizer`` load it; it generates
    arbitrary words of the vocabulary (the weights are random)."""
    import torch
    from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import BPE
    from tokenizers.trainers import BpeTrainer
    from transformers import MarianConfig, MarianMTModel, PreTrainedTokenizerFast

    specials = ["<pad>", "</s>", "<unk>"]
    tok = Tokenizer(BPE(unk_token="<unk>", end_of_word_suffix="</w>"))
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.decoder = decoders.BPEDecoder(suffix="</w>")
    trainer = BpeTrainer(vocab_size=vocab_size, special_tokens=specials, show_progress=False,
                         end_of_word_suffix="</w>", min_frequency=1)
    tok.train_from_iterator(_sentences(corpus_sentences), trainer=trainer)
    pad_id, eos_id = tok.token_to_id("<pad>"), tok.token_to_id("</s>")
    tok.post_processor = processors.TemplateProcessing(single="$A </s>", pair="$A $B </s>",
                                                       special_tokens=[("</s>", eos_id)])
    n_vocab = tok.get_vocab_size()
    config = MarianConfig(vocab_size=n_vocab, decoder_vocab_size=n_vocab, d_model=hidden_size,
                          encoder_layers=num_layers, decoder_layers=num_layers, encoder_attention_heads=num_heads,
                          decoder_attention_heads=num_heads, encoder_ffn_dim=4 * hidden_size,
                          decoder_ffn_dim=4 * hidden_size, max_position_embeddings=max_positions,
                          pad_token_id=pad_id, eos_token_id=eos_id, decoder_start_token_id=pad_id,
                          forced_eos_token_id=eos_id, share_encoder_decoder_embeddings=True)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = MarianMTModel(config)
    model.eval()
    os.makedirs(out_dir, exist_ok=True)
    model.save_pretrained(out_dir)
    hf_tok = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="</s>", unk_token="<unk>",
                                     model_max_length=max_positions)
    hf_tok.save_pretrained(out_dir)
    _note(out_dir, "marian", n_vocab, seed)
    return out_dir
