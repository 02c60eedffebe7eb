"""Matrix product states: a chain of order-3 cores.

Leg order, stated once: a core is (left, phys, right), in short ``vL i vR``; the first
core has left dimension 1 and the last right dimension 1. Bond t joins core t to core
t+1 (the cut between particles 0..t and t+1..N-1), so an N-site MPS has N-1 bonds.

    vL=1 --[A0]-- chi_0 --[A1]-- chi_1 -- ... --[A_{N-1}]-- vR=1
            |              |                      |
            i_0            i_1                    i_{N-1}

The represented tensor is psi[i_0, ..., i_{N-1}] = A0[:, i_0, :] @ A1[:, i_1, :] @ ...
Entropies are in bits unless `base=` says otherwise.
"""
from __future__ import annotations

import numpy as np

from ._linalg import chain_amplitudes, haar_isometry, matmul, mod, svd_tall
from ._validate import (as_array, as_base, as_configs, as_cutoff, as_int, as_mps_cores, as_nonnegative, as_prime,
                        as_rng, guard_dense)
from ._mps_shapes import core_shape, distinct_cores, largest_chi, random_bonds
from ._mps_sweeps import mixed_canonical, tt_svd
from .network import Graph, Network
from .tensors import entropy_from_schmidt

__all__ = ["MPS"]


