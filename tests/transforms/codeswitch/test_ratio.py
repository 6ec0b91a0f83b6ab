"""The ratio recipe: over a few hundred pairs the mean code-switching ratio
(as the ``cs_ratio`` score defines it) stays within 0.05 of the target."""
import random
import statistics

import pytest

from cs_synth.pipeline import registry
from cs_synth.pipeline.record import Record, Side
from cs_synth.pipeline.rng import derive_rng
from cs_synth.pipeline.score.metrics import code_mixing_metrics
from cs_synth.pipeline.units import Context


def synthetic_corpus(n_pairs=300, seed=1234):
    """Pairs with mostly monotone 1:1 links, some local reordering, some
    unaligned and some one-to-two links, 6..20 tokens, a final period."""
    rng = random.Random(seed)
    out = []
    for k in range(n_pairs):
        n = rng.randint(5, 19)
        order = list(range(n))
        for i in range(n - 1):
            if rng.random() < 0.15:
                order[i], order[i + 1] = order[i + 1], order[i]
        links, tgt = [], []
        for i in order:
            if rng.random() < 0.1:
                continue  # unaligned source word
            links.append((i, len(tgt)))
            tgt.append(f"t{i}")
            if rng.random() < 0.1:
                links.append((i, len(tgt)))
                tgt.append(f"t{i}b")
        src = [f"s{i}" for i in range(n)] + ["."]
        links.append((n, len(tgt)))
        tgt.append(".")
        out.append(Record(id=f"syn{k}", src=Side("", "en", tuple(src)), tgt=Side("", "fr", tuple(tgt)),
                          alignment=links))
    return out


def gold_corpus(shared_dir):
    base = shared_dir / "data" / "alignment-gold"
    recs = []
    pairs = (base / "enfr.src-tgt").read_text(encoding="utf-8").splitlines()
    gold = (base / "enfr.gold").read_text(encoding="utf-8").splitlines()
    for k, (pair, links) in enumerate(zip(pairs, gold)):
        src, tgt = (s.split() for s in pair.split("|||"))
        sure = []
        for item in links.split():
            if "-" in item:  # sure links, 1-based
                i, j = item.split("-")
                sure.append((int(i) - 1, int(j) - 1))
        if len(src) < 5:
            continue
        recs.append(Record(id=f"gold{k}", src=Side("", "en", tuple(src)), tgt=Side("", "fr", tuple(tgt)),
                           alignment=sure))
    return recs


def run_ratio(records, constraints=True, **options):
    unit = registry.get(registry.recipes, "ratio").factory(Context(), **options)
    if not constraints:
        from cs_synth.pipeline.config import ConstraintsConfig

        unit.constraints = ConstraintsConfig.parse(False)
    ratios, spfs, rejected = [], [], 0
    for rec in records:
        for out in unit(rec, derive_rng(0, rec.id, unit.name)):
            if out.rejected:
                # no span at all, or none that passes the switch-point
                # constraints, or only spans whose target text is identical
                assert out.reject_reason in ("no_switchable_span", "switch_point_constraint", "no_change")
                rejected += 1
                continue
            m = code_mixing_metrics(out.langs, matrix_lang="en")
            ratios.append(m["cs_ratio"])
            spfs.append(m["spf"])
    return ratios, spfs, rejected


@pytest.mark.parametrize("mode", ["phrase", "token"])
@pytest.mark.parametrize("target", [0.2, 0.35, 0.5])
def test_mean_ratio_within_005_of_target_synthetic(target, mode):
    ratios, _, rejected = run_ratio(synthetic_corpus(), target_ratio=target, mode=mode)
    assert len(ratios) >= 280 and rejected <= 20
    assert abs(statistics.mean(ratios) - target) <= 0.05, statistics.mean(ratios)


@pytest.mark.parametrize("target", [0.25, 0.4])
def test_mean_ratio_within_005_of_target_on_gold_alignments(shared_dir, target):
    recs = gold_corpus(shared_dir)
    assert len(recs) >= 300
    # the ratio search itself, on every span the gold links allow: the
    # switch-point constraints remove spans (unaligned neighbours on these
    # unparsed gold pairs), so with them on the mean falls short of 0.4
    ratios, _, rejected = run_ratio(recs, constraints=False, target_ratio=target, max_len=4)
    assert len(ratios) >= 300
    assert abs(statistics.mean(ratios) - target) <= 0.05, statistics.mean(ratios)
    with_constraints, _, _ = run_ratio(recs, target_ratio=target, max_len=4)
    assert statistics.mean(with_constraints) <= statistics.mean(ratios) + 0.01


def test_switch_point_fraction_target_steers_fragmentation():
    corpus = synthetic_corpus(200, seed=99)
    _, low, _ = run_ratio(corpus, target_ratio=0.4, spf=0.1, max_len=3)
    _, high, _ = run_ratio(corpus, target_ratio=0.4, spf=0.6, max_len=3)
    assert statistics.mean(low) + 0.1 < statistics.mean(high)


def test_ratio_spread_varies_the_per_sentence_target():
    corpus = synthetic_corpus(200, seed=5)
    fixed, _, _ = run_ratio(corpus, target_ratio=0.3, mode="token")
    spread, _, _ = run_ratio(corpus, target_ratio=0.3, mode="token", ratio_spread=0.2)
    assert statistics.pstdev(spread) > statistics.pstdev(fixed)
    assert abs(statistics.mean(spread) - 0.3) <= 0.05


def test_noun_token_mode_switches_only_nouns(make_record, build, apply):
    rec = make_record("the old man sold fresh fish at the market", "le vieil homme vendait du poisson frais au marché",
                      "0-0 1-1 2-2 3-3 4-6 5-4 5-5 6-7 7-7 8-8",
                      src_kw={"pos": ("DET", "ADJ", "NOUN", "VERB", "ADJ", "NOUN", "ADP", "DET", "NOUN")})
    unit = build("ratio", mode="noun-token", target_ratio=0.5)
    for seed in range(10):
        out = apply(unit, rec, seed=seed)[0]
        for e in out.edits:
            assert e.before in {"man", "fish", "market"}
