"""tnlite.scaling: every bound holds against exact ranks (mod p) of random instances, equals the min
cut of the network the library builds where it says so, and refuses sizes its source does not cover."""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tnlite as tl
import tnlite.scaling as sc

P = tl.PRIME


def _contract_mod_p(edges, legs, rng, p=P):
    """Random integer tensors on a wiring, contracted exactly mod p, greedily by smallest result.

    An independent route to a tensor network's state: nothing of tnlite but the wiring.
    Returns the tensor with axis j = open leg j.
    """
    nodes = {}
    for k, (u, v, d) in enumerate(edges):
        for n in (u, v):
            nodes.setdefault(n, []).append((("e", k), d))
    for j, (n, d) in enumerate(legs):
        nodes.setdefault(n, []).append((("leg", j), d))
    pool = [(rng.integers(0, p, size=[d for _, d in ax]), [lab for lab, _ in ax]) for ax in nodes.values()]
    while len(pool) > 1:
        best = None
        for i in range(len(pool)):
            for j in range(i + 1, len(pool)):
                shared = set(pool[i][1]) & set(pool[j][1])
                if shared:
                    size = pool[i][0].size * pool[j][0].size // math.prod(
                        pool[i][0].shape[pool[i][1].index(s)] for s in shared) ** 2
                    if best is None or size < best[0]:
                        best = (size, i, j, shared)
        _, i, j, shared = best
        (A, la), (B, lb) = pool[i], pool[j]
        ia, ib = [la.index(s) for s in shared], [lb.index(s) for s in shared]
        C = np.tensordot(A, B, axes=(ia, ib)) % p
        labels = [x for x in la if x not in shared] + [x for x in lb if x not in shared]
        pool = [t for k, t in enumerate(pool) if k not in (i, j)] + [(C, labels)]
    T, labels = pool[0]
    return np.transpose(T, [labels.index(("leg", j)) for j in range(len(legs))])


def _ranks_prefix(A, N):
    return [tl.rank_mod_p(A, range(ell)) for ell in range(1, N)]


# ---- MPS ---------------------------------------------------------------------------------
@settings(max_examples=20, deadline=None)
@given(N=st.integers(2, 10), chi=st.integers(1, 6), d=st.integers(2, 3), seed=st.integers(0, 10**6))
def test_mps_bound_is_the_min_cut_and_the_exact_rank_of_random_mps(N, chi, d, seed):
    if d**N > 2**14:
        N = int(math.log(2**14, d))
    mps = tl.MPS.random(N, d, chi, rng=seed, p=P)
    A = mps.to_dense()
    for ell in range(1, N):
        bound = sc.mps_1d(ell, chi, d=d, N=N)
        assert bound == mps.min_cut(range(ell)).rank_bound == tl.rank_mod_p(A, range(ell))


@pytest.mark.parametrize("side, chi", [(3, 2), (4, 2), (4, 3)])
def test_mps_2d_bound_is_the_chain_min_cut_and_holds(side, chi):
    mps = tl.MPS.random(side * side, 2, chi, rng=side + chi, p=P)
    A = mps.to_dense()
    for alpha in range(1, side):
        for top in range(side - alpha + 1):
            rows = sc.region_2d(alpha, side, top=top, left=0)
            bound = sc.mps_2d(alpha, side, chi, top=top, left=0)
            assert bound == mps.min_cut(rows).rank_bound
            assert tl.rank_mod_p(A, rows) <= bound


def test_mps_2d_is_an_area_law_on_a_large_lattice():
    # a centred block is alpha runs of the chain, two bonds each (or its alpha^2 legs, if fewer)
    assert [sc.bits(sc.mps_2d(a, 32, 4)) for a in (2, 4, 8, 16)] == [min(2 * a * 2, a * a) for a in (2, 4, 8, 16)]


# ---- tree and MERA --------------------------------------------------------------------------
@settings(max_examples=10, deadline=None)
@given(L=st.integers(1, 4), chi=st.integers(1, 4), seed=st.integers(0, 10**6))
def test_tree_bound_is_the_min_cut_of_a_random_tree_and_holds(L, chi, seed):
    N = 2**L
    tree = tl.TreeTN.random(N, 2, chi, rng=seed, p=P)
    A = tree.to_dense()
    for ell, rank in zip(range(1, N), _ranks_prefix(A, N)):
        bound = sc.tree_1d(ell, chi, N=N)
        assert bound == tree.min_cut(range(ell)).rank_bound
        assert rank <= bound