class MPS(Network):
    """A matrix product state with cores of shape (left, phys, right).

    Parameters
    ----------
    cores : sequence of array_like, each shape (chi_{t-1}, d_t, chi_t)
        N >= 1 cores with finite entries; ``cores[0].shape[0] == 1 == cores[-1].shape[2]``
        and neighbouring bond dimensions agree.
    discarded_weight : float, optional
        A finite number >= 0. Recorded by :meth:`from_dense`; 0 for an MPS given by its
        cores.
    p : int, optional
        A prime: whole-number cores, and :meth:`to_dense`, :meth:`amplitudes` and
        :meth:`score` computed exactly mod p (for exact ranks). The floating-point
        methods (canonical forms, entropies, overlaps) refuse an exact MPS.

    Attributes
    ----------
    cores : list of ndarray
    N : int
    phys_dims : tuple of int, length N
    bond_dims : tuple of int, length N-1
    discarded_weight : float
    p : int or None
    """

    def __init__(self, cores, discarded_weight=0.0, p=None):
        out = as_mps_cores(cores, None if p is None else as_prime(p))
        self.discarded_weight = as_nonnegative(discarded_weight, "discarded_weight")
        self.cores = out
        self.p = None if p is None else as_prime(p)

    @classmethod
    def _trusted(cls, cores, discarded_weight=0.0, p=None):
        """An MPS from cores built in this module (valid shapes, float/complex, finite), unchecked.

        Used by from_dense, random and canonicalize: the checks of ``__init__`` (among
        them a finiteness pass over every core) cost ~3% of a canonicalisation sweep.
        """
        self = cls.__new__(cls)
        self.cores = list(cores)
        self.discarded_weight = float(discarded_weight)
        self.p = p
        return self

    def params(self):
        """The cores, in site order."""
        return list(self.cores)

    def _rebuild(self, arrays):
        return MPS(arrays, p=self.p)

    def _require_float(self, what):
        if self.p is not None:
            raise ValueError(f"{what} works in floating point; this MPS is exact mod p={self.p}. "
                             "Use to_dense(), amplitudes() or score()")

    # -- shape -----------------------------------------------------------------------
    @property
    def N(self):
        """Number of sites."""
        return len(self.cores)

    @property
    def phys_dims(self):
        """Physical dimension d_t of every site, a tuple of length N."""
        return tuple(c.shape[1] for c in self.cores)

    @property
    def bond_dims(self):
        """Bond dimensions chi_0..chi_{N-2}, a tuple of length N-1."""
        return tuple(c.shape[2] for c in self.cores[:-1])

    @property
    def dtype(self):
        """The common dtype of the cores (float64 or complex128 as a rule)."""
        return np.result_type(*self.cores)

    def __repr__(self):
        if self.N <= 16:
            return f"MPS(N={self.N}, phys_dims={self.phys_dims}, bond_dims={self.bond_dims})"
        d = sorted(set(self.phys_dims))
        return f"MPS(N={self.N}, phys dims {d[0] if len(d) == 1 else d}, max bond dim {max(self.bond_dims)})"

    # -- construction ------------------------------------------------------------------
    @classmethod
    def from_dense(cls, psi, max_bond=None, cutoff=0.0):
        """Tensor-train SVD: split `psi` into cores by sequential SVDs, left to right.

        At cut t the remainder is reshaped to (chi_{t-1} d_t, rest) and split by a thin
        SVD; U becomes core t (left-isometric) and diag(s) Vh the new remainder. With
        neither `max_bond` nor `cutoff` it is exact, with bond dims min(prod d_{<=t},
        prod d_{>t}) (nothing is dropped, not even zero singular values). Cost: one SVD
        per cut, O(d^N) for the first; benchmarks/README.md says which LAPACK route each
        cut takes and why.

        Parameters
        ----------
        psi : array_like, shape (d_0, ..., d_{N-1})
            Any tensor, real or complex, with finite entries; it is not normalised, and
            its scale does not matter (a tensor whose squares would overflow or vanish
            is decomposed rescaled by a power of 2, put back into the last core).
        max_bond : int, optional
            Keep at most this many singular values at every cut.
        cutoff : float
            Also drop singular values with s**2 < cutoff * ||psi||**2 (relative to the
            squared norm of the input, at every cut: the squared scale, so cutoff=1e-20
            drops s < 1e-10 ||psi||). At least one value is always kept; cutoffs are
            honoured down to about 1e-28.

        Returns
        -------
        MPS
            Its ``discarded_weight`` is (sum over cuts of the discarded s**2) / ||psi||**2.
            The truncations are orthogonal to each other, so this equals exactly
            ||psi - psi_mps||**2 / ||psi||**2, where psi_mps = ``to_dense()`` (not
            renormalised).
        """
        psi = as_array(psi, "psi", min_ndim=1)
        if psi.size == 0:
            raise ValueError(f"psi is empty, shape {psi.shape}")
        if max_bond is not None:
            max_bond = as_int(max_bond, "max_bond", minimum=1)
        cutoff = as_cutoff(cutoff)
        if not np.issubdtype(psi.dtype, np.inexact):
            psi = psi.astype(np.float64)
        cores, discarded_weight = tt_svd(psi, max_bond, cutoff)
        return cls._trusted(cores, discarded_weight=discarded_weight)

    @classmethod
    def random(cls, N, d, chi, rng, p=None):
        """A random normalised MPS: left-isometric random cores, bond dims min(chi, d^t, d^(N-t)).

        Each core is a random isometry (QR of a Gaussian matrix), the last a random unit
        vector, so the state has norm 1 and every Schmidt value is O(1/sqrt(chi)).

        Parameters
        ----------
        N, d, chi : int
            Sites (>= 1), physical dimension (>= 1), maximal bond dimension (>= 1).
        rng : numpy.random.Generator or int seed
        p : int, optional
            A prime: integer cores uniform in 0..p-1, exact arithmetic mod p.

        Returns
        -------
        MPS, real

        Raises
        ------
        ValueError
            Before drawing anything, if a core, or all cores together, would have more
            than ``tnlite.MAX_DENSE_ENTRIES`` entries.
        """
        N = as_int(N, "N", minimum=1)
        d = as_int(d, "d", minimum=1)
        chi = as_int(chi, "chi", minimum=1)
        rng = as_rng(rng)
        p = None if p is None else as_prime(p)
        total = sum(n * guard_dense(core_shape(t, N, d, chi), f"random MPS core {t}") for t, n in distinct_cores(N, d, chi))
        guard_dense((total,), f"set of {N} random MPS cores")
        bonds = random_bonds(N, d, chi)
        if p is not None:
            return cls._trusted([rng.integers(0, p, size=(bonds[t], d, bonds[t + 1])) for t in range(N)], p=p)
        cores = []
        for t in range(N):
            left, right = bonds[t], bonds[t + 1]
            if t == N - 1:
                G = rng.standard_normal((left * d, right))
                Q = G / np.linalg.norm(G)
            else:
                Q = haar_isometry(left * d, right, rng)
            cores.append(Q.reshape(left, d, right))  # vL i vR
        return cls._trusted(cores)

    @staticmethod
    def chi_for_params(N, d, n_params):
        """The largest bond dimension chi whose :meth:`random` MPS has at most `n_params` weights.

        For comparisons at equal parameters: the bonds are min(chi, d^t, d^(N-t)), so past
        chi = d^(N//2) nothing grows and that is the largest chi returned.

        Parameters
        ----------
        N, d : int
            Sites (>= 1) and physical dimension (>= 1).
        n_params : int
            The budget of weights, at least N d (the product state, chi = 1).

        Returns
        -------
        int
        """
        N, d = as_int(N, "N", minimum=1), as_int(d, "d", minimum=1)
        n_params = as_int(n_params, "n_params", minimum=1)
        if n_params < N * d:
            raise ValueError(f"n_params={n_params} buys no MPS of N={N} sites of dimension d={d}: "
                             f"chi = 1 already has N d = {N * d} weights")
        return largest_chi(N, d, n_params)

    # -- dense and batched evaluation ------------------------------------------------------
    def to_dense(self):
        """The represented tensor, shape (d_0, ..., d_{N-1}); refused above MAX_DENSE_ENTRIES."""
        guard_dense(self.phys_dims, "MPS contraction")
        T = self.cores[0].reshape(self.phys_dims[0], -1)  # (i_0, vR)
        for c in self.cores[1:]:
            T = matmul(T, c.reshape(c.shape[0], -1), self.p)  # (i_0..i_{t-1}, i_t vR)
            T = T.reshape(-1, c.shape[2])  # (i_0..i_t, vR)
        return T.reshape(self.phys_dims)

    def amplitudes(self, configs):
        """psi[configs[b]] for a batch of basis configurations, without going dense.

        One matrix product per site over the batch, (b, vL) @ (vL, i vR), then the picked
        i (``tnlite._linalg.chain_amplitudes``): O(B N chi^2 d).

        Parameters
        ----------
        configs : array_like of int, shape (B, N)
            Values in 0..d_t-1 (one (N,) row is accepted as B = 1).

        Returns
        -------
        ndarray, shape (B,)
        """
        return chain_amplitudes(self.cores, as_configs(configs, self.N, self.phys_dims), self.p)

    def score(self, X):
        """sum_i psi[i] prod_t X[b, t, i_t]: the MPS read as a linear model of features.

        Parameters
        ----------
        X : array_like, shape (B, N, d)
            One feature vector per site (one-hot rows give :meth:`amplitudes`); every
            site must have the same physical dimension d.

        Returns
        -------
        ndarray, shape (B,)
            A product of N factors whose size moves exponentially with N: a normalised
            state's amplitudes are about d**(-N/2) (``random(256, 2, 4)``: 1e-50 to 1e-44
            on one-hot inputs, measured). Longer chains or features far from unit size
            underflow to exactly 0 or overflow to inf (then nan) without a warning;
            :meth:`log_abs_score` gives log|score| and its sign, finite at any N.
        """
        X = self._as_features(X)
        v = np.ones((X.shape[0], 1), dtype=np.result_type(X.dtype, self.dtype))  # (b, vL)
        for t, core in enumerate(self.cores):
            left, d, right = core.shape
            W = matmul(v, core.reshape(left, d * right), self.p).reshape(-1, d, right)  # (b, i, vR)
            v = mod(np.einsum("bir,bi->br", W, X[:, t]), self.p)  # (b, vR)
        return v[:, 0]

    # -- inner products ------------------------------------------------------------------
    def overlap(self, other):
        """<self|other> = sum conj(self[i]) other[i], contracted site by site (never dense).

        Parameters
        ----------
        other : MPS with the same phys_dims

        Returns
        -------
        complex or float scalar
        """
        if not isinstance(other, MPS):
            raise TypeError(f"other must be an MPS, got {type(other).__name__}")
        self._require_float("overlap")
        other._require_float("overlap")
        if other.phys_dims != self.phys_dims:
            raise ValueError(f"other has phys_dims {other.phys_dims}; self has {self.phys_dims}")
        # two GEMMs per site on reshaped views (the transposes are BLAS flags, not copies):
        # 1.2-1.4x faster than the same contraction by tensordot
        E = np.ones((1, 1), dtype=np.result_type(self.dtype, other.dtype))  # (vL of self, vL of other)
        for A, B in zip(self.cores, other.cores):
            la, d, ra = A.shape
            lb, _, rb = B.shape
            Y = (E.T @ A.conj().reshape(la, d * ra)).reshape(lb * d, ra)  # (vLb i, vRa)
            E = Y.T @ B.reshape(lb * d, rb)  # (vRa, vRb)
        value = E[0, 0]
        return value.real if np.isrealobj(value) else value

    def norm(self):
        """sqrt(<self|self>)."""
        return float(np.sqrt(max(np.real(self.overlap(self)), 0.0)))

    # -- canonical forms and entanglement ------------------------------------------------
    def canonicalize(self, center):
        """Mixed canonical form around site `center`, by QR sweeps; returns a new MPS.

        Cores left of `center` become left-isometric (sum over vL, i of conj(A) A = I),
        cores right of it right-isometric (sum over i, vR of B conj(B) = I); the norm
        sits in core `center`. center = 0 is right-canonical, center = N-1 left-canonical.
        A bond may shrink to min(chi_left d, chi_right) on the way (reduced QR).

        Parameters
        ----------
        center : int, 0 <= center < N
        """
        self._require_float("canonicalize")
        center = as_int(center, "center", minimum=0)
        if center >= self.N:
            raise ValueError(f"center must be in 0..{self.N - 1} for an MPS of N={self.N} sites, got {center}")
        cores = mixed_canonical(self.cores, center, self.dtype)
        return MPS._trusted(cores, discarded_weight=self.discarded_weight)

    def schmidt_values(self):
        """Schmidt values at every cut, from one right-to-left QR sweep and one left-to-right SVD sweep.

        Returns
        -------
        list of N-1 ndarrays
            Entry t: singular values of the cut between sites 0..t and t+1..N-1,
            descending, of the state as given (not normalised).
        """
        if self.N == 1:
            return []
        cores = self.canonicalize(0).cores
        out = []
        C = cores[0]
        for t in range(self.N - 1):
            left, d, right = C.shape
            U, s, Vh = svd_tall(C.reshape(left * d, right))
            out.append(s)
            C = np.tensordot(s[:, None] * Vh, cores[t + 1], axes=(1, 0))  # vL i vR
        return out

    def entropies(self, base=2):
        """Entanglement entropy at each of the N-1 cuts, of the normalised state; never dense.

        Parameters
        ----------
        base : float
            2 for bits (default), numpy.e for nats.

        Returns
        -------
        ndarray, shape (N-1,)
            Entry t is the entropy of sites 0..t against t+1..N-1; at most log(chi_t).
        """
        base = as_base(base)
        self._require_float("entropies")
        values = self.schmidt_values()  # from QRs and SVDs: no squares formed, any scale works
        if values and not values[0].any():
            raise ValueError("this MPS is the zero state: it has no entanglement entropy")
        return np.array([entropy_from_schmidt(s, base) for s in values])

    def log_abs_score(self, X):
        """(log|score|, sign) with each partial contraction rescaled; see :meth:`tnlite.network.Network.log_abs_score`."""
        from ._grad_tn import mps_log_abs_score

        return mps_log_abs_score(self, self._real_features(X, "log_abs_score"))

    def vjp(self, X, g, log=False):
        """Gradient for each core (its environment with the features); see :meth:`tnlite.network.Network.vjp`."""
        from ._grad_tn import mps_vjp
        from ._validate import as_upstream

        X = self._real_features(X, "vjp")
        return mps_vjp(self, X, as_upstream(g, (X.shape[0],)), log)

    def graph(self):
        """The chain: nodes 0..N-1, bonds (t, t+1, chi_t), leg t on node t with dim d_t."""
        edges = [(t, t + 1, chi) for t, chi in enumerate(self.bond_dims)]
        return Graph(edges, [(t, d) for t, d in enumerate(self.phys_dims)], {})
