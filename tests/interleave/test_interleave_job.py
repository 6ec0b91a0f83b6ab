"""The interleave Beam job on the bundled pseudo-document sample: document
accounting, the sequences it writes, byte-identity with 1 and 2 workers,
and configuration errors that name the field."""
import hashlib
import json
import pathlib

import pyarrow as pa
import pytest
import yaml

from cs_synth.beam_jobs.interleave import run_job
from cs_synth.pipeline.config import parse_config
from cs_synth.pipeline.units import ConfigError

REPO = pathlib.Path(__file__).resolve().parents[2]
RECIPE = REPO / "samples" / "recipes" / "en-de-interleave.yaml"
CORPUS = REPO / "samples" / "corpora" / "en-de-docs.jsonl"


def _raw():
    return yaml.safe_load(RECIPE.read_text())


def _cfg(**interleave):
    raw = _raw()
    raw["interleave"].update(interleave)
    return parse_config(raw, base_dir=str(RECIPE.parent))


def _rows(out, kind="data"):
    rows = []
    for f in sorted((out / kind).glob("*.arrow")):
        with pa.OSFile(str(f), "rb") as fh:
            rows += pa.ipc.open_stream(fh).read_all().to_pylist()
    return rows


def _digests(out):
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.rglob("*.arrow"))}


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("interleave") / "out"
    m = run_job(_cfg(codeswitched=0.0), str(out))  # plain sides only: golden text independent of the recipe
    return out, m


def test_document_and_pair_accounting(sample_run):
    out, m = sample_run
    lines = CORPUS.read_text().splitlines()
    docs = {json.loads(l).get("doc") for l in lines} - {None}
    # sentence level unchanged: every line is read, and ends with output or a reject
    assert m["read"] == len(lines) and m["read"] == m["pairs_with_output"] + m["rejected"]["total"]
    assert m["rejected"]["by_reason"] == {"empty_side": 1, "missing_field": 1}
    d = m["documents"]
    assert d["read"] == len(docs) == d["with_output"] + d["rejected"]["total"]
    assert d["rejected"]["by_reason"] == {"too_short": 1}  # the one-sentence note
    assert d["accounting_ok"] and m["accounting_ok"]
    seqs = _rows(out)
    assert d["sequences_written"] == len(seqs) == m["written"]
    assert d["tokens_written"] == sum(r["n_tokens"] for r in seqs)
    assert {r["doc_id"] for r in seqs} == docs - {"note"}
    rej = _rows(out, "rejected_documents")
    assert [(r["doc_id"], r["reject_reason"], r["sentences_read"]) for r in rej] == [("note", "too_short", 1)]


def test_sequences_alternate_aligned_segments_in_document_order(sample_run):
    out, _ = sample_run
    by_doc = {}
    for r in _rows(out):
        by_doc.setdefault(r["doc_id"], []).append(r)
    bakery = sorted(by_doc["bakery"], key=lambda r: r["window"])
    # golden: 4 sentence pairs, context 48 whitespace tokens (tags count one), stride 2 segments
    assert bakery[0]["text"] == (
        "<en> My grandfather opened a small bakery in 1962.\n"
        "<de> Mein Großvater eröffnete 1962 eine kleine Bäckerei.\n"
        "<en> He started work at three in the morning.\n"
        "<de> Er begann um drei Uhr morgens mit der Arbeit.\n"
        "<en> The whole street smelled of fresh rolls.")
    assert [r["window"] for r in bakery] == [0, 1, 2] and {r["n_windows"] for r in bakery} == {3}
    assert bakery[2]["text"].endswith("<de> Meine Mutter backt noch immer nach seinem Rezept für Apfelkuchen.")
    for r in by_doc["bakery"] + by_doc["cycling"]:
        assert r["n_tokens"] <= 48
        sides = [s["side"] for s in r["segments"]]
        assert all(a != b for a, b in zip(sides, sides[1:]))  # strict alternation
        for s in r["segments"]:
            assert r["text"][s["char_start"]:s["char_end"]]
            assert s["lang"] == {"src": "en", "tgt": "de"}[s["side"]]
        # the language spans tile the text, and the text spans are the segments' languages
        spans = r["lang_spans"]
        assert spans[0]["start"] == 0 and spans[-1]["end"] == len(r["text"])
        assert all(a["end"] == b["start"] for a, b in zip(spans, spans[1:]))
        for sp in spans:
            if sp["kind"] == "text":
                assert sp["lang"] == r["segments"][sp["segment"]]["lang"]
            else:
                assert sp["lang"] == "zxx" and r["text"][sp["start"]:sp["end"]] in ("\n", "<en> ", "<de> ")
    # order_field: the first cycling sentence is the last line of the file, yet opens the document
    cyc = min(by_doc["cycling"], key=lambda r: r["window"])
    assert cyc["text"].startswith("<en> A group of cyclists is riding along the river.\n<de> Eine Gruppe")
    assert cyc["segments"][0]["record_ids"] == [f"en-de-docs.jsonl:{len(CORPUS.read_text().splitlines()):08d}"]


