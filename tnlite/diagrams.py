"""Matplotlib drawings of tensor networks, and the course's plot conventions.

A drawing function takes an `ax` (or makes one), draws, and returns the `ax`; it keeps
to a handful of keyword arguments. Colours are shared across the whole course: one
for a *bound*, one for a *measured* value, one for each side of a partition.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

#: The course's colours: the same meaning in every lesson.
COLORS = {
    "bound": "#d62728",      # red: an upper bound (min cut, log chi, Page value)
    "measured": "#1f77b4",   # blue: a value computed from the tensor
    "side_P": "#ff7f0e",     # orange: particles in `rows`
    "side_Q": "#2ca02c",     # green: the rest
    "node": "#dddddd",
    "delta": "#444444",      # copy (delta) tensors drawn as small black dots
    "cut": "#d62728",
}


def new_axes(title=None, xlabel=None, ylabel=None, figsize=(5.5, 3.2), ax=None):
    """An axes with title and labels set; makes a figure if `ax` is None."""
    if ax is None:
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
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

    axis = ax.yaxis if which == "y" else ax.xaxis
    (ax.set_yscale if which == "y" else ax.set_xscale)("log")
    axis.set_major_locator(LogLocator(numticks=numticks))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0e}".replace("e+00", "").replace("e+0", "e")))
    axis.set_minor_locator(NullLocator())
    return ax


def _blank(ax, figsize):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


# --- tensors, contractions, chains and MPS (lessons 01-03) ---
# Artists carry a gid so tests and lessons can find them: "node" (a tensor's circle),
# "leg" (an open or physical leg), "leg_label", "bond" (a line joining two tensors),
# "bond_label", "cut" (the dashed line of a partition), "particle" (a physical leg's end).

from ._validate import as_int, as_rows  # noqa: E402  (kept inside this section)

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


def _fit(ax, points, margin=0.6):
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    ax.set_xlim(pts[:, 0].min() - margin, pts[:, 0].max() + margin)
    ax.set_ylim(pts[:, 1].min() - margin, pts[:, 1].max() + margin)


def _as_dims(dims, n, name):
    if isinstance(dims, str):
        raise TypeError(f"{name} must be a sequence of {n} positive integers, got a string {dims!r}")
    try:
        items = list(dims)
    except TypeError:
        raise TypeError(f"{name} must be a sequence of positive integers, got {type(dims).__name__}") from None
    if len(items) != n:
        raise ValueError(f"{name} has {len(items)} entries; it needs {n}")
    return tuple(as_int(d, f"{name}[{i}]", minimum=1) for i, d in enumerate(items))


def draw_tensor(legs, name="A", dims=None, ax=None):
    """A tensor as a node with one line per leg (an order-n tensor has n legs).

    Parameters
    ----------
    legs : int or sequence of str
        The number of legs (labelled 0, 1, ...) or their labels.
    name : str
        Written inside the node.
    dims : sequence of int, optional
        The dimension of each leg, added to its label.
    ax : matplotlib Axes, optional
        Drawn into; a new figure is made if None.

    Returns
    -------
    matplotlib Axes
    """
    if isinstance(legs, str):
        raise TypeError(f"legs must be an int or a sequence of labels, got the string {legs!r}; use [{legs!r}]")
    labels = [str(j) for j in range(as_int(legs, "legs", minimum=0))] if np.ndim(legs) == 0 else [str(s) for s in legs]
    n = len(labels)
    if dims is not None:
        dims = _as_dims(dims, n, "dims")
        labels = [f"{s} ({d})" for s, d in zip(labels, dims)]
    ax = _blank(ax, (3.0, 3.0))
    _node(ax, (0.0, 0.0), name, radius=0.4, fontsize=13)
    # legs spread evenly, the first pointing left, then clockwise: a matrix reads left-right
    for j, label in enumerate(labels):
        a = np.pi - 2 * np.pi * j / n if n != 1 else 0.0
        c, s = np.cos(a), np.sin(a)
        _line(ax, [0.4 * c, 1.2 * c], [0.4 * s, 1.2 * s], "leg", linewidth=2)
        ax.text(1.45 * c, 1.45 * s, label, ha="center", va="center", fontsize=11, gid="leg_label")
    shape = f", shape {tuple(dims)}" if dims is not None else ""
    ax.set_title(f"{name}: order-{n} tensor{shape}", fontsize=11)
    _fit(ax, [(-1.45, -1.45), (1.45, 1.45)], margin=0.45)
    return ax


def _parse_einsum(subscripts, n_names):
    if not isinstance(subscripts, str):
        raise TypeError(f"subscripts must be an einsum string such as 'ij,jk->ik', got {type(subscripts).__name__}")
    s = subscripts.replace(" ", "")
    if "." in s:
        raise ValueError(f"subscripts {subscripts!r} uses '...': draw_contraction needs every leg named")
    lhs, arrow, out = s.partition("->")
    ops = lhs.split(",")
    if not 1 <= len(ops) <= 3:
        raise ValueError(f"subscripts {subscripts!r} has {len(ops)} operands; draw_contraction draws 1 to 3")
    letters = "".join(ops) + out
    bad = sorted({c for c in letters if not c.isalpha()})
    if bad:
        raise ValueError(f"subscripts {subscripts!r} has {bad[0]!r}; legs are single letters")
    count = {c: lhs.count(c) for c in set(lhs) - {","}}
    if not arrow:
        out = "".join(sorted(c for c, k in count.items() if k == 1))
    for c in out:
        if c not in count:
            raise ValueError(f"subscripts {subscripts!r}: output leg {c!r} is on no input")
        if out.count(c) > 1:
            raise ValueError(f"subscripts {subscripts!r}: output leg {c!r} appears twice")
        if count[c] > 1:
            raise ValueError(f"subscripts {subscripts!r}: leg {c!r} is joined and also kept; that needs a copy "
                             "(delta) tensor, which draw_contraction does not draw")
    for c, k in count.items():
        if k > 2:
            raise ValueError(f"subscripts {subscripts!r}: leg {c!r} appears {k} times; a bond joins exactly two legs")
    if n_names is not None and n_names != len(ops):
        raise ValueError(f"names has {n_names} entries; subscripts {subscripts!r} has {len(ops)} operands")
    return ops, out, count


def draw_contraction(subscripts, names=None, dims=None, ax=None):
    """The diagram of an einsum: tensors as nodes, each summed index a bond between two legs.

    A letter on two inputs is a bond (a contracted leg); a letter repeated on one input
    is a loop (a trace); a letter in the output is an open leg; a letter on one input
    and not in the output is summed on its own (a dashed leg marked with a sum sign).
    The caption is the einsum call and the contracted legs.

    Parameters
    ----------
    subscripts : str
        numpy einsum subscripts with 1 to 3 operands, e.g. ``'ij,jk->ik'``.
    names : sequence of str, optional
        The operands' names (default A, B, C).
    dims : dict of str -> int, optional
        Leg dimensions, shown beside the leg letters.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ops, out, count = _parse_einsum(subscripts, None if names is None else len(names))
    names = [str(x) for x in names] if names is not None else list("ABC"[: len(ops)])
    dims = dict(dims or {})

    def label(c):
        return f"{c}={dims[c]}" if c in dims else c

    n = len(ops)
    shares_0_2 = n == 3 and bool(set(ops[0]) & set(ops[2]))
    pos = {1: [(0.0, 0.0)], 2: [(-1.1, 0.0), (1.1, 0.0)]}.get(n)
    if n == 3:
        pos = [(-1.2, -0.5), (1.2, -0.5), (0.0, 1.1)] if shares_0_2 else [(-1.8, 0.0), (0.0, 0.0), (1.8, 0.0)]
    pos = np.array(pos)
    centre = pos.mean(axis=0)
    ax = _blank(ax, (1.8 + 1.5 * n, 3.0))
    points = list(pos)
    for k, xy in enumerate(pos):
        _node(ax, xy, names[k])

    # where each letter sits: (operand, position)
    where = {}
    for k, op in enumerate(ops):
        for p, c in enumerate(op):
            where.setdefault(c, []).append(k)
    pairs = {}
    for c, ks in where.items():
        if len(ks) == 2 and c not in out:
            pairs.setdefault(tuple(sorted(ks)), []).append(c)
    contracted = []
    for (a, b), letters in pairs.items():
        contracted += letters
        if a == b:  # traces: loops on one node, away from the centre
            for i, c in enumerate(letters):
                ang = np.pi / 2 + (i - (len(letters) - 1) / 2) * 0.9
                if n > 1:
                    d = pos[a] - centre
                    ang = np.arctan2(d[1], d[0]) + (i - (len(letters) - 1) / 2) * 0.9
                u = np.array([np.cos(ang), np.sin(ang)])
                mid = pos[a] + u * (_R_NODE + 0.3)
                t = np.linspace(0, 2 * np.pi, 60)
                _line(ax, mid[0] + 0.35 * np.cos(t), mid[1] + 0.35 * np.sin(t), "bond", linewidth=2, zorder=1)
                tip = pos[a] + u * (_R_NODE + 0.85)
                ax.text(*tip, label(c), ha="center", va="center", fontsize=11, gid="bond_label")
                points.append(tip)
            continue
        d = pos[b] - pos[a]
        perp = np.array([-d[1], d[0]]) / np.linalg.norm(d)
        for i, c in enumerate(letters):
            off = perp * (i - (len(letters) - 1) / 2) * 0.22
            p, q = pos[a] + off, pos[b] + off
            _line(ax, [p[0], q[0]], [p[1], q[1]], "bond", linewidth=2, zorder=1)
            if len(letters) == 1:  # one bond: its label outside the network, away from the centre
                out_sign = 1.0 if np.dot((p + q) / 2 - centre, perp) >= -1e-9 else -1.0
                m = (p + q) / 2 + perp * out_sign * 0.22
            else:
                m = (p + q) / 2 + perp * np.sign(i - (len(letters) - 1) / 2 or 1) * 0.2
            ax.text(*m, label(c), ha="center", va="center", fontsize=11, gid="bond_label",
                    bbox=dict(boxstyle="round,pad=0.1", facecolor="white", edgecolor="none"))

    # open legs (kept in the output) and legs summed alone, fanned away from the centre
    for k, op in enumerate(ops):
        free = [c for c in dict.fromkeys(op) if count[c] == 1]
        if not free:
            continue
        d = pos[k] - centre
        base = np.arctan2(d[1], d[0]) if np.linalg.norm(d) > 1e-9 else -np.pi / 2
        if n == 3 and not shares_0_2 and k == 1:
            base = -np.pi / 2
        for i, c in enumerate(free):
            ang = base + (i - (len(free) - 1) / 2) * 0.75
            u = np.array([np.cos(ang), np.sin(ang)])
            p, q = pos[k] + u * _R_NODE, pos[k] + u * (_R_NODE + 0.7)
            kept = c in out
            _line(ax, [p[0], q[0]], [p[1], q[1]], "leg", linewidth=2, linestyle="-" if kept else "--")
            tip = pos[k] + u * (_R_NODE + 0.95)
            ax.text(*tip, label(c) if kept else f"Σ{label(c)}", ha="center", va="center", fontsize=11,
                    gid="leg_label")
            points.append(tip)
            if not kept:
                contracted.append(c)
    call = f"np.einsum('{subscripts}', {', '.join(names)})"
    summed = ", ".join(sorted(contracted)) if contracted else "none (an outer product)"
    ax.set_title(f"{call}\ncontracted legs: {summed};  open legs: {', '.join(out) or 'none (a number)'}",
                 fontsize=10)
    _fit(ax, points, margin=0.55)
    return ax


