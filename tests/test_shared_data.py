"""A missing shared data folder skips the tests that need it on a
workstation, and fails them under CI=true (tests/conftest.py)."""
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

CONFTEST = pathlib.Path(__file__).resolve().parent / "conftest.py"


def run_pytest(tmp_path: pathlib.Path, shared: pathlib.Path, ci):
    """Run a one-test pytest that asks for ``shared_dir``, with the real
    tests/conftest.py, in a subprocess."""
    shutil.copy(CONFTEST, tmp_path / "conftest.py")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (tmp_path / "test_needs_shared.py").write_text(
        "def test_needs_shared(shared_dir):\n    assert shared_dir.is_dir()\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    env["CS_SYNTH_SHARED"] = str(shared)
    if ci is not None:
        env["CI"] = ci
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", str(tmp_path)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    return proc.returncode, proc.stdout + proc.stderr


@pytest.mark.parametrize("ci", ["true", "1"])
def test_missing_shared_folder_fails_in_ci(tmp_path, ci):
    missing = tmp_path / "no-such-shared"
    rc, out = run_pytest(tmp_path, missing, ci)
    assert rc == 1, out
    assert "1 error" in out and "skipped" not in out, out
    assert f"shared data not found at {missing}" in out and "CI=true" in out, out


@pytest.mark.parametrize("ci", [None, "false"])
def test_missing_shared_folder_skips_outside_ci(tmp_path, ci):
    missing = tmp_path / "no-such-shared"
    rc, out = run_pytest(tmp_path, missing, ci)
    assert rc == 0, out
    assert "1 skipped" in out and f"shared data not found at {missing}" in out, out


def test_present_shared_folder_is_used_in_ci(tmp_path):
    (tmp_path / "shared").mkdir()
    rc, out = run_pytest(tmp_path, tmp_path / "shared", "true")
    assert rc == 0 and "1 passed" in out, out
