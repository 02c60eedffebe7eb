"""Spin-1/2 chains: sparse Hamiltonians and their exact ground states.

Basis and leg order, stated once: a basis state of N spins is an integer x in
0..2**N-1 whose bits are the spins, site 0 the MOST significant bit, so a vector of
length 2**N reshapes to a tensor of shape (2,)*N with axis j = site j (the convention of
`tnlite.tensors`). Bit 0 is spin up (Z = +1), bit 1 spin down (Z = -1).

Hamiltonians are scipy.sparse CSR matrices built directly with bit operations: each
term either keeps x (diagonal) or flips a few bits of x, for all x and all sites at once
(one broadcast, never a loop over basis states; a Kronecker-product build is far slower).
The Z Z diagonal of a chain is one popcount of x XOR (x shifted by one site).
`tfim_operator` is the same Ising Hamiltonian without the matrix (a LinearOperator that
flips axes of the state), for chains whose CSR matrix would not fit in memory.
"""
from __future__ import annotations


import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, eigsh

from ._validate import (all_finite, as_array, as_flag, as_int, as_linalg_dtype, as_real, guard_dense, guard_length,
                        guard_uniform)

__all__ = ["tfim_hamiltonian", "tfim_operator", "tfim_lattice", "lattice_bonds", "heisenberg_hamiltonian", "ground_state"]


def _check_chain(N, periodic):
    N = as_int(N, "N")
    if N < 2:
        raise ValueError(f"N must be >= 2 for a chain with bonds, got {N}")
    periodic = as_flag(periodic, "periodic")
    if periodic and N < 3:
        raise ValueError(f"a periodic chain needs N >= 3 (N=2 would count its one bond twice), got N={N}")
    guard_uniform(2, N, "state vector")
    # every row stores the diagonal and up to N off-diagonal entries
    guard_dense((N + 1, 2**N), "sparse Hamiltonian's stored entries")
    return N


def _bond_differences(x, N, periodic):
    """For every basis state x: one bit per bond of the chain, set where its two spins differ.

    Bond (i, i+1) is bit N-2-i (sites i and i+1 are the neighbouring bits N-1-i and
    N-2-i); the periodic bond (N-1, 0) is bit N-1. So the popcount is the number of
    antiparallel bonds.
    """
    if periodic:  # rotate right by one within N bits: bit 0 (site N-1) meets bit N-1 (site 0)
        return x ^ ((x >> 1) | ((x & 1) << (N - 1)))
    return (x ^ (x >> 1)) & ((1 << (N - 1)) - 1)


_POPCOUNT_8 = np.array([bin(b).count("1") for b in range(256)], dtype=np.uint8)


def _popcount_bytes(v):
    """Number of set bits of each entry of a non-negative int32 array, by a byte table.

    The fallback for numpy < 2.0, which has no np.bitwise_count.
    """
    c = _POPCOUNT_8[v & 0xFF]
    for shift in (8, 16, 24):
        c += _POPCOUNT_8[(v >> shift) & 0xFF]
    return c


_popcount = getattr(np, "bitwise_count", _popcount_bytes)


def _csr(cols, vals, drop_zeros):
    """CSR matrix with K stored entries per row: vals[x, k] at (x, cols[x, k]).

    Column indices within a row are left unsorted (valid CSR; scipy sorts on demand
    where an operation needs it, and a product H @ v does not).
    """
    dim, K = cols.shape
    indptr = np.arange(0, K * dim + 1, K, dtype=np.int32 if K * dim < 2**31 else np.int64)
    H = sp.csr_matrix((vals.ravel(), cols.ravel(), indptr), shape=(dim, dim))
    if drop_zeros:
        H.eliminate_zeros()
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
    J = as_real(J, "J")
    h = as_real(h, "h")
    x = np.arange(2**N, dtype=np.int32)  # basis states; the guard keeps them far below 2**31
    n_bonds = N if periodic else N - 1
    # Z_i Z_j = +1 parallel, -1 antiparallel: sum = n_bonds - 2 * (number of antiparallel bonds)
    return _tfim_csr(N, (2 * J) * _popcount(_bond_differences(x, N, periodic)) - J * n_bonds, J, h)


