"""Lesson 06 panel and drawing, driven headless: move a slider, compare with an
independent computation (dense coefficient tensor and tnlite.entanglement_entropy)."""
import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

import tnlite as tl
from tnlite.widgets import build_rac_entropy


def dense_entropies(rac):
    A = rac.coefficient_tensor()
    return np.array([tl.entanglement_entropy(A, range(t)) for t in range(1, rac.N)])


def test_moving_R_changes_entropies_and_bounds_to_the_dense_values():
    panel = build_rac_entropy(N=8, R=2, t=4, M=2, rng=0)
    before = panel.data["entropies"].copy()
    assert np.allclose(before, dense_entropies(panel.data["rac"]), atol=1e-10)
    assert panel.data["bound_at_cut"] == pytest.approx(1.0)  # log2 min(2, 16, 16)

    panel.controls["R"].value = 5
    rac = panel.data["rac"]
    assert (rac.R, rac.N, rac.M) == (5, 8, 2)
    S = dense_entropies(rac)
    assert np.allclose(panel.data["entropies"], S, atol=1e-10)
    assert not np.allclose(panel.data["entropies"], before)
    expected_bounds = [math.log2(min(5, 2**t, 2 ** (8 - t))) for t in range(1, 8)]
    assert np.allclose(panel.data["bounds"], expected_bounds)
    assert panel.data["entropy_at_cut"] == pytest.approx(S[3])
    assert panel.data["bound_at_cut"] == pytest.approx(math.log2(5))
    assert panel.data["rank_bound_at_cut"] == 5
    # the plotted lines are the recorded numbers
    x, y = panel.artists["measured"].get_data()
    assert list(x) == list(range(1, 8)) and np.allclose(y, S, atol=1e-10)
    assert np.allclose(panel.artists["bound"].get_data()[1], expected_bounds)
    assert "R=5" in panel.artists["ax_entropy"].get_title()
    assert np.all(panel.data["entropies"] <= panel.data["bounds"] + 1e-9)


def test_moving_the_cut_and_N():
    panel = build_rac_entropy(N=8, R=3, t=4, M=2, rng=1)
    panel.controls["t"].value = 2
    assert panel.data["t"] == 2
    assert panel.data["bound_at_cut"] == pytest.approx(math.log2(3))  # min(3, 4, 64)
    assert panel.data["entropy_at_cut"] == pytest.approx(dense_entropies(panel.data["rac"])[1], abs=1e-10)
    assert list(panel.artists["marker"].get_xdata()) == [2, 2]
    assert "t=2" in panel.artists["ax_entropy"].get_title()

    panel.controls["t"].value = 1
    assert panel.data["bound_at_cut"] == pytest.approx(1.0)  # min(3, 2, 128)

    weights = panel.data["rac"].W_H[0].copy()
    panel.controls["N"].value = 12
    assert panel.data["rac"].N == 12 and panel.data["entropies"].shape == (11,)
    assert np.array_equal(panel.data["rac"].W_H[0], weights)  # same recurrent weights, longer sequence
    assert np.allclose(panel.data["entropies"], dense_entropies(panel.data["rac"]), atol=1e-10)

    panel.controls["t"].value = 10
    panel.controls["N"].value = 5  # the cut slider shrinks with N
    assert panel.controls["t"].max == 4 and panel.data["t"] == 4
    assert panel.data["bound_at_cut"] == pytest.approx(1.0)


def test_panel_rejects_bad_settings():
    with pytest.raises(ValueError, match=r"t must be between 1 and N-1 = 7, got 8"):
        build_rac_entropy(N=8, t=8)
    with pytest.raises(ValueError, match=r"R must be <= R_max = 8, got 9"):
        build_rac_entropy(R=9)
    with pytest.raises(ValueError, match=r"N must be <= N_max = 16, got 20"):
        build_rac_entropy(N=20)


def test_draw_rac_marks_the_min_cut_and_the_sides():
    rac = tl.RAC.random(6, 4, 2, rng=0)
    ax = tl.diagrams.draw_rac(rac, rows=[0, 2, 4], show_cut=True)
    cut = rac.min_cut([0, 2, 4])
    red = [ln for ln in ax.lines if ln.get_gid() in ("bond", "leg") and ln.get_color() == tl.diagrams.COLORS["cut"]]
    assert len(red) == len(cut.edges) == 3 and cut.rank_bound == 8
    assert "rank <= 8" in ax.get_title()
    assert sum(p.get_gid() == "delta" for p in ax.patches) == 6
    particles = [p for p in ax.patches if p.get_gid() == "particle"]
    assert len(particles) == 6
    plt.close("all")
    ax = tl.diagrams.draw_rac(4)
    assert not any(ln.get_color() == tl.diagrams.COLORS["cut"] for ln in ax.lines)
    assert "N=4" in ax.get_title()
    with pytest.raises(ValueError, match="show_cut needs a RAC"):
        tl.diagrams.draw_rac(4, rows=[0], show_cut=True)
    plt.close("all")


def test_panels_refuse_sizes_that_would_not_answer_at_once():
    from tnlite import widgets as W

    with pytest.raises(ValueError, match="M must be <= 16"):
        W.build_rac_entropy(M=10**6)
    with pytest.raises(ValueError, match="N_max must be <= 64"):
        W.build_rac_entropy(N_max=10**5)
    with pytest.raises(TypeError, match="theta must be a number"):
        W.build_two_qubit(theta=None)
    with pytest.raises(ValueError, match="theta must be between 0 and pi/2"):
        W.build_two_qubit(theta=float("nan"))
    with pytest.raises(ValueError, match="theta must be between 0 and pi/2"):
        W.build_two_qubit(theta=3.0)
    with pytest.raises(TypeError, match="chi must be a sequence of 3 ints"):
        W.build_tree_partition(N=8, chi=2)
    with pytest.raises(ValueError, match="N must be at least 4"):
        W.tree_partitions(2)
    with pytest.raises(ValueError, match="N must be a power of 2"):
        W.tree_partitions(3)
    with pytest.raises(TypeError, match="widths must be a sequence of 3 ints"):
        W.build_convac_partition(N=8, widths=2)
    with pytest.raises(TypeError, match="custom must be a string"):
        W.build_convac_partition(custom=5)


def test_panel_frame_refuses_what_it_cannot_show():
    from tnlite.widgets import FigurePane, Panel

    with pytest.raises(TypeError, match="fig must be a matplotlib Figure, got NoneType"):
        FigurePane(None)
    fig = plt.figure()
    with pytest.raises(TypeError, match="controls must be a dict of name -> ipywidgets value widget"):
        Panel({"n": 3}, fig, lambda panel: None)
    with pytest.raises(TypeError, match="update must be a function"):
        Panel({}, fig, None)
    plt.close(fig)
