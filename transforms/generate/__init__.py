"""Model-based generation recipes: ``mt-span`` (span translation with an MT
engine).  Importing this package loads no model and starts no process."""
from transforms.generate import mt_span  # noqa: F401  (registers the recipe)
