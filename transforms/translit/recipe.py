"""The ``translit`` recipe: transliterate the whole text, the tokens of one
language, or the tokens a predicate selects.

Options (``factory(ctx, **options)``):

``backend``
    ``icu`` (the default; with ``transform_id``, any ICU transform or compound
    ID, e.g. ``Devanagari-Latin``, ``Latin-Devanagari``; default
    ``Any-Latin; Latin-ASCII``, any script to plain ASCII),
    ``sanscript`` (with ``scheme`` and ``source_scheme``, default
    ``devanagari``: e.g. devanagari -> iast / itrans / hk, or itrans ->
    devanagari), ``uroman`` (optional ``lcode``, ISO 639-3) or ``hinglish``
    (Devanagari -> casual Hinglish with schwa deletion, see
    :mod:`cs_synth.transforms.translit.hinglish`) or ``learned`` (with ``lexicon``, a
    ``native<TAB>roman<TAB>count`` file in Dakshina's format, relative to the
    config: lexicon words get their most frequent romanization, other words a
    pair n-gram model trained on the lexicon; ``loanwords`` (default true)
    gives English words written in Devanagari their English spelling;
    ``variation`` (default false) draws lexicon words among their attested
    spellings in proportion to their counts, seeded per record; ``neural``
    (default false, needs torch) adds the neural reranker for words outside
    the lexicon, two small networks trained once per lexicon (about six
    minutes on one core for Dakshina's) and cached on disk; ``pair_hints``
    (default false) spells a loanword the way the pair's English side does
    (फ़ेरी *ferry* when the English says "ferry", not the model's *fry*);
    see
    :mod:`cs_synth.transforms.translit.learned`).
``capitalize_names``
    (default false) a romanized token that spells a capitalized token of a
    name entity (PERSON, GPE, LOC, ORG, FAC, NORP) on the record's other
    side (at least :data:`NAME_SIMILARITY` alike) gets a capital first
    letter, so names read the same whether they were switched or romanized
    (*Madrid se Lima*, not *Madrid se lima*).  It goes by spelling, not by
    the alignment, whose stray links on a small corpus would capitalize
    verbs.  It needs entities on the other side (spaCy's, for English);
    without them nothing changes.  Only a result in a cased script whose
    first letter is lower case is touched.
``mode``
    ``text`` (every token), ``lang`` (tokens whose language tag is in
    ``langs``, e.g. romanize the ``hi`` tokens of a code-switched Hindi-English
    output to get Hinglish) or ``predicate`` (tokens that the registered
    predicate ``predicate`` with ``predicate_options`` selects; see
    :mod:`cs_synth.transforms.translit.predicates`).  When ``mode`` is not given it is
    ``lang`` if ``langs`` is given, ``predicate`` if ``predicate`` is, else
    ``text``.

Output: one record ``<id>/translit/0`` (``recipe`` joined with ``+`` after
earlier steps) built by :func:`cs_synth.transforms.common.build_output`.  A
transliterated token **keeps its language tag** (a romanized Hindi word is
still Hindi; the script is not a language), keeps its spacing, labels and
entity spans (character offsets are recomputed).  Each changed token is one
edit: ``unit="translit.v1"``, ``op="transliterate"``, ``before``/``after``
the token, ``detail="<backend>:<scheme>"`` (``icu:Devanagari-Latin``,
``sanscript:devanagari>iast``, ``uroman:hin``, ``hinglish:casual``).

Text the backend cannot handle is never dropped and never rejected: when no
token changed, the record passes through with its text unchanged and one
marker edit ``op="unchanged"`` whose ``detail`` says why:
``no_selected_tokens`` (the mode selected nothing, e.g. no ``hi`` token) or
``no_applicable_tokens`` (tokens were selected but the backend left them as
they were, e.g. Latin text given to ``Devanagari-Latin``).  A token on which
the backend raises is left unchanged and gets an ``op="unchanged"`` edit with
``detail="backend_error:<backend>:<scheme>:<ExceptionName>"``.  Downstream
filters can drop pass-throughs by that marker.  A record with no tokens at
all is rejected with ``no_tokens``.
"""
from __future__ import annotations

import unicodedata
from typing import Dict, Optional, Sequence, Tuple, Union

from cs_synth.pipeline.langs import LANG_INDEPENDENT
from cs_synth.pipeline.record import Edit, Record
from cs_synth.pipeline.registry import register_recipe
from cs_synth.pipeline.units import ConfigError, Context
from cs_synth.transforms.common import Base, Replacement, build_output
from cs_synth.transforms.translit.backends import Backend, build_backend
from cs_synth.transforms.translit.predicates import Predicate, build_predicate

