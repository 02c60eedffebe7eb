"""Exact-mode RBM amplitudes: exp replaced by powers of a primitive root g in the integers mod p.

psi(s) = g^(a.s) prod_u (g^(theta_u) + g^(-theta_u)) mod p, theta = b + W s taken mod p - 1.
Plumbing for :mod:`tnlite.rbm`; nothing here validates its input.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

#: Configurations per chunk: a chunk's (b, H) table look-ups stay small.
_CHUNK = 8192


@lru_cache(maxsize=8)
def _primitive_root(p):
    """The smallest generator of the multiplicative group mod the prime p."""
    n, factors, q = p - 1, set(), 2
    while q * q <= n:
        while n % q == 0:
            factors.add(q)
            n //= q
        q += 1
    if n > 1:
        factors.add(n)
    return next(g for g in range(2, p) if all(pow(g, (p - 1) // f, p) != 1 for f in factors))


@lru_cache(maxsize=8)
def _power_tables(g, p):
    """g^i and g^(4096 i) mod p for i < 4096: any exponent below 2^24 is one product of two entries."""
    low = np.empty(4096, dtype=np.int64)
    low[0] = 1
    for i in range(1, 4096):
        low[i] = low[i - 1] * g % p
    high = np.empty(4096, dtype=np.int64)
    high[0], step = 1, int(low[-1]) * g % p  # g^4096
    for i in range(1, 4096):
        high[i] = high[i - 1] * step % p
    return low, high


def _power(g, x, p):
    """g**x mod p for an int64 array of exponents 0 <= x < 2^24, by two table look-ups."""
    low, high = _power_tables(g, p)
    return low[x & 4095] * high[x >> 12] % p


def psi_mod_p(W, a, b, p, s, configs=None):
    """psi mod p for integer spins s (B, N) with weights W (H, N), a (N,), b (H,) as exponents: (B,) int64.

    For configurations (`configs` in {0, 1}, N <= 24) the exponent of every unit is the
    sum of a left-half and a right-half part, so g^theta comes from two tables over the
    2^(N/2) half-configurations (a look-up each instead of a power per entry).
    """
    g, e, (H, N) = _primitive_root(p), p - 1, W.shape
    s = s.astype(np.int64) % e
    out = np.empty(s.shape[0], dtype=np.int64)
    halves = configs is not None and N <= 24
    if halves:
        h = N // 2
        tables = []
        for lo, hi, bias in ((0, h, b), (h, N, 0)):
            x = np.arange(2 ** (hi - lo))
            half = 1 - 2 * ((x[:, None] >> np.arange(hi - lo - 1, -1, -1)) & 1)  # (2^n, n) spins
            t = (half @ W[:, lo:hi].T + bias) % e  # (2^n, H) exponents
            tables.append((_power(g, t, p), _power(g, (e - t) % e, p)))
        weights = [1 << np.arange(h - 1, -1, -1), 1 << np.arange(N - h - 1, -1, -1)]
    for i in range(0, s.shape[0], _CHUNK):
        c = s[i:i + _CHUNK]
        if halves:
            iL, iR = configs[i:i + _CHUNK, :h] @ weights[0], configs[i:i + _CHUNK, h:] @ weights[1]
            (L, Li), (R, Ri) = tables
            cosh = (L[iL] * R[iR] % p + Li[iL] * Ri[iR] % p) % p  # (b, H): g^theta + g^-theta
        else:
            theta = (c @ W.T + b) % e  # (b, H): exponents, products < 2**48
            cosh = (_power(g, theta, p) + _power(g, (e - theta) % e, p)) % p
        while cosh.shape[1] > 1:  # product over the hidden units, pairwise
            if cosh.shape[1] % 2:
                cosh = np.concatenate([cosh, np.ones((cosh.shape[0], 1), dtype=np.int64)], axis=1)
            cosh = cosh[:, 0::2] * cosh[:, 1::2] % p
        v = _power(g, (c @ a) % e, p)  # (b,)
        out[i:i + _CHUNK] = v if H == 0 else v * cosh[:, 0] % p
    return out
