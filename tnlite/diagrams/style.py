"""The course's plot conventions, and the small pieces every drawing is built from.

`COLORS` gives one colour for a bound, one for a measured value and one for each side
of a partition, the same in every lesson; `new_axes` and `plain_log_axis` style a plot.
The private helpers (`_blank`, `_node`, `_line`, `_fit`, `_R_NODE`) are
shared by the drawing modules `basic`, `chain`, `tree`, `convac` and `rac`.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import same_color
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator



#: The course's colours: the same meaning in every lesson.
COLORS = {
    "bound": "#d62728",      # red: an upper bound (min cut, log chi, the largest possible entropy)
    "measured": "#1f77b4",   # blue: a value computed from the tensor
    "side_P": "#ff7f0e",     # orange: particles in `rows`
    "side_Q": "#2ca02c",     # green: the rest
    "node": "#dddddd",
    "delta": "#444444",      # copy (delta) tensors drawn as small black dots
    "cut": "#d62728",
}


def _check_axes(ax, optional=True):
    """TypeError unless `ax` is one matplotlib Axes (or None when optional)."""
    if ax is None and optional or isinstance(ax, Axes):
        return ax
    hint = " (plt.subplots(1, n) returns an array of axes: pass one of them, e.g. axs[0])" \
        if isinstance(ax, np.ndarray) else ""
    raise TypeError(f"ax must be a matplotlib Axes{' or None' if optional else ''}, got {type(ax).__name__}{hint}")


def new_axes(title=None, xlabel=None, ylabel=None, figsize=(5.5, 3.2), ax=None):
    """An axes with title and labels set; makes a figure if `ax` is None."""
    if _check_axes(ax) is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    if title:
        ax.set_title(title)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    return ax


def plain_log_axis(ax, which="y", numticks=6):
    """Put `ax` on a log scale with plain-text labels (1e-08) and no minor labels.

    A panel re-renders its figure on every slider move; matplotlib's default log
    labels are typeset with mathtext and made a redraw several times slower.
    """
    _check_axes(ax, optional=False)
    if which not in ("x", "y"):
        raise ValueError(f"which must be 'x' or 'y', got {which!r}")
    axis = ax.yaxis if which == "y" else ax.xaxis
    (ax.set_yscale if which == "y" else ax.set_xscale)("log")
    axis.set_major_locator(LogLocator(numticks=numticks))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0e}".replace("e+00", "").replace("e+0", "e")))
    axis.set_minor_locator(NullLocator())
    return ax


def _blank(ax, figsize):
    if _check_axes(ax) is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


# Artists carry a gid so tests and lessons can find them: "node" (a tensor's circle),
# "leg" (an open or physical leg), "leg_label", "bond" (a line joining two tensors),
# "bond_label", "cut" (the dashed line of a partition), "particle" (a physical leg's end).

_R_NODE = 0.3  # node radius in data units; every layout below is spaced for it


def _node(ax, xy, name, color=None, radius=_R_NODE, fontsize=11):
    circle = plt.Circle(xy, radius, facecolor=color or COLORS["node"], edgecolor="black",
                        linewidth=1.2, zorder=3, gid="node")
    ax.add_patch(circle)
    if name:
        ax.text(xy[0], xy[1], name, ha="center", va="center", fontsize=fontsize, zorder=4)
    return circle


def _line(ax, xs, ys, gid, color="black", **kw):
    (line,) = ax.plot(xs, ys, color=color, solid_capstyle="round", zorder=kw.pop("zorder", 2), **kw)
    line.set_gid(gid)
    return line


def _restyle(artist, color=None, linewidth=None, facecolor=None, text=None, gid=None):
    """Set only the properties that differ. An unchanged artist is then not marked stale,
    and a panel whose figure is not stale redraws only its animated artists."""
    if color is not None and not same_color(artist.get_color(), color):
        artist.set_color(color)
    if linewidth is not None and artist.get_linewidth() != linewidth:
        artist.set_linewidth(linewidth)
    if facecolor is not None and not same_color(artist.get_facecolor(), facecolor):
        artist.set_facecolor(facecolor)
    if text is not None and artist.get_text() != text:
        artist.set_text(text)
    if gid is not None:
        artist.set_gid(gid)


def _fit(ax, points, margin=0.6):
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    ax.set_xlim(pts[:, 0].min() - margin, pts[:, 0].max() + margin)
    ax.set_ylim(pts[:, 1].min() - margin, pts[:, 1].max() + margin)
