"""Checkers for exercises 03, matrix product states: mps_to_dense, tt_svd(_truncated), bond predictions.

Cores are (left, phys, right), the boundary legs of dimension 1.
"""
from __future__ import annotations

import math

import numpy as np

from ..tensors import ghz_state, random_state, schmidt_rank, w_state
from ._common import (_Cases, _Wrong, _as_cores, _call, _checker, _diagnose_cores, _ghz, _mps_dense, _random,
                      _same, _scalar)
from ._predict import _predictions


def _random_cores(dims, bonds, rng, complex_=False):
    bonds = [1, *bonds, 1]
    return [_random((bonds[t], d, bonds[t + 1]), rng, complex_) for t, d in enumerate(dims)]


@_checker("mps_to_dense")
def check_mps_to_dense(fn):
    """Check `mps_to_dense(cores)` -> the tensor of shape (d_0, ..., d_{N-1})."""
    rng = np.random.default_rng(7)
    cases = [_random_cores((2, 2, 2, 2), (2, 3, 2), rng), _random_cores((2, 3, 2), (3, 2), rng, complex_=True),
             _random_cores((3,), (), rng), _random_cores((2, 2, 3, 2, 2), (2, 4, 4, 2), rng)]
    judged = _Cases(what="tensor")
    for n, cores in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (core shapes {[c.shape for c in cores]})"
        got = _call(fn, case, cores)
        expected = _mps_dense(cores)
        judged.add(got, expected, case, mistakes=[
            (expected[None, ..., None], "your tensor still has the two boundary legs of dimension 1",
             "drop them at the end, e.g. T.reshape(phys_dims) or T[0, ..., 0]"),
            (expected.transpose(range(expected.ndim)[::-1]) if expected.ndim > 1 else None,
             "your tensor's axes come out in reverse order", "axis j of the result is site j's physical leg"),
            (expected.conj() if np.iscomplexobj(expected) else None, "your tensor is the complex conjugate",
             "contract the cores as they are, without .conj()"),
        ])
    judged.settle()
    return f"{len(cases)} MPS contract to the right tensors (one site, mixed dims and complex cores included)."


def _tt_svd(psi, max_bond=None, carry_s=True, keep="largest"):
    """Reference TT-SVD written for the checkers, left to right: (dense approximation, discarded weight).

    `carry_s=False` and `keep="smallest"` are two mistakes, computed to recognise them.
    """
    dims, norm2 = psi.shape, float(np.vdot(psi, psi).real)
    rest, cores, discarded = psi.reshape(1, -1), [], 0.0
    for d in dims[:-1]:
        U, s, Vh = np.linalg.svd(rest.reshape(rest.shape[0] * d, -1), full_matrices=False)
        k = s.size if max_bond is None else min(max_bond, s.size)
        kept = np.arange(k) if keep == "largest" else np.arange(s.size - k, s.size)
        discarded += float(np.sum(s**2) - np.sum(s[kept] ** 2))
        cores.append(U[:, kept].reshape(-1, d, k))
        rest = (s[kept, None] if carry_s else 1.0) * Vh[kept]
    cores.append(rest.reshape(rest.shape[0], dims[-1], 1))
    return _mps_dense(cores), discarded / norm2


def _reversed(T):
    return T.transpose(tuple(range(T.ndim))[::-1])


def _both_sweeps(psi, **kw):
    """The dense results of a TT-SVD from the left and from the right (a sweep from the right is one
    from the left on the reversed tensor: the SVD of a transpose has the same truncations)."""
    return _tt_svd(psi, **kw)[0], _reversed(_tt_svd(_reversed(psi), **kw)[0])


_CARRIED_VH = ("you carried Vh (or, sweeping from the right, U) to the next step without the singular values",
               "the new remainder is S V^dagger = s[:, None] * Vh: the singular values must travel on")


