"""``cs-synth dialect-features``."""
import argparse
import json

from cs_synth.transforms.dialect import cli
from cs_synth.transforms.dialect.features import all_rules


def run(capsys, *argv):
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    rc = cli.run(parser.parse_args(list(argv)))
    return rc, capsys.readouterr().out.splitlines()


def test_lists_every_implemented_feature_with_its_name(capsys):
    rc, lines = run(capsys)
    assert rc == 0
    rules = all_rules()
    assert len(lines) == len(rules) + 1
    assert lines[-1] == f"{len(rules)} of {len(rules)} implemented eWAVE features shown"
    assert "154  negation         Multiple negation / negative concord" in lines
    assert [int(line.split()[0]) for line in lines[:-1]] == sorted(rules)


def test_json_and_area_filter(capsys):
    rc, lines = run(capsys, "--json", "--area", "questions")
    rows = [json.loads(line) for line in lines]
    assert rc == 0 and [r["id"] for r in rows] == [227, 228, 229]
    assert rows[1] == {"id": 228, "area": "questions", "name": "No inversion/no auxiliaries in wh-questions",
                       "unit": "ewave.f228.v1"}


def test_variety_profile_with_catalogue_check(capsys, ewave_dir):
    rc, lines = run(capsys, "--json", "--ewave", str(ewave_dir), "--dialect", "AppE")
    rows = [json.loads(line) for line in lines]
    assert rc == 0 and rows
    assert all(r["catalogue_name_matches"] for r in rows)
    by_id = {r["id"]: r["probability"] for r in rows}
    assert by_id[154] == 1.0 and by_id[121] == 0.6 and 90 not in by_id


def test_bad_area_and_bad_dialect(capsys):
    rc, lines = run(capsys, "--area", "phonology")
    assert rc == 2 and "unknown area 'phonology'" in lines[0]
    rc, lines = run(capsys, "--dialect", "AppE")
    assert rc == 2 and "ewave_path" in lines[0]


def test_variety_flag_lists_the_union_profile(capsys, ewave_dir):
    import csv

    rc, lines = run(capsys, "--json", "--ewave", str(ewave_dir), "--variety", "MultiDialect")
    rows = {json.loads(line)["id"]: json.loads(line)["probability"] for line in lines}
    best = {}
    with open(ewave_dir / "ewave.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            p = {"A": 1.0, "B": 0.6, "C": 0.3}.get(row["attestation"], 0.0)
            fid = int(row["parameter_pk"])
            best[fid] = max(best.get(fid, 0.0), p)
    expected = {fid: p for fid, p in best.items() if p > 0 and fid in all_rules()}
    assert rc == 0 and rows == expected


def test_variety_flag_is_the_dialect_option_and_reports_unimplemented(capsys, ewave_dir):
    rc, lines = run(capsys, "--ewave", str(ewave_dir), "--variety", "CollSgE")
    assert rc == 0
    assert lines[-2].endswith("implemented eWAVE features shown")
    assert lines[-1].startswith("attested (A/B/C) in the table but not implemented: ")
    shown = [int(line.split()[0]) for line in lines[:-2]]
    assert 166 in shown and 195 in shown  # CollSgE rates 'can or not?' and postposed 'one' A
