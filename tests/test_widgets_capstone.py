"""Lesson 10's panel, driven headless: change the state, budget and cut; the ranks, ceilings and
markers equal an independent computation (min cuts of freshly built networks, tnlite.vmc's bound)."""
import numpy as np
import pytest

import tnlite as tl
from tnlite import vmc
from tnlite.experiments import capstone as cap
from tnlite.widgets import build_fidelity_ceiling


def _expected(state, budget, cut):
    dim = cap.STATES[state][0]
    psi0, rows = cap.ground(state)[1], cap.CUTS[dim][cut]
    out = {}
    for arch, knob in cap.lineup(state, budget).items():
        net = cap.build(arch, knob, dim, 7)  # another seed: a min cut does not depend on the weights
        out[arch] = vmc.fidelity_bound(psi0, net.min_cut(rows).rank_bound, rows)
    return out


def test_ceilings_follow_the_controls_and_equal_the_bound_of_built_networks():
    panel = build_fidelity_ceiling(state="critical chain", budget=125, cut="odd | even",
                                   measured={("2D lattice", 125, "MPS"): [0.9, 0.95]})
    for state, budget, cut in [("critical chain", 125, "odd | even"), ("2D lattice", 125, "top | bottom"),
                               ("2D lattice", 425, "checkerboard"), ("gapped chain", 250, "halves")]:
        panel.controls["state"].value = state
        panel.controls["budget"].value = budget
        panel.controls["cut"].value = cut
        assert (panel.data["state"], panel.data["budget"], panel.data["cut"]) == (state, budget, cut)
        expected = _expected(state, budget, cut)
        assert set(panel.data["ceilings"]) == set(expected)
        for arch, bound in expected.items():
            assert panel.data["ceilings"][arch] == pytest.approx(bound, abs=1e-12)
            k = panel.data["ranks"][arch]
            x, y = panel.artists["floors"][arch].get_data()
            assert list(x) == [k] and y[0] == pytest.approx(max(1 - bound, 1e-16), abs=1e-14)
        assert state in panel.artists["ax"].get_title() and cut in panel.artists["ax"].get_title()


def test_the_cut_menu_follows_the_states_dimension_and_measured_fits_sit_above_their_floor():
    panel = build_fidelity_ceiling(state="critical chain", budget=125,
                                   measured={("2D lattice", 125, "MPS"): [0.9, 0.95]})
    assert list(panel.controls["cut"].options) == list(cap.CUTS[1])
    panel.controls["state"].value = "2D lattice"
    assert list(panel.controls["cut"].options) == list(cap.CUTS[2]) and panel.data["cut"] == "left | right"
    panel.controls["cut"].value = "top | bottom"
    x, y = panel.artists["fits"]["MPS"].get_data()
    assert list(x) == [2, 2] and np.allclose(y, [0.1, 0.05])
    assert all(v >= panel.data["tail"][1] for v in y)  # a fit cannot pass its ceiling
    assert "MPS (rank 2)" in panel.text.value
    # an architecture missing at this budget (the overlapping ConvAC at 125) draws nothing
    assert len(panel.artists["floors"]["overlapping ConvAC"].get_data()[0]) == 0


def test_bad_arguments_are_refused_by_name():
    with pytest.raises(ValueError, match="state must be one of"):
        build_fidelity_ceiling(state="3D")
    with pytest.raises(ValueError, match="budget must be one of"):
        build_fidelity_ceiling(budget=100)
    with pytest.raises(ValueError, match="cut must be one of"):
        build_fidelity_ceiling(state="2D lattice", cut="halves")
