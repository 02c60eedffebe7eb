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

from .._validate import as_int, as_nonnegative, as_power_of_two, as_rng, guard_dense
from ..features import one_hot

__all__ = ["TASKS", "partners", "population", "sequences", "images"]

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


def _as_noise(noise):
    noise = as_nonnegative(noise, "noise")
    if noise > 1:
        raise ValueError(f"noise must be a probability in [0, 1], got {noise}")
    return noise


def _draw(N, M, task, pairs, n, noise, rng):
    n, noise, rng = as_int(n, "n", minimum=2), _as_noise(noise), as_rng(rng)
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


def _pair_table(M, task, noise):
    """T[a, b] (M, M): the probability of a class-1 pair (first, partner) = (a, b)."""
    a, b = np.meshgrid(np.arange(M), np.arange(M), indexing="ij")  # a: first's symbol, b: partner's own draw
    sent = a if task == "local" else b % (M // 2) + (M // 2) * (a >= M // 2)
    T = np.full((M, M), noise / M**2)  # broken: both independent and uniform
    np.add.at(T, (a.ravel(), sent.ravel()), (1 - noise) / M**2)
    return T


def population(N, M, task, noise=0.1, side=None):
    """The population data tensor of a task: what the empirical one of :func:`sequences` (or :func:`images`) tends to.

    D = E[y f(x_1) (x) ... (x) f(x_N)] with y = +1 for class 1 and -1 for class 0 and
    one-hot features, so D[x] = (P_1(x) - P_0(x)) / 2 with P_c the distribution of class c:
    P_0 = 1 / M**N (independent uniform symbols), P_1 the product over the pairs of a
    pair table T (M, M). Its Schmidt spectrum across a partition is the task's own
    entanglement there, free of the sampling noise a finite sample adds.

    Parameters
    ----------
    N, M, task, noise
        As in :func:`sequences` (for images N = side**2).
    side : int, optional
        The grid side, for the task of :func:`images`.

    Returns
    -------
    ndarray, shape (M,) * N
        Refused before any work if M**N is too large to hold.
    """
    M, task, noise = _as_symbols(M), _as_task(task), _as_noise(noise)
    N = as_int(N, "N", minimum=4)
    if N % 2 or (side is not None and as_int(side, "side", minimum=4) ** 2 != N):
        raise ValueError(f"N must be even (inputs related in pairs), and side**2 for images; got N={N}, side={side}")
    guard_dense((M,) * N, "population data tensor")
    pairs = partners(N, task, side)
    P1, order = np.ones(()), []
    for a, b in pairs:
        P1 = np.multiply.outer(P1, _pair_table(M, task, noise))  # (..., first, partner)
        order += [int(a), int(b)]
    P1 = P1.transpose(np.argsort(order))  # axis j = input j
    return (P1 - 1.0 / M**N) / 2
