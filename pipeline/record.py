"""The one immutable record that flows through every stage.

A :class:`Record` holds a sentence pair (``src`` and optionally ``tgt``), the
word alignment between them, the synthesized output (``tokens``/``langs``/
``spaces``/``text``), the provenance of every change (``edits``), the named
measurements (``scores``) and labels carried through for fine-tuning.

Records are never mutated: every stage returns a new one built with
:func:`dataclasses.replace` (see :meth:`Record.evolve`).  Invariants (equal
lengths, indices in range) are checked in ``__post_init__`` so a malformed
record cannot exist.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping, Optional, Sequence, Tuple

from cs_synth.pipeline.langs import LANG_INDEPENDENT, is_language_independent


class RecordError(ValueError):
    """Raised when a record would violate one of its invariants."""


class FrozenMap(Mapping):
    """A small immutable, hashable, picklable mapping with sorted keys.

    Used for ``scores`` and labels so that records stay immutable and their
    serialisation is independent of insertion order.
    """

    __slots__ = ("_items", "_index")

    def __init__(self, items: Mapping | Iterable[Tuple[str, Any]] = ()):
        if isinstance(items, FrozenMap):
            object.__setattr__(self, "_items", items._items)
            object.__setattr__(self, "_index", items._index)
            return
        if isinstance(items, Mapping):
            items = items.items()
        object.__setattr__(self, "_items", tuple(sorted((str(k), v) for k, v in items)))
        object.__setattr__(self, "_index", dict(self._items))

    def __getitem__(self, key):
        return self._index[key]

    def __contains__(self, key) -> bool:
        return key in self._index

    def __iter__(self) -> Iterator[str]:
        return (k for k, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other) -> bool:
        if isinstance(other, FrozenMap):
            return self._items == other._items
        if isinstance(other, Mapping):
            return self._index == dict(other)
        return NotImplemented

    def __setattr__(self, name, value):
        raise AttributeError("FrozenMap is immutable")

    def __reduce__(self):
        # rebuilt from the sorted items without re-sorting them
        return (_frozenmap_from_sorted, (self._items,))

    def __repr__(self) -> str:
        return f"FrozenMap({dict(self._items)!r})"

    def merged(self, other: Mapping) -> "FrozenMap":
        d = dict(self._index)
        d.update(other)
        return FrozenMap(d)


@dataclass(frozen=True)
class Span:
    """A token span ``[start, end)``, optionally with character offsets.

    ``char_start``/``char_end`` are filled for spans over the synthesized
    ``text`` (e.g. switched entities, so trainers can mask them); -1 otherwise.
    """

    start: int
    end: int
    label: str = ""
    kb_id: str = ""
    char_start: int = -1
    char_end: int = -1

    def __post_init__(self):
        if not (0 <= self.start < self.end):
            raise RecordError(f"span [{self.start}, {self.end}) is empty or negative")


@dataclass(frozen=True)
class Edit:
    """Provenance of one change: which unit (and version) did what, where.

    ``src_start``/``src_end`` index the tokens the unit read (source side, or
    the previous output when units are chained); ``out_start``/``out_end``
    index the new output tokens. ``detail`` carries unit specifics such as an
    eWAVE feature id or a lexicon entity id.
    """

    unit: str
    op: str
    src_start: int = -1
    src_end: int = -1
    out_start: int = -1
    out_end: int = -1
    before: str = ""
    after: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Side:
    """One side of a sentence pair with whatever annotations were produced.

    Annotation tuples are either empty (not annotated) or one entry per token.
    ``heads`` are absolute token indices; a root points to itself.
    ``labels`` holds token-level label sequences by name (e.g. ``ner``).
    """

    text: str
    lang: str
    tokens: Tuple[str, ...] = ()
    spaces: Tuple[bool, ...] = ()
    lemmas: Tuple[str, ...] = ()
    pos: Tuple[str, ...] = ()
    heads: Tuple[int, ...] = ()
    deps: Tuple[str, ...] = ()
    entities: Tuple[Span, ...] = ()
    labels: FrozenMap = field(default_factory=FrozenMap)

    def __post_init__(self):
        _freeze(self, "tokens", "spaces", "lemmas", "pos", "heads", "deps", "entities")
        if not isinstance(self.labels, FrozenMap):
            object.__setattr__(self, "labels", FrozenMap({k: tuple(v) for k, v in dict(self.labels).items()}))
        n = len(self.tokens)
        if self.spaces and len(self.spaces) != n:
            raise RecordError(f"{self.lang}: {len(self.spaces)} spaces for {n} tokens")
        for name in ("lemmas", "pos", "heads", "deps"):
            seq = getattr(self, name)
            if seq and len(seq) != n:
                raise RecordError(f"{self.lang}: {len(seq)} {name} for {n} tokens")
        for h in self.heads:
            if not 0 <= h < n:
                raise RecordError(f"{self.lang}: head index {h} out of range for {n} tokens")
        for s in self.entities:
            if s.end > n:
                raise RecordError(f"{self.lang}: entity [{s.start}, {s.end}) out of range for {n} tokens")
        for name, seq in self.labels.items():
            if len(seq) != n:
                raise RecordError(f"{self.lang}: label {name!r} has {len(seq)} values for {n} tokens")

    @property
    def is_tokenized(self) -> bool:
        return bool(self.tokens)

    @property
    def is_parsed(self) -> bool:
        return bool(self.heads) and bool(self.deps)

    def token_spaces(self) -> Tuple[bool, ...]:
        return self.spaces if self.spaces else tuple(True for _ in self.tokens)


@dataclass(frozen=True)
class Record:
    """One example.  See the module docstring and ``docs/schema.md``."""

    id: str
    src: Side
    tgt: Optional[Side] = None
    pair_id: str = ""
    source: str = ""
    alignment: Tuple[Tuple[int, int], ...] = ()
    #: a Pharaoh alignment that came with the input, not yet validated; the
    #: align stage turns it into ``alignment`` (or a reject) and clears it
    given_alignment: str = ""
    recipe: str = ""
    tokens: Tuple[str, ...] = ()
    langs: Tuple[str, ...] = ()
    spaces: Tuple[bool, ...] = ()
    text: str = ""
    #: per output token, the source token it is an unchanged copy of, or -1
    #: for a token a unit wrote; empty while there is no output
    source_map: Tuple[int, ...] = ()
    entities: Tuple[Span, ...] = ()
    token_labels: FrozenMap = field(default_factory=FrozenMap)
    seq_labels: FrozenMap = field(default_factory=FrozenMap)
    edits: Tuple[Edit, ...] = ()
    scores: FrozenMap = field(default_factory=FrozenMap)
    reject_reason: str = ""
    reject_stage: str = ""
    reject_detail: str = ""
    #: a read reject's original input, lossless: base64 of the line's bytes
    #: (text formats) or of the row as JSON (table formats); see docs/schema.md
    raw: str = ""

    def __post_init__(self):
        if not self.id:
            raise RecordError("record id must not be empty")
        if not self.pair_id:
            object.__setattr__(self, "pair_id", self.id)
        _freeze(self, "tokens", "langs", "spaces", "source_map", "entities", "edits")
        object.__setattr__(self, "alignment", tuple(sorted({(int(i), int(j)) for i, j in self.alignment})))
        for name in ("token_labels", "seq_labels", "scores"):
            v = getattr(self, name)
            if not isinstance(v, FrozenMap):
                if name == "token_labels":
                    v = FrozenMap({k: tuple(x) for k, x in dict(v).items()})
                else:
                    v = FrozenMap(v)
                object.__setattr__(self, name, v)
        n_src = len(self.src.tokens)
        n_tgt = len(self.tgt.tokens) if self.tgt is not None else 0
        if self.alignment and (not n_src or not n_tgt):
            raise RecordError("alignment given but a side is not tokenized")
        for i, j in self.alignment:
            if not (0 <= i < n_src and 0 <= j < n_tgt):
                raise RecordError(f"alignment link {i}-{j} out of range for {n_src}x{n_tgt} tokens")
        n = len(self.tokens)
        if len(self.langs) != n:
            raise RecordError(f"{len(self.langs)} language tags for {n} output tokens")
        if self.spaces and len(self.spaces) != n:
            raise RecordError(f"{len(self.spaces)} spaces for {n} output tokens")
        if self.source_map:
            if len(self.source_map) != n:
                raise RecordError(f"source map has {len(self.source_map)} entries for {n} output tokens")
            for k, p in enumerate(self.source_map):
                if p != -1 and not (0 <= p < n_src and self.src.tokens[p] == self.tokens[k]):
                    raise RecordError(f"source map entry {k}->{p} is not a copy of a source token")
        for s in self.entities:
            if s.end > n:
                raise RecordError(f"output entity [{s.start}, {s.end}) out of range for {n} tokens")
        for name, seq in self.token_labels.items():
            if len(seq) != n:
                raise RecordError(f"output label {name!r} has {len(seq)} values for {n} tokens")
        if self.reject_reason and not _is_snake(self.reject_reason):
            raise RecordError(f"reject reason {self.reject_reason!r} must be snake_case")

    # ------------------------------------------------------------------ helpers
    @property
    def rejected(self) -> bool:
        return bool(self.reject_reason)

    @property
    def src_lang(self) -> str:
        return self.src.lang

    @property
    def tgt_lang(self) -> str:
        return self.tgt.lang if self.tgt is not None else ""

    def __reduce__(self):
        # compact and cheap: plain nested tuples, no re-validation on load
        return (record_from_tuple, (record_to_tuple(self),))

    def evolve(self, **changes) -> "Record":
        """Return a new record with ``changes`` applied (never mutates)."""
        return dataclasses.replace(self, **changes)

    def reject(self, reason: str, detail: str = "", stage: str = "") -> "Record":
        return dataclasses.replace(self, reject_reason=reason, reject_detail=detail, reject_stage=stage)

    def with_scores(self, scores: Mapping[str, float]) -> "Record":
        return dataclasses.replace(self, scores=self.scores.merged(scores))

    def current(self) -> Tuple[Tuple[str, ...], Tuple[str, ...], Tuple[bool, ...]]:
        """The text a transform should start from: the synthesized output if a
        previous unit produced one, else the source tokens tagged with the
        source language (language-independent tokens tagged ``zxx``)."""
        if self.tokens:
            return self.tokens, self.langs, self.spaces or tuple(True for _ in self.tokens)
        toks = self.src.tokens
        return toks, tag_tokens(toks, self.src.lang), self.src.token_spaces()

    def current_source_map(self) -> Tuple[int, ...]:
        """For each token of :meth:`current`, the source token it is an
        unchanged copy of, or -1 (the identity on the source itself)."""
        if self.tokens:
            return self.source_map if self.source_map else tuple(-1 for _ in self.tokens)
        return tuple(range(len(self.src.tokens)))


def tag_tokens(tokens: Sequence[str], lang: str) -> Tuple[str, ...]:
    """Tag each token with ``lang``, or ``zxx`` when it is language independent."""
    return tuple(LANG_INDEPENDENT if is_language_independent(t) else lang for t in tokens)


def detokenize(tokens: Sequence[str], spaces: Sequence[bool]) -> str:
    """Join tokens, putting a space after token i when ``spaces[i]``."""
    parts = []
    last = len(tokens) - 1
    for k, (tok, sp) in enumerate(zip(tokens, spaces)):
        parts.append(tok)
        if sp and k != last:
            parts.append(" ")
    return "".join(parts)


def char_offsets(tokens: Sequence[str], spaces: Sequence[bool]) -> list:
    """Character (start, end) of each token in ``detokenize(tokens, spaces)``."""
    out, pos = [], 0
    for tok, sp in zip(tokens, spaces):
        out.append((pos, pos + len(tok)))
        pos += len(tok) + (1 if sp else 0)
    return out


def _freeze(obj, *names):
    for name in names:
        v = getattr(obj, name)
        if not isinstance(v, tuple):
            object.__setattr__(obj, name, tuple(v))


def _is_snake(s: str) -> bool:
    return s.replace("_", "a").isalnum() and s == s.lower() and not s[0].isdigit()


# ------------------------------------------------------- compact (de)serialization
# A record as nested tuples of plain values (str, int, float, bool, None),
# fields in declaration order, and back without re-validating: the tuple can
# only come from a record that passed its checks.  Beam's record coder
# (beam_jobs/coders.py) packs it with msgpack; pickle uses it through
# Record.__reduce__, so records pickle compactly too.  FrozenMaps travel as
# their sorted items and are rebuilt without re-sorting.

def _frozenmap_from_sorted(items) -> FrozenMap:
    m = object.__new__(FrozenMap)
    items = tuple(items)
    object.__setattr__(m, "_items", items)
    object.__setattr__(m, "_index", dict(items))
    return m


_FIELDS: dict = {}


def _names(cls) -> Tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def _plain(cls, obj) -> tuple:
    return tuple(getattr(obj, n) for n in _names(cls))


def _rebuild(cls, values):
    obj = object.__new__(cls)
    obj.__dict__.update(zip(_names(cls), values))
    return obj


def _side_to_tuple(s: Side) -> tuple:
    d = s.__dict__
    out = [d[n] for n in _names(Side)]
    out[_SIDE_ENT] = tuple(_plain(Span, e) for e in s.entities)
    out[_SIDE_LAB] = s.labels._items
    return tuple(out)


def _side_from_tuple(t) -> Side:
    d = dict(zip(_names(Side), t))
    if d["entities"]:
        d["entities"] = tuple(_rebuild(Span, e) for e in d["entities"])
    d["labels"] = _frozenmap_from_sorted(d["labels"])
    obj = object.__new__(Side)
    obj.__dict__.update(d)
    return obj


_MAPS = ("token_labels", "seq_labels", "scores")


def record_to_tuple(r: "Record") -> tuple:
    """``r`` as nested tuples of plain values (see :func:`record_from_tuple`)."""
    d = r.__dict__
    out = [d[n] for n in _names(Record)]
    out[_REC["src"]] = _side_to_tuple(r.src)
    if r.tgt is not None:
        out[_REC["tgt"]] = _side_to_tuple(r.tgt)
    out[_REC["entities"]] = tuple(_plain(Span, e) for e in r.entities)
    out[_REC["edits"]] = tuple(_plain(Edit, e) for e in r.edits)
    for name in _MAPS:
        out[_REC[name]] = d[name]._items
    return tuple(out)


def record_from_tuple(t) -> "Record":
    """The record :func:`record_to_tuple` made (sequences may come back as
    lists or tuples; they are tuples again)."""
    d = dict(zip(_names(Record), t))
    d["src"] = _side_from_tuple(d["src"])
    if d["tgt"] is not None:
        d["tgt"] = _side_from_tuple(d["tgt"])
    if d["entities"]:
        d["entities"] = tuple(_rebuild(Span, e) for e in d["entities"])
    if d["edits"]:
        d["edits"] = tuple(_rebuild(Edit, e) for e in d["edits"])
    for name in _MAPS:
        d[name] = _frozenmap_from_sorted(d[name])
    d["alignment"] = tuple(map(tuple, d["alignment"]))
    obj = object.__new__(Record)
    obj.__dict__.update(d)
    return obj


_SIDE_ENT = _names(Side).index("entities")
_SIDE_LAB = _names(Side).index("labels")
_REC = {n: k for k, n in enumerate(_names(Record))}

