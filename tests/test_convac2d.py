"""The 2D ConvAC (2x2 pooling on a grid) against a forward pass written from the grid's
geometry, its tree, and exact ranks mod p; its min cut splits order-5 deltas."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import tnlite as tl
from tnlite import ConvAC, ConvAC2D, one_hot
from _convac_refs import contract_features, naive_score_2d


def grid_partitions(side):
    j = np.arange(side * side)
    row, col = j // side, j % side
    return {
        "left|right": j[col < side // 2], "top|bottom": j[row < side // 2],
        "checkerboard": j[(row + col) % 2 == 0], "even columns": j[col % 2 == 0],
        "a 2x2 window": j[(row < 2) & (col < 2)], "window-straddling square": j[(row // 2 == 0) & (col % 4 >= 1) & (col % 4 <= 2)],
    }


@given(st.sampled_from([(2, (1, 2, 3)), (4, (1, 2))]), st.lists(st.integers(1, 4), min_size=2, max_size=2),
       st.booleans(), st.integers(0, 2**16))
def test_2d_convac_equals_grid_forward_tree_and_one_hot_scores(side_M, ws, shared, seed):
    side, Ms = side_M
    M = Ms[seed % len(Ms)]
    widths = tuple(ws[: side.bit_length() - 1])
    net = ConvAC2D.random(side, M, widths, rng=seed, shared=shared)
    A = net.coefficient_tensor()
    scale = np.abs(A).max()
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((3, side * side, M))
    expected = [naive_score_2d(net, x) for x in X]
    np.testing.assert_allclose(net.score(X), expected, rtol=1e-10, atol=1e-12 * np.abs(expected).max())
    np.testing.assert_allclose([contract_features(A, x) for x in X], expected, rtol=1e-9, atol=1e-11 * np.abs(expected).max())
    configs = rng.integers(0, M, (20, side * side))
    np.testing.assert_allclose(net.amplitudes(configs), A[tuple(configs.T)], atol=1e-12 * scale)
    np.testing.assert_allclose(net.to_tree().to_dense(), A.transpose(net.order), atol=1e-12 * scale)


@pytest.mark.parametrize("widths", [(2, 3), (4, 2), (3, 5), (1, 4)])
def test_2d_exact_rank_equals_tree_min_cut_with_delta_splits(widths):
    net = ConvAC2D.random(4, 2, widths, rng=3, p=tl.PRIME)
    A = net.coefficient_tensor()
    assert np.array_equal(net.amplitudes([[1, 0] * 8]), [A[(1, 0) * 8]])
    for name, rows in grid_partitions(4).items():
        assert tl.rank_mod_p(A, rows) == net.min_cut(rows).rank_bound, name


def test_2d_a_graph_cut_would_overestimate_a_split_delta():
    """Left|right of a 4x4 grid, widths (4, 2): the top pooling window is {TL, TR, BL, BR} and
    the partition splits it {TL, BL} | {TR, BR}. A delta has rank 2 across that split; a
    graph cut through the delta's separate legs would pay 2 * 2."""
    net = ConvAC2D.random(4, 2, (4, 2), rng=0, p=tl.PRIME)
    rows = grid_partitions(4)["left|right"]
    cut = net.min_cut(rows)
    assert cut.rank_bound == 2 == tl.rank_mod_p(net.coefficient_tensor(), rows)
    assert cut.edges == ((("delta", 2, 0), "split", 2),)
    edges, legs, deltas = net.graph()
    assert deltas[("delta", 2, 0)] == 2
    assert tl.min_cut(edges, legs, rows).rank_bound == 4  # the same graph, its deltas not splittable


def test_2d_n64_tree_amplitudes_and_errors():
    net = ConvAC2D.random(8, 2, (2, 3, 2), rng=4)
    configs = np.random.default_rng(5).integers(0, 2, (300, 64))
    s = net.score(one_hot(configs, 2))
    np.testing.assert_allclose(net.to_tree().amplitudes(configs[:, net.order]), s, rtol=1e-9,
                               atol=1e-14 * np.abs(s).max())
    assert net.grid == (8, 8) and net.pool == 4 and net.N == 64 and net.L == 3
    checker = grid_partitions(8)["checkerboard"]
    # each of the 16 windows holds two inputs of each colour: its delta splits at cost r_0 = 2
    assert net.min_cut(checker).rank_bound == 2 ** 16
    with pytest.raises(ValueError, match="side must be a power of 2"):
        ConvAC2D.random(6, 2, (2, 2), rng=0)
    with pytest.raises(ValueError, match=r"widths has 1 entries; a 4 x 4 grid needs log2\(4\)=2"):
        ConvAC2D.random(4, 2, (2,), rng=0)
    with pytest.raises(ValueError, match=r"layers\[0\] must have shape \(n=4, r_0, r_-1\)"):
        ConvAC2D([np.ones((16, 2, 2))], np.ones(2))  # one layer: a 2 x 2 grid


def test_random_2d_lets_a_bad_width_through_and_names_the_grid_for_a_wrong_count():
    with pytest.raises(ValueError, match=r"widths\[1\] must be >= 1, got 0"):
        ConvAC2D.random(4, 2, (2, 0), rng=0)
    with pytest.raises(TypeError, match=r"widths\[0\] must be an integer"):
        ConvAC2D.random(4, 2, (2.5, 2), rng=0)
    with pytest.raises(ValueError, match=r"widths has 1 entries; a 4 x 4 grid needs log2\(4\)=2"):
        ConvAC2D.random(4, 2, (2,), rng=0)
    with pytest.raises(TypeError, match="widths must be a sequence of 2 ints, got str"):
        ConvAC.random(4, 2, "22", rng=0)
