"""TreeTN against independent computations: one einsum over every tensor, dense
SVD ranks, brute-force entries."""
import itertools
import string

import numpy as np
import pytest
from hypothesis import given, strategies as st

import tnlite as tl
from tnlite.mincut import min_cut
from tnlite.tree import TreeTN, mera_graph


def einsum_all(leaves, levels):
    """Contract the whole tree in ONE np.einsum call, with a subscript string built
    from the tree's wiring (not from TreeTN's code)."""
    letters = iter(string.ascii_letters)
    N = len(leaves)
    phys = [next(letters) for _ in range(N)]
    bond = [next(letters) for _ in range(N)]  # bonds coming up from the level below
    terms, operands = [f"{p}{b}" for p, b in zip(phys, bond)], list(leaves)
    for row in levels:
        up = [next(letters) for _ in row]
        for i, t in enumerate(row):
            terms.append(bond[2 * i] + bond[2 * i + 1] + up[i])
            operands.append(t)
        bond = up
    return np.einsum(",".join(terms) + "->" + "".join(phys) + bond[0], *operands, optimize="greedy")[..., 0]


def random_cores(rng, N, d, chi):
    L = N.bit_length() - 1
    dims = [d] * N if np.isscalar(d) else list(d)
    ks = [rng.integers(1, chi + 1, size=N >> l).tolist() for l in range(L)] + [[1]]
    leaves = [rng.standard_normal((dims[j], ks[0][j])) for j in range(N)]
    levels = [
        [rng.standard_normal((ks[l - 1][2 * i], ks[l - 1][2 * i + 1], ks[l][i])) for i in range(N >> l)]
        for l in range(1, L + 1)
    ]
    return leaves, levels


