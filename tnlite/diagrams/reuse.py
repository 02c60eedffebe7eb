"""Drawings of networks that re-use their inputs (lesson 08).

`draw_duplicated` draws the tensor network with duplicated inputs of a small overlapping
ConvAC or depth-2 RAC: every use of an input is its own copy, and the copies of x_j meet in
one copy delta (black dot) above the input. `draw_light_cone` draws an overlapping ConvAC
layer by layer and colours every position by the inputs it reads: only side P, only side
Q, or both (the light cone of the partition, where entanglement across it is made).
"""
from __future__ import annotations

import weakref

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection

from .._validate import as_rows
from ..rac import RAC
from ..reuse import OverlappingConvAC
from .style import COLORS, _blank, _fit

_MAX_NODES = 400  # a duplicated network larger than this is unreadable
# ax -> (bond LineCollection, position PathCollection, N) of the last light cone drawn on it
_DRAWN = weakref.WeakKeyDictionary()


def _convac_layout(net, dup):
    """Positions of an overlapping ConvAC's duplicated network: one tree per last position."""
    L = net.depth
    writers, reader = {}, {}
    for node, axes in zip(dup.nodes, dup.axes):
        if node[0] in ("W", "conv"):
            writers.setdefault(axes[0], []).append(node)  # (out, in)
            reader[axes[1]] = node
    leaves = [n for n in dup.nodes if n[0] == "W" and n[1] == 1] if L else [n for n in dup.nodes if n[0] == "conv"]
    pos = {node: (float(slot), 1.0) for slot, node in enumerate(leaves)}
    for l in range(1, L + 1):  # a product delta above its K weight nodes, the node reading it above the delta
        for label in [lab for lab in dup.dims if lab[0] == "u" and lab[1] == l]:
            x = float(np.mean([pos[n][0] for n in writers[label]]))
            pos[label], pos[reader[label]] = (x, 2.0 * l), (x, 2.0 * l + 1)
    centre = float(np.mean([pos[n][0] for n in writers[("pool",)]]))
    pos[("pool",)], pos[("out",)] = (centre, 2.0 * L + 2), (centre, 2.0 * L + 2.8)
    spread = max(len(leaves) - 1, 1) / max(net.N - 1, 1)
    inputs = {j: (j * spread, -0.5) for j in range(net.N)}
    return pos, inputs, f"overlapping ConvAC, N={net.N}, K={net.K}, depth {L}: each tree reads its own copies"


def _rac_layout(rac, dup):
    """Positions of a depth-2 RAC's duplicated network: the top chain, one layer-1 chain per step below."""
    pos, x = {}, 0.0
    for t in range(rac.N):  # block t: layer 1's chain over steps 0..t, ending under step t of layer 2
        pos[("W_H h0", 1, (t,))] = (x, -2.0)
        for s in range(t + 1):
            pos[("h", 1, (t,), s)] = (x + 1.0 + s, -2.0)
            pos[("W_I", 1, (t,), s)] = (x + 1.0 + s, -3.0)
            if s:
                pos[("W_H", 1, (t,), s)] = (x + 0.5 + s, -2.0)
        end = x + 1.0 + t
        pos[("h", 2, (), t)] = (end, 0.0)
        pos[("W_I", 2, (), t)] = (end, -1.0)
        if t:
            pos[("W_H", 2, (), t)] = (end - 0.5 * (end - prev), 0.0)
        prev, x = end, end + 1.5
    pos[("W_H h0", 2, ())] = (pos[("h", 2, (), 0)][0] - 0.8, 0.0)
    pos[("W_O",)] = (prev + 0.8, 0.0)
    spread = (prev + 0.8) / max(rac.N - 1, 1)
    inputs = {j: (j * spread, -4.5) for j in range(rac.N)}
    return pos, inputs, f"depth-2 RAC, N={rac.N}: layer 1 recomputed for every step of layer 2"


