"""Scoring stage: named measurements written onto every record.

``SCORE_NAMES`` is the fixed set of score columns in the output schema
(``scores`` struct, one nullable float64 field each).  Every scorer's output
keys must be listed here; third-party scorers extend it with
:func:`register_score_names` before the run starts.
"""
from cs_synth.pipeline.score.metrics import METRIC_NAMES

SCORE_NAMES = list(METRIC_NAMES) + [
    "lid_agreement",
    "lid_confidence",
    "length_ratio",
    "alignment_coverage",
    "perplexity",
    "naturalness",
    "switch_surprisal",
]


def register_score_names(*names: str) -> None:
    for n in names:
        if n not in SCORE_NAMES:
            SCORE_NAMES.append(n)
