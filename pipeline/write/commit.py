"""The output folder's commit protocol: staging, a lock, an atomic publish
with a journal, and ``verify``.

Layout while and after a run::

    OUT/.cs-synth/lock.json              owner, pid, host, start, run id, temp folder
    OUT/.cs-synth/staging-<run>/...      shards, card and manifest while the job runs
    OUT/.cs-synth/publish.json           the journal of a publish in progress
    OUT/data/*.arrow, OUT/rejected/*.arrow, OUT/README.md, OUT/manifest.json

1. :meth:`OutputDir.open` refuses a folder that is a file or cannot be
   written, takes the lock (a second run gets a clear error naming the
   holder; ``--force-unlock`` clears a stale one), completes a publish that
   a killed run left half done, removes what killed runs left in
   ``.cs-synth`` and in their temp folders, and refuses to mix with an
   earlier run unless ``overwrite``.  Nothing of an earlier run is deleted
   yet: if this run fails, the earlier dataset is still there, whole.
2. The job writes every shard, the dataset card and, last, the manifest
   into the staging folder.  The manifest lists every file with its row
   count, size and sha256.
3. :meth:`OutputDir.publish` writes the journal (the commit point: from
   here on the run counts as done and a later start rolls it forward),
   deletes the earlier run's files -- only those its manifest lists, so
   ``--overwrite`` never deletes a file cs-synth did not write -- moves the
   new files to their final names, the manifest last, and drops the journal.
   Locally each move is an atomic rename; on object stores (rename = copy +
   delete) the manifest written last is what makes the dataset valid.
4. :meth:`OutputDir.close` releases the lock and removes the staging and
   temp folders, also when the run failed.

So a killed run leaves no shard under a final name that the manifest does
not list with a matching checksum, except inside the few renames of a
publish, which the journal completes at the next start.  :func:`verify`
(``cs-synth verify OUT``) checks a folder against its manifest, and
:func:`load` loads it with ``datasets`` only when it verifies.
"""
from __future__ import annotations

import datetime
import getpass
import hashlib
import json
import os
import shutil
import socket
import tempfile
import uuid
from typing import Dict, List, Optional, Tuple

from cs_synth.pipeline.units import ConfigError

STATE_DIR = ".cs-synth"
LOCK = "lock.json"
JOURNAL = "publish.json"
MANIFEST = "manifest.json"
CARD = "README.md"
DATA_KINDS = ("data", "rejected")
SHARD_SUFFIXES = (".arrow", ".parquet")


class OutputError(ConfigError):
    """The output folder cannot be used (a file, not writable, locked,
    holding files of another run)."""


def _fs():
    from apache_beam.io.filesystems import FileSystems

    return FileSystems


def is_local(path: str) -> bool:
    return "://" not in path


def join(*parts: str) -> str:
    if all(is_local(p) for p in parts):
        return os.path.join(*parts)
    return _fs().join(*parts)


def _read_json(path: str) -> Optional[dict]:
    fs = _fs()
    if not fs.exists(path):
        return None
    with fs.open(path) as fh:
        return json.loads(fh.read().decode("utf-8"))


def write_bytes_atomic(path: str, data: bytes) -> None:
    """Write ``path`` whole or not at all (temp name beside it, then rename)."""
    if is_local(path):
        tmp = f"{path}.tmp-{uuid.uuid4().hex[:8]}"
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
        return
    fs = _fs()
    with fs.create(path) as fh:  # object stores: a create is visible only when closed
        fh.write(data)


def _move(src: str, dst: str) -> None:
    if is_local(src):
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        os.replace(src, dst)
        return
    fs = _fs()
    if fs.exists(dst):
        fs.delete([dst])
    fs.rename([src], [dst])


def _delete(path: str) -> None:
    if is_local(path):
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
        elif os.path.exists(path):
            os.remove(path)
        return
    fs = _fs()
    if fs.exists(path):
        fs.delete([path])


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def manifest_files(manifest: dict) -> List[str]:
    """Every file (relative path) a manifest says its run wrote, itself included."""
    files = [f["path"] for f in manifest.get("files", [])]
    if not files:  # a manifest written before checksums: its shard lists
        files = list(manifest.get("shards", [])) + list(manifest.get("rejected_shards", []))
    return sorted(set(files)) + [MANIFEST]


def file_digest(path: str) -> Tuple[str, int]:
    h, n = hashlib.sha256(), 0
    with _fs().open(path) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            h.update(chunk)
            n += len(chunk)
    return h.hexdigest(), n


