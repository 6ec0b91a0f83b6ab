"""The sample corpora in samples/corpora: exact counts, well-formed lines,
consistent NER tags, material for the dialect rules, and that the project's
own readers load every line without a rejection."""
import json
import re
import statistics
import unicodedata

import pytest

from cs_synth.pipeline.config import InputConfig
from cs_synth.pipeline.read import readers

N_PARALLEL = 300
N_NER = 60
N_MONO = 200
NER_TAGS = {"O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"}
NER_LABELS = {"travel", "sports", "business", "politics", "health", "education", "daily_life",
              "weather", "technology", "science", "culture"}


@pytest.fixture(scope="module")
def corpora(repo_dir):
    return repo_dir / "samples" / "corpora"


def _lines(path):
    raw = path.read_bytes()
    text = raw.decode("utf-8")  # raises on invalid UTF-8
    assert text.endswith("\n"), f"{path.name}: no final newline"
    assert "\r" not in text, f"{path.name}: CR line endings"
    lines = text[:-1].split("\n")
    for i, line in enumerate(lines, 1):
        assert line.strip(), f"{path.name}:{i}: blank line"
        assert line == line.strip(), f"{path.name}:{i}: leading/trailing whitespace"
        assert unicodedata.normalize("NFC", line) == line, f"{path.name}:{i}: not NFC"
    return lines


def _jsonl(path):
    return [json.loads(line) for line in _lines(path)]


def _words(text):
    return text.split()


def _devanagari_share(text):
    letters = [c for c in text if c.isalpha() or unicodedata.category(c).startswith("M")]
    deva = [c for c in letters if 0x0900 <= ord(c) <= 0x097F]
    return len(deva) / len(letters)


def test_en_hi_tsv(corpora):
    lines = _lines(corpora / "en-hi.tsv")
    assert len(lines) == N_PARALLEL
    pairs = [line.split("\t") for line in lines]
    assert all(len(p) == 2 for p in pairs), [l for l, p in zip(lines, pairs) if len(p) != 2][:3]
    for en, hi in pairs:
        assert all(ord(c) < 0x250 for c in en if c.isalpha()), en  # Latin script only
        assert _devanagari_share(hi) > 0.85, hi  # allows a Latin acronym such as PDF
        assert hi[-1] in "।?!", hi
        assert en.endswith("?") == hi.endswith("?"), (en, hi)
    assert len({en for en, _ in pairs}) == N_PARALLEL


def test_en_es_jsonl(corpora):
    rows = _jsonl(corpora / "en-es.jsonl")
    assert len(rows) == N_PARALLEL
    assert [r["id"] for r in rows] == [f"es-{i:04d}" for i in range(1, N_PARALLEL + 1)]
    for r in rows:
        assert set(r) == {"id", "en", "es"}
        assert r["en"].strip() and r["es"].strip()
        if r["es"].endswith("?"):
            assert "¿" in r["es"], r["es"]
        assert r["en"].endswith("?") == r["es"].endswith("?"), r


def test_en_de_moses_pair(corpora):
    en = _lines(corpora / "en-de.en")
    de = _lines(corpora / "en-de.de")
    assert len(en) == len(de) == N_PARALLEL
    assert "\t" not in "".join(en + de)
    for e, d in zip(en, de):
        assert e.endswith("?") == d.endswith("?"), (e, d)
    assert any(ch in "".join(de) for ch in "äöüßÄÖÜ")


def test_parallel_files_share_one_english_side(corpora):
    tsv_en = [line.split("\t")[0] for line in _lines(corpora / "en-hi.tsv")]
    es_en = [r["en"] for r in _jsonl(corpora / "en-es.jsonl")]
    assert tsv_en == es_en == _lines(corpora / "en-de.en")


def test_sentence_lengths(corpora):
    en = _lines(corpora / "en-de.en")
    mono = _lines(corpora / "en-mono.txt")
    for s in en + mono:
        assert 4 <= len(_words(s)) <= 25, s
    assert 9.5 <= statistics.mean(len(_words(s)) for s in en) <= 15


