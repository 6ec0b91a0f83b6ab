"""Comparable documents: two monolingual collections paired by document id,
or by nearest neighbours on document embeddings from a tiny random BERT
built offline (WordPiece vocabulary trained with ``tokenizers``)."""
import json
import pathlib

import numpy as np
import pyarrow as pa
import pytest

from cs_synth.beam_jobs.interleave import run_job
from cs_synth.pipeline.config import parse_config
from cs_synth.pipeline.interleave.pairing import Encoder, nearest
from cs_synth.pipeline.testing.tiny_models import build_tiny_bert

REPO = pathlib.Path(__file__).resolve().parents[2]
CORPORA = REPO / "samples" / "corpora"


def _rows(out, kind="data"):
    rows = []
    for f in sorted((out / kind).glob("*.arrow")):
        with pa.OSFile(str(f), "rb") as fh:
            rows += pa.ipc.open_stream(fh).read_all().to_pylist()
    return rows


def _docs(path):
    out = {}
    for line in path.read_text().splitlines():
        row = json.loads(line)
        out.setdefault(row["doc"], []).append(row["text"])
    return out


def _config(base, en, de, **comparable):
    return parse_config({
        "input": {"format": "jsonl", "path": str(en), "src_lang": "en", "src_field": "text", "doc_field": "doc",
                  "order_field": "n"},
        "annotate": {"backend": "none"}, "align": None, "score": [],
        "interleave": {"context_length": 64, "lang_tags": {"en": "<en> ", "de": "<de> "}, "min_sentences": 2,
                       "comparable": {"input": {"format": "jsonl", "path": str(de), "src_lang": "de",
                                                "src_field": "text", "doc_field": "doc", "order_field": "n"},
                                      **comparable}},
    }, base_dir=str(base))


def test_pairing_by_document_id(tmp_path):
    en, de = CORPORA / "en-comparable-docs.jsonl", CORPORA / "de-comparable-docs.jsonl"
    m = run_job(_config(tmp_path, en, de), str(tmp_path / "out"))
    d = m["documents"]
    en_docs, de_docs = _docs(en), _docs(de)
    # documents are those of input: paired ones have output; 'festival' has no German document
    assert d["read"] == len(en_docs) and d["with_output"] == len(set(en_docs) & set(de_docs))
    assert d["rejected"]["by_reason"] == {"no_pair_found": 1} and d["accounting_ok"]
    assert d["other_collection_only"] == len(set(de_docs) - set(en_docs))  # 'bridge'
    assert m["comparable_input"]["read"] == sum(len(v) for v in de_docs.values())
    rows = _rows(tmp_path / "out")
    for r in rows:
        assert r["src_doc"] == r["tgt_doc"] == r["doc_id"] and r["similarity"] is None
        assert r["src_lang"] == "en" and r["tgt_lang"] == "de"
    harbour = [r for r in rows if r["doc_id"] == "harbour"]
    # 4 English and 3 German sentences alternate; the fourth English one follows the last German one
    text = "\n".join(r["text"] for r in sorted(harbour, key=lambda r: r["window"]))
    assert text.startswith("<en> The harbour is busiest in the early morning.\n<de> Im Hafen ist am frühen Morgen")
    sides = [s["side"] for r in sorted(harbour, key=lambda r: r["window"]) for s in r["segments"]]
    assert sides == ["src", "tgt", "src", "tgt", "src", "tgt", "src"]
    rej = _rows(tmp_path / "out", "rejected_documents")
    assert [(r["doc_id"], r["reject_reason"]) for r in rej] == [("festival", "no_pair_found")]


def test_one_side_empty_when_the_partner_has_no_kept_sentence(tmp_path):
    en = tmp_path / "en.jsonl"
    de = tmp_path / "de.jsonl"
    en.write_text("\n".join(json.dumps({"doc": "a", "n": k, "text": t}) for k, t in
                            enumerate(["One sentence here.", "Another one here."])) + "\n")
    de.write_text(json.dumps({"doc": "a", "n": 0, "text": "   "}) + "\n")  # read, then rejected (empty)
    m = run_job(_config(tmp_path, en, de), str(tmp_path / "out"))
    assert m["documents"]["rejected"]["by_reason"] == {"one_side_empty": 1}
    assert m["comparable_input"]["rejected"]["by_reason"] == {"empty_side": 1}


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory):
    en, de = _docs(CORPORA / "en-comparable-docs.jsonl"), _docs(CORPORA / "de-comparable-docs.jsonl")
    sents = [s for v in list(en.values()) + list(de.values()) for s in v]
    return build_tiny_bert(str(tmp_path_factory.mktemp("bert") / "tiny-bert"), sents, vocab_size=400)


def test_encoder_is_batch_size_independent_and_normalised(tiny_bert):
    texts = [s for v in _docs(CORPORA / "en-comparable-docs.jsonl").values() for s in v]
    a = Encoder(tiny_bert, batch_size=1, device="cpu").embed(texts)
    b = Encoder(tiny_bert, batch_size=64, device="cpu").embed(texts)
    assert a.shape == b.shape and a.shape[0] == len(texts)
    assert np.allclose(a, b, atol=1e-5)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)


