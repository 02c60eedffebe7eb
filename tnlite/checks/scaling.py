"""Checkers for exercises 09, entanglement scaling: min cuts by hand, the RBM's bound and parameter
count, the deep RAC's monomial bound, and which architecture a described state needs.

An RBM is given by ``sites``: one list of coupled sites per hidden unit. Ranks are exact ints.
"""
from __future__ import annotations

import math

import numpy as np

from .. import scaling as _sc
from ..mincut import min_cut
from ..tree import mera_graph
from ._common import _Wrong, _call, _checker, _scalar

#: The hand task's networks: a binary MERA on 8 sites with bonds chi = 2 (tl.diagrams.draw_mera),
#: and an RBM on 6 spins whose 4 hidden units couple these sites.
HAND_MERA = {"N": 8, "chi": 2}
HAND_RBM = [[0, 1, 2], [2, 3], [3, 4, 5], [0, 5]]
HAND_REGIONS = {"mera_left_half": ("MERA", (0, 1, 2, 3)), "mera_first_two": ("MERA", (0, 1)),
                "mera_middle_four": ("MERA", (2, 3, 4, 5)), "mera_middle_two": ("MERA", (3, 4)),
                "rbm_first_three": ("RBM", (0, 1, 2)), "rbm_even_sites": ("RBM", (0, 2, 4))}

#: The states of the choice task, and the architectures to choose from (tnlite.budget's names).
STATES = ("2D area law", "critical 1D chain", "volume law, fewest parameters")
CHOICES = ("MPS", "tree", "MERA", "RBM, local", "RBM, full", "deep RAC (depth 2)", "overlapping ConvAC")


def _rbm_graph(sites, N):
    edges = [(("h", u), ("v", j), 2) for u, s in enumerate(sites) for j in s]
    deltas = {("v", j): 2 for j in range(N)}
    deltas.update({("h", u): 2 for u in range(len(sites))})
    return edges, [(("v", j), 2) for j in range(N)], deltas


def _hand_expected(name):
    kind, rows = HAND_REGIONS[name]
    if kind == "MERA":
        g = mera_graph(HAND_MERA["N"], HAND_MERA["chi"], 2)
        return min_cut(g.edges, g.legs, rows).rank_bound
    edges, legs, deltas = _rbm_graph(HAND_RBM, 6)
    return min_cut(edges, legs, rows, deltas).rank_bound


def _crossing(sites, rows):
    rows = set(rows)
    return sum(1 for s in sites if any(j in rows for j in s) and any(j not in rows for j in s))


@_checker("hand_bounds")
def check_hand_bounds(fn):
    """Check `hand_bounds()` -> dict {region name: min-cut rank bound} for HAND_REGIONS."""
    got = _call(fn, "your function")
    if not isinstance(got, dict):
        raise _Wrong(f"expected a dict with keys {sorted(HAND_REGIONS)}, got {type(got).__name__}")
    missing = sorted(set(HAND_REGIONS) - set(got))
    if missing:
        raise _Wrong(f"your dict has no entry for {missing}", f"give all of {sorted(HAND_REGIONS)}")
    for name, (kind, rows) in HAND_REGIONS.items():
        case = f"{name} ({kind}, P = sites {rows})"
        value = _scalar(got[name], case, "your entry")
        expected = _hand_expected(name)
        if value == expected:
            continue
        if abs(value - math.log2(expected)) < 1e-9:
            raise _Wrong(f"{case}: you gave {value}, the bound in bits", f"give the rank bound itself, 2**{value:g}")
        if kind == "RBM" and value == 2 ** _crossing(HAND_RBM, rows):
            raise _Wrong(f"{case}: {value} = 2^(units coupled across); a cheaper cut exists",
                         f"P has only {len(rows)} sites: cutting their open legs costs 2^{len(rows)}")
        if value > expected:
            raise _Wrong(f"{case}: {value} is the product of a valid cut, perhaps, but not the smallest",
                         "a cut may also pass through open legs (dimension 2) or split a delta (an RBM's hidden "
                         "unit: one bit); in the MERA, bonds higher up can replace several lower ones")
        raise _Wrong(f"{case}: {value} is smaller than any cut that separates P from Q",
                     "every path from a P leg to a Q leg must cross the cut; in a MERA the disentanglers join "
                     "neighbouring branches, so a block is not cut off by the bond above it alone")
    return f"all {len(HAND_REGIONS)} min cuts are right."


