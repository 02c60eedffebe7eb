"""Interactive panels of the lessons, one builder per panel.

Each ``build_<name>(...)`` returns a :class:`Panel`: an ipywidgets VBox that keeps
handles to its controls (``panel.controls``), its figure and artists
(``panel.fig``, ``panel.artists``) and the numbers it last showed (``panel.data``).
Setting ``panel.controls["N"].value = 8`` runs the update synchronously, so tests
drive a panel without a browser and assert on ``panel.data`` and the artists.
A notebook cell builds and shows a panel in one line.
"""
from __future__ import annotations

import time

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import clear_output, display


def _ipython():
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return None
    return get_ipython()


class FigurePane:
    """Shows a matplotlib figure inside a widget box and redraws it on demand.

    With ipympl (``%matplotlib widget``) the figure's canvas is itself a widget and a
    redraw is cheap; with the inline backend the figure is re-rendered into an
    Output widget. Outside a kernel (tests) nothing is rendered.
    """

    def __init__(self, fig):
        self.fig = fig
        if isinstance(fig.canvas, widgets.DOMWidget):
            self.widget = fig.canvas
            self._out = None
        else:
            self.widget = widgets.Output()
            self._out = self.widget
        self.refresh()

    def refresh(self):
        """Draw the figure's current state."""
        if self._out is None:
            self.fig.canvas.draw_idle()
        elif _ipython() is not None:
            with self._out:
                clear_output(wait=True)
                display(self.fig)


class Panel(widgets.VBox):
    """A lesson panel: controls on top, figure below, an optional text line.

    Parameters
    ----------
    controls : dict of str -> ipywidgets.ValueWidget
        Named controls; any change of a ``value`` calls `update`.
    fig : matplotlib.figure.Figure
    update : callable(panel)
        Reads ``panel.value(name)``, recomputes, sets ``panel.data`` and the artists
        in ``panel.artists``, and may set ``panel.text.value``. The pane is redrawn after.
    artists : dict, optional
        Handles to axes and artists the update changes.
    """

    def __init__(self, controls, fig, update, artists=None, layout_rows=None):
        self.controls = dict(controls)
        self.fig = fig
        self.artists = dict(artists or {})
        self.data = {}
        self.text = widgets.HTML()
        self.last_update_seconds = None
        self._update = update
        self._pane = FigurePane(fig)
        plt.close(fig)  # the pane owns it; keeps inline from showing a second copy
        rows = layout_rows or [widgets.HBox(list(self.controls.values()))]
        super().__init__(children=[*rows, self.text, self._pane.widget])
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.update()

    def value(self, name):
        """Current value of control `name`."""
        return self.controls[name].value

    def _on_change(self, _change):
        self.update()

    def update(self):
        """Recompute and redraw; records the time it took in ``last_update_seconds``."""
        t0 = time.perf_counter()
        self._update(self)
        self._pane.refresh()
        self.last_update_seconds = time.perf_counter() - t0


# --- lesson 00 panels ---
def build_two_qubit(theta=0.3):
    """Lesson 00: the state cos(t)|00> + sin(t)|11> and its entanglement, from 0 to 1 bit.

    Controls: ``theta`` (radians, 0 to pi/2). Data: ``schmidt`` (the two Schmidt
    values), ``entropy`` (bits).
    """
    import numpy as np

    from .diagrams import COLORS, new_axes
    from .tensors import entanglement_entropy, schmidt_values

    slider = widgets.FloatSlider(value=theta, min=0.0, max=np.pi / 2, step=0.01, description="theta",
                                 readout_format=".2f", continuous_update=True)
    grid = np.linspace(0, np.pi / 2, 200)
    p = np.cos(grid) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        curve = np.nan_to_num(-(p * np.log2(p) + (1 - p) * np.log2(1 - p)))
    with plt.ioff():
        fig, (ax_s, ax_e) = plt.subplots(1, 2, figsize=(8, 3), layout="constrained")
    new_axes("Schmidt values", "k", "s_k", ax=ax_s)
    bars = ax_s.bar([1, 2], [1, 0], color=COLORS["measured"])
    ax_s.set_xticks([1, 2])
    ax_s.set_ylim(0, 1.05)
    new_axes("Entanglement entropy", "theta (radians)", "S (bits)", ax=ax_e)
    ax_e.plot(grid, curve, color=COLORS["measured"], lw=1, alpha=0.5, label="S(theta)")
    ax_e.axhline(1.0, color=COLORS["bound"], ls="--", label="bound: log2(2) = 1 bit")
    (marker,) = ax_e.plot([theta], [0], "o", color=COLORS["measured"], ms=9, label="this state")
    ax_e.set_ylim(0, 1.1)
    ax_e.legend(loc="lower right", fontsize=8)

    def update(panel):
        t = panel.value("theta")
        psi = np.array([[np.cos(t), 0.0], [0.0, np.sin(t)]])  # axes (qubit 0, qubit 1)
        s = schmidt_values(psi, [0])
        S = entanglement_entropy(psi, [0])
        panel.data.update(theta=t, schmidt=s, entropy=S)
        for bar, h in zip(bars, s):
            bar.set_height(h)
        marker.set_data([t], [S])
        ax_e.set_title(f"Entanglement entropy: S = {S:.3f} bits")
        panel.text.value = (f"psi = {np.cos(t):.3f} |00> + {np.sin(t):.3f} |11> &nbsp; "
                            f"Schmidt values {s[0]:.3f}, {s[1]:.3f} &nbsp; S = <b>{S:.3f} bits</b>")

    return Panel({"theta": slider}, fig, update, artists={"bars": bars, "marker": marker, "ax": ax_e})
# --- end of lesson 00 panels ---

# --- lesson 01 panels ---
# --- end of lesson 01 panels ---

# --- lessons 02-03 panels ---
# --- end of lessons 02-03 panels ---

# --- lesson 04 panels ---
# --- end of lesson 04 panels ---

# --- lesson 05 panels ---
# --- end of lesson 05 panels ---

# --- lesson 06 panels ---
# --- end of lesson 06 panels ---
