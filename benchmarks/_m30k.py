"""Shared set-up of the corpus-scale benchmarks (issue 17): the multi30k
en-de pairs, the span-ec job config, and CPU/wall/RSS measurement of a
command run in a fresh child process.

The data is read from the shared folder (``CS_SYNTH_SHARED``, default
``../shared`` next to the repository, i.e. /work/shared); nothing is copied
into the repository.  More pairs than multi30k has (29,000) are made by
repeating the corpus; the TSV reader gives every line its own id, so the
repeats are distinct records, and the job config has no dedup block.
"""
from __future__ import annotations

import gzip
import json
import os
import resource
import subprocess
import sys
import time
from typing import Dict, List, Optional, Sequence, Tuple

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
SHARED = os.environ.get("CS_SYNTH_SHARED", os.path.join(REPO, "..", "shared"))
M30K_PAIRS = 29000


def load_pairs(n: int) -> Tuple[List[Tuple[str, str]], str]:
    """The first ``n`` en-de pairs of multi30k train (repeated past 29k);
    returns the pairs and a sentence saying what they are."""
    d = os.path.join(SHARED, "data", "multi30k")
    with gzip.open(os.path.join(d, "train.en.gz"), "rt", encoding="utf-8") as f_en, \
            gzip.open(os.path.join(d, "train.de.gz"), "rt", encoding="utf-8") as f_de:
        base = [(e.strip(), g.strip()) for e, g in zip(f_en, f_de)]
    reps = -(-n // len(base))
    pairs = (base * reps)[:n]
    what = (f"{n} multi30k en-de train pairs" if reps == 1 else
            f"{n} pairs: multi30k en-de train ({len(base)} pairs) repeated {reps}x with distinct ids, dedup off")
    return pairs, what


def write_tsv(folder: str, pairs: Sequence[Tuple[str, str]]) -> str:
    path = os.path.join(folder, "m30k.tsv")
    with open(path, "w", encoding="utf-8") as fh:
        fh.writelines(f"{e}\t{g}\n" for e, g in pairs)
    return path


def job_config(tsv: str, recipe: str = "span-ec") -> dict:
    """The issue's job: span-ec with eflomal and corpus priors, no dedup."""
    return {"input": {"format": "tsv", "path": tsv, "src_lang": "en", "tgt_lang": "de"},
            "align": {"backend": "eflomal", "priors": True},
            "transform": [{"recipe": recipe}], "seed": 0}


def write_config(folder: str, cfg: dict, name: str = "job.json") -> str:
    path = os.path.join(folder, name)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(cfg, fh)
    return path


_WRAP = r"""
import json, resource, subprocess, sys
proc = subprocess.run(sys.argv[2:])
r = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as fh:
    json.dump({"rc": proc.returncode, "cpu_s": r.ru_utime + r.ru_stime, "maxrss_kb": r.ru_maxrss}, fh)
"""


def measured(cmd: Sequence[str], env: Optional[Dict[str, str]] = None) -> Dict[str, float]:
    """Run ``cmd`` in a fresh child (through a small wrapper process, so the
    figures are this command's alone); its wall seconds, CPU seconds (user +
    system of the command and everything it waited for: eflomal binaries,
    worker processes) and peak RSS (MB, of the largest single process)."""
    import tempfile

    fd, stats = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _WRAP, stats] + list(cmd), cwd=REPO, env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - t0
    with open(stats) as fh:
        st = json.load(fh)
    os.unlink(stats)
    if proc.returncode != 0 or st["rc"] != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({st['rc']}):\n{proc.stderr[-3000:]}")
    return {"wall_s": wall, "cpu_s": st["cpu_s"], "maxrss_mb": st["maxrss_kb"] / 1024.0, "stdout": proc.stdout}


def job_cmd(config: str, out_dir: str, workers: int = 1) -> List[str]:
    return [sys.executable, "-m", "cs_synth.beam_jobs.synth", "--config", config, "--output", out_dir,
            "--workers", str(workers), "--overwrite"]


def tokenize(pairs: Sequence[Tuple[str, str]], cfg_dict: dict, base_dir: str) -> List[Tuple[tuple, tuple]]:
    """The job's own tokens for the pairs (its annotate stage), so eflomal
    alone aligns exactly what the job aligns."""
    sys.path.insert(0, REPO)
    from cs_synth.pipeline import stages
    from cs_synth.pipeline.config import parse_config
    from cs_synth.pipeline.read.readers import build_record

    cfg = parse_config(cfg_dict, base_dir=base_dir)
    ann = stages.stage(cfg, "annotate")
    out = []
    step = 512
    for k in range(0, len(pairs), step):
        recs = [build_record(cfg.input, f"r{k + i}", "", e, g) for i, (e, g) in enumerate(pairs[k:k + step])]
        for r in ann.process_batch(recs):
            if not r.rejected and r.tgt is not None and r.src.tokens and r.tgt.tokens:
                out.append((r.src.tokens, r.tgt.tokens))
    return out


def write_tokenized(folder: str, toks) -> Tuple[str, str]:
    src, tgt = os.path.join(folder, "tok.en"), os.path.join(folder, "tok.de")
    clean = lambda ts: " ".join("_" if not t.strip() else t.replace(" ", "_") for t in ts)  # noqa: E731
    with open(src, "w", encoding="utf-8") as fs, open(tgt, "w", encoding="utf-8") as ft:
        for s, t in toks:
            fs.write(clean(s) + "\n")
            ft.write(clean(t) + "\n")
    return src, tgt


#: eflomal alone: the eflomal package's own Aligner on the tokenized files
EFLOMAL_ALONE = r"""
import sys
from eflomal import Aligner
src, tgt, out = sys.argv[1:4]
with open(src, encoding="utf-8") as fs, open(tgt, encoding="utf-8") as ft:
    Aligner().align(fs, ft, links_filename_fwd=out + ".fwd", links_filename_rev=out + ".rev")
"""


def eflomal_alone_cmd(src: str, tgt: str, out: str) -> List[str]:
    return [sys.executable, "-c", EFLOMAL_ALONE, src, tgt, out]


def load_note() -> str:
    try:
        return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"
    except OSError:
        return "load average unknown"