def _tfim_csr(N, diag, J, h):
    """The CSR matrix of diag(x) - h sum_i X_i: one diagonal and N flips stored per row."""
    dim = 2**N
    x = np.arange(dim, dtype=np.int32)
    flips = (1 << np.arange(N - 1, -1, -1)).astype(np.int32)  # X_i flips bit N-1-i (site 0 first)
    cols = np.empty((dim, N + 1), dtype=np.int32)  # (x, diagonal + one flip per site)
    vals = np.empty((dim, N + 1))
    cols[:, 0] = x
    np.bitwise_xor(x[:, None], flips, out=cols[:, 1:])  # all N flips in one pass over the rows
    vals[:, 0] = diag
    vals[:, 1:] = -h
    return _csr(cols, vals, drop_zeros=(J == 0 or h == 0))


def lattice_bonds(side, periodic=False):
    """Nearest-neighbour bonds (i, j), i < j, of a side x side square lattice, site = row * side + col.

    Open boundaries by default: 2 side (side - 1) bonds; periodic (side >= 3): 2 side**2.
    """
    side = guard_length(as_int(side, "side", minimum=2), "side", "the side x side lattice's sites", power=2)
    periodic = as_flag(periodic, "periodic")
    if periodic and side < 3:
        raise ValueError(f"a periodic lattice needs side >= 3 (side=2 would count each bond twice), got {side}")
    bonds = set()
    for r in range(side):
        for c in range(side):
            for r2, c2 in ((r, c + 1), (r + 1, c)):
                if periodic or (r2 < side and c2 < side):
                    i, j = r * side + c, (r2 % side) * side + c2 % side
                    bonds.add((min(i, j), max(i, j)))
    return sorted(bonds)


def tfim_lattice(side, J=1.0, h=1.0, periodic=False):
    """Transverse-field Ising model on a side x side square lattice, H = -J sum_<ij> Z_i Z_j - h sum_i X_i.

    Sites j = row * side + col, site 0 the most significant bit (as in the chain); bonds
    from :func:`lattice_bonds`. The 2D model orders below a critical field h_c ~ 3.04 J
    (quantum Monte Carlo, infinite lattice; small lattices shift it).

    Parameters
    ----------
    side : int, >= 2
        N = side**2 spins (side = 4: 16 spins, 2**16 basis states).
    J, h : float
    periodic : bool

    Returns
    -------
    scipy.sparse.csr_matrix, shape (2**N, 2**N), real
    """
    N = _check_chain(as_int(side, "side", minimum=2) ** 2, False)  # the state's size first: bonds take a loop over sites
    bonds = lattice_bonds(side, periodic)
    J, h = as_real(J, "J"), as_real(h, "h")
    x = np.arange(2**N, dtype=np.int32)
    antiparallel = np.zeros(2**N, dtype=np.int32)
    for i, j in bonds:  # one pass over the basis per bond: 32 bonds x 2**16 states at side = 4
        antiparallel += ((x >> (N - 1 - i)) ^ (x >> (N - 1 - j))) & 1
    return _tfim_csr(N, (2 * J) * antiparallel - J * len(bonds), J, h)


def tfim_operator(N, J=1.0, h=1.0, periodic=False):
    """The transverse-field Ising Hamiltonian of :func:`tfim_hamiltonian`, matrix-free.

    A ``scipy.sparse.linalg.LinearOperator`` whose product with a state applies the
    diagonal (Z Z terms, one popcount per basis state, stored once: 2**N numbers) and
    then flips each site's axis of the state viewed as a (2,)*N tensor (the X terms).
    It holds 2**N numbers where the CSR matrix holds (N + 1) 2**N values and as many
    indices (252 MB at N = 20), and its product was ~1.5x faster than the CSR one at
    N = 18 (one thread). Pass it to :func:`ground_state` like the matrix.

    Parameters
    ----------
    N, J, h, periodic
        As in :func:`tfim_hamiltonian`.

    Returns
    -------
    scipy.sparse.linalg.LinearOperator, shape (2**N, 2**N), float64
        Real symmetric; ``op @ v`` equals ``tfim_hamiltonian(N, J, h, periodic) @ v``.
    """
    N = _check_chain(N, periodic)
    J = as_real(J, "J")
    h = as_real(h, "h")
    dim = 2**N
    x = np.arange(dim, dtype=np.int32)
    n_bonds = N if periodic else N - 1
    diag = (2 * J) * _popcount(_bond_differences(x, N, periodic)) - J * n_bonds

    def matvec(v):
        v = np.asarray(v).reshape(dim)
        out = diag * v
        if h != 0:
            for i in range(N):  # X_i: reverse axis i of v as a (2,)*N tensor, in blocks (2**i, 2, rest)
                block = out.reshape(2**i, 2, -1)
                block -= h * v.reshape(2**i, 2, -1)[:, ::-1, :]
        return out

    return LinearOperator((dim, dim), matvec=matvec, rmatvec=matvec, dtype=np.float64)


