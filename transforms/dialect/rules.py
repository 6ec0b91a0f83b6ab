"""Building blocks for eWAVE feature rules.

A rule reads a parsed spaCy ``Doc`` and proposes :class:`Hit` s: one
contiguous token span ``[start, end)`` of the doc replaced by new tokens
(an *insert* when the span is empty, a *delete* when there are no new
tokens).  Rules never touch the doc and never draw random numbers; the
engine (:mod:`cs_synth.transforms.dialect.engine`) decides which hits apply.

Three kinds of rule, from most to least declarative:

* :class:`LexRule` - a spaCy ``Matcher`` token pattern over one token plus
  a word map (``{"himself": "hisself"}``); the case of the old word is kept.
* :class:`MatchRule` - a ``Matcher`` pattern plus a small rewrite function
  ``rewrite(doc, start, end) -> Hit | None``.
* :class:`FuncRule` - a function ``find(doc) -> iterable of Hit`` for rules
  that need the dependency tree in ways a pattern cannot say.

Compiled matchers are cached per (rule, vocab) at first use, so defining
rules at import time costs nothing and loads no model.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple


@dataclass(frozen=True)
class Hit:
    """Replace doc tokens ``[start, end)`` with ``tokens``.

    ``spaces`` optionally fixes whether a space follows each new token
    (e.g. ``("a", "-", "doing")`` with ``(False, False, True)``); the value
    for the last token is decided by the engine from the context.
    """

    start: int
    end: int
    tokens: Tuple[str, ...] = ()
    spaces: Optional[Tuple[bool, ...]] = None

    def __post_init__(self):
        object.__setattr__(self, "tokens", tuple(self.tokens))
        if self.spaces is not None:
            object.__setattr__(self, "spaces", tuple(self.spaces))
            if len(self.spaces) != len(self.tokens):
                raise ValueError("Hit.spaces must have one value per new token")
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad hit span [{self.start}, {self.end})")
        if self.start == self.end and not self.tokens:
            raise ValueError("empty hit: nothing inserted, nothing deleted")

    @classmethod
    def of(cls, start: int, end: int, parts) -> "Hit":
        """A hit whose new tokens mix new words (``str``) and copied doc
        tokens (spaCy ``Token``): a copied token keeps its input spacing
        when the next part is its input neighbour (*T-shirt*, *ca n't*), and
        the engine decides the rest."""
        from cs_synth.transforms.dialect.engine import ATTACH_LEFT, OPEN_RIGHT
        from cs_synth.transforms.dialect.morph import CLITICS

        words, spaces = [], []
        for k, p in enumerate(parts):
            nxt = parts[k + 1] if k + 1 < len(parts) else None
            text = p if isinstance(p, str) else p.text
            nxt_text = None if nxt is None else (nxt if isinstance(nxt, str) else nxt.text)
            if nxt is not None and not isinstance(p, str) and not isinstance(nxt, str) and nxt.i == p.i + 1:
                space = bool(p.whitespace_)
            elif nxt_text is not None and (nxt_text in ATTACH_LEFT or nxt_text in CLITICS
                                           or nxt_text.lower() in CLITICS or nxt_text == "-" or text == "-"):
                space = False
            elif text in OPEN_RIGHT:
                space = False
            else:
                space = True
            words.append(text)
            spaces.append(space)
        return cls(start, end, tuple(words), tuple(spaces))

    @property
    def op(self) -> str:
        if self.start == self.end:
            return "insert"
        return "replace" if self.tokens else "delete"


@dataclass(frozen=True, eq=False)
class Rule:
    """Base class: one eWAVE feature (``fid`` 1..235, ``name`` exactly as in
    the eWAVE catalogue) and the grammatical ``area`` it belongs to."""

    fid: int
    name: str
    area: str

    def find(self, doc) -> Iterator[Hit]:  # pragma: no cover - abstract
        raise NotImplementedError

    def hits(self, doc) -> List[Hit]:
        """Valid hits in document order (a rule never returns two hits over
        the same tokens; later duplicates are dropped)."""
        out: List[Hit] = []
        n = len(doc)
        for h in self.find(doc):
            if h is None or h.end > n:
                continue
            out.append(_agree_article(doc, h))
        out.sort(key=lambda h: (h.start, h.end))
        return out


def _agree_article(doc, hit: Hit) -> Hit:
    """A hit that changes the word right after *a*/*an* takes the article in,
    re-chosen for the new next word (*an easier* -> *a more easy*, *a more
    elegant* -> *an eleganter*)."""
    from cs_synth.transforms.dialect.morph import indefinite, match_case

    if hit.start == 0:
        return hit
    art = doc[hit.start - 1]
    if art.lower_ not in ("a", "an") or art.tag_ != "DT":
        return hit
    if hit.tokens:
        nxt = hit.tokens[0]
    elif hit.end < len(doc):
        nxt = doc[hit.end].text
    else:
        return hit
    if not nxt[:1].isalpha():
        return hit
    want = indefinite(nxt)
    if want == art.lower_:
        return hit
    spaces = None if hit.spaces is None else (True,) + hit.spaces
    if not hit.tokens:  # a deletion right after the article: the article and the deleted words go
        return Hit(hit.start - 1, hit.end, (match_case(want, art.text),), None)
    return Hit(hit.start - 1, hit.end, (match_case(want, art.text),) + hit.tokens, spaces)


@functools.lru_cache(maxsize=None)
def _matcher(rule: "Rule", vocab):
    from spacy.matcher import Matcher

    m = Matcher(vocab)
    m.add(f"f{rule.fid}", [list(p) for p in rule.patterns])
    return m


def _longest_first(matches) -> List[Tuple[int, int]]:
    """Non-overlapping spans, preferring the earliest then the longest."""
    spans = sorted({(s, e) for _, s, e in matches}, key=lambda se: (se[0], -(se[1] - se[0])))
    out, last_end = [], -1
    for s, e in spans:
        if s >= last_end:
            out.append((s, e))
            last_end = e
    return out


@dataclass(frozen=True, eq=False)
class MatchRule(Rule):
    """A ``Matcher`` pattern (list of token patterns) plus a rewrite."""

    patterns: Tuple[Sequence[dict], ...] = ()
    rewrite: Callable = None  # (doc, start, end) -> Hit | None

    def find(self, doc):
        for s, e in _longest_first(_matcher(self, doc.vocab)(doc)):
            hit = self.rewrite(doc, s, e)
            if hit is not None:
                yield hit


_TOKEN_ATTR = {"TAG": "tag_", "DEP": "dep_", "POS": "pos_", "LEMMA": "lemma_"}


@dataclass(frozen=True, eq=False)
class LexRule(Rule):
    """Replace single words by a word map, restricted by token attributes.

    ``attrs`` are extra ``Matcher`` attributes the token must have (e.g.
    ``{"TAG": "PRP$"}``); ``when`` is an optional predicate on the token.
    """

    mapping: Mapping[str, object] = field(default_factory=dict)
    attrs: Mapping[str, object] = field(default_factory=dict)
    when: Optional[Callable] = None

    @property
    def patterns(self):
        tok = {"LOWER": {"IN": sorted(self.mapping)}}
        tok.update(self.attrs)
        return ([tok],)

    def _simple_attrs(self) -> bool:
        return all(k in _TOKEN_ATTR and (isinstance(v, str) or (isinstance(v, dict) and set(v) == {"IN"}))
                   for k, v in self.attrs.items())

    def _spans(self, doc):
        """Matching one-token spans: a direct scan when the attributes are
        plain TAG/DEP/POS/LEMMA tests (as the ``Matcher`` would test them),
        else the ``Matcher``."""
        if not self._simple_attrs():
            for _, s, e in _matcher(self, doc.vocab)(doc):
                yield s, e
            return
        from cs_synth.transforms.dialect.morph import tokens

        for tok in tokens(doc):
            if tok.lower_ not in self.mapping:
                continue
            ok = True
            for k, v in self.attrs.items():
                val = getattr(tok, _TOKEN_ATTR[k])
                if (val != v) if isinstance(v, str) else (val not in v["IN"]):
                    ok = False
                    break
            if ok:
                yield tok.i, tok.i + 1

    def find(self, doc):
        from cs_synth.transforms.dialect.morph import match_case

        for s, e in self._spans(doc):
            tok = doc[s]
            if self.when is not None and not self.when(tok):
                continue
            new = self.mapping[tok.lower_]
            words = new if isinstance(new, tuple) else tuple(new.split(" "))
            yield Hit(s, e, (match_case(words[0], tok.text),) + tuple(words[1:]))


@dataclass(frozen=True, eq=False)
class FuncRule(Rule):
    """A rule written as a function ``find(doc) -> iterable of Hit``."""

    fn: Callable = None

    def find(self, doc):
        return self.fn(doc) or ()


class RuleSet:
    """Collects the rules of one feature module in definition order."""

    def __init__(self, area: str):
        self.area = area
        self.rules: List[Rule] = []

    def add(self, rule: Rule) -> Rule:
        self.rules.append(rule)
        return rule

    def lex(self, fid: int, name: str, mapping: Mapping[str, object], when: Callable = None, **attrs) -> Rule:
        return self.add(LexRule(fid, name, self.area, mapping=dict(mapping), attrs=attrs, when=when))

    def match(self, fid: int, name: str, patterns: Iterable[Sequence[dict]]):
        """Decorator: ``@rs.match(154, NAME, [[{...}, {...}]])`` over a rewrite."""

        def deco(fn):
            self.add(MatchRule(fid, name, self.area, patterns=tuple(tuple(p) for p in patterns), rewrite=fn))
            return fn

        return deco

    def func(self, fid: int, name: str):
        """Decorator: ``@rs.func(99, NAME)`` over ``find(doc)``."""

        def deco(fn):
            self.add(FuncRule(fid, name, self.area, fn=fn))
            return fn

        return deco


def by_id(rules: Iterable[Rule]) -> Dict[int, Rule]:
    out: Dict[int, Rule] = {}
    for r in rules:
        if r.fid in out:
            raise ValueError(f"eWAVE feature {r.fid} is defined twice")
        out[r.fid] = r
    return out
