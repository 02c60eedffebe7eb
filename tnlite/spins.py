"""Spin-1/2 chains: sparse Hamiltonians and their exact ground states.

Basis and leg order, stated once: a basis state of N spins is an integer x in
0..2**N-1 whose bits are the spins, site 0 the MOST significant bit, so a vector of
length 2**N reshapes to a tensor of shape (2,)*N with axis j = site j (the convention of
`tnlite.tensors`). Bit 0 is spin up (Z = +1), bit 1 spin down (Z = -1).

Hamiltonians are scipy.sparse CSR matrices built directly with bit operations: each
term either keeps x (diagonal) or flips a few bits of x, for all x at once.
"""
from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import eigsh

from ._validate import as_array, as_int, guard_dense

__all__ = ["tfim_hamiltonian", "heisenberg_hamiltonian", "ground_state"]


def _check_chain(N, periodic):
    N = as_int(N, "N")
    if N < 2:
        raise ValueError(f"N must be >= 2 for a chain with bonds, got {N}")
    if not isinstance(periodic, (bool, np.bool_)):
        raise TypeError(f"periodic must be True or False, got {periodic!r}")
    if periodic and N < 3:
        raise ValueError(f"a periodic chain needs N >= 3 (N=2 would count its one bond twice), got N={N}")
    guard_dense((2,) * N, "state vector")
    # every row stores the diagonal and up to N off-diagonal entries
    guard_dense((N + 1, 2**N), "sparse Hamiltonian's stored entries")
    return N


def _as_real(x, name):
    if isinstance(x, (bool, str)) or not isinstance(x, (numbers.Real, np.floating, np.integer)) or not np.isfinite(x):
        raise TypeError(f"{name} must be a finite real number, got {x!r}")
    return float(x)


def _bonds(N, periodic):
    return [(i, (i + 1) % N) for i in range(N if periodic else N - 1)]


def _spins(N):
    """x as an array and the bits of every x, shape (N, 2**N): bits[j, x] = spin of site j."""
    x = np.arange(2**N, dtype=np.int64)
    shifts = np.arange(N - 1, -1, -1, dtype=np.int64)[:, None]  # site 0 = most significant
    return x, (x[None, :] >> shifts) & 1


def _csr(x, cols, vals):
    """CSR matrix with entries vals[k, x] at (x, cols[k, x]); stored zeros dropped."""
    dim = x.size
    K = cols.shape[0]
    H = sp.csr_matrix(
        (vals.T.ravel(), cols.T.ravel(), np.arange(0, K * dim + 1, K, dtype=np.int64)), shape=(dim, dim)
    )
    H.eliminate_zeros()
    H.sort_indices()
    return H


def tfim_hamiltonian(N, J=1.0, h=1.0, periodic=False):
    """Transverse-field Ising chain H = -J sum_i Z_i Z_{i+1} - h sum_i X_i (Pauli matrices).

    Critical at h = J; gapped for h != J. Open chain by default.

    Parameters
    ----------
    N : int, >= 2
    J, h : float
    periodic : bool
        Add the bond (N-1, 0) (needs N >= 3).

    Returns
    -------
    scipy.sparse.csr_matrix, shape (2**N, 2**N), real
        Site 0 is the most significant bit (first tensor axis).
    """
    N = _check_chain(N, periodic)
    J = _as_real(J, "J")
    h = _as_real(h, "h")
    x, bits = _spins(N)
    z = 1 - 2 * bits  # (N, 2**N): +1 up, -1 down
    diag = np.zeros(2**N)
    for i, j in _bonds(N, periodic):
        diag -= J * z[i] * z[j]
    masks = (1 << np.arange(N - 1, -1, -1, dtype=np.int64))[:, None]  # X_i flips bit of site i
    cols = np.vstack([x[None, :], x[None, :] ^ masks])  # (1 + N, 2**N)
    vals = np.vstack([diag[None, :], np.full((N, 2**N), -h)])
    return _csr(x, cols, vals)


