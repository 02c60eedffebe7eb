"""Lesson 01's panel: group a tensor's legs into rows and columns and see the rank.

`build_matricization` draws a sum of k random product tensors, one toggle per leg
for the row side and a slider for k, and shows the matrix's singular values and rank
beside the diagram of the grouping.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as _np
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator

from .. import diagrams as _diagrams
from .._validate import as_int as _as_int, as_rng as _as_rng, as_rows as _as_rows
from .._validate import as_ints, guard_dense as _guard_dense
from ..tensors import matricize as _matricize
from .panel import Panel, set_limits


def _sum_of_products(vecs, k):
    """sum_{t<k} v_0^t (x) ... (x) v_{N-1}^t from vecs[j] of shape (k_max, d_j)."""
    A = vecs[0][:k]  # (k, d_0)
    for V in vecs[1:]:
        A = A[..., None] * V[:k].reshape((k,) + (1,) * (A.ndim - 1) + (V.shape[1],))  # (k, d_0, ..., d_j)
    return A.sum(axis=0)  # (d_0, ..., d_{N-1})


def build_matricization(shape=(2, 3, 2, 3), k=2, rows=(0, 1), k_max=10, rng=0):
    """Lesson 01: pick legs to group; see the matricization's shape, its rank and the diagram.

    The tensor is a sum of k product tensors with standard normal factors, so
    every m x n matricization has rank min(k, m, n) for random terms (the first k
    of k_max terms drawn once, so moving k adds or removes one term). One toggle per leg puts
    it on the row side; the slider sets k. The rank is numpy's ``matrix_rank``
    tolerance rule applied to the singular values (as in :func:`tnlite.schmidt_rank`).

    Parameters
    ----------
    shape : sequence of int
        The tensor's leg dimensions, 2 to 6 legs.
    k : int
        Initial number of product terms (1..k_max).
    rows : sequence of int
        Legs on the row side at the start.
    k_max : int
        Largest k on the slider.
    rng : numpy.random.Generator or int seed

    Returns
    -------
    Panel
        Controls ``"leg0"``, ``"leg1"``, ... (ToggleButtons) and ``"k"`` (IntSlider);
        ``panel.data``: ``rows`` (tuple), ``shape`` ((m, n)), ``rank``, ``k``,
        ``singular_values`` (descending), ``tol``.
    """
    if _np.ndim(shape) != 1:
        raise ValueError(f"shape must be a sequence of leg dimensions such as (2, 3, 2, 3), got {shape!r}")
    shape = as_ints(shape, "shape", len(shape))
    if not 2 <= len(shape) <= 6:
        raise ValueError(f"shape must have 2 to 6 legs for a legible panel, got {len(shape)} legs {shape}")
    k_max = _as_int(k_max, "k_max", minimum=1)
    k = _as_int(k, "k", minimum=1)
    if k > k_max:
        raise ValueError(f"k must be <= k_max = {k_max}, got {k}")
    rows = set(_as_rows(rows, len(shape)))
    rng = _as_rng(rng)
    # all k_max terms drawn once; k uses the first k, so moving k adds or removes a term
    _guard_dense(shape, "low-rank tensor")
    vecs = [rng.standard_normal((k_max, d)) for d in shape]

    controls = {f"leg{j}": widgets.ToggleButton(value=j in rows, description=f"leg {j} (d={d})",
                                                 tooltip=f"put leg {j} on the row side",
                                                 layout=widgets.Layout(width="110px"))
                for j, d in enumerate(shape)}
    controls["k"] = widgets.IntSlider(value=k, min=1, max=k_max, description="terms k",
                                      continuous_update=False)
    with plt.ioff():
        # a fixed layout and plain tick labels: each redraw renders a PNG, and constrained
        # layout plus mathtext tick labels made that several times slower
        fig, (ax_d, ax_s) = plt.subplots(1, 2, figsize=(10.5, 3.4), gridspec_kw={"width_ratios": [1.6, 1]})
        fig.subplots_adjust(left=0.01, right=0.985, bottom=0.15, top=0.9, wspace=0.2)
    _diagrams.new_axes(None, "index of singular value", "singular value (log scale)", ax=ax_s)
    (values,) = ax_s.semilogy([1], [1], "o", color=_diagrams.COLORS["measured"], label="singular values")
    threshold = ax_s.axhline(1e-16, color="black", linestyle="--", linewidth=1, label="rank tolerance")
    ax_s.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_s.yaxis.set_major_locator(FixedLocator([1e-16, 1e-12, 1e-8, 1e-4, 1.0, 1e4]))
    ax_s.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:.0e}".replace("e+00", "").replace("e+0", "e")))
    ax_s.yaxis.set_minor_locator(NullLocator())
    ax_s.legend(loc="lower left", fontsize=9)

    drawn = {"rows": None}

    def update(panel):
        rows = tuple(j for j in range(len(shape)) if panel.value(f"leg{j}"))
        k = panel.value("k")
        mat = _matricize(_sum_of_products(vecs, k), rows)
        m, n = mat.shape
        s = _np.linalg.svd(mat, compute_uv=False)
        tol = s[0] * max(m, n) * _np.finfo(s.dtype).eps  # numpy's matrix_rank rule
        rank = int(_np.count_nonzero(s > tol))
        panel.data = {"rows": rows, "shape": (m, n), "rank": rank, "k": k, "singular_values": s, "tol": tol}
        if drawn["rows"] != rows:  # the diagram depends on the legs alone, not on k
            drawn["rows"] = rows
            for artist in [*ax_d.patches, *ax_d.lines, *ax_d.texts]:
                artist.remove()  # cheaper than ax.clear(), which rebuilds the (hidden) ticks
            _diagrams.draw_matricization(shape, rows, ax=ax_d)
        idx = _np.arange(1, s.size + 1)
        values.set_data(idx, _np.maximum(s, 1e-18))  # zeros cannot sit on a log axis: shown at the floor
        threshold.set_ydata([tol, tol])
        top = 10.0 ** max(1, int(_np.ceil(_np.log10(10 * s[0]))))  # a decade above s_max: moves rarely
        set_limits(ax_s, (0.5, s.size + 0.5), (1e-18, top))
        ax_s.title.set_text(f"{m} x {n} matrix: rank {rank}")
        panel.text.value = (f"rows = legs {rows}, columns = the others: a <b>{m} x {n}</b> matrix of rank "
                            f"<b>{rank}</b> (a sum of k = {k} product terms: rank &le; min(k, m, n) = "
                            f"{min(k, m, n)}).")

    layout_rows = [widgets.HBox([controls[f"leg{j}"] for j in range(len(shape))]), controls["k"]]
    return Panel(controls, fig, update, artists={"ax_diagram": ax_d, "ax_values": ax_s,
                                                  "values": values, "threshold": threshold}, layout_rows=layout_rows,
                 animated=[values, threshold, ax_s.title])
