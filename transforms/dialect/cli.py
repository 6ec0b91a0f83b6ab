"""``cs-synth dialect-features``: list the implemented eWAVE features.

    cs-synth dialect-features                       # ID, area, name
    cs-synth dialect-features --area negation
    cs-synth dialect-features --ewave ../shared/data/ewave --dialect "Appalachian English"
        # only the features that variety's profile applies, with probabilities
    cs-synth dialect-features --ewave ../shared/data/ewave --variety MultiDialect
        # the union of the 50 varieties: each feature at its highest rating
"""
from __future__ import annotations

import argparse
import json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--area", help="only features of this area (e.g. pronouns, negation, copula)")
    parser.add_argument("--ewave", metavar="PATH", help="eWAVE folder or ewave.csv: also check names against it")
    parser.add_argument("--dialect", "--variety", dest="dialect",
                        help="show the profile of this eWAVE variety (name or abbreviation, or MultiDialect for "
                             "the union of all varieties; needs --ewave) or of a YAML profile path")
    parser.add_argument("--json", action="store_true", help="print JSON lines instead of a table")


def run(args) -> int:
    from cs_synth.pipeline.units import ConfigError, Context
    from cs_synth.transforms.dialect import _profile
    from cs_synth.transforms.dialect.features import all_rules
    from cs_synth.transforms.dialect.profiles import load_ewave

    rules = all_rules()
    areas = sorted({r.area for r in rules.values()})
    if args.area and args.area not in areas:
        print(f"unknown area {args.area!r}; areas: {', '.join(areas)}")
        return 2
    probs = None
    catalogue = None
    try:
        if args.ewave:
            catalogue = load_ewave(args.ewave)
        if args.dialect:
            probs = _profile(Context(), args.dialect, args.ewave, None, list(rules)).as_dict()
    except ConfigError as exc:
        print(f"error: {exc}")
        return 2
    shown = 0
    for fid, rule in rules.items():
        if args.area and rule.area != args.area:
            continue
        if probs is not None and fid not in probs:
            continue
        row = {"id": fid, "area": rule.area, "name": rule.name, "unit": f"ewave.f{fid}.v1"}
        if probs is not None:
            row["probability"] = probs[fid]
        if catalogue is not None:
            row["catalogue_name_matches"] = catalogue.features.get(fid) is not None and \
                catalogue.features[fid].name == rule.name
        shown += 1
        if args.json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            extra = f"  p={row['probability']:.2f}" if "probability" in row else ""
            flag = "" if row.get("catalogue_name_matches", True) else "  [name differs from catalogue]"
            print(f"{fid:>3}  {rule.area:<16} {rule.name}{extra}{flag}")
    if not args.json:
        print(f"{shown} of {len(rules)} implemented eWAVE features shown")
        if args.dialect and args.ewave and catalogue is not None:
            from cs_synth.transforms.dialect.profiles import UNION_NAMES

            abbr = catalogue.find_variety(args.dialect)
            if abbr is not None or args.dialect.strip().lower() in UNION_NAMES:
                attested = {fid for table in ([catalogue.ratings.get(abbr, {})] if abbr else catalogue.ratings.values())
                            for fid, r in table.items() if r in ("A", "B", "C")}
                missing = sorted(attested - set(rules))
                print(f"attested (A/B/C) in the table but not implemented: {len(missing)}"
                      + (f" ({', '.join(map(str, missing))})" if missing else ""))
    return 0