def _chain_cut(cut, N):
    """The cut's block of sites [a, b) and the bonds it crosses."""
    if np.ndim(cut) == 0:
        t = as_int(cut, "cut")
        if not 1 <= t <= N - 1:
            raise ValueError(f"cut must be between 1 and N-1 = {N - 1} (the cut after site t-1), got {t}")
        return 0, t, (t - 1,)
    items = list(cut)
    if len(items) != 2:
        raise ValueError(f"cut must be an int t or a pair (a, b) for the block of sites a..b-1, got {cut!r}")
    a, b = as_int(items[0], "cut[0]"), as_int(items[1], "cut[1]")
    if not (0 <= a < b <= N) or (a == 0 and b == N):
        raise ValueError(f"cut (a, b) must satisfy 0 <= a < b <= N = {N} and not be the whole chain, got {(a, b)}")
    return a, b, tuple(i for i in (a - 1, b - 1) if 0 <= i < N - 1)


def draw_chain(N, bond_dims=None, cut=None, rows=None, name="A", ax=None):
    """A chain / MPS: N cores in a row, physical legs down, bonds labelled by their dimension.

    ::

        --A0--A1--A2--      bonds: dimensions chi_0, chi_1, ...
          |   |   |         physical legs: particles 0, 1, 2
          0   1   2

    Parameters
    ----------
    N : int
        Number of cores (particles), >= 1.
    bond_dims : int or sequence of int, optional
        One dimension for all N-1 bonds, or one per bond (length N-1).
    cut : int or (int, int), optional
        ``t`` cuts between sites t-1 and t (1 <= t <= N-1); ``(a, b)`` cuts out the
        block of sites a..b-1. The bonds it crosses are drawn in COLORS["cut"], the cut
        as a dashed line through each; with `bond_dims` the title states the rank bound.
    rows : sequence of int, optional
        The particles on side P, coloured COLORS["side_P"] (the rest COLORS["side_Q"]).
        With a cut and no rows, the cut's block (or the left part) is side P; given
        both, `rows` must be one side of the cut.
    name : str
        Cores are labelled name_j (labels are dropped above 16 cores to stay legible).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    N = as_int(N, "N", minimum=1)
    if bond_dims is not None:
        if np.ndim(bond_dims) == 0:
            bond_dims = (as_int(bond_dims, "bond_dims", minimum=1),) * (N - 1)
        else:
            try:
                bond_dims = _as_dims(bond_dims, N - 1, "bond_dims")
            except ValueError as exc:
                if "entries" not in str(exc):
                    raise
                raise ValueError(f"bond_dims has {len(list(bond_dims))} entries; a chain of N={N} cores "
                                 f"has N-1 = {N - 1} bonds") from None
    crossed, block = (), None
    if cut is not None:
        a, b, crossed = _chain_cut(cut, N)
        block = set(range(a, b))
    if rows is not None:
        rows = set(as_rows(rows, N))
        if block is not None and rows != block and rows != set(range(N)) - block:
            raise ValueError(f"rows {sorted(rows)} is neither side of the cut {cut!r} "
                             f"(sides {sorted(block)} and {sorted(set(range(N)) - block)})")
    elif block is not None:
        rows = block

    dx = 1.2
    ax = _blank(ax, (min(max(3.0, 0.95 * N + 1.0), 14.0), 2.6))
    for i in range(N - 1):
        hot = i in crossed
        _line(ax, [i * dx + _R_NODE, (i + 1) * dx - _R_NODE], [0, 0], "bond",
              color=COLORS["cut"] if hot else "black", linewidth=3.5 if hot else 2)
        if bond_dims is not None:
            ax.text((i + 0.5) * dx, 0.22, str(bond_dims[i]), ha="center", va="bottom", fontsize=10,
                    color=COLORS["cut"] if hot else "black", gid="bond_label", zorder=5,
                    bbox=dict(boxstyle="round,pad=0.05", facecolor="white", edgecolor="none"))
    for j in range(N):
        _node(ax, (j * dx, 0.0), f"${name}_{{{j}}}$" if N <= 16 and name else None, fontsize=10)
        _line(ax, [j * dx, j * dx], [-_R_NODE, -0.95], "leg", linewidth=2)
        side = None if rows is None else (COLORS["side_P"] if j in rows else COLORS["side_Q"])
        ax.add_patch(plt.Circle((j * dx, -1.05), 0.1, facecolor=side or "white", edgecolor="black",
                                zorder=3, gid="particle"))
        ax.text(j * dx, -1.3, str(j), ha="center", va="top", fontsize=10, color=side or "black")
    for i in crossed:
        _line(ax, [(i + 0.5) * dx] * 2, [0.75, -1.55], "cut", color=COLORS["cut"], linestyle="--", linewidth=1.5)
    title = f"MPS of {N} cores"
    if crossed:
        bound = ""
        if bond_dims is not None:
            dims = [bond_dims[i] for i in crossed]
            bound = f": rank <= {' x '.join(map(str, dims))}" + (f" = {int(np.prod(dims))}" if len(dims) > 1 else "")
        title += f", the cut crosses {len(crossed)} bond{'s' if len(crossed) > 1 else ''}{bound}"
    ax.set_title(title, fontsize=11)
    _fit(ax, [(-0.3, 0.9), ((N - 1) * dx + 0.3, -1.7)], margin=0.35)
    return ax


def draw_matricization(shape, rows, name="A", ax=None):
    """A tensor's legs grouped into a row bundle (left) and a column bundle (right).

    Legs `rows` (in the given order, coloured COLORS["side_P"]) merge into the rows of
    the matrix, the others (ascending, COLORS["side_Q"]) into its columns, as in
    :func:`tnlite.matricize`. The title gives the matrix's shape.

    Parameters
    ----------
    shape : sequence of int
        The tensor's shape (d_0, ..., d_{N-1}), N >= 1.
    rows : sequence of int
        The legs that index rows.
    name : str
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    if np.ndim(shape) != 1 or len(shape) < 1:
        raise ValueError(f"shape must be a sequence of at least one leg dimension, got {shape!r}")
    shape = _as_dims(shape, len(shape), "shape")
    rows = as_rows(rows, len(shape))
    cols = tuple(j for j in range(len(shape)) if j not in rows)
    m = int(np.prod([shape[j] for j in rows], dtype=np.int64))
    n = int(np.prod([shape[j] for j in cols], dtype=np.int64))
    ax = _blank(ax, (6.0, max(2.6, 0.55 * max(len(rows), len(cols)) + 1.6)))
    _node(ax, (0.0, 0.0), name, radius=0.42, fontsize=13)
    for side, legs, color, size in ((-1, rows, COLORS["side_P"], m), (1, cols, COLORS["side_Q"], n)):
        ys = (np.arange(len(legs)) - (len(legs) - 1) / 2) * -0.6
        for j, y in zip(legs, ys):
            end = np.array([side * 1.5, y])
            u = end / np.linalg.norm(end)
            _line(ax, [0.42 * u[0], end[0]], [0.42 * u[1], y], "leg", color=color, linewidth=2.5)
            _line(ax, [end[0], side * 2.3], [y, 0.0], "bundle", color=color, linewidth=1.5)
            ax.text(side * 1.05, 0.7 * y + 0.06, f"{j}: d={shape[j]}", ha="center", va="bottom",
                    fontsize=10, color="black", gid="leg_label")
        width = 2 + 1.5 * len(legs)
        _line(ax, [side * 2.3, side * 3.1], [0.0, 0.0], "bundle", color=color, linewidth=width)
        what = "rows" if side < 0 else "columns"
        factors = " x ".join(str(shape[j]) for j in legs) or "no legs"
        ax.text(side * 3.25, 0.0, f"{what}\n{factors}\n= {size}", ha="left" if side > 0 else "right",
                va="center", fontsize=10, color=color)
    ax.set_title(f"[{name}] with rows {tuple(rows)}, columns {cols}: a {m} x {n} matrix", fontsize=11)
    h = max(len(rows), len(cols)) * 0.3 + 0.4
    _fit(ax, [(-4.6, h), (4.6, -h)], margin=0.2)
    return ax
