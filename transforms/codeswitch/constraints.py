"""Switch-point constraints: candidate spans a selector found that would
give ungrammatical text at their edges.

Every constraint looks at one candidate :class:`~transforms.codeswitch.selectors.Pair`
in its :class:`~transforms.codeswitch.selectors.View` and returns ``None``
(the span may switch) or a short reason.  The aligned-span recipes run them
on every candidate before choosing (``TransformStage`` hands each step its
``constraints:`` block); a sentence whose every candidate fails is rejected
with ``switch_point_constraint`` and a count per constraint, so nothing is
dropped silently.  They are on by default; a step turns any of them off:

.. code-block:: yaml

    transform:
      - recipe: phrase
        constraints: {dangling_function_word: false}   # or `constraints: false` for all

The checks use what the annotate stage gives on the source side (POS tags
and a dependency parse) and the alignment; without a parse the parse-based
checks pass every span.

``finite_verb_clash``
    An auxiliary and the verb it belongs to must switch together: switching
    the verb of "is running" alone gives "Der Hund is läuft", an English
    auxiliary before a finite target verb; switching the auxiliary alone
    gives a target auxiliary before an English participle.
``dangling_function_word``
    A closed-class word at a span edge whose partner stays outside: a
    determiner without its noun, a preposition without its object, a
    conjunction or subordinator at the edge ("A man on a Pferd versucht to
    lasso a Hund mit dem").
``unaligned_edge``
    The aligned target span starts or ends with a word the aligner left
    unaligned, or a source word next to the span is an unaligned content
    word: the aligner probably missed a link, and the switch would
    duplicate or lose a word ("Two Baseballspieler players").
``case_government``
    The target word before the span is a case-marked determiner or
    preposition that the span leaves behind, so the span's target form
    carries a case its new frame does not give ("of a Grills", "riding
    Pferden").  Per-language tables below.
"""
from __future__ import annotations

from collections import Counter
from typing import Dict, List, Optional, Sequence, Tuple

from pipeline.config import ConstraintsConfig as Constraints
from pipeline.langs import is_language_independent

#: universal POS tags of content words
CONTENT_POS = frozenset({"NOUN", "PROPN", "ADJ", "VERB", "ADV", "NUM"})
#: dependency labels (spaCy English / ClearNLP and UD) of auxiliaries
AUX_DEPS = frozenset({"aux", "auxpass", "aux:pass"})
#: objects of a preposition (ClearNLP-style parses, where the preposition heads the phrase)
PREP_OBJ_DEPS = frozenset({"pobj", "pcomp"})

#: target-language words that mark case on what follows them (German
#: dative/genitive/accusative forms of the articles and the contracted
#: prepositions).  Nominative/feminine-ambiguous forms (der, die, das, eine,
#: ein) are left out: they do not force an inflected noun.
CASE_GOVERNORS: Dict[str, frozenset] = {
    "de": frozenset({"dem", "den", "des", "einem", "einen", "einer", "eines", "im", "am", "vom", "zum", "zur",
                     "beim", "ins", "ans", "aufs", "durchs", "fürs", "ums", "diesem", "diesen", "dieses",
                     "jenem", "jenen", "seinem", "seinen", "seiner", "seines", "ihrem", "ihren", "ihrer",
                     "ihres", "meinem", "meinen", "meiner", "keinem", "keinen", "keiner", "mehreren"}),
}


DEFAULT = Constraints()
#: reject reason when every candidate span of a sentence fails a constraint
REJECT = "switch_point_constraint"


def parse(value) -> Constraints:
    return Constraints.parse(value)


# ------------------------------------------------------------- the checks
def _src_range(view, pair) -> Optional[Tuple[int, int]]:
    return view.src_range(pair.start, pair.end)


def finite_verb_clash(view, pair) -> Optional[str]:
    src = view.src
    if not src.heads or not src.deps:
        return None
    rng = _src_range(view, pair)
    if rng is None:
        return None
    i1, i2 = rng
    for i in range(len(src.tokens)):
        if src.deps[i] not in AUX_DEPS:
            continue
        h = src.heads[i]
        if (i1 <= i < i2) != (i1 <= h < i2):
            return f"'{src.tokens[i]}' and its verb '{src.tokens[h]}' would be in different languages"
    return None


