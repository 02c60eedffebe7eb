"""Tests of tnlite.spins against Kronecker-product references and closed-form energies."""
from functools import reduce

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, strategies as st

from tnlite import spins
from tnlite.spins import ground_state, heisenberg_hamiltonian, tfim_hamiltonian

I2 = np.eye(2)
X = np.array([[0.0, 1.0], [1.0, 0.0]])
Y = np.array([[0.0, -1j], [1j, 0.0]])
Z = np.diag([1.0, -1.0])


def site_op(ops, N):
    """kron of single-site operators {site: matrix}, site 0 leftmost (most significant)."""
    return reduce(np.kron, [ops.get(j, I2) for j in range(N)])


def bonds(N, periodic):
    return [(i, (i + 1) % N) for i in range(N if periodic else N - 1)]


def tfim_reference(N, J, h, periodic):
    H = sum(-J * site_op({i: Z, j: Z}, N) for i, j in bonds(N, periodic))
    return H + sum(-h * site_op({i: X}, N) for i in range(N))


def xxz_reference(N, Jz, periodic):
    S = [X / 2, Y / 2, Z / 2]
    H = 0
    for i, j in bonds(N, periodic):
        for a, coef in zip(S, [1.0, 1.0, Jz]):
            H = H + coef * site_op({i: a, j: a}, N)
    assert np.abs(H.imag).max() == 0
    return H.real


@given(N=st.integers(2, 6), J=st.floats(-2, 2), h=st.floats(-2, 2), periodic=st.booleans())
def test_tfim_matches_kron_reference(N, J, h, periodic):
    if periodic and N < 3:
        N = 3
    H = tfim_hamiltonian(N, J=J, h=h, periodic=periodic)
    assert sp.isspmatrix_csr(H) and H.shape == (2**N, 2**N)
    np.testing.assert_allclose(H.toarray(), tfim_reference(N, J, h, periodic), atol=1e-14)


@given(N=st.integers(2, 6), Jz=st.floats(-2, 2), periodic=st.booleans())
def test_xxz_matches_kron_reference(N, Jz, periodic):
    if periodic and N < 3:
        N = 3
    H = heisenberg_hamiltonian(N, Jz=Jz, periodic=periodic)
    assert sp.isspmatrix_csr(H)
    np.testing.assert_allclose(H.toarray(), xxz_reference(N, Jz, periodic), atol=1e-14)


CHAINS = [(N, periodic) for N in range(2, 7) for periodic in (False, True) if N >= 3 or not periodic]


@pytest.mark.parametrize("N, periodic", CHAINS)
@pytest.mark.parametrize("J, h", [(1.0, 1.0), (-0.7, 0.3), (1.3, 0.0), (0.0, -0.8), (0.0, 0.0), (2.0, -1.5)])
def test_tfim_matches_kron_reference_listed_cases(N, J, h, periodic):
    # the hypothesis test above need not hit h = 0 or J = 0; these are listed explicitly
    H = tfim_hamiltonian(N, J=J, h=h, periodic=periodic)
    ref = tfim_reference(N, J, h, periodic)
    assert sp.isspmatrix_csr(H) and H.shape == (2**N, 2**N) and H.dtype == np.float64
    np.testing.assert_allclose(H.toarray(), ref, rtol=0, atol=1e-14)
    if J == 0 or h == 0:  # no stored zeros: exactly the nonzeros of the reference
        assert H.nnz == np.count_nonzero(ref)
    else:  # the diagonal (zeros included) and one flip per site, in every row
        assert H.nnz == 2**N * (N + 1)


@pytest.mark.parametrize("N, periodic", CHAINS)
@pytest.mark.parametrize("Jz", [1.0, 0.0, -0.6])
def test_xxz_matches_kron_reference_listed_cases(N, Jz, periodic):
    H = heisenberg_hamiltonian(N, Jz=Jz, periodic=periodic)
    ref = xxz_reference(N, Jz, periodic)
    np.testing.assert_allclose(H.toarray(), ref, rtol=0, atol=1e-14)
    assert H.nnz == np.count_nonzero(ref)  # parallel-spin swaps and zero diagonals are not stored


