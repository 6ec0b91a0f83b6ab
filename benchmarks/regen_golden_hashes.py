"""Regenerate tests/golden_hashes.json: run on purpose, only when an output
change is intended, and say why in the commit.

    python benchmarks/regen_golden_hashes.py [RECIPE ...]   (default: all of tests/test_golden_hashes.RECIPES)

It runs each sample recipe with the Beam job (1 worker), prints the old and
new digest, and writes the file.  ``--check`` only compares (exit 1 on a
difference), and ``--workers N`` runs with N workers (the hash must not
depend on it).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _golden_module():
    spec = importlib.util.spec_from_file_location("golden_hashes", REPO / "tests" / "test_golden_hashes.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main(argv=None) -> int:
    g = _golden_module()
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("recipes", nargs="*", default=list(g.RECIPES))
    ap.add_argument("--check", action="store_true", help="compare only, write nothing")
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args(argv)
    golden = json.loads(g.GOLDEN.read_text(encoding="utf-8")) if g.GOLDEN.exists() else {}
    differs = 0
    for name in args.recipes:
        with tempfile.TemporaryDirectory(prefix=f"golden-{name}-") as tmp:
            got = g.run_recipe(name, str(Path(tmp) / "out"), workers=args.workers)
        old = golden.get(name)
        same = old is not None and old["sha256"] == got["sha256"] and old["rows"] == got["rows"]
        differs += not same
        print(f"{name}: {'unchanged' if same else 'CHANGED'} rows={got['rows']} sha256={got['sha256']}"
              + ("" if same or old is None else f" (was rows={old['rows']} sha256={old['sha256']})"))
        golden[name] = got
    if not args.check:
        g.GOLDEN.write_text(json.dumps(golden, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {g.GOLDEN.relative_to(REPO)}")
    return 1 if (args.check and differs) else 0


if __name__ == "__main__":
    sys.exit(main())
