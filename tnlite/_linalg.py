"""Linear-algebra plumbing shared by the networks: random isometries, SVDs and QRs on the
fast orientation, exact products mod p, and the batch chunk of forward passes.

Nothing here validates its input: the public functions that call it have done so.
Why each route is the fast one is measured in benchmarks/README.md.
"""
from __future__ import annotations

import math

import numpy as np
import scipy.linalg

#: Configurations per chunk of chain_amplitudes: a chunk's (b, d, chi) products stay in
#: cache (at B = 10,000 and chi = 32 the whole batch's do not).
_AMPLITUDE_CHUNK = 2048
#: Samples per chunk of a batched forward pass: a chunk's (positions, chunk, channels)
#: activations stay in cache (measured in benchmarks/README.md).
CHUNK = 512


def haar_isometry(m, n, rng):
    """A Haar-random m x n matrix with orthonormal columns (m >= n) or rows (m < n).

    The QR of a Gaussian matrix, with R's diagonal made positive so that Q is Haar-
    distributed (Mezzadri 2007); shape (..., m, n) when `m`, `n` come with a leading batch
    through `rng.standard_normal` of shape (..., max, min).
    """
    return haar_isometries((), m, n, rng)


def haar_isometries(lead, m, n, rng):
    """A stack of independent Haar isometries, shape lead + (m, n); see :func:`haar_isometry`."""
    G = rng.standard_normal(tuple(lead) + (max(m, n), min(m, n)))
    Q, R = np.linalg.qr(G)
    Q = Q * np.where(np.diagonal(R, axis1=-2, axis2=-1) < 0, -1.0, 1.0)[..., None, :]
    return np.swapaxes(Q, -1, -2) if m < n else Q


def unit_vector(n, rng):
    """A uniformly random unit vector of length n."""
    v = rng.standard_normal(n)
    return v / np.linalg.norm(v)


def svd_tall(M):
    """Thin SVD M = U diag(s) Vh, handing LAPACK the tall orientation (faster for wide M)."""
    if M.shape[0] >= M.shape[1]:
        return np.linalg.svd(M, full_matrices=False)
    A, s, Bh = np.linalg.svd(M.T, full_matrices=False)  # M.T = A s Bh  =>  M = Bh.T s A.T
    return Bh.T, s, A.T


def singular_values(M):
    """Singular values of M, descending (computed on the tall orientation)."""
    if M.shape[0] < M.shape[1]:
        M = M.T
    if M.size == 0:
        return np.zeros(0)
    return np.linalg.svd(M, compute_uv=False)


def left_singular(M):
    """Left singular vectors and singular values of M; a wide M goes through a thin QR of M^H."""
    if M.shape[0] >= M.shape[1]:
        U, s, _ = np.linalg.svd(M, full_matrices=False)
        return U, s
    R = np.linalg.qr(M.conj().T, mode="r")  # M^H = Q R, so M = R^H Q^H: (k, k)
    U, s, _ = np.linalg.svd(R.conj().T)
    return U, s


def qr_overwrite(M):
    """Economic QR, M = Q R with Q (m, k), R (k, n), k = min(m, n); M is overwritten.

    LAPACK's geqrf and orgqr/ungqr called directly (scipy.linalg.qr's checks cost ~10% on
    the 128 x 64 matrices of a canonicalisation sweep).
    """
    m, n = M.shape
    k = min(m, n)
    geqrf, gqr = scipy.linalg.get_lapack_funcs(("geqrf", "ungqr" if np.iscomplexobj(M) else "orgqr"), (M,))
    qr, tau, _, info = geqrf(M, overwrite_a=True)
    if info != 0:  # pragma: no cover - LAPACK argument errors only
        raise np.linalg.LinAlgError(f"LAPACK geqrf failed (info={info})")
    R = np.triu(qr[:k])
    Q, _, info = gqr(qr[:, :k], tau, overwrite_a=True)
    if info != 0:  # pragma: no cover
        raise np.linalg.LinAlgError(f"LAPACK orgqr/ungqr failed (info={info})")
    return Q, R


def mod(a, p):
    """`a` reduced mod p, or `a` itself in floating point (p None)."""
    return a if p is None else a % p


def matmul(A, B, p):
    """A @ B, reduced mod p when p is set.

    Residues are < p <= 2**24, so each product is < 2**48 and an int64 sum of up to 2**15
    of them is exact: every contraction in tnlite sums over fewer terms than that.
    """
    return A @ B if p is None else (A @ B) % p