def test_nearest_neighbours_ties_threshold_and_mutual():
    src = [("b", [1.0, 0.0]), ("a", [0.0, 1.0]), ("c", [0.6, 0.8])]
    tgt = [("y", [0.0, 1.0]), ("x", [1.0, 0.0]), ("z", [1.0, 0.0])]  # x and z tie for b: the smaller id wins
    assert nearest(src, tgt) == {"a": ("y", 1.0), "b": ("x", 1.0), "c": ("y", 0.8)}
    assert nearest(src, tgt, min_similarity=0.9) == {"a": ("y", 1.0), "b": ("x", 1.0)}
    assert nearest(src, tgt, mutual=True) == {"a": ("y", 1.0), "b": ("x", 1.0)}  # y's nearest is a, not c


def test_pairing_by_embeddings_finds_the_copy_of_each_document(tmp_path, tiny_bert):
    """The other collection holds each English document again under another
    id (so the right partner is the same text, cosine 1 whatever the random
    weights), plus an unrelated German one; 'festival' has no copy and a
    threshold of 0.999 leaves it unpaired."""
    en_docs = _docs(CORPORA / "en-comparable-docs.jsonl")
    en = tmp_path / "en.jsonl"
    other = tmp_path / "other.jsonl"
    en.write_text((CORPORA / "en-comparable-docs.jsonl").read_text())
    lines = []
    for doc, sents in sorted(en_docs.items(), reverse=True):
        if doc == "festival":
            continue
        lines += [json.dumps({"doc": f"copy-of-{doc}", "n": k, "text": t}) for k, t in enumerate(sents)]
    lines += [json.dumps({"doc": "brücke", "n": 0, "text": "Die alte Brücke wird im Frühjahr neu gestrichen."}),
              json.dumps({"doc": "brücke", "n": 1, "text": "Während der Arbeiten ist sie gesperrt."})]
    other.write_text("\n".join(lines) + "\n")
    cfg = _config(tmp_path, en, other, pair_by="embeddings", model=tiny_bert, batch_size=3, min_similarity=0.999,
                  device="auto")
    # the other collection is in German by config; its text being English is what makes the copies exact
    m = run_job(cfg, str(tmp_path / "out"))
    d = m["documents"]
    assert d["with_output"] == 3 and d["rejected"]["by_reason"] == {"no_pair_found": 1} and d["accounting_ok"]
    rows = _rows(tmp_path / "out")
    pairs = {r["doc_id"]: (r["tgt_doc"], r["similarity"]) for r in rows}
    assert {k: v[0] for k, v in pairs.items()} == {d: f"copy-of-{d}" for d in ("harbour", "library", "orchard")}
    assert all(abs(s - 1.0) < 1e-5 for _, s in pairs.values())
    rej = _rows(tmp_path / "out", "rejected_documents")
    assert [(r["doc_id"], r["reject_reason"]) for r in rej] == [("festival", "no_pair_found")]
    assert "cosine >= 0.999" in rej[0]["reject_detail"]


def test_embeddings_need_a_model_folder(tmp_path):
    from cs_synth.pipeline.units import ConfigError

    en, de = CORPORA / "en-comparable-docs.jsonl", CORPORA / "de-comparable-docs.jsonl"
    with pytest.raises(ConfigError, match="interleave.comparable.model: no model folder"):
        _config(tmp_path, en, de, pair_by="embeddings", model=str(tmp_path / "nothing"))


@pytest.mark.slow
def test_comparable_pairing_byte_identical_with_one_and_two_workers(tmp_path, tiny_bert):
    import hashlib

    en, de = CORPORA / "en-comparable-docs.jsonl", CORPORA / "de-comparable-docs.jsonl"
    cfg = _config(tmp_path, en, de, pair_by="embeddings", model=tiny_bert, batch_size=2, device="cpu")
    run_job(cfg, str(tmp_path / "w1"), workers=1)
    run_job(cfg, str(tmp_path / "w2"), workers=2)

    def digests(out):
        return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.rglob("*.arrow"))}

    d1, d2 = digests(tmp_path / "w1"), digests(tmp_path / "w2")
    assert d1 and d1 == d2
    assert json.loads((tmp_path / "w1" / "manifest.json").read_text()) == \
        json.loads((tmp_path / "w2" / "manifest.json").read_text())


def test_local_path_gives_the_job_rows_for_comparable_documents(tmp_path, tiny_bert):
    from cs_synth.pipeline import stages
    from cs_synth.pipeline.interleave.documents import read_documents
    from cs_synth.pipeline.interleave.local import interleave_records

    en, de = CORPORA / "en-comparable-docs.jsonl", CORPORA / "de-comparable-docs.jsonl"
    for k, extra in enumerate(({}, {"pair_by": "embeddings", "model": tiny_bert, "batch_size": 2})):
        cfg = _config(tmp_path, en, de, **extra)
        run_job(cfg, str(tmp_path / f"out{k}"))
        read = stages.stage(cfg, "read")
        records = [r for unit in read.units() for r in read.process(unit)]
        other = list(read_documents(str(de), stages.stage(cfg, "interleave").other_input))
        rows, rejects = interleave_records(cfg, records, other)
        assert rows and rows == sorted(_rows(tmp_path / f"out{k}"), key=lambda r: r["id"])
        assert rejects == _rows(tmp_path / f"out{k}", "rejected_documents")
