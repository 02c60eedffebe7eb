"""Checkers for exercises 06, RAC is an MPS: rac_score, rac_mps_cores, rac_rank_bounds, min cuts by hand.

MPS cores are (left, phys, right), the boundary legs of dimension 1.
"""
from __future__ import annotations

import numpy as np

from ..rac import RAC
from ..tensors import PRIME
from ._common import _Cases, _Wrong, _array, _as_cores, _call, _checker, _diagnose_cores, _mps_dense
from ._predict import _judge_cut_predictions, _predictions


def _random_rac_weights(M, R, rng):
    Q, _ = np.linalg.qr(rng.standard_normal((R, R)))
    W_I = rng.standard_normal((R, M))
    h0 = rng.standard_normal(R)
    W_O = rng.standard_normal(R)
    return Q, W_I / np.linalg.norm(W_I, axis=0) * np.sqrt(R), h0 / np.linalg.norm(h0), W_O / np.linalg.norm(W_O)


def _rac_tensor(W_H, W_I, h0, W_O, N):
    return RAC(N, W_H, W_I, h0, W_O).coefficient_tensor()


@_checker("rac_score")
def check_rac_score(fn):
    """Check `rac_score(W_H, W_I, h0, W_O, X)` -> (B,) scores, against the coefficient tensor."""
    rng = np.random.default_rng(12)
    cases = []
    for N, M, R, B in [(3, 2, 2, 5), (5, 3, 4, 7), (1, 2, 3, 2), (4, 2, 3, 6)]:
        cases.append((*_random_rac_weights(M, R, rng), rng.standard_normal((B, N, M))))
    judged = _Cases(what="score vector", rtol=1e-7, atol=1e-9)
    for n, (W_H, W_I, h0, W_O, X) in enumerate(cases, 1):
        B, N, M = X.shape
        case = f"case {n} of {len(cases)} (X.shape={X.shape}, R={W_H.shape[0]})"
        got = _call(fn, case, W_H, W_I, h0, W_O, X)
        A = _rac_tensor(W_H, W_I, h0, W_O, N)
        # score_b = sum_d A[d_1..d_N] prod_t X[b, t, d_t]: a route independent of the recurrence
        expected = np.einsum(A, list(range(N)), *[a for t in range(N) for a in (X[:, t, :], [N, t])], [N])  # (B,)
        alt = []
        for label, (wh, start, steps, add) in {
            "W_H transposed": (W_H.T, h0, N, False),
            "h0 ignored": (W_H, None, N, False),
            "one step short": (W_H, h0, N - 1, False),
            "additive": (W_H, h0, N, True),
        }.items():
            h = np.broadcast_to(h0 if start is not None else np.ones_like(h0), (B, len(h0)))
            for t in range(steps):
                u = X[:, t] @ W_I.T
                h = h @ wh.T + u if add else (h @ wh.T) * u
            alt.append((label, h @ W_O))
        hints = {
            "W_H transposed": ("your scores match h @ W_H (W_H transposed)",
                               "the recurrence is h_t = (W_H h_{t-1}) * (W_I f(x_t)): with h as rows, h @ W_H.T"),
            "h0 ignored": ("your scores ignore h0", "start the recurrence from h0, not from ones"),
            "one step short": ("your scores stop one step early (off by one)", "apply the recurrence N times, t = 1..N"),
            "additive": ("your scores add W_H h and W_I f(x) instead of multiplying them",
                         "multiplicative integration: the elementwise product (W_H h) * (W_I f(x_t))"),
        }
        judged.add(got, expected, case, mistakes=[(val, *hints[label]) for label, val in alt])
    judged.settle()
    return f"{len(cases)} batches of scores agree with the RAC's coefficient tensor."


