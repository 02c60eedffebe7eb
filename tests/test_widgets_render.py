"""How panels render: the cached background (blitting) never shows a stale picture, moves
that change only the animated artists skip the full draw, and the PNG encoder is exact."""
import io

import numpy as np
import PIL.Image
import pytest

import tnlite as tl
from tnlite.widgets import FigurePane
from tnlite.widgets._png import encode_rgb_png

# every lesson panel, and control values to move through: the first moves change only what
# the panel animates; the last ones change limits, curves or layout (a full draw)
PANELS = {
    "00": (lambda: tl.widgets.build_two_qubit(theta=0.3), [("theta", 0.5), ("theta", 1.2), ("theta", 0.0)]),
    "01": (lambda: tl.widgets.build_matricization((2, 3, 2, 3, 2), k=3, rows=(0, 1), rng=0),
           [("k", 4), ("k", 2), ("leg2", True), ("k", 9)]),
    "02": (lambda: tl.widgets.build_entanglement_profile(N=8, h=1.0, cut=4, N_max=10),
           [("cut", 5), ("h", 0.5), ("cut", 2), ("N", 10), ("cut", 9)]),
    "03": (lambda: tl.widgets.build_mps_truncation(N=8, chi=2), [("chi", 3), ("chi", 1), ("state", "Haar random")]),
    "04": (lambda: tl.widgets.build_tree_partition(N=8, chi=(2, 3, 2), rng=0),
           [("chi0", 3), ("chi1", 1), ("partition", "interleaved (even | odd)")]),
    "05": (lambda: tl.widgets.build_convac_partition(N=8, M=2, widths=(2, 3, 5)),
           [("r1", 4), ("r0", 1), ("partition", "interleaved, blocks of 1")]),
    "06": (lambda: tl.widgets.build_rac_entropy(N=12, R=3, t=6), [("t", 7), ("R", 5), ("N", 9)]),
    "07": (lambda: tl.widgets.build_width_design(widths=(4, 2, 2), task="local (even | odd)", steps=5),
           [("r1", 3), ("r1", 16), ("r0", 1), ("task", "global (left | right)"), ("r2", 16)]),
    "08": (lambda: tl.widgets.build_overlap_partition(N=12, M=2, r=2, K=2, depth=3),
           [("K", 3), ("K", 1), ("partition", "odd | even"), ("K", 2), ("depth", 5), ("K", 3), ("partition", "custom"),
            ("K", 2)]),
    "09": (lambda: tl.widgets.build_entanglement_scaling(dim=1, budget=1000),
           [("budget", 2000), ("budget", 5000), ("budget", 100), ("MPS", False), ("budget", 500), ("MPS", True),
            ("dim", "2D"), ("budget", 2000)]),
    "10": (lambda: tl.widgets.build_fidelity_ceiling(state="critical chain", budget=125, cut="odd | even",
                                                      measured={("critical chain", 125, "RAC"): [0.99, 0.995],
                                                                ("2D lattice", 425, "RBM"): [0.999]}),
           [("cut", "quarter | rest"), ("cut", "halves"), ("budget", 250), ("budget", 425),  # 425: a new lineup
            ("state", "2D lattice"), ("cut", "checkerboard")]),
}


def _pixels(png):
    return np.asarray(PIL.Image.open(io.BytesIO(png)).convert("RGB"))


@pytest.fixture(autouse=True)
def render(monkeypatch):
    monkeypatch.setattr(FigurePane, "always_render", True)


@pytest.mark.parametrize("name", sorted(PANELS))
def test_a_blitted_frame_equals_a_full_draw_of_the_same_state(name):
    build, moves = PANELS[name]
    panel = build()
    for control, value in moves:
        options = getattr(panel.controls[control], "options", None)
        if options is not None and value not in options:
            value = next(o for o in options if "interleaved" in o)  # the dropdowns' exact names differ
        panel.controls[control].value = value
        shown = _pixels(panel._pane.widget.value)
        panel._pane._background = None               # forget the cache: draw everything from scratch
        panel._pane.refresh()
        assert np.array_equal(shown, _pixels(panel._pane.widget.value)), (name, control, value)


@pytest.mark.parametrize("name, control, values", [
    ("00", "theta", [0.4, 0.5, 0.6]), ("01", "k", [4, 5, 4]), ("02", "cut", [3, 5, 6]),
    ("03", "chi", [3, 4, 5]), ("04", "chi0", [1, 2, 3]), ("05", "r1", [4, 5, 2]), ("06", "t", [2, 3, 4]),
    ("07", "r1", [3, 16, 2]), ("08", "K", [3, 2, 4, 1]), ("09", "budget", [2000, 5000, 1000]),
    ("10", "cut", ["quarter | rest", "odd | even", "halves"])])
def test_a_slider_move_draws_only_what_it_changes(name, control, values):
    """The browser's latency was 100-200 ms when every move redrew the whole figure."""
    panel = PANELS[name][0]()
    panel.update()
    before = panel._pane.full_draws
    for v in values:
        panel.controls[control].value = v
    assert panel._pane.full_draws == before


def test_a_static_change_is_drawn_in_full():
    panel = tl.widgets.build_entanglement_profile(N=6, h=1.0, cut=3, N_max=8)
    panel.update()
    before = panel._pane.full_draws
    panel.controls["N"].value = 8                     # new x limits: the background is stale
    assert panel._pane.full_draws == before + 1
    assert panel.artists["ax"].get_xlim() == (0.5, 7.5)


def test_animated_artists_must_belong_to_the_figure():
    a = tl.widgets.build_two_qubit()
    b = tl.widgets.build_two_qubit()
    with pytest.raises(TypeError, match="animated must be artists of this figure"):
        FigurePane(a.fig, animated=[b.artists["marker"]])


def test_png_encoder_round_trips_the_pixels():
    rng = np.random.default_rng(0)
    rgba = rng.integers(0, 256, size=(37, 53, 4), dtype=np.uint8)
    decoded = PIL.Image.open(io.BytesIO(encode_rgb_png(rgba)))
    assert decoded.mode == "RGB" and decoded.size == (53, 37)
    assert np.array_equal(np.asarray(decoded), rgba[:, :, :3])


def test_png_encoder_refuses_what_is_not_rgba_bytes():
    with pytest.raises(ValueError, match=r"rgba must be a \(height, width, 4\) uint8 array"):
        encode_rgb_png(np.zeros((4, 4, 3), dtype=np.uint8))
    with pytest.raises(ValueError, match="uint8"):
        encode_rgb_png(np.zeros((4, 4, 4)))
