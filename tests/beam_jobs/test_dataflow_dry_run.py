"""A Dataflow launch, translated offline: ``--runner DataflowRunner
--dry_run=True`` builds the whole job request (pipeline proto, staged
environment, pipeline options) and returns without submitting it.

The recipe's corpus and resources are ``gs://`` objects in a local GCS
emulator (``gcp-storage-emulator``, in-process, reached through
``STORAGE_EMULATOR_HOST``), read by the real code path: Beam
``FileSystems`` -> ``GCSFileSystem`` -> ``google-cloud-storage``.  No
network and no GCP credentials: Beam's credential look-up is told there are
none (otherwise it retries for half a minute before connecting anonymously).

The translated job must not reference the launcher's folders: not the
config folder, not the samples folder, not the checkout.  The only
occurrences of the checkout allowed are Python source file names, which
cloudpickle stores in the code objects of functions it pickles by value
(Beam's own lambdas included); a worker never opens them."""
import base64
import bz2
import json
import pathlib
import re
import shutil
import socket
import zlib

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
BUCKET = "cs-synth-dry-run"

from apache_beam.internal.gcp import auth  # noqa: E402  (apache-beam[gcp], the [gcs] extra)
from gcp_storage_emulator.server import create_server  # noqa: E402  (test requirement)


@pytest.fixture
def gcs(monkeypatch):
    """A local GCS emulator with one bucket; yields an upload function."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", f"http://127.0.0.1:{port}")
    monkeypatch.setattr(auth._Credentials, "_credentials_init", True)  # noqa: SLF001 - "no credentials here"
    monkeypatch.setattr(auth._Credentials, "_credentials", None)  # noqa: SLF001
    server = create_server("127.0.0.1", port, in_memory=True, default_bucket=BUCKET)
    server.start()
    from google.cloud import storage

    client = storage.Client.create_anonymous_client()
    client.project = "cs-synth-test"
    bucket = client.bucket(BUCKET)

    def upload(name: str, path: pathlib.Path) -> str:
        bucket.blob(name).upload_from_filename(str(path))
        return f"gs://{BUCKET}/{name}"

    try:
        yield upload
    finally:
        server.stop()


def _dataflow_args():
    return ["--runner=DataflowRunner", "--dry_run=True", "--project=cs-synth-test", "--region=europe-west1",
            f"--temp_location=gs://{BUCKET}/tmp", "--sdk_container_image=europe-docker.pkg.dev/p/r/cs-synth:0.1.0",
            "--sdk_location=container"]


def _launcher(tmp_path: pathlib.Path, upload, remote_resources: bool) -> pathlib.Path:
    """The en-hi-entity sample (gazetteer annotator, entity lexicon, eflomal)
    in a launcher folder of its own; the corpus on gs://, the lexicons on
    gs:// or beside the recipe (then carried by content)."""
    launch = tmp_path / "launch"
    shutil.copytree(REPO / "samples", launch / "samples", ignore=shutil.ignore_patterns("corpora"))
    path = launch / "samples" / "recipes" / "en-hi-entity.yaml"
    cfg = yaml.safe_load(path.read_text(encoding="utf-8"))
    cfg["input"]["path"] = upload("corpora/en-hi.tsv", REPO / "samples" / "corpora" / "en-hi.tsv")
    if remote_resources:
        lexicon = upload("lexicons/entities.tsv", REPO / "samples" / "lexicons" / "entities.tsv")
        cfg["annotate"]["gazetteer"] = lexicon
        cfg["transform"][0]["options"]["lexicon"] = lexicon
    else:
        assert cfg["annotate"]["gazetteer"].startswith("../lexicons/")
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return path


def _decoded(payload: bytes) -> bytes:
    """A pickled DoFn payload as Beam wrote it (base64 of bz2 or zlib)."""
    for unpack in (lambda b: bz2.decompress(base64.b64decode(b)), lambda b: zlib.decompress(base64.b64decode(b))):
        try:
            return unpack(payload)
        except Exception:  # noqa: BLE001 - try the next format
            continue
    return payload


def _dofns(proto):
    """(transform name, decoded pickled DoFn) for every ParDo in the proto."""
    from apache_beam.portability.api import beam_runner_api_pb2

    for t in proto.components.transforms.values():
        if t.spec.urn == "beam:transform:pardo:v1":
            payload = beam_runner_api_pb2.ParDoPayload()
            payload.ParseFromString(t.spec.payload)
            if payload.do_fn.payload:  # (a few composite ParDos carry none)
                yield t.unique_name, payload.do_fn.payload


def _launcher_paths(blob: bytes, roots) -> list:
    """Occurrences of any of ``roots`` in ``blob``, except Python source
    file names (code objects' co_filename)."""
    found = []
    for root in roots:
        for m in re.finditer(re.escape(str(root).encode()) + rb"[A-Za-z0-9_.+/-]*", blob):
            if not m.group().endswith(b".py"):
                found.append(m.group().decode("utf-8", "replace"))
    return found


