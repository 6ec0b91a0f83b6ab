"""Dialect profiles: which eWAVE features apply, with what probability.

From the eWAVE attestation table
    ``ewave.csv`` (one row per variety and feature: ``parameter_pk`` is the
    feature ID, ``parameter_name`` its name, ``parameter_description`` its
    example, ``language_name``/``abbr`` the variety, ``attestation`` the
    rating) and ``varieties.csv`` beside it.  Ratings map to probabilities:
    A (pervasive) 1.0, B (neither pervasive nor rare) 0.6, C (rare) 0.3 by
    default (configurable); D (absent), X (not applicable) and ? (no
    information) never apply.  Only implemented features are kept.
    The user gives the path (the folder or the ``ewave.csv`` file); nothing
    from the table is stored in this repository.

From YAML (hand-written, see ``samples/dialects/``)::

    name: Appalachian English (sample)
    description: free text
    features:          # eWAVE ID: probability in [0, 1] or an eWAVE rating letter
      154: 1.0
      155: A
"""
from __future__ import annotations

import csv
import functools
import os
from dataclasses import dataclass
from typing import Dict, Iterable, Mapping, Optional, Tuple

from cs_synth.pipeline.units import ConfigError, check_probability

DEFAULT_PROBABILITIES: Mapping[str, float] = {"A": 1.0, "B": 0.6, "C": 0.3}
RATINGS = ("A", "B", "C", "D", "X", "?")
NEVER = ("D", "X", "?")
REQUIRED_COLUMNS = ("parameter_pk", "parameter_name", "parameter_description", "language_name", "abbr",
                    "attestation")


@dataclass(frozen=True)
class FeatureInfo:
    fid: int
    name: str
    example: str


@dataclass(frozen=True)
class Ewave:
    path: str
    features: Mapping[int, FeatureInfo]
    #: variety name -> abbreviation, in file order
    varieties: Mapping[str, str]
    #: variety abbreviation -> {feature ID: rating}
    ratings: Mapping[str, Mapping[int, str]]
    regions: Mapping[str, str]

    def find_variety(self, name: str) -> Optional[str]:
        """The abbreviation for a variety name or abbreviation (any case)."""
        low = name.strip().lower()
        for full, abbr in self.varieties.items():
            if low in (full.lower(), abbr.lower()):
                return abbr
        return None


@dataclass(frozen=True)
class Profile:
    name: str
    probabilities: Tuple[Tuple[int, float], ...]  # ascending feature ID, p > 0
    source: str = ""

    def as_dict(self) -> Dict[int, float]:
        return dict(self.probabilities)


def ewave_files(path: str) -> Tuple[str, Optional[str]]:
    """``(ewave.csv, varieties.csv or None)`` for a folder or a file path."""
    from cs_synth.pipeline import resources  # local, carried to the worker, or gs:// / s3://

    if resources.isfile(path):
        main = path
    else:
        main = resources.join(path, "ewave.csv")
    if not resources.isfile(main):
        raise ConfigError(f"option 'ewave_path': eWAVE table not found: {main} "
                          f"(give the folder holding ewave.csv or the file itself)")
    var = resources.join(resources.dirname(main), "varieties.csv")
    return main, (var if resources.isfile(var) else None)


def load_ewave(path: str) -> Ewave:
    """The eWAVE tables (cached per process while the files are unchanged)."""
    from cs_synth.pipeline import resources

    main, var = ewave_files(path if resources.is_url(path) else os.path.abspath(path))
    return _load_ewave(main, var, resources.cache_key(main), resources.cache_key(var) if var else None)


