"""Drawings of one tensor, of a contraction and of a matricization (lesson 01).

A tensor is a node with one line per leg; `draw_contraction` draws the network of an
einsum string with its contracted bonds and open legs; `draw_matricization` groups a
tensor's legs into a row and a column bundle. Artists carry the gids listed in
`tnlite.diagrams.style`.
"""
from __future__ import annotations

import numpy as np

from .._validate import as_int, as_ints, as_rows
from .style import COLORS, _R_NODE, _blank, _fit, _line, _node


_MAX_LEGS = 32  # a diagram with more legs is unreadable (and slow to draw)


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
    if n > _MAX_LEGS:
        raise ValueError(f"legs: {n} legs is more than a readable diagram holds (at most {_MAX_LEGS})")
    if dims is not None:
        dims = as_ints(dims, "dims", n)
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
    if names is not None and (isinstance(names, str) or not hasattr(names, "__len__")):
        raise TypeError(f"names must be a sequence of operand names such as ['A', 'B'], got {names!r}")
    ops, out, count = _parse_einsum(subscripts, None if names is None else len(names))
    names = [str(x) for x in names] if names is not None else list("ABC"[: len(ops)])
    if not ops or not any(ops):
        raise ValueError(f"subscripts {subscripts!r} has no legs to draw")
    if dims is not None and not isinstance(dims, dict):
        raise TypeError(f"dims must be a dict of leg letter -> dimension such as {{'i': 2}}, got {type(dims).__name__}")
    dims = dict(dims or {})
    for c, d in dims.items():
        if c not in count:
            raise ValueError(f"dims has leg {c!r}, which is not in subscripts {subscripts!r}")
        dims[c] = as_int(d, f"dims[{c!r}]", minimum=1)

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
    shape = as_ints(shape, "shape", len(shape))
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
