"""Checkers for exercises 04, tree tensor networks: min cuts by hand and in code, tree_to_dense, widths.

Leaves are (phys, bond), nodes (left, right, parent); the root's parent leg has dimension 1.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from ..mincut import min_cut
from ._common import _Cases, _Wrong, _call, _checker, _keyed_dict, _random, _scalar, _tree_dense
from ._predict import _describe_cut, _predictions


def _tree_graph(d, bond_dims, big_legs=False):
    """(edges, legs) of a perfect binary tree: leaf j = node (0, j), node i of level l = (l, i)."""
    L = len(bond_dims)
    N = 2**L
    edges = []
    for l in range(L):  # bonds from level l up to level l+1
        for i in range(N >> l):
            edges.append(((l, i), (l + 1, i // 2), int(bond_dims[l])))
    dims = [d] * N if np.isscalar(d) else list(d)
    legs = [((0, j), 10**9 if big_legs else int(dims[j])) for j in range(N)]
    return edges, legs


def _tree_cut(d, bond_dims, rows, big_legs=False):
    edges, legs = _tree_graph(d, bond_dims, big_legs)
    return min_cut(edges, legs, rows).rank_bound


#: The tree of the by-hand task: N = 8, d = 3, bond dims per level (leaf, level 1, level 2).
HAND_TREE = {"d": 3, "bond_dims": (2, 3, 5)}
HAND_PARTITIONS = {"left_half": (0, 1, 2, 3), "first_six": (0, 1, 2, 3, 4, 5),
                   "odd_even": (0, 2, 4, 6), "sites_1_2": (1, 2)}


@_checker("hand_min_cuts")
def check_hand_min_cuts(fn):
    """Check `hand_min_cuts()` -> dict of the min-cut rank bounds of HAND_PARTITIONS on HAND_TREE."""
    got = _call(fn, "your function", )
    _keyed_dict(got, sorted(HAND_PARTITIONS))
    d, ks = HAND_TREE["d"], HAND_TREE["bond_dims"]
    for name, rows in HAND_PARTITIONS.items():
        case = f"partition {name} (P = sites {rows})"
        value = _scalar(got[name], case, "your entry")
        expected = _tree_cut(d, ks, rows)
        if value == expected:
            continue
        if abs(value - math.log2(expected)) < 1e-9:
            raise _Wrong(f"{case}: you gave {value}, the bound in bits", f"give the rank bound itself, 2**{value:g}")
        if value > expected:
            raise _Wrong(f"{case}: {value} is the product of a valid cut, perhaps, but not the smallest",
                         "look for a cheaper cut: one bond higher in the tree can replace several lower ones, "
                         "and an open leg (dimension d) can be cut too")
        raise _Wrong(f"{case}: {value} is smaller than any cut that separates P from Q",
                     "every path from a P leg to a Q leg must cross a cut bond; multiply the dimensions of "
                     "all the bonds you cut")
    return "all four min cuts are right."


@_checker("tree_min_cut")
def check_tree_min_cut(fn):
    """Check `tree_min_cut(d, bond_dims, rows)` -> int rank bound, against tnlite.mincut."""
    rng = np.random.default_rng(10)
    cases = [(3, (2, 3, 5), (0, 1, 2, 3)), (3, (2, 3, 5), (0, 2, 4, 6)), (2, (4, 2), (1, 2)), (2, (1,), (0,))]
    for _ in range(8):
        L = int(rng.integers(1, 4))
        N = 2**L
        rows = tuple(int(j) for j in np.flatnonzero(rng.random(N) < 0.5))
        cases.append((int(rng.integers(2, 5)), tuple(int(k) for k in rng.integers(1, 7, size=L)), rows))
    for n, (d, ks, rows) in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (d={d}, bond_dims={ks}, rows={rows})"
        got = _scalar(_call(fn, case, d, ks, rows), case)
        expected = _tree_cut(d, ks, rows)
        if got == expected:
            continue
        if expected > 1 and abs(got - math.log2(expected)) < 1e-9:
            raise _Wrong(f"{case}: expected {expected}, got {got} = log2 of it", "return the rank bound, not bits")
        if got == _tree_cut(d, ks, rows, big_legs=True):
            raise _Wrong(f"{case}: expected {expected}, got {got}: the cheapest cut through bonds only",
                         f"an open leg can be cut too, at cost d={d}; it is cheaper here")
        shifted = [tuple(ks[1:]) + (1,), (d,) + tuple(ks[:-1])]
        if any(got == _tree_cut(d, s, rows) for s in shifted):
            raise _Wrong(f"{case}: expected {expected}, got {got}: your bond dimensions are shifted by one level",
                         "bond_dims[0] is the leaf bond (leaf j to its level-1 node), bond_dims[l] joins level l to l+1")
        raise _Wrong(f"{case}: expected {expected}, got {got}")
    return f"{len(cases)} partitions agree with tnlite.mincut."


def _random_tree(dims, ks, rng, complex_=False):
    N, L = len(dims), len(ks)
    leaves = [_random((dims[j], ks[0]), rng, complex_) for j in range(N)]
    levels = []
    for l in range(1, L + 1):
        up = ks[l] if l < L else 1
        levels.append([_random((ks[l - 1], ks[l - 1], up), rng, complex_) for _ in range(N >> l)])
    return leaves, levels


@_checker("tree_to_dense")
def check_tree_to_dense(fn):
    """Check `tree_to_dense(leaves, levels)` -> the tree's tensor, shape (d_0, ..., d_{N-1})."""
    rng = np.random.default_rng(11)
    cases = [_random_tree((2, 2), (3,), rng), _random_tree((2, 3, 2, 2), (2, 3), rng),
             _random_tree((2,) * 8, (2, 3, 2), rng, complex_=True)]
    judged = _Cases(what="tensor")
    for n, (leaves, levels) in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (N={len(leaves)}, bond_dims={[leaves[0].shape[1]] + [r[0].shape[2] for r in levels[:-1]]})"
        got = _call(fn, case, leaves, levels)
        expected = _tree_dense(leaves, levels)
        swapped = [[t.transpose(1, 0, 2) for t in row] for row in levels]
        judged.add(got, expected, case, mistakes=[
            (expected[..., None], "your tensor still has the root's parent leg of dimension 1",
             "drop it at the end (the root's shape is (k_left, k_right, 1))"),
            (_tree_dense(leaves, swapped), "you joined each node's children the wrong way round",
             "a node's legs are (left, right, parent): child 2i goes on the left leg, 2i+1 on the right"),
            (expected.transpose(range(expected.ndim)[::-1]), "your tensor's axes come out in reverse order",
             "axis j of the result is leaf j's physical leg"),
        ])
    judged.settle()
    return f"{len(cases)} trees contract to the right tensors."


