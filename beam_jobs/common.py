"""Small pieces every Beam stage shares: the rejected-output tag and the
routing of a unit's result to the main or the rejected output with a
counter per outcome."""
from __future__ import annotations

from typing import Iterator, Optional

import apache_beam as beam
from apache_beam.metrics import Metrics

from cs_synth.pipeline.record import Record

REJECTED = "rejected"
NAMESPACE = "cs_synth"


def route(record: Record, kept_counter: Optional[str] = None) -> Iterator:
    """Yield ``record`` to the main output, or to the ``rejected`` tagged
    output when it is rejected, counting ``rejected_<reason>`` (or
    ``kept_counter``)."""
    if record.rejected:
        Metrics.counter(NAMESPACE, f"rejected_{record.reject_reason}").inc()
        yield beam.pvalue.TaggedOutput(REJECTED, record)
    else:
        if kept_counter:
            Metrics.counter(NAMESPACE, kept_counter).inc()
        yield record


# ------------------------------------------------------------ live progress
#
# Beam reports a bundle's metrics when it finishes, and a local run may be
# a handful of big bundles, so the reporter also reads the bundles still
# running: in-process it asks the SDK workers of this process for their
# active bundles' metrics (what a harness answers to a progress request),
# with worker processes (``--workers N``) the runner's own progress
# requests (``progress_request_frequency``) carry them back.  Everything is
# installed for the run only (:func:`live_progress`) and read from
# Beam's monitoring infos: the user counters of the DoFns (``read``,
# ``annotated``, ``align_*``, ``candidates_kept``, ``pairs_kept``,
# ``pairs_rejected_<reason>``).

import contextlib
import sys
import threading
import time
from typing import Callable, Dict, Tuple

_USER_SUM = "beam:metric:user:sum_int64:v1"


class _Tally:
    """cs_synth user counters: finished bundles plus the latest snapshot of
    each running one."""

    def __init__(self):
        self.lock = threading.Lock()
        self.done: Dict[str, int] = {}
        self.live: Dict[object, Dict[str, int]] = {}
        #: instruction ids of finished bundles: a poll that read a bundle
        #: just before it finished must not add it back
        self.finished: set = set()

    @staticmethod
    def counters(infos) -> Dict[str, int]:
        from apache_beam.metrics import monitoring_infos

        out: Dict[str, int] = {}
        for info in infos:
            if info.urn == _USER_SUM and info.labels.get("NAMESPACE") == NAMESPACE:
                name = info.labels.get("NAME", "")
                out[name] = out.get(name, 0) + int(monitoring_infos.extract_counter_value(info))
        return out

    def finish(self, key, infos, instruction_id=None) -> None:
        counts = self.counters(infos)
        with self.lock:
            if instruction_id:
                self.finished.add(instruction_id)
            self.live.pop(key, None)
            # the in-process snapshot of the bundle that just finished
            for k in [k for k in self.live if k[0] == "inproc" and instruction_id and k[-1] == instruction_id]:
                self.live.pop(k, None)
            for k, v in counts.items():
                self.done[k] = self.done.get(k, 0) + v

    def update(self, key, infos) -> None:
        counts = self.counters(infos)
        with self.lock:
            if key[-1] in self.finished:
                return
            self.live[key] = counts

    def totals(self) -> Dict[str, int]:
        with self.lock:
            out = dict(self.done)
            for counts in self.live.values():
                for k, v in counts.items():
                    out[k] = out.get(k, 0) + v
        return out


def progress_line(counts: Dict[str, int], elapsed: float, total: Optional[int] = None) -> str:
    """``[cs-synth] 12s read 2000 | annotated 1990 | aligned 1990 |
    transformed 3010 | kept 0 | rejected 10 (empty_side 10) | ETA ~30s``."""
    rejected = {k[len("pairs_rejected_"):]: v for k, v in counts.items() if k.startswith("pairs_rejected_") and v}
    parts = [f"read {counts.get('read', 0)}" + (f" (of ~{total})" if total else ""),
             f"annotated {counts.get('annotated', 0)}"]
    if any(k.startswith("align_") for k in counts):
        parts.append(f"aligned {counts.get('align_given', 0) + counts.get('align_aligned', 0)}")
    parts.append(f"transformed {counts.get('candidates_kept', 0)}")
    settled = counts.get("pairs_kept", 0) + sum(rejected.values())
    parts.append(f"kept {counts.get('pairs_kept', 0)}")
    detail = ", ".join(f"{r} {n}" for r, n in sorted(rejected.items(), key=lambda kv: (-kv[1], kv[0])))
    parts.append(f"rejected {sum(rejected.values())}" + (f" ({detail})" if detail else ""))
    line = f"[cs-synth] {elapsed:.0f}s " + " | ".join(parts)
    eta = _eta(counts, settled, elapsed, total)
    return line + (f" | ETA ~{eta:.0f}s" if eta is not None else "")


def _eta(counts: Dict[str, int], settled: int, elapsed: float, total: Optional[int]) -> Optional[float]:
    """Remaining seconds, from the share of the input that reached the
    furthest per-record stage so far (the last stages wait for a shuffle,
    so this is a rough guide, said with ``~``)."""
    if not total:
        return None
    done = settled or counts.get("annotated", 0) or counts.get("read", 0)
    if done <= 0 or elapsed <= 0:
        return None
    share = min(done / total, 1.0)
    return elapsed * (1 - share) / share if share < 1 else 0.0


