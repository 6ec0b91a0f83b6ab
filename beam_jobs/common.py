"""Small pieces every Beam stage shares: the rejected-output tag and the
routing of a unit's result to the main or the rejected output with a
counter per outcome."""
from __future__ import annotations

from typing import Iterator, Optional

import apache_beam as beam
from apache_beam.metrics import Metrics

from pipeline.record import Record

REJECTED = "rejected"
NAMESPACE = "cs_synth"


def route(record: Record, kept_counter: Optional[str] = None) -> Iterator:
    """Yield ``record`` to the main output, or to the ``rejected`` tagged
    output when it is rejected, counting ``rejected_<reason>`` (or
    ``kept_counter``)."""
    if record.rejected:
        Metrics.counter(NAMESPACE, f"rejected_{record.reject_reason}").inc()
        yield beam.pvalue.TaggedOutput(REJECTED, record)
    else:
        if kept_counter:
            Metrics.counter(NAMESPACE, kept_counter).inc()
        yield record
