"""The Record coder: exact round trips, deterministic bytes, a pickle
fallback that loses nothing, and Beam choosing it for typed PCollections."""
import pickle

import apache_beam as beam
import pytest
from apache_beam.testing.util import assert_that, equal_to

from cs_synth.beam_jobs.coders import RecordCoder, decode_record, encode_record
from cs_synth.pipeline.record import Edit, FrozenMap, Record, Side, Span


def _full_record(rid="m30k.tsv:00000007", scores=None):
    src = Side(text="Two dogs play in New York .", lang="en",
               tokens=("Two", "dogs", "play", "in", "New", "York", "."),
               spaces=(True, True, True, True, True, False, False),
               lemmas=("two", "dog", "play", "in", "New", "York", "."),
               pos=("NUM", "NOUN", "VERB", "ADP", "PROPN", "PROPN", "PUNCT"),
               heads=(1, 2, 2, 2, 5, 3, 2), deps=("nummod", "nsubj", "ROOT", "prep", "compound", "pobj", "punct"),
               entities=(Span(4, 6, "GPE", "Q60", 17, 25),),
               labels={"ner": ("O", "O", "O", "O", "B-LOC", "I-LOC", "O")})
    tgt = Side(text="Zwei Hunde spielen in New York .", lang="de",
               tokens=("Zwei", "Hunde", "spielen", "in", "New", "York", "."),
               spaces=(True, True, True, True, True, False, False))
    return Record(id=rid, src=src, tgt=tgt, source="m30k.tsv", alignment=((6, 6), (0, 0), (1, 1), (2, 2)),
                  recipe="span-ec", tokens=("Zwei", "Hunde", "play", "in", "New", "York", "."),
                  langs=("de", "de", "en", "en", "en", "en", "zxx"),
                  spaces=(True, True, True, True, True, False, False), text="Zwei Hunde play in New York.",
                  source_map=(-1, -1, 2, 3, 4, 5, 6), entities=(Span(4, 6, "GPE", "", 19, 27),),
                  token_labels={"ner": ("O", "O", "O", "O", "B-LOC", "I-LOC", "O")},
                  seq_labels={"topic": "travel"},
                  edits=(Edit("span-ec.v1", "switch", 0, 2, 0, 2, "Two dogs", "Zwei Hunde", "ec"),),
                  scores=scores if scores is not None else {"cmi": 28.571428571428573, "switch_points": 1.0,
                                                            "z_flag": True, "n": 3})


def _assert_same(a: Record, b: Record):
    assert a == b
    assert type(b.scores) is FrozenMap and b.scores._items == a.scores._items and dict(b.scores) == dict(a.scores)
    assert hash(b.scores) == hash(a.scores) and hash(b.src.labels) == hash(a.src.labels)
    for name in ("alignment", "tokens", "langs", "spaces", "source_map", "entities", "edits"):
        assert type(getattr(b, name)) is tuple, name
    assert all(type(link) is tuple for link in b.alignment)
    assert all(type(v) is tuple for v in list(b.src.labels.values()) + list(b.token_labels.values()))
    assert [type(v) for v in b.scores.values()] == [type(v) for v in a.scores.values()]


@pytest.mark.parametrize("rec", [
    _full_record(),
    Record(id="t:1", src=Side(text="hola", lang="es")),  # monolingual, nothing annotated
    Record(id="t:2", src=Side(text="", lang="en"), reject_reason="empty_line", reject_stage="read",
           reject_detail="line 2 is blank"),
], ids=["full", "bare", "rejected"])
def test_round_trip_is_exact(rec):
    data = encode_record(rec)
    assert data[:1] in (b"\x01", b"\x03")  # msgpack, not the fallback
    _assert_same(rec, decode_record(data))
    _assert_same(rec, pickle.loads(pickle.dumps(rec)))


def test_texts_their_tokens_rebuild_are_written_once():
    from dataclasses import replace

    from cs_synth.pipeline.record import detokenize

    rec = _full_record()
    # the output text is its tokens joined, the sides' are not (a space before the '.')
    assert rec.text == detokenize(rec.tokens, rec.spaces) and rec.src.text != detokenize(rec.src.tokens, rec.src.spaces)
    data = encode_record(rec)
    assert data[:1] == b"\x03" and rec.text.encode() not in data and rec.src.text.encode() in data
    _assert_same(rec, decode_record(data))
    joined = replace(rec, src=replace(rec.src, text=detokenize(rec.src.tokens, rec.src.spaces)),
                     tgt=replace(rec.tgt, text=detokenize(rec.tgt.tokens, rec.tgt.spaces)))
    small = encode_record(joined)
    assert len(small) < len(data) - 40 and joined.src.text.encode() not in small
    _assert_same(joined, decode_record(small))
    # a text that differs from its tokens joined (one character) is kept as it is
    other = replace(rec, text=rec.text[:-1] + "!")
    assert encode_record(other)[:1] == b"\x01"
    _assert_same(other, decode_record(encode_record(other)))


def test_bytes_are_deterministic_and_smaller_than_pickle():
    a = _full_record(scores={"b": 2.0, "a": 1.0})
    b = _full_record(scores={"a": 1.0, "b": 2.0})
    assert encode_record(a) == encode_record(b)
    assert encode_record(a) != encode_record(_full_record(scores={"a": 1.0, "b": 2.5}))
    assert len(encode_record(a)) < len(pickle.dumps(a))


def test_what_msgpack_cannot_write_falls_back_to_pickle():
    rec = _full_record(rid="t:\udcff")  # a lone surrogate cannot be UTF-8
    data = encode_record(rec)
    assert data[:1] == b"\x02"
    _assert_same(rec, decode_record(data))
    with pytest.raises(ValueError):
        decode_record(b"\x09junk")


def test_frozenmap_loads_without_resorting():
    m = FrozenMap({"b": 1, "a": 2})
    loaded = pickle.loads(pickle.dumps(m))
    assert loaded == m and list(loaded) == ["a", "b"] and loaded["a"] == 2


def test_beam_uses_the_coder_for_typed_records():
    assert isinstance(beam.coders.registry.get_coder(Record), RecordCoder)
    kv = beam.typehints.KV[str, Record]
    assert isinstance(beam.coders.registry.get_coder(kv).value_coder(), RecordCoder)
    recs = [_full_record(rid=f"m30k.tsv:{k:08d}") for k in range(20)]
    with beam.Pipeline(runner="FnApiRunner") as p:
        keyed = (p | beam.Create(recs).with_output_types(Record)
                 | beam.Map(lambda r: (r.id[-1], r)).with_output_types(kv))
        grouped = keyed | beam.GroupByKey() | beam.FlatMap(lambda kv_: sorted(kv_[1], key=lambda r: r.id))
        assert_that(grouped, equal_to(recs))