@contextlib.contextmanager
def live_progress(every: float, total: Optional[int] = None, stream=None,
                  clock: Callable[[], float] = time.monotonic):
    """Print :func:`progress_line` every ``every`` seconds while a local
    (FnApiRunner) run inside the block runs, and once at the end; yields
    the :class:`_Tally`.  ``every <= 0``: nothing is installed or printed."""
    if not every or every <= 0:
        yield None
        return
    from apache_beam.runners.portability.fn_api_runner import fn_runner
    from apache_beam.runners.worker import sdk_worker

    stream = stream or sys.stderr
    tally = _Tally()
    workers: list = []
    patched: list = []

    def patch(owner, name, make):
        original = getattr(owner, name)
        patched.append((owner, name, original))
        setattr(owner, name, make(original))

    def bundle_manager_process(original):
        def process_bundle(self, *args, **kwargs):
            out = original(self, *args, **kwargs)
            result = out[0] if isinstance(out, tuple) else out
            tally.finish(("bundle", id(self), id(result)), result.process_bundle.monitoring_infos,
                         getattr(result, "instruction_id", None))
            return out
        return process_bundle

    def requester_init(original):  # worker processes: the runner's progress requests, with a callback
        def __init__(self, worker_handler, instruction_id, frequency, callback=None):
            def cb(progress, key=("live", id(worker_handler), instruction_id)):
                tally.update(key, progress.monitoring_infos)
            original(self, worker_handler, instruction_id, frequency or every / 2, callback or cb)
            self._cs_synth_key = ("live", id(worker_handler), instruction_id)
        return __init__

    def requester_stop(original):
        def stop(self):
            original(self)
            with tally.lock:
                tally.live.pop(getattr(self, "_cs_synth_key", None), None)
        return stop

    def worker_init(original):  # in-process SDK workers: read their active bundles
        def __init__(self, *args, **kwargs):
            original(self, *args, **kwargs)
            workers.append(self)
        return __init__

    patch(fn_runner.BundleManager, "process_bundle", bundle_manager_process)
    patch(fn_runner.ProgressRequester, "__init__", requester_init)
    patch(fn_runner.ProgressRequester, "stop", requester_stop)
    patch(sdk_worker.SdkWorker, "__init__", worker_init)
    stop = threading.Event()
    t0 = clock()

    def poll_in_process() -> None:
        for worker in list(workers):
            cache = getattr(worker, "bundle_processor_cache", None)
            active = dict(getattr(cache, "active_bundle_processors", {}) or {})
            seen = set()
            for iid, (_, processor) in active.items():
                key = ("inproc", id(worker), iid)
                seen.add(key)
                try:
                    tally.update(key, processor.monitoring_infos())
                except Exception:  # noqa: BLE001 - a bundle that just finished; its result counts
                    pass
            # a bundle that left the active cache keeps its last snapshot
            # until the runner's finish() replaces it with its final counts
            # (popping it here would show fewer for a moment)

    shown: Dict[str, int] = {}

    def monotone(counts: Dict[str, int]) -> Dict[str, int]:
        # counters only grow; a bundle that just finished leaves the live
        # tally before its committed counts arrive, so a poll in between
        # would show fewer: show the most seen so far
        for k, v in counts.items():
            shown[k] = max(shown.get(k, 0), v)
        return dict(shown)

    def loop() -> None:
        while not stop.wait(every):
            poll_in_process()
            print(progress_line(monotone(tally.totals()), clock() - t0, total), file=stream, flush=True)

    thread = threading.Thread(target=loop, name="cs-synth-progress", daemon=True)
    thread.start()
    try:
        yield tally
    finally:
        stop.set()
        thread.join()
        for owner, name, original in reversed(patched):
            setattr(owner, name, original)
        with tally.lock:
            tally.live.clear()
    # only after a run that finished (a refused launch prints its error alone)
    print(progress_line(tally.totals(), clock() - t0, total) + " (done)", file=stream, flush=True)


#: formats with one record per line (a header line at most)
_LINE_FORMATS = ("tsv", "jsonl", "text", "moses")


def input_size(cfg) -> Optional[int]:
    """About how many records the input holds, when that is cheap to know:
    the line count of local, uncompressed line-based files (a Moses pair:
    its source side).  None otherwise (remote, compressed, columnar)."""
    import os

    from cs_synth.pipeline.read.readers import input_files

    if cfg.input.format not in _LINE_FORMATS or getattr(cfg.input, "doc_field", None):
        return None
    try:
        files = input_files(cfg.input, cfg.context().resolve)
    except Exception:  # noqa: BLE001 - the launch check names the problem
        return None
    if cfg.input.format == "moses":
        files = files[:1]
    total = 0
    for path in files:
        if "://" in path or not os.path.isfile(path) or path.endswith((".gz", ".bz2", ".zst", ".xz")):
            return None
        last = b"\n"
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                total += block.count(b"\n")
                last = block[-1:]
        total += last != b"\n"  # a last line without a newline
    return total
