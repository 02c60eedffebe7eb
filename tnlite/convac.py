"""Deep convolutional arithmetic circuits (ConvACs): networks whose coefficient tensors are trees.

Shapes and legs, stated once:

- features ``X``: (B, N, M), in short ``b j d``: sample, position j, representation
  channel d (the value f_d(x_j) of the representation layer, :mod:`tnlite.features`);
- conv layer l: ``layers[l]`` of shape (n_l, r_l, r_{l-1}) (position, out, in) with
  n_l = N / w**l positions, w the pooling window, r_{-1} = M; a layer whose weights are
  shared across positions is stored once, with shape (r_l, r_{l-1});
- output weights ``w_out``: (r_{L-1},) for one score, or (r_{L-1}, C) for C class scores;
- inside ``score`` activations are position-major, (n, B, c) (position, sample,
  channel), so each layer is one batched matmul.

Deep ConvAC (1D, pooling window w = 2, N = 2**L, len(widths) == L)::

    y        = w_out . (v^(L-1)_0 * v^(L-1)_1)              product pooling, linear output
    v^(l)_i  = W^(l,i) (v^(l-1)_{2i} * v^(l-1)_{2i+1})      pooling, then a 1x1 conv
    v^(0)_j  = W^(0,j) f(x_j)

The score is h(x) = sum_d A[d_0..d_{N-1}] prod_j f_{d_j}(x_j); the coefficient tensor A
is a binary tree tensor network in which each product pooling is an order-3 delta (copy)
tensor ``o`` and each conv a matrix ``[W]`` between two deltas::

                 [out]
                   | r_{L-1}
                   o                      delta: a product pooling
               /       \\
            [W]         [W]               conv: (r_l out, r_{l-1} in)
             | r_0       |
             o           o
            / \\         / \\
         [W] [W]     [W] [W]             layer 0: (r_0, M)
          |   |       |   |
          d_0 d_1     d_2 d_3

The same machinery, with another pooling window, serves the 2D ConvAC
(:mod:`tnlite.convac2d`, window 4) and the shallow ConvAC (:mod:`tnlite.cp`, one global
pooling of all N positions).
"""
from __future__ import annotations

import math

import numpy as np

from ._linalg import conv_chunk, matmul, mod, product_over_positions
from ._validate import (as_array, as_configs, as_conv_layers, as_deep_convac_sizes, as_flag, as_int, as_prime,
                        as_residues, as_rng, as_upstream, guard_dense, guard_length, guard_uniform)
from ._convac_parts import delta3, product_half, random_conv_weights
from .network import Graph, Network

__all__ = ["ConvAC", "interleaved_rank"]


def interleaved_rank(N, M, widths, k):
    """Min cut (and generic rank) of a deep 1D ConvAC for the interleaved partition of scale k.

    Alternating blocks of 2**k inputs (:func:`tnlite.partitions.interleaved`) give rank
    f(k)**(N / 2**(k+1)) with f(0) = min(M, r_0) and f(k) = min(r_{k-1}, r_k, f(k-1)**2):
    a block of 2**k inputs is cut off at its conv node's input leg r_{k-1} or output leg
    r_k, or below it. An exact integer: refused (ValueError) above 2**20 bits, whose
    writing out would take minutes; the message gives its log2.
    """
    N, L, M, widths = as_deep_convac_sizes(N, M, widths)
    k = as_int(k, "k", minimum=0)
    if k >= L:
        raise ValueError(f"k must be in 0..L-1 = 0..{L - 1} (blocks of 2**k inputs, both sides non-empty), got {k}")
    f = min(M, widths[0])
    for i in range(1, k + 1):
        f = min(widths[i - 1], widths[i], f * f)
    blocks = N // 2 ** (k + 1)
    bits = blocks * math.log2(f) if f > 1 else 0.0
    if bits > _MAX_RANK_BITS:  # pow() would run for minutes (or out of memory) to write it out
        raise ValueError(f"N={N} is too large for interleaved_rank: the rank {f}**{blocks} is an integer of about "
                         f"{bits:.4g} bits, beyond the 2**20 computed exactly; its log2 is {bits:.17g}")
    return f**blocks


