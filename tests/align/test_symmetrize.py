"""Symmetrization heuristics on hand-made link sets, and Pharaoh parsing.

Each case's expected links were worked out by hand from Koehn's
definitions (see the comments)."""
import pytest

from cs_synth.pipeline.align.symmetrize import (SYMMETRIZERS, PharaohError, format_pharaoh, get_symmetrizer,
                                       parse_pharaoh, parse_pharaoh_sp, symmetrize)

# Case FINAL (4x4): intersection {0-0, 1-1}; no union link touches it, so the
# grow steps add nothing.  final(fwd) meets 1-3 (source 1 aligned, target 3
# free): FINAL adds it, FINAL-AND does not.  final(rev) meets 3-2 (both free):
# both add it.
FINAL_FWD = {(0, 0), (1, 1), (1, 3)}
FINAL_REV = {(0, 0), (1, 1), (3, 2)}
FINAL_EXPECTED = {
    "intersection": ((0, 0), (1, 1)),
    "union": ((0, 0), (1, 1), (1, 3), (3, 2)),
    "grow": ((0, 0), (1, 1)),
    "grow-diag": ((0, 0), (1, 1)),
    "grow-diag-final": ((0, 0), (1, 1), (1, 3), (3, 2)),
    "grow-diag-final-and": ((0, 0), (1, 1), (3, 2)),
}

# Case DIAG (4x4): forward is the diagonal, reverse only 0-0.  GROW (side
# neighbours) cannot leave 0-0; GROW-DIAG walks the diagonal.  FINAL-AND adds
# the diagonal too (each link joins two free words when met).
DIAG_FWD = {(0, 0), (1, 1), (2, 2), (3, 3)}
DIAG_REV = {(0, 0)}
DIAG_EXPECTED = {
    "intersection": ((0, 0),),
    "union": ((0, 0), (1, 1), (2, 2), (3, 3)),
    "grow": ((0, 0),),
    "grow-diag": ((0, 0), (1, 1), (2, 2), (3, 3)),
    "grow-diag-final": ((0, 0), (1, 1), (2, 2), (3, 3)),
    "grow-diag-final-and": ((0, 0), (1, 1), (2, 2), (3, 3)),
}

# Case BLOCKED (2x2, general link sets): union adds 0-1 next to 0-0, but
# source 0 and target 1 are both aligned already, so neither growing nor
# FINAL may add it.
BLOCKED_FWD = {(0, 0), (1, 1), (0, 1)}
BLOCKED_REV = {(0, 0), (1, 1)}
BLOCKED_EXPECTED = {
    "intersection": ((0, 0), (1, 1)),
    "union": ((0, 0), (0, 1), (1, 1)),
    "grow": ((0, 0), (1, 1)),
    "grow-diag": ((0, 0), (1, 1)),
    "grow-diag-final": ((0, 0), (1, 1)),
    "grow-diag-final-and": ((0, 0), (1, 1)),
}

# Case SIDE (3x3): intersection {0-0}; union 1-0 (below it) and 2-1 (diagonal
# of 1-0).  GROW adds 1-0 (source 1 free) but not 2-1 (diagonal);
# GROW-DIAG adds both.
SIDE_FWD = {(0, 0), (1, 0), (2, 1)}
SIDE_REV = {(0, 0)}
SIDE_EXPECTED = {
    "intersection": ((0, 0),),
    "union": ((0, 0), (1, 0), (2, 1)),
    "grow": ((0, 0), (1, 0)),
    "grow-diag": ((0, 0), (1, 0), (2, 1)),
    "grow-diag-final": ((0, 0), (1, 0), (2, 1)),
    "grow-diag-final-and": ((0, 0), (1, 0), (2, 1)),
}

CASES = [("final", FINAL_FWD, FINAL_REV, FINAL_EXPECTED, 4, 4),
         ("diag", DIAG_FWD, DIAG_REV, DIAG_EXPECTED, 4, 4),
         ("blocked", BLOCKED_FWD, BLOCKED_REV, BLOCKED_EXPECTED, 2, 2),
         ("side", SIDE_FWD, SIDE_REV, SIDE_EXPECTED, 3, 3)]


