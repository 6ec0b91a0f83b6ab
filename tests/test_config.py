import pytest
import yaml

from cs_synth.pipeline.config import load_config, parse_config
from cs_synth.pipeline.units import ConfigError


def base(**kw):
    d = {"input": {"format": "text", "path": "m.txt", "src_lang": "en"}, "align": None}
    d.update(kw)
    return d


@pytest.mark.parametrize("data, expected", [
    (base(input={"format": "csv", "path": "x", "src_lang": "en"}), "input.format"),
    (base(input={"format": "tsv", "src_lang": "en", "tgt_lang": "hi"}), "needs 'path'"),
    (base(input={"format": "moses", "src_path": "a", "src_lang": "en"}), "src_path and tgt_path"),
    (base(seed="abc"), "seed"),
    (base(outptu={}), "outptu: unknown field"),
    (base(output={"max_records_per_shard": 0}), "output.max_records_per_shard"),
    (base(transform=[{"recipe": "no-such-recipe"}]), "unknown recipe 'no-such-recipe'; known:"),
    (base(filter=[{"name": "no_such_filter"}]), "unknown filter 'no_such_filter'"),
    (base(score=["no_such_score"]), "unknown scorer 'no_such_score'"),
    (base(filter=[{"name": "metric_range", "options": {"metrc": "cmi"}}]), "filter.0.options.metrc: unknown option"),
    ([1, 2], "top level must be a mapping"),
    (base(dedup={"exactt": True}), "dedup"),
    (base(annotate={"backend": "spacy", "gazetteer": "x.tsv"}), "only read by backend: gazetteer"),
    (base(filter=[{"name": "lid_agreement"}]), "add the scorer that does to 'score:' (lid)"),
    (base(score=[{"name": "perplexity", "options": {"model": "/no/such/model"}}]), "/no/such/model"),
    (base(sampling={"k": 0, "mean": 1, "std": 1}), "sampling.k"),
])
def test_bad_config_names_the_field(data, expected):
    with pytest.raises(ConfigError) as err:
        parse_config(data)
    assert expected in str(err.value)


def test_load_config_resolves_relative_to_file(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.yaml").write_text(yaml.safe_dump(base()), encoding="utf-8")
    cfg = load_config(str(tmp_path / "sub" / "c.yaml"))
    assert cfg.context().resolve("m.txt") == str(tmp_path / "sub" / "m.txt")
    assert cfg.context().resolve("gs://b/x") == "gs://b/x"


def test_config_hash_is_stable_and_sensitive():
    a, b = parse_config(base()), parse_config(base())
    assert a.config_hash() == b.config_hash()
    assert parse_config(base(seed=1)).config_hash() != a.config_hash()


def test_invalid_yaml_and_missing_file(tmp_path):
    (tmp_path / "bad.yaml").write_text("input: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(str(tmp_path / "bad.yaml"))
    with pytest.raises(ConfigError, match="not found"):
        load_config(str(tmp_path / "none.yaml"))


def test_every_sample_config_is_valid(repo_dir):
    """The bundled recipes (README and docs point at them) must stay valid."""
    import glob

    paths = sorted(glob.glob(str(repo_dir / "samples" / "recipes" / "*.yaml")))
    assert len(paths) >= 10
    for p in paths:
        cfg = load_config(p)
        assert cfg.transform, p
