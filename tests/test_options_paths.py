"""Every kind of config block reports a bad option by its full path
(issue 9, typed options): the unit options schemas (transform, align,
score, filter), the typed dedup / sampling blocks and the registry names
behind input.format / annotate.backend."""
import os
import subprocess
import sys

import pytest
import yaml

from cs_synth.pipeline.config import parse_config
from cs_synth.pipeline.units import ConfigError

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def base(**kw):
    d = {"input": {"format": "tsv", "path": "pairs.tsv", "src_lang": "en", "tgt_lang": "es"},
         "annotate": {"backend": "none"}, "align": None}
    d.update(kw)
    return d


def error_of(data) -> str:
    with pytest.raises(ConfigError) as err:
        parse_config(data, base_dir=REPO)
    return str(err.value)


SPAN_EC = {"recipe": "span-ec"}


@pytest.mark.parametrize("data,expected", [
    # transform step 0 and 1: schema (type, bound, unknown) and factory checks
    (base(transform=[{"recipe": "span-ec", "options": {"max_len": "x"}}]),
     "transform.0.options.max_len: must be a valid integer (got 'x')"),
    (base(transform=[SPAN_EC, {"recipe": "span-ec", "options": {"max_len": 0}}]),
     "transform.1.options.max_len: must be >= 1 (got 0)"),
    (base(transform=[SPAN_EC, {"recipe": "phrase", "options": {"max_lenn": 2}}]),
     "transform.1.options.max_lenn: unknown option; known options: extend_unaligned, matrix, max_len, max_phrases"),
    (base(transform=[SPAN_EC, {"recipe": "span-ec", "options": {"min_len": 3, "max_len": 2}}]),
     "transform.1.options.min_len: 3 must not exceed max_len (2)"),
    (base(transform=[SPAN_EC, {"recipe": "word", "options": {"dictionary": "no/such.tsv"}}]),
     "transform.1.options.dictionary: file not found"),
    (base(transform=[SPAN_EC, {"recipe": "ratio", "options": {"mode": "nouns"}}]),
     "transform.1.options.mode: must be one of 'phrase', 'token' or 'noun-token' (got 'nouns')"),
    (base(transform=[SPAN_EC, {"recipe": "dialup", "options": {"char_rate": 1.5}}]),
     "transform.1.options.char_rate: expected a probability between 0 and 1, got 1.5"),
    (base(transform=[SPAN_EC, {"recipe": "translit", "options": {"mode": "words"}}]),
     "transform.1.options.mode: unknown mode 'words'"),
    (base(transform=[SPAN_EC, {"recipe": "span-ecx"}]), "transform.1.recipe: unknown recipe 'span-ecx'; known:"),
    # align
    (base(align={"backend": "eflomal", "options": {"modle": 3}}), "align.options.modle: unknown option; known options:"),
    (base(align={"backend": "eflomal", "options": {"n_samplers": True}}),
     "align.options.n_samplers: must be a valid integer (got True)"),
    (base(align={"backend": "fast_align"}), "align.backend: unknown aligner 'fast_align'; known:"),
    # score
    (base(score=["code_mixing", {"name": "lid", "options": {"min_chars": -1}}]),
     "score.1.options.min_chars: must be >= 0 (got -1)"),
    (base(score=[{"name": "code_mixing", "options": {"ignroe": ["x"]}}]),
     "score.0.options.ignroe: unknown option; known options: ignore"),
    (base(score=["code_mixing", "nope"]), "score.1: unknown scorer 'nope'"),
    # filter
    (base(filter=[{"name": "length_ratio"}, {"name": "length_ratio"},
                  {"name": "metric_range", "options": {"metric": "cmi", "min": "low"}}]),
     "filter.2.options.min: must be a valid number (got 'low')"),
    (base(filter=[{"name": "length_ratio"}, {"name": "metric_range", "options": {"metric": "cmi", "minn": 1}}]),
     "filter.1.options.minn: unknown option; known options: max, metric, min, on_missing"),
    (base(filter=[{"name": "metric_range", "options": {"metric": "cmii", "min": 1}}]),
     "filter.0.options.metric: unknown score 'cmii'"),
    (base(filter=[{"name": "metric_range", "options": {"metric": "cmi"}}]),
     "filter.0.options: give min, max or both for 'cmi'"),
    # dedup, sampling
    (base(dedup={"treshold": 0.8}), "dedup.treshold: unknown option; known options: exact, near, threshold"),
    (base(dedup={"num_perm": 8}), "dedup.num_perm: must be >= 16 (got 8)"),
    (base(sampling={"k": 0, "mean": 1.0, "std": 1.0}), "sampling.k: must be >= 1 (got 0)"),
    (base(sampling={"k": 1, "mean": 1.0, "std": 1.0, "kk": 2}), "sampling.kk: unknown option; known options: k,"),
    (base(sampling={"k": 1, "std": 1.0}), "sampling.mean: required"),
    # registry names behind input.format and annotate.backend
    (base(input={"format": "tsvx", "path": "pairs.tsv", "src_lang": "en", "tgt_lang": "es"}),
     "input.format: unknown reader 'tsvx'; known: arrow, hf, jsonl, moses, parquet, text, tsv"),
    (base(annotate={"backend": "spacyy"}), "annotate.backend: unknown annotator 'spacyy'; known: gazetteer, none,"),
])
def test_bad_option_names_the_full_path(data, expected):
    assert expected in error_of(data)


