import json
import pathlib

import yaml

from cs_synth.beam_jobs.cli import main

REPO = pathlib.Path(__file__).resolve().parents[1]


def test_augment_prints_json(capsys):
    rc = main(["augment", "--src", "I love my dog", "--tgt", "Yo amo a mi perro", "--src-lang", "en",
               "--tgt-lang", "es", "--recipe", "word", "-O", f"dictionary={REPO}/samples/lexicons/en-es.tsv",
               "-O", "probability=1.0"])
    rows = json.loads(capsys.readouterr().out)
    assert rc == 0 and rows[0]["recipe"] == "word"
    assert "es" in rows[0]["langs"] and rows[0]["edits"][0]["unit"] == "word_swap.v1"
    assert rows[0]["text"] != "I love my dog"


def test_run_bad_config_fails_at_once_naming_field(tmp_path, capsys):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(yaml.safe_dump({"input": {"format": "tsv", "path": "x.tsv", "src_lang": "en", "tgt_lang": "es"},
                                   "align": None, "transform": [{"recipe": "word", "options": {"probablity": 1}}]}))
    rc = main(["run", str(cfg), "--output", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert rc == 2 and "transform.0.options.probablity: unknown option" in err
    assert not (tmp_path / "out").exists()


def test_run_missing_input_file(tmp_path, capsys):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(yaml.safe_dump({"input": {"format": "tsv", "path": "nope.tsv", "src_lang": "en",
                                             "tgt_lang": "es"}, "align": None}))
    assert main(["run", str(cfg), "--output", str(tmp_path / "out")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_run_prints_summary_and_writes_output(tmp_path, capsys):
    (tmp_path / "m.txt").write_text("She is happy.\nHe don't know.\n\n", encoding="utf-8")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(yaml.safe_dump({"input": {"format": "text", "path": "m.txt", "src_lang": "en"}, "align": None}))
    rc = main(["run", str(cfg), "--output", str(tmp_path / "out"), "--no-report"])
    out = capsys.readouterr().out
    assert rc == 0 and "read 3 pairs" in out and "empty_side" in out and "-> True" in out
    assert (tmp_path / "out" / "manifest.json").exists()
    # a second run into the same folder needs --overwrite
    assert main(["run", str(cfg), "--output", str(tmp_path / "out")]) == 2
    assert "--overwrite" in capsys.readouterr().err


def test_recipes_lists_every_recipe(capsys):
    from cs_synth.pipeline.registry import recipe_infos

    assert main(["recipes"]) == 0
    out = capsys.readouterr().out
    for name in recipe_infos():
        assert name in out


def test_run_with_an_empty_dictionary_file_stops_before_output(tmp_path, capsys):
    (tmp_path / "c.tsv").write_text("I love my dog\tAmo a mi perro\n")
    (tmp_path / "empty.tsv").write_text("# only a comment\n\n")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(yaml.safe_dump({"input": {"format": "tsv", "path": "c.tsv", "src_lang": "en", "tgt_lang": "es"},
                                   "align": None,
                                   "transform": [{"recipe": "word", "options": {"dictionaries": {"es": "empty.tsv"}}}]}))
    rc = main(["run", str(cfg), "--output", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert rc == 2 and "transform.0" in err and "holds no entries" in err and "empty.tsv" in err
    assert not (tmp_path / "out").exists()


def test_verify_command_and_a_second_run_while_locked(tmp_path, capsys):
    (tmp_path / "m.txt").write_text("She is happy.\n", encoding="utf-8")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(yaml.safe_dump({"input": {"format": "text", "path": "m.txt", "src_lang": "en"}, "align": None}))
    out = tmp_path / "out"
    assert main(["run", str(cfg), "--output", str(out), "--no-report"]) == 0
    capsys.readouterr()
    assert main(["verify", str(out)]) == 0 and "OK (3 files" in capsys.readouterr().out
    from cs_synth.pipeline.write.commit import OutputDir

    holder = OutputDir(str(out)).open(overwrite=True)
    try:
        assert main(["run", str(cfg), "--output", str(out), "--overwrite", "--no-report"]) == 2
        err = capsys.readouterr().err
        assert "is locked by run" in err and "Traceback" not in err
    finally:
        holder.close()
    assert main(["verify", str(out)]) == 0  # the refused run changed nothing


def _text_config(tmp_path):
    (tmp_path / "m.txt").write_text("She is happy.\n", encoding="utf-8")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(yaml.safe_dump({"input": {"format": "text", "path": "m.txt", "src_lang": "en"}, "align": None}))
    return cfg


def test_a_misspelt_flag_is_refused_by_the_cli_without_traceback(tmp_path, capsys):
    rc = main(["run", str(_text_config(tmp_path)), "--output", str(tmp_path / "out"), "--workrs", "2"])
    err = capsys.readouterr().err
    assert rc == 2 and "Traceback" not in err
    assert "unknown command-line option(s): --workrs" in err
    assert not (tmp_path / "out").exists()


def test_a_bare_folder_as_arrow_input_is_a_clean_error(tmp_path, capsys):
    (tmp_path / "shards").mkdir()
    (tmp_path / "shards" / "part-0.arrow").write_bytes(b"")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(yaml.safe_dump({"input": {"format": "arrow", "path": "shards", "src_lang": "en", "tgt_lang": "es"},
                                   "align": None}))
    rc = main(["run", str(cfg), "--output", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert rc == 2 and "Traceback" not in err
    assert "input.path: " in err and "is a folder" in err
    assert "(done)" not in err  # no progress summary for a refused launch
    assert not (tmp_path / "out").exists()


def test_where_the_job_runs_names_the_runner_not_workers():
    from cs_synth.beam_jobs.cli import _where

    assert _where(1, []) == "in-process (FnApiRunner)"
    assert _where(3, []).startswith("with 3 local worker processes")
    for args in (["--runner", "PortableRunner"], ["--runner=DataflowRunner"]):
        where = _where(4, args)
        assert where == f"on {args[-1].split('=')[-1]}" and "worker" not in where


def test_the_run_line_under_another_runner_says_no_worker_count(tmp_path, capsys):
    rc = main(["run", str(_text_config(tmp_path)), "--output", str(tmp_path / "out"), "--no-report",
               "--runner", "DirectRunner", "--workers", "3"])
    err = capsys.readouterr().err
    assert rc == 0
    assert "on DirectRunner" in err and "worker(s)" not in err and "3 local worker" not in err
