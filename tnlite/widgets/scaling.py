"""Lesson 09's panel: how much entanglement each architecture can carry as the region grows.

`build_entanglement_scaling` has one checkbox per architecture, a dimension (1D: the two
halves of a chain of 2 ell sites; 2D: the centred alpha x alpha block of a 2 alpha x 2 alpha
lattice) and a parameter budget, counted with weights shared over positions (the
convention of :mod:`tnlite.budget`). Each architecture gets the largest size the budget
pays for on the largest system shown (:func:`tnlite.budget.afford`), or on a smaller system
the largest size that fits it (a ConvAC deeper than a small lattice allows is cut to the
depth that fits); its bound (:mod:`tnlite.scaling`) is drawn against the region's size,
with the exact ranks of small random instances of the same size on top. A budget move redraws
the curves, legend and title over the cached axes; a new dimension, lineup or limit redraws all.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
from matplotlib.artist import Artist
import numpy as _np

from .. import diagrams as _diagrams
from .. import scaling as _sc
from .._validate import as_int as _as_int
from ..budget import ARCHITECTURES, afford
from ..tensors import PRIME, rank_mod_p
from .panel import Panel, set_limits

BUDGETS = (100, 200, 500, 1000, 2000, 5000, 10_000, 20_000)
#: Region sizes drawn: halves of chains of 2 ell sites, blocks of 2 alpha x 2 alpha lattices.
SIZES = {1: (1, 2, 3, 4, 6, 8, 12, 16, 24, 32), 2: tuple(range(1, 17))}
#: Largest region measured exactly (the dense tensor has 2^(2 ell) or 2^(4 alpha^2) entries).
MEASURED = {1: (1, 2, 3, 4, 5), 2: (1, 2)}
_STYLES = ["o-", "s--", "D-.", "^:", "v-", "<--", ">-.", "p:"]


def _system(size, dim):
    return 2 * size  # the chain of 2 ell sites, or the 2 alpha x 2 alpha lattice


def _rows(size, dim):
    return _sc.region_1d(size)[1] if dim == 1 else _sc.region_2d(size, 2 * size)


def knob_at(name, knob, system, dim):
    """The largest knob <= `knob` of architecture `name` that fits `system`; None if none does.

    The budget pays for `knob` on the largest system; a smaller system may not fit it (a
    ConvAC of 63 layers on 8 sites): it then gets the largest size it has room for.
    """
    arch = ARCHITECTURES[name]
    return next((k for k in range(knob, arch.smallest - 1, -1) if arch.fits(k, system, dim)), None)


def bound_curve(name, knob, dim):
    """(sizes, bits) of architecture `name`'s bound at `knob` (at most, on small systems), where it is defined."""
    arch = ARCHITECTURES[name]
    xs, ys = [], []
    for size in SIZES[dim]:
        system = _system(size, dim)
        k = knob_at(name, knob, system, dim)
        if k is not None:
            xs.append(size)
            ys.append(_sc.bits(arch.bound(size, k, system, dim)))
    return xs, ys


def measured_ranks(name, knob, dim, seed=0):
    """(sizes, ranks, bounds): exact ranks mod p of random instances at `knob` (at most: :func:`knob_at`)
    on the small regions, and the bound at each (both ints)."""
    arch = ARCHITECTURES[name]
    out = ([], [], [])
    if arch.build is None:
        return out
    for size in MEASURED[dim]:
        system = _system(size, dim)
        k = knob_at(name, knob, system, dim)
        if k is not None:
            net = arch.build(k, system, dim, _np.random.default_rng((seed, size)), PRIME)
            for lst, v in zip(out, (size, rank_mod_p(net.to_dense(), _rows(size, dim)), arch.bound(size, k, system, dim))):
                lst.append(v)
    return out


class _Legend(Artist):
    """Draws its axes' legend, whichever it is now: one animated artist (:class:`~.panel.FigurePane`) for a
    legend rebuilt when its lineup changes."""

    zorder = 5  # a legend's

    @staticmethod
    def adopt(legend):
        """Leave `legend` out of its axes' draw: only this artist draws it."""
        for piece in legend.findobj():  # its frame and texts, moved at each draw, would mark the figure stale
            piece.set_animated(True)
        return legend

    def draw(self, renderer):
        legend = self.axes.get_legend()
        if legend is not None and not self.figure.canvas.is_saving():  # a saved figure draws it with its axes
            legend.draw(renderer)


