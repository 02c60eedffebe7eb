"""Shallow ConvACs and CP decompositions: one conv layer, one global product pooling.

    A[d_0, ..., d_{N-1}] = sum_k w[k] prod_j F_j[d_j, k]       (CP, rank <= r)

A shallow ConvAC (one 1x1 conv of r channels at every position, global product pooling,
linear output) computes exactly this with F_j = W^(0,j).T, so its rank is at most r
across every partition. As a tensor network it is a star: the N factors and the output
hang on one delta of order N+1 and dimension r, which a cut may split at cost r::

      out
       | r
       o            delta of order N+1
     / | \\
   F_0 F_1 ... F_{N-1}
    |   |       |
   d_0 d_1     d_{N-1}
"""
from __future__ import annotations

import math

import numpy as np

from ._linalg import conv_chunk, matmul, mod, multiply_into, position_block, product_over_positions
from ._validate import (as_array, as_configs, as_flag, as_int, as_prime, as_residues, as_rng,
                        guard_dense)
from ._convac_parts import delta3, product_half, random_conv_weights
from .convac import ConvAC
from .network import Graph, Network

__all__ = ["CP", "ShallowConvAC"]


def _star(phys_dims, r):
    """The graph of a CP decomposition: factors ("W", 0, j) on one delta ("delta", 1, 0), then ("out",)."""
    N = len(phys_dims)
    edges = [(("W", 0, j), ("delta", 1, 0), r) for j in range(N)] + [(("delta", 1, 0), ("out",), r)]
    return Graph(edges, [(("W", 0, j), d) for j, d in enumerate(phys_dims)], {("delta", 1, 0): r})


def _star_scores(X, F, weights, p):
    """sum_k weights[k] prod_j (X[:, j] @ F[j])[:, k]: scores of a CP decomposition / shallow ConvAC.

    X (B, N, d) is read in place; F (N, d, r), or (d, r) shared; weights (r,) or (r, C).
    The batch runs in chunks (one position's (b, r) block fills the L1 cache) and the
    positions in blocks whose (G, b, r) products fill the L2 cache: each block is multiplied
    down to one (b, r) factor of the running product while it is still in cache.
    """
    B, N = X.shape[:2]
    r = F.shape[-1]
    out = np.empty((B,) + weights.shape[1:], dtype=np.result_type(X.dtype, F.dtype, weights.dtype))
    b = conv_chunk(r, out.itemsize)
    G = position_block(b, r, out.itemsize)
    for s in range(0, B, b):
        x = X[s:s + b].transpose(1, 0, 2)  # (N, b, d)
        acc = None
        for g in range(0, N, G):
            P = product_over_positions(matmul(x[g:g + G], F if F.ndim == 2 else F[g:g + G], p), p)  # (b, r)
            acc = P if acc is None else multiply_into(acc, P, acc, p)
        out[s:s + b] = matmul(acc, weights, p)
    return out


