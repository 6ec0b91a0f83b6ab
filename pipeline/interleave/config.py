"""The ``interleave:`` block of a run config.

Example (parallel documents, strict alternation, 256-token windows)::

    input: {format: jsonl, path: docs.jsonl, src_lang: en, tgt_lang: de, doc_field: doc, order_field: n}
    interleave:
      segment: sentences          # or: tokens (a token budget per segment)
      sentences_per_segment: 2
      context_length: 256
      stride: 2                   # segments the window moves by (overlapping windows)
      pattern: alternate          # alternate | random | src_first | tgt_first
      separator: "\\n"
      lang_tags: {en: "<en> ", de: "<de> "}

Values are checked strictly (``"3"`` is no integer, ``true`` no number), and
every error names its full path (``interleave.context_length: must be >= 1``).
"""
from __future__ import annotations

from typing import Any, Dict, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, model_validator
from typing_extensions import Annotated

PosInt = Annotated[int, Field(ge=1)]


class _Typed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ComparableConfig(_Typed):
    """A second, monolingual document collection (the other language) paired
    with the documents of ``input`` (which then has no ``tgt_lang``)."""

    #: an input block for the other collection (its ``src_lang`` is the other
    #: language; it needs ``doc_field`` or ``doc_lines`` too); checked as
    #: ``interleave.comparable.input.<field>``
    input: Dict[str, Any]
    #: ``key``: documents with the same document id are paired;
    #: ``embeddings``: each document of ``input`` is paired with its nearest
    #: neighbour (cosine of mean sentence embeddings) in the other collection
    pair_by: Literal["key", "embeddings"] = "key"
    #: embeddings: a local folder holding a Hugging Face encoder and tokenizer
    model: Optional[str] = None
    #: embeddings: sentences per forward pass
    batch_size: PosInt = 64
    #: embeddings: longest sentence in model tokens (longer ones are truncated for the embedding only)
    max_length: PosInt = 128
    #: embeddings: pairs below this cosine similarity are not paired (no_pair_found)
    min_similarity: Annotated[float, Field(ge=-1.0, le=1.0)] = 0.0
    #: embeddings: keep a pair only when each document is the other's nearest neighbour
    mutual: bool = False
    #: embeddings: ``auto`` uses CUDA when torch sees a GPU
    device: Literal["auto", "cpu", "cuda"] = "auto"

    @model_validator(mode="after")
    def _model(self):
        if self.pair_by == "embeddings" and not self.model:
            raise ValueError("pair_by: embeddings needs model (a local encoder folder)")
        if self.pair_by == "key" and self.model:
            raise ValueError("model is only read by pair_by: embeddings")
        return self


class InterleaveConfig(_Typed):
    #: ``sentences``: ``sentences_per_segment`` sentences per segment;
    #: ``tokens``: consecutive sentences packed up to ``segment_tokens`` tokens
    segment: Literal["sentences", "tokens"] = "sentences"
    sentences_per_segment: PosInt = 1
    segment_tokens: PosInt = 128
    #: ``whitespace``, or a local folder (or ``tokenizer.json`` file) of a
    #: Hugging Face tokenizer, used to count tokens for segments and windows
    tokenizer: str = "whitespace"
    #: most tokens per training sequence, separators and language tags included
    context_length: PosInt = 512
    #: segments the window moves by; None: the window moves past its last segment (no overlap);
    #: a stride longer than a window skips segments
    stride: Optional[PosInt] = None
    pattern: Literal["alternate", "random", "src_first", "tgt_first"] = "alternate"
    #: alternate: which side opens each pair of segments
    first: Literal["src", "tgt"] = "src"
    #: written between segments
    separator: str = "\n"
    #: written before each segment of a language, e.g. ``{en: "<en> "}``; none for a language not listed
    lang_tags: Dict[str, str] = Field(default_factory=dict)
    #: a pair whose sentence-level outputs were all rejected after reading (a
    #: recipe found nothing to switch, a filter dropped its candidates) still
    #: gives the document its source and target text; false: only pairs with output
    keep_rejected_pairs: bool = True
    #: a document with fewer sentences on a side is rejected (too_short)
    min_sentences: PosInt = 1
    #: share of source segments replaced by the sentence-level code-switched
    #: outputs of the transform steps (0: never); drawn per segment with the run's seed
    codeswitched: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0
    comparable: Optional[ComparableConfig] = None

    @model_validator(mode="after")
    def _budget(self):
        if self.segment == "tokens" and self.segment_tokens > self.context_length:
            raise ValueError(f"segment_tokens ({self.segment_tokens}) must not exceed "
                             f"context_length ({self.context_length})")
        if self.comparable is not None and self.codeswitched:
            raise ValueError("codeswitched needs parallel documents (comparable documents have no "
                             "sentence-level code-switched outputs)")
        return self