def draw_duplicated(net, rows=None, show_cut=False, ax=None):
    """The tensor network with duplicated inputs of a small re-use network, with its min cut.

    ::

        [W][W][W][W]      weight nodes: each reads its own copy of an input
          \\  \\/  /
           o   o          copy deltas (dimension M): all copies of x_j get its one-hot value
           x_1 x_2

    Parameters
    ----------
    net : tnlite.OverlappingConvAC (1D) or tnlite.RAC of depth 2
        Small: the drawing refuses more than 400 nodes.
    rows : sequence of int, optional
        Inputs on side P, coloured COLORS["side_P"] (the rest COLORS["side_Q"]).
    show_cut : bool
        With `rows`: draw the min cut (``net.min_cut(rows)``) in COLORS["cut"] (a split
        delta as a red dot) and state the rank bound in the title.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    if isinstance(net, OverlappingConvAC):
        if len(net.grid) != 1:
            raise ValueError("draw_duplicated draws 1D networks; a 2D one has too many crossing copies to read")
        layout = _convac_layout
    elif isinstance(net, RAC):
        if net.depth != 2:
            raise ValueError(f"draw_duplicated draws a depth-2 RAC, got depth {net.depth}")
        layout = _rac_layout
    else:
        raise TypeError(f"net must be a tnlite.OverlappingConvAC or a depth-2 tnlite.RAC, got {type(net).__name__}")
    rows = None if rows is None else set(as_rows(rows, net.N))
    if show_cut and rows is None:
        raise ValueError("show_cut needs rows: the inputs on side P")
    dup = net.duplicated_network()
    if len(dup.nodes) > _MAX_NODES:
        raise ValueError(f"this network's duplicated form has {len(dup.nodes)} tensors; draw_duplicated draws at "
                         f"most {_MAX_NODES} (use a smaller N, K or depth)")
    g = dup.graph()
    pos, inputs, title = layout(net, dup)
    for j, (node, _) in enumerate(g.legs):
        if node == ("x", j):
            pos[node] = (inputs[j][0], inputs[j][1] + 0.5)
    cut = net.min_cut(sorted(rows)) if show_cut else None
    hot = set() if cut is None else {frozenset((u, v)) for u, v, _ in cut.edges}
    split = set() if cut is None else {u for u, v, _ in cut.edges if v == "split"}
    xs = [x for x, _ in pos.values()]
    ax = _blank(ax, (min(max(5.0, 0.45 * (max(xs) - min(xs)) + 2), 14.0), 4.2))
    segments, colours, widths = [], [], []
    for u, v, _ in g.edges:
        segments.append([pos[u], pos[v]])
        on = frozenset((u, v)) in hot
        colours.append(COLORS["cut"] if on else "black"), widths.append(3.0 if on else 1.0)
    for j, (node, _) in enumerate(g.legs):
        segments.append([pos[node], (inputs[j][0], inputs[j][1] + 0.15)])
        on = frozenset((("leg", j), node)) in hot
        colours.append(COLORS["cut"] if on else "black"), widths.append(3.0 if on else 1.0)
    ax.add_collection(LineCollection(segments, colors=colours, linewidths=widths, zorder=1, gid="bond"))
    for node, xy in pos.items():
        if node in g.deltas:
            ax.add_patch(plt.Circle(xy, 0.12, facecolor=COLORS["cut"] if node in split else COLORS["delta"],
                                    edgecolor="none", zorder=3, gid="delta"))
        else:
            ax.add_patch(plt.Circle(xy, 0.22, facecolor=COLORS["node"], edgecolor="black", linewidth=0.8, zorder=3,
                                    gid="node"))
    for j, xy in inputs.items():
        side = None if rows is None else (COLORS["side_P"] if j in rows else COLORS["side_Q"])
        ax.add_patch(plt.Circle(xy, 0.15, facecolor=side or "white", edgecolor="black", zorder=3, gid="particle"))
        ax.text(xy[0], xy[1] - 0.3, f"$x_{{{j}}}$", ha="center", va="top", fontsize=9, color=side or "black")
    copies = dup.copies()
    title += f"\ncopies per input: {copies}"
    if cut is not None:
        title += f"; min cut: rank <= {cut.rank_bound}"
    ax.set_title(title, fontsize=10)
    ys = [y for _, y in pos.values()] + [y for _, y in inputs.values()]
    _fit(ax, [(min(xs), min(ys) - 0.6), (max(xs), max(ys))], margin=0.5)
    return ax


def draw_light_cone(net, rows, ax=None):
    """A 1D overlapping ConvAC layer by layer, each position coloured by the inputs it reads.

    Inputs at the bottom, layer l above (N - l(K-1) positions), a line from each position
    to the K it multiplies. Orange: reads only side P; green: only Q; red: both sides,
    the light cone of the partition (only these positions can carry entanglement across
    it). Drawn again on the same `ax` (a panel update), the artists are updated in place.

    Parameters
    ----------
    net : tnlite.OverlappingConvAC (1D)
    rows : sequence of int
        Inputs on side P.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    if not isinstance(net, OverlappingConvAC) or len(net.grid) != 1:
        raise TypeError(f"net must be a 1D tnlite.OverlappingConvAC, got {net!r:.80}")
    cone = net.light_cone(rows)  # per layer: 0 = reads P only, 1 = Q only, 2 = both
    shift = 0.5 * (net.K - 1)  # position j of layer l sits above the middle of its window
    xy = [np.stack([np.arange(len(c)) + l * shift, np.full(len(c), float(l))], axis=1) for l, c in enumerate(cone)]
    segments, colours = [], []
    for l in range(1, net.depth + 1):
        for j in range(len(cone[l])):
            for k in range(net.K):
                segments.append([xy[l][j], xy[l - 1][j + k]])
                colours.append(COLORS["cut"] if cone[l][j] == 2 else "#999999")
    palette = np.array([COLORS["side_P"], COLORS["side_Q"], COLORS["cut"]])
    points, faces = np.concatenate(xy), palette[np.concatenate(cone)]
    drawn = None if ax is None else _DRAWN.get(ax)
    if drawn is not None and drawn[2] == net.N:
        lines, dots, _ = drawn
        lines.set_segments(segments), lines.set_color(colours)
        dots.set_offsets(points), dots.set_facecolors(faces)
    else:
        ax = _blank(ax, (min(max(4.0, 0.5 * net.N + 1.5), 12.0), 1.0 + 0.6 * (net.depth + 2)))
        ax.set_title("", fontsize=10)
        lines = LineCollection(segments, colors=colours, linewidths=1.0, zorder=1, gid="bond")
        ax.add_collection(lines)
        dots = ax.scatter(points[:, 0], points[:, 1], s=60, c=faces, edgecolors="black", linewidths=0.6, zorder=3,
                          gid="positions")
        for j in range(net.N):
            ax.text(j, -0.35, str(j), ha="center", va="top", fontsize=8, gid="site_label")
        _DRAWN[ax] = (lines, dots, net.N)
    top = int(np.sum(cone[-1] == 2))
    ax.title.set_text(f"light cone: {top} of {len(cone[-1])} last-layer positions read both sides "
                      f"(K={net.K}, depth {net.depth})")  # not ax.set_title, which re-places all three titles
    xlim, ylim = (-0.5, net.N - 0.5), (-1.1, max(net.depth, 1) + 0.8)  # inputs' labels to the last layer
    if (ax.get_xlim(), ax.get_ylim()) != (xlim, ylim):  # set only when they change: a panel then draws in full
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
    return ax


def light_cone_artists(ax):
    """The artists :func:`draw_light_cone` changes in place on `ax` (bonds, positions, title);
    the site labels and the limits (for a given depth) never change."""
    lines, dots, _ = _DRAWN[ax]
    return [lines, dots, ax.title]
