"""Issue 16: a corrupt cached ONNX encoder is found by its sha256 and
exported again, instead of making every later run crash mid-alignment."""
import os

import pytest

from cs_synth.pipeline.align.simalign_aligner import _onnx_entry_ok, export_encoder_onnx


def test_a_corrupt_or_unhashed_cache_entry_is_rebuilt(tiny_bert, tmp_path):
    pytest.importorskip("onnx")  # torch.onnx.export needs it (the [onnx] extra)
    path = export_encoder_onnx(tiny_bert, 2, cache_dir=str(tmp_path))
    good = open(path, "rb").read()
    assert _onnx_entry_ok(path) and open(path + ".sha256").read().strip()
    with open(path, "r+b") as fh:  # corrupt it in place (a disk error, a killed copy)
        fh.seek(len(good) // 2)
        fh.write(b"\x00" * 64)
    assert not _onnx_entry_ok(path)
    again = export_encoder_onnx(tiny_bert, 2, cache_dir=str(tmp_path))
    assert again == path and _onnx_entry_ok(path) and len(open(path, "rb").read()) == len(good)
    os.remove(path + ".sha256")  # a half-written entry: the graph without its hash
    assert export_encoder_onnx(tiny_bert, 2, cache_dir=str(tmp_path)) == path and _onnx_entry_ok(path)
