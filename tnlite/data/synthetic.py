"""Seeded synthetic tasks whose dependency structure is known: which inputs the label ties together.

Every task is "related pairs against noise": in class 1 each input j of a fixed pairing
passes something to its partner (with probability 1 - noise; otherwise the partner keeps
its independent value), in class 0 all inputs are independent and uniform. The label
depends on the relations between partners and on nothing else. Inputs are symbols
0..M-1 (M even) read through one-hot features, so a network's score on a sample is an
entry of its coefficient tensor.

- ``"local"``: the partner of 2i is its neighbour 2i + 1, and the whole symbol is copied.
  Every relation crosses the interleaved partition (even | odd positions) and none
  crosses left | right. Telling a copied neighbour from an independent one needs all M
  values of each input: rank M per pair across even | odd.
- ``"global"``: the partner of j is j + N/2, the same place in the other half, and only
  the coarse bit of the symbol (x >= M/2, "dark or bright") is copied. Every relation
  crosses left | right and none crosses even | odd (N/2 is even). Each input matters
  through 2 values only, but the N/2 relations together need rank up to 2**(N/2)
  across left | right.

In 2D (a side x side image, particle j = row * side + col): ``"global"`` pairs pixel
(r, c) with (r, c + side/2) across the vertical midline, ``"local"`` pairs (r, 2c) with
(r, 2c + 1), horizontal neighbours, which the checkerboard partition separates.
Classes are balanced and shuffled.
"""
from __future__ import annotations

import numpy as np

from .._validate import as_int, as_nonnegative, as_power_of_two, as_rng
from ..features import one_hot

__all__ = ["TASKS", "partners", "sequences", "images"]

TASKS = ("global", "local")


def _as_task(task):
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    return task


def partners(N, task, side=None):
    """The pairing of a task: an array of (j, partner) rows, shape (N/2, 2).

    Parameters
    ----------
    N : int
        Number of inputs (even; a square side*side for images).
    task : "global" or "local"
    side : int, optional
        For images: the grid side (N = side**2).
    """
    _as_task(task)
    if side is None:
        j = np.arange(N // 2) if task == "global" else 2 * np.arange(N // 2)
        return np.stack([j, j + N // 2 if task == "global" else j + 1], axis=1)
    r, c = np.divmod(np.arange(N), side)
    first = (c < side // 2) if task == "global" else (c % 2 == 0)
    j = np.flatnonzero(first)
    return np.stack([j, j + (side // 2 if task == "global" else 1)], axis=1)


def _related(configs, pairs, M, task, noise, rng):
    """Pass each pair's symbol (local) or coarse bit (global) on to its partner, except with probability `noise`."""
    keep = rng.random((configs.shape[0], pairs.shape[0])) >= noise  # (n1, pairs)
    a, b = pairs[:, 0], pairs[:, 1]
    half = M // 2
    sent = configs[:, a] if task == "local" else configs[:, b] % half + half * (configs[:, a] >= half)
    configs[:, b] = np.where(keep, sent, configs[:, b])
    return configs


def _draw(N, M, task, pairs, n, noise, rng):
    n = as_int(n, "n", minimum=2)
    noise = as_nonnegative(noise, "noise")
    if noise > 1:
        raise ValueError(f"noise must be a probability in [0, 1], got {noise}")
    rng = as_rng(rng)
    configs = rng.integers(0, M, size=(n, N))
    y = np.arange(n) % 2  # balanced
    configs[y == 1] = _related(configs[y == 1], pairs, M, task, noise, rng)
    order = rng.permutation(n)
    return one_hot(configs[order], M), y[order]


def _as_symbols(M):
    M = as_int(M, "M", minimum=2)
    if M % 2:
        raise ValueError(f"M must be even (the global task copies the coarse bit x >= M/2), got {M}")
    return M


def sequences(N, M, task, n, rng, noise=0.1):
    """A 1D task of n sequences of N symbols (see the module docstring).

    Parameters
    ----------
    N : int
        Sequence length, a power of 2 >= 4 (so that N/2 is even and the tree pools pairs).
    M : int
        Number of symbols (even, >= 2), the one-hot feature size.
    task : "global" or "local"
    n : int
        Number of samples (>= 2), half in each class.
    rng : numpy.random.Generator or int seed
    noise : float in [0, 1]
        Probability that a pair of a class-1 sample is left unrelated.

    Returns
    -------
    X : ndarray, shape (n, N, M)
        One-hot features.
    y : ndarray of int, shape (n,)
        Labels 0 (independent inputs) and 1 (related pairs).
    """
    N, _ = as_power_of_two(N, "N")
    if N < 4:
        raise ValueError(f"N must be >= 4 (pairs on both sides of each partition), got {N}")
    M, task = _as_symbols(M), _as_task(task)
    return _draw(N, M, task, partners(N, task), n, noise, rng)


def images(side, M, task, n, rng, noise=0.1):
    """A 2D task of n side x side images of M grey levels (particle j = row * side + col).

    Parameters
    ----------
    side : int
        A power of 2 >= 4 (8 or 16 in the course).
    M, task, n, rng, noise
        As in :func:`sequences`.

    Returns
    -------
    X : ndarray, shape (n, side**2, M)
    y : ndarray of int, shape (n,)
    """
    side, _ = as_power_of_two(side, "side")
    if side < 4:
        raise ValueError(f"side must be >= 4, got {side}")
    M, task = _as_symbols(M), _as_task(task)
    return _draw(side * side, M, task, partners(side * side, task, side), n, noise, rng)
