"""The base install is what an eflomal + rules job needs: with torch,
transformers, simalign, stanza, onnx and matplotlib unimportable, the CLI
runs an eflomal + gazetteer + entity-lexicon recipe to the end (the report
step says matplotlib is missing instead of failing the run)."""
import json
import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent
BLOCKED = ("torch", "transformers", "simalign", "stanza", "onnx", "onnxruntime", "matplotlib")

SCRIPT = r"""
import importlib.abc, sys
BLOCKED = set(sys.argv[1].split(","))

class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (blocked: not in the base install)")
        return None

sys.meta_path.insert(0, Refuse())
from cs_synth.beam_jobs.cli import main
rc = main(["run", sys.argv[2], "--output", sys.argv[3]])
loaded = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
print("LOADED", loaded)
sys.exit(rc)
"""


@pytest.mark.slow
def test_an_eflomal_and_rules_job_runs_without_the_heavy_extras(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-c", SCRIPT, ",".join(BLOCKED),
                           str(REPO / "samples" / "recipes" / "en-hi-entity.yaml"), str(out)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "LOADED []" in proc.stdout
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["accounting_ok"] and manifest["written"] > 0
    assert manifest["config"]["align"]["backend"] == "eflomal"
    # the resource files the units read, by hash, relative to the config folder
    import hashlib

    lexicon = (REPO / "samples" / "lexicons" / "entities.tsv").read_bytes()
    assert manifest["resources"] == [{"path": "../lexicons/entities.tsv", "bytes": len(lexicon), "carried": True,
                                      "sha256": hashlib.sha256(lexicon).hexdigest()}]
    assert "report: not written: report: the plots need matplotlib" in proc.stderr


def _setup_kwargs(monkeypatch) -> dict:
    """What setup.py passes to ``setuptools.setup`` (run with setup patched)."""
    import runpy

    import setuptools

    seen = {}
    monkeypatch.setattr(setuptools, "setup", lambda **kw: seen.update(kw))
    runpy.run_path(str(REPO / "setup.py"), run_name="__main__")
    return seen


def _names(reqs):
    import re

    return {re.split(r"[<>=\[ ;]", r, maxsplit=1)[0].lower() for r in reqs}


def test_the_base_install_pulls_no_torch_and_all_has_everything_ci_needs(monkeypatch):
    kw = _setup_kwargs(monkeypatch)
    base, extras = kw["install_requires"], kw["extras_require"]
    assert not _names(base) & {"torch", "transformers", "simalign", "stanza", "matplotlib", "onnx", "onnxruntime"}
    # the project's declared dependencies stay listed, in the base install or in [all] (which CI installs)
    assert {"spacy", "stanza", "simalign", "datasets", "apache-beam", "transformers", "pyarrow", "torch",
            "matplotlib", "eflomal", "boto3"} <= _names(base) | _names(extras["all"])
    for k in ("simalign", "stanza", "report", "onnx", "models", "aws"):
        assert set(extras[k]) <= set(extras["all"]), k
