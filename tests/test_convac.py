"""ConvAC against independent computations: einsum with repeated indices as delta tensors,
a per-sample forward pass written out, the tree and CP contractions, exact ranks mod p,
and the closed form of PAPER.md section 5 for interleaved partitions."""
import math
import string
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, strategies as st

import tnlite as tl
from tnlite.convac import CP, ConvAC, gaussian_features, one_hot


# ------------------------------------------------------------------ references
def full_layers(net):
    """Per-position weights: shared layers repeated, as plain lists of matrices."""
    out = []
    for l, W in enumerate(net.layers):
        n = net.N if net.shallow else net.N >> l
        out.append([W] * n if W.ndim == 2 else list(W))
    return out


def einsum_reference(net):
    """The coefficient tensor as one einsum: product pooling = a letter shared by siblings."""
    letters = iter(string.ascii_letters)
    N, L = net.N, net.L
    d = [next(letters) for _ in range(N)]
    Ws = full_layers(net)
    if net.shallow:
        k = next(letters)
        subs = [k + d[j] for j in range(N)] + [k]
        ops = Ws[0] + [net.w_out]
    else:
        chan = {(l, k): next(letters) for l in range(L) for k in range((N >> l) // 2)}
        subs, ops = [], []
        for l in range(L):
            for i in range(N >> l):
                subs.append(chan[(l, i // 2)] + (d[i] if l == 0 else chan[(l - 1, i)]))
                ops.append(Ws[l][i])
        subs.append(chan[(L - 1, 0)])
        ops.append(net.w_out)
    return np.einsum(",".join(subs) + "->" + "".join(d), *ops, optimize=True)


def naive_score(net, x):
    """One sample x (N, M), vectors in a Python list, written straight from PAPER.md section 3."""
    Ws = full_layers(net)
    v = [Ws[0][j] @ x[j] for j in range(net.N)]
    if net.shallow:
        return float(np.prod(v, axis=0) @ net.w_out)
    for l in range(1, net.L):
        v = [Ws[l][i] @ (v[2 * i] * v[2 * i + 1]) for i in range(len(v) // 2)]
    return float(net.w_out @ (v[0] * v[1]))


def contract_features(A, x):
    """sum_d A[d] prod_j x[j, d_j] by contracting one axis at a time."""
    for j in range(x.shape[0]):
        A = np.tensordot(x[j], A, axes=([0], [0]))
    return float(A)


def interleaved(N, k):
    """Alternating blocks of 2**k sites: the blocks starting at 0, 2**(k+1), ... form P."""
    return [j for j in range(N) if (j >> k) % 2 == 0]


def closed_form_rank(N, M, widths, k):
    """PAPER.md section 5: f(0) = min(M, r_0), f(k) = min(r_(k-1), r_k, f(k-1)**2)."""
    f = min(M, widths[0])
    for i in range(1, k + 1):
        f = min(widths[i - 1], widths[i], f * f)
    return f ** (N // 2 ** (k + 1))


@st.composite
def deep_nets(draw, exact=False, allow_shared=True, sizes=(2, 4, 8, 16)):
    N = draw(st.sampled_from(sizes))
    M = 2 if N == 16 else draw(st.integers(1, 3))
    widths = draw(st.lists(st.integers(1, 4), min_size=N.bit_length() - 1, max_size=N.bit_length() - 1))
    shared = draw(st.booleans()) if allow_shared else False
    seed = draw(st.integers(0, 2**16))
    return ConvAC.random(N, M, widths, rng=seed, shared=shared, p=tl.PRIME if exact else None)


# ------------------------------------------------------------------ equivalences
@given(deep_nets())
def test_deep_coefficient_tensor_equals_einsum_tree_and_scores(net):
    A = net.coefficient_tensor()
    assert A.shape == (net.M,) * net.N
    scale = np.abs(A).max()
    np.testing.assert_allclose(A, einsum_reference(net), atol=1e-12 * scale)
    np.testing.assert_allclose(net.to_tree().to_dense(), A, atol=1e-12 * scale)
    rng = np.random.default_rng(0)
    configs = rng.integers(0, net.M, size=(20, net.N))
    np.testing.assert_allclose(net.amplitudes(configs), A[tuple(configs.T)], atol=1e-12 * scale)
    np.testing.assert_allclose(net.score(one_hot(configs, net.M)), A[tuple(configs.T)], atol=1e-12 * scale)
    X = rng.standard_normal((3, net.N, net.M))
    expected = [naive_score(net, x) for x in X]
    np.testing.assert_allclose(net.score(X), expected, rtol=1e-10, atol=1e-12 * np.abs(expected).max())
    np.testing.assert_allclose([contract_features(A, x) for x in X], expected, rtol=1e-9, atol=1e-11 * np.abs(expected).max())


@given(deep_nets(exact=True))
def test_exact_coefficient_tensor_is_the_float_one_mod_p(net):
    p = net.p
    A = net.coefficient_tensor()
    assert A.dtype == np.int64 and A.min() >= 0 and A.max() < p
    # the same integers in exact Python arithmetic, reduced at the end
    if net.N <= 8:
        obj = SimpleNamespace(N=net.N, L=net.L, shallow=False, layers=[W.astype(object) for W in net.layers],
                              w_out=net.w_out.astype(object))
        assert np.array_equal(A, (einsum_reference(obj) % p).astype(np.int64))
    configs = np.random.default_rng(1).integers(0, net.M, size=(10, net.N))
    assert np.array_equal(net.amplitudes(configs), A[tuple(configs.T)])
    assert np.array_equal(net.score(one_hot(configs, net.M).astype(np.int64)), A[tuple(configs.T)])


def test_score_chunks_big_batches_and_shared_equals_repeated_weights():
    net = ConvAC.random(8, 3, (4, 2, 3), rng=5, shared=True)
    full = ConvAC([np.broadcast_to(W, (8 >> l,) + W.shape).copy() for l, W in enumerate(net.layers)], net.w_out)
    X = np.random.default_rng(2).standard_normal((1300, 8, 3))  # more than one chunk of 512
    np.testing.assert_allclose(net.score(X), full.score(X), rtol=1e-12)
    np.testing.assert_allclose(net.score(X)[[0, 700, 1299]], [naive_score(full, X[i]) for i in (0, 700, 1299)], rtol=1e-10)
    assert net.shared and not full.shared
    assert net.n_params == 4 * 3 + 2 * 4 + 3 * 2 + 3
    assert full.n_params == 8 * 4 * 3 + 4 * 2 * 4 + 2 * 3 * 2 + 3


def test_random_weights_keep_scores_order_one_at_depth_six():
    net = ConvAC.random(64, 2, (4, 4, 4, 4, 4, 4), rng=0)
    s = net.score(one_hot(np.random.default_rng(0).integers(0, 2, (2000, 64)), 2))
    assert 0.1 < np.sqrt(np.mean(s**2)) < 10  # second moment ~1 by construction


def test_n64_tree_amplitudes_equal_scores_on_one_hot_inputs():
    net = ConvAC.random(64, 2, (2, 3, 4, 3, 2, 3), rng=3)
    configs = np.random.default_rng(4).integers(0, 2, size=(500, 64))
    s = net.score(one_hot(configs, 2))
    np.testing.assert_allclose(net.to_tree().amplitudes(configs), s, rtol=1e-9, atol=1e-14 * np.abs(s).max())
    np.testing.assert_allclose(net.amplitudes(configs), s, rtol=1e-9, atol=1e-14 * np.abs(s).max())
    with pytest.raises(ValueError, match="refusing to build a dense ConvAC coefficient tensor"):
        net.coefficient_tensor()


# ------------------------------------------------------------------ shallow = CP
@given(st.integers(2, 7), st.integers(1, 3), st.integers(1, 6), st.integers(0, 2**16))
def test_shallow_convac_is_cp_with_rank_min_r_and_sides(N, M, r, seed):
    net = ConvAC.random_shallow(N, M, r, rng=seed)
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
    net = ConvAC.random_shallow(16, 2, 50, rng=7, p=tl.PRIME)
    A = net.coefficient_tensor()
    for rows in (range(8), range(0, 16, 2), [0, 1, 2, 3, 4], [3]):
        rows = list(rows)
        assert tl.rank_mod_p(A, rows) == min(50, 2 ** len(rows), 2 ** (16 - len(rows))) == net.min_cut(rows).rank_bound
    assert np.array_equal(net.to_cp().to_dense(), A)


def test_shallow_to_tree_and_n64_cp_amplitudes():
    net = ConvAC.random_shallow(8, 3, 4, rng=1)
    np.testing.assert_allclose(net.to_tree().to_dense(), net.coefficient_tensor(), atol=1e-12)
    big = ConvAC.random_shallow(64, 2, 5, rng=2)
    configs = np.random.default_rng(0).integers(0, 2, (300, 64))
    s = big.score(one_hot(configs, 2))
    np.testing.assert_allclose(big.to_cp().amplitudes(configs), s, rtol=1e-10)
    np.testing.assert_allclose(big.to_tree().amplitudes(configs), s, rtol=1e-9)


# ------------------------------------------------------------------ ranks and min cuts
def test_paper_example_left_right_rank_is_3_not_5():
    net = ConvAC.random(8, 2, (2, 3, 5), rng=0)
    cut = net.min_cut(range(4))
    assert cut.rank_bound == 3
    assert [e[2] for e in cut.edges] == [3]  # the conv's input leg, not its output (5)
    assert tl.schmidt_rank(net.coefficient_tensor(), range(4)) == 3


@given(deep_nets(allow_shared=False, sizes=(2, 4, 8)), st.data())
def test_float_rank_equals_min_cut_for_generic_weights(net, data):
    """Orthonormal random weights are generic; at N <= 8 float ranks are clear (N = 16: exact test).

    Unshared weights only: sharing is not generic (see the next test)."""
    A = net.coefficient_tensor()
    N = net.N
    mixed = data.draw(st.lists(st.integers(0, N - 1), min_size=1, max_size=N - 1, unique=True))
    for rows in (list(range(N // 2)), interleaved(N, 0), mixed):
        assert tl.schmidt_rank(A, rows) == net.min_cut(rows).rank_bound, rows


def test_shared_weights_are_not_generic_a_window_is_symmetric():
    """With one conv per layer, v0 * v1 is symmetric in (x_0, x_1): the block {0, 1} can carry
    at most the symmetric dimension M (M + 1) / 2 = 3 < 4 = its min cut."""
    net = ConvAC.random(4, 2, (4, 4), rng=0, shared=True)
    A = net.coefficient_tensor()
    np.testing.assert_allclose(A, A.transpose(1, 0, 2, 3), atol=1e-12 * np.abs(A).max())
    assert tl.schmidt_rank(A, [0, 1]) == 3 < net.min_cut([0, 1]).rank_bound == 4
    unshared = ConvAC.random(4, 2, (4, 4), rng=0)
    assert tl.schmidt_rank(unshared.coefficient_tensor(), [0, 1]) == 4


@pytest.mark.parametrize("widths", [(2, 3, 4, 5), (4, 2, 3, 2), (2, 4, 4, 1), (3, 3, 3, 3)])
def test_exact_rank_equals_min_cut_at_n16(widths):
    net = ConvAC.random(16, 2, widths, rng=11, p=tl.PRIME)
    A = net.coefficient_tensor()
    partitions = [list(range(8)), list(range(4)), interleaved(16, 0), interleaved(16, 1), interleaved(16, 2),
                  [0, 3, 5, 6, 9, 10, 12, 15], [0, 1, 2, 7, 8, 13], [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]]
    for rows in partitions:
        assert tl.rank_mod_p(A, rows) == net.min_cut(rows).rank_bound, rows


@given(st.sampled_from([2, 4, 8, 16, 32, 64]), st.integers(1, 5), st.data())
def test_min_cut_of_interleaved_partitions_matches_closed_form(N, M, data):
    L = N.bit_length() - 1
    widths = data.draw(st.lists(st.integers(1, 5), min_size=L, max_size=L))
    net = ConvAC.random(N, M, widths, rng=0)
    for k in range(L):
        assert net.min_cut(interleaved(N, k)).rank_bound == closed_form_rank(N, M, widths, k)


@pytest.mark.parametrize("widths,M", [((2, 3, 5), 2), ((3, 1, 4), 2), ((5, 5, 2), 3), ((1, 2, 2), 3)])
def test_closed_form_equals_exact_rank_at_n8(widths, M):
    net = ConvAC.random(8, M, widths, rng=2, p=tl.PRIME)
    A = net.coefficient_tensor()
    for k in range(3):
        assert tl.rank_mod_p(A, interleaved(8, k)) == closed_form_rank(8, M, widths, k)


def test_tensor_network_has_explicit_deltas_and_conv_nodes():
    net = ConvAC.random(4, 3, (2, 5), rng=0)
    edges, legs = net.tensor_network()
    assert legs == [(("W", 0, j), 3) for j in range(4)]
    assert set(edges) == {
        (("W", 0, 0), ("delta", 1, 0), 2), (("W", 0, 1), ("delta", 1, 0), 2), (("delta", 1, 0), ("W", 1, 0), 2),
        (("W", 0, 2), ("delta", 1, 1), 2), (("W", 0, 3), ("delta", 1, 1), 2), (("delta", 1, 1), ("W", 1, 1), 2),
        (("W", 1, 0), ("delta", 2, 0), 5), (("W", 1, 1), ("delta", 2, 0), 5), (("delta", 2, 0), ("out",), 5),
    }


# ------------------------------------------------------------------ representation layer
def test_one_hot_and_gaussian_features():
    X = one_hot([[0, 2, 1]], 3)
    assert X.shape == (1, 3, 3) and np.array_equal(X[0], np.eye(3)[[0, 2, 1]])
    F = gaussian_features([[0.0, 1.0]], [0.0, 0.5, 1.0])
    np.testing.assert_allclose(F[0, 0], np.exp(-np.array([0.0, 0.25, 1.0]) / (2 * 0.25)))
    assert F.shape == (1, 2, 3)
    net = ConvAC.random(2, 3, (2,), rng=0)
    assert np.isfinite(net.score(F)).all()


def test_explicit_tiny_instance_by_hand():
    # N = 2, M = 2, r = 1: A[a, b] = w * W0[0, a] * W1[0, b]
    net = ConvAC([np.array([[[1.0, 2.0]], [[3.0, 5.0]]])], np.array([2.0]))
    assert np.array_equal(net.coefficient_tensor(), 2 * np.outer([1, 2], [3, 5]))
    assert (net.N, net.M, net.L, net.widths) == (2, 2, 1, (1,))


# ------------------------------------------------------------------ bad input
def test_errors_name_the_argument_and_what_it_needs():
    with pytest.raises(ValueError, match="N must be a power of 2"):
        ConvAC.random(6, 2, (2, 2), rng=0)
    with pytest.raises(ValueError, match=r"widths has 2 entries; N=16 needs log2\(16\)=4"):
        ConvAC.random(16, 2, (2, 2), rng=0)
    with pytest.raises(ValueError, match=r"widths\[1\] must be >= 1"):
        ConvAC.random(4, 2, (2, 0), rng=0)
    net = ConvAC.random(4, 2, (2, 2), rng=0)
    with pytest.raises(ValueError, match=r"X must have shape \(B, N=4, M=2\), got \(3, 4, 3\)"):
        net.score(np.zeros((3, 4, 3)))
    with pytest.raises(ValueError, match=r"for one sample use X\[None\]"):
        net.score(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="rows has axis 4, out of range"):
        net.min_cut([0, 4])
    with pytest.raises(ValueError, match=r"configs must hold values in 0..1"):
        net.amplitudes([[0, 1, 2, 0]])
    with pytest.raises(ValueError, match="to_cp needs a shallow ConvAC"):
        net.to_cp()
    with pytest.raises(TypeError, match="rng is required"):
        ConvAC.random(4, 2, (2, 2), rng=None)
    with pytest.raises(ValueError, match=r"layers\[1\] takes 3 input channels, layer 0 gives 2"):
        ConvAC([np.ones((4, 2, 2)), np.ones((2, 2, 3))], np.ones(2))
    with pytest.raises(ValueError, match=r"layers\[1\] must have shape \(n=2"):
        ConvAC([np.ones((4, 2, 2)), np.ones((3, 2, 2))], np.ones(2))
    with pytest.raises(ValueError, match=r"w_out must have shape \(2,\)"):
        ConvAC([np.ones((4, 2, 2)), np.ones((2, 2, 2))], np.ones(3))
    with pytest.raises(ValueError, match=r"layers has 2 entries; N=8 needs log2\(8\)=3"):
        ConvAC([np.ones((4, 2, 2)), np.ones((2, 2, 2))], np.ones(2), N=8)
    with pytest.raises(TypeError, match="must hold integers for exact arithmetic"):
        ConvAC([np.ones((2, 2, 2))], np.ones(2), p=tl.PRIME)
    with pytest.raises(ValueError, match="p must be a prime"):
        ConvAC.random(4, 2, (2, 2), rng=0, p=15)
    exact = ConvAC.random(4, 2, (2, 2), rng=0, p=tl.PRIME)
    with pytest.raises(TypeError, match="X must hold integers for an exact ConvAC"):
        exact.score(np.zeros((1, 4, 2)))
    with pytest.raises(ValueError, match="to_tree works in floating point"):
        exact.to_tree()
    with pytest.raises(ValueError, match="to_tree needs a power of 2"):
        ConvAC.random_shallow(6, 2, 2, rng=0).to_tree()
    with pytest.raises(ValueError, match="N is required for a shallow ConvAC with a shared layer"):
        ConvAC([np.ones((2, 2))], np.ones(2), shallow=True)
    with pytest.raises(ValueError, match=r"factors\[1\] must have shape \(d_1, r=2\)"):
        CP([np.ones((2, 2)), np.ones((2, 3))], np.ones(2))
    with pytest.raises(ValueError, match=r"configs must have shape \(B, N\)"):
        one_hot(np.zeros(3, dtype=int), 2)
    with pytest.raises(ValueError, match="width must be a positive number"):
        gaussian_features(np.zeros((1, 2)), [0.0, 1.0], width=-1.0)


# ------------------------------------------------------------------ 2D: 2x2 pooling on a grid
def block_of(i, n_side):
    """(row, col) of quad-tree position i on an n_side x n_side grid, by recursive quadrants."""
    row = col = 0
    half = n_side // 2
    for q in reversed([(i >> (2 * b)) & 3 for b in range(max(n_side.bit_length() - 1, 0))]):
        row, col = row + (q >> 1) * half, col + (q & 1) * half
        half //= 2
    return row, col


def naive_score_2d(net, x):
    """One sample x (side*side, M) in row-major order; windows taken from the grid geometry."""
    side = net.grid[0]
    Ws = full_layers(net)
    v = {}
    for i, W in enumerate(Ws[0]):
        row, col = block_of(i, side)
        v[row, col] = W @ x[row * side + col]
    n = side
    for l in range(1, net.L + 1):
        n //= 2
        pooled = {(a, b): v[2 * a, 2 * b] * v[2 * a, 2 * b + 1] * v[2 * a + 1, 2 * b] * v[2 * a + 1, 2 * b + 1]
                  for a in range(n) for b in range(n)}
        if l == net.L:
            return float(net.w_out @ pooled[0, 0])
        v = {}
        for i, W in enumerate(Ws[l]):
            v[block_of(i, n)] = W @ pooled[block_of(i, n)]


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
    net = ConvAC.random_2d(side, M, widths, rng=seed, shared=shared)
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
    net = ConvAC.random_2d(4, 2, widths, rng=3, p=tl.PRIME)
    A = net.coefficient_tensor()
    assert np.array_equal(net.amplitudes([[1, 0] * 8]), [A[(1, 0) * 8]])
    for name, rows in grid_partitions(4).items():
        assert tl.rank_mod_p(A, rows) == net.min_cut(rows).rank_bound, name


def test_2d_a_graph_cut_would_overestimate_a_split_delta():
    """Left|right of a 4x4 grid, widths (4, 2): the top pooling window is {TL, TR, BL, BR} and
    the partition splits it {TL, BL} | {TR, BR}. A delta has rank 2 across that split; a
    graph cut through the delta's separate legs would pay 2 * 2."""
    net = ConvAC.random_2d(4, 2, (4, 2), rng=0, p=tl.PRIME)
    rows = grid_partitions(4)["left|right"]
    cut = net.min_cut(rows)
    assert cut.rank_bound == 2 == tl.rank_mod_p(net.coefficient_tensor(), rows)
    assert cut.edges == ((("delta", 2, 0), "split", 2),)
    edges, legs = net.tensor_network()
    assert tl.mincut.min_cut(edges, legs, rows).rank_bound == 4


@given(st.sampled_from([4, 8, 16, 32]), st.integers(1, 4), st.data())
def test_tree_dynamic_programme_equals_the_flow_min_cut_in_1d(N, M, data):
    L = N.bit_length() - 1
    widths = data.draw(st.lists(st.integers(1, 5), min_size=L, max_size=L))
    rows = data.draw(st.lists(st.integers(0, N - 1), min_size=1, max_size=N - 1, unique=True))
    net = ConvAC.random(N, M, widths, rng=0)
    dp, flow = net._tree_min_cut(rows), net.min_cut(rows)
    assert dp.rank_bound == flow.rank_bound
    assert math.prod(e[2] for e in dp.edges) == dp.rank_bound


def test_2d_n64_tree_amplitudes_and_errors():
    net = ConvAC.random_2d(8, 2, (2, 3, 2), rng=4)
    configs = np.random.default_rng(5).integers(0, 2, (300, 64))
    s = net.score(one_hot(configs, 2))
    np.testing.assert_allclose(net.to_tree().amplitudes(configs[:, net.order]), s, rtol=1e-9,
                               atol=1e-14 * np.abs(s).max())
    assert net.grid == (8, 8) and net.pool == 4 and net.N == 64 and net.L == 3
    checker = grid_partitions(8)["checkerboard"]
    # each of the 16 windows holds two inputs of each colour: its delta splits at cost r_0 = 2
    assert net.min_cut(checker).rank_bound == 2 ** 16
    with pytest.raises(ValueError, match="side must be a power of 2"):
        ConvAC.random_2d(6, 2, (2, 2), rng=0)
    with pytest.raises(ValueError, match=r"widths has 1 entries; a 4 x 4 grid needs log2\(4\)=2"):
        ConvAC.random_2d(4, 2, (2,), rng=0)
    with pytest.raises(ValueError, match="grid is for a deep 2D ConvAC"):
        ConvAC([np.ones((4, 2, 2))], np.ones(2), shallow=True, grid=2)
    with pytest.raises(ValueError, match=r"layers has 1 entries; grid=4 needs log2\(4\)=2"):
        ConvAC([np.ones((16, 2, 2))], np.ones(2), grid=4)


# ------------------------------------------------------------------ bad input found by fuzzing
def test_random_weights_are_refused_before_allocating(monkeypatch):
    monkeypatch.setattr("tnlite._validate.MAX_DENSE_ENTRIES", 1000)
    with pytest.raises(ValueError, match=r"conv layer 1 \(widths\[1\]=30 x widths\[0\]=30\) of 3,600 entries"):
        ConvAC.random(8, 2, (30, 30, 2), rng=0)  # layer 1: (4, 30, 30)
    with pytest.raises(ValueError, match=r"conv layer 0 \(widths\[0\]=40 x M=2\) of 1,280 entries"):
        ConvAC.random_2d(4, 2, (40, 2), rng=0)  # layer 0: (16, 40, 2)
    with pytest.raises(ValueError, match=r"r=100 x M=2\) of 1,600 entries"):
        ConvAC.random_shallow(8, 2, 100, rng=0)  # (8, 100, 2)
    assert ConvAC.random(8, 2, (4, 4, 2), rng=0).widths == (4, 4, 2)  # small ones still built


def test_coefficient_tensor_intermediates_are_guarded(monkeypatch):
    shallow = ConvAC.random_shallow(8, 2, 100, rng=0)  # A: 256 entries; each half (16, 100)
    deep = ConvAC.random(8, 2, (40, 40, 1), rng=0)  # after the first pooling: (4, 4, 40)
    cp = shallow.to_cp()
    monkeypatch.setattr("tnlite._validate.MAX_DENSE_ENTRIES", 300)
    with pytest.raises(ValueError, match=r"coefficient_tensor intermediate .* r=100\) of 1,600 entries"):
        shallow.coefficient_tensor()
    with pytest.raises(ValueError, match=r"coefficient_tensor intermediate .*widths\[1\]=40\) of 640 entries"):
        deep.coefficient_tensor()
    with pytest.raises(ValueError, match=r"CP.to_dense intermediate .* rank r=100\) of 1,600 entries"):
        cp.to_dense()
    monkeypatch.setattr("tnlite._validate.MAX_DENSE_ENTRIES", 2**26)
    np.testing.assert_allclose(cp.to_dense(), einsum_reference(shallow), atol=1e-12)


def test_to_tree_nodes_are_guarded(monkeypatch):
    net = ConvAC.random(4, 2, (12, 2), rng=0)  # level-1 nodes delta(a, b) W[c, a]: (12, 12, 2)
    monkeypatch.setattr("tnlite._validate.MAX_DENSE_ENTRIES", 200)
    with pytest.raises(ValueError, match=r"tree node .*a conv width 12\) of 288 entries"):
        net.to_tree()


def test_random_2d_lets_a_bad_width_through_and_names_the_grid_for_a_wrong_count():
    with pytest.raises(ValueError, match=r"widths\[1\] must be >= 1, got 0"):
        ConvAC.random_2d(4, 2, (2, 0), rng=0)
    with pytest.raises(TypeError, match=r"widths\[0\] must be an integer"):
        ConvAC.random_2d(4, 2, (2.5, 2), rng=0)
    with pytest.raises(ValueError, match=r"widths has 1 entries; a 4 x 4 grid needs log2\(4\)=2"):
        ConvAC.random_2d(4, 2, (2,), rng=0)
    with pytest.raises(TypeError, match="widths must be a sequence of ints, got str"):
        ConvAC.random(4, 2, "22", rng=0)


@pytest.mark.parametrize("rows, exc, match", [
    ([99], ValueError, r"rows has axis 99, out of range"),
    ([-1], ValueError, r"rows has axis -1, out of range"),
    ([0, 1, 2, 3, 7], ValueError, r"rows has axis 7, out of range"),
    ([0, 0], ValueError, r"rows repeats axis 0"),
    (1.5, TypeError, r"rows must be a sequence of axis indices"),
    ([0.5], TypeError, r"rows must hold integers"),
])
def test_tensor_network_checks_rows(rows, exc, match):
    for net in (ConvAC.random_shallow(4, 2, 3, rng=0), ConvAC.random(4, 2, (2, 2), rng=0)):
        with pytest.raises(exc, match=match):
            net.tensor_network(rows=rows)


def test_tensor_network_of_a_shallow_net_splits_the_delta_along_rows():
    edges, legs = ConvAC.random_shallow(4, 2, 3, rng=0).tensor_network(rows=[1, 2])
    sides = {u[2]: v for u, v, _ in edges if u[0] == "W"}
    assert sides == {0: ("delta", 1, 0), 1: ("delta", 1, 1), 2: ("delta", 1, 1), 3: ("delta", 1, 0)}
    assert (("delta", 1, 1), ("delta", 1, 0), 3) in edges


@pytest.mark.parametrize("make, match", [
    (lambda: ConvAC([np.zeros((2, 0, 2))], np.zeros(0)), r"layers\[0\] has shape \(2, 0, 2\), with r_0 = 0 output channels"),
    (lambda: ConvAC([np.zeros((2, 2, 0))], np.ones(2)), r"layers\[0\] has shape \(2, 2, 0\), with M = 0 representation"),
    (lambda: ConvAC([np.ones((4, 2, 2)), np.zeros((2, 0, 2))], np.zeros(0)), r"layers\[1\] has shape \(2, 0, 2\), with r_1 = 0"),
    (lambda: CP([np.ones((2, 0))] * 4, np.ones(0)), r"factors\[0\] has shape \(2, 0\), with rank r = 0"),
    (lambda: CP([np.ones((0, 3))] * 4, np.ones(3)), r"factors\[0\] has shape \(0, 3\), with d_0 = 0"),
    (lambda: CP([np.ones((2, 3))] * 4, np.ones(0)), r"weights is empty: the rank r must be >= 1"),
])
def test_zero_sizes_are_refused(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_cp_mod_p_refuses_non_integer_factors_instead_of_truncating():
    F = np.array([[0.4, 1.7], [1.0, 2.0]])
    with pytest.raises(TypeError, match=r"factors\[0\] must hold integers for exact arithmetic mod p"):
        CP([F] * 3, np.array([1, 2]), p=tl.PRIME)
    with pytest.raises(TypeError, match=r"factors\[0\] must hold integers .* got dtype complex128"):
        CP([F.astype(int) + 1j] * 3, np.array([1, 2]), p=tl.PRIME)
    with pytest.raises(TypeError, match=r"weights must hold integers for exact arithmetic mod p"):
        CP([F.astype(int)] * 3, np.array([1.0, 2.0]), p=tl.PRIME)
    G = [np.array([[3, -1], [2, 5]]), np.array([[1, 4], [7, 2]])]
    cp = CP(G, np.array([2, -3]), p=7)
    expect = sum(w * np.outer(G[0][:, k], G[1][:, k]) for k, w in enumerate([2, -3])) % 7
    np.testing.assert_array_equal(cp.to_dense(), expect)


@pytest.mark.parametrize("flag", ["yes", None, 1, 0])
def test_flags_must_be_bools(flag):
    with pytest.raises(TypeError, match="shared must be True or False"):
        ConvAC.random(4, 2, (2, 2), rng=0, shared=flag)
    with pytest.raises(TypeError, match="shared must be True or False"):
        ConvAC.random_2d(2, 2, (2,), rng=0, shared=flag)
    with pytest.raises(TypeError, match="shared must be True or False"):
        ConvAC.random_shallow(4, 2, 2, rng=0, shared=flag)
    with pytest.raises(TypeError, match="shallow must be True or False"):
        ConvAC([np.ones((4, 2, 2))], np.ones(2), shallow=flag)
    assert ConvAC.random(4, 2, (2, 2), rng=0, shared=np.True_).shared


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(width=True), TypeError, "width must be a real number"),
    (dict(width="a"), TypeError, "width must be a real number"),
    (dict(width=[1.0]), TypeError, "width must be a real number"),
    (dict(width=np.inf), ValueError, r"width must be a positive number \(finite and > 0\), got inf"),
    (dict(width=np.nan), ValueError, r"width must be a positive number \(finite and > 0\), got nan"),
    (dict(width=0.0), ValueError, r"width must be a positive number"),
])
def test_gaussian_features_width_is_checked(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        gaussian_features(np.zeros((1, 2)), [0.0, 1.0], **kwargs)


def test_gaussian_features_refuse_complex_and_skip_repeated_centres():
    with pytest.raises(TypeError, match="x must be real"):
        gaussian_features(np.zeros((1, 2)) + 1j, [0.0, 1.0])
    with pytest.raises(TypeError, match="centers must be real"):
        gaussian_features(np.zeros((1, 2)), [0.0, 1j])
    # repeated centres: the default width is the smallest spacing between distinct ones (2)
    F = gaussian_features([[1.0]], [0.0, 0.0, 2.0])
    np.testing.assert_allclose(F[0, 0], np.exp(-np.array([1.0, 1.0, 1.0]) / (2 * 2.0**2)))
