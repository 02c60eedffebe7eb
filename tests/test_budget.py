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


def test_afford_picks_the_largest_knob_within_the_budget():
    for name, arch in budget.ARCHITECTURES.items():
        for dim in arch.dims:
            system = 16 if dim == 1 else 6
            for b in (50, 400, 5000):
                k = budget.afford(name, b, system, dim)
                if k is None:
                    continue
                assert arch.params(k, system, dim) <= b
                assert not arch.fits(k + 1, system, dim) or arch.params(k + 1, system, dim) > b
    assert budget.afford("MPS", 10, 16) is None  # chi = 1 already costs 32
    assert budget.afford("MPS", 32, 16) == 1


def test_every_built_instance_costs_what_the_table_says():
    for name, arch in budget.ARCHITECTURES.items():
        if arch.build is None:
            continue
        for dim in arch.dims:
            system = 8 if dim == 1 else 4
            k = budget.afford(name, 2000, system, dim)
            net = arch.build(k, system, dim, np.random.default_rng(0), None)
            if name == "overlapping ConvAC":  # weights shared over positions: count one position's
                *layers, conv, w_out = net.params()
                assert all(np.array_equal(W, np.broadcast_to(W[:1], W.shape)) for W in (*layers, conv))
                assert sum(W[0].size for W in (*layers, conv)) + w_out.size == arch.params(k, system, dim)
                continue
            assert net.n_params == arch.params(k, system, dim), name


@pytest.mark.parametrize("call, match", [
    (lambda: budget.afford("PEPS", 100, 8), r"name must be one of"),
    (lambda: budget.afford("MERA", 100, 8, dim=2), r"MERA has no 2D bound here"),
    (lambda: budget.afford("MPS", 0, 8), r"budget must be >= 1, got 0"),
])
def test_bad_input_is_refused_by_name(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()