@pytest.mark.parametrize("N", [2, 4, 8, 16])
def test_to_dense_matches_single_einsum(N):
    rng = np.random.default_rng(N)
    d = [2, 3] * (N // 2)
    leaves, levels = random_cores(rng, N, d, 3)
    T = TreeTN(leaves, levels)
    np.testing.assert_allclose(T.to_dense(), einsum_all(leaves, levels), rtol=1e-12, atol=1e-12)
    assert T.phys_dims == tuple(d) and T.N == N and T.L == N.bit_length() - 1
    assert T.norm() == pytest.approx(np.linalg.norm(einsum_all(leaves, levels)), rel=1e-12)
    assert T.n_params == sum(a.size for a in leaves) + sum(t.size for row in levels for t in row)
    assert T.bond_dims == [[a.shape[1] for a in leaves]] + [[t.shape[2] for t in row] for row in levels[:-1]]


def test_complex_cores_stay_complex():
    rng = np.random.default_rng(1)
    leaves, levels = random_cores(rng, 4, 2, 2)
    leaves[0] = leaves[0] * 1j
    T = TreeTN(leaves, levels)
    assert np.iscomplexobj(T.to_dense())
    np.testing.assert_allclose(T.to_dense(), einsum_all(leaves, levels), atol=1e-12)


@given(st.sampled_from([2, 4, 8]), st.sampled_from([2, 3]), st.integers(0, 2**32 - 1))
def test_from_dense_round_trip_and_ranks(N, d, seed):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((d,) * N)
    T = TreeTN.from_dense(A)
    np.testing.assert_allclose(T.to_dense(), A, atol=1e-10 * np.abs(A).max())
    assert T.discarded_weight == 0.0
    for l, row in enumerate(T.bond_dims):
        size = 2**l
        for i, k in enumerate(row):
            assert k == tl.schmidt_rank(A, range(i * size, (i + 1) * size))


def test_from_dense_structured_state_has_small_bonds():
    psi = tl.ghz_state(8)
    T = TreeTN.from_dense(psi)
    assert T.bond_dims == [[2] * 8, [2] * 4, [2] * 2]
    np.testing.assert_allclose(T.to_dense(), psi, atol=1e-12)
    prod = tl.product_state(np.random.default_rng(0).standard_normal((8, 3)))
    assert TreeTN.from_dense(prod).bond_dims == [[1] * 8, [1] * 4, [1] * 2]


def test_truncation_error_equals_discarded_weight():
    rng = np.random.default_rng(3)
    A = rng.standard_normal((2,) * 8)
    for chi in (1, 2, 3, 5):
        T = TreeTN.from_dense(A, max_bond=chi)
        assert max(max(row) for row in T.bond_dims) <= chi
        err2 = np.linalg.norm(T.to_dense() - A) ** 2 / np.linalg.norm(A) ** 2  # relative, as for MPS
        assert err2 == pytest.approx(T.discarded_weight, rel=1e-9)
        assert T.discarded_weight > 0


def test_amplitudes_equal_dense_entries():
    rng = np.random.default_rng(4)
    leaves, levels = random_cores(rng, 8, [2, 3, 2, 4, 2, 2, 3, 2], 3)
    T = TreeTN(leaves, levels)
    A = einsum_all(leaves, levels)
    configs = np.array(list(itertools.product(*[range(d) for d in T.phys_dims])))
    np.testing.assert_allclose(T.amplitudes(configs), A[tuple(configs.T)], rtol=1e-12, atol=1e-12)
    assert T.amplitudes(configs[5]).shape == (1,)


@given(st.integers(0, 2**32 - 1), st.sampled_from([4, 8]))
def test_min_cut_bounds_schmidt_rank(seed, N):
    rng = np.random.default_rng(seed)
    leaves, levels = random_cores(rng, N, 2, 3)
    T = TreeTN(leaves, levels)
    A = T.to_dense()
    rows = [j for j in range(N) if rng.random() < 0.5]
    assert tl.schmidt_rank(A, rows) <= T.min_cut(rows).rank_bound


def test_generic_rank_equals_min_cut_on_every_partition():
    T = TreeTN.random(8, 2, [2, 3, 2], rng=5)
    A = T.to_dense()
    for k in range(1, 8):
        for rows in itertools.combinations(range(8), k):
            assert tl.schmidt_rank(A, rows) == T.min_cut(rows).rank_bound, rows


def test_min_cut_known_values():
    T = TreeTN.random(8, 2, [2, 4, 3], rng=0)
    left = T.min_cut(range(4))
    assert left.rank_bound == 3 and left.edges == (((2, 0), (3, 0), 3),)
    odd = T.min_cut([1, 3, 5, 7])
    assert odd.rank_bound == 16  # four open legs (or leaf bonds) of dimension 2
    assert T.min_cut([]).rank_bound == 1


def test_random_is_normalised_and_seeded():
    T = TreeTN.random(16, 2, 3, rng=1)
    assert np.linalg.norm(T.to_dense()) == pytest.approx(1.0)
    np.testing.assert_array_equal(TreeTN.random(16, 2, 3, rng=1).leaves[3], T.leaves[3])


def test_bad_input_messages():
    rng = np.random.default_rng(0)
    leaves, levels = random_cores(rng, 4, 2, 3)
    with pytest.raises(ValueError, match="leaves has 3 entries; a binary tree needs N = a power of 2"):
        TreeTN(leaves[:3], levels)
    with pytest.raises(ValueError, match=r"levels has 1 entries; N=4 leaves need L=log2\(4\)=2 levels"):
        TreeTN(leaves, levels[:1])
    bad = [row[:] for row in levels]
    bad[0][1] = np.ones((3, 4, levels[0][1].shape[2]))
    k2, k3 = leaves[2].shape[1], leaves[3].shape[1]
    with pytest.raises(ValueError, match=rf"levels\[0\]\[1\] has shape \(3, 4, \d+\) but its children give left bond {k2} and right bond {k3}"):
        TreeTN(leaves, bad)
    bad = [row[:] for row in levels]
    bad[1][0] = np.ones(levels[1][0].shape[:2] + (2,))
    with pytest.raises(ValueError, match=r"the root levels\[1\]\[0\] must have parent bond 1"):
        TreeTN(leaves, bad)
    with pytest.raises(ValueError, match=r"leaves\[2\] must have shape \(d_j, k_j\)"):
        TreeTN(leaves[:2] + [np.ones(3)] + leaves[3:], levels)
    with pytest.raises(ValueError, match=r"levels\[0\] must hold 2 nodes"):
        TreeTN(leaves, [levels[0][:1], levels[1]])
    with pytest.raises(TypeError, match="leaves must be a list of arrays"):
        TreeTN(np.ones((4, 2, 2)), levels)
    with pytest.raises(ValueError, match="must be a power of 2"):
        TreeTN.from_dense(np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="N must be a power of 2"):
        TreeTN.random(6, 2, 2, rng=0)
    with pytest.raises(ValueError, match="max_bond must be >= 1"):
        TreeTN.from_dense(np.ones((2, 2)), max_bond=0)
    with pytest.raises(ValueError, match=r"chi has 3 entries; N=4 needs one per level"):
        TreeTN.random(4, 2, [2, 2, 2], rng=0)
    T = TreeTN(leaves, levels)
    with pytest.raises(ValueError, match=r"configs must have shape \(B, N=4\), got \(2, 3\)"):
        T.amplitudes(np.zeros((2, 3), dtype=int))
    with pytest.raises(ValueError, match=r"configs must hold values in 0..1"):
        T.amplitudes(np.full((1, 4), 2))
    with pytest.raises(ValueError, match=r"rows has axis 4, out of range"):
        T.min_cut([4])


def test_to_dense_is_guarded(monkeypatch):
    monkeypatch.setattr("tnlite._validate.MAX_DENSE_ENTRIES", 100)
    T = TreeTN.random(8, 2, 2, rng=0)
    with pytest.raises(ValueError, match="refusing to build a dense tree tensor of 256 entries"):
        T.to_dense()
    assert T.amplitudes(np.zeros((3, 8), dtype=int)).shape == (3,)  # amplitudes never go dense


def test_mera_graph_wiring_and_log_law():
    edges, legs, _ = mera_graph(16, chi=3, d=2)
    assert len(legs) == 16 and all(dim == 2 for _, dim in legs)
    degree = {}
    for u, v, dim in edges:
        for node in (u, v):
            degree[node] = degree.get(node, 0) + 1
    for node, _ in legs:
        degree[node] = degree.get(node, 0) + 1
    # a disentangler has 4 legs, an isometry 3 (2 in, 1 out), the top tensor 2
    top = ("w", 3, 0)
    assert degree.pop(top) == 2
    assert {node[0] for node in degree if degree[node] == 4} == {"u"}
    assert {node[0] for node in degree if degree[node] == 3} == {"w"}
    assert sum(1 for n in degree if n[0] == "u") == 7 + 3 + 1 and sum(1 for n in degree if n[0] == "w") == 8 + 4 + 2
    # log law: an aligned block of l = 2**k sites in a large MERA is cut through 2 log2(l) bonds
    edges, legs, _ = mera_graph(256, chi=2, d=2)
    for k in range(2, 8):
        assert min_cut(edges, legs, range(64, 64 + 2**k)).rank_bound == 2 ** (2 * k)


def test_from_dense_complex_and_mixed_dims():
    psi = tl.random_state(8, 2, rng=1)  # complex Haar state
    T = TreeTN.from_dense(psi, max_bond=3)
    assert np.linalg.norm(T.to_dense() - psi) ** 2 == pytest.approx(T.discarded_weight, rel=1e-9)
    assert T.norm() ** 2 == pytest.approx(1 - T.discarded_weight, rel=1e-9)  # the tree is a projection of psi
    A = np.random.default_rng(2).standard_normal((2, 3, 2, 4))
    T = TreeTN.from_dense(A)
    assert T.phys_dims == (2, 3, 2, 4) and T.bond_dims == [[2, 3, 2, 4], [6, 6]]
    np.testing.assert_allclose(T.to_dense(), A, atol=1e-12)


# -- bad input found by fuzzing ---------------------------------------------------------------
@pytest.mark.parametrize("chi", [2.0, 2.5, None, True, np.nan, "22", np.array(2)])
def test_random_chi_must_be_an_int_or_a_sequence_of_ints(chi):
    with pytest.raises(TypeError, match=r"chi must be an int or a sequence of 2 ints \(one per level\)"):
        TreeTN.random(4, 2, chi, rng=0)


def test_random_chi_per_level():
    with pytest.raises(TypeError, match=r"chi\[1\] must be an integer"):
        TreeTN.random(4, 2, [2, 2.0], rng=0)
    T = TreeTN.random(4, 2, (np.int64(2), 3), rng=0)
    assert T.bond_dims == [[2, 2, 2, 2], [3, 3]]
    assert TreeTN.random(4, 2, np.int64(2), rng=0).bond_dims == [[2, 2, 2, 2], [2, 2]]


def test_random_cores_are_refused_before_allocating(monkeypatch):
    monkeypatch.setattr("tnlite._validate.MAX_DENSE_ENTRIES", 1000)
    with pytest.raises(ValueError, match=r"random node of level 1 \(chi\[0\]=12 squared x chi\[1\]=12\) of 1,728 entries"):
        TreeTN.random(4, 2, 12, rng=0)
    with pytest.raises(ValueError, match=r"random leaf \(d=2000 x chi\[0\]=1\)"):
        TreeTN.random(4, 2000, 1, rng=0)
    # each core is tiny, but N = 256 leaves of 2 x 2 alone make 1,024 entries
    with pytest.raises(ValueError, match=r"set of random cores \(N=256, d=2, chi=\(2, 2, 2, 2, 2, 2, 2, 2\)\)"):
        TreeTN.random(256, 2, 2, rng=0)
    assert TreeTN.random(4, 2, 3, rng=0).n_params == 4 * 2 * 3 + 2 * 27 + 9


@pytest.mark.parametrize("dw, exc", [(-1, ValueError), (np.nan, ValueError), (np.inf, ValueError),
                                     (True, TypeError), ("a", TypeError), (None, TypeError)])
def test_discarded_weight_must_be_a_finite_number_at_least_zero(dw, exc):
    leaves, levels = random_cores(np.random.default_rng(0), 4, 2, 2)
    with pytest.raises(exc, match="discarded_weight must be a finite number >= 0"):
        TreeTN(leaves, levels, discarded_weight=dw)
    assert TreeTN(leaves, levels, discarded_weight=np.float32(0.25)).discarded_weight == 0.25


def test_mera_graph_refuses_a_huge_n(monkeypatch):
    monkeypatch.setattr("tnlite.tree._MAX_MERA_N", 16)
    with pytest.raises(ValueError, match=r"N=32 is too large for mera_graph"):
        mera_graph(32, 2)
    assert len(mera_graph(16, 2)[1]) == 16


def test_from_dense_cutoff_drops_small_singular_values_and_reports_their_weight():
    A = tl.random_state(8, 2, rng=3, real=True)
    exact = TreeTN.from_dense(A)
    cut = TreeTN.from_dense(A, cutoff=1e-3)
    assert sum(map(sum, cut.bond_dims)) < sum(map(sum, exact.bond_dims))
    err = np.linalg.norm(A - cut.to_dense()) ** 2 / np.linalg.norm(A) ** 2
    assert cut.discarded_weight > 0 and err == pytest.approx(cut.discarded_weight, rel=1e-9)
    # every kept value at the leaves clears the cutoff: the leaf's Schmidt values, computed directly
    s = tl.schmidt_values(A, [0])
    assert cut.bond_dims[0][0] == max(1, int(np.sum(s**2 >= 1e-3)))
    with pytest.raises(ValueError, match=r"cutoff must be a number in \[0, 1\)"):
        TreeTN.from_dense(A, cutoff=1.0)


def test_exact_tree_refuses_floating_point_methods():
    tree = TreeTN.random(4, 2, 2, rng=0, p=tl.PRIME)
    assert tree.to_dense().dtype == np.int64
    with pytest.raises(ValueError, match="norm works in floating point"):
        tree.norm()
