"""The deep 1D ConvAC against independent computations: einsum with repeated indices as
delta tensors, a per-sample forward pass written out, the tree contraction, exact ranks
mod p, and the closed form for interleaved partitions (docs/science.md)."""
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, strategies as st

import tnlite as tl
from tnlite import CP, ConvAC, ConvAC2D, ShallowConvAC, gaussian_features, one_hot
from _convac_refs import contract_features, einsum_reference, naive_score


@st.composite
def deep_nets(draw, exact=False, allow_shared=True, sizes=(2, 4, 8, 16)):
    N = draw(st.sampled_from(sizes))
    M = 2 if N == 16 else draw(st.integers(1, 3))
    widths = draw(st.lists(st.integers(1, 4), min_size=N.bit_length() - 1, max_size=N.bit_length() - 1))
    shared = draw(st.booleans()) if allow_shared else False
    seed = draw(st.integers(0, 2**16))
    return ConvAC.random(N, M, widths, rng=seed, shared=shared, p=tl.PRIME if exact else None)


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


def test_paper_example_left_right_rank_is_3_not_5():
    net = ConvAC.random(8, 2, (2, 3, 5), rng=0)
    cut = net.min_cut(range(4))
    assert cut.rank_bound == 3
    assert [e[2] for e in cut.edges] == [3]  # the conv's input leg, not its output (5)
    assert tl.schmidt_rank(net.coefficient_tensor(), range(4)) == 3


