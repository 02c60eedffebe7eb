"""Exact rank modulo a prime p <= 2**24: blocked elimination on float64 BLAS.

Plumbing below `tensors.rank_mod_p` (which validates its input; nothing here does).

Why float64 is exact here. Residues are stored as integer-valued float64. IEEE
arithmetic (+, -, *, and fused multiply-add) rounds only when the exact result is not
representable, and every integer of magnitude <= 2**53 is. A matrix product of
integers whose terms satisfy sum |a_ik b_kj| <= 2**53 is therefore exact in any
summation order BLAS chooses: each partial sum is a sum of some of the terms.

Residues are kept balanced, |x| <= B = p//2 + 2 (`_reduce`), so an update adding k
products of two residues grows an entry by at most k * B**2. The reduction mod p is
delayed until the next update could pass L = min(2**53 - 2**24, p * 2**50) (`_limit`):
up to `max_inner(p)` products, 127 for p = 16777213. Below L the reduction itself is
exact, and a reduced value is 0 exactly when it is 0 mod p.

Algorithm: right-looking elimination over column panels of width w <= max_inner(p)
(as LAPACK's blocked LU). For the active rows A = [P | T] with P the panel:

    rank A = r + rank(T_rest - M @ T_piv),   r = rank P,   P_rest = M @ P_piv,

where P_piv are r independent rows of P (found by a small Gauss-Jordan elimination in
int64, one Python step per pivot) and M = P_rest[:, cols] @ inv(P_piv[:, cols]). The
update is one matrix product of inner dimension r <= w per panel.
"""
from __future__ import annotations

import numpy as np


def _limit(p):
    """Largest |x| that `_reduce` accepts: exact below 2**53, and small enough (for p = 2, 3)
    that the reduced value is never a non-zero multiple of p."""
    return min(2.0**53 - 2.0**24, p * 2.0**50)


def _bound(p):
    """Largest |x| that `_reduce` returns."""
    return p // 2 + 2


