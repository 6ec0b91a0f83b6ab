"""SimAlign backends on a tiny BERT built offline.

The central test: ``simalign-batched`` gives the same alignments as
``simalign.SentenceAligner`` on the same model and inputs, for every method
and token type.  A pair may differ only on a floating-point near-tie: the
reference and batched similarity matrices differ by padding-induced noise
``delta`` (about 1e-7), so a decision whose margin is within a few ``delta``
may go either way.  Such pairs are detected with ``decision_margin``,
counted and reported; any other difference fails.
"""
import os
import shutil

import numpy as np
import pytest
from simalign import SentenceAligner

from cs_synth.pipeline import registry
from cs_synth.pipeline.align.simalign_aligner import (BatchedSimAligner, SimAlignAligner, cosine_similarity_matrix,
                                             decision_margin, distort, export_encoder_onnx, forward_batches,
                                             itermax, max_weight_match, mutual_argmax, resolve_model,
                                             simalign_batched_factory, simalign_factory)
from cs_synth.pipeline.units import ConfigError, Context

METHODS = ("argmax", "itermax", "match")
LAYER = 2  # of 3: the batched model drops the third layer


@pytest.fixture(scope="module")
def test_pairs(enfr, roen):
    """40 pairs of 1 to 25 words from both gold sets."""
    pairs = [p for p in enfr[0][::9] + roen[0][::11] if max(len(p[0]), len(p[1])) <= 25]
    assert len(pairs) >= 40
    return pairs[:40]


def reference_sim(sa: SentenceAligner, src, tgt, token_type):
    """The similarity matrix SentenceAligner itself computes for a pair."""
    tok = sa.embed_loader.tokenizer
    sub = [[tok.tokenize(w) for w in sent] for sent in (src, tgt)]
    vec = sa.embed_loader.get_embed_list([list(src), list(tgt)]).cpu().numpy()
    vecs = [vec[k, :sum(len(w) for w in sub[k])] for k in (0, 1)]
    if token_type == "word":
        vecs = sa.average_embeds_over_words(vecs, sub)
    return sa.apply_distortion(sa.get_similarity(vecs[0], vecs[1]), sa.distortion)


def compare(ref: SimAlignAligner, bat: BatchedSimAligner, pairs, method, token_type):
    """Returns (reference alignments, identical, near_ties, real_differences)."""
    expected = ref.align(pairs)
    got = bat.align(pairs)
    diffs = [k for k in range(len(pairs)) if expected[k] != got[k]]
    near, real = [], []
    if diffs:
        sa = ref.sentence_aligner()
        mine = bat.similarity_matrices([pairs[k] for k in diffs])
        for k, (sim, _) in zip(diffs, mine):
            rsim = reference_sim(sa, *pairs[k], token_type)
            delta = float(np.abs(rsim - sim).max())
            margin = min(decision_margin(rsim, method), decision_margin(sim, method))
            (near if margin <= 4 * delta + 1e-7 else real).append((k, margin, delta))
    return expected, len(pairs) - len(diffs), near, real


@pytest.mark.parametrize("token_type", ["bpe", "word"])
@pytest.mark.parametrize("method", METHODS)
def test_batched_matches_sentence_aligner(tiny_bert, test_pairs, method, token_type, record_property):
    opts = dict(model=tiny_bert, layer=LAYER, token_type=token_type, method=method, device="cpu")
    ref = simalign_factory(Context(), **opts)
    bat = simalign_batched_factory(Context(), batch_size=8, **opts)
    # SentenceAligner's 'match' runs networkx's pure-Python blossom: fewer pairs
    pairs = test_pairs[:16] if method == "match" else test_pairs
    expected, identical, near, real = compare(ref, bat, pairs, method, token_type)
    record_property("identical_pairs", identical)
    record_property("near_tie_pairs", len(near))
    if near:
        print(f"\n{method}/{token_type}: {len(near)} near-tie pair(s) (index, margin, noise): {near}")
    assert not real, f"{len(real)} pairs differ beyond floating-point near-ties: {real}"
    assert identical >= len(pairs) - 2
    # the comparison is not vacuous: every pair has links
    assert all(expected)


