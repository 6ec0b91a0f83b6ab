"""Building an output record from span replacements.

Every rewriting unit (code-switching, transliteration, dialect rules) does
the same bookkeeping once it has decided *what* to put *where*: splice new
tokens into the text it started from, tag their languages, keep spacing,
rebuild ``text``, record one :class:`~cs_synth.pipeline.record.Edit` per change,
carry token labels and entity spans over to the new tokens (with character
offsets) and give the output a stable id.  This module does that once.

A unit describes its changes as :class:`Replacement` objects over the
*base* (:class:`Base`, what :meth:`Record.current` returns plus the labels
and entities that belong to it) and calls :func:`build_output`.

Token labels are projected through ``Replacement.origins``: for each new
token, the base positions it derives from (its alignment links inside the
replaced span).  BIO/IOB2 sequences are re-chunked so that an entity keeps
its type over its new tokens and ``B-`` restarts exactly where a new chunk
begins; other label sequences (POS tags, ...) take the label of the origin.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, Mapping, Optional, Sequence, Tuple

from cs_synth.pipeline.record import Edit, FrozenMap, Record, Span, char_offsets, detokenize, tag_tokens
from cs_synth.transforms.boundary import SWITCH_OPS, repair
from cs_synth.transforms.boundary import UNIT as BOUNDARY_UNIT


@dataclass(frozen=True)
class Base:
    """The text a unit starts from, with the labels and entities over it.

    On the first step that is the source side (``src.tokens`` tagged with the
    source language, ``src.labels``, ``src.entities``); when units are chained
    it is the previous unit's output (``tokens``, ``token_labels``,
    ``entities``)."""

    tokens: Tuple[str, ...]
    langs: Tuple[str, ...]
    spaces: Tuple[bool, ...]
    labels: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    entities: Tuple[Span, ...] = ()
    is_source: bool = True
    #: per base token, the source token it is an unchanged copy of, or -1
    source_map: Tuple[int, ...] = ()

    @classmethod
    def of(cls, record: Record) -> "Base":
        tokens, langs, spaces = record.current()
        smap = record.current_source_map()
        if record.tokens:
            return cls(tuple(tokens), tuple(langs), tuple(spaces), dict(record.token_labels),
                       tuple(record.entities), is_source=False, source_map=smap)
        return cls(tuple(tokens), tuple(langs), tuple(spaces), dict(record.src.labels),
                   tuple(record.src.entities), is_source=True, source_map=smap)

    def source_index(self, p: int) -> int:
        """The source token base token ``p`` is an unchanged copy of, or -1."""
        if self.source_map:
            return self.source_map[p]
        return p if self.is_source else -1

    def __len__(self) -> int:
        return len(self.tokens)

    @classmethod
    def or_passthrough(cls, record: Record, unit: str, verb: str):
        """The record's Base, or the record to yield as it is: an input that
        is already rejected, or a ``no_tokens`` reject when there is nothing
        to ``verb``.  Callers yield a returned Record and stop."""
        if record.rejected:
            return record
        base = cls.of(record)
        if not base.tokens:
            return record.reject("no_tokens", f"{unit}: the record has no tokens to {verb} "
                                 "(is the annotate stage configured?)", stage="transform")
        return base


@dataclass(frozen=True)
class Replacement:
    """Replace base tokens ``[start, end)`` by ``tokens``.

    ``spaces[k]`` is whether a space follows new token ``k``; the last new
    token takes the space that followed the last replaced token, so
    punctuation after the span stays attached.  ``origins[k]`` lists the base
    positions (inside ``[start, end)``) new token ``k`` derives from, used to
    project labels; leave it empty when every new token derives from the
    whole span, or give an empty tuple for a single new token that derives
    from none of them in particular (it takes the label its span shares, else
    that of its nearest neighbour in the replacement).  ``entity`` marks the
    new tokens as one entity in the output (its ``start``/``end`` are ignored
    and recomputed).  ``unit``, when set, names the edit's unit instead of
    the builder's ``unit``."""

    start: int
    end: int
    tokens: Tuple[str, ...]
    langs: Tuple[str, ...]
    spaces: Tuple[bool, ...] = ()
    origins: Tuple[Tuple[int, ...], ...] = ()
    op: str = "switch"
    detail: str = ""
    entity: Optional[Span] = None
    #: the versioned unit name for this replacement's edit; empty: the
    #: ``unit`` given to :func:`build_output` (e.g. ``ewave.f<ID>.v1`` per
    #: dialect rule hit inside a ``dialect.v1`` step)
    unit: str = ""
    #: the first new token began its own sentence where it came from, so
    #: its capital may be there only for its position (see cs_synth.transforms.boundary)
    initial: bool = False
    #: with ``initial``: the parse of its language says that first token is
    #: a common word (not a proper noun, not in a name entity), so its capital
    #: is positional whatever the text around it (an uncased frame such as
    #: Devanagari cannot say so)
    common_initial: bool = False

    def __post_init__(self):
        for name in ("tokens", "langs", "spaces", "origins"):
            v = getattr(self, name)
            if not isinstance(v, tuple):
                object.__setattr__(self, name, tuple(v))
        object.__setattr__(self, "origins", tuple(tuple(o) for o in self.origins))
        n = len(self.tokens)
        if not 0 <= self.start <= self.end:
            raise ValueError(f"replacement [{self.start}, {self.end}) is negative")
        if len(self.langs) != n:
            raise ValueError(f"replacement has {len(self.langs)} language tags for {n} tokens")
        if self.spaces and len(self.spaces) != n:
            raise ValueError(f"replacement has {len(self.spaces)} spaces for {n} tokens")
        if self.origins and len(self.origins) != n:
            raise ValueError(f"replacement has {len(self.origins)} origins for {n} tokens")
        for o in self.origins:
            for p in o:
                if not self.start <= p < self.end:
                    raise ValueError(f"origin {p} outside replaced span [{self.start}, {self.end})")

    @classmethod
    def tagged(cls, start: int, end: int, tokens: Sequence[str], lang: str, **kw) -> "Replacement":
        """A replacement whose tokens are all in ``lang`` (``zxx`` for
        punctuation, numbers and symbols)."""
        tokens = tuple(tokens)
        return cls(start, end, tokens, tag_tokens(tokens, lang), **kw)

    def token_origins(self, k: int) -> Tuple[int, ...]:
        if self.origins:
            return self.origins[k]
        return tuple(range(self.start, self.end))


