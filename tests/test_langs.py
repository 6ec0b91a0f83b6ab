"""Language tags in the config are normalized with langcodes (issue 12/16)."""
import pytest

from cs_synth.pipeline.config import parse_config
from cs_synth.pipeline.langs import normalize_tag
from cs_synth.pipeline.units import ConfigError


def _cfg(tmp_path, **langs):
    return parse_config({"input": {"format": "text", "path": "c.txt", **langs}, "align": None},
                        base_dir=str(tmp_path))


@pytest.mark.parametrize("given, tag", [("eng", "en"), ("EN", "en"), ("en-US", "en-US"), ("en_US", "en-US"),
                                        ("hin", "hi"), ("deu", "de"), ("zh-Hant", "zh-Hant"),
                                        ("hi-Latn", "hi-Latn"), (" fr ", "fr")])
def test_tags_are_normalized(tmp_path, given, tag):
    assert normalize_tag(given) == tag
    assert _cfg(tmp_path, src_lang=given).input.src_lang == tag
    assert _cfg(tmp_path, src_lang="en", tgt_lang=given).input.tgt_lang == tag


@pytest.mark.parametrize("bad", ["English", "klingon", "x", "", "xx", "en--US"])
def test_bad_tags_name_the_field(tmp_path, bad):
    with pytest.raises(ConfigError, match=r"input\.src_lang: .*(tag|language)"):
        _cfg(tmp_path, src_lang=bad)
    if bad:
        with pytest.raises(ConfigError, match=r"input\.tgt_lang: "):
            _cfg(tmp_path, src_lang="en", tgt_lang=bad)


def test_an_empty_target_means_no_target_side(tmp_path):
    assert _cfg(tmp_path, src_lang="en", tgt_lang="").input.tgt_lang == ""
