"""Lesson 10's panel: the fidelity ceiling each architecture's min cut sets on a ground state.

`build_fidelity_ceiling` has drop-downs for the target state, the parameter budget and a
cut. It draws the target's tail beyond rank k across the cut, 1 - (sum of its k largest
Schmidt probabilities), against k: the smallest infidelity any state of Schmidt rank <= k
can have there. Each architecture of the capstone (sized to the budget by
:data:`tnlite.experiments.capstone.SIZES`) sits at its min-cut rank on that curve (red:
its floor), and the infidelities its fits reached, if given, above it (blue). The axes are the
same for every cut (up to the most Schmidt values of any cut), so a move of the cut or the budget
redraws only the curve, the markers and the title.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter

from .. import diagrams as _diagrams
from ..experiments import capstone as _cap
from .panel import _SyncPanel, set_limits

_FLOOR = 1e-16  # a tail below this is drawn here: float64 resolves no less
_MARKERS = {"MPS": "o", "RAC": "s", "deep ConvAC": "^", "shallow ConvAC": "v", "overlapping ConvAC": "D", "RBM": "P"}


def build_fidelity_ceiling(state="critical chain", budget=125, cut=None, measured=None):
    """Lesson 10: a target state, a budget and a cut; each architecture's fidelity ceiling there.

    Parameters
    ----------
    state : str
        A key of :data:`tnlite.experiments.capstone.STATES`.
    budget : int
        One of :data:`tnlite.experiments.capstone.BUDGETS`.
    cut : str, optional
        A cut of the state's dimension (:data:`tnlite.experiments.capstone.CUTS`); default
        the first.
    measured : dict, optional
        ``{(state, budget, architecture): [fidelity, ...]}``: fits to draw (one per seed).

    Returns
    -------
    Panel
        Controls ``"state"``, ``"budget"``, ``"cut"`` (Dropdowns); ``panel.data``: ``state``,
        ``budget``, ``cut``, ``rows``, ``tail`` (1 - cumulative Schmidt probabilities,
        k = 1, 2, ...), ``ranks`` and ``ceilings`` at this cut per architecture,
        ``measured`` (the infidelities drawn).
    """
    if state not in _cap.STATES:
        raise ValueError(f"state must be one of {list(_cap.STATES)}, got {state!r}")
    if budget not in _cap.BUDGETS:
        raise ValueError(f"budget must be one of {list(_cap.BUDGETS)}, got {budget!r}")
    cuts = list(_cap.CUTS[_cap.STATES[state][0]])
    cut = cuts[0] if cut is None else cut
    if cut not in cuts:
        raise ValueError(f"cut must be one of {cuts} for the {state}, got {cut!r}")
    measured = dict(measured or {})
    n_max = 1  # the most Schmidt values of any state across any cut: one x range for every cut
    for s in _cap.STATES:  # every ground state, spectrum and min cut now: an update then only looks them up
        d = _cap.STATES[s][0]
        for c in _cap.CUTS[d]:
            n_max = max(n_max, _cap.probabilities(s, c).size)
            for b in _cap.BUDGETS:
                for a in _cap.lineup(s, b):
                    _cap.rank(a, d, b, c)

    controls = {
        "state": widgets.Dropdown(options=list(_cap.STATES), value=state, description="state"),
        "budget": widgets.Dropdown(options=list(_cap.BUDGETS), value=budget, description="parameters"),
        "cut": widgets.Dropdown(options=cuts, value=cut, description="cut"),
    }
    with plt.ioff():
        fig, ax = plt.subplots(figsize=(8.0, 3.8), layout="constrained")
    _diagrams.new_axes(None, "Schmidt rank k across the cut (log scale)",
                       "1 - fidelity (log scale)", ax=ax)
    _diagrams.plain_log_axis(ax, "x")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))  # ranks: 1, 10, 100, not 1e1
    _diagrams.plain_log_axis(ax, "y")
    (tail_line,) = ax.step([], [], where="post", color="gray", lw=1.2,
                           label="target's tail:\nbest of any rank-k state")
    floors = {a: ax.plot([], [], _MARKERS[a], color=_diagrams.COLORS["bound"], ms=9, mfc="none", mew=1.8)[0]
              for a in _MARKERS}
    fits = {a: ax.plot([], [], _MARKERS[a], color=_diagrams.COLORS["measured"], ms=7, label=a)[0]
            for a in _MARKERS}
    (ring,) = ax.plot([], [], "o", color=_diagrams.COLORS["bound"], mfc="none", mew=1.8, label="ceiling (min cut)")
    # fixed limits: a move of the cut redraws only the curve, the markers and the title over a cached background
    # (tick labels and the legend are most of a full draw); the markers of two cuts then read on one scale
    set_limits(ax, (0.8, n_max * 2), (_FLOOR / 3, 1.5))
    shown_in_legend = []  # the lineup the legend lists: rebuilt only when the budget or state changes it

    def update(panel):
        state = panel.value("state")
        dim = _cap.STATES[state][0]
        names = list(_cap.CUTS[dim])
        if list(panel.controls["cut"].options) != names:  # the state's dimension changed: its own cuts
            panel._syncing = True
            panel.controls["cut"].options = names
            panel.controls["cut"].value = names[0]
            panel._syncing = False
        budget, cut = panel.value("budget"), panel.value("cut")
        p = _cap.probabilities(state, cut)
        tail = np.maximum(1.0 - np.cumsum(p), _FLOOR)  # tail[k-1]: what rank k leaves out
        k = np.arange(1, p.size + 1)
        tail_line.set_data(np.append(k, k[-1] * 1.5), np.append(tail, tail[-1]))
        ranks, ceilings, shown = {}, {}, {}
        for a in _MARKERS:
            if a not in _cap.lineup(state, budget):
                floors[a].set_data([], [])
                fits[a].set_data([], [])
                continue
            ranks[a] = min(_cap.rank(a, dim, budget, cut), p.size)
            ceilings[a] = 1.0 - tail[ranks[a] - 1] if tail[ranks[a] - 1] > _FLOOR else 1.0
            floors[a].set_data([ranks[a]], [tail[ranks[a] - 1]])
            got = [max(1.0 - f, _FLOOR) for f in measured.get((state, budget, a), [])]
            shown[a] = got
            fits[a].set_data([ranks[a]] * len(got), got)
        ax.title.set_text(f"{state}, {budget} parameters, cut {cut}")
        if list(ranks) != shown_in_legend:
            shown_in_legend[:] = list(ranks)
            # beside the axes, not over the points; only the architectures of this budget's lineup
            ax.legend(handles=[tail_line, ring] + [fits[a] for a in ranks], fontsize=7, loc="upper left",
                      bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
        panel.data = {"state": state, "budget": budget, "cut": cut, "rows": _cap.CUTS[dim][cut], "tail": tail,
                      "ranks": ranks, "ceilings": ceilings, "measured": shown}
        panel.text.value = "ceilings at this cut: " + "; ".join(
            f"{a} (rank {ranks[a]}) <b>{ceilings[a]:.5f}</b>" for a in ranks)

    return _SyncPanel(controls, fig, update, artists={"ax": ax, "tail": tail_line, "floors": floors, "fits": fits},
                      animated=[tail_line, *floors.values(), *fits.values(), ax.title])
