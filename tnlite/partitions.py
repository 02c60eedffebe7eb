"""Partitions of the inputs: which particles form side P (`rows`); the rest form Q.

Every function returns `rows` as a tuple of particle indices, ascending. In 2D a
particle is j = row * side + col on a side x side grid.

    contiguous(8, 3)      P = 0 1 2 | 3 4 5 6 7        a left | right cut
    interleaved(8, 0)     P = 0 . 2 . 4 . 6 .          odd | even
    interleaved(8, 1)     P = 0 1 . . 4 5 . .          alternating pairs
"""
from __future__ import annotations

import numpy as np

from ._validate import as_int, as_rows, guard_length

__all__ = ["contiguous", "halves", "interleaved", "checkerboard", "left_right_2d", "parse"]


def contiguous(N, t):
    """The first t particles: the cut after particle t-1 (0 < t < N)."""
    N = guard_length(as_int(N, "N", minimum=2), "N", "the list of particles")
    t = as_int(t, "t", minimum=1)
    if t >= N:
        raise ValueError(f"t must be in 1..N-1 = 1..{N - 1} (a cut with particles on both sides), got {t}")
    return tuple(range(t))


def halves(N):
    """Left half | right half: the first N // 2 particles."""
    return contiguous(N, as_int(N, "N", minimum=2) // 2)


def interleaved(N, k=0):
    """Alternating blocks of 2**k particles: the blocks starting at 0, 2**(k+1), ... form P.

    N must be a multiple of 2**(k+1), so that both sides hold N / 2**(k+1) whole blocks.
    """
    N = guard_length(as_int(N, "N", minimum=2), "N", "the list of particles")
    k = _block_exponent(k, N, "N", "interleaved blocks of 2**k = {b} need N a multiple of 2**(k+1) = {b2}")
    return tuple(j for j in range(N) if (j >> k) % 2 == 0)


def checkerboard(side, k=0):
    """Squares of 2**k x 2**k cells coloured like a chessboard; the square at (0, 0) is in P."""
    side = guard_length(as_int(side, "side", minimum=2), "side", "the side x side grid's cells", power=2)
    k = _block_exponent(k, side, "side", "a checkerboard of {b} x {b} squares needs side a multiple of {b2}")
    j = np.arange(side * side)
    return tuple(int(x) for x in j[((j // side >> k) + (j % side >> k)) % 2 == 0])


def left_right_2d(side):
    """The left half of the columns of a side x side grid."""
    side = guard_length(as_int(side, "side", minimum=2), "side", "the side x side grid's cells", power=2)
    j = np.arange(side * side)
    return tuple(int(x) for x in j[j % side < side // 2])


def parse(text, N):
    """A typed partition such as '0, 1, 4' as rows, checked against N.

    Raises ValueError naming the problem: a non-integer, a repeated or out-of-range
    particle, or a side that is empty or holds every particle.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string such as '0, 1, 4', got {type(text).__name__}")
    N = as_int(N, "N", minimum=2)
    try:
        sites = [int(t) for t in text.replace(",", " ").split()]
    except ValueError:
        raise ValueError(f"P must be integers separated by commas (particles, such as 0, 3, 5), got {text!r}") from None
    for j in sites:
        if not 0 <= j < N:
            raise ValueError(f"P has particle {j}, out of range: the {N} particles are numbered 0..{N - 1}")
        if sites.count(j) > 1:
            raise ValueError(f"P names particle {j} twice: each particle is on one side, once")
    rows = as_rows(sites, N, "sites")
    if not rows:
        raise ValueError(f"P is empty: type the particles of side P, e.g. 0, 3, 5 (0..{N - 1})")
    if len(rows) == N:
        raise ValueError(f"P holds all {N} particles: leave at least one for the other side Q")
    return tuple(sorted(rows))


def _block_exponent(k, n, name, message):
    """k as an int >= 0 such that 2**(k+1) divides `n` (so blocks of 2**k alternate evenly);
    otherwise a ValueError: `message` with {b} = 2**k and {b2} = 2**(k+1), then the `name`=n it got."""
    k = as_int(k, "k", minimum=0)
    if k >= n.bit_length():  # 2**(k+1) > 2 n: no whole blocks (and 2**k may be too long to print)
        raise ValueError(f"k must be below log2({name}) (2**(k+1) must divide {name}={n}), got {k}")
    if n % 2 ** (k + 1):
        raise ValueError(message.format(b=2**k, b2=2 ** (k + 1)) + f", got {name}={n}")
    return k
