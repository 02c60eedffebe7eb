"""Pieces shared by the convolutional arithmetic circuits (ConvAC, ConvAC2D, CP).

Their random conv weights, the delta node that turns a conv layer into a tree node, and
the outer product over positions behind the dense coefficient tensor. Arguments come
checked from the classes' public entry points.
"""
from __future__ import annotations

import math

import numpy as np

from ._linalg import haar_isometries, mod, unit_vector
from ._validate import guard_dense


def product_half(T, p):
    """Outer product over positions of T (n, d, r), keeping the channel: (d**n, r)."""
    out = T[0]
    for t in T[1:]:
        out = mod((out[:, None, :] * t[None, :, :]).reshape(-1, t.shape[1]), p)  # (D*d, r)
    return out


def delta3(r, last):
    """delta(a, b) * last[a, c]: an order-3 node of shape (r, r, k) from `last` (r, k)."""
    guard_dense((r, r, last.shape[1]), f"tree node delta(a, b) W[c, a] (a conv width {r})")
    node = np.zeros((r, r, last.shape[1]), dtype=last.dtype)
    idx = np.arange(r)
    node[idx, idx, :] = last  # (k_left, k_right, k_parent)
    return node


def random_conv_weights(rng, counts, widths, M, shared, p, C=None):
    """Random conv layers (counts[l] positions each) and output weights.

    Floats: orthonormal rows or columns scaled so that unit-size inputs give activations
    whose entries are of size ~1 at every layer (per-entry variance 1/fan-in), which keeps
    floating-point ranks honest at small N; w_out a unit vector (C of them with C
    classes). Exact: uniform integers mod p. Each layer is refused above
    ``tnlite.MAX_DENSE_ENTRIES`` before it is drawn.

    The score is still a product of many such entries, and a product of N random factors
    of size ~1 has a typical size exp(-c N): measured at M = 4, widths 8, one-hot inputs,
    the median |score| is ~0.2 at N = 16, ~5e-3 at N = 64 and ~5e-9 at N = 256 (deep),
    ~4e-3, ~4e-12 and ~6e-53 for the shallow ConvAC. Use ``log_abs_score`` there.
    """
    ins = (M,) + tuple(widths[:-1])
    layers = []
    for l, (n, r_out, r_in) in enumerate(zip(counts, widths, ins)):
        lead = () if shared else (n,)
        guard_dense(lead + (r_out, r_in), f"conv layer {l} (widths[{l}]={r_out} x "
                                          + (f"M={M})" if l == 0 else f"widths[{l - 1}]={r_in})"))
        if p is not None:
            layers.append(rng.integers(0, p, size=lead + (r_out, r_in), dtype=np.int64))
        else:
            fan = 1 if l == 0 else r_in
            layers.append(np.ascontiguousarray(haar_isometries(lead, r_out, r_in, rng)) * math.sqrt(max(r_out, r_in) / fan))
    shape = (widths[-1],) if C is None else (widths[-1], C)
    guard_dense(shape, "output weights w_out")
    if p is not None:
        w_out = rng.integers(0, p, size=shape, dtype=np.int64)
    else:
        w_out = unit_vector(widths[-1], rng) if C is None else np.stack([unit_vector(widths[-1], rng) for _ in range(C)], 1)
    return layers, w_out
