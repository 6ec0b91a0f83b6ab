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


# ------------------------------------------------------------------ servers
# Beam's job service and an external worker pool, as separate processes on
# 127.0.0.1 (tests/beam_jobs/test_portable*.py, test_s3*.py), and a local S3
# server (moto in server mode).  Both are started by the tests themselves,
# run offline, and are stopped at the end of the session.
import socket
import subprocess
import sys
import time


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, proc: subprocess.Popen, log: pathlib.Path, timeout: float = 120.0) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f}s:\n"
                       f"{log.read_text(errors='replace')[-3000:]}")


#: credentials of the local S3 server; workers get them from their
#: environment, as a real worker gets them from its machine
S3_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
          "AWS_EC2_METADATA_DISABLED": "true"}


@pytest.fixture(scope="session")
def portable_beam(tmp_path_factory):
    """``.args`` (the PortableRunner flags) and ``.pool_dir``: a Beam job service
    (``local_job_service_main``) and an external worker pool
    (``worker_pool_main``), started from this venv's Python in a folder of
    their own, so they cannot resolve the launcher's relative paths."""
    root = tmp_path_factory.mktemp("beam_servers")
    pool_dir = root / "workers"
    pool_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    env.update(S3_ENV)
    procs = []
    try:
        job_port, pool_port = _free_port(), _free_port()
        for name, args, port in (
                ("job_service", ["apache_beam.runners.portability.local_job_service_main", "--port", str(job_port)],
                 job_port),
                ("worker_pool", ["apache_beam.runners.worker.worker_pool_main", "--service_port", str(pool_port)],
                 pool_port)):
            log = root / f"{name}.log"
            proc = subprocess.Popen([sys.executable, "-m", *args], cwd=pool_dir, env=env,
                                    stdout=open(log, "wb"), stderr=subprocess.STDOUT)
            procs.append(proc)
            _wait_port(port, proc, log)
        import types

        yield types.SimpleNamespace(
            pool_dir=pool_dir, logs=root,
            args=["--runner=PortableRunner", f"--job_endpoint=localhost:{job_port}", "--environment_type=EXTERNAL",
                  f"--environment_config=localhost:{pool_port}"])
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="session")
def s3_server():
    """A local S3 server (moto, server mode) on 127.0.0.1; yields its URL."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