def test_popcount_fallback_for_old_numpy(monkeypatch):
    # the byte-table popcount used when numpy < 2.0 has no bitwise_count, against int.bit_count
    v = np.concatenate([np.arange(4096), np.random.default_rng(0).integers(0, 2**31, 4096)]).astype(np.int32)
    np.testing.assert_array_equal(spins._popcount_bytes(v), [int(a).bit_count() for a in v])
    monkeypatch.setattr(spins, "_popcount", spins._popcount_bytes)
    for periodic in (False, True):
        np.testing.assert_allclose(tfim_hamiltonian(5, J=0.9, h=0.4, periodic=periodic).toarray(),
                                   tfim_reference(5, 0.9, 0.4, periodic), rtol=0, atol=1e-14)
        np.testing.assert_allclose(heisenberg_hamiltonian(5, Jz=0.6, periodic=periodic).toarray(),
                                   xxz_reference(5, 0.6, periodic), rtol=0, atol=1e-14)


def test_site_zero_is_most_significant_bit():
    # with h = 0 and a single bond (N=2) only the diagonal survives; X on site 0 flips the top bit
    H = tfim_hamiltonian(3, J=0.0, h=1.0).toarray()
    assert H[0b000, 0b100] == -1.0 and H[0b000, 0b001] == -1.0
    np.testing.assert_allclose(H, tfim_reference(3, 0.0, 1.0, False))


def test_tfim_two_sites_exact():
    for h in [0.3, 1.0, 2.5]:
        E0, psi = ground_state(tfim_hamiltonian(2, J=1.0, h=h))
        assert abs(E0 - (-np.sqrt(1 + 4 * h**2))) < 1e-12
        assert psi.shape == (2, 2)


@pytest.mark.parametrize("N, J, h", [(8, 1.0, 1.0), (10, 0.7, 1.3), (12, 1.0, 3.0)])
def test_tfim_open_chain_free_fermion_energy(N, J, h):
    # Jordan-Wigner: E0 = -sum of singular values of the bidiagonal matrix (h on the diagonal, J above)
    M = np.diag(np.full(N, h)) + np.diag(np.full(N - 1, J), 1)
    E_exact = -np.linalg.svd(M, compute_uv=False).sum()
    E0, psi = ground_state(tfim_hamiltonian(N, J=J, h=h))
    assert abs(E0 - E_exact) < 1e-9


def test_heisenberg_known_energies():
    assert abs(ground_state(heisenberg_hamiltonian(2))[0] + 0.75) < 1e-12
    # periodic 4-site ring: E0 = -2 (spin-1/2, J = 1)
    assert abs(ground_state(heisenberg_hamiltonian(4, periodic=True))[0] + 2.0) < 1e-12
    # Jz = 0 open chain = free fermions (XX chain): E0 = sum of negative modes of cos(k)
    N = 10
    k = np.pi * np.arange(1, N + 1) / (N + 1)
    eps = np.cos(k)
    assert abs(ground_state(heisenberg_hamiltonian(N, Jz=0.0))[0] - eps[eps < 0].sum()) < 1e-9


@pytest.mark.parametrize("N", [3, 7])  # dense path (dim <= 64) and eigsh path
def test_ground_state_is_a_normalised_eigenvector_with_fixed_sign(N):
    H = tfim_hamiltonian(N, J=1.0, h=0.8)
    E0, psi = ground_state(H)
    assert psi.shape == (2,) * N and np.isrealobj(psi)
    v = psi.reshape(-1)
    assert abs(np.linalg.norm(v) - 1) < 1e-12
    np.testing.assert_allclose(H @ v, E0 * v, atol=1e-8)
    assert abs(E0 - np.linalg.eigvalsh(H.toarray())[0]) < 1e-9
    assert v[np.argmax(np.abs(v))] > 0
    E1, psi1 = ground_state(H)
    np.testing.assert_allclose(psi1, psi, atol=1e-10)  # deterministic, sign included