def count_rows(path: str) -> int:
    import pyarrow as pa

    with _fs().open(path) as fh:
        if path.endswith(".parquet"):
            import pyarrow.parquet as pq

            return pq.ParquetFile(fh).metadata.num_rows
        return sum(b.num_rows for b in pa.ipc.open_stream(fh))


class OutputDir:
    """One run's use of an output folder (see the module docstring)."""

    def __init__(self, out_dir: str):
        self.out = out_dir.rstrip("/") if not out_dir.endswith("://") else out_dir
        self.state = join(self.out, STATE_DIR)
        self.run_id = uuid.uuid4().hex[:12]
        self.staging = join(self.state, f"staging-{self.run_id}")
        self.tmp: Optional[str] = None
        self.previous: Optional[dict] = None
        self._locked = False
        self._saved_tmp: Optional[Tuple[Optional[str], Optional[str]]] = None

    # ----------------------------------------------------------------- open
    def open(self, overwrite: bool = False, force_unlock: bool = False) -> "OutputDir":
        self._check_folder()
        self._lock(force_unlock)
        try:
            recover(self.out)
            self._clean_leftovers()
            self._check_previous(overwrite)
            self._mkdirs(self.staging, *(join(self.staging, k) for k in DATA_KINDS))
            self._use_temp_folder()
        except BaseException:
            self.close()
            raise
        return self

    def _check_folder(self) -> None:
        if not is_local(self.out):
            return
        if os.path.exists(self.out) and not os.path.isdir(self.out):
            raise OutputError(f"output: {self.out} is a file, not a folder; choose another --output")
        self._mkdirs(self.out, self.state)
        probe = os.path.join(self.state, f".probe-{self.run_id}")
        try:
            with open(probe, "wb"):
                pass
            os.remove(probe)
        except OSError as exc:
            raise OutputError(f"output: cannot write into {self.out}: {exc.strerror}") from None

    def _mkdirs(self, *paths: str) -> None:
        for p in paths:
            try:
                if is_local(p):
                    os.makedirs(p, exist_ok=True)
                elif not _fs().exists(p):
                    _fs().mkdirs(p)
            except OSError as exc:
                raise OutputError(f"output: cannot create {p}: {exc.strerror or exc}") from None

    def _lock_info(self) -> dict:
        try:
            owner = getpass.getuser()
        except Exception:  # noqa: BLE001 - no user name in this environment
            owner = str(os.getuid()) if hasattr(os, "getuid") else "unknown"
        return {"owner": owner, "pid": os.getpid(), "host": socket.gethostname(), "run_id": self.run_id,
                "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                "tmp": self.tmp}

    def _lock(self, force_unlock: bool) -> None:
        path = join(self.state, LOCK)
        held = self._read_lock(path)
        if held is not None:
            local = held.get("host") == socket.gethostname()
            alive = local and isinstance(held.get("pid"), int) and _pid_alive(held["pid"])
            who = (f"run {held.get('run_id', '?')} of {held.get('owner', '?')}@{held.get('host', '?')} "
                   f"(pid {held.get('pid', '?')}, started {held.get('started', '?')})")
            if not force_unlock:
                state = ("that process is still running" if alive else
                         "that process is not running: the lock is stale" if local else
                         "on another host")
                raise OutputError(f"output folder {self.out} is locked by {who}; {state}. If that run is gone, "
                                  f"rerun with --force-unlock")
            if alive:
                raise OutputError(f"output folder {self.out} is locked by {who}, which is still running; "
                                  f"--force-unlock clears only the lock of a run that is gone")
            if local and held.get("tmp") and os.path.isdir(held["tmp"]):
                shutil.rmtree(held["tmp"], ignore_errors=True)
            _delete(path)
        info = json.dumps(self._lock_info(), indent=2).encode()
        if is_local(path):
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                raise OutputError(f"output folder {self.out} was locked by another run a moment ago; "
                                  f"only one run may write into it") from None
            with os.fdopen(fd, "wb") as fh:
                fh.write(info)
        else:  # object stores have no exclusive create: best effort
            with _fs().create(path) as fh:
                fh.write(info)
        self._locked = True

    @staticmethod
    def _read_lock(path: str) -> Optional[dict]:
        try:
            return _read_json(path)
        except (ValueError, OSError):
            return {"owner": "?", "note": "unreadable lock file"} if _fs().exists(path) else None

    def _rewrite_lock(self) -> None:
        write_bytes_atomic(join(self.state, LOCK), json.dumps(self._lock_info(), indent=2).encode())

    def _clean_leftovers(self) -> None:
        """Staging folders and stray temp files of runs that were killed
        (we hold the lock, so no other run is using them)."""
        if is_local(self.state):
            for name in os.listdir(self.state):
                if name.startswith(("staging-", ".probe-")) or ".tmp-" in name:
                    _delete(os.path.join(self.state, name))
            for kind in DATA_KINDS:
                d = os.path.join(self.out, kind)
                if os.path.isdir(d):
                    for name in os.listdir(d):
                        if name.startswith(".tmp-") or ".tmp-" in name:
                            _delete(os.path.join(d, name))
        else:
            fs = _fs()
            stale = [m.path for m in fs.match([join(self.state, "staging-*")])[0].metadata_list]
            if stale:
                fs.delete(stale)

    def _listed_data_files(self) -> List[str]:
        found = []
        fs = _fs()
        for kind in DATA_KINDS:
            for suffix in SHARD_SUFFIXES:
                for m in fs.match([join(self.out, kind, "*" + suffix)])[0].metadata_list:
                    found.append(f"{kind}/{m.path.rsplit('/', 1)[-1]}")
        return sorted(found)

    def _check_previous(self, overwrite: bool) -> None:
        try:
            self.previous = _read_json(join(self.out, MANIFEST))
        except ValueError:
            raise OutputError(f"output: {self.out}/{MANIFEST} is not a cs-synth manifest (not JSON); "
                              f"choose another --output") from None
        ours = set(manifest_files(self.previous)) if self.previous else set()
        strangers = [f for f in self._listed_data_files() if f not in ours]
        if strangers:
            raise OutputError(f"output folder {self.out} holds {len(strangers)} data file(s) that no cs-synth "
                              f"manifest lists ({', '.join(strangers[:3])}{' ...' if len(strangers) > 3 else ''}); "
                              f"cs-synth deletes only files it wrote: move them away or choose another --output")
        if self.previous is not None and not overwrite:
            raise OutputError(f"output folder {self.out} already holds a run ({len(ours)} files); "
                              f"pass --overwrite or choose another --output")

    def _use_temp_folder(self) -> None:
        """A temp folder for this run (Beam, spill files, aligner binaries),
        named in the lock so that a later start can remove it after a kill."""
        self.tmp = tempfile.mkdtemp(prefix=f"cs-synth-{self.run_id}-")
        self._saved_tmp = (os.environ.get("TMPDIR"), tempfile.tempdir)
        os.environ["TMPDIR"] = self.tmp
        tempfile.tempdir = self.tmp
        self._rewrite_lock()

    # -------------------------------------------------------------- publish
    def publish(self) -> dict:
        """Move the staged run to its final names (see the module docstring)."""
        manifest = _read_json(join(self.staging, MANIFEST))
        if manifest is None:
            raise OutputError(f"output: the run wrote no manifest into {self.staging}")
        new = [f["path"] for f in manifest.get("files", [])]
        journal = {
            "run_id": self.run_id,
            "staging": f"{STATE_DIR}/staging-{self.run_id}",
            "delete": [f for f in (manifest_files(self.previous) if self.previous else []) if f not in new],
            "moves": new + [MANIFEST],
        }
        write_bytes_atomic(join(self.state, JOURNAL), json.dumps(journal, indent=2).encode())
        recover(self.out)
        return manifest

    # ---------------------------------------------------------------- close
    def close(self) -> None:
        if self._saved_tmp is not None:
            env, tdir = self._saved_tmp
            if env is None:
                os.environ.pop("TMPDIR", None)
            else:
                os.environ["TMPDIR"] = env
            tempfile.tempdir = tdir
            self._saved_tmp = None
        if self.tmp and os.path.isdir(self.tmp):
            shutil.rmtree(self.tmp, ignore_errors=True)
        try:
            # past the commit point (journal written) the staged files belong
            # to the publish: the next start completes it
            if not _fs().exists(join(self.state, JOURNAL)):
                _delete(self.staging)
        except OSError:
            pass
        if self._locked:
            try:
                _delete(join(self.state, LOCK))
            except OSError:
                pass
            self._locked = False


def recover(out_dir: str) -> bool:
    """Complete a publish that a killed run left half done (idempotent).
    Returns whether there was one."""
    state = join(out_dir, STATE_DIR)
    path = join(state, JOURNAL)
    journal = _read_json(path)
    if journal is None:
        return False
    staging = join(out_dir, *journal["staging"].split("/"))
    _delete(join(out_dir, MANIFEST))  # the dataset is invalid until the new manifest lands
    for rel in journal["delete"]:
        _delete(join(out_dir, *rel.split("/")))
    for rel in journal["moves"]:
        src, dst = join(staging, *rel.split("/")), join(out_dir, *rel.split("/"))
        if _fs().exists(src):
            _move(src, dst)
    _delete(path)
    _delete(staging)
    return True


# ------------------------------------------------------------------ verify
def verify(out_dir: str) -> List[str]:
    """The problems that make ``out_dir`` not a whole cs-synth dataset
    (empty list: it verifies).  Reads every listed file once."""
    problems: List[str] = []
    fs = _fs()
    if fs.exists(join(out_dir, STATE_DIR, JOURNAL)):
        problems.append("a publish was interrupted (.cs-synth/publish.json); run cs-synth again into this "
                        "folder (with --force-unlock if the killed run's lock is left) to complete it")
    try:
        manifest = _read_json(join(out_dir, MANIFEST))
    except ValueError:
        return problems + [f"{MANIFEST} is not valid JSON"]
    if manifest is None:
        return problems + [f"no {MANIFEST}: not a complete cs-synth dataset (a run that did not finish?)"]
    files = manifest.get("files")
    if not files:
        return problems + [f"{MANIFEST} lists no files with checksums (written by an older cs-synth?)"]
    listed = set()
    for f in files:
        rel = f["path"]
        listed.add(rel)
        path = join(out_dir, *rel.split("/"))
        if not fs.exists(path):
            problems.append(f"{rel}: listed in the manifest but missing")
            continue
        digest, size = file_digest(path)
        if size != f.get("bytes") or digest != f.get("sha256"):
            problems.append(f"{rel}: contents differ from the manifest (sha256 {digest[:12]}..., "
                            f"{size} bytes; manifest {str(f.get('sha256'))[:12]}..., {f.get('bytes')} bytes)")
            continue
        if "rows" in f and rel.endswith(SHARD_SUFFIXES):
            rows = count_rows(path)
            if rows != f["rows"]:
                problems.append(f"{rel}: {rows} rows, manifest says {f['rows']}")
    for kind in DATA_KINDS:
        for suffix in SHARD_SUFFIXES:
            for m in fs.match([join(out_dir, kind, "*" + suffix)])[0].metadata_list:
                rel = f"{kind}/{m.path.rsplit('/', 1)[-1]}"
                if rel not in listed:
                    problems.append(f"{rel}: not listed in the manifest (a reader would load it)")
    return problems


def load(out_dir: str, name: Optional[str] = None):
    """``datasets.load_dataset(out_dir)``, only for a folder that verifies."""
    problems = verify(out_dir)
    if problems:
        raise OutputError(f"{out_dir} does not verify: " + "; ".join(problems))
    import datasets

    return datasets.load_dataset(out_dir, name) if name else datasets.load_dataset(out_dir)


def shard_entry(rel: str, rows: int, sha256: str, size: int) -> Dict[str, object]:
    return {"path": rel, "rows": rows, "sha256": sha256, "bytes": size}


def write_card_and_manifest(out_dir: str, manifest: dict, config: dict, shards: List[dict]) -> dict:
    """Write the dataset card, then the manifest (with ``files``: every
    shard's and the card's path, rows, size and sha256) into ``out_dir``."""
    from cs_synth.pipeline.write import card

    card_bytes = card.render(manifest, config).encode("utf-8")
    write_bytes_atomic(join(out_dir, CARD), card_bytes)
    files = []
    for s in shards:
        entry = dict(s)
        extra = entry.pop("parquet", None)
        files.append(entry)
        if extra:
            files.append(dict(extra))
    files.sort(key=lambda f: f["path"])
    files.append({"path": CARD, "sha256": hashlib.sha256(card_bytes).hexdigest(), "bytes": len(card_bytes)})
    manifest = {**manifest, "files": files}
    write_bytes_atomic(join(out_dir, MANIFEST),
                       (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"))
    return manifest


def run_failure(exc: BaseException, out_dir: str) -> BaseException:
    """``exc`` from a failed job, or a clean :class:`OutputError` when an OS
    error (full disk, file too large, permission) is behind it."""
    seen, cur = set(), exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, OSError) and cur.errno:
            return OutputError(f"output: the run failed while writing ([Errno {cur.errno}] {cur.strerror}); "
                               f"nothing was published and {out_dir} holds what it held before")
        cur = cur.__cause__ or cur.__context__
    text = str(exc)
    import re

    m = re.search(r"\[Errno (\d+)\] ([^\n\]'\"]+)", text)
    if m:
        return OutputError(f"output: the run failed while writing ([Errno {m.group(1)}] {m.group(2).strip()}); "
                           f"nothing was published and {out_dir} holds what it held before")
    return exc