UNIT = "translit.v1"
RECIPE = "translit"
MODES = ("text", "lang", "predicate")
#: what ``backend: icu`` uses when no ``transform_id`` is given: any script to plain ASCII
DEFAULT_ICU_ID = "Any-Latin; Latin-ASCII"

NO_SELECTED = "no_selected_tokens"
NO_APPLICABLE = "no_applicable_tokens"


class Transliterate:
    """``(record, rng) -> [record]``; deterministic (uses no randomness)."""

    name = UNIT
    recipe = RECIPE

    def __init__(self, backend: Backend, mode: str = "text", langs: Sequence[str] = (),
                 predicate: Optional[Predicate] = None, capitalize_names: bool = False):
        self.backend = backend
        self.mode = mode
        self.langs = frozenset(langs)
        self.predicate = predicate
        self.capitalize_names = bool(capitalize_names)

    def selected(self, token: str, lang: str) -> bool:
        if self.mode == "text":
            return True
        if self.mode == "lang":
            return lang in self.langs
        return bool(self.predicate(token, lang))

    def __call__(self, record: Record, rng=None):
        base = Base.or_passthrough(record, self.name, "transliterate")
        if isinstance(base, Record):
            yield base
            return
        detail = self.backend.detail
        reps, failed = [], []
        n_selected = 0
        names = name_words(record) if self.capitalize_names else ()
        hints, caps = pair_english_words(record) if getattr(self.backend, "uses_hints", False) else ((), {})
        for i, (tok, lang) in enumerate(zip(base.tokens, base.langs)):
            if not self.selected(tok, lang):
                # mode lang: a language-independent token (the danda, native
                # digits) goes with the script around it, without counting
                # as a selected token
                if not (self.mode == "lang" and lang == LANG_INDEPENDENT):
                    continue
            else:
                n_selected += 1
            try:
                if hints:  # the pair's English words (learned backend, pair_hints), and their capitals
                    new = unicodedata.normalize("NFC", self.backend.transliterate(
                        tok, rng if getattr(self.backend, "uses_rng", False) else None, hints))
                    new = caps.get(new, new)
                elif getattr(self.backend, "uses_rng", False):  # casual variation: the record's own stream
                    new = unicodedata.normalize("NFC", self.backend.transliterate(tok, rng))
                else:
                    new = unicodedata.normalize("NFC", self.backend.transliterate(tok))
            except Exception as exc:  # noqa: BLE001 - a token the backend chokes on stays as it is
                failed.append(Edit(unit=self.name, op="unchanged", src_start=i, src_end=i + 1, out_start=i,
                                   out_end=i + 1, before=tok, after=tok,
                                   detail=f"backend_error:{detail}:{type(exc).__name__}"))
                continue
            if names and new[:1].islower() and new[:1].upper() != new[:1] and is_name(new, names):
                new = new[:1].upper() + new[1:]
            if new and new != tok:
                reps.append(Replacement(i, i + 1, (new,), (lang,), op="transliterate", detail=detail))
        out = build_output(record, base, reps, unit=self.name, recipe=self.recipe)
        extra = list(failed)
        if not reps:
            why = NO_SELECTED if n_selected == 0 else NO_APPLICABLE
            extra.append(Edit(unit=self.name, op="unchanged", detail=why))
        if extra:
            out = out.evolve(edits=out.edits + tuple(extra))
        yield out

    def __repr__(self) -> str:
        return f"<Transliterate {self.backend.detail} mode={self.mode}>"


#: entity labels whose tokens are names (spaCy's OntoNotes scheme)
NAME_LABELS = frozenset({"PERSON", "GPE", "LOC", "ORG", "FAC", "NORP"})
#: how alike (difflib's ratio, 2 * matches / total length) a romanized word
#: and a name of the other side must be for the word to be that name
NAME_SIMILARITY = 0.75


def name_words(record: Record) -> Tuple[str, ...]:
    """The casefolded capitalized tokens (3+ letters) inside the
    :data:`NAME_LABELS` entities of the record's other side."""
    other = record.tgt
    if other is None or not other.entities:
        return ()
    return tuple(sorted({other.tokens[j].casefold() for e in other.entities if e.label in NAME_LABELS
                         for j in range(e.start, min(e.end, len(other.tokens)))
                         if other.tokens[j][:1].isupper() and len(other.tokens[j]) >= 3}))


