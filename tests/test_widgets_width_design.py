"""Lesson 07's panel, driven headless: widths change the parameter count and both min cuts (checked
against the closed forms), the budget switches the button, and a click trains and records a point."""
import io

import numpy as np
import PIL.Image
import pytest

import tnlite as tl
from tnlite.widgets import FigurePane, build_width_design


def test_moving_widths_updates_parameters_and_both_min_cuts_to_the_closed_forms():
    panel = build_width_design(widths=(4, 2, 2), budget=176, steps=20)
    assert panel.data["cut_even_odd"] == tl.interleaved_rank(8, 4, (4, 2, 2), 0) == 256
    panel.controls["r0"].value = 2
    panel.controls["r1"].value = 4
    panel.controls["r2"].value = 8
    d = panel.data
    assert d["widths"] == (2, 4, 8) and d["n_params"] == 8 * 2 * 4 + 4 * 4 * 2 + 2 * 8 * 4 + 8 * 2 == 176
    assert d["cut_even_odd"] == min(4, 2) ** 4 and d["cut_left_right"] == min(4, 8)
    assert np.allclose([b.get_height() for b in panel.artists["bars"]], np.log2([4, 16]))
    panel.controls["r1"].value = 16  # 8*8 + 4*32 + 2*128 + 16 = way over budget
    assert not panel.data["within_budget"] and panel.train_button.disabled and "over by more than 5 %" in panel.text.value


def test_the_button_trains_the_design_and_adds_its_point():
    panel = build_width_design(widths=(4, 2, 2), task="local (even | odd)", steps=30)
    panel.train_button.click()
    (point,) = panel.data["points"]
    assert point["widths"] == (4, 2, 2) and point["task"] == "local" and point["cut"] == 256
    assert 0.0 <= point["accuracy"] <= 1.0 and panel.progress.value == panel.progress.max == 30
    offsets = panel.artists["points"]["local"].get_offsets()
    assert np.allclose(offsets, [[np.log2(256), point["accuracy"]]])


def test_bad_arguments_are_refused_by_name():
    with pytest.raises(ValueError, match="widths has 2 entries"):
        build_width_design(widths=(4, 2))
    with pytest.raises(ValueError, match="task must be one of"):
        build_width_design(task="middle")


def test_the_needed_ranks_are_the_population_tensors_ranks():
    """The black marks: each task's rank across its own partition, 2**4 - 1 = 15 and 4**4 - 1 = 255 (counted by
    pairs, see tests/test_data.py), no longer 2**(N/2) and M**(N/2)."""
    panel = build_width_design(widths=(4, 2, 2), steps=20)
    (marks,) = [c for c in panel.artists["ax_cut"].collections if "rank the task needs" in c.get_label()]
    assert np.allclose(marks.get_offsets()[:, 1], np.log2([15, 255]))


def test_both_plots_have_titles_labelled_axes_with_units_and_legends():
    panel = build_width_design(widths=(4, 2, 2), steps=20)
    for name in ("ax_cut", "ax_acc"):
        ax = panel.artists[name]
        assert ax.get_title() and ax.get_legend() is not None
        assert ax.get_xlabel() and "(" in ax.get_ylabel(), (name, ax.get_xlabel(), ax.get_ylabel())


def _pixels(panel):
    return np.asarray(PIL.Image.open(io.BytesIO(bytes(panel._pane.widget.value))).convert("RGB"))


def test_a_training_draws_the_whole_figure_and_the_moves_around_it_only_the_bars(monkeypatch):
    """A width move changes the bars and the title only: drawn over a cached background. A training adds a
    point to the right plot: a full draw. Each shown frame equals a draw of the same state from scratch."""
    monkeypatch.setattr(FigurePane, "always_render", True)
    panel = build_width_design(widths=(4, 2, 2), task="local (even | odd)", steps=5)
    moves = [("r1", 3), ("train", None), ("r1", 2), ("task", "global (left | right)"), ("r2", 16)]
    for control, value in moves:
        before = panel._pane.full_draws
        if control == "train":
            panel.train_button.click()
        else:
            panel.controls[control].value = value
        assert panel._pane.full_draws - before == (control == "train"), control
        shown = _pixels(panel)
        panel._pane._background = None  # forget the cache: draw everything from scratch
        panel._pane.refresh()
        assert np.array_equal(shown, _pixels(panel)), (control, value)


def test_no_bar_reaches_the_legend(monkeypatch):
    """The bars are drawn over the static picture, so they must stay clear of the legend: the tallest
    possible bar is log2(M**(N/2)) = 8 bits."""
    monkeypatch.setattr(FigurePane, "always_render", True)
    panel = build_width_design(widths=(16, 16, 16), max_width=16, steps=5)
    assert panel.data["cut_even_odd"] == 4**4
    renderer = panel.fig.canvas.get_renderer()
    legend = panel.artists["ax_cut"].get_legend().get_window_extent(renderer)
    for bar in panel.artists["bars"]:
        assert not bar.get_window_extent(renderer).overlaps(legend)
