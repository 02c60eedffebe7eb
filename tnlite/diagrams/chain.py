"""Drawing of a chain of tensors, an MPS, with its bonds and a cut (lessons 03 and 06).

`draw_chain` puts N cores in a row, physical legs down, labels each bond by its
dimension and can mark the cut of a block of sites. Artists carry the gids listed in
`tnlite.diagrams.style`.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .._validate import as_int, as_ints, as_rows
from .style import COLORS, _R_NODE, _blank, _fit, _line, _node


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
                bond_dims = as_ints(bond_dims, "bond_dims", N - 1)
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
