"""``cs-synth report OUTPUT_DIR``: statistics, plots and a JSON summary of a run.

Reads the shards of an output folder::

    OUTPUT_DIR/data/*.arrow       kept records (Arrow IPC stream files)
    OUTPUT_DIR/rejected/*.arrow   rejected records with reject_reason
    OUTPUT_DIR/manifest.json      the run's counts (optional here)

and writes ``OUTPUT_DIR/report/index.html`` with PNG plots (histograms of
CMI, switch points and cs_ratio over the kept records; counts per recipe,
per language pair and per reject reason; a record's language pair is its
source language and the language(s) its output switched into, read from the
output's token tags -- ``en-fr``, ``en-es+hi`` -- or the input pair when the
output switched nothing, e.g. a record rejected before any transform) and ``OUTPUT_DIR/report/summary.json``
with the same numbers.  Only the columns it needs are read (``recipe``,
``src_lang``, ``tgt_lang``, ``langs``, ``scores``, ``reject_reason``,
``reject_stage``),
batch by batch, so large outputs fit in memory; a missing column counts as
empty.  The folder may be local or remote (``gs://``, ``s3://``): it is
read through Beam's ``FileSystems`` and the report is written back through
it (the plots are drawn in a local temporary folder, then copied).
Plotting needs matplotlib, the ``[report]`` extra.
"""
from __future__ import annotations

import argparse
import glob
import html
import json
import math
import os
from collections import Counter
from typing import Any, Dict, List, Optional, Sequence, Tuple

REPORT_DIR = "report"
COLUMNS = ("recipe", "src_lang", "tgt_lang", "reject_reason", "reject_stage")
HIST_SPECS = {
    # score: (title, x label, bin edges)
    "cmi": ("Code-Mixing Index (CMI) of kept records",
            "CMI (Das & Gambäck 2014): 0 = monolingual, 50 = two languages in equal share",
            [5.0 * i for i in range(21)]),
    "switch_points": ("Switch points per kept record",
                      "switch points (language changes between adjacent language tokens)", None),
    "cs_ratio": ("Share of embedded-language tokens in kept records",
                 "cs_ratio: tokens not in the source (matrix) language / language tokens",
                 [0.05 * i for i in range(21)]),
}
MAX_BARS = 25


# ------------------------------------------------------------------ reading
class _Table:
    """The columns of one kind of shard, concatenated."""

    def __init__(self):
        self.cols: Dict[str, List[Any]] = {c: [] for c in COLUMNS + ("embedded",)}
        self.scores: Dict[str, List[Optional[float]]] = {}
        self.n = 0
        self.files: List[str] = []
        self.unreadable: List[str] = []

    def add_batch(self, batch) -> None:
        names = batch.schema.names
        n = batch.num_rows
        for c in COLUMNS:
            self.cols[c].extend(batch.column(names.index(c)).to_pylist() if c in names else [None] * n)
        # the languages each output switched into (its tags minus source language and zxx)
        langs = batch.column(names.index("langs")).to_pylist() if "langs" in names else [None] * n
        src = self.cols["src_lang"][-n:] if n else []
        for tags, s in zip(langs, src):
            self.cols["embedded"].append(sorted({t for t in (tags or ()) if t and t not in (s, "zxx")}))
        if "scores" in names:
            col = batch.column(names.index("scores"))
            fields = [col.type.field(i).name for i in range(col.type.num_fields)]
            for i, f in enumerate(fields):
                self.scores.setdefault(f, [None] * self.n).extend(col.field(i).to_pylist())
        for f in self.scores:
            if len(self.scores[f]) < self.n + n:
                self.scores[f].extend([None] * (self.n + n - len(self.scores[f])))
        self.n += n


class ReportError(ValueError):
    """The report cannot be written (missing folder, missing matplotlib)."""


def _remote(path: str) -> bool:
    return "://" in path


def _fs():
    from apache_beam.io.filesystems import FileSystems

    return FileSystems


def _join(base: str, *names: str) -> str:
    return _fs().join(base, *names) if _remote(base) else os.path.join(base, *names)


