"""The hierarchical SVD behind TreeTN.from_dense: leaves first, then pairwise up the tree.

Inputs come checked by TreeTN.from_dense (which documents the tolerance, the cutoff and
the discarded weight); nothing here checks again.
"""
from __future__ import annotations

import math

import numpy as np

from ._linalg import left_singular, times_power_of_two, with_safe_norm


def hierarchical_svd(A, L, max_bond, cutoff):
    """Leaves (d_j, k_j) and levels of nodes (k_left, k_right, k_parent) of A, N = 2**L axes.

    Returns (leaves, levels, discarded weight / ||A||^2). One SVD per bond, O(d^N) each.
    """
    N = A.ndim
    total = math.prod(A.shape)
    A, norm2, scale = with_safe_norm(A)  # A (as given) = A (now) * 2**scale
    discarded = 0.0

    def split(mat, block_dim):
        """Kept left singular vectors of `mat` (rows = one block) and the dropped weight."""
        U, s = left_singular(mat)
        if s.size == 0 or s[0] == 0:
            keep = 1
        else:
            tol = s[0] * max(block_dim, total // block_dim) * np.finfo(s.dtype).eps
            keep = max(1, int(np.count_nonzero((s > tol) & (s**2 >= cutoff * norm2))))
        if max_bond is not None:
            keep = min(keep, max_bond)
        return U[:, :keep], float(np.sum(s[keep:] ** 2))

    leaves, core = [], A
    for j in range(N):
        U, w = split(np.moveaxis(core, j, 0).reshape(A.shape[j], -1), A.shape[j])
        leaves.append(U)
        discarded += w
        core = np.moveaxis(np.tensordot(U.conj(), core, axes=([0], [j])), 0, j)  # axis j now the leaf bond
    levels, block = [], [A.shape[j] for j in range(N)]  # block[i] = dim of the particles under bond i
    for l in range(1, L + 1):
        nodes = []
        for i in range(core.ndim // 2):
            kl, kr = core.shape[i], core.shape[i + 1]
            pair = np.moveaxis(core, (i, i + 1), (0, 1))  # (k_left, k_right, rest...)
            if l == L:
                nodes.append(pair.reshape(kl, kr, 1))
                break
            U, w = split(pair.reshape(kl * kr, -1), block[2 * i] * block[2 * i + 1])
            discarded += w
            nodes.append(U.reshape(kl, kr, -1))
            # replace axes i, i+1 of the core by the new bond, at position i
            core = np.moveaxis(np.tensordot(U.reshape(kl, kr, -1).conj(), pair, axes=([0, 1], [0, 1])), 0, i)
        block = [block[2 * i] * block[2 * i + 1] for i in range(len(block) // 2)]
        levels.append(nodes)
    levels[-1][0] = times_power_of_two(levels[-1][0], scale)  # the root carries the norm
    if not np.isfinite(levels[-1][0]).all():
        raise ValueError(f"A's norm, about 2^{scale}, exceeds the float range: its tree cannot hold it; rescale A")
    return leaves, levels, discarded / norm2 if norm2 > 0 else 0.0
