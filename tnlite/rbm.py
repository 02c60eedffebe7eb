"""Restricted Boltzmann machine (RBM) wave functions and their tensor network.

An RBM over N spins with n_hidden hidden units, the hidden spins summed out
(Carleo & Troyer 2017):

    psi(s) = exp(a . s) prod_u 2 cosh(b_u + W_u . s),    s_j = 1 - 2 c_j in {+1, -1}

for a configuration c in {0, 1}^N (c_j = 0 is spin up, s_j = +1, as in tnlite.spins).
Hidden unit u couples the k sites ``sites[u]`` with the weights ``w[u]`` (shape (H, k));
W_u is that row scattered over the N sites. Connectivity:

- full: every hidden unit couples all N sites (k = N);
- local: a window of `window` consecutive sites (1D), or a `window` x `window` square of
  a 2D grid; the window positions (open boundaries) take the hidden units in turn.

With real parameters every amplitude is positive; amplitudes grow like exp(O(N + H)),
so they are computed in the log domain (:meth:`RBM.log_abs_score`) and exponentiated
last.

Tensor network (:meth:`RBM.graph`), from psi(s) = sum_{h in {+-1}^H} exp(a.s + sum_u h_u (b_u + W_u.s)):

    ("v", j)  a delta on s_j (dimension 2), factor e^{a_j s_j}, open leg j
    ("h", u)  a delta on h_u (dimension 2), factor e^{b_u h_u}
    ("h", u) --2-- ("v", j)  the 2 x 2 matrix e^{W_uj h_u s_j}, one bond per coupling

         (h0)     (h1)          hidden deltas: a cut may split one at 1 bit
         / | \\   / | \\
       (v0)(v1)(v2)(v3)         visible deltas, open legs below
        |   |   |   |

A hidden unit coupled to sites on both sides of a cut is split at the cost of one bit
(cosh(x_P + x_Q) = cosh x_P cosh x_Q + sinh x_P sinh x_Q has rank 2): the Schmidt rank
is at most 2^(hidden units coupled to both sides) (Deng, Li, Das Sarma, PRX 2017).

Exact mode (``p``): exp is replaced by x -> g^x in the integers mod p, g a primitive
root, so psi(s) = g^(a.s) prod_u (g^(theta_u) + g^(-theta_u)) mod p with integer
exponents a, b, w taken mod p - 1. The structure (and so every rank argument) is the
same, and exact ranks follow by elimination mod p (docs/science.md, "Numerical rank and
exact arithmetic").
"""
from __future__ import annotations

import math
import numpy as np

from ._rbm_modp import psi_mod_p
from ._validate import (as_array, as_configs, as_features, as_int, as_prime, as_rbm_weights, as_rng, as_rows, as_upstream,
                        guard_dense, guard_length)
from .network import Graph, Network

__all__ = ["RBM", "rbm_sites"]

#: Configurations per chunk: a chunk's (b, H) hidden activations stay small.
_CHUNK = 8192
#: Largest log-amplitude whose exponential is a finite float64.
_LOG_MAX = math.log(np.finfo(np.float64).max)


def _as_grid(grid, N):
    """(rows, cols) from an int side or a pair, checked against N."""
    if isinstance(grid, (int, np.integer)) and not isinstance(grid, bool):
        grid = (grid, grid)
    try:
        rows, cols = grid
    except (TypeError, ValueError):
        raise TypeError(f"grid must be an int side or a pair (rows, cols), got {grid!r}") from None
    rows, cols = as_int(rows, "grid rows", minimum=1), as_int(cols, "grid cols", minimum=1)
    if rows * cols != N:
        raise ValueError(f"grid {rows} x {cols} has {rows * cols} sites; N={N}")
    return rows, cols


