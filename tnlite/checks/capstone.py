"""Checkers for exercises 10, the capstone: a fidelity ceiling from a Schmidt spectrum, the energy
gradient as one vjp, and an architecture and budget chosen for a described state with its reason.

References: the ceiling by numpy on the given spectrum; the energy and its gradient by
:func:`tnlite.vmc.energy_gradient` (a route the task does not ask the reader to write: it
backpropagates through ``to_dense``); the choices from :mod:`tnlite.experiments.capstone`'s
min cuts and the ground states' Schmidt spectra.
"""
from __future__ import annotations

import numpy as np

from .. import spins, vmc
from ..experiments import capstone as _cap
from ..mps import MPS
from ..rac import RAC
from ..rbm import RBM
from ._common import _Cases, _Wrong, _call, _checker, _fmt, _keyed_dict, _scalar

#: The choice task's scenarios: (state, architectures allowed, fidelity the fit must not be barred from).
SCENARIOS = {
    "2D lattice, any architecture, F >= 0.99": ("2D lattice", None, 0.99),
    "critical chain, shallow ConvAC, F >= 0.95": ("critical chain", ("shallow ConvAC",), 0.95),
    "2D lattice, MPS, F >= 0.995": ("2D lattice", ("MPS",), 0.995),
}


def _bound(s, k):
    p = np.sort(np.asarray(s, dtype=float) ** 2)[::-1]
    return float(min(1.0, p[:k].sum() / p.sum()))


@_checker("fidelity_bound")
def check_fidelity_bound(fn):
    """Check `fidelity_bound(s, k)`: the sum of the k largest Schmidt probabilities p_i = s_i^2 / sum s^2."""
    r = np.random.default_rng(10)
    # k != n/2 in every case: there the k smallest probabilities are 1 - bound, and the two mistakes look alike
    cases = [("sorted, normalised", np.sqrt([0.7, 0.2, 0.06, 0.04]), 3),
             ("unnormalised (a state of norm 3)", 3 * np.sqrt([0.5, 0.3, 0.15, 0.05]), 1),
             ("in no particular order", np.array([0.1, 0.9, 0.3, 0.2, 0.05]), 2),
             ("k above the number of values", np.array([0.8, 0.6]), 5),
             ("20 random values", r.random(20), 7)]
    judged = _Cases(what="bound")
    for name, s, k in cases:
        case = f"case '{name}' (s = {_fmt(s[:5])}{'...' if s.size > 5 else ''}, k = {k})"
        got = _scalar(_call(fn, case, s, k), case)
        p_sorted = np.sort(s**2)[::-1] / np.sum(s**2)
        judged.add(got, _bound(s, k), case, mistakes=[
            (float(min(1.0, p_sorted[::-1][:k].sum())), "you summed the k smallest probabilities, not the k largest",
             "sort in descending order (np.sort(p)[::-1]) before taking p[:k]"),
            (float(np.sqrt(_bound(s, k))), "that is the square root of the bound: the largest overlap |<phi|psi>|, "
             "not the fidelity", "the fidelity is the overlap squared: do not take a square root of the sum"),
            (float(np.sort(s)[::-1][:k].sum() / np.sum(s)), "you summed singular values, not probabilities",
             "the Schmidt probabilities are the squares s_i^2, divided by their sum"),
            (float(np.sum(np.sort(s)[::-1][:k] ** 2)), "the squares are not normalised",
             "divide by sum(s**2): the target need not have norm 1"),
            (float(np.sum(s[:k] ** 2) / np.sum(s**2)), "you took the first k values as given, not the k largest",
             "sort the probabilities in descending order first (np.sort(...)[::-1])"),
            (float(1.0 - p_sorted[:k].sum()), "that is 1 - bound: the tail the rank-k state must miss",
             "the ceiling is the weight a rank-k state CAN capture"),
            (float(p_sorted[:k - 1].sum()) if k > 1 else None, "off by one: you summed k - 1 probabilities",
             "p[:k] holds the k largest"),
            (float(p_sorted[:k + 1].sum()), "off by one: you summed k + 1 probabilities", "p[:k] holds the k largest"),
        ])
    judged.settle()
    return "the k largest Schmidt probabilities, normalised and sorted, whatever the order and norm of s."


def _gradient_cases():
    H = spins.tfim_hamiltonian(6, 1.0, 1.0)
    mps = MPS.random(6, 2, 3, rng=1)
    mps = mps.with_params([3.0 * p if i == 0 else p for i, p in enumerate(mps.params())])  # <psi|psi> far from 1 and 2
    return [("an MPS (N=6, chi=3, <psi|psi> far from 1)", mps, H),
            ("a RAC (N=6, R=3)", RAC.random(6, 2, 3, rng=2), H),
            ("an RBM (N=6, 4 hidden units)", RBM.random(6, 4, rng=3), spins.tfim_hamiltonian(6, 1.0, 3.0))]


