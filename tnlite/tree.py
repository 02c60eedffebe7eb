"""Binary tree tensor networks (hierarchical Tucker format).

Leg order, stated once. N = 2**L particles, paired (0,1), (2,3), ... at every level.
A leaf matrix maps particle j to its leaf bond: ``leaves[j]`` has legs (phys, bond),
shape (d_j, k_j). A node at level l = 1..L joins two children of level l-1 (the
leaves when l = 1): ``levels[l-1][i]`` has legs (left, right, parent), shape
(k_left, k_right, k_parent), and its children are nodes 2i and 2i+1 of level l-1.
The single node of level L is the root; its parent bond has dimension 1.

                    root            level L = 2 (parent bond 1)
                  /      \\
              n(1,0)    n(1,1)      level 1: (left, right, parent)
              /  \\      /   \\
            L0   L1    L2   L3      leaves: (phys, bond)
            |    |     |    |
            d0   d1    d2   d3      open legs (particles)

The represented tensor has shape (d_0, ..., d_{N-1}). Node ids used by `min_cut`
(and by the drawings): leaf j is (0, j), node i of level l is (l, i).

`mera_graph` gives the wiring of a binary MERA (Vidal 2007/2008) for the min-cut
bound only: its tensors are never filled in here.
"""
from __future__ import annotations

import numpy as np

from ._linalg import haar_isometry, matmul, mod
from ._validate import (as_array, as_configs, as_cutoff, as_int, as_int_or_ints, as_linalg_dtype, as_nonnegative,
                        as_tree_cores, as_power_of_two, as_prime, as_residues, as_rng, guard_dense)
from ._tree_hsvd import hierarchical_svd
from .network import Graph, Network

__all__ = ["TreeTN", "mera_graph"]

#: Largest N for `mera_graph`: it lists ~3N bonds as Python tuples (N = 2**16: ~50 MB).
_MAX_MERA_N = 2**16


