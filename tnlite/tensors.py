"""Dense tensors, their matricizations, and entanglement.

A state of N particles with local dimension d is a tensor A of shape (d,)*N: axis j
is particle j. A partition puts the axes `rows` on one side (P) and the rest on the
other (Q). Entropies are in bits by default (`base=2`); pass `base=numpy.e` for nats.

A size guard refuses any dense tensor above ``MAX_DENSE_ENTRIES`` entries before
allocating it, with a ValueError that names the size.
"""
from __future__ import annotations

import math

import numpy as np

from . import _modp
from ._linalg import singular_values, with_safe_norm
from ._validate import (MAX_DENSE_ENTRIES, as_array, as_base, as_flag, as_int, as_linalg_dtype, as_nonnegative, as_prime,
                        as_rng, as_rows, guard_dense, guard_uniform)

__all__ = [
    "MAX_DENSE_ENTRIES",
    "guard_dense",
    "matricize",
    "schmidt_values",
    "schmidt_rank",
    "entropy_from_schmidt",
    "entanglement_entropy",
    "entropy_profile",
    "product_state",
    "ghz_state",
    "w_state",
    "random_state",
    "page_entropy",
    "PRIME",
    "rank_mod_p",
]

#: The largest prime below 2**24: residues stay exact in float64, and a float64 dot
#: product of up to 127 products of two balanced residues cannot round (tnlite/_modp.py).
PRIME = 16_777_213


def matricize(A, rows):
    """The matrix [A]_{P,Q}: axes `rows` (in the given order) index rows, the others columns.

    Parameters
    ----------
    A : array_like, shape (d_0, ..., d_{N-1})
        Finite entries (nan or inf is refused: it would poison every value computed from it).
    rows : sequence of int
        Distinct axes of `A` that form the row side P, in the order they are flattened.
        The remaining axes form the columns, in ascending order.

    Returns
    -------
    ndarray, shape (prod_{j in rows} d_j, prod_{j not in rows} d_j)
        C-order flattening: the first axis in `rows` varies slowest.
    """
    A = as_array(A, "A", min_ndim=1)
    rows = as_rows(rows, A.ndim)
    cols = tuple(j for j in range(A.ndim) if j not in rows)
    n_rows = math.prod(A.shape[j] for j in rows)
    return A.transpose(rows + cols).reshape(n_rows, math.prod(A.shape[j] for j in cols))


def schmidt_values(A, rows):
    """Singular values of [A]_{rows, rest}, descending (of A as given, not normalised).

    For a normalised state these are the Schmidt coefficients; their squares sum to 1.

    Returns
    -------
    ndarray, shape (min(dim P, dim Q),)
    """
    return singular_values(as_linalg_dtype(matricize(A, rows), "A"))


def schmidt_rank(A, rows, tol=None):
    """Rank of [A]_{rows, rest}: the number of singular values above `tol`.

    Parameters
    ----------
    A : array_like, shape (d_0, ..., d_{N-1})
    rows : sequence of int
    tol : float, optional
        Absolute threshold, a finite number >= 0. By default (None) numpy's
        ``matrix_rank`` rule, ``s_max * max(m, n) * eps`` for an m x n matricization:
        the smallest gap that floating point can still resolve. A rank computed in
        floating point is a judgement; pass a larger `tol` for data that carries noise.

    Returns
    -------
    int
    """
    if tol is not None:
        tol = as_nonnegative(tol, "tol")
    mat = as_linalg_dtype(matricize(A, rows), "A")
    s = singular_values(mat)
    if s.size == 0 or s[0] == 0:
        return 0
    if tol is None:
        tol = s[0] * max(mat.shape) * np.finfo(s.dtype).eps
    return int(np.count_nonzero(s > tol))


def entropy_from_schmidt(s, base=2):
    """Entanglement entropy -sum p log p with p = s**2 / sum(s**2), in units of log(base).

    Parameters
    ----------
    s : array_like, shape (k,)
        Schmidt values (or any singular values; they are normalised here, so their scale
        does not matter), finite and not all zero.
    base : float
        2 for bits (default), numpy.e for nats.
    """
    base = as_base(base)
    s = np.abs(as_array(s, "s", ndim=1))
    if s.size == 0:
        raise ValueError("s is empty: an entropy needs at least one Schmidt value")
    top = s.max()
    if top == 0:
        raise ValueError("s is all zeros: the zero tensor has no entanglement entropy")
    p = (s / top) ** 2  # divided first: s**2 overflows at 1e155 and vanishes at 1e-162
    p = p[p > 0] / p.sum()
    return float(-(p * np.log(p)).sum() / np.log(base))