def test_lighthouse_sentence_with_empty_german_side_is_left_out(sample_run):
    out, _ = sample_run
    texts = " ".join(r["text"] for r in _rows(out) if r["doc_id"] == "lighthouse")
    assert "museum" not in texts and "Leuchtturm" in texts


def test_code_switched_outputs_replace_source_segments(tmp_path):
    m = run_job(_cfg(), str(tmp_path / "cs"))  # the recipe: word switching, codeswitched 0.5
    assert m["documents"]["accounting_ok"] and m["accounting_ok"]
    rows = _rows(tmp_path / "cs")
    segs = [(r, s) for r in rows for s in r["segments"]]
    cs = [(r, s) for r, s in segs if s["side"] == "cs"]
    src = [(r, s) for r, s in segs if s["side"] == "src"]
    assert cs and src  # some replaced, some not
    for r, s in cs:
        assert s["lang"] == "en" and all("/" in rid for rid in s["record_ids"])  # transform output ids
        text_spans = [sp for sp in r["lang_spans"] if sp["segment"] == s["position"] and sp["kind"] == "text"]
        langs = {sp["lang"] for sp in text_spans}
        assert {"en", "de"} <= langs  # the switched words are tagged German inside the English segment
        assert text_spans[0]["start"] == s["char_start"] and text_spans[-1]["end"] == s["char_end"]
    # a document's segment k is either its source or its code-switched form, the same in every window
    choice = {}
    for r, s in segs:
        if s["side"] in ("src", "cs"):
            assert choice.setdefault((r["doc_id"], s["index"]), s["side"]) == s["side"]
    # off: no code-switched segment
    run_job(_cfg(codeswitched=0.0), str(tmp_path / "plain"))
    assert all(s["side"] != "cs" for r in _rows(tmp_path / "plain") for s in r["segments"])


def test_token_segments_and_other_patterns(tmp_path):
    m = run_job(_cfg(segment="tokens", segment_tokens=20, pattern="src_first", stride=None, context_length=64,
                     codeswitched=0.0),
                str(tmp_path / "o"))
    rows = _rows(tmp_path / "o")
    assert m["documents"]["accounting_ok"]
    for r in rows:
        segs = r["segments"]
        assert all(s["n_tokens"] <= 20 or len(s["record_ids"]) == 1 for s in segs)
        sides = [s["side"] for s in segs]
        assert sides == sorted(sides, key=lambda x: x != "src")  # all src segments first
    assert any(len(s["record_ids"]) > 1 for r in rows for s in r["segments"])  # sentences were packed
    # no stride: windows of a document do not overlap
    seen = {}
    for r in rows:
        for s in r["segments"]:
            key = (r["doc_id"], s["side"], s["index"], s["part"])
            assert key not in seen
            seen[key] = True


def test_random_pattern_depends_on_the_seed_only(tmp_path):
    a = run_job(_cfg(pattern="random"), str(tmp_path / "a"))
    b = run_job(_cfg(pattern="random"), str(tmp_path / "b"))
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b") and a["documents"] == b["documents"]
    raw = _raw()
    raw["interleave"]["pattern"] = "random"
    raw["seed"] = 8
    run_job(parse_config(raw, base_dir=str(RECIPE.parent)), str(tmp_path / "c"))
    assert _rows(tmp_path / "c") != _rows(tmp_path / "a")


