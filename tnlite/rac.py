"""Recurrent arithmetic circuits (RACs): recurrent networks with multiplicative integration.

A depth-1 RAC with hidden size R reads N inputs x_1..x_N through M representation
functions f(x_t) (features, shape (M,)) and computes

    h_t = (W_H h_{t-1}) * (W_I f(x_t))      (elementwise product, h_0 a parameter)
    y   = W_O . h_N                          (a scalar score)

with the same W_H (R, R), W_I (R, M) at every step: it is a recurrent net. A depth-L
RAC stacks L such layers; layer k > 1 reads layer k-1's hidden state at the same time
step through its own W_I (R, R). The output reads the top layer.

Unrolled, a depth-1 RAC is a matrix product state of bond dimension R whose cores are
delta-structured (docs/science.md, "RACs are matrix product states"). Leg order of a core, stated once:
(left a, phys d, right b), as in tnlite.mps:

                  W_O
    W_H h_0 --R--[d]--R--[W_H]--R--[d]-- ... --R--[d]--R-- W_O     [d] = delta (copy)
                  |                 |                   |
                 W_I               W_I                 W_I
                  |                 |                   |
                 x_1               x_2                 x_N

    G_t[a, d, b] = W_H[b, a] W_I[b, d]   (first core absorbs W_H h_0, last absorbs W_O)

From depth 2 on, layer 1's state is read twice (by its next step and by layer 2), and no
tensor network copies a vector: ``duplicated_network()`` recomputes layer 1 for every step of
layer 2 from copies of the inputs, equal to the RAC on one-hot inputs, and ``graph()`` /
``min_cut`` use it (docs/science.md, "Information re-use and no-cloning").

Exact arithmetic: ``RAC.random(..., p=PRIME)`` draws integer weights uniformly mod the
prime p and evaluates everything mod p, so that ``tensors.rank_mod_p`` gives the
generic rank of the coefficient tensor exactly (docs/science.md, "Numerical rank and exact
arithmetic").
"""
from __future__ import annotations

import numpy as np

from ._linalg import haar_isometry, matmul, matmul_into, mod, multiply_into, recurrent_chunk, unit_vector
from ._rac_copies import copy_network
from ._rac_dense import prefix_scores
from ._validate import (as_configs, as_features, as_int, as_prime, as_rac_weights, as_real_array, as_residues, as_rng,
                        guard_dense, guard_length, guard_uniform)
from .features import one_hot
from .network import Graph, Network

__all__ = ["RAC"]


def _unit_columns(R, M, rng):
    """(R, M) with entries of magnitude ~1 and each column of norm sqrt(R).

    Multiplying an evenly spread hidden state elementwise by a column then keeps its
    norm on average, so long products neither blow up nor vanish.
    """
    W = rng.choice([-1.0, 1.0], size=(R, M)) * np.exp(rng.uniform(-0.5, 0.5, size=(R, M)))
    return W * (np.sqrt(R) / np.linalg.norm(W, axis=0))