def _open_read(path: str):
    """A binary file object: local, or through Beam ``FileSystems``."""
    if not _remote(path):
        return open(path, "rb")
    from apache_beam.io.filesystem import CompressionTypes

    return _fs().open(path, compression_type=CompressionTypes.UNCOMPRESSED)


def _match(pattern: str) -> List[str]:
    if not _remote(pattern):
        return sorted(glob.glob(pattern))
    try:
        return sorted(m.path for m in _fs().match([pattern])[0].metadata_list)
    except Exception:  # noqa: BLE001 - no match raises on some filesystems
        return []


def read_shards(pattern: str) -> _Table:
    """Read every Arrow IPC stream file matching ``pattern`` (sorted)."""
    import pyarrow as pa

    table = _Table()
    for path in _match(pattern):
        try:
            with _open_read(path) as fh:
                reader = pa.ipc.open_stream(fh if not _remote(path) else pa.PythonFile(fh, mode="r"))
                for batch in reader:
                    table.add_batch(batch)
            table.files.append(path)
        except (pa.ArrowInvalid, OSError) as exc:
            table.unreadable.append(f"{path.rsplit('/', 1)[-1]}: {exc}")
    return table


# -------------------------------------------------------------------- stats
def _values(xs: Sequence[Optional[float]]) -> List[float]:
    return [float(x) for x in xs if x is not None and not math.isnan(x)]


def _quantile(sorted_xs: List[float], q: float) -> float:
    pos = (len(sorted_xs) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return sorted_xs[lo] + (sorted_xs[hi] - sorted_xs[lo]) * (pos - lo)


def describe(xs: Sequence[Optional[float]]) -> Dict[str, float]:
    """count, mean, population std, min, quartiles and max of the non-null values."""
    v = sorted(_values(xs))
    if not v:
        return {"count": 0}
    finite = [x for x in v if math.isfinite(x)]
    mean = sum(finite) / len(finite) if finite else float("nan")
    std = math.sqrt(sum((x - mean) ** 2 for x in finite) / len(finite)) if finite else float("nan")
    return {"count": len(v), "mean": mean, "std": std, "min": v[0], "p25": _quantile(v, 0.25),
            "median": _quantile(v, 0.5), "p75": _quantile(v, 0.75), "max": v[-1]}


def histogram(xs: Sequence[Optional[float]], edges: Optional[List[float]]) -> Tuple[List[float], List[int]]:
    """Counts per bin; bins are [e_i, e_{i+1}) with the last one closed.
    ``edges=None``: integer bins centred on 0, 1, ..., max (for counts)."""
    v = [x for x in _values(xs) if math.isfinite(x)]
    if edges is None:
        top = int(max(v)) if v else 0
        edges = [i - 0.5 for i in range(top + 2)]
    counts = [0] * (len(edges) - 1)
    for x in v:
        if x < edges[0] or x > edges[-1]:
            continue
        k = min(int(_bisect(edges, x)), len(counts) - 1)
        counts[k] += 1
    return edges, counts


def _bisect(edges: List[float], x: float) -> int:
    import bisect

    return max(bisect.bisect_right(edges, x) - 1, 0)


def _pair(src: Optional[str], tgt: Optional[str], embedded: Sequence[str] = ()) -> str:
    """``src-x`` where x is the language(s) the output switched into (from its
    token tags), else the input's target language."""
    src = src or "?"
    if embedded:
        return f"{src}-{'+'.join(embedded)}"
    return f"{src}-{tgt}" if tgt else src


def summarize(output_dir: str) -> Tuple[Dict[str, Any], _Table, _Table]:
    kept = read_shards(_join(output_dir, "data", "*.arrow"))
    rejected = read_shards(_join(output_dir, "rejected", "*.arrow"))
    manifest = None
    mpath = _join(output_dir, "manifest.json")
    if (_fs().exists(mpath) if _remote(mpath) else os.path.exists(mpath)):
        with _open_read(mpath) as fh:
            manifest = json.loads(fh.read().decode("utf-8"))

    def by(table: _Table, key) -> Dict[str, int]:
        c = Counter(key(i) for i in range(table.n))
        return dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))

    summary: Dict[str, Any] = {
        "output_dir": output_dir if _remote(output_dir) else os.path.abspath(output_dir),
        "kept": {
            "records": kept.n,
            "shards": len(kept.files),
            "by_recipe": by(kept, lambda i: kept.cols["recipe"][i] or "(no recipe)"),
            "by_language_pair": by(kept, lambda i: _pair(kept.cols["src_lang"][i], kept.cols["tgt_lang"][i],
                                                         kept.cols["embedded"][i])),
        },
        "rejected": {
            "records": rejected.n,
            "shards": len(rejected.files),
            "by_reason": by(rejected, lambda i: rejected.cols["reject_reason"][i] or "(no reason)"),
            "by_stage": by(rejected, lambda i: rejected.cols["reject_stage"][i] or "(none)"),
            "by_recipe": by(rejected, lambda i: rejected.cols["recipe"][i] or "(no recipe)"),
            "by_language_pair": by(rejected, lambda i: _pair(rejected.cols["src_lang"][i],
                                                             rejected.cols["tgt_lang"][i],
                                                             rejected.cols["embedded"][i])),
        },
        "scores": {name: describe(vals) for name, vals in sorted(kept.scores.items())
                   if _values(vals)},
        "histograms": {},
        "unreadable_shards": kept.unreadable + rejected.unreadable,
    }
    for name, (_, _, edges) in HIST_SPECS.items():
        e, c = histogram(kept.scores.get(name, []), edges)
        summary["histograms"][name] = {"edges": e, "counts": c}
    if manifest is not None:
        summary["manifest"] = {k: manifest[k] for k in ("version", "config_hash", "read", "pairs_with_output",
                                                        "written", "rejected", "rejected_records", "errors",
                                                        "accounting_ok") if k in manifest}
    return summary, kept, rejected


