"""Information re-use: the overlapping ConvAC and its tensor network with duplicated inputs.

An overlapping ConvAC (stride 1, "valid" windows of K) reads features u^0_j = f(x_j) (M,)
and applies `depth` layers, each shrinking the sequence by K - 1 positions:

    u^l_j = prod_{k<K} W^(l,j,k) u^(l-1)_{j+k}       (elementwise product; r channels)

then a 1x1 conv to r channels at every remaining position, a global product pooling and a
linear readout: score = w_out . prod_j (C_j u^L_j). Weights are not shared over j or k.
``depth = 0`` is the shallow ConvAC (a CP decomposition of rank r). On a side x side grid
the windows are K x K and particle j = row * side + col.

Neighbouring windows share inputs: x_j is read by up to K outputs of layer 1, so the score
is not multilinear in f(x_j) and the network is not a tensor network over its inputs (no
tensor network copies a vector). For one-hot inputs it is one after all: give every use of
x_j its own copy and hand the copies the same basis vector through a copy (delta) tensor of
dimension M. :meth:`OverlappingConvAC.duplicated_network` builds that network; ``graph()`` is
its wiring, so ``min_cut`` bounds the Schmidt rank of ``to_dense()`` (docs/science.md,
"Information re-use and no-cloning")::

               out
                |  r
                o pool            one tree per last-layer position; K = 2, depth 1:
             /  |  \\
          [C]  [C]  [C]           [C] = 1x1 conv, o = delta (elementwise product)
           o    o    o
          / \\  / \\  / \\
        [W][W][W][W][W][W]       layer-1 weights, one per (position, offset)
         |   \\/   \\/   |
         |    o    o    |         copy deltas of dimension M: x_1 and x_2 are read twice
         x_0  x_1  x_2  x_3       (x_0 and x_3 once: their legs are open legs of a [W])

Leg orders: ``layers[l]`` (position, offset k, out, in), positions row-major over the
layer's grid, offsets k = k_row * K + k_col in 2D; ``conv`` (position, out, in).
"""
from __future__ import annotations

import math

import numpy as np

from ._copynet import CopyNetwork
from ._linalg import conv_chunk, haar_isometries, matmul, mod, product_over_positions, unit_vector
from ._validate import (as_array, as_configs, as_int, as_overlap_geometry, as_overlap_weights, as_prime,
                        as_residues, as_rng, as_rows, guard_dense)
from .features import one_hot
from .network import Network
from ._validate import as_real_array
from ._validate.networks import guard_overlap_network

__all__ = ["OverlappingConvAC"]


def _draw(rng, shape, r_in, first, p):
    """Weights of shape (..., r_out, r_in): uniform residues mod p, or floats that keep unit-size entries.

    Floats: on the features (`first`), entries of magnitude ~1 with random signs, each
    column of norm sqrt(r_out), so W e_d has unit-size entries; deeper, orthonormal maps
    scaled to keep the size of an evenly spread vector. The caller has guarded the size.
    """
    if p is not None:
        return rng.integers(0, p, size=shape, dtype=np.int64)
    r_out = shape[-2]
    if first:
        W = rng.choice([-1.0, 1.0], size=shape) * np.exp(rng.uniform(-0.5, 0.5, size=shape))
        return W * (math.sqrt(r_out) / np.linalg.norm(W, axis=-2, keepdims=True))
    return haar_isometries(shape[:-2], r_out, r_in, rng) * math.sqrt(max(r_out, r_in) / r_in)


def _box(start, width):
    """Slices selecting the box of side `width` whose corner is `start` (one slice per axis)."""
    return tuple(slice(int(s), int(s) + width) for s in start)