class RAC(Network):
    """A recurrent arithmetic circuit of depth L unrolled over N time steps.

    Parameters
    ----------
    N : int
        Sequence length (number of inputs, "particles"); the weights do not depend on it.
        At most ``tnlite.MAX_DENSE_ENTRIES`` (its per-step list ``phys_dims`` is built).
    W_H : ndarray, shape (R, R), or a sequence of L of them
        Hidden-to-hidden weights of each layer, shared over time.
    W_I : ndarray, shape (R, M), or a sequence of L: the first (R, M), the others (R, R)
        Input weights; layer k > 1 takes layer k-1's hidden state as its input.
    h0 : ndarray, shape (R,), or a sequence of L of them
        Initial hidden state of each layer (a parameter).
    W_O : ndarray, shape (R,)
        Output weights: the score is W_O . h_N of the top layer.
    p : int, optional
        A prime <= 2**24: integer weights, all arithmetic modulo p (exact ranks).
        None (default): real float64 weights.

    Attributes
    ----------
    N, M, R, depth : int
    W_H, W_I, h0 : tuple of ndarray, one per layer
    W_O : ndarray, shape (R,)
    p : int or None
    """

    def __init__(self, N, W_H, W_I, h0, W_O, p=None):
        self.N = as_int(N, "N", minimum=1)
        self.p = None if p is None else as_prime(p)
        W_H, W_I, h0, W_O = as_rac_weights(W_H, W_I, h0, W_O)
        L, R, M = len(W_H), W_O.shape[0], W_I[0].shape[1]
        convert = (lambda w, name: as_residues(w, self.p, name)) if self.p is not None else as_real_array
        self.W_H = tuple(convert(w, "W_H") for w in W_H)
        self.W_I = tuple(convert(w, "W_I") for w in W_I)
        self.h0 = tuple(convert(h, "h0") for h in h0)
        self.W_O = convert(W_O, "W_O")
        self.M, self.R, self.depth = M, R, L
        guard_length(self.N, "N", "the per-step list phys_dims")
        self.phys_dims = (M,) * self.N

    def params(self):
        """[W_H[0..L-1], W_I[0..L-1], h0[0..L-1], W_O]: shared over time, so independent of N."""
        return [*self.W_H, *self.W_I, *self.h0, self.W_O]

    def _rebuild(self, arrays):
        L = self.depth
        return RAC(self.N, arrays[:L], arrays[L:2 * L], arrays[2 * L:3 * L], arrays[-1], p=self.p)

    @classmethod
    def random(cls, N, M, R, rng, depth=1, p=None):
        """A RAC with random weights, drawn so that scores stay O(1) at any N.

        Float weights (p None): W_H Haar-orthogonal (the hidden norm is kept), W_I
        entries of magnitude ~1 with random signs and columns of norm sqrt(R) (an
        elementwise product with a column keeps the norm on average, so long products
        neither explode nor vanish), h0 and W_O unit vectors; layer k > 1's W_I is
        sqrt(R) times an orthogonal matrix. Generic: ranks are those of almost every
        weight setting. With `p`, every weight is uniform in 0..p-1 (exact, mod p).

        Parameters
        ----------
        N, M, R : int
            Sequence length, input dimension, hidden size (each >= 1).
        depth : int
            Number of stacked layers L >= 1.
        rng : numpy.random.Generator or int seed
        p : int, optional
            A prime <= 2**24 for exact arithmetic mod p (e.g. tnlite.tensors.PRIME).

        Returns
        -------
        RAC
            Refused (ValueError) if a weight matrix, or the W_H of all layers together,
            would have more than ``tnlite.MAX_DENSE_ENTRIES`` entries.
        """
        N = as_int(N, "N", minimum=1)
        M = as_int(M, "M", minimum=1)
        R = as_int(R, "R", minimum=1)
        depth = as_int(depth, "depth", minimum=1)
        rng = as_rng(rng)
        p = None if p is None else as_prime(p)
        guard_dense((R, R), f"hidden weights W_H (hidden size R={R})")
        guard_dense((R, M), f"input weights W_I (hidden size R={R} x M={M})")
        guard_dense((depth, R, R), f"set of W_H of all layers (depth={depth} x R={R} x R={R})")
        if p is not None:
            draw = lambda *shape: rng.integers(0, p, size=shape)  # noqa: E731
            W_H = [draw(R, R) for _ in range(depth)]
            W_I = [draw(R, M)] + [draw(R, R) for _ in range(depth - 1)]
            h0 = [draw(R) for _ in range(depth)]
            return cls(N, W_H, W_I, h0, draw(R), p=p)
        W_H = [haar_isometry(R, R, rng) for _ in range(depth)]
        W_I = [_unit_columns(R, M, rng)] + [np.sqrt(R) * haar_isometry(R, R, rng) for _ in range(depth - 1)]
        h0 = [unit_vector(R, rng) for _ in range(depth)]
        return cls(N, W_H, W_I, h0, unit_vector(R, rng))

    def with_length(self, N):
        """The same weights unrolled over a different number of steps N (a new RAC)."""
        return RAC(N, list(self.W_H), list(self.W_I), list(self.h0), self.W_O, p=self.p)

    def __repr__(self):
        exact = f", p={self.p}" if self.p is not None else ""
        return f"RAC(N={self.N}, M={self.M}, R={self.R}, depth={self.depth}{exact})"

    def _features(self, X):
        X = as_features(X, self.N, self.M)
        if self.p is None:
            if np.iscomplexobj(X):
                raise TypeError(f"X must be real for a float RAC, got dtype {X.dtype}")
            return X.astype(np.float64, copy=False)
        return as_residues(X, self.p, "X (features of a RAC mod p, e.g. one-hot)")

    # -- the network ------------------------------------------------------------------------
    def score(self, X):
        """The score W_O . h_N for a batch of input sequences, all at once.

        Parameters
        ----------
        X : array_like, shape (B, N, M)
            Features f(x_t) of each sequence; one-hot rows e_d give amplitudes. For a RAC
            mod p, integer features (the score is then a residue mod p).

        Returns
        -------
        ndarray, shape (B,)
            A product of N steps whose size moves exponentially with N, faster with
            depth (measured on one-hot inputs at N = 256, ``random(256, 2, 4)``: 1e-13 to
            1e-11 at depth 1, 1e-514 to 1e-214 at depth 2, so mostly exactly 0). There they
            underflow to exactly 0 or overflow to inf (then nan) without a warning;
            :meth:`log_abs_score` gives log|score| and its sign, finite at any N.
        """
        X = self._features(X)
        B, p = X.shape[0], self.p
        out = np.empty(B, dtype=np.int64 if p is not None else np.float64)
        WHt = [np.ascontiguousarray(w.T) for w in self.W_H]  # (R_in, R_out) per layer
        WIt = [np.ascontiguousarray(w.T) for w in self.W_I]
        # Batch chunks keep each step's (b, R) arrays in cache; every product is written into
        # one of them; each step reads its inputs (b, M) where they lie in X (strided rows).
        chunk = recurrent_chunk(self.R, out.itemsize)
        for s in range(0, B, chunk):
            x = X[s:s + chunk]  # (b, N, M)
            b = x.shape[0]
            h = [np.tile(h0, (b, 1)) for h0 in self.h0]  # per layer (b, R)
            a, u = np.empty_like(h[0]), np.empty_like(h[0])  # (b, R): W_H h_{t-1}, the layer's input
            for t in range(self.N):
                matmul_into(x[:, t], WIt[0], u, p)  # W_I f(x_t)
                for k in range(self.depth):
                    multiply_into(matmul_into(h[k], WHt[k], a, p), u, h[k], p)  # h_t = (W_H h_{t-1}) * u
                    if k + 1 < self.depth:
                        matmul_into(h[k], WIt[k + 1], u, p)  # the next layer's input
            out[s:s + chunk] = matmul(h[-1], self.W_O[:, None], p)[:, 0]  # (b,)
        return out

    def amplitudes(self, configs):
        """The scores on one-hot inputs: A[configs], shape (B,) for configs (B, N)."""
        return self.score(one_hot(as_configs(configs, self.N, self.M), self.M))

    def coefficient_tensor(self):
        """The paper's name for :meth:`to_dense`."""
        return self.to_dense()

    def to_dense(self):
        """A[d_1..d_N]: the score on the one-hot inputs (e_{d_1}, ..., e_{d_N}).

        For depth 1 the score is multilinear in f(x_1)..f(x_N), so
        score = sum_d A[d_1..d_N] prod_t f_{d_t}(x_t) for any features. For depth > 1
        an input reaches the output along several paths (layer 1 feeds layer 2 at every
        later step) and the score is a polynomial of higher degree in each f(x_t); A is
        then its values on one-hot inputs, i.e. the amplitudes for spin configurations.
        Computed by growing all M^t prefixes one step at a time (no repeated work) until
        they fill a block of about 64k state entries, then finishing the prefixes block
        by block, depth first, each block writing its slice of the prefix-major output:
        the live states stay a few MB at any N (``tnlite._rac_dense``).

        Returns
        -------
        ndarray, shape (M,)*N; int64 residues if the RAC computes mod p
        """
        M, N = self.M, self.N
        guard_uniform(M, N, "RAC coefficient tensor")
        out = np.empty(M**N, dtype=np.result_type(*self.params()))
        prefix_scores(self, [h0[None, :] for h0 in self.h0], N, out)
        return out.reshape((M,) * N)  # (d_1, ..., d_N)

    def mps_cores(self):
        """The depth-1 RAC's MPS cores, built from the weights (never dense).

        G_t[a, d, b] = W_H[b, a] W_I[b, d]: a delta on the hidden index b joins the
        recurrent leg and the input leg. The first core absorbs W_H h_0, the last W_O.

        Returns
        -------
        list of N ndarrays, shapes (1, M, R), (R, M, R), ..., (R, M, 1)
            Refused (ValueError) if they would hold more than ``tnlite.MAX_DENSE_ENTRIES``
            entries in all.
        """
        self._require_depth_one("mps_cores")
        W_H, W_I, h0, W_O = self.W_H[0], self.W_I[0], self.h0[0], self.W_O
        guard_dense((self.R, self.M, self.R), f"MPS core (R={self.R} x M={self.M} x R={self.R})")
        guard_dense((self.N, self.R, self.M, self.R), f"set of N={self.N} MPS cores (R={self.R}, M={self.M})")
        core = np.einsum("ba,bd->adb", W_H, W_I)  # (a, d, b)
        if self.p is not None:
            core %= self.p
        Wh0 = matmul(W_H, h0[:, None], self.p)[:, 0]  # (b,): W_H h_0
        first = mod(Wh0[None, None, :] * W_I.T[None, :, :], self.p)  # (1, d, b)
        if self.N == 1:
            return [matmul(first, W_O[:, None], self.p)]  # (1, d, 1)
        last = matmul(core, W_O[:, None], self.p)  # (a, d, 1)
        return [first] + [core.copy() for _ in range(self.N - 2)] + [last]

    def to_mps(self):
        """The depth-1 RAC as an MPS of bond dimension R (tnlite.mps.MPS).

        Works at any N (e.g. N = 60): the cores come from the weights, nothing is dense.
        ``to_mps().to_dense()`` equals :meth:`coefficient_tensor`.

        Returns
        -------
        tnlite.mps.MPS
        """
        from .mps import MPS

        self._require_depth_one("to_mps")
        if self.p is not None:
            raise ValueError(
                f"to_mps needs a real-valued RAC; this one computes modulo p={self.p}. "
                "For exact ranks use coefficient_tensor() with tnlite.tensors.rank_mod_p"
            )
        return MPS(self.mps_cores())

    def rank_bounds(self):
        """min(R, M^t, M^(N-t)) for the contiguous cuts t = 1..N-1 (sites 0..t-1 | t..N-1).

        The rank of the coefficient tensor at each cut is at most this, and equal for
        generic weights of a depth-1 RAC.

        Returns
        -------
        tuple of N-1 ints
        """
        M, R, N = self.M, self.R, self.N
        cap = R.bit_length()  # M**k > R once k >= cap (M >= 2): no huge power is formed
        return tuple(min(R, M ** min(t, cap), M ** min(N - t, cap)) for t in range(1, N))

    def graph(self):
        """The RAC's tensor network with explicit delta nodes; from depth 2, with duplicated inputs.

        Depth 1, nodes: ("W_H h0",) the vector W_H h_0; ("delta", t) the copy tensor of
        step t; ("W_I", t) the input weights at step t (open leg t, dim M); ("W_H", t) for
        t >= 1 between deltas t-1 and t; ("W_O",) the output vector. Every bond has
        dimension R. Drawing the deltas (rather than the MPS chain) matters when M > R:
        the input of step t reaches the rest only through a bond of dimension R, so a
        cut there costs min(M, R), not M. For contiguous cuts the min cut is
        min(R, M^t, M^(N-t)); for an interleaved partition every bond between the sides
        is cut, and each input on the far side costs min(M, R).

        Depth >= 2: the wiring of :meth:`duplicated_network` (each use of layer 1's state
        computed by its own copy of layer 1, every input handed to its copies by a delta
        of dimension M), which equals the RAC on one-hot inputs.

        Returns
        -------
        tnlite.network.Graph
        """
        if self.depth > 1:
            return self.duplicated_network().graph()
        N, R = self.N, self.R
        edges = [(("W_H h0",), ("delta", 0), R)]
        for t in range(N):
            edges.append((("W_I", t), ("delta", t), R))
            if t >= 1:
                edges += [(("delta", t - 1), ("W_H", t), R), (("W_H", t), ("delta", t), R)]
        edges.append((("delta", N - 1), ("W_O",), R))
        return Graph(edges, [(("W_I", t), self.M) for t in range(N)], {("delta", t): R for t in range(N)})

    def duplicated_network(self):
        """The unrolled RAC as a tensor network with duplicated inputs (equal to it on one-hot inputs).

        Layer l's state at step s is read twice, by its own next step and by layer l+1 at
        step s, and no tensor network copies a vector. So every chain of layer l that
        layer l+1 reads at step s is its own copy, run over steps 0..s. A chain is named
        by its address a = (t_L, ..., t_{l+1}), the steps that spawned it (() for the top
        layer). Labels: ("h", l, a, s) the delta of its state at step s (dim R), ("x", s)
        the copy delta of input s (dim M). Nodes: ("W_H h0", l, a), ("W_H", l, a, s) for
        s >= 1, ("W_I", l, a, s) (reading ("x", s) at l = 1, else the last state of the
        chain a + (s,) of layer l-1), and ("W_O",). Input s has one copy per layer-1 chain
        that reaches step s: N - s of them at depth 2. At depth 1 it is the network of
        :meth:`graph` (other node names), every input read once.

        Returns
        -------
        tnlite._copynet.CopyNetwork
            Its ``einsum_operands()`` contract to :meth:`to_dense` in floating point (for
            a RAC mod p the contraction would need a reduction after every product).
            Refused (ValueError) before anything is built above
            ``tnlite._validate.networks.MAX_GRAPH_NODES`` tensors (about N^depth / depth!).
        """
        return copy_network(self)

    def _require_depth_one(self, what):
        if self.depth != 1:
            raise ValueError(
                f"{what} is defined for depth 1 only; this RAC has depth {self.depth}. "
                "In a deeper RAC layer 1's state at step t feeds layer 2 at t and, through "
                "layer 2's recurrence, every later step: each input is used more than once "
                "(information re-use), so its tensor is not an MPS of bond dimension R and "
                "its Start-End rank grows with N. graph(), min_cut() and duplicated_network() build "
                "its network with duplicated inputs (lesson 08); coefficient_tensor() works at any depth"
            )

    # -- training (tnlite.train): the log-domain forward pass and backpropagation through time
    def log_abs_score(self, X):
        """(log|score|, sign) with every hidden state rescaled; see :meth:`tnlite.network.Network.log_abs_score`."""
        from ._grad_rac import log_abs_score

        return log_abs_score(self, self._real_features(X, "log_abs_score"))

    def vjp(self, X, g, log=False):
        """Gradients for [W_H..., W_I..., h0..., W_O] by backpropagation through time, any depth;
        see :meth:`tnlite.network.Network.vjp`."""
        from ._grad_rac import vjp
        from ._validate import as_upstream

        X = self._real_features(X, "vjp")
        return vjp(self, X, as_upstream(g, (X.shape[0],)), log)
