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
    tokenized in one call, sorted by length, padded and run through the model
    ``batch_size`` pairs at a time, layers above ``layer`` are not computed,
    and the matching runs on the same per-pair similarity matrices.  It gives
    SentenceAligner's alignments; floating-point near-ties (two candidates
    whose similarities differ by less than padding-induced noise, ~1e-6) may
    resolve differently, which :func:`decision_margin` detects.  It uses the
    GPU when there is one (``device: auto``).

Models are loaded from a local folder, or from the local Hugging Face cache
by name; nothing is downloaded.  A missing folder or an uncached name is a
:class:`~pipeline.units.ConfigError` at factory time naming it, and so is a
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

import numpy as np

from pipeline.align.base import Aligner, Links, TokenPair
from pipeline.registry import aligners
from pipeline.units import ConfigError, Context

METHODS = ("argmax", "itermax", "match")
#: SentenceAligner's matching-method letters and result keys
SIMALIGN_LETTER = {"argmax": "a", "itermax": "i", "match": "m"}
SIMALIGN_KEY = {"argmax": "inter", "itermax": "itermax", "match": "mwmf"}
#: SimAlign's short model names
SHORT_NAMES = {"bert": "bert-base-multilingual-cased", "xlmr": "xlm-roberta-base"}
TOKEN_TYPES = ("bpe", "word")
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
    from transformers import AutoConfig, AutoModel, AutoTokenizer

    config = AutoConfig.from_pretrained(folder, output_hidden_states=True)
    model = AutoModel.from_pretrained(folder, config=config)
    encoder = getattr(model, "encoder", None)
    stack = getattr(encoder, "layer", None)
    if isinstance(stack, torch.nn.ModuleList) and max(layer, 1) < len(stack):
        encoder.layer = stack[:max(layer, 1)]  # keep one: some models record no hidden states without layers
    model.eval()
    model.to(torch.device(runtime_device(device)))
    tokenizer = AutoTokenizer.from_pretrained(folder)
    if not getattr(tokenizer, "is_fast", False):
        raise ConfigError(f"align.options.model: simalign-batched needs a fast (tokenizers-backed) tokenizer to map "
                          f"subwords to words, and {folder} has none; use the simalign backend for this model")
    return tokenizer, model


class BatchedSimAligner(Aligner):
    """SimAlign's methods over padded batches (see the module docstring)."""

    name = "simalign-batched.v1"
    corpus_level = False

    def __init__(self, folder: str, *, layer: int = 8, token_type: str = "bpe", method: str = "itermax",
                 device: str = "cpu", distortion: float = 0.0, batch_size: int = 32):
        self.folder, self.layer, self.token_type = folder, layer, token_type
        self.method, self.device, self.distortion = method, device, distortion
        self.batch_size = batch_size

    # -- embeddings
    def _encode(self, tokenizer, model, sentences: List[List[str]]) -> List[_Encoded]:
        max_len = _max_length(tokenizer, model.config)
        enc = tokenizer(sentences, is_split_into_words=True, truncation=True, max_length=max_len)
        out = []
        for k in range(len(sentences)):
            word_ids = enc.word_ids(k)
            positions = [p for p, w in enumerate(word_ids) if w is not None]
            out.append(_Encoded(list(enc["input_ids"][k]), [word_ids[p] for p in positions], positions))
        return out

    def embed(self, sentences: List[List[str]]) -> Tuple[List[np.ndarray], List[_Encoded]]:
        """Subword vectors (layer ``layer``) of each sentence, ``[n_sub, H]``
        float32, computed ``2 * batch_size`` sentences per forward pass in
        order of length, and each sentence's encoding."""
        import torch

        tokenizer, model = _load_encoder(self.folder, self.device, self.layer)
        encoded = self._encode(tokenizer, model, sentences)
        order = sorted(range(len(encoded)), key=lambda k: (len(encoded[k].ids), k))
        pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        names = set(getattr(tokenizer, "model_input_names", ("input_ids", "attention_mask")))
        out: List[Optional[np.ndarray]] = [None] * len(encoded)
        chunk = max(1, 2 * self.batch_size)
        device = next(model.parameters()).device
        with torch.inference_mode():
            for start in range(0, len(order), chunk):
                idx = order[start:start + chunk]
                width = max(len(encoded[k].ids) for k in idx)
                ids = torch.full((len(idx), width), pad_id, dtype=torch.long)
                mask = torch.zeros((len(idx), width), dtype=torch.long)
                for row, k in enumerate(idx):
                    n = len(encoded[k].ids)
                    ids[row, :n] = torch.tensor(encoded[k].ids, dtype=torch.long)
                    mask[row, :n] = 1
                inputs = {"input_ids": ids.to(device), "attention_mask": mask.to(device)}
                if "token_type_ids" in names:
                    inputs["token_type_ids"] = torch.zeros_like(ids).to(device)
                hidden = model(**inputs)["hidden_states"][self.layer]
                hidden = hidden.float().cpu().numpy()
                for row, k in enumerate(idx):
                    out[k] = hidden[row, encoded[k].positions]
        return out, encoded  # type: ignore[return-value]

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
                             batch_size: int = 32) -> BatchedSimAligner:
    """``aligner: simalign-batched``: the same options as ``simalign`` plus
    ``batch_size`` (pairs per forward pass)."""
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
        raise ConfigError(f"align.options.batch_size: must be a positive integer, got {batch_size!r}")
    folder, device, distortion = _check_options(ctx, model, layer, token_type, method, device, distortion)
    return BatchedSimAligner(folder, layer=layer, token_type=token_type, method=method, device=device,
                             distortion=distortion, batch_size=batch_size)


def _require_simalign() -> None:
    try:
        import simalign  # noqa: F401
    except ImportError:
        raise ConfigError("align.backend simalign needs the 'simalign' package: pip install simalign==0.4") from None


aligners.register("simalign", func=simalign_factory)
aligners.register("simalign-batched", func=simalign_batched_factory)
