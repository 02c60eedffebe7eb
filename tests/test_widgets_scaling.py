"""Lesson 09 panel, driven headless: move the budget, switch dimension and architectures, and compare
the drawn curves and measured points with closed forms and independent exact ranks."""
import io
import math

import numpy as np
import PIL.Image
import pytest

import tnlite as tl
from tnlite.widgets import FigurePane, build_entanglement_scaling


def _rgb(png):
    return np.asarray(PIL.Image.open(io.BytesIO(png)).convert("RGB"))


def test_mps_and_full_rbm_curves_are_their_closed_forms_and_follow_the_budget():
    panel = build_entanglement_scaling(dim=1, architectures=["MPS", "RBM, full"], budget=1000)
    chi, H = panel.data["knobs"]["MPS"], panel.data["knobs"]["RBM, full"]
    # the largest sizes 1000 parameters pay for on 64 sites, weights shared over positions, by hand:
    # one (chi, 2, chi) core costs 2 chi^2: chi = 22 costs 968, 23 costs 1058;
    # a full RBM's units keep their own weights: 1 + H (64 + 1), so H = 15 (976) and not 16 (1041)
    assert (chi, H) == (22, 15)
    xs, ys = panel.data["bounds"]["MPS"]
    assert np.allclose(ys, [math.log2(min(chi, 2**ell)) for ell in xs])  # one bond between the halves
    xs, ys = panel.data["bounds"]["RBM, full"]
    assert np.allclose(ys, [min(H, ell) for ell in xs])  # one bit per hidden unit, at most ell
    assert np.allclose(panel.artists["lines"]["MPS"].get_data()[1], panel.data["bounds"]["MPS"][1])
    sizes, ranks, bounds = panel.data["measured"]["MPS"]
    assert sizes == [1, 2, 3, 4, 5] and ranks == [min(chi, 2**ell) for ell in sizes] == bounds  # generic MPS
    sizes, ranks, _ = panel.data["measured"]["RBM, full"]
    assert ranks == [2 ** min(H, ell) for ell in sizes]
    assert panel.data["skipped"] == {}

    panel.controls["budget"].value = 10_000
    assert panel.data["knobs"]["MPS"] > chi and panel.data["knobs"]["RBM, full"] > H
    assert "10,000" in panel.artists["ax"].get_title()


def test_measured_ranks_are_exact_ranks_of_random_instances_and_below_the_bounds():
    panel = build_entanglement_scaling(dim=1, budget=2000)
    for name, (sizes, ranks, bounds) in panel.data["measured"].items():
        assert all(r <= b for r, b in zip(ranks, bounds)), name
        if tl.budget.ARCHITECTURES[name].build is None:  # no tensors built (MERA): its bound alone is drawn
            assert sizes == []
        if not sizes:  # no tensors, or a size that fits no small system (a ConvAC 63 layers deep)
            continue
        arch = tl.budget.ARCHITECTURES[name]
        knob = tl.widgets.scaling.knob_at(name, panel.data["knobs"][name], 2 * sizes[-1], 1)
        net = arch.build(knob, 2 * sizes[-1], 1, np.random.default_rng((0, sizes[-1])), tl.PRIME)
        assert tl.rank_mod_p(net.to_dense(), range(sizes[-1])) == ranks[-1], name
    assert "all below their bounds" in panel.text.value


def test_two_dimensions_skip_the_one_dimensional_architectures_and_draw_area_and_volume():
    panel = build_entanglement_scaling(dim=1, budget=20_000)
    panel.controls["dim"].value = "2D"
    assert set(panel.data["skipped"]) == {"tree", "MERA", "deep RAC (depth 2)"}
    assert all(not len(panel.artists["lines"][n].get_xdata()) for n in panel.data["skipped"])
    H = panel.data["knobs"]["RBM, full"]
    xs, ys = panel.data["bounds"]["RBM, full"]
    assert np.allclose(ys, [min(H, a * a) for a in xs])
    sizes = np.array(panel.artists["volume"].get_xdata())
    assert np.allclose(panel.artists["volume"].get_ydata(), sizes**2)
    assert np.allclose(panel.artists["area"].get_ydata(), 4 * sizes)
    assert panel.artists["ax"].get_xscale() == "linear"


def test_unchecking_an_architecture_removes_its_curve():
    panel = build_entanglement_scaling(dim=1, budget=500)
    assert len(panel.artists["lines"]["deep RAC (depth 2)"].get_xdata())
    panel.controls["deep RAC (depth 2)"].value = False
    assert "deep RAC (depth 2)" not in panel.data["knobs"]
    assert not len(panel.artists["lines"]["deep RAC (depth 2)"].get_xdata())


def test_a_budget_too_small_for_an_architecture_says_so(monkeypatch):
    # with weights shared, every architecture affords something at 100 parameters: a 2D full RBM 0 units (1 weight)
    panel = build_entanglement_scaling(dim=2, architectures=["RBM, full"], budget=100)
    assert panel.data["knobs"] == {"RBM, full": 0} and set(panel.data["bounds"]["RBM, full"][1]) == {0}
    monkeypatch.setattr(tl.widgets.scaling, "afford", lambda *a, **k: None)
    panel = build_entanglement_scaling(dim=1, architectures=["MPS"], budget=100)
    assert panel.data["skipped"] == {"MPS": "the budget pays for none"}
    assert "MPS (the budget pays for none)" in panel.text.value


