"""SimAlign backends: word alignment from multilingual embeddings.

SimAlign (Jalili Sabet et al. 2020, "SimAlign: High Quality Word Alignments
without Parallel Training Data using Static and Contextualized Embeddings")
embeds both sentences with a multilingual encoder, takes one hidden layer,
compares every source/target pair by cosine similarity and extracts links:

``argmax``
    mutual argmax: ``(i, j)`` when ``j`` is ``i``'s most similar target and
    ``i`` is ``j``'s most similar source.
``itermax``
    argmax, then one more round of mutual argmax restricted to words left
    unaligned on at least one side (similarities damped by 0.9 where only
    one side is free).
``match``
    a maximum-weight bipartite matching on the similarity matrix.

With ``token_type: bpe`` the matrix is over subwords and subword links are
mapped to their words; with ``word`` subword vectors are averaged per word.

Two backends, same options:

``simalign``
    wraps ``simalign.SentenceAligner``, one pair per model call.
``simalign-batched``
    our implementation of the same methods: all sentences of a batch are
    tokenized in one call, sorted by length, and cut into forward passes of
    at most ``2 * batch_size`` sentences and ``max_batch_tokens`` padded
    subwords (short runs of similar length waste little on padding), layers
    above ``layer`` are not computed, and the matching runs on the same
    per-pair similarity matrices.  ``runtime: onnx`` (opt-in, CPU, fp32; needs
    ``pip install 'cs-synth[onnx]'``) runs the truncated encoder in ONNX
    Runtime instead of PyTorch: it is exported once per model folder and
    layer into a cache folder (``$CS_SYNTH_ONNX_CACHE``, default
    ``~/.cache/cs-synth/onnx``).  It gives
    SentenceAligner's alignments; floating-point near-ties (two candidates
    whose similarities differ by less than padding-induced noise, ~1e-6) may
    resolve differently, which :func:`decision_margin` detects.  It uses the
    GPU when there is one (``device: auto``).

Models are loaded from a local folder, or from the local Hugging Face cache
by name; nothing is downloaded.  A missing folder or an uncached name is a
:class:`~cs_synth.pipeline.units.ConfigError` at factory time naming it, and so is a
``layer`` above the model's depth.

Known divergence: a word the tokenizer turns into no subword at all (e.g. a
lone zero-width character) gets a NaN vector in SentenceAligner's ``word``
mode; here it simply stays unaligned.
"""
from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from cs_synth.pipeline.align.base import Aligner, Links, TokenPair
from cs_synth.pipeline.registry import aligners
from cs_synth.pipeline.units import ConfigError, Context


class _Numpy:
    """numpy, imported on first use: the registry imports this module to
    register the aligners, and a run that does not use them (a rule recipe,
    eflomal) need not import numpy for it.  The first attribute read puts
    the module itself in place of this stand-in."""

    def __getattr__(self, name):
        import numpy

        globals()["np"] = numpy
        return getattr(numpy, name)


np = _Numpy()

METHODS = ("argmax", "itermax", "match")
#: SentenceAligner's matching-method letters and result keys
SIMALIGN_LETTER = {"argmax": "a", "itermax": "i", "match": "m"}
SIMALIGN_KEY = {"argmax": "inter", "itermax": "itermax", "match": "mwmf"}
#: SimAlign's short model names
SHORT_NAMES = {"bert": "bert-base-multilingual-cased", "xlmr": "xlm-roberta-base"}
TOKEN_TYPES = ("bpe", "word")
RUNTIMES = ("torch", "onnx")
#: default cap on padded subwords per forward pass of the batched aligner
MAX_BATCH_TOKENS = 320
ITERMAX_ALPHA = 0.9
ITERMAX_ROUNDS = 2


