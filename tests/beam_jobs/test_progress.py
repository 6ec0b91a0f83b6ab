"""Live progress of a local run: per-stage counts from Beam's metrics,
printed while the job runs (a short interval here), and a last line whose
pair counts add up (read == kept + rejected)."""
import re

import pytest
import yaml

from cs_synth.beam_jobs.cli import main
from cs_synth.beam_jobs.common import progress_line

LINE = re.compile(r"^\[cs-synth\] \d+s read (\d+)(?: \(of ~(\d+)\))? \| annotated (\d+) \| (?:aligned (\d+) \| )?"
                  r"transformed (\d+) \| kept (\d+) \| rejected (\d+)(?: \(([^)]*)\))?(?: \| ETA ~\d+s)?( \(done\))?$")


def _corpus(tmp_path, n=400):
    lines = []
    for i in range(n):
        if i % 10 == 3:
            lines.append(f"\tla casa {i}")  # empty source: rejected at read
        else:
            lines.append(f"I love my dog number {i}\tAmo a mi perro numero {i}")
    (tmp_path / "c.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "d.tsv").write_text("dog\tperro\nlove\tamo\n", encoding="utf-8")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(yaml.safe_dump({"input": {"format": "tsv", "path": "c.tsv", "src_lang": "en", "tgt_lang": "es"},
                                   "align": None,
                                   "transform": [{"recipe": "word", "options": {"dictionaries": {"es": "d.tsv"},
                                                                                 "probability": 1.0}}]}))
    return cfg, n


def _parse(err):
    rows = []
    for line in err.splitlines():
        if line.startswith("[cs-synth] ") and re.match(r"^\[cs-synth\] \d+s read", line):
            m = LINE.match(line)
            assert m, line
            rows.append(m)
    return rows


@pytest.mark.parametrize("workers", [1, 2])
def test_progress_lines_appear_and_add_up(tmp_path, capsys, workers):
    cfg, n = _corpus(tmp_path)
    rc = main(["run", str(cfg), "--output", str(tmp_path / "out"), "--no-report", "--progress-every", "0.05",
               "--workers", str(workers)])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    rows = _parse(captured.err)
    assert len(rows) >= 2, captured.err  # at least one while running, and the last one
    last = rows[-1]
    assert last.group(9) == " (done)" and all(r.group(9) is None for r in rows[:-1])
    read, total, kept, rejected = int(last.group(1)), int(last.group(2)), int(last.group(6)), int(last.group(7))
    assert read == total == n
    assert read == kept + rejected and kept > 0 and rejected > 0
    by_reason = dict((k, int(v)) for k, v in (p.rsplit(" ", 1) for p in last.group(8).split(", ")))
    assert sum(by_reason.values()) == rejected
    # the same numbers as the manifest's accounting
    assert f"read {n} pairs" in captured.out
    assert f"pairs with output: {kept}" in captured.out and f"pairs rejected:    {rejected}" in captured.out
    # counts never go down from one line to the next
    for a, b in zip(rows, rows[1:]):
        assert int(b.group(1)) >= int(a.group(1)) and int(b.group(6)) >= int(a.group(6))


def test_quiet_and_zero_print_no_progress(tmp_path, capsys):
    cfg, _ = _corpus(tmp_path, 20)
    for flags, out in ((["--quiet"], "o1"), (["--progress-every", "0"], "o2")):
        assert main(["run", str(cfg), "--output", str(tmp_path / out), "--no-report", *flags]) == 0
        assert _parse(capsys.readouterr().err) == []
    assert main(["run", str(cfg), "--output", str(tmp_path / "o3"), "--progress-every", "-1"]) == 2
    assert "--progress-every: -1.0 is negative" in capsys.readouterr().err


def test_progress_line_and_eta():
    line = progress_line({"read": 50, "annotated": 40, "candidates_kept": 30, "pairs_kept": 20,
                          "pairs_rejected_empty_side": 5, "pairs_rejected_no_candidates": 7}, 10.0, total=100)
    assert line.startswith("[cs-synth] 10s read 50 (of ~100) | annotated 40 | transformed 30 | kept 20 | "
                           "rejected 12 (no_candidates 7, empty_side 5) | ETA ~")
    eta = int(line.rsplit("ETA ~", 1)[1].rstrip("s"))
    assert eta > 10  # 32 of 100 pairs settled in 10 s
    assert "ETA" not in progress_line({"read": 5}, 3.0)  # no input size: no ETA
    assert "aligned 7" in progress_line({"align_given": 3, "align_aligned": 4}, 1.0)
