"""Helpers for the dialect tests: run the real recipe (factory -> transform)
on one monolingual record with the trained spaCy pipeline."""
import json
import pathlib
import random

import pytest

from cs_synth.pipeline.record import Record, Side
from cs_synth.pipeline.units import Context

HERE = pathlib.Path(__file__).resolve().parent
GOLDEN = HERE / "golden.jsonl"


def load_golden():
    cases = []
    with open(GOLDEN, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                d = json.loads(line)
                cases.append(pytest.param(d["id"], d["in"], d["out"], id=f"f{d['id']}-line{n}"))
    return cases


def make_record(text, rid="t1"):
    return Record(id=rid, src=Side(text=text, lang="en"))


def run_recipe(text, rid="t1", seed=0, **options):
    from cs_synth.transforms.dialect import factory

    unit = factory(Context(), **options)
    return list(unit(make_record(text, rid), random.Random(seed)))


@pytest.fixture(scope="session")
def ewave_dir(shared_dir):
    path = shared_dir / "data" / "ewave"
    if not (path / "ewave.csv").exists():
        import os

        if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
            pytest.fail(f"eWAVE table not found at {path}; CI=true, so this is a failure, not a skip", pytrace=False)
        pytest.skip("eWAVE table not found in shared data")
    return path