def heisenberg_hamiltonian(N, Jz=1.0, periodic=False):
    """XXZ chain H = sum_i (S^x_i S^x_{i+1} + S^y_i S^y_{i+1} + Jz S^z_i S^z_{i+1}).

    Convention: spin-1/2 operators S = sigma / 2 (not Pauli matrices), antiferromagnetic
    coupling 1. Jz = 1 is the isotropic Heisenberg chain (N = 2: singlet energy -3/4).
    The flip-flop term (S^+_i S^-_{i+1} + h.c.) / 2 swaps antiparallel neighbours with
    amplitude 1/2; S^z S^z is +-1/4.

    Parameters
    ----------
    N, periodic : as in :func:`tfim_hamiltonian`
    Jz : float
        The S^z S^z coupling relative to the flip-flop term.

    Returns
    -------
    scipy.sparse.csr_matrix, real, laid out as :func:`tfim_hamiltonian`'s
    """
    N = _check_chain(N, periodic)
    Jz = as_real(Jz, "Jz")
    dim = 2**N
    n_bonds = N if periodic else N - 1
    i = np.arange(n_bonds)
    swaps = ((1 << (N - 1 - i)) | (1 << (N - 1 - (i + 1) % N))).astype(np.int32)  # both spins of bond (i, i+1)
    bond_bit = np.where(i < N - 1, N - 2 - i, N - 1).astype(np.int32)  # bond i's bit in _bond_differences
    x = np.arange(dim, dtype=np.int32)
    diff = _bond_differences(x, N, periodic)
    cols = np.empty((dim, n_bonds + 1), dtype=np.int32)  # (x, diagonal + one swap per bond)
    vals = np.empty((dim, n_bonds + 1))
    cols[:, 0] = x
    np.bitwise_xor(x[:, None], swaps, out=cols[:, 1:])
    # S^z S^z = +1/4 parallel, -1/4 antiparallel: sum = n_bonds / 4 - (number antiparallel) / 2
    vals[:, 0] = (0.25 * n_bonds) * Jz - (0.5 * Jz) * _popcount(diff)
    vals[:, 1:] = 0.5 * ((diff[:, None] >> bond_bit) & 1)  # parallel spins: a stored zero, dropped below
    return _csr(cols, vals, drop_zeros=True)


def _hermiticity_defect(H, rtol=1e-12):
    """|u^dagger (H - H^dagger) v| for two fixed pseudo-random real unit vectors, and its tolerance.

    Two matrix-vector products: <u, H v> - <H u, v> = u^dagger (H - H^dagger) v, which is
    nonzero for generic u, v unless H is Hermitian (rounding aside: ~1e-17 (|H u| + |H v|)
    measured). The tolerance is rtol (|H u| + |H v|).
    """
    u, v = np.random.default_rng(_HERMITICITY_SEED).standard_normal((2, H.shape[0]))
    u /= np.linalg.norm(u)
    v /= np.linalg.norm(v)
    Hu, Hv = H @ u, H @ v
    return abs(np.vdot(u, Hv) - np.vdot(Hu, v)), rtol * (np.linalg.norm(Hu) + np.linalg.norm(Hv))


_HERMITICITY_SEED = 20240611