def max_inner(p):
    """Largest k such that B + k * B**2 <= _limit(p), B = _bound(p): how many products of two
    reduced residues an entry can take before it must be reduced again."""
    B = _bound(p)
    return int((_limit(p) - B) // (B * B))


def _reduce(X, p):
    """X mod p in place, as balanced residues |x| <= p//2 + 2; returns X.

    X holds integers with |X| <= _limit(p). q = rint(X * (1/p)) is within 1/2 + L/p * 2**-52
    of X / p (two roundings of relative size 2**-53), so |X - p q| <= p/2 + 2; p q and
    X - p q are integers below 2**53, computed exactly.
    """
    q = np.multiply(X, 1.0 / p)
    np.rint(q, out=q)
    q *= p
    X -= q
    return X


def _gauss_jordan(X, p):
    """Pivot rows and columns of X mod p, and the inverse of the pivot block.

    One Python step per pivot, in int64: residues are below p <= 2**24, a product of two
    below 2**48, so up to 2**14 unreduced updates cannot overflow.

    Parameters
    ----------
    X : ndarray, shape (t, w)
        Integer-valued residues, any representatives of magnitude < 2**53 (not modified).

    Returns
    -------
    rows, cols : ndarray of int, shape (r,)
        r = rank of X mod p; X[rows] are independent, and X[rows][:, cols] is invertible.
    H : ndarray of float64, shape (r, r)
        Reduced residues with H @ X[rows][:, cols] = identity mod p.
    """
    t, w = X.shape
    A = np.zeros((t, w + min(t, w)), dtype=np.int64)  # (rows, [X | coefficients on pivot rows])
    A[:, :w] = X
    A[:, :w] %= p
    order = np.arange(t)
    r = 0
    cols = []
    for j in range(w):
        f = A[:, j] % p
        if not f[r]:  # the next row is usually the pivot: search only when it is not
            nz = f[r:].nonzero()[0]
            if nz.size == 0:
                continue
            i = r + int(nz[0])
            A[[r, i]] = A[[i, r]]
            f[[r, i]] = f[[i, r]]
            order[[r, i]] = order[[i, r]]
        # Each row is X[row] + (coefficients) @ X[pivot rows]; the pivot's own "1" is
        # written in its coefficient column, so the coefficients of the finished pivot
        # rows are H.
        A[r, w + r] = 1
        live = A[:, j + 1:w + r + 1]  # columns still read later: right of j, and coefficients
        pivot_row = live[r] % p * pow(int(f[r]), -1, p) % p  # row r scaled to 1 in column j
        live -= np.multiply.outer(f, pivot_row)  # clears column j in every row, row r too ...
        live[r] = pivot_row  # ... which is then put back
        cols.append(j)
        r += 1
        if r == t:
            break
    H = (A[:r, w:w + r] % p).astype(np.float64)
    return order[:r], np.array(cols, dtype=np.intp), _reduce(H, p)


def _panel(P, p):
    """Independent rows of the panel P spanning its row space, and the inverse of their pivot block.

    Parameters
    ----------
    P : ndarray, shape (m, w)
        Reduced residues (`_reduce`).

    Returns
    -------
    rows, cols : ndarray of int, shape (r,)
        r = rank of P mod p; P[rows] spans the rows of P, P[rows][:, cols] is invertible.
    G : ndarray, shape (r, r)
        Reduced residues with G @ P[rows][:, cols] = identity mod p.
    """
    m, w = P.shape
    t = min(m, w)
    rows, cols, G = _gauss_jordan(P[:t], p)  # usually the first w rows already span F_p^w
    if cols.size < w and t < m:
        # Rows below t that leave the span so far have a non-zero residual against the
        # reduced echelon rows E (E[:, cols] = identity).
        E = _reduce(G @ P[rows], p)
        R = _reduce(P[t:] - P[t:, cols] @ E, p)
        more = np.flatnonzero(R.any(axis=1))
        if more.size:
            rows2, cols2, _ = _gauss_jordan(R[more], p)
            rows = np.concatenate([rows, t + more[rows2]])
            cols = np.concatenate([cols, cols2])
            # invert the grown pivot block (its greedy pivots keep this row order; taking
            # GJ's order anyway keeps G matched to rows whatever GJ chooses)
            order, _, G = _gauss_jordan(P[rows][:, cols], p)
            rows = rows[order]
    return rows, cols, G


def _residues(M, p):
    """M mod p as a C-ordered float64 array of integers 0 <= x < p."""
    if M.size and M.min() >= 0 and M.max() < p:
        return M.astype(np.float64, order="C")  # already residues: skip the integer division
    return np.mod(M, p).astype(np.float64, order="C")


def _subtract_product(T, M, U, p, reduce_first, step=128):
    """T -= M @ U in place over blocks of `step` rows, reducing each block first if asked.

    T : ndarray, shape (a, b); M : ndarray, shape (a, k); U : ndarray, shape (k, b).
    A block's product is subtracted while it is still in cache (1.3-1.5x faster than one
    large product and a separate subtraction at n = 1,024-4,096).
    """
    for i in range(0, T.shape[0], step):
        block = T[i:i + step]
        if reduce_first:
            _reduce(block, p)
        block -= M[i:i + step] @ U


def rank_mod_p(M, p, panel=None):
    """Rank of the integer matrix M over the integers mod the prime p <= 2**24.

    Parameters
    ----------
    M : ndarray of int, shape (m, n)
    p : int
        A prime, 2 <= p <= 2**24 (not checked here).
    panel : int, optional
        Panel width, by default max(32, min(m, n) // 32) up to 128; never above max_inner(p).

    Returns
    -------
    int
    """
    if M.shape[0] > M.shape[1]:
        M = M.T  # at most min(m, n) pivots: eliminate the shorter side
    m, n = M.shape
    if m == 0:
        return 0
    S = _residues(M, p)  # (rows, columns)
    k_max = max_inner(p)
    w = max(1, min(panel or min(128, max(32, m // 32)), k_max))
    top = 0  # rows S[:top] are finished pivot rows; S[top:] are active
    pending = 1  # |S[top:, c:]| <= B + pending * B**2 (residues 0 <= x < p start at 1)
    for c in range(0, n, w):
        if top == m:
            break
        end = min(c + w, n)
        P = _reduce(S[top:, c:end], p)
        if not P.any():
            continue
        rows, cols, G = _panel(P, p)
        r = rows.size
        if rows[-1] != r - 1 or (r > 1 and (np.diff(rows) < 0).any()):
            # move the pivot rows to the top of the active rows (only rows that move)
            perm = np.concatenate([rows, np.setdiff1d(np.arange(P.shape[0]), rows, assume_unique=True)])
            moved = np.flatnonzero(perm != np.arange(perm.size))
            S[top + moved, c:] = S[top + perm[moved], c:]
        if end < n and top + r < m:
            P_rest = S[top + r:, c:end]
            if not np.array_equal(cols, np.arange(end - c)):
                P_rest = P_rest[:, cols]
            M_rest = _reduce(P_rest @ G, p)  # P_rest = M_rest @ P_piv
            T_piv = _reduce(S[top:top + r, end:], p)
            full = pending + r > k_max  # reduce T_rest before this update
            _subtract_product(S[top + r:, end:], M_rest, T_piv, p, full)  # Schur complement
            pending = r if full else pending + r
        top += r
    return top
