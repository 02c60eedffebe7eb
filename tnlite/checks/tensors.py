"""Checkers for exercises 01, tensors and diagrams: matricize, contract_chain, schmidt_rank, rank predictions."""
from __future__ import annotations

import itertools

import numpy as np

from ..mincut import min_cut
from ._common import _Cases, _Wrong, _array, _call, _checker, _ghz, _mat, _random, _scalar
from ._predict import _describe_cut, _judge_cut_predictions, _predictions


@_checker("matricize")
def check_matricize(fn):
    """Check `matricize(A, rows)` -> [A]_{rows, rest}, rows in the given order, C order."""
    rng = np.random.default_rng(1)
    A1 = np.arange(24.0).reshape(2, 3, 4)
    A2 = _random((2, 3, 2, 5), rng, complex_=True)
    cases = [(A1, (0,)), (A1, (2, 0)), (A1, (1, 2)), (A1, (2,)), (A2, (3, 1)), (A2, (0, 2, 3))]
    judged = _Cases(what="matrix")
    for k, (A, rows) in enumerate(cases, 1):
        case = f"case {k} of {len(cases)} (A.shape={A.shape}, rows={rows})"
        got = _call(fn, case, A, rows)
        expected = _mat(A, rows)
        n = expected.shape[0]
        cols = tuple(j for j in range(A.ndim) if j not in rows)
        judged.add(got, expected, case, mistakes=[
            (expected.T, "you returned the transpose: rows and columns are swapped",
             "the axes listed in `rows` index the ROWS of the matrix; the other axes its columns"),
            (_mat(A, tuple(sorted(rows))), f"the row axes are in ascending order, not in the order given ({rows})",
             "transpose with list(rows) + the remaining axes, keeping `rows` as given"),
            (np.transpose(A, rows + cols[::-1]).reshape(n, -1),
             "your column axes are in descending order", "the other axes index the columns in ASCENDING order"),
            (np.transpose(A, rows + cols).reshape(n, -1, order="F"), "the entries are flattened in Fortran order",
             "use numpy's default C order in reshape (the last axis varies fastest)"),
            (A.reshape(n, -1), "you reshaped A without moving the `rows` axes to the front first",
             "np.transpose(A, list(rows) + other_axes) before the reshape"),
        ])
    judged.settle()
    return f"{len(cases)} cases agree, including rows given out of order and a complex tensor."


@_checker("contract_chain")
def check_contract_chain(fn):
    """Check `contract_chain(A, B, C)` -> T[i, j, k] = sum_{a,b} A[i,a] B[a,j,b] C[b,k]."""
    rng = np.random.default_rng(2)
    cases = []
    for dims, cplx in [((2, 3, 4, 5, 6), ""), ((3, 2, 5, 4, 2), "B"), ((1, 4, 2, 3, 3), "C"), ((2, 2, 3, 2, 2), "ABC")]:
        i, a, j, b, k = dims
        cases.append((_random((i, a), rng, "A" in cplx), _random((a, j, b), rng, "B" in cplx),
                      _random((b, k), rng, "C" in cplx)))
    judged = _Cases()
    for n, (A, B, C) in enumerate(cases, 1):
        kinds = ", ".join(f"{x} {'complex ' if np.iscomplexobj(t) else ''}{t.shape}" for x, t in zip("ABC", (A, B, C)))
        case = f"case {n} of {len(cases)} ({kinds})"
        got = _call(fn, case, A, B, C)
        chain = lambda A, B, C: np.tensordot(np.tensordot(A, B, axes=(1, 0)), C, axes=(2, 0))  # noqa: E731  (i, j, k)
        expected = chain(A, B, C)
        names = "ijk"
        mistakes = []
        for perm in itertools.permutations(range(3)):
            if perm != (0, 1, 2):
                order = ", ".join(names[p] for p in perm)
                mistakes.append((expected.transpose(perm), f"your legs come out in the order ({order})",
                                 "the open legs should be (i, j, k): A's free leg, B's free leg, C's free leg"))
        no_conj = "a diagram's contraction conjugates nothing: use the tensors as they are"
        mistakes += [(chain(A.conj(), B, C), "your result is the contraction with A conjugated (A.conj())", no_conj),
                     (chain(A, B.conj(), C), "your result is the contraction with B conjugated (B.conj())", no_conj),
                     (chain(A, B, C.conj()), "your result is the contraction with C conjugated (C.conj())", no_conj),
                     (expected.conj(), "your result is the complex conjugate of T", no_conj)]
        arr = _array(got, case)
        if arr.ndim > 3:
            raise _Wrong(f"{case}: your result has {arr.ndim} axes (shape {arr.shape}); it should have 3",
                         "the bonds a and b are shared by two tensors and summed over: they are not open legs")
        judged.add(arr, expected, case, mistakes)
    judged.settle()
    return f"{len(cases)} chains contract correctly (real and complex), legs in the order (i, j, k)."


