"""AER, precision and recall against hand-computed values, through the
library and through ``cs-synth align-eval``."""
import json

import pytest

from cs_synth.pipeline.align import evaluate
from cs_synth.pipeline.align.aer import AERCounts, corpus_counts, sentence_counts

# Sentence 1: sure S = {0-0, 1-1}, possible P = S + {1-2};
#   predicted A = {0-0, 1-2, 2-2}: |A|=3, |S|=2, |A&S|=1 (0-0), |A&P|=2 (0-0, 1-2)
#   AER = 1 - (1+2)/(3+2) = 0.4, precision 2/3, recall 1/2.
# Sentence 2: S = {0-0}, A = {0-0}: |A|=1, |S|=1, |A&S|=1, |A&P|=1.
# Corpus: |A|=4, |S|=3, |A&S|=2, |A&P|=3: AER = 1 - 5/7 = 2/7,
#   precision 3/4, recall 2/3.
S1, P1, A1 = [(0, 0), (1, 1)], [(1, 2)], [(0, 0), (1, 2), (2, 2)]
S2, P2, A2 = [(0, 0)], [], [(0, 0)]


def test_sentence_counts_by_hand():
    c = sentence_counts(A1, S1, P1)
    assert c == AERCounts(predicted=3, sure=2, hit_sure=1, hit_possible=2)
    assert c.aer == pytest.approx(0.4)
    assert c.precision == pytest.approx(2 / 3)
    assert c.recall == pytest.approx(0.5)


def test_corpus_counts_sum_over_sentences():
    c = corpus_counts([A1, A2], [(S1, P1), (S2, P2)])
    assert c == AERCounts(predicted=4, sure=3, hit_sure=2, hit_possible=3)
    assert c.aer == pytest.approx(2 / 7)
    assert c.precision == pytest.approx(3 / 4)
    assert c.recall == pytest.approx(2 / 3)


def test_perfect_and_empty():
    assert sentence_counts([(0, 0)], [(0, 0)]).aer == 0.0
    # nothing predicted: precision 0 by convention, AER 1 - 0/|S|
    c = sentence_counts([], [(0, 0)], [])
    assert (c.precision, c.recall, c.aer) == (0.0, 0.0, 1.0)
    # possible links given with the sure ones repeated count once
    assert sentence_counts([(0, 1)], [(0, 0)], [(0, 0), (0, 1)]) == AERCounts(1, 1, 0, 1)


def test_mismatched_lengths():
    with pytest.raises(ValueError, match="1 predicted alignments for 2 gold"):
        corpus_counts([A1], [(S1, P1), (S2, P2)])


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def _gold_files(tmp_path):
    pairs = _write(tmp_path, "pairs.src-tgt", "a b c   ||| x y z  \nd ||| w\n")
    gold = _write(tmp_path, "gold", "1-1 2-2 2p3\n1-1\n")          # 1-based, like the shared files
    predicted = _write(tmp_path, "pred", "0-0 1-2 2-2\n0-0\n")     # 0-based
    return pairs, gold, predicted


def test_align_eval_reproduces_hand_computed_aer(tmp_path, capsys):
    pairs, gold, predicted = _gold_files(tmp_path)
    rc = evaluate.main(["--pairs", pairs, "--gold", gold, "--aligner", "given", "--given", predicted])
    assert rc == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    result = json.loads(last)
    assert result["aer"] == round(2 / 7, 6)
    assert result["precision"] == 0.75
    assert result["recall"] == round(2 / 3, 6)
    assert (result["n_pairs"], result["aligner"], result["predicted_links"], result["sure_links"]) == (2, "given", 4, 3)