#: Largest exact rank interleaved_rank writes out, in bits (pow(3, 2**19) takes 0.1 s).
_MAX_RANK_BITS = 2**20


class ConvAC(Network):
    """A deep 1D convolutional arithmetic circuit: 1x1 convs and product pooling over pairs.

    Parameters
    ----------
    layers : sequence of L array_like
        ``layers[l]`` has shape (n_l, r_l, r_{l-1}) (position, out, in) with n_l = N / 2**l,
        or (r_l, r_{l-1}) if shared across positions; r_{-1} = M. N = 2**L.
    w_out : array_like, shape (r_{L-1},), or (r_{L-1}, C) for C class scores
    p : int, optional
        A prime: the weights are integers and every computation is exact modulo p.

    Attributes
    ----------
    N, M, L : int
        Positions, representation channels, conv layers.
    widths : tuple of int
        (r_0, ..., r_{L-1}).
    layers : tuple of ndarray
    w_out : ndarray
    p : int or None
    C : int or None
        Number of class scores (w_out (r, C)); None for one score (w_out (r,)).
    pool : int
        Pooling window (2 here; 4 in 2D; N in the shallow ConvAC).
    order : ndarray of int, shape (N,)
        order[i] = the particle at tree position i (the identity except in 2D).
    """

    pool = 2

    def __init__(self, layers, w_out, p=None):
        layers = self._as_layer_list(layers)
        L = len(layers)
        self._setup(layers, w_out, 2**L, p)

    # ---- construction and checks (once, at the door)
    @staticmethod
    def _as_layer_list(layers):
        if isinstance(layers, np.ndarray) or not hasattr(layers, "__len__") or len(layers) == 0:
            raise ValueError("layers must be a non-empty list of weight arrays, one per conv layer")
        return [as_array(W, f"layers[{l}]") for l, W in enumerate(layers)]

    def _setup(self, layers, w_out, N, p):
        """Check the layer shapes against N and the pooling window; store everything."""
        p = None if p is None else as_prime(p)
        w_out = as_array(w_out, "w_out")
        if p is not None:
            layers = [as_residues(W, p, f"layers[{l}]") for l, W in enumerate(layers)]
            w_out = as_residues(w_out, p, "w_out")
        widths = as_conv_layers(layers, w_out, N, self.pool)
        guard_length(N, "N", "the per-position lists phys_dims and order")  # shared layers allow any N
        self.layers, self.w_out, self.p = tuple(layers), w_out, p
        self.N, self.L, self.M = N, len(layers), layers[0].shape[-1]
        self.widths = tuple(widths)
        self.C = None if w_out.ndim == 1 else w_out.shape[1]
        self.phys_dims = (self.M,) * N
        self.order = self._tree_order()

    def _tree_order(self):
        return np.arange(self.N)

    def _rebuild(self, arrays):
        return type(self)(arrays[:-1], arrays[-1], p=self.p)

    @classmethod
    def random(cls, N, M, widths, rng, shared=False, p=None, C=None):
        """A deep ConvAC with random weights.

        Parameters
        ----------
        N : int
            Positions, a power of 2: N = 2**L.
        M : int
            Representation channels.
        widths : sequence of int, length L
            Channels r_l of conv layer l (l = 0 is the 1x1 conv on the M features).
        rng : numpy.random.Generator or int seed
        shared : bool
            One weight matrix per layer, shared by all positions (a restricted family:
            ranks may fall below the min cut).
        p : int, optional
            A prime: integer weights uniform in 0..p-1, exact arithmetic mod p (generic
            ranks by :func:`tnlite.rank_mod_p`). Otherwise orthonormal float weights
            scaled so that every activation entry is of size ~1 (the score, a product of
            many of them, shrinks like exp(-c N): see :meth:`log_abs_score`).
        C : int, optional
            Number of class scores: w_out of shape (widths[-1], C), scores (B, C).
        """
        N, L, M, widths = as_deep_convac_sizes(N, M, widths)
        rng, shared = as_rng(rng), as_flag(shared, "shared")
        p = None if p is None else as_prime(p)
        C = None if C is None else as_int(C, "C", minimum=1)
        layers, w_out = random_conv_weights(rng, [N >> l for l in range(L)], widths, M, shared, p, C)
        return cls(layers, w_out, p=p)

    def __repr__(self):
        exact = f", exact mod {self.p}" if self.p is not None else ""
        classes = f", C={self.C}" if self.C is not None else ""
        return (f"{type(self).__name__}(N={self.N}, M={self.M}, widths={self.widths}{classes}, "
                f"n_params={self.n_params}{exact})")

    def params(self):
        """[layers[0], ..., layers[L-1], w_out]."""
        return list(self.layers) + [self.w_out]

    def head(self, c):
        """The single-score network of class c: the same layers, output weights w_out[:, c]."""
        if self.C is None:
            raise ValueError(f"head(c) picks one of C class scores; this {type(self).__name__} has one score "
                             "(w_out of shape (r,))")
        c = as_int(c, "c", minimum=0)
        if c >= self.C:
            raise ValueError(f"c must be a class in 0..C-1 = 0..{self.C - 1}, got {c}")
        return self._rebuild(list(self.layers) + [np.ascontiguousarray(self.w_out[:, c])])

    def _require_one_score(self, what):
        if self.C is not None:
            raise ValueError(f"{what} is defined for one score; this {type(self).__name__} has C={self.C} class "
                             f"scores (w_out {self.w_out.shape}): use head(c).{what}() for class c")

    def log_abs_score(self, X):
        """log|score(X)| and sign(score(X)), by a forward pass that rescales every activation.

        Each position's activation vector (and each input row) is divided by its norm
        after every layer and pooling step, and the logs of those factors are
        summed per sample, so N = 256 inputs neither overflow nor underflow.

        Parameters
        ----------
        X : array_like, shape (B, N, M)

        Returns
        -------
        logabs, sign : ndarray, shape (B,) or (B, C)
            Natural log of |score| (-inf where the score is exactly 0) and its sign, so that
            ``score(X) == sign * exp(logabs)`` wherever that is representable.
        """
        from ._grad_convac import log_abs_score

        return log_abs_score(self, self._real_features(X, "log_abs_score"))

    def vjp(self, X, g, log=False):
        """Gradient of sum_b g_b . score(X)_b (or of sum_b g_b . log|score(X)_b| if `log`)
        with respect to each array of :meth:`params`, by backpropagation; see
        :meth:`tnlite.network.Network.vjp`."""
        from ._grad_convac import vjp

        X = self._real_features(X, "vjp")
        return vjp(self, X, as_upstream(g, (X.shape[0],) + self.w_out.shape[1:]), log)

    @property
    def shared(self):
        """True when every layer's weights are shared across positions."""
        return all(W.ndim == 2 for W in self.layers)

    def _full(self, l):
        """Layer l as (n_l, r_l, r_{l-1}) whether stored shared or not (a view)."""
        W = self.layers[l]
        return np.broadcast_to(W, (self.N // self.pool**l,) + W.shape[-2:]) if W.ndim == 2 else W

    # ---- forward pass
    def _transposed(self):
        """Each layer as a contiguous (n, in, out) or (in, out) array (numpy's stacked matmul
        is ~1.6x slower on the transposed view); a few thousand numbers per call."""
        return [np.ascontiguousarray(W.T if W.ndim == 2 else W.transpose(0, 2, 1)) for W in self.layers]

    def _pool(self, V):
        """Product pooling over windows of self.pool consecutive positions: (n, ...) -> (n/w, ...)."""
        if V.shape[0] == self.pool > 4:  # one global pooling (shallow): log2(n) block products, in place
            return product_over_positions(V, self.p)[None]
        out = V[0::self.pool]
        for k in range(1, self.pool):
            if self.p is None:  # V is the caller's temporary: multiply into its first slots
                np.multiply(out, V[k::self.pool], out=out)
            else:
                out = out * V[k::self.pool] % self.p
        return out

    def _from_first(self, V, Wt):
        """Finish the forward pass from layer-0 outputs V (N, b, r_0) in tree order: scores (b,)."""
        for l in range(1, self.L):
            V = matmul(self._pool(V), Wt[l], self.p)  # (n/w, b, r_l)
        return matmul(self._pool(V)[0], self.w_out, self.p)  # (b,): the last pooling, then the output

    def score(self, X):
        """Scores h(X) of a batch of feature arrays.

        Parameters
        ----------
        X : array_like, shape (B, N, M)
            Representation-layer outputs f_d(x_j) (e.g. :func:`tnlite.one_hot`). For an
            exact ConvAC (``p`` set) whole numbers, and the scores are residues mod p.

        Returns
        -------
        ndarray, shape (B,), or (B, C) with C class scores
            A product of N factors: for long inputs (N = 64-256, or features far from
            unit size) it can underflow to exactly 0 or overflow to inf and nan; there
            :meth:`log_abs_score` gives log|score| and its sign, finite.
        """
        X = self._as_features(X)
        Wt = self._transposed()  # Wt[0]: (n, M, r_0) or (M, r_0)
        out = np.empty((X.shape[0],) + self.w_out.shape[1:], dtype=np.result_type(X.dtype, Wt[0].dtype, self.w_out.dtype))
        b = conv_chunk(max(self.widths), out.itemsize)
        lead = self._tree_view(X[:0]).shape[:-2]  # the position axes of the view, N in all
        W0 = Wt[0] if Wt[0].ndim == 2 else Wt[0].reshape(lead + Wt[0].shape[1:])
        for s in range(0, X.shape[0], b):
            # layer 0 reads X where it lies (BLAS takes the strided rows): no transposed copy
            V = matmul(self._tree_view(X[s:s + b]), W0, self.p).reshape(self.N, -1, self.widths[0])  # (N, b, r_0)
            out[s:s + b] = self._from_first(V, Wt)
        return out

    def _tree_view(self, x):
        """Features x (b, N, M) as a view (..., b, M) whose leading axes, flattened, run over
        the positions in tree order (here the identity: (N, b, M))."""
        return x.transpose(1, 0, 2)

    def amplitudes(self, configs):
        """Scores on one-hot inputs: the coefficient tensor's entries A[configs], shape (B,).

        Parameters
        ----------
        configs : array_like of int, shape (B, N)
            Values in 0..M-1.

        Returns
        -------
        ndarray, shape (B,), or (B, C) with C class scores
        """
        c = as_configs(configs, self.N, self.M)
        Wt = self._transposed()
        W0t = self._full(0).transpose(0, 2, 1)  # (N, M, r_0)
        pos = np.arange(self.N)[:, None]
        out = np.empty((c.shape[0],) + self.w_out.shape[1:], dtype=np.result_type(W0t.dtype, self.w_out.dtype))
        b = conv_chunk(max(self.widths), out.itemsize)
        for s in range(0, c.shape[0], b):
            V = W0t[pos, c[s:s + b, self.order].T]  # (N, b, r_0): a one-hot input selects a column
            out[s:s + b] = self._from_first(V, Wt)
        return out

    def to_dense(self):
        """The coefficient tensor A with score = sum_d A[d] prod_j f_{d_j}(x_j).

        Returns
        -------
        ndarray, shape (M,)*N
            Residues mod p for an exact ConvAC. Refused (ValueError) above
            ``tnlite.MAX_DENSE_ENTRIES`` entries, and so is any intermediate (a block
            of positions' configurations times a width) that would be.
        """
        N, M, p, w = self.N, self.M, self.p, self.pool
        self._require_one_score("to_dense")
        guard_uniform(M, N, f"{type(self).__name__} coefficient tensor")
        T = self._full(0).transpose(0, 2, 1)  # (N, M, r_0): (position, d, channel)
        for l in range(1, self.L):
            n, D, r = T.shape
            guard_dense((n // w, D**w, max(r, self.widths[l])),
                        f"coefficient_tensor intermediate (M^{w**l} configurations per block x "
                        f"widths[{l - 1}]={r}, widths[{l}]={self.widths[l]})")
            T = np.stack([product_half(T[i:i + w], p) for i in range(0, n, w)])  # (n/w, D^w, r)
            T = matmul(T, self._full(l).transpose(0, 2, 1), p)  # (n/w, D^w, r_l)
        n, D, r = T.shape
        h = n // 2  # the last pooling: its two halves, joined through w_out
        width = f"r={r}" if self.pool == N else f"widths[{self.L - 1}]={r}"
        guard_dense((D ** (n - h), r), f"coefficient_tensor intermediate (half the positions' configurations x {width})")
        left, right = product_half(T[:h], p), product_half(T[h:], p)
        A = matmul(mod(left * self.w_out, p), right.T, p).reshape((M,) * N)  # tree order
        return A.transpose(np.argsort(self.order))  # axis j = particle j

    def coefficient_tensor(self):
        """The paper's name for :meth:`to_dense`."""
        return self.to_dense()

    # ---- as tensor networks
    def graph(self):
        """The ConvAC as a tensor network with explicit delta (product pooling) nodes.

        Nodes: ``("W", l, i)`` conv l at tree position i (layer 0 carries the open leg of
        particle ``order[i]``), ``("delta", l, i)`` the product pooling that feeds it (level
        L: the root), ``("out",)`` the output weights. Each conv has an input bond r_{l-1}
        (from its delta) and an output bond r_l, so a cut can pass through either; a delta
        may be split at cost r_{l-1}.

        Returns
        -------
        tnlite.network.Graph
        """
        N, L, r, w = self.N, self.L, self.widths, self.pool
        tree_pos = np.argsort(self.order)
        legs = [(("W", 0, int(tree_pos[j])), self.M) for j in range(N)]
        edges, deltas = [], {}
        for l in range(1, L + 1):
            for i in range(N // w**l):
                d = ("delta", l, i)
                deltas[d] = r[l - 1]
                edges += [(("W", l - 1, w * i + k), d, r[l - 1]) for k in range(w)]
                edges.append((d, ("W", l, i) if l < L else ("out",), r[l - 1]))
        return Graph(edges, legs, deltas)

    def to_tree(self):
        """The coefficient tensor as a :class:`tnlite.tree.TreeTN`, built from the weights.

        Leaf j = W^(0,j).T (M, r_0); a level-l node = delta(a, b) W^(l,i)[c, a], shape
        (r_{l-1}, r_{l-1}, r_l); the root = delta(a, b) w_out[a], (r_{L-1}, r_{L-1}, 1).
        Never dense: works at N = 64.
        """
        from .tree import TreeTN

        self._require_float("to_tree")
        self._require_one_score("to_tree")
        levels = [[delta3(W.shape[1], W.T) for W in self._full(l)] for l in range(1, self.L)]
        levels.append([delta3(self.widths[-1], self.w_out[:, None])])  # root (r, r, 1)
        return TreeTN(list(self._full(0).transpose(0, 2, 1)), levels)

    def _require_float(self, what):
        if self.p is not None:
            raise ValueError(f"{what} works in floating point; this ConvAC is exact mod p={self.p}. Use to_dense()")
