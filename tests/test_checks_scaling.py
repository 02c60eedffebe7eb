"""Exercise 09's checkers: right answers pass, each typical mistake is named, and the choice task's
accepted answers are what the bounds say."""
import math

import numpy as np
import pytest

import tnlite as tl
from tnlite import scaling as sc
from tnlite.checks import scaling as ck


def _verdict(check, fn, capsys):
    ok = check(fn)
    return ok, capsys.readouterr().out


def _crossing_bound(sites, rows):
    P = set(rows)
    return 2 ** sum(1 for s in sites if P & set(s) and set(s) - P)


def test_the_hand_regions_have_the_bounds_the_hand_task_expects():
    assert {name: ck._hand_expected(name) for name in ck.HAND_REGIONS} == {
        "mera_left_half": 8, "mera_first_two": 4, "mera_middle_four": 16, "mera_middle_two": 4,
        "rbm_first_three": 4, "rbm_even_sites": 8}
    # the RBM's region {0, 2, 4}: all 4 units cross, but cutting the 3 open legs is cheaper
    assert _crossing_bound(ck.HAND_RBM, (0, 2, 4)) == 16


def test_a_deep_rac_bound_without_the_caps_is_named(capsys):
    def uncapped(l, M, R, L, N):
        return math.prod(math.comb(R + D - 1, D) for D in sc._rac_degrees(L, N - l))
    ok, out = _verdict(ck.check_deep_rac_bound, uncapped, capsys)
    assert not ok and "without the caps" in out


def test_choose_accepts_every_architecture_the_bounds_allow(capsys):
    for area in ck._ACCEPT["2D area law"]:
        for critical in ck._ACCEPT["critical 1D chain"]:
            answer = {"2D area law": area, "critical 1D chain": critical,
                      "2D volume law, fewest parameters": "overlapping ConvAC"}
            assert _verdict(ck.check_choose, lambda: answer, capsys)[0]
    ok, out = _verdict(ck.check_choose, lambda: {"2D area law": "PEPS", "critical 1D chain": "MERA",
                                                 "2D volume law, fewest parameters": "overlapping ConvAC"}, capsys)
    assert not ok and "not one of the choices" in out


def test_the_accepted_choices_are_what_the_bounds_say():
    # 2D area law: at fixed size, the bound of a centred block keeps growing like alpha (nearly doubles from
    # alpha = 8 to 16) ...
    grows_2d = {name for name, arch in tl.budget.ARCHITECTURES.items() if 2 in arch.dims
                and sc.bits(arch.bound(16, 2, 32, 2)) > 1.8 * sc.bits(arch.bound(8, 2, 16, 2))}
    assert grows_2d == {"MPS", "RBM, local", "overlapping ConvAC"}
    # ... and so does the min cut of the top half of a side x side lattice, in built networks (independent of
    # tl.scaling): the MPS's chain crosses it at one bond, whatever the side
    top_half = {}
    for name, k in {"MPS": 4, "RBM, local": 1, "RBM, full": 12, "overlapping ConvAC": 2}.items():
        arch = tl.budget.ARCHITECTURES[name]
        top_half[name] = [math.log2(arch.build(k, side, 2, np.random.default_rng(0), None)
                                    .min_cut(range(side * side // 2)).rank_bound) for side in (4, 6, 8)]
    assert top_half["MPS"] == [2, 2, 2]
    both = {n for n, b in top_half.items() if n in grows_2d and b[1] - b[0] >= 3 and b[2] - b[1] >= 3}
    assert both == ck._ACCEPT["2D area law"]
    # critical chain: at fixed size, the bound on the halves still grows from ell = 16 to 64
    sizes = {"MPS": 4, "tree": 4, "MERA": 2, "RBM, local": 1, "RBM, full": 12, "deep RAC (depth 2)": 2,
             "overlapping ConvAC": 6}
    grows_1d = {name for name, k in sizes.items()
                if tl.budget.ARCHITECTURES[name].bound(64, k, 128, 1) > tl.budget.ARCHITECTURES[name].bound(16, k, 32, 1)}
    assert grows_1d == ck._ACCEPT["critical 1D chain"]
    # 2D volume law over the centred alpha x alpha block, weights shared: the smallest size of each 2D
    # architecture whose bound is alpha^2 bits, and its parameters, at alpha = 16, 32, 64
    need = {}
    for a in (16, 32, 64):
        side, volume = 2 * a, 2 ** (a * a)
        w = next(w for w in range(1, side) if sc.rbm_2d(a, side, (side - w + 1) ** 2, window=w) == volume)
        L = next(L for L in range(side) if sc.overlapping_convac_2d(a, side, 2, 2, 2, L) == volume)
        chi = next(c for c in (2 ** j for j in range(a)) if sc.mps_2d(a, side, c) == volume)
        need["RBM, local", a] = 1 + (w * w + 1)                   # one visible bias, one w x w filter and its bias
        need["overlapping ConvAC", a] = L * 16 + 2 * 2 + 2           # L layers of K^2 r M, the 1x1 conv, w_out
        need["RBM, full", a] = 1 + a * a * (side * side + 1)         # alpha^2 units, each its own weights
        need["MPS", a] = 2 * chi * chi                               # one shared (chi, 2, chi) core
        assert need["RBM, local", a] == tl.budget.params_rbm(side * side, (side - w + 1) ** 2, w, side, shared=True)
        assert need["overlapping ConvAC", a] == tl.budget.params_overlapping_convac(2, 2, 2, L, (side, side), shared=True)
    names = ("MPS", "RBM, local", "RBM, full", "overlapping ConvAC")
    assert {min(names, key=lambda n: need[n, a]) for a in (32, 64)} == ck._ACCEPT["2D volume law, fewest parameters"]
    assert min(names, key=lambda n: need[n, 16]) == "RBM, local"     # small blocks favour the square filter
    assert need["overlapping ConvAC", 64] / need["overlapping ConvAC", 32] < 2.1 < 3.5 < need["RBM, local", 64] / need["RBM, local", 32]


def test_the_volume_law_task_is_two_dimensional_because_a_1d_shared_rbm_is_cheapest():
    # the audit's case: on the halves of 2 ell sites, one shared filter of ell + 1 sites reaches the volume law
    # with ell + 3 weights, fewer than the ConvAC's 8 ell; a 1D "fewest parameters" task would have no fair answer
    for ell in (2, 3, 4, 5):
        net = tl.budget.shared_rbm(tl.RBM.random(2 * ell, ell, rng=ell, window=ell + 1, p=tl.PRIME))
        assert tl.rank_mod_p(net.to_dense(), range(ell)) == 2**ell
        assert tl.budget.params_rbm(2 * ell, ell, ell + 1, shared=True) == ell + 3
    assert all(state.startswith("2D") or "volume" not in state for state in ck.STATES)


@pytest.mark.parametrize("name", ck.CHOICES)
def test_every_choice_is_an_architecture_of_the_budget_table(name):
    assert name in tl.budget.ARCHITECTURES