def rbm_sites(N, n_hidden, window, grid=None):
    """The sites each hidden unit couples, for local connectivity; None for full.

    Window positions (open boundaries, row-major in 2D) take the hidden units in turn:
    unit u sits at position u mod (number of positions).

    Parameters
    ----------
    N, n_hidden : int
    window : int or None
        Consecutive sites (1D) or the side of a square (2D); None: fully connected.
    grid : int or (rows, cols), optional
        A 2D lattice of N = rows * cols sites, site j = row * cols + col.

    Returns
    -------
    ndarray of int, shape (n_hidden, window) in 1D or (n_hidden, window**2) in 2D; or None
    """
    N = guard_length(as_int(N, "N", minimum=1), "N", "the list of sites")
    n_hidden = as_int(n_hidden, "n_hidden", minimum=0)
    if window is None:
        if grid is not None:
            _as_grid(grid, N)
        return None
    window = as_int(window, "window", minimum=1)
    if grid is None:
        if window > N:
            raise ValueError(f"window={window} is larger than the system, N={N} sites")
        guard_dense((n_hidden, window), f"hidden units' sites (n_hidden={n_hidden} x window={window})")
        starts = np.arange(N - window + 1)
        return starts[np.arange(n_hidden) % starts.size, None] + np.arange(window)  # (H, window)
    rows, cols = _as_grid(grid, N)
    if window > min(rows, cols):
        raise ValueError(f"window={window} is larger than the {rows} x {cols} grid")
    guard_dense((n_hidden, window, window), f"hidden units' sites (n_hidden={n_hidden} x window^2={window}^2)")
    i, j = np.divmod(np.arange((rows - window + 1) * (cols - window + 1)), cols - window + 1)
    di, dj = np.divmod(np.arange(window * window), window)
    pos = np.arange(n_hidden) % i.size
    return (i[pos, None] + di) * cols + (j[pos, None] + dj)  # (H, window**2)


