"""Helpers for tests and benchmarks that need real models without a hub:
:mod:`cs_synth.pipeline.testing.tiny_models` builds small random-weight transformers
with a tokenizer trained on the sentences you give it, saved to a folder
that ``transformers`` (and SimAlign) load like any downloaded model."""