def pair_english_words(record: Record) -> Tuple[Tuple[str, ...], Dict[str, str]]:
    """The words of the pair's English side(s), casefolded, with their
    lemmas (*cup* for "cups": Hindi writes दो कप), ASCII letters only,
    3+ letters, English function words (spaCy's stop words) left out,
    sorted: the spellings a loanword may take; and the capitalized form of
    those the English writes with a capital after its first token
    (*January*, *Accra*)."""
    from cs_synth.transforms.boundary import stop_words

    stops = stop_words("en")
    out, caps = set(), {}
    for side in (record.src, record.tgt):
        if side is None or side.lang != "en":
            continue
        for k, w in enumerate(tuple(side.tokens) + tuple(side.lemmas or ())):
            low = w.casefold()
            if len(low) >= 3 and low.isascii() and low.isalpha() and low not in stops:
                out.add(low)
                if 0 < k < len(side.tokens) and w[:1].isupper() and not w.isupper():
                    caps.setdefault(low, w)
    return tuple(sorted(out)), caps


def is_name(word: str, names: Sequence[str]) -> bool:
    """Whether a romanized word spells one of ``names`` (at least
    :data:`NAME_SIMILARITY` alike: *lima* / Lima, *singapur* / Singapore)."""
    import difflib

    w = word.casefold()
    if len(w) < 3:
        return False
    return any(difflib.SequenceMatcher(None, w, n).ratio() >= NAME_SIMILARITY for n in names)


def _langs(value) -> tuple:
    if isinstance(value, str):
        value = [value]
    if not value or not all(isinstance(v, str) and v for v in value):
        raise ConfigError("option 'langs' is required for mode 'lang': the language tags whose tokens to "
                          "transliterate, e.g. [hi]")
    return tuple(value)


@register_recipe("translit", description="transliterate the whole text, the tokens of given languages, or the "
                 "tokens a predicate selects (ICU, indic-transliteration, uroman, casual Hinglish)",
                 paper="Hinglish schwa deletion after Ohala (1983); selective transliteration as in Micallef "
                       "et al. (2024) for Maltese")
def translit_factory(ctx: Context, backend: str = "icu", transform_id: Optional[str] = None,
                     scheme: Optional[str] = None, source_scheme: Optional[str] = None,
                     lcode: Optional[str] = None, lexicon: Optional[str] = None,
                     loanwords: Optional[bool] = None, variation: Optional[bool] = None,
                     neural: Optional[bool] = None, pair_hints: Optional[bool] = None,
                     capitalize_names: bool = False,
                     mode: Optional[str] = None,
                     langs: Union[str, Sequence[str], None] = None, predicate: Optional[str] = None,
                     predicate_options: Optional[dict] = None) -> Transliterate:
    if backend == "icu" and transform_id is None:
        transform_id = DEFAULT_ICU_ID
    be = build_backend(backend, transform_id=transform_id, scheme=scheme, source_scheme=source_scheme,
                       lcode=lcode, lexicon=lexicon, loanwords=loanwords, variation=variation,
                       neural=neural, pair_hints=pair_hints, base_dir=getattr(ctx, "base_dir", None))
    if mode is None:  # inferred from the other options
        mode = "lang" if langs is not None else "predicate" if predicate is not None else "text"
    if mode not in MODES:
        raise ConfigError(f"option 'mode': unknown mode {mode!r}; valid modes: {', '.join(MODES)}")
    if mode != "lang" and langs is not None:
        raise ConfigError(f"option 'langs' only applies to mode 'lang' (mode is {mode!r})")
    if mode != "predicate" and (predicate is not None or predicate_options is not None):
        raise ConfigError(f"options 'predicate'/'predicate_options' only apply to mode 'predicate' (mode is {mode!r})")
    if mode == "lang":
        return Transliterate(be, mode, langs=_langs(langs), capitalize_names=capitalize_names)
    if mode == "predicate":
        if predicate is None:
            from cs_synth.transforms.translit.predicates import predicate_names

            raise ConfigError(f"option 'predicate' is required for mode 'predicate'; known: "
                              f"{', '.join(predicate_names())}")
        return Transliterate(be, mode, predicate=build_predicate(ctx, predicate, predicate_options or {}),
                             capitalize_names=capitalize_names)
    return Transliterate(be, mode, capitalize_names=capitalize_names)
