"""Report on small output folders written in the test: one with pyarrow
directly (a minimal column set, as an older writer would leave), one with
the pipeline's own shard writer."""
import argparse
import json
import math

import pyarrow as pa
import pytest

from cs_synth.pipeline import report
from cs_synth.pipeline.record import Record, Side

SCORES = pa.struct([("cmi", pa.float64()), ("switch_points", pa.float64()), ("cs_ratio", pa.float64()),
                    ("perplexity", pa.float64())])
SCHEMA = pa.schema([("id", pa.string()), ("recipe", pa.string()), ("src_lang", pa.string()),
                    ("tgt_lang", pa.string()), ("scores", SCORES), ("reject_reason", pa.string())])


def write_stream(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_stream(sink, SCHEMA) as w:
        w.write_batch(pa.RecordBatch.from_pylist(rows, schema=SCHEMA))


def row(i, recipe, src, tgt, cmi=None, sp=None, cs=None, ppl=None, reason=None):
    return {"id": f"r{i}", "recipe": recipe, "src_lang": src, "tgt_lang": tgt, "reject_reason": reason,
            "scores": {"cmi": cmi, "switch_points": sp, "cs_ratio": cs, "perplexity": ppl}}


@pytest.fixture
def out_dir(tmp_path):
    d = tmp_path / "out"
    write_stream(d / "data" / "train-00000-of-00002.arrow", [
        row(1, "entity", "en", "hi", cmi=0.0, sp=0, cs=0.0),
        row(2, "entity", "en", "hi", cmi=25.0, sp=1, cs=0.25),
        row(3, "word", "en", "fr", cmi=50.0, sp=2, cs=0.5, ppl=math.inf),
    ])
    write_stream(d / "data" / "train-00001-of-00002.arrow", [
        row(4, "word", "en", "fr", cmi=50.0, sp=2, cs=0.5),
        row(5, "entity", "en", "es", cmi=40.0, sp=3, cs=0.4),
        row(6, "entity", "en", "hi"),  # no scores at all
    ])
    write_stream(d / "rejected" / "rejected-00000-of-00001.arrow", [
        row(7, "", "en", "hi", reason="empty_side"),
        row(8, "entity", "en", "hi", sp=0, reason="switch_points_below_min"),
        row(9, "entity", "en", "hi", sp=0, reason="switch_points_below_min"),
        row(10, "word", "en", "fr", reason="duplicate"),
    ])
    (d / "manifest.json").write_text(json.dumps({
        "version": "0.1.0", "config_hash": "abc", "read": 9, "pairs_with_output": 6,
        "rejected": {"total": 3, "by_reason": {"empty_side": 1, "switch_points_below_min": 2}},
        "written": 6, "accounting_ok": True}))
    return d


def test_summary_numbers(out_dir):
    path = report.write_report(str(out_dir))
    assert path == str(out_dir / "report" / "index.html")
    s = json.loads((out_dir / "report" / "summary.json").read_text())
    assert s["kept"]["records"] == 6 and s["kept"]["shards"] == 2
    assert s["kept"]["by_recipe"] == {"entity": 4, "word": 2}
    assert s["kept"]["by_language_pair"] == {"en-hi": 3, "en-fr": 2, "en-es": 1}
    assert s["rejected"]["records"] == 4
    assert s["rejected"]["by_reason"] == {"switch_points_below_min": 2, "duplicate": 1, "empty_side": 1}
    assert s["rejected"]["by_recipe"] == {"entity": 2, "(no recipe)": 1, "word": 1}
    assert s["rejected"]["by_stage"] == {"(none)": 4}  # column missing -> counted as empty
    cmi = s["scores"]["cmi"]
    # cmi values 0, 25, 50, 50, 40 (one record has none): mean 33, population std sqrt(394)
    assert cmi["count"] == 5 and cmi["mean"] == pytest.approx(33.0)
    assert cmi["std"] == pytest.approx(math.sqrt(((33) ** 2 + 8 ** 2 + 17 ** 2 * 2 + 7 ** 2) / 5))
    assert (cmi["min"], cmi["median"], cmi["max"], cmi["p25"], cmi["p75"]) == (0.0, 40.0, 50.0, 25.0, 50.0)
    # switch points 0,1,2,2,3 in integer bins 0..3
    assert s["histograms"]["switch_points"] == {"edges": [-0.5, 0.5, 1.5, 2.5, 3.5], "counts": [1, 1, 2, 1]}
    # cmi bins of 5: 0 -> [0,5), 25 -> [25,30), 40 -> [40,45), 50 -> [50,55)
    counts = s["histograms"]["cmi"]["counts"]
    assert counts[0] == 1 and counts[5] == 1 and counts[8] == 1 and counts[10] == 2 and sum(counts) == 5
    # cs_ratio: 1.0 would fall in the last (closed) bin; here 0.5 x2 -> bin 10
    assert s["histograms"]["cs_ratio"]["counts"][10] == 2
    # an infinite perplexity stays readable in strict JSON
    assert s["scores"]["perplexity"]["max"] == "inf" and s["scores"]["perplexity"]["count"] == 1
    assert s["manifest"]["read"] == 9 and s["manifest"]["accounting_ok"] is True
    assert s["figures"] == ["cmi_hist.png", "switch_points_hist.png", "cs_ratio_hist.png", "recipes.png",
                            "language_pairs.png", "reject_reasons.png"]


def test_pngs_and_html(out_dir):
    report.write_report(str(out_dir))
    rdir = out_dir / "report"
    html = (rdir / "index.html").read_text()
    for name in ["cmi_hist.png", "switch_points_hist.png", "cs_ratio_hist.png", "recipes.png",
                 "language_pairs.png", "reject_reasons.png"]:
        data = (rdir / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000, name
        assert f"src='{name}'" in html
    assert "<td>switch_points_below_min</td><td>2</td>" in html
    assert "<td>pairs read</td><td>9</td>" in html


def test_empty_output_folder(tmp_path):
    (tmp_path / "data").mkdir()
    path = report.write_report(str(tmp_path))
    s = json.loads((tmp_path / "report" / "summary.json").read_text())
    assert s["kept"]["records"] == 0 and s["rejected"]["records"] == 0 and s["scores"] == {}
    assert "manifest" not in s
    assert (tmp_path / "report" / "cmi_hist.png").exists() and path.endswith("index.html")


def test_unreadable_shard_is_reported_not_fatal(out_dir):
    (out_dir / "data" / "train-00009-of-00010.arrow").write_bytes(b"not arrow")
    report.write_report(str(out_dir))
    s = json.loads((out_dir / "report" / "summary.json").read_text())
    assert s["kept"]["records"] == 6
    assert len(s["unreadable_shards"]) == 1 and s["unreadable_shards"][0].startswith("train-00009-of-00010.arrow")


def test_cli_module(out_dir, capsys, tmp_path):
    parser = argparse.ArgumentParser()
    report.add_arguments(parser)
    assert report.run(parser.parse_args([str(out_dir)])) == 0
    out = capsys.readouterr().out
    assert "kept 6 records, rejected 4" in out
    assert "switch_points  mean 1.600  std 1.020  median 2.000" in out  # var = 5.2 / 5
    assert f"report: {out_dir}/report/index.html" in out
    assert report.run(parser.parse_args([str(tmp_path / "missing")])) == 2
    assert "output folder not found" in capsys.readouterr().out


def test_with_the_pipeline_writer(tmp_path):
    """The real shard layout and schema from cs_synth.pipeline.write."""
    writer = pytest.importorskip("cs_synth.pipeline.write.arrow_writer")
    recs = []
    cases = [(("en", "hi"), 1.0), (("en", "en"), 0.0), (("hi", "en", "hi"), 2.0), (("fr", "zxx", "en"), 1.0)]
    for i, (langs, sp) in enumerate(cases):
        toks = tuple(f"w{k}" for k in range(len(langs)))
        recs.append(Record(id=f"p{i}", src=Side(text="x", lang="en"), tgt=Side(text="y", lang="hi"),
                           recipe="entity", tokens=toks, langs=langs, text=" ".join(toks),
                           scores={"switch_points": sp, "cmi": 50.0 if sp else 0.0}))
    writer.write_shard(str(tmp_path), writer.DATA_DIR, 0, 1, recs[:2] + recs[3:], {})
    writer.write_shard(str(tmp_path), writer.REJECTED_DIR, 0, 1,
                       [recs[2].reject("near_duplicate", "p0", stage="dedup")], {})
    report.write_report(str(tmp_path))
    s = json.loads((tmp_path / "report" / "summary.json").read_text())
    # the pair names the language the output switched into (fr), not only the input's target (hi);
    # an output that switched nothing falls back to the input pair
    assert s["kept"]["by_language_pair"] == {"en-hi": 2, "en-fr": 1}
    assert s["rejected"]["by_reason"] == {"near_duplicate": 1}
    assert s["rejected"]["by_stage"] == {"dedup": 1}
    assert s["scores"]["switch_points"]["mean"] == pytest.approx(2 / 3)
