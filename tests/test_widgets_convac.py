"""Lesson 05 panel and ConvAC drawing, driven headless: move a width slider or switch the
partition and the recorded rank, bound, drawn cut and parameter counts follow values
computed independently of the panel (the closed form tl.interleaved_rank, exact ranks)."""
import pytest
from matplotlib.colors import to_rgba

import tnlite as tl
from tnlite.diagrams import COLORS, draw_convac
from tnlite.widgets import build_convac_partition


def cut_lines(ax):
    return [a for a in ax.lines if a.get_gid() in ("bond", "leg") and a.get_color() == COLORS["cut"]]


def test_width_sliders_and_partition_drive_rank_bound_and_drawn_cut():
    panel = build_convac_partition(N=8, M=2, widths=(2, 2, 2))
    ax = panel.artists["ax_diagram"]
    assert panel.data["rows"] == (0, 1, 2, 3)
    assert panel.data["rank"] == panel.data["bound"] == tl.interleaved_rank(8, 2, (2, 2, 2), 2) == 2

    panel.controls["r2"].value = 5  # widen the deepest layer: the halves need r_1 too
    assert panel.data["rank"] == panel.data["bound"] == tl.interleaved_rank(8, 2, (2, 2, 5), 2) == 2
    panel.controls["r1"].value = 4
    assert panel.data["rank"] == panel.data["bound"] == tl.interleaved_rank(8, 2, (2, 4, 5), 2) == 4
    assert "rank 4, min-cut bound 4" in panel.artists["ax_rank"].get_title()
    assert [b.get_height() for b in panel.artists["rank_bars"]] == pytest.approx([2.0, 2.0])

    panel.controls["partition"].value = "interleaved, blocks of 1"
    assert panel.data["rows"] == (0, 2, 4, 6)
    assert panel.data["rank"] == panel.data["bound"] == tl.interleaved_rank(8, 2, (2, 4, 5), 0) == 16
    assert len(cut_lines(ax)) == len(panel.data["cut_edges"]) == 4  # one bond above each P input
    panel.controls["r0"].value = 1  # narrowing the first layer kills the interleaved rank
    assert panel.data["rank"] == panel.data["bound"] == 1
    assert panel.data["n_params_shallow"] == 1 * (8 * 2 + 1)
    assert panel.data["n_params_deep"] == 8 * 1 * 2 + 4 * 4 * 1 + 2 * 5 * 4 + 5
    heights = [b.get_height() for b in panel.artists["param_bars"]]
    assert heights == [panel.data["n_params_deep"], panel.data["n_params_shallow"]]


def drawing(ax):
    """Everything a reader sees on a diagram axes, in a comparable form."""
    return (sorted((a.get_gid(), tuple(a.get_xdata()), tuple(a.get_ydata()), a.get_color(), a.get_linewidth())
                   for a in ax.lines),
            sorted((p.get_gid(), tuple(p.center), tuple(p.get_facecolor())) for p in ax.patches),
            sorted((t.get_position(), t.get_text(), t.get_color()) for t in ax.texts),
            ax.get_title())


def test_panel_restyles_its_diagram_in_place_and_matches_a_fresh_drawing():
    panel = build_convac_partition(N=8, M=2, widths=(2, 2, 2))
    ax = panel.artists["ax_diagram"]
    artists = {id(a) for a in [*ax.lines, *ax.patches, *ax.texts]}
    panel.controls["r1"].value = 4
    panel.controls["partition"].value = "interleaved, blocks of 1"
    assert {id(a) for a in [*ax.lines, *ax.patches, *ax.texts]} == artists  # nothing created or lost
    fresh = draw_convac(tl.ConvAC.random(8, 2, (2, 4, 2), rng=0), rows=(0, 2, 4, 6), show_cut=True)
    assert drawing(ax) == drawing(fresh)
    assert "widths (2, 4, 2)" in ax.get_title()


def test_custom_partition_and_its_error_message():
    panel = build_convac_partition(N=8, M=3, widths=(2, 3, 2), partition="custom", custom="0")
    assert panel.data["rank"] == panel.data["bound"] == min(3, 2)
    panel.controls["custom"].value = "0, 1"  # a block of 2: f(1) = min(r0, r1, f(0)^2)
    assert panel.data["rank"] == panel.data["bound"] == min(2, 3, 4) == 2
    panel.controls["custom"].value = "0, 9"
    assert "out of range" in panel.data["error"] and "out of range" in panel.text.value
    panel.controls["custom"].value = "0, x"
    assert "integers separated by commas" in panel.data["error"]
    panel.controls["custom"].value = "1, 2, 5"  # mixed: compare with an exact rank computed here
    net = tl.ConvAC.random(8, 3, (2, 3, 2), rng=1, p=tl.PRIME)
    assert panel.data["rank"] == tl.rank_mod_p(net.coefficient_tensor(), [1, 2, 5]) == panel.data["bound"]