# =========================================================== model resolution
def resolve_model(ctx: Context, model: str, option: str = "align.options.model") -> str:
    """The local folder holding ``model`` (a folder path, a Hugging Face
    name found in the local cache, or SimAlign's ``bert``/``xlmr``).  Never
    downloads; raises ConfigError naming the model when it is not here."""
    if not isinstance(model, str) or not model.strip():
        raise ConfigError(f"{option}: give a model folder or a cached Hugging Face model name")
    name = SHORT_NAMES.get(model, model)
    path = ctx.resolve(os.path.expanduser(name))
    looks_like_path = (os.path.isabs(name) or name.startswith((".", "~"))
                       or (os.sep in name.strip("/") and not _hub_like(name)))
    if os.path.isdir(path):
        if not os.path.exists(os.path.join(path, "config.json")):
            raise ConfigError(f"{option}: {path} has no config.json; it is not a saved transformers model folder")
        return path
    if looks_like_path or os.path.exists(path):
        raise ConfigError(f"{option}: local model folder not found: {path}")
    folder = _cached_hub_folder(name)
    if folder is None:
        from huggingface_hub import constants

        raise ConfigError(
            f"{option}: model {name!r} is neither a local folder nor in the Hugging Face cache "
            f"({constants.HF_HUB_CACHE}). Models are never downloaded during a run: fetch it where the hub is "
            f"reachable (e.g. `hf download {name}`) and copy the cache, or set {option} to a folder saved with "
            f"save_pretrained")
    return folder


def _hub_like(name: str) -> bool:
    """``org/name`` with no path decorations looks like a hub id."""
    parts = name.split("/")
    return len(parts) == 2 and all(parts) and not name.startswith((".", "/", "~"))


def _cached_hub_folder(name: str) -> Optional[str]:
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:  # pragma: no cover - transformers depends on it
        return None
    try:
        hit = try_to_load_from_cache(repo_id=name, filename="config.json")
    except Exception:  # noqa: BLE001 - invalid repo ids etc.: simply not cached
        return None
    if isinstance(hit, str) and os.path.exists(hit):
        return os.path.dirname(hit)
    return None


def model_depth(folder: str) -> Optional[int]:
    """Number of transformer layers in the model saved in ``folder``."""
    try:
        with open(os.path.join(folder, "config.json"), encoding="utf-8") as fh:
            cfg = json.load(fh)
    except (OSError, ValueError):
        return None
    for key in ("num_hidden_layers", "n_layers", "num_layers", "n_layer"):
        if isinstance(cfg.get(key), int):
            return cfg[key]
    return None


def resolve_device(device: str, option: str = "align.options.device") -> str:
    """Validate ``device``; ``auto`` stays ``auto`` (resolved when the model
    loads, so building the aligner does not import torch)."""
    if device in (None, "", "auto"):
        return "auto"
    import torch

    if str(device).startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError(f"{option}: {device!r} requested but no CUDA device is available; use 'auto' or 'cpu'")
    if device == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise ConfigError(f"{option}: 'mps' requested but not available; use 'auto' or 'cpu'")
    try:
        torch.device(device)
    except (RuntimeError, TypeError):
        raise ConfigError(f"{option}: unknown device {device!r}; use auto, cpu, cuda or cuda:N") from None
    return str(device)


def runtime_device(device: str) -> str:
    if device == "auto":
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


def _check_options(ctx: Context, model, layer, token_type, method, device, distortion):
    import importlib.util

    missing = [m for m in ("torch", "transformers") if importlib.util.find_spec(m) is None]
    if missing:  # not in the base install
        raise ConfigError(f"align.backend: the simalign aligners need {' and '.join(missing)}: "
                          f"pip install 'cs-synth[simalign]' (with the CPU torch wheel, see docs/cluster.md)")
    if token_type not in TOKEN_TYPES:
        raise ConfigError(f"align.options.token_type: must be one of {', '.join(TOKEN_TYPES)}, got {token_type!r}")
    if method not in METHODS:
        raise ConfigError(f"align.options.method: must be one of {', '.join(METHODS)}, got {method!r}")
    if not isinstance(layer, int) or isinstance(layer, bool) or layer < 0:
        raise ConfigError(f"align.options.layer: must be a non-negative integer, got {layer!r}")
    try:
        distortion = float(distortion)
    except (TypeError, ValueError):
        raise ConfigError(f"align.options.distortion: must be a number, got {distortion!r}") from None
    folder = resolve_model(ctx, model)
    depth = model_depth(folder)
    if depth is not None and layer > depth:
        raise ConfigError(f"align.options.layer: {layer} is deeper than the model {model!r}, which has {depth} "
                          f"layers; choose 0..{depth} (0 = embeddings; SimAlign's default is 8)")
    return folder, resolve_device(device), distortion