def test_batch_size_and_layer_edges(tiny_bert, test_pairs):
    # embeddings (layer 0) and the last layer (nothing dropped)
    for layer in (0, 3):
        opts = dict(model=tiny_bert, layer=layer, token_type="bpe", method="argmax", device="cpu")
        _, _, near, real = compare(simalign_factory(Context(), **opts),
                                simalign_batched_factory(Context(), batch_size=32, **opts), test_pairs[:20],
                                "argmax", "bpe")
        assert not real
    opts = dict(model=tiny_bert, layer=LAYER, token_type="bpe", method="itermax", device="cpu")
    one = simalign_batched_factory(Context(), batch_size=1, **opts).align(test_pairs)
    many = simalign_batched_factory(Context(), batch_size=64, **opts).align(test_pairs)
    assert sum(a != b for a, b in zip(one, many)) <= 1


def test_distortion_option_matches(tiny_bert, test_pairs):
    opts = dict(model=tiny_bert, layer=LAYER, token_type="bpe", method="itermax", device="cpu", distortion=0.5)
    _, _, near, real = compare(simalign_factory(Context(), **opts), simalign_batched_factory(Context(), **opts),
                            test_pairs[:20], "itermax", "bpe")
    assert not real


def test_given_empty_and_registry(tiny_bert):
    assert registry.lookup(registry.aligners, "simalign") is simalign_factory
    assert registry.lookup(registry.aligners, "simalign-batched") is simalign_batched_factory
    bat = simalign_batched_factory(Context(), model=tiny_bert, layer=1, device="cpu")
    out = bat.align([(("a", "b"), ("c",)), ((), ("x",)), (("le", "chat"), ("the", "cat"))],
                    given=["1-0", None, None])
    assert out[0] == ((1, 0),) and out[1] == ()
    assert all(0 <= i < 2 and 0 <= j < 2 for i, j in out[2]) and out[2]


@pytest.mark.skipif(not __import__("torch").cuda.is_available(), reason="no CUDA device here")
def test_gpu_gives_the_same_alignments(tiny_bert, test_pairs):  # pragma: no cover - needs a GPU
    opts = dict(model=tiny_bert, layer=LAYER, token_type="bpe", method="itermax")
    cpu = simalign_batched_factory(Context(), device="cpu", **opts)
    gpu = simalign_batched_factory(Context(), device="auto", **opts)
    assert gpu.align(test_pairs) == cpu.align(test_pairs)


# ------------------------------------------------- ONNX Runtime encoder path
@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory):
    pytest.importorskip("onnxruntime")
    cache = tmp_path_factory.mktemp("onnx_cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CS_SYNTH_ONNX_CACHE", str(cache))
        yield cache


@pytest.mark.parametrize("token_type", ["bpe", "word"])
@pytest.mark.parametrize("method", METHODS)
def test_onnx_runtime_matches_sentence_aligner(onnx_cache, tiny_bert, test_pairs, method, token_type,
                                               record_property):
    opts = dict(model=tiny_bert, layer=LAYER, token_type=token_type, method=method, device="cpu")
    ref = simalign_factory(Context(), **opts)
    bat = simalign_batched_factory(Context(), batch_size=8, runtime="onnx", **opts)
    pairs = test_pairs[:16] if method == "match" else test_pairs
    expected, identical, near, real = compare(ref, bat, pairs, method, token_type)
    record_property("identical_pairs", identical)
    record_property("near_tie_pairs", len(near))
    if near:
        print(f"\nonnx {method}/{token_type}: {len(near)} near-tie pair(s) (index, margin, noise): {near}")
    assert not real, f"{len(real)} pairs differ beyond floating-point near-ties: {real}"
    assert identical >= len(pairs) - 2
    assert all(expected)


def test_onnx_layers_and_export_cache(onnx_cache, tiny_bert, test_pairs):
    for layer in (0, 3):  # embeddings only (the graph then has no attention_mask input); nothing dropped
        opts = dict(model=tiny_bert, layer=layer, token_type="bpe", method="argmax", device="cpu")
        _, _, near, real = compare(simalign_factory(Context(), **opts),
                                   simalign_batched_factory(Context(), runtime="onnx", **opts), test_pairs[:20],
                                   "argmax", "bpe")
        assert not real
    path = export_encoder_onnx(tiny_bert, LAYER)
    assert path.startswith(str(onnx_cache)) and os.path.isfile(path)
    stamp = os.stat(path).st_mtime_ns
    assert export_encoder_onnx(tiny_bert, LAYER) == path and os.stat(path).st_mtime_ns == stamp  # reused
    assert export_encoder_onnx(tiny_bert, 1) != path  # keyed by layer
    # and by the model folder's files: a changed folder gets a new export
    other = onnx_cache / "model-copy"
    shutil.copytree(tiny_bert, other)
    assert os.path.dirname(export_encoder_onnx(str(other), LAYER)) != os.path.dirname(path)


