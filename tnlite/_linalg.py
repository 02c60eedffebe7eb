"""Linear-algebra plumbing shared by the networks: random isometries, SVDs and QRs on the
fast orientation, exact products mod p, and the batch chunks of forward passes (sized
from this machine's caches).

Nothing here validates its input: the public functions that call it have done so.
Why each route is the fast one is measured in benchmarks/README.md.
"""
from __future__ import annotations

import functools
import math
import os

import numpy as np
import scipy.linalg

#: Configurations per chunk of chain_amplitudes: a chunk's (b, d, chi) products stay in
#: cache (at B = 10,000 and chi = 32 the whole batch's do not).
_AMPLITUDE_CHUNK = 2048
#: Samples per chunk of a batched pass where no width is known (the gradients'); the forward
#: passes size theirs from the caches instead (:func:`conv_chunk`, :func:`recurrent_chunk`).
CHUNK = 512
#: Cache sizes assumed where the machine does not say (sysfs and sysconf both silent).
_DEFAULT_CACHE = {1: 32 * 1024, 2: 1024 * 1024}


@functools.lru_cache(maxsize=None)
def cache_bytes(level):
    """Size in bytes of this machine's level-`level` data (or unified) cache, per core.

    Read from Linux's /sys/devices/system/cpu/cpu0/cache, else from sysconf, else
    32 KiB (L1) / 1 MiB (L2).
    """
    base = "/sys/devices/system/cpu/cpu0/cache"

    def read(entry, name):
        with open(os.path.join(base, entry, name)) as f:
            return f.read().strip()

    try:
        for entry in sorted(os.listdir(base)):
            if entry.startswith("index") and read(entry, "level") == str(level) \
                    and read(entry, "type") in ("Data", "Unified"):
                size = read(entry, "size")  # e.g. "32K", "1024K"
                unit = {"K": 2**10, "M": 2**20, "G": 2**30}.get(size[-1:].upper(), 1)
                return int(size.rstrip("KMGkmg")) * unit
    except (OSError, ValueError):
        pass
    try:
        size = os.sysconf({1: "SC_LEVEL1_DCACHE_SIZE", 2: "SC_LEVEL2_CACHE_SIZE"}[level])
        if size > 0:
            return size
    except (ValueError, OSError, AttributeError, KeyError):
        pass
    return _DEFAULT_CACHE[level]


def _clamp_chunk(b):
    return int(min(max(b, 32), 8192))