class OverlappingConvAC(Network):
    """A ConvAC whose windows overlap (kernel K, stride 1), in 1D or on a square grid.

    Parameters
    ----------
    layers : sequence of `depth` array_like
        ``layers[l]`` has shape (n_{l+1}, K**dim, r, r_in): position of layer l+1 (row-major
        over its grid), window offset, out, in; r_in = M for l = 0, r after.
    conv : array_like, shape (n_L, r, r_in)
        The 1x1 conv at each of the n_L last positions (r_in = M when depth = 0).
    w_out : array_like, shape (r,)
    grid : int or tuple
        N for a sequence, or (side, side) for a grid.
    K : int
        Kernel size (>= 1): a window of K positions, or K x K on a grid.
    p : int, optional
        A prime: integer weights, every computation exact mod p.

    Attributes
    ----------
    N, M, r, K, depth : int
    grid : tuple
        (N,) or (side, side).
    shapes : list of tuple
        The grid of each layer 0..depth: every axis shrinks by K - 1 per layer.
    layers : tuple of ndarray
    conv, w_out : ndarray
    p : int or None
    """

    def __init__(self, layers, conv, w_out, grid, K, p=None):
        if isinstance(layers, np.ndarray) or not hasattr(layers, "__len__"):
            raise TypeError(f"layers must be a list of weight arrays, one per layer, got {type(layers).__name__}")
        self.K = as_int(K, "K", minimum=1)
        self.shapes = as_overlap_geometry(grid, self.K, len(layers))
        grid = self.shapes[0]
        layers = [as_array(W, f"layers[{l}]") for l, W in enumerate(layers)]
        conv, w_out = as_array(conv, "conv"), as_array(w_out, "w_out", ndim=1)
        self.M, self.r = as_overlap_weights(layers, conv, w_out, self.shapes, self.K)
        self.p = None if p is None else as_prime(p)
        if self.p is not None:
            layers = [as_residues(W, self.p, f"layers[{l}]") for l, W in enumerate(layers)]
            conv, w_out = as_residues(conv, self.p, "conv"), as_residues(w_out, self.p, "w_out")
        else:  # real weights, as a RAC's: a complex one would be silently cast by the forward pass
            layers = [as_real_array(W, f"layers[{l}]") for l, W in enumerate(layers)]
            conv, w_out = as_real_array(conv, "conv"), as_real_array(w_out, "w_out")
        self.layers, self.conv, self.w_out = tuple(layers), conv, w_out
        self.grid, self.depth = grid, len(layers)
        self.N = math.prod(grid)
        self.phys_dims = (self.M,) * self.N

    @classmethod
    def random(cls, N, M, r, K, depth, rng, p=None):
        """A 1D overlapping ConvAC with random weights.

        Parameters
        ----------
        N, M, r : int
            Inputs (>= 2), representation channels, channels of every layer.
        K : int
            Kernel size (>= 1; K = 1 means no overlap).
        depth : int
            Overlapping layers (>= 0), with N - depth*(K-1) >= 1.
        rng : numpy.random.Generator or int seed
        p : int, optional
            A prime: integer weights uniform in 0..p-1, exact arithmetic mod p (generic
            ranks by :func:`tnlite.rank_mod_p`). Otherwise float weights of unit size.
        """
        return cls._random((as_int(N, "N", minimum=2),), M, r, K, depth, rng, p)

    @classmethod
    def random_2d(cls, side, M, r, K, depth, rng, p=None):
        """A 2D overlapping ConvAC on a side x side grid (K x K windows) with random weights.

        Particle j = row * side + col; side - depth*(K-1) >= 1. Otherwise as :meth:`random`.
        """
        side = as_int(side, "side", minimum=2)
        return cls._random((side, side), M, r, K, depth, rng, p)

    @classmethod
    def _random(cls, grid, M, r, K, depth, rng, p):
        M, r, K = as_int(M, "M", minimum=1), as_int(r, "r", minimum=1), as_int(K, "K", minimum=1)
        depth = as_int(depth, "depth", minimum=0)
        rng = as_rng(rng)
        p = None if p is None else as_prime(p)
        shapes = as_overlap_geometry(grid, K, depth)
        taps = K ** len(grid)
        sizes = [(math.prod(shapes[l + 1]), taps, r, M if l == 0 else r) for l in range(depth)]
        sizes.append((math.prod(shapes[-1]), r, r if depth else M))  # the 1x1 convs
        total = sum(guard_dense(shape, f"overlapping ConvAC weights of shape {shape}") for shape in sizes)
        guard_dense((total,), f"set of overlapping ConvAC weights (depth={depth}, r={r}, K={K})")  # before any draw
        layers = [_draw(rng, shape, shape[-1], l == 0, p) for l, shape in enumerate(sizes[:-1])]
        conv = _draw(rng, sizes[-1], sizes[-1][-1], depth == 0, p)
        w_out = rng.integers(0, p, size=r, dtype=np.int64) if p is not None else unit_vector(r, rng)
        return cls(layers, conv, w_out, grid, K, p=p)

    def params(self):
        """[layers[0], ..., layers[depth-1], conv, w_out]."""
        return [*self.layers, self.conv, self.w_out]

    def _rebuild(self, arrays):
        return OverlappingConvAC(arrays[:-2], arrays[-2], arrays[-1], self.grid, self.K, p=self.p)

    def __repr__(self):
        where = f"N={self.N}" if len(self.grid) == 1 else f"side={self.grid[0]}"
        exact = f", exact mod {self.p}" if self.p is not None else ""
        return (f"OverlappingConvAC({where}, M={self.M}, r={self.r}, K={self.K}, depth={self.depth}, "
                f"n_params={self.n_params}{exact})")

    # ---- forward pass
    def _transposed(self):
        """Each layer as (K**dim offsets,) + grid of layer l+1 + (in, out), conv as grid + (in, out):
        a contiguous (in, out) block per position and offset (numpy's stacked matmul is faster so)."""
        Ws = [np.ascontiguousarray(W.transpose(1, 0, 3, 2)).reshape((W.shape[1],) + self.shapes[l + 1] + W.shape[:1:-1])
              for l, W in enumerate(self.layers)]
        return Ws, np.ascontiguousarray(self.conv.transpose(0, 2, 1)).reshape(self.shapes[-1] + self.conv.shape[:0:-1])

    def _activations(self, V, Ws, Ct):
        """Layer-by-layer from position-major features V (grid + (b, M)) to the convs' outputs
        (grid of layer L + (b, r)); `Ws`, `Ct` as :meth:`_transposed` gives them (or a sub-box)."""
        K, p = self.K, self.p
        for Wt in Ws:
            out_shape = Wt.shape[1:-2]
            U = None
            for k, W in enumerate(Wt):
                o = np.unravel_index(k, (K,) * len(out_shape))
                window = V[tuple(slice(a, a + n) for a, n in zip(o, out_shape))]  # grid_l + (b, in)
                term = matmul(window, W, p)  # grid_l + (b, r): W^(l,j,k) u_{j+k}
                U = term if U is None else mod(np.multiply(U, term, out=U if p is None else None), p)
            V = U
        return matmul(V, Ct, p)  # grid_L + (b, r)

    def score(self, X):
        """The network's output on a batch of features.

        Parameters
        ----------
        X : array_like, shape (B, N, M)
            Features f(x_j); one-hot rows give the amplitudes. For an exact network whole
            numbers, and the scores are residues mod p.

        Returns
        -------
        ndarray, shape (B,)
            A product over positions whose size moves exponentially with N
            (``random(256, 2, 4, 2, 2)``: 1e-70 to 1e-52 on one-hot inputs, measured); longer
            inputs underflow to exactly 0 or overflow to inf without a warning, where
            :meth:`log_abs_score` gives log|score| and its sign, finite.
        """
        X = self._as_features(X)
        Ws, Ct = self._transposed()
        out = np.empty(X.shape[0], dtype=np.result_type(X.dtype, self.conv.dtype, self.w_out.dtype))
        b = conv_chunk(self.r, out.itemsize)  # as ConvAC.score: one position's (b, r) block fills L1
        for s in range(0, X.shape[0], b):
            x = X[s:s + b]
            V = x.transpose(1, 0, 2).reshape(self.grid + (x.shape[0], self.M))  # grid + (b, M): a view of X
            V = self._activations(V, Ws, Ct).reshape(-1, x.shape[0], self.r)  # (n_L, b, r)
            out[s:s + b] = matmul(product_over_positions(V, self.p), self.w_out, self.p)  # (b,)
        return out

    def log_abs_score(self, X):
        """(log|score|, sign), each shape (B,), by a forward pass that rescales every activation
        (``tnlite._log_reuse``): finite at any N; see :meth:`tnlite.network.Network.log_abs_score`."""
        from ._log_reuse import log_abs_score

        return log_abs_score(self, self._real_features(X, "log_abs_score"))

    def amplitudes(self, configs):
        """The scores on one-hot inputs: A[configs], shape (B,) for configs (B, N)."""
        return self.score(one_hot(as_configs(configs, self.N, self.M), self.M))

    # ---- the coefficient tensor
    def receptive_fields(self, l):
        """The inputs each position of layer l reads: int array (n_l, (l*(K-1)+1)**dim), ascending."""
        l = as_int(l, "l", minimum=0)
        if l > self.depth:
            raise ValueError(f"l must be in 0..depth = 0..{self.depth}, got {l}")
        width = l * (self.K - 1) + 1
        starts = np.indices(self.shapes[l]).reshape(len(self.grid), -1).T  # (n_l, dim): top-left corner
        offsets = np.indices((width,) * len(self.grid)).reshape(len(self.grid), -1).T  # (w**dim, dim)
        coords = starts[:, None, :] + offsets[None, :, :]  # (n_l, w**dim, dim)
        return np.ravel_multi_index(tuple(np.moveaxis(coords, -1, 0)), self.grid)

    def light_cone(self, rows):
        """Which side of the partition each position of each layer reads.

        Parameters
        ----------
        rows : sequence of int
            Inputs on side P.

        Returns
        -------
        list of depth+1 int arrays, shape (n_l,)
            0: the position reads only inputs in P; 1: only inputs in Q; 2: both, the light
            cone of the partition (only there can the network tie the two sides together).
        """
        in_P = np.zeros(self.N, dtype=bool)
        in_P[list(as_rows(rows, self.N))] = True
        cone = []
        for l in range(self.depth + 1):
            P = in_P[self.receptive_fields(l)]  # (n_l, field)
            cone.append(np.where(P.all(axis=1), 0, np.where(P.any(axis=1), 2, 1)))
        return cone

    def to_dense(self):
        """A[d_1..d_N]: the score on the one-hot inputs (e_{d_1}, ..., e_{d_N}).

        The score is a polynomial of degree up to K**depth in each f(x_j) (not multilinear
        for depth >= 1 and K >= 2); A is its values on one-hot inputs, the amplitudes of
        spin configurations. Built from the last positions' receptive fields: position j
        gives a table F_j[field configuration, channel] (its sub-network evaluated on every
        configuration of its field), and A = sum_c w_out[c] prod_j F_j[x_field(j), c].

        Returns
        -------
        ndarray, shape (M,)*N; int64 residues if the network computes mod p
            Refused (ValueError) above ``tnlite.MAX_DENSE_ENTRIES`` entries, as is the
            product over positions that carries the r channels.
        """
        N, M, r, p = self.N, self.M, self.r, self.p
        guard_dense(self.phys_dims, "OverlappingConvAC coefficient tensor")
        guard_dense((M,) * N + (r,), f"product over positions (M^N configurations x r={r} channels)")
        fields = self.receptive_fields(self.depth)  # (n_L, F)
        F = fields.shape[1]
        width = self.depth * (self.K - 1) + 1
        guard_dense((M**F, F, M), f"one-hot configurations of a receptive field of {F} inputs")
        configs = np.indices((M,) * F).reshape(F, -1).T  # (M^F, F): every configuration of a field
        V = np.ascontiguousarray(one_hot(configs, M).transpose(1, 0, 2)).reshape((width,) * len(self.grid) + (M**F, M))
        if p is not None:
            V = V.astype(np.int64)
        Ws, Ct = self._transposed()
        shrink = self.K - 1
        T = np.ones((1,) * N + (r,), dtype=np.int64 if p is not None else np.float64)
        for i, start in enumerate(np.indices(self.shapes[-1]).reshape(len(self.grid), -1).T):
            # layer l's weights over position i's field: a box of its grid, of side width - l*(K-1)
            Fi = self._activations(V, [W[(slice(None),) + _box(start, width - (l + 1) * shrink)]
                                       for l, W in enumerate(Ws)],
                                   Ct[_box(start, 1)])  # (1,)*dim + (M^F, r)
            shape = [1] * N + [r]
            for j in fields[i]:
                shape[j] = M
            T = mod(T * Fi.reshape(shape), p)  # (..., r): the product over positions, grown one at a time
        return matmul(T, self.w_out, p)  # (d_0, ..., d_{N-1})

    def coefficient_tensor(self):
        """The paper's name for :meth:`to_dense`."""
        return self.to_dense()

    # ---- the tensor network with duplicated inputs
    def duplicated_network(self):
        """The tensor network that equals this one on one-hot inputs: every use of an input a copy.

        Each last position j roots its own tree: its conv ("conv", j) on the product delta
        ("u", L, (j,)); a copy of layer l's output at the end of path (j, k_L, ..., k_{l+1})
        is the delta ("u", l, path), fed by the K weight nodes ("W", l, path + (k,)); a
        layer-1 weight node reads the copy delta ("x", i) of its input i. The trees meet in
        the pooling delta ("pool",), read by ("out",). Labels ("x", i) are the inputs.

        Returns
        -------
        tnlite._copynet.CopyNetwork
            Its ``einsum_operands()`` contract to :meth:`to_dense` (``split_copies=True``:
            one open leg per copy, the larger network before equal copies are imposed);
            ``copies()`` counts the copies of each input. Refused (ValueError) before
            anything is built above ``tnlite._validate.networks.MAX_GRAPH_NODES`` tensors:
            there are n_L (K^(dim L) + ... + K^dim + 1) + 1 of them.
        """
        guard_overlap_network(self.shapes, self.K)
        L, K, dim = self.depth, self.K, len(self.grid)
        offsets = [np.unravel_index(k, (K,) * dim) for k in range(K**dim)]
        nodes, tensors, axes = [], [], []
        dims = {("pool",): self.r}
        dims.update({("x", i): self.M for i in range(self.N)})

        def add(node, T, labels):
            nodes.append(node), tensors.append(T), axes.append(labels)

        def grow(l, path, coords):
            """The copy of layer l's output at `coords` (its grid) reached by `path`: returns its label."""
            if l == 0:
                return ("x", int(np.ravel_multi_index(coords, self.grid)))
            label = ("u", l, path)
            dims[label] = self.r
            j = int(np.ravel_multi_index(coords, self.shapes[l]))
            for k, o in enumerate(offsets):
                below = grow(l - 1, path + (k,), tuple(c + d for c, d in zip(coords, o)))
                add(("W", l, path + (k,)), self.layers[l - 1][j, k], (label, below))  # (out, in)
            return label

        for j, coords in enumerate(np.indices(self.shapes[-1]).reshape(dim, -1).T):
            top = grow(L, (j,), tuple(int(c) for c in coords))
            add(("conv", j), self.conv[j], (("pool",), top))  # (out, in)
        add(("out",), self.w_out, (("pool",),))
        return CopyNetwork(nodes, tensors, axes, dims, [("x", i) for i in range(self.N)])

    def graph(self):
        """The duplicated-input network's wiring (:meth:`duplicated_network`), deltas explicit.

        Deltas: the copy of each input read more than once (dimension M), the elementwise
        products of every copied position (r), the global pooling (r). An input read once
        is an open leg on its weight node: every input at depth 0 or K = 1, and otherwise
        the two ends x_0 and x_{N-1} at every depth and K (on a grid the four corners),
        each reached by one path only (the first window of every layer, or the last). A
        cut may split a copy delta: for one-hot inputs that is exact, since the copies all
        carry the same basis vector.

        Returns
        -------
        tnlite.network.Graph
        """
        return self.duplicated_network().graph()
