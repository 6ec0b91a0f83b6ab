"""The ``given`` aligner: alignments supplied with the input pass through.

A reader stores the Pharaoh text of an input alignment column in the
record's typed field ``given_alignment``.  The align stage
(:class:`cs_synth.pipeline.stages.AlignStage`) validates it against the tokenized
pair, whatever backend is configured, and turns it into links; a malformed
link (``0-x``, ``1:2``), a negative or out-of-range index is a reject
``invalid_alignment``.  With this backend a record that came without one is
rejected ``missing_alignment``.  Possible links (``ipj``) are kept like sure
links.
"""
from __future__ import annotations

from typing import List, Optional, Sequence

from cs_synth.pipeline.align.base import Aligner, Links, TokenPair, parse_given
from cs_synth.pipeline.registry import aligners
from cs_synth.pipeline.units import Context

UNIT = "given.v1"


class GivenAligner(Aligner):
    name = UNIT
    corpus_level = False
    uses_given_alignment = True

    def align(self, pairs: Sequence[TokenPair], priors=None,
              given: Optional[Sequence[Optional[str]]] = None) -> List[Links]:
        if given is None:
            given = [None] * len(pairs)
        if len(given) != len(pairs):
            raise ValueError(f"{len(given)} given alignments for {len(pairs)} pairs")
        return [parse_given(g, len(s), len(t)) for (s, t), g in zip(pairs, given)]

    def align_pairs(self, pairs: Sequence[TokenPair], priors=None) -> List[Links]:
        return self.align(pairs)


def given_factory(ctx: Context) -> GivenAligner:
    """``aligner: given``: no options."""
    return GivenAligner()


aligners.register("given", func=given_factory)