def _with_spectrum(s, rng):
    """A tensor of shape (2, 2, 2, 2) whose matricization rows (0, 1) has the singular values `s` (the rest 0)."""
    U, _ = np.linalg.qr(rng.standard_normal((4, 4)))
    V, _ = np.linalg.qr(rng.standard_normal((4, 4)))
    return ((U[:, : len(s)] * s) @ V[:, : len(s)].T).reshape(2, 2, 2, 2)  # U diag(s) V^T


@_checker("schmidt_rank")
def check_schmidt_rank(fn):
    """Check `schmidt_rank(A, rows)` -> rank of [A]_{rows, rest} with the tolerance s_max * max(m, n) * eps."""
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
             (_random((2, 3, 2), rng), (1,)),
             (_with_spectrum([1.0, 0.3, 0.05], rng), (0, 1)),  # 0.05 s_max: far above any rounding
             (_with_spectrum([2e-12, 1e-12], rng), (0, 1)),  # the rule scales with s_max
             (_with_spectrum([1.0, 0.5, 1e-13], rng), (0, 1))]  # 1e-13 s_max > 4 eps s_max = 8.9e-16 s_max
    for n, (A, rows) in enumerate(cases, 1):
        mat = _mat(A, rows)
        case = f"case {n} of {len(cases)} (A.shape={A.shape}, rows={rows}, norm of A {np.linalg.norm(A):.3g})"
        got = _scalar(_call(fn, case, A, rows), case)
        expected = int(np.linalg.matrix_rank(mat))
        if not isinstance(got, (int, float)) or got != int(got):
            raise _Wrong(f"{case}: a rank is a whole number, got {got!r}")
        got = int(got)
        if got == expected:
            continue
        s = np.linalg.svd(mat, compute_uv=False)
        full, rule = min(mat.shape), max(mat.shape) * np.finfo(float).eps  # the rule's tolerance / s_max
        if got == int(np.linalg.matrix_rank(A.reshape(mat.shape[0], -1))) and got != full:
            raise _Wrong(f"{case}: expected rank {expected}, got {got}: the rank of A reshaped without "
                         "moving the `rows` axes to the front", "matricize first (transpose, then reshape)")
        if got == full:
            raise _Wrong(f"{case}: expected rank {expected}, got {got} = the smaller side of the matrix",
                         "you counted singular values that are zero up to rounding (~1e-16); count only those "
                         "above a tolerance, e.g. s.max() * max(shape) * np.finfo(float).eps")
        if got == 0:
            raise _Wrong(f"{case}: expected rank {expected}, got 0: every singular value of this A is below "
                         f"{s[0]:.2g}, and your tolerance does not scale with s_max",
                         f"the rule is relative: count s > s_max * max(m, n) * eps ({rule:.2g} * s_max here)")
        if 0 < got < expected:
            raise _Wrong(f"{case}: expected rank {expected}, got {got}: you dropped a singular value of "
                         f"{s[got] / s[0]:.2g} * s_max, which the rule counts: your tolerance is too large",
                         f"count s > s_max * max(m, n) * eps = {rule:.2g} * s_max here")
        raise _Wrong(f"{case}: expected rank {expected}, got {got}: you counted singular values of about "
                     f"{s[expected] / s[0]:.2g} * s_max, rounding noise below the rule's {rule:.2g} * s_max: "
                     "your tolerance is too small")
    return (f"{len(cases)} ranks agree with the rule s > s_max * max(m, n) * eps, including singular values of "
            "1e-13 * s_max (counted), ~1e-16 * s_max (not) and a tensor of norm 2e-12.")


