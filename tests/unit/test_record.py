import pickle

import pytest
from hypothesis import given, strategies as st

from cs_synth.pipeline.record import Edit, FrozenMap, Record, RecordError, Side, Span, char_offsets, detokenize, tag_tokens


def side(tokens, lang="en", **kw):
    return Side(text=" ".join(tokens), lang=lang, tokens=tuple(tokens), spaces=tuple(True for _ in tokens), **kw)


def test_record_is_immutable_and_evolve_returns_new():
    r = Record(id="a", src=side(["a", "b"]), tgt=side(["x"], "hi"), alignment=[(0, 0)])
    with pytest.raises(Exception):
        r.text = "x"
    r2 = r.evolve(text="ab")
    assert r.text == "" and r2.text == "ab" and r2.pair_id == "a"


def test_alignment_is_sorted_deduplicated():
    r = Record(id="a", src=side(["a", "b"]), tgt=side(["x", "y"], "hi"), alignment=[(1, 1), (0, 0), (1, 1)])
    assert r.alignment == ((0, 0), (1, 1))


@pytest.mark.parametrize("kwargs, msg", [
    ({"alignment": [(2, 0)]}, "out of range"),
    ({"alignment": [(0, 5)]}, "out of range"),
    ({"tokens": ("a",), "langs": ()}, "language tags"),
    ({"tokens": ("a",), "langs": ("en",), "spaces": (True, False)}, "spaces"),
    ({"tokens": ("a",), "langs": ("en",), "entities": (Span(0, 2),)}, "out of range"),
    ({"tokens": ("a",), "langs": ("en",), "token_labels": {"ner": ("O", "O")}}, "label"),
    ({"reject_reason": "Bad Reason"}, "snake_case"),
])
def test_invariants_rejected_at_build(kwargs, msg):
    with pytest.raises(RecordError, match=msg):
        Record(id="a", src=side(["a", "b"]), tgt=side(["x"], "hi"), **kwargs)


@pytest.mark.parametrize("kwargs, msg", [
    ({"heads": (0, 5)}, "head index"),
    ({"pos": ("NOUN",)}, "pos"),
    ({"entities": (Span(1, 3),)}, "entity"),
    ({"labels": {"ner": ("O",)}}, "label"),
])
def test_side_invariants(kwargs, msg):
    with pytest.raises(RecordError, match=msg):
        side(["a", "b"], **kwargs)


def test_span_must_be_non_empty():
    with pytest.raises(RecordError):
        Span(2, 2)


def test_frozenmap_is_immutable_hashable_picklable():
    m = FrozenMap({"b": 1, "a": 2})
    assert list(m) == ["a", "b"] and m["b"] == 1 and m == {"a": 2, "b": 1}
    with pytest.raises(TypeError):
        m["c"] = 3  # noqa
    assert pickle.loads(pickle.dumps(m)) == m and hash(m) == hash(FrozenMap({"a": 2, "b": 1}))


def test_record_pickles_roundtrip():
    r = Record(id="a", src=side(["a"]), tgt=side(["x"], "hi"), alignment=[(0, 0)], scores={"cmi": 1.0},
               edits=(Edit(unit="u.v1", op="replace"),))
    assert pickle.loads(pickle.dumps(r)) == r


def test_tag_tokens_marks_language_independent():
    assert tag_tokens(["I", "paid", "3.50", "€", "!", "x2"], "en") == ("en", "en", "zxx", "zxx", "zxx", "en")


def test_detokenize_and_offsets():
    toks, sp = ["Hello", ",", "world", "!"], [False, True, False, False]
    assert detokenize(toks, sp) == "Hello, world!"
    assert char_offsets(toks, sp) == [(0, 5), (5, 6), (7, 12), (12, 13)]


@given(st.integers(1, 8), st.integers(1, 8), st.lists(st.tuples(st.integers(-2, 10), st.integers(-2, 10)), max_size=12))
def test_property_alignment_in_range_or_error(n_src, n_tgt, links):
    """Any alignment either builds a record whose links are all in range, or
    is refused at build time -- never a record with a dangling link."""
    s, t = side([f"s{i}" for i in range(n_src)]), side([f"t{j}" for j in range(n_tgt)], "hi")
    ok = all(0 <= i < n_src and 0 <= j < n_tgt for i, j in links)
    if ok:
        r = Record(id="p", src=s, tgt=t, alignment=links)
        assert all(0 <= i < n_src and 0 <= j < n_tgt for i, j in r.alignment)
        assert list(r.alignment) == sorted(set(links))
    else:
        with pytest.raises(RecordError):
            Record(id="p", src=s, tgt=t, alignment=links)


@given(st.lists(st.text(min_size=1, max_size=5), min_size=0, max_size=10), st.data())
def test_property_output_lengths(tokens, data):
    langs = data.draw(st.lists(st.sampled_from(["en", "hi", "zxx"]), min_size=len(tokens), max_size=len(tokens)))
    spaces = data.draw(st.lists(st.booleans(), min_size=len(tokens), max_size=len(tokens)))
    r = Record(id="p", src=side(["a"]), tokens=tokens, langs=langs, spaces=spaces, text=detokenize(tokens, spaces))
    assert len(r.tokens) == len(r.langs) == len(r.spaces)
    offs = char_offsets(r.tokens, r.spaces)
    assert all(r.text[a:b] == tok for (a, b), tok in zip(offs, r.tokens))