@_checker("tt_svd")
def check_tt_svd(fn):
    """Check `tt_svd(psi)` -> exact MPS cores (left, phys, right) whose contraction is psi."""
    rng = np.random.default_rng(8)
    cases = [_random((2, 2, 2, 2), rng), _random((2, 3, 2), rng, complex_=True, scale=2.0), 3.0 * _ghz(5),
             np.einsum("i,j,k->ijk", *[rng.standard_normal(2) for _ in range(3)]), _random((3, 2, 2, 3), rng)]
    judged = _Cases(what="contraction of your cores")
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
        carried = _both_sweeps(psi, carry_s=False)
        judged.add(got, psi, case, mistakes=[
            (psi / np.linalg.norm(psi), "your MPS is psi normalised, not psi as given",
             "do not normalise: the cores should contract to psi itself"),
            (psi.conj() if np.iscomplexobj(psi) else None, "your MPS gives the complex conjugate of psi",
             "use U from np.linalg.svd as it is (not U.conj()) and keep s Vh for the next step"),
            (carried[0], *_CARRIED_VH), (carried[1], *_CARRIED_VH),
        ])
    judged.settle()
    return f"{len(cases)} tensors split into cores (left, phys, right) that contract back exactly."


def _tails(psi, max_bond):
    """At each cut, psi's Schmidt weight beyond max_bond, relative to ||psi||^2 (what the best truncation drops)."""
    out = []
    for t in range(1, psi.ndim):
        s = np.linalg.svd(psi.reshape(math.prod(psi.shape[:t]), -1), compute_uv=False)
        out.append(float(np.sum(s[max_bond:] ** 2) / np.sum(s**2)))
    return out


@_checker("tt_svd_truncated")
def check_tt_svd_truncated(fn):
    """Check `tt_svd_truncated(psi, max_bond)` -> (cores, discarded_weight), by what no gauge or sweep changes.

    Passes: every bond <= max_bond, the weight equals the error ||psi - mps||^2 / ||psi||^2 of the
    reader's own cores, and that error is within the sequential-SVD guarantee, the sum over cuts of
    psi's Schmidt weight beyond max_bond (Oseledets 2011). A sweep from the right passes as well.
    """
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
        err = float(np.vdot(psi - approx, psi - approx).real) / norm2
        guarantee = sum(_tails(psi, max_bond))
        if err > guarantee * (1 + 1e-8) + 1e-12:
            for variant, message, hint in [
                (dict(carry_s=False), *_CARRIED_VH),
                (dict(keep="smallest"), "you kept the smallest singular values",
                 "keep the LARGEST ones: np.linalg.svd returns them in descending order, so s[:max_bond]"),
            ]:
                if any(_same(approx, v, 1e-6, 1e-9) for v in _both_sweeps(psi, max_bond=max_bond, **variant)):
                    raise _Wrong(f"{case}: {message}", hint)
            unit = lambda T: T / np.linalg.norm(T)  # noqa: E731
            for ref in _both_sweeps(psi, max_bond=max_bond):
                if np.linalg.norm(approx) > 0 and _same(unit(approx), unit(ref), 1e-6, 1e-9):
                    raise _Wrong(f"{case}: your MPS is the right state but with the wrong norm "
                                 f"({np.linalg.norm(approx):.4g} instead of {np.linalg.norm(ref):.4g})",
                                 "approximate psi as given: no normalising")
            raise _Wrong(f"{case}: your MPS is further from psi than a sequential SVD truncation can be: relative "
                         f"squared error {err:.4g}, but truncating the SVD at each cut loses at most {guarantee:.4g} "
                         "(the sum over cuts of psi's Schmidt weight beyond max_bond)",
                         "each step: SVD of the current remainder, keep its max_bond largest singular values, "
                         "carry s Vh on")
        if math.isnan(w) or abs(w - err) > 1e-8:
            if abs(w - err * norm2) <= 1e-8 * max(1, norm2) and abs(norm2 - 1) > 1e-6:
                raise _Wrong(f"{case}: discarded weight expected {err:.6g}, got {w:.6g} = the sum of the dropped "
                             "s**2 without dividing by ||psi||^2", "the discarded weight is relative: divide by ||psi||^2")
            if abs(w - (1 - err)) <= 1e-8:
                raise _Wrong(f"{case}: discarded weight expected {err:.6g}, got {w:.6g} = 1 - (the answer)",
                             "return the weight of what was dropped, not of what was kept")
            raise _Wrong(f"{case}: discarded weight expected {err:.6g} (= ||psi - mps||^2 / ||psi||^2 for your own "
                         f"cores), got {w:.6g}",
                         "add up the dropped s**2 at every cut (squares, not the singular values) and divide by ||psi||^2")
    return (f"{len(cases)} truncations agree, judged by what no gauge or sweep direction changes: bonds <= max_bond, "
            "the discarded weight equals the error ||psi - mps||^2/||psi||^2, and the error is within the "
            "sequential-SVD guarantee (the sum over cuts of psi's Schmidt weight beyond max_bond).")


