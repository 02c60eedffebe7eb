"""Lesson 07's panel: spend a parameter budget on layer widths, see each partition's min cut, train the design.

`build_width_design` has a width slider per conv layer of a ConvAC over N = 8 inputs
and a task; every move recomputes the parameter count and the min cut of left | right
and even | odd (at once, from the network's graph), and the button trains the design
on the chosen task (the lesson's settings, a progress bar) and adds its test accuracy
to an accuracy-against-min-cut plot.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as _np

from .. import diagrams as _diagrams
from .. import partitions as _partitions
from .._validate import as_int as _as_int, as_ints as _as_ints
from ..convac import ConvAC
from ..data import population as _population
from ..tensors import schmidt_rank as _schmidt_rank
from ..experiments import width_design as _experiment
from .panel import Panel

_N, _M = 8, 4
_TASKS = {"global (left | right)": "global", "local (even | odd)": "local"}


def _partition(task):
    return _partitions.halves(_N) if task == "global" else _partitions.interleaved(_N, 0)


def build_width_design(widths=(4, 2, 2), task="local (even | odd)", budget=176, max_width=16, steps=None):
    """Lesson 07: widths r_0, r_1, r_2 of a ConvAC (N = 8, M = 4, 2 class scores) under a parameter budget.

    Parameters
    ----------
    widths : sequence of 3 int
        Initial widths (1..max_width).
    task : str
        "global (left | right)" or "local (even | odd)": the data a click trains on
        (:func:`tnlite.experiments.width_design.split`, lesson settings).
    budget : int
        Parameters the design may use; the button trains only designs within 5 % above it.
    max_width : int
        Largest value on the sliders.
    steps : int, optional
        Adam steps per training (default the lesson's 500).

    Returns
    -------
    Panel
        Controls ``"r0"``, ``"r1"``, ``"r2"`` (IntSliders) and ``"task"`` (Dropdown);
        ``panel.train_button``, ``panel.progress``. ``panel.data``: ``widths``,
        ``n_params``, ``within_budget``, ``cut_left_right``, ``cut_even_odd`` (min-cut
        rank bounds), ``points`` (one dict per training: widths, task, cut, accuracy).
    """
    max_width = _as_int(max_width, "max_width", minimum=1)
    widths = _as_ints(widths, "widths", 3, "N = 8 inputs need 3 conv layers")
    if max(widths) > max_width:
        raise ValueError(f"widths must be <= max_width = {max_width}, got {widths}")
    if task not in _TASKS:
        raise ValueError(f"task must be one of {list(_TASKS)}, got {task!r}")
    budget = _as_int(budget, "budget", minimum=1)
    settings = dict(_experiment.LESSON)
    if steps is not None:
        settings["steps"] = _as_int(steps, "steps", minimum=1)
    sets = {}  # task -> (train, val, test), drawn on first use

    controls = {f"r{l}": widgets.IntSlider(value=w, min=1, max=max_width, description=f"r_{l}",
                                           continuous_update=False) for l, w in enumerate(widths)}
    controls["task"] = widgets.Dropdown(options=list(_TASKS), value=task, description="task")
    button = widgets.Button(description="train this design", button_style="primary")
    progress = widgets.IntProgress(min=0, max=settings["steps"], description="training")
    with plt.ioff():
        fig, (ax_cut, ax_acc) = plt.subplots(1, 2, figsize=(10.0, 3.6), layout="constrained")
    names = ["left | right", "even | odd"]
    bars = ax_cut.bar(names, [0, 0], color=_diagrams.COLORS["bound"], alpha=0.8, label="min cut of this design")
    needs = [_np.log2(_schmidt_rank(_population(_N, _M, t, settings["noise"]), _partition(t)))  # 15 and 255
             for t in ("global", "local")]  # log2 of each task's population rank across its own partition
    need_marks = ax_cut.scatter(names, needs, marker="_", s=900, color="black", zorder=3,
                                label="rank the task needs (population tensor)")
    _diagrams.new_axes("min cut of each partition", "partition of the 8 inputs", "log2 rank bound (bits)", ax=ax_cut)
    ax_cut.title.set_fontsize(10)  # the update sets only its text: set_title would restyle the side titles too
    ax_cut.set_ylim(0, 10)  # the legend sits above the tallest bar, log2(4**4) = 8 bits: a bar never covers it
    ax_cut.legend(fontsize=8, loc="upper left")
    _diagrams.new_axes("trained designs", "log2 min cut of the task's partition (bits)", "test accuracy (fraction correct)",
                       ax=ax_acc)
    ax_acc.set_xlim(-0.2, 9)
    ax_acc.set_ylim(0.4, 1.0)
    ax_acc.axhline(0.5, color="gray", linestyle=":", linewidth=1)
    points_artist = {t: ax_acc.scatter([], [], color=_diagrams.COLORS["measured"], marker=m, label=f"{t} task")
                     for t, m in (("global", "o"), ("local", "s"))}
    ax_acc.legend(fontsize=8, loc="lower right")
    points = []
    plotted = {"points": None}  # how many points the scatter shows: redrawn (a full draw) only after a training

    def current(panel):
        return tuple(panel.value(f"r{l}") for l in range(3)), _TASKS[panel.value("task")]

    def update(panel):
        widths, task = current(panel)
        net = ConvAC.random(_N, _M, widths, rng=0, C=2)
        lr, eo = net.min_cut(_partitions.halves(_N)).rank_bound, net.min_cut(_partitions.interleaved(_N, 0)).rank_bound
        within = net.n_params <= 1.05 * budget
        panel.data = {"widths": widths, "task": task, "n_params": net.n_params, "within_budget": within,
                      "cut_left_right": lr, "cut_even_odd": eo, "points": list(points)}
        for bar, rank in zip(bars, (lr, eo)):
            bar.set_height(_np.log2(rank))
        ax_cut.title.set_text(f"widths {widths}: min cut left|right {lr}, even|odd {eo}")
        if plotted["points"] != len(points):
            plotted["points"] = len(points)
            for t, artist in points_artist.items():
                mine = [(_np.log2(p["cut"]), p["accuracy"]) for p in points if p["task"] == t]
                artist.set_offsets(_np.array(mine).reshape(-1, 2))
        button.disabled = not within
        panel.text.value = (f"{net.n_params} parameters (budget {budget}"
                            + ("" if within else ", <b>over by more than 5 %: the button is off</b>") + "). "
                            f"The {task} task's relations cross <b>{'left | right' if task == 'global' else 'even | odd'}"
                            f"</b>: this design's min cut there is {lr if task == 'global' else eo}.")

    def train(_button=None):
        widths, task = current(panel)
        if task not in sets:
            sets[task] = _experiment.split(task, _N, _M, settings["noise"], settings["n_train"], settings["n_val"],
                                           settings["n_test"])
        progress.max, progress.value = settings["steps"], 0

        def report(step, value, val_acc):
            progress.value = step

        acc, _, _ = _experiment.run(widths, sets[task], 0, **dict(settings, progress=report))
        progress.value = progress.max
        cut = panel.data["cut_left_right"] if task == "global" else panel.data["cut_even_odd"]
        points.append({"widths": widths, "task": task, "cut": cut, "accuracy": acc})
        panel.update()

    rows = [widgets.HBox([controls[f"r{l}"] for l in range(3)]), widgets.HBox([controls["task"], button, progress])]
    # a move redraws the left plot's bars and title over a cached background, then the bottom spine (which a
    # bar's foot covers) and the marks over them, in zorder as a full draw would: ticks, labels, legends and
    # the right plot are drawn only when something in them changes (a training adds a point)
    animated = [*bars, ax_cut.spines["bottom"], need_marks, ax_cut.title]
    panel = Panel(controls, fig, update, artists={"ax_cut": ax_cut, "ax_acc": ax_acc, "bars": bars,
                                                  "points": points_artist}, layout_rows=rows, animated=animated)
    panel.train_button, panel.progress = button, progress
    button.on_click(train)
    return panel
