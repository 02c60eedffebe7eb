"""Lesson 08 panel and drawings, driven headless: move the kernel size or the depth, switch the
partition, and the recorded rank, min cut and MPS bound follow values computed independently
(the light-cone closed form, exact ranks, the MPS parameter count written out here)."""
import io

import matplotlib.pyplot as plt
import numpy as np
import PIL.Image
import pytest
from matplotlib.colors import to_rgba

import tnlite as tl
from tnlite.diagrams import COLORS, draw_duplicated, draw_light_cone
from tnlite.widgets import FigurePane, build_overlap_partition


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def mps_params(N, M, chi):
    bonds = [1] + [min(chi, M**t, M ** (N - t)) for t in range(1, N)] + [1]
    return sum(bonds[t] * M * bonds[t + 1] for t in range(N))


def test_kernel_and_depth_drive_the_rank_along_the_light_cone():
    panel = build_overlap_partition(N=12, M=2, r=2, K=2, depth=1)
    assert panel.data["rows"] == tuple(range(6))
    for K, depth in [(2, 1), (2, 3), (3, 2), (1, 3), (4, 1)]:
        panel.controls["K"].value = K
        panel.controls["depth"].value = depth
        expected = min(2 * 2 ** (depth * (K - 1)), 2**6)  # r M^(depth (K-1)), capped by M^6
        assert (panel.data["K"], panel.data["depth"]) == (K, depth)
        assert panel.data["rank"] == panel.data["bound"] == expected
        net = tl.OverlappingConvAC.random(12, 2, 2, K, depth, rng=0, p=tl.PRIME)
        assert panel.data["n_params"] == net.n_params
        chi = panel.data["chi"]  # the largest bond dimension the same weights buy
        assert mps_params(12, 2, chi) <= net.n_params < mps_params(12, 2, chi + 1)
        assert panel.data["mps_bound"] == chi  # an MPS's halves are cut at one bond
        heights = [b.get_height() for b in panel.artists["bars"]]
        assert heights == pytest.approx(np.log2([expected, expected, chi]))
        # the light cone: positions of the last layer that read both halves
        assert int(np.sum(panel.data["cone"][-1] == 2)) == min(depth * (K - 1), 12 - depth * (K - 1))
    assert f"K={4}, depth 1" in panel.artists["ax_diagram"].get_title()


def test_depth_slider_follows_the_kernel_and_odd_even_gains_nothing_over_an_mps():
    panel = build_overlap_partition(N=12, K=2, depth=5)
    panel.controls["K"].value = 4  # depth <= (12 - 1) // 3 = 3: the slider clamps
    assert panel.controls["depth"].max == 3 and panel.data["depth"] == 3
    panel.controls["partition"].value = "odd | even"
    assert panel.data["rows"] == tuple(range(0, 12, 2))
    assert panel.data["rank"] == panel.data["bound"] == panel.data["mps_bound"] == panel.data["max_rank"] == 64
    panel.controls["depth"].value = 0  # no re-use: the shallow ConvAC, rank r
    assert panel.data["rank"] == panel.data["bound"] == 2
    faces = panel.artists["ax_diagram"].collections[1].get_facecolors()
    assert len(faces) == 12  # only the inputs, coloured by side
    assert sum(np.allclose(f, to_rgba(COLORS["side_P"])) for f in faces) == 6


def test_custom_partition_and_a_bad_one():
    panel = build_overlap_partition(N=8, K=2, depth=2, partition="custom", custom="0, 1, 5")
    A = tl.OverlappingConvAC.random(8, 2, 2, 2, 2, rng=0, p=tl.PRIME).to_dense()
    assert panel.data["rows"] == (0, 1, 5)
    assert panel.data["rank"] == tl.rank_mod_p(A, [0, 1, 5]) <= panel.data["bound"]
    panel.controls["custom"].value = "0, 9"
    assert "error" in panel.data and "P has particle 9, out of range" in panel.data["error"]
    assert "the 8 particles are numbered 0..7" in panel.text.value  # particles, not a tensor's axes