def test_tree_cuts_a_half_by_one_bond_and_other_prefixes_by_a_few():
    assert all(sc.tree_1d(2**k, 3) == 3 for k in range(1, 8))  # N = 2 ell: the half is a branch
    worst = max(sc.bits(sc.tree_1d(ell, 2, N=64)) for ell in range(1, 64))
    assert 3 <= worst <= 2 * 6  # O(log ell) bonds at worst


def test_the_contraction_helper_gives_the_generic_ranks_of_an_mps_wiring():
    mps = tl.MPS.random(7, 2, 3, rng=0)
    g = mps.graph()
    A = _contract_mod_p(g.edges, g.legs, np.random.default_rng(0))
    assert A.shape == (2,) * 7 and _ranks_prefix(A, 7) == [sc.mps_1d(ell, 3, N=7) for ell in range(1, 7)]


@pytest.mark.parametrize("N, chi", [(8, 2), (16, 2), (8, 3)])
def test_mera_bound_is_reached_by_random_tensors_on_its_wiring(N, chi):
    g = tl.mera_graph(N, chi, 2)
    A = _contract_mod_p(g.edges, g.legs, np.random.default_rng(N + chi))
    for ell, rank in zip(range(1, N), _ranks_prefix(A, N)):
        bound = sc.mera_1d(ell, chi, N=N)
        assert rank == bound == tl.min_cut(g.edges, g.legs, range(ell)).rank_bound  # generic tensors reach it here


def test_mera_is_a_log_law_for_the_half_chain():
    # N = 2 ell: log2(ell) + 1 bonds of chi (docs/science.md: a block at the end)
    assert [sc.mera_1d(2**k, 2) for k in range(1, 8)] == [2 ** (k + 1) for k in range(1, 8)]
    with pytest.raises(ValueError, match="power of 2"):
        sc.mera_1d(3, 2)


# ---- RBM --------------------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(N=st.integers(2, 12), n_hidden=st.integers(0, 14), window=st.one_of(st.none(), st.integers(1, 5)),
       seed=st.integers(0, 10**6))
def test_rbm_1d_bound_holds_above_the_min_cut_and_the_exact_rank(N, n_hidden, window, seed):
    window = None if window is None or window > N else window
    rbm = tl.RBM.random(N, n_hidden, rng=seed, window=window, p=P)
    A = rbm.to_dense()
    for ell in range(1, N):
        bound = sc.rbm_1d(ell, n_hidden, window=window, N=N)
        cut = rbm.min_cut(range(ell)).rank_bound
        assert tl.rank_mod_p(A, range(ell)) <= cut <= bound <= 2 ** rbm.crossing(range(ell))


@pytest.mark.parametrize("side, n_hidden, window", [(3, 4, 2), (4, 9, 2), (4, 4, 3), (4, 5, None), (4, 18, 2)])
def test_rbm_2d_bound_holds_above_the_min_cut_and_the_exact_rank(side, n_hidden, window):
    rbm = tl.RBM.random(side * side, n_hidden, rng=side, window=window, grid=side, p=P)
    A = rbm.to_dense()
    for alpha in range(1, side):
        for top, left in [(0, 0), (side - alpha, 1 if alpha < side - 1 else 0), (None, None)]:
            rows = sc.region_2d(alpha, side, top, left)
            bound = sc.rbm_2d(alpha, side, n_hidden, window=window, top=top, left=left)
            cut = rbm.min_cut(rows).rank_bound
            assert tl.rank_mod_p(A, rows) <= cut <= bound <= 2 ** rbm.crossing(rows)


def test_rbm_bounds_reach_the_exact_rank_where_few_units_cross():
    rbm = tl.RBM.random(10, 8, rng=1, window=3, p=P)
    assert sc.rbm_1d(5, 8, window=3, N=10) == tl.rank_mod_p(rbm.to_dense(), range(5)) == 4  # 2 units cross
    full = tl.RBM.random(10, 3, rng=1, p=P)
    assert sc.rbm_1d(5, 3, N=10) == tl.rank_mod_p(full.to_dense(), range(5)) == 8


