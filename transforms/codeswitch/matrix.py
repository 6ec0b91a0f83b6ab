"""Matrix-language choice for every code-switching recipe: ``matrix: src | tgt``.

A code-switching recipe keeps the frame of one language (the *matrix*
language, Myers-Scotton 1993) and inserts spans of the other (the
*embedded* language).  The recipes are written with the source side as the
frame.  ``matrix: tgt`` frames the sentence in the target language instead,
e.g. Hindi-framed Hinglish from an en-hi corpus, without swapping columns in
the input:

1. before the recipe, the pair's sides are swapped (``src`` <-> ``tgt``, each
   with its own tokens and annotations) and the alignment is inverted
   (``(i, j)`` -> ``(j, i)``, sorted);
2. the recipe runs unchanged on that record: its selectors pick spans of the
   matrix side and its substituters fill them from the embedded side;
3. after the recipe, an **output** keeps the swapped sides: its ``src`` is the
   matrix side, the side that its ``source_map``, edits (``src_start`` /
   ``src_end``), projected labels and entities refer to, and ``alignment``
   links matrix tokens to embedded tokens.  So every record invariant holds
   and ``output.src.lang`` says which language framed it.  A **reject** is
   the input record as it came (original sides and alignment) with the
   recipe's reason and detail, so rejects read like any other.

Chaining: a record whose ``src`` is already the matrix language (the output
of an earlier ``matrix: tgt`` step) is not swapped again.  A record that
already has an output framed in the other language is rejected with
``chain_breaks_matrix``: its output tokens point into the other side.

Annotations: a recipe that needs POS tags or a parse (``noun-swap``,
``subtree``, ``ratio`` in mode ``noun-token``) needs them on the matrix side.
When cs-synth knows of no trained spaCy pipeline for the matrix language (there
is none for Hindi), building the step fails with a :class:`ConfigError`; when
there is one, annotate the target side with ``annotate.tgt_model`` (records
without tags reject with ``missing_pos_tags``, as on the source side).
"""
from __future__ import annotations

import functools
import inspect
from typing import Literal, Tuple

from cs_synth.pipeline.record import Record
from cs_synth.pipeline.units import ConfigError, Context

MATRIX = ("src", "tgt")
CHAIN_BREAKS = "chain_breaks_matrix"
#: needs that concern the frame (the side a recipe selects spans in)
_FRAME_NEEDS = {"src_pos": "POS tags", "src_parse": "a dependency parse", "src_lemmas": "lemmas"}


def swap_sides(record: Record) -> Record:
    """The record with its sides swapped and its alignment inverted."""
    return record.evolve(src=record.tgt, tgt=record.src,
                         alignment=tuple(sorted((j, i) for i, j in record.alignment)))


class MatrixFrame:
    """Runs ``unit`` with the target side as the matrix language."""

    def __init__(self, unit, matrix_lang: str = ""):
        self.unit = unit
        self.matrix_lang = matrix_lang
        self.name = unit.name
        self.recipe = getattr(unit, "recipe", "")
        inner = tuple(getattr(unit, "requires", ()))
        # the matrix side's annotations are checked per record by the recipe
        # itself; the frame needs a target side and (when the unit did) an alignment
        self.requires: Tuple[str, ...] = tuple(dict.fromkeys(
            ("tgt",) + tuple(r for r in inner if r not in _FRAME_NEEDS and r != "tgt")))
        self.provides = tuple(getattr(unit, "provides", ("output",)))

    @property
    def constraints(self):
        return self.unit.constraints

    @constraints.setter
    def constraints(self, value):  # the transform stage sets a step's constraints block
        self.unit.constraints = value

    def __call__(self, record: Record, rng):
        if record.tgt is None or not record.tgt.tokens:
            yield record.reject("missing_target", f"{self.recipe}: matrix: tgt needs a tokenized target side "
                                "(a sentence pair)", stage="transform")
            return
        lang = self.matrix_lang or record.tgt.lang
        if record.src.lang == lang and record.tokens:
            swapped = record  # already framed in the matrix language by an earlier matrix: tgt step
        elif record.tokens:
            yield record.reject(CHAIN_BREAKS, f"{self.recipe}: matrix: tgt, but an earlier step wrote an output "
                                f"framed in {record.src.lang}; put the matrix: tgt step first",
                                stage="transform")
            return
        else:
            swapped = swap_sides(record)
        for out in self.unit(swapped, rng):
            if out.rejected:
                yield record.reject(out.reject_reason, out.reject_detail, out.reject_stage or "transform")
            else:
                yield out

    def __getattr__(self, name):  # batch helpers and the like of the wrapped unit
        if name == "unit":
            raise AttributeError(name)
        return getattr(self.unit, name)

    def __repr__(self) -> str:
        return f"<MatrixFrame tgt {self.unit!r}>"


def _known_pipeline(lang: str) -> bool:
    from cs_synth.transforms.codeswitch.recipes import _TRAINED

    return lang in _TRAINED


def frame(unit, matrix: str, ctx: Context):
    """``unit`` as it is (``matrix: src``) or framed in the target language."""
    if matrix == "src":
        return unit
    if matrix not in MATRIX:
        raise ConfigError(f"matrix: must be one of {', '.join(MATRIX)} (got {matrix!r})")
    tgt = getattr(ctx, "tgt_lang", "") or ""
    needs = [(r, _FRAME_NEEDS[r]) for r in getattr(unit, "requires", ()) if r in _FRAME_NEEDS]
    if needs and tgt and not _known_pipeline(tgt):
        what = " and ".join(w for _, w in needs)
        raise ConfigError(f"matrix: tgt: recipe {getattr(unit, 'recipe', '?')!r} needs {what} of the matrix "
                          f"side ({tgt}), and cs-synth knows no trained spaCy pipeline for {tgt!r}; use "
                          "matrix: src, or a recipe that needs no parse (span-ml, span-ec, phrase, ratio "
                          "in mode phrase or token, word, entity)")
    return MatrixFrame(unit, tgt)


def with_matrix(factory):
    """Add the option ``matrix: src | tgt`` (default ``src``) to a recipe
    factory: its options schema gets the field, and the unit it builds is
    framed by :func:`frame`."""

    @functools.wraps(factory)
    def wrapped(ctx, *args, matrix: Literal["src", "tgt"] = "src", **kwargs):
        return frame(factory(ctx, *args, **kwargs), matrix, ctx)

    sig = inspect.signature(factory)
    params = list(sig.parameters.values())
    params.append(inspect.Parameter("matrix", inspect.Parameter.KEYWORD_ONLY, default="src",
                                    annotation=Literal["src", "tgt"]))
    # keyword-only after positional-or-keyword parameters is a valid signature
    wrapped.__signature__ = sig.replace(parameters=params)
    import typing

    # resolved here, in the factory's module (its annotations may be strings)
    hints = typing.get_type_hints(factory, include_extras=True)
    wrapped.__annotations__ = dict(hints, matrix=Literal["src", "tgt"])
    del wrapped.__wrapped__  # the registry reads this signature, not the inner one
    return wrapped
