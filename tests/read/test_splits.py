"""Split reading (pipeline/read/splits.py, issue 12): a file read by byte
blocks gives the records, ids and bytes of the whole-file reader, whatever
the block size, for hostile lines (invalid UTF-8, CRLF, BOM, blank lines,
no final newline, lines longer than a block); so does a Moses pair read by
line ranges of both files (also with line counts that differ); the job
gives the same bytes with 1 and 2 workers and with a split and an unsplit
(gzipped) input.  Table files: tests/read/test_split_columnar.py."""
import gzip
import hashlib
import json
import pathlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cs_synth.pipeline.config import InputConfig, parse_config
from cs_synth.pipeline.read import splits
from cs_synth.pipeline.read.readers import read_file

_piece = st.sampled_from([b"the", b"dog", "perro".encode(), "ñandú".encode(), b"\xff", b"\xc3", b"\r", b"",
                          b" ", b"\t", b"{", b'"', b"x" * 40, "日本".encode()])
_line = st.lists(_piece, min_size=0, max_size=8).map(b"".join)


def _cfg(fmt, path):
    tgt = {} if fmt == "text" else {"tgt_lang": "de"}
    return InputConfig(format=fmt, path=path, src_lang="en", **tgt)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_line, min_size=0, max_size=30), end=st.sampled_from([b"\n", b"\r\n"]),
       final=st.booleans(), bom=st.booleans(), fmt=st.sampled_from(["tsv", "text", "jsonl"]),
       split=st.integers(1, 120), chunk=st.integers(1, 7))
def test_blocks_give_the_whole_file_records(tmp_path_factory, monkeypatch, lines, end, final, bom, fmt, split,
                                            chunk):
    monkeypatch.setattr(splits, "MIN_SPLIT_BYTES", 1)
    d = tmp_path_factory.mktemp("s")
    if fmt == "jsonl":  # some lines valid JSON objects, the rest as drawn
        lines = [json.dumps({"src": ln.decode("utf-8", "replace"), "tgt": "x"}).encode() if k % 2 else ln
                 for k, ln in enumerate(lines)]
    body = (b"\xef\xbb\xbf" if bom else b"") + end.join(lines) + (end if final and lines else b"")
    path = d / f"c.{fmt}"
    path.write_bytes(body)
    cfg = _cfg(fmt, str(path))
    whole = list(read_file((str(path), path.name), cfg))
    blocks = splits.plan_blocks([(str(path), path.name)], split)
    # the blocks tile the file, and it really was cut (Beam's split merges a short remainder)
    assert [(b.start, b.end) for b in blocks] == list(zip([0] + [b.end for b in blocks[:-1]],
                                                          [b.end for b in blocks]))
    assert blocks[-1].end == len(body) and len(blocks) >= len(body) // split // 2
    got = list(splits.read_split([(str(path), path.name)], cfg, split_bytes=split, chunk_lines=chunk))
    assert [r.id for r in got] == [r.id for r in whole]
    assert got == whole


def test_a_line_longer_than_many_blocks_is_read_once(tmp_path, monkeypatch):
    monkeypatch.setattr(splits, "MIN_SPLIT_BYTES", 1)
    path = tmp_path / "c.tsv"
    path.write_bytes(b"a\tb\n" + b"long " * 400 + b"\tx\nc\td\n")
    cfg = _cfg("tsv", str(path))
    got = list(splits.read_split([(str(path), "c.tsv")], cfg, split_bytes=64))
    assert [r.id for r in got] == ["c.tsv:00000001", "c.tsv:00000002", "c.tsv:00000003"]
    assert got == list(read_file((str(path), "c.tsv"), cfg))


def test_compressed_files_are_one_block_and_streamed(tmp_path):
    path = tmp_path / "c.tsv.gz"
    path.write_bytes(gzip.compress(b"".join(b"s %d\tt %d\n" % (k, k) for k in range(5000))))
    blocks = splits.plan_blocks([(str(path), "c.tsv.gz")], 4096)
    assert [(b.start, b.end) for b in blocks] == [(0, None)]
    chunks = list(splits.read_block(blocks[0], chunk_lines=1000))
    assert [c.count for c in chunks] == [1000] * 5 and [c.first for c in chunks] == [0, 1000, 2000, 3000, 4000]


