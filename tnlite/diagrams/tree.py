"""Drawings of a binary tree tensor network and of a MERA, with their min cut (lesson 04).

`draw_tree` draws a `tnlite.TreeTN` leaves down with every bond labelled; `draw_mera`
draws the MERA graph of `tnlite.tree.mera_graph`. Both colour the particles by side
and can draw the min cut of a partition in COLORS["cut"].
"""
from __future__ import annotations

import weakref

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D as _TreeLine

from .._validate import as_rows
from ..mincut import min_cut
from ..tree import TreeTN, mera_graph
from .style import COLORS, _blank, _fit, _restyle


# Same gids as in style.py: "node", "leg", "bond", "bond_label", "particle"; a bond or leg on
# the min cut is drawn in COLORS["cut"] and thicker, with gid "cut_bond". Artists are
# added without autoscaling (limits are set once at the end): a panel redraws ~80 of them.
def _tree_line(ax, p, q, hot, gid):
    line = _TreeLine([p[0], q[0]], [p[1], q[1]], color=COLORS["cut"] if hot else "black",
                     linewidth=3.5 if hot else 1.6, solid_capstyle="round", zorder=2,
                     gid="cut_bond" if hot else gid)
    ax.add_artist(line)
    return line


def _side_colour(j, rows):
    return "white" if rows is None else (COLORS["side_P"] if j in rows else COLORS["side_Q"])


def _particles(ax, N, rows, y):
    circles = []
    for j in range(N):
        circles.append(ax.add_artist(plt.Circle((j, y), 0.13, facecolor=_side_colour(j, rows), edgecolor="black",
                                                zorder=3, gid="particle")))
        ax.text(j, y - 0.22, str(j), ha="center", va="top", fontsize=8, in_layout=False)
    return circles


def _cut_title(cut):
    dims = " x ".join(str(e[2]) for e in cut.edges) or "nothing"
    return f"min cut: {dims} -> rank <= {cut.rank_bound}"


def draw_tree(tree, rows=None, show_cut=False, ax=None):
    """A binary tree tensor network: leaves at the bottom, every bond labelled by its dimension.

    ::

                 (2,0)           node (l, i): level l, position i; bonds labelled
               /       \\         by their dimension
           (1,0)       (1,1)
           /   \\       /   \\
         L0    L1    L2    L3    leaf matrices (phys, bond)
          |     |     |     |
          0     1     2     3    particles, coloured by side when `rows` is given

    Parameters
    ----------
    tree : tnlite.TreeTN
    rows : sequence of int, optional
        Particles on side P, coloured COLORS["side_P"] (the rest COLORS["side_Q"]).
    show_cut : bool
        With `rows`: draw the bonds of :meth:`TreeTN.min_cut` in COLORS["cut"] and
        state the bound in the title.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    if not isinstance(tree, TreeTN):
        raise TypeError(f"tree must be a tnlite.TreeTN, got {type(tree).__name__}")
    N, L = tree.N, tree.L
    rows = None if rows is None else set(as_rows(rows, N))
    if show_cut and rows is None:
        raise ValueError("show_cut needs rows: the particles on side P")
    cut = tree.min_cut(sorted(rows)) if show_cut else None
    dy = 1.0 + 0.1 * L
    pos = {(l, i): (((i << l) + ((1 << l) - 1) / 2), l * dy) for l in range(L + 1) for i in range(N >> l)}
    ax = _blank(ax, (min(max(4.0, 0.75 * N + 1.5), 14.0), 1.4 + 0.8 * (L + 2)))
    y_part, labels = -0.9, N <= 16
    scene = _tree_scene(tree, rows, cut)
    lines, texts = [], []
    for (u, v), (_, on, dim) in zip(scene["ends"], scene["lines"]):
        p, q = pos[u], (pos[v] if v[0] != "leg" else (v[1], y_part))
        lines.append(_tree_line(ax, p, q, on, "leg" if v[0] == "leg" else "bond"))
        if labels:
            x, y = (0.5 * (p[0] + q[0]) + 0.08, 0.5 * (p[1] + q[1])) if v[0] != "leg" else (v[1] + 0.08, 0.5 * y_part)
            texts.append(ax.text(x, y, str(dim), ha="left", va="center", fontsize=8 if v[0] != "leg" else 7,
                                 color=_label_colour(on, v), gid="bond_label", zorder=5, in_layout=False))
    for node, xy in pos.items():
        ax.add_artist(plt.Circle(xy, 0.2 if node[0] else 0.15, facecolor=COLORS["node"], edgecolor="black",
                                linewidth=1.0, zorder=3, gid="node"))
    particles = _particles(ax, N, rows, y_part)
    ax.set_title(scene["title"], fontsize=10)
    _fit(ax, [(-0.5, L * dy + 0.3), (N - 0.5, y_part - 0.45)], margin=0.2)
    _TREES[ax] = (N, lines, texts, particles)
    return ax


# ax -> (N, bond and leg lines, their labels, particles) of the last draw_tree on it
_TREES = weakref.WeakKeyDictionary()


def _label_colour(on, v):
    return COLORS["cut"] if on else ("dimgray" if v[0] == "leg" else "black")


def _tree_scene(tree, rows, cut):
    """What draw_tree shows besides the fixed geometry: for each bond, then each leg, its
    ends, whether it is on the cut and its dimension; the particles' colours; the title."""
    hot = set() if cut is None else {frozenset(e[:2]) for e in cut.edges}
    edges, legs, _ = tree.graph()
    ends = [(u, v) for u, v, _ in edges] + [(node, ("leg", j)) for j, (node, _) in enumerate(legs)]
    dims = [d for _, _, d in edges] + [d for _, d in legs]
    title = f"tree TN: N={tree.N}, bonds per level {tree.bond_dims}" if tree.N <= 8 else f"tree TN: N={tree.N}"
    if cut is not None:
        title += "\n" + _cut_title(cut)
    return {"ends": ends, "lines": [(e, frozenset(e) in hot, d) for e, d in zip(ends, dims)],
            "colours": [_side_colour(j, rows) for j in range(tree.N)], "title": title}