def test_ground_state_accepts_dense_and_complex_hermitian():
    H = tfim_reference(3, 1.0, 0.5, False)
    E0, psi = ground_state(H)
    assert abs(E0 - np.linalg.eigvalsh(H)[0]) < 1e-12
    Hc = xxz_reference(2, 1.0, False) + 0.3 * site_op({0: Y}, 2)  # complex Hermitian
    E0, psi = ground_state(Hc)
    v = psi.reshape(-1)
    np.testing.assert_allclose(Hc @ v, E0 * v, atol=1e-12)
    assert abs(E0 - np.linalg.eigvalsh(Hc)[0]) < 1e-12


def _random_sparse(n, per_row, rng, dtype=float):
    """A random non-symmetric sparse matrix with about per_row entries in each row."""
    rows = np.repeat(np.arange(n), per_row)
    cols = rng.integers(0, n, n * per_row)
    vals = rng.standard_normal(n * per_row).astype(dtype)
    if np.iscomplexobj(vals):
        vals = vals + 1j * rng.standard_normal(n * per_row)
    return sp.csr_matrix((vals, (rows, cols)), shape=(n, n))


@pytest.mark.parametrize("N", [4, 6, 8])  # dense path and eigsh path
def test_ground_state_refuses_slightly_non_hermitian(N):
    rng = np.random.default_rng(7)
    H = tfim_hamiltonian(N, J=1.0, h=0.9)
    P = _random_sparse(2**N, 3, rng)
    assert abs(P - P.T).max() > 0.1  # independent check that the perturbation is not symmetric
    with pytest.raises(ValueError, match="H must be Hermitian"):
        ground_state(H + 1e-6 * P)
    with pytest.raises(ValueError, match="H must be Hermitian"):
        ground_state((H + 1e-6 * P).toarray())
    # complex symmetric but not Hermitian: only the imaginary part breaks H = H^dagger
    S = P + P.T
    with pytest.raises(ValueError, match="H must be Hermitian"):
        ground_state(H + 1e-6j * S)
    with pytest.raises(ValueError, match="H must be Hermitian"):  # relative: the scale of H does not matter
        ground_state(1e-9 * (H + 1e-6 * P))


def test_ground_state_refuses_obviously_non_hermitian():
    H = tfim_hamiltonian(7, J=1.0, h=0.5)
    with pytest.raises(ValueError, match="H must be Hermitian"):
        ground_state(sp.triu(H, format="csr"))
    with pytest.raises(ValueError, match="H must be Hermitian"):
        ground_state(1j * H)  # anti-Hermitian
    with pytest.raises(ValueError, match="H must be Hermitian"):
        ground_state(_random_sparse(2**7, 4, np.random.default_rng(3), complex))


@pytest.mark.parametrize("N", [3, 7])  # dense path and eigsh path
def test_ground_state_accepts_complex_hermitian_sparse(N):
    rng = np.random.default_rng(11)
    A = _random_sparse(2**N, 3, rng, complex)
    H = sp.csr_matrix(tfim_hamiltonian(N, J=1.0, h=0.7) + 0.2 * (A + A.conj().T)) * 1e6  # large scale too
    dense = H.toarray()
    assert np.abs(dense.imag).max() > 1e4 and np.abs(dense - dense.conj().T).max() == 0
    E0, psi = ground_state(H)
    v = psi.reshape(-1)
    assert abs(E0 - np.linalg.eigvalsh(dense)[0]) < 1e-9 * np.abs(dense).max()
    np.testing.assert_allclose(dense @ v, E0 * v, atol=1e-8 * np.abs(dense).max())