def heisenberg_hamiltonian(N, Jz=1.0, periodic=False):
    """XXZ chain H = sum_i (S^x_i S^x_{i+1} + S^y_i S^y_{i+1} + Jz S^z_i S^z_{i+1}).

    Convention: spin-1/2 operators S = sigma / 2 (not Pauli matrices), antiferromagnetic
    coupling 1. Jz = 1 is the isotropic Heisenberg chain (N = 2: singlet energy -3/4).
    The flip-flop term (S^+_i S^-_{i+1} + h.c.) / 2 swaps antiparallel neighbours with
    amplitude 1/2; S^z S^z is +-1/4.

    Parameters
    ----------
    N : int, >= 2
    Jz : float
    periodic : bool
        Add the bond (N-1, 0) (needs N >= 3).

    Returns
    -------
    scipy.sparse.csr_matrix, shape (2**N, 2**N), real
        Site 0 is the most significant bit (first tensor axis).
    """
    N = _check_chain(N, periodic)
    Jz = _as_real(Jz, "Jz")
    x, bits = _spins(N)
    bonds = _bonds(N, periodic)
    diag = np.zeros(2**N)
    cols, vals = [x], []
    for i, j in bonds:
        anti = bits[i] != bits[j]
        diag += Jz * np.where(anti, -0.25, 0.25)
        pair = (1 << (N - 1 - i)) | (1 << (N - 1 - j))
        cols.append(x ^ pair)
        vals.append(np.where(anti, 0.5, 0.0))  # parallel spins: a stored zero, dropped below
    return _csr(x, np.vstack(cols), np.vstack([diag] + vals))


def ground_state(H):
    """Lowest eigenvalue and eigenvector of a Hermitian H on N spins, via scipy's eigsh.

    Small matrices (dimension <= 64) are diagonalised densely. The start vector is a
    fixed pseudo-random vector, so results are reproducible.

    Parameters
    ----------
    H : scipy.sparse matrix or array_like, shape (2**N, 2**N), N >= 2
        Hermitian.

    Returns
    -------
    E0 : float
    psi : ndarray, shape (2,)*N
        Normalised; real when H is real. Sign (phase) fixed so that the first entry of
        largest magnitude (within a relative 1e-8) is real and positive. For a
        degenerate ground level, psi is one vector of the ground space.
    """
    if not sp.issparse(H):
        H = as_array(H, "H", ndim=2)
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        raise ValueError(f"H must be a square matrix, got shape {H.shape}")
    dim = H.shape[0]
    if dim < 4 or dim & (dim - 1):
        raise ValueError(f"H must have dimension 2**N with N >= 2 (4, 8, 16, ...), got {dim}")
    N = dim.bit_length() - 1
    guard_dense((2,) * N, "ground-state vector")
    asym = abs(H - H.conj().T).max() if sp.issparse(H) else np.abs(H - H.conj().T).max()
    scale = abs(H).max() if sp.issparse(H) else np.abs(H).max()
    if asym > 1e-12 * max(scale, 1.0):
        raise ValueError(f"H must be Hermitian, but max |H - H^dagger| = {asym:.3g}")
    if dim <= 64:
        dense = H.toarray() if sp.issparse(H) else np.asarray(H)
        w, V = np.linalg.eigh(dense)
        E0, psi = w[0], V[:, 0]
    else:
        dtype = np.result_type(H.dtype, np.float64)
        v0 = np.random.default_rng(12345).standard_normal(dim).astype(dtype)
        w, V = eigsh(H, k=1, which="SA", v0=v0)
        E0, psi = w[0], V[:, 0]
    psi = psi / np.linalg.norm(psi)
    mag = np.abs(psi)
    k = int(np.argmax(mag >= (1 - 1e-8) * mag.max()))
    psi = psi * (np.conj(psi[k]) / mag[k])
    if np.iscomplexobj(psi) and np.isrealobj(H if not sp.issparse(H) else H.data):
        psi = psi.real
    return float(E0), psi.reshape((2,) * N)