#: replacement ops that only swap text for other text; one that writes the
#: same text is no change (``no_change`` when it was the only one)
IDENTITY_OPS = frozenset({"switch", "translate", "dictionary", "entity_label", "entity_projection"})
NO_CHANGE = "no_change"


def output_id(record: Record, recipe: str, k: int) -> str:
    return f"{record.id}/{recipe}/{k}"


def build_output(record: Record, base: Base, replacements: Sequence[Replacement], *,
                 unit: str, recipe: str, index: int = 0,
                 out_tokens: Optional[Sequence[str]] = None,
                 out_spaces: Optional[Sequence[bool]] = None) -> Record:
    """Apply ``replacements`` (non-overlapping, over ``base``) to ``record``.

    Returns a new record with ``id = f"{record.id}/{recipe}/{index}"``, the
    same ``pair_id``, ``recipe`` set (joined with ``+`` after earlier steps),
    the new ``tokens``/``langs``/``spaces``/``text``, one edit per
    replacement appended to ``record.edits`` (``unit`` is the versioned unit
    name, unless the replacement names its own), token labels projected and
    entities with character offsets.

    A unit that decides the final spelling or spacing itself (the dialect
    engine re-spaces every changed boundary and re-cases the first word)
    passes ``out_tokens``/``out_spaces``: one entry per output token of the
    splice, used instead of the spliced ones.  An unchanged base token whose
    text ``out_tokens`` changes is no longer a copy of its source token
    (``source_map`` -1); its labels and entities still follow it."""
    reps = sorted(replacements, key=lambda r: (r.start, r.end))
    n = len(base.tokens)
    if out_tokens is None:
        # honest counting: a switch that writes exactly the text it replaces
        # (a name spelt alike in both languages, a cognate) changes nothing:
        # it is dropped, so its tokens keep their language and count no switch
        kept = [r for r in reps if not (r.op in IDENTITY_OPS and r.end <= n and
                                        tuple(r.tokens) == tuple(base.tokens[r.start:r.end]))]
        if reps and not kept:
            return record.reject(NO_CHANGE, f"{recipe}: every chosen span would be replaced by identical text "
                                 f"({', '.join(repr(' '.join(r.tokens)) for r in reps)[:300]})", stage="transform")
        reps = kept
    prev_end = 0
    for r in reps:
        if r.start < prev_end or r.end > n:
            raise ValueError(f"replacements overlap or leave the base: [{r.start}, {r.end}) with {n} tokens")
        prev_end = max(prev_end, r.end)

    tokens: list = []
    langs: list = []
    spaces: list = []
    smap: list = []      # per output token: source token it copies, or -1
    origins: list = []   # per output token: base positions it derives from
    group: list = []     # per output token: replacement index or -1
    rep_out: list = []   # per replacement: (out_start, out_end)
    pos = 0
    for ri, r in enumerate(reps):
        for p in range(pos, r.start):
            tokens.append(base.tokens[p]); langs.append(base.langs[p]); spaces.append(base.spaces[p])
            origins.append((p,)); group.append(-1); smap.append(base.source_index(p))
        out_start = len(tokens)
        m = len(r.tokens)
        for k in range(m):
            tokens.append(r.tokens[k]); langs.append(r.langs[k])
            if k == m - 1:
                spaces.append(base.spaces[r.end - 1] if r.end > r.start else (r.spaces[k] if r.spaces else True))
            else:
                spaces.append(r.spaces[k] if r.spaces else True)
            origins.append(r.token_origins(k)); group.append(ri); smap.append(-1)
        rep_out.append((out_start, len(tokens)))
        pos = r.end
    for p in range(pos, n):
        tokens.append(base.tokens[p]); langs.append(base.langs[p]); spaces.append(base.spaces[p])
        origins.append((p,)); group.append(-1); smap.append(base.source_index(p))

    if out_tokens is not None:
        out_tokens = tuple(out_tokens)
        if len(out_tokens) != len(tokens):
            raise ValueError(f"out_tokens has {len(out_tokens)} tokens for {len(tokens)} output tokens")
        for k, tok in enumerate(out_tokens):
            if group[k] < 0 and tok != tokens[k]:
                smap[k] = -1
        tokens = list(out_tokens)
    if out_spaces is not None:
        if len(out_spaces) != len(tokens):
            raise ValueError(f"out_spaces has {len(out_spaces)} entries for {len(tokens)} output tokens")
        spaces = [bool(sp) for sp in out_spaces]

    repairs = []
    if out_tokens is None and any(r.op in SWITCH_OPS for r in reps):
        repairs = repair(tokens, langs, spaces, group, reps, rep_out, base.tokens[0] if n else "",
                         base.tokens)
        for k, op, _, _ in repairs:
            if group[k] < 0 and op != "repair_space":
                smap[k] = -1  # no longer an unchanged copy of its source token

    edits = []
    for r, (a, b) in zip(reps, rep_out):
        edits.append(Edit(unit=r.unit or unit, op=r.op, src_start=r.start, src_end=r.end, out_start=a, out_end=b,
                          before=detokenize(base.tokens[r.start:r.end], base.spaces[r.start:r.end]),
                          after=detokenize(tokens[a:b], spaces[a:b]), detail=r.detail))
    for k, op, before, after in repairs:
        g = group[k]
        s0, s1 = (reps[g].start, reps[g].end) if g >= 0 else (origins[k][0], origins[k][0] + 1)
        edits.append(Edit(unit=BOUNDARY_UNIT, op=op, src_start=s0, src_end=s1, out_start=k, out_end=k + 1,
                          before=before, after=after, detail="boundary repair"))

    labels = {name: project_labels(seq, origins, group, reps) for name, seq in base.labels.items()}
    offsets = char_offsets(tokens, spaces)
    entities = _project_entities(base.entities, reps, rep_out, origins, group, offsets)
    return record.evolve(
        id=output_id(record, recipe, index),
        recipe=f"{record.recipe}+{recipe}" if record.recipe else recipe,
        tokens=tuple(tokens), langs=tuple(langs), spaces=tuple(spaces),
        text=detokenize(tokens, spaces),
        source_map=tuple(smap) if record.src.tokens else (),
        entities=entities,
        token_labels=FrozenMap({k: tuple(v) for k, v in labels.items()}),
        edits=tuple(record.edits) + tuple(edits),
    )


