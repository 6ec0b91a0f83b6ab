"""Public home of the code-mixing metrics: ``from cs_synth.pipeline.metrics import
code_mixing_metrics``.  Definitions live in :mod:`cs_synth.pipeline.score.metrics`."""
from cs_synth.pipeline.score.metrics import METRIC_NAMES, code_mixing_metrics, language_tokens, spans

__all__ = ["code_mixing_metrics", "METRIC_NAMES", "language_tokens", "spans"]
