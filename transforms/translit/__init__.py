"""Transliteration (issue #5): the ``translit`` recipe.

:mod:`.backends` wraps ICU, indic-transliteration (sanscript) and uroman and
the built-in casual Hinglish romanizer (:mod:`.hinglish`); :mod:`.predicates`
is the small registry of token predicates (script, word list, regex, lingua
classifier, your own); :mod:`.recipe` registers the recipe.  Importing this
package loads no library and no table.
"""
from cs_synth.transforms.translit import recipe  # noqa: F401  (registers the recipe)
