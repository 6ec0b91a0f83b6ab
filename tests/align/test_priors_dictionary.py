"""eflomal priors from a bilingual dictionary (``align.options.priors_dictionary``):
a small corpus cannot learn its word pairs; a dictionary says them up front."""
import collections

import pytest

from cs_synth.pipeline.align.aer import corpus_counts
from cs_synth.pipeline.align.eflomal_aligner import EflomalPriors, dictionary_priors, eflomal_factory, merge_priors
from cs_synth.pipeline.units import ConfigError, Context


def _dictionary_from_other_pairs(pairs, gold, held: range, path):
    """Word pairs that gold links join at least twice in the pairs outside
    ``held``: a dictionary learned elsewhere, never from the batch scored."""
    seen = collections.Counter()
    for k, ((s, t), (sure, _)) in enumerate(zip(pairs, gold)):
        if k in held:
            continue
        for i, j in sure:
            if s[i].isalpha() and t[j].isalpha():
                seen[(s[i].lower(), t[j].lower())] += 1
    entries = collections.defaultdict(list)
    for (a, b), n in sorted(seen.items()):
        if n >= 2:
            entries[a].append(b)
    path.write_text("# en -> fr, from gold links of other sentences\n"
                    + "".join(f"{a}\t{'|'.join(bs)}\n" for a, bs in sorted(entries.items())), encoding="utf-8")
    return len(entries)


@pytest.mark.parametrize("seed", [0, 1])
def test_a_dictionary_lowers_aer_on_a_small_batch(enfr, tmp_path, seed):
    pairs, gold = enfr
    held = range(200, 250)
    n = _dictionary_from_other_pairs(pairs, gold, held, tmp_path / "en-fr.tsv")
    assert n > 100
    batch = slice(held.start, held.stop)
    alone = eflomal_factory(Context(seed=seed, base_dir=str(tmp_path)), rel_iterations=0.3)
    helped = eflomal_factory(Context(seed=seed, base_dir=str(tmp_path)), rel_iterations=0.3,
                             priors_dictionary="en-fr.tsv")
    a = corpus_counts(alone.align(pairs[batch]), gold[batch]).aer
    b = corpus_counts(helped.align(pairs[batch]), gold[batch]).aer
    # measured: seed 0 0.307 -> 0.233, seed 1 0.305 -> 0.231 (232 entries, weight 2)
    assert b < a - 0.04, (a, b)
    # deterministic, and the priors survive pickling to a worker (rebuilt there from the file)
    import pickle

    again = pickle.loads(pickle.dumps(helped))
    assert again.align(pairs[batch]) == helped.align(pairs[batch])


def test_priors_are_normalised_like_the_corpus_and_shared_over_phrases():
    pri = dictionary_priors([(("Woman",), ("औरत", "महिला")), (("ice", "cream"), ("आइसक्रीम",))], 2.0,
                            lambda w: w.lower()[:3], lambda w: w.lower())
    assert pri.lex == (("cre", "आइसक्रीम", 1.0), ("ice", "आइसक्रीम", 1.0), ("wom", "औरत", 2.0),
                       ("wom", "महिला", 2.0))
    rev = dictionary_priors([(("woman",), ("औरत",))], 3.0, str, str, reverse=True)
    assert rev.lex == (("औरत", "woman", 3.0),)
    learned = EflomalPriors(lex=(("wom", "औरत", 1.5),), hmm_fwd=((1, 4.0),), n_pairs=7)
    both = merge_priors(learned, pri)
    assert ("wom", "औरत", 3.5) in both.lex and both.hmm_fwd == ((1, 4.0),) and both.n_pairs == 7
    assert merge_priors(None, pri) is pri and merge_priors(learned, None) is learned


def test_bad_dictionary_options_name_the_field(tmp_path):
    (tmp_path / "bad.tsv").write_text("woman\n", encoding="utf-8")
    ctx = Context(base_dir=str(tmp_path))
    with pytest.raises(ConfigError, match=r"align\.options\.priors_dictionary.*file not found"):
        eflomal_factory(ctx, priors_dictionary="missing.tsv")
    with pytest.raises(ConfigError, match=r"align\.options\.priors_dictionary: .*line 1"):
        eflomal_factory(ctx, priors_dictionary="bad.tsv")
    (tmp_path / "ok.tsv").write_text("woman\tfemme\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"align\.options\.priors_dictionary_weight: must be positive"):
        eflomal_factory(ctx, priors_dictionary="ok.tsv", priors_dictionary_weight=0)