@_checker("rbm_rank_bound")
def check_rbm_rank_bound(fn):
    """Check `rbm_rank_bound(sites, rows)` -> 2 ** (hidden units coupled to both sides)."""
    rng = np.random.default_rng(9)
    cases = [(HAND_RBM, (0, 1, 2)), ([[0, 1], [1, 2], [2, 3]], (0, 1)), ([], (0,)), ([[0, 1, 2, 3]] * 3, (0, 2))]
    for _ in range(6):
        N = int(rng.integers(3, 9))
        sites = [sorted(rng.choice(N, size=int(rng.integers(1, N + 1)), replace=False).tolist())
                 for _ in range(int(rng.integers(1, 6)))]
        cases.append((sites, tuple(sorted(rng.choice(N, size=int(rng.integers(1, N)), replace=False).tolist()))))
    for n, (sites, rows) in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (sites={sites}, rows={rows})"
        got = _scalar(_call(fn, case, [list(s) for s in sites], rows), case)
        c = _crossing(sites, rows)
        if got == 2**c:
            continue
        touching_P = sum(1 for s in sites if any(j in rows for j in s))
        bonds = sum(1 for s in sites for j in s if j in rows) if c else 0
        if got == c and c != 2**c:
            raise _Wrong(f"{case}: expected {2**c}, got {got}: the number of units, not the rank bound",
                         "each unit coupled across contributes a factor of rank 2: return 2 ** count")
        if got == 2**touching_P and touching_P != c:
            raise _Wrong(f"{case}: expected {2**c}, got {got}: you counted every unit that touches P",
                         "a unit coupled to P only is a product factor: count units with sites on both sides")
        if got == 2**bonds and bonds != c:
            raise _Wrong(f"{case}: expected {2**c}, got {got}: you counted couplings, not units",
                         "one hidden unit is one delta: splitting it costs one bit however many sites it couples")
        raise _Wrong(f"{case}: expected {2**c} ({c} units coupled to both sides), got {got}")
    return f"{len(cases)} RBMs and partitions agree."


@_checker("rbm_params")
def check_rbm_params(fn):
    """Check `rbm_params(N, n_hidden, window, grid)` -> N + n_hidden + n_hidden * k."""
    cases = [(8, 3, None, None), (10, 10, 3, None), (16, 9, 2, 4), (36, 72, 3, 6), (5, 0, None, None)]
    for n, (N, H, w, grid) in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (N={N}, n_hidden={H}, window={w}, grid={grid})"
        got = _scalar(_call(fn, case, N, H, w, grid), case)
        k = N if w is None else (w if grid is None else w * w)
        expected = N + H + H * k
        if got == expected:
            continue
        if got == H * k:
            raise _Wrong(f"{case}: expected {expected}, got {got}: only the weights",
                         "count the N visible biases a and the n_hidden hidden biases b too")
        if grid is not None and got == N + H + H * w:
            raise _Wrong(f"{case}: expected {expected}, got {got}: a 2D window couples window^2 sites",
                         f"a {w} x {w} window holds {w * w} sites, each with its own weight")
        if w is not None and got == N + H + H * N:
            raise _Wrong(f"{case}: expected {expected}, got {got}: you counted a full RBM",
                         "a local unit has weights on its window's sites only")
        raise _Wrong(f"{case}: expected {expected}, got {got}")
    return f"{len(cases)} RBM sizes counted right."