# ====================================================== matching (pure numpy)
def cosine_similarity_matrix(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``(cos(x_i, y_j) + 1) / 2`` for every row pair, in the input dtype.
    Zero vectors stay zero (similarity 0.5)."""
    def unit(a):
        norms = np.sqrt(np.einsum("ij,ij->i", a, a))
        norms[norms == 0.0] = 1.0
        return a / norms[:, np.newaxis]

    return (unit(x) @ unit(y).T + 1.0) / 2.0


def distort(sim: np.ndarray, ratio: float) -> np.ndarray:
    """Damp similarities of links far from the diagonal:
    ``sim * (1 - ratio * (j/(n-1) - i/(m-1))**2)`` (no-op for ``ratio=0``
    or a one-word side)."""
    m, n = sim.shape
    if ratio == 0.0 or m < 2 or n < 2:
        return sim
    rel_i = np.arange(m, dtype=np.float64) / float(m - 1)
    rel_j = np.arange(n, dtype=np.float64) / float(n - 1)
    return sim * (1.0 - (rel_j[np.newaxis, :] - rel_i[:, np.newaxis]) ** 2 * ratio)


def mutual_argmax(sim: np.ndarray) -> np.ndarray:
    """Boolean matrix of links that are the row's and the column's argmax
    (first index on exact ties, as numpy's argmax)."""
    m, n = sim.shape
    out = np.zeros((m, n), dtype=bool)
    best_j = sim.argmax(axis=1)
    best_i = sim.argmax(axis=0)
    rows = np.arange(m)
    keep = best_i[best_j] == rows
    out[rows[keep], best_j[keep]] = True
    return out


def itermax(sim: np.ndarray, rounds: int = ITERMAX_ROUNDS, alpha: float = ITERMAX_ALPHA) -> np.ndarray:
    """Mutual argmax, then up to ``rounds - 1`` further rounds over cells
    whose row or column is still unaligned; such cells keep their
    similarity when both sides are free and are damped by ``alpha`` when
    only one is.  Matrices with a side of at most two words stop after the
    first round."""
    links = mutual_argmax(sim)
    m, n = sim.shape
    if min(m, n) <= 2:
        return links
    for _ in range(rounds - 1):
        row_free = ~links.any(axis=1)
        col_free = ~links.any(axis=0)
        if not row_free.any() or not col_free.any():
            break
        both = row_free[:, np.newaxis] & col_free[np.newaxis, :]
        either = row_free[:, np.newaxis] | col_free[np.newaxis, :]
        weight = np.where(both, 1.0, np.where(either, alpha, 0.0))
        new = mutual_argmax(sim * weight) & either
        if not new.any():
            break
        links = links | new
    return links


def max_weight_match(sim: np.ndarray) -> np.ndarray:
    """Maximum-weight matching of ``min(m, n)`` links (rectangular
    assignment problem, solved with scipy's ``linear_sum_assignment``)."""
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(sim, maximize=True)
    out = np.zeros(sim.shape, dtype=bool)
    out[rows, cols] = True
    return out


def match_matrix(sim: np.ndarray, method: str) -> np.ndarray:
    if method == "argmax":
        return mutual_argmax(sim)
    if method == "itermax":
        return itermax(sim)
    if method == "match":
        return max_weight_match(sim)
    raise ValueError(f"unknown method {method!r}")


def _top2_gap(a: np.ndarray, axis: int) -> float:
    if a.shape[axis] < 2:
        return float("inf")
    part = -np.partition(-a, 1, axis=axis)
    first = np.take(part, 0, axis=axis)
    second = np.take(part, 1, axis=axis)
    return float((first - second).min())


def decision_margin(sim: np.ndarray, method: str) -> float:
    """How close ``sim`` is to a different alignment: the smallest gap
    between a winning and a runner-up score over every decision ``method``
    makes (each row/column argmax, both itermax rounds; for ``match`` the
    weight lost by the best matching that avoids one chosen link).  A
    difference between two implementations on the same input is a
    floating-point near-tie when this margin is below the numerical noise."""
    sim = np.asarray(sim, dtype=np.float64)
    m, n = sim.shape
    if m == 0 or n == 0:
        return float("inf")
    if method == "match":
        from scipy.optimize import linear_sum_assignment

        rows, cols = linear_sum_assignment(sim, maximize=True)
        best = sim[rows, cols].sum()
        margin = float("inf")
        for r, c in zip(rows, cols):
            alt = sim.copy()
            alt[r, c] = -1e9
            r2, c2 = linear_sum_assignment(alt, maximize=True)
            margin = min(margin, best - alt[r2, c2].sum())
        return float(margin)
    margin = min(_top2_gap(sim, 1), _top2_gap(sim, 0))
    if method == "itermax" and min(m, n) > 2:
        links = mutual_argmax(sim)
        row_free = ~links.any(axis=1)
        col_free = ~links.any(axis=0)
        if row_free.any() and col_free.any():
            both = row_free[:, np.newaxis] & col_free[np.newaxis, :]
            either = row_free[:, np.newaxis] | col_free[np.newaxis, :]
            masked = sim * np.where(both, 1.0, np.where(either, ITERMAX_ALPHA, 0.0))
            margin = min(margin, _top2_gap(masked, 1), _top2_gap(masked, 0))
    return float(margin)


def word_links(matrix: np.ndarray, src_map: Optional[Sequence[int]], tgt_map: Optional[Sequence[int]]) -> Links:
    """Links of a boolean matrix, mapped from subwords to words when maps
    (subword -> word index) are given."""
    rows, cols = np.nonzero(matrix)
    if src_map is None:
        return tuple(sorted({(int(i), int(j)) for i, j in zip(rows, cols)}))
    return tuple(sorted({(int(src_map[i]), int(tgt_map[j])) for i, j in zip(rows, cols)}))


# ============================================================ SentenceAligner
@functools.lru_cache(maxsize=4)
def _sentence_aligner(folder: str, token_type: str, letter: str, device: str, layer: int, distortion: float):
    from simalign import SentenceAligner

    return SentenceAligner(model=folder, token_type=token_type, matching_methods=letter, device=runtime_device(device),
                           layer=layer, distortion=distortion)


class SimAlignAligner(Aligner):
    """``simalign.SentenceAligner``, one pair per call."""

    name = "simalign.v1"
    corpus_level = False

    def __init__(self, folder: str, *, layer: int = 8, token_type: str = "bpe", method: str = "itermax",
                 device: str = "cpu", distortion: float = 0.0):
        self.folder, self.layer, self.token_type = folder, layer, token_type
        self.method, self.device, self.distortion = method, device, distortion

    def sentence_aligner(self):
        return _sentence_aligner(self.folder, self.token_type, SIMALIGN_LETTER[self.method], self.device,
                                 self.layer, self.distortion)

    def align_pairs(self, pairs: Sequence[TokenPair], priors=None) -> List[Links]:
        sa = self.sentence_aligner()
        key = SIMALIGN_KEY[self.method]
        out: List[Links] = []
        for src, tgt in pairs:
            if not src or not tgt:
                out.append(())
                continue
            res = sa.get_word_aligns(list(src), list(tgt))
            out.append(tuple(sorted((int(i), int(j)) for i, j in res[key])))
        return out


# ============================================================ batched version
@dataclass
class _Encoded:
    """One sentence: its subword ids and, per subword, its word index."""

    ids: List[int]
    word_of: List[int]         # word index of each non-special position
    positions: List[int]       # positions of those subwords in ``ids``


@functools.lru_cache(maxsize=4)
def _load_encoder(folder: str, device: str, layer: int):
    """Tokenizer and model (eval mode, on ``device``), keeping only the
    first ``layer`` transformer layers when the architecture allows it: the
    hidden state of layer ``layer`` does not depend on the layers above."""
    import torch
    from transformers import AutoConfig, AutoModel

    config = AutoConfig.from_pretrained(folder, output_hidden_states=True)
    model = AutoModel.from_pretrained(folder, config=config)
    encoder = getattr(model, "encoder", None)
    stack = getattr(encoder, "layer", None)
    if isinstance(stack, torch.nn.ModuleList) and max(layer, 1) < len(stack):
        encoder.layer = stack[:max(layer, 1)]  # keep one: some models record no hidden states without layers
    model.eval()
    model.to(torch.device(runtime_device(device)))
    return _load_tokenizer(folder)[0], model


@functools.lru_cache(maxsize=4)
def _load_tokenizer(folder: str):
    """The model's fast tokenizer and its config (all the ONNX runtime needs
    besides the exported graph)."""
    from transformers import AutoConfig, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder)
    if not getattr(tokenizer, "is_fast", False):
        raise ConfigError(f"align.options.model: simalign-batched needs a fast (tokenizers-backed) tokenizer to map "
                          f"subwords to words, and {folder} has none; use the simalign backend for this model")
    return tokenizer, AutoConfig.from_pretrained(folder)


class BatchedSimAligner(Aligner):
    """SimAlign's methods over padded batches (see the module docstring)."""

    name = "simalign-batched.v1"
    corpus_level = False

    def __init__(self, folder: str, *, layer: int = 8, token_type: str = "bpe", method: str = "itermax",
                 device: str = "cpu", distortion: float = 0.0, batch_size: int = 32,
                 max_batch_tokens: int = MAX_BATCH_TOKENS, runtime: str = "torch"):
        self.folder, self.layer, self.token_type = folder, layer, token_type
        self.method, self.device, self.distortion = method, device, distortion
        self.batch_size, self.max_batch_tokens, self.runtime = batch_size, max_batch_tokens, runtime

    # -- embeddings
    def _encode(self, tokenizer, config, sentences: List[List[str]]) -> List[_Encoded]:
        max_len = _max_length(tokenizer, config)
        enc = tokenizer(sentences, is_split_into_words=True, truncation=True, max_length=max_len)
        out = []
        for k in range(len(sentences)):
            word_ids = enc.word_ids(k)
            positions = [p for p, w in enumerate(word_ids) if w is not None]
            out.append(_Encoded(list(enc["input_ids"][k]), [word_ids[p] for p in positions], positions))
        return out

    def embed(self, sentences: List[List[str]]) -> Tuple[List[np.ndarray], List[_Encoded]]:
        """Subword vectors (layer ``layer``) of each sentence, ``[n_sub, H]``
        float32, computed in order of length, in forward passes of at most
        ``2 * batch_size`` sentences and ``max_batch_tokens`` padded subwords,
        and each sentence's encoding."""
        if self.runtime == "onnx":  # the torch model is only loaded to export the graph, once
            tokenizer, config = _load_tokenizer(self.folder)
            forward = self._onnx_forward()
        else:
            tokenizer, model = _load_encoder(self.folder, self.device, self.layer)
            config, forward = model.config, _torch_forward(model, self.layer)
        encoded = self._encode(tokenizer, config, sentences)
        order = sorted(range(len(encoded)), key=lambda k: (len(encoded[k].ids), k))
        pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        names = set(getattr(tokenizer, "model_input_names", ("input_ids", "attention_mask")))
        out: List[Optional[np.ndarray]] = [None] * len(encoded)
        for idx in forward_batches([len(encoded[k].ids) for k in order], max(1, 2 * self.batch_size),
                                   self.max_batch_tokens):
            idx = [order[i] for i in idx]
            width = max(len(encoded[k].ids) for k in idx)
            ids = np.full((len(idx), width), pad_id, dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, k in enumerate(idx):
                n = len(encoded[k].ids)
                ids[row, :n] = encoded[k].ids
                mask[row, :n] = 1
            inputs = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in names:
                inputs["token_type_ids"] = np.zeros_like(ids)
            hidden = forward(inputs)
            for row, k in enumerate(idx):
                out[k] = hidden[row, encoded[k].positions]
        return out, encoded  # type: ignore[return-value]

    def _onnx_forward(self):
        session = _onnx_session(export_encoder_onnx(self.folder, self.layer), _torch_threads())
        wanted = [i.name for i in session.get_inputs()]  # an input the graph does not use is not in it

        def forward(inputs: Dict[str, np.ndarray]) -> np.ndarray:
            return session.run(None, {name: inputs[name] for name in wanted})[0]

        return forward

    def similarity_matrices(self, pairs: Sequence[TokenPair]):
        """Per pair: the similarity matrix the matching runs on (after
        distortion) and the maps from its rows/columns to word indices
        (subword -> word for ``bpe``; pooled row -> word for ``word``)."""
        sents: List[List[str]] = []
        for s, t in pairs:
            sents += [list(s), list(t)]
        vectors, encoded = self.embed(sents)
        out = []
        for k in range(len(pairs)):
            xs, ys = vectors[2 * k], vectors[2 * k + 1]
            es, et = encoded[2 * k], encoded[2 * k + 1]
            if self.token_type == "word":
                xs, src_words = _pool_words(xs, es.word_of, len(pairs[k][0]))
                ys, tgt_words = _pool_words(ys, et.word_of, len(pairs[k][1]))
                maps = (src_words, tgt_words)
            else:
                maps = (es.word_of, et.word_of)
            if len(xs) == 0 or len(ys) == 0:
                out.append((np.zeros((len(xs), len(ys)), dtype=np.float32), maps))
                continue
            sim = distort(cosine_similarity_matrix(xs, ys), self.distortion)
            out.append((sim, maps))
        return out

    def align_pairs(self, pairs: Sequence[TokenPair], priors=None) -> List[Links]:
        out: List[Links] = [()] * len(pairs)
        todo = [k for k, (s, t) in enumerate(pairs) if len(s) and len(t)]
        if todo:
            for k, (sim, (smap, tmap)) in zip(todo, self.similarity_matrices([pairs[k] for k in todo])):
                if sim.size:
                    out[k] = word_links(match_matrix(sim, self.method), smap, tmap)
        return out


def forward_batches(lengths: Sequence[int], max_sentences: int, max_tokens: int) -> List[List[int]]:
    """Cut positions ``0..len(lengths)-1`` (lengths in ascending order) into
    consecutive runs of at most ``max_sentences`` whose padded size (count x
    longest) stays within ``max_tokens``; a longer sentence goes alone."""
    out: List[List[int]] = []
    cur: List[int] = []
    for i, n in enumerate(lengths):
        if cur and (len(cur) >= max_sentences or (len(cur) + 1) * max(n, lengths[cur[-1]]) > max_tokens):
            out.append(cur)
            cur = []
        cur.append(i)
    if cur:
        out.append(cur)
    return out


def _torch_forward(model, layer: int):
    import torch

    device = next(model.parameters()).device

    def forward(inputs: Dict[str, np.ndarray]) -> np.ndarray:
        with torch.inference_mode():
            hidden = model(**{k: torch.from_numpy(v).to(device) for k, v in inputs.items()})["hidden_states"][layer]
        return hidden.float().cpu().numpy()

    return forward


def _torch_threads() -> int:
    import torch

    return torch.get_num_threads()


# ================================================================ ONNX runtime
def onnx_cache_dir() -> str:
    """Where exported encoders are kept: ``$CS_SYNTH_ONNX_CACHE``, else
    ``$XDG_CACHE_HOME/cs-synth/onnx`` (``~/.cache/cs-synth/onnx``)."""
    env = os.environ.get("CS_SYNTH_ONNX_CACHE")
    if env:
        return env
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "cs-synth", "onnx")


def _onnx_key(folder: str, layer: int) -> str:
    """Cache key: the folder's path, its files' sizes and modification
    times, the layer, and the torch/transformers versions that export."""
    import hashlib

    import torch
    import transformers

    folder = os.path.realpath(folder)
    parts = [folder, str(layer), torch.__version__, transformers.__version__]
    for name in sorted(os.listdir(folder)):
        if os.path.isfile(os.path.join(folder, name)):
            st = os.stat(os.path.join(folder, name))
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:24]