def build_entanglement_scaling(dim=1, architectures=None, budget=2000, rng=0):
    """Lesson 09: architectures, dimension and a parameter budget; bounds and exact ranks against region size.

    Parameters
    ----------
    dim : int
        1 (halves of a chain of 2 ell sites) or 2 (centred alpha x alpha block of a
        2 alpha x 2 alpha lattice).
    architectures : sequence of str, optional
        Names in :data:`tnlite.budget.ARCHITECTURES` to show (default: all).
    budget : int
        One of :data:`BUDGETS`: parameters allowed on the largest system drawn (a chain of
        64 sites, a 32 x 32 lattice), weights shared over positions (:mod:`tnlite.budget`).
    rng : int seed
        Seeds the random instances measured.

    Returns
    -------
    Panel
        Controls ``"dim"`` (ToggleButtons "1D"/"2D"), ``"budget"`` (SelectionSlider), one
        Checkbox per architecture (named as the architecture). ``panel.data``: ``dim``,
        ``budget``, ``knobs`` {name: knob on the largest system}, ``bounds`` {name: (sizes, bits)},
        ``measured`` {name: (sizes, exact ranks, bounds)}, ``skipped`` {name: why it is not drawn}.
    """
    dim = _as_int(dim, "dim", minimum=1)
    if dim not in (1, 2):
        raise ValueError(f"dim must be 1 or 2, got {dim}")
    if isinstance(architectures, str):
        raise TypeError(f"architectures must be a list of names, got the str {architectures!r} (write [{architectures!r}])")
    names = list(ARCHITECTURES) if architectures is None else list(architectures)
    unknown = [n for n in names if n not in ARCHITECTURES]
    if unknown:
        raise ValueError(f"architectures must be names in {list(ARCHITECTURES)}, got {unknown}")
    if budget not in BUDGETS:
        raise ValueError(f"budget must be one of {BUDGETS}, got {budget!r}")
    seed = _as_int(rng, "rng", minimum=0)
    cache = {}

    controls = {"dim": widgets.ToggleButtons(options=["1D", "2D"], value=f"{dim}D", description="dimension"),
                "budget": widgets.SelectionSlider(options=list(BUDGETS), value=budget, description="parameters",
                                                  continuous_update=False, layout=widgets.Layout(width="420px"))}
    for name in ARCHITECTURES:
        controls[name] = widgets.Checkbox(value=name in names, description=name, indent=False,
                                          layout=widgets.Layout(width="170px"))
    with plt.ioff():
        fig, ax = plt.subplots(figsize=(9.0, 4.4), layout="constrained")
    C = _diagrams.COLORS
    lines, points = {}, {}
    for k, name in enumerate(ARCHITECTURES):
        style = _STYLES[k % len(_STYLES)]
        (lines[name],) = ax.plot([], [], style, color=C["bound"], ms=5, lw=1.3, alpha=0.85, label="_nolegend_")
        (points[name],) = ax.plot([], [], style[0], color=C["measured"], ms=9, mfc="none", mew=1.8)
    (volume,) = ax.plot([], [], ":", color="black", lw=1, label="volume law")
    (area,) = ax.plot([], [], "--", color="gray", lw=1, label="area law")
    (measured_key,) = ax.plot([], [], "o", color=C["measured"], mfc="none", mew=1.8, label="exact rank (random, mod p)")
    legend = ax.add_artist(_Legend())  # the labels name sizes that move with the budget: drawn with the curves
    shown = {"dim": None, "legend": None}  # what the static picture was last drawn for

    def knobs_at(name, budget, dim):
        """(knob on the largest system, whether smaller systems cut it, None) of `name`, or (None, None, why not)."""
        key = ("knob", name, budget, dim)
        if key not in cache:
            arch = ARCHITECTURES[name]
            knob = afford(name, budget, _system(SIZES[dim][-1], dim), dim) if dim in arch.dims else None
            if knob is None:
                cache[key] = (None, None, f"no {dim}D bound" if dim not in arch.dims else "the budget pays for none")
            else:
                xs = curves(name, knob, dim)[0][0]
                cache[key] = (knob, any(knob_at(name, knob, _system(x, dim), dim) != knob for x in xs), None)
        return cache[key]

    def curves(name, knob, dim):
        key = (name, knob, dim)
        if key not in cache:
            cache[key] = (bound_curve(name, knob, dim), measured_ranks(name, knob, dim, seed))
        return cache[key]

    def show_dimension(dim):
        shown["dim"] = dim
        sizes = _np.array(SIZES[dim], dtype=float)
        volume.set_data(sizes, sizes if dim == 1 else sizes**2)
        area.set_data(sizes, _np.ones_like(sizes) if dim == 1 else 4 * sizes)
        if dim == 1:
            _diagrams.plain_log_axis(ax, "x")
            ax.set_xticks(SIZES[1], [str(x) for x in SIZES[1]])
        else:
            ax.set_xscale("linear")
            ax.set_xticks(SIZES[2][1::2], [str(x) for x in SIZES[2][1::2]])
        ax.set_xlabel("half size ℓ of a chain of 2ℓ sites (sites, log scale)" if dim == 1
                      else "side α of the α × α block of a 2α × 2α lattice (sites)")
        ax.set_ylabel("entropy bound (bits)")

    def update(panel):
        dim = 1 if panel.value("dim") == "1D" else 2
        budget = panel.value("budget")
        chosen = [n for n in ARCHITECTURES if panel.value(n)]
        largest = _system(SIZES[dim][-1], dim)
        data = {"dim": dim, "budget": budget, "knobs": {}, "bounds": {}, "measured": {}, "skipped": {}}
        top = 1.0
        for name in ARCHITECTURES:
            arch = ARCHITECTURES[name]
            knob, capped, why = knobs_at(name, budget, dim) if name in chosen else (None, None, None)
            if knob is None:
                if why is not None:
                    data["skipped"][name] = why
                lines[name].set_data([], []), points[name].set_data([], [])
                lines[name].set_label("_nolegend_")
                continue
            (xs, ys), (mx, mr, mb) = curves(name, knob, dim)
            data["knobs"][name], data["bounds"][name], data["measured"][name] = knob, (xs, ys), (mx, mr, mb)
            lines[name].set_data(xs, ys)
            lines[name].set_label(f"{name} ({arch.knob} {'up to ' if capped else '= '}{knob})")
            points[name].set_data(mx, _np.log2(mr) if mr else [])
            top = max(top, max(ys, default=1))
        sizes = _np.array(SIZES[dim], dtype=float)
        vol = sizes if dim == 1 else sizes**2
        if shown["dim"] != dim:  # the axes of a dimension: drawn in full when it changes
            show_dimension(dim)
        set_limits(ax, (0.9 if dim == 1 else 0.5, sizes[-1] * (1.1 if dim == 1 else 1.03)),
                   (0, min(top, vol[-1]) * 1.1 + 1))
        ax.title.set_text(f"{dim}D: bounds at a budget of {budget:,} parameters (largest system: "
                          + (f"{largest} sites)" if dim == 1 else f"{largest} x {largest})"))
        handles = [lines[n] for n in data["knobs"]] + [volume, area, measured_key]
        labels = [h.get_label() for h in handles]
        if shown["legend"] != handles:  # a new lineup: a new legend
            shown["legend"] = handles
            stale = fig.stale
            legend.adopt(ax.legend(handles, labels, fontsize=7.5, loc="upper left"))
            if not stale:  # making it marked the axes stale; it is drawn over them, which have not changed
                ax.stale = fig.stale = False
        else:  # the same lineup: its sizes renamed in place
            for text, label in zip(ax.get_legend().get_texts(), labels):
                text.set_text(label)
        panel.data = data
        held = all(r <= b for _, rs, bs in data["measured"].values() for r, b in zip(rs, bs))
        panel.text.value = (f"Each architecture gets the largest size {budget:,} parameters pay for, weights shared "
                            f"over positions (a full RBM's units have none); red: its bound, "
                            f"blue rings: exact ranks of random instances of that size "
                            f"({'all below their bounds' if held else 'SOME ABOVE THEIR BOUND'})."
                            + (" Not drawn: " + ", ".join(f"{n} ({why})" for n, why in data["skipped"].items())
                               if data["skipped"] else ""))

    # the layout is made once and then kept (FigurePane): made for 1D's two-digit ticks, it cut off the y label
    # beside 2D's three digits; made here for the 2D axes and their highest limit, it fits both dimensions
    show_dimension(2)
    ax.set_ylim(0, SIZES[2][-1] ** 2 * 1.1 + 1)
    ax.set_title("2D: bounds (the title's height; update writes it)")
    fig.canvas.draw()
    fig.set_layout_engine("none")
    layout_rows = [widgets.HBox([controls["dim"], controls["budget"]]),
                   widgets.HBox([controls[n] for n in ARCHITECTURES])]
    panel = Panel(controls, fig, update, layout_rows=layout_rows,
                  artists={"ax": ax, "lines": lines, "points": points, "volume": volume, "area": area,
                           "measured_key": measured_key},
                  # what a budget move changes, and what a full draw puts over it (the volume and area lines,
                  # the spines): a frame drawn over the cached axes is the frame a full draw gives
                  animated=[*(a for n in ARCHITECTURES for a in (lines[n], points[n])), volume, area,
                            *ax.spines.values(), legend, ax.title])
    return panel