# -------------------------------------------------------------------- plots
def _plt():
    try:
        import matplotlib
    except ImportError:
        raise ReportError("report: the plots need matplotlib, which is not installed: "
                          "pip install 'cs-synth[report]' (or run with --no-report)") from None

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _empty(ax, msg: str) -> None:
    ax.text(0.5, 0.5, msg, ha="center", va="center", transform=ax.transAxes, fontsize=12, color="0.4")
    ax.set_xticks([])
    ax.set_yticks([])


def plot_histogram(path: str, name: str, values: Sequence[Optional[float]]) -> None:
    plt = _plt()
    title, xlabel, edges = HIST_SPECS[name]
    v = [x for x in _values(values) if math.isfinite(x)]
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    if not v:
        _empty(ax, "no kept records with this score")
    else:
        from matplotlib.ticker import MaxNLocator

        e, counts = histogram(v, edges)
        if edges is None:  # integer values: narrower bars centred on the value
            ax.bar([x + 0.5 for x in e[:-1]], counts, width=0.8, color="#4C72B0")
        else:
            widths = [e[i + 1] - e[i] for i in range(len(counts))]
            ax.bar(e[:-1], counts, width=widths, align="edge", color="#4C72B0", edgecolor="white",
                   linewidth=0.8)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(0, max(counts) * 1.22)  # headroom for the legend
        mean = sum(v) / len(v)
        std = math.sqrt(sum((x - mean) ** 2 for x in v) / len(v))
        ax.axvline(mean, color="#C44E52", linestyle="--", linewidth=1.5,
                   label=f"mean {mean:.2f}, std {std:.2f} (n = {len(v)})")
        ax.legend(loc="upper right", frameon=False)
        if edges is None:
            top = len(counts) - 1
            step = max(1, math.ceil((top + 1) / 20))
            ax.set_xticks(list(range(0, top + 1, step)))
            ax.set_xlim(e[0], e[-1])
        else:  # up to the last non-empty bin, but at least half the scale (CMI 50, cs_ratio 0.5)
            last = max(i for i, c in enumerate(counts) if c)
            ax.set_xlim(e[0], max(e[last + 1], e[0] + (e[-1] - e[0]) / 2))
        ax.set_ylabel("records")
        ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _top(counts: Dict[str, int], limit: int = MAX_BARS) -> List[Tuple[str, int]]:
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if len(items) > limit:
        rest = sum(n for _, n in items[limit - 1:])
        items = items[:limit - 1] + [(f"({len(items) - limit + 1} others)", rest)]
    return items


