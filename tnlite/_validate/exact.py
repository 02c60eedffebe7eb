"""Checks for exact arithmetic mod p: the prime itself and integer weights as residues.

Every class that takes ``p`` goes through these (one rule for all: integer arrays, or
floats holding whole numbers only).
"""
from __future__ import annotations

import functools
import math

import numpy as np

from . import as_int, as_whole_numbers


def as_prime(p, name="p"):
    """`p` as an int prime no larger than 2**24, so that residues and their products stay exact."""
    p = as_int(p, name, minimum=2)
    if p > 2**24 or not _is_prime(p):
        raise ValueError(f"{name} must be a prime no larger than 2**24 (products must stay exact), got {p}")
    return p


@functools.lru_cache(maxsize=64)
def _is_prime(p):
    """Trial division (0.2 ms for p near 2**24, so remembered: exact ranks are asked for often)."""
    return all(p % k for k in range(2, math.isqrt(p) + 1))


def as_residues(a, p, name):
    """`a` as int64 residues mod p: integer arrays, or floats holding whole numbers only
    (a fractional weight has no residue; truncating it silently would change the network)."""
    a = as_whole_numbers(a, name, f"integers for exact arithmetic mod p={p}")
    return np.mod(a.astype(np.int64), p)
