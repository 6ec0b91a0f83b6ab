"""eflomal backend: statistical word alignment with corpus-level priors.

`eflomal <https://github.com/robertostling/eflomal>`_ (Östling and
Tiedemann 2016) samples IBM1/HMM/fertility alignments in both directions;
this backend symmetrizes the two link sets with one of the heuristics in
:mod:`cs_synth.pipeline.align.symmetrize` (option ``symmetrize``, default
``grow-diag``: on the shared gold sets, mean AER of en-fr and ro-en over 2
seeds, it beats ``grow-diag-final-and`` without stemming (0.2760 vs 0.2767)
and with 4-character stemming (0.2273 vs 0.2296), by 0.5-0.65 points on
en-fr, while ro-en is 0.2-0.3 points better with grow-diag-final-and; it
also adds fewer unsure links, and a wrong link does more harm to a switch
than a missing one; ``benchmarks/results/align_aer.json``).

Statistical alignment is poor on small batches, so the Beam job aligns in
large batches and first learns **priors** over the whole corpus (or a
deterministic sample of it): :meth:`EflomalAligner.fit` aligns the sample and
counts lexical pairs, HMM jumps and fertilities into an
:class:`EflomalPriors`; :meth:`EflomalAligner.align` hands them to eflomal
(its ``-p`` priors file) for every batch.  ``EflomalPriors.to_text`` writes
the same text format as ``eflomal-makepriors`` and ``from_text`` reads such
a file with ``eflomal.read_priors``.

Determinism.  The eflomal binary seeds its sampler from ``/dev/urandom`` and
has no seed option.  We run a private copy of the installed binary in which
that path reads ``eflomal.seed`` from the working directory instead, write a
seed derived from the run seed there, and keep the per-direction sampler
loops single-threaded (``OMP_NUM_THREADS=2,1``) so the samplers' random
streams do not depend on thread scheduling.  Same input, same seed, same
links.  (``deterministic: false`` runs the stock binary instead.)

eflomal lowercases nothing by itself here: tokens are normalised in Python
(``lowercase``, ``*_prefix_len``/``*_suffix_len`` stemming) before they are
indexed, and the priors are counted over the same normalised forms.
Whitespace inside a token (spaCy whitespace tokens) is replaced so token
positions never shift.
"""
from __future__ import annotations

import atexit
import functools
import hashlib
import math
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from cs_synth.pipeline.align.base import Aligner, Links, TokenPair
from cs_synth.pipeline.align.symmetrize import SYMMETRIZERS, get_symmetrizer
from cs_synth.pipeline.registry import aligners
from cs_synth.pipeline.rng import derive_seed
from cs_synth.pipeline.units import ConfigError, Context

UNIT = "eflomal.v1"
#: eflomal writes sentences of this many tokens or more as empty
MAX_EFLOMAL_TOKENS = 0x400 - 1
_SEED_FILE = "eflomal.seed"
#: what eflomal prints when it cannot open its seed source
_CLOCK_FALLBACK = "using time()"
_URANDOM = b"/dev/urandom\x00"


# ------------------------------------------------------------------ priors
@dataclass(frozen=True)
class EflomalPriors:
    """Dirichlet priors for eflomal, as pseudo-counts over normalised words.

    ``lex``: (source word, target word, alpha); ``hmm_fwd``/``hmm_rev``:
    (jump, alpha) for the forward/reverse HMM; ``fert_fwd``: (source word,
    fertility, alpha); ``fert_rev``: (target word, fertility, alpha).
    Entries are sorted, so equal corpora give equal (and equally pickled)
    priors.  ``n_pairs`` is the number of pairs they were learned from.
    """

    lex: Tuple[Tuple[str, str, float], ...] = ()
    hmm_fwd: Tuple[Tuple[int, float], ...] = ()
    hmm_rev: Tuple[Tuple[int, float], ...] = ()
    fert_fwd: Tuple[Tuple[str, int, float], ...] = ()
    fert_rev: Tuple[Tuple[str, int, float], ...] = ()
    n_pairs: int = 0

    def __len__(self) -> int:
        return len(self.lex) + len(self.hmm_fwd) + len(self.hmm_rev) + len(self.fert_fwd) + len(self.fert_rev)

    def to_text(self) -> str:
        """The priors text format read by ``eflomal.read_priors`` (and written
        by ``eflomal-makepriors``): ``LEX``/``HMMF``/``HMMR``/``FERF``/``FERR``
        tab-separated lines."""
        lines = [f"LEX\t{s}\t{t}\t{a:g}" for s, t, a in self.lex]
        lines += [f"FERF\t{s}\t{k}\t{a:g}" for s, k, a in self.fert_fwd]
        lines += [f"FERR\t{t}\t{k}\t{a:g}" for t, k, a in self.fert_rev]
        lines += [f"HMMF\t{j}\t{a:g}" for j, a in self.hmm_fwd]
        lines += [f"HMMR\t{j}\t{a:g}" for j, a in self.hmm_rev]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def from_text(cls, lines: Iterable[str]) -> "EflomalPriors":
        """Read the priors text format with the eflomal package's reader."""
        import eflomal

        lex, hmmf, hmmr, ferf, ferr = eflomal.read_priors(lines)
        return cls(
            lex=_sum_triples(lex),
            hmm_fwd=tuple(sorted((int(j), float(a)) for j, a in hmmf.items())),
            hmm_rev=tuple(sorted((int(j), float(a)) for j, a in hmmr.items())),
            fert_fwd=_sum_triples(ferf),
            fert_rev=_sum_triples(ferr),
        )


