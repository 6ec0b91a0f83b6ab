"""Property: no span-ec output violates the Equivalence Constraint, over
random alignments.  The checker below is written from the definition, not
from the selector's code."""
from hypothesis import given, settings
from hypothesis import strategies as st

from cs_synth.pipeline import registry
from cs_synth.pipeline.record import Record, Side
from cs_synth.pipeline.rng import derive_rng
from cs_synth.pipeline.units import Context
from cs_synth.pipeline.config import ConstraintsConfig

NO_CONSTRAINTS = ConstraintsConfig.parse(False)


@st.composite
def aligned_pairs(draw):
    n = draw(st.integers(1, 7))
    m = draw(st.integers(1, 7))
    cells = [(i, j) for i in range(n) for j in range(m)]
    links = draw(st.lists(st.sampled_from(cells), max_size=12, unique=True))
    return n, m, sorted(links)


def _violations(n, m, links, i1, i2, j1, j2):
    """Why source [i1, i2) <-> target [j1, j2) breaks the EC, or []."""
    why = []
    inside = [(i, j) for i, j in links if i1 <= i < i2]
    if not inside:
        why.append("no link inside the span")
    for i, j in links:
        if (i1 <= i < i2) != (j1 <= j < j2):
            why.append(f"link {i}-{j} crosses the span boundary")
    src_aligned = {i for i, _ in links}
    tgt_aligned = {j for _, j in links}
    if not (i1 in src_aligned and i2 - 1 in src_aligned and j1 in tgt_aligned and j2 - 1 in tgt_aligned):
        why.append("span edges are unaligned (switch point undefined)")
    left = max((i for i in src_aligned if i < i1), default=None)
    right = min((i for i in src_aligned if i >= i2), default=None)
    if left is not None and any(j >= j1 for i, j in links if i == left):
        why.append("orders disagree at the left switch point")
    if right is not None and any(j < j2 for i, j in links if i == right):
        why.append("orders disagree at the right switch point")
    return why


def _tgt_span(edit):
    """The target span an edit recorded (its detail starts with tgt=j1:j2)."""
    j1, j2 = edit.detail.split()[0][len("tgt="):].split(":")
    return int(j1), int(j2)


@settings(max_examples=250, deadline=None)
@given(aligned_pairs(), st.integers(0, 10_000), st.integers(1, 4), st.integers(1, 3))
def test_span_ec_outputs_satisfy_the_equivalence_constraint(pair, seed, max_len, max_spans):
    n, m, links = pair
    src_toks = tuple(f"s{i}" for i in range(n))
    tgt_toks = tuple(f"t{j}" for j in range(m))
    rec = Record(id=f"p{seed}", src=Side("", "en", src_toks), tgt=Side("", "fr", tgt_toks), alignment=links)
    unit = registry.get(registry.recipes, "span-ec").factory(Context(), max_len=max_len, max_spans=max_spans)
    unit.constraints = NO_CONSTRAINTS  # the EC selector itself (the constraints have their own tests)
    outs = list(unit(rec, derive_rng(seed, rec.id, unit.name)))
    assert len(outs) == 1
    out = outs[0]
    if out.rejected:
        assert out.reject_reason == "no_switchable_span" and out.reject_stage == "transform"
        return
    assert 1 <= len(out.edits) <= max_spans
    prev_end = 0
    for e in out.edits:
        j1, j2 = _tgt_span(e)
        assert _violations(n, m, links, e.src_start, e.src_end, j1, j2) == []
        assert e.src_end - e.src_start <= max_len and j2 - j1 <= max_len
        # the switched span is exactly the contiguous target span
        assert out.tokens[e.out_start:e.out_end] == tgt_toks[j1:j2]
        assert e.src_start >= prev_end
        prev_end = e.src_end
    # everything outside the edits is the source, in order
    rebuilt, pos = [], 0
    for e in out.edits:
        j1, j2 = _tgt_span(e)
        rebuilt += list(src_toks[pos:e.src_start]) + list(tgt_toks[j1:j2])
        pos = e.src_end
    rebuilt += list(src_toks[pos:])
    assert tuple(rebuilt) == out.tokens


@settings(max_examples=100, deadline=None)
@given(aligned_pairs(), st.integers(0, 10_000))
def test_span_ec_rejects_only_when_no_span_qualifies(pair, seed):
    """Completeness: if any span of <= 4 tokens satisfies the EC, span-ec
    produces an output."""
    n, m, links = pair
    rec = Record(id="q", src=Side("", "en", tuple(f"s{i}" for i in range(n))),
                 tgt=Side("", "fr", tuple(f"t{j}" for j in range(m))), alignment=links)
    unit = registry.get(registry.recipes, "span-ec").factory(Context(), max_len=4)
    unit.constraints = NO_CONSTRAINTS
    out = list(unit(rec, derive_rng(seed, rec.id, unit.name)))[0]
    exists = False
    for i1 in range(n):
        for i2 in range(i1 + 1, min(n, i1 + 4) + 1):
            js = [j for i, j in links if i1 <= i < i2]
            if js and max(js) + 1 - min(js) <= 4 and not _violations(n, m, links, i1, i2, min(js), max(js) + 1):
                exists = True
    assert out.rejected != exists
