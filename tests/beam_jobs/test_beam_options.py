"""Leftover command-line flags are checked against Beam's option parser."""
import pytest

from cs_synth.beam_jobs.synth import beam_options, run_job
from cs_synth.pipeline.config import parse_config
from cs_synth.pipeline.units import ConfigError


def test_a_misspelt_flag_stops_the_run_before_any_output(tmp_path):
    data = tmp_path / "c.txt"
    data.write_text("a b\n", encoding="utf-8")
    cfg = parse_config({"input": {"format": "text", "path": str(data), "src_lang": "en"}, "align": None},
                       base_dir=str(tmp_path))
    with pytest.raises(ConfigError, match=r"unknown command-line option\(s\): --workrs"):
        run_job(cfg, str(tmp_path / "out"), beam_args=["--workrs", "2"])
    assert not (tmp_path / "out").exists()


def test_real_beam_flags_pass():
    opts = beam_options(["--runner=FnApiRunner", "--direct_num_workers=2", "--job_name=x"])
    assert opts.get_all_options()["job_name"] == "x"