def test_forward_batches():
    lengths = [3, 4, 4, 5, 9, 10, 30]
    # at most 3 sentences and 20 padded tokens per forward pass; 30 goes alone
    assert forward_batches(lengths, 3, 20) == [[0, 1, 2], [3, 4], [5], [6]]  # 2 x 9 fits, 3 x 10 does not
    assert forward_batches(lengths, 2, 1000) == [[0, 1], [2, 3], [4, 5], [6]]
    assert forward_batches(lengths, 100, 1000) == [list(range(7))]
    assert forward_batches([], 4, 100) == []


def test_forward_batch_size_does_not_change_alignments(tiny_bert, test_pairs):
    opts = dict(model=tiny_bert, layer=LAYER, token_type="bpe", method="itermax", device="cpu")
    small = simalign_batched_factory(Context(), max_batch_tokens=1, **opts).align(test_pairs)  # one per pass
    large = simalign_batched_factory(Context(), max_batch_tokens=100000, batch_size=64, **opts).align(test_pairs)
    assert sum(a != b for a, b in zip(small, large)) <= 1


# ------------------------------------------- matching logic on the same matrix
def _matrices(seed=0, rounded=False):
    rng = np.random.default_rng(seed)
    shapes = [(1, 1), (1, 4), (4, 1), (2, 2), (2, 5), (3, 3), (5, 8), (8, 5), (12, 12), (17, 9), (25, 31)]
    out = []
    for m, n in shapes:
        for _ in range(4):
            a = rng.random((m, n)).astype(np.float32)
            out.append(np.round(a, 1) if rounded else a)
    return out


@pytest.mark.parametrize("rounded", [False, True], ids=["continuous", "with-exact-ties"])
def test_argmax_and_itermax_logic_equals_simalign(rounded):
    for sim in _matrices(1, rounded):
        fwd, rev = SentenceAligner.get_alignment_matrix(sim)
        assert np.array_equal(mutual_argmax(sim), (fwd * rev) > 0)
        assert np.array_equal(itermax(sim), SentenceAligner.iter_max(sim) > 0)


def test_match_logic_equals_simalign_networkx():
    for sim in _matrices(2):
        assert np.array_equal(max_weight_match(sim), SentenceAligner.get_max_weight_match(sim) > 0)


def test_similarity_and_distortion_equal_simalign():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(6, 16)).astype(np.float32), rng.normal(size=(9, 16)).astype(np.float32)
    x[2] = 0.0  # a zero vector
    sim = cosine_similarity_matrix(x, y)
    assert np.array_equal(sim, SentenceAligner.get_similarity(x, y))
    for ratio in (0.0, 0.5, 1.0):
        assert np.allclose(distort(sim, ratio), SentenceAligner.apply_distortion(sim, ratio), rtol=0, atol=1e-12)


def test_decision_margin_detects_near_ties():
    tie = np.array([[0.6, 0.6 + 1e-7, 0.1], [0.1, 0.2, 0.9], [0.3, 0.1, 0.2]], dtype=np.float64)
    nudged = tie.copy()
    nudged[0, 0] += 2e-7
    # a 2e-7 change flips the decision ...
    assert not np.array_equal(mutual_argmax(tie), mutual_argmax(nudged))
    # ... and the margin says so
    assert decision_margin(tie, "argmax") < 1e-6
    assert decision_margin(tie, "itermax") < 1e-6
    # two matchings of nearly equal weight (1.0 and 1.0000001)
    match_tie = np.array([[0.5, 0.5 + 1e-7], [0.5, 0.5]])
    match_nudged = match_tie.copy()
    match_nudged[0, 0] += 2e-7
    assert not np.array_equal(max_weight_match(match_tie), max_weight_match(match_nudged))
    assert decision_margin(match_tie, "match") < 1e-6
    clear = np.eye(4) * 0.8 + 0.1
    assert decision_margin(clear, "argmax") == pytest.approx(0.8)
    assert decision_margin(clear, "itermax") == pytest.approx(0.8)
    # best matching weight 3.6; avoiding one diagonal link costs 2 * 0.8
    assert decision_margin(clear, "match") == pytest.approx(1.6)


