"""The transformers backend on tiny random-weight models: real loading,
length-bucketed batching, greedy and seeded sampling, the response cache."""
import os

import pytest
import torch

from cs_synth.pipeline.generate.base import GenSpec, Request, build_generator
from cs_synth.pipeline.generate.cache import CachedGenerator, ResponseCache
from cs_synth.pipeline.generate.hf import HFGenerator, hf_factory
from cs_synth.pipeline.units import ConfigError, Context

TEXTS = ["the cat sat on the mat .", "two dogs", "a young man is playing the guitar in the park .", "hier",
         "she reads a book while the children sleep .", "le chat", "the parliament voted on the new budget"] * 3


def test_seq2seq_batches_give_the_texts_of_single_calls(tiny_mt):
    one = HFGenerator(tiny_mt, batch_size=1, max_new_tokens=6)
    many = HFGenerator(tiny_mt, batch_size=16, max_new_tokens=6)
    a, b = one.translate(TEXTS), many.translate(TEXTS)
    assert a == b and all(g.ok and g.text for g in a)
    assert one.calls == len(TEXTS) and many.calls == 2  # 21 texts in batches of 16, sorted by length


def test_causal_lm_left_padding_gives_the_same_continuations(tiny_lm):
    reqs = [Request(t) for t in TEXTS]
    one = HFGenerator(tiny_lm, batch_size=1, max_new_tokens=5, stop=())
    many = HFGenerator(tiny_lm, batch_size=16, max_new_tokens=5, stop=())
    assert one.complete(reqs) == many.complete(reqs)


def test_sampling_is_seeded_per_request_and_leaves_global_state(tiny_lm):
    gen = HFGenerator(tiny_lm, do_sample=True, max_new_tokens=8, stop=(), top_k=0)
    torch.manual_seed(123)
    before = torch.get_rng_state()
    a = gen.complete([Request("the cat", 1), Request("the cat", 2), Request("the cat", 1)])
    assert torch.equal(torch.get_rng_state(), before)
    assert a[0] == a[2] and a[0] != a[1]
    again = HFGenerator(tiny_lm, do_sample=True, max_new_tokens=8, stop=(), top_k=0).complete([Request("the cat", 2)])
    assert again[0] == a[1]


def test_a_prompt_too_long_for_the_model_is_a_reason_not_a_crash(tiny_mt):
    gen = HFGenerator(tiny_mt, max_new_tokens=4)
    res = gen.translate(["word " * 400, "the cat"])
    assert res[0].reason == "llm_prompt_too_long" and "128 positions" in res[0].detail
    assert res[1].ok


def test_cache_hit_skips_the_model_and_gives_the_same_text(tiny_mt, tmp_path):
    first = CachedGenerator(HFGenerator(tiny_mt, max_new_tokens=6), ResponseCache(str(tmp_path / "c")))
    a = first.translate(TEXTS)
    # 7 distinct texts in 2 length buckets: the repeats go to the model once
    assert first.inner.calls == 2 and first.cache.misses == len(TEXTS) and first.cache.hits == 0
    second = CachedGenerator(HFGenerator(tiny_mt, max_new_tokens=6), ResponseCache(str(tmp_path / "c")))
    assert second.translate(TEXTS) == a
    assert second.inner.calls == 0 and second.cache.hits == len(TEXTS)
    assert second.inner._model is None  # not even loaded
    # other decoding options are other keys
    third = CachedGenerator(HFGenerator(tiny_mt, max_new_tokens=3), ResponseCache(str(tmp_path / "c")))
    third.translate(TEXTS[:2])
    assert third.inner.calls == 1


def test_a_killed_run_resumes_paying_only_for_the_rest(tiny_mt, tmp_path):
    root = str(tmp_path / "c")
    part = CachedGenerator(HFGenerator(tiny_mt, max_new_tokens=6, batch_size=4), ResponseCache(root))
    part.translate(TEXTS[:5])  # then the run "dies"
    # a half-written entry of the killed run is ignored (temporary name)
    entry_dir = next(p for p in (tmp_path / "c").iterdir() if p.is_dir())
    (entry_dir / "zz.json.1234.tmp").write_text('{"key": "trunc', encoding="utf-8")
    rest = CachedGenerator(HFGenerator(tiny_mt, max_new_tokens=6, batch_size=4), ResponseCache(root))
    out = rest.translate(TEXTS)
    assert rest.cache.hits == 5 + sum(1 for t in TEXTS[5:] if t in TEXTS[:5])
    assert out == HFGenerator(tiny_mt, max_new_tokens=6).translate(TEXTS)


def test_a_corrupt_cache_entry_is_paid_again(tiny_mt, tmp_path):
    gen = CachedGenerator(HFGenerator(tiny_mt, max_new_tokens=6), ResponseCache(str(tmp_path / "c")))
    good = gen.translate(["the cat"])
    for p in (tmp_path / "c").rglob("*.json"):
        p.write_text("{not json", encoding="utf-8")
    again = CachedGenerator(HFGenerator(tiny_mt, max_new_tokens=6), ResponseCache(str(tmp_path / "c")))
    assert again.translate(["the cat"]) == good and again.inner.calls == 1


def test_options_are_checked_with_their_path(tiny_mt, tmp_path):
    ctx = Context(base_dir=str(tmp_path), src_lang="en")
    with pytest.raises(ConfigError, match=r"backend_options\.num_beams: must be >= 1"):
        build_generator(ctx, "transformers", {"model": tiny_mt, "num_beams": 0})
    with pytest.raises(ConfigError, match=r"backend_options\.model: required option is missing"):
        build_generator(ctx, "transformers", {})
    with pytest.raises(ConfigError, match=r"backend_options\.model: model folder not found"):
        build_generator(ctx, "transformers", {"model": "./nowhere"})
    with pytest.raises(ConfigError, match=r"option 'backend': unknown generator backend 'nope'"):
        build_generator(ctx, "nope", {})
    gen = build_generator(ctx, "transformers", {"model": os.path.relpath(tiny_mt, tmp_path)}, cache="cache")
    assert isinstance(gen, CachedGenerator) and gen.cache.root == str(tmp_path / "cache")
    assert hf_factory(GenSpec("en", "es"), model=tiny_mt).model_path == tiny_mt
