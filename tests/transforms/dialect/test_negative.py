"""Contexts where a feature must NOT apply (the constraints the rules encode)."""
import pytest

from .conftest import run_recipe


@pytest.mark.parametrize("fid, text", [
    (1, "It is raining."),                                  # dummy it
    (29, "My friends have invited me many times."),        # us for me only with giving/showing verbs
    (44, "It's raining."),                                  # deleting It would strand 's
    (48, "He coaches a children's team."),                  # not before the genitive 's
    (65, "We saw a film about two brothers."),              # prepositional about
    (70, "We drank coffee this morning."),                  # temporal this
    (74, "He coaches a children's team."),                  # indefinite possessor phrase
    (123, "Would you like a cup of tea?"),                  # polite would
    (128, "They went home."),                               # suppletive went is not regularized
    (174, "I am working."),                                 # am is never deleted
    (176, "These are my cousins."),                         # not after demonstratives
    (177, "I know he is."),                                 # never clause-final
    (202, "She showed me how to knit."),                    # wh-infinitive
    (216, "They went to bed."),                             # idiomatic to bed
    (221, "They finally arrived."),                         # sentence adverb keeps -ly
    (228, "Why aren't you coming?"),                        # negated operator stays
    (229, "You are coming."),                               # not a question
])
def test_feature_does_not_apply(fid, text):
    (out,) = run_recipe(text, features=[fid])
    assert out.rejected and out.reject_reason == "no_feature_applied", out.text
