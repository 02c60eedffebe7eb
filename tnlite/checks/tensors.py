"""Checkers for exercises 01, tensors and diagrams: matricize, contract_chain, schmidt_rank."""
from __future__ import annotations

import itertools

import numpy as np

from ._common import _Wrong, _array, _call, _checker, _compare, _ghz, _mat, _random, _scalar


@_checker("matricize")
def check_matricize(fn):
    """Check `matricize(A, rows)` -> [A]_{rows, rest}, rows in the given order, C order."""
    rng = np.random.default_rng(1)
    A1 = np.arange(24.0).reshape(2, 3, 4)
    A2 = _random((2, 3, 2, 5), rng, complex_=True)
    cases = [(A1, (0,)), (A1, (2, 0)), (A1, (1, 2)), (A1, (2,)), (A2, (3, 1)), (A2, (0, 2, 3))]
    for k, (A, rows) in enumerate(cases, 1):
        case = f"case {k} of {len(cases)} (A.shape={A.shape}, rows={rows})"
        got = _call(fn, case, A, rows)
        expected = _mat(A, rows)
        n = expected.shape[0]
        cols = tuple(j for j in range(A.ndim) if j not in rows)
        _compare(got, expected, case, mistakes=[
            (expected.T, "you returned the transpose: rows and columns are swapped",
             "the axes listed in `rows` index the ROWS of the matrix; the other axes its columns"),
            (_mat(A, tuple(sorted(rows))), f"the row axes are in ascending order, not in the order given ({rows})",
             "transpose with list(rows) + the remaining axes, keeping `rows` as given"),
            (np.transpose(A, rows + cols).reshape(n, -1, order="F"), "the entries are flattened in Fortran order",
             "use numpy's default C order in reshape (the last axis varies fastest)"),
            (A.reshape(n, -1), "you reshaped A without moving the `rows` axes to the front first",
             "np.transpose(A, list(rows) + other_axes) before the reshape"),
        ], what="matrix")
    return f"{len(cases)} cases agree, including rows given out of order and a complex tensor."


@_checker("contract_chain")
def check_contract_chain(fn):
    """Check `contract_chain(A, B, C)` -> T[i, j, k] = sum_{a,b} A[i,a] B[a,j,b] C[b,k]."""
    rng = np.random.default_rng(2)
    cases = []
    for dims in [(2, 3, 4, 5, 6), (3, 2, 5, 4, 2), (1, 4, 2, 3, 3)]:
        i, a, j, b, k = dims
        cases.append((_random((i, a), rng), _random((a, j, b), rng), _random((b, k), rng, complex_=k == 3)))
    for n, (A, B, C) in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (A {A.shape}, B {B.shape}, C {C.shape})"
        got = _call(fn, case, A, B, C)
        expected = np.tensordot(np.tensordot(A, B, axes=(1, 0)), C, axes=(2, 0))  # (i, j, k)
        names = "ijk"
        mistakes = []
        for perm in itertools.permutations(range(3)):
            if perm != (0, 1, 2):
                order = ", ".join(names[p] for p in perm)
                mistakes.append((expected.transpose(perm), f"your legs come out in the order ({order})",
                                 "the open legs should be (i, j, k): A's free leg, B's free leg, C's free leg"))
        arr = _array(got, case)
        if arr.ndim > 3:
            raise _Wrong(f"{case}: your result has {arr.ndim} axes (shape {arr.shape}); it should have 3",
                         "the bonds a and b are shared by two tensors and summed over: they are not open legs")
        _compare(arr, expected, case, mistakes=mistakes)
    return f"{len(cases)} chains contract correctly, legs in the order (i, j, k)."


@_checker("schmidt_rank")
def check_schmidt_rank(fn):
    """Check `schmidt_rank(A, rows)` -> rank of [A]_{rows, rest} with a floating-point tolerance."""
    rng = np.random.default_rng(3)
    prod = np.einsum("i,j,k,l->ijkl", *[rng.standard_normal(2) for _ in range(4)])
    rank3 = sum(np.einsum("i,j,k,l->ijkl", *[rng.standard_normal(3) for _ in range(4)]) for _ in range(3))
    w = np.zeros((2,) * 4)
    for j in range(4):
        idx = [0] * 4
        idx[j] = 1
        w[tuple(idx)] = 0.5
    # P (x) Q with Q of rank 1: rank 1 for rows (0, 2), 2 for rows (0, 1), and 4 is full
    mixed = np.einsum("ac,bd->abcd", rng.standard_normal((2, 2)), np.outer(*rng.standard_normal((2, 2))))
    cases = [(prod, (0, 1)), (_ghz(4), (0,)), (rank3, (0, 1)), (w, (0, 1)), (mixed, (0, 2)),
             (_random((2, 3, 2), rng), (1,))]
    for n, (A, rows) in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (A.shape={A.shape}, rows={rows})"
        got = _scalar(_call(fn, case, A, rows), case)
        expected = int(np.linalg.matrix_rank(_mat(A, rows)))
        if not isinstance(got, (int, float)) or got != int(got):
            raise _Wrong(f"{case}: a rank is a whole number, got {got!r}")
        got = int(got)
        if got == expected:
            continue
        full = min(_mat(A, rows).shape)
        if got == int(np.linalg.matrix_rank(A.reshape(_mat(A, rows).shape[0], -1))) and got != full:
            raise _Wrong(f"{case}: expected rank {expected}, got {got}: the rank of A reshaped without "
                         "moving the `rows` axes to the front", "matricize first (transpose, then reshape)")
        if got == full:
            raise _Wrong(f"{case}: expected rank {expected}, got {got} = the smaller side of the matrix",
                         "you counted singular values that are zero up to rounding (~1e-16); count only those "
                         "above a tolerance, e.g. s.max() * max(shape) * np.finfo(float).eps")
        raise _Wrong(f"{case}: expected rank {expected}, got {got}")
    return f"{len(cases)} ranks agree, including a rank-3 tensor whose other singular values are ~1e-16."
