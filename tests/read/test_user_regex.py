"""Issue 16: a pathological user regex (dialup rule file, translit regex
predicate) is a ``regex_timeout`` reject of the record, never a hang."""
import time

import pytest
import yaml

from cs_synth.pipeline import user_regex
from cs_synth.pipeline.api import augment


def test_the_time_limit_stops_catastrophic_backtracking():
    rx = user_regex.compile(r"(a|aa)+$", "rule 'x'")
    assert rx.search("baaa").group() == "aaa" and [m.group() for m in rx.finditer("aa b aa")] == ["aa"]
    t0 = time.time()
    with pytest.raises(user_regex.RegexTimeout, match=r"rule 'x': pattern .* took more than 1 s"):
        rx.search("a" * 40 + "!")
    assert time.time() - t0 < 30
    with pytest.raises(Exception, match="invalid regular expression|missing"):
        from cs_synth.transforms.dialup.ruleset import _compile

        _compile("(unclosed", "char_rules 'bad'")


def test_a_dialup_rule_that_backtracks_forever_rejects_the_record(tmp_path):
    rules = {"language": "en", "char_rules": [{"id": "evil", "pattern": "(a|aa)+$", "replace": "b"}]}
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(rules))
    t0 = time.time()
    out = augment("the " + "a" * 40 + "! cat", None, src_lang="en", recipe="dialup", rules=str(path),
                  char_rate=1.0, pretokenized=True)
    assert time.time() - t0 < 60
    assert [r.reject_reason for r in out] == ["regex_timeout"]
    assert "evil" in out[0].reject_detail and "took more than" in out[0].reject_detail
