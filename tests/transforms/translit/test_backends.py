"""Each backend on real input (forward and reverse), and the configuration
errors: unknown ICU transform / sanscript scheme list the valid ones."""
import pytest

from cs_synth.pipeline.units import ConfigError
from cs_synth.transforms.translit.backends import (IcuBackend, SanscriptBackend, UromanBackend, _require, build_backend,
                                          icu_available_ids, sanscript_schemes)


@pytest.mark.parametrize("transform_id,text,expected", [
    ("Devanagari-Latin", "नमस्ते दुनिया", "namastē duniyā"),
    ("Any-Latin; Latin-ASCII", "नमस्ते", "namaste"),
    ("Any-Latin; Latin-ASCII", "Привет мир", "Privet mir"),
    ("Cyrillic-Latin", "Москва", "Moskva"),
    ("Greek-Latin", "Αθήνα", "Athḗna"),
    # reverse direction: Latin -> native script
    ("Latin-Devanagari", "ghara", "घर"),
    ("Latin-Cyrillic", "Moskva", "Москва"),
    ("Latin-Greek", "Athena", "Ἀθενα"),
])
def test_icu_golden(transform_id, text, expected):
    be = build_backend("icu", transform_id=transform_id)
    assert be.transliterate(text) == expected
    assert be.detail == f"icu:{transform_id}"


def test_icu_filtered_compound_id():
    be = IcuBackend("[:Devanagari:] Any-Latin")
    assert be.transliterate("घर дом") == "ghara дом"


@pytest.mark.parametrize("source,scheme,text,expected", [
    ("devanagari", "iast", "नमस्ते दुनिया", "namaste duniyā"),
    ("devanagari", "itrans", "दुनिया", "duniyA"),
    ("devanagari", "hk", "दुनिया", "duniyA"),
    ("devanagari", "iast", "कृष्ण", "kṛṣṇa"),
    # reverse direction
    ("itrans", "devanagari", "namaste duniyA", "नमस्ते दुनिया"),
    ("iast", "devanagari", "kṛṣṇa", "कृष्ण"),
    ("hk", "devanagari", "duniyA", "दुनिया"),
])
def test_sanscript_golden(source, scheme, text, expected):
    be = build_backend("sanscript", scheme=scheme, source_scheme=source)
    assert be.transliterate(text) == expected
    assert be.detail == f"sanscript:{source}>{scheme}"


def test_sanscript_round_trip():
    fwd = SanscriptBackend("itrans")
    back = SanscriptBackend("devanagari", source_scheme="itrans")
    for word in ("नमस्ते", "दुनिया", "भारत", "किताब"):
        assert back.transliterate(fwd.transliterate(word)) == word


@pytest.mark.parametrize("lcode,text,expected", [
    (None, "Привет мир", "Privet mir"),
    (None, "नमस्ते दुनिया", "namaste duniyaa"),
    ("hin", "नमस्ते", "namaste"),
])
def test_uroman_golden(lcode, text, expected):
    be = build_backend("uroman", lcode=lcode)
    assert be.transliterate(text) == expected
    assert be.detail == ("uroman:" + lcode if lcode else "uroman")


def test_hinglish_backend():
    be = build_backend("hinglish")
    assert be.transliterate("दुनिया") == "duniya"
    assert be.detail == "hinglish:casual"


def test_unknown_icu_id_lists_valid_ids():
    with pytest.raises(ConfigError) as exc:
        build_backend("icu", transform_id="Devanagri-Latin")
    msg = str(exc.value)
    assert "transform_id" in msg and "'Devanagri-Latin'" in msg
    assert "Did you mean: Devanagari-Latin" in msg
    ids = icu_available_ids()
    assert len(ids) > 100
    assert all(i in msg for i in ids)  # the full list of valid IDs


def test_unknown_piece_of_compound_icu_id_is_named():
    with pytest.raises(ConfigError) as exc:
        build_backend("icu", transform_id="Any-Latin; Latin-ASCIII")
    msg = str(exc.value)
    assert "unknown ICU transform 'Latin-ASCIII'" in msg
    assert "Latin-ASCII" in msg.split("Did you mean:")[1].split("?")[0]


def test_unknown_sanscript_scheme_lists_schemes():
    with pytest.raises(ConfigError) as exc:
        build_backend("sanscript", scheme="iastt")
    msg = str(exc.value)
    assert "option 'scheme'" in msg and "Did you mean: iast" in msg
    assert all(s in msg for s in sanscript_schemes())
    with pytest.raises(ConfigError, match="option 'source_scheme'"):
        build_backend("sanscript", scheme="iast", source_scheme="devnagari")


@pytest.mark.parametrize("kwargs,match", [
    ({"backend": "foo"}, "valid backends: icu, sanscript, uroman, hinglish"),
    ({"backend": "icu"}, "option 'transform_id' is required"),
    ({"backend": "sanscript"}, "option 'scheme' is required"),
    ({"backend": "sanscript", "scheme": "iast", "source_scheme": "iast"}, "nothing to transliterate"),
    ({"backend": "icu", "transform_id": "Devanagari-Latin", "scheme": "iast"}, "'scheme' does not apply"),
    ({"backend": "hinglish", "transform_id": "Any-Latin"}, "'transform_id' does not apply"),
    ({"backend": "uroman", "lcode": "hi"}, "ISO 639-3"),
])
def test_backend_option_errors(kwargs, match):
    backend = kwargs.pop("backend")
    with pytest.raises(ConfigError, match=match):
        build_backend(backend, **kwargs)


def test_missing_library_names_the_package():
    with pytest.raises(ConfigError) as exc:
        _require("cs_synth_no_such_module", "some-package")
    assert "pip install some-package" in str(exc.value) and "cs-synth[translit]" in str(exc.value)


def test_backends_pickle_without_live_objects():
    import pickle

    be = IcuBackend("Devanagari-Latin")
    be.transliterate("घर")
    clone = pickle.loads(pickle.dumps(be))
    assert clone.transliterate("घर") == "ghara"
    u = pickle.loads(pickle.dumps(UromanBackend("hin")))
    assert u.detail == "uroman:hin"