def _sum_triples(triples) -> tuple:
    acc: Dict[tuple, float] = {}
    for a, b, alpha in triples:
        acc[(a, b)] = acc.get((a, b), 0.0) + float(alpha)
    return tuple((a, b, v) for (a, b), v in sorted(acc.items()))


def merge_priors(a: Optional[EflomalPriors], b: Optional[EflomalPriors]) -> Optional[EflomalPriors]:
    """Both sets of pseudo-counts, summed per entry (``a``'s pair count)."""
    if a is None or not len(a):
        return b if b is not None and len(b) else a
    if b is None or not len(b):
        return a
    return EflomalPriors(lex=_sum_triples(a.lex + b.lex), hmm_fwd=_sum_pairs(a.hmm_fwd + b.hmm_fwd),
                         hmm_rev=_sum_pairs(a.hmm_rev + b.hmm_rev), fert_fwd=_sum_triples(a.fert_fwd + b.fert_fwd),
                         fert_rev=_sum_triples(a.fert_rev + b.fert_rev), n_pairs=a.n_pairs)


def _sum_pairs(pairs) -> tuple:
    acc: Dict[int, float] = {}
    for j, alpha in pairs:
        acc[j] = acc.get(j, 0.0) + float(alpha)
    return tuple(sorted(acc.items()))


def dictionary_priors(entries: Iterable[Tuple[Sequence[str], Sequence[str]]], weight: float,
                      normalise_src, normalise_tgt, reverse: bool = False) -> EflomalPriors:
    """Lexical priors from a bilingual dictionary: each (source word,
    translation word) of an entry gets ``weight`` pseudo-counts, shared out
    over the words of a multi-word entry, in the aligner's normalised forms
    (lower case, stems).  A small corpus has too few sentences to learn that
    *woman* goes with *औरत*; the dictionary says so up front.  ``reverse``:
    the dictionary's first column is the target language."""
    lex = []
    for src_words, translations in entries:
        for tr in translations:
            s_words, t_words = list(src_words), tr.split()
            if reverse:
                s_words, t_words = t_words, s_words
            if not s_words or not t_words:
                continue
            share = weight / max(len(s_words), len(t_words))
            for sw in s_words:
                for tw in t_words:
                    lex.append((normalise_src(sw), normalise_tgt(tw), share))
    return EflomalPriors(lex=_sum_triples(lex))


def _jumps(links: Iterable[Tuple[int, int]], n_from: int) -> List[int]:
    """HMM jumps of a directional alignment given as (generated position,
    generating position) links, each generated position linked at most
    once: the difference between the generating positions of consecutive
    aligned generated words, starting from -1 and ending at ``n_from``."""
    out, last = [], -1
    for _, a in sorted(links):
        out.append(a - last)
        last = a
    out.append(n_from - last)
    return out


