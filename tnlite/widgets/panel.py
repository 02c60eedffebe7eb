"""The frame every lesson panel is built on: controls on top, a figure below.

`FigurePane` shows a matplotlib figure in a widget box and redraws it on demand;
`Panel` is the VBox a ``build_<name>`` returns, with handles to its controls, figure,
artists and data; `_SyncPanel` is a Panel whose update may set its own controls.
"""
from __future__ import annotations

import base64
import io
import time

import ipywidgets as widgets
import matplotlib.pyplot as plt
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def _ipython():
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return None
    return get_ipython()


class FigurePane:
    """Shows a matplotlib figure inside a widget box and redraws it on demand.

    With ipympl (``%matplotlib widget``) the figure's canvas is itself a widget and a
    redraw is cheap; otherwise the figure is drawn on an Agg canvas and its pixels are
    sent as PNG to an Image widget, updated in place, whatever the matplotlib backend.
    The first render runs the figure's layout engine and then freezes the layout:
    re-running constrained layout on every slider move cost ~40% of each update.
    Outside a kernel (tests) nothing is rendered unless ``FigurePane.always_render``
    is set (benchmarks set it, so that a measured update includes the PNG a reader
    waits for).
    """

    always_render = False

    def __init__(self, fig):
        if not isinstance(fig, Figure):
            raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
        self.fig = fig
        self._is_canvas = isinstance(fig.canvas, widgets.DOMWidget)
        self.widget = fig.canvas if self._is_canvas else widgets.Image(format="png")
        self._layout_frozen = False

    def refresh(self):
        """Draw the figure's current state."""
        if self._is_canvas:
            self.fig.canvas.draw_idle()
        elif self.always_render or _ipython() is not None:
            canvas = self.fig.canvas
            if not isinstance(canvas, FigureCanvasAgg):  # plt.close() leaves a bare canvas
                canvas = FigureCanvasAgg(self.fig)
            canvas.draw()
            if not self._layout_frozen:
                self.fig.set_layout_engine("none")  # axes stay where the first layout put them
                self._layout_frozen = True
            width, height = canvas.get_width_height(physical=True)
            image = PIL.Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
            image = image.convert("RGB")  # the figure is opaque: a quarter less to compress and send
            buffer = io.BytesIO()
            image.save(buffer, format="png", compress_level=1)  # fast zlib level: a third less time
            self.widget.value = buffer.getvalue()


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
        if not isinstance(controls, dict) or not all(isinstance(c, widgets.ValueWidget) for c in controls.values()):
            raise TypeError("controls must be a dict of name -> ipywidgets value widget (IntSlider, Dropdown, ...)")
        if not callable(update):
            raise TypeError(f"update must be a function update(panel), got {type(update).__name__}")
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

    def _repr_mimebundle_(self, **kwargs):
        """The live widget view, plus a PNG of the figure for renderers without a kernel.

        JupyterLab and Voila show the widget; a static renderer (a site built from
        executed notebooks, nbconvert, a repository browser) shows the PNG instead.
        """
        data = super()._repr_mimebundle_(**kwargs)
        if "application/vnd.jupyter.widget-view+json" in data:
            pane = self._pane.widget
            if isinstance(pane, widgets.Image) and pane.format == "png" and pane.value:
                png = bytes(pane.value)  # the picture the pane already shows
            else:  # ipympl canvas, or nothing drawn yet outside a kernel
                buffer = io.BytesIO()
                self.fig.savefig(buffer, format="png")
                png = buffer.getvalue()
            data["image/png"] = base64.b64encode(png).decode("ascii")
        return data

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


class _SyncPanel(Panel):
    """A Panel whose update may set its own controls without re-entering itself."""

    _syncing = False

    def _on_change(self, _change):
        if not self._syncing:
            self.update()