@_checker("rac_mps_cores")
def check_rac_mps_cores(fn):
    """Check `rac_mps_cores(W_H, W_I, h0, W_O, N)` -> N cores (left, phys, right) of the RAC's MPS."""
    rng = np.random.default_rng(13)
    cases = [(*_random_rac_weights(M, R, rng), N) for N, M, R in [(4, 2, 3), (3, 3, 2), (5, 2, 2), (2, 4, 3)]]
    judged = _Cases(what="contraction of your cores", rtol=1e-7, atol=1e-9)
    for n, (W_H, W_I, h0, W_O, N) in enumerate(cases, 1):
        R, M = W_I.shape
        case = f"case {n} of {len(cases)} (N={N}, M={M}, R={R})"
        cores = _as_cores(_call(fn, case, W_H, W_I, h0, W_O, N), case, N)
        A = _rac_tensor(W_H, W_I, h0, W_O, N)
        if N > 2 and cores[1].ndim == 3 and cores[1].shape != (R, M, R):
            perms = {(R, R, M): "(left, right, phys)", (M, R, R): "(phys, left, right)"}
            if cores[1].shape in perms and M != R:
                raise _Wrong(f"{case}: a middle core has shape {cores[1].shape}: legs in the order "
                             f"{perms[cores[1].shape]}", "the course's order is (left a, phys d, right b): shape (R, M, R)")
        if cores[-1].ndim == 3 and cores[-1].shape[2] != 1 and cores[-1].shape[2] == R:
            raise _Wrong(f"{case}: the last core has shape {cores[-1].shape}; its right leg should be 1",
                         "absorb W_O into the last core: G_last[a, d, 0] = sum_b G[a, d, b] W_O[b]")
        if cores[0].ndim == 3 and cores[0].shape[0] == R and cores[0].shape[0] != 1:
            raise _Wrong(f"{case}: the first core has shape {cores[0].shape}; its left leg should be 1",
                         "absorb W_H h0 into the first core: G_first[0, d, b] = (W_H h0)[b] W_I[b, d]")
        _diagnose_cores(cores, (M,) * N, case)
        got = _mps_dense(cores)
        core_T = np.einsum("ab,bd->adb", W_H, W_I)  # W_H transposed: G[a,d,b] = W_H[a,b] W_I[b,d]
        wrong_T = [np.einsum("b,bd->db", W_H @ h0, W_I)[None]] + [core_T] * (N - 2) + [(core_T @ W_O)[..., None]]
        core = np.einsum("ba,bd->adb", W_H, W_I)
        raw_h0 = [np.einsum("b,bd->db", h0, W_I)[None]] + [core] * (N - 2) + [(core @ W_O)[..., None]]
        judged.add(got, A, case, mistakes=[
            (_mps_dense(wrong_T) if N > 1 else None, "your cores use W_H[a, b] where W_H[b, a] belongs",
             "h_t = W_H h_{t-1} sums over W_H's second index: G[a, d, b] = W_H[b, a] W_I[b, d]"),
            (_mps_dense(raw_h0) if N > 1 else None, "your first core uses h0 where W_H h0 belongs",
             "the first step computes (W_H h0) * (W_I f(x_1)): absorb W_H h0, not h0"),
        ])
    judged.settle()
    return f"{len(cases)} RACs unroll into MPS cores that contract to their coefficient tensors."