def _children(src, i: int) -> List[int]:
    return [k for k, h in enumerate(src.heads) if h == i and k != i]


def dangling_function_word(view, pair) -> Optional[str]:
    src = view.src
    if not src.pos:
        return None
    rng = _src_range(view, pair)
    if rng is None:
        return None
    i1, i2 = rng
    words = [i for i in range(i1, i2) if not is_language_independent(src.tokens[i])]
    if not words:
        return None
    parsed = bool(src.heads) and bool(src.deps)
    for i in {words[0], words[-1]}:
        pos = src.pos[i]
        tok = src.tokens[i]
        if pos in ("CCONJ", "SCONJ"):
            return f"'{tok}' ({pos}) at the edge of the span"
        if not parsed:
            continue
        inside = lambda k: i1 <= k < i2  # noqa: E731
        if pos == "DET" or (pos == "PART" and src.deps[i] in ("aux", "mark")):
            if not inside(src.heads[i]):
                return f"'{tok}' ({pos}) switches without '{src.tokens[src.heads[i]]}'"
        elif pos == "ADP":
            objs = [k for k in _children(src, i) if src.deps[k] in PREP_OBJ_DEPS]
            if src.deps[i] == "case":  # UD: the preposition hangs from its noun
                objs = [src.heads[i]]
            if objs and not any(inside(k) for k in objs):
                return f"'{tok}' (ADP) switches without its object '{src.tokens[objs[0]]}'"
            if src.deps[i] == "prt" and not inside(src.heads[i]):
                return f"particle '{tok}' switches without its verb '{src.tokens[src.heads[i]]}'"
    return None


def unaligned_edge(view, pair) -> Optional[str]:
    if pair.tgt_start < 0 or view.tgt is None:
        return None
    tgt = view.tgt.tokens
    for j in {pair.tgt_start, pair.tgt_end - 1}:
        if j not in view.t2s and not is_language_independent(tgt[j]):
            return f"target word '{tgt[j]}' at the span edge is unaligned"
    rng = _src_range(view, pair)
    if rng is None:
        return None
    src = view.src
    for i in (rng[0] - 1, rng[1]):
        if not 0 <= i < len(src.tokens) or i in view.s2t or is_language_independent(src.tokens[i]):
            continue
        pos = src.pos[i] if src.pos else ""
        if (pos in CONTENT_POS) if pos else len(src.tokens[i]) > 3:
            return f"source word '{src.tokens[i]}' next to the span is unaligned"
    return None


def case_government(view, pair) -> Optional[str]:
    if pair.tgt_start <= 0 or view.tgt is None:
        return None
    governors = CASE_GOVERNORS.get(view.tgt_lang)
    if not governors:
        return None
    prev = view.tgt.tokens[pair.tgt_start - 1].casefold()
    if prev not in governors:
        return None
    first = view.tgt.tokens[pair.tgt_start].casefold()
    if first in governors or first in ("der", "die", "das", "ein", "eine"):
        return None  # the span brings its own determiner
    return f"target form follows '{view.tgt.tokens[pair.tgt_start - 1]}', which the span leaves behind"


CHECKS = {
    "finite_verb_clash": finite_verb_clash,
    "dangling_function_word": dangling_function_word,
    "unaligned_edge": unaligned_edge,
    "case_government": case_government,
}


def apply(view, cands: Sequence, constraints: Constraints = DEFAULT) -> Tuple[list, Counter]:
    """The candidates that pass every active constraint, and per constraint
    how many candidates it removed (the first failing check counts)."""
    active = [(name, CHECKS[name]) for name in constraints.active]
    if not active:
        return list(cands), Counter()
    kept, removed = [], Counter()
    for c in cands:
        for name, check in active:
            if check(view, c) is not None:
                removed[name] += 1
                break
        else:
            kept.append(c)
    return kept, removed


def explain(view, pair, constraints: Constraints = DEFAULT) -> Dict[str, str]:
    """Every active constraint ``pair`` fails, with its reason (for tests
    and debugging)."""
    out = {}
    for name in constraints.active:
        why = CHECKS[name](view, pair)
        if why is not None:
            out[name] = why
    return out


def summary(removed: Counter) -> str:
    return ", ".join(f"{name} {n}" for name, n in sorted(removed.items()))