@given(deep_nets(allow_shared=False, sizes=(2, 4, 8)), st.data())
def test_float_rank_equals_min_cut_for_generic_weights(net, data):
    """Orthonormal random weights are generic; at N <= 8 the nonzero singular values stay far
    above rounding, so a relative tolerance of 1e-10 separates them (N = 16: exact test).
    numpy's default tolerance (4 eps s_max at 4 x 4) is too tight here: a rank-1 tensor of
    widths (1, 3) shows s_2 / s_1 = 1.5e-15 from rounding in about 1 draw in 150.

    Unshared weights only: sharing is not generic (see the next test)."""
    A = net.coefficient_tensor()
    N = net.N
    mixed = data.draw(st.lists(st.integers(0, N - 1), min_size=1, max_size=N - 1, unique=True))
    for rows in (list(range(N // 2)), tl.partitions.interleaved(N, 0), mixed):
        tol = 1e-10 * tl.schmidt_values(A, rows)[0]
        assert tl.schmidt_rank(A, rows, tol=tol) == net.min_cut(rows).rank_bound, rows


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
    partitions = [list(range(8)), list(range(4)), tl.partitions.interleaved(16, 0), tl.partitions.interleaved(16, 1), tl.partitions.interleaved(16, 2),
                  [0, 3, 5, 6, 9, 10, 12, 15], [0, 1, 2, 7, 8, 13], [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]]
    for rows in partitions:
        assert tl.rank_mod_p(A, rows) == net.min_cut(rows).rank_bound, rows


@given(st.sampled_from([2, 4, 8, 16, 32, 64]), st.integers(1, 5), st.data())
def test_min_cut_of_interleaved_partitions_matches_closed_form(N, M, data):
    L = N.bit_length() - 1
    widths = data.draw(st.lists(st.integers(1, 5), min_size=L, max_size=L))
    net = ConvAC.random(N, M, widths, rng=0)
    for k in range(L):
        assert net.min_cut(tl.partitions.interleaved(N, k)).rank_bound == tl.interleaved_rank(N, M, widths, k)


@pytest.mark.parametrize("widths,M", [((2, 3, 5), 2), ((3, 1, 4), 2), ((5, 5, 2), 3), ((1, 2, 2), 3)])
def test_closed_form_equals_exact_rank_at_n8(widths, M):
    net = ConvAC.random(8, M, widths, rng=2, p=tl.PRIME)
    A = net.coefficient_tensor()
    for k in range(3):
        assert tl.rank_mod_p(A, tl.partitions.interleaved(8, k)) == tl.interleaved_rank(8, M, widths, k)


def test_graph_has_explicit_deltas_and_conv_nodes():
    net = ConvAC.random(4, 3, (2, 5), rng=0)
    edges, legs, deltas = net.graph()
    assert legs == [(("W", 0, j), 3) for j in range(4)]
    assert deltas == {("delta", 1, 0): 2, ("delta", 1, 1): 2, ("delta", 2, 0): 5}
    assert set(edges) == {
        (("W", 0, 0), ("delta", 1, 0), 2), (("W", 0, 1), ("delta", 1, 0), 2), (("delta", 1, 0), ("W", 1, 0), 2),
        (("W", 0, 2), ("delta", 1, 1), 2), (("W", 0, 3), ("delta", 1, 1), 2), (("delta", 1, 1), ("W", 1, 1), 2),
        (("W", 1, 0), ("delta", 2, 0), 5), (("W", 1, 1), ("delta", 2, 0), 5), (("delta", 2, 0), ("out",), 5),
    }


def test_explicit_tiny_instance_by_hand():
    # N = 2, M = 2, r = 1: A[a, b] = w * W0[0, a] * W1[0, b]
    net = ConvAC([np.array([[[1.0, 2.0]], [[3.0, 5.0]]])], np.array([2.0]))
    assert np.array_equal(net.coefficient_tensor(), 2 * np.outer([1, 2], [3, 5]))
    assert (net.N, net.M, net.L, net.widths) == (2, 2, 1, (1,))


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
    with pytest.raises(TypeError, match="rng is required"):
        ConvAC.random(4, 2, (2, 2), rng=None)
    with pytest.raises(ValueError, match=r"layers\[1\] takes 3 input channels, layer 0 gives 2"):
        ConvAC([np.ones((4, 2, 2)), np.ones((2, 2, 3))], np.ones(2))
    with pytest.raises(ValueError, match=r"layers\[1\] must have shape \(n=2"):
        ConvAC([np.ones((4, 2, 2)), np.ones((3, 2, 2))], np.ones(2))
    with pytest.raises(ValueError, match=r"w_out must have shape \(2,\)"):
        ConvAC([np.ones((4, 2, 2)), np.ones((2, 2, 2))], np.ones(3))
    with pytest.raises(TypeError, match="must hold integers for exact arithmetic"):
        ConvAC([np.full((2, 2, 2), 0.5)], np.ones(2), p=tl.PRIME)
    with pytest.raises(ValueError, match="p must be a prime"):
        ConvAC.random(4, 2, (2, 2), rng=0, p=15)
    exact = ConvAC.random(4, 2, (2, 2), rng=0, p=tl.PRIME)
    with pytest.raises(TypeError, match=r"X \(features of an exact ConvAC\) must hold integers"):
        exact.score(np.full((1, 4, 2), 0.5))
    with pytest.raises(ValueError, match="to_tree works in floating point"):
        exact.to_tree()
    with pytest.raises(ValueError, match="to_tree needs a power of 2"):
        ShallowConvAC.random(6, 2, 2, rng=0).to_tree()
    with pytest.raises(ValueError, match="N is required for a shallow ConvAC with a shared layer"):
        ShallowConvAC(np.ones((2, 2)), np.ones(2))
    with pytest.raises(ValueError, match=r"factors\[1\] must have shape \(d_1, r=2\)"):
        CP([np.ones((2, 2)), np.ones((2, 3))], np.ones(2))
    with pytest.raises(ValueError, match=r"configs must have shape \(B, N\)"):
        one_hot(np.zeros(3, dtype=int), 2)
    with pytest.raises(ValueError, match="width must be a positive number"):
        gaussian_features(np.zeros((1, 2)), [0.0, 1.0], width=-1.0)


def test_random_weights_are_refused_before_allocating(monkeypatch):
    monkeypatch.setattr("tnlite._validate.MAX_DENSE_ENTRIES", 1000)
    with pytest.raises(ValueError, match=r"conv layer 1 \(widths\[1\]=30 x widths\[0\]=30\) of 3,600 entries"):
        ConvAC.random(8, 2, (30, 30, 2), rng=0)  # layer 1: (4, 30, 30)
    with pytest.raises(ValueError, match=r"conv layer 0 \(widths\[0\]=40 x M=2\) of 1,280 entries"):
        ConvAC2D.random(4, 2, (40, 2), rng=0)  # layer 0: (16, 40, 2)
    with pytest.raises(ValueError, match=r"r=100 x M=2\) of 1,600 entries"):
        ShallowConvAC.random(8, 2, 100, rng=0)  # (8, 100, 2)
    assert ConvAC.random(8, 2, (4, 4, 2), rng=0).widths == (4, 4, 2)  # small ones still built


def test_coefficient_tensor_intermediates_are_guarded(monkeypatch):
    shallow = ShallowConvAC.random(8, 2, 100, rng=0)  # A: 256 entries; each half (16, 100)
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


@pytest.mark.parametrize("rows, exc, match", [
    ([99], ValueError, r"rows has axis 99, out of range"),
    ([-1], ValueError, r"rows has axis -1, out of range"),
    ([0, 1, 2, 3, 7], ValueError, r"rows has axis 7, out of range"),
    ([0, 0], ValueError, r"rows repeats axis 0"),
    (1.5, TypeError, r"rows must be a sequence of axis indices"),
    ([0.5], TypeError, r"rows must hold integers"),
])
def test_min_cut_checks_rows(rows, exc, match):
    for net in (ShallowConvAC.random(4, 2, 3, rng=0), ConvAC.random(4, 2, (2, 2), rng=0)):
        with pytest.raises(exc, match=match):
            net.min_cut(rows)


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


@pytest.mark.parametrize("flag", ["yes", None, 1, 0])
def test_flags_must_be_bools(flag):
    with pytest.raises(TypeError, match="shared must be True or False"):
        ConvAC.random(4, 2, (2, 2), rng=0, shared=flag)
    with pytest.raises(TypeError, match="shared must be True or False"):
        ConvAC2D.random(2, 2, (2,), rng=0, shared=flag)
    with pytest.raises(TypeError, match="shared must be True or False"):
        ShallowConvAC.random(4, 2, 2, rng=0, shared=flag)
    assert ConvAC.random(4, 2, (2, 2), rng=0, shared=np.True_).shared


def test_class_scores_are_one_head_per_column_of_w_out():
    net = ConvAC.random(8, 3, (2, 3, 2), rng=7, C=4)
    assert net.C == 4 and net.w_out.shape == (2, 4) and "C=4" in repr(net)
    X = np.random.default_rng(1).standard_normal((5, 8, 3))
    scores = net.score(X)
    assert scores.shape == (5, 4)
    for c in range(4):
        head = net.head(c)
        assert head.C is None
        np.testing.assert_allclose(scores[:, c], head.score(X), rtol=1e-12)
        A = head.to_dense()
        np.testing.assert_allclose(net.amplitudes([[0] * 8, [2] * 8])[:, c], [A[(0,) * 8], A[(2,) * 8]], rtol=1e-12)
    with pytest.raises(ValueError, match=r"C=4 class scores .* use head\(c\).to_dense\(\)"):
        net.to_dense()
    with pytest.raises(ValueError, match=r"c must be a class in 0..C-1 = 0..3, got 4"):
        net.head(4)
    with pytest.raises(ValueError, match=r"head\(c\) picks one of C class scores"):
        ConvAC.random(8, 3, (2, 3, 2), rng=7).head(0)
    with pytest.raises(ValueError, match=r"w_out must have shape \(2,\) for one score or \(2, C\)"):
        ConvAC(list(net.layers), np.ones((3, 2)))
    for cls, args in ((ShallowConvAC, (6, 2, 3)), (ConvAC2D, (4, 2, (2, 3)))):
        multi = cls.random(*args, rng=0, C=2)
        assert multi.score(np.ones((2, multi.N, 2))).shape == (2, 2)
        with pytest.raises(ValueError, match="use head"):
            multi.to_tree()