def priors_from_alignments(src_sents: Sequence[Sequence[str]], tgt_sents: Sequence[Sequence[str]],
                           fwd: Sequence[Links], rev: Sequence[Links], n_pairs: Optional[int] = None
                           ) -> EflomalPriors:
    """Count priors from directional alignments of (normalised) sentences.

    Lexical counts come from the forward links, fertilities and jumps from
    the direction that generates them (forward: target words generated by
    source words; reverse: the other way round)."""
    lex: Counter = Counter()
    hmmf: Counter = Counter()
    hmmr: Counter = Counter()
    ferf: Counter = Counter()
    ferr: Counter = Counter()
    for src, tgt, f_links, r_links in zip(src_sents, tgt_sents, fwd, rev):
        if not src or not tgt:
            continue
        for i, j in f_links:
            lex[(src[i], tgt[j])] += 1
        # forward model: target position j generated from source position i
        hmmf.update(_jumps(((j, i) for i, j in f_links), len(src)))
        hmmr.update(_jumps(((i, j) for i, j in r_links), len(tgt)))
        for i, k in Counter(i for i, _ in f_links).items():
            ferf[(src[i], k)] += 1
        for j, k in Counter(j for _, j in r_links).items():
            ferr[(tgt[j], k)] += 1
    return EflomalPriors(
        lex=tuple((s, t, float(c)) for (s, t), c in sorted(lex.items())),
        hmm_fwd=tuple((j, float(c)) for j, c in sorted(hmmf.items())),
        hmm_rev=tuple((j, float(c)) for j, c in sorted(hmmr.items())),
        fert_fwd=tuple((s, k, float(c)) for (s, k), c in sorted(ferf.items())),
        fert_rev=tuple((t, k, float(c)) for (t, k), c in sorted(ferr.items())),
        n_pairs=len(src_sents) if n_pairs is None else n_pairs,
    )


def write_indexed_priors(priors: EflomalPriors, src_index: Dict[str, int], tgt_index: Dict[str, int],
                         fh) -> int:
    """Write ``priors`` in the numeric format the eflomal binary reads
    (``-p``), for a text whose vocabularies are ``src_index``/``tgt_index``
    (word -> 0-based id; the binary reserves 0 for NULL, so ids shift by
    one).  Priors for words outside this text are dropped.  Returns the
    number of lexical priors written."""
    lex: Dict[Tuple[int, int], float] = {}
    for s, t, a in priors.lex:
        e = 0 if s == "<NULL>" else src_index.get(s, -1) + 1
        f = 0 if t == "<NULL>" else tgt_index.get(t, -1) + 1
        if e > 0 or s == "<NULL>":
            if f > 0 or t == "<NULL>":
                lex[(e, f)] = lex.get((e, f), 0.0) + a
    ferf: Dict[Tuple[int, int], float] = {}
    for s, k, a in priors.fert_fwd:
        e = src_index.get(s, -1) + 1
        if e > 0:
            ferf[(e, k)] = ferf.get((e, k), 0.0) + a
    ferr: Dict[Tuple[int, int], float] = {}
    for t, k, a in priors.fert_rev:
        f = tgt_index.get(t, -1) + 1
        if f > 0:
            ferr[(f, k)] = ferr.get((f, k), 0.0) + a
    fh.write(f"{len(src_index) + 1} {len(tgt_index) + 1} {len(lex)} {len(priors.hmm_fwd)} "
             f"{len(priors.hmm_rev)} {len(ferf)} {len(ferr)}\n")
    for (e, f), a in sorted(lex.items()):
        fh.write(f"{e} {f} {a:g}\n")
    for j, a in priors.hmm_fwd:
        fh.write(f"{j} {a:g}\n")
    for j, a in priors.hmm_rev:
        fh.write(f"{j} {a:g}\n")
    for (e, k), a in sorted(ferf.items()):
        fh.write(f"{e} {k} {a:g}\n")
    for (f, k), a in sorted(ferr.items()):
        fh.write(f"{f} {k} {a:g}\n")
    return len(lex)


# ------------------------------------------------------------------ binary
def _stock_binary() -> str:
    import eflomal

    return os.path.join(os.path.dirname(eflomal.__file__), "bin", "eflomal")


def seeded_binary() -> str:
    """A private copy of the eflomal binary that reads its random seed from
    ``./eflomal.seed`` instead of ``/dev/urandom`` (one copy per process;
    made again if its temp folder was removed)."""
    path = _seeded_binary()
    if not os.path.exists(path):
        _seeded_binary.cache_clear()
        path = _seeded_binary()
    return path