def conv_chunk(width, itemsize):
    """Samples per chunk of a ConvAC forward pass: one position's (b, width) block of
    activations fills the L1 data cache (measured best at widths 8, 16 and 32:
    benchmarks/README.md)."""
    return _clamp_chunk(cache_bytes(1) // (width * itemsize))


def position_block(b, width, itemsize):
    """Positions per block of a global product pooling: the block's (G, b, width) products
    fill the L2 cache, so the block is multiplied down while it is still there."""
    return max(1, cache_bytes(2) // (b * width * itemsize))


def recurrent_chunk(width, itemsize):
    """Samples per chunk of a RAC forward pass: a step's three (b, width) arrays (state,
    its product with W_H, the input's projection) fill a quarter of the L2 cache (measured
    best at R = 8, 16 and 32: benchmarks/README.md)."""
    return _clamp_chunk(cache_bytes(2) // (12 * width * itemsize))


def product_over_positions(V, p):
    """prod_j V[j] for V of shape (n, ...), in place: V is a temporary and is overwritten.

    Pairwise halving, log2(n) multiplications of whole blocks (n - 1 products in all, as
    a chain, but only ~log2(n) numpy calls). Returns V[0], shape V.shape[1:].
    """
    n = V.shape[0]
    while n > 1:
        h = n // 2  # rows j < h take rows n-h+j; with n odd the middle row waits a round
        np.multiply(V[:h], V[n - h:n], out=V[:h])
        if p is not None:
            np.remainder(V[:h], p, out=V[:h])
        n -= h
    return V[0]


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


#: From this many columns on, LAPACK's blocked geqrt + gemqrt (blocks of _QR_BLOCK columns)
#: beat geqrf + orgqr, which run unblocked below LAPACK's crossover of 128 columns: measured
#: 128 x 64 at 128 against 159 µs, 64 x 32 at 34 against 26 µs (benchmarks/README.md).
_QR_BLOCKED_FROM = 64
_QR_BLOCK = 8


@functools.lru_cache(maxsize=None)
def _qr_routines(dtype):
    """LAPACK/BLAS routines for one dtype: (geqrf, orgqr or ungqr, geqrt, gemqrt, trmm)."""
    probe = np.zeros((1, 1), dtype=dtype)
    gqr = "ungqr" if np.iscomplexobj(probe) else "orgqr"
    return (*scipy.linalg.get_lapack_funcs(("geqrf", gqr, "geqrt", "gemqrt"), (probe,)),
            scipy.linalg.get_blas_funcs("trmm", (probe,)))


def householder(M):
    """Householder QR of M (m, n), overwriting M where LAPACK can (a fresh product, as a rule).

    Returns (A, form_q): R = triu(A[:k]), k = min(m, n), and ``form_q()`` the (m, k) factor
    Q with orthonormal columns, M = Q R. ``form_q()`` may overwrite A: read R first
    (:func:`triu_times`). LAPACK is called directly, without scipy.linalg.qr's checks and
    workspace queries (~10% of a 128 x 64 QR).
    """
    m, n = M.shape
    k = min(m, n)
    geqrf, gqr, geqrt, gemqrt, _ = _qr_routines(M.dtype)
    if k >= _QR_BLOCKED_FROM:
        A, T, info = geqrt(min(_QR_BLOCK, k), M, overwrite_a=True)
        form = lambda: gemqrt(A[:, :k], T, np.eye(m, k, dtype=A.dtype, order="F"),  # noqa: E731
                              side="L", trans="N", overwrite_c=True)  # Q = H_1 ... H_k I
    else:
        A, tau, _, info = geqrf(M, overwrite_a=True)
        form = lambda: gqr(A[:, :k], tau, overwrite_a=True)  # noqa: E731
    if info != 0:  # pragma: no cover - LAPACK argument errors only
        raise np.linalg.LinAlgError(f"LAPACK QR failed (info={info})")

    def form_q():
        Q, *_, info = form()
        if info != 0:  # pragma: no cover
            raise np.linalg.LinAlgError(f"LAPACK forming Q failed (info={info})")
        return Q

    return A, form_q


def triu_times(A, B, transpose=False):
    """triu(A[:k]) @ B, or B @ triu(A[:k]).T with `transpose`, for A from :func:`householder`.

    Where R is square (m >= n), BLAS trmm reads only A's upper triangle: no triu copy, and
    half the multiplications of a GEMM. B: (n, c) (or (c, n) with `transpose`), of A's dtype.
    """
    m, n = A.shape
    if m < n:  # R is a wide trapezoid (k = m rows)
        R = np.triu(A[:m])
        return B @ R.T if transpose else R @ B
    trmm = _qr_routines(A.dtype)[4]
    if transpose:  # (R B^T)^T = B R^T
        return trmm(1.0, A[:n], B.T, side=0, lower=0, trans_a=0).T
    return trmm(1.0, A[:n], B.T, side=1, lower=0, trans_a=1).T  # (B^T R^T)^T = R B


def mod(a, p):
    """`a` reduced mod p, or `a` itself in floating point (p None)."""
    return a if p is None else a % p


def matmul(A, B, p):
    """A @ B, reduced mod p when p is set.

    Residues are < p <= 2**24, so each product is < 2**48 and an int64 sum of up to 2**15
    of them is exact: every contraction in tnlite sums over fewer terms than that.
    """
    return A @ B if p is None else (A @ B) % p


def matmul_into(A, B, out, p):
    """out = A @ B, reduced mod p when p is set, written into `out` (no temporary)."""
    np.matmul(A, B, out=out)
    return out if p is None else np.remainder(out, p, out=out)


def multiply_into(a, b, out, p):
    """out = a * b elementwise, reduced mod p when p is set, written into `out`."""
    np.multiply(a, b, out=out)
    return out if p is None else np.remainder(out, p, out=out)


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