@_checker("energy_gradient")
def check_energy_gradient(fn):
    """Check `energy_gradient(net, H)` -> (E, grads): the energy and one vjp with g = 2 (H psi - E psi) / <psi|psi>."""
    for name, net, H in _gradient_cases():
        case = f"case {name}"
        got = _call(fn, case, net, H)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise _Wrong(f"{case}: expected a pair (E, grads), got {type(got).__name__}")
        E_ref, grads_ref = vmc.energy_gradient(net, H)
        psi = net.to_dense().ravel()
        nn, Hpsi = psi @ psi, H @ psi
        E = _scalar(got[0], case, "your E")
        if not np.isclose(E, E_ref, rtol=1e-8):
            hint = ("divide psi.H.psi by <psi|psi>: the network's amplitudes are not normalised"
                    if np.isclose(E, psi @ Hpsi, rtol=1e-8) else "E = psi @ (H @ psi) / (psi @ psi)")
            raise _Wrong(f"{case}: E = {E:.6g}, expected {E_ref:.6g}", hint)
        grads = list(got[1]) if isinstance(got[1], (list, tuple)) else None
        if grads is None or len(grads) != len(net.params()):
            raise _Wrong(f"{case}: grads must be a list of {len(net.params())} arrays, one per net.params()")
        X = _all_inputs(net)
        wrong = {
            "without the factor 2": Hpsi - E_ref * psi,
            "without the - E psi term (the derivative of the normalisation is missing)": 2 * Hpsi,
            "without dividing by <psi|psi>": 2 * (Hpsi - E_ref * psi),
            "with the opposite sign (that climbs the energy)": -2 * (Hpsi - E_ref * psi),
        }
        for k, (g, ref) in enumerate(zip(grads, grads_ref)):
            g = np.asarray(g, dtype=float)
            if g.shape != ref.shape:
                raise _Wrong(f"{case}: grads[{k}] has shape {g.shape}, params()[{k}] has {ref.shape}")
        if all(np.allclose(g, ref, rtol=1e-6, atol=1e-9 * max(1.0, np.abs(ref).max())) for g, ref in zip(grads, grads_ref)):
            continue
        for what, upstream in wrong.items():
            cand = net.vjp(X, upstream / (nn if "dividing" not in what else 1.0))
            if all(np.allclose(g, c, rtol=1e-6, atol=1e-12) for g, c in zip(grads, cand)):
                raise _Wrong(f"{case}: your gradient is the vjp with upstream weights {what}",
                             "g = 2 * (H @ psi - E * psi) / (psi @ psi), then net.vjp(X, g) on all configurations")
        _name_a_factor(case, grads, grads_ref, nn)
        k = next(k for k, (g, ref) in enumerate(zip(grads, grads_ref))
                 if not np.allclose(g, ref, rtol=1e-6, atol=1e-9 * max(1.0, np.abs(ref).max())))
        raise _Wrong(f"{case}: grads[{k}] differs from dE/d params()[{k}] (largest difference "
                     f"{np.max(np.abs(np.asarray(grads[k]) - grads_ref[k])):.3g}), and not by one common factor",
                     "check both halves of the vjp: g = 2 * (H @ psi - E * psi) / (psi @ psi), one weight per "
                     "configuration, and X the one-hot inputs of ALL 2^N configurations in to_dense order "
                     "(tl.one_hot(tl.vmc.all_configurations(N), 2))")
    return "E and its gradient agree for an MPS, a RAC and an RBM: one vjp with g = 2 (H psi - E psi) / <psi|psi>."


def _name_a_factor(case, grads, grads_ref, nn):
    """Raise if the gradient is c times the right one (c != 1): the upstream weights are off by c."""
    g = np.concatenate([np.asarray(x, dtype=float).ravel() for x in grads])
    ref = np.concatenate([np.asarray(x, dtype=float).ravel() for x in grads_ref])
    c = float(g @ ref / (ref @ ref))
    if not np.isfinite(c) or np.isclose(c, 1.0, rtol=1e-6) or not np.allclose(g, c * ref, rtol=1e-6,
                                                                                atol=1e-9 * np.abs(ref).max()):
        return
    known = {1 / nn: "you divided by <psi|psi> twice", nn**-0.5: "you divided by sqrt(<psi|psi>) too many",
             nn**0.5: "you divided by sqrt(<psi|psi>) instead of <psi|psi>", nn: "the division by <psi|psi> is missing",
             0.5: "the factor 2 is missing", 2.0: "the factor 2 appears twice"}
    why = next((w for f, w in known.items() if np.isclose(c, f, rtol=1e-6)), None)
    raise _Wrong(f"{case}: your gradient is {c:.6g} times the right one (here <psi|psi> = {nn:.6g})"
                 + (f": {why}" if why else ""),
                 "the upstream weights are off by that factor: g = 2 * (H @ psi - E * psi) / (psi @ psi)")


