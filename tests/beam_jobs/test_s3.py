"""``s3://`` end to end against a local S3 server (moto in server mode,
started by the ``s3_server`` fixture): the input corpus, the resources
(gazetteer and entity lexicon) and the output all live in the bucket, the
report is written back into it, and the rows of the Arrow shards equal those
of the same recipe run on local files (the shard metadata differs: it holds
the config hash, and the configs name different paths).  Once with two local worker processes
(``--workers 2``), once through ``PortableRunner`` with an external worker
pool (separate processes whose only S3 settings are the endpoint the job
carries and the credentials of their own environment)."""
import pathlib

import pytest
import yaml

from cs_synth.beam_jobs.synth import run_job
from cs_synth.pipeline.config import parse_config
from cs_synth.pipeline.units import ConfigError

REPO = pathlib.Path(__file__).resolve().parents[2]
BUCKET = "cs-synth-test"
RECIPE = REPO / "samples" / "recipes" / "en-hi-entity.yaml"
S3_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
          "AWS_EC2_METADATA_DISABLED": "true"}


@pytest.fixture()
def bucket(s3_server, monkeypatch):
    import boto3

    for k, v in S3_ENV.items():
        monkeypatch.setenv(k, v)
    client = boto3.client("s3", endpoint_url=s3_server)
    if BUCKET not in [b["Name"] for b in client.list_buckets().get("Buckets", [])]:
        client.create_bucket(Bucket=BUCKET)
    for name in ("corpora/en-hi.tsv", "lexicons/entities.tsv"):
        client.upload_file(str(REPO / "samples" / name), BUCKET, f"in/{name}")
    return client


def _s3_config(prefix: str):
    data = yaml.safe_load(RECIPE.read_text(encoding="utf-8"))
    data["input"]["path"] = f"{prefix}/in/corpora/en-hi.tsv"
    data["annotate"]["gazetteer"] = f"{prefix}/in/lexicons/entities.tsv"
    data["transform"][0]["options"]["lexicon"] = f"{prefix}/in/lexicons/entities.tsv"
    return data


def _objects(client, prefix: str) -> dict:
    out = {}
    for obj in client.list_objects_v2(Bucket=BUCKET, Prefix=prefix + "/").get("Contents", []):
        out[obj["Key"][len(prefix) + 1:]] = client.get_object(Bucket=BUCKET, Key=obj["Key"])["Body"].read()
    return out


def _local_reference(tmp_path) -> dict:
    """The same config on local copies at ``tmp_path/in/...``."""
    import shutil

    for name in ("corpora/en-hi.tsv", "lexicons/entities.tsv"):
        (tmp_path / "in" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "samples" / name, tmp_path / "in" / name)
    out = tmp_path / "local"
    run_job(parse_config(_s3_config(str(tmp_path)), base_dir=str(tmp_path)), str(out))
    return {str(p.relative_to(out)): _rows(p.read_bytes(), str(tmp_path)) for p in out.rglob("*.arrow")}


def _rows(data: bytes, prefix: str) -> str:
    """The shard's rows as JSON, without the file's metadata (it holds the
    config hash) and with the resource location ``prefix`` (s3://BUCKET
    here, the local folder in the reference; records name their lexicon)
    written as ``PREFIX``."""
    import json

    import pyarrow as pa

    table = pa.ipc.open_stream(pa.BufferReader(data)).read_all()
    return json.dumps(table.replace_schema_metadata(None).to_pylist(), ensure_ascii=False,
                      sort_keys=True, default=str).replace(prefix, "PREFIX")


def _check(client, prefix: str, manifest: dict, reference: dict) -> None:
    assert manifest["accounting_ok"] and manifest["read"] == 300 and manifest["written"] > 0
    got = _objects(client, prefix)
    shards = {k: v for k, v in got.items() if k.endswith(".arrow")}
    assert sorted(shards) == sorted(reference)
    for name in shards:
        assert _rows(shards[name], f"s3://{BUCKET}") == reference[name], name
    assert "manifest.json" in got


@pytest.mark.slow
def test_s3_from_the_cli_with_two_workers_and_the_report(bucket, s3_server, tmp_path, capsys):
    """``cs-synth run`` with s3:// input, resources and output, two local
    worker processes; the report is written into the bucket."""
    from cs_synth.beam_jobs.cli import main

    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(yaml.safe_dump(_s3_config(f"s3://{BUCKET}")), encoding="utf-8")
    rc = main(["run", str(recipe), "--output", f"s3://{BUCKET}/out-w2", "--workers", "2",
               f"--s3_endpoint_url={s3_server}"])
    printed = capsys.readouterr()
    assert rc == 0, printed.err[-3000:]
    assert "with 2 local worker processes" in printed.err
    assert f"report: s3://{BUCKET}/out-w2/report/index.html" in printed.out
    import json

    manifest = json.loads(_objects(bucket, "out-w2")["manifest.json"])
    _check(bucket, "out-w2", manifest, _local_reference(tmp_path))
    report = _objects(bucket, "out-w2/report")
    assert {"index.html", "summary.json", "cmi_hist.png", "reject_reasons.png"} <= set(report)
    assert report["cmi_hist.png"].startswith(b"\x89PNG")
    import json

    summary = json.loads(report["summary.json"])
    assert summary["kept"]["records"] == manifest["written"]
    assert summary["output_dir"] == f"s3://{BUCKET}/out-w2"


@pytest.mark.slow
def test_s3_through_portable_runner(bucket, s3_server, tmp_path, portable_beam):
    from apache_beam.io.filesystems import FileSystems

    from cs_synth.beam_jobs.synth import beam_options

    args = [*portable_beam.args, f"--s3_endpoint_url={s3_server}"]
    FileSystems.set_options(beam_options(args))  # as the CLI does before reading the config
    cfg = parse_config(_s3_config(f"s3://{BUCKET}"), base_dir=str(tmp_path))
    manifest = run_job(cfg, f"s3://{BUCKET}/out-portable", beam_args=args)
    _check(bucket, "out-portable", manifest, _local_reference(tmp_path))


def test_s3_without_credentials_stops_at_launch(tmp_path, monkeypatch):
    for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    data = tmp_path / "c.txt"
    data.write_text("a b\n", encoding="utf-8")
    cfg = parse_config({"input": {"format": "text", "path": str(data), "src_lang": "en"}, "align": None},
                       base_dir=str(tmp_path))
    with pytest.raises(ConfigError, match=r"s3://: no AWS credentials found .*AWS_ACCESS_KEY_ID"):
        run_job(cfg, f"s3://{BUCKET}/never", workers=2)
