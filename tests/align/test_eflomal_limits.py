"""Issue 16, small items: eflomal's sentence limit is a ``too_long`` reject
that names it, and a seed file eflomal cannot read is an error, never a
silent clock-seeded (irreproducible) alignment."""
import pytest

from cs_synth.pipeline.align import eflomal_aligner
from cs_synth.pipeline.align.eflomal_aligner import MAX_EFLOMAL_TOKENS, EflomalAligner
from cs_synth.pipeline.config import parse_config
from cs_synth.pipeline.record import Record, Side
from cs_synth.pipeline.stages import AlignStage


def _pair(rid, n_src, n_tgt):
    s = tuple(f"w{k}" for k in range(n_src))
    t = tuple(f"p{k}" for k in range(n_tgt))
    return Record(id=rid, src=Side(text=" ".join(s), lang="en", tokens=s, spaces=(True,) * n_src),
                  tgt=Side(text=" ".join(t), lang="es", tokens=t, spaces=(True,) * n_tgt))


def test_a_pair_over_eflomals_limit_is_too_long_with_an_accurate_message(tmp_path):
    cfg = parse_config({"input": {"format": "tsv", "path": "x.tsv", "src_lang": "en", "tgt_lang": "es"},
                        "annotate": {"max_tokens": 5000}, "align": {"backend": "eflomal"}}, base_dir=str(tmp_path))
    stage = AlignStage(cfg)
    where, out = stage.check(_pair("a", MAX_EFLOMAL_TOKENS + 77, 12))
    assert out.reject_reason == "too_long" and out.reject_stage == "align"
    assert f"{MAX_EFLOMAL_TOKENS + 77} source" in out.reject_detail and "eflomal" in out.reject_detail
    assert f"at most {MAX_EFLOMAL_TOKENS} tokens per side" in out.reject_detail
    assert "configure" not in out.reject_detail
    where, ok = stage.check(_pair("b", MAX_EFLOMAL_TOKENS, 12))
    assert not ok.rejected


def test_an_unreadable_seed_file_is_an_error_not_a_clock_fallback(monkeypatch):
    pairs = [(("the", "dog"), ("el", "perro")), (("a", "cat"), ("un", "gato"))] * 5
    links = EflomalAligner(deterministic=True).align_pairs(pairs)
    assert len(links) == len(pairs)  # the seeded binary runs
    # the binary looks for ./eflomal.seed; write the seed under another name
    monkeypatch.setattr(eflomal_aligner, "_SEED_FILE", "not-the-seed-file")
    with pytest.raises(RuntimeError, match="could not read its seed file .* fell back to the clock"):
        EflomalAligner(deterministic=True).align_pairs(pairs)


def test_binary_copies_of_dead_processes_are_swept_and_a_removed_copy_is_rebuilt(tmp_path, monkeypatch):
    import os
    import shutil
    import subprocess
    import sys
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True).stdout)
    (tmp_path / f"cs-synth-eflomal-bin-{dead}-abc").mkdir()
    (tmp_path / f"cs-synth-eflomal-bin-{dead}-abc" / "eflomal").write_bytes(b"left by a kill -9")
    eflomal_aligner._seeded_binary.cache_clear()
    path = eflomal_aligner.seeded_binary()
    assert path.startswith(str(tmp_path)) and os.path.exists(path)
    assert not (tmp_path / f"cs-synth-eflomal-bin-{dead}-abc").exists()
    shutil.rmtree(os.path.dirname(path))  # e.g. a run's temp folder removed at its end
    again = eflomal_aligner.seeded_binary()
    assert os.path.exists(again) and again != path
    eflomal_aligner._seeded_binary.cache_clear()
