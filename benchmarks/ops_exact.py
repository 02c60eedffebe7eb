"""Exact rank mod p: tnlite.rank_mod_p against python-flint and galois, same matrices, same p.

tnlite is called through its public function on the matrix as a 2-axis tensor
(`rank_mod_p(A, [0])`: input checks, residues, elimination). The peers get their own
matrix types built beforehand (python-flint's `nmod_mat` from `A.tolist()`, galois's
`GF(p)` array); building them is not in their rows, but the notes give its time, and
a separate python-flint row includes it where that is cheap enough to repeat.
"""
from __future__ import annotations

import time

import numpy as np

from harness import Case, Row
from ops import peer, tnlite_module

P = 16_777_213  # tnlite.PRIME, written out: the benchmark does not take it from the code it times
GALOIS_MAX = 256  # galois's row reduction: 0.11 s at 256, 16.6 s at 1,024 (measured): left out above


def planted(m, n, k, rng, p=P):
    """A random (m, k) @ (k, n) product mod p: rank k (for these seeds: every row's check says so).

    Exact in float64 without tnlite's code: Y is split into 12-bit halves, so every
    product sums k terms below 2**24 * 2**12 (k < 2**17 keeps them under 2**53).
    """
    X = rng.integers(0, p, (m, k)).astype(np.float64)
    Y = rng.integers(0, p, (k, n))
    hi = np.mod(X @ (Y >> 12).astype(np.float64), p).astype(np.int64)
    lo = np.mod(X @ (Y & 4095).astype(np.float64), p).astype(np.int64)
    return (hi * 4096 + lo) % p


def elimination_flops(m, n, r):
    """Multiply-adds x 2 of eliminating an m x n matrix of rank r (LU's 2/3 n^3 when square)."""
    return 2.0 * m * n * r - (m + n) * r * r + 2.0 / 3.0 * r**3


def case_rank_mod_p(m, n, k, seed=0):
    op = "exact rank mod p"
    size = f"{m:,} x {n:,}, " + ("full rank" if k == min(m, n) else f"rank {k:,}") + f", p = {P:,}"
    tensors = tnlite_module("tensors")
    if tensors is None:
        return Row(op, size, {}, status="not measured: module tnlite/tensors.py missing")
    rng = np.random.default_rng(seed)
    A = rng.integers(0, P, (m, n)) if k == min(m, n) else planted(m, n, k, rng)
    impls = {"tnlite rank_mod_p": lambda: tensors.rank_mod_p(A, [0], p=P)}
    notes = {"tnlite rank_mod_p": ("blocked elimination on float64 BLAS with delayed reduction "
                                   "(tnlite/_modp.py); input checks and conversion included")}
    flint = peer("flint")
    if flint is not None:
        t0 = time.perf_counter()
        F = flint.nmod_mat(A.tolist(), P)
        build = time.perf_counter() - t0
        impls["python-flint nmod_mat.rank"] = F.rank
        notes["python-flint nmod_mat.rank"] = (f"on a prebuilt nmod_mat; building it from A.tolist() took "
                                               f"{build * 1e3:.0f} ms here (once, not in this row)")
        if m * n <= 1024 * 1024:
            impls["python-flint incl. nmod_mat(A.tolist())"] = lambda: flint.nmod_mat(A.tolist(), P).rank()
    galois = peer("galois")
    if galois is not None and max(m, n) <= GALOIS_MAX:
        G = galois.GF(P)(A)
        impls["galois matrix_rank"] = lambda: np.linalg.matrix_rank(G)
        notes["galois matrix_rank"] = "np.linalg.matrix_rank on a prebuilt GF(p) array (galois's row reduction)"

    def outputs(res):
        out = {name: np.array([float(r)]) for name, r in res.items()}
        out["rank the matrix was built with"] = np.array([float(k)])
        return out

    return Case(op, size, impls, outputs, rtol=0.0, check="the rank (must be equal)",
                flops=elimination_flops(min(m, n), max(m, n), k), notes=notes,
                repeats=3 if m * n > 2048 * 2048 else 5)


def cases(quick):
    """(m, n, k) of the rows: square full rank at three sizes, rank deficient, rectangular."""
    if quick:
        return [(128, 128, 128), (256, 256, 256), (512, 512, 256), (256, 1024, 256)]
    return [(256, 256, 256), (1024, 1024, 1024), (1024, 1024, 512), (2048, 512, 512), (4096, 4096, 4096)]
