"""tnlite.reuse and deep RACs: networks that re-use their inputs, and their duplicated-input networks.

Every check compares with an independent computation: a forward pass written here with
loops over positions (float, and in exact Python integers mod p), the einsum contraction of
the duplicated-input network, exact ranks mod p against min cuts, and the paper's numbers.
"""
import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tnlite as tl
from tnlite import OverlappingConvAC, RAC

P = tl.PRIME


def forward(net, x, p=None):
    """The definition, one sample x (N, M) at a time: u^l_j = prod_k W^(l,j,k) u^(l-1)_{j+k}.

    With p: Python integers (exact, no overflow), reduced mod p at the end.
    """
    K, grid, dim = net.K, net.grid, len(net.grid)
    cast = (lambda a: a.astype(np.int64).astype(object)) if p is not None else (lambda a: a)  # noqa: E731
    u = {c: cast(x[np.ravel_multi_index(c, grid)]) for c in itertools.product(*map(range, grid))}
    for l, W in enumerate(net.layers):
        shape, new = net.shapes[l + 1], {}
        for c in itertools.product(*map(range, shape)):
            j = np.ravel_multi_index(c, shape)
            v = 1
            for k, o in enumerate(itertools.product(range(K), repeat=dim)):
                v = v * (cast(W[j, k]) @ u[tuple(a + b for a, b in zip(c, o))])
            new[c] = v
        u = new
    prod = 1
    for c in itertools.product(*map(range, net.shapes[-1])):
        prod = prod * (cast(net.conv[np.ravel_multi_index(c, net.shapes[-1])]) @ u[c])
    y = prod @ cast(net.w_out)
    return int(y) % p if p is not None else y


NETS = [  # (random constructor, args N-or-side, M, r, K, depth)
    (OverlappingConvAC.random, (6, 2, 2, 2, 2)),
    (OverlappingConvAC.random, (7, 3, 2, 3, 1)),
    (OverlappingConvAC.random, (5, 2, 3, 2, 0)),
    (OverlappingConvAC.random, (5, 2, 2, 1, 3)),
    (OverlappingConvAC.random_2d, (4, 2, 2, 2, 1)),
    (OverlappingConvAC.random_2d, (3, 2, 3, 2, 2)),
]
IDS = [f"{f.__name__}{args}" for f, args in NETS]


@pytest.mark.parametrize("make, args", NETS, ids=IDS)
def test_score_is_the_defining_forward_pass_on_any_features(make, args):
    net = make(*args, rng=1)
    X = np.random.default_rng(0).standard_normal((5, net.N, net.M))
    expected = np.array([forward(net, x) for x in X])
    np.testing.assert_allclose(net.score(X), expected, rtol=1e-12, atol=1e-12 * np.abs(expected).max())


@pytest.mark.parametrize("make, args", NETS, ids=IDS)
def test_exact_score_is_the_forward_pass_in_python_integers_mod_p(make, args):
    net = make(*args, rng=2, p=P)
    X = np.random.default_rng(1).integers(0, 7, size=(4, net.N, net.M))
    assert net.score(X).tolist() == [forward(net, x, P) for x in X]