def test_a_truncated_gzip_ends_with_one_unreadable_reject_like_the_whole_reader(tmp_path):
    body = gzip.compress("".join(f"sentence {k}\tfrase {k}\n" for k in range(2000)).encode())
    path = tmp_path / "c.tsv.gz"
    path.write_bytes(body[: len(body) // 2])
    cfg = _cfg("tsv", str(path))
    got = list(splits.read_split([(str(path), "c.tsv.gz")], cfg, chunk_lines=100))
    assert got == list(read_file((str(path), "c.tsv.gz"), cfg))
    assert got[-1].reject_reason == "unreadable_file" and got[-1].id == "c.tsv.gz:unreadable"
    assert sum(r.reject_reason == "unreadable_file" for r in got) == 1


def test_what_needs_the_whole_file_is_not_split():
    assert splits.splittable(_cfg("tsv", "x.tsv"))
    assert splits.splittable(_cfg("jsonl", "x.jsonl"))
    assert not splits.splittable(InputConfig(format="jsonl", path="x", src_lang="en", tgt_lang="de", id_field="id"))
    # a Moses pair is split by line ranges of both files (test_moses_blocks_give_the_whole_pair_records)
    assert splits.splittable(InputConfig(format="moses", src_path="a", tgt_path="b", src_lang="en",
                                         tgt_lang="de"))
    # tables are split by row group / record batch (tests/read/test_split_columnar.py), Hugging Face folders not
    assert splits.splittable(InputConfig(format="parquet", path="x", src_lang="en", tgt_lang="de"))
    assert not splits.splittable(InputConfig(format="hf", path="x", src_lang="en", tgt_lang="de"))


# ------------------------------------------------------------------ the job
def _digests(out: pathlib.Path):
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*.arrow"))}


def _job_cfg(tmp_path, name):
    return parse_config({"input": {"format": "tsv", "path": name, "src_lang": "en", "tgt_lang": "de"},
                         "align": None,
                         "transform": [{"recipe": "translit", "options": {"backend": "icu",
                                                                            "transform_id": "Latin-ASCII"}}],
                         "seed": 0}, base_dir=str(tmp_path))


@pytest.mark.slow
def test_job_bytes_do_not_depend_on_split_or_workers(tmp_path, monkeypatch):
    """2,000 pairs: a gzipped file (one block, parsed on every worker) with
    1 and 2 workers, and the same file uncompressed cut into many blocks,
    give the same shards byte for byte (and ids numbered by line)."""
    from cs_synth.beam_jobs.synth import run_job

    rows = "".join(f"Größe {k} café\tnaïve Straße {k}\n" if k % 97 else "no tab here\n" for k in range(2000))
    (tmp_path / "c.tsv").write_text(rows, encoding="utf-8")
    (tmp_path / "gz").mkdir()
    (tmp_path / "gz" / "c.tsv.gz").write_bytes(gzip.compress(rows.encode()))
    monkeypatch.setattr(splits, "CHUNK_LINES", 150)
    run_job(_job_cfg(tmp_path, "gz/c.tsv.gz"), str(tmp_path / "w1"), workers=1)
    run_job(_job_cfg(tmp_path, "gz/c.tsv.gz"), str(tmp_path / "w2"), workers=2)
    monkeypatch.setattr(splits, "MIN_SPLIT_BYTES", 1)
    monkeypatch.setattr(splits, "SPLIT_BYTES", 5000)
    run_job(_job_cfg(tmp_path, "c.tsv"), str(tmp_path / "split"), workers=2)
    d1, d2 = _digests(tmp_path / "w1"), _digests(tmp_path / "w2")
    assert d1 and d1 == d2
    m = [json.loads((tmp_path / o / "manifest.json").read_text()) for o in ("w1", "w2", "split")]
    assert m[0]["read"] == m[1]["read"] == m[2]["read"] == 2000
    assert m[0]["rejected"] == m[2]["rejected"] and m[0]["rejected"]["by_reason"] == {"malformed_line": 21}
    from datasets import Dataset

    # the uncompressed file is named c.tsv, the gzipped one c.tsv.gz: same rows otherwise
    def rows_of(out):
        rows = [{k: (v.replace("c.tsv.gz", "c.tsv") if isinstance(v, str) else v) for k, v in r.items()}
                for p in sorted((tmp_path / out).rglob("*.arrow")) for r in Dataset.from_file(str(p))]
        return sorted(rows, key=lambda r: r["id"])

    whole, split = rows_of("w1"), rows_of("split")
    assert len(whole) == len(split) == 2000 and whole == split
    assert sorted(r["pair_id"] for r in whole if r.get("pair_id"))[:2] == ["c.tsv:00000001", "c.tsv:00000002"]


def test_an_arrow_file_and_stream_read_batch_by_batch_give_the_same_records(tmp_path):
    import pyarrow as pa

    batches = [pa.RecordBatch.from_pylist([{"src": f"s {k}", "tgt": f"t {k}"} for k in range(j, j + 50)])
               for j in range(0, 150, 50)]
    with pa.OSFile(str(tmp_path / "f.arrow"), "wb") as sink, pa.ipc.new_file(sink, batches[0].schema) as w:
        for b in batches:
            w.write_batch(b)
    with pa.OSFile(str(tmp_path / "s.arrow"), "wb") as sink, pa.ipc.new_stream(sink, batches[0].schema) as w:
        for b in batches:
            w.write_batch(b)
    got = {}
    for name in ("f.arrow", "s.arrow"):
        cfg = InputConfig(format="arrow", path=name, src_lang="en", tgt_lang="de")
        got[name] = [(r.id.split(":")[1], r.src.text, r.tgt.text, r.rejected)
                     for r in read_file((str(tmp_path / name), name), cfg)]
    assert got["f.arrow"] == got["s.arrow"] and len(got["f.arrow"]) == 150
    assert got["f.arrow"][-1] == ("00000150", "s 149", "t 149", False)
    (tmp_path / "cut.arrow").write_bytes((tmp_path / "f.arrow").read_bytes()[:-40])
    cfg = InputConfig(format="arrow", path="cut.arrow", src_lang="en", tgt_lang="de")
    recs = list(read_file((str(tmp_path / "cut.arrow"), "cut.arrow"), cfg))
    assert [r.reject_reason for r in recs] == ["unreadable_file"]


def test_a_file_name_with_glob_characters_is_split_by_its_own_size(tmp_path, monkeypatch):
    monkeypatch.setattr(splits, "MIN_SPLIT_BYTES", 1)
    path = tmp_path / "c[1].tsv"
    path.write_bytes(b"".join(b"s %d\tt %d\n" % (k, k) for k in range(100)))
    cfg = _cfg("tsv", str(path))
    blocks = splits.plan_blocks([(str(path), path.name)], 100)
    assert blocks[-1].end == path.stat().st_size and len(blocks) > 5
    assert list(splits.read_split([(str(path), path.name)], cfg, split_bytes=100)) == \
        list(read_file((str(path), path.name), cfg))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(src=st.lists(_line, min_size=0, max_size=25), tgt=st.lists(_line, min_size=0, max_size=25),
       same=st.booleans(), end=st.sampled_from([b"\n", b"\r\n"]), final=st.tuples(st.booleans(), st.booleans()),
       bom=st.tuples(st.booleans(), st.booleans()), split=st.integers(1, 150))
def test_moses_blocks_give_the_whole_pair_records(tmp_path_factory, monkeypatch, src, tgt, same, end, final, bom,
                                                  split):
    monkeypatch.setattr(splits, "MIN_SPLIT_BYTES", 1)
    if same:  # line-parallel, as check_input wants; otherwise the surplus lines are line_count_mismatch rejects
        tgt = (tgt + src)[: len(src)]
    d = tmp_path_factory.mktemp("m")
    paths = []
    for lang, lines, fin, b in (("en", src, final[0], bom[0]), ("de", tgt, final[1], bom[1])):
        path = d / f"p.{lang}"
        path.write_bytes((b"\xef\xbb\xbf" if b else b"") + end.join(lines) + (end if fin and lines else b""))
        paths.append(str(path))
    cfg = InputConfig(format="moses", src_path=paths[0], tgt_path=paths[1], src_lang="en", tgt_lang="de")
    whole = list(read_file(tuple(paths), cfg))
    blocks = splits.plan_moses(tuple(paths), split)
    size = pathlib.Path(paths[0]).stat().st_size
    # the blocks tile both files, in order, and the source really was cut
    for lo, hi in (("start", "end"), ("tgt_start", "tgt_end")):
        spans = [(getattr(b, lo), getattr(b, hi)) for b in blocks]
        assert spans[0][0] == 0 and all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
    assert blocks[-1].end == size
    # a cut every ``split`` source bytes, at the next line start; the same line in the target file
    body, other = (pathlib.Path(p).read_bytes() for p in paths)
    starts = [i + 1 for i, c in enumerate(body) if c == 10 and i + 1 < size]
    assert [b.start for b in blocks[1:]] == sorted({min(t for t in starts if t >= c)
                                                    for c in range(split, size, split) if starts and starts[-1] >= c})
    newlines = [i for i, c in enumerate(other) if c == 10]
    for b in blocks[1:]:
        assert b.line == 1 + body[:b.start].count(b"\n")
        assert b.tgt_start == (newlines[b.line - 2] + 1 if len(newlines) >= b.line - 1 else len(other))
    got = list(splits.read_split([tuple(paths)], cfg, split_bytes=split))
    assert [r.id for r in got] == [r.id for r in whole]
    assert got == whole


@pytest.mark.slow
def test_moses_job_bytes_do_not_depend_on_split_or_workers(tmp_path, monkeypatch):
    """1,500 line pairs: the pair read whole (one block) and read by many
    line ranges on 1 and 2 workers give the same shards byte for byte."""
    from cs_synth.beam_jobs.synth import run_job

    (tmp_path / "c.en").write_text("".join(f"Größe {k} café\n" if k % 89 else "\n" for k in range(1500)),
                                   encoding="utf-8")
    (tmp_path / "c.de").write_text("".join(f"naïve Straße {k}\r\n" for k in range(1500)), encoding="utf-8")

    def cfg():
        return parse_config({"input": {"format": "moses", "src_path": "c.en", "tgt_path": "c.de",
                                       "src_lang": "en", "tgt_lang": "de"},
                             "align": None, "annotate": {"backend": "none"},
                             "transform": [{"recipe": "translit", "options": {"backend": "icu",
                                                                                "transform_id": "Latin-ASCII"}}],
                             "seed": 0}, base_dir=str(tmp_path))

    run_job(cfg(), str(tmp_path / "whole"), workers=1)
    monkeypatch.setattr(splits, "MIN_SPLIT_BYTES", 1)
    monkeypatch.setattr(splits, "SPLIT_BYTES", 2000)
    assert len(splits.plan_moses((str(tmp_path / "c.en"), str(tmp_path / "c.de")))) > 10
    run_job(cfg(), str(tmp_path / "w1"), workers=1)
    run_job(cfg(), str(tmp_path / "w2"), workers=2)
    d = [_digests(tmp_path / o) for o in ("whole", "w1", "w2")]
    assert d[0] and d[0] == d[1] == d[2]
    m = [json.loads((tmp_path / o / "manifest.json").read_text()) for o in ("whole", "w2")]
    assert m[0]["read"] == m[1]["read"] == 1500
    assert m[0]["rejected"]["by_reason"]["empty_side"] == 17 and m[0]["rejected"] == m[1]["rejected"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_line, min_size=0, max_size=30), size=st.integers(1, 9), window=st.integers(1, 9),
       data=st.data())
def test_moses_plan_scans_find_line_starts_across_read_chunks(tmp_path_factory, lines, size, window, data):
    """The planning scans read the file in ``size``-byte chunks: a cut's
    line and a line's offset do not depend on where a chunk ends."""
    body = b"\n".join(lines) + data.draw(st.sampled_from([b"", b"\n"]))
    path = tmp_path_factory.mktemp("o") / "f"
    path.write_bytes(body)
    starts = [i + 1 for i, c in enumerate(body) if c == 10]
    cuts = sorted(set(data.draw(st.lists(st.integers(1, max(1, len(body) + 2)), max_size=6))))
    want = []
    for c in cuts:
        t = [s for s in starts if s >= c]
        if t and (not want or want[-1][1] != t[0]):
            want.append((1 + body[: t[0]].count(b"\n"), t[0]))
    assert splits._cut_lines(str(path), cuts, size=size) == want
    nums = sorted(set(data.draw(st.lists(st.integers(2, len(starts) + 3), max_size=6))))
    assert splits._line_offsets(str(path), nums, size=size, window=window) == \
        [starts[n - 2] if n - 2 < len(starts) else len(body) for n in nums]
