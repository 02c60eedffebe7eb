"""The 2D ConvAC: inputs on a side x side grid, product pooling over 2x2 windows (a quad-tree).

Particle j = row * side + col, side = 2**L. Inside, positions are kept in quad-tree (Z)
order, ``order[i]`` = the particle at tree position i, so that each 2x2 window is four
consecutive positions and the 1D machinery of :class:`tnlite.convac.ConvAC` applies with
a pooling window of 4. ``layers[l]`` is indexed in that order: (side**2 / 4**l, r_l, r_{l-1}).

    tree position:  0 1 | 4 5        each window of four: one product pooling, a delta
                    2 3 | 6 7        of order 5 (four children and its output), which a
                    ----+----        cut may split at cost r: a checkerboard costs r per
                    8 9 |12 13       window, not r**2
                   10 11|14 15
"""
from __future__ import annotations

import numpy as np

from ._validate import as_flag, as_int, as_ints, as_power_of_two, as_prime, as_rng, guard_length
from ._convac_parts import delta3, random_conv_weights
from .convac import ConvAC

__all__ = ["ConvAC2D", "zorder"]


def zorder(side):
    """Quad-tree (Z) order of a side x side grid: order[i] = row * side + col of tree position i."""
    side, L = as_power_of_two(side, "side")
    guard_length(side, "side", "the side x side grid's positions", power=2)
    z = np.arange(side * side)
    row, col = np.zeros_like(z), np.zeros_like(z)
    for b in range(L):
        col |= ((z >> (2 * b)) & 1) << b
        row |= ((z >> (2 * b + 1)) & 1) << b
    return row * side + col


class ConvAC2D(ConvAC):
    """A deep 2D ConvAC on a side x side grid, pooling 2x2 windows.

    Parameters
    ----------
    layers : sequence of L array_like
        ``layers[l]``: (side**2 / 4**l, r_l, r_{l-1}) in quad-tree order, or
        (r_l, r_{l-1}) if shared; side = 2**L.
    w_out : array_like, shape (r_{L-1},), or (r_{L-1}, C) for C class scores
    p : int, optional
        A prime for exact arithmetic mod p.

    Attributes
    ----------
    side : int
    grid : tuple (side, side)
    As :class:`tnlite.convac.ConvAC` otherwise, with ``pool = 4``.
    """

    pool = 4

    def __init__(self, layers, w_out, p=None):
        layers = self._as_layer_list(layers)
        self.side = 2 ** len(layers)
        self._setup(layers, w_out, self.side**2, p)

    def _tree_order(self):
        return zorder(self.side)

    def _tree_view(self, x):
        """x (b, N, M) as a view (2,) * 2L + (b, M) in tree (Z) order, without a copy: the
        grid's row and column indices split into bits, interleaved row_{L-1}, col_{L-1}, ...,
        row_0, col_0 (most significant first), as :func:`zorder` numbers the positions."""
        L = self.L
        bits = x.reshape((x.shape[0],) + (2,) * (2 * L) + (x.shape[2],))  # (b, row bits, col bits, M)
        return bits.transpose([ax for k in range(L) for ax in (1 + k, L + 1 + k)] + [0, 2 * L + 1])

    @property
    def grid(self):
        """The grid's shape, (side, side)."""
        return (self.side, self.side)

    @classmethod
    def random(cls, side, M, widths, rng, shared=False, p=None, C=None):
        """A deep 2D ConvAC with random weights (as :meth:`tnlite.ConvAC.random`).

        Parameters
        ----------
        side : int
            Grid side, a power of 2: N = side**2 inputs, L = log2(side) layers.
        M : int
        widths : sequence of int, length L
        rng, shared, p, C
            As in :meth:`tnlite.ConvAC.random`.
        """
        side, L = as_power_of_two(side, "side")
        M = as_int(M, "M", minimum=1)
        guard_length(side, "side", "the side x side grid's positions", power=2)
        widths = as_ints(widths, "widths", L, f"a {side} x {side} grid needs log2({side})={L}")
        rng, shared = as_rng(rng), as_flag(shared, "shared")
        p = None if p is None else as_prime(p)
        C = None if C is None else as_int(C, "C", minimum=1)
        layers, w_out = random_conv_weights(rng, [side * side // 4**l for l in range(L)], widths, M, shared, p, C)
        return cls(layers, w_out, p=p)

    def __repr__(self):
        return super().__repr__().replace("(N=", f"(side={self.side}, N=", 1)

    def to_tree(self):
        """The coefficient tensor as a binary :class:`tnlite.tree.TreeTN` over the particles
        in quad-tree order (``tree.to_dense() == A.transpose(self.order)``).

        Each 2x2 pooling becomes two levels: pure deltas pairing the window's rows, then
        delta(a, b) W[c, a] joining them. Never dense.
        """
        from .tree import TreeTN

        self._require_float("to_tree")
        self._require_one_score("to_tree")
        levels = []
        for l in range(1, self.L + 1):
            r = self.widths[l - 1]
            levels.append([delta3(r, np.eye(r)) for _ in range(self.N >> (2 * l - 1))])  # pair each row
            last = [W.T for W in self._full(l)] if l < self.L else [self.w_out[:, None]]
            levels.append([delta3(r, t) for t in last])  # (r, r, r_l): join the rows, conv
        return TreeTN(list(self._full(0).transpose(0, 2, 1)), levels)
