"""What each architecture costs: parameter counts, and the size each can afford on a budget.

``params_*`` count the weights of the networks tnlite builds (tests check them against
``n_params`` of built instances). :data:`ARCHITECTURES` lists the architectures of
:mod:`tnlite.scaling` with one size knob each (the rest fixed: spins, M = d = 2), so that
they can be compared at equal parameters: :func:`afford` gives the largest knob a budget
pays for, on a chain of N sites (dim 1) or a side x side lattice (dim 2). A local RBM has
a fixed window (:data:`LOCAL_WINDOW`) and its knob is the number of hidden units per site.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from . import scaling as _sc
from ._validate import as_int, as_power_of_two, guard_length
from .mps import MPS, _n_entries
from .rac import RAC
from .reuse import OverlappingConvAC
from .rbm import RBM, rbm_sites
from .tree import TreeTN

__all__ = ["Architecture", "ARCHITECTURES", "CONVAC_K", "CONVAC_R", "LOCAL_WINDOW", "afford", "shared_convac",
           "params_mps", "params_tree", "params_mera", "params_rbm", "params_deep_rac", "params_overlapping_convac"]


def params_mps(N, chi, d=2):
    """Weights of MPS.random(N, d, chi): sum_t b_(t-1) d b_t with bonds min(chi, d^t, d^(N-t))."""
    N, chi, d = as_int(N, "N", minimum=1), as_int(chi, "chi", minimum=1), as_int(d, "d", minimum=1)
    return _n_entries(N, d, chi)  # closed form: O(log chi), whatever N


def params_tree(N, chi, d=2):
    """Weights of TreeTN.random(N, d, chi): N leaves (d, chi), then (chi, chi, chi) nodes, the root (chi, chi, 1)."""
    N, L = as_power_of_two(N, "N")
    chi, d = as_int(chi, "chi", minimum=1), as_int(d, "d", minimum=1)
    return N * d * chi + sum((N >> l) * chi * chi * (chi if l < L else 1) for l in range(1, L + 1))


def params_mera(N, chi, d=2):
    """Entries of a binary MERA's tensors (tnlite.mera_graph): each tensor the product of its legs' dimensions."""
    N, _ = as_power_of_two(N, "N")
    edges, legs = _sc._mera_wiring(N, as_int(chi, "chi", minimum=1), as_int(d, "d", minimum=1))
    size = {}
    for u, v, dim in edges:
        size[u], size[v] = size.get(u, 1) * dim, size.get(v, 1) * dim
    for node, dim in legs:
        size[node] = size.get(node, 1) * dim
    return sum(size.values())


def params_rbm(N, n_hidden, window=None, grid=None):
    """N + n_hidden + n_hidden k weights, k = N (full), window (1D) or window^2 (2D): as RBM.random."""
    N, n_hidden = as_int(N, "N", minimum=1), as_int(n_hidden, "n_hidden", minimum=0)
    sites = rbm_sites(N, n_hidden, window, grid)
    return N + n_hidden + n_hidden * (N if sites is None else sites.shape[1])


def params_deep_rac(M, R, depth):
    """Weights of RAC.random(N, M, R, depth=L), shared over time: L R^2 + R M + (L-1) R^2 + L R + R."""
    M, R, L = as_int(M, "M", minimum=1), as_int(R, "R", minimum=1), as_int(depth, "depth", minimum=1)
    return L * R * R + R * M + (L - 1) * R * R + L * R + R


def params_overlapping_convac(M, r, K, depth, grid, shared=False):
    """Weights of tnlite.reuse's overlapping ConvAC on `grid` (N, or (side, side)).

    Unshared (as tnlite.reuse draws it): one (r, r_in) matrix per position and window
    offset of every layer, one 1x1 conv per last position, w_out. ``shared=True``: a
    convolution, one set of K^dim matrices per layer whatever the size (the PRL's setting).
    """
    M, r, K = as_int(M, "M", minimum=1), as_int(r, "r", minimum=1), as_int(K, "K", minimum=1)
    depth = as_int(depth, "depth", minimum=0)
    grid = (as_int(grid, "grid", minimum=1),) if np.ndim(grid) == 0 else tuple(as_int(g, "grid", minimum=1) for g in grid)
    if min(grid) < depth * (K - 1) + 1:  # before the depth + 1 layers are listed
        raise ValueError(f"depth={depth} with K={K} leaves no position on a grid of {grid}")
    guard_length(depth, "depth", "one count per layer")  # K = 1 allows any depth
    positions = [math.prod(s - l * (K - 1) for s in grid) for l in range(depth + 1)]
    ins = [M] + [r] * depth
    taps = K ** len(grid)
    n = [1 if shared else positions[l + 1] for l in range(depth)] + [1 if shared else positions[-1]]
    return sum(n[l] * taps * r * ins[l] for l in range(depth)) + n[-1] * r * ins[depth] + r


# ---- the architectures at equal parameters -------------------------------------------------------
@dataclass(frozen=True)
class Architecture:
    """One architecture of the scaling comparison, sized by a single knob.

    Attributes
    ----------
    name, knob : str
        E.g. "MPS" and "chi".
    dims : tuple of int
        1 and/or 2: where its bound is defined.
    params : callable (knob, system, dim) -> int
        Weights on a chain of `system` sites (dim 1) or a `system` x `system` lattice (dim 2).
    bound : callable (size, knob, system, dim) -> int
        Rank bound of the first `size` sites (dim 1) or the centred size x size block (dim 2).
    build : callable (knob, system, dim, rng, p) -> Network, or None
        A random instance, for measured ranks (None: tnlite has no tensors for it).
    fits : callable (knob, system, dim) -> bool
        Whether the knob makes sense on that system (a window inside it, layers that leave a position).
    """

    name: str
    knob: str
    dims: tuple
    params: Callable
    bound: Callable
    build: Optional[Callable]
    fits: Callable = lambda k, s, dim: True


def _n(system, dim):
    return system if dim == 1 else system * system


def _grid(system, dim):
    return None if dim == 1 else system


#: The overlapping ConvAC's kernel and channels (weights shared over positions, as in a convolution).
CONVAC_K, CONVAC_R = 2, 2
#: A local RBM's window: 3 sites in 1D, 3 x 3 in 2D; its knob is the number of hidden units per site.
LOCAL_WINDOW = 3


def _rbm_local_bound(size, density, system, dim):
    H = density * _n(system, dim)  # the windows take the units in turn
    return (_sc.rbm_1d(size, H, LOCAL_WINDOW, N=system) if dim == 1
            else _sc.rbm_2d(size, system, H, LOCAL_WINDOW))


def _rbm_full_bound(size, H, system, dim):
    return _sc.rbm_1d(size, H, N=system) if dim == 1 else _sc.rbm_2d(size, system, H)


ARCHITECTURES = {a.name: a for a in [
    Architecture("MPS", "chi", (1, 2), lambda k, s, dim: params_mps(_n(s, dim), k),
                 lambda size, k, s, dim: _sc.mps_1d(size, k, N=s) if dim == 1 else _sc.mps_2d(size, s, k),
                 lambda k, s, dim, rng, p: MPS.random(_n(s, dim), 2, k, rng, p=p)),
    Architecture("tree", "chi", (1,), lambda k, s, dim: params_tree(s, k), lambda size, k, s, dim: _sc.tree_1d(size, k, N=s),
                 lambda k, s, dim, rng, p: TreeTN.random(s, 2, k, rng, p=p),
                 lambda k, s, dim: s >= 2 and s & (s - 1) == 0),
    Architecture("MERA", "chi", (1,), lambda k, s, dim: params_mera(s, k), lambda size, k, s, dim: _sc.mera_1d(size, k, N=s),
                 None, lambda k, s, dim: s >= 2 and s & (s - 1) == 0),
    Architecture("RBM, local", "units per site", (1, 2),
                 lambda a, s, dim: params_rbm(_n(s, dim), a * _n(s, dim), LOCAL_WINDOW, _grid(s, dim)),
                 _rbm_local_bound,
                 lambda a, s, dim, rng, p: RBM.random(_n(s, dim), a * _n(s, dim), rng, window=LOCAL_WINDOW,
                                                      grid=_grid(s, dim), p=p),
                 lambda a, s, dim: s >= LOCAL_WINDOW),
    Architecture("RBM, full", "n_hidden", (1, 2), lambda H, s, dim: params_rbm(_n(s, dim), H), _rbm_full_bound,
                 lambda H, s, dim, rng, p: RBM.random(_n(s, dim), H, rng, p=p)),
    Architecture("deep RAC (depth 2)", "R", (1,), lambda R, s, dim: params_deep_rac(2, R, 2),
                 lambda size, R, s, dim: _sc.deep_rac_1d(size, 2, R, 2, N=s),
                 lambda R, s, dim, rng, p: RAC.random(s, 2, R, rng, depth=2, p=p)),
    Architecture("overlapping ConvAC", "depth", (1, 2),
                 lambda L, s, dim: params_overlapping_convac(2, CONVAC_R, CONVAC_K, L, (s,) * dim, shared=True),
                 lambda size, L, s, dim: (_sc.overlapping_convac_1d(size, 2, CONVAC_R, CONVAC_K, L, N=s) if dim == 1
                                          else _sc.overlapping_convac_2d(size, s, 2, CONVAC_R, CONVAC_K, L)),
                 lambda L, s, dim, rng, p: shared_convac(OverlappingConvAC.random(s, 2, CONVAC_R, CONVAC_K, L, rng, p=p)
                                                         if dim == 1 else
                                                         OverlappingConvAC.random_2d(s, 2, CONVAC_R, CONVAC_K, L, rng, p=p)),
                 lambda L, s, dim: s >= L * (CONVAC_K - 1) + 1),
]}


def shared_convac(net):
    """The overlapping ConvAC `net` with every position's weights set to its first position's.

    A convolution: one set of K^dim matrices per layer and one 1x1 conv, whatever the size
    (the count :func:`params_overlapping_convac` gives with ``shared=True``); stored, as
    tnlite.reuse stores weights, once per position.
    """
    *layers, conv, w_out = net.params()
    return net.with_params([np.broadcast_to(W[:1], W.shape).copy() for W in layers]
                           + [np.broadcast_to(conv[:1], conv.shape).copy(), w_out])


def afford(name, budget, system, dim=1, largest=4096):
    """The largest knob of architecture `name` whose parameters fit `budget` on `system`; None if none does.

    Parameters
    ----------
    name : str
        A key of :data:`ARCHITECTURES`.
    budget : int
        Parameters allowed.
    system : int
        Sites of the chain (dim 1) or side of the lattice (dim 2).
    dim : int
    largest : int
        Knobs are tried from the smallest (0 for depths and hidden units, 1 otherwise) up to this.
    """
    if name not in ARCHITECTURES:
        raise ValueError(f"name must be one of {list(ARCHITECTURES)}, got {name!r}")
    arch = ARCHITECTURES[name]
    budget, system = as_int(budget, "budget", minimum=1), as_int(system, "system", minimum=2)
    if isinstance(dim, (bool, np.bool_)) or dim not in arch.dims:
        raise ValueError(f"{name} has no {dim}D bound here: dim must be one of {arch.dims}, got {dim!r}")
    largest = as_int(largest, "largest", minimum=0)
    guard_length(system, "system", "the chain's sites or the lattice's", power=dim)
    best = None
    for k in range(0 if arch.knob in ("n_hidden", "depth") else 1, largest + 1):
        if not arch.fits(k, system, dim) or arch.params(k, system, dim) > budget:
            break
        best = k
    return best
