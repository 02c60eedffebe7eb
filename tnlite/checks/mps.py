"""Checkers for exercises 03, matrix product states: mps_to_dense, tt_svd, tt_svd_truncated.

Cores are (left, phys, right), the boundary legs of dimension 1.
"""
from __future__ import annotations

import math

import numpy as np

from ._common import (_Wrong, _as_cores, _call, _checker, _compare, _diagnose_cores, _ghz, _mps_dense, _random,
                      _same, _scalar)


def _random_cores(dims, bonds, rng, complex_=False):
    bonds = [1, *bonds, 1]
    return [_random((bonds[t], d, bonds[t + 1]), rng, complex_) for t, d in enumerate(dims)]


@_checker("mps_to_dense")
def check_mps_to_dense(fn):
    """Check `mps_to_dense(cores)` -> the tensor of shape (d_0, ..., d_{N-1})."""
    rng = np.random.default_rng(7)
    cases = [_random_cores((2, 2, 2, 2), (2, 3, 2), rng), _random_cores((2, 3, 2), (3, 2), rng, complex_=True),
             _random_cores((3,), (), rng), _random_cores((2, 2, 3, 2, 2), (2, 4, 4, 2), rng)]
    for n, cores in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (core shapes {[c.shape for c in cores]})"
        got = _call(fn, case, cores)
        expected = _mps_dense(cores)
        _compare(got, expected, case, mistakes=[
            (expected[None, ..., None], "your tensor still has the two boundary legs of dimension 1",
             "drop them at the end, e.g. T.reshape(phys_dims) or T[0, ..., 0]"),
            (expected.transpose(range(expected.ndim)[::-1]) if expected.ndim > 1 else None,
             "your tensor's axes come out in reverse order", "axis j of the result is site j's physical leg"),
            (expected.conj() if np.iscomplexobj(expected) else None, "your tensor is the complex conjugate",
             "contract the cores as they are, without .conj()"),
        ], what="tensor")
    return f"{len(cases)} MPS contract to the right tensors (one site, mixed dims and complex cores included)."


def _tt_svd(psi, max_bond=None):
    """Reference TT-SVD written for the checkers: (dense approximation, discarded weight)."""
    dims, norm2 = psi.shape, float(np.vdot(psi, psi).real)
    rest, cores, discarded = psi.reshape(1, -1), [], 0.0
    for d in dims[:-1]:
        U, s, Vh = np.linalg.svd(rest.reshape(rest.shape[0] * d, -1), full_matrices=False)
        k = s.size if max_bond is None else min(max_bond, s.size)
        discarded += float(np.sum(s[k:] ** 2))
        cores.append(U[:, :k].reshape(-1, d, k))
        rest = s[:k, None] * Vh[:k]
    cores.append(rest.reshape(rest.shape[0], dims[-1], 1))
    return _mps_dense(cores), discarded / norm2


@_checker("tt_svd")
def check_tt_svd(fn):
    """Check `tt_svd(psi)` -> exact MPS cores (left, phys, right) whose contraction is psi."""
    rng = np.random.default_rng(8)
    cases = [_random((2, 2, 2, 2), rng), _random((2, 3, 2), rng, complex_=True, scale=2.0), 3.0 * _ghz(5),
             np.einsum("i,j,k->ijk", *[rng.standard_normal(2) for _ in range(3)]), _random((3, 2, 2, 3), rng)]
    for n, psi in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (psi.shape={psi.shape})"
        cores = _as_cores(_call(fn, case, psi), case, psi.ndim)
        _diagnose_cores(cores, psi.shape, case)
        got = _mps_dense(cores)
        for t in range(psi.ndim - 1):
            cap = min(math.prod(psi.shape[: t + 1]), math.prod(psi.shape[t + 1:]))
            if cores[t].shape[2] > cap:
                raise _Wrong(f"{case}: bond {t} has dimension {cores[t].shape[2]}, more than the exact "
                             f"split ever needs (min(d_0...d_{t}, d_{t + 1}...d_N-1) = {cap})",
                             "use the thin SVD: np.linalg.svd(..., full_matrices=False)")
        _compare(got, psi, case, mistakes=[
            (psi / np.linalg.norm(psi), "your MPS is psi normalised, not psi as given",
             "do not normalise: the cores should contract to psi itself"),
            (psi.conj() if np.iscomplexobj(psi) else None, "your MPS gives the complex conjugate of psi",
             "use U from np.linalg.svd as it is (not U.conj()) and keep s Vh for the next step"),
        ], what="contraction of your cores")
    return f"{len(cases)} tensors split into cores (left, phys, right) that contract back exactly."


