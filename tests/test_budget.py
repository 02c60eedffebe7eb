"""tnlite.budget: parameter counts equal the n_params of the networks built, and afford picks the
largest size a budget pays for."""
import numpy as np
import pytest

import tnlite as tl
from tnlite import budget


# ---- parameter counts ----------------------------------------------------------------------------
def test_parameter_counts_are_the_n_params_of_the_networks_built():
    rng = np.random.default_rng(0)
    for N, chi, d in [(6, 3, 2), (9, 4, 3), (12, 2, 2)]:
        assert budget.params_mps(N, chi, d) == tl.MPS.random(N, d, chi, rng=rng).n_params
    for N, chi in [(8, 3), (16, 2), (4, 5)]:
        assert budget.params_tree(N, chi) == tl.TreeTN.random(N, 2, chi, rng=rng).n_params
    for N, H, w, grid in [(10, 7, 3, None), (16, 9, 2, 4), (8, 5, None, None)]:
        assert budget.params_rbm(N, H, w, grid) == tl.RBM.random(N, H, rng=rng, window=w, grid=grid).n_params
    for M, R, L in [(2, 3, 1), (3, 2, 2), (2, 4, 3)]:
        assert budget.params_deep_rac(M, R, L) == tl.RAC.random(7, M, R, rng=rng, depth=L).n_params
    for grid, K, L in [(9, 2, 3), (7, 3, 2), ((5, 5), 2, 2), ((4, 4), 3, 1)]:
        make = tl.OverlappingConvAC.random if np.ndim(grid) == 0 else tl.OverlappingConvAC.random_2d
        net = make(grid if np.ndim(grid) == 0 else grid[0], 2, 3, K, L, rng=rng)
        assert budget.params_overlapping_convac(2, 3, K, L, grid) == net.n_params
    # MERA: bottom disentanglers d^4, isometries d^2 chi, above chi^4 and chi^3; N = 4: 1 u, 2 w, top
    assert budget.params_mera(4, 3, 2) == 2**4 + 2 * (2 * 2 * 3) + 3 * 3
    # and, while chi <= d^2 caps nothing, the entries of every tensor of tl.mera_graph's wiring
    for N, chi in [(4, 2), (8, 3), (16, 4), (32, 2)]:
        g, size = tl.mera_graph(N, chi, 2), {}
        for u, v, dim in g.edges:
            size[u], size[v] = size.get(u, 1) * dim, size.get(v, 1) * dim
        for node, dim in g.legs:
            size[node] = size.get(node, 1) * dim
        assert budget.params_mera(N, chi) == sum(size.values())
    # chi = 8 above two spins buys nothing: the bottom isometries' bonds carry at most 4 states
    assert budget.params_mera(4, 8) == budget.params_mera(4, 4)


def _distinct(net):
    """Free weights of an instance whose weights are generic floats: the number of distinct values it holds."""
    return len(np.unique(np.concatenate([np.ravel(W) for W in net.params()])))


def test_shared_counts_are_the_distinct_weights_of_instances_tied_as_counted():
    rng = np.random.default_rng(1)
    for N, chi, d in [(6, 3, 2), (9, 4, 3), (12, 2, 2), (16, 22, 2), (5, 30, 2)]:
        net = budget.shared_mps(tl.MPS.random(N, d, chi, rng=rng))
        assert budget.params_mps(N, chi, d, shared=True) == _distinct(net)
    for N, chi in [(8, 3), (16, 2), (4, 5)]:
        net = budget.shared_tree(tl.TreeTN.random(N, 2, chi, rng=rng))
        assert budget.params_tree(N, chi, shared=True) == _distinct(net)
    for N, H, w, grid in [(10, 7, 3, None), (10, 16, 3, None), (16, 9, 2, 4), (16, 20, 2, 4), (8, 5, None, None)]:
        net = budget.shared_rbm(tl.RBM.random(N, H, rng=rng, window=w, grid=grid))
        assert budget.params_rbm(N, H, w, grid, shared=True) == _distinct(net), (N, H, w, grid)
    for grid, K, L in [(9, 2, 3), ((5, 5), 2, 2)]:
        make = tl.OverlappingConvAC.random if np.ndim(grid) == 0 else tl.OverlappingConvAC.random_2d
        net = budget.shared_convac(make(grid if np.ndim(grid) == 0 else grid[0], 2, 3, K, L, rng=rng))
        assert budget.params_overlapping_convac(2, 3, K, L, grid, shared=True) == _distinct(net)
    # MERA (no tensors built): one disentangler and one isometry per layer, by hand for N = 8, chi = 3
    # layer 1: u 2^4, w 2^2 * 3; layer 2: u 3^4, w 3^2 * 3; top 3^2
    assert budget.params_mera(8, 3, shared=True) == 16 + 12 + 81 + 27 + 9


def test_afford_picks_the_largest_knob_within_the_budget():
    for name, arch in budget.ARCHITECTURES.items():
        for dim in arch.dims:
            system = 16 if dim == 1 else 6
            for b in (50, 400, 5000):
                k = budget.afford(name, b, system, dim)
                if k is None:
                    continue
                assert arch.params(k, system, dim) <= b
                at_most = arch.most is not None and k == arch.most(dim)
                assert at_most or not arch.fits(k + 1, system, dim) or arch.params(k + 1, system, dim) > b
    assert budget.afford("MPS", 1, 16) is None  # chi = 1 already costs d = 2 (one shared 1 x 2 x 1 core)
    assert budget.afford("MPS", 2, 16) == 1 and budget.afford("MPS", 8, 16) == 2  # 2 chi^2


def test_a_local_rbm_stops_buying_filters_where_its_bound_stops_growing():
    # more filters than window^dim - 1 cannot raise the bound of any region on any system
    arch = budget.ARCHITECTURES["RBM, local"]
    for dim, sizes, system in [(1, range(1, 9), 16), (2, range(1, 7), 12)]:
        most = arch.most(dim)
        for size in sizes:
            assert arch.bound(size, most + 5, system, dim) == arch.bound(size, most, system, dim)
    assert budget.afford("RBM, local", 10**6, 16) == arch.most(1) == 2


def test_every_built_instance_costs_what_the_table_says():
    # the table counts weights shared over positions: a built instance (float weights, tied as counted)
    # holds exactly that many distinct values
    for name, arch in budget.ARCHITECTURES.items():
        if arch.build is None:
            continue
        for dim in arch.dims:
            system = 8 if dim == 1 else 4
            for b in (60, 2000):
                k = budget.afford(name, b, system, dim)
                net = arch.build(k, system, dim, np.random.default_rng(0), None)
                if name == "overlapping ConvAC":  # its random weights repeat values: count one position's
                    *layers, conv, w_out = net.params()
                    assert all(np.array_equal(W, np.broadcast_to(W[:1], W.shape)) for W in (*layers, conv))
                    assert sum(W[0].size for W in (*layers, conv)) + w_out.size == arch.params(k, system, dim)
                    continue
                assert _distinct(net) == arch.params(k, system, dim), (name, dim, k)


@pytest.mark.parametrize("call, match", [
    (lambda: budget.afford("PEPS", 100, 8), r"name must be one of"),
    (lambda: budget.afford("MERA", 100, 8, dim=2), r"MERA has no 2D bound here"),
    (lambda: budget.afford("MPS", 0, 8), r"budget must be >= 1, got 0"),
])
def test_bad_input_is_refused_by_name(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()
