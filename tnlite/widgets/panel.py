"""The frame every lesson panel is built on: controls on top, a figure below.

`FigurePane` shows a matplotlib figure in a widget box and redraws it on demand;
`Panel` is the VBox a ``build_<name>`` returns, with handles to its controls, figure,
artists and data; `_SyncPanel` is a Panel whose update may set its own controls.
"""
from __future__ import annotations

import base64
import io
import math
import time

import ipywidgets as widgets
import matplotlib.pyplot as plt
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ._png import encode_rgb_png


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

    `animated` artists (the lines, markers and texts an update changes, or whole axes
    such as a diagram that is redrawn on every move) are left out of a cached background
    and drawn over it on each refresh: axes, ticks, labels and legends, two thirds of a
    full draw, are then drawn only when something in them changed. Matplotlib marks a
    figure stale when any of its other artists changes (a limit, a title, a colour), and
    a stale figure is drawn in full, so the picture is the same either way; only its
    cost differs. Animated artists are drawn over the static ones (over a legend too),
    in the order of their zorder.

    Outside a kernel (tests) nothing is rendered unless ``FigurePane.always_render``
    is set (benchmarks set it, so that a measured update includes the PNG a reader
    waits for).
    """

    always_render = False

    def __init__(self, fig, animated=()):
        if not isinstance(fig, Figure):
            raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
        animated = list(animated)
        if not all(isinstance(a, Artist) and a.figure is fig for a in animated):
            raise TypeError("animated must be artists of this figure (lines, patches, texts)")
        self.fig = fig
        self._is_canvas = isinstance(fig.canvas, widgets.DOMWidget)
        self.widget = fig.canvas if self._is_canvas else widgets.Image(format="png")
        self._layout_frozen = False
        # ipympl draws the whole figure itself: there, animated artists would vanish
        self._animated = [] if self._is_canvas else sorted(animated, key=lambda a: a.get_zorder())
        for artist in self._animated:
            artist.set_animated(True)
        self._background = None
        self.full_draws = 0  # how many refreshes drew the whole figure (the rest drew the animated artists)

    def refresh(self):
        """Draw the figure's current state."""
        if self._is_canvas:
            self.fig.canvas.draw_idle()
        elif self.always_render or _ipython() is not None:
            canvas = self.fig.canvas
            if not isinstance(canvas, FigureCanvasAgg):  # plt.close() leaves a bare canvas
                canvas = FigureCanvasAgg(self.fig)
            if self._background is None or self.fig.stale:
                canvas.draw()  # everything but the animated artists
                self.full_draws += 1
                if not self._layout_frozen:
                    self.fig.set_layout_engine("none")  # axes stay where the first layout put them
                    self._layout_frozen = True
                self._background = canvas.copy_from_bbox(self.fig.bbox) if self._animated else None
            else:
                canvas.restore_region(self._background)
            renderer = canvas.get_renderer()
            for artist in self._animated:
                if artist.axes is not None:  # an artist removed from its axes is no longer shown
                    artist.draw(renderer)
            self.widget.value = encode_rgb_png(canvas.buffer_rgba())


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
    animated : sequence of matplotlib artists, optional
        The artists the update changes on a typical move (see `FigurePane`): drawn over
        a cached background instead of redrawing the whole figure.
    """

    def __init__(self, controls, fig, update, artists=None, layout_rows=None, animated=()):
        if not isinstance(controls, dict) or not all(isinstance(c, widgets.ValueWidget) for c in controls.values()):
            raise TypeError("controls must be a dict of name -> ipywidgets value widget (IntSlider, Dropdown, ...)")
        if not callable(update):
            raise TypeError(f"update must be a function update(panel), got {type(update).__name__}")
        self.controls = dict(controls)
        self.fig = fig
        self.artists = dict(artists or {})
        self.data = {}
        self.text = widgets.HTML()
        self.last_update_seconds = self.last_update_cpu_seconds = None
        self._update = update
        self._pane = FigurePane(fig, animated)
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
        """Recompute and redraw; records the time it took in ``last_update_seconds`` (wall
        clock) and ``last_update_cpu_seconds`` (this process's CPU time: unlike the wall
        clock, not stretched by other programs on a busy machine)."""
        t0, c0 = time.perf_counter(), time.process_time()
        self._update(self)
        self._pane.refresh()
        self.last_update_seconds = time.perf_counter() - t0
        self.last_update_cpu_seconds = time.process_time() - c0


def set_limits(ax, xlim=None, ylim=None):
    """Set an axes' limits, only where they change: a change makes the next refresh a full draw."""
    def same(a, b):
        return all(math.isclose(u, v, rel_tol=1e-9, abs_tol=1e-12) for u, v in zip(a, b))
    if xlim is not None and not same(ax.get_xlim(), xlim):
        ax.set_xlim(*xlim)
    if ylim is not None and not same(ax.get_ylim(), ylim):
        ax.set_ylim(*ylim)


def check_partition(partition, options, custom=None):
    """Refuse a panel's starting partition that is not one of `options`, or a `custom`
    partition that is not a string (the text box holds site indices such as '0, 1, 4')."""
    if partition not in options:
        raise ValueError(f"partition must be one of {list(options)}, got {partition!r}")
    if custom is not None and not isinstance(custom, str):
        raise TypeError(f"custom must be a string of site indices such as '0, 1, 4', got {custom!r}")


class _SyncPanel(Panel):
    """A Panel whose update may set its own controls without re-entering itself."""

    _syncing = False

    def _on_change(self, _change):
        if not self._syncing:
            self.update()
