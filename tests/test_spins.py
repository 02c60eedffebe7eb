"""Tests of tnlite.spins against Kronecker-product references and closed-form energies."""
from functools import reduce

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, strategies as st

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