class RBM(Network):
    """An RBM wave function psi(s) = exp(a.s) prod_u 2cosh(b_u + W_u.s).

    Parameters
    ----------
    a : array_like, shape (N,)
        Visible biases.
    b : array_like, shape (H,)
        Hidden biases (H = n_hidden >= 0).
    w : array_like, shape (H, k)
        Weights of hidden unit u on the sites ``sites[u]``; (H, N) when `sites` is None.
    sites : array_like of int, shape (H, k), optional
        Which sites each hidden unit couples (distinct within a row); None: all N.
    p : int, optional
        A prime: a, b, w are integer exponents (mod p - 1) and every amplitude is exact
        mod p, with exp(x) replaced by g^x for a primitive root g (module docstring).

    Attributes
    ----------
    N, n_hidden : int
    a, b, w, sites : ndarray
    p : int or None
    """

    def __init__(self, a, b, w, sites=None, p=None):
        self.p = None if p is None else as_prime(p)
        self.a, self.b, self.w, self.sites = as_rbm_weights(a, b, w, sites, self.p)
        self.N, self.n_hidden = self.a.shape[0], self.b.shape[0]
        self.phys_dims = (2,) * self.N
        dense = np.zeros((self.n_hidden, self.N), dtype=self.w.dtype)  # W_u scattered over the sites
        np.put_along_axis(dense, self.sites, self.w, axis=1)
        self._W = dense  # (H, N)

    @classmethod
    def random(cls, N, n_hidden, rng, window=None, grid=None, p=None):
        """A random RBM, full or local, with activations b_u + W_u.s of order 1.

        Floats: a, b ~ 0.1 N(0, 1), w ~ N(0, 1/k) for k couplings per unit. Exact (`p`):
        every exponent uniform in 0..p-2.

        Parameters
        ----------
        N : int
            Spins (>= 1).
        n_hidden : int
            Hidden units (>= 0).
        rng : numpy.random.Generator or int seed
        window : int, optional
            Local connectivity (see :func:`rbm_sites`); None: fully connected.
        grid : int or (rows, cols), optional
            2D geometry of the N sites, for square windows.
        p : int, optional
            A prime for exact arithmetic.
        """
        N = as_int(N, "N", minimum=1)
        n_hidden = as_int(n_hidden, "n_hidden", minimum=0)
        sites = rbm_sites(N, n_hidden, window, grid)
        rng = as_rng(rng)
        p = None if p is None else as_prime(p)
        k = N if sites is None else sites.shape[1]
        guard_dense((n_hidden, N), f"RBM weights (n_hidden={n_hidden} x N={N})")
        if p is not None:
            return cls(*(rng.integers(0, p - 1, size=s) for s in ((N,), (n_hidden,), (n_hidden, k))), sites, p=p)
        a, b = 0.1 * rng.standard_normal(N), 0.1 * rng.standard_normal(n_hidden)
        return cls(a, b, rng.standard_normal((n_hidden, k)) / math.sqrt(k), sites)

    def params(self):
        """[a (N,), b (H,), w (H, k)]."""
        return [self.a, self.b, self.w]

    def _rebuild(self, arrays):
        return RBM(*arrays, sites=self.sites, p=self.p)

    def __repr__(self):
        k = self.sites.shape[1] if self.n_hidden else 0
        kind = "full" if k == self.N else f"{k} sites per hidden unit"
        return f"RBM(N={self.N}, n_hidden={self.n_hidden}, {kind}{'' if self.p is None else f', p={self.p}'})"

    # ---- evaluation -----------------------------------------------------------------
    def _log_psi(self, s):
        """log psi for spins s (B, N) in {+-1} (any reals for score): (B,), chunked over the batch."""
        out = np.empty(s.shape[0])
        for i in range(0, s.shape[0], _CHUNK):
            c = s[i:i + _CHUNK]  # (b, N)
            x = np.abs(c @ self._W.T + self.b)  # (b, H): |theta|
            # log(2 cosh theta) = |theta| + log(1 + e^(-2|theta|)): no overflow, 10x faster than logaddexp
            out[i:i + _CHUNK] = c @ self.a + (x + np.log1p(np.exp(-2.0 * x))).sum(axis=1)
        return out

    def _psi_mod_p(self, s, configs=None):
        """psi mod p for integer spins s (B, N), or configurations `configs` (B, N) in {0, 1}: (B,) int64."""
        return psi_mod_p(self._W, self.a, self.b, self.p, s, configs)

    @staticmethod
    def _spins(configs):
        return 1.0 - 2.0 * configs  # (B, N): 0 -> +1 (up), 1 -> -1

    def amplitudes(self, configs):
        """psi(s) for a batch of configurations (B, N) in {0, 1}: shape (B,); residues mod p if exact.

        inf where psi exceeds float64 (log psi > 709.8), as any network's score may; the
        log-domain route is :meth:`log_abs_score`.
        """
        c = as_configs(configs, self.N, 2)
        if self.p is not None:
            return self._psi_mod_p(1 - 2 * c, configs=c)
        return self._exp(self._log_psi(self._spins(c)))

    @staticmethod
    def _exp(log_psi):
        with np.errstate(over="ignore"):
            return np.exp(log_psi)  # inf past float64, like any score

    def _feature_spins(self, X):
        X = as_features(X, self.N, 2)
        if self.p is not None:
            if not np.issubdtype(X.dtype, np.integer) and not np.all(X == np.round(X)):
                raise TypeError(f"X must hold integers for an exact RBM (mod p={self.p}), got dtype {X.dtype}")
            return (X[:, :, 0] - X[:, :, 1]).astype(np.int64)
        if np.iscomplexobj(X):
            raise TypeError(f"X must be real, got dtype {X.dtype}")
        X = X.astype(np.float64, copy=False) if X.dtype == bool else X  # bools do not subtract
        return X[:, :, 0] - X[:, :, 1]  # one-hot: (1, 0) -> s = +1, (0, 1) -> s = -1

    def score(self, X):
        """psi on features X (B, N, 2), reading each spin as s_j = X[:, j, 0] - X[:, j, 1].

        One-hot features give :meth:`amplitudes`. Not multilinear in X (exp and cosh of it):
        on other features it is not the coefficient tensor contracted with X. Unnormalised:
        exp of a sum over N visible and n_hidden hidden units (``random(256, 8)``: 1e2 to
        1e6 on one-hot inputs, measured), so it overflows to inf for large N or weights;
        :meth:`log_abs_score` gives log|score| and its sign, finite at any N.
        """
        s = self._feature_spins(X)
        return self._psi_mod_p(s) if self.p is not None else self._exp(self._log_psi(s))

    def log_abs_score(self, X):
        """(log|score|, sign) on features X (B, N, 2): the log-domain route, finite at any N.

        With real parameters every score on one-hot features is positive (sign 1); on
        other features too, as exp and cosh are positive. Natural logs.
        """
        self._require_float("log_abs_score")
        log_psi = self._log_psi(self._feature_spins(X))
        return log_psi, np.ones_like(log_psi)

    def to_dense(self):
        """psi on all 2^N configurations, shape (2,)*N (site 0 the most significant bit).

        Refused (ValueError) if an amplitude exceeds float64: rescale by exp(-max log psi)
        from :meth:`log_abs_score` instead.
        """
        guard_dense(self.phys_dims, "RBM wave function")
        x = np.arange(2**self.N)
        configs = (x[:, None] >> np.arange(self.N - 1, -1, -1)) & 1  # (2^N, N)
        if self.p is not None:
            return self.amplitudes(configs).reshape(self.phys_dims)
        log_psi = self._log_psi(self._spins(configs))
        if log_psi.max() > _LOG_MAX:
            raise ValueError(f"amplitudes overflow float64 (largest log psi = {log_psi.max():.1f} > {_LOG_MAX:.1f}); "
                             "use log_abs_score and rescale")
        return np.exp(log_psi).reshape(self.phys_dims)

    # ---- gradients ---------------------------------------------------------------------
    def _grad_log(self, s, q):
        """sum_b q_b d log psi(s_b) / d params: [(N,), (H,), (H, k)]."""
        ga, gb, gW = np.zeros(self.N), np.zeros(self.n_hidden), np.zeros((self.n_hidden, self.N))
        for i in range(0, s.shape[0], _CHUNK):
            c, qc = s[i:i + _CHUNK], q[i:i + _CHUNK]
            T = np.tanh(c @ self._W.T + self.b) * qc[:, None]  # (b, H): q d log(2cosh theta) / d theta
            ga += qc @ c
            gb += T.sum(axis=0)
            gW += T.T @ c  # (H, N)
        return [ga, gb, np.take_along_axis(gW, self.sites, axis=1)]

    def vjp(self, X, g, log=False):
        """Gradient of sum_b g_b score(X)_b w.r.t. [a, b, w], in the shapes of :meth:`params`.

        d log psi / d a_j = s_j, d log psi / d b_u = tanh(theta_u), d log psi / d W_uj =
        tanh(theta_u) s_j; d psi = psi d log psi.

        Parameters
        ----------
        X : array_like, shape (B, N, 2)
        g : array_like, shape (B,)
        log : bool
            If True, the gradient of sum_b g_b log|score(X)_b| instead, never forming the
            score: the variational energy's gradient is this with
            g_b = 2 (H psi - E psi)_b psi_b / <psi|psi>, psi rescaled by any constant first
            (docs/science.md, "Networks as variational wave functions").

        Returns
        -------
        list of ndarray, shapes (N,), (H,), (H, k)
        """
        self._require_float("vjp")
        s = self._feature_spins(X)
        g = as_upstream(g, (s.shape[0],))
        return self._grad_log(s, g if log else g * self._exp(self._log_psi(s)))

    def _require_float(self, what):
        if self.p is not None:
            raise ValueError(f"{what} works in floating point; this RBM is exact mod p={self.p}")

    # ---- entanglement --------------------------------------------------------------------
    def graph(self):
        """The RBM's tensor network: visible and hidden deltas, one bond of dimension 2 per coupling."""
        edges = [(("h", u), ("v", int(j)), 2) for u in range(self.n_hidden) for j in self.sites[u]]
        deltas = {("v", j): 2 for j in range(self.N)}
        deltas.update({("h", u): 2 for u in range(self.n_hidden)})
        return Graph(edges, [(("v", j), 2) for j in range(self.N)], deltas)

    def crossing(self, rows):
        """Number of hidden units coupled to sites on both sides of (rows | rest).

        The Schmidt rank across the partition is at most 2 to this power.
        """
        in_P = np.zeros(self.N, dtype=bool)
        in_P[list(as_rows(rows, self.N))] = True
        side = in_P[self.sites]  # (H, k)
        return int(np.count_nonzero(side.any(axis=1) & ~side.all(axis=1)))