def test_defaults_come_from_the_schema():
    from cs_synth.pipeline import registry

    factory = registry.lookup(registry.recipes, "span-ec").factory
    assert registry.validate_options(factory, {"max_len": 2}) == {
        "max_len": 2, "min_len": 1, "max_spans": 1, "protect_labels": (), "protect_entities": False,
        "matrix": "src"}
    assert registry.option_names(registry.lookup(registry.scorers, "lid")) == ["backend", "languages", "min_chars"]


def test_a_declared_options_model_is_used(monkeypatch):
    from pydantic import BaseModel, ConfigDict, Field

    from cs_synth.pipeline import registry
    from cs_synth.pipeline.units import Context

    class Opts(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        width: int = Field(3, ge=1)

    @registry.options(Opts)
    def factory(ctx, **options):
        return options

    monkeypatch.setitem(__import__("catalogue").REGISTRY, ("cs_synth", "filters", "test_declared"), factory)
    assert registry.build(registry.filters, "test_declared", Context(), {}, "filter.0") == {"width": 3}
    with pytest.raises(ConfigError, match=r"^filter.0.options.width: must be >= 1 \(got 0\)"):
        registry.build(registry.filters, "test_declared", Context(), {"width": 0}, "filter.0")
    with pytest.raises(ConfigError, match=r"^filter.0.options.w: unknown option; known options: width"):
        registry.build(registry.filters, "test_declared", Context(), {"w": 0}, "filter.0")


def test_config_does_not_import_beam_jobs():
    code = ("import sys, cs_synth.pipeline.config as c; c.parse_config({'input': {'format': 'text', 'path': 'x', "
            "'src_lang': 'en'}, 'align': None, 'dedup': {'exact': True}}); "
            "print(sorted(m for m in sys.modules if m.startswith('beam_jobs')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_cli_run_with_a_misspelt_scorer_option_names_the_path(tmp_path):
    (tmp_path / "pairs.tsv").write_text("the cat\tel gato\n", encoding="utf-8")
    config = base(score=["code_mixing", {"name": "lid", "options": {"min_char": 3}}])
    (tmp_path / "run.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    cli = os.path.join(os.path.dirname(sys.executable), "cs-synth")
    cmd = [cli] if os.path.exists(cli) else [sys.executable, "-m", "cs_synth.beam_jobs.cli"]
    out = subprocess.run(cmd + ["run", str(tmp_path / "run.yaml"), "-o", str(tmp_path / "out")],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode != 0
    assert "score.1.options.min_char: unknown option; known options: backend, languages, min_chars" in out.stderr
    assert "Traceback" not in out.stderr + out.stdout
