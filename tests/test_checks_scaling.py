"""Exercise 09's checkers: right answers pass, each typical mistake is named, and the choice task's
accepted answers are what the bounds say."""
import math

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
                      "volume law, fewest parameters": "overlapping ConvAC"}
            assert _verdict(ck.check_choose, lambda: answer, capsys)[0]
    ok, out = _verdict(ck.check_choose, lambda: {"2D area law": "PEPS", "critical 1D chain": "MERA",
                                                 "volume law, fewest parameters": "overlapping ConvAC"}, capsys)
    assert not ok and "not one of the choices" in out


def test_the_accepted_choices_are_what_the_bounds_say():
    # 2D area law: at fixed size, the bound keeps growing like alpha (nearly doubles from alpha = 8 to 16)
    grows_2d = {name for name, arch in tl.budget.ARCHITECTURES.items() if 2 in arch.dims
                and sc.bits(arch.bound(16, 2, 32, 2)) > 1.8 * sc.bits(arch.bound(8, 2, 16, 2))}
    assert grows_2d == ck._ACCEPT["2D area law"]
    # critical chain: at fixed size, the bound on the halves still grows from ell = 16 to 64
    sizes = {"MPS": 4, "tree": 4, "MERA": 2, "RBM, local": 1, "RBM, full": 12, "deep RAC (depth 2)": 2,
             "overlapping ConvAC": 6}
    grows_1d = {name for name, k in sizes.items()
                if tl.budget.ARCHITECTURES[name].bound(64, k, 128, 1) > tl.budget.ARCHITECTURES[name].bound(16, k, 32, 1)}
    assert grows_1d == ck._ACCEPT["critical 1D chain"]
    # volume law on the halves of 2 ell sites: parameters needed at ell = 16 and 32; the ConvAC's grow like ell
    need = {}
    for name in ("RBM, full", "deep RAC (depth 2)", "overlapping ConvAC"):
        arch = tl.budget.ARCHITECTURES[name]
        for ell in (16, 32):
            k = next(k for k in range(1, 400) if arch.fits(k, 2 * ell, 1) and arch.bound(ell, k, 2 * ell, 1) == 2**ell)
            need[name, ell] = arch.params(k, 2 * ell, 1)
    assert min(("RBM, full", "deep RAC (depth 2)", "overlapping ConvAC"), key=lambda n: need[n, 32]) == "overlapping ConvAC"
    assert need["overlapping ConvAC", 32] / need["overlapping ConvAC", 16] < 2.2
    assert need["RBM, full", 32] / need["RBM, full", 16] > 3.5 and need["deep RAC (depth 2)", 32] / need["deep RAC (depth 2)", 16] > 2.5
    assert sc.mps_1d(16, 2**16) == 2**16 and tl.budget.params_mps(32, 2**16) > 10**9  # an MPS needs chi = 2^ell


@pytest.mark.parametrize("name", ck.CHOICES)
def test_every_choice_is_an_architecture_of_the_budget_table(name):
    assert name in tl.budget.ARCHITECTURES
