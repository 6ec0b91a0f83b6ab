"""Per-sentence targets drawn from a distribution, and distributions fitted
from a real code-switched corpus.

A fixed ``max_spans: 1`` or ``target_ratio: 0.3`` gives every output the same
amount of switching: one switch point in most sentences, a ratio of 0.30 in
all of them.  Real code-switched corpora are spread out (switch-point
standard deviations of 1.5-2.2 are usual).  So the options that say *how
much* to switch also take a distribution, and each sentence draws its own
target from it with its record's rng (the same on every worker and retry):

``3``
    a constant (no draw; the unit's output is what it always was);
``{mean: 2.0, sd: 1.5}``
    a normal distribution, rounded for counts, clipped to the option's
    range (and to ``min``/``max`` when given);
``{reference: corpus.lid.tsv}``
    the empirical distribution of a real corpus, drawn with replacement.

A **reference corpus** is the common word-level LID format: one token per
line, ``word<TAB>TAG``, a blank line between sentences (LinCE, the
CALCS shared tasks).  Tags that are no language (``other``, ``univ``,
``ne``, ``mixed``, ``ambiguous``, ``fw``, ``unk``, punctuation tags, and
:data:`cs_synth.pipeline.langs.LANG_INDEPENDENT`) are ignored, as
:func:`cs_synth.pipeline.score.metrics.code_mixing_metrics` ignores them.  From each
sentence that mixes languages it gives

* ``spans``: the number of runs of the embedded (not the most frequent)
  language -- what ``max_spans`` / ``max_phrases`` / ``max_subtrees``
  draw from;
* ``cs_ratio``: the share of language tokens not in the matrix language --
  what ``target_ratio`` draws from;
* any code-mixing metric (``switch_points``, ``cmi``, ``spf`` ...) -- what
  the ``sampling:`` block's ``reference`` fits its target from (there every
  sentence counts, monolingual ones too, since the sampler matches the
  whole corpus).

Files are read through :mod:`cs_synth.pipeline.resources`, so they may be remote and
travel with the job.
"""
from __future__ import annotations

import functools
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from cs_synth.pipeline.langs import LANG_INDEPENDENT
from cs_synth.pipeline.units import ConfigError

#: LID tags that name no language (lower-cased)
NEUTRAL_TAGS = frozenset({
    "", LANG_INDEPENDENT, "other", "univ", "ne", "mixed", "ambiguous", "fw", "unk", "und", "x", "punct",
    "symbol", "sym", "emt", "acro", "named_entity", "ne.lang1", "ne.lang2", "ne.other", "o", "rest",
})

#: what a reference sentence yields besides the code-mixing metrics
EXTRA_STATS = ("spans",)


def read_reference(path: str) -> List[List[Tuple[str, str]]]:
    """The sentences of a word-level LID file as ``[(word, tag), ...]``.
    Lines without a tab are malformed: :class:`ValueError` with the line
    number."""
    from cs_synth.pipeline import resources

    text = resources.read_text(path)
    sents: List[List[Tuple[str, str]]] = []
    cur: List[Tuple[str, str]] = []
    for no, line in enumerate(text.splitlines(), 1):
        line = line.rstrip("\r")
        if not line.strip():
            if cur:
                sents.append(cur)
                cur = []
            continue
        if line.startswith("# "):  # a comment line (sentence ids in some releases)
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            raise ValueError(f"line {no}: expected word<TAB>TAG, got {line[:60]!r}")
        cur.append((parts[0], parts[-1].strip()))
    if cur:
        sents.append(cur)
    return sents


def _lang_tags(sent: Sequence[Tuple[str, str]]) -> List[str]:
    return [LANG_INDEPENDENT if tag.casefold() in NEUTRAL_TAGS else tag for _, tag in sent]


def sentence_stats(tags: Sequence[str]) -> Dict[str, float]:
    """The code-mixing metrics of one tag sequence plus ``spans`` (runs of
    languages other than the most frequent one)."""
    from cs_synth.pipeline.score.metrics import code_mixing_metrics, language_tokens, spans

    out = dict(code_mixing_metrics(list(tags)))
    seq = language_tokens(list(tags))
    if seq:
        counts: Dict[str, int] = {}
        for t in seq:
            counts[t] = counts.get(t, 0) + 1
        matrix = max(counts, key=lambda t: counts[t])
        runs, prev = 0, None
        for t in seq:
            if t != prev and t != matrix:
                runs += 1
            prev = t
        out["spans"] = float(runs)
    else:
        out["spans"] = 0.0
    return out


@functools.lru_cache(maxsize=64)
def _reference_values(key: tuple, path: str, stat: str, mixed_only: bool) -> Tuple[float, ...]:
    vals = []
    for sent in read_reference(path):
        st = sentence_stats(_lang_tags(sent))
        if mixed_only and st["spans"] < 1:
            continue
        if stat not in st:
            raise KeyError(stat)
        vals.append(float(st[stat]))
    return tuple(vals)