def test_align_eval_gold_index_base_zero(tmp_path, capsys):
    pairs, _, predicted = _gold_files(tmp_path)
    gold0 = _write(tmp_path, "gold0", "0-0 1-1 1p2\n0-0\n")
    assert evaluate.main(["--pairs", pairs, "--gold", gold0, "--gold-index-base", "0",
                          "--aligner", "given", "--given", predicted]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["aer"] == round(2 / 7, 6)


def test_align_eval_wrong_index_base_is_reported(tmp_path, capsys):
    pairs, gold, predicted = _gold_files(tmp_path)
    rc = evaluate.main(["--pairs", pairs, "--gold", gold, "--gold-index-base", "0",
                        "--aligner", "given", "--given", predicted])
    assert rc == 2
    err = capsys.readouterr().err
    assert "gold:1: link '2p3'" in err and "--gold-index-base 1" in err


@pytest.mark.parametrize("args,message", [
    (["--aligner", "nope"], "unknown aligner 'nope'"),
    (["--aligner", "eflomal", "--symmetrize", "diagonal"], "align.options.symmetrize"),
    (["--aligner", "eflomal", "-O", "bogus=1"], "align.options.bogus: unknown option"),
    (["--aligner", "given"], "needs --given FILE"),
])
def test_align_eval_bad_options(tmp_path, capsys, args, message):
    pairs, gold, _ = _gold_files(tmp_path)
    assert evaluate.main(["--pairs", pairs, "--gold", gold] + args) == 2
    assert message in capsys.readouterr().err


def test_align_eval_malformed_pairs_file(tmp_path, capsys):
    pairs = _write(tmp_path, "bad", "a b ||| c\nno separator here\n")
    gold = _write(tmp_path, "gold", "1-1\n1-1\n")
    assert evaluate.main(["--pairs", pairs, "--gold", gold, "--aligner", "given", "--given", gold]) == 2
    assert "bad:2: expected 'source ||| target'" in capsys.readouterr().err


def test_align_eval_eflomal_with_extra_text(tmp_path, capsys, shared_dir):
    gold_dir = shared_dir / "data" / "alignment-gold"
    lines = (gold_dir / "enfr.src-tgt").read_text(encoding="utf-8").splitlines()
    gold = (gold_dir / "enfr.gold").read_text(encoding="utf-8").splitlines()
    pairs = _write(tmp_path, "eval.src-tgt", "\n".join(lines[:60]) + "\n")
    gold60 = _write(tmp_path, "eval.gold", "\n".join(gold[:60]) + "\n")
    src = _write(tmp_path, "extra.en", "\n".join(l.split(" ||| ")[0] for l in lines[60:]) + "\n")
    tgt = _write(tmp_path, "extra.fr", "\n".join(l.split(" ||| ")[1] for l in lines[60:]) + "\n")
    results = {}
    for use in ("priors", "train"):
        out = tmp_path / f"pred-{use}"
        assert evaluate.main(["--pairs", pairs, "--gold", gold60, "--aligner", "eflomal", "--extra-src", src,
                              "--extra-tgt", tgt, "--extra-use", use, "-O", "rel_iterations=0.3",
                              "--output", str(out)]) == 0
        results[use] = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert len(out.read_text().splitlines()) == 60
    assert results["priors"]["learned_priors"] is True and results["train"]["learned_priors"] is False
    assert results["priors"]["extra_pairs"] == len(lines) - 60
    assert results["priors"]["options"] == {"rel_iterations": 0.3}
    for r in results.values():
        assert 0.0 < r["aer"] < 0.35 and r["n_pairs"] == 60


def test_align_eval_keeps_unicode_space_tokens(tmp_path, capsys):
    """A gold set whose sentences hold an ideographic space (U+3000) token
    and a U+2028 inside a token: one token per gold index, no crash."""
    pairs = tmp_path / "p.src-tgt"
    pairs.write_text("我 \u3000 爱 ||| I \u2028x love\n", encoding="utf-8")
    gold = tmp_path / "g.gold"
    gold.write_text("1-1 3-3 2p2\n", encoding="utf-8")
    predicted = tmp_path / "pred"
    predicted.write_text("0-0 2-2\n", encoding="utf-8")
    assert evaluate.read_pairs(str(pairs)) == [(("我", "\u3000", "爱"), ("I", "\u2028x", "love"))]
    rc = evaluate.main(["--pairs", str(pairs), "--gold", str(gold), "--aligner", "given", "--given", str(predicted)])
    assert rc == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["precision"] == 1.0 and result["recall"] == 1.0 and result["aer"] == 0.0
