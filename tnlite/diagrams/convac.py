"""Drawing of a ConvAC as a tensor network, or as the tree TN it equals (lesson 05).

`draw_convac` shows the deltas of product pooling and the 1x1 convolutions between
them, every bond labelled by its width, and can draw the min cut of a partition.
Lines and nodes are added without autoscaling, as a panel redraws ~50 of them.
"""
from __future__ import annotations

import weakref

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D

from .._validate import as_rows
from ..convac import ConvAC
from ..convac2d import ConvAC2D
from ..cp import ShallowConvAC
from .style import COLORS, _blank, _fit, _restyle


def _fast_line(ax, xs, ys, gid, color="black", linewidth=1.6):
    """A line added without autoscaling (the caller sets limits): a panel redraws ~50 of them."""
    line = Line2D(xs, ys, color=color, linewidth=linewidth, solid_capstyle="round", zorder=2, gid=gid)
    ax.add_artist(line)
    return line


def _fast_node(ax, xy, label, radius, color=None, gid="node", edgecolor="black", fontsize=7):
    circle = plt.Circle(xy, radius, facecolor=color or COLORS["node"], edgecolor=edgecolor, linewidth=1.0,
                        zorder=3, gid=gid)
    ax.add_artist(circle)
    if label:
        ax.text(xy[0], xy[1], label, ha="center", va="center", fontsize=fontsize, zorder=4, in_layout=False)
    return circle