def reference_values(path: str, stat: str, *, mixed_only: bool) -> Tuple[float, ...]:
    """Per-sentence values of ``stat`` in the reference corpus at ``path``
    (only code-mixed sentences when ``mixed_only``).  Cached per file
    version.  Raises ``OSError``/``ValueError``/``KeyError``."""
    from cs_synth.pipeline import resources

    return _reference_values(resources.cache_key(path), path, stat, mixed_only)


def checked_reference_values(path: str, stat: str, field: str, *, mixed_only: bool) -> Tuple[float, ...]:
    """:func:`reference_values`, with an unreadable or malformed file as a
    :class:`ConfigError` naming ``field`` (a ``KeyError`` for an unknown
    ``stat`` passes through)."""
    try:
        return reference_values(path, stat, mixed_only=mixed_only)
    except FileNotFoundError:
        raise ConfigError(f"{field}: file not found: {path}") from None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{field}: {path}: {exc}") from None


class Draw:
    """A per-sentence target: a constant, N(mean, sd), or an empirical
    sample; rounded when ``integer``; always within ``[lo, hi]``."""

    def __init__(self, *, constant=None, mean: Optional[float] = None, sd: Optional[float] = None,
                 values: Sequence[float] = (), lo: float = float("-inf"), hi: float = float("inf"),
                 integer: bool = False, source: str = ""):
        self.constant, self.mean, self.sd = constant, mean, sd
        self.values, self.lo, self.hi, self.integer = tuple(values), lo, hi, integer
        self.source = source

    @property
    def is_constant(self) -> bool:
        return self.constant is not None

    def draw(self, rng):
        """One target for one sentence (no rng use for a constant)."""
        if self.constant is not None:
            return self.constant
        if self.values:
            v = self.values[rng.randrange(len(self.values))]
        else:
            v = rng.gauss(self.mean, self.sd)
        v = min(self.hi, max(self.lo, v))
        if self.integer:
            v = int(round(v))
            v = int(min(self.hi, max(self.lo, v)))
        return v

    def describe(self) -> str:
        if self.constant is not None:
            return repr(self.constant)
        if self.values:
            return f"{self.source} ({len(self.values)} sentences)"
        return f"N({self.mean:g}, {self.sd:g})"

    def __repr__(self) -> str:
        return f"Draw({self.describe()})"


_DRAW_KEYS = ("mean", "sd", "reference", "min", "max")


def parse_draw(value: Any, field: str, *, integer: bool, lo: float, hi: float, stat: str,
               resolve=None) -> Optional[Draw]:
    """``value`` (a number or a mapping, see the module docstring) as a
    :class:`Draw`; ``None`` stays ``None``.  ``field`` names the option in
    errors (``max_spans.sd: ...``); ``stat`` is what a reference corpus
    yields for it (``spans``, ``cs_ratio``); ``resolve`` maps a relative
    reference path (:meth:`cs_synth.pipeline.units.Context.resolve`)."""
    if value is None:
        return None
    if isinstance(value, Draw):
        return value
    if not isinstance(value, Mapping):
        return Draw(constant=value)
    unknown = sorted(set(value) - set(_DRAW_KEYS))
    if unknown:
        raise ConfigError(f"{field}.{unknown[0]}: unknown key; a distribution takes "
                          f"{', '.join(_DRAW_KEYS)}")

    def num(key, minimum=None):
        v = value.get(key)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v != v or v in (float("inf"), float("-inf")):
            raise ConfigError(f"{field}.{key}: expected a finite number, got {v!r}")
        if minimum is not None and v < minimum:
            raise ConfigError(f"{field}.{key}: must be at least {minimum}, got {v!r}")
        return float(v)

    vmin, vmax = num("min"), num("max")
    lo2 = lo if vmin is None else max(lo, vmin)
    hi2 = hi if vmax is None else min(hi, vmax)
    for key, v in (("min", vmin), ("max", vmax)):
        if v is not None and not (lo <= v <= hi):
            raise ConfigError(f"{field}.{key}: {v:g} is outside {lo:g}..{hi:g}")
    if lo2 > hi2:
        raise ConfigError(f"{field}.min: {lo2:g} exceeds max ({hi2:g})")
    ref = value.get("reference")
    if ref is not None:
        if "mean" in value or "sd" in value:
            raise ConfigError(f"{field}: give either reference or mean/sd, not both")
        if not isinstance(ref, str) or not ref:
            raise ConfigError(f"{field}.reference: expected a file path, got {ref!r}")
        if resolve is not None:
            ref = resolve(ref)
        vals = checked_reference_values(ref, stat, f"{field}.reference", mixed_only=True)
        if not vals:
            raise ConfigError(f"{field}.reference: {ref} has no sentence that mixes languages")
        return Draw(values=vals, lo=lo2, hi=hi2, integer=integer, source=ref)
    mean, sd = num("mean"), num("sd", 0.0)
    if mean is None or sd is None:
        missing = "mean" if mean is None else "sd"
        raise ConfigError(f"{field}.{missing}: required (a distribution is {{mean, sd}} or {{reference: FILE}})")
    return Draw(mean=mean, sd=sd, lo=lo2, hi=hi2, integer=integer)
