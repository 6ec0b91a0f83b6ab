"""The cs-synth distribution namespace: ``cs_synth.pipeline``,
``cs_synth.transforms``, ``cs_synth.beam_jobs`` (setup.py ``package_dir``
maps them to the folders at the repository root)."""
import os as _os

_root = _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))
# a checkout without an install: the packages lie beside this folder
if not _os.path.isdir(_os.path.join(_os.path.dirname(__file__), "pipeline")) and all(
        _os.path.isfile(_os.path.join(_root, _name, "__init__.py")) for _name in ('pipeline', 'transforms', 'beam_jobs')):
    __path__.append(_root)  # noqa: F821 - the package's own path list