def test_typing_a_custom_partition_selects_custom():
    panel = build_convac_partition(N=8, M=2, widths=(2, 3, 5))
    assert panel.value("partition") == "contiguous halves (left | right)"
    updates = []
    panel.controls["partition"].observe(lambda change: updates.append(change["new"]), names="value")
    panel.controls["custom"].value = "0, 3, 5"
    assert panel.value("partition") == "custom" and updates == ["custom"]   # was left on the halves
    assert panel.data["rows"] == (0, 3, 5)
    net = tl.ConvAC.random(8, 2, (2, 3, 5), rng=0, p=tl.PRIME)
    assert panel.data["rank"] == tl.rank_mod_p(net.coefficient_tensor(), [0, 3, 5])
    panel.controls["partition"].value = "interleaved, blocks of 1"          # a named partition wins again
    assert panel.data["rows"] == (0, 2, 4, 6)


@pytest.mark.parametrize("text, message", [("", "custom P is empty"), ("  ,  ", "custom P is empty"),
                                           ("0, 1, 2, 3, 4, 5, 6, 7", "holds all 8 particles"),
                                           ("7 6 5 4 3 2 1 0", "holds all 8 particles")])
def test_an_empty_or_full_custom_partition_is_refused_in_the_panel(text, message):
    panel = build_convac_partition(N=8, M=2, widths=(2, 3, 5), partition="custom", custom="0")
    panel.controls["custom"].value = text
    assert message in panel.data["error"] and message in panel.text.value
    assert "rank" not in panel.data


def test_the_panel_says_why_a_shallow_net_can_be_cheaper():
    panel = build_convac_partition(N=8, M=2, widths=(2, 3, 5))                # the lesson's defaults
    assert (panel.data["n_params_shallow"], panel.data["n_params_deep"]) == (3 * (8 * 2 + 1), 91) == (51, 91)
    assert panel.data["n_params_deep"] == 8 * 2 * 2 + 4 * 3 * 2 + 2 * 5 * 3 + 5
    assert "shallow one is cheaper here" in panel.text.value and "every partition at once" in panel.text.value
    panel.controls["partition"].value = "interleaved, blocks of 1"             # rank 16: 272 shallow weights
    assert panel.data["n_params_shallow"] == 16 * 17 > panel.data["n_params_deep"]
    assert "cheaper" not in panel.text.value


def test_panel_rejects_bad_arguments():
    with pytest.raises(ValueError, match="N must be a power of 2"):
        build_convac_partition(N=6)
    with pytest.raises(ValueError, match=r"widths has 2 entries; N=8 needs log2\(8\)=3"):
        build_convac_partition(N=8, widths=(2, 2))
    with pytest.raises(ValueError, match="partition must be one of"):
        build_convac_partition(partition="odd")
    with pytest.raises(ValueError, match="N must be at most 16"):
        build_convac_partition(N=32)


def test_draw_convac_network_tree_and_cut():
    net = tl.ConvAC.random(8, 2, (2, 3, 5), rng=0)
    ax = draw_convac(net, rows=range(4), show_cut=True)
    cut = [a for a in ax.lines if a.get_color() == COLORS["cut"]]
    assert len(cut) == 1 and "rank <= 3" in ax.get_title()
    deltas = [a for a in ax.patches if a.get_gid() == "delta"]
    assert len(deltas) == 4 + 2 + 1
    sides = [a.get_facecolor() for a in ax.patches if a.get_gid() == "particle"]
    assert len(sides) == 8
    tree = draw_convac(net, as_tree=True)
    assert not [a for a in tree.patches if a.get_gid() == "delta"]
    assert len([a for a in tree.lines if a.get_gid() == "bond"]) == 8 + 4 + 2  # every child to its parent
    shallow = draw_convac(tl.ShallowConvAC.random(6, 2, 3, rng=0), rows=[0, 2, 4], show_cut=True)
    assert "rank <= 3" in shallow.get_title() and "a split delta" in shallow.get_title()
    assert [a.get_facecolor() for a in shallow.patches if a.get_gid() == "delta"] == [to_rgba(COLORS["cut"])]
    with pytest.raises(ValueError, match="show_cut needs rows"):
        draw_convac(net, show_cut=True)
    with pytest.raises(TypeError, match="net must be a tnlite.ConvAC"):
        draw_convac("convac")
    with pytest.raises(ValueError, match="draw_convac draws 1D ConvACs"):
        draw_convac(tl.ConvAC2D.random(4, 2, (2, 2), rng=0))