class ShallowConvAC(ConvAC):
    """A shallow ConvAC: a 1x1 conv of r channels, global product pooling, a linear output.

    Parameters
    ----------
    W : array_like, shape (N, r, M), or (r, M) if shared across positions
    w_out : array_like, shape (r,), or (r, C) for C class scores
    N : int, optional
        Number of positions (N >= 2); needed only when W is shared.
    p : int, optional
        A prime for exact arithmetic mod p.

    Attributes
    ----------
    r : int
        Channels, the CP rank bound. Otherwise as :class:`tnlite.ConvAC` with L = 1 and
        ``pool = N``.
    """


    def __init__(self, W, w_out, N=None, p=None):
        W = as_array(W, "W")
        if W.ndim not in (2, 3) or 0 in W.shape[-2:]:
            raise ValueError(f"W must have shape (N, r, M), or (r, M) if shared, with r, M >= 1, got {W.shape}")
        if N is None:
            if W.ndim != 3:
                raise ValueError(f"N is required for a shallow ConvAC with a shared layer of shape (r, M), got W {W.shape}")
            if W.shape[0] < 2:
                raise ValueError(f"W must have N >= 2 positions, shape (N, r, M), got shape {W.shape}")
            N = W.shape[0]
        self.pool = N = as_int(N, "N", minimum=2)
        if W.ndim == 3 and W.shape[0] != N:
            raise ValueError(f"W has {W.shape[0]} positions (shape (N, r, M) = {W.shape}), but N={N}")
        self._setup([W], w_out, N, p)
        self.r = self.widths[0]

    def _rebuild(self, arrays):
        return ShallowConvAC(arrays[0], arrays[1], N=self.N, p=self.p)

    @classmethod
    def random(cls, N, M, r, rng, shared=False, p=None, C=None):
        """A shallow ConvAC (a CP decomposition of rank r) with random weights.

        Parameters
        ----------
        N : int
            Positions, N >= 2 (any N; `to_tree` needs a power of 2).
        M, r : int
            Representation channels and conv channels.
        rng, shared, p, C
            As in :meth:`tnlite.ConvAC.random`.
        """
        N = as_int(N, "N", minimum=2)
        M, r = as_int(M, "M", minimum=1), as_int(r, "r", minimum=1)
        rng, shared = as_rng(rng), as_flag(shared, "shared")
        p = None if p is None else as_prime(p)
        C = None if C is None else as_int(C, "C", minimum=1)
        guard_dense(((1 if shared else N), r, M), f"conv layer (N={N} positions x r={r} x M={M})")
        layers, w_out = random_conv_weights(rng, [N], (r,), M, shared, p, C)
        return cls(layers[0], w_out, N=N, p=p)

    def __repr__(self):
        exact = f", exact mod {self.p}" if self.p is not None else ""
        classes = f", C={self.C}" if self.C is not None else ""
        return f"ShallowConvAC(N={self.N}, M={self.M}, r={self.r}{classes}, n_params={self.n_params}{exact})"

    def score(self, X):
        """Scores of features X (B, N, M), shape (B,) (or (B, C)); see :meth:`tnlite.ConvAC.score`.

        A sum of r products of N factors: ``random(256, 2, 4)`` gives 1e-53 to 1e-39 on
        one-hot inputs (measured); longer inputs underflow to 0 or overflow to inf without
        a warning, where :meth:`log_abs_score` gives log|score| and its sign, finite.
        """
        return _star_scores(self._as_features(X), self._transposed()[0], self.w_out, self.p)

    def graph(self):
        """The star: N convs on one delta of order N+1 (split by a cut at cost r), then the output."""
        return _star(self.phys_dims, self.r)

    def to_cp(self):
        """The coefficient tensor as a :class:`CP` decomposition (factors W^(0,j).T)."""
        self._require_one_score("to_cp")
        return CP(list(self._full(0).transpose(0, 2, 1)), self.w_out, p=self.p)

    def to_tree(self):
        """A binary :class:`tnlite.tree.TreeTN` (N a power of 2): the leaves W^(0,j).T under
        a tree of pure deltas, w_out at the root. Never dense."""
        from .tree import TreeTN

        self._require_float("to_tree")
        self._require_one_score("to_tree")
        N, L = as_int(self.N, "N"), self.N.bit_length() - 1
        if N & (N - 1):
            raise ValueError(f"to_tree needs a power of 2 positions, this shallow ConvAC has N={N}")
        r = self.r
        levels = [[delta3(r, np.eye(r) if l < L else self.w_out[:, None]) for _ in range(N >> l)]
                  for l in range(1, L + 1)]
        return TreeTN(list(self._full(0).transpose(0, 2, 1)), levels)


