"""Bond dimensions of a random MPS, min(chi, d^t, d^(N-t)), counted in O(log chi) whatever N.

``MPS.random`` guards and draws cores of these shapes; ``MPS.chi_for_params`` inverts the
entry count. Nothing here builds a list of length N before the count is known.
"""
from __future__ import annotations

import math


def _bond(t, N, d, chi):
    """min(chi, d^t, d^(N-t)): bond t (left of site t) of a random MPS, 1 at both ends.

    The exponent is capped first because d^k > chi once k >= chi.bit_length() (d >= 2), so
    no huge power is ever formed.
    """
    return min(chi, d ** min(t, N - t, chi.bit_length()))


def random_bonds(N, d, chi):
    """[1, min(chi, d^1, d^(N-1)), ..., min(chi, d^(N-1), d^1), 1]: the N+1 bonds of a random MPS."""
    return [_bond(t, N, d, chi) for t in range(N + 1)]


def distinct_cores(N, d, chi):
    """[(t, count)]: the sites whose cores can differ in shape, each with how many sites share it.

    Only the first and last chi.bit_length() sites can have a bond below the middle one;
    the sites between all have the same core shape. O(log chi) pairs, whatever N: the
    entries are counted (and guarded) before anything of length N is built.
    """
    cap = chi.bit_length()
    left, right = range(min(cap, N)), range(max(N - cap, cap), N)
    middle = N - len(left) - len(right)
    return [(t, 1) for t in left] + ([(cap, middle)] if middle else []) + [(t, 1) for t in right]


def core_shape(t, N, d, chi):
    return (_bond(t, N, d, chi), d, _bond(t + 1, N, d, chi))


def n_entries(N, d, chi):
    """Entries of all cores of MPS.random(N, d, chi), in O(log chi) whatever N."""
    return sum(n * math.prod(core_shape(t, N, d, chi)) for t, n in distinct_cores(N, d, chi))


def largest_chi(N, d, n_params):
    """The largest chi with n_entries(N, d, chi) <= n_params (>= N d), by bisection."""
    # n_entries(N, d, lo) <= n_params; past d^(N//2) the count stays the same, and a middle bond
    # of d^k > n_params (k = n_params.bit_length() <= N//2) costs more than the budget
    lo, hi = 1, d ** min(N // 2, n_params.bit_length())
    if n_entries(N, d, hi) <= n_params:
        return hi
    while hi - lo > 1:  # n_entries(N, d, hi) > n_params
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if n_entries(N, d, mid) <= n_params else (lo, mid)
    return lo
