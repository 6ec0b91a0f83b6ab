"""cs-synth: code-switching, transliteration and dialect data synthesis.

The path data takes, stage by stage (one sub-package each)::

    read -> annotate -> align -> transforms -> score -> filter -> write

``from pipeline import augment`` applies the same units to one pair.
"""
__version__ = "0.1.0"

from cs_synth.pipeline.record import Edit, FrozenMap, Record, Side, Span  # noqa: E402


def augment(*args, **kwargs):
    """See :func:`cs_synth.pipeline.api.augment` (imported lazily to keep import cheap)."""
    from cs_synth.pipeline.api import augment as _augment

    return _augment(*args, **kwargs)


__all__ = ["augment", "Record", "Side", "Span", "Edit", "FrozenMap", "__version__"]
