"""Public home of the code-mixing metrics: ``from pipeline.metrics import
code_mixing_metrics``.  Definitions live in :mod:`pipeline.score.metrics`."""
from pipeline.score.metrics import METRIC_NAMES, code_mixing_metrics, language_tokens, spans

__all__ = ["code_mixing_metrics", "METRIC_NAMES", "language_tokens", "spans"]
