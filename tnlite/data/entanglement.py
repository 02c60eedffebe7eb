"""How entangled a data set is across a partition of its inputs (Alexander, De La Vega, Razin & Cohen, 2023).

Alexander et al. ("What makes data suitable for a locally connected neural network? A
necessary and sufficient condition based on quantum entanglement", NeurIPS 2023,
arXiv:2303.11249) define, for samples x^(1..n) with N inputs each (feature vectors
f(x_j) of size M) and binary labels y in {-1, +1}, the *empirical data tensor*

    D = (1/n) sum_s y_s  f(x_1^(s)) (x) f(x_2^(s)) (x) ... (x) f(x_N^(s))      shape (M,)*N

and measure the data's entanglement across a partition (P, Q) of the inputs as the
entanglement entropy of D / ||D||: with s_k the singular values of the matricization
[D]_{P,Q}, S = -sum_k p_k log p_k, p_k = s_k**2 / sum s**2. Their theorem: a locally
connected tensor network (and the networks it stands for) fits the data well iff this
entropy is low, up to log of its width, across the partitions its structure cuts.

Computed here without forming D (M**N entries): [D]_{P,Q} = Phi_P^T diag(y) Phi_Q / n,
with Phi_P (n, M**|P|) the samples' tensor products over P. When both sides have at
most 4,096 configurations Phi_P and Phi_Q are built and [D]_{P,Q} is decomposed
directly; otherwise through the n x n Gram matrices G_P = Phi_P Phi_P^T (the product
over j in P of the feature overlaps <f(x_j^(s)), f(x_j^(t))>): with G_P = L_P L_P^T and
G_Q = L_Q L_Q^T, the non-zero singular values of [D]_{P,Q} are those of
L_P^T diag(y) L_Q / n. Entropies are in bits unless `base` says otherwise (the paper
uses natural logs).
"""
from __future__ import annotations

import math

import numpy as np

from .._linalg import singular_values
from .._validate import as_base, as_data, as_rows
from ..tensors import entropy_from_schmidt

__all__ = ["entanglement", "schmidt_values"]

_DIRECT = 4096  # configurations per side below which [D]_{P,Q} is built directly


def _signs(y, n):
    """Labels as +-1 floats: the smaller of two distinct values -> -1; None -> all +1 (no labels)."""
    if y is None:
        return np.ones(n)
    y = np.asarray(y)
    if y.ndim != 1 or y.shape[0] != n:
        raise ValueError(f"y must have shape ({n},), one label per sample of X, got {y.shape}")
    values = np.unique(y)
    if values.size > 2:
        raise ValueError(f"y must hold two classes (the data tensor is defined for binary labels), got {values.size} "
                         f"distinct values; for one class against the rest pass (y == c)")
    return np.where(y == values[-1], 1.0, -1.0) if values.size == 2 else np.ones(n)


def _products(X, sites):
    """Phi (n, M**len(sites)): each sample's tensor product of its features over `sites`."""
    n = X.shape[0]
    Phi = np.ones((n, 1))
    for j in sites:
        Phi = (Phi[:, :, None] * X[:, j, None, :]).reshape(n, -1)  # (n, configs so far x M)
    return Phi


def _factor(sites, X):
    """L (n, k) with L L^T = the Gram matrix prod_{j in sites} X_j X_j^T (eigenvalues below noise dropped)."""
    G = np.ones((X.shape[0], X.shape[0]))
    for j in sites:
        G *= X[:, j] @ X[:, j].T  # (n, n): overlaps of the features of input j
    w, V = np.linalg.eigh(G)
    keep = w > w.max() * X.shape[0] * np.finfo(float).eps
    return V[:, keep] * np.sqrt(w[keep])


def schmidt_values(X, y, rows):
    """Singular values of the empirical data tensor's matricization [D]_{rows, rest}, normalised.

    Parameters
    ----------
    X : array_like, shape (n, N, M)
        Features of the samples (real, finite).
    y : array_like, shape (n,), or None
        Two classes (mapped to -1 and +1, the larger value to +1), or None for the
        unlabelled tensor (1/n) sum_s of the products.
    rows : sequence of int
        Inputs on side P; the rest are Q.

    Returns
    -------
    ndarray
        Descending, with sum of squares 1 (D / ||D||).
    """
    X = as_data(X)
    n, N, M = X.shape
    rows = as_rows(rows, N)
    rest = [j for j in range(N) if j not in rows]
    if not rows or not rest:
        raise ValueError(f"rows must leave both sides non-empty (1..N-1 = 1..{N - 1} inputs), got {len(rows)}")
    signs = _signs(y, n)
    if max(M ** len(rows), M ** len(rest)) <= _DIRECT:
        s = singular_values(_products(X, rows).T @ (signs[:, None] * _products(X, rest)))  # [D]_{P,Q} * n
    else:
        s = singular_values(_factor(rows, X).T @ (signs[:, None] * _factor(rest, X)))
    norm = math.sqrt(float(np.sum(s**2)))
    if norm == 0:
        raise ValueError("the data tensor is zero (the classes' feature products cancel): it has no entanglement")
    return s / norm


def entanglement(X, y, rows, base=2):
    """Entanglement entropy of the empirical data tensor across (rows | rest), in bits by default.

    See the module docstring for the definition (Alexander et al. 2023). 0 means the
    labelled data factor across the partition; log(min(dim P, dim Q, n)) is the most.

    Parameters
    ----------
    X, y, rows
        As in :func:`schmidt_values`.
    base : float
        2 for bits (default), numpy.e for nats.

    Returns
    -------
    float
    """
    base = as_base(base)
    return float(entropy_from_schmidt(schmidt_values(X, y, rows), base))