def test_local_rbm_is_an_area_law_and_full_rbm_a_volume_law_up_to_its_units():
    # windows of 4, three units per window: 9 units cross, but they read only the 3 sites each side of the cut
    assert {sc.rbm_1d(ell, 3 * (2 * ell - 3), window=4) for ell in range(4, 40)} == {2**3}
    assert {sc.rbm_1d(ell, 2 * ell - 3, window=4) for ell in range(4, 40)} == {2**3}  # one unit per window: 3 cross
    assert [sc.rbm_1d(ell, 10) for ell in (3, 8, 12, 40)] == [2**3, 2**8, 2**10, 2**10]


# ---- deep RAC ----------------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(M=st.integers(2, 3), R=st.integers(1, 3), depth=st.integers(1, 3), N=st.integers(2, 10),
       seed=st.integers(0, 10**6))
def test_deep_rac_bound_holds_and_is_the_exact_rank_when_M_le_R(M, R, depth, N, seed):
    if M**N > 2**14:
        N = int(math.log(2**14, M))
    rac = tl.RAC.random(N, M, R, rng=seed, depth=depth, p=P)
    ranks = _ranks_prefix(rac.to_dense(), N)
    bounds = [sc.deep_rac_1d(ell, M, R, depth, N=N) for ell in range(1, N)]
    assert all(r <= b for r, b in zip(ranks, bounds))
    if M <= R:
        assert ranks == bounds


@pytest.mark.parametrize("M, R, depth, N", [(2, 2, 2, 12), (2, 3, 2, 10), (3, 2, 2, 8), (2, 2, 3, 10)])
def test_deep_rac_bound_against_the_min_cut_of_the_duplicated_network(M, R, depth, N):
    rac = tl.RAC.random(N, M, R, rng=N, depth=depth, p=P)  # graph(): the duplicated-input network (tnlite.reuse)
    ranks = _ranks_prefix(rac.to_dense(), N)
    cuts = [rac.min_cut(range(ell)).rank_bound for ell in range(1, N)]
    bounds = [sc.deep_rac_1d(ell, M, R, depth, N=N) for ell in range(1, N)]
    assert all(r <= min(c, b) for r, c, b in zip(ranks, cuts, bounds))
    if M <= R:  # the monomial count is the rank; the min cut can be far above it (64 against 14 at N = 12)
        assert ranks == bounds and all(b <= c for b, c in zip(bounds, cuts))


