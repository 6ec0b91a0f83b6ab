"""Distribution control: how much each sentence switches is drawn per
sentence from a mean/sd or from a reference corpus in the LID format, and
the sampling stage can fit its target from such a file."""
import random
import statistics
from pathlib import Path

import pytest

from cs_synth.pipeline import registry
from cs_synth.pipeline.distribution import parse_draw, read_reference, reference_values, sentence_stats
from cs_synth.pipeline.rng import derive_rng
from cs_synth.pipeline.score.metrics import code_mixing_metrics
from cs_synth.pipeline.units import ConfigError, Context
from tests.transforms.codeswitch.test_ratio import synthetic_corpus

REPO = Path(__file__).resolve().parents[3]
SAMPLE_REF = REPO / "samples" / "reference" / "en-de.lid.tsv"


def write_lid(tmp_path, sentences):
    path = tmp_path / "ref.lid.tsv"
    lines = []
    for sent in sentences:
        lines += [f"{w}\t{t}" for w, t in sent]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return str(path)


def run(recipe, records, **options):
    from cs_synth.pipeline.config import ConstraintsConfig

    unit = registry.get(registry.recipes, recipe).factory(Context(), **options)
    unit.constraints = ConstraintsConfig.parse(False)  # the selector's spread, not the constraints'
    outs = []
    for rec in records:
        for out in unit(rec, derive_rng(0, rec.id, unit.name)):
            if not out.rejected:
                outs.append(out)
    return outs


def test_reference_stats_per_sentence(tmp_path):
    path = write_lid(tmp_path, [
        [("I", "lang1"), ("like", "lang1"), ("el", "lang2"), ("perro", "lang2"), (".", "other")],
        [("Ich", "de"), ("hab", "de"), ("the", "en"), ("link", "en"), ("nicht", "de"), ("und", "de"),
         ("no", "en"), ("time", "en")],
        [("Nur", "de"), ("Deutsch", "de"), ("Berlin", "ne")],
    ])
    sents = read_reference(path)
    assert [len(s) for s in sents] == [5, 8, 3]
    assert reference_values(path, "spans", mixed_only=True) == (1.0, 2.0)
    assert reference_values(path, "switch_points", mixed_only=False) == (1.0, 3.0, 0.0)
    assert reference_values(path, "cs_ratio", mixed_only=True) == pytest.approx((0.5, 0.5))
    # neutral tags are no language: the named entity does not make a switch
    assert sentence_stats(["de", "zxx", "de"])["switch_points"] == 0