@pytest.mark.slow
def test_byte_identical_with_one_and_two_workers(tmp_path):
    cfg = _cfg(pattern="random")  # with the word recipe and code-switched segments
    run_job(cfg, str(tmp_path / "w1"), workers=1)
    run_job(cfg, str(tmp_path / "w2"), workers=2)
    d1, d2 = _digests(tmp_path / "w1"), _digests(tmp_path / "w2")
    assert d1 and d1 == d2
    assert any(k.startswith("data/") for k in d1) and any(k.startswith("rejected_documents/") for k in d1)
    m1 = json.loads((tmp_path / "w1" / "manifest.json").read_text())
    m2 = json.loads((tmp_path / "w2" / "manifest.json").read_text())
    assert m1 == m2


@pytest.mark.parametrize("change,message", [
    ({"interleave": {"context_length": 0}}, "interleave.context_length: must be >= 1"),
    ({"input": {"tgt_lang": ""}, "interleave": {"codeswitched": 0.5, "comparable": {"input": {}}}},
     "interleave: codeswitched needs parallel documents"),
    ({"interleave": {"codeswitched": 1.5}}, "interleave.codeswitched: must be <= 1"),
    ({"interleave": {"pattern": "zigzag"}}, "interleave.pattern: must be one of"),
    ({"interleave": {"stride": "2"}}, "interleave.stride"),
    ({"interleave": {"segment": "tokens", "segment_tokens": 100, "context_length": 50}},
     "segment_tokens (100) must not exceed context_length (50)"),
    ({"interleave": {"tokenizer": "no/such/folder"}}, "interleave.tokenizer: no tokenizer at"),
    ({"interleave": {"lang_tags": {"en": "a b c d"}, "context_length": 4}}, "interleave.lang_tags.en"),
    ({"input": {"doc_field": None, "order_field": None}}, "input.doc_field: the interleave stage needs documents"),
    ({"input": {"doc_field": None}}, "input.order_field: orders the rows of the documents of input.doc_field"),
    ({"input": {"tgt_lang": ""}}, "input.tgt_lang"),
    ({"input": {"doc_lines": 3}}, "input.doc_lines: set one of input.doc_field"),
    ({"input": {"format": "tsv"}}, "input.doc_field: tsv input has no named fields; use input.doc_lines"),
    ({"interleave": {"comparable": {"input": {"format": "text", "path": "x.txt"}}}},
     "input.tgt_lang: with interleave.comparable the input is one monolingual collection"),
    ({"input": {"tgt_lang": ""}, "interleave": {"comparable": {"input": {"format": "text", "path": "x.txt"}}}},
     "interleave.comparable.input.src_lang: required option is missing"),
    ({"input": {"tgt_lang": ""}, "interleave": {"comparable": {"input": {"format": "text", "path": "x.txt",
                                                                          "src_lang": "de"}}}},
     "interleave.comparable.input.doc_field: the other collection needs documents too"),
    ({"input": {"tgt_lang": ""}, "interleave": {"comparable": {"input": {}, "pair_by": "embeddings"}}},
     "interleave.comparable: pair_by: embeddings needs model"),
])
def test_bad_configuration_names_the_field(change, message):
    raw = _raw()
    raw["interleave"]["codeswitched"] = 0.0
    for block, values in change.items():
        for k, v in values.items():
            if v is None:
                raw[block].pop(k, None)
            else:
                raw[block][k] = v
    with pytest.raises(ConfigError) as exc:
        parse_config(raw, base_dir=str(RECIPE.parent))
    assert message in str(exc.value)