def test_deep_rac_bound_is_loose_for_M_above_R_at_cuts_other_than_the_last():
    # the exact generic ranks docs/science.md and tnlite.scaling cite (before, the docs said the bound was above
    # the rank only at the last cut when M > R): depth 3, M = 3, R = 2, halves of 8 and of 10 inputs
    for N, rank, bound in [(8, 54, 81), (10, 162, 192)]:
        ranks = {tl.rank_mod_p(tl.RAC.random(N, 3, 2, rng=seed, depth=3, p=P).to_dense(), range(N // 2)) for seed in (0, 1)}
        assert ranks == {rank} and sc.deep_rac_1d(N // 2, 3, 2, 3, N=N) == bound


def test_deep_rac_depth_one_is_the_mps_bound_and_depth_two_grows_with_the_length():
    assert all(sc.deep_rac_1d(ell, 2, 3, 1) == min(3, 2**ell) for ell in range(1, 20))
    # M = R = 2, the two halves of 2 ell inputs: 2 (ell + 1), the exact ranks of lesson 06 from ell = 3
    assert [sc.deep_rac_1d(ell, 2, 2, 2) for ell in range(1, 8)] == [2, 4, 8, 10, 12, 14, 16]
    assert sc.deep_rac_1d(100, 2, 2, 3) > sc.deep_rac_1d(100, 2, 2, 2) > sc.deep_rac_1d(100, 2, 2, 1)


def test_deep_rac_lower_bound_holds_and_is_refused_where_the_source_gives_none():
    for ell in range(1, 7):
        rac = tl.RAC.random(2 * ell, 2, 2, rng=ell, depth=2, p=P)
        assert sc.deep_rac_lower_1d(ell, 2, 2) <= tl.rank_mod_p(rac.to_dense(), range(ell))
    with pytest.raises(ValueError, match="depth 2 only, got depth=3"):
        sc.deep_rac_lower_1d(4, 2, 2, depth=3)
    with pytest.raises(ValueError, match=r"two halves \(N = 2 ell = 8\) only, got N=10"):
        sc.deep_rac_lower_1d(4, 2, 2, N=10)


# ---- regions and refusals ------------------------------------------------------------------------
def test_regions():
    assert sc.region_1d(3) == (6, (0, 1, 2)) and sc.region_1d(2, N=7) == (7, (0, 1))
    assert sc.region_2d(2, 4) == (5, 6, 9, 10)
    assert sc.region_2d(1, 3, top=2, left=0) == (6,)


@pytest.mark.parametrize("call, match", [
    (lambda: sc.region_2d(3, 4, top=2), r"lies outside the 4 x 4 lattice: top and left must be <= side - alpha = 1"),
    (lambda: sc.region_2d(4, 4), r"alpha=4 must be smaller than side=4"),
    (lambda: sc.region_1d(5, N=5), r"ell must be in 1..N-1 = 1..4"),
    (lambda: sc.rbm_1d(2, 3, window=5), r"window=5 is larger than the system, N=4"),
    (lambda: sc.rbm_2d(2, 4, 3, window=5), r"window=5 is larger than the 4 x 4 grid"),
    (lambda: sc.rbm_1d(2, -1), r"n_hidden must be >= 0, got -1"),
    (lambda: sc.tree_1d(3, 2), r"power of 2"),
    (lambda: sc.overlapping_convac_1d(2, 2, 2, 3, 2), r"depth=2 with K=3 leaves no position"),
    (lambda: sc.mps_1d(2, 0), r"chi must be >= 1, got 0"),
    (lambda: sc.bits(0), r"rank \(a rank bound, an int >= 1\) must be >= 1, got 0"),  # was a math domain error
])
def test_bad_input_is_refused_by_name(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


# ---- overlapping ConvAC (tnlite.reuse) ----------------------------------------------------------
@pytest.mark.parametrize("N, M, r, K", [(12, 2, 2, 2), (10, 2, 3, 3), (8, 3, 2, 2)])
def test_overlapping_convac_1d_bound_holds_and_is_reached(N, M, r, K):
    rng = np.random.default_rng(N)
    for depth in range(0, (N - 1) // (K - 1) + 1):
        if M**N > 2**13 and depth > 3:
            break
        net = tl.OverlappingConvAC.random(N, M, r, K, depth, rng=rng, p=P)
        ranks = _ranks_prefix(net.to_dense(), N)
        cuts = [net.min_cut(range(ell)).rank_bound for ell in range(1, N)]
        bounds = [sc.overlapping_convac_1d(ell, M, r, K, depth, N=N) for ell in range(1, N)]
        assert all(x <= c <= b for x, c, b in zip(ranks, cuts, bounds)), (depth, ranks, cuts, bounds)
        if r >= M:  # with r < M a straddling output's own r channels cap it below M^(inputs read)
            assert ranks == bounds, (depth, ranks, bounds)


def test_weights_shared_over_positions_reach_the_same_ranks():
    for N, L in [(8, 2), (10, 4)]:
        net = tl.OverlappingConvAC.random(N, 2, 2, 2, L, rng=N, p=P)
        shared = tl.budget.shared_convac(net)
        assert _ranks_prefix(shared.to_dense(), N) == [sc.overlapping_convac_1d(ell, 2, 2, 2, L, N=N) for ell in range(1, N)]
    net = tl.budget.shared_convac(tl.OverlappingConvAC.random_2d(4, 2, 2, 2, 1, rng=0, p=P))
    assert tl.rank_mod_p(net.to_dense(), sc.region_2d(2, 4)) == 2**4  # a volume law on the 2 x 2 block


def test_overlapping_convac_halves_of_twelve_inputs_double_with_each_layer():
    # M = r = 2, K = 2: rank r M^depth of the left half, a volume law up to the light cone
    assert [sc.overlapping_convac_1d(6, 2, 2, 2, L) for L in range(6)] == [2, 4, 8, 16, 32, 64]


@pytest.mark.parametrize("side, r, K, depth", [(3, 2, 2, 1), (4, 2, 2, 1), (4, 2, 2, 2), (4, 1, 3, 1)])
def test_overlapping_convac_2d_bound_holds_and_is_reached_on_small_blocks(side, r, K, depth):
    net = tl.OverlappingConvAC.random_2d(side, 2, r, K, depth, rng=side * depth, p=P)
    A = net.to_dense()
    for alpha in range(1, side):
        for top, left in [(0, 0), (None, None), (side - alpha, side - alpha)]:
            rows = sc.region_2d(alpha, side, top, left)
            rank = tl.rank_mod_p(A, rows)
            bound = sc.overlapping_convac_2d(alpha, side, 2, r, K, depth, top, left)
            assert rank <= net.min_cut(rows).rank_bound <= bound
            if side == 4 and alpha == 2 and r >= 2:
                assert rank == bound == 2**4  # a volume law on the 2 x 2 block


def test_overlapping_convac_2d_bound_is_reached_in_the_middle_and_can_be_loose_at_the_edge():
    # the cases docs/science.md and tnlite.scaling cite, on a 4 x 4 lattice with M = 2
    for r, K, depth in [(2, 2, 1), (2, 2, 2), (2, 2, 3), (3, 2, 1), (3, 2, 2), (3, 2, 3), (2, 3, 1), (3, 3, 1)]:
        A = tl.OverlappingConvAC.random_2d(4, 2, r, K, depth, rng=10 * r + depth, p=P).to_dense()
        rows = sc.region_2d(2, 4)  # the centred 2 x 2 block
        assert tl.rank_mod_p(A, rows) == sc.overlapping_convac_2d(2, 4, 2, r, K, depth) == 2**4
    # the 3 x 3 corner block, M = r = 2: (K, depth) -> (exact rank, light-cone bound, min cut of the duplicated network)
    corner = sc.region_2d(3, 4, 0, 0)
    for (K, depth), (rank, bound, cut) in {(2, 1): (32, 64, 32), (2, 2): (72, 128, 128), (2, 3): (72, 128, 128),
                                           (3, 1): (8, 128, 8)}.items():
        net = tl.OverlappingConvAC.random_2d(4, 2, 2, K, depth, rng=depth, p=P)
        assert (tl.rank_mod_p(net.to_dense(), corner), sc.overlapping_convac_2d(3, 4, 2, 2, K, depth, 0, 0),
                net.min_cut(corner).rank_bound) == (rank, bound, cut), (K, depth)


def test_overlapping_convac_2d_is_a_volume_law_up_to_twice_the_light_cone():
    # 64 x 64 lattice, M = r = 2, K = 2: light cone c = depth; a centred block is all band for alpha <= 2c
    for depth in (2, 4, 8):
        got = [sc.bits(sc.overlapping_convac_2d(a, 64, 2, 2, 2, depth)) - 1 for a in range(1, 4 * depth)]
        want = [a * a - max(0, a - 2 * depth) ** 2 for a in range(1, 4 * depth)]
        assert got == [min(w, a * a - 1) for w, a in zip(want, range(1, 4 * depth))] or got == want


@settings(max_examples=30, deadline=None)
@given(N=st.integers(2, 40), chi=st.integers(1, 5), d=st.integers(2, 3), seed=st.integers(0, 10**6))
def test_the_chain_dynamic_programme_is_the_min_cut_of_the_mps_graph(N, chi, d, seed):
    rows = np.flatnonzero(np.random.default_rng(seed).random(N) < 0.4).tolist() or [0]
    if len(rows) == N:
        rows = rows[:-1]
    g = tl.MPS(tl.MPS.random(min(N, 12), d, chi, rng=0).cores).graph() if N <= 12 else None
    edges = [(t, t + 1, b) for t, b in enumerate(sc._mps_bonds(N, chi, d))]
    assert sc._chain_cut(N, chi, d, rows) == tl.min_cut(edges, [(t, d) for t in range(N)], rows).rank_bound
    if g is not None:  # the bonds are those MPS.random draws
        assert [e[2] for e in g.edges] == [e[2] for e in edges]
