"""Scoring stage: named measurements written onto every record.

``SCORE_NAMES`` is the fixed set of score columns in the output schema
(``scores`` struct, one nullable float64 field each).  Every scorer's output
keys must be listed here; third-party scorers extend it with
:func:`register_score_names` before the run starts.
"""
SCORE_NAMES = [
    "cmi",
    "switch_points",
    "spf",
    "m_index",
    "i_index",
    "burstiness",
    "memory",
    "language_entropy",
    "span_entropy",
    "cs_ratio",
    "n_tokens",
    "lid_agreement",
    "lid_confidence",
    "length_ratio",
    "alignment_coverage",
    "perplexity",
]


def register_score_names(*names: str) -> None:
    for n in names:
        if n not in SCORE_NAMES:
            SCORE_NAMES.append(n)