def export_encoder_onnx(folder: str, layer: int, cache_dir: Optional[str] = None) -> str:
    """Path of an ONNX graph (fp32) computing hidden state ``layer`` (0 =
    embeddings) of the model in ``folder`` from ``input_ids``,
    ``attention_mask`` and ``token_type_ids`` (dynamic batch and sequence
    axes), exported on first use into the cache and reused after."""
    path = os.path.join(cache_dir or onnx_cache_dir(), _onnx_key(folder, layer), "encoder.onnx")
    if os.path.exists(path):
        if _onnx_entry_ok(path):
            return path
        # a corrupt or half-written cache entry (no matching sha256): export it again
        for stale in (path, path + ".sha256"):
            if os.path.exists(stale):
                os.remove(stale)
    import warnings

    import torch
    from transformers import AutoConfig, AutoModel

    config = AutoConfig.from_pretrained(folder, output_hidden_states=True)
    model = AutoModel.from_pretrained(folder, config=config, attn_implementation="eager")
    stack = getattr(getattr(model, "encoder", None), "layer", None)
    if isinstance(stack, torch.nn.ModuleList) and max(layer, 1) < len(stack):
        model.encoder.layer = stack[:max(layer, 1)]
    model.eval()

    class HiddenState(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids)["hidden_states"][layer]

    ids = torch.full((2, 5), 5, dtype=torch.long)
    mask = torch.ones_like(ids)
    mask[1, 3:] = 0
    names = ["input_ids", "attention_mask", "token_type_ids"]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    with warnings.catch_warnings():
        # The TorchScript exporter is deprecated, but its graph ran ~15% faster
        # here than the torch.export-based one's.
        warnings.simplefilter("ignore")
        torch.onnx.export(HiddenState().eval(), (ids, mask, torch.zeros_like(ids)), tmp, dynamo=False,
                          input_names=names, output_names=["hidden"], opset_version=17,
                          dynamic_axes={name: {0: "batch", 1: "sequence"} for name in names + ["hidden"]})
    digest = _sha256_file(tmp)
    os.replace(tmp, path)
    with open(f"{path}.sha256.{os.getpid()}.tmp", "w", encoding="ascii") as fh:
        fh.write(digest + "\n")
    os.replace(f"{path}.sha256.{os.getpid()}.tmp", path + ".sha256")  # written last: the entry is whole
    return path


