"""Checkers for exercises 09, entanglement scaling: min cuts by hand, the RBM's bound and parameter
count, the deep RAC's monomial bound, and which architecture a described state needs.

An RBM is given by ``sites``: one list of coupled sites per hidden unit. Ranks are exact ints. A
mistake is named only when it explains every case the answer gets wrong (``_Cases``).
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from .. import budget as _budget
from .. import scaling as _sc
from ..mincut import min_cut
from ..tree import mera_graph
from ._common import _Cases, _Wrong, _call, _checker, _keyed_dict, _scalar

#: The hand task's networks: a binary MERA on 8 sites with bonds chi = 2 (tl.diagrams.draw_mera),
#: and an RBM on 6 spins whose 4 hidden units couple these sites.
HAND_MERA = {"N": 8, "chi": 2}
HAND_RBM = [[0, 1, 2], [2, 3], [3, 4, 5], [0, 5]]
HAND_REGIONS = {"mera_left_half": ("MERA", (0, 1, 2, 3)), "mera_first_two": ("MERA", (0, 1)),
                "mera_middle_four": ("MERA", (2, 3, 4, 5)), "mera_middle_two": ("MERA", (3, 4)),
                "rbm_first_three": ("RBM", (0, 1, 2)), "rbm_even_sites": ("RBM", (0, 2, 4))}

#: The states of the choice task, and the architectures to choose from (tnlite.budget's names).
STATES = ("2D area law", "critical 1D chain", "2D volume law, fewest parameters")
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


def _read(sites, rows):
    """Sites of P and of Q coupled to a hidden unit that crosses (P = rows)."""
    rows = set(rows)
    crossing = [set(s) for s in sites if rows & set(s) and set(s) - rows]
    touched = set().union(*crossing)
    return len(touched & rows), len(touched - rows)


_HINTS = {"MERA": ("every path from a P leg to a Q leg must cross the cut; in a MERA the disentanglers join "
                   "neighbouring branches, so a block is not cut off by the bond above it alone",
                   "bonds higher up can replace several lower ones, and a cut may pass through open legs (2 each)"),
          "RBM": ("every hidden unit coupled to both sides must be split (one bit) or have the legs of its sites on "
                  "one side cut (one bit per site): 2 ** (units crossing) and 2 ** (sites of P) are both cuts",
                  "a cut may split a hidden unit (one bit) or pass through the open legs of P's sites (one bit each)")}


@_checker("hand_bounds")
def check_hand_bounds(fn):
    """Check `hand_bounds()` -> dict {region name: min-cut rank bound} for HAND_REGIONS."""
    got = _call(fn, "your function")
    _keyed_dict(got, sorted(HAND_REGIONS))
    wrong = []
    for name, (kind, rows) in HAND_REGIONS.items():
        if isinstance(got[name], (bool, np.bool_)):
            raise _Wrong(f"{name}: your entry is {got[name]!r}, a bool", "give the rank bound, an integer such as 2 ** 3")
        value, expected = _scalar(got[name], f"{name} ({kind}, P = sites {rows})", "your entry"), _hand_expected(name)
        if value != expected:
            wrong.append((name, kind, rows, value, expected))
    if not wrong:
        return f"all {len(HAND_REGIONS)} min cuts are right."
    bits = [abs(v - math.log2(e)) < 1e-9 for *_, v, e in wrong]
    if all(bits) and len(wrong) > 1:
        raise _Wrong(f"{', '.join(w[0] for w in wrong)}: you gave {[w[3] for w in wrong]}, the bounds in bits",
                     "give the rank bounds themselves, 2 ** bits")
    name, kind, rows, value, expected = wrong[0]
    case = f"{name} ({kind}, P = sites {rows})"
    if bits[0] and not _power_of_two(value):  # every cut's product is a power of 2: log2 of the bound is no cut
        raise _Wrong(f"{case}: {value:g} is the bound in bits, log2 of the rank bound {expected}",
                     "give the rank bound itself, 2 ** bits")
    if kind == "RBM" and all(k == "RBM" and v == 2 ** _crossing(HAND_RBM, r) for _, k, r, v, _ in wrong):
        raise _Wrong(f"{case}: {value} = 2^(units coupled across); a cheaper cut exists",
                     f"P has only {len(rows)} sites: cutting their open legs costs 2^{len(rows)}")
    if value > expected:
        raise _Wrong(f"{case}: {value} is the product of a valid cut, perhaps, but not the smallest", _HINTS[kind][1])
    maybe_bits = f" (if {value} is the bound in bits, give 2 ** {value:g})" if bits[0] else ""
    raise _Wrong(f"{case}: {value} is smaller than any cut that separates P from Q", _HINTS[kind][0] + maybe_bits)


def _power_of_two(x):
    return float(x).is_integer() and x >= 1 and int(x) & (int(x) - 1) == 0


def _rbm_cases():
    rng = np.random.default_rng(9)
    cases = [(HAND_RBM, (0, 1, 2)), ([[0, 1], [1, 2], [2, 3]], (0, 1)), ([], (0,)), ([[0, 1, 2, 3]] * 3, (0, 2)),
             (HAND_RBM, (0, 2, 4)), ([[0, 1, 2, 3, 4, 5]] * 2 + [[2, 3]], (0, 1, 2))]
    for _ in range(6):
        N = int(rng.integers(3, 9))
        sites = [sorted(rng.choice(N, size=int(rng.integers(1, N + 1)), replace=False).tolist())
                 for _ in range(int(rng.integers(1, 6)))]
        cases.append((sites, tuple(sorted(rng.choice(N, size=int(rng.integers(1, N)), replace=False).tolist()))))
    return cases


@_checker("rbm_rank_bound")
def check_rbm_rank_bound(fn):
    """Check `rbm_rank_bound(sites, rows)` -> min(2^c, 2^|P read|, 2^|Q read|), c the units coupled to both sides."""
    cases = _rbm_cases()
    judged = _Cases(what="rank bound", strict=True)  # a mistake is named only if it explains every wrong case
    for n, (sites, rows) in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (sites={sites}, rows={rows})"
        got = _scalar(_call(fn, case, [list(s) for s in sites], rows), case)
        c, (read_P, read_Q) = _crossing(sites, rows), _read(sites, rows)
        expected = 2 ** min(c, read_P, read_Q)
        P = set(rows)
        touch_P = sum(1 for s in sites if P & set(s))
        touch_Q = sum(1 for s in sites if set(s) - P)
        couplings = sum(1 for s in sites for j in s if j in P) if c else 0
        crossing_couplings = sum(len(s) for s in sites if P & set(s) and set(s) - P)
        judged.add(got, expected, case, mistakes=[
            (2**c, f"expected {expected}, got {got}: 2^(units coupled across) is a bound, but those units read "
                   f"only {read_P} sites of P and {read_Q} of Q",
             "each factor is a function of the sites it reads, so the rank is also at most 2 ** (sites of P they "
             "read) and 2 ** (sites of Q they read): return the smallest of the three"),
            (math.log2(expected), f"expected {expected}, got {got}: the number of bits, not the rank bound",
             "each unit coupled across contributes a factor of rank 2: return 2 ** count"),
            (c, f"expected {expected}, got {got}: the number of units coupled across, neither a rank nor capped "
                "by the sites they read", "return 2 ** min(units across, sites of P they read, sites of Q they read)"),
            (math.log(expected), f"expected {expected}, got {got}: an entropy in nats, not the rank bound",
             "return the rank bound itself, an int: 2 ** count"),
            (4 ** min(c, read_P, read_Q), f"expected {expected}, got {got}: two bits per unit (4 ** count)",
             "a hidden unit is one delta of dimension 2: splitting it costs one bit, not one per side"),
            (2 * expected, f"expected {expected}, got {got}: twice the bound, one unit or site too many",
             "count the units with sites on both sides, and the sites they read, exactly: 2 ** min(...)"),
            (2**touch_P, f"expected {expected}, got {got}: you counted every unit that touches P",
             "a unit coupled to P only is a product factor: count units with sites on both sides"),
            (2**touch_Q, f"expected {expected}, got {got}: you counted every unit that touches Q (the rest)",
             "a unit coupled to Q only is a product factor: count units with sites on both sides"),
            (2**couplings, f"expected {expected}, got {got}: you counted couplings, not units",
             "one hidden unit is one delta: splitting it costs one bit however many sites it couples"),
            (2**crossing_couplings, f"expected {expected}, got {got}: you counted the couplings of the crossing "
             "units (one bit per site each reads), not the units", "one hidden unit is one delta: splitting it costs "
             "one bit however many sites it couples; the sites enter only as the other two bounds"),
        ])
    judged.settle()
    return f"{len(cases)} RBMs and partitions agree."


@_checker("rbm_params")
def check_rbm_params(fn):
    """Check `rbm_params(N, n_hidden, window, grid)` -> N + n_hidden + n_hidden * k."""
    cases = [(8, 3, None, None), (10, 10, 3, None), (16, 9, 2, 4), (36, 72, 3, 6), (5, 0, None, None)]
    judged = _Cases(what="parameter count")
    for n, (N, H, w, grid) in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (N={N}, n_hidden={H}, window={w}, grid={grid})"
        got = _scalar(_call(fn, case, N, H, w, grid), case)
        k = N if w is None else (w if grid is None else w * w)
        expected = N + H + H * k
        judged.add(got, expected, case, mistakes=[
            (H * k, f"expected {expected}, got {got}: only the weights",
             "count the N visible biases a and the n_hidden hidden biases b too"),
            (H + H * k, f"expected {expected}, got {got}: the visible biases are missing",
             "psi has e^(a.s): N visible biases a, one per site"),
            (N + H * k, f"expected {expected}, got {got}: the hidden biases are missing",
             "each hidden unit has its bias b_u inside the cosh: n_hidden of them"),
            (N + H + H * w if grid is not None else None, f"expected {expected}, got {got}: a 2D window couples "
             "window^2 sites", f"a {w} x {w} window holds {k} sites, each with its own weight"),
            (N + H + H * N if w is not None else None, f"expected {expected}, got {got}: you counted a full RBM",
             "a local unit has weights on its window's sites only"),
            (_budget.params_rbm(N, H, w, grid, shared=True), f"expected {expected}, got {got}: the count with "
             "weights shared over positions (tl.budget's convention)",
             "this task asks for every weight tl.RBM.random stores: each unit its own"),
            (N + H + k if H > 1 else None, f"expected {expected}, got {got}: one unit's weights for all of them",
             "this task asks for every weight tl.RBM.random stores: each hidden unit has its own k weights"),
        ])
    judged.settle()
    return f"{len(cases)} RBM sizes counted right."


def _monomials(R, degrees):
    return math.prod(math.comb(R + D - 1, D) for D in degrees)


@_checker("deep_rac_bound")
def check_deep_rac_bound(fn):
    """Check `deep_rac_bound(ell, M, R, depth, N)` against tnlite.scaling.deep_rac_1d."""
    cases = [(1, 2, 2, 1, 8), (4, 2, 3, 1, 8), (4, 2, 2, 2, 8), (6, 2, 2, 2, 12), (5, 3, 2, 2, 12),
             (8, 2, 3, 2, 16), (10, 2, 2, 3, 20), (3, 2, 2, 3, 12), (20, 2, 2, 2, 40), (7, 2, 2, 2, 8), (2, 3, 2, 3, 8)]
    judged = _Cases(what="rank bound")
    for n, (ell, M, R, L, N) in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (ell={ell}, M={M}, R={R}, depth={L}, N={N})"
        got = _scalar(_call(fn, case, ell, M, R, L, N), case)
        expected = _sc.deep_rac_1d(ell, M, R, L, N=N)
        caps = min(M**ell, M ** (N - ell))
        mono = _monomials(R, _sc._rac_degrees(L, N - ell))
        steps = lambda n: min(caps, _monomials(R, _sc._rac_degrees(L, n)))  # noqa: E731
        judged.add(got, expected, case, mistakes=[
            (min(mono, M**ell), f"expected {expected}, got {got}: capped by M^ell only",
             "the columns are capped too: at most M^(N-ell) of them"),
            (min(mono, M ** (N - ell)), f"expected {expected}, got {got}: capped by M^(N-ell) only",
             "the rows are capped too: at most M^ell of them"),
            (mono, f"expected {expected}, got {got}: the monomial count without the caps",
             "a matricization has at most M^ell rows and M^(N-ell) columns: take the minimum"),
            (min(mono, min(M, R) ** ell, min(M, R) ** (N - ell)), f"expected {expected}, got {got}: capped by "
             "min(M, R)^ell, which is not a bound (a depth-3 RAC with M = 3, R = 2, N = 8 has rank 54 > 2^4 at ell = 4)",
             "the caps are the matrix's sizes, M^ell rows and M^(N-ell) columns"),
            (min(R, caps) if L > 1 else None, f"expected {expected}, got {got}: the depth-1 (MPS) bound",
             "layer 2 multiplies in layer 1's state at every later step: the output has degree N - ell in h^1, "
             "and the number of monomials grows with it"),
            (steps(ell), f"expected {expected}, got {got}: you counted the steps before the cut (n = ell)",
             "the hidden states at the cut are multiplied in during the steps after it: n = N - ell"),
            (steps(N - ell - 1), f"expected {expected}, got {got}: the number of steps after the cut is off by one",
             "after the first ell inputs, N - ell steps are left"),
            (steps(N - ell + 1), f"expected {expected}, got {got}: the number of steps after the cut is off by one",
             "after the first ell inputs, N - ell steps are left"),
            (min(caps, math.prod(R**D for D in _sc._rac_degrees(L, N - ell))), f"expected {expected}, got {got}: "
             "R^D counts ordered products", "monomials of degree D in R variables: comb(R + D - 1, D)"),
            (min(caps, math.prod(math.comb(R + D, D) for D in _sc._rac_degrees(L, N - ell))),
             f"expected {expected}, got {got}: comb(R + D, D) counts monomials of degree up to D",
             "homogeneous of degree exactly D in R variables: comb(R + D - 1, D)"),
            (math.log2(expected), f"expected {expected}, got {got}: the bound in bits",
             "return the rank bound itself, an int"),
        ])
    judged.settle()
    return f"{len(cases)} deep-RAC bounds agree with tnlite.scaling."


# ---- the choice task --------------------------------------------------------------------------------
def _smallest(ok, lo, hi):
    """The smallest k in lo..hi with ok(k), ok monotone."""
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if ok(mid) else (mid + 1, hi)
    return lo


@lru_cache(maxsize=1)
def _volume_costs(alpha=64):
    """Parameters each architecture needs for the volume-law bound on the alpha x alpha block of a 2 alpha lattice."""
    side, volume = 2 * alpha, 2 ** (alpha * alpha)
    w = _smallest(lambda w: _sc.rbm_2d(alpha, side, (side - w + 1) ** 2, window=w) == volume, 1, side)
    L = _smallest(lambda L: _sc.overlapping_convac_2d(alpha, side, 2, 2, 2, L) == volume, 0, side - 1)
    return {"alpha": alpha, "w": w, "rbm": _budget.params_rbm(side * side, (side - w + 1) ** 2, w, side, shared=True),
            "L": L, "convac": _budget.params_overlapping_convac(2, 2, 2, L, (side, side), shared=True),
            "full": _budget.params_rbm(side * side, alpha * alpha, shared=True),
            # an MPS along the rows cuts each row of the block at two bonds: chi^(2 alpha) >= 2^(alpha^2)
            "chi": 2 ** (alpha // 2), "mps": _budget.params_mps(side * side, 2 ** (alpha // 2), shared=True)}


def _why_not(state, name):
    """The numbers that rule out `name` for `state`, from tnlite.scaling and tnlite.budget."""
    if name in ("tree", "MERA", "deep RAC (depth 2)") and state.startswith("2D"):
        return f"tnlite.scaling has no 2D bound for a {name} (it gives its bound on a chain only)"
    if state == "2D area law":
        if name == "MPS":
            b = [_sc.bits(_sc.mps_1d(s * s // 2, 4, N=s * s)) for s in (8, 16, 32)]
            return ("an MPS along the rows is an area law for a block in the middle, but the top half of a side x side "
                    f"lattice is the first half of its chain, cut off by one bond: chi = 4 gives {b[0]:.0f}, {b[1]:.0f}, "
                    f"{b[2]:.0f} bits at side = 8, 16, 32, while an area law grows like the side")
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
    c = _volume_costs()
    a, conv = c["alpha"], f"the overlapping ConvAC needs {c['convac']} (depth {c['L']}), about 8 alpha"
    return f"at alpha = {a}, " + {
        "MPS": f"an MPS along the rows needs chi = 2^(alpha/2) = {c['chi']:,} (two bonds per row of the block): "
               f"{c['mps']:,} parameters, where {conv}",
        "RBM, local": f"a local RBM with one shared w x w filter must read every site of the block from a window that "
                      f"straddles its boundary: w = {c['w']}, {c['rbm']:,} parameters, about alpha^2 / 4, where {conv}",
        "RBM, full": f"a full RBM needs alpha^2 = {a * a:,} units, each coupled to all {4 * a * a:,} sites: "
                     f"{c['full']:,} parameters, where {conv}"}[name]


_ACCEPT = {"2D area law": {"RBM, local", "overlapping ConvAC"},
           "critical 1D chain": {"MERA", "deep RAC (depth 2)"},
           "2D volume law, fewest parameters": {"overlapping ConvAC"}}


@_checker("choose")
def check_choose(fn):
    """Check `choose()` -> {state: architecture} for STATES, names from CHOICES."""
    got = _call(fn, "your function")
    _keyed_dict(got, STATES, f"give one architecture for each of {list(STATES)}")
    for state in STATES:
        name = got[state]
        if name not in CHOICES:
            raise _Wrong(f"{state}: {name!r} is not one of the choices", f"pick one of {list(CHOICES)}")
        if name not in _ACCEPT[state]:
            raise _Wrong(f"{state}: not {name}: {_why_not(state, name)}")
    return "each state has an architecture whose bound grows as fast as its entanglement."
