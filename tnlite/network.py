"""The one interface every network of the course follows.

A network over N inputs ("particles") represents a tensor A of shape ``phys_dims``: a
wave function when its inputs are spins, a score h(x) = sum_d A[d] prod_j f_{d_j}(x_j)
when they are features. Whatever its architecture (MPS, tree, ConvAC, RAC, ...), it
answers to the same verbs:

===================  ======================================================================
``N``                number of inputs
``phys_dims``        local dimension of each input, a tuple of N ints
``n_params``         number of weights, ``sum(a.size for a in params())``
``params()``         the model's own weight arrays, in a fixed order
``with_params(ps)``  the same architecture with other weights (a new network)
``to_dense()``       the tensor A (guarded against sizes that cannot be held)
``amplitudes(c)``    entries A[c] at integer configurations c of shape (B, N), batched
``score(X)``         the network's output on features X of shape (B, N, M): (B,), or (B, C)
                     for the ConvAC family with C class scores (``w_out`` of shape (r, C))
``log_abs_score(X)`` (log|score|, sign), computed with per-layer rescaling: no overflow or
                     underflow at N = 256
``vjp(X, g)``        the gradient of sum g * score(X) for each array of ``params()``, by
                     backpropagation (``log=True``: of sum g * log|score(X)|)
``graph()``          the tensor network as a :class:`Graph` (bonds, open legs, deltas)
``min_cut(rows)``    the min-cut bound on the Schmidt rank for (rows | rest), from graph()
``random(.., rng)``  a random instance; ``rng`` is required, ``p`` a prime for exact mode
===================  ======================================================================

On one-hot features, ``score(one_hot(c, M)) == amplitudes(c)``; for the networks whose
score is multilinear in the features (all but deep RACs and the re-use networks), the
score on any features is A contracted with one feature vector per input.

``log_abs_score`` and ``vjp`` are what training needs (:mod:`tnlite.train`); a network
without them raises NotImplementedError naming itself. Both work in floating point only.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validate import as_array, as_features, as_residues, as_rows
from .mincut import min_cut as _min_cut

__all__ = ["Graph", "Network"]


class Graph(NamedTuple):
    """A tensor network's wiring, for :func:`tnlite.mincut.min_cut`.

    Attributes
    ----------
    edges : list of (u, v, dim)
        Bonds between tensors (hashable node ids).
    legs : list of (node, dim)
        ``legs[j]`` is input j's open leg and the tensor it hangs on.
    deltas : dict {node: dim}
        Copy tensors (product pooling, weight sharing in time, copied inputs): a cut may
        split one at cost log(dim), whatever its number of legs.
    """

    edges: list
    legs: list
    deltas: dict = {}


class Network:
    """Base class of every network: the shared verbs, and ``min_cut`` written once.

    A subclass sets ``N`` and ``phys_dims`` and implements ``params``, ``_rebuild``,
    ``to_dense``, ``amplitudes``, ``score`` and ``graph``; a trainable one also
    ``log_abs_score`` and ``vjp``.
    """

    N: int
    phys_dims: tuple

    def params(self):
        """The weight arrays of the network, in a fixed order (the arrays themselves)."""
        raise NotImplementedError

    @property
    def n_params(self):
        """Number of weights: the total size of :meth:`params`."""
        return int(sum(a.size for a in self.params()))

    def with_params(self, params):
        """The same architecture with the weights `params` (a new network; self is unchanged).

        Parameters
        ----------
        params : sequence of array_like
            As :meth:`params` returns them: same number, order and shapes.
        """
        mine = self.params()
        if isinstance(params, np.ndarray) or not hasattr(params, "__len__") or len(params) != len(mine):
            got = len(params) if hasattr(params, "__len__") else type(params).__name__
            raise ValueError(f"params must be a list of {len(mine)} arrays, as params() returns, got {got}")
        arrays = []
        for k, (a, b) in enumerate(zip(params, mine)):
            a = as_array(a, f"params[{k}]")
            if a.shape != b.shape:
                raise ValueError(f"params[{k}] must have shape {b.shape}, as params()[{k}], got {a.shape}")
            arrays.append(a)
        return self._rebuild(arrays)

    def _rebuild(self, arrays):
        raise NotImplementedError

    def _as_features(self, X):
        """`X` checked as features (B, N, M) of this network: residues mod p for an exact one."""
        if len(set(self.phys_dims)) != 1:
            raise ValueError(f"score needs one local dimension for every input, this {type(self).__name__} has "
                             f"{self.phys_dims}; use amplitudes for configurations")
        X = as_features(X, self.N, self.phys_dims[0])
        p = getattr(self, "p", None)
        return X if p is None else as_residues(X, p, f"X (features of an exact {type(self).__name__})")

    def to_dense(self):
        """The tensor A, shape ``phys_dims``."""
        raise NotImplementedError

    def amplitudes(self, configs):
        """A[configs[b]] for a batch of configurations of shape (B, N); shape (B,)."""
        raise NotImplementedError

    def score(self, X):
        """The network's output on features X of shape (B, N, M); shape (B,).

        A product of about N factors: its size moves exponentially with N (1e-50 at
        N = 256 is common) and past the float range it is 0 or inf without a warning.
        Where the size matters, :meth:`log_abs_score` gives log|score| and its sign.
        """
        raise NotImplementedError

    def log_abs_score(self, X):
        """log|score(X)| (natural log) and sign(score(X)), each of the score's shape.

        Computed with per-layer rescaling: each activation is divided by its norm
        and the logs of those factors are summed, so scores far below 1e-308 or
        above 1e308 (long products, N = 64-256) come out finite. ``logabs`` is -inf where
        the score is exactly 0 (sign 0).
        """
        raise NotImplementedError(f"{type(self).__name__} has no log_abs_score (no log-domain forward pass); "
                                  "the trainable networks are ConvAC, ConvAC2D, ShallowConvAC, CP, RAC, MPS, TreeTN")

    def vjp(self, X, g, log=False):
        """Vector-Jacobian product: the gradient of sum_b g_b . score(X)_b for each array of :meth:`params`.

        Backpropagation through the network (each weight's environment contracted), in
        float64, batched, with the activations rescaled as in :meth:`log_abs_score`.

        Parameters
        ----------
        X : array_like, shape (B, N, M)
        g : array_like, the shape of ``score(X)``: (B,) or (B, C)
            Upstream weights, e.g. d loss / d score.
        log : bool
            If True, the gradient of sum_b g_b . log|score(X)_b| instead, computed without
            ever forming the score (finite at any N): what log-domain losses need.

        Returns
        -------
        list of ndarray
            Same order and shapes as :meth:`params`.
        """
        raise NotImplementedError(f"{type(self).__name__} has no vjp (no backward pass); "
                                  "the trainable networks are ConvAC, ConvAC2D, ShallowConvAC, CP, RAC, MPS, TreeTN")

    def _real_features(self, X, what):
        """X as float64 (B, N, M) for `what` (log_abs_score, vjp): a real float network, one local dimension M."""
        if getattr(self, "p", None) is not None:
            raise ValueError(f"{what} works in floating point; this {type(self).__name__} is exact mod p={self.p}")
        if any(np.iscomplexobj(a) for a in self.params()):
            raise TypeError(f"{what} needs real weights; this {type(self).__name__} has complex ones")
        if len(set(self.phys_dims)) != 1:
            raise ValueError(f"{what} needs one local dimension for every input, this {type(self).__name__} has "
                             f"{self.phys_dims}")
        X = as_features(X, self.N, self.phys_dims[0])
        if np.iscomplexobj(X):
            raise TypeError(f"X must be real for {what}, got dtype {X.dtype}")
        return X.astype(np.float64, copy=False)

    def graph(self):
        """The tensor network as a :class:`Graph`."""
        raise NotImplementedError

    def min_cut(self, rows):
        """Min-cut bound on the Schmidt rank of the partition (rows | rest) of the inputs.

        The minimal cut of :meth:`graph` (bonds, open legs and split deltas, each at the
        log of its dimension) separating the inputs `rows` from the others: the Schmidt
        rank of :meth:`to_dense` across the partition is at most ``rank_bound``.

        Parameters
        ----------
        rows : sequence of int
            Inputs on side P.

        Returns
        -------
        tnlite.mincut.MinCut
        """
        rows = as_rows(rows, self.N)
        g = self.graph()
        return _min_cut(g.edges, g.legs, rows, g.deltas)