@_checker("rac_rank_bounds")
def check_rac_rank_bounds(fn):
    """Check `rac_rank_bounds(N, M, R)` -> tuple of min(R, M^t, M^(N-t)) for t = 1..N-1."""
    cases = [(6, 2, 3), (8, 2, 5), (5, 3, 100), (4, 4, 2), (2, 2, 2), (7, 3, 4)]
    judged = _Cases(what="list of bounds")
    for n, (N, M, R) in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (N={N}, M={M}, R={R})"
        got = _array(_call(fn, case, N, M, R), case)
        expected = np.array([min(R, M**t, M ** (N - t)) for t in range(1, N)])
        judged.add(got, expected, case, mistakes=[
            (np.array([min(R, M**t, M ** (N - t)) for t in range(N)]), "you listed N cuts, starting at t = 0",
             "there are N-1 cuts, t = 1..N-1 (sites 0..t-1 | t..N-1)"),
            (np.array([min(R, M**t) for t in range(1, N)]), "your bounds forget the right side",
             "the rank is also at most the dimension M^(N-t) of the sites after the cut"),
            (np.array([min(R, M**t, M ** (N - t)) for t in range(0, N - 1)]), "your cuts are off by one",
             "t runs from 1 to N-1: the cut after the t-th input"),
            (np.array([min(R, M**t, M ** (N - t)) for t in range(2, N + 1)]), "your cuts are off by one",
             "t runs from 1 to N-1: the cut after the t-th input"),
            (np.array([min(M**t, M ** (N - t)) for t in range(1, N)]), "your bounds forget the hidden size R",
             "the only bond across a contiguous cut has dimension R"),
            (np.array([min(R**2, M**t, M ** (N - t)) for t in range(1, N)]),
             "you used R**2, but a contiguous cut of the RAC's MPS crosses ONE bond, of dimension R",
             "R**2 is the cost of two bonds: a block in the middle, with a cut on each side"),
            (np.log2(expected), "these are the bounds in bits (log2 of the ranks)", "return the ranks themselves"),
        ])
    judged.settle()
    return f"{len(cases)} bound profiles agree."


#: The RAC of the by-hand min-cut task and its partitions: name -> the inputs on side P.
HAND_RAC_CUT = {"N": 8, "M": 2, "R": 3,
                "partitions": {"first_one": (0,), "first_two": (0, 1), "middle_three": (2, 3, 4),
                               "middle_four": (2, 3, 4, 5)}}


def _rac_cut_candidates(rows, N, M, R):
    """Plausible wrong answers for HAND_RAC_CUT's blocks P, with the reasoning behind each.

    A candidate is used only when it is not the rank, and the rank of these blocks is min(R, M**k) at an
    end and min(R**2, M**k) in the middle: so the one of the two it is not is the cheaper one, as each says.
    """
    k = len(rows)
    legs = " x ".join([str(M)] * k) + f" = {M**k}" if k > 1 else f"{M}"
    if 0 in rows or N - 1 in rows:  # a block at one end: one bond joins it to the rest
        return [(R, f"that is the bond after the block (R = {R}); its open leg{'s' if k > 1 else ''} ({legs}) "
                    f"{'are' if k > 1 else 'is'} cheaper"),
                (M**k, f"you cut the open legs ({legs}); the one bond after the block costs R = {R}, less"),
                (R**2, f"R**2 = {R**2} is the cost of two bonds, but a block at the end of the chain is joined to "
                       "the rest by ONE bond")]
    return [(R, f"one bond cannot separate a middle block: it is joined to the rest by two bonds, one on each "
                f"side, so cutting the block off through bonds costs R**2 = {R**2}"),
            (R**2, f"that is the two bonds around the block (R**2 = {R**2}), but its open legs ({legs}) are cheaper"),
            (M**k, f"you cut the open legs ({legs}); the two bonds around the block cost R**2 = {R**2}, less")]


@_checker("rac_min_cut_predictions")
def check_rac_min_cut_predictions(fn):
    """Check `rac_min_cut_predictions()` -> {partition: min cut} of HAND_RAC_CUT, found by hand.

    Judged against the exact rank of a random integer RAC (mod p), which reaches the min cut here.
    """
    spec = HAND_RAC_CUT
    N, M, R = spec["N"], spec["M"], spec["R"]
    got = _predictions(_call(fn, "your function"), spec["partitions"])
    rac = RAC.random(N, M, R, rng=np.random.default_rng(19), p=PRIME)  # integer weights: exact ranks
    _judge_cut_predictions(got, spec["partitions"], rac.coefficient_tensor(), rac.min_cut,
                           "a RAC with random weights", lambda name, rows: _rac_cut_candidates(rows, N, M, R))
    return ("all four ranks found by hand: a block at an end is cut off by one bond (R) or its open legs, "
            "a block in the middle by two bonds (R**2) or its open legs, whichever is cheaper.")
