"""What each architecture costs: parameter counts, and the size each can afford on a budget.

The convention, one for every architecture of the comparison: **weights are shared over
positions**. A network built from one local unit repeated along the system pays for that
unit once: an MPS for one core, a tree for one node per level, a MERA for one disentangler
and one isometry per layer, a local RBM for one filter (a window's weights and a hidden
bias) per hidden unit at a position, an overlapping ConvAC for one set of kernels per
layer, a RAC for one cell per layer (shared over time, as in any recurrent network); an
RBM's visible bias is one number. A fully connected RBM's hidden units see the whole
system: they have no positions to share over, and each pays for its own weights. This is
how the PRL counts a convolutional network's parameters, applied to every architecture;
``shared=False`` counts every weight the network stores instead (``n_params`` of a
``tnlite.*.random`` instance).

``params_*`` count the weights (tests check them against ``n_params`` of built instances,
and the shared counts against the distinct weights of instances tied by
:func:`shared_mps`, :func:`shared_tree`, :func:`shared_rbm`, :func:`shared_convac`).
:data:`ARCHITECTURES` lists the architectures of :mod:`tnlite.scaling` with one size knob
each (the rest fixed: spins, M = d = 2), counted with weights shared, so that they can be
compared at equal parameters: :func:`afford` gives the largest knob a budget pays for, on
a chain of N sites (dim 1) or a side x side lattice (dim 2). A local RBM has a fixed
window (:data:`LOCAL_WINDOW`) and its knob is the number of filters (hidden units per
window position).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from . import scaling as _sc
from ._validate import as_int, as_power_of_two, guard_length
from ._mps_shapes import core_shape, distinct_cores, n_entries
from .mps import MPS
from .rac import RAC
from .reuse import OverlappingConvAC
from .rbm import RBM, rbm_sites
from .tree import TreeTN

__all__ = ["Architecture", "ARCHITECTURES", "CONVAC_K", "CONVAC_R", "LOCAL_WINDOW", "afford", "shared_convac",
           "shared_mps", "shared_tree", "shared_rbm",
           "params_mps", "params_tree", "params_mera", "params_rbm", "params_deep_rac", "params_overlapping_convac"]


def params_mps(N, chi, d=2, shared=False):
    """Weights of MPS.random(N, d, chi): sum_t b_(t-1) d b_t with bonds min(chi, d^t, d^(N-t)).

    ``shared=True``: every core a crop of one (B, d, B) core, B the largest bond
    (:func:`shared_mps`): d times the entries of that core some crop uses, d B^2 on a chain
    long enough for a full core.
    """
    N, chi, d = as_int(N, "N", minimum=1), as_int(chi, "chi", minimum=1), as_int(d, "d", minimum=1)
    shapes = [core_shape(t, N, d, chi) for t, _ in distinct_cores(N, d, chi)]  # O(log chi) shapes, whatever N
    if not shared:
        return n_entries(N, d, chi)  # closed form
    # core t uses the top-left b[t] x b[t+1] corner: rows below a height reach as far right as the widest core
    # at least that tall, so the union is a staircase, summed from the tallest cores down
    widest, used, heights = {}, 0, sorted({left for left, _, _ in shapes}, reverse=True)
    for left, _, right in shapes:
        widest[left] = max(widest.get(left, 0), right)
    reach = 0
    for h, below in zip(heights, heights[1:] + [0]):
        reach = max(reach, widest[h])
        used += (h - below) * reach
    return d * used


def params_tree(N, chi, d=2, shared=False):
    """Weights of TreeTN.random(N, d, chi): N leaves (d, chi), then (chi, chi, chi) nodes, the root (chi, chi, 1).

    ``shared=True``: one leaf and one node per level (:func:`shared_tree`).
    """
    N, L = as_power_of_two(N, "N")
    chi, d = as_int(chi, "chi", minimum=1), as_int(d, "d", minimum=1)
    copies = (lambda n: 1) if shared else (lambda n: n)
    return copies(N) * d * chi + sum(copies(N >> l) * chi * chi * (chi if l < L else 1) for l in range(1, L + 1))


def _mera_layers(N, chi, d):
    """Per layer of a binary MERA on N sites: (disentanglers, entries of one, isometries, entries of one).

    Bonds carry at most what their inputs do: a disentangler keeps its legs' dimension D,
    an isometry maps D x D to min(chi, D^2) (1 at the top), as mera_graph wires them.
    """
    layers, n, D = [], N, d
    while n >= 2:
        out = 1 if n == 2 else min(chi, D * D)
        layers.append((n // 2 - 1, D**4, n // 2, D * D * out))
        n, D = n // 2, out
    return layers


def params_mera(N, chi, d=2, shared=False):
    """Weights of a binary MERA on N sites (the wiring of tnlite.mera_graph), bonds capped at what they carry.

    A disentangler has D^4 entries and an isometry D^2 min(chi, D^2), D the dimension of
    its input legs: d in the bottom layer, then at most chi (a bond above an isometry of
    two d-dimensional legs carries at most d^2 states, so a larger chi buys nothing there).
    ``shared=True``: one disentangler and one isometry per layer (weights shared over
    positions; a scale-invariant MERA also shares them over layers).
    """
    N, _ = as_power_of_two(N, "N")
    chi, d = as_int(chi, "chi", minimum=1), as_int(d, "d", minimum=1)
    if shared:
        return sum((u if n_u else 0) + w for n_u, u, n_w, w in _mera_layers(N, chi, d))
    return sum(n_u * u + n_w * w for n_u, u, n_w, w in _mera_layers(N, chi, d))


def _positions(N, window, grid):
    """Number of window positions of a local RBM (rbm_sites places the units on them in turn; it checks the sizes)."""
    if grid is None:
        return N - window + 1
    rows, cols = (grid, grid) if np.ndim(grid) == 0 else grid
    return (rows - window + 1) * (cols - window + 1)


def params_rbm(N, n_hidden, window=None, grid=None, shared=False):
    """N + n_hidden + n_hidden k weights, k = N (full), window (1D) or window^2 (2D): as RBM.random.

    ``shared=True`` (:func:`shared_rbm`): one visible bias for all sites; a local RBM has
    F = ceil(n_hidden / positions) filters of k weights and a hidden bias each,
    1 + F (k + 1); a full RBM's units see every site, have no positions to share over and
    keep their own weights, 1 + n_hidden (N + 1).
    """
    N, n_hidden = as_int(N, "N", minimum=1), as_int(n_hidden, "n_hidden", minimum=0)
    sites = rbm_sites(N, n_hidden, window, grid)
    k = N if sites is None else sites.shape[1]
    if not shared:
        return N + n_hidden + n_hidden * k
    filters = n_hidden if sites is None else -(-n_hidden // _positions(N, window, grid))
    return 1 + filters * (k + 1)


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
    """One architecture of the scaling comparison, sized by a single knob, weights shared over positions.

    Attributes
    ----------
    name, knob : str
        E.g. "MPS" and "chi".
    dims : tuple of int
        1 and/or 2: where its bound is defined.
    params : callable (knob, system, dim) -> int
        Weights on a chain of `system` sites (dim 1) or a `system` x `system` lattice (dim 2),
        shared over positions (the module's convention).
    bound : callable (size, knob, system, dim) -> int
        Rank bound of the first `size` sites (dim 1) or the centred size x size block (dim 2).
    build : callable (knob, system, dim, rng, p) -> Network, or None
        A random instance with its weights tied as counted, for measured ranks (None:
        tnlite has no tensors for it).
    fits : callable (knob, system, dim) -> bool
        Whether the knob makes sense on that system (a window inside it, layers that leave a position).
    smallest : int
        The smallest knob (0 for hidden units and depths, 1 for bonds and filters).
    most : callable (dim) -> int, or None
        A knob beyond which the bound cannot grow on any region, so that a budget stops
        buying there (a local RBM's filters); None: no such knob.
    """

    name: str
    knob: str
    dims: tuple
    params: Callable
    bound: Callable
    build: Optional[Callable]
    fits: Callable = lambda k, s, dim: True
    smallest: int = 1
    most: Optional[Callable] = None


def _n(system, dim):
    return system if dim == 1 else system * system


def _grid(system, dim):
    return None if dim == 1 else system


#: The overlapping ConvAC's kernel and channels (weights shared over positions, as in a convolution).
CONVAC_K, CONVAC_R = 2, 2
#: A local RBM's window: 3 sites in 1D, 3 x 3 in 2D; its knob is the number of filters (units per position).
LOCAL_WINDOW = 3


def _local_units(filters, system, dim):
    return filters * (system - LOCAL_WINDOW + 1) ** dim


def _rbm_local_bound(size, filters, system, dim):
    H = _local_units(filters, system, dim)
    return (_sc.rbm_1d(size, H, LOCAL_WINDOW, N=system) if dim == 1
            else _sc.rbm_2d(size, system, H, LOCAL_WINDOW))


def _rbm_full_bound(size, H, system, dim):
    return _sc.rbm_1d(size, H, N=system) if dim == 1 else _sc.rbm_2d(size, system, H)


def _power_of_two(k, s, dim):
    return s >= 2 and s & (s - 1) == 0


ARCHITECTURES = {a.name: a for a in [
    Architecture("MPS", "chi", (1, 2), lambda k, s, dim: params_mps(_n(s, dim), k, shared=True),
                 lambda size, k, s, dim: _sc.mps_1d(size, k, N=s) if dim == 1 else _sc.mps_2d(size, s, k),
                 lambda k, s, dim, rng, p: shared_mps(MPS.random(_n(s, dim), 2, k, rng, p=p))),
    Architecture("tree", "chi", (1,), lambda k, s, dim: params_tree(s, k, shared=True),
                 lambda size, k, s, dim: _sc.tree_1d(size, k, N=s),
                 lambda k, s, dim, rng, p: shared_tree(TreeTN.random(s, 2, k, rng, p=p)), _power_of_two),
    Architecture("MERA", "chi", (1,), lambda k, s, dim: params_mera(s, k, shared=True),
                 lambda size, k, s, dim: _sc.mera_1d(size, k, N=s), None, _power_of_two),
    Architecture("RBM, local", "filters", (1, 2),
                 lambda f, s, dim: params_rbm(_n(s, dim), _local_units(f, s, dim), LOCAL_WINDOW, _grid(s, dim),
                                              shared=True),
                 _rbm_local_bound,
                 lambda f, s, dim, rng, p: shared_rbm(RBM.random(_n(s, dim), _local_units(f, s, dim), rng,
                                                                 window=LOCAL_WINDOW, grid=_grid(s, dim), p=p)),
                 lambda f, s, dim: s >= LOCAL_WINDOW,
                 # a straddling window reads at most w^dim - 1 sites of either side, so with w^dim - 1
                 # filters the units crossing outnumber the sites they read: more cannot raise the bound
                 most=lambda dim: LOCAL_WINDOW**dim - 1),
    Architecture("RBM, full", "n_hidden", (1, 2), lambda H, s, dim: params_rbm(_n(s, dim), H, shared=True),
                 _rbm_full_bound, lambda H, s, dim, rng, p: shared_rbm(RBM.random(_n(s, dim), H, rng, p=p)), smallest=0),
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
                 lambda L, s, dim: s >= L * (CONVAC_K - 1) + 1, smallest=0),
]}


# ---- instances with their weights tied as counted ------------------------------------------------
def shared_mps(net):
    """The MPS `net` with every core a crop of one (B, d, B) core, B its largest bond.

    The core is filled from `net`'s cores (core t written into its top-left corner, in
    order), so that ``shared_mps`` keeps whatever generic weights `net` has.
    """
    B, d = max(max(c.shape[0], c.shape[2]) for c in net.cores), net.cores[0].shape[1]
    core = np.zeros((B, d, B), dtype=net.cores[0].dtype)
    for c in net.cores:
        core[:c.shape[0], :, :c.shape[2]] = c
    return net.with_params([core[:c.shape[0], :, :c.shape[2]] for c in net.cores])


def shared_tree(net):
    """The tree `net` with one leaf for every leaf and one node for every node of a level."""
    return net.with_params([net.leaves[0]] * net.N + [row[0] for row in net.levels for _ in row])


def shared_rbm(net):
    """The local RBM `net` with its weights shared over positions: one visible bias, one filter per unit index.

    Unit u sits at position u mod P (tnlite.rbm.rbm_sites); it takes the weights and
    hidden bias of unit (u // P) P, the first unit of its filter. A full RBM (one
    position) keeps its units' own weights: only its visible biases are tied.
    """
    P = max(1, np.unique(net.sites, axis=0).shape[0])
    src = (np.arange(net.n_hidden) // P) * P
    return net.with_params([np.full_like(net.a, net.a[0]), net.b[src], net.w[src]])


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
        Parameters allowed, counted with weights shared over positions (module docstring).
    system : int
        Sites of the chain (dim 1) or side of the lattice (dim 2).
    dim : int
    largest : int
        Knobs are tried from the smallest (``Architecture.smallest``) up to this, and up to
        ``Architecture.most`` where an architecture has one.
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
    if arch.most is not None:
        largest = min(largest, arch.most(dim))
    for k in range(arch.smallest, largest + 1):
        if not arch.fits(k, system, dim) or arch.params(k, system, dim) > budget:
            break
        best = k
    return best
