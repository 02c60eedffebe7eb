"""Entanglement scaling: the most entanglement each architecture can carry across a region.

Regions, stated once:

- 1D: the first ``ell`` sites of an open chain of ``N`` sites, side P = 0..ell-1
  (default N = 2 ell: the chain's two halves, the Start-End partition of a recurrent net);
- 2D: an ``alpha`` x ``alpha`` block of a ``side`` x ``side`` lattice (particle
  j = row * side + col) with its corner at (top, left), centred by default.

Every ``*_1d`` / ``*_2d`` function returns an upper bound on the Schmidt rank of the region
that holds for every weight setting of the architecture, as an exact int (the entropy bound
in bits is :func:`bits` of it). Each docstring names where the bound comes from; each bound
is checked in tests/test_scaling.py against the min cut of a network built by the library
and against exact ranks mod p of random instances. What each architecture costs, in
parameters, is in :mod:`tnlite.budget`.

=====================  ==================================================  ============
architecture           bound on the rank of the region                     law (1D/2D)
=====================  ==================================================  ============
MPS, bond chi          min cut of the chain (one bond per boundary)        area
binary tree            min cut of the tree                                 area..log
MERA                   min cut of Vidal's wiring (~ log2 ell bonds)        log
RBM, window / full     2^(units coupled across, capped by the sites read)  area / volume
deep RAC, depth L      monomials of the state passed across the cut        log, steeper with L
overlapping ConvAC     r M^(sites within the light cone of the boundary)   volume up to depth(K-1)
=====================  ==================================================  ============
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from ._validate import as_int, as_power_of_two, guard_dense, guard_length
from .mincut import min_cut
from .rbm import rbm_sites
from .tree import mera_graph

__all__ = ["bits", "region_1d", "region_2d", "mps_1d", "mps_2d", "tree_1d", "mera_1d", "rbm_1d", "rbm_2d",
           "deep_rac_1d", "deep_rac_lower_1d", "overlapping_convac_1d", "overlapping_convac_2d"]


def bits(rank):
    """The entropy bound log2(rank) in bits, for an int rank >= 1 of any size."""
    return math.log2(as_int(rank, "rank (a rank bound, an int >= 1)", minimum=1))


# ---- regions ---------------------------------------------------------------------------
def region_1d(ell, N=None):
    """(N, rows) for the first `ell` sites of a chain of N sites (N = 2 ell by default)."""
    ell = as_int(ell, "ell", minimum=1)
    name = "2 ell (the default N)" if N is None else "N"
    N = 2 * ell if N is None else as_int(N, "N", minimum=2)
    guard_length(N, name, "the chain's sites")
    if ell >= N:
        raise ValueError(f"ell must be in 1..N-1 = 1..{N - 1} (sites on both sides), got ell={ell}")
    return N, tuple(range(ell))


def region_2d(alpha, side, top=None, left=None):
    """rows of the alpha x alpha block with corner (top, left) on a side x side lattice (centred by default)."""
    alpha, side = as_int(alpha, "alpha", minimum=1), as_int(side, "side", minimum=2)
    guard_length(side, "side", "the side x side lattice's sites", power=2)
    if alpha >= side:
        raise ValueError(f"alpha={alpha} must be smaller than side={side}: the block needs sites outside it")
    top = (side - alpha) // 2 if top is None else as_int(top, "top", minimum=0)
    left = (side - alpha) // 2 if left is None else as_int(left, "left", minimum=0)
    if top + alpha > side or left + alpha > side:
        raise ValueError(f"the {alpha} x {alpha} block at (top={top}, left={left}) lies outside the "
                         f"{side} x {side} lattice: top and left must be <= side - alpha = {side - alpha}")
    r, c = np.divmod(np.arange(side * side), side)
    inside = (r >= top) & (r < top + alpha) & (c >= left) & (c < left + alpha)
    return tuple(int(j) for j in np.flatnonzero(inside))


def _mask(rows, shape):
    m = np.zeros(math.prod(shape), dtype=bool)
    m[list(rows)] = True
    return m.reshape(shape)


# ---- tensor-network wirings: the bound is their min cut ------------------------------------
def _cut(graph_edges, legs, rows, deltas=None):
    return min_cut(graph_edges, legs, rows, deltas).rank_bound


def _mps_bonds(N, chi, d):
    cap = chi.bit_length()
    return [min(chi, d ** min(t + 1, N - t - 1, cap)) for t in range(N - 1)]  # as MPS.random draws them


def _chain_cut(N, chi, d, rows):
    """Min cut of an MPS chain (legs d, bonds as MPS.random draws them) for any rows, by dynamic programming.

    Each core sits on side P or Q; a leg on the other side from its core is cut (d), and so
    is a bond between cores on different sides. best[s]: the cheapest product so far with
    the current core on side s (exact ints, compared directly).
    """
    in_P, bonds = set(rows), _mps_bonds(N, chi, d)
    best = [1 if 0 in in_P else d, d if 0 in in_P else 1]  # [core 0 on P, core 0 on Q]
    for t in range(1, N):
        leg = (1 if t in in_P else d, d if t in in_P else 1)
        b = bonds[t - 1]
        best = [leg[0] * min(best[0], best[1] * b), leg[1] * min(best[1], best[0] * b)]
    return min(best)


def mps_1d(ell, chi, d=2, N=None):
    """min(chi, d^ell, d^(N-ell)): one bond of dimension chi separates a chain's prefix.

    Source: the Schmidt decomposition at a bond of an MPS (Vidal, PRL 91, 147902 (2003));
    docs/science.md, "Matrix product states". An area law: flat in ell.
    """
    chi, d = as_int(chi, "chi", minimum=1), as_int(d, "d", minimum=1)
    N, rows = region_1d(ell, N)
    return min(chi, d**len(rows), d ** (N - len(rows)))


def mps_2d(alpha, side, chi, d=2, top=None, left=None):
    """Min cut of an MPS laid along the rows of the lattice (row-major order), bonds min(chi, d^t, d^(N-t)).

    Each of the block's alpha rows is a run of the chain, cut off by two bonds: about
    chi^(2 alpha), an area law, but one that a fixed chi pays on every row.
    Source: the min-cut bound (Cui et al., J. Math. Phys. 57, 062206 (2016)) on the chain;
    docs/science.md, "The min-cut bound".
    """
    chi, d = as_int(chi, "chi", minimum=1), as_int(d, "d", minimum=1)
    rows = region_2d(alpha, side, top, left)
    return _chain_cut(side * side, chi, d, rows)


@lru_cache(maxsize=32)
def _tree_wiring(N, chi, d):
    """TreeTN's graph without tensors: leaf j is (0, j), node i of level l is (l, i)."""
    _, L = as_power_of_two(N, "N (a tree's leaves, a power of 2)")
    edges = [((l, i), (l + 1, i // 2), chi) for l in range(L) for i in range(N >> l)]
    return edges, [((0, j), d) for j in range(N)]


def tree_1d(ell, chi, d=2, N=None):
    """Min cut of a binary tree (bond chi at every level, as TreeTN.random(N, d, chi)) for a chain's prefix.

    A prefix that is a branch (ell a power of two, N = 2 ell) is cut off by one bond;
    otherwise one bond per branch it is made of, O(log ell) of them: between an area law
    and a log law. Source: Shi, Duan, Vidal, PRA 74, 022320 (2006) (tree tensor
    networks), with the min-cut bound; docs/science.md, "Tree tensor networks and MERA".
    """
    chi, d = as_int(chi, "chi", minimum=1), as_int(d, "d", minimum=1)
    N, rows = region_1d(ell, N)
    edges, legs = _tree_wiring(N, chi, d)
    return _cut(edges, legs, rows)


@lru_cache(maxsize=32)
def _mera_wiring(N, chi, d):
    g = mera_graph(N, chi, d)
    return g.edges, g.legs


def mera_1d(ell, chi, d=2, N=None):
    """Min cut of a binary MERA's wiring (tnlite.mera_graph, bond chi) for a chain's prefix.

    The cut crosses about one bond per layer on each side of the block it can still
    separate, so about log2(ell) + 1 bonds for a block at the end of the chain: a log law,
    S <= (log2 ell + 1) log2 chi. N must be a power of 2 (the wiring exists only there).
    Source: Vidal, PRL 99, 220405 (2007) and PRL 101, 110501 (2008); docs/science.md,
    "Tree tensor networks and MERA".
    """
    chi, d = as_int(chi, "chi", minimum=1), as_int(d, "d", minimum=1)
    N, rows = region_1d(ell, N)
    as_power_of_two(N, "N (Vidal's binary MERA has N a power of 2 sites; pass N)")
    edges, legs = _mera_wiring(N, chi, d)
    return _cut(edges, legs, rows)


# ---- windows that straddle a boundary: RBM units and ConvAC light cones --------------------
def _box_sums(a, size):
    """Sums of `a` over every box of `size` along each axis (valid positions): shape a.shape - size + 1."""
    for ax in range(a.ndim):
        c = np.cumsum(a, axis=ax)
        c = np.concatenate([np.zeros_like(np.take(c, [0], axis=ax)), c], axis=ax)
        n = c.shape[ax]
        a = np.take(c, range(size, n), axis=ax) - np.take(c, range(0, n - size), axis=ax)
    return a


def _straddling(in_P, size):
    """Windows of `size` per axis (every valid corner) that hold sites of both sides.

    Returns (straddle, boundary): straddle[corner] is True for a window with sites of P and
    of Q; boundary[site] is True for a site inside some straddling window.
    """
    P = in_P.astype(np.int64)
    straddle = (_box_sums(P, size) > 0) & (_box_sums(1 - P, size) > 0)
    padded = np.pad(straddle.astype(np.int64), [(size - 1, size - 1)] * in_P.ndim)
    return straddle, _box_sums(padded, size) > 0


def _rbm_rank(in_P, n_hidden, window):
    """2^min(units coupled across, sites of P they read, sites of Q they read)."""
    n_P, N = int(in_P.sum()), in_P.size
    if window is None:
        crossing, read_P, read_Q = (n_hidden, n_P, N - n_P) if n_hidden else (0, 0, 0)
    else:
        straddle, boundary = _straddling(in_P, window)
        per_corner = n_hidden // straddle.size + (np.arange(straddle.size) < n_hidden % straddle.size)
        crossing = int(per_corner[straddle.reshape(-1)].sum())
        if n_hidden < straddle.size:  # not every corner has a unit: count the sites actually read
            used = np.zeros(straddle.size, dtype=bool)
            used[:n_hidden] = True
            straddle &= used.reshape(straddle.shape)
            boundary = _box_sums(np.pad(straddle.astype(np.int64), [(window - 1, window - 1)] * in_P.ndim), window) > 0
        read_P, read_Q = int((boundary & in_P).sum()), int((boundary & ~in_P).sum())
    return 2 ** min(crossing, read_P, read_Q)


def rbm_1d(ell, n_hidden, window=None, N=None):
    """2^min(c, |P_read|, |Q_read|) for an RBM, c its hidden units coupled to both sides of the cut.

    Units as :meth:`tnlite.RBM.random` places them (:func:`tnlite.rbm.rbm_sites`): full, or
    windows of `window` sites taking the units in turn. A unit coupled to both sides
    contributes a factor of Schmidt rank 2 (Deng, Li, Das Sarma, PRX 7, 021021 (2017): short-
    range RBMs obey an area law); the factors are functions of the sites they read, so the
    rank is also at most 2^(sites of either side read by a crossing unit) (docs/science.md,
    "Entanglement scaling"). Local windows: an area law, at most window - 1 bits (the sites
    within reach of the cut), however many units; full: a volume law up to n_hidden bits.
    """
    n_hidden = as_int(n_hidden, "n_hidden", minimum=0)
    N, rows = region_1d(ell, N)
    if window is not None:
        rbm_sites(N, 1, window)  # refuses a window larger than the chain
        window = int(window)
    return _rbm_rank(_mask(rows, (N,)), n_hidden, window)


def rbm_2d(alpha, side, n_hidden, window=None, top=None, left=None):
    """As :func:`rbm_1d` on the lattice: full, or window x window squares taking the units in turn."""
    n_hidden = as_int(n_hidden, "n_hidden", minimum=0)
    rows = region_2d(alpha, side, top, left)
    if window is not None:
        rbm_sites(side * side, 1, window, grid=side)  # refuses a window larger than the lattice
        window = int(window)
    return _rbm_rank(_mask(rows, (side, side)), n_hidden, window)


# ---- deep RAC: the state passed across the cut -------------------------------------------------
def _rac_degrees(depth, n):
    """Degree of the output in each layer's hidden state h^1_t..h^L_t after n more steps."""
    deg = [[int(m == k) for m in range(depth)] for k in range(depth)]  # deg[k][m]: h^k_{t+j} in h^m_t
    for _ in range(n):
        new = [deg[0]]
        for k in range(1, depth):
            new.append([a + b for a, b in zip(deg[k], new[k - 1])])  # h^k_{t+j} = (W h^k_{t+j-1}) * (W' h^(k-1)_{t+j})
        deg = new
    return deg[-1]


def deep_rac_1d(ell, M, R, depth, N=None):
    """Rank bound of a depth-L RAC for its first ell inputs against the rest.

    Everything after step ell reads the past only through the hidden states
    h^1..h^L at that step (R numbers each), and the score is a polynomial in them,
    homogeneous of degree D_m in h^m (D_L = 1, D_{L-1} = N - ell, ...: layer k multiplies
    in layer k-1's state at every later step). So the rank is at most the number of
    monomials, prod_m C(R + D_m - 1, D_m), and at most M^ell, M^(N-ell). Depth 1 gives
    min(R, M^ell, M^(N-ell)) (an MPS of bond R); depth 2 at N = 2 ell gives
    R (ell + 1) for R = 2: growth with the sequence, a log law whose slope grows with depth.
    Source: the course's derivation (docs/science.md, "Entanglement scaling"), matching the
    growth of the Start-End separation rank proved by Levine, Sharir, Ziv, Shashua,
    arXiv:1710.09431. Measured (tests/test_scaling.py): the exact generic rank for M <= R
    at every cut with N <= 10, depth <= 3, R <= 3 (at depth 3 only the caps M^ell, M^(N-ell)
    bind there); where the monomial count binds at depth 3 (M = R = 2, halves of N = 22)
    the exact rank is 1604 against 1608; for M > R it can be loose at any cut (depth 3,
    M = 3, R = 2, N = 8, ell = 4: 54 against 81).
    """
    M, R = as_int(M, "M", minimum=1), as_int(R, "R", minimum=1)
    depth = as_int(depth, "depth", minimum=1)
    N, rows = region_1d(ell, N)
    ell = len(rows)
    guard_dense((depth, depth, N - ell), f"degree table of {depth} layers over {N - ell} steps")  # the work below
    monomials = math.prod(math.comb(R + D - 1, D) for D in _rac_degrees(depth, N - ell))
    return min(monomials, M**ell, M ** (N - ell))


def deep_rac_lower_1d(ell, M, R, depth=2, N=None):
    """The Start-End rank a depth-2 RAC reaches for generic weights: at least C(min(M, R) + ell - 1, ell).

    A lower bound (the only one here), for the two halves of a sequence of N = 2 ell
    inputs. Source: Levine, Sharir, Ziv, Shashua, arXiv:1710.09431 (the depth-2 Start-End
    separation-rank bound). The source gives it for depth 2 and the two halves only; other
    depths or regions are refused rather than extrapolated.
    """
    M, R = as_int(M, "M", minimum=1), as_int(R, "R", minimum=1)
    ell = as_int(ell, "ell", minimum=1)
    if as_int(depth, "depth", minimum=1) != 2:
        raise ValueError(f"the source proves this lower bound for depth 2 only, got depth={depth}")
    if N is not None and as_int(N, "N", minimum=2) != 2 * ell:
        raise ValueError(f"the source proves this lower bound for the two halves (N = 2 ell = {2 * ell}) only, got N={N}")
    return math.comb(min(M, R) + ell - 1, ell)


# ---- overlapping ConvAC: the light cone of the boundary --------------------------------------
def _convac_rank(in_P, M, r, K, depth):
    cone = depth * (K - 1)
    if min(in_P.shape) < cone + 1:
        raise ValueError(f"depth={depth} with K={K} leaves no position: the system needs at least "
                         f"depth*(K-1) + 1 = {cone + 1} sites per axis")
    _, boundary = _straddling(in_P, cone + 1)
    n_P = int(in_P.sum())
    read = min(int((boundary & in_P).sum()), int((boundary & ~in_P).sum()))
    return min(M ** min(n_P, in_P.size - n_P), r * M**read)


def overlapping_convac_1d(ell, M, r, K, depth, N=None):
    """r M^(inputs of either side within the light cone of the cut), capped by M^min(ell, N-ell).

    tnlite.reuse's overlapping ConvAC (stride 1, valid windows of K, `depth` layers, then a
    1x1 conv, global product pooling over r channels and a linear readout): an output of
    the last layer reads a window of depth (K-1) + 1 inputs. The outputs whose windows lie
    on one side give product factors; those straddling the cut read at most depth (K-1)
    inputs of each side; the readout sums r channels. So the rank is at most
    r M^min(ell, N - ell, depth (K-1)): a volume law up to the light cone depth (K-1).
    Source: docs/science.md, "Information re-use and no-cloning" (the course's light-cone
    derivation); Levine, Sharir, Cohen, Shashua, PRL 122, 065301 (2019), Theorem 1 and its
    appendix on overlapping convolutional networks, for the volume law it supports.
    """
    M, r, K = as_int(M, "M", minimum=1), as_int(r, "r", minimum=1), as_int(K, "K", minimum=1)
    depth = as_int(depth, "depth", minimum=0)
    N, rows = region_1d(ell, N)
    return _convac_rank(_mask(rows, (N,)), M, r, K, depth)


def overlapping_convac_2d(alpha, side, M, r, K, depth, top=None, left=None):
    """As :func:`overlapping_convac_1d` on the lattice, K x K windows: the light cone is a band.

    Sites of the block within depth (K-1) of its boundary (in the directions the windows
    reach) are read by straddling outputs; the rank is at most r M^(their number), capped
    by M^min(alpha^2, side^2 - alpha^2): a volume law for alpha <= about 2 depth (K-1), an
    area law (band width depth (K-1)) beyond. Source: as :func:`overlapping_convac_1d`.

    It counts sites, not the r channels each straddling output passes on, so it can be
    loose for a block that touches the lattice's edge (where few outputs straddle): the
    3 x 3 corner block of a 4 x 4 lattice, M = r = 2, has exact rank 72 against 128 with
    K = 2 and depth 2 or 3 (128 is also the min cut of the duplicated network), and 8
    against 128 with K = 3 and depth 1 (min cut 8). Blocks away from the edge reach it, with
    r >= M, in every case tested (4 x 4 lattices, r = 2, 3, K = 2 with depth <= 3 and K = 3 with
    depth 1; tests/test_scaling.py).
    """
    M, r, K = as_int(M, "M", minimum=1), as_int(r, "r", minimum=1), as_int(K, "K", minimum=1)
    depth = as_int(depth, "depth", minimum=0)
    rows = region_2d(alpha, side, top, left)
    return _convac_rank(_mask(rows, (side, side)), M, r, K, depth)