def entanglement_entropy(A, rows, base=2):
    """Entropy of the partition (rows | rest) of the state A, normalised first.

    Parameters
    ----------
    A : array_like, shape (d_0, ..., d_{N-1}), real or complex
        Finite entries, not all zero, of any scale (a state far from the unit sphere is
        rescaled by a power of 2 first, so its squares neither overflow nor vanish).
    rows : sequence of int
    base : float
        2 for bits (default), numpy.e for nats.

    Returns
    -------
    float
        At most log_base(min(dim P, dim Q)).
    """
    base = as_base(base)
    mat = _as_state(matricize(A, rows), np.shape(A))
    mat, total, _ = with_safe_norm(mat)
    if total == 0:
        raise ValueError("A is all zeros: the zero tensor has no entanglement entropy")
    # the smaller side's Gram matrix has the squared Schmidt values as eigenvalues: eigvalsh of
    # it is ~3x faster than an SVD, and the values it cannot resolve (below eps * s_max^2) add
    # less than 1e-14 bits to the entropy
    gram = mat @ mat.conj().T if mat.shape[0] <= mat.shape[1] else mat.T @ mat.conj()
    return _entropy_of_gram(gram, total, base)


def _as_state(A, shape):
    """`A` as a float or complex array numpy's linear algebra takes, refusing an empty one."""
    as_linalg_dtype(A, "A")
    if A.size == 0:
        raise ValueError(f"A is empty, shape {shape}: it has no entanglement entropy")
    return A if np.issubdtype(A.dtype, np.inexact) else A.astype(np.float64)


def _entropy_of_gram(rho, total, base):
    """-sum p log p over the eigenvalues of the Hermitian rho, divided by `total` (its trace)."""
    p = np.clip(np.linalg.eigvalsh(rho), 0, None) / total
    p = p[p > 0]
    return float(-(p * np.log(p)).sum() / np.log(base))