def plot_bars(path: str, title: str, series: Dict[str, Dict[str, int]], ylabel: str,
              empty_msg: str = "nothing to count") -> None:
    """Horizontal bars, one row per category, one colour per series (e.g.
    kept / rejected), each bar labelled with its count."""
    plt = _plt()
    totals: Counter = Counter()
    for counts in series.values():
        totals.update(counts)
    cats = [c for c, _ in _top(dict(totals))]
    other = next((c for c in cats if c.startswith("(") and c.endswith(" others)")), None)
    shown = set(cats) - {other}
    height = max(2.6, 0.55 * len(cats) * max(1, len(series)) ** 0.5 + 1.4)
    longest = max((len(c) for c in cats), default=10)
    fig, ax = plt.subplots(figsize=(max(8, 5 + 0.09 * longest), height), dpi=100)
    if not cats:
        _empty(ax, empty_msg)
    else:
        colors = ["#4C72B0", "#C44E52", "#55A868", "#8172B2"]
        n = len(series)
        bar_h = 0.8 / n
        ymax = max(totals.values())
        for k, (label, counts) in enumerate(series.items()):
            vals = []
            for c in cats:
                if c == other:
                    vals.append(sum(v for cat, v in counts.items() if cat not in shown))
                else:
                    vals.append(counts.get(c, 0))
            ys = [i + (k - (n - 1) / 2) * bar_h for i in range(len(cats))]
            bars = ax.barh(ys, vals, height=bar_h * 0.95, color=colors[k % len(colors)],
                           label=f"{label} ({sum(counts.values())})")
            for b, v in zip(bars, vals):
                if v:
                    ax.text(b.get_width() + ymax * 0.01, b.get_y() + b.get_height() / 2, str(v),
                            va="center", fontsize=9)
        ax.set_yticks(range(len(cats)))
        ax.set_yticklabels(cats)
        ax.invert_yaxis()
        ax.set_xlim(0, ymax * 1.15)
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("records")
        ax.set_ylabel(ylabel)
        ax.spines[["top", "right"]].set_visible(False)
        if n > 1:  # outside the axes, so it never covers a bar
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