# --- end of tensors, contractions, chains and MPS ---

# --- trees and MERA (lesson 04) ---
# Same gids as above: "node", "leg", "bond", "bond_label", "particle"; a bond or leg on
# the min cut is drawn in COLORS["cut"] and thicker, with gid "cut_bond". Artists are
# added without autoscaling (limits are set once at the end): a panel redraws ~80 of them.
from matplotlib.lines import Line2D as _TreeLine  # noqa: E402  (kept inside this section)


def _tree_line(ax, p, q, hot, gid):
    line = _TreeLine([p[0], q[0]], [p[1], q[1]], color=COLORS["cut"] if hot else "black",
                     linewidth=3.5 if hot else 1.6, solid_capstyle="round", zorder=2,
                     gid="cut_bond" if hot else gid)
    ax.add_artist(line)
    return line


def _side_colour(j, rows):
    return "white" if rows is None else (COLORS["side_P"] if j in rows else COLORS["side_Q"])


def _particles(ax, N, rows, y):
    for j in range(N):
        ax.add_artist(plt.Circle((j, y), 0.13, facecolor=_side_colour(j, rows), edgecolor="black",
                                zorder=3, gid="particle"))
        ax.text(j, y - 0.22, str(j), ha="center", va="top", fontsize=8, in_layout=False)


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
    from .tree import TreeTN

    if not isinstance(tree, TreeTN):
        raise TypeError(f"tree must be a tnlite.TreeTN, got {type(tree).__name__}")
    N, L = tree.N, tree.L
    rows = None if rows is None else set(as_rows(rows, N))
    if show_cut and rows is None:
        raise ValueError("show_cut needs rows: the particles on side P")
    cut = tree.min_cut(sorted(rows)) if show_cut else None
    hot = set() if cut is None else {frozenset(e[:2]) for e in cut.edges}
    dy = 1.0 + 0.1 * L
    pos = {(l, i): (((i << l) + ((1 << l) - 1) / 2), l * dy) for l in range(L + 1) for i in range(N >> l)}
    ax = _blank(ax, (min(max(4.0, 0.75 * N + 1.5), 14.0), 1.4 + 0.8 * (L + 2)))
    edges, legs = tree.graph()
    labels = N <= 16
    for u, v, dim in edges:
        on = frozenset((u, v)) in hot
        _tree_line(ax, pos[u], pos[v], on, "bond")
        if labels:
            (x0, y0), (x1, y1) = pos[u], pos[v]
            ax.text(0.5 * (x0 + x1) + 0.08, 0.5 * (y0 + y1), str(dim), ha="left", va="center", fontsize=8,
                    color=COLORS["cut"] if on else "black", gid="bond_label", zorder=5, in_layout=False)
    y_part = -0.9
    for j, (node, dim) in enumerate(legs):
        on = frozenset((("leg", j), node)) in hot
        _tree_line(ax, pos[node], (j, y_part), on, "leg")
        if labels:
            ax.text(j + 0.08, 0.5 * y_part, str(dim), ha="left", va="center", fontsize=7,
                    color=COLORS["cut"] if on else "dimgray", gid="bond_label", zorder=5, in_layout=False)
    for node, xy in pos.items():
        ax.add_artist(plt.Circle(xy, 0.2 if node[0] else 0.15, facecolor=COLORS["node"], edgecolor="black",
                                linewidth=1.0, zorder=3, gid="node"))
    _particles(ax, N, rows, y_part)
    title = f"tree TN: N={N}, bonds per level {tree.bond_dims}" if N <= 8 else f"tree TN: N={N}"
    if cut is not None:
        title += "\n" + _cut_title(cut)
    ax.set_title(title, fontsize=10)
    _fit(ax, [(-0.5, L * dy + 0.3), (N - 0.5, y_part - 0.45)], margin=0.2)
    return ax


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
    from .mincut import min_cut
    from .tree import mera_graph

    edges, legs = mera_graph(N, chi)
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
# --- end of trees and MERA ---