@_checker("deep_rac_bound")
def check_deep_rac_bound(fn):
    """Check `deep_rac_bound(ell, M, R, depth, N)` against tnlite.scaling.deep_rac_1d."""
    cases = [(1, 2, 2, 1, 8), (4, 2, 3, 1, 8), (4, 2, 2, 2, 8), (6, 2, 2, 2, 12), (5, 3, 2, 2, 12),
             (8, 2, 3, 2, 16), (10, 2, 2, 3, 20), (3, 2, 2, 3, 12), (20, 2, 2, 2, 40)]
    for n, (ell, M, R, L, N) in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (ell={ell}, M={M}, R={R}, depth={L}, N={N})"
        got = _scalar(_call(fn, case, ell, M, R, L, N), case)
        expected = _sc.deep_rac_1d(ell, M, R, L, N=N)
        if got == expected:
            continue
        degrees = _sc._rac_degrees(L, N - ell)
        monomials = math.prod(math.comb(R + D - 1, D) for D in degrees)
        if got == monomials:
            raise _Wrong(f"{case}: expected {expected}, got {got}: the monomial count without the caps",
                         "a matricization has at most M^ell rows and M^(N-ell) columns: take the minimum")
        if got == min(R, M**ell, M ** (N - ell)) and L > 1:
            raise _Wrong(f"{case}: expected {expected}, got {got}: the depth-1 (MPS) bound",
                         "layer 2 multiplies in layer 1's state at every later step: the output has degree "
                         "N - ell in h^1, and the number of monomials grows with it")
        for shift in (-1, 1):
            if 0 <= N - ell + shift and got == min(M**ell, M ** (N - ell), math.prod(
                    math.comb(R + D - 1, D) for D in _sc._rac_degrees(L, N - ell + shift))):
                raise _Wrong(f"{case}: expected {expected}, got {got}: the number of steps after the cut is off by one",
                             "after the first ell inputs, N - ell steps are left")
        raise _Wrong(f"{case}: expected {expected}, got {got}", "degrees: h^L 1, h^(L-1) n, h^(L-2) n(n+1)/2, ... "
                     "with n = N - ell; monomials of degree D in R variables: comb(R + D - 1, D)")
    return f"{len(cases)} deep-RAC bounds agree with tnlite.scaling."


def _why_not(state, name):
    """The numbers that rule out `name` for `state`, from tnlite.scaling."""
    if state == "2D area law":
        if name in ("tree", "MERA", "deep RAC (depth 2)"):
            return f"{name} has no 2D bound here: it is a 1D architecture"
        b = [_sc.bits(_sc.rbm_2d(a, 2 * a, 64)) for a in (4, 8, 16)]
        return (f"a full RBM's bound stops at its number of units (64 units: {b[0]:.0f}, {b[1]:.0f}, {b[2]:.0f} bits "
                "for alpha = 4, 8, 16), while an area law keeps growing like alpha")
    if state == "critical 1D chain":
        sizes = (4, 16, 64)
        table = {"MPS": lambda l: _sc.mps_1d(l, 4), "tree": lambda l: _sc.tree_1d(l, 4),
                 "RBM, local": lambda l: _sc.rbm_1d(l, 2 * l, 3), "RBM, full": lambda l: _sc.rbm_1d(l, 12),
                 "overlapping ConvAC": lambda l: _sc.overlapping_convac_1d(l, 2, 2, 2, 6)}
        b = [_sc.bits(table[name](l)) for l in sizes]
        return (f"at a fixed size its bound on the halves stops growing ({b[0]:.0f}, {b[1]:.0f}, {b[2]:.0f} bits "
                f"at ell = 4, 16, 64), while a critical chain's entropy grows like log ell without end")
    return ("a volume law over the halves of 2 ell sites needs its size to grow with ell; its parameters then grow "
            "faster than the overlapping ConvAC's (about 8 ell, weights shared; 254 at ell = 32): "
            + {"MPS": "an MPS needs chi = 2^ell, about 4^ell parameters",
               "tree": "a tree needs chi = 2^ell at the root", "MERA": "a MERA needs chi growing exponentially too",
               "RBM, local": "a local RBM never gets there: at most window - 1 bits",
               "RBM, full": "a full RBM needs ell units on 2 ell sites: about 2 ell^2 parameters",
               "deep RAC (depth 2)": "a deep RAC needs R growing like ell (R = 11 at ell = 32): parameters like ell^2"}[name])


_ACCEPT = {"2D area law": {"MPS", "RBM, local", "overlapping ConvAC"},
           "critical 1D chain": {"MERA", "deep RAC (depth 2)"},
           "volume law, fewest parameters": {"overlapping ConvAC"}}


@_checker("choose")
def check_choose(fn):
    """Check `choose()` -> {state: architecture} for STATES, names from CHOICES."""
    got = _call(fn, "your function")
    if not isinstance(got, dict):
        raise _Wrong(f"expected a dict with keys {list(STATES)}, got {type(got).__name__}")
    missing = [s for s in STATES if s not in got]
    if missing:
        raise _Wrong(f"your dict has no entry for {missing}", f"give one architecture for each of {list(STATES)}")
    for state in STATES:
        name = got[state]
        if name not in CHOICES:
            raise _Wrong(f"{state}: {name!r} is not one of the choices", f"pick one of {list(CHOICES)}")
        if name not in _ACCEPT[state]:
            raise _Wrong(f"{state}: not {name}: {_why_not(state, name)}")
    return "each state has an architecture whose bound grows as fast as its entanglement."
