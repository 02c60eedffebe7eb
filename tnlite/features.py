"""The representation layer: M functions f_d applied to each input, giving features (B, N, M).

A network reads an input x_j only through f(x_j) = (f_0(x_j), ..., f_{M-1}(x_j)). With
one-hot functions the inputs are basis states (spins, grey levels) and the network's
score is an entry of its coefficient tensor; with smooth ones it reads real values.
"""
from __future__ import annotations

import numpy as np

from ._validate import as_array, as_configs, as_int, as_positive_real, guard_dense

__all__ = ["one_hot", "gaussian_features"]


def all_configurations(N, M=2):
    """Every configuration of N sites with M values, shape (M^N, N), in ``to_dense()``'s order (site 0 slowest)."""
    N, M = as_int(N, "N", minimum=1), as_int(M, "M", minimum=1)
    guard_dense((M**N, N), "configurations")
    return np.arange(M**N)[:, None] // M ** np.arange(N - 1, -1, -1) % M


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
    guard_dense(c.shape + (M,), f"one-hot features (B x N configurations x M={M})")
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
        Common width, a finite number > 0 (any: 1e-300 and 1e308 work); by default the
        smallest spacing between distinct neighbouring sorted centres (1 when all centres
        coincide).

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
    width = as_positive_real(width, "width")
    z = x[..., None] - centers  # (B, N, M)
    z /= width  # before squaring: width**2 would overflow (width 1e155) or vanish (1e-162)
    with np.errstate(over="ignore"):  # z**2 = inf far from every centre: exp(-inf) = 0 is right
        np.multiply(z, z, out=z)
    z *= -0.5
    return np.exp(z, out=z)