@pytest.mark.parametrize("make, args", NETS, ids=IDS)
def test_to_dense_is_the_score_on_every_one_hot_input(make, args):
    for p in (None, P):
        net = make(*args, rng=3, p=p)
        A = net.coefficient_tensor()
        configs = np.indices(net.phys_dims).reshape(net.N, -1).T  # every configuration ...
        step = max(1, len(configs) // 512) * (1 if p is None else 8)  # ... or an evenly spread 512 (64 exact)
        X = tl.one_hot(configs[::step], net.M)
        if p is None:
            np.testing.assert_allclose(A.reshape(-1)[::step], [forward(net, x) for x in X], rtol=1e-11,
                                       atol=1e-12 * np.abs(A).max())
        else:  # in Python integers
            assert A.reshape(-1)[::step].tolist() == [forward(net, x, P) for x in X]


def test_depth_zero_is_the_shallow_convac_and_k_one_never_overlaps():
    net = OverlappingConvAC.random(6, 3, 2, 2, 0, rng=0)
    shallow = tl.ShallowConvAC(net.conv, net.w_out)
    np.testing.assert_allclose(net.to_dense(), shallow.to_dense(), rtol=1e-12, atol=1e-14)
    X = np.random.default_rng(0).standard_normal((3, 6, 3))
    np.testing.assert_allclose(net.score(X), shallow.score(X), rtol=1e-12)  # multilinear: no re-use
    one = OverlappingConvAC.random(6, 2, 3, 1, 3, rng=0, p=P)  # K = 1: a stack of 1x1 convs, a CP of rank 3
    assert one.duplicated_network().copies() == [1] * 6
    assert max(tl.rank_mod_p(one.to_dense(), rows) for rows in [(0, 1, 2), (0, 2, 4), (1, 5)]) == 3


def paths(N, K, L):
    """Copies of each input in 1D: the number of paths from x_i up to the last layer (brute force)."""
    counts = [0] * N
    for j in range(N - L * (K - 1)):
        for ks in itertools.product(range(K), repeat=L):
            counts[j + sum(ks)] += 1
    return counts


@pytest.mark.parametrize("make, args", NETS, ids=IDS)
def test_duplicated_network_contracts_to_the_coefficient_tensor(make, args):
    net = make(*args, rng=4)
    dup = net.duplicated_network()
    A = net.to_dense()
    np.testing.assert_allclose(np.einsum(*dup.einsum_operands(), optimize="greedy"), A, rtol=1e-11, atol=1e-12 * np.abs(A).max())
    copies = dup.copies()
    if len(net.grid) == 1:
        assert copies == paths(net.N, net.K, net.depth)
    assert sum(copies) == math.prod(net.shapes[-1]) * net.K ** (len(net.grid) * net.depth)
    if sum(copies) <= 12:  # the larger network, one open leg per copy, then equal copies imposed
        big = np.einsum(*dup.einsum_operands(split_copies=True), optimize="greedy")
        assert big.shape == (net.M,) * sum(copies)
        diag = np.array([big[tuple(np.repeat(c, copies))] for c in np.indices(net.phys_dims).reshape(net.N, -1).T])
        np.testing.assert_allclose(diag.reshape(net.phys_dims), A, rtol=1e-11, atol=1e-12 * np.abs(A).max())


@pytest.mark.parametrize("make, args", [(OverlappingConvAC.random, (7, 2, 2, K, L)) for K in (2, 3) for L in (1, 2, 3)]
                         + [(OverlappingConvAC.random_2d, (5, 2, 2, K, L)) for K, L in ((2, 1), (2, 3), (3, 2))])
def test_only_the_ends_are_read_once(make, args):
    """1D: x_0 and x_{N-1} at every depth and K (one path each), in 2D the four corners."""
    net = make(*args, rng=0)
    copies = net.duplicated_network().copies()
    ends = {0, net.N - 1} if len(net.grid) == 1 else {0, net.grid[0] - 1, net.N - net.grid[0], net.N - 1}
    assert {j for j, c in enumerate(copies) if c == 1} == ends
    g = net.graph()
    assert {j for j, (node, _) in enumerate(g.legs) if node[0] == "W"} == ends  # an open leg on its weight node


def test_graph_is_the_duplicated_wiring_with_copy_deltas_of_dimension_M():
    net = OverlappingConvAC.random(4, 3, 2, 2, 1, rng=0, p=P)
    g = net.graph()
    # x_0 and x_3 are read once (open legs on their weight nodes), x_1 and x_2 twice (deltas)
    assert g.legs == [(("W", 1, (0, 0)), 3), (("x", 1), 3), (("x", 2), 3), (("W", 1, (2, 1)), 3)]
    assert {d: n for d, n in g.deltas.items() if d[0] == "x"} == {("x", 1): 3, ("x", 2): 3}
    assert g.deltas[("pool",)] == 2 and sum(d[0] == "u" for d in g.deltas) == 3
    # M = 3 > r = 2: the cheapest cut takes the two r-bonds above x_0, x_1 (not the copy delta of x_1)
    cut = net.min_cut([0, 1])
    assert sorted(cut.edges) == [(("W", 1, (1, 0)), ("u", 1, (1,)), 2), (("conv", 0), ("u", 1, (0,)), 2)]
    assert cut.rank_bound == 4 == tl.rank_mod_p(net.to_dense(), [0, 1])
    # M = 2 < r = 3, left half of 6: it cuts the copy of x_2 read by the tree that straddles the cut
    # (cost M) and splits the pooling delta (cost r): the light cone, r M^(K-1)
    net = OverlappingConvAC.random(6, 2, 3, 2, 1, rng=0, p=P)
    cut = net.min_cut([0, 1, 2])
    assert set(cut.edges) == {(("W", 1, (2, 0)), ("x", 2), 2), (("pool",), "split", 3)}
    assert cut.rank_bound == 6 == tl.rank_mod_p(net.to_dense(), [0, 1, 2])


@settings(max_examples=20)
@given(data=st.data(), seed=st.integers(0, 2**16))
def test_min_cut_bounds_the_exact_rank_on_random_partitions(data, seed):
    twod = data.draw(st.booleans())
    K = data.draw(st.integers(1, 3))
    r = data.draw(st.integers(1, 3))
    if twod:
        side = data.draw(st.integers(2, 4))
        depth = data.draw(st.integers(0, (side - 1) // (K - 1) if K > 1 else 2))
        net = OverlappingConvAC.random_2d(side, 2, r, K, depth, rng=seed, p=P)
    else:
        N = data.draw(st.integers(2, 11))
        depth = data.draw(st.integers(0, min(4, (N - 1) // (K - 1) if K > 1 else 2)))
        net = OverlappingConvAC.random(N, 2, r, K, depth, rng=seed, p=P)
    rows = data.draw(st.lists(st.integers(0, net.N - 1), min_size=1, max_size=net.N - 1, unique=True))
    rank = tl.rank_mod_p(net.to_dense(), rows)
    cut = net.min_cut(rows)
    # a bound, not the rank: on some partitions the min cut is loose (pinned below); on contiguous
    # cuts of 1D networks it is the rank (test_contiguous_cuts_follow_the_light_cone)
    assert rank <= cut.rank_bound <= min(2 ** len(rows), 2 ** (net.N - len(rows)))


def test_the_min_cut_can_be_loose_on_a_2d_partition():
    """4x4 grid, K = 2, depth 2, P = the top row: the exact rank is 12 for every seed tried, the min cut 16."""
    for seed in range(3):
        net = OverlappingConvAC.random_2d(4, 2, 2, 2, 2, rng=seed, p=P)
        assert tl.rank_mod_p(net.to_dense(), [0, 1, 2, 3]) == 12 < net.min_cut([0, 1, 2, 3]).rank_bound == 16


def depth_one_rank(N, M, r, K, t):
    """The left t | right rank of a depth-1 overlapping ConvAC (derived and measured, docs/science.md).

    Each last position j is a rank-r CP over its window; s of them straddle the cut. The r
    pooled channels add a factor r only when positions of their own lie on both sides.
    """
    n = N - K + 1
    s = sum(1 for j in range(n) if j < t <= j + K - 1)
    both = any(j + K - 1 < t for j in range(n)) and any(j >= t for j in range(n))
    return min(r * M ** (K - 1), M**t, M ** (N - t), r ** (s + both))


@settings(max_examples=15)
@given(N=st.integers(3, 10), M=st.integers(2, 3), extra=st.integers(0, 2), K=st.integers(1, 4),
       depth=st.integers(0, 5), seed=st.integers(0, 2**16))
def test_contiguous_cuts_follow_the_light_cone(N, M, extra, K, depth, seed):
    """rank[left t | right] = min(r M^(depth (K-1)), M^t, M^(N-t)) when r >= M and the light cone fits on
    both sides, depth (K-1) <= min(t, N-t): a sufficient condition, not a necessary one. Measured on
    7,802 contiguous cuts (M = 2 up to N = 14, M = 3 up to N = 8, M = 4 up to N = 6, every K and depth):
    the rank is the min cut at every cut; for r >= M the closed form holds at every depth >= 2 even when
    the cone is wider than a side, and at depth 1 the rank is depth_one_rank (which ties it to r^s when
    few last positions straddle the cut, e.g. N = K = 4: rank r = 2 < 4)."""
    if K > 1:
        depth = min(depth, (N - 1) // (K - 1))
    if M**N > 2**14:
        N = int(math.log(2**14, M))
        depth = min(depth, (N - 1) // (K - 1)) if K > 1 else depth
    r = M + extra
    net = OverlappingConvAC.random(N, M, r, K, depth, rng=seed, p=P)
    A = net.to_dense()
    cone = depth * (K - 1)
    for t in range(1, N):
        rank = tl.rank_mod_p(A, range(t))
        assert rank == net.min_cut(range(t)).rank_bound
        closed = min(r * M**cone, M**t, M ** (N - t))
        if cone <= min(t, N - t) or depth >= 2:
            assert rank == closed
        if depth == 1:
            assert rank == depth_one_rank(N, M, r, K, t)


@pytest.mark.parametrize("N, M, r, K, depth, rank", [
    (8, 2, 2, 4, 2, 16),  # cone 6 > 4 = N/2: the closed form min(2 * 2^6, 2^4) all the same
    (12, 2, 2, 2, 11, 64),  # one last position, cone 11
    (12, 2, 2, 3, 5, 64),  # cone 10
    (12, 2, 2, 3, 4, 64),  # cone 8
])
def test_the_light_cone_form_holds_beyond_the_sufficient_condition(N, M, r, K, depth, rank):
    net = OverlappingConvAC.random(N, M, r, K, depth, rng=0, p=P)
    assert depth * (K - 1) > N // 2
    assert tl.rank_mod_p(net.to_dense(), range(N // 2)) == rank == min(r * M ** (depth * (K - 1)), M ** (N // 2))


def test_the_light_cone_form_fails_at_depth_one_with_few_positions_or_r_below_m():
    net = OverlappingConvAC.random(4, 2, 2, 4, 1, rng=0, p=P)  # cone 3 > N/2 = 2, one last position
    assert tl.rank_mod_p(net.to_dense(), [0, 1]) == net.min_cut([0, 1]).rank_bound == 2 < min(2 * 2**3, 2**2)
    assert depth_one_rank(4, 2, 2, 4, 2) == 2
    net = OverlappingConvAC.random(8, 3, 2, 2, 1, rng=0, p=P)  # r = 2 < M = 3: the cone's input costs min(M, r)
    assert tl.rank_mod_p(net.to_dense(), range(4)) == net.min_cut(range(4)).rank_bound == 4 < 2 * 3
    assert depth_one_rank(8, 3, 2, 2, 4) == 4


def test_paper_numbers_overlapping_1d_left_half_rank_doubles_with_each_layer():
    """M = r = 2, N = 12, K = 2: left-half rank 2, 4, 8, 16, 32, 64 for depth 0..5 (exact mod p)."""
    ranks = [tl.rank_mod_p(OverlappingConvAC.random(12, 2, 2, 2, L, rng=L, p=P).to_dense(), range(6))
             for L in range(6)]
    assert ranks == [2, 4, 8, 16, 32, 64]


def test_paper_numbers_one_overlapping_layer_reaches_the_maximal_odd_even_rank():
    odd_even = tl.partitions.interleaved(12, 0)
    shallow = OverlappingConvAC.random(12, 2, 2, 2, 0, rng=0, p=P)
    one = OverlappingConvAC.random(12, 2, 2, 2, 1, rng=1, p=P)
    assert tl.rank_mod_p(shallow.to_dense(), odd_even) == 2
    assert tl.rank_mod_p(one.to_dense(), odd_even) == 2**6 == one.min_cut(odd_even).rank_bound


def test_paper_numbers_2d_checkerboard_lifted_from_2_to_256_by_one_layer():
    board = tl.partitions.checkerboard(4)
    ranks = [tl.rank_mod_p(OverlappingConvAC.random_2d(4, 2, 2, 2, L, rng=L, p=P).to_dense(), board) for L in (0, 1)]
    assert ranks == [2, 256]


def test_duplicated_networks_too_large_are_refused_before_they_are_built():
    """Counted from the sizes: n_L (K^(dim L) + ... + K^dim + 1) + 1 tensors, checked against the built ones."""
    from tnlite._validate.networks import MAX_GRAPH_NODES, guard_overlap_network, guard_rac_network
    for make, args in NETS:
        net = make(*args, rng=0)
        assert guard_overlap_network(net.shapes, net.K) == len(net.duplicated_network().nodes)
    for N, depth in [(4, 2), (6, 3), (5, 4), (7, 2)]:
        assert guard_rac_network(N, depth) == len(RAC.random(N, 2, 2, depth=depth, rng=0).duplicated_network().nodes)
    # just above the limit (114,675 tensors): refused by name, N, K and depth, before any work
    net = OverlappingConvAC.random(26, 2, 2, 2, 12, rng=0)
    assert guard_overlap_network(net.shapes[:-1], net.K) <= MAX_GRAPH_NODES  # one layer less fits
    for build in (net.duplicated_network, net.graph, lambda: net.min_cut([0, 1])):
        with pytest.raises(ValueError, match=r"overlapping ConvAC with N=26, K=2, depth=12: it would have 114,675 "
                                             r"tensors; the limit is 100,000"):
            build()
    with pytest.raises(ValueError, match=r"ConvAC with N=60, K=2, depth=20: it would have more than"):
        OverlappingConvAC.random(60, 2, 2, 2, 20, rng=0).duplicated_network()
    with pytest.raises(ValueError, match=r"with side=10, K=2, depth=8: .* grows like 4 x K\^\(2 depth\)"):
        OverlappingConvAC.random_2d(10, 2, 2, 2, 8, rng=0).graph()
    with pytest.raises(ValueError, match=r"a RAC with N=60, depth=4: it would have 1,270,751 tensors"):
        RAC.random(60, 2, 2, depth=4, rng=0).graph()
    with pytest.raises(ValueError, match=r"a RAC with N=60, depth=4"):
        RAC.random(60, 2, 2, depth=4, rng=0).min_cut(range(30))


def test_einsum_operands_refuse_more_labels_than_einsum_has():
    """Labels: the pooling delta, the product deltas of every tree (n_L (1 + K + ... + K^(L-1))), the inputs
    (or, split, one per copy: n_L K^L)."""
    dup = OverlappingConvAC.random(12, 2, 2, 2, 3, rng=0).duplicated_network()
    with pytest.raises(ValueError, match=r"this network has 76 labels .*np.einsum allows at most 52"):
        dup.einsum_operands()  # 1 + 9 (1 + 2 + 4) + 12 = 76
    dup = OverlappingConvAC.random(10, 2, 2, 2, 2, rng=0).duplicated_network()
    assert len(dup.einsum_operands()[-1]) == 10  # 1 + 8 (1 + 2) + 10 = 35 labels: fine shared ...
    with pytest.raises(ValueError, match=r"has 57 labels \(bonds, deltas and open legs, one per copy of an input"):
        dup.einsum_operands(split_copies=True)  # ... 1 + 24 + 8 * 4 = 57 once every copy has its own


def test_random_checks_every_size_before_drawing():
    rng = np.random.default_rng(0)
    state = rng.bit_generator.state
    with pytest.raises(ValueError, match=r"refusing to build a dense overlapping ConvAC weights of shape "
                                         r"\(5, 1000000, 1000000\)"):
        OverlappingConvAC.random(6, 2, 10**6, 2, 1, rng=rng)  # layer 1 alone would be 2e7 entries
    assert rng.bit_generator.state == state  # nothing was drawn
    with pytest.raises(ValueError, match=r"set of overlapping ConvAC weights \(depth=9, r=1024, K=2\) of 76,582,912 entries"):
        OverlappingConvAC.random(10, 2, 1024, 2, 9, rng=rng)  # each layer fits, all nine do not
    assert rng.bit_generator.state == state


def test_complex_weights_are_refused_by_name_as_in_a_rac():
    net = OverlappingConvAC.random(5, 2, 2, 2, 1, rng=0)
    layers, conv, w_out = net.params()
    for args, name in [((layers * 1j, conv, w_out), r"layers\[0\]"), ((layers, conv + 0j, w_out), "conv"),
                       ((layers, conv, w_out * (1 + 1j)), "w_out")]:
        with pytest.raises(TypeError, match=name + r" must be real, got dtype complex128"):
            OverlappingConvAC([args[0]], args[1], args[2], 5, 2)
    with pytest.raises(TypeError, match=r"W_H must be real"):
        RAC(3, np.eye(2) * 1j, np.ones((2, 2)), np.ones(2), np.ones(2))


# -- deep RACs -----------------------------------------------------------------------------

@pytest.mark.parametrize("N, depth", [(4, 2), (5, 2), (3, 3), (4, 1)])
def test_deep_rac_duplicated_network_contracts_to_its_coefficient_tensor(N, depth):
    rac = RAC.random(N, 2, 2, depth=depth, rng=N)
    dup = rac.duplicated_network()
    A = rac.to_dense()
    np.testing.assert_allclose(np.einsum(*dup.einsum_operands(), optimize="greedy"), A, rtol=1e-11, atol=1e-12 * np.abs(A).max())
    # input s is read by every copy of layer 1 that reaches step s: C(N - s + depth - 2, depth - 1) copies
    assert dup.copies() == [math.comb(N - s + depth - 2, depth - 1) for s in range(N)]


def test_depth_one_graph_is_unchanged_and_deeper_graphs_copy_the_inputs():
    g = RAC.random(3, 2, 2, rng=0).graph()
    assert g.legs == [(("W_I", t), 2) for t in range(3)] and set(g.deltas) == {("delta", t) for t in range(3)}
    deep = RAC.random(3, 4, 2, depth=2, rng=0).graph()
    assert deep.legs[:2] == [(("x", 0), 4), (("x", 1), 4)] and deep.deltas[("x", 0)] == 4
    assert deep.legs[2] == (("W_I", 1, (2,), 2), 4)  # the last input is read once


def test_deep_rac_start_end_rank_grows_and_the_min_cut_bounds_it():
    """M = R = 2: exact Start-End ranks 2, 4, 8, 10, 12, 14, 16 for T = 2..14; the duplicated network's
    min cut is M^(T/2) (it removes the depth-1 ceiling R but is not tight from T = 8)."""
    ranks, cuts = [], []
    for T in range(2, 15, 2):
        rac = RAC.random(T, 2, 2, depth=2, rng=T, p=P)
        ranks.append(tl.rank_mod_p(rac.to_dense(), range(T // 2)))
        cuts.append(rac.min_cut(range(T // 2)).rank_bound)
    assert ranks == [2, 4, 8, 10, 12, 14, 16]
    assert cuts == [2 ** (T // 2) for T in range(2, 15, 2)]


@settings(max_examples=10)
@given(N=st.integers(2, 7), depth=st.integers(2, 3), R=st.integers(1, 3), data=st.data())
def test_deep_rac_min_cut_bounds_the_exact_rank_on_random_partitions(N, depth, R, data):
    rac = RAC.random(N, 2, R, depth=depth, rng=N * 7 + R, p=P)
    rows = data.draw(st.lists(st.integers(0, N - 1), min_size=1, max_size=N - 1, unique=True))
    assert tl.rank_mod_p(rac.to_dense(), rows) <= rac.min_cut(rows).rank_bound


# -- refused by name -----------------------------------------------------------------------

def test_bad_input_is_refused_by_name():
    with pytest.raises(ValueError, match=r"K must be >= 1, got 0"):
        OverlappingConvAC.random(6, 2, 2, 0, 1, rng=0)
    with pytest.raises(ValueError, match=r"depth=3 with K=3 leaves N - depth\*\(K-1\) = 6 - 6 = 0 positions; "
                                         r"it needs at least 1 \(depth <= 2 here\)"):
        OverlappingConvAC.random(6, 2, 2, 3, 3, rng=0)
    with pytest.raises(ValueError, match=r"leaves side - depth\*\(K-1\) = 4 - 4 = 0 positions"):
        OverlappingConvAC.random_2d(4, 2, 2, 3, 2, rng=0)
    with pytest.raises(ValueError, match=r"depth must be >= 0, got -1"):
        OverlappingConvAC.random(6, 2, 2, 2, -1, rng=0)
    with pytest.raises(ValueError, match=r"p must be a prime no larger than 2\*\*24.*got 15"):
        OverlappingConvAC.random(6, 2, 2, 2, 1, rng=0, p=15)
    with pytest.raises(TypeError, match=r"rng is required"):
        OverlappingConvAC.random(6, 2, 2, 2, 1, rng=None)
    net = OverlappingConvAC.random(6, 2, 2, 2, 1, rng=0)
    with pytest.raises(ValueError, match=r"X must have shape \(B, N=6, M=2\), got \(3, 5, 2\)"):
        net.score(np.ones((3, 5, 2)))
    with pytest.raises(ValueError, match=r"for one sample use X\[None\]"):
        net.score(np.ones((6, 2)))
    with pytest.raises(TypeError, match=r"X \(features of an exact OverlappingConvAC\) must hold integers for exact arithmetic mod p"):
        OverlappingConvAC.random(6, 2, 2, 2, 1, rng=0, p=P).score(np.full((1, 6, 2), 0.5))  # no residue
    with pytest.raises(ValueError, match=r"layers\[0\] must have shape \(5, 2, 2, 2\)"):
        OverlappingConvAC([np.ones((4, 2, 2, 2))], net.conv, net.w_out, 6, 2)
    with pytest.raises(ValueError, match=r"conv must have shape \(5, 2, 2\)"):
        OverlappingConvAC(list(net.layers), np.ones((6, 2, 2)), net.w_out, 6, 2)
    with pytest.raises(ValueError, match=r"w_out must have shape \(r,\) = \(2,\)"):
        OverlappingConvAC(list(net.layers), net.conv, np.ones(3), 6, 2)
    with pytest.raises(ValueError, match=r"grid must be N or \(side, side\), got \(2, 3\)"):
        OverlappingConvAC([], np.ones((6, 2, 2)), np.ones(2), (2, 3), 2)
    with pytest.raises(ValueError, match=r"refusing to build a dense OverlappingConvAC coefficient tensor"):
        OverlappingConvAC.random(40, 2, 2, 2, 1, rng=0).to_dense()
    with pytest.raises(ValueError, match=r"l must be in 0..depth = 0..1, got 2"):
        net.receptive_fields(2)


# -- exercise 08's checker judges invariants -----------------------------------------------

def _operands_with_copy_tensors(net):
    """A correct duplicated network of one layer, every delta written out as a tensor of its own:
    the copy delta of each input, the elementwise product of each window, the global pooling."""
    N, M, r, K = net.N, net.M, net.r, net.K
    n = N - K + 1
    label = itertools.count(N)  # labels 0..N-1 are the inputs
    ops, reads = [], {j: [] for j in range(N)}
    pool_legs = []
    for j in range(n):
        outs = []
        for k in range(K):
            copy, out = next(label), next(label)
            reads[j + k].append(copy)
            outs.append(out)
            ops += [net.layers[0][j, k], [out, copy]]  # (out, in)
        u, c = next(label), next(label)
        ops += [delta(r, K + 1), [u, *outs], net.conv[j], [c, u]]
        pool_legs.append(c)
    pool = next(label)
    ops += [delta(r, n + 1), [pool, *pool_legs], net.w_out, [pool]]
    for j, legs in reads.items():
        ops += [delta(M, len(legs) + 1), [j, *legs]]
    return ops + [list(range(N))]


def delta(d, legs):
    D = np.zeros((d,) * legs)
    D[(np.arange(d),) * legs] = 1
    return D


def test_the_duplicated_operands_checker_accepts_deltas_written_as_tensors(capsys):
    net = OverlappingConvAC.random(5, 3, 2, 2, 1, rng=0)
    ops = _operands_with_copy_tensors(net)  # an independent check that these operands are right:
    A = np.einsum(*ops, optimize="greedy")
    np.testing.assert_allclose(A, net.to_dense(), rtol=1e-12, atol=1e-12 * np.abs(A).max())
    assert tl.checks.check_duplicated_operands(_operands_with_copy_tensors) is True, capsys.readouterr().out


def test_the_light_cone_checker_tells_apart_mistakes_that_coincide_in_one_case(capsys):
    from tnlite.checks.reuse import LIGHT_CONE_CASES
    right = lambda N, M, r, K, L: min(r * M ** (L * (K - 1)), M ** (N // 2))  # noqa: E731
    no_r = lambda N, M, r, K, L: min(M ** (L * (K - 1)), M ** (N // 2))  # noqa: E731
    # left out r where r = M (the first case: also "one layer too narrow"), right elsewhere
    assert no_r(*LIGHT_CONE_CASES[0]) == min(2 * 2 ** 2, 2**6)
    half = lambda N, M, r, K, L: no_r(N, M, r, K, L) if r == M else right(N, M, r, K, L)  # noqa: E731
    assert tl.checks.check_light_cone_rank(half) is False
    out = capsys.readouterr().out
    assert "you left out the r channels" in out and "case 1 of 8" in out
    # an answer no single mistake explains in every wrong case: tests/test_checks.py ("values differ")
