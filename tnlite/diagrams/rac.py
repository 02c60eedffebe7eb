"""Drawing of a depth-1 RAC unrolled in time, with its min cut (lesson 06).

`draw_rac` shows the hidden-state deltas joined by W_H, the inputs entering through
W_I, every bond of dimension R; drawn, the RAC is visibly an MPS.
"""
from __future__ import annotations

import matplotlib.pyplot as plt

from .._validate import as_int, as_rows
from ..rac import RAC
from .style import COLORS, _R_NODE, _blank, _fit, _line, _node


def draw_rac(rac, rows=None, show_cut=False, ax=None):
    """A depth-1 RAC unrolled in time: deltas (black dots), W_H between them, W_I on the inputs.

    ::

        W_H h0 --.--W_H--.--W_H--.-- W_O        . = delta (copy) tensor, every bond R
                 |       |       |
                W_I     W_I     W_I             inputs x_0, x_1, x_2 (dimension M)

    Parameters
    ----------
    rac : tnlite.RAC (depth 1) or int
        The network, or just its length N (then no dimensions are written).
    rows : sequence of int, optional
        Inputs on side P, coloured COLORS["side_P"] (the rest COLORS["side_Q"]).
    show_cut : bool
        With `rows` and a RAC: draw its min cut (RAC.min_cut) in COLORS["cut"] and
        state the rank bound in the title.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    if isinstance(rac, RAC):
        N, M, R = rac.N, rac.M, rac.R
        edges, legs, _ = rac.graph()
    else:
        N, M, R = as_int(rac, "rac (or N)", minimum=1), None, None
        edges, legs, _ = RAC(N, [[1.0]], [[1.0]], [1.0], [1.0]).graph()  # the wiring only
    rows = None if rows is None else set(as_rows(rows, N))
    cut = None
    if show_cut:
        if rows is None or R is None:
            raise ValueError("show_cut needs a RAC (not just N) and rows")
        cut = rac.min_cut(sorted(rows))
    hot = set() if cut is None else {frozenset((u, v)) for u, v, _ in cut.edges}

    dx = 1.5
    pos = {("W_H h0",): (-0.5 * dx, 0.0), ("W_O",): ((N - 0.5) * dx, 0.0)}
    for t in range(N):
        pos[("delta", t)] = (t * dx, 0.0)
        pos[("W_I", t)] = (t * dx, -1.0)
        if t >= 1:
            pos[("W_H", t)] = ((t - 0.5) * dx, 0.0)
    ax = _blank(ax, (min(max(4.0, 1.2 * N + 1.5), 14.0), 2.8))
    for u, v, _ in edges:
        on_cut = frozenset((u, v)) in hot
        (x0, y0), (x1, y1) = pos[u], pos[v]
        _line(ax, [x0, x1], [y0, y1], "bond", color=COLORS["cut"] if on_cut else "black",
              linewidth=3.5 if on_cut else 2)
    for node, xy in pos.items():
        if node[0] == "delta":
            ax.add_patch(plt.Circle(xy, 0.09, facecolor=COLORS["delta"], edgecolor="none", zorder=3, gid="delta"))
        else:
            label = {"W_H h0": "$W_Hh_0$", "W_O": "$W_O$", "W_H": "$W_H$", "W_I": "$W_I$"}[node[0]]
            _node(ax, xy, label if N <= 16 else None, radius=0.38 if node[0] == "W_H h0" else _R_NODE, fontsize=9)
    for j, (node, _) in enumerate(legs):
        x = pos[node][0]
        on_cut = frozenset((("leg", j), node)) in hot
        _line(ax, [x, x], [-1.0 - _R_NODE, -1.75], "leg", color=COLORS["cut"] if on_cut else "black",
              linewidth=3.5 if on_cut else 2)
        side = None if rows is None else (COLORS["side_P"] if j in rows else COLORS["side_Q"])
        ax.add_patch(plt.Circle((x, -1.85), 0.1, facecolor=side or "white", edgecolor="black", zorder=3,
                                gid="particle"))
        ax.text(x, -2.05, f"$x_{{{j}}}$" if N <= 16 else "", ha="center", va="top", fontsize=10,
                color=side or "black")
    title = f"RAC unrolled over N={N} steps" + (f" (R={R}, M={M})" if R is not None else "")
    if cut is not None:
        title += f"\nmin cut: rank <= {cut.rank_bound} ({len(cut.edges)} bonds/legs cut)"
    ax.set_title(title, fontsize=11)
    _fit(ax, [(-0.5 * dx - 0.4, 0.6), ((N - 0.5) * dx + 0.4, -2.4)], margin=0.3)
    return ax