def redraw_tree(ax, tree, rows, cut):
    """draw_tree(tree, rows, show_cut=True) on an `ax` that holds a drawing of a tree with
    the same N: restyled in place (cut, bond labels, particles, title), so a panel update
    creates no artists. `cut` is ``tree.min_cut(rows)``, which the panel has computed already."""
    last = _TREES.get(ax)
    if last is None or last[0] != tree.N:
        for artist in [*ax.patches, *ax.lines, *ax.texts, *ax.artists]:
            artist.remove()
        return draw_tree(tree, rows=rows, show_cut=True, ax=ax)
    _, lines, texts, particles = last
    scene = _tree_scene(tree, set(as_rows(rows, tree.N)), cut)
    for k, ((_, v), on, dim) in enumerate(scene["lines"]):
        _restyle(lines[k], color=COLORS["cut"] if on else "black", linewidth=3.5 if on else 1.6,
                 gid="cut_bond" if on else ("leg" if v[0] == "leg" else "bond"))
        if texts:
            _restyle(texts[k], text=str(dim), color=_label_colour(on, v))
    for circle, colour in zip(particles, scene["colours"]):
        _restyle(circle, facecolor=colour)
    _restyle(ax.title, text=scene["title"])
    return ax


def tree_artists(ax):
    """The artists :func:`redraw_tree` may restyle (lines, bond labels, particles, title)."""
    _, lines, texts, particles = _TREES[ax]
    return [*lines, *texts, *particles, ax.title]


def draw_mera(N=8, chi=2, rows=None, show_cut=False, ax=None):
    """A binary MERA on N particles: disentanglers (squares) and isometries (triangles).

    The wiring is :func:`tnlite.tree.mera_graph`; layer tau has a row of disentanglers
    and above it a row of isometries that halve the number of sites.

    Parameters
    ----------
    N : int, a power of 2 (8 or 16 draw well)
    chi : int
        Bond dimension above the bottom layer (particles have dimension 2).
    rows : sequence of int, optional
        Particles on side P, coloured COLORS["side_P"] (the rest COLORS["side_Q"]).
    show_cut : bool
        With `rows`: draw the min cut of the MERA graph in COLORS["cut"].
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    edges, legs, _ = mera_graph(N, chi)
    rows = None if rows is None else set(as_rows(rows, N))
    if show_cut and rows is None:
        raise ValueError("show_cut needs rows: the particles on side P")
    cut = min_cut(edges, legs, sorted(rows)) if show_cut else None
    hot = set() if cut is None else {frozenset(e[:2]) for e in cut.edges}

    def centre(tau, s):  # x of site s of layer tau, in units of the bottom sites
        return (s + 0.5) * 2**tau - 0.5

    def xy(node):
        kind, tau, i = node
        if kind == "u":
            return 0.5 * (centre(tau, 2 * i + 1) + centre(tau, 2 * i + 2)), 2 * tau + 0.55
        return 0.5 * (centre(tau, 2 * i) + centre(tau, 2 * i + 1)), 2 * tau + 1.45

    ax = _blank(ax, (min(max(4.0, 0.6 * N + 1.5), 14.0), 1.5 + 0.7 * 2 * int(np.log2(N))))
    for u, v, _ in edges:
        _tree_line(ax, xy(u), xy(v), frozenset((u, v)) in hot, "bond")
    y_part = -0.5
    for j, (node, _) in enumerate(legs):
        _tree_line(ax, xy(node), (j, y_part), frozenset((("leg", j), node)) in hot, "leg")
    nodes = {n for e in edges for n in e[:2]} | {n for n, _ in legs}
    for node in nodes:
        x, y = xy(node)
        if node[0] == "u":
            patch = plt.Rectangle((x - 0.3, y - 0.2), 0.6, 0.4, gid="disentangler")
        else:
            patch = plt.Polygon([(x - 0.35, y - 0.2), (x + 0.35, y - 0.2), (x, y + 0.25)], gid="isometry")
        patch.set(facecolor=COLORS["node"], edgecolor="black", linewidth=1.0, zorder=3)
        ax.add_artist(patch)
    _particles(ax, N, rows, y_part)
    title = f"binary MERA: N={N}, bonds chi={chi} above the bottom layer"
    if cut is not None:
        title += "\n" + _cut_title(cut)
    ax.set_title(title, fontsize=10)
    top = max(xy(n)[1] for n in nodes)
    _fit(ax, [(-0.5, top + 0.35), (N - 0.5, y_part - 0.45)], margin=0.2)
    return ax