def test_en_fr_ner_tags_match_tokens(corpora):
    rows = _jsonl(corpora / "en-fr-ner.jsonl")
    assert len(rows) == N_NER
    assert [r["id"] for r in rows] == [f"fr-{i:04d}" for i in range(1, N_NER + 1)]
    for r in rows:
        assert set(r) == {"id", "en", "fr", "ner", "label"}
        toks = r["en"].split(" ")
        assert "" not in toks, r["en"]  # single spaces only
        assert len(r["ner"]) == len(toks), r["id"]
        assert set(r["ner"]) <= NER_TAGS, r["id"]
        for i, tag in enumerate(r["ner"]):
            if tag.startswith("I-"):
                prev = r["ner"][i - 1] if i else "O"
                assert prev in ("B-" + tag[2:], tag), (r["id"], i, tag, prev)
            if tag.startswith("B-") or (tag.startswith("I-") and toks[i] != "of"):
                assert toks[i][0].isupper(), (r["id"], toks[i], tag)
        # punctuation is split off in this file
        for t in toks:
            assert len(t) == 1 or not re.search(r"[.,?!;:]$", t), (r["id"], t)
        assert any(t != "O" for t in r["ner"]), r["id"]
        assert r["label"] in NER_LABELS
        assert r["fr"].strip() and not r["fr"].startswith(" ")
    counts = {}
    for r in rows:
        counts[r["label"]] = counts.get(r["label"], 0) + 1
    assert set(counts) == NER_LABELS and min(counts.values()) >= 3
    all_tags = [t for r in rows for t in r["ner"]]
    for kind in ("PER", "LOC", "ORG"):
        assert all_tags.count("B-" + kind) >= 15, kind
        assert "I-" + kind in all_tags, kind


def test_mono_has_material_for_dialect_rules(corpora):
    mono = _lines(corpora / "en-mono.txt")
    assert len(mono) == N_MONO and len(set(mono)) == N_MONO
    assert not set(mono) & set(_lines(corpora / "en-de.en"))

    def count(pattern):
        rx = re.compile(pattern, re.IGNORECASE)
        return sum(1 for s in mono if rx.search(s))

    assert count(r"\b(myself|yourself|himself|herself|itself|ourselves|yourselves|themselves)\b") >= 12
    assert count(r"\bthere (is|are|was|were|isn't|aren't)\b|\b(is|are) there\b") >= 10
    assert count(r"n't\b|\bnot\b|\bnever\b|\bnobody\b|\bnothing\b") >= 48
    assert sum(s.endswith("?") for s in mono) >= 40
    assert count(r"\b(who|which|whose|where|that)\b") >= 30
    assert count(r"\b(is|are|was|were|am)\b") >= 70
    assert count(r"\b(went|saw|ate|ran|took|broke|sang|drank|bought|brought|fell|gave|knew|began|felt|"
                 r"left|found|spoke|wrote|told|taught|built|flew|swam|caught|froze|wore|chose|sold)\b") >= 45
    assert count(r"\b(can|could|will|would|should|must|may|might|have|has|had)\b") >= 40


def _read(fn, *args):
    return list(fn(*args))


def test_readers_load_every_line(corpora):
    tsv = InputConfig(format="tsv", path=str(corpora / "en-hi.tsv"), src_lang="en", tgt_lang="hi")
    recs = _read(readers.read_tsv, str(corpora / "en-hi.tsv"), tsv)
    assert len(recs) == N_PARALLEL and not any(r.rejected for r in recs)
    assert recs[0].tgt.lang == "hi" and recs[0].tgt.text.startswith("जयपुर")

    es = InputConfig(format="jsonl", path=str(corpora / "en-es.jsonl"), src_lang="en", tgt_lang="es",
                     src_field="en", tgt_field="es", id_field="id")
    recs = _read(readers.read_jsonl, str(corpora / "en-es.jsonl"), es)
    assert len(recs) == N_PARALLEL and not any(r.rejected for r in recs)
    assert recs[-1].id == "en-es.jsonl:es-0300"

    de = InputConfig(format="moses", src_path=str(corpora / "en-de.en"), tgt_path=str(corpora / "en-de.de"),
                     src_lang="en", tgt_lang="de")
    recs = _read(readers.read_moses, str(corpora / "en-de.en"), str(corpora / "en-de.de"), de)
    assert len(recs) == N_PARALLEL and not any(r.rejected for r in recs)

    ner = InputConfig(format="jsonl", path=str(corpora / "en-fr-ner.jsonl"), src_lang="en", tgt_lang="fr",
                      src_field="en", tgt_field="fr", id_field="id", token_label_fields=["ner"],
                      seq_label_fields=["label"])
    recs = _read(readers.read_jsonl, str(corpora / "en-fr-ner.jsonl"), ner)
    assert len(recs) == N_NER and not any(r.rejected for r in recs), [r.reject_detail for r in recs if r.rejected]
    first = recs[0]
    assert first.src.tokens[:2] == ("Marie", "Dubois")
    assert first.src.labels["ner"][:2] == ("B-PER", "I-PER")
    assert first.seq_labels["label"] == "daily_life"

    mono = InputConfig(format="text", path=str(corpora / "en-mono.txt"), src_lang="en")
    recs = _read(readers.read_text, str(corpora / "en-mono.txt"), mono)
    assert len(recs) == N_MONO and not any(r.rejected for r in recs) and recs[0].tgt is None
