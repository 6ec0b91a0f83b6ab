"""Document-level interleaving for cross-lingual pretraining (CrossIC-PT).

Records grouped into documents (``input.doc_field`` / ``input.doc_lines``)
become training sequences that interleave segments of the two sides of a
parallel (or paired comparable) document inside one context window:

* :mod:`cs_synth.pipeline.interleave.config`: the ``interleave`` block;
* :mod:`cs_synth.pipeline.interleave.documents`: document keys and what a sentence
  carries to the per-document step;
* :mod:`cs_synth.pipeline.interleave.tokenizer`: token counts (whitespace, or a local
  Hugging Face tokenizer folder);
* :mod:`cs_synth.pipeline.interleave.segment`: sentences -> segments;
* :mod:`cs_synth.pipeline.interleave.sequences`: patterns, the sliding window, and the
  sequences with their provenance;
* :mod:`cs_synth.pipeline.interleave.pairing`: comparable documents paired by key or
  by nearest neighbours on sentence embeddings;
* :mod:`cs_synth.pipeline.interleave.stage`: the stage object the Beam job calls;
* :mod:`cs_synth.pipeline.interleave.write`: the Arrow schema of sequences and
  document rejects.

Reference: Wu et al., "Cross-lingual In-Context Pre-Training" (CrossIC-PT),
EMNLP 2025.
"""
