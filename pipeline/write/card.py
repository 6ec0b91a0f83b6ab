"""The dataset card: ``OUT/README.md`` with YAML front matter that the
Hugging Face Hub and ``datasets.load_dataset(OUT)`` read.

The front matter names the languages, the license (``output.license``;
``other`` when the config sets none), task categories and tags, and the
``configs:``: ``default`` loads the kept records in ``data/`` as split
``train`` and ``rejected`` loads the rejected records.  ``datasets`` cannot
load a split of zero rows, so when a run keeps nothing the ``default``
config points at the rejected records (split ``rejected``) and the card
says so: the folder still loads.  When nothing is kept and rejected rows
are not written either, there is nothing ``datasets`` can load; the card
says that too.
"""
from __future__ import annotations

from typing import Dict, List

import yaml


def _recipes(config: dict) -> List[str]:
    return [str(step.get("recipe")) for step in config.get("transform") or []]


def _languages(config: dict) -> List[str]:
    inp = config.get("input") or {}
    langs = [inp.get("src_lang"), inp.get("tgt_lang")]
    return [lang for lang in langs if lang]


def front_matter(manifest: Dict[str, object], config: dict) -> dict:
    written = int(manifest.get("written") or 0)
    rejected_rows = int((manifest.get("rejected_records") or {}).get("total") or 0)
    write_rejected = bool((config.get("output") or {}).get("write_rejected", True))
    rejected_cfg = {"config_name": "rejected", "data_files": [{"split": "rejected", "path": "rejected/*.arrow"}]}
    if written:
        configs = [{"config_name": "default", "data_files": [{"split": "train", "path": "data/*.arrow"}]}]
        if write_rejected and rejected_rows:
            configs.append(rejected_cfg)
    elif write_rejected and rejected_rows:
        configs = [{**rejected_cfg, "config_name": "default"}]
    else:
        configs = []
    recipes = _recipes(config)
    meta = {
        "language": _languages(config),
        "license": (config.get("output") or {}).get("license") or "other",
        "multilinguality": "multilingual" if len(_languages(config)) > 1 else "monolingual",
        "task_categories": ["translation", "text-generation", "token-classification"],
        "tags": ["code-switching", "synthetic", "cs-synth"] + [f"recipe:{r}" for r in recipes],
        "size_categories": [_size_category(written)],
        "pretty_name": f"cs-synth {' + '.join(recipes) or 'read-only'} {'-'.join(_languages(config))}",
    }
    if configs:
        meta["configs"] = configs
    return meta


def _size_category(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                        (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M")):
        if n < limit:
            return name
    return "n>10M"


def render(manifest: Dict[str, object], config: dict) -> str:
    meta = front_matter(manifest, config)
    rej = manifest.get("rejected") or {}
    lines = ["---", yaml.safe_dump(meta, sort_keys=False, allow_unicode=True).rstrip(), "---", "",
             f"# {meta['pretty_name']}", "",
             "Synthetic data written by cs-synth "
             f"{manifest.get('version', '')} (config hash `{manifest.get('config_hash', '')}`, "
             f"seed {config.get('seed', 0)}).", "",
             "## Counts", "",
             "| | |", "| --- | ---: |",
             f"| pairs read | {manifest.get('read')} |",
             f"| pairs with output | {manifest.get('pairs_with_output')} |",
             f"| pairs rejected | {rej.get('total')} |",
             f"| records written (`data/`) | {manifest.get('written')} |",
             f"| rejected records (`rejected/`) | {(manifest.get('rejected_records') or {}).get('total')} |",
             ""]
    if rej.get("by_reason"):
        lines += ["Pairs rejected, by reason:", ""]
        lines += [f"- `{reason}`: {n}" for reason, n in sorted(rej["by_reason"].items(), key=lambda kv: (-kv[1], kv[0]))]
        lines.append("")
    lines += ["## Recipe", ""]
    steps = config.get("transform") or []
    if steps:
        for k, step in enumerate(steps):
            opts = ", ".join(f"{key}={value}" for key, value in sorted((step.get("options") or {}).items()))
            lines.append(f"{k + 1}. `{step.get('recipe')}`" + (f" ({opts})" if opts else ""))
    else:
        lines.append("No transform steps (the input, read and checked).")
    align = config.get("align")
    lines += ["", f"Alignment: {align.get('backend') if isinstance(align, dict) else 'none'}.", ""]
    if not manifest.get("written"):
        lines += ["**No record was kept.** `datasets` cannot load a split of zero rows, so the default config "
                  "holds the rejected records (split `rejected`), with their reasons." if meta.get("configs") else
                  "**No record was kept**, and rejected records were not written: there is nothing to load.", ""]
    lines += ["## Loading", "", "```python", "import datasets", "",
              "ds = datasets.load_dataset(\"PATH/TO/THIS/FOLDER\")", "```", ""]
    if (config.get("output") or {}).get("parquet"):
        # datasets picks one file format per folder, so the copies are not a config of the card
        lines += ["Every shard is also written as Parquet beside the Arrow file (`data/*.parquet`), e.g. "
                  "`datasets.load_dataset(\"parquet\", data_files=\"PATH/data/*.parquet\")` or any Parquet "
                  "reader.", ""]
    lines += [
              "`manifest.json` lists every file with its row count and sha256; "
              "`cs-synth verify PATH` checks them.", ""]
    return "\n".join(lines)
