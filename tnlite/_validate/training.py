"""Checks at the door of training: upstream gradients, labels, data and optimiser settings.

Each returns what the caller uses and raises a ValueError or TypeError that names the
argument, what it got and what it needs.
"""
from __future__ import annotations

import numpy as np

from . import as_array, as_whole_numbers


def as_upstream(g, shape, name="g"):
    """Upstream weights of a vector-Jacobian product: a finite real float64 array of `shape`."""
    g = as_array(g, name)
    if np.iscomplexobj(g):
        raise TypeError(f"{name} must be real, got dtype {g.dtype}")
    if g.shape != tuple(shape):
        raise ValueError(f"{name} must have the shape of score(X), {tuple(shape)}, got {g.shape}")
    return g.astype(np.float64, copy=False)


def as_labels(y, B, C, name="y"):
    """Class labels: B integers in 0..C-1, as int64."""
    y = as_array(y, name)
    if y.ndim != 1 or y.shape[0] != B:
        raise ValueError(f"{name} must have shape ({B},), one label per sample of X, got {y.shape}")
    y = as_whole_numbers(y, name, "integer class labels")
    if B and (y.min() < 0 or y.max() >= C):
        raise ValueError(f"{name} must hold class labels in 0..C-1 = 0..{C - 1} (the model has C={C} class "
                         f"scores), got values from {y.min()} to {y.max()}")
    return y.astype(np.int64, copy=False)


def as_data(X, name="X"):
    """A batch of features (B, N, M) with B >= 1, real and finite (nan or inf refused by name)."""
    X = as_array(X, name, finite=False)
    if X.ndim != 3 or X.shape[0] == 0:
        raise ValueError(f"{name} must have shape (B, N, M) with B >= 1 samples, got {X.shape}")
    if np.iscomplexobj(X):
        raise TypeError(f"{name} must be real, got dtype {X.dtype}")
    X = X.astype(np.float64, copy=False)
    if not np.isfinite(X).all():
        bad = np.argwhere(~np.isfinite(X))[0]
        raise ValueError(f"{name} has nan or inf entries (first at sample {bad[0]}, position {bad[1]}, feature {bad[2]})")
    return X
