"""Entity lexicon and bilingual dictionary loaders.

**Entity lexicon** (what a Wikidata label dump reduces to): entity id ->
label per language, optionally an entity type.  Two formats:

* TSV with a header row naming the columns: ``id``, optionally ``type``,
  then one column per language code.  A cell holds the label, optionally
  followed by ``|``-separated aliases (aliases are matched, the label is
  what gets written).  An empty cell means no label in that language::

      id      type  en          hi          es          de          fr
      Q1490   LOC   Tokyo       टोक्यो       Tokio       Tokio       Tokyo

* JSONL, one object per line:
  ``{"id": "Q1490", "type": "LOC", "labels": {"en": "Tokyo", ...},
  "aliases": {"en": ["Tokio"]}}``.

**Bilingual dictionary**: TSV ``source<TAB>target``; several translations
either on repeated lines or ``|``-separated in one cell.

Lines that are empty or start with ``#`` are skipped.  Any malformed row
makes the loader raise :class:`LexiconError` (a ``ConfigError``) that lists
every bad line number with what is wrong, so the user fixes the file once.
Files load at most once per process (cached by path, size and mtime).
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from cs_synth.pipeline.units import ConfigError

MAX_REPORTED = 20


class LexiconError(ConfigError):
    """A lexicon or dictionary file has malformed rows (line numbers inside)."""

    def __init__(self, path: str, problems: Sequence[Tuple[int, str]]):
        self.path = path
        self.problems = list(problems)
        self.lines = [ln for ln, _ in self.problems]
        shown = "; ".join(f"line {ln}: {msg}" for ln, msg in self.problems[:MAX_REPORTED])
        more = f"; ... and {len(self.problems) - MAX_REPORTED} more" if len(self.problems) > MAX_REPORTED else ""
        nums = ", ".join(str(n) for n in self.lines[:MAX_REPORTED]) + (", ..." if more else "")
        super().__init__(f"{path}: {len(self.problems)} malformed row(s) at line(s) {nums}: {shown}{more}")


# ----------------------------------------------------------- tokenization
@functools.lru_cache(maxsize=65536)
def tokenize(text: str, lang: str) -> Tuple[Tuple[str, ...], Tuple[bool, ...]]:
    """Tokenize a label the way the annotate stage tokenizes text in
    ``lang`` (spaCy's tokenizer for that language)."""
    from cs_synth.pipeline.resources import load_spacy

    doc = load_spacy(lang).tokenizer(text)
    toks = tuple(t.text for t in doc if not t.is_space)
    sps = tuple(bool(t.whitespace_) for t in doc if not t.is_space)
    return toks, sps


def fold(token: str, case_insensitive: bool) -> str:
    return token.casefold() if case_insensitive else token


class PhraseIndex:
    """Token sequences -> value, with left-to-right longest-match search."""

    def __init__(self, items: Iterable[Tuple[Tuple[str, ...], object]], case_insensitive: bool):
        self.case_insensitive = case_insensitive
        self._map: Dict[Tuple[str, ...], object] = {}
        for key, value in items:
            if not key:
                continue
            k = tuple(fold(t, case_insensitive) for t in key)
            self._map.setdefault(k, value)  # first entry in file order wins
        self.max_len = max((len(k) for k in self._map), default=0)

    def __len__(self) -> int:
        return len(self._map)

    def get(self, tokens: Sequence[str]):
        return self._map.get(tuple(fold(t, self.case_insensitive) for t in tokens))

    def find(self, tokens: Sequence[str], allowed: Optional[Sequence[bool]] = None) -> List[Tuple[int, int, object]]:
        """Non-overlapping longest matches, left to right.  ``allowed[i]``
        False excludes token ``i`` from every match."""
        folded = [fold(t, self.case_insensitive) for t in tokens]
        out = []
        i, n = 0, len(folded)
        while i < n:
            hit = None
            for L in range(min(self.max_len, n - i), 0, -1):
                if allowed is not None and not all(allowed[i:i + L]):
                    continue
                v = self._map.get(tuple(folded[i:i + L]))
                if v is not None:
                    hit = (i, i + L, v)
                    break
            if hit:
                out.append(hit)
                i = hit[1]
            else:
                i += 1
        return out


# ----------------------------------------------------------- entity lexicon
@dataclass(frozen=True)
class Entity:
    id: str
    type: str
    labels: Tuple[Tuple[str, str], ...]               # (lang, label)
    aliases: Tuple[Tuple[str, Tuple[str, ...]], ...]  # (lang, aliases)

    def label(self, lang: str) -> Optional[str]:
        for l, v in self.labels:
            if l == lang:
                return v
        return None

    def names(self, lang: str) -> Tuple[str, ...]:
        out = [v for l, v in self.labels if l == lang]
        for l, al in self.aliases:
            if l == lang:
                out.extend(al)
        return tuple(out)


class EntityLexicon:
    """Entity id -> labels per language; builds per-language matchers lazily."""

    def __init__(self, entities: Sequence[Entity], path: str = ""):
        self.path = path
        self._entities: Dict[str, Entity] = {e.id: e for e in entities}
        self._order = tuple(e.id for e in entities)
        self._matchers: Dict[Tuple[str, bool], PhraseIndex] = {}

    def __len__(self) -> int:
        return len(self._entities)

    def __contains__(self, entity_id: str) -> bool:
        return entity_id in self._entities

    def __getitem__(self, entity_id: str) -> Entity:
        return self._entities[entity_id]

    @property
    def ids(self) -> Tuple[str, ...]:
        return self._order

    @property
    def langs(self) -> Tuple[str, ...]:
        seen: Dict[str, None] = {}
        for eid in self._order:
            for l, _ in self._entities[eid].labels:
                seen.setdefault(l, None)
        return tuple(seen)

    def label(self, entity_id: str, lang: str) -> Optional[str]:
        e = self._entities.get(entity_id)
        return e.label(lang) if e else None

    def matcher(self, lang: str, case_insensitive: bool = False) -> PhraseIndex:
        """Index of every label and alias in ``lang`` (tokenized like the
        text) -> entity id."""
        key = (lang, case_insensitive)
        m = self._matchers.get(key)
        if m is None:
            items = []
            for eid in self._order:
                for name in self._entities[eid].names(lang):
                    items.append((tokenize(name, lang)[0], eid))
            m = PhraseIndex(items, case_insensitive)
            self._matchers[key] = m
        return m

    def lookup(self, tokens: Sequence[str], lang: str, case_insensitive: bool = False) -> Optional[str]:
        """The entity id whose label or alias in ``lang`` is exactly ``tokens``."""
        return self.matcher(lang, case_insensitive).get(tokens)


def _split_cell(cell: str) -> Tuple[str, ...]:
    return tuple(p.strip() for p in cell.split("|") if p.strip())


def _read_lines(path: str):
    from cs_synth.pipeline import resources

    try:
        raw = resources.read_bytes(path)  # local, carried to the worker, or gs:// / s3://
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    for ln, line in enumerate(raw.split(b"\n"), start=1):
        line = line.rstrip(b"\r")
        try:
            yield ln, line.decode("utf-8"), None
        except UnicodeDecodeError as exc:
            yield ln, "", f"invalid UTF-8 ({exc.reason} at byte {exc.start})"



def _content_lines(path: str, problems: List[Tuple[int, str]]) -> Iterator[Tuple[int, str]]:
    """(line number, line) for each non-blank, non-comment line; lines that
    cannot be decoded are recorded in ``problems`` and skipped."""
    for ln, line, err in _read_lines(path):
        if err:
            problems.append((ln, err))
        elif line.strip() and not line.lstrip().startswith("#"):
            yield ln, line


def parse_lexicon_tsv(path: str) -> EntityLexicon:
    problems: List[Tuple[int, str]] = []
    header: Optional[List[str]] = None
    entities: List[Entity] = []
    first_line: Dict[str, int] = {}
    for ln, line in _content_lines(path, problems):
        cells = line.split("\t")
        if header is None:
            cols = [c.strip() for c in cells]
            if not cols or cols[0] != "id":
                problems.append((ln, "the header row must start with 'id' (then optional 'type', then language codes)"))
                break
            langs = cols[2:] if len(cols) > 1 and cols[1] == "type" else cols[1:]
            if not langs or any(not c for c in langs) or len(set(cols)) != len(cols):
                problems.append((ln, "the header needs one non-empty, distinct language code per label column"))
                break
            header = cols
            continue
        if len(cells) != len(header):
            problems.append((ln, f"expected {len(header)} tab-separated fields ({', '.join(header)}), got {len(cells)}"))
            continue
        row = dict(zip(header, (c.strip() for c in cells)))
        eid = row.pop("id")
        etype = row.pop("type", "")
        if not eid:
            problems.append((ln, "empty entity id"))
            continue
        if eid in first_line:
            problems.append((ln, f"duplicate entity id {eid!r} (first on line {first_line[eid]})"))
            continue
        labels, aliases = [], []
        for lang, cell in row.items():
            names = _split_cell(cell)
            if names:
                labels.append((lang, names[0]))
                if len(names) > 1:
                    aliases.append((lang, names[1:]))
        if not labels:
            problems.append((ln, f"entity {eid!r} has no label in any language"))
            continue
        first_line[eid] = ln
        entities.append(Entity(eid, etype, tuple(labels), tuple(aliases)))
    if header is None and not problems:
        problems.append((1, "no header row (expected 'id<TAB>type<TAB>en<TAB>...')"))
    if problems:
        raise LexiconError(path, problems)
    return EntityLexicon(entities, path)


def parse_lexicon_jsonl(path: str) -> EntityLexicon:
    problems: List[Tuple[int, str]] = []
    entities: List[Entity] = []
    first_line: Dict[str, int] = {}
    for ln, line in _content_lines(path, problems):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append((ln, f"invalid JSON ({exc.msg})"))
            continue
        if not isinstance(obj, dict):
            problems.append((ln, "expected a JSON object"))
            continue
        eid = obj.get("id")
        labels = obj.get("labels")
        aliases = obj.get("aliases", {}) or {}
        etype = obj.get("type", "") or ""
        if not isinstance(eid, str) or not eid.strip():
            problems.append((ln, "missing or empty 'id'"))
            continue
        if not isinstance(labels, dict) or not labels or not all(
                isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in labels.items()):
            problems.append((ln, "'labels' must be a non-empty object of language -> non-empty string"))
            continue
        if not isinstance(aliases, dict) or not all(
                isinstance(v, list) and all(isinstance(a, str) for a in v) for v in aliases.values()):
            problems.append((ln, "'aliases' must be an object of language -> list of strings"))
            continue
        if not isinstance(etype, str):
            problems.append((ln, "'type' must be a string"))
            continue
        eid = eid.strip()
        if eid in first_line:
            problems.append((ln, f"duplicate entity id {eid!r} (first on line {first_line[eid]})"))
            continue
        first_line[eid] = ln
        entities.append(Entity(eid, etype, tuple((k, v.strip()) for k, v in labels.items()),
                               tuple((k, tuple(a.strip() for a in v if a.strip())) for k, v in aliases.items())))
    if problems:
        raise LexiconError(path, problems)
    return EntityLexicon(entities, path)


def _cache_key(path: str):
    from cs_synth.pipeline import resources

    key = resources.cache_key(path)
    return (path, key)


def load_lexicon(path: str) -> EntityLexicon:
    """Load an entity lexicon (``.jsonl``/``.json`` as JSONL, else TSV),
    once per process."""
    from cs_synth.pipeline import resources

    if not resources.exists(path):
        raise ConfigError(f"entity lexicon not found: {path}")
    return _load_lexicon_cached(*_cache_key(path))


@functools.lru_cache(maxsize=32)
def _load_lexicon_cached(path: str, key: tuple) -> EntityLexicon:
    if path.endswith((".jsonl", ".json")):
        return parse_lexicon_jsonl(path)
    return parse_lexicon_tsv(path)


# ----------------------------------------------------- bilingual dictionary
class BilingualDictionary:
    """Source word or phrase -> translations (file order kept)."""

    def __init__(self, entries: Sequence[Tuple[str, Tuple[str, ...]]], path: str = "",
                 case_insensitive: bool = True):
        self.path = path
        merged: Dict[Tuple[str, ...], List[str]] = {}
        for src, tgts in entries:
            key = tuple(fold(t, case_insensitive) for t in src.split())
            lst = merged.setdefault(key, [])
            for t in tgts:
                if t not in lst:
                    lst.append(t)
        self._entries = {k: tuple(v) for k, v in merged.items()}
        self.index = PhraseIndex(((k, k) for k in self._entries), case_insensitive)

    def __len__(self) -> int:
        return len(self._entries)

    def items(self):
        """``(source words, translations)`` per entry, in file order (source
        words folded as the lookup folds them)."""
        return self._entries.items()

    def translations(self, key: Tuple[str, ...]) -> Tuple[str, ...]:
        return self._entries.get(tuple(fold(t, self.index.case_insensitive) for t in key), ())

    def find(self, tokens: Sequence[str], allowed: Optional[Sequence[bool]] = None):
        """Longest matches ``(start, end, translations)`` in ``tokens``."""
        return [(a, b, self._entries[k]) for a, b, k in self.index.find(tokens, allowed)]


def parse_dictionary_tsv(path: str, case_insensitive: bool = True) -> BilingualDictionary:
    problems: List[Tuple[int, str]] = []
    entries: List[Tuple[str, Tuple[str, ...]]] = []
    for ln, line in _content_lines(path, problems):
        cells = line.split("\t")
        if len(cells) != 2:
            problems.append((ln, f"expected 2 tab-separated fields (source, target), got {len(cells)}"))
            continue
        src, tgt = cells[0].strip(), _split_cell(cells[1])
        if not src or not tgt:
            problems.append((ln, "empty source or target"))
            continue
        entries.append((src, tgt))
    if problems:
        raise LexiconError(path, problems)
    if not entries:
        raise ConfigError(f"bilingual dictionary {path} holds no entries (an empty file?); a dictionary "
                          f"recipe would switch nothing")
    return BilingualDictionary(entries, path, case_insensitive)


def load_dictionary(path: str, case_insensitive: bool = True) -> BilingualDictionary:
    from cs_synth.pipeline import resources

    if not resources.exists(path):
        raise ConfigError(f"bilingual dictionary not found: {path}")
    return _load_dictionary_cached(*_cache_key(path), case_insensitive)


@functools.lru_cache(maxsize=32)
def _load_dictionary_cached(path: str, key: tuple, case_insensitive: bool) -> BilingualDictionary:
    return parse_dictionary_tsv(path, case_insensitive)
