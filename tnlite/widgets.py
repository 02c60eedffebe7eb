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
