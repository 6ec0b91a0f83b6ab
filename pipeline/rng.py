"""Deterministic per-record random generators.

Every unit that needs randomness gets a :class:`random.Random` seeded from
``(seed, record id, unit name)``.  The same record processed on any worker,
in any order, on any retry therefore draws the same numbers, and nothing
ever touches global random state.
"""
from __future__ import annotations

import hashlib
import random


def derive_seed(seed: int, *parts: str) -> int:
    h = hashlib.blake2b(digest_size=8)
    h.update(str(int(seed)).encode())
    for p in parts:
        h.update(b"\x1f")
        h.update(str(p).encode("utf-8"))
    return int.from_bytes(h.digest(), "big")


def derive_rng(seed: int, record_id: str, unit: str) -> random.Random:
    """A private generator for one (seed, record, unit) triple."""
    return random.Random(derive_seed(seed, record_id, unit))