def test_ground_state_accepts_hermitian_up_to_rounding():
    # V diag(w) V^dagger in floating point is Hermitian only up to rounding: must not be refused
    rng = np.random.default_rng(5)
    V = np.linalg.qr(rng.standard_normal((64, 64)) + 1j * rng.standard_normal((64, 64)))[0]
    w = np.sort(rng.uniform(-3, 3, 64))
    H = (V * w) @ V.conj().T
    assert np.abs(H - H.conj().T).max() > 0  # not exactly Hermitian
    E0, psi = ground_state(H)
    assert abs(E0 - w[0]) < 1e-12


def test_bad_input():
    with pytest.raises(ValueError, match="N must be >= 2 for a chain"):
        tfim_hamiltonian(1)
    with pytest.raises(TypeError, match="N must be an integer"):
        heisenberg_hamiltonian(3.5)
    with pytest.raises(ValueError, match="periodic chain needs N >= 3"):
        tfim_hamiltonian(2, periodic=True)
    with pytest.raises(TypeError, match="periodic must be True or False"):
        heisenberg_hamiltonian(4, periodic="yes")
    with pytest.raises(TypeError, match="h must be a finite real number"):
        tfim_hamiltonian(4, h=1j)
    with pytest.raises(TypeError, match="J must be a finite real number"):
        tfim_hamiltonian(4, J="1")
    with pytest.raises(TypeError, match="Jz must be a finite real number"):
        heisenberg_hamiltonian(4, Jz=np.nan)
    with pytest.raises(ValueError, match="refusing to build a dense state vector"):
        tfim_hamiltonian(30)
    with pytest.raises(ValueError, match="refusing to build a dense sparse Hamiltonian's stored entries"):
        heisenberg_hamiltonian(23)
    with pytest.raises(ValueError, match="H must be a square matrix"):
        ground_state(np.zeros((4, 8)))
    with pytest.raises(ValueError, match="H must have 2 axes"):
        ground_state(np.zeros(4))
    with pytest.raises(ValueError, match=r"dimension 2\*\*N with N >= 2 .* got 6"):
        ground_state(np.eye(6))
    with pytest.raises(ValueError, match=r"dimension 2\*\*N with N >= 2 .* got 2"):
        ground_state(np.eye(2))
    with pytest.raises(ValueError, match="H must be Hermitian"):
        ground_state(np.triu(np.ones((4, 4))))
    with pytest.raises(TypeError, match="H must hold numbers"):
        ground_state([["a"] * 4] * 4)


def test_ground_state_tol_trades_iterations_for_accuracy_within_its_promise():
    H = spins.tfim_hamiltonian(9, J=1.0, h=1.0)
    exact = np.linalg.eigvalsh(H.toarray())[0]  # dense, independent of eigsh
    E_default, psi_default = spins.ground_state(H)
    E_loose, psi_loose = spins.ground_state(H, tol=1e-10)
    assert E_default == pytest.approx(exact, rel=1e-13)
    assert E_loose == pytest.approx(exact, rel=1e-12)
    assert abs(np.vdot(psi_default, psi_loose)) == pytest.approx(1.0, abs=1e-10)
    with pytest.raises(ValueError, match="tol must be >= 0"):
        spins.ground_state(H, tol=-1e-3)
    with pytest.raises(TypeError, match="tol must be a finite real number"):
        spins.ground_state(H, tol="small")


@pytest.mark.parametrize("N,J,h,periodic", [(2, 1.0, 1.0, False), (5, 1.0, 0.7, False), (6, -0.5, 2.0, True),
                                            (4, 0.0, 1.0, True), (5, 1.3, 0.0, False)])