@functools.lru_cache(maxsize=8)
def _load_ewave(main: str, var: Optional[str], key, var_key) -> Ewave:
    from cs_synth.pipeline import resources

    features: Dict[int, FeatureInfo] = {}
    varieties: Dict[str, str] = {}
    ratings: Dict[str, Dict[int, str]] = {}
    with resources.open_text(main, newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise ConfigError(f"option 'ewave_path': {main} lacks the column(s) {', '.join(missing)}; "
                              f"expected the eWAVE value table with {', '.join(REQUIRED_COLUMNS)}")
        for row in reader:
            try:
                fid = int(row["parameter_pk"])
            except (TypeError, ValueError):
                continue
            features.setdefault(fid, FeatureInfo(fid, row["parameter_name"], row["parameter_description"]))
            abbr = row["abbr"]
            varieties.setdefault(row["language_name"], abbr)
            ratings.setdefault(abbr, {})[fid] = (row["attestation"] or "?").strip()
    regions: Dict[str, str] = {}
    if var:
        with resources.open_text(var, newline="") as fh:
            for row in csv.DictReader(fh):
                if row.get("abbr"):
                    regions[row["abbr"]] = row.get("region", "")
                    varieties.setdefault(row.get("name", row["abbr"]), row["abbr"])
    return Ewave(main, dict(sorted(features.items())), varieties, ratings, regions)


def check_probabilities(probabilities: Optional[Mapping[str, float]]) -> Dict[str, float]:
    """Validate the rating -> probability map (keys A, B, C only)."""
    probs = dict(DEFAULT_PROBABILITIES)
    if probabilities is None:
        return probs
    if not isinstance(probabilities, Mapping):
        raise ConfigError("option 'probabilities': expected a mapping like {A: 1.0, B: 0.6, C: 0.3}")
    for k, v in probabilities.items():
        key = str(k).upper()
        if key in NEVER:
            raise ConfigError(f"option 'probabilities': rating {key!r} never applies (D, X and ? are not "
                              f"attested); give probabilities for A, B and C only")
        if key not in DEFAULT_PROBABILITIES:
            raise ConfigError(f"option 'probabilities': unknown rating {k!r}; valid ratings: A, B, C")
        probs[key] = _prob(v, f"option 'probabilities'.{key}")
    return probs


def _prob(v, where: str) -> float:
    return check_probability(where, v)


def profile_from_ewave(ewave: Ewave, variety: str, implemented: Iterable[int],
                       probabilities: Optional[Mapping[str, float]] = None) -> Profile:
    probs = check_probabilities(probabilities)
    if variety.strip().lower() in UNION_NAMES:
        return union_profile(ewave, implemented, probs)
    abbr = ewave.find_variety(variety)
    if abbr is None:
        names = "; ".join(f"{n} ({a})" for n, a in ewave.varieties.items())
        raise ConfigError(f"option 'dialect': unknown eWAVE variety {variety!r}; valid varieties: {names}")
    table = ewave.ratings.get(abbr, {})
    out = []
    for fid in sorted(set(implemented)):
        p = probs.get(table.get(fid, "?"), 0.0)
        if p > 0:
            out.append((fid, p))
    full = next(n for n, a in ewave.varieties.items() if a == abbr)
    return Profile(full, tuple(out), source=ewave.path)


#: names of the union profile (Multi-VALUE's ``MultiDialect``): every
#: implemented feature that any variety attests, at its highest rating
UNION_NAMES = ("multidialect", "multi", "union", "all varieties")


def union_profile(ewave: Ewave, implemented: Iterable[int], probs: Mapping[str, float]) -> Profile:
    """Each implemented feature at the highest probability any of the
    table's varieties gives it (A in one variety -> 1.0)."""
    best: Dict[int, float] = {}
    for table in ewave.ratings.values():
        for fid, rating in table.items():
            p = probs.get(rating, 0.0)
            if p > best.get(fid, 0.0):
                best[fid] = p
    out = tuple((fid, best[fid]) for fid in sorted(set(implemented)) if best.get(fid, 0.0) > 0)
    return Profile(f"MultiDialect (union of {len(ewave.ratings)} eWAVE varieties)", out, source=ewave.path)


def load_yaml_profile(path: str, implemented: Iterable[int],
                      probabilities: Optional[Mapping[str, float]] = None) -> Profile:
    import yaml

    probs = check_probabilities(probabilities)
    impl = sorted(set(implemented))
    from cs_synth.pipeline import resources

    try:
        data = yaml.safe_load(resources.read_text(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"option 'dialect': cannot read profile {path}: {exc}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"option 'dialect': profile {path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("features"), dict):
        raise ConfigError(f"option 'dialect': profile {path} needs a 'features' mapping of eWAVE ID to "
                          f"probability (or rating A/B/C)")
    out: Dict[int, float] = {}
    for key, val in data["features"].items():
        fid = _feature_id(key, impl, f"profile {path}: features")
        if isinstance(val, str) and val.strip().upper() in RATINGS:
            p = probs.get(val.strip().upper(), 0.0)
        else:
            p = _prob(val, f"profile {path}: features.{key}")
        if p > 0:
            out[fid] = p
    return Profile(str(data.get("name") or os.path.splitext(os.path.basename(path))[0]),
                   tuple(sorted(out.items())), source=path)


def _feature_id(key, implemented, where: str) -> int:
    try:
        fid = int(str(key).strip().lower().lstrip("f"))
    except ValueError:
        fid = None
    if fid is None or fid not in implemented:
        what = "unknown eWAVE feature ID" if fid is None or not 1 <= fid <= 235 else \
            "eWAVE feature not implemented"
        raise ConfigError(f"{where}: {what} {key!r}; implemented IDs: {', '.join(map(str, implemented))} "
                          f"(`cs-synth dialect-features` lists them with names)")
    return fid


def check_feature_ids(features, implemented, where: str = "option 'features'") -> Tuple[int, ...]:
    impl = sorted(set(implemented))
    if isinstance(features, (str, int)):
        features = [features]
    if not features:
        raise ConfigError(f"{where}: give at least one eWAVE feature ID; implemented IDs: "
                          f"{', '.join(map(str, impl))}")
    out = []
    for f in features:
        fid = _feature_id(f, impl, where)
        if fid not in out:
            out.append(fid)
    return tuple(sorted(out))