# ---------------------------------------------------------------- labels
def is_bio(seq: Sequence[str]) -> bool:
    """True for BIO / IOB2 sequences (``O``, ``B-X``, ``I-X``) with at least
    one chunk tag."""
    seen = False
    for t in seq:
        if t == "O":
            continue
        if len(t) > 2 and t[1] == "-" and t[0] in "BI":
            seen = True
            continue
        return False
    return seen


def _bio_instances(seq: Sequence[str]) -> list:
    """Per token: the index of the token starting its chunk, or None for O."""
    inst: list = []
    for p, t in enumerate(seq):
        if t == "O":
            inst.append(None)
        elif t.startswith("I-") and p and inst[p - 1] is not None and seq[p - 1][2:] == t[2:]:
            inst.append(inst[p - 1])
        else:
            inst.append(p)
    return inst


def _majority(values: Sequence, default=None):
    vals = [v for v in values if v is not None]
    if not vals:
        return default
    counts = Counter(vals)
    best = max(counts.values())
    for v in vals:  # first in order among the most frequent: deterministic
        if counts[v] == best:
            return v
    return default


def _fill_unaligned(values: list, group: Sequence[int], reps: Sequence[Replacement], whole_span) -> None:
    """New tokens with no origin (value None, marked by the caller) take the
    value shared by their whole replaced span, else that of the nearest
    preceding new token of the same replacement, else the following one."""
    n = len(values)
    for k in range(n):
        if values[k] is not _MISSING:
            continue
        g = group[k]
        shared = whole_span(reps[g])
        if shared is not _MISSING:
            values[k] = shared
            continue
        left = next((values[q] for q in range(k - 1, -1, -1) if group[q] == g and values[q] is not _MISSING), _MISSING)
        right = next((values[q] for q in range(k + 1, n) if group[q] == g and values[q] is not _MISSING), _MISSING)
        values[k] = left if left is not _MISSING else right


