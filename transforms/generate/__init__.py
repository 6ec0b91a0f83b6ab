"""Model-based generation recipes: ``mt-span`` (span translation with an MT
engine), ``llm-cs`` (an LLM writes the code-switched sentence) and
``llm-dialect`` (an LLM applies one eWAVE feature).  The backends live in
``pipeline/generate``.  Importing this package loads no model, starts no
process and opens no connection."""
from cs_synth.transforms.generate import llm_cs, llm_dialect, mt_span  # noqa: F401  (register the recipes)
