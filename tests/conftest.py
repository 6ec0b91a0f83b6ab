"""Shared fixtures.  ``SHARED`` is the read-only ../shared folder beside the
repository (gold alignments, eWAVE, multi30k); tests read it, never copy it.

``CS_SYNTH_SHARED`` points elsewhere.  When the folder is missing, tests that
need it skip on a workstation, but under ``CI=true`` (any of true/1/yes) they
fail: a CI run that silently skipped the gold-data tests would look green
while testing much less."""
import os
import pathlib

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent
SHARED = pathlib.Path(os.environ.get("CS_SYNTH_SHARED", REPO.parent / "shared"))


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


@pytest.fixture(scope="session")
def shared_dir() -> pathlib.Path:
    if not SHARED.is_dir():
        message = f"shared data not found at {SHARED} (set CS_SYNTH_SHARED to the shared data folder)"
        if in_ci():
            pytest.fail(f"{message}; CI=true, so this is a failure, not a skip", pytrace=False)
        pytest.skip(message)
    return SHARED


@pytest.fixture(scope="session")
def repo_dir() -> pathlib.Path:
    return REPO