@pytest.mark.parametrize("method", sorted(SYMMETRIZERS))
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_heuristics_on_hand_made_cases(case, method):
    _, fwd, rev, expected, n_src, n_tgt = case
    assert symmetrize(fwd, rev, method, n_src, n_tgt) == expected[method]


def test_growth_runs_to_a_fixed_point():
    # the intersection sits at the bottom right; growing towards 0-0 needs a
    # new sweep for every step because the sweep runs in index order
    fwd = {(0, 0), (1, 1), (2, 2)}
    rev = {(2, 2)}
    assert symmetrize(fwd, rev, "grow-diag", 3, 3) == ((0, 0), (1, 1), (2, 2))


def test_result_does_not_depend_on_input_order():
    fwd = [(1, 3), (0, 0), (1, 1)]
    rev = [(3, 2), (1, 1), (0, 0)]
    for method in SYMMETRIZERS:
        assert symmetrize(fwd, rev, method) == symmetrize(list(reversed(fwd)), list(reversed(rev)), method)


def test_unknown_heuristic_lists_valid_names():
    with pytest.raises(KeyError, match="grow-diag-final-and"):
        get_symmetrizer("grow-diagonal")


# ----------------------------------------------------------------- Pharaoh
def test_parse_sure_and_possible():
    assert parse_pharaoh_sp("0-0 2p1 1-2", 3, 3) == (((0, 0), (1, 2)), ((2, 1),))
    assert parse_pharaoh("0-0 2p1 1-2", 3, 3) == ((0, 0), (1, 2), (2, 1))


def test_parse_dedups_and_sure_wins():
    assert parse_pharaoh_sp("0-0 0-0 0p0 1p1 1p1") == (((0, 0),), ((1, 1),))


def test_parse_one_based():
    assert parse_pharaoh_sp("1-1 2p3", 2, 3, index_base=1) == (((0, 0),), ((1, 2),))
    with pytest.raises(PharaohError, match="below the index base 1"):
        parse_pharaoh("0-1", 2, 2, index_base=1)


def test_empty_text_is_no_links():
    assert parse_pharaoh("", 2, 2) == ()
    assert parse_pharaoh("  \n", 2, 2) == ()


@pytest.mark.parametrize("text,bad", [
    ("0-0 1-", "1-"), ("a-1", "a-1"), ("0:1", "0:1"), ("1-2-3", "1-2-3"), ("-1-2", "-1-2"),
    ("0 - 1", "0"), ("0x1", "0x1"), ("0-1.5", "0-1.5"), ("0p", "0p"),
])
def test_malformed_links_are_named(text, bad):
    with pytest.raises(PharaohError, match="malformed link " + repr(bad).replace(".", r"\.")):
        parse_pharaoh(text, 5, 5)


def test_out_of_range_source_and_target():
    with pytest.raises(PharaohError, match=r"'3-0' \(link 2\): source index out of range, the source has 3 tokens"):
        parse_pharaoh("0-0 3-0", 3, 4)
    with pytest.raises(PharaohError, match=r"'0-4' \(link 1\): target index out of range, the target has 4 tokens"):
        parse_pharaoh("0-4", 3, 4)


def test_not_a_string():
    with pytest.raises(PharaohError, match="missing"):
        parse_pharaoh(None, 1, 1)
    with pytest.raises(PharaohError, match="must be a string"):
        parse_pharaoh(["0-0"], 1, 1)


def test_format_round_trip():
    assert format_pharaoh([(1, 2), (0, 0)], possible=[(0, 1), (0, 0)]) == "0-0 0p1 1-2"
    assert format_pharaoh([(0, 0)], index_base=1) == "1-1"
    text = "0-0 0p1 1-2 3p3"
    sure, possible = parse_pharaoh_sp(text)
    assert format_pharaoh(sure, possible) == text
