"""Code-switching transforms (issue #4).

Selectors (:mod:`.selectors`) decide *where* a sentence may switch;
substituters (:mod:`.substituters`) decide *what* goes there; recipes
(:mod:`.recipes`) pair them and register under a name that configs and
``augment(..., recipe=NAME)`` use.  ``cs-synth recipes`` lists them.

Importing this package registers the recipes; it loads no model and reads
no file (lexicons and dictionaries load when a recipe is built).
"""
from cs_synth.transforms.codeswitch import recipes  # noqa: F401  (registers the recipes)