def test_tfim_operator_applies_the_kron_hamiltonian(N, J, h, periodic):
    H = tfim_reference(N, J, h, periodic)  # the slow, obvious construction
    op = spins.tfim_operator(N, J=J, h=h, periodic=periodic)
    V = np.random.default_rng(N).standard_normal((2**N, 3))
    for v in V.T:
        np.testing.assert_allclose(op @ v, H @ v, atol=1e-12)
    np.testing.assert_allclose(op @ (1j * V[:, 0]), H @ (1j * V[:, 0]), atol=1e-12)
    np.testing.assert_allclose(op.matmat(V), H @ V, atol=1e-12)


@pytest.mark.parametrize("N", [5, 8])
def test_ground_state_of_the_operator_equals_that_of_the_matrix(N):
    E_op, psi_op = ground_state(spins.tfim_operator(N, J=1.0, h=0.8))
    E_csr, psi_csr = ground_state(tfim_hamiltonian(N, J=1.0, h=0.8))
    assert E_op == pytest.approx(np.linalg.eigvalsh(tfim_reference(N, 1.0, 0.8, False))[0], rel=1e-12)
    assert E_op == pytest.approx(E_csr, rel=1e-12)
    assert abs(np.vdot(psi_op, psi_csr)) == pytest.approx(1.0, abs=1e-10)


def test_tfim_operator_rejects_bad_input_like_the_matrix():
    with pytest.raises(ValueError, match="N must be >= 2"):
        spins.tfim_operator(1)
    with pytest.raises(TypeError, match="h must be a finite real number"):
        spins.tfim_operator(4, h="x")
    with pytest.raises(ValueError, match="periodic chain needs N >= 3"):
        spins.tfim_operator(2, periodic=True)


@pytest.mark.parametrize("N", [4, 7])  # dense path (dim <= 64) and eigsh path
@pytest.mark.parametrize("fmt", ["array", "csr", "csc", "coo", "lil", "dok"])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_ground_state_refuses_nan_or_inf_entries(N, fmt, bad):
    # before: LinAlgError "Eigenvalues did not converge" or an ARPACK error -9999
    H = tfim_hamiltonian(N).toarray()
    H[1, 2] = H[2, 1] = bad  # symmetric, so only the finiteness check can refuse it
    H = H if fmt == "array" else sp.csr_matrix(H).asformat(fmt)
    with pytest.raises(ValueError, match="H has nan or inf entries"):
        ground_state(H)


def test_ground_state_accepts_integer_sparse_matrices():
    # integer entries are finite by type: no check, and the same energy as the float matrix
    H = tfim_hamiltonian(5, J=1.0, h=2.0)
    E_int, _ = ground_state(H.astype(np.int64))
    assert E_int == pytest.approx(np.linalg.eigvalsh(H.toarray())[0], abs=1e-10)


@pytest.mark.parametrize("side, periodic", [(2, False), (3, False), (3, True)])
def test_tfim_lattice_matches_kron_reference(side, periodic):
    N = side * side
    pairs = set()
    for r in range(side):
        for c in range(side):
            for r2, c2 in ((r, c + 1), (r + 1, c)):
                if periodic or (r2 < side and c2 < side):
                    a, b = r * side + c, (r2 % side) * side + c2 % side
                    pairs.add(frozenset((a, b)))
    assert spins.lattice_bonds(side, periodic) == sorted(tuple(sorted(p)) for p in pairs)
    H = sum(-0.7 * site_op({i: Z, j: Z}, N) for i, j in (tuple(p) for p in pairs))
    H = H + sum(-1.3 * site_op({i: X}, N) for i in range(N))
    np.testing.assert_allclose(spins.tfim_lattice(side, J=0.7, h=1.3, periodic=periodic).toarray(), H, atol=1e-12)


def test_lattice_counts_and_refusals():
    assert len(spins.lattice_bonds(4)) == 2 * 4 * 3 and len(spins.lattice_bonds(4, periodic=True)) == 2 * 16
    with pytest.raises(ValueError, match="a periodic lattice needs side >= 3"):
        spins.lattice_bonds(2, periodic=True)
    with pytest.raises(ValueError, match="side must be >= 2"):
        spins.tfim_lattice(1)