def entropy_profile(A, base=2):
    """Entropies of the normalised state A at every contiguous cut, from two Gram matrices.

    Cut l (l = 1..N-1) splits the particles into 0..l-1 | l..N-1. One SVD per cut would
    redo the largest work N-1 times. Instead, the reduced density matrix of the left
    part at the balanced cut is formed once (rho = M M^H, a GEMM) and partially traced
    down to every shorter left part; likewise on the right. Each entropy then comes
    from the eigenvalues of a matrix no larger than the smaller side.

    Parameters
    ----------
    A : array_like, shape (d_0, ..., d_{N-1}), N >= 2, real or complex
        Finite entries, not all zero, of any scale (rescaled as in
        :func:`entanglement_entropy`).
    base : float
        2 for bits (default), numpy.e for nats.

    Returns
    -------
    ndarray, shape (N-1,)
        ``profile[l-1]`` equals ``entanglement_entropy(A, range(l), base)``.
    """
    base = as_base(base)
    A = as_array(A, "A", min_ndim=2)
    A, total, _ = with_safe_norm(_as_state(A, A.shape))
    dims, N = A.shape, A.ndim
    if total == 0:
        raise ValueError("A is all zeros: the zero tensor has no entanglement entropy")
    left = [int(np.prod(dims[:l], dtype=np.int64)) for l in range(N + 1)]  # dim of sites 0..l-1
    size = left[N]
    # the balanced cut: the largest l whose left part is no bigger than its right part
    mid = max(l for l in range(1, N) if left[l] <= size // left[l]) if left[1] <= size // left[1] else 0
    profile = np.empty(N - 1)

    if mid >= 1:
        M = A.reshape(left[mid], -1)
        rho = M @ M.conj().T  # (left, left'): sites 0..mid-1
        for l in range(mid, 0, -1):
            profile[l - 1] = _entropy_of_gram(rho, total, base)
            if l > 1:  # trace out site l-1
                d = dims[l - 1]
                rho = np.einsum("ajbj->ab", rho.reshape(left[l - 1], d, left[l - 1], d))
    if mid + 1 <= N - 1:
        M = A.reshape(left[mid + 1], -1)
        rho = M.T @ M.conj()  # (right, right'): sites mid+1..N-1
        for l in range(mid + 1, N):
            profile[l - 1] = _entropy_of_gram(rho, total, base)
            if l < N - 1:  # trace out site l
                d, rest = dims[l], size // left[l + 1]
                rho = np.einsum("jajb->ab", rho.reshape(d, rest, d, rest))
    return profile


def product_state(local_states):
    """The normalised product state v_0 (x) v_1 (x) ... (x) v_{N-1}.

    Parameters
    ----------
    local_states : array_like, shape (N, d)
        One local vector per particle (normalised here), finite and non-zero.

    Returns
    -------
    ndarray, shape (d,)*N
    """
    V = as_array(local_states, "local_states", ndim=2)
    N, d = V.shape
    if N < 1 or d < 1:
        raise ValueError(f"local_states must have shape (N, d) with N, d >= 1, got {V.shape}")
    guard_uniform(d, N, "product state")
    norms = np.linalg.norm(V, axis=1)
    if np.any(norms == 0):
        raise ValueError(f"local_states row {int(np.argmin(norms))} is zero: a state needs a non-zero vector per site")
    V = V / norms[:, None]
    psi = V[0]
    for v in V[1:]:
        psi = np.multiply.outer(psi, v)  # (d,)*(j+1)
    return psi.reshape((d,) * N)


def ghz_state(N, d=2):
    """(|00...0> + |11...1> + ... + |d-1 ... d-1>) / sqrt(d): log2(d) bits at every cut.

    Returns
    -------
    ndarray, shape (d,)*N
    """
    N = as_int(N, "N", minimum=1)
    d = as_int(d, "d", minimum=2)
    guard_uniform(d, N, "GHZ state")
    psi = np.zeros((d,) * N)
    for k in range(d):
        psi[(k,) * N] = 1.0
    return psi / np.sqrt(d)


def w_state(N):
    """The W state (|10...0> + |010...0> + ... + |0...01>) / sqrt(N) of N qubits.

    Returns
    -------
    ndarray, shape (2,)*N
    """
    N = as_int(N, "N", minimum=2)
    guard_uniform(2, N, "W state")
    psi = np.zeros(2**N)
    psi[2 ** np.arange(N)] = 1.0  # one excitation at each site
    return psi.reshape((2,) * N) / np.sqrt(N)


def random_state(N, d, rng, real=False):
    """A Haar-random pure state of N particles of dimension d.

    Parameters
    ----------
    N, d : int
    rng : numpy.random.Generator or int seed
    real : bool
        Draw a real Gaussian vector instead (Haar on the real sphere). Must be True or
        False (a truthy string such as 'no' is refused).

    Returns
    -------
    ndarray, shape (d,)*N, complex128 unless `real`
    """
    N = as_int(N, "N", minimum=1)
    d = as_int(d, "d", minimum=1)
    rng = as_rng(rng)
    real = as_flag(real, "real")
    size = guard_uniform(d, N, "random state")
    psi = rng.standard_normal(size)
    if not real:
        psi = psi + 1j * rng.standard_normal(size)
    psi /= np.linalg.norm(psi)
    return psi.reshape((d,) * N)


def page_entropy(m, n, base=2):
    """Page's average entropy of the smaller side of a Haar-random state on C^m (x) C^n.

    Uses the large-dimension form ln m - m / (2n) for m <= n (Page 1993), converted
    to units of log(base).
    """
    m = as_int(m, "m", minimum=1)
    n = as_int(n, "n", minimum=1)
    base = as_base(base)
    m, n = min(m, n), max(m, n)
    return np.float64((math.log(m) - m / (2 * n)) / math.log(base))  # math.log takes ints beyond float range


def rank_mod_p(A, rows, p=PRIME):
    """Exact rank of [A]_{rows, rest} for an integer tensor, over the integers mod `p`.

    The cure for floating point's false rank deficits (docs/science.md, "Numerical rank and
    exact arithmetic"): draw integer weights at random mod p, evaluate the network mod p,
    and eliminate exactly. By Schwartz-Zippel the result equals the generic rank except
    with probability at most (polynomial degree) / p. The elimination runs on float64
    BLAS and never rounds (`tnlite/_modp.py` says why).

    Parameters
    ----------
    A : array_like of int, shape (d_0, ..., d_{N-1})
    rows : sequence of int
    p : int
        A prime, at most 2**24 so that residues and their products stay exact in float64
        (default PRIME).

    Returns
    -------
    int
    """
    A = as_array(A, "A", min_ndim=1)
    if not np.issubdtype(A.dtype, np.integer):
        raise TypeError(f"A must hold integers for an exact rank mod p, got dtype {A.dtype}; use schmidt_rank for floats")
    p = as_prime(p)
    return _modp.rank_mod_p(matricize(A, rows), p)