def split(M, max_bond, threshold, gram=True):
    """M ~= Q @ rest with Q having orthonormal columns, keeping the leading singular directions.

    Nothing to drop (no threshold, max_bond >= min(m, n)) and M not much wider than tall
    (n <= 4 m): a QR, M = Q R (at the square cut of an exact split 2-4x cheaper than the
    Gram route below). Otherwise, wide M (m <= n): the eigenvectors of the Gram matrix
    M M^H (m x m; eigenvalues s**2) are M's left singular vectors, so Q = U_k and
    rest = U_k^H M, with no division by s: cheaper than an SVD and as accurate for Q and
    rest, but it resolves s**2 only to a few eps * s_max**2; `gram=False` asks for an
    SVD instead, for thresholds below that. Tall M with something to drop: QR, then an
    SVD of the small R.

    Returns
    -------
    Q : ndarray, shape (m, k)
    rest : ndarray, shape (k, n)
    discarded : float
        Sum of the dropped s**2, equal to ||M - Q rest||_F**2.
    """
    m, n = M.shape
    if (max_bond is None or max_bond >= min(m, n)) and threshold == 0 and n <= 4 * m:
        Q, R = scipy.linalg.qr(M, mode="economic", check_finite=False)  # (m, k), (k, n), k = min(m, n)
        return Q, R, 0.0
    if m <= n and gram:
        w, U = np.linalg.eigh(M @ M.conj().T)  # ascending s**2, (m, m)
        w, U = np.clip(w[::-1], 0.0, None), U[:, ::-1]
        k = n_kept(np.sqrt(w), max_bond, threshold)
        Q = U[:, :k]
        return Q, Q.conj().T @ M, float(w[k:].sum())  # (m, k), (k, n)
    if m <= n:
        U, s, Vh = svd_tall(M)  # s resolved to eps * s_max, s**2 to eps**2 * s_max**2
        k = n_kept(s, max_bond, threshold)
        return U[:, :k], s[:k, None] * Vh[:k], float(np.sum(s[k:] ** 2))
    Q, R = scipy.linalg.qr(M, mode="economic", check_finite=False)  # (m, n), (n, n)
    u, s, vh = np.linalg.svd(R)
    k = n_kept(s, max_bond, threshold)
    return Q @ u[:, :k], s[:k, None] * vh[:k], float(np.sum(s[k:] ** 2))


def n_kept(s, max_bond, threshold):
    """How many leading singular values survive `max_bond` and s**2 >= threshold (at least 1)."""
    keep = s.size if max_bond is None else min(s.size, max_bond)
    if threshold > 0:
        keep = min(keep, int(np.count_nonzero(s**2 >= threshold)))
    return max(keep, 1)


def chain_amplitudes(cores, configs, p):
    """psi[configs[b]] of the MPS `cores` (left, phys, right) for configs (B, N), mod p if set.

    The batch runs in chunks (so each site's products stay in cache), one matrix product
    per site: where the core is small, over all physical values at once and then a select,
    (b, vL) @ (vL, i vR) -> (b, i, vR) -> pick i = configs[:, t]; where it is large, one
    product per value i on the rows that have it, (b_i, vL) @ (vL, vR), so no work is spent
    on the values not picked.
    """
    B = configs.shape[0]
    dtype = np.result_type(*cores)
    out = np.empty(B, dtype=dtype)
    for start in range(0, B, _AMPLITUDE_CHUNK):
        c = configs[start:start + _AMPLITUDE_CHUNK]  # (b, N)
        b = c.shape[0]
        v = np.ones((b, 1), dtype=dtype)  # (b, vL)
        for t, core in enumerate(cores):
            left, d, right = core.shape
            # measured: the per-value split costs d index passes over the chunk, which
            # pay for themselves once the (d - 1) wasted products are this large
            if left * right * (d - 1) < 512:
                W = matmul(v, core.reshape(left, d * right), p).reshape(b, d, right)  # (b, i, vR)
                v = W[np.arange(b), c[:, t]]  # (b, vR)
            else:
                w = np.empty((b, right), dtype=dtype)  # (b, vR)
                for i in range(d):
                    rows = np.flatnonzero(c[:, t] == i)
                    w[rows] = matmul(v[rows], core[:, i, :], p)
                v = w
        out[start:start + b] = v[:, 0]
    return out


def times_power_of_two(A, e):
    """A * 2**e, exactly (a power of 2 only moves exponents), in two steps so that neither
    factor overflows (2.0**e alone does for |e| > 1023)."""
    if e == 0:
        return A
    half = e // 2
    return A * 2.0**half * 2.0 ** (e - half)


def with_safe_norm(A):
    """(B, norm2, e) with A = B * 2**e and norm2 = ||B||**2, computed without overflow or underflow.

    Squares are what overflow (a state scaled by 1e160) or vanish (by 1e-200) long before
    the entries do; so do the entries of a Gram matrix B B^H. When ||A||**2 is comfortably
    inside the float range (between sqrt(tiny) and sqrt(max) of A's dtype, where entries
    too small to square carry a relative weight below MAX_DENSE_ENTRIES * sqrt(tiny)) A
    itself is returned with e = 0, at the cost of the norm alone. Otherwise A is rescaled
    by the power of 2 that brings its largest |entry| into [0.5, 1): exact, so results
    that do not depend on the scale (entropies, isometric cores) are unchanged.
    `A` is a float or complex array; for the zero array, (A, 0.0, 0).
    """
    norm2 = float(np.vdot(A, A).real)
    info = np.finfo(A.dtype)
    if np.sqrt(info.tiny) < norm2 < np.sqrt(info.max):
        return A, norm2, 0
    amax = float(np.max(np.abs(A))) if A.size else 0.0
    if amax == 0:
        return A, 0.0, 0
    e = math.frexp(amax)[1]  # amax = m 2**e, 0.5 <= m < 1
    B = times_power_of_two(A, -e)
    return B, float(np.vdot(B, B).real), e