_MISSING = object()


def project_labels(seq: Sequence[str], origins: Sequence[Tuple[int, ...]], group: Sequence[int],
                   reps: Sequence[Replacement]) -> Tuple[str, ...]:
    """Project a base label sequence onto output tokens.

    ``origins[k]`` are the base positions output token ``k`` derives from and
    ``group[k]`` its replacement index (-1 when the token is unchanged)."""
    seq = tuple(seq)
    n = len(origins)
    if is_bio(seq):
        inst = _bio_instances(seq)
        out_inst: list = []
        for k in range(n):
            if group[k] < 0:
                out_inst.append(inst[origins[k][0]])
            elif origins[k]:
                cand = [inst[p] for p in origins[k]]
                out_inst.append(_majority(cand, None))
            else:
                out_inst.append(_MISSING)

        def whole(r):
            vals = {inst[p] for p in range(r.start, r.end)}
            return vals.pop() if len(vals) == 1 else _MISSING

        _fill_unaligned(out_inst, group, reps, whole)
        out = []
        for k, i in enumerate(out_inst):
            if i is None or i is _MISSING:
                out.append("O")
            else:
                typ = seq[i][2:]
                out.append(("I-" if k and out_inst[k - 1] == i else "B-") + typ)
        return tuple(out)

    vals: list = []
    for k in range(n):
        if group[k] < 0:
            vals.append(seq[origins[k][0]])
        elif origins[k]:
            vals.append(_majority([seq[p] for p in origins[k]], None))
        else:
            vals.append(_MISSING)

    def whole_plain(r):
        s = {seq[p] for p in range(r.start, r.end)}
        return s.pop() if len(s) == 1 else _MISSING

    _fill_unaligned(vals, group, reps, whole_plain)
    fallback = "O" if any(v == "O" for v in seq) else (seq[0] if seq else "")
    return tuple(v if v is not _MISSING else fallback for v in vals)


# -------------------------------------------------------------- entities
def _project_entities(entities, reps, rep_out, origins, group, offsets) -> Tuple[Span, ...]:
    out: Dict[Tuple[int, int], Span] = {}
    covered = []
    for r, (a, b) in zip(reps, rep_out):
        if r.entity is not None and b > a:
            out[(a, b)] = Span(a, b, r.entity.label, r.entity.kb_id, offsets[a][0], offsets[b - 1][1])
            covered.append((r.start, r.end))
    for e in entities:
        if any(e.start < t and s < e.end for s, t in covered):
            continue  # the replacement that switched it marks the entity anew
        ks = [k for k in range(len(origins)) if any(e.start <= p < e.end for p in origins[k])]
        if not ks:
            continue
        a, b = min(ks), max(ks) + 1
        out.setdefault((a, b), Span(a, b, e.label, e.kb_id, offsets[a][0], offsets[b - 1][1]))
    return tuple(out[k] for k in sorted(out))
