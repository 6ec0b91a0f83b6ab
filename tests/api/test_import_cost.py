"""augment() latency work (issue 17): spaCy imported without torch where no
unit needs it, and the dialect transform's parse cache."""
import json
import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

CHILD = r"""
import json, sys
from cs_synth.pipeline import augment
out = augment("My sister works as a nurse in Leeds .", src_lang="en", recipe="word", pretokenized=True,
              dictionaries={"es": sys.argv[1]}, probability=0.5)
import thinc.compat
state = {"torch_loaded": "torch" in sys.modules, "thinc_has_torch": thinc.compat.has_torch,
         "text": [r.text for r in out]}
try:
    import torch  # a unit that needs torch still gets it
    state["torch_after"] = torch.tensor([1, 2]).sum().item() == 3
except ImportError:
    state["torch_after"] = None
print(json.dumps(state))
"""


def _child(env_extra):
    env = {k: v for k, v in os.environ.items() if k != "CS_SYNTH_SPACY_TORCH"}
    env.update(env_extra)
    lex = os.path.join(REPO, "samples", "lexicons", "en-es.tsv")
    proc = subprocess.run([sys.executable, "-c", CHILD, lex], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_augment_does_not_import_torch_and_torch_still_imports_later():
    torch_installed = _child({"CS_SYNTH_SPACY_TORCH": "1"})["thinc_has_torch"]
    plain = _child({})
    assert plain["torch_loaded"] is False
    assert plain["thinc_has_torch"] is False
    if torch_installed:
        assert plain["torch_after"] is True


def test_env_brings_torch_back_and_outputs_do_not_depend_on_it():
    plain = _child({})
    with_torch = _child({"CS_SYNTH_SPACY_TORCH": "1"})
    pytest.importorskip("torch")
    assert with_torch["thinc_has_torch"] is True
    assert with_torch["torch_loaded"] is True
    assert with_torch["text"] == plain["text"]


def test_spacy_needs_torch_reads_env(monkeypatch):
    from cs_synth.pipeline import units

    monkeypatch.setenv("CS_SYNTH_SPACY_TORCH", "1")
    assert units.spacy_needs_torch() is True
    monkeypatch.setenv("CS_SYNTH_SPACY_TORCH", "0")
    # false unless a spaCy torch plugin is installed
    from importlib import metadata

    def installed(d):
        try:
            metadata.distribution(d)
            return True
        except metadata.PackageNotFoundError:
            return False

    assert units.spacy_needs_torch() is any(installed(d) for d in units.SPACY_TORCH_PLUGINS)


def _dialect(sentence, k):
    from cs_synth.pipeline import augment

    return [(r.text, r.edits, r.rejected) for r in
            augment(sentence, src_lang="en", recipe="dialect", features=[158, 77, 154], record_id=f"t:{k:04d}")]


def test_dialect_parse_cache_gives_the_uncached_records():
    from cs_synth.transforms.dialect import transform

    sents = ["He doesn't like me.", "She doesn't know where they went .", "They don't want it."]
    cached = [_dialect(s, k) for k in range(3) for s in sents]
    assert len(transform._PARSES) >= len(sents)
    fresh = []
    for k in range(3):
        for s in sents:
            transform._PARSES.clear()
            fresh.append(_dialect(s, k))
    assert cached == fresh


def test_dialect_parse_cache_is_bounded(monkeypatch):
    from cs_synth.transforms.dialect import transform

    monkeypatch.setattr(transform, "_PARSES_MAX", 2)
    transform._PARSES.clear()
    for k, s in enumerate(["He doesn't like me.", "She doesn't like him.", "They don't like us.",
                           "We don't like them."]):
        _dialect(s, k)
    assert len(transform._PARSES) == 2