# --------------------------------------------------------------------- html
def _table(rows: List[Tuple[Any, ...]], header: Tuple[str, ...]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_fmt(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _fmt(x: Any) -> str:
    if isinstance(x, float):
        return f"{x:.4g}" if math.isfinite(x) else str(x)
    return str(x)


def _html(summary: Dict[str, Any], figures: List[Tuple[str, str]]) -> str:
    k, r = summary["kept"], summary["rejected"]
    overview = [("kept records", k["records"]), ("rejected records", r["records"]),
                ("kept shards", k["shards"]), ("rejected shards", r["shards"])]
    m = summary.get("manifest")
    if m:
        overview = [("pairs read", m.get("read", "")), ("pairs with output", m.get("pairs_with_output", "")),
                    ("pairs rejected", (m.get("rejected") or {}).get("total", "")),
                    ("accounting ok (read = with output + rejected)", m.get("accounting_ok", ""))] + overview
        overview.append(("config hash", m.get("config_hash", "")))
    score_rows = [(name, d["count"], d["mean"], d["std"], d["min"], d["median"], d["max"])
                  for name, d in summary["scores"].items()]
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>cs-synth report</title>",
        "<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}"
        "th{background:#f3f3f3}img{max-width:100%;border:1px solid #eee;margin:0.5em 0}</style></head><body>",
        f"<h1>cs-synth report</h1><p>{html.escape(summary['output_dir'])}</p>",
        "<h2>Overview</h2>", _table(overview, ("quantity", "value")),
    ]
    if summary["unreadable_shards"]:
        parts.append("<p><b>Unreadable shards:</b> " + html.escape("; ".join(summary["unreadable_shards"])) + "</p>")
    for fname, caption in figures:
        parts.append(f"<h2>{html.escape(caption)}</h2><img src='{html.escape(fname)}' alt='{html.escape(caption)}'>")
    parts += ["<h2>Scores of kept records</h2>",
              _table(score_rows, ("score", "n", "mean", "std", "min", "median", "max")),
              "<h2>Rejected records by reason</h2>",
              _table(list(r["by_reason"].items()), ("reason", "records")),
              "<h2>Rejected records by stage</h2>",
              _table(list(r["by_stage"].items()), ("stage", "records")),
              "<p>Numbers: <a href='summary.json'>summary.json</a></p></body></html>"]
    return "\n".join(parts)


def _json_safe(x: Any) -> Any:
    """Non-finite floats (an infinite perplexity) as strings: strict JSON."""
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    if isinstance(x, dict):
        return {k: _json_safe(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_json_safe(v) for v in x]
    return x


# -------------------------------------------------------------------- entry
def write_report(output_dir: str) -> str:
    """Write ``OUTPUT_DIR/report/{index.html, summary.json, *.png}``; return
    the path of ``index.html``.  A remote ``output_dir`` (gs://, s3://) is
    read and written through Beam ``FileSystems``."""
    if _remote(output_dir):
        if not _match(_join(output_dir, "*")) and not _match(_join(output_dir, "data", "*")):
            raise FileNotFoundError(f"report: output folder not found: {output_dir}")
        import shutil
        import tempfile

        _plt()  # a missing matplotlib stops before anything is read
        local = tempfile.mkdtemp(prefix="cs-synth-report-")
        try:
            index = _write_report(output_dir, os.path.join(local, REPORT_DIR))
            rdir = _join(output_dir, REPORT_DIR)
            for name in sorted(os.listdir(os.path.dirname(index))):
                with open(os.path.join(local, REPORT_DIR, name), "rb") as src:
                    dst = _fs().create(_join(rdir, name))
                    try:
                        dst.write(src.read())
                    finally:
                        dst.close()
            return _join(rdir, "index.html")
        finally:
            shutil.rmtree(local, ignore_errors=True)
    if not os.path.isdir(output_dir):
        raise FileNotFoundError(f"report: output folder not found: {output_dir}")
    _plt()
    return _write_report(output_dir, os.path.join(output_dir, REPORT_DIR))


def _write_report(output_dir: str, rdir: str) -> str:
    summary, kept, rejected = summarize(output_dir)
    os.makedirs(rdir, exist_ok=True)
    figures: List[Tuple[str, str]] = []
    for name, (title, _, _) in HIST_SPECS.items():
        fname = f"{name}_hist.png"
        plot_histogram(os.path.join(rdir, fname), name, kept.scores.get(name, []))
        figures.append((fname, title))
    bar_specs = [
        ("recipes.png", "Records per recipe", "by_recipe", "recipe"),
        ("language_pairs.png", "Records per language pair", "by_language_pair", "language pair"),
    ]
    for fname, title, key, ylabel in bar_specs:
        plot_bars(os.path.join(rdir, fname), title,
                  {"kept": summary["kept"][key], "rejected": summary["rejected"][key]}, ylabel,
                  empty_msg="no records")
        figures.append((fname, title))
    plot_bars(os.path.join(rdir, "reject_reasons.png"), "Rejected records per reason",
              {"rejected": summary["rejected"]["by_reason"]}, "reject reason", empty_msg="no rejected records")
    figures.append(("reject_reasons.png", "Rejected records per reason"))
    summary["figures"] = [f for f, _ in figures]
    with open(os.path.join(rdir, "summary.json"), "w", encoding="utf-8") as fh:
        json.dump(_json_safe(summary), fh, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
    index = os.path.join(rdir, "index.html")
    with open(index, "w", encoding="utf-8") as fh:
        fh.write(_html(summary, figures))
    return index


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("output_dir", help="output folder of `cs-synth run` (with data/, rejected/, manifest.json)")


def run(args) -> int:
    try:
        path = write_report(args.output_dir)
    except (FileNotFoundError, ValueError) as exc:
        print(str(exc))
        return 2
    with _open_read(path.rsplit("/", 1)[0] + "/summary.json") as fh:
        s = json.loads(fh.read().decode("utf-8"))
    print(f"kept {s['kept']['records']} records, rejected {s['rejected']['records']}")
    for name in ("cmi", "switch_points", "cs_ratio"):
        d = s["scores"].get(name)
        if d:
            print(f"  {name:<14} mean {d['mean']:.3f}  std {d['std']:.3f}  median {d['median']:.3f}")
    print(f"report: {path}")
    return 0
