"""Comparable documents: pairing two monolingual collections.

``pair_by: key`` pairs documents with the same id (done by the job's
grouping).  ``pair_by: embeddings`` embeds each document as the normalised
mean of its sentence embeddings (mean-pooled last hidden states of a local
Hugging Face encoder), then pairs each document of ``input`` with its
nearest neighbour by cosine similarity in the other collection.

The encoder is loaded once per process, runs on CUDA when torch sees a GPU
(``device: auto``) and embeds a document's sentences in fixed batches of
``batch_size`` in document order, so the vectors do not depend on how the
runner batches documents.  Ties go to the smallest document id.
"""
from __future__ import annotations

import threading
from typing import Dict, List, Sequence, Tuple

import numpy as np


class Encoder:
    def __init__(self, model_dir: str, *, batch_size: int = 64, max_length: int = 128, device: str = "auto"):
        self.model_dir, self.batch_size, self.max_length = model_dir, batch_size, max_length
        self.device_name = device
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._model is None:
                import torch
                from transformers import AutoModel, AutoTokenizer

                dev = self.device_name
                if dev == "auto":
                    dev = "cuda" if torch.cuda.is_available() else "cpu"
                self.device = torch.device(dev)
                self._tok = AutoTokenizer.from_pretrained(self.model_dir)
                model = AutoModel.from_pretrained(self.model_dir)
                model.eval()
                self._model = model.to(self.device)
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised row per text (float32)."""
        import torch

        model = self._load()
        rows = []
        with torch.inference_mode():
            for a in range(0, len(texts), self.batch_size):
                batch = self._tok(list(texts[a:a + self.batch_size]), padding=True, truncation=True,
                                  max_length=self.max_length, return_tensors="pt").to(self.device)
                hidden = model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
                rows.append(torch.nn.functional.normalize(mean.float(), dim=-1).cpu().numpy())
        if not rows:
            return np.zeros((0, 0), dtype=np.float32)
        return np.concatenate(rows).astype(np.float32)

    def embed_document(self, sentences: Sequence[str]) -> List[float]:
        vecs = self.embed(sentences)
        mean = vecs.mean(0)
        norm = float(np.linalg.norm(mean))
        return [float(x) for x in (mean / norm if norm > 0 else mean)]


def nearest(src: Sequence[Tuple[str, Sequence[float]]], tgt: Sequence[Tuple[str, Sequence[float]]],
            min_similarity: float = 0.0, mutual: bool = False) -> Dict[str, Tuple[str, float]]:
    """``{src doc: (tgt doc, cosine)}`` for the documents that found a
    partner at or above ``min_similarity`` (and, with ``mutual``, whose
    partner's nearest neighbour they are).  Inputs are sorted by id first,
    so ties go to the smallest id whatever order they came in."""
    src, tgt = sorted(src, key=lambda x: x[0]), sorted(tgt, key=lambda x: x[0])
    if not src or not tgt:
        return {}
    a = np.asarray([v for _, v in src], dtype=np.float64)
    b = np.asarray([v for _, v in tgt], dtype=np.float64)
    sims = np.round(a @ b.T, 6)
    best = sims.argmax(1)
    back = sims.argmax(0)
    out = {}
    for i, j in enumerate(best):
        s = float(sims[i, j])
        if s < min_similarity or (mutual and back[j] != i):
            continue
        out[src[i][0]] = (tgt[j][0], s)
    return out