def ground_state(H, tol=0.0):
    """Lowest eigenvalue and eigenvector of a Hermitian H on N spins, via scipy's eigsh.

    Small matrices (dimension <= 64) are diagonalised densely. The start vector is a
    fixed pseudo-random vector, so results are reproducible.

    Hermiticity is checked by a randomised test that costs two products H @ u, H @ v
    (no transpose is built): for two fixed pseudo-random real unit vectors u, v, H is
    refused if |u^dagger (H - H^dagger) v| = |<u, H v> - <H u, v>| exceeds
    1e-12 (|H u| + |H v|). For generic vectors this catches a non-Hermitian H with
    probability 1 (u^dagger (H - H^dagger) v vanishes only on a measure-zero set of
    pairs), as long as H - H^dagger is above the tolerance: about 1e-12 sqrt(2**N) times
    |H| in Frobenius norm.

    Parameters
    ----------
    H : scipy.sparse matrix, LinearOperator or array_like, shape (2**N, 2**N), N >= 2
        Hermitian (a non-Hermitian H raises ValueError, see above), with finite entries
        (nan or inf in an array or in a sparse matrix's stored entries raises ValueError).
        A LinearOperator such as :func:`tfim_operator` is used through its products
        only, so its entries cannot be checked: one that produces nan gives an eigsh
        error or a nan result.
    tol : float, optional
        eigsh's convergence tolerance, relative to the eigenvalue; 0 (the default) means
        machine precision. The energy's error is of the order of tol squared (it is
        second order in the vector's): for the critical Ising chain at N = 18,
        tol = 1e-10 gave E0 to 2e-15 relative with 111 matrix-vector products instead
        of 151. Unused for dimension <= 64 (dense).

    Returns
    -------
    E0 : float
    psi : ndarray, shape (2,)*N
        Normalised; real when H is real. Sign (phase) fixed so that the first entry of
        largest magnitude (within a relative 1e-8) is real and positive. For a
        degenerate ground level, psi is one vector of the ground space.
    """
    if not (sp.issparse(H) or isinstance(H, LinearOperator)):
        H = as_linalg_dtype(as_array(H, "H", ndim=2), "H")  # refuses nan and inf
    elif sp.issparse(H):
        data = H.data if H.format in ("csr", "csc", "coo", "bsr", "dia") else H.tocsr().data  # stored entries
        if np.issubdtype(data.dtype, np.inexact) and not all_finite(data):
            raise ValueError("H has nan or inf entries")
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        raise ValueError(f"H must be a square matrix, got shape {H.shape}")
    dim = H.shape[0]
    if dim < 4 or dim & (dim - 1):
        raise ValueError(f"H must have dimension 2**N with N >= 2 (4, 8, 16, ...), got {dim}")
    N = dim.bit_length() - 1
    tol = as_real(tol, "tol")
    if tol < 0:
        raise ValueError(f"tol must be >= 0 (0 means machine precision), got {tol}")
    guard_dense((2,) * N, "ground-state vector")
    asym, limit = _hermiticity_defect(H)
    if asym > limit:
        raise ValueError(f"H must be Hermitian, but |u^dagger (H - H^dagger) v| = {asym:.3g} for random unit "
                         f"vectors u, v, above the tolerance 1e-12 (|H u| + |H v|) = {limit:.3g}")
    if dim <= 64:
        dense = H.toarray() if sp.issparse(H) else H @ np.eye(dim) if isinstance(H, LinearOperator) else H
        w, V = np.linalg.eigh(dense)
        E0, psi = w[0], V[:, 0]
    else:
        dtype = np.result_type(H.dtype, np.float64)
        v0 = np.random.default_rng(12345).standard_normal(dim).astype(dtype)
        w, V = eigsh(H, k=1, which="SA", v0=v0, tol=tol)
        E0, psi = w[0], V[:, 0]
    psi = psi / np.linalg.norm(psi)
    mag = np.abs(psi)
    k = int(np.argmax(mag >= (1 - 1e-8) * mag.max()))
    psi = psi * (np.conj(psi[k]) / mag[k])
    if np.iscomplexobj(psi) and np.isrealobj(H if not sp.issparse(H) else H.data):
        psi = psi.real
    return float(E0), psi.reshape((2,) * N)
