"""Convolutional arithmetic circuits (ConvACs): networks whose coefficient tensors are trees.

Shapes and legs, stated once:

- features ``X``: (B, N, M), in short ``b j d``: sample, position j, representation
  channel d (the value f_d(x_j) of the representation layer);
- conv layer l: ``layers[l]`` of shape (n_l, r_l, r_{l-1}) (position, out, in) with
  n_l = N / 2**l positions and r_{-1} = M; a layer whose weights are shared across
  positions is stored once, with shape (r_l, r_{l-1});
- output weights ``w_out``: (r_{L-1},);
- inside ``score`` activations are position-major, (n, B, c) (position, sample,
  channel), so each layer is one batched matmul (PERF.md).

Deep ConvAC (1D, pooling window 2, N = 2**L, len(widths) == L)::

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

Shallow ConvAC: one conv layer of r channels, global product pooling, linear output:
the CP decomposition A = sum_k w_k prod_j W^(j)[k, d_j], rank <= r at every partition.

2D ConvAC (``grid=side``, side = 2**L): inputs on a side x side grid, particle
j = row * side + col; product pooling over 2x2 windows, a quad-tree. Inside, positions
are kept in quad-tree (Z) order, ``order[i]`` = the particle at tree position i, so each
window is 4 consecutive positions; weights ``layers[l]`` are indexed in that order.
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from ._validate import (
    as_array,
    as_configs,
    as_flag,
    as_features,
    as_int,
    as_power_of_two,
    as_prime,
    as_rng,
    as_rows,
    guard_dense,
)
from .mincut import MinCut as _MinCut, min_cut as _min_cut

__all__ = ["ConvAC", "CP", "one_hot", "gaussian_features"]

_CHUNK = 512  # samples per forward chunk: keeps the (n, B, c) temporaries in cache


# ---------------------------------------------------------------- representation layer
def one_hot(configs, M):
    """One-hot features of basis configurations: f_d(x_j) = [x_j == d].

    Parameters
    ----------
    configs : array_like of int, shape (B, N)
        Values in 0..M-1 (spins, pixels of M grey levels, ...).
    M : int

    Returns
    -------
    ndarray, shape (B, N, M), float64
    """
    M = as_int(M, "M", minimum=1)
    c = as_array(configs, "configs")
    if c.ndim != 2:
        raise ValueError(f"configs must have shape (B, N), got {c.shape}")
    c = as_configs(c, c.shape[1], M)
    return (c[..., None] == np.arange(M)).astype(np.float64)  # (B, N, M)


def gaussian_features(x, centers, width=None):
    """Gaussian bumps with fixed centres: f_d(x_j) = exp(-(x_j - c_d)**2 / (2 width**2)).

    Parameters
    ----------
    x : array_like of float, shape (B, N)
        One real input per position.
    centers : array_like of float, shape (M,)
    width : float, optional
        Common width, a finite number > 0; by default the smallest spacing between
        distinct neighbouring sorted centres (1 when all centres coincide).

    Returns
    -------
    ndarray, shape (B, N, M)
    """
    x, centers = as_array(x, "x", ndim=2), as_array(centers, "centers", ndim=1)
    for name, a in (("x", x), ("centers", centers)):
        if np.iscomplexobj(a):
            raise TypeError(f"{name} must be real (Gaussian bumps on the real line), got dtype {a.dtype}")
    x, centers = x.astype(np.float64), centers.astype(np.float64)
    if centers.size == 0:
        raise ValueError("centers is empty: the representation needs M >= 1 functions")
    if width is None:
        gaps = np.diff(np.sort(centers))
        gaps = gaps[gaps > 0]
        width = float(gaps.min()) if gaps.size else 1.0
    if isinstance(width, (bool, np.bool_)) or not isinstance(width, numbers.Real):
        raise TypeError(f"width must be a real number > 0, got {width!r}")
    if not (math.isfinite(width) and width > 0):
        raise ValueError(f"width must be a positive number (finite and > 0), got {width!r}")
    return np.exp(-((x[..., None] - centers) ** 2) / (2.0 * width**2))  # (B, N, M)


# ---------------------------------------------------------------- helpers
def _as_widths(widths, L, needs):
    """`widths` as L ints >= 1; `needs` says why L (e.g. "N=16 needs log2(16)=4")."""
    if isinstance(widths, (str, bytes)):
        raise TypeError(f"widths must be a sequence of ints, got {type(widths).__name__} {widths!r}")
    try:
        widths = tuple(widths)
    except TypeError:
        raise TypeError(f"widths must be a sequence of ints, got {type(widths).__name__}") from None
    if len(widths) != L:
        raise ValueError(f"widths has {len(widths)} entries; {needs} (one per conv layer)")
    return tuple(as_int(r, f"widths[{l}]", minimum=1) for l, r in enumerate(widths))


def _draw_layer(rng, n, r_out, r_in, fan, shared, p, what):
    """Weights of one conv layer: (n, r_out, r_in), or (r_out, r_in) when shared.

    Refused (ValueError naming `what`) above ``tnlite.MAX_DENSE_ENTRIES`` entries.

    Floats: orthonormal rows or columns, scaled so that unit-size inputs give outputs of
    size ~1 (per-entry variance 1/fan): scores stay O(1) at any depth, which keeps
    floating-point ranks honest. Exact: uniform integers mod p.
    """
    lead = () if shared else (n,)
    guard_dense(lead + (r_out, r_in), what)
    if p is not None:
        return rng.integers(0, p, size=lead + (r_out, r_in), dtype=np.int64)
    G = rng.standard_normal(lead + (max(r_out, r_in), min(r_out, r_in)))
    Q, R = np.linalg.qr(G)
    Q = Q * np.where(np.diagonal(R, axis1=-2, axis2=-1) < 0, -1.0, 1.0)[..., None, :]  # Haar
    if r_out < r_in:
        Q = np.swapaxes(Q, -1, -2)
    return np.ascontiguousarray(Q) * math.sqrt(max(r_out, r_in) / fan)


def _layer_what(l, widths, M):
    """How to name conv layer l in a size refusal: the widths that make it big."""
    return f"conv layer {l} (widths[{l}]={widths[l]} x " + (f"M={M})" if l == 0 else f"widths[{l - 1}]={widths[l - 1]})")


def _delta3(r, last):
    """delta(a, b) * last[a, c]: an order-3 node of shape (r, r, k) from `last` (r, k)."""
    guard_dense((r, r, last.shape[1]), f"tree node delta(a, b) W[c, a] (a conv width {r})")
    node = np.zeros((r, r, last.shape[1]), dtype=last.dtype)
    idx = np.arange(r)
    node[idx, idx, :] = last  # (k_left, k_right, k_parent)
    return node


def _product_half(T, p):
    """Outer product over positions of T (n, d, r), keeping the channel: (d**n, r)."""
    out = T[0]
    for t in T[1:]:
        out = (out[:, None, :] * t[None, :, :]).reshape(-1, t.shape[1])  # (D*d, r)
        if p is not None:
            out %= p
    return out


def _split_delta_network(N, M, r, rows):
    """Graph of the shallow ConvAC / CP for `min_cut`.

    The global pooling is a delta of order N+1; a delta has rank r across any split of
    its legs, so it equals two deltas joined by one bond of dimension r. Splitting it
    along the partition lets the min cut see that (a single node could not).
    """
    legs = [(("W", 0, j), M) for j in range(N)]
    rows = set(rows or ())
    if not rows or len(rows) == N:
        edges = [(("W", 0, j), ("delta", 1, 0), r) for j in range(N)]
        return edges + [(("delta", 1, 0), ("out",), r)], legs
    edges = [(("W", 0, j), ("delta", 1, 1 if j in rows else 0), r) for j in range(N)]
    edges += [(("delta", 1, 1), ("delta", 1, 0), r), (("delta", 1, 0), ("out",), r)]
    return edges, legs


# ---------------------------------------------------------------- ConvAC
class ConvAC:
    """A convolutional arithmetic circuit: 1x1 convs and product pooling, deep or shallow.

    Parameters
    ----------
    layers : sequence of array_like
        ``layers[l]`` has shape (n_l, r_l, r_{l-1}) (position, out, in), or (r_l, r_{l-1})
        if shared across positions; r_{-1} = M. Deep: L = len(layers) layers, N = 2**L,
        n_l = N / 2**l. Shallow: exactly one layer, n_0 = N. 2D: N = 4**L, n_l = N / 4**l,
        positions in quad-tree order.
    w_out : array_like, shape (r_{L-1},)
    N : int, optional
        Number of positions; needed only for a shallow ConvAC whose layer is shared.
    shallow : bool
        One conv layer and global product pooling (a CP decomposition).
    p : int, optional
        A prime: the weights are integers and every computation is exact modulo p.
    grid : int, optional
        Side of a 2D grid (side = 2**L): a deep 2D ConvAC with 2x2 pooling.

    Attributes
    ----------
    N, M, L : int
        Positions, representation channels, conv layers.
    widths : tuple of int
        (r_0, ..., r_{L-1}).
    layers : tuple of ndarray
    w_out : ndarray
    shallow : bool
    p : int or None
    grid : tuple (side, side) or None
    pool : int
        Pooling window: 2 (1D), 4 (2D), N (shallow).
    order : ndarray of int, shape (N,)
        order[i] = the particle at tree position i (the identity except in 2D).
    """

    def __init__(self, layers, w_out, N=None, shallow=False, p=None, grid=None):
        if p is not None:
            p = as_prime(p)
        shallow = as_flag(shallow, "shallow")
        if isinstance(layers, np.ndarray) or not hasattr(layers, "__len__") or len(layers) == 0:
            raise ValueError("layers must be a non-empty list of weight arrays, one per conv layer")
        layers = [as_array(W, f"layers[{l}]") for l, W in enumerate(layers)]
        w_out = as_array(w_out, "w_out", ndim=1)
        arrays = layers + [w_out]
        if p is not None:
            for name, a in zip([f"layers[{l}]" for l in range(len(layers))] + ["w_out"], arrays):
                if not np.issubdtype(a.dtype, np.integer):
                    raise TypeError(f"{name} must hold integers for exact arithmetic mod p={p}, got dtype {a.dtype}")
            layers = [np.mod(W, p).astype(np.int64) for W in layers]
            w_out = np.mod(w_out, p).astype(np.int64)
        if grid is not None and shallow:
            raise ValueError("grid is for a deep 2D ConvAC; a shallow ConvAC has no geometry (pass N)")
        if grid is not None:
            side, L = as_power_of_two(grid, "grid")
            if len(layers) != L:
                raise ValueError(f"layers has {len(layers)} entries; grid={side} needs log2({side})={L}")
            if N is not None and as_int(N, "N") != side * side:
                raise ValueError(f"N must be grid**2 = {side * side} for a {side} x {side} grid, got {N}")
            N = side * side
        elif shallow:
            if len(layers) != 1:
                raise ValueError(f"a shallow ConvAC has one conv layer, got {len(layers)} layers")
            W = layers[0]
            if W.ndim == 3:
                N = as_int(N, "N", minimum=2) if N is not None else W.shape[0]
            elif N is None:
                raise ValueError("N is required for a shallow ConvAC with a shared layer of shape (r, M)")
            N = as_int(N, "N", minimum=2)
            L = 1
        else:
            L = len(layers)
            if N is not None:
                N, L_N = as_power_of_two(N, "N")
                if L_N != L:
                    raise ValueError(f"layers has {L} entries; N={N} needs log2({N})={L_N}")
            N = 2**L
        pool = N if shallow else (4 if grid is not None else 2)
        widths, r_in = [], None
        for l, W in enumerate(layers):
            n = N // pool**l
            if W.ndim not in (2, 3) or (W.ndim == 3 and W.shape[0] != n):
                raise ValueError(
                    f"layers[{l}] must have shape (n={n}, r_{l}, r_{l - 1}) or (r_{l}, r_{l - 1}) if shared, got {W.shape}"
                )
            if 0 in W.shape[-2:]:
                zero = f"r_{l} = 0 output channels" if W.shape[-2] == 0 else (
                    "M = 0 representation channels" if l == 0 else f"r_{l - 1} = 0 input channels")
                raise ValueError(f"layers[{l}] has shape {W.shape}, with {zero}: every width must be >= 1")
            if r_in is not None and W.shape[-1] != r_in:
                raise ValueError(f"layers[{l}] takes {W.shape[-1]} input channels, layer {l - 1} gives {r_in}: shape {W.shape}")
            r_in = W.shape[-2]
            widths.append(r_in)
        if w_out.shape[0] != r_in:
            raise ValueError(f"w_out must have shape ({r_in},) to match the last layer's channels, got {w_out.shape}")
        self.layers = tuple(layers)
        self.w_out = w_out
        self.N, self.L, self.M = N, L, layers[0].shape[-1]
        self.widths = tuple(widths)
        self.shallow = bool(shallow)
        self.p = p
        self.pool = pool
        self.grid = None if grid is None else (side, side)
        self.order = _zorder(side) if grid is not None else np.arange(N)

    # ---- construction
    @classmethod
    def random(cls, N, M, widths, rng, shared=False, p=None):
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
            ranks may fall below the min cut, see :meth:`min_cut`).
        p : int, optional
            A prime: integer weights uniform in 0..p-1, exact arithmetic mod p (generic
            ranks by :func:`tnlite.rank_mod_p`). Otherwise orthonormal float weights
            scaled so that scores stay O(1).
        """
        N, L = as_power_of_two(N, "N")
        M = as_int(M, "M", minimum=1)
        widths = _as_widths(widths, L, f"N={N} needs log2({N})={L}")
        rng = as_rng(rng)
        shared = as_flag(shared, "shared")
        p = None if p is None else as_prime(p)
        ins = (M,) + widths[:-1]
        layers = [_draw_layer(rng, N >> l, widths[l], ins[l], 1 if l == 0 else ins[l], shared, p,
                              _layer_what(l, widths, M)) for l in range(L)]
        return cls(layers, cls._draw_out(rng, widths[-1], p), N=N, p=p)

    @classmethod
    def random_2d(cls, side, M, widths, rng, shared=False, p=None):
        """A deep 2D ConvAC on a side x side grid (2x2 pooling) with random weights.

        Parameters
        ----------
        side : int
            Grid side, a power of 2: N = side**2 inputs, L = log2(side) layers.
        M : int
        widths : sequence of int, length L
        rng, shared, p
            As in :meth:`random`.
        """
        side, L = as_power_of_two(side, "side")
        M = as_int(M, "M", minimum=1)
        widths = _as_widths(widths, L, f"a {side} x {side} grid needs log2({side})={L}")
        rng = as_rng(rng)
        shared = as_flag(shared, "shared")
        p = None if p is None else as_prime(p)
        ins = (M,) + widths[:-1]
        N = side * side
        layers = [_draw_layer(rng, N // 4**l, widths[l], ins[l], 1 if l == 0 else ins[l], shared, p,
                              _layer_what(l, widths, M)) for l in range(L)]
        return cls(layers, cls._draw_out(rng, widths[-1], p), p=p, grid=side)

    @classmethod
    def random_shallow(cls, N, M, r, rng, shared=False, p=None):
        """A shallow ConvAC (CP decomposition of rank r) with random weights.

        Parameters
        ----------
        N : int
            Positions, N >= 2 (any N; `to_tree` needs a power of 2).
        M, r : int
            Representation channels and conv channels.
        rng, shared, p
            As in :meth:`random`.
        """
        N = as_int(N, "N", minimum=2)
        M = as_int(M, "M", minimum=1)
        r = as_int(r, "r", minimum=1)
        rng = as_rng(rng)
        shared = as_flag(shared, "shared")
        p = None if p is None else as_prime(p)
        W = _draw_layer(rng, N, r, M, 1, shared, p, f"conv layer (N={N} positions x r={r} x M={M})")
        return cls([W], cls._draw_out(rng, r, p), N=N, shallow=True, p=p)

    @staticmethod
    def _draw_out(rng, r, p):
        guard_dense((r,), "output weights w_out")
        if p is not None:
            return rng.integers(0, p, size=r, dtype=np.int64)
        w = rng.standard_normal(r)
        return w / np.linalg.norm(w)  # unit norm: y = w . v stays O(1) when v's entries are

    def __repr__(self):
        kind = "shallow" if self.shallow else ("deep 2D" if self.grid else "deep")
        exact = f", exact mod {self.p}" if self.p is not None else ""
        return f"ConvAC({kind}, N={self.N}, M={self.M}, widths={self.widths}, n_params={self.n_params}{exact})"

    @property
    def shared(self):
        """True when every layer's weights are shared across positions."""
        return all(W.ndim == 2 for W in self.layers)

    @property
    def n_params(self):
        """Number of weights: conv layers (once per layer if shared) plus the output."""
        return int(sum(W.size for W in self.layers) + self.w_out.size)

    def _full(self, l):
        """Layer l as (n_l, r_l, r_{l-1}) whether stored shared or not (a view)."""
        W = self.layers[l]
        n = self.N // self.pool**l
        return np.broadcast_to(W, (n,) + W.shape[-2:]) if W.ndim == 2 else W

    # ---- forward pass
    def _mod(self, a):
        return a if self.p is None else a % self.p

    def _transposed(self):
        """Each layer as a contiguous (n, in, out) or (in, out) array: numpy's stacked matmul is
        ~1.6x slower on the transposed view. Made once per call (a few thousand numbers)."""
        return [np.ascontiguousarray(W.T if W.ndim == 2 else W.transpose(0, 2, 1)) for W in self.layers]

    def _from_first(self, V, Wt):
        """Finish the forward pass from layer-0 outputs V (N, b, r_0), tree order: scores (b,).
        `Wt` is :meth:`_transposed`."""
        for l in range(1, self.L):
            V = self._pool(V)  # (n/w, b, r_{l-1}) product pooling
            V = self._mod(V @ Wt[l])  # (n/w, b, r_l)
        return self._mod(self._pool(V)[0] @ self.w_out)  # (b,): the last (or global) pooling, output

    def _pool(self, V):
        """Product pooling over windows of self.pool consecutive positions: (n, ...) -> (n/w, ...)."""
        out = V[0::self.pool]
        for k in range(1, self.pool):
            if self.p is None:  # V is the caller's temporary: multiply into its first slots
                np.multiply(out, V[k::self.pool], out=out)
            else:
                out = self._mod(out * V[k::self.pool])
        return out

    def score(self, X):
        """Scores h(X) of a batch of feature arrays.

        Parameters
        ----------
        X : array_like, shape (B, N, M)
            Representation-layer outputs f_d(x_j) (e.g. :func:`one_hot`). For an exact
            ConvAC (``p`` set) integers, and the scores are residues mod p.

        Returns
        -------
        ndarray, shape (B,)
        """
        X = as_features(X, self.N, self.M)
        if self.p is not None:
            if not np.issubdtype(X.dtype, np.integer):
                raise TypeError(f"X must hold integers for an exact ConvAC (mod p={self.p}), got dtype {X.dtype}")
            X = np.mod(X, self.p).astype(np.int64)
        Wt = self._transposed()  # Wt[0]: (n, M, r_0) or (M, r_0)
        order = slice(None) if self.grid is None else self.order
        B = X.shape[0]
        out = np.empty(B, dtype=np.result_type(X.dtype, Wt[0].dtype, self.w_out.dtype))
        for s in range(0, B, _CHUNK):
            V = self._mod(np.ascontiguousarray(X[s:s + _CHUNK, order].transpose(1, 0, 2)) @ Wt[0])  # (N, b, r_0)
            out[s:s + _CHUNK] = self._from_first(V, Wt)
        return out

    def amplitudes(self, configs):
        """Scores on one-hot inputs: the coefficient tensor's entries A[configs].

        Parameters
        ----------
        configs : array_like of int, shape (B, N)
            Values in 0..M-1.

        Returns
        -------
        ndarray, shape (B,)
        """
        c = as_configs(configs, self.N, self.M)
        Wt = self._transposed()
        W0t = self._full(0).transpose(0, 2, 1)  # (N, M, r_0)
        pos = np.arange(self.N)[:, None]
        B = c.shape[0]
        out = np.empty(B, dtype=np.result_type(W0t.dtype, self.w_out.dtype))
        for s in range(0, B, _CHUNK):
            V = W0t[pos, c[s:s + _CHUNK, self.order].T]  # (N, b, r_0): a one-hot input selects a column
            out[s:s + _CHUNK] = self._from_first(V, Wt)
        return out

    def coefficient_tensor(self):
        """The tensor A with score = sum_d A[d] prod_j f_{d_j}(x_j).

        Returns
        -------
        ndarray, shape (M,)*N
            Residues mod p for an exact ConvAC. Refused (ValueError) above
            ``tnlite.MAX_DENSE_ENTRIES`` entries, and so is any intermediate (a block
            of positions' configurations times a width) that would be.
        """
        N, M, p = self.N, self.M, self.p
        guard_dense((M,) * N, "ConvAC coefficient tensor")
        T = self._full(0).transpose(0, 2, 1)  # (N, M, r_0): (position, d, channel)
        w = self.pool
        if not self.shallow:
            for l in range(1, self.L):
                n, D, r = T.shape
                guard_dense((n // w, D**w, max(r, self.widths[l])),
                            f"coefficient_tensor intermediate (M^{w**l} configurations per block x "
                            f"widths[{l - 1}]={r}, widths[{l}]={self.widths[l]})")
                T = np.stack([_product_half(T[i:i + w], p) for i in range(0, T.shape[0], w)])  # (n/w, D^w, r)
                T = self._mod(T @ self._full(l).transpose(0, 2, 1))  # (n/w, D^w, r_l)
        n, D, r = T.shape
        h = n // 2  # the last pooling: its two halves, joined through w_out
        width = f"r={r}" if self.shallow else f"widths[{self.L - 1}]={r}"
        guard_dense((D ** (n - h), r), f"coefficient_tensor intermediate (half the positions' configurations x {width})")
        left, right = _product_half(T[:h], p), _product_half(T[h:], p)
        A = self._mod(self._mod(left * self.w_out) @ right.T)  # (M^(N/2), M^(N/2)) in tree order
        A = A.reshape((M,) * N)
        return A if self.grid is None else A.transpose(np.argsort(self.order))  # axis j = particle j

    def to_dense(self):
        """Same as :meth:`coefficient_tensor` (the verb every network class shares)."""
        return self.coefficient_tensor()

    # ---- as tensor networks
    def to_tree(self):
        """The coefficient tensor as a :class:`tnlite.tree.TreeTN`, built from the weights.

        Leaf j = W^(0,j).T (M, r_0); a level-l node = delta(a, b) W^(l,i)[c, a], shape
        (r_{l-1}, r_{l-1}, r_l); the root = delta(a, b) w_out[a], (r_{L-1}, r_{L-1}, 1).
        A shallow ConvAC (N a power of 2) gives a tree of pure deltas above its leaves.
        A 2D ConvAC gives a binary tree over the particles in quad-tree order
        (``tree.to_dense() == A.transpose(self.order)``): each 2x2 pooling becomes two
        levels, pure deltas pairing the window's rows, then delta(a, b) W[c, a].
        Never dense: works at N = 64.
        """
        from .tree import TreeTN

        if self.p is not None:
            raise ValueError(f"to_tree works in floating point; this ConvAC is exact mod p={self.p}. Use coefficient_tensor()")
        N, L = as_power_of_two(self.N, "N (to_tree needs a power of 2 positions)")
        leaves = list(self._full(0).transpose(0, 2, 1))  # each (M, r_0)
        levels = []
        if self.grid is not None:
            for l in range(1, self.L + 1):
                r = self.widths[l - 1]
                levels.append([_delta3(r, np.eye(r)) for _ in range(N >> (2 * l - 1))])  # pair each row
                last = [W.T for W in self._full(l)] if l < self.L else [self.w_out[:, None]]
                levels.append([_delta3(r, t) for t in last])  # (r, r, r_l): join the rows, conv
            return TreeTN([leaves[i] for i in range(N)], levels)
        for l in range(1, L + 1):
            if self.shallow:
                r = self.widths[0]
                last = np.eye(r) if l < L else self.w_out[:, None]
                levels.append([_delta3(r, last) for _ in range(N >> l)])
            elif l < L:
                levels.append([_delta3(W.shape[1], W.T) for W in self._full(l)])  # (r_{l-1}, r_{l-1}, r_l)
            else:
                levels.append([_delta3(self.widths[-1], self.w_out[:, None])])  # root (r, r, 1)
        return TreeTN(leaves, levels)

    def to_cp(self):
        """The coefficient tensor of a shallow ConvAC as a :class:`CP` decomposition."""
        if not (self.shallow or self.L == 1):
            raise ValueError(
                f"to_cp needs a shallow ConvAC (one conv layer, global pooling); this one is deep "
                f"with widths {self.widths}: use to_tree()"
            )
        return CP(list(self._full(0).transpose(0, 2, 1)), self.w_out, p=self.p)

    def tensor_network(self, rows=None):
        """The ConvAC's graph with explicit delta nodes, in `tnlite.mincut.min_cut`'s format.

        Parameters
        ----------
        rows : sequence of int, optional
            Positions on side P (distinct, in 0..N-1). Only a shallow ConvAC's graph
            depends on it (its global delta is split along it); a deep one's does not.

        Nodes: ``("W", l, i)`` conv l at position i (layer 0 carries open leg i),
        ``("delta", l, i)`` the product pooling that feeds it (level L: the root),
        ``("out",)`` the output weights. Each conv has an input bond r_{l-1} (from its
        delta) and an output bond r_l, so a cut can pass through either. Shallow: the
        global delta is split along `rows` (see :class:`CP`). 2D: deltas of order 5, and
        ``legs[j]`` is particle j (row-major); a plain graph cut overestimates there, so
        :meth:`min_cut` uses an exact tree programme instead.

        Returns
        -------
        edges : list of (u, v, dim)
        legs : list of (node, dim), length N
        """
        N, M, L, r, w = self.N, self.M, self.L, self.widths, self.pool
        if rows is not None:
            rows = as_rows(rows, N)
        if self.shallow:
            return _split_delta_network(N, M, r[0], rows)
        tree_pos = np.argsort(self.order)
        legs = [(("W", 0, int(tree_pos[j])), M) for j in range(N)]
        edges = []
        for l in range(1, L + 1):
            for i in range(N // w**l):
                d = ("delta", l, i)
                edges += [(("W", l - 1, w * i + k), d, r[l - 1]) for k in range(w)]
                edges.append((d, ("W", l, i) if l < L else ("out",), r[l - 1]))
        return edges, legs

    def min_cut(self, rows):
        """Min-cut bound on the Schmidt rank of the coefficient tensor for (rows | rest).

        1D: ``tnlite.mincut.min_cut`` on :meth:`tensor_network` (order-3 deltas, where a
        graph cut is exact). 2D: a dynamic programme over the quad-tree that lets a delta
        split at cost r (see ``_tree_min_cut``); the two agree in 1D. A split delta is
        listed in ``edges`` as ``(("delta", l, i), "split", r)``.

        Parameters
        ----------
        rows : sequence of int
            Positions on side P (particles j = row * side + col in 2D).

        Returns
        -------
        tnlite.mincut.MinCut
            ``rank_bound`` equals the rank for generic weights (Levine et al. 2018).
            Shared weights are not generic: one conv per layer makes each pooling
            window's product symmetric in its inputs, so a rank can fall below the cut
            (N = 4, M = 2, widths (4, 4): rank 3 for the block {0, 1}, cut 4).
        """
        rows = as_rows(rows, self.N)
        if self.grid is not None:
            return self._tree_min_cut(rows)
        edges, legs = self.tensor_network(rows)
        return _min_cut(edges, legs, rows)

    def _tree_min_cut(self, rows):
        """Exact min cut of a deep ConvAC's tree with its deltas, by dynamic programming.

        A graph min cut sees a delta of order 5 (2x2 pooling) as a node whose legs must be
        cut one by one, but a delta has rank r across *any* split of its legs: cutting a
        window {a, b} | {c, d, up} costs r, not r**2. Along the tree, for each node and each
        side s in (P, Q) of its upward bond, keep the least product of cut dimensions
        below it: a bond may be cut (times its dim, the part below then picks its best
        side), and a delta may split (times r, each leg picks its best side). The result
        lists a split delta as ``(("delta", l, i), "split", r)``.
        """
        N, M, L, r, w = self.N, self.M, self.L, self.widths, self.pool
        side_of = np.ones(N, dtype=int)
        side_of[list(rows)] = 0  # 0 = P, 1 = Q
        if len(rows) in (0, N):
            return _MinCut(1, 0.0, (), frozenset())

        def bond(g, d):  # the best cost with the bond's upper end on side s
            return [min(g[s], min(g) * d) for s in (0, 1)]

        g_leaf = [[1 if s == side_of[self.order[i]] else M for s in (0, 1)] for i in range(N)]  # leg may be cut
        up = [bond(g, r[0]) for g in g_leaf]  # W^(0,i) output bonds
        tables = [(g_leaf, up, None, None)]
        for l in range(1, L + 1):
            g_delta, splits = [], []
            for i in range(len(up) // w):
                kids = up[w * i: w * i + w]
                same = [math.prod(k[s] for k in kids) for s in (0, 1)]
                split = r[l - 1] * math.prod(min(k) for k in kids)
                g_delta.append([min(same[s], split) for s in (0, 1)])
                splits.append([split < same[s] for s in (0, 1)])
            g_in = [bond(g, r[l - 1]) for g in g_delta]  # delta -> conv (or -> out) bond
            new_up = [bond(g, r[l]) for g in g_in] if l < L else None
            tables.append((g_delta, g_in, splits, new_up))
            up = new_up
        cost = min(tables[L][1][0])

        cut, side_nodes = [], set()

        def settle(g, s, d, u, v):  # the side below a bond whose upper end is on s
            if g[s] > min(g) * d:
                cut.append((u, v, d))
                return int(np.argmin(g))
            return s

        def down_conv(l, i, s):  # conv node W^(l,i), given the side of its output bond's top
            g_own = tables[0][0][i] if l == 0 else tables[l][1][i]
            parent = ("delta", l + 1, i // w)
            s = settle(g_own, s, r[l], ("W", l, i), parent)
            if s == 0:
                side_nodes.add(("W", l, i))
            if l == 0:
                if g_leaf[i][s] > 1:
                    cut.append((("leg", int(self.order[i])), ("W", 0, i), M))
                return
            down_delta(l, i, s)

        def down_delta(l, i, s):  # delta of level l feeding conv (l, i); s = its upward leg's side
            g_delta, _, splits, _ = tables[l]
            s = settle(g_delta[i], s, r[l - 1], ("delta", l, i), ("W", l, i) if l < L else ("out",))
            if s == 0:
                side_nodes.add(("delta", l, i))
            if splits[i][s]:
                cut.append((("delta", l, i), "split", r[l - 1]))
            for k in range(w):
                kid_up = tables[0][1][w * i + k] if l == 1 else tables[l - 1][3][w * i + k]
                down_conv(l - 1, w * i + k, int(np.argmin(kid_up)) if splits[i][s] else s)

        down_delta(L, 0, int(np.argmin(tables[L][1][0])))
        return _MinCut(cost, math.log2(cost), tuple(cut), frozenset(side_nodes))


def _zorder(side):
    """Quad-tree (Z) order of a side x side grid: order[i] = row * side + col of tree position i."""
    z = np.arange(side * side)
    row = np.zeros_like(z)
    col = np.zeros_like(z)
    for b in range(side.bit_length() - 1):
        col |= ((z >> (2 * b)) & 1) << b
        row |= ((z >> (2 * b + 1)) & 1) << b
    return row * side + col


# ---------------------------------------------------------------- CP
class CP:
    """A CP (canonical polyadic) decomposition: A[d] = sum_k weights[k] prod_j factors[j][d_j, k].

    Parameters
    ----------
    factors : sequence of array_like, each shape (d_j, r), d_j >= 1, r >= 1
    weights : array_like, shape (r,)
    p : int, optional
        A prime for exact integer arithmetic mod p; factors and weights must then
        hold integers (they are reduced mod p).

    Attributes
    ----------
    factors : list of ndarray
    weights : ndarray
    N, rank : int
    phys_dims : tuple of int
    """

    def __init__(self, factors, weights, p=None):
        if isinstance(factors, np.ndarray) or not hasattr(factors, "__len__") or len(factors) < 1:
            raise ValueError("factors must be a non-empty list of (d_j, r) arrays")
        factors = [as_array(F, f"factors[{j}]", ndim=2) for j, F in enumerate(factors)]
        weights = as_array(weights, "weights", ndim=1)
        r = weights.shape[0]
        for j, F in enumerate(factors):
            if 0 in F.shape:
                zero = f"d_{j} = 0" if F.shape[0] == 0 else "rank r = 0"
                raise ValueError(f"factors[{j}] has shape {F.shape}, with {zero}: d_{j} and r must be >= 1")
        if r == 0:
            raise ValueError("weights is empty: the rank r must be >= 1")
        for j, F in enumerate(factors):
            if F.shape[1] != r:
                raise ValueError(f"factors[{j}] must have shape (d_{j}, r={r}) to match weights, got {F.shape}")
        if p is not None:
            p = as_prime(p)
            for name, a in [(f"factors[{j}]", F) for j, F in enumerate(factors)] + [("weights", weights)]:
                if not np.issubdtype(a.dtype, np.integer):
                    raise TypeError(f"{name} must hold integers for exact arithmetic mod p={p}, got dtype {a.dtype}")
            factors = [np.mod(F, p).astype(np.int64) for F in factors]
            weights = np.mod(weights, p).astype(np.int64)
        self.factors, self.weights, self.p = factors, weights, p
        self.N, self.rank = len(factors), r
        self.phys_dims = tuple(F.shape[0] for F in factors)

    def __repr__(self):
        return f"CP(N={self.N}, rank={self.rank}, phys_dims={self.phys_dims})"

    @property
    def n_params(self):
        """Number of entries in the factors and weights."""
        return int(sum(F.size for F in self.factors) + self.weights.size)

    def to_dense(self):
        """The represented tensor, shape (d_0, ..., d_{N-1}) (guarded, and so are its two halves)."""
        guard_dense(self.phys_dims, "CP tensor")
        h = self.N // 2
        for half in (self.phys_dims[:h], self.phys_dims[h:]):
            guard_dense((math.prod(half), self.rank),
                        f"CP.to_dense intermediate (half the positions' configurations x rank r={self.rank})")
        left = _product_half(self.factors[:h], self.p) if h else np.ones((1, self.rank), dtype=self.weights.dtype)
        right = _product_half(self.factors[h:], self.p)
        weighted = left * self.weights if self.p is None else left * self.weights % self.p
        A = weighted @ right.T  # (prod d_left, prod d_right)
        if self.p is not None:
            A %= self.p
        return A.reshape(self.phys_dims)

    def amplitudes(self, configs):
        """Entries A[configs] without building A.

        Parameters
        ----------
        configs : array_like of int, shape (B, N)

        Returns
        -------
        ndarray, shape (B,)
        """
        c = as_configs(configs, self.N, self.phys_dims)
        prod = self.factors[0][c[:, 0]]  # (B, r)
        for j in range(1, self.N):
            prod = prod * self.factors[j][c[:, j]]
            if self.p is not None:
                prod %= self.p
        out = prod @ self.weights
        return out % self.p if self.p is not None else out

    def min_cut(self, rows):
        """Min-cut bound for (rows | rest): min(r, prod of P's dims, prod of Q's dims) at most.

        The order-(N+1) delta joining the factors is split along the partition into two
        deltas joined by a bond of dimension r (the same tensor), so the cut can see r.
        """
        rows = as_rows(rows, self.N)
        edges, legs = _split_delta_network(self.N, 1, self.rank, rows)
        legs = [(node, d) for (node, _), d in zip(legs, self.phys_dims)]
        return _min_cut(edges, legs, rows)
