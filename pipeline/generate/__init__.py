"""Model-based generation backends (MT engines, later LLMs).

A *generator* turns a batch of source texts into target texts.  One
interface (:class:`cs_synth.pipeline.generate.base.Generator`) serves every engine,
chosen by config through the ``generators`` registry; the ``mt-span``
recipe (``transforms/generate``) is an ordinary transform on top of it.
"""