@pytest.mark.parametrize("remote_resources", [True, False], ids=["gs-resources", "carried-resources"])
def test_a_dataflow_dry_run_translates_a_lexicon_recipe_without_launcher_paths(tmp_path, gcs, remote_resources,
                                                                               capsys):
    from apache_beam.internal import pickler

    from cs_synth.beam_jobs.cli import dry_run, main
    from cs_synth.pipeline import resources
    from cs_synth.pipeline.config import load_config

    path = _launcher(tmp_path, gcs, remote_resources)
    out = f"gs://{BUCKET}/out"
    cfg = load_config(str(path))
    translated = dry_run(cfg, out, beam_args=_dataflow_args())
    assert translated.runner == "DataflowRunner" and translated.job is not None
    assert translated.transforms > 100
    names = {t.unique_name for t in translated.pipeline_proto.components.transforms.values()}
    assert {"Annotate", "Transform", "Settle"} <= {n.split("/")[0] for n in names}

    roots = [tmp_path / "launch", tmp_path, REPO / "samples", REPO]
    request = translated.job.json().encode()  # the Dataflow job request: environment, sdkPipelineOptions
    assert b"cs-synth-test" in request and b"sdk_container_image" in request
    assert _launcher_paths(request, roots) == []
    assert _launcher_paths(translated.pipeline_proto.SerializeToString(), roots) == []

    carried_keys = set()
    stage_dofns = 0
    for name, payload in _dofns(translated.pipeline_proto):
        assert _launcher_paths(_decoded(payload), roots) == [], name
        fn = pickler.loads(payload)
        fn = fn[0] if isinstance(fn, tuple) else fn  # (DoFn, args, kwargs, side inputs, windowing)
        if hasattr(fn, "carried"):  # a DoFn that carries files (a stage DoFn also its config)
            if hasattr(fn, "cfg"):
                stage_dofns += 1
                assert fn.cfg.base_dir.startswith(resources.VIRTUAL_ROOT), name
            carried_keys |= set(fn.carried.files)
    assert stage_dofns >= 4
    if remote_resources:  # workers read them from the bucket themselves
        assert carried_keys == set()
    else:  # carried by content, keyed by the path a worker resolves: a virtual one
        assert carried_keys and all(k.startswith(resources.VIRTUAL_ROOT + "/") for k in carried_keys)
        assert f"{resources.VIRTUAL_ROOT}/lexicons/entities.tsv" in carried_keys
    options = json.dumps(translated.options.get_all_options(drop_default=True), default=str).encode()
    assert _launcher_paths(options, roots) == []

    # the command line: the same dry run, rc 0, nothing written to the output
    rc = main(["run", str(path), "--output", out, *_dataflow_args()])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert "dry run:" in captured.out and "transforms translated for DataflowRunner" in captured.out
    from apache_beam.io.filesystems import FileSystems

    assert not FileSystems.exists(out + "/manifest.json")


def test_a_launcher_file_too_large_to_carry_stops_a_dataflow_launch_naming_the_field(tmp_path, gcs, monkeypatch,
                                                                                      capsys):
    from cs_synth.beam_jobs.cli import main
    from cs_synth.pipeline import resources

    path = _launcher(tmp_path, gcs, remote_resources=False)
    monkeypatch.setattr(resources, "CARRY_LIMIT", 100)  # the sample lexicon is larger
    rc = main(["run", str(path), "--output", f"gs://{BUCKET}/out", *_dataflow_args()])
    err = capsys.readouterr().err
    assert rc == 2 and "Traceback" not in err
    assert re.search(r"(annotate\.gazetteer|transform\.0\.options\.lexicon): .*entities\.tsv is a file on this "
                     r"machine only .*runner DataflowRunner runs on other machines; put it on gs:// or s3://", err)


def test_a_remote_run_names_its_job_id_and_the_dataflow_console_url():
    from apache_beam.options.pipeline_options import PipelineOptions

    from cs_synth.beam_jobs.synth import job_reference

    class Dataflow:  # DataflowPipelineResult: job_id() is a method
        def job_id(self):
            return "2026-12-02_01_02_03-123"

    class Portable:  # PortableRunner's result: a _job_id attribute
        _job_id = "job-7"

    flow = PipelineOptions(["--runner=DataflowRunner", "--project=cs-synth-test", "--region=europe-west1"])
    assert job_reference(Dataflow(), flow) == (
        "DataflowRunner job 2026-12-02_01_02_03-123: https://console.cloud.google.com/dataflow/jobs/"
        "europe-west1/2026-12-02_01_02_03-123?project=cs-synth-test")
    assert job_reference(Portable(), PipelineOptions(["--runner=PortableRunner"])) == "PortableRunner job job-7"
    assert job_reference(object(), flow) is None  # a runner that reports no id: nothing printed