def _sha256_file(path: str) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _onnx_entry_ok(path: str) -> bool:
    """Whether a cached graph matches the sha256 written beside it."""
    try:
        with open(path + ".sha256", encoding="ascii") as fh:
            want = fh.read().strip()
    except OSError:
        return False
    return bool(want) and _sha256_file(path) == want


@functools.lru_cache(maxsize=4)
def _onnx_session(path: str, threads: int):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    return onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def _pool_words(vectors: np.ndarray, word_of: Sequence[int], n_words: int) -> Tuple[np.ndarray, List[int]]:
    """Mean subword vector per word (words without subwords are dropped; the
    returned list maps rows back to word indices)."""
    groups: Dict[int, List[int]] = {}
    for pos, w in enumerate(word_of):
        groups.setdefault(w, []).append(pos)
    words = [w for w in range(n_words) if w in groups]
    if not words:
        return np.zeros((0, vectors.shape[1] if vectors.ndim == 2 else 0), dtype=np.float32), []
    return np.array([vectors[groups[w]].mean(0) for w in words]), words


def _max_length(tokenizer, config) -> int:
    limit = getattr(tokenizer, "model_max_length", None) or 10**9
    pos = getattr(config, "max_position_embeddings", None)
    if isinstance(pos, int) and pos > 0:
        limit = min(limit, pos)
    return int(limit)