@_checker("tt_svd_truncated")
def check_tt_svd_truncated(fn):
    """Check `tt_svd_truncated(psi, max_bond)` -> (cores, discarded_weight)."""
    rng = np.random.default_rng(9)
    psi6 = _random((2,) * 6, rng, scale=3.0)
    cases = [(psi6, 2), (psi6, 4), (_random((3, 3, 3, 3), rng, complex_=True, scale=0.5), 2),
             (_random((2, 2, 2, 2), rng), 8), (_random((2,) * 5, rng, complex_=True), 1)]
    # (no degenerate singular values at a truncation: which of two equal ones is kept is arbitrary)
    for n, (psi, max_bond) in enumerate(cases, 1):
        norm2 = float(np.vdot(psi, psi).real)
        case = f"case {n} of {len(cases)} (psi.shape={psi.shape}, ||psi||^2={norm2:.3g}, max_bond={max_bond})"
        out = _call(fn, case, psi, max_bond)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise _Wrong(f"{case}: expected a pair (cores, discarded_weight), got {type(out).__name__}")
        cores = _as_cores(out[0], case, psi.ndim)
        w = _scalar(out[1], case, "the discarded weight")
        _diagnose_cores(cores, psi.shape, case)
        big = [t for t, c in enumerate(cores[:-1]) if c.shape[2] > max_bond]
        if big:
            raise _Wrong(f"{case}: bond {big[0]} has dimension {cores[big[0]].shape[2]} > max_bond={max_bond}",
                         "keep at most max_bond singular values at every cut")
        approx = _mps_dense(cores)
        ref, ref_w = _tt_svd(psi, max_bond)
        err = float(np.vdot(psi - approx, psi - approx).real) / norm2
        if not _same(approx, ref, 1e-6, 1e-9):
            unit = lambda T: T / np.linalg.norm(T)  # noqa: E731
            if np.linalg.norm(approx) > 0 and _same(unit(approx), unit(ref), 1e-6, 1e-9):
                raise _Wrong(f"{case}: your MPS is the right state but with the wrong norm "
                             f"({np.linalg.norm(approx):.4g} instead of {np.linalg.norm(ref):.4g})",
                             "approximate psi as given: no normalising, and carry s Vh (not Vh alone) to the next step")
            if err > ref_w + 1e-9:
                raise _Wrong(f"{case}: your MPS is further from psi than it should be: relative squared error "
                             f"{err:.4g}, sequential SVD truncation gets {ref_w:.4g}",
                             "keep the LARGEST singular values (np.linalg.svd returns them in descending order)")
            raise _Wrong(f"{case}: your MPS does not contract to the truncated sequential SVD of psi")
        if math.isnan(w) or abs(w - ref_w) > 1e-8:
            if abs(w - ref_w * norm2) <= 1e-8 * max(1, norm2) and abs(norm2 - 1) > 1e-6:
                raise _Wrong(f"{case}: discarded weight expected {ref_w:.6g}, got {w:.6g} = the sum of the dropped "
                             "s**2 without dividing by ||psi||^2", "the discarded weight is relative: divide by ||psi||^2")
            if abs(w - (1 - ref_w)) <= 1e-8:
                raise _Wrong(f"{case}: discarded weight expected {ref_w:.6g}, got {w:.6g} = 1 - (the answer)",
                             "return the weight of what was dropped, not of what was kept")
            raise _Wrong(f"{case}: discarded weight expected {ref_w:.6g} (= ||psi - mps||^2 / ||psi||^2), got {w:.6g}",
                         "add up the dropped s**2 at every cut (squares, not the singular values) and divide by ||psi||^2")
    return f"{len(cases)} truncations agree: bonds <= max_bond and the discarded weight equals the error."
