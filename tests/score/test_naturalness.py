"""The naturalness scorer on a tiny causal LM built offline."""
from __future__ import annotations

import math

import pytest

from cs_synth.pipeline import augment
from cs_synth.pipeline.record import Record, Side, detokenize
from cs_synth.pipeline.score.naturalness import WordSurprisal, naturalness, switch_points
from cs_synth.pipeline.testing.tiny_models import build_tiny_causal_lm
from cs_synth.pipeline.units import ConfigError, Context

SENTENCES = ["The dog runs in the park .", "A man rides a horse .", "Der Hund läuft im Park .",
             "Ein Mann reitet ein Pferd .", "Two children play with a ball ."] * 4


@pytest.fixture(scope="module")
def lm_dir(tmp_path_factory):
    return build_tiny_causal_lm(str(tmp_path_factory.mktemp("lm") / "tiny"), SENTENCES, vocab_size=300, seed=3)


def cs_record(rid="r1"):
    src = ("The", "dog", "runs", "in", "the", "park", ".")
    out = ("The", "Hund", "runs", "in", "the", "park", ".")
    return Record(id=rid, src=Side("The dog runs in the park .", "en", src, tuple(True for _ in src)),
                  tokens=out, langs=("en", "de", "en", "en", "en", "en", "zxx"),
                  spaces=tuple(True for _ in out), text=detokenize(out, [True] * 7))


def test_switch_points_skip_language_independent_tokens():
    assert switch_points(["en", "de", "de", "zxx", "en"]) == [1, 4]
    assert switch_points(["en", "zxx", "en"]) == []


def manual_word_surprisal(lm_dir, text, span):
    """The surprisal of the word at ``span`` computed independently: the
    LM's loss on the whole text, minus its loss on the text up to the word."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(lm_dir)
    model = AutoModelForCausalLM.from_pretrained(lm_dir).eval()

    def total(prefix):
        ids = [tok.bos_token_id] + tok(prefix, add_special_tokens=False)["input_ids"]
        with torch.no_grad():
            loss = model(input_ids=torch.tensor([ids]), labels=torch.tensor([ids])).loss
        return float(loss) * (len(ids) - 1)

    return total(text[:span[1]]) - total(text[:span[0]].rstrip())


def test_word_surprisal_matches_the_model_loss(lm_dir):
    text = "The Hund runs in the park ."
    lm = WordSurprisal(lm_dir)
    (vals,) = lm.words([(text, [(4, 8)])])
    assert vals[0] == pytest.approx(manual_word_surprisal(lm_dir, text, (4, 8)), abs=1e-3)


def test_scores_are_written_for_switched_outputs_only(lm_dir):
    scorer = naturalness(Context(), model=lm_dir)
    sc = scorer(cs_record())
    assert set(sc) == {"naturalness", "switch_surprisal"}
    assert all(math.isfinite(v) for v in sc.values())
    mono = cs_record().evolve(tokens=cs_record().src.tokens, langs=("en",) * 6 + ("zxx",))
    assert scorer(mono) == {}


def test_normalised_by_the_source(lm_dir):
    scorer = naturalness(Context(), model=lm_dir)
    rec = cs_record()
    sc = scorer(rec)
    lm = WordSurprisal(lm_dir)
    # two switch points (en->de before "Hund", de->en before "runs"), window 1:
    # "The", "Hund" and "runs"
    out_spans = [(0, 3), (4, 8), (9, 13)]
    at = lm.words([(rec.text, out_spans)])[0]
    src_spans = [(0, 3), (4, 7), (8, 12), (13, 15), (16, 19), (20, 24)]
    src = lm.words([(rec.src.text, src_spans)])[0]
    assert sc["switch_surprisal"] == pytest.approx(sum(at) / 3, abs=1e-3)
    assert sc["naturalness"] == pytest.approx(sum(src) / 6 - sum(at) / 3, abs=1e-3)


def test_same_scores_at_batch_sizes_1_and_16(lm_dir):
    recs = []
    for k, s in enumerate(SENTENCES[:10]):
        toks = tuple(s.split())
        langs = tuple("de" if i == 1 else ("zxx" if t == "." else "en") for i, t in enumerate(toks))
        recs.append(Record(id=f"r{k}", src=Side(s, "en", toks, tuple(True for _ in toks)), tokens=toks,
                           langs=langs, spaces=tuple(True for _ in toks), text=s))
    one = naturalness(Context(), model=lm_dir, batch_size=1).score_batch(recs)
    many = naturalness(Context(), model=lm_dir, batch_size=16).score_batch(recs)
    assert one == many and all(one)


def test_in_a_run_through_augment(lm_dir):
    out = augment("The cat sleeps .", "बिल्ली सोती है ।", src_lang="en", tgt_lang="hi", recipe="noun-swap",
                  alignment="1-0 2-1 2-2 3-3", pretokenized=True,
                  score=["code_mixing", {"name": "naturalness", "options": {"model": lm_dir}}])
    rec = out[0]
    assert not rec.rejected, rec.reject_detail
    assert "naturalness" in rec.scores and "cmi" in rec.scores


def test_model_folder_is_checked(tmp_path):
    with pytest.raises(ConfigError, match="config.json"):
        naturalness(Context(), model=str(tmp_path))