def test_panel_refuses_bad_settings():
    with pytest.raises(ValueError, match=r"N must be at most 14"):
        build_overlap_partition(N=20)
    with pytest.raises(ValueError, match=r"depth must be <= 3 for N=12 and K=4"):
        build_overlap_partition(K=4, depth=4)
    with pytest.raises(ValueError, match=r"K must be <= K_max = 4, got 5"):
        build_overlap_partition(K=5)
    with pytest.raises(ValueError, match=r"partition must be one of"):
        build_overlap_partition(N=6, partition="interleaved pairs")
    with pytest.raises(TypeError, match=r"custom must be a string"):
        build_overlap_partition(custom=3)


def test_draw_duplicated_shows_every_copy_and_the_cut():
    net = tl.OverlappingConvAC.random(5, 2, 2, 2, 2, rng=0)
    ax = draw_duplicated(net, rows=[0, 1], show_cut=True)
    g, cut = net.graph(), net.min_cut([0, 1])
    deltas = [p for p in ax.patches if p.get_gid() == "delta"]
    assert len(deltas) == len(g.deltas)
    assert len([p for p in ax.patches if p.get_gid() == "node"]) == len(net.duplicated_network().nodes)
    bonds = ax.collections[0]
    red = [w for w in bonds.get_linewidths() if w == 3.0]
    split = sum(1 for e in cut.edges if e[1] == "split")
    assert len(red) == len(cut.edges) - split
    assert f"rank <= {cut.rank_bound}" in ax.get_title() and "[1, 3, 4, 3, 1]" in ax.get_title()
    rac = tl.RAC.random(4, 2, 2, depth=2, rng=0)
    ax = draw_duplicated(rac)
    assert "[4, 3, 2, 1]" in ax.get_title()
    assert len([p for p in ax.patches if p.get_gid() == "particle"]) == 4


def test_drawings_refuse_what_they_cannot_draw():
    with pytest.raises(ValueError, match="draws a depth-2 RAC, got depth 1"):
        draw_duplicated(tl.RAC.random(4, 2, 2, rng=0))
    with pytest.raises(ValueError, match="draws 1D networks"):
        draw_duplicated(tl.OverlappingConvAC.random_2d(3, 2, 2, 2, 1, rng=0))
    with pytest.raises(ValueError, match="show_cut needs rows"):
        draw_duplicated(tl.OverlappingConvAC.random(5, 2, 2, 2, 1, rng=0), show_cut=True)
    with pytest.raises(ValueError, match="duplicated form has .* tensors; draw_duplicated draws at most 400"):
        draw_duplicated(tl.OverlappingConvAC.random(12, 2, 2, 2, 6, rng=0))
    with pytest.raises(TypeError, match="net must be a tnlite.OverlappingConvAC or a depth-2 tnlite.RAC"):
        draw_duplicated(tl.MPS.random(4, 2, 2, rng=0))
    with pytest.raises(TypeError, match="net must be a 1D tnlite.OverlappingConvAC"):
        draw_light_cone(tl.RAC.random(4, 2, 2, rng=0), [0])


def test_light_cone_redraws_in_place():
    ax = draw_light_cone(tl.OverlappingConvAC.random(8, 2, 2, 2, 1, rng=0), range(4))
    n_artists = len(ax.collections) + len(ax.texts)
    draw_light_cone(tl.OverlappingConvAC.random(8, 2, 2, 3, 3, rng=0), range(4), ax=ax)
    assert len(ax.collections) + len(ax.texts) == n_artists
    assert len(ax.collections[1].get_offsets()) == 8 + 6 + 4 + 2
    assert "6 of 2" not in ax.get_title() and "2 of 2" in ax.get_title()


def test_the_panel_shows_what_a_plain_draw_of_its_figure_shows(monkeypatch):
    """Animated artists are drawn over the cached background, after every static one: the
    picture must still be the one matplotlib saves, which draws every artist in its zorder
    (the axis line over the bars' feet, the legend over what it covers)."""
    monkeypatch.setattr(FigurePane, "always_render", True)
    panel = build_overlap_partition(N=12, M=2, r=2, K=2, depth=3)
    assert sum(a.get_animated() for a in panel.fig.findobj()) >= 8  # the moves below are blitted
    for control, value in [("K", 3), ("K", 1), ("depth", 4), ("K", 2), ("partition", "custom")]:
        panel.controls[control].value = value
        saved = io.BytesIO()
        panel.fig.savefig(saved, format="png")
        assert np.array_equal(_pixels(panel._pane.widget.value), _pixels(saved.getvalue())), (control, value)


def _pixels(png):
    return np.asarray(PIL.Image.open(io.BytesIO(png)).convert("RGB"))