#: The width-allocation task: a tree over N = 8 sites of dimension d = 2, bond dims (k_0, k_1, k_2)
#: per level, at most `budget` parameters, and the partitions whose min cut each allocation should maximise.
ALLOCATION = {"d": 2, "budget": 300, "partitions": {"left_half": (0, 1, 2, 3), "odd_even": (0, 2, 4, 6)}}
_WHY = {  # the reason behind each partition's best allocation, in words
    "left_half": "the left half hangs from ONE bond, k_2, but the cut through it is the cheapest only if the cuts "
                 "below cost more: two k_1 bonds (k_1^2) and four k_0 bonds (k_0^4)",
    "odd_even": "each pair (2i, 2i+1) must be split below its level-1 node, through a leaf bond or an open leg, at "
                "min(d, k_0) each: only k_0 matters, and it helps only up to d",
}


def _tree_params(d, ks):
    """Parameters of the 8-leaf tree with bond dims ks = (k_0, k_1, k_2): leaves, level-1, level-2 nodes, root."""
    k0, k1, k2 = ks
    return [8 * d * k0, 4 * k0 * k0 * k1, 2 * k1 * k1 * k2, k2 * k2]


@functools.lru_cache(maxsize=None)
def _best_allocation(d, budget, rows):
    """(best min cut, the cheapest allocation reaching it) over every allocation within the budget."""
    best = (0, None, None)
    for k0 in range(1, budget // (8 * d) + 1):
        for k1 in range(1, budget + 1):
            if sum(_tree_params(d, (k0, k1, 1))) > budget:
                break
            for k2 in range(1, budget + 1):
                cost = sum(_tree_params(d, (k0, k1, k2)))
                if cost > budget:
                    break
                cut = _tree_cut(d, (k0, k1, k2), rows)
                if (cut, -cost) > (best[0], -(best[2] or 0)):
                    best = (cut, (k0, k1, k2), cost)
    return best[:2]


@_checker("width_allocation")
def check_width_allocation(fn):
    """Check `width_allocation()` -> {partition: (k_0, k_1, k_2)} within the budget, each maximising its min cut."""
    d, budget, partitions = ALLOCATION["d"], ALLOCATION["budget"], ALLOCATION["partitions"]
    got = _predictions(_call(fn, "your function"), partitions)
    for name, rows in partitions.items():
        case = f"partition {name} (P = sites {rows})"
        try:
            ks = tuple(int(k) for k in got[name])
            ok = len(ks) == 3 and all(k >= 1 and k == g for k, g in zip(ks, got[name]))
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise _Wrong(f"{case}: expected three bond dimensions (k_0, k_1, k_2), whole numbers >= 1, "
                         f"got {got[name]!r}")
        parts = _tree_params(d, ks)
        if sum(parts) > budget:
            raise _Wrong(f"{case}: your allocation {ks} costs {sum(parts)} parameters (leaves 8*d*k_0 = {parts[0]}, "
                         f"level 1 4*k_0^2*k_1 = {parts[1]}, level 2 2*k_1^2*k_2 = {parts[2]}, root k_2^2 = "
                         f"{parts[3]}), over the budget of {budget}")
        edges, legs = _tree_graph(d, ks)
        mc = min_cut(edges, legs, rows)
        best, example = _best_allocation(d, budget, rows)
        if mc.rank_bound < best:
            cut = _describe_cut(mc, bond=lambda u, v, k: f"k_{u[0]} = {k}", leg=lambda j, dim: f"d = {dim}")
            raise _Wrong(f"{case}: your allocation {ks} fits the budget ({sum(parts)} <= {budget}) but its min cut "
                         f"is {mc.rank_bound}, through {cut}; the best within the budget is {best}, e.g. {example}",
                         _WHY[name])
    return (f"both allocations fit {budget} parameters and reach the largest min cut their partition can have "
            "(a contiguous partition wants wide bonds near the root, an interleaved one wide leaf bonds).")