#: The chain of the prediction task: T[i, j, k] = sum_{a,b} A[i,a] B[a,j,b] C[b,k], with these dimensions.
HAND_CHAIN = {"i": 4, "a": 2, "j": 10, "b": 3, "k": 5}
#: Its partitions: name "P|Q" -> the open legs on side P (0 = i, 1 = j, 2 = k).
CHAIN_PARTITIONS = {"i|jk": (0,), "ij|k": (0, 1), "j|ik": (1,)}


def _chain_lines():
    """The chain's lines (name, end, end, dim): its bonds and its open legs, each a place to cut."""
    d = HAND_CHAIN
    return [("leg i", "i", "A", d["i"]), ("bond a", "A", "B", d["a"]), ("leg j", "j", "B", d["j"]),
            ("bond b", "B", "C", d["b"]), ("leg k", "k", "C", d["k"])]


def _chain_cuts(rows):
    """Every set of lines with its product and whether removing it separates P's legs from Q's."""
    lines = _chain_lines()
    P = {"ijk"[j] for j in rows}
    out = []
    for size in range(1, len(lines) + 1):
        for cut in itertools.combinations(lines, size):
            reach, todo = set(P), list(P)
            while todo:  # walk from P's legs along the lines that are not cut
                x = todo.pop()
                for line in lines:
                    if line not in cut and x in line[1:3]:
                        y = line[2] if line[1] == x else line[1]
                        if y not in reach:
                            reach.add(y)
                            todo.append(y)
            names = " and ".join(f"{name} ({dim})" for name, _, _, dim in cut)
            out.append((int(np.prod([line[3] for line in cut])), names, not (reach & (set("ijk") - P))))
    return out


@_checker("chain_rank_predictions")
def check_chain_rank_predictions(fn):
    """Check `chain_rank_predictions()` -> {"i|jk": rank, ...}, stated before computing anything."""
    got = _predictions(_call(fn, "your function"), CHAIN_PARTITIONS)
    d = HAND_CHAIN
    rng = np.random.default_rng(16)  # random integer entries: the rank mod p is exact (and generic)
    A, B, C = (rng.integers(-3, 4, size=s) for s in [(d["i"], d["a"]), (d["a"], d["j"], d["b"]), (d["b"], d["k"])])
    T = np.einsum("ia,ajb,bk->ijk", A, B, C)  # (i, j, k), exact integers
    edges = [("A", "B", d["a"]), ("B", "C", d["b"])]
    legs = [("A", d["i"]), ("B", d["j"]), ("C", d["k"])]
    labels = dict(bond=lambda u, v, dim: f"{'a' if {u, v} == {'A', 'B'} else 'b'} ({dim})",
                  leg=lambda j, dim: f"{'ijk'[j]} ({dim})")
    _judge_cut_predictions(
        got, CHAIN_PARTITIONS, T, lambda rows: min_cut(edges, legs, rows), "the chain with random entries",
        lambda name, rows: [(value, f"that is the cut through {names}, which separates P from Q but is not the "
                                    "cheapest" if separates else f"cutting {names} alone leaves P and Q connected")
                            for value, names, separates in _chain_cuts(rows)],
        describe=lambda mc: _describe_cut(mc, **labels), show_rows=False)
    return ("all three predictions are right: each rank is the cheapest cut through bonds or open legs "
            "(checked against the exact rank of a random chain).")