# ================================================================ factories
def simalign_factory(ctx: Context, *, model: str = "bert", layer: int = 8, token_type: str = "bpe",
                     method: str = "itermax", device: str = "auto", distortion: float = 0.0) -> SimAlignAligner:
    """``aligner: simalign``: ``simalign.SentenceAligner``.  Options: ``model``
    (local folder, cached Hugging Face name, or ``bert``/``xlmr``), ``layer``
    (hidden layer, 0 = embeddings), ``token_type`` (bpe/word), ``method``
    (argmax/itermax/match), ``device`` (auto/cpu/cuda[:N]), ``distortion``."""
    _require_simalign()
    folder, device, distortion = _check_options(ctx, model, layer, token_type, method, device, distortion)
    return SimAlignAligner(folder, layer=layer, token_type=token_type, method=method, device=device,
                           distortion=distortion)


def simalign_batched_factory(ctx: Context, *, model: str = "bert", layer: int = 8, token_type: str = "bpe",
                             method: str = "itermax", device: str = "auto", distortion: float = 0.0,
                             batch_size: int = 32, max_batch_tokens: int = MAX_BATCH_TOKENS,
                             runtime: str = "torch") -> BatchedSimAligner:
    """``aligner: simalign-batched``: the same options as ``simalign`` plus
    ``batch_size`` (at most ``2 * batch_size`` sentences per forward pass),
    ``max_batch_tokens`` (at most this many padded subwords per forward
    pass, unless one sentence alone is longer) and ``runtime`` (``torch``,
    or ``onnx``: ONNX Runtime on CPU, needs the ``onnx`` extra)."""
    for name, value in (("batch_size", batch_size), ("max_batch_tokens", max_batch_tokens)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(f"align.options.{name}: must be a positive integer, got {value!r}")
    if runtime not in RUNTIMES:
        raise ConfigError(f"align.options.runtime: must be one of {', '.join(RUNTIMES)}, got {runtime!r}")
    if runtime == "onnx":
        try:
            import onnx  # noqa: F401  (torch.onnx.export needs it)
            import onnxruntime  # noqa: F401
        except ImportError:
            raise ConfigError("align.options.runtime: onnx needs onnxruntime: pip install 'cs-synth[onnx]' "
                              "(onnxruntime, onnx), or use runtime: torch") from None
        if device not in (None, "", "auto", "cpu"):
            raise ConfigError(f"align.options.device: runtime onnx runs on the CPU; set device: cpu (or auto), "
                              f"or runtime: torch for {device!r}")
        device = "cpu"
    folder, device, distortion = _check_options(ctx, model, layer, token_type, method, device, distortion)
    return BatchedSimAligner(folder, layer=layer, token_type=token_type, method=method, device=device,
                             distortion=distortion, batch_size=batch_size, max_batch_tokens=max_batch_tokens,
                             runtime=runtime)


def _require_simalign() -> None:
    try:
        import simalign  # noqa: F401
    except ImportError:
        raise ConfigError("align.backend simalign needs the 'simalign' package: pip install 'cs-synth[simalign]'") from None


aligners.register("simalign", func=simalign_factory)
aligners.register("simalign-batched", func=simalign_batched_factory)