class CP(Network):
    """A CP (canonical polyadic) decomposition: A[d] = sum_k weights[k] prod_j factors[j][d_j, k].

    Parameters
    ----------
    factors : sequence of array_like, each shape (d_j, r), d_j >= 1, r >= 1
    weights : array_like, shape (r,)
    p : int, optional
        A prime for exact integer arithmetic mod p; factors and weights must then
        hold whole numbers (they are reduced mod p).

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
            factors = [as_residues(F, p, f"factors[{j}]") for j, F in enumerate(factors)]
            weights = as_residues(weights, p, "weights")
        self.factors, self.weights, self.p = factors, weights, p
        self.N, self.rank = len(factors), r
        self.phys_dims = tuple(F.shape[0] for F in factors)

    def __repr__(self):
        return f"CP(N={self.N}, rank={self.rank}, phys_dims={self.phys_dims})"

    def params(self):
        """[factors[0], ..., factors[N-1], weights]."""
        return list(self.factors) + [self.weights]

    def _rebuild(self, arrays):
        return CP(arrays[:-1], arrays[-1], p=self.p)

    @classmethod
    def random(cls, N, d, r, rng, p=None):
        """A random CP decomposition of N factors (d, r): the shallow ConvAC's weights."""
        d = as_int(d, "d", minimum=1)  # named here: the shallow ConvAC calls it M
        net = ShallowConvAC.random(N, d, r, rng, p=p)
        return net.to_cp()

    def to_dense(self):
        """The represented tensor, shape (d_0, ..., d_{N-1}) (guarded, and so are its two halves)."""
        guard_dense(self.phys_dims, "CP tensor")
        h = self.N // 2
        for half in (self.phys_dims[:h], self.phys_dims[h:]):
            guard_dense((math.prod(half), self.rank),
                        f"CP.to_dense intermediate (half the positions' configurations x rank r={self.rank})")
        left = product_half(self.factors[:h], self.p) if h else np.ones((1, self.rank), dtype=self.weights.dtype)
        right = product_half(self.factors[h:], self.p)
        return matmul(mod(left * self.weights, self.p), right.T, self.p).reshape(self.phys_dims)

    def amplitudes(self, configs):
        """Entries A[configs] without building A: shape (B,) for configs (B, N)."""
        c = as_configs(configs, self.N, self.phys_dims)
        table = np.concatenate(self.factors)  # (sum_j d_j, r): the rows of every factor
        start = np.cumsum((0,) + self.phys_dims[:-1])[:, None]  # (N, 1): factor j's first row
        out = np.empty(c.shape[0], dtype=np.result_type(table.dtype, self.weights.dtype))
        b = conv_chunk(self.rank, out.itemsize)
        for s in range(0, c.shape[0], b):
            V = table[start + c[s:s + b].T]  # (N, b, r): F_j[c_j]
            out[s:s + b] = matmul(product_over_positions(V, self.p), self.weights, self.p)
        return out

    def score(self, X):
        """sum_d A[d] prod_j X[b, j, d_j] for features X of shape (B, N, d) (equal d_j only).

        A sum of `rank` products of N factors: tiny or huge at large N (``random(256, 2, 4)``:
        1e-53 to 1e-39 on one-hot inputs, measured), 0 or inf past the float range without a
        warning; :meth:`log_abs_score` gives log|score| and its sign, finite at any N.
        """
        F = np.ascontiguousarray(np.stack(self.factors))  # (N, d, r); factors are often transposed views
        return _star_scores(self._as_features(X), F, self.weights, self.p)

    def graph(self):
        """The star: the N factors on one delta of order N+1 (split by a cut at cost r)."""
        return _star(self.phys_dims, self.rank)

    def log_abs_score(self, X):
        """(log|score|, sign), computed as the shallow ConvAC with these factors (see ConvAC.log_abs_score)."""
        return self._as_shallow("log_abs_score").log_abs_score(X)

    def vjp(self, X, g, log=False):
        """Gradients for [factors..., weights], through the shallow ConvAC with these factors."""
        dW, dw = self._as_shallow("vjp").vjp(X, g, log)
        return [G.T for G in dW] + [dw]

    def _as_shallow(self, what):
        self._real_features(np.zeros((1, self.N, self.phys_dims[0])), what)  # exact, complex, unequal dims: refused
        return ShallowConvAC(np.stack([F.T for F in self.factors]), self.weights)