def test_malformed_reference_names_the_line(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("Ich\tde\nhab de\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"max_spans\.reference: .*line 2"):
        parse_draw({"reference": str(path)}, "max_spans", integer=True, lo=1, hi=99, stat="spans")


@pytest.mark.parametrize("value, message", [
    ({"mean": 2}, r"max_spans\.sd: required"),
    ({"mean": 2, "sd": -1}, r"max_spans\.sd: must be at least 0"),
    ({"mean": 2, "sd": 1, "spread": 3}, r"max_spans\.spread: unknown key"),
    ({"mean": 2, "sd": 1, "min": 3, "max": 2}, r"max_spans\.min: .*exceeds max"),
    ({"reference": "/nonexistent/ref.tsv"}, r"max_spans\.reference: file not found"),
    ({"reference": "x", "mean": 1, "sd": 1}, r"max_spans: give either reference or mean/sd"),
    ({"mean": "two", "sd": 1}, r"max_spans\.mean: expected a finite number"),
])
def test_bad_distribution_names_its_field(value, message):
    with pytest.raises(ConfigError, match=message):
        parse_draw(value, "max_spans", integer=True, lo=1, hi=float("inf"), stat="spans")


def test_bad_distribution_in_a_config_names_the_full_path(tmp_path):
    from cs_synth.pipeline.config import load_config

    cfg = tmp_path / "r.yaml"
    cfg.write_text(f"""
input: {{format: moses, src_path: {REPO}/samples/corpora/en-de.en, tgt_path: {REPO}/samples/corpora/en-de.de,
         src_lang: en, tgt_lang: de}}
align: {{backend: given}}
transform:
  - recipe: span-ec
    options: {{max_spans: {{mean: 2}}}}
""", encoding="utf-8")
    from cs_synth.pipeline.stages import TransformStage

    with pytest.raises(ConfigError, match=r"transform\.0\.options\.max_spans\.sd: required"):
        TransformStage(load_config(str(cfg)))
    # a relative reference path is read from the config's folder
    (tmp_path / "ref.lid.tsv").write_text(SAMPLE_REF.read_text(encoding="utf-8"), encoding="utf-8")
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("{mean: 2}", "{reference: ref.lid.tsv}"),
                   encoding="utf-8")
    stage = TransformStage(load_config(str(cfg)))
    draw = stage.steps[0][1].max_spans
    assert draw.source == str(tmp_path / "ref.lid.tsv") and len(draw.values) >= 15


def test_normal_draws_are_clipped_and_rounded():
    d = parse_draw({"mean": 2.0, "sd": 2.0, "max": 5}, "max_spans", integer=True, lo=1, hi=float("inf"),
                   stat="spans")
    rng = random.Random(7)
    vals = [d.draw(rng) for _ in range(4000)]
    assert all(isinstance(v, int) and 1 <= v <= 5 for v in vals)
    assert len(set(vals)) == 5
    # a constant uses no randomness (outputs of fixed settings keep their bytes)
    c = parse_draw(3, "max_spans", integer=True, lo=1, hi=99, stat="spans")
    rng = random.Random(1)
    state = rng.getstate()
    assert c.draw(rng) == 3 and rng.getstate() == state


def switch_points(outs):
    return [code_mixing_metrics(o.langs, matrix_lang="en")["switch_points"] for o in outs]


@pytest.mark.parametrize("recipe, option", [("span-ec", "max_spans"), ("phrase", "max_phrases"),
                                            ("span-ml", "max_spans"), ("noun-swap", "max_spans")])
def test_a_drawn_span_count_spreads_the_switch_points(recipe, option):
    corpus = synthetic_corpus(250, seed=99)
    if recipe == "noun-swap":
        from dataclasses import replace

        corpus = [replace(r, src=replace(r.src, pos=tuple("NOUN" if i % 2 else "VERB" for i in range(len(r.src.tokens)))))
                  for r in corpus]
        fixed = run(recipe, corpus, **{option: 1})
    else:
        fixed = run(recipe, corpus, **({option: 1} if recipe != "span-ml" else {option: 1, "probability": 0.0}))
    drawn_opts = {option: {"mean": 3.0, "sd": 2.0}}
    if recipe == "span-ml":
        drawn_opts["probability"] = 1.0
    drawn = run(recipe, corpus, **drawn_opts)
    sp_fixed, sp_drawn = switch_points(fixed), switch_points(drawn)
    assert len(sp_drawn) > 150
    assert statistics.pstdev(sp_drawn) > statistics.pstdev(sp_fixed) + 0.5
    assert statistics.mean(sp_drawn) > statistics.mean(sp_fixed) + 1.0
    # the same seed gives the same draws
    again = run(recipe, corpus, **drawn_opts)
    assert [o.text for o in again] == [o.text for o in drawn]


def test_ratio_drawn_per_sentence_from_a_reference(tmp_path):
    path = write_lid(tmp_path, [
        [("a", "en")] * 9 + [("b", "de")] * 1,     # 0.1
        [("a", "en")] * 5 + [("b", "de")] * 5,     # 0.5
    ])
    corpus = synthetic_corpus(300, seed=5)
    outs = run("ratio", corpus, target_ratio={"reference": path}, mode="token")
    ratios = [code_mixing_metrics(o.langs, matrix_lang="en")["cs_ratio"] for o in outs]
    fixed = [code_mixing_metrics(o.langs, matrix_lang="en")["cs_ratio"]
             for o in run("ratio", corpus, target_ratio=0.3, mode="token")]
    # two modes near 0.1 and 0.5 instead of one near 0.3
    low = sum(1 for r in ratios if r < 0.2)
    high = sum(1 for r in ratios if r > 0.4)
    assert low > 60 and high > 60
    assert statistics.pstdev(ratios) > statistics.pstdev(fixed) + 0.1


def test_sample_reference_corpus_is_spread():
    spans = reference_values(str(SAMPLE_REF), "spans", mixed_only=True)
    assert len(spans) >= 15 and max(spans) >= 2 and min(spans) == 1


def test_sampling_fits_its_target_from_a_reference(tmp_path):
    from cs_synth.pipeline.filter.sampling import build_sampler

    path = write_lid(tmp_path, [[("a", "en"), ("b", "de"), ("c", "en")], [("a", "en"), ("b", "en")]])
    s = build_sampler(Context(seed=3), k=1, metric="switch_points", reference=path)
    assert sorted(s.values) == [0.0, 2.0]
    with pytest.raises(ConfigError, match=r"sampling\.metric: .*no code-mixing metric"):
        build_sampler(Context(), k=1, metric="naturalness", reference=path)
    with pytest.raises(ConfigError, match=r"sampling\.reference: give one of"):
        build_sampler(Context(), k=1, metric="switch_points", reference=path, mean=1.0, std=1.0)
    with pytest.raises(ConfigError, match=r"sampling\.reference: file not found"):
        build_sampler(Context(), k=1, metric="switch_points", reference=str(tmp_path / "none.tsv"))
