"""The shallow ConvAC is a CP decomposition: against one einsum, the CP contraction, exact
ranks mod p, and the star graph whose one delta a cut may split."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tnlite as tl
from tnlite import CP, ShallowConvAC, one_hot
from _convac_refs import einsum_reference


@given(st.integers(2, 7), st.integers(1, 3), st.integers(1, 6), st.integers(0, 2**16))
def test_shallow_convac_is_cp_with_rank_min_r_and_sides(N, M, r, seed):
    net = ShallowConvAC.random(N, M, r, rng=seed)
    A = net.coefficient_tensor()
    scale = np.abs(A).max()
    np.testing.assert_allclose(A, einsum_reference(net), atol=1e-12 * scale)
    cp = net.to_cp()
    np.testing.assert_allclose(cp.to_dense(), A, atol=1e-12 * scale)
    configs = np.random.default_rng(seed).integers(0, M, (10, N))
    np.testing.assert_allclose(cp.amplitudes(configs), A[tuple(configs.T)], atol=1e-12 * scale)
    assert cp.n_params == net.n_params == N * M * r + r
    for rows in ([0], list(range(N // 2)), list(range(0, N, 2))):
        expected = min(r, M ** len(rows), M ** (N - len(rows)))
        assert net.min_cut(rows).rank_bound == expected == cp.min_cut(rows).rank_bound
        assert tl.schmidt_rank(A, rows) == expected


def test_shallow_rank_exact_mod_p_at_n16():
    net = ShallowConvAC.random(16, 2, 50, rng=7, p=tl.PRIME)
    A = net.coefficient_tensor()
    for rows in (range(8), range(0, 16, 2), [0, 1, 2, 3, 4], [3]):
        rows = list(rows)
        assert tl.rank_mod_p(A, rows) == min(50, 2 ** len(rows), 2 ** (16 - len(rows))) == net.min_cut(rows).rank_bound
    assert np.array_equal(net.to_cp().to_dense(), A)


def test_shallow_to_tree_and_n64_cp_amplitudes():
    net = ShallowConvAC.random(8, 3, 4, rng=1)
    np.testing.assert_allclose(net.to_tree().to_dense(), net.coefficient_tensor(), atol=1e-12)
    big = ShallowConvAC.random(64, 2, 5, rng=2)
    configs = np.random.default_rng(0).integers(0, 2, (300, 64))
    s = big.score(one_hot(configs, 2))
    np.testing.assert_allclose(big.to_cp().amplitudes(configs), s, rtol=1e-10)
    np.testing.assert_allclose(big.to_tree().amplitudes(configs), s, rtol=1e-9)


def test_the_shallow_graph_is_a_star_whose_delta_a_cut_splits():
    net = ShallowConvAC.random(4, 2, 3, rng=0)
    edges, legs, deltas = net.graph()
    assert deltas == {("delta", 1, 0): 3}
    assert sorted(edges) == sorted([(("W", 0, j), ("delta", 1, 0), 3) for j in range(4)]
                                   + [(("delta", 1, 0), ("out",), 3)])
    cut = net.min_cut([1, 2])  # min(r = 3, M^2 = 4): the delta splits
    assert cut.rank_bound == 3 and cut.edges == ((("delta", 1, 0), "split", 3),)
    assert tl.min_cut(edges, legs, [1, 2]).rank_bound == 4  # unsplittable, a graph cut pays M^2


def test_cp_mod_p_refuses_non_integer_factors_instead_of_truncating():
    F = np.array([[0.4, 1.7], [1.0, 2.0]])
    with pytest.raises(TypeError, match=r"factors\[0\] must hold integers for exact arithmetic mod p"):
        CP([F] * 3, np.array([1, 2]), p=tl.PRIME)
    with pytest.raises(TypeError, match=r"factors\[0\] must hold integers .* got dtype complex128"):
        CP([F.astype(int) + 1j] * 3, np.array([1, 2]), p=tl.PRIME)
    with pytest.raises(TypeError, match=r"weights must hold integers for exact arithmetic mod p"):
        CP([F.astype(int)] * 3, np.array([1.5, 2.0]), p=tl.PRIME)
    # the one mod-p rule of every class: whole numbers in a float array are their residues
    as_floats = CP([F.astype(int).astype(float)] * 3, np.array([1.0, 2.0]), p=tl.PRIME)
    np.testing.assert_array_equal(as_floats.to_dense(), CP([F.astype(int)] * 3, np.array([1, 2]), p=tl.PRIME).to_dense())
    G = [np.array([[3, -1], [2, 5]]), np.array([[1, 4], [7, 2]])]
    cp = CP(G, np.array([2, -3]), p=7)
    expect = sum(w * np.outer(G[0][:, k], G[1][:, k]) for k, w in enumerate([2, -3])) % 7
    np.testing.assert_array_equal(cp.to_dense(), expect)
