"""The ``given`` backend: supplied Pharaoh alignments, validated."""
import pytest

from cs_synth.pipeline import registry
from cs_synth.pipeline.align.base import AlignmentError
from cs_synth.pipeline import stages
from cs_synth.pipeline.align.base import parse_given
from cs_synth.pipeline.config import RunConfig
from cs_synth.pipeline.record import Record, Side
from cs_synth.pipeline.units import Context


def _record(alignment, src=("a", "b", "c"), tgt=("x", "y")):
    return Record(id="r1", src=Side(" ".join(src), "en", tokens=src), tgt=Side(" ".join(tgt), "fr", tokens=tgt),
                  given_alignment=alignment or "", seq_labels={"topic": "news"})


def align_record(record, backend="given"):
    """The align stage's local path, with the ``given`` backend."""
    cfg = RunConfig(input={"format": "tsv", "path": "<t>", "src_lang": "en", "tgt_lang": "fr"},
                    annotate={"backend": "none"}, align={"backend": backend})
    return stages.stage(cfg, "align").process(record)


def test_registered_and_passes_links_through():
    aligner = registry.get(registry.aligners, "given")(Context())
    assert aligner.uses_given_alignment
    pairs = [(("a", "b"), ("x", "y")), (("c",), ("z", "w"))]
    assert aligner.align(pairs, given=["0-1 1-0", "0p1"]) == [((0, 1), (1, 0)), ((0, 1),)]


def test_invalid_and_missing_raise_alignment_error():
    with pytest.raises(AlignmentError) as err:
        parse_given("0-0 2-9", 3, 2)
    assert err.value.reason == "invalid_alignment"
    assert "target index out of range" in str(err.value)
    with pytest.raises(AlignmentError) as err:
        parse_given("0=0", 3, 2)
    assert err.value.reason == "invalid_alignment" and "malformed link '0=0'" in str(err.value)
    with pytest.raises(AlignmentError) as err:
        parse_given(None, 3, 2)
    assert err.value.reason == "missing_alignment"


def test_align_record_sets_alignment_and_drops_the_input_label():
    out = align_record(_record("2-1 0-0"))
    assert not out.rejected
    assert out.alignment == ((0, 0), (2, 1))
    assert out.given_alignment == ""
    assert dict(out.seq_labels) == {"topic": "news"}


@pytest.mark.parametrize("text,reason,fragment", [
    ("0-0 3-0", "invalid_alignment", "source index out of range"),
    ("0-0 x", "invalid_alignment", "malformed link 'x'"),
    (None, "missing_alignment", "has no alignment"),
])
def test_align_record_rejects(text, reason, fragment):
    out = align_record(_record(text))
    assert out.rejected
    assert (out.reject_reason, out.reject_stage) == (reason, "align")
    assert fragment in out.reject_detail
    assert out.alignment == ()
    assert out.given_alignment == ""