def test_a_deep_convac_is_drawn_at_every_size_cut_to_the_depth_that_fits():
    # 1000 parameters buy 63 layers on 64 sites; a chain of 2 ell sites has room for 2 ell - 1 of them.
    # Before, every smaller chain was skipped and the curve was a single point at ell = 32.
    panel = build_entanglement_scaling(dim=1, architectures=["overlapping ConvAC"], budget=1000)
    assert panel.data["knobs"]["overlapping ConvAC"] == 63
    xs, ys = panel.data["bounds"]["overlapping ConvAC"]
    assert xs == list(tl.widgets.scaling.SIZES[1]) and ys == [float(x) for x in xs]  # min(2^l, 2 * 2^min(l, 2l-1))
    assert "depth up to 63" in panel.artists["lines"]["overlapping ConvAC"].get_label()
    sizes, ranks, bounds = panel.data["measured"]["overlapping ConvAC"]
    assert sizes == [1, 2, 3, 4, 5] and ranks == bounds == [2**x for x in sizes]


def test_axes_say_what_is_drawn_in_the_course_colours():
    panel = build_entanglement_scaling(dim=1, budget=500)
    ax, C = panel.artists["ax"], tl.diagrams.COLORS
    assert "sites" in ax.get_xlabel() and "log scale" in ax.get_xlabel() and "bits" in ax.get_ylabel()
    assert all(line.get_color() == C["bound"] for line in panel.artists["lines"].values())
    assert all(pts.get_color() == C["measured"] for pts in panel.artists["points"].values())
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "volume law" in labels and "area law" in labels and any("exact rank" in t for t in labels)
    panel.controls["dim"].value = "2D"
    assert "sites" in ax.get_xlabel() and "α" in ax.get_xlabel() and ax.get_xscale() == "linear"


@pytest.mark.parametrize("kw, match", [
    (dict(dim=3), r"dim must be 1 or 2, got 3"),
    (dict(architectures=["PEPS"]), r"architectures must be names in .*got \['PEPS'\]"),
    (dict(budget=123), r"budget must be one of"),
    (dict(architectures="MPS"), r"architectures must be a list of names, got the str 'MPS'"),  # was "got ['M', 'P', 'S']"
])
def test_bad_settings_are_refused_by_name(kw, match):
    with pytest.raises((ValueError, TypeError), match=match):
        build_entanglement_scaling(**kw)


def test_the_legend_names_the_sizes_each_move_pays_for():
    # the legend is renamed in place when only the sizes change, rebuilt when the lineup changes
    panel = build_entanglement_scaling(dim=1, architectures=["MPS", "RBM, full"], budget=1000)
    legend = lambda: [t.get_text() for t in panel.artists["ax"].get_legend().get_texts()]
    assert legend() == ["MPS (chi = 22)", "RBM, full (n_hidden = 15)", "volume law", "area law",
                        "exact rank (random, mod p)"]
    panel.controls["budget"].value = 10_000  # by hand: 2 chi^2 <= 10,000 up to chi = 70; 1 + 65 H up to H = 153
    assert legend()[:2] == ["MPS (chi = 70)", "RBM, full (n_hidden = 153)"]
    panel.controls["MPS"].value = False
    assert legend() == ["RBM, full (n_hidden = 153)", "volume law", "area law", "exact rank (random, mod p)"]


def test_a_saved_figure_is_the_picture_the_panel_shows(monkeypatch):
    # the legend is drawn over a cached background; a saved figure (a static page's image) draws it once too
    monkeypatch.setattr(FigurePane, "always_render", True)
    panel = build_entanglement_scaling(dim=1, budget=1000)
    panel.controls["budget"].value = 2000
    buffer = io.BytesIO()
    panel.fig.savefig(buffer, format="png")
    assert np.array_equal(_rgb(buffer.getvalue()), _rgb(bytes(panel._pane.widget.value)))


def test_the_y_label_fits_beside_the_2d_ticks(monkeypatch):
    # the layout is made once: made for 1D's two-digit ticks, it pushed 2D's label off the figure's left edge
    monkeypatch.setattr(FigurePane, "always_render", True)
    panel = build_entanglement_scaling(dim=1, budget=1000)
    panel.controls["dim"].value = "2D"
    ax = panel.artists["ax"]
    label = ax.yaxis.label.get_window_extent()
    ticks = [t.get_window_extent() for t in ax.get_yticklabels() if t.get_text()]
    assert max(float(t.get_text()) for t in ax.get_yticklabels() if t.get_text()) >= 100  # three digits
    assert label.x0 >= 0 and label.x1 <= min(t.x0 for t in ticks)


def test_a_new_lineup_on_the_same_axes_draws_only_the_curves_and_the_legend(monkeypatch):
    # a full redraw costs 2-3x a redraw of what changed; test_widgets_render checks such frames against full draws
    monkeypatch.setattr(FigurePane, "always_render", True)
    panel = build_entanglement_scaling(dim=1, budget=1000)
    before = panel._pane.full_draws
    panel.controls["MPS"].value = False  # the overlapping ConvAC still reaches the volume law: the same limits
    panel.controls["MPS"].value = True
    panel.controls["deep RAC (depth 2)"].value = False  # it reaches it too
    assert panel._pane.full_draws == before
    panel.controls["overlapping ConvAC"].value = False  # the highest curves gone: new limits, a full draw
    assert panel._pane.full_draws == before + 1
