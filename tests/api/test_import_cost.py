"""augment() latency work (issue 17): spaCy imported without torch where no
unit needs it, the dialect transform's parse cache, and rule recipes over
pretokenized input that import neither spaCy nor inflect."""
import json
import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

CHILD = r"""
import json, sys
from cs_synth.pipeline import augment
# not pretokenized: spaCy's tokenizer runs (pretokenized input would not import spaCy at all)
out = augment("My sister works as a nurse in Leeds .", src_lang="en", recipe="word",
              dictionaries={"es": sys.argv[1]}, probability=0.5)
assert "spacy" in sys.modules
import thinc.compat
state = {"torch_loaded": "torch" in sys.modules, "thinc_has_torch": thinc.compat.has_torch,
         "text": [r.text for r in out]}
try:
    import torch  # a unit that needs torch still gets it
    state["torch_after"] = torch.tensor([1, 2]).sum().item() == 3
except ImportError:
    state["torch_after"] = None
print(json.dumps(state))
"""


def _child(env_extra):
    env = {k: v for k, v in os.environ.items() if k != "CS_SYNTH_SPACY_TORCH"}
    env.update(env_extra)
    lex = os.path.join(REPO, "samples", "lexicons", "en-es.tsv")
    proc = subprocess.run([sys.executable, "-c", CHILD, lex], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_augment_does_not_import_torch_and_torch_still_imports_later():
    torch_installed = _child({"CS_SYNTH_SPACY_TORCH": "1"})["thinc_has_torch"]
    plain = _child({})
    assert plain["torch_loaded"] is False
    assert plain["thinc_has_torch"] is False
    if torch_installed:
        assert plain["torch_after"] is True


def test_env_brings_torch_back_and_outputs_do_not_depend_on_it():
    plain = _child({})
    with_torch = _child({"CS_SYNTH_SPACY_TORCH": "1"})
    pytest.importorskip("torch")
    assert with_torch["thinc_has_torch"] is True
    assert with_torch["torch_loaded"] is True
    assert with_torch["text"] == plain["text"]


def test_spacy_needs_torch_reads_env(monkeypatch):
    from cs_synth.pipeline import units

    monkeypatch.setenv("CS_SYNTH_SPACY_TORCH", "1")
    assert units.spacy_needs_torch() is True
    monkeypatch.setenv("CS_SYNTH_SPACY_TORCH", "0")
    # false unless a spaCy torch plugin is installed
    from importlib import metadata

    def installed(d):
        try:
            metadata.distribution(d)
            return True
        except metadata.PackageNotFoundError:
            return False

    assert units.spacy_needs_torch() is any(installed(d) for d in units.SPACY_TORCH_PLUGINS)


def _dialect(sentence, k):
    from cs_synth.pipeline import augment

    return [(r.text, r.edits, r.rejected) for r in
            augment(sentence, src_lang="en", recipe="dialect", features=[158, 77, 154], record_id=f"t:{k:04d}")]


def test_dialect_parse_cache_gives_the_uncached_records():
    from cs_synth.transforms.dialect import transform

    sents = ["He doesn't like me.", "She doesn't know where they went .", "They don't want it."]
    cached = [_dialect(s, k) for k in range(3) for s in sents]
    assert len(transform._PARSES) >= len(sents)
    fresh = []
    for k in range(3):
        for s in sents:
            transform._PARSES.clear()
            fresh.append(_dialect(s, k))
    assert cached == fresh


def test_dialect_parse_cache_is_bounded(monkeypatch):
    from cs_synth.transforms.dialect import transform

    monkeypatch.setattr(transform, "_PARSES_MAX", 2)
    transform._PARSES.clear()
    for k, s in enumerate(["He doesn't like me.", "She doesn't like him.", "They don't like us.",
                           "We don't like them."]):
        _dialect(s, k)
    assert len(transform._PARSES) == 2


# ------------------------------------------------ rule recipes without spaCy
PRETOKENIZED = r"""
import json, sys
lex, mode = sys.argv[1], sys.argv[2]
if mode == "force":  # the paths the shortcuts skip: spaCy's blank pipeline over the given words, inflect
    from cs_synth.pipeline.annotate import spacy_annotator
    from cs_synth.transforms import boundary

    spacy_annotator.SpacyAnnotator._blank_side = lambda self, side, which: None
    boundary._plain_article = lambda word: None
from cs_synth.pipeline import augment

calls = [dict(src="My sister works as a nurse in Leeds .", src_lang="en", recipe="word", pretokenized=True,
              dictionaries={"es": lex}, probability=0.5, record_id=f"t:{k:04d}") for k in range(6)]
calls.append(dict(src="मैं बाजार जा रहा हूँ ।", src_lang="hi", recipe="translit", backend="hinglish", langs=["hi"],
                  pretokenized=True))
calls.append(dict(src="The cat sleeps .", tgt="बिल्ली सोती है ।", src_lang="en", tgt_lang="hi", recipe="word",
                  alignment="1-0 2-1 2-2 3-3", pretokenized=True, dictionaries={"es": lex}, probability=1.0))
records = []
for kw in calls:
    src, tgt = kw.pop("src"), kw.pop("tgt", None)
    records += [repr(r) for r in augment(src, tgt, **kw)]
print(json.dumps({"records": records,
                  "loaded": sorted(m for m in ("spacy", "inflect", "typeguard", "torch", "numpy") if m in sys.modules)}))
"""


def _pretokenized(mode):
    lex = os.path.join(REPO, "samples", "lexicons", "en-es.tsv")
    proc = subprocess.run([sys.executable, "-c", PRETOKENIZED, lex, mode], cwd=REPO, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_pretokenized_rule_recipes_import_neither_spacy_nor_inflect():
    plain = _pretokenized("plain")
    assert plain["loaded"] == []  # no spacy, inflect, typeguard, torch or numpy after word and translit calls
    assert any("an enfermera" in r and "repair_article" in r for r in plain["records"])  # an article was repaired
    assert any("bajaar" in r for r in plain["records"])
    # the same records as through spaCy's blank pipeline and inflect
    forced = _pretokenized("force")
    assert "spacy" in forced["loaded"] and "inflect" in forced["loaded"]
    assert "torch" not in forced["loaded"]
    assert forced["records"] == plain["records"]


NEEDS_SPACY = r"""
import json, sys
from cs_synth.pipeline import augment

lex = sys.argv[1]
out = augment("The cat sleeps .", "बिल्ली सोती है ।", src_lang="en", tgt_lang="hi", recipe="noun-swap",
              alignment="1-0 2-1 2-2 3-3", pretokenized=True)
honor = augment("I met a nurse .", src_lang="en", recipe="word", pretokenized=True, dictionaries={"es": lex},
                probability=1.0)
print(json.dumps({"noun_swap": [r.text for r in out], "honor": [r.text for r in honor],
                  "loaded": sorted(m for m in ("spacy", "inflect", "torch") if m in sys.modules)}))
"""


def test_recipes_that_need_spacy_or_inflect_still_get_them(tmp_path):
    lex = tmp_path / "en-es.tsv"
    lex.write_text("nurse\thonor\nmet\tconocí\n", encoding="utf-8")  # "honor": inflect decides (an honor)
    proc = subprocess.run([sys.executable, "-c", NEEDS_SPACY, str(lex)], cwd=REPO, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    state = json.loads(proc.stdout.strip().splitlines()[-1])
    assert state["noun_swap"] == ["The बिल्ली sleeps ."]  # noun-swap needs POS tags: a trained spaCy pipeline
    assert state["honor"] == ["I conocí an honor ."]
    assert state["loaded"] == ["inflect", "spacy"]


def test_plain_articles_agree_with_inflect():
    """Every word the shortcut decides gets inflect's article: all strings of
    up to three characters over letters that start every rule of inflect's,
    in both cases, with the marks its abbreviation and ordinal rules read."""
    import itertools

    inflect = pytest.importorskip("inflect")
    from cs_synth.transforms import boundary

    engine = inflect.engine()
    alphabet = "abcdefghiklmnopqrstuvwxyzABEFHIKLMSTUWXY.-1' "
    decided = 0
    for n in (1, 2, 3):
        for chars in itertools.product(alphabet, repeat=n):
            word = "".join(chars)
            plain = boundary._plain_article(word)
            if plain is None:
                continue
            decided += 1
            assert plain == engine.a(word).split(" ", 1)[0].lower(), word
    for word in ("enfermera", "euro", "Ewe", "hour", "honest", "university", "one", "FBI", "yttrium", "x-ray", "8th"):
        plain = boundary._plain_article(word)
        assert plain is None or plain == engine.a(word).split(" ", 1)[0].lower(), word
    assert decided > 30000
    assert boundary._plain_article("hour") is None and boundary._plain_article("euro") is None


ARTICLES_CHILD = r"""
import json, sys
words = json.loads(sys.argv[2])
if sys.argv[1] == "plain":  # inflect imported as anyone would, typeguard and all
    import inflect
    engine = inflect.engine()
else:
    if sys.argv[1] == "typeguard-first":
        import typeguard
        before = typeguard
    from cs_synth.transforms import boundary
    engine = boundary._inflect()
answers = [engine.a(w) for w in words] + [engine.plural(w) for w in words if w.isalpha()]
state = {"answers": answers, "typeguard": "typeguard" in sys.modules}
if sys.argv[1] == "typeguard-first":
    state["same_typeguard"] = sys.modules["typeguard"] is before
    state["checks"] = hasattr(sys.modules["typeguard"], "check_type")
print(json.dumps(state))
"""

#: the words the plain-article shortcut leaves to inflect (h, u, o, eu, y,
#: capitals, digits), and some that it decides
ARTICLE_WORDS = ["hour", "honest", "house", "heir", "university", "umbrella", "one", "onion", "euro", "Ewe",
                 "FBI", "FBI agent", "NASA", "yttrium", "year", "x-ray", "8th", "11", "SQL", "unicorn", "cat", "apple"]


def _articles(mode):
    proc = subprocess.run([sys.executable, "-c", ARTICLES_CHILD, mode, json.dumps(ARTICLE_WORDS)], cwd=REPO,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_inflect_is_imported_without_typeguard_and_answers_the_same():
    """boundary._inflect() imports inflect with a do-nothing ``typechecked``
    (typeguard instruments inflect's source at import, ~2 s): typeguard stays
    out of the process, and every article and plural is what inflect
    imported as usual gives; a typeguard imported before is left in place."""
    plain = _articles("plain")
    assert plain["typeguard"] is True
    fast = _articles("boundary")
    assert fast["typeguard"] is False
    assert fast["answers"] == plain["answers"]
    assert "an hour" in fast["answers"] and "a university" in fast["answers"]
    first = _articles("typeguard-first")
    assert first["answers"] == plain["answers"]
    assert first["same_typeguard"] is True and first["checks"] is True


def test_empty_word_article_as_when_typeguard_refused_it():
    """inflect's typeguard check refused an empty word (article_for fell
    back to its first-letter rule, 'an' for ''); without typeguard,
    article_for refuses it itself and gives the same."""
    from cs_synth.transforms import boundary

    assert boundary.article_for("") == "an"
    assert boundary.article_for("hour") == "an" and boundary.article_for("university") == "a"
