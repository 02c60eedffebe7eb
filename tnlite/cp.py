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

from ._linalg import matmul, mod
from ._validate import (as_array, as_configs, as_features, as_flag, as_int, as_prime, as_residues, as_rng,
                        guard_dense)
from .convac import ConvAC, _delta3, _product_half, _random_weights
from .network import Graph, Network

__all__ = ["CP", "ShallowConvAC"]


def _star(phys_dims, r):
    """The graph of a CP decomposition: factors ("W", 0, j) on one delta ("delta", 1, 0), then ("out",)."""
    N = len(phys_dims)
    edges = [(("W", 0, j), ("delta", 1, 0), r) for j in range(N)] + [(("delta", 1, 0), ("out",), r)]
    return Graph(edges, [(("W", 0, j), d) for j, d in enumerate(phys_dims)], {("delta", 1, 0): r})


class ShallowConvAC(ConvAC):
    """A shallow ConvAC: a 1x1 conv of r channels, global product pooling, a linear output.

    Parameters
    ----------
    W : array_like, shape (N, r, M), or (r, M) if shared across positions
    w_out : array_like, shape (r,)
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
    def random(cls, N, M, r, rng, shared=False, p=None):
        """A shallow ConvAC (a CP decomposition of rank r) with random weights.

        Parameters
        ----------
        N : int
            Positions, N >= 2 (any N; `to_tree` needs a power of 2).
        M, r : int
            Representation channels and conv channels.
        rng, shared, p
            As in :meth:`tnlite.ConvAC.random`.
        """
        N = as_int(N, "N", minimum=2)
        M, r = as_int(M, "M", minimum=1), as_int(r, "r", minimum=1)
        rng, shared = as_rng(rng), as_flag(shared, "shared")
        p = None if p is None else as_prime(p)
        guard_dense(((1 if shared else N), r, M), f"conv layer (N={N} positions x r={r} x M={M})")
        layers, w_out = _random_weights(rng, [N], (r,), M, shared, p)
        return cls(layers[0], w_out, N=N, p=p)

    def __repr__(self):
        exact = f", exact mod {self.p}" if self.p is not None else ""
        return f"ShallowConvAC(N={self.N}, M={self.M}, r={self.r}, n_params={self.n_params}{exact})"

    def graph(self):
        """The star: N convs on one delta of order N+1 (split by a cut at cost r), then the output."""
        return _star(self.phys_dims, self.r)

    def to_cp(self):
        """The coefficient tensor as a :class:`CP` decomposition (factors W^(0,j).T)."""
        return CP(list(self._full(0).transpose(0, 2, 1)), self.w_out, p=self.p)

    def to_tree(self):
        """A binary :class:`tnlite.tree.TreeTN` (N a power of 2): the leaves W^(0,j).T under
        a tree of pure deltas, w_out at the root. Never dense."""
        from .tree import TreeTN

        self._require_float("to_tree")
        N, L = as_int(self.N, "N"), self.N.bit_length() - 1
        if N & (N - 1):
            raise ValueError(f"to_tree needs a power of 2 positions, this shallow ConvAC has N={N}")
        r = self.r
        levels = [[_delta3(r, np.eye(r) if l < L else self.w_out[:, None]) for _ in range(N >> l)]
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
        left = _product_half(self.factors[:h], self.p) if h else np.ones((1, self.rank), dtype=self.weights.dtype)
        right = _product_half(self.factors[h:], self.p)
        return matmul(mod(left * self.weights, self.p), right.T, self.p).reshape(self.phys_dims)

    def amplitudes(self, configs):
        """Entries A[configs] without building A: shape (B,) for configs (B, N)."""
        c = as_configs(configs, self.N, self.phys_dims)
        prod = self.factors[0][c[:, 0]]  # (B, r)
        for j in range(1, self.N):
            prod = mod(prod * self.factors[j][c[:, j]], self.p)
        return matmul(prod, self.weights, self.p)

    def score(self, X):
        """sum_d A[d] prod_j X[b, j, d_j] for features X of shape (B, N, d) (equal d_j only)."""
        if len(set(self.phys_dims)) != 1:
            raise ValueError(f"score needs one local dimension for every position, this CP has {self.phys_dims}; "
                             "use amplitudes for configurations")
        X = as_features(X, self.N, self.phys_dims[0])
        if self.p is not None:
            X = as_residues(X, self.p, "X (features of an exact CP)")
        prod = matmul(X[:, 0], self.factors[0], self.p)  # (B, r)
        for j in range(1, self.N):
            prod = mod(prod * matmul(X[:, j], self.factors[j], self.p), self.p)
        return matmul(prod, self.weights, self.p)

    def graph(self):
        """The star: the N factors on one delta of order N+1 (split by a cut at cost r)."""
        return _star(self.phys_dims, self.rank)