class TreeTN(Network):
    """A binary tree tensor network over N = 2**L particles.

    Parameters
    ----------
    leaves : sequence of N array_like, leaves[j] shape (d_j, k_j)
        Leaf matrices, legs (phys, bond).
    levels : sequence of L lists; levels[l-1] holds N / 2**l array_like of shape
        (k_left, k_right, k_parent)
        Node i of level l joins children 2i and 2i+1 of level l-1; the root (level L)
        has k_parent == 1.
    discarded_weight : float, optional
        Squared singular values dropped by :meth:`from_dense`, relative to the squared
        norm of the tensor it approximated; 0 otherwise. A finite number >= 0.
    p : int, optional
        A prime: whole-number cores, and :meth:`to_dense`, :meth:`amplitudes` and
        :meth:`score` computed exactly mod p.

    Attributes
    ----------
    leaves : list of ndarray
    levels : list of list of ndarray
    N, L : int
    phys_dims : tuple of int, length N
    bond_dims : list of L lists of int
    discarded_weight : float
    """

    def __init__(self, leaves, levels, discarded_weight=0.0, p=None):
        discarded_weight = as_nonnegative(discarded_weight, "discarded_weight")
        out_leaves, out_levels = as_tree_cores(leaves, levels)
        N, L = len(out_leaves), len(out_levels)
        if p is not None:
            p = as_prime(p)
            convert = lambda a, name: as_residues(a, p, name)  # noqa: E731
        else:
            dtype = np.result_type(np.float64, *out_leaves, *(t for row in out_levels for t in row))
            convert = lambda a, name: a.astype(dtype, copy=False)  # noqa: E731
        self.leaves = [convert(a, f"leaves[{j}]") for j, a in enumerate(out_leaves)]
        self.levels = [[convert(t, f"levels[{l}][{i}]") for i, t in enumerate(row)] for l, row in enumerate(out_levels)]
        self.N, self.L, self.p = N, L, p
        self.discarded_weight = discarded_weight

    def params(self):
        """[leaves[0..N-1], then the nodes level by level, left to right]."""
        return list(self.leaves) + [t for row in self.levels for t in row]

    def _rebuild(self, arrays):
        leaves, rest, levels = arrays[:self.N], arrays[self.N:], []
        for row in self.levels:
            levels.append(rest[:len(row)])
            rest = rest[len(row):]
        return TreeTN(leaves, levels, p=self.p)

    # ---- shapes -------------------------------------------------------------
    @property
    def phys_dims(self):
        """Local dimension d_j of each particle."""
        return tuple(a.shape[0] for a in self.leaves)

    @property
    def bond_dims(self):
        """Bond dimensions per level: [0] = leaf bonds k_j (N), [l] = parent bonds of level l (N/2**l), l < L."""
        dims = [[a.shape[1] for a in self.leaves]]
        dims += [[t.shape[2] for t in row] for row in self.levels[:-1]]
        return dims

    def __repr__(self):
        return f"TreeTN(N={self.N}, phys_dims={self.phys_dims}, bond_dims={self.bond_dims})"

    # ---- contraction ---------------------------------------------------------
    def to_dense(self):
        """The represented tensor.

        Returns
        -------
        ndarray, shape (d_0, ..., d_{N-1})
        """
        guard_dense(self.phys_dims, "tree tensor")
        blocks = list(self.leaves)  # each (D_block, k): the block's particles flattened, then its bond
        for row in self.levels:
            new = []
            for i, t in enumerate(row):
                left, right = blocks[2 * i], blocks[2 * i + 1]
                kl, kr, kp = t.shape
                half = matmul(left, t.reshape(kl, kr * kp), self.p).reshape(-1, kr, kp)  # (D_left, k_right, k_parent)
                new.append(matmul(right, half, self.p).reshape(-1, kp))  # (D_left * D_right, k_parent)
            blocks = new
        return blocks[0].reshape(self.phys_dims)

    def amplitudes(self, configs):
        """Entries of the tensor at a batch of basis configurations, without going dense.

        Parameters
        ----------
        configs : array_like of int, shape (B, N)
            configs[b, j] in 0..d_j-1. One configuration of shape (N,) is treated as B = 1.

        Returns
        -------
        ndarray, shape (B,)
        """
        c = as_configs(configs, self.N, self.phys_dims)
        return self._up([a[c[:, j]] for j, a in enumerate(self.leaves)])  # leaves: each (B, k_j)

    def score(self, X):
        """sum_i A[i] prod_j X[b, j, i_j]: the tree read as a linear model of features.

        Parameters
        ----------
        X : array_like, shape (B, N, d)
            One feature vector per particle; every particle must have the same dimension d.

        Returns
        -------
        ndarray, shape (B,)
            A product over N leaves whose size moves exponentially with N: a normalised
            state's amplitudes are about d**(-N/2) (``random(256, 2, 4)``: 1e-51 to 1e-44 on
            one-hot inputs, measured). Larger trees or features far from unit size
            underflow to exactly 0 or overflow to inf (then nan) without a warning;
            :meth:`log_abs_score` gives log|score| and its sign, finite at any N.
        """
        X = self._as_features(X)
        return self._up([matmul(X[:, j], a, self.p) for j, a in enumerate(self.leaves)])

    def _up(self, vecs):
        """Contract the batch of leaf vectors `vecs` (each (B, k_j)) up to the root: (B,)."""
        for row in self.levels:
            vecs = [
                mod(np.einsum("bc,bce->be", vecs[2 * i + 1], matmul(vecs[2 * i], t.reshape(t.shape[0], -1), self.p)
                              .reshape(-1, t.shape[1], t.shape[2])), self.p)
                for i, t in enumerate(row)
            ]  # each (B, k_parent): the left child through the node, then the right child
        return vecs[0][:, 0]

    def log_abs_score(self, X):
        """(log|score|, sign) with each node's vector rescaled; see :meth:`tnlite.network.Network.log_abs_score`."""
        from ._grad_tn import tree_log_abs_score

        return tree_log_abs_score(self, self._real_features(X, "log_abs_score"))

    def vjp(self, X, g, log=False):
        """Gradient for each leaf and node (its environment with the features); see :meth:`tnlite.network.Network.vjp`."""
        from ._grad_tn import tree_vjp
        from ._validate import as_upstream

        X = self._real_features(X, "vjp")
        return tree_vjp(self, X, as_upstream(g, (X.shape[0],)), log)

    def norm(self):
        """Frobenius norm of the represented tensor, contracted with its conjugate up the tree (never dense)."""
        if self.p is not None:
            raise ValueError(f"norm works in floating point; this tree is exact mod p={self.p}")
        grams = [a.conj().T @ a for a in self.leaves]  # each (k, k'): bra bond, ket bond
        for row in self.levels:
            grams = [
                np.einsum("ab,cd,ace,bdf->ef", grams[2 * i], grams[2 * i + 1], t.conj(), t, optimize=True)
                for i, t in enumerate(row)
            ]  # each (k_parent, k_parent')
        return float(np.sqrt(abs(grams[0][0, 0])))

    # ---- entanglement ----------------------------------------------------------
    def graph(self):
        """The tree: leaf j is node (0, j), node i of level l is (l, i); legs[j] = ((0, j), d_j).

        Leaf bonds k_j and open legs d_j are cuttable as well as the bonds between nodes;
        the root's trivial parent bond is left out.
        """
        edges = [((l, i), (l + 1, i // 2), k) for l, row in enumerate(self.bond_dims) for i, k in enumerate(row)]
        return Graph(edges, [((0, j), d) for j, d in enumerate(self.phys_dims)], {})

    # ---- constructors ------------------------------------------------------------
    @classmethod
    def from_dense(cls, A, max_bond=None, cutoff=0.0):
        """Hierarchical SVD of a dense tensor, leaves first, then pairwise up the tree.

        Each leaf matrix holds the leading left singular vectors of the single-site
        matricization [A]_{j, rest} (of A already projected onto the leaves before j);
        A is projected onto them, and each pair of neighbouring (projected) blocks is
        split the same way, level by level. Without truncation the result is exact and
        each bond equals the rank of the matching dyadic block's matricization (numpy's
        ``matrix_rank`` tolerance, ``s_max * max(dim block, dim rest) * eps``, as in
        ``tnlite.schmidt_rank``). Cost: one SVD per bond, O(d^N) each.

        Parameters
        ----------
        A : array_like, shape (d_0, ..., d_{N-1}), N a power of 2
            Finite entries, not empty, of any scale (as in ``MPS.from_dense``).
        max_bond : int, optional
            Keep at most this many singular vectors per bond.
        cutoff : float
            Also drop singular values with s**2 < cutoff * ||A||**2 (as in
            ``MPS.from_dense``); at least one is always kept.

        Returns
        -------
        TreeTN
            Its ``discarded_weight`` is the sum of the squared singular values dropped,
            relative to ``||A||_F**2`` (as in ``MPS.from_dense``). Each SVD is taken of the
            tensor already projected by the earlier steps, so each dropped part is
            orthogonal to everything kept afterwards and
            ``||A - T.to_dense()||_F**2 / ||A||_F**2`` equals it.
        """
        A = as_linalg_dtype(as_array(A, "A"), "A")
        N, L = as_power_of_two(A.ndim, "A.ndim (the number of particles N)")
        if A.size == 0:
            raise ValueError(f"A is empty, shape {A.shape}: it has no tree decomposition")
        if max_bond is not None:
            max_bond = as_int(max_bond, "max_bond", minimum=1)
        cutoff = as_cutoff(cutoff)
        if not np.issubdtype(A.dtype, np.inexact):
            A = A.astype(np.float64)
        leaves, levels, discarded_weight = hierarchical_svd(A, L, max_bond, cutoff)
        return cls(leaves, levels, discarded_weight=discarded_weight)

    @classmethod
    def random(cls, N, d, chi, rng, p=None):
        """A normalised tree with random isometric cores: leaves and nodes have orthonormal
        columns where their shape allows (orthonormal rows otherwise).

        Such cores are generic (the Schmidt ranks reach the min cut with probability 1)
        and keep every entry O(1)-conditioned, so ranks in floating point are reliable.

        Parameters
        ----------
        N : int, a power of 2
        d : int
            Local dimension of every particle.
        chi : int or sequence of L ints
            Bond dimension at every level, or per level (chi[0] = leaf bonds).
        rng : numpy.random.Generator or int seed
        p : int, optional
            A prime: integer cores uniform in 0..p-1, exact arithmetic mod p.

        Returns
        -------
        TreeTN
            Refused (ValueError) if a core, or all of them together, would have more
            than ``tnlite.MAX_DENSE_ENTRIES`` entries (a node has chi[l-1]**2 chi[l]).
        """
        N, L = as_power_of_two(N, "N")
        d = as_int(d, "d", minimum=1)
        rng = as_rng(rng)
        p = None if p is None else as_prime(p)
        chi = list(as_int_or_ints(chi, "chi", L, f"N={N} needs one per level 0..L-1, L=log2({N})={L}",
                                  " (one per level)")) + [1]
        guard_dense((d, chi[0]), f"random leaf (d={d} x chi[0]={chi[0]})")
        total = N * d * chi[0]
        for l in range(1, L + 1):
            k, kp = chi[l - 1], chi[l]
            guard_dense((k, k, kp), f"random node of level {l} (chi[{l - 1}]={k} squared x "
                                    + ("1, the root)" if l == L else f"chi[{l}]={kp})"))
            total += (N >> l) * k * k * kp
        guard_dense((total,), f"set of random cores (N={N}, d={d}, chi={tuple(chi[:-1])})")
        draw = (lambda m, n: rng.integers(0, p, size=(m, n))) if p is not None else (
            lambda m, n: haar_isometry(m, n, rng))
        leaves = [draw(d, chi[0]) for _ in range(N)]
        levels = [[draw(chi[l - 1] ** 2, chi[l]).reshape(chi[l - 1], chi[l - 1], chi[l]) for _ in range(N >> l)]
                  for l in range(1, L + 1)]
        tree = cls(leaves, levels, p=p)
        if p is not None:
            return tree
        tree.levels[-1][0] = tree.levels[-1][0] / tree.norm()
        return tree


def mera_graph(N, chi, d=2):
    r"""The wiring of a binary MERA with open ends, as (edges, legs) for ``min_cut``.

    Layer tau acts on n = N / 2**tau sites: disentanglers ("u", tau, i) on sites
    (2i+1, 2i+2) for i < n/2 - 1 (two legs in, two out), then isometries ("w", tau, i)
    on sites (2i, 2i+1), each passing one bond of dimension `chi` up to site i of layer
    tau + 1. The last isometry, on the top two sites, is the top tensor.

        w   w   w   w        isometries: 2 legs in, 1 out (chi)
        |\ /\ /\ /|
        | u   u   u |        disentanglers: 2 in, 2 out
        |/ \ / \ / \|
        0 1 2 3 4 5 6 7      open legs (particles), dimension d

    Parameters
    ----------
    N : int, a power of 2
    chi : int
        Bond dimension above the bottom layer.
    d : int
        Local dimension of the particles (the bonds of the bottom layer).

    Returns
    -------
    tnlite.network.Graph
        Edges, legs (one per particle) and no deltas.

    Raises
    ------
    ValueError
        N above 2**16 = 65,536: the lists would take gigabytes of Python objects.
    """
    N, _ = as_power_of_two(N, "N")
    if N > _MAX_MERA_N:
        raise ValueError(f"N={N:,} is too large for mera_graph: it lists about 3N bonds as Python objects; "
                         f"use N <= 2**16 = {_MAX_MERA_N:,}")
    chi = as_int(chi, "chi", minimum=1)
    d = as_int(d, "d", minimum=1)
    edges, legs = [], [None] * N
    src, dims, tau = [("leg", j) for j in range(N)], [d] * N, 0  # what feeds each site

    def attach(source, node, dim):
        if source[0] == "leg":
            legs[source[1]] = (node, dim)
        else:
            edges.append((source, node, dim))

    while True:
        n, into = len(src), list(src)
        for i in range(n // 2 - 1):
            for s in (2 * i + 1, 2 * i + 2):
                attach(src[s], ("u", tau, i), dims[s])
                into[s] = ("u", tau, i)
        for i in range(n // 2):
            for s in (2 * i, 2 * i + 1):
                attach(into[s], ("w", tau, i), dims[s])
        if n == 2:
            return Graph(edges, legs, {})
        src, dims, tau = [("w", tau, i) for i in range(n // 2)], [chi] * (n // 2), tau + 1