def test_doc_lines_groups_consecutive_lines_of_a_moses_pair(tmp_path):
    en = tmp_path / "c.en"
    de = tmp_path / "c.de"
    en.write_text("One.\nTwo.\nThree.\nFour.\nFive.\n")
    de.write_text("Eins.\nZwei.\n\nVier.\nFünf.\n")
    cfg = parse_config({"input": {"format": "moses", "src_path": str(en), "tgt_path": str(de), "src_lang": "en",
                                  "tgt_lang": "de", "doc_lines": 2},
                        "annotate": {"backend": "none"}, "align": None, "score": [],
                        "interleave": {"min_sentences": 2, "separator": " | "}}, base_dir=str(tmp_path))
    m = run_job(cfg, str(tmp_path / "out"))
    rows = _rows(tmp_path / "out")
    assert [r["text"] for r in sorted(rows, key=lambda r: r["id"])] == ["One. | Eins. | Two. | Zwei."]
    assert rows[0]["doc_id"] == "c.en:00000001-00000002"
    assert m["rejected"]["by_reason"] == {"empty_side": 1}
    rej = {r["doc_id"]: r for r in _rows(tmp_path / "out", "rejected_documents")}
    # lines 3-4: line 3 has no German, so one pair is left; line 5 is a document of one line
    assert {d: (r["reject_reason"], r["sentences_read"], r["src_sentences"]) for d, r in rej.items()} == {
        "c.en:00000003-00000004": ("too_short", 2, 1), "c.en:00000005-00000006": ("too_short", 1, 1)}
    assert m["documents"] == {**m["documents"], "read": 3, "with_output": 1}


def test_cs_synth_run_takes_the_interleave_job_and_prints_document_counts(tmp_path, capsys):
    from cs_synth.beam_jobs.cli import main

    cfg = tmp_path / "r.yaml"
    raw = _raw()
    raw["input"]["path"] = str(CORPUS)
    raw["transform"][0]["options"]["dictionaries"]["de"] = str(REPO / "samples" / "lexicons" / "en-de.tsv")
    cfg.write_text(yaml.safe_dump(raw, allow_unicode=True))
    assert main(["run", str(cfg), "--output", str(tmp_path / "out"), "--no-report"]) == 0
    printed = capsys.readouterr().out
    assert "documents read: 5   with output: 4" in printed and "too_short                    1" in printed
    m = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert m["documents"]["sequences_written"] == len(_rows(tmp_path / "out"))
    from cs_synth.pipeline.write.commit import verify

    assert verify(str(tmp_path / "out")) == []  # every shard listed with its checksum, the card included
    from datasets import load_dataset

    ds = load_dataset("arrow", data_files=str(tmp_path / "out" / "data" / "*.arrow"), split="train",
                      cache_dir=str(tmp_path / "hf-cache"))
    assert ds.num_rows == m["documents"]["sequences_written"] and "lang_spans" in ds.column_names


def test_local_path_gives_the_job_rows(sample_run, tmp_path):
    """cs_synth.pipeline.interleave.local (no Beam) and the job write the same
    sequences and document rejects for the same records."""
    from cs_synth.pipeline import stages
    from cs_synth.pipeline.interleave.local import interleave_records

    out, _ = sample_run
    cfg = _cfg(codeswitched=0.0)
    read = stages.stage(cfg, "read")
    records = [r for unit in read.units() for r in read.process(unit)]
    rows, rejects = interleave_records(cfg, records)
    assert rows == sorted(_rows(out), key=lambda r: r["id"])
    assert rejects == _rows(out, "rejected_documents")


def test_sentence_level_accounting_is_the_synth_jobs(sample_run, tmp_path):
    """The same config without the interleave block, through the sentence-level
    job: the same pair counts, and the kept records name their document."""
    from cs_synth.beam_jobs.synth import run_job as synth_job

    _, m = sample_run
    raw = _raw()
    raw.pop("interleave")
    s = synth_job(parse_config(raw, base_dir=str(RECIPE.parent)), str(tmp_path / "s"))
    for key in ("read", "pairs_with_output", "rejected"):
        assert s[key] == m[key], key
    import pyarrow as pa

    docs = set()
    for f in (tmp_path / "s" / "data").glob("*.arrow"):
        with pa.OSFile(str(f), "rb") as fh:
            for row in pa.ipc.open_stream(fh).read_all().column("seq_labels").to_pylist():
                docs |= {x["value"] for x in row if x["name"] == "doc_id"}
    assert docs == {"market", "lighthouse", "bakery", "cycling", "note"}