# ------------------------------------------------------------------ errors
def test_missing_local_folder_named(tmp_path):
    with pytest.raises(ConfigError, match="align.options.model: local model folder not found: /no/such/model"):
        simalign_batched_factory(Context(), model="/no/such/model")
    with pytest.raises(ConfigError, match=f"local model folder not found: {tmp_path}/models/m"):
        simalign_factory(Context(base_dir=str(tmp_path)), model="./models/m")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="has no config.json"):
        simalign_factory(Context(), model=str(tmp_path / "empty"))


def test_uncached_hub_name_named(tmp_path, monkeypatch):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    with pytest.raises(ConfigError, match="model 'bert-base-multilingual-cased' is neither a local folder nor in "
                                          "the Hugging Face cache"):
        simalign_factory(Context(), model="bert")
    with pytest.raises(ConfigError, match="model 'someorg/some-model'"):
        simalign_batched_factory(Context(), model="someorg/some-model")


def test_cached_hub_name_resolves_without_network(tmp_path, monkeypatch, tiny_bert):
    from huggingface_hub import constants

    hub = tmp_path / "hub"
    snap = hub / "models--tiny-org--tiny-bert" / "snapshots" / "abc123"
    shutil.copytree(tiny_bert, snap)
    (hub / "models--tiny-org--tiny-bert" / "refs").mkdir(parents=True)
    (hub / "models--tiny-org--tiny-bert" / "refs" / "main").write_text("abc123")
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(hub))
    assert resolve_model(Context(), "tiny-org/tiny-bert") == str(snap)
    bat = simalign_batched_factory(Context(), model="tiny-org/tiny-bert", layer=1, device="cpu")
    assert bat.folder == str(snap)


def test_layer_deeper_than_model(tiny_bert):
    with pytest.raises(ConfigError, match="align.options.layer: 4 is deeper than the model .* which has 3 layers"):
        simalign_factory(Context(), model=tiny_bert, layer=4)
    with pytest.raises(ConfigError, match="align.options.layer: 8 is deeper"):
        simalign_batched_factory(Context(), model=tiny_bert)  # SimAlign's default layer 8


@pytest.mark.parametrize("opts,message", [
    ({"method": "mwmf"}, "align.options.method: must be one of argmax, itermax, match"),
    ({"token_type": "char"}, "align.options.token_type"),
    ({"layer": -1}, "align.options.layer"),
    ({"batch_size": 0}, "align.options.batch_size"),
    ({"distortion": "lots"}, "align.options.distortion"),
    ({"max_batch_tokens": 0}, "align.options.max_batch_tokens: must be a positive integer"),
    ({"runtime": "tensorrt"}, "align.options.runtime: must be one of torch, onnx, got 'tensorrt'"),
])
def test_bad_options(tiny_bert, opts, message):
    base = dict(model=tiny_bert, layer=1)
    base.update(opts)
    with pytest.raises(ConfigError, match=message):
        simalign_batched_factory(Context(), **base)


@pytest.mark.skipif(__import__("torch").cuda.is_available(), reason="a CUDA device is present")
def test_cuda_requested_without_gpu(tiny_bert):
    with pytest.raises(ConfigError, match="align.options.device: 'cuda' requested but no CUDA device"):
        simalign_factory(Context(), model=tiny_bert, layer=1, device="cuda")


def test_onnx_runtime_without_onnxruntime_named(tiny_bert, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "onnxruntime", None)  # import fails as if not installed
    with pytest.raises(ConfigError, match=r"align.options.runtime: onnx needs onnxruntime: pip install "
                                          r"'cs-synth\[onnx\]'"):
        simalign_batched_factory(Context(), model=tiny_bert, layer=1, runtime="onnx")


def test_onnx_runtime_needs_cpu(tiny_bert):
    pytest.importorskip("onnxruntime")
    with pytest.raises(ConfigError, match="align.options.device: runtime onnx runs on the CPU"):
        simalign_batched_factory(Context(), model=tiny_bert, layer=1, device="mps", runtime="onnx")