def _all_inputs(net):
    from ..features import one_hot

    return one_hot(vmc.all_configurations(net.N, net.phys_dims[0]), net.phys_dims[0])


def _options(state, allowed):
    """{(architecture, budget): (ceiling, binding cut)} of the capstone's lineup."""
    out = {}
    for b in _cap.BUDGETS:
        for a, value in _cap.ceilings(state, b).items():
            if allowed is None or a in allowed:
                out[(a, b)] = value
    return out


#: Bounds this close to the ceiling count as the same: the 4 x 4 lattice is symmetric under x <-> y.
TIE = 1e-12


def _cut_name(cut, dim):
    """The name in CUTS[dim] of `cut`, given as a name or as the sites of either side; else `cut` itself."""
    if isinstance(cut, str) or cut is None:
        return cut
    try:
        sites = {int(i) for i in cut}
    except (TypeError, ValueError):
        return cut
    everything = set(range(_cap.N))
    return next((name for name, rows in _cap.CUTS[dim].items()
                 if sites in (set(rows), everything - set(rows))), cut)


@_checker("choose_architecture")
def check_choose_architecture(fn):
    """Check `choose_architecture()` -> {scenario: {"architecture", "budget", "cut", "rank"}} for SCENARIOS."""
    got = _call(fn, "your function")
    _keyed_dict(got, SCENARIOS, "give one answer for each scenario of SCENARIOS")
    for scenario, (state, allowed, need) in SCENARIOS.items():
        answer = got[scenario]
        keys = ("architecture", "budget", "cut", "rank")
        if not isinstance(answer, dict) or any(k not in answer for k in keys):
            raise _Wrong(f"{scenario}: expected a dict with keys {keys}, got {answer!r:.80}")
        arch, budget = answer["architecture"], answer["budget"]
        options = _options(state, allowed)
        if (arch, budget) not in options:
            names = sorted({a for a, _ in options})
            raise _Wrong(f"{scenario}: ({arch!r}, {budget!r}) is not in the lineup",
                         f"architectures {names} at budgets {list(_cap.BUDGETS)} (tl.experiments.capstone.lineup)")
        ceiling, cut = options[(arch, budget)]
        if ceiling < need:
            raise _Wrong(f"{scenario}: {arch} at {budget} parameters has ceiling {ceiling:.5f} across '{cut}' "
                         f"(min-cut rank {_cap.rank(arch, _cap.STATES[state][0], budget, cut)}): no training can "
                         f"reach {need}")
        cheapest = min(b for (a, b), (c, _) in options.items() if c >= need)
        if budget > cheapest:
            ok = sorted(a for (a, b), (c, _) in options.items() if b == cheapest and c >= need)
            raise _Wrong(f"{scenario}: {budget} parameters is more than needed: at {cheapest} the ceiling of {ok} "
                         f"already allows {need}")
        dim = _cap.STATES[state][0]
        per_cut = _cap.bounds(state, budget, arch)
        given = _cut_name(answer["cut"], dim)
        tied = [c for c, v in per_cut.items() if v <= ceiling + TIE]   # symmetric cuts give equal bounds
        if given not in tied:
            there = f" (bound {per_cut[given]:.6f} there)" if isinstance(given, str) and given in per_cut else ""
            raise _Wrong(f"{scenario}: {arch}'s ceiling {ceiling:.6f} is lowest across "
                         f"{' or '.join(repr(c) for c in tied)}, not {answer['cut']!r}{there}",
                         "compute the bound at every cut of tl.experiments.capstone.CUTS and take the smallest")
        cut = given
        true_rank = _cap.rank(arch, dim, budget, cut)
        if answer["rank"] != true_rank:
            raise _Wrong(f"{scenario}: across '{cut}' the min cut of {arch} at {budget} parameters is "
                         f"{true_rank}, not {answer['rank']!r}", "net.min_cut(rows).rank_bound")
    return "each choice is the smallest budget whose ceiling allows the fidelity, with the cut and rank that set it."