# --- ConvAC (lesson 05) ---
from matplotlib.lines import Line2D  # noqa: E402  (kept inside this section)


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
    net : tnlite.ConvAC
        Deep or shallow (for a shallow one with `rows`, the global delta is drawn split
        along the partition, as :meth:`ConvAC.min_cut` sees it).
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
    from .convac import ConvAC

    if not isinstance(net, ConvAC):
        raise TypeError(f"net must be a tnlite.ConvAC, got {type(net).__name__}")
    if net.grid is not None:
        raise ValueError("draw_convac draws 1D ConvACs; a 2D ConvAC (grid) is a quad-tree not drawn here")
    N, L, r = net.N, net.L, net.widths
    rows = None if rows is None else set(as_rows(rows, N))
    if show_cut and rows is None:
        raise ValueError("show_cut needs rows: the inputs on side P")
    if as_tree and net.shallow:
        raise ValueError("as_tree draws a deep ConvAC; a shallow one is a CP decomposition (draw it with as_tree=False)")
    if as_tree and show_cut:
        raise ValueError("show_cut draws on the network view; the tree view merges the bonds a cut may use")
    cut = net.min_cut(sorted(rows)) if show_cut else None
    hot = set() if cut is None else {frozenset((u, v)) for u, v, _ in cut.edges}
    edges, legs = net.tensor_network(None if rows is None else sorted(rows))
    dx = 1.0
    x_site = np.arange(N) * dx

    def block_x(l, i):
        return float(x_site[i << l: (i + 1) << l].mean()) if not net.shallow else float(x_site.mean())

    pos = {("W", 0, j): (x_site[j], 1.0) for j in range(N)}
    if net.shallow:
        if rows and len(rows) < N:
            P = sorted(rows)
            Q = [j for j in range(N) if j not in rows]
            pos[("delta", 1, 1)] = (float(x_site[P].mean()), 2.2)
            pos[("delta", 1, 0)] = (float(x_site[Q].mean()), 2.6)
            pos[("out",)] = (float(x_site[Q].mean()), 3.4)
        else:
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
    ax = _blank(ax, (min(max(4.0, 0.8 * N + 1.5), 14.0), 1.2 + 0.9 * (2 * L + 2 if not net.shallow else 4)))
    small = 0.24
    for u, v, d in edges:
        on_cut = frozenset((u, v)) in hot
        (x0, y0), (x1, y1) = pos[u], pos[v]
        _fast_line(ax, [x0, x1], [y0, y1], "bond", color=COLORS["cut"] if on_cut else "black",
                   linewidth=3.5 if on_cut else 1.6)
        if N <= 16:
            ax.text(0.5 * (x0 + x1) + 0.08, 0.5 * (y0 + y1), str(d), ha="left", va="center", fontsize=8,
                    color=COLORS["cut"] if on_cut else "black", gid="bond_label", zorder=5, in_layout=False)
    for node, xy in pos.items():
        kind = node[0]
        if as_tree and (kind == "out" or (kind == "W" and node[1] >= 1)):
            continue  # merged into the delta below it
        if kind == "delta" and not as_tree:
            _fast_node(ax, xy, None, 0.1, color=COLORS["delta"], gid="delta", edgecolor="none")
        elif kind == "delta":
            _fast_node(ax, xy, f"{node[1]},{node[2]}" if N <= 8 else None, small + 0.06)
        else:
            label = "out" if kind == "out" else (f"$W^{{{node[1]}}}$" if N <= 16 else None)
            _fast_node(ax, xy, label, small)
    for j, (node, _) in enumerate(legs):
        on_cut = frozenset((("leg", j), node)) in hot
        _fast_line(ax, [x_site[j]] * 2, [1.0 - small, 0.25], "leg", color=COLORS["cut"] if on_cut else "black",
                   linewidth=3.5 if on_cut else 1.6)
        side = None if rows is None else (COLORS["side_P"] if j in rows else COLORS["side_Q"])
        _fast_node(ax, (x_site[j], 0.15), None, 0.1, color=side or "white", gid="particle")
        if N <= 32:
            ax.text(x_site[j], -0.05, str(j), ha="center", va="top", fontsize=8, color=side or "black",
                    in_layout=False)
    kind = "shallow ConvAC (CP)" if net.shallow else "deep ConvAC"
    title = f"{kind} as a tree TN" if as_tree else f"{kind}: N={N}, M={net.M}, widths {r}"
    if cut is not None:
        counts = {}
        for e in cut.edges:
            counts[e[2]] = counts.get(e[2], 0) + 1
        dims = " x ".join(f"{d}^{k}" if k > 1 else str(d) for d, k in counts.items())
        title += f"\nmin cut: {dims} -> rank <= {cut.rank_bound}"
    ax.set_title(title, fontsize=10)
    top = max(y for _, y in pos.values())
    _fit(ax, [(-0.4, top + 0.3), (x_site[-1] + 0.4, -0.35)], margin=0.25)
    return ax
# --- end of ConvAC ---

# --- RAC (lesson 06) ---
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
    from .rac import RAC, _network

    if isinstance(rac, RAC):
        N, M, R = rac.N, rac.M, rac.R
        edges, legs = rac.network()
    else:
        N, M, R = as_int(rac, "rac (or N)", minimum=1), None, None
        edges, legs = _network(N, 1, 1)
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


# --- end of RAC ---