def _prediction_states():
    """The states of the bond-dimension task, N = 6 qubits: name -> (what it is, the state)."""
    bell = np.eye(2) / np.sqrt(2)
    return {"ghz": ("the GHZ state", ghz_state(6)),
            "bell_pairs": ("Bell pairs on sites (0, 1), (2, 3), (4, 5)", np.einsum("ab,cd,ef->abcdef", bell, bell, bell)),
            "w": ("the W state", w_state(6)),
            "random": ("a random state (tl.random_state(6, 2, rng))", random_state(6, 2, np.random.default_rng(17)))}


#: The states of the prediction task, by name (all of N = 6 qubits).
PREDICT_BONDS = {name: what for name, (what, _) in _prediction_states().items()}


@_checker("bond_dimension_predictions")
def check_bond_dimension_predictions(fn):
    """Check `bond_dimension_predictions()` -> {name: the N-1 smallest bond dimensions of an exact MPS}."""
    states = _prediction_states()
    got = _predictions(_call(fn, "your function"), states)
    for name, (what, psi) in states.items():
        N = psi.ndim
        case = f"{name} ({what})"
        try:
            bonds = [int(b) if float(b).is_integer() else b for b in got[name]]
        except (TypeError, ValueError):
            raise _Wrong(f"{case}: expected a tuple of {N - 1} whole numbers, got {got[name]!r}") from None
        if len(bonds) != N - 1:
            raise _Wrong(f"{case}: you gave {len(bonds)} bond dimensions; a chain of N = {N} sites has "
                         f"N-1 = {N - 1} bonds", "bond t sits between site t and site t+1, t = 0..N-2")
        for t, chi in enumerate(bonds):
            rank = schmidt_rank(psi, range(t + 1))
            if chi == rank:
                continue
            where = f"{case}, bond {t} (sites 0..{t} | {t + 1}..{N - 1}): you predicted {chi}"
            thin = min(2 ** (t + 1), 2 ** (N - 1 - t))
            if chi == thin:
                raise _Wrong(f"{where} = min(2^{t + 1}, 2^{N - 1 - t}), the size of the thin SVD; but only {rank} "
                             "singular values are non-zero (the Schmidt rank), and an exact MPS needs no more",
                             "the smallest exact bond at a cut is the Schmidt rank there")
            if chi < rank:
                raise _Wrong(f"{where}: a bond of {chi} cannot hold this state: an MPS's matricization at this cut has "
                             f"rank at most its bond dimension, and the state's Schmidt rank here is {rank}")
            raise _Wrong(f"{where}, more than needed: the smallest exact bond is the Schmidt rank here, {rank}")
    return (f"all {len(states)} bond-dimension profiles are right: the smallest exact bond at each cut is the "
            "Schmidt rank there.")
