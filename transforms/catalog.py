"""``cs-synth recipes``: list every registered recipe with a one-line
description and the paper it follows (``--options`` adds each recipe's
options with their defaults, read from the factory signature;
``--json`` prints the same as JSON)."""
from __future__ import annotations

import argparse
import inspect
import json
import textwrap
from typing import Dict, List


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("names", nargs="*", help="only these recipes (default: all)")
    parser.add_argument("--options", action="store_true", help="also list each recipe's options and defaults")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def recipe_options(factory) -> List[Dict[str, object]]:
    """The options a recipe factory accepts (everything after ``ctx``)."""
    out = []
    params = list(inspect.signature(factory).parameters.values())[1:]
    for p in params:
        if p.kind not in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
            continue
        out.append({"name": p.name, "required": p.default is p.empty,
                    "default": None if p.default is p.empty else p.default})
    return out


def catalog(names=()) -> List[Dict[str, object]]:
    from cs_synth.pipeline import registry

    infos = registry.recipe_infos()
    wanted = list(names) or list(infos)
    rows = []
    for name in wanted:
        info = registry.get(registry.recipes, name)  # unknown names fail listing the known ones
        rows.append({"name": info.name, "description": info.description, "paper": info.paper,
                     "options": recipe_options(info.factory)})
    return rows


def _fmt_default(v) -> str:
    if isinstance(v, tuple):
        v = list(v)
    return json.dumps(v, ensure_ascii=False, default=str)


def render(rows, with_options: bool = False) -> str:
    width = max((len(r["name"]) for r in rows), default=0)
    lines = []
    for r in rows:
        lines.append(f"{r['name']:<{width}}  {r['description']}")
        if r["paper"]:
            lines.append(textwrap.indent(f"paper: {r['paper']}", " " * (width + 2)))
        if with_options and r["options"]:
            opts = ", ".join(o["name"] + ("" if o["required"] else "=" + _fmt_default(o["default"]))
                             for o in r["options"])
            lines.append(textwrap.indent(f"options: {opts}", " " * (width + 2)))
    return "\n".join(lines)


def run(args) -> int:
    from cs_synth.pipeline.units import ConfigError

    try:
        rows = catalog(args.names)
    except KeyError as exc:
        raise ConfigError(str(exc.args[0])) from None
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
    else:
        print(render(rows, with_options=args.options))
    return 0