def draw_convac(net, rows=None, show_cut=False, as_tree=False, ax=None):
    """A ConvAC as its tensor network (deltas explicit) or as the tree TN it equals.

    ::

                out                  network view: o = delta (product pooling),
                 o                   [W] = a 1x1 conv between two deltas; its input
              [W]   [W]              bond has r_{l-1}, its output r_l, so a cut can
               o     o               pass through either
             [W][W] [W][W]           layer 0 (r_0 x M) on the inputs x_0 .. x_{N-1}

    Parameters
    ----------
    net : tnlite.ConvAC or tnlite.ShallowConvAC
        A 1D network, deep or shallow (a shallow one is a star on one global delta; a
        cut that splits a delta paints it COLORS["cut"]).
    rows : sequence of int, optional
        Inputs on side P, coloured COLORS["side_P"] (the rest COLORS["side_Q"]).
    show_cut : bool
        With `rows`: draw the min cut (:meth:`ConvAC.min_cut`) in COLORS["cut"] and
        state the rank bound in the title (network view only).
    as_tree : bool
        Draw the tree TN of :meth:`ConvAC.to_tree` instead: each delta merged with the
        conv above it into one order-3 node (deep ConvACs only).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    if not isinstance(net, ConvAC):
        raise TypeError(f"net must be a tnlite.ConvAC, got {type(net).__name__}")
    if isinstance(net, ConvAC2D):
        raise ValueError("draw_convac draws 1D ConvACs; a 2D ConvAC is a quad-tree not drawn here")
    rows = None if rows is None else set(as_rows(rows, net.N))
    if show_cut and rows is None:
        raise ValueError("show_cut needs rows: the inputs on side P")
    shallow = isinstance(net, ShallowConvAC)
    if as_tree and shallow:
        raise ValueError("as_tree draws a deep ConvAC; a shallow one is a CP decomposition (draw it with as_tree=False)")
    if as_tree and show_cut:
        raise ValueError("show_cut draws on the network view; the tree view merges the bonds a cut may use")
    scene = _scene(net, rows, show_cut, as_tree)
    ax = _blank(ax, scene["figsize"])
    _draw_scene(ax, scene)
    return ax


def _scene(net, rows, show_cut, as_tree, cut=None):
    """What draw_convac draws, as plain data: lines, nodes, texts, title, limits. `cut`: the
    min cut of `rows` when the caller has it already."""
    N, L, r = net.N, net.L, net.widths
    shallow = isinstance(net, ShallowConvAC)
    if not show_cut:
        cut = None
    elif cut is None:
        cut = net.min_cut(sorted(rows))
    hot = set() if cut is None else {frozenset((u, v)) for u, v, _ in cut.edges}
    split = set() if cut is None else {u for u, v, _ in cut.edges if v == "split"}
    edges, legs, _ = net.graph()
    dx = 1.0
    x_site = np.arange(N) * dx

    def block_x(l, i):
        return float(x_site[i << l: (i + 1) << l].mean()) if not shallow else float(x_site.mean())

    pos = {("W", 0, j): (x_site[j], 1.0) for j in range(N)}
    if shallow:
        pos[("delta", 1, 0)] = (block_x(1, 0), 2.4)
        pos[("out",)] = (block_x(1, 0), 3.2)
    else:
        for l in range(1, L + 1):
            for i in range(N >> l):
                pos[("delta", l, i)] = (block_x(l, i), 2.0 * l)
                if l < L:
                    pos[("W", l, i)] = (block_x(l, i), 2.0 * l + 1)
        pos[("out",)] = (block_x(L, 0), 2.0 * L + 1)
    if as_tree:  # merge each delta with the conv above it: tree node (l, i) sits at the delta
        def rep(node):
            if node == ("out",):
                return ("delta", L, 0)
            return ("delta",) + node[1:] if node[0] == "W" and node[1] >= 1 else node

        edges = [(rep(u), rep(v), d) for u, v, d in edges if rep(u) != rep(v)]
    small = 0.24
    # lines: (xs, ys, gid, color, linewidth); nodes: (xy, label, radius, facecolor, gid, edgecolor);
    # texts: (x, y, text, ha, va, color, gid)
    lines, nodes, texts = [], [], []
    for u, v, d in edges:
        on_cut = frozenset((u, v)) in hot
        (x0, y0), (x1, y1) = pos[u], pos[v]
        color = COLORS["cut"] if on_cut else "black"
        lines.append(([x0, x1], [y0, y1], "bond", color, 3.5 if on_cut else 1.6))
        if N <= 16:
            texts.append((0.5 * (x0 + x1) + 0.08, 0.5 * (y0 + y1), str(d), "left", "center", color, "bond_label"))
    for node, xy in pos.items():
        kind = node[0]
        if as_tree and (kind == "out" or (kind == "W" and node[1] >= 1)):
            continue  # merged into the delta below it
        if kind == "delta" and not as_tree:
            nodes.append((xy, None, 0.1, COLORS["cut"] if node in split else COLORS["delta"], "delta", "none"))
        elif kind == "delta":
            nodes.append((xy, f"{node[1]},{node[2]}" if N <= 8 else None, small + 0.06, COLORS["node"], "node",
                          "black"))
        else:
            label = "out" if kind == "out" else (f"$W^{{{node[1]}}}$" if N <= 16 else None)
            nodes.append((xy, label, small, COLORS["node"], "node", "black"))
    for j, (node, _) in enumerate(legs):
        on_cut = frozenset((("leg", j), node)) in hot
        lines.append(([x_site[j]] * 2, [1.0 - small, 0.25], "leg", COLORS["cut"] if on_cut else "black",
                      3.5 if on_cut else 1.6))
        side = None if rows is None else (COLORS["side_P"] if j in rows else COLORS["side_Q"])
        nodes.append(((x_site[j], 0.15), None, 0.1, side or "white", "particle", "black"))
        if N <= 32:
            texts.append((x_site[j], -0.05, str(j), "center", "top", side or "black", "site_label"))
    kind = "shallow ConvAC (CP)" if shallow else "deep ConvAC"
    title = f"{kind} as a tree TN" if as_tree else f"{kind}: N={N}, M={net.M}, widths {r}"
    if cut is not None:
        counts = {}
        for e in cut.edges:
            counts[e[2]] = counts.get(e[2], 0) + 1
        dims = " x ".join(f"{d}^{k}" if k > 1 else str(d) for d, k in counts.items())
        title += f"\nmin cut: {dims} -> rank <= {cut.rank_bound}" + (" (a split delta)" if split else "")
    top = max(y for _, y in pos.values())
    figsize = (min(max(4.0, 0.8 * N + 1.5), 14.0), 1.2 + 0.9 * (2 * L + 2 if not shallow else 4))
    # the geometry: equal for two scenes iff one can be restyled into the other
    layout = (tuple((tuple(l[0]), tuple(l[1])) for l in lines), tuple((n[0], n[1], n[2]) for n in nodes),
              tuple((t[0], t[1]) for t in texts))
    return {"lines": lines, "nodes": nodes, "texts": texts, "title": title, "layout": layout, "figsize": figsize,
            "limits": [(-0.4, top + 0.3), (x_site[-1] + 0.4, -0.35)]}


# ax -> (layout, line artists, node circles, text artists) of the last scene drawn on it
_DRAWN = weakref.WeakKeyDictionary()


def _draw_scene(ax, scene):
    line_artists = [_fast_line(ax, xs, ys, gid, color=c, linewidth=lw) for xs, ys, gid, c, lw in scene["lines"]]
    circles = [_fast_node(ax, xy, label, radius, color=fc, gid=gid, edgecolor=ec)
               for xy, label, radius, fc, gid, ec in scene["nodes"]]
    text_artists = [ax.text(x, y, t, ha=ha, va=va, fontsize=8, color=c, gid=gid, zorder=5, in_layout=False)
                    for x, y, t, ha, va, c, gid in scene["texts"]]
    ax.set_title(scene["title"], fontsize=10)
    _fit(ax, scene["limits"], margin=0.25)
    _DRAWN[ax] = (scene["layout"], line_artists, circles, text_artists)


def convac_artists(ax):
    """The artists of the drawing on `ax` that :func:`redraw_convac` may restyle in place (lines,
    bond and site labels, particles, deltas a cut splits, title); nodes and names never change."""
    _, line_artists, circles, text_artists = _DRAWN[ax]
    return [*line_artists, *text_artists, *(c for c in circles if c.get_gid() in ("particle", "delta")), ax.title]


def redraw_convac(ax, net, rows, cut):
    """Redraw `net` on an `ax` that holds a draw_convac drawing: in place when the geometry
    is the same (only colours, widths, labels and the title change; a panel update then
    creates no artists), else cleared and drawn afresh. `cut` is ``net.min_cut(rows)``, which
    the panel has computed already."""
    scene = _scene(net, set(as_rows(rows, net.N)), True, False, cut)
    last = _DRAWN.get(ax)
    if last is None or last[0] != scene["layout"]:
        for artist in [*ax.patches, *ax.lines, *ax.texts, *ax.artists]:
            artist.remove()
        _draw_scene(_blank(ax, scene["figsize"]), scene)
        return ax
    _, line_artists, circles, text_artists = last
    for artist, (_, _, _, color, lw) in zip(line_artists, scene["lines"]):
        _restyle(artist, color=color, linewidth=lw)
    for circle, (_, _, _, fc, _, _) in zip(circles, scene["nodes"]):
        _restyle(circle, facecolor=fc)
    for artist, (_, _, t, _, _, color, _) in zip(text_artists, scene["texts"]):
        _restyle(artist, text=t, color=color)
    _restyle(ax.title, text=scene["title"])  # not ax.set_title, which re-places (restyles) all three titles
    return ax
