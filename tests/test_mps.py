"""Tests of tnlite.mps against independent dense computations (einsum, numpy SVD, brute force)."""
import itertools

import numpy as np
import pytest
from hypothesis import given, strategies as st

import tnlite as tl
from tnlite.mps import MPS


def dense_by_einsum(cores):
    """Contract cores with one einsum over all bonds (a different route than to_dense)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    N = len(cores)
    bonds, phys = letters[: N + 1], letters[N + 1 : 2 * N + 1].upper()
    terms = [f"{bonds[t]}{phys[t]}{bonds[t + 1]}" for t in range(N)]
    out = np.einsum(",".join(terms) + f"->{bonds[0]}{phys}{bonds[N]}", *cores, optimize="greedy")
    return out[0, ..., 0]


def random_tensor(rng, dims, complex_=False):
    psi = rng.standard_normal(dims)
    if complex_:
        psi = psi + 1j * rng.standard_normal(dims)
    return psi / np.linalg.norm(psi)


def all_configs(dims):
    return np.array(list(itertools.product(*[range(d) for d in dims])), dtype=np.int64)


dims_strategy = st.lists(st.integers(1, 3), min_size=1, max_size=6).filter(lambda d: np.prod(d) <= 400)


# -- unit tests --------------------------------------------------------------------------
def test_exact_round_trip_and_bond_dims():
    rng = np.random.default_rng(0)
    psi = random_tensor(rng, (2,) * 9)
    m = MPS.from_dense(psi)
    assert m.bond_dims == tuple(min(2 ** (t + 1), 2 ** (9 - t - 1)) for t in range(8))
    np.testing.assert_allclose(dense_by_einsum(m.cores), psi, atol=1e-12)
    np.testing.assert_allclose(m.to_dense(), psi, atol=1e-12)
    assert m.discarded_weight == 0.0
    assert m.N == 9 and m.phys_dims == (2,) * 9
    assert m.n_params == sum(c.size for c in m.cores)


def test_mixed_phys_dims_round_trip():
    rng = np.random.default_rng(1)
    psi = random_tensor(rng, (3, 1, 2, 4), complex_=True)
    m = MPS.from_dense(psi)
    assert m.bond_dims == (3, 3, 4)
    np.testing.assert_allclose(dense_by_einsum(m.cores), psi, atol=1e-12)


def test_to_dense_matches_einsum_for_given_cores():
    rng = np.random.default_rng(2)
    cores = [rng.standard_normal(s) for s in [(1, 2, 3), (3, 3, 2), (2, 2, 1)]]
    m = MPS(cores)
    np.testing.assert_allclose(m.to_dense(), dense_by_einsum(cores), atol=1e-12)
    assert m.bond_dims == (3, 2) and m.phys_dims == (2, 3, 2) and m.n_params == 6 + 18 + 4


def test_truncation_keeps_the_leading_singular_subspace_of_the_first_cut():
    rng = np.random.default_rng(3)
    psi = random_tensor(rng, (4, 4, 4))
    m = MPS.from_dense(psi, max_bond=2)
    assert m.bond_dims == (2, 2)
    U = np.linalg.svd(psi.reshape(4, 16))[0][:, :2]
    Q = m.cores[0].reshape(4, 2)
    np.testing.assert_allclose(Q @ Q.T, U @ U.T, atol=1e-12)  # same projector, any gauge


def test_two_sites_truncation_is_the_best_low_rank_approximation():
    # Eckart-Young: for N = 2 the MPS with bond k is the rank-k truncated SVD of the matrix
    rng = np.random.default_rng(14)
    A = rng.standard_normal((6, 9)) + 1j * rng.standard_normal((6, 9))
    U, s, Vh = np.linalg.svd(A, full_matrices=False)
    for k in [1, 3, 5]:
        m = MPS.from_dense(A, max_bond=k)
        np.testing.assert_allclose(m.to_dense(), (U[:, :k] * s[:k]) @ Vh[:k], atol=1e-12)
        assert m.discarded_weight == pytest.approx(np.sum(s[k:] ** 2) / np.sum(s**2), abs=1e-13)
    m = MPS.from_dense(A.T, max_bond=2)  # tall: the QR route
    np.testing.assert_allclose(m.to_dense(), ((U[:, :2] * s[:2]) @ Vh[:2]).T, atol=1e-12)


def test_discarded_weight_equals_truncation_error():
    rng = np.random.default_rng(4)
    psi = random_tensor(rng, (2,) * 10, complex_=True)
    for chi in [1, 2, 3, 5, 8, 16]:
        m = MPS.from_dense(psi, max_bond=chi)
        err = np.linalg.norm(m.to_dense() - psi) ** 2
        assert abs(err - m.discarded_weight) < 1e-10
        assert max(m.bond_dims) <= chi


def test_discarded_weight_is_relative_to_norm():
    rng = np.random.default_rng(5)
    psi = 7.0 * random_tensor(rng, (2,) * 6)
    m = MPS.from_dense(psi, max_bond=2)
    err = np.linalg.norm(m.to_dense() - psi) ** 2 / np.linalg.norm(psi) ** 2
    assert abs(err - m.discarded_weight) < 1e-12


def test_cutoff_drops_small_singular_values():
    # a product state has Schmidt rank 1; tiny noise adds values far below the cutoff
    rng = np.random.default_rng(6)
    psi = tl.product_state(rng.standard_normal((6, 2))) + 1e-9 * random_tensor(rng, (2,) * 6)
    m = MPS.from_dense(psi, cutoff=1e-12)
    assert m.bond_dims == (1,) * 5
    assert m.discarded_weight < 1e-15
    assert MPS.from_dense(psi).bond_dims == (2, 4, 8, 4, 2)


def test_ghz_is_bond_dim_2_with_one_bit():
    m = MPS.from_dense(tl.ghz_state(7), cutoff=1e-14)
    assert m.bond_dims == (2,) * 6
    np.testing.assert_allclose(m.entropies(), 1.0, atol=1e-12)


def test_entropies_match_dense_and_bases():
    rng = np.random.default_rng(7)
    psi = tl.random_state(8, 2, rng)
    m = MPS.from_dense(psi, max_bond=5)
    dense = m.to_dense()
    expected = [tl.entanglement_entropy(dense, range(t + 1)) for t in range(7)]
    np.testing.assert_allclose(m.entropies(), expected, atol=1e-10)
    np.testing.assert_allclose(m.entropies(base=np.e), np.array(expected) * np.log(2), atol=1e-10)


def test_schmidt_values_match_numpy_svd():
    rng = np.random.default_rng(8)
    psi = random_tensor(rng, (3, 2, 2, 3))
    m = MPS.from_dense(psi)
    for t, s in enumerate(m.schmidt_values()):
        ref = np.linalg.svd(psi.reshape(int(np.prod(psi.shape[: t + 1])), -1), compute_uv=False)
        np.testing.assert_allclose(s, ref, atol=1e-12)


def assert_isometries_around(m, center, atol=1e-12):
    """Cores left of `center` left-isometric, right of it right-isometric."""
    for t, A in enumerate(m.cores):
        left, d, right = A.shape
        if t < center:
            M = A.reshape(left * d, right)
            np.testing.assert_allclose(M.conj().T @ M, np.eye(right), atol=atol)
        elif t > center:
            M = A.reshape(left, d * right)
            np.testing.assert_allclose(M @ M.conj().T, np.eye(left), atol=atol)


def test_canonical_forms_are_isometries_and_keep_the_state():
    m = MPS.random(7, 3, 5, rng=9)
    dense = m.to_dense()
    for center in range(7):
        c = m.canonicalize(center)
        np.testing.assert_allclose(c.to_dense(), dense, atol=1e-12)
        assert_isometries_around(c, center)
    assert m.canonicalize(3) is not m


def test_random_mps_is_normalised_with_capped_bonds():
    m = MPS.random(8, 2, 6, rng=np.random.default_rng(10))
    assert m.bond_dims == (2, 4, 6, 6, 6, 4, 2)
    assert abs(np.linalg.norm(m.to_dense()) - 1) < 1e-12
    assert abs(m.norm() - 1) < 1e-12
    a, b = MPS.random(5, 2, 3, rng=1), MPS.random(5, 2, 3, rng=1)
    np.testing.assert_array_equal(a.to_dense(), b.to_dense())


def test_amplitudes_match_dense_entries_batched():
    rng = np.random.default_rng(11)
    psi = random_tensor(rng, (2, 3, 2, 2), complex_=True)
    m = MPS.from_dense(psi, max_bond=3)
    configs = all_configs(psi.shape)
    dense = m.to_dense()
    np.testing.assert_allclose(m.amplitudes(configs), dense[tuple(configs.T)], atol=1e-12)
    np.testing.assert_allclose(m.amplitudes(configs[5]), dense[tuple(configs[5])], atol=1e-12)
    assert m.amplitudes(np.zeros((0, 4), dtype=int)).shape == (0,)


@pytest.mark.parametrize("B", [1, 2047, 2048, 2049, 5000])
def test_amplitudes_on_chunk_boundaries_match_dense(B):
    # small cores (left * right * (d - 1) < 512) take the select path, the others one
    # product per physical value: each MPS below has both kinds
    rng = np.random.default_rng(15)
    real = MPS.random(8, 2, 32, rng=rng)
    cplx = MPS([rng.standard_normal(s) + 1j * rng.standard_normal(s)
                for s in [(1, 3, 16), (16, 3, 16), (16, 3, 16), (16, 3, 1)]])
    mixed = MPS([rng.standard_normal(s) for s in [(1, 4, 4), (4, 1, 4), (4, 8, 32), (32, 2, 3), (3, 3, 1)]])
    for m in [real, cplx, mixed]:
        configs = rng.integers(0, m.phys_dims, size=(B, m.N))
        dense = dense_by_einsum(m.cores)
        amps = m.amplitudes(configs)
        assert amps.shape == (B,) and amps.dtype == dense.dtype
        np.testing.assert_allclose(amps, dense[tuple(configs.T)], rtol=1e-12, atol=1e-12 * np.abs(dense).max())


def test_canonicalize_sweeps_leave_self_alone_and_keep_the_state():
    rng = np.random.default_rng(16)
    shapes = [(1, 2, 1), (1, 3, 4), (4, 2, 8), (8, 2, 3), (3, 2, 1)]
    cores = [rng.standard_normal(s) + 1j * rng.standard_normal(s) for s in shapes]
    m = MPS(cores)
    before = [c.copy() for c in m.cores]
    dense = dense_by_einsum(before)
    for center in range(m.N):
        c = m.canonicalize(center)
        np.testing.assert_allclose(dense_by_einsum(c.cores), dense, atol=1e-12 * np.abs(dense).max())
        assert_isometries_around(c, center)
        assert all(A is not B for A in c.cores for B in m.cores)
    for A, B in zip(m.cores, before):
        np.testing.assert_array_equal(A, B)  # the sweeps never wrote into self's cores
    one = MPS([np.array([[[3.0], [4.0]]])])
    np.testing.assert_array_equal(one.canonicalize(0).cores[0], one.cores[0])


def schmidt_built_state(rng, dims_left, dims_right, s):
    """psi = sum_k s_k u_k (x) v_k with Haar orthonormal u_k, v_k: known Schmidt values s."""
    def isometry(n, k):
        X = rng.standard_normal((n, k)) + 1j * rng.standard_normal((n, k))
        return np.linalg.qr(X)[0]
    U, V = isometry(int(np.prod(dims_left)), len(s)), isometry(int(np.prod(dims_right)), len(s))
    terms = [s[k] * np.outer(U[:, k], V[:, k]) for k in range(len(s))]
    return [t.reshape(dims_left + dims_right) for t in terms]


def test_tiny_cutoff_is_honoured_below_the_gram_noise():
    # cutoff is on the squared scale: 1e-20 keeps s = 1e-9 (s**2 = 1e-18) and drops
    # s = 1e-12 (1e-24). Both are below the Gram route's noise (~1e-16 s_max**2).
    rng = np.random.default_rng(17)
    big, mid, small = schmidt_built_state(rng, (16,), (16,), [1.0, 1e-9, 1e-12])
    psi = big + mid + small
    m = MPS.from_dense(psi, cutoff=1e-20)
    assert m.bond_dims == (2,)
    np.testing.assert_allclose(m.to_dense(), big + mid, rtol=0, atol=1e-15)  # |small| ~ 1e-13 per entry
    assert m.discarded_weight == pytest.approx(1e-24 / np.vdot(psi, psi).real, rel=1e-6)
    assert MPS.from_dense(psi, cutoff=1e-16).bond_dims == (1,)  # now s = 1e-9 goes too
    # the same on a chain, the Schmidt decomposition at the middle cut of 8 qubits
    big, mid, small = schmidt_built_state(rng, (2,) * 4, (2,) * 4, [1.0, 1e-9, 1e-12])
    psi = big + mid + small
    m = MPS.from_dense(psi, cutoff=1e-20)
    assert m.bond_dims[3] == 2
    err = np.linalg.norm(m.to_dense() - psi)
    assert 0.99e-12 < err < 1e-10  # rank 2 at the middle: s = 1e-12 dropped, s = 1e-9 kept
    assert m.discarded_weight == pytest.approx(1e-24, rel=1e-3)
    assert err**2 == pytest.approx(m.discarded_weight * np.vdot(psi, psi).real, rel=1e-2)  # err to ~1e-15


def test_from_dense_refuses_non_finite_entries():
    psi = np.ones((2, 2, 2))
    psi[0, 1, 0] = np.nan
    with pytest.raises(ValueError, match="psi has nan or inf entries"):
        MPS.from_dense(psi)


def test_overlap_and_norm_match_vdot():
    rng = np.random.default_rng(12)
    a = MPS.from_dense(random_tensor(rng, (2,) * 6, complex_=True))
    b = MPS.from_dense(3 * random_tensor(rng, (2,) * 6, complex_=True), max_bond=3)
    assert abs(a.overlap(b) - np.vdot(a.to_dense(), b.to_dense())) < 1e-12
    assert abs(b.overlap(a) - np.conj(a.overlap(b))) < 1e-12
    assert abs(b.norm() - np.linalg.norm(b.to_dense())) < 1e-12


def test_min_cut_on_a_chain():
    m = MPS.random(6, 2, 3, rng=13)  # bonds (2, 3, 3, 3, 2)
    assert m.min_cut([0, 1, 2]).rank_bound == 3
    assert m.min_cut([0]).rank_bound == 2
    assert m.min_cut([0, 5]).rank_bound == 4  # two legs of dim 2, or bonds 2 and 2
    assert m.min_cut([]).rank_bound == 1
    # a bond narrower than the legs is the cut
    narrow = MPS.random(6, 2, 1, rng=13)
    assert narrow.min_cut([0, 2, 4]).rank_bound == 1


def test_single_site_mps():
    m = MPS.from_dense(np.array([3.0, 4.0]))
    assert m.bond_dims == () and m.entropies().shape == (0,)
    assert abs(m.norm() - 5) < 1e-12


# -- laws (hypothesis) ----------------------------------------------------------------------
@given(dims=dims_strategy, seed=st.integers(0, 2**31 - 1), complex_=st.booleans())
def test_law_round_trip(dims, seed, complex_):
    psi = random_tensor(np.random.default_rng(seed), tuple(dims), complex_)
    m = MPS.from_dense(psi)
    np.testing.assert_allclose(dense_by_einsum(m.cores), psi, atol=1e-11)
    for t, chi in enumerate(m.bond_dims):
        assert chi == min(np.prod(dims[: t + 1]), np.prod(dims[t + 1 :]))


@given(dims=dims_strategy, seed=st.integers(0, 2**31 - 1), chi=st.integers(1, 4), center=st.integers(0, 5))
def test_law_canonical_isometries(dims, seed, chi, center):
    center = center % len(dims)
    m = MPS.from_dense(random_tensor(np.random.default_rng(seed), tuple(dims), True), max_bond=chi)
    c = m.canonicalize(center)
    assert_isometries_around(c, center, atol=1e-11)
    np.testing.assert_allclose(c.to_dense(), m.to_dense(), atol=1e-11)


@given(dims=dims_strategy, seed=st.integers(0, 2**31 - 1), chi=st.integers(1, 5))
def test_law_entropies_match_dense_and_obey_bond_bound(dims, seed, chi):
    m = MPS.from_dense(random_tensor(np.random.default_rng(seed), tuple(dims), True), max_bond=chi)
    dense = m.to_dense()
    S = m.entropies()
    expected = [tl.entanglement_entropy(dense, range(t + 1)) for t in range(len(dims) - 1)]
    np.testing.assert_allclose(S, expected, atol=1e-9)
    assert np.all(S <= np.log2(m.bond_dims) + 1e-9) if len(dims) > 1 else S.size == 0


@given(dims=dims_strategy, seed=st.integers(0, 2**31 - 1), chi=st.integers(1, 4))
def test_law_truncation_error_is_discarded_weight(dims, seed, chi):
    psi = random_tensor(np.random.default_rng(seed), tuple(dims), True)
    m = MPS.from_dense(psi, max_bond=chi)
    assert abs(np.linalg.norm(m.to_dense() - psi) ** 2 - m.discarded_weight) < 1e-10


@given(dims=dims_strategy, seed=st.integers(0, 2**31 - 1), chi=st.integers(1, 4))
def test_law_amplitudes_and_overlap(dims, seed, chi):
    rng = np.random.default_rng(seed)
    a = MPS.from_dense(random_tensor(rng, tuple(dims), True), max_bond=chi)
    b = MPS.from_dense(random_tensor(rng, tuple(dims), False))
    dense = a.to_dense()
    configs = rng.integers(0, dims, size=(7, len(dims)))
    np.testing.assert_allclose(a.amplitudes(configs), dense[tuple(configs.T)], atol=1e-12)
    assert abs(a.overlap(b) - np.vdot(dense, b.to_dense())) < 1e-11


# -- bad input -------------------------------------------------------------------------------
def test_bad_cores():
    with pytest.raises(TypeError, match="cores must be a list"):
        MPS(np.zeros((1, 2, 1)))
    with pytest.raises(ValueError, match="cores is empty"):
        MPS([])
    with pytest.raises(ValueError, match=r"cores\[1\] must have 3 axes"):
        MPS([np.zeros((1, 2, 2)), np.zeros((2, 2))])
    with pytest.raises(ValueError, match=r"cores\[0\] must have left dimension 1"):
        MPS([np.zeros((2, 2, 1))])
    with pytest.raises(ValueError, match=r"cores\[1\] must have right dimension 1"):
        MPS([np.zeros((1, 2, 2)), np.zeros((2, 2, 2))])
    with pytest.raises(ValueError, match="bond 0 does not match"):
        MPS([np.zeros((1, 2, 3)), np.zeros((2, 2, 1))])
    with pytest.raises(TypeError, match=r"cores\[0\] must hold numbers"):
        MPS([np.array([[["a"]]])])
    with pytest.raises(ValueError, match="empty axis"):
        MPS([np.zeros((1, 0, 1))])
    with pytest.raises(ValueError, match="discarded_weight must be"):
        MPS([np.ones((1, 2, 1))], discarded_weight=-1)


def test_bad_from_dense():
    with pytest.raises(ValueError, match="psi must have at least 1 axes"):
        MPS.from_dense(3.0)
    with pytest.raises(ValueError, match="zero tensor"):
        MPS.from_dense(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="psi is empty"):
        MPS.from_dense(np.zeros((2, 0)))
    with pytest.raises(ValueError, match="max_bond must be >= 1"):
        MPS.from_dense(np.ones((2, 2)), max_bond=0)
    with pytest.raises(TypeError, match="max_bond must be an integer"):
        MPS.from_dense(np.ones((2, 2)), max_bond=2.5)
    with pytest.raises(ValueError, match=r"cutoff must be a number in \[0, 1\)"):
        MPS.from_dense(np.ones((2, 2)), cutoff=-0.1)
    with pytest.raises(TypeError, match="psi must hold numbers"):
        MPS.from_dense(np.array(["a", "b"]))


def test_bad_random():
    with pytest.raises(ValueError, match="N must be >= 1"):
        MPS.random(0, 2, 2, rng=0)
    with pytest.raises(ValueError, match="chi must be >= 1"):
        MPS.random(3, 2, 0, rng=0)
    with pytest.raises(TypeError, match="rng is required"):
        MPS.random(3, 2, 2, rng=None)


def test_bad_methods():
    m = MPS.random(4, 2, 2, rng=0)
    with pytest.raises(ValueError, match="center must be in 0..3"):
        m.canonicalize(4)
    with pytest.raises(ValueError, match="center must be >= 0"):
        m.canonicalize(-1)
    with pytest.raises(ValueError, match=r"configs must have shape \(B, N=4\)"):
        m.amplitudes(np.zeros((3, 5), dtype=int))
    with pytest.raises(ValueError, match="configs must hold values in 0..1"):
        m.amplitudes(np.full((1, 4), 2))
    mixed = MPS([np.ones((1, 3, 1)), np.ones((1, 2, 1))])
    with pytest.raises(ValueError, match="configs column 1 must hold values in 0..1"):
        mixed.amplitudes([[2, 2]])
    with pytest.raises(TypeError, match="other must be an MPS"):
        m.overlap(m.to_dense())
    with pytest.raises(ValueError, match="other has phys_dims"):
        m.overlap(MPS.random(5, 2, 2, rng=0))
    with pytest.raises(ValueError, match="base must be positive"):
        m.entropies(base=1)
    with pytest.raises(ValueError, match="zero state"):
        MPS([np.zeros((1, 2, 1)), np.zeros((1, 2, 1))]).entropies()
    with pytest.raises(ValueError, match="rows has axis 4, out of range"):
        m.min_cut([4])
    big = MPS([np.ones((1, 2, 1))] * 27)
    with pytest.raises(ValueError, match="refusing to build a dense MPS contraction"):
        big.to_dense()


@pytest.mark.parametrize("t, bad", [(0, np.nan), (1, np.inf), (2, complex(np.nan, 0))])
def test_cores_with_nan_or_inf_are_refused(t, bad):
    # before: accepted, then nan entropies, nan to_dense or an SVD LinAlgError later
    cores = [c.astype(complex) for c in MPS.random(3, 2, 2, rng=0).cores]
    cores[t][0, 1, 0] = bad
    with pytest.raises(ValueError, match=rf"cores\[{t}\] has nan or inf entries"):
        MPS(cores)


def test_from_dense_refuses_inf_and_complex_nan():
    for bad in (np.inf, -np.inf, complex(0, np.nan)):
        psi = np.ones((2, 2, 2), dtype=complex)
        psi[1, 0, 1] = bad
        with pytest.raises(ValueError, match="psi has nan or inf entries"):
            MPS.from_dense(psi)


@pytest.mark.parametrize("w, exc", [(True, TypeError), (np.True_, TypeError), ("a", TypeError), (None, TypeError),
                                    ([0.1], TypeError), (np.inf, ValueError), (np.nan, ValueError)])
def test_discarded_weight_must_be_a_finite_non_negative_number(w, exc):
    cores = MPS.random(3, 2, 2, rng=0).cores
    with pytest.raises(exc, match="discarded_weight must be a finite number >= 0"):
        MPS(cores, discarded_weight=w)
    assert MPS(cores, discarded_weight=np.float32(0.25)).discarded_weight == 0.25


def test_random_refuses_a_huge_core_before_drawing():
    # chi=10**6 at N=40, d=2: core 13 would be 2**13 x 2 x 2**14 (min(chi, 2**(t+1), 2**(N-t-1)))
    with pytest.raises(ValueError, match=r"random MPS core 13 of 268,435,456 entries \(shape 8192 x 2 x 16384\)"):
        MPS.random(40, 2, 10**6, rng=0)


def test_random_refuses_cores_too_big_together():
    # every core of MPS.random(30, 2, 3000) is at most 3000 x 2 x 3000 = 18e6 entries (below the limit), but
    # together they hold sum_t left_t * 2 * right_t entries
    bonds = [1] + [min(3000, 2 ** (t + 1), 2 ** (30 - t - 1)) for t in range(29)] + [1]
    total = sum(bonds[t] * 2 * bonds[t + 1] for t in range(30))
    assert max(bonds) ** 2 * 2 <= tl.MAX_DENSE_ENTRIES < total
    with pytest.raises(ValueError, match=rf"set of 30 random MPS cores of {total:,} entries"):
        MPS.random(30, 2, 3000, rng=0)


@pytest.mark.parametrize("N, d, chi", [(6, 2, 10**9), (12, 3, 5), (9, 1, 4), (7, 2, 1), (50, 2, 7)])
def test_random_bond_dims_are_min_of_chi_and_both_sides(N, d, chi):
    m = MPS.random(N, d, chi, rng=1)
    assert m.bond_dims == tuple(min(chi, d ** (t + 1), d ** (N - t - 1)) for t in range(N - 1))
    assert m.norm() == pytest.approx(1.0, abs=1e-12)
    assert all(np.isfinite(c).all() for c in m.cores)


@pytest.mark.parametrize("rows", [{0: 1}, "01"])
def test_min_cut_refuses_rows_as_a_dict_or_string(rows):
    with pytest.raises(TypeError, match="rows must be a sequence of axis indices"):
        MPS.random(4, 2, 2, rng=0).min_cut(rows)


def test_exact_mps_refuses_floating_point_methods_by_name():
    mps = MPS.random(5, 2, 3, rng=0, p=tl.PRIME)
    assert mps.to_dense().dtype == np.int64 and mps.p == tl.PRIME
    for call in (lambda: mps.canonicalize(0), lambda: mps.overlap(mps), lambda: mps.entropies()):
        with pytest.raises(ValueError, match="works in floating point; this MPS is exact mod p"):
            call()


def test_score_needs_one_physical_dimension():
    mixed = MPS([np.ones((1, 2, 1)), np.ones((1, 3, 1))])
    with pytest.raises(ValueError, match=r"score needs one local dimension for every input, this MPS has \(2, 3\)"):
        mixed.score(np.ones((1, 2, 2)))


def test_chi_for_params_is_the_largest_bond_a_budget_buys():
    """Against the weights of MPS.random itself, chi by chi."""
    for N, d, budget in [(12, 2, 100), (16, 2, 482), (7, 3, 500), (5, 3, 10**6), (6, 1, 9), (3, 4, 12)]:
        chi = tl.MPS.chi_for_params(N, d, budget)
        weights = lambda c: tl.MPS.random(N, d, c, rng=0, p=tl.PRIME).n_params  # noqa: E731
        assert weights(chi) <= budget
        # one more costs too much, or nothing grows past chi = d^(N//2), the largest bond of N sites
        assert weights(chi + 1) > budget or (chi == d ** (N // 2) and weights(chi + 1) == weights(chi))
    with pytest.raises(ValueError, match=r"n_params=11 buys no MPS of N=6 sites of dimension d=2: chi = 1 already "
                                         r"has N d = 12 weights"):
        tl.MPS.chi_for_params(6, 2, 11)
