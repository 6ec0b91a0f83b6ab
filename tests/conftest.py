"""Shared fixtures.  ``SHARED`` is the read-only ../shared folder beside the
repository (gold alignments, eWAVE, multi30k); tests read it, never copy it."""
import os
import pathlib

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent
SHARED = pathlib.Path(os.environ.get("CS_SYNTH_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> pathlib.Path:
    if not SHARED.exists():
        pytest.skip(f"shared data not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def repo_dir() -> pathlib.Path:
    return REPO