_BIN_PREFIX = "cs-synth-eflomal-bin-"


def _sweep_dead_copies() -> None:
    """Remove the binary copies of processes that are gone (a run killed
    with ``kill -9`` never runs its atexit clean-up)."""
    root = tempfile.gettempdir()
    try:
        names = os.listdir(root)
    except OSError:
        return
    for name in names:
        if not name.startswith(_BIN_PREFIX):
            continue
        pid = name[len(_BIN_PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(os.path.join(root, name), ignore_errors=True)
        except OSError:
            pass


@functools.lru_cache(maxsize=None)
def _seeded_binary() -> str:
    src = _stock_binary()
    with open(src, "rb") as fh:
        blob = fh.read()
    if blob.count(_URANDOM) != 1:
        raise ConfigError(
            f"align.options.deterministic: the installed eflomal binary ({src}) cannot be seeded "
            f"(expected one '/dev/urandom' path in it); install eflomal==2.0.0 or set "
            f"deterministic: false to accept alignments that vary from run to run")
    patched = blob.replace(_URANDOM, _SEED_FILE.encode() + b"\x00")
    assert len(patched) == len(blob)
    _sweep_dead_copies()
    folder = tempfile.mkdtemp(prefix=f"{_BIN_PREFIX}{os.getpid()}-")
    atexit.register(shutil.rmtree, folder, True)
    path = os.path.join(folder, "eflomal")
    with open(path, "wb") as fh:
        fh.write(patched)
    os.chmod(path, 0o755)
    return path


def default_iterations(n_sentences: int, model: int, rel_iterations: float = 1.0) -> Tuple[int, int, int]:
    """eflomal's default schedule: about ``5000 / sqrt(n)`` sampling
    iterations for the last model, a quarter of that for the earlier ones."""
    iters = max(2, int(round(rel_iterations * 5000 / math.sqrt(max(1, n_sentences)))))
    quarter = max(1, iters // 4)
    if model == 1:
        return (iters, 0, 0)
    if model == 2:
        return (max(2, quarter), iters, 0)
    return (max(2, quarter), quarter, iters)


# ------------------------------------------------------------------ aligner
def _normalise(tok: str, lowercase: bool, prefix: int, suffix: int) -> str:
    tok = "".join("_" if ch.isspace() else ch for ch in tok) or "<empty>"
    if lowercase:
        tok = tok.lower()
    if prefix:
        tok = tok[:prefix]
    elif suffix:
        tok = tok[-suffix:]
    return tok


class EflomalAligner(Aligner):
    name = UNIT
    corpus_level = True
    #: eflomal refuses longer sentences; the align stage rejects them ``too_long``
    max_tokens_per_side = MAX_EFLOMAL_TOKENS

    def __init__(self, *, symmetrize: str = "grow-diag", model: int = 3, n_samplers: int = 3,
                 null_prior: float = 0.2, rel_iterations: float = 1.0,
                 iterations: Optional[Sequence[int]] = None, lowercase: bool = True,
                 src_prefix_len: int = 0, src_suffix_len: int = 0, tgt_prefix_len: int = 0,
                 tgt_suffix_len: int = 0, priors_sample: Optional[int] = 200_000,
                 default_priors: Optional[EflomalPriors] = None, seed: int = 0,
                 deterministic: bool = True, dictionary: Optional[Tuple[str, float, bool]] = None):
        self.symmetrize = symmetrize
        self._sym = get_symmetrizer(symmetrize)
        self.model = model
        self.n_samplers = n_samplers
        self.null_prior = null_prior
        self.rel_iterations = rel_iterations
        self.iterations = tuple(iterations) if iterations is not None else None
        self.lowercase = lowercase
        self.stem = (src_prefix_len, src_suffix_len, tgt_prefix_len, tgt_suffix_len)
        #: most pairs :meth:`fit` aligns (the Beam stage samples this many)
        self.fit_sample_size = priors_sample
        self.default_priors = default_priors
        #: (path, weight, reverse) of ``priors_dictionary``; its priors are
        #: built on first use (on the worker) and added to every run's priors
        self.dictionary = dictionary
        self._dictionary_priors: Optional[EflomalPriors] = None
        self.seed = seed
        self.deterministic = deterministic

    # -- helpers
    def normalise_side(self, tokens: Sequence[str], side: int) -> List[str]:
        """One side's words as eflomal sees them (``side`` 0 source, 1
        target: its stemming)."""
        prefix, suffix = self.stem[2 * side], self.stem[2 * side + 1]
        return [_normalise(t, self.lowercase, prefix, suffix) for t in tokens]

    def normalise_pair(self, src: Sequence[str], tgt: Sequence[str]) -> Tuple[List[str], List[str]]:
        return self.normalise_side(src, 0), self.normalise_side(tgt, 1)

    def dictionary_priors(self) -> Optional[EflomalPriors]:
        if self.dictionary is None:
            return None
        if self._dictionary_priors is None:
            from cs_synth.pipeline.annotate.lexicon import load_dictionary

            path, weight, reverse = self.dictionary
            sp, ss, tp, ts = self.stem
            self._dictionary_priors = dictionary_priors(
                load_dictionary(path, True).items(), weight,
                lambda w: _normalise(w, self.lowercase, sp, ss), lambda w: _normalise(w, self.lowercase, tp, ts),
                reverse)
        return self._dictionary_priors

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_dictionary_priors"] = None  # rebuilt from the (carried) file where it runs
        return state

    def _iterations(self, n: int) -> Tuple[int, int, int]:
        if self.iterations is not None:
            return tuple(self.iterations)  # type: ignore[return-value]
        return default_iterations(n, self.model, self.rel_iterations)

    def normalised_line(self, tokens: Sequence[str], side: int) -> str:
        """One side of a pair as eflomal reads it: :meth:`normalise_side`'s
        words joined by spaces."""
        return " ".join(self.normalise_side(tokens, side))

    def run_directional(self, pairs: Sequence[TokenPair], priors: Optional[EflomalPriors] = None
                        ) -> Tuple[List[Links], List[Links]]:
        """Forward and reverse links for ``pairs`` (one eflomal run).  Pairs
        with an empty side, or too long for eflomal, get no links."""
        fwd_lines, rev_lines = self._run_directional_lines(
            [self.normalised_line(s, 0) for s, _ in pairs], [self.normalised_line(t, 1) for _, t in pairs],
            [len(s) for s, _ in pairs], [len(t) for _, t in pairs], priors)
        return [_links(line) for line in fwd_lines], [_links(line) for line in rev_lines]

    def _run_directional_lines(self, src_lines: Sequence[str], tgt_lines: Sequence[str], src_lens: Sequence[int],
                               tgt_lens: Sequence[int], priors: Optional[EflomalPriors] = None
                               ) -> Tuple[List[str], List[str]]:
        """eflomal's forward and reverse output lines (``"i-j ..."``) for
        normalised lines with their word counts; ``""`` for a pair with an
        empty side or too long for eflomal.  Lines, not parsed links: the
        priors pass holds them for a whole corpus."""
        from eflomal import read_text, write_text

        usable = [k for k, (ns, nt) in enumerate(zip(src_lens, tgt_lens))
                  if ns and nt and ns <= MAX_EFLOMAL_TOKENS and nt <= MAX_EFLOMAL_TOKENS]
        fwd: List[str] = [""] * len(src_lines)
        rev: List[str] = [""] * len(src_lines)
        if not usable:
            return fwd, rev
        with tempfile.TemporaryDirectory(prefix="cs-synth-eflomal-") as work:
            src_sents, src_index = read_text([src_lines[k] for k in usable], False, 0, 0)
            tgt_sents, tgt_index = read_text([tgt_lines[k] for k in usable], False, 0, 0)
            paths = {name: os.path.join(work, name) for name in ("source", "target", "fwd", "rev", "priors")}
            with open(paths["source"], "wb") as fh:
                write_text(fh, tuple(src_sents), len(src_index))
            with open(paths["target"], "wb") as fh:
                write_text(fh, tuple(tgt_sents), len(tgt_index))
            del src_sents, tgt_sents
            priors = merge_priors(priors if priors is not None else self.default_priors, self.dictionary_priors())
            if priors is not None and len(priors):
                with open(paths["priors"], "w", encoding="utf-8") as fh:
                    write_indexed_priors(priors, src_index, tgt_index, fh)
            else:
                paths.pop("priors")
            del src_index, tgt_index
            self._run_binary(work, paths, len(usable))
            f_lines = _read_lines(paths["fwd"], len(usable))
            r_lines = _read_lines(paths["rev"], len(usable))
        for k, fl, rl in zip(usable, f_lines, r_lines):
            fwd[k] = fl
            rev[k] = rl
        return fwd, rev

    def _run_binary(self, work: str, paths: Dict[str, str], n: int) -> None:
        it = self._iterations(n)
        binary = seeded_binary() if self.deterministic else _stock_binary()
        args = [binary, "-m", str(self.model), "-s", paths["source"], "-t", paths["target"],
                "-n", str(self.n_samplers), "-N", str(self.null_prior), "-1", str(it[0]),
                "-f", paths["fwd"], "-r", paths["rev"], "-q"]
        if self.model >= 2:
            args += ["-2", str(it[1])]
        if self.model >= 3:
            args += ["-3", str(it[2])]
        if "priors" in paths:
            args += ["-p", paths["priors"]]
        env = dict(os.environ)
        if self.deterministic:
            seed = derive_seed(self.seed, "eflomal") or 1
            with open(os.path.join(work, _SEED_FILE), "wb") as fh:
                fh.write(seed.to_bytes(8, "little"))
            # forward and reverse in parallel; each direction's samplers in order
            env["OMP_NUM_THREADS"] = "2,1"
        proc = subprocess.run(args, cwd=work, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"eflomal failed (exit {proc.returncode}): {proc.stderr[-2000:]}")
        if self.deterministic and _CLOCK_FALLBACK in proc.stderr:
            # the patched binary could not open its seed file and seeded from the clock:
            # those links would differ from run to run, so none are used
            raise RuntimeError(f"eflomal could not read its seed file {os.path.join(work, _SEED_FILE)} and "
                               f"fell back to the clock; refusing alignments that would not be reproducible")

    # -- Aligner interface
    def fit(self, corpus: Iterable[TokenPair]) -> Optional[EflomalPriors]:
        """Align ``corpus`` (at most ``priors_sample`` pairs, chosen by a hash
        of their text so the choice does not depend on order) and count
        priors from the links."""
        return self.fit_with_links(list(corpus))[0]

    def fit_with_links(self, corpus: Sequence[TokenPair]) -> Tuple[Optional[EflomalPriors], List[Optional[Links]]]:
        """:meth:`fit`, and the symmetrized links of the priors run for each
        pair of ``corpus`` (``None`` for a pair it did not align: an empty
        side, or outside the ``priors_sample`` cap).

        The priors run aligns the sample sorted by a hash of each pair's
        text, so a pair's links depend on the sample's content only, never
        on its order, the batching or the workers.

        The pass holds a whole corpus, so besides ``corpus`` it keeps one
        line of text per side and per direction for each pair (the
        normalised words, eflomal's output) and parses a pair's links only
        when it counts or symmetrizes them."""
        hashes = [_pair_hash(p) if p[0] and p[1] else None for p in corpus]
        keep = [k for k, h in enumerate(hashes) if h is not None]
        cap = self.fit_sample_size
        if cap is not None and len(keep) > cap:
            keep = sorted(keep, key=hashes.__getitem__)[:cap]
        links: List[Optional[Links]] = [None] * len(corpus)
        if not keep:
            return None, links
        keep.sort(key=hashes.__getitem__)  # order-independent input to eflomal
        del hashes
        src_lines, tgt_lines, src_lens, tgt_lens = [], [], [], []
        for k in keep:
            src, tgt = corpus[k]
            src_lines.append(self.normalised_line(src, 0))
            tgt_lines.append(self.normalised_line(tgt, 1))
            src_lens.append(len(src))
            tgt_lens.append(len(tgt))
        fwd, rev = self._run_directional_lines(src_lines, tgt_lines, src_lens, tgt_lens, priors=self.default_priors)
        priors = priors_from_alignments((line.split(" ") for line in src_lines),
                                        (line.split(" ") for line in tgt_lines),
                                        (_links(line) for line in fwd), (_links(line) for line in rev),
                                        n_pairs=len(keep))
        del src_lines, tgt_lines
        for k, ns, nt, f, r in zip(keep, src_lens, tgt_lens, fwd, rev):
            links[k] = self._sym(_links(f), _links(r), ns, nt)
        return priors, links

    def align_pairs(self, pairs: Sequence[TokenPair], priors: Optional[EflomalPriors] = None) -> List[Links]:
        fwd, rev = self.run_directional(pairs, priors)
        return [self._sym(f, r, len(s), len(t)) for (s, t), f, r in zip(pairs, fwd, rev)]


def _pair_hash(pair: TokenPair) -> bytes:
    h = hashlib.blake2b(digest_size=12)
    h.update("\x1f".join(pair[0]).encode("utf-8", "surrogatepass"))
    h.update(b"\x1e")
    h.update("\x1f".join(pair[1]).encode("utf-8", "surrogatepass"))
    return h.digest()


def _read_lines(path: str, n: int) -> List[str]:
    with open(path, encoding="utf-8") as fh:
        lines = fh.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != n:
        raise RuntimeError(f"eflomal wrote {len(lines)} alignment lines for {n} pairs ({path})")
    return lines


def _links(line: str) -> Links:
    out = []
    for item in line.split():
        i, _, j = item.partition("-")
        out.append((int(i), int(j)))
    return tuple(sorted(set(out)))


def load_priors_file(path: str) -> EflomalPriors:
    from cs_synth.pipeline import resources  # local, carried to the worker, or gs:// / s3://

    with resources.open_text(path) as fh:
        return EflomalPriors.from_text(fh)


def eflomal_factory(ctx: Context, *, symmetrize: str = "grow-diag", model: int = 3,
                    n_samplers: int = 3, null_prior: float = 0.2, rel_iterations: float = 1.0,
                    iterations: Optional[List[int]] = None, lowercase: bool = True,
                    src_prefix_len: int = 0, src_suffix_len: int = 0, tgt_prefix_len: int = 0,
                    tgt_suffix_len: int = 0, stem: Optional[Dict[str, int]] = None,
                    priors_sample: Optional[int] = 200_000,
                    priors_file: Optional[str] = None, priors_dictionary: Optional[str] = None,
                    priors_dictionary_weight: float = 2.0, priors_dictionary_reversed: bool = False,
                    seed: Optional[int] = None, deterministic: bool = True) -> EflomalAligner:
    """``aligner: eflomal``.

    Options: ``symmetrize`` (intersection, union, grow, grow-diag,
    grow-diag-final, grow-diag-final-and); ``model`` (1 IBM1, 2 +HMM,
    3 +fertility); ``n_samplers``; ``null_prior``; ``rel_iterations`` or
    ``iterations`` ([ibm1, hmm, fertility]); ``lowercase``; stemming by
    ``src_prefix_len``/``src_suffix_len``/``tgt_prefix_len``/``tgt_suffix_len``,
    or per language with ``stem`` (``{en: 4, ro: 4}``: the first 4 characters
    of each lowercased word, for the side whose ``input.src_lang`` /
    ``tgt_lang`` has that base language; other languages unstemmed; it sets
    the side's ``*_prefix_len``, so do not give both);
    ``priors_sample`` (most pairs the corpus-level priors pass aligns;
    null = all); ``priors_file`` (priors in eflomal's text format, used when
    no learned priors are passed); ``priors_dictionary`` (a bilingual
    dictionary TSV, the word recipe's format: its word pairs become lexical
    priors, ``priors_dictionary_weight`` pseudo-counts each, added to
    every run's priors; for small corpora; ``priors_dictionary_reversed``
    when its first column is the target language); ``seed`` (defaults to the run seed);
    ``deterministic``.
    """
    try:
        import eflomal  # noqa: F401
    except ImportError:
        raise ConfigError("align.backend eflomal needs the 'eflomal' package: pip install eflomal==2.0.0") from None
    if symmetrize not in SYMMETRIZERS:
        raise ConfigError(f"align.options.symmetrize: unknown heuristic {symmetrize!r}; "
                          f"valid: {', '.join(SYMMETRIZERS)}")
    if model not in (1, 2, 3):
        raise ConfigError(f"align.options.model: must be 1 (IBM1), 2 (HMM) or 3 (HMM+fertility), got {model!r}")
    if not isinstance(n_samplers, int) or n_samplers < 1:
        raise ConfigError(f"align.options.n_samplers: must be a positive integer, got {n_samplers!r}")
    if not 0.0 < float(null_prior) < 1.0:
        raise ConfigError(f"align.options.null_prior: must be between 0 and 1, got {null_prior!r}")
    if float(rel_iterations) <= 0:
        raise ConfigError(f"align.options.rel_iterations: must be positive, got {rel_iterations!r}")
    if iterations is not None:
        if (not isinstance(iterations, (list, tuple)) or len(iterations) != 3
                or not all(isinstance(x, int) and x >= 0 for x in iterations)):
            raise ConfigError("align.options.iterations: must be a list of 3 non-negative integers "
                              "[ibm1, hmm, fertility]")
    for opt, v in (("src_prefix_len", src_prefix_len), ("src_suffix_len", src_suffix_len),
                   ("tgt_prefix_len", tgt_prefix_len), ("tgt_suffix_len", tgt_suffix_len)):
        if not isinstance(v, int) or v < 0:
            raise ConfigError(f"align.options.{opt}: must be a non-negative integer, got {v!r}")
    if stem is not None:
        src_prefix_len, tgt_prefix_len = _stem_by_language(stem, ctx, src_prefix_len, src_suffix_len,
                                                           tgt_prefix_len, tgt_suffix_len)
    if priors_sample is not None and (not isinstance(priors_sample, int) or priors_sample < 1):
        raise ConfigError(f"align.options.priors_sample: must be a positive integer or null, got {priors_sample!r}")
    default_priors = None
    if priors_file is not None:
        path = ctx.require_file("align.options.priors_file", priors_file)
        try:
            default_priors = load_priors_file(path)
        except (ValueError, IndexError) as exc:
            raise ConfigError(f"align.options.priors_file: {path} is not an eflomal priors file: {exc}") from None
    dictionary = None
    if priors_dictionary is not None:
        from cs_synth.pipeline.annotate.lexicon import load_dictionary

        path = ctx.require_file("align.options.priors_dictionary", priors_dictionary)
        if isinstance(priors_dictionary_weight, bool) or not float(priors_dictionary_weight) > 0:
            raise ConfigError(f"align.options.priors_dictionary_weight: must be positive, "
                              f"got {priors_dictionary_weight!r}")
        try:
            load_dictionary(path, True)  # malformed rows stop the run now, with line numbers
        except ConfigError as exc:
            raise ConfigError(f"align.options.priors_dictionary: {exc}") from None
        dictionary = (path, float(priors_dictionary_weight), bool(priors_dictionary_reversed))
    if deterministic:
        seeded_binary()  # fails now, naming the option, if the binary cannot be seeded
    return EflomalAligner(symmetrize=symmetrize, model=model, n_samplers=n_samplers, null_prior=float(null_prior),
                          rel_iterations=float(rel_iterations), iterations=iterations, lowercase=lowercase,
                          src_prefix_len=src_prefix_len, src_suffix_len=src_suffix_len,
                          tgt_prefix_len=tgt_prefix_len, tgt_suffix_len=tgt_suffix_len,
                          priors_sample=priors_sample, default_priors=default_priors,
                          seed=ctx.seed if seed is None else seed, deterministic=deterministic,
                          dictionary=dictionary)


def _base_lang(tag: str) -> str:
    return str(tag or "").replace("_", "-").split("-")[0].lower()


def _stem_by_language(stem, ctx: Context, src_prefix: int, src_suffix: int, tgt_prefix: int,
                      tgt_suffix: int) -> Tuple[int, int]:
    """The (source, target) prefix lengths that option ``stem`` (language ->
    prefix length) gives for the run's languages."""
    if not isinstance(stem, dict):
        raise ConfigError(f"align.options.stem: must map a language to a prefix length ({{en: 4, ro: 4}}), "
                          f"got {stem!r}")
    table = {}
    for lang, n in stem.items():
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ConfigError(f"align.options.stem.{lang}: must be a non-negative integer (characters kept), "
                              f"got {n!r}")
        table[_base_lang(lang)] = n
    out = []
    for side, lang, prefix, suffix in (("src", ctx.src_lang, src_prefix, src_suffix),
                                       ("tgt", ctx.tgt_lang, tgt_prefix, tgt_suffix)):
        n = table.get(_base_lang(lang), 0)
        if n and (prefix or suffix):
            raise ConfigError(f"align.options.stem: {lang!r} is stemmed by stem and by "
                              f"{side}_prefix_len/{side}_suffix_len; give one of them")
        out.append(n or prefix)
    return out[0], out[1]


aligners.register("eflomal", func=eflomal_factory)
