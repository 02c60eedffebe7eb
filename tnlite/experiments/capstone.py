"""The capstone's sweep: every architecture, at equal parameter budgets, fitted to three ground states.

    python -m tnlite.experiments.capstone --jobs 2       # the full sweep (about 35 CPU minutes)
    python -m tnlite.experiments.capstone --quick        # a smoke run: one budget, one seed, few steps

States (N = 16 spins, :mod:`tnlite.spins`): the transverse-field Ising chain, gapped (h = 3)
and critical (h = 1), open ends; the 4 x 4 lattice at h = 3.04 (near the 2D critical field).
Each architecture is sized by one knob to three budgets, its parameter count within 10 %
of 125, 250 and 425 (:data:`SIZES`; the overlapping ConvAC only where one of its sizes
fits), started from :func:`tnlite.train.positive` of a seeded random instance (the Ising
ground state is positive, so a positive start is on the right side), and fitted by
minimising its exact variational energy (:func:`tnlite.vmc.minimize_energy`, Adam). Each
row gives the architecture's ceiling, the smallest fidelity bound over the state's cuts
(:data:`CUTS`) from its min cut, and over the seeds the fidelity reached and the energy
error (E - E0) / |E0|. It writes ``docs/results_capstone.md`` and the numbers as
``docs/results_capstone.json`` (read by lesson 10, which re-checks them against its own
ground states and min cuts).
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from functools import lru_cache

import numpy as np

from .. import partitions, spins, train, vmc
from ..convac import ConvAC
from ..convac2d import ConvAC2D
from ..cp import ShallowConvAC
from ..mps import MPS
from ..rac import RAC
from ..rbm import RBM
from ..reuse import OverlappingConvAC
from ..tensors import schmidt_values

__all__ = ["STATES", "BUDGETS", "SIZES", "CUTS", "hamiltonian", "ground", "lineup", "build", "probabilities", "rank",
           "ceilings", "fit_one", "sweep", "table", "main"]

#: name -> (dimension, transverse field h); J = 1, N = 16 spins, open boundaries.
STATES = {"gapped chain": (1, 3.0), "critical chain": (1, 1.0), "2D lattice": (2, 3.04)}
N, SIDE = 16, 4
BUDGETS = (125, 250, 425)
DEFAULT_STEPS = 1000
#: The partitions whose Schmidt spectra set the ceilings, per dimension.
CUTS = {1: {"halves": partitions.halves(N), "quarter | rest": partitions.contiguous(N, 4),
            "odd | even": partitions.interleaved(N)},
        2: {"left | right": partitions.left_right_2d(SIDE), "top | bottom": partitions.halves(N),
            "corner 2x2 | rest": (0, 1, 4, 5), "checkerboard": partitions.checkerboard(SIDE)}}
#: architecture -> dimension -> budget -> knob. A missing budget: no size of it within 10 %.
SIZES = {
    "MPS": {d: {125: 2, 250: 3, 425: 4} for d in (1, 2)},                    # chi; 2D: sites row by row
    "RAC": {d: {125: 9, 250: 14, 425: 19} for d in (1, 2)},                  # R (depth 1, weights shared in time)
    "deep ConvAC": {1: {125: (2, 2, 2, 2), 250: (2, 4, 4, 6), 425: (2, 4, 8, 10)},  # widths; 2D: ConvAC2D
                    2: {125: (3, 3), 250: (4, 7), 425: (6, 9)}},
    "shallow ConvAC": {d: {125: 4, 250: 8, 425: 13} for d in (1, 2)},       # r: a CP decomposition of rank r
    "overlapping ConvAC": {1: {425: (3, 2)}, 2: {250: (2, 2), 425: (2, 3)}},  # (depth, r), K = 2
    "RBM": {d: {125: 6, 250: 14, 425: 24} for d in (1, 2)},                  # hidden units, fully connected
}
KNOBS = {"MPS": "chi", "RAC": "R", "deep ConvAC": "widths", "shallow ConvAC": "r", "overlapping ConvAC": "(depth, r)",
         "RBM": "hidden units"}


def hamiltonian(state):
    """The sparse Hamiltonian of a state of :data:`STATES`."""
    dim, h = STATES[state]
    return spins.tfim_hamiltonian(N, 1.0, h) if dim == 1 else spins.tfim_lattice(SIDE, 1.0, h)


@lru_cache(maxsize=3)
def ground(state):
    """(E0, psi0) of a state, psi0 of shape (2,)*16 (cached)."""
    return spins.ground_state(hamiltonian(state))


def build(arch, knob, dim, rng):
    """A random instance of `arch` sized by `knob` in `dim` dimensions, then a positive start (train.positive)."""
    rng = np.random.default_rng(rng)
    if arch == "MPS":
        net = MPS.random(N, 2, knob, rng)
    elif arch == "RAC":
        net = RAC.random(N, 2, knob, rng)
    elif arch == "deep ConvAC":
        net = ConvAC.random(N, 2, knob, rng) if dim == 1 else ConvAC2D.random(SIDE, 2, knob, rng)
    elif arch == "shallow ConvAC":
        net = ShallowConvAC.random(N, 2, knob, rng)
    elif arch == "overlapping ConvAC":
        depth, r = knob
        net = (OverlappingConvAC.random(N, 2, r, 2, depth, rng) if dim == 1
               else OverlappingConvAC.random_2d(SIDE, 2, r, 2, depth, rng))
    elif arch == "RBM":
        net = RBM.random(N, knob, rng)
    else:
        raise ValueError(f"arch must be one of {list(SIZES)}, got {arch!r}")
    return train.positive(net, rng)


def lineup(state, budget):
    """{architecture: knob} for a state's dimension at a budget (those with a size within 10 %)."""
    dim = STATES[state][0]
    return {a: s[dim][budget] for a, s in SIZES.items() if budget in s[dim]}


@lru_cache(maxsize=None)
def probabilities(state, cut):
    """The ground state's Schmidt probabilities across a cut of :data:`CUTS`, descending (cached)."""
    s = schmidt_values(ground(state)[1], CUTS[STATES[state][0]][cut])
    return s**2 / np.sum(s**2)


@lru_cache(maxsize=None)
def rank(arch, dim, budget, cut):
    """The min-cut rank bound of `arch` at a budget across a cut (weights do not matter; cached)."""
    knob = SIZES[arch][dim][budget]
    return build(arch, knob, dim, 0).min_cut(CUTS[dim][cut]).rank_bound


def ceilings(state, budget):
    """{architecture: (bound, cut)}: each one's smallest fidelity bound over the state's cuts, and where.

    The bound across a cut is the sum of the target's k largest Schmidt probabilities there,
    k the architecture's min-cut rank (as :func:`tnlite.vmc.fidelity_bound`).
    """
    dim, out = STATES[state][0], {}
    for arch in lineup(state, budget):
        bounds = {cut: min(1.0, float(probabilities(state, cut)[:rank(arch, dim, budget, cut)].sum()))
                  for cut in CUTS[dim]}
        cut = min(bounds, key=bounds.get)
        out[arch] = (bounds[cut], cut)
    return out


def fit_one(state, budget, arch, seed, steps=1000, lr=0.03, progress=False):
    """Fit one architecture to one state from one seed; a dict of what the table reports."""
    dim = STATES[state][0]
    knob = lineup(state, budget)[arch]
    E0, psi0 = ground(state)
    model = build(arch, knob, dim, seed)
    bound, cut = ceilings(state, budget)[arch]
    t = time.process_time()
    res = vmc.minimize_energy(model, hamiltonian(state), steps, lr, seed, target=psi0, progress=progress)
    return dict(state=state, budget=budget, arch=arch, knob=str(knob), params=model.n_params, seed=seed,
                steps=len(res.history["step"]), stopped=res.stopped, energy=res.energy, E0=E0,
                rel_error=(res.energy - E0) / abs(E0), fidelity=res.fidelity, bound=bound, cut=cut,
                cpu_s=time.process_time() - t, history_fidelity=res.history["fidelity"][::50])


def _fit_run(run):
    return fit_one(*run)


def sweep(states=tuple(STATES), budgets=BUDGETS, seeds=(0, 1, 2), steps=1000, lr=0.03, archs=None, jobs=1,
          progress=True):
    """Every (state, budget, architecture, seed): a list of :func:`fit_one` rows, in that order.

    `jobs` > 1 runs the fits in that many worker processes. Ctrl-C stops the sweep and
    returns the fits finished so far.
    """
    runs = [(s, b, a, seed, steps, lr) for s in states for b in budgets for a in lineup(s, b)
            if archs is None or a in archs for seed in seeds]
    rows, t0 = [], time.time()

    def report(k, run):
        if progress:
            eta = (time.time() - t0) / k * (len(runs) - k) if k else float("nan")
            print(f"\r[{k}/{len(runs)}] {run[0]}, {run[1]} parameters, {run[2]}, seed {run[3]} "
                  f"(about {eta / 60:.0f} min left)   ", end="", file=sys.stderr, flush=True)

    try:
        if jobs == 1:
            for k, run in enumerate(runs):
                report(k, run)
                rows.append(fit_one(*run))
                if rows[-1]["stopped"].startswith("interrupted"):
                    break
        else:
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(jobs) as pool:
                for k, row in enumerate(pool.map(_fit_run, runs)):
                    rows.append(row)
                    report(k + 1, runs[k])
    except KeyboardInterrupt:
        pass
    if progress:
        print(f"\r{len(rows)} of {len(runs)} fits in {(time.time() - t0) / 60:.1f} min" + " " * 40, file=sys.stderr)
    return rows


def _spread(values, fmt):
    v = np.asarray(values, dtype=float)
    return f"{fmt.format(v.mean())} [{fmt.format(v.min())}, {fmt.format(v.max())}]"


def table(rows):
    """The markdown table: one line per (state, budget, architecture), mean [min, max] over the seeds."""
    out = ["| state | budget | architecture | size | params | ceiling (cut) | fidelity | (E - E0) / abs(E0) |",
           "|---|---|---|---|---|---|---|---|"]
    groups = {}
    for r in rows:
        groups.setdefault((r["state"], r["budget"], r["arch"]), []).append(r)
    for (s, b, a), rs in groups.items():
        r = rs[0]
        out.append(f"| {s} | {b} | {a} | {KNOBS[a]} = {r['knob']} | {r['params']} | {r['bound']:.5f} ({r['cut']}) "
                   f"| {_spread([x['fidelity'] for x in rs], '{:.5f}')} "
                   f"| {_spread([x['rel_error'] for x in rs], '{:.1e}')} |")
    return "\n".join(out)


def _cut_note(steps, budgets):
    """Why a sweep ran fewer steps or budgets than the default, said in its table."""
    cut = ([f"{steps} steps instead of {DEFAULT_STEPS}"] if steps < DEFAULT_STEPS else []) + \
        ([f"budgets {', '.join(map(str, budgets))} of {', '.join(map(str, BUDGETS))}"] if budgets != BUDGETS else [])
    if not cut:
        return ""
    return (f" (cut to {' and '.join(cut)} so that the sweep finishes within about 30 minutes of wall time with "
            "--jobs 2 on two cores shared with other work; a fit still improving at its last step is a lower bound "
            "on what its architecture reaches)")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=DEFAULT_STEPS, help=f"Adam steps per fit (default {DEFAULT_STEPS})")
    p.add_argument("--lr", type=float, default=0.03, help="Adam's step size (default 0.03)")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--budgets", type=int, nargs="+", default=list(BUDGETS), choices=BUDGETS,
                   help=f"parameter budgets (default {' '.join(map(str, BUDGETS))})")
    p.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--quick", action="store_true", help="125 parameters, seed 0, 30 steps: a smoke run")
    p.add_argument("--output", default=os.path.join("docs", "results_capstone.md"))
    args = p.parse_args(argv)
    steps, seeds, budgets = (30, [0], (125,)) if args.quick else (args.steps, args.seeds, tuple(args.budgets))
    rows = sweep(budgets=budgets, seeds=seeds, steps=steps, lr=args.lr, jobs=args.jobs)
    cmd = " ".join(["python -m tnlite.experiments.capstone"] + list(sys.argv[1:] if argv is None else argv))
    done = len(rows) == sum(len(lineup(s, b)) for s in STATES for b in budgets) * len(seeds)
    text = "\n".join([
        "# Capstone results: architectures at equal parameters fitted to Ising ground states",
        "",
        f"Regenerate with `{cmd.strip()}` (written by tnlite/experiments/capstone.py; "
        f"{'complete' if done else 'INTERRUPTED, partial'}; {datetime.date.today()}, "
        f"{sum(r['cpu_s'] for r in rows) / 60:.0f} CPU minutes of fitting).",
        "",
        f"N = 16 spins; exact energy minimisation with Adam (lr = {args.lr}, {steps} steps, full sums over all 2^16 "
        f"configurations){_cut_note(steps, budgets)}, seeds {', '.join(map(str, seeds))}, each from a positive start "
        "(`tnlite.train.positive` of a seeded random instance). Each cell over the seeds: mean [min, max]. "
        "The ceiling is the smallest fidelity bound over the listed cuts of the state: the sum of its k largest "
        "Schmidt probabilities across the cut, k the architecture's min cut there; no weights can pass it.",
        "",
        table(rows),
        "",
        "Cuts: chains: halves, the first quarter, odd | even sites; lattice (sites row by row): left | right, "
        "top | bottom, the 2x2 corner, the checkerboard.",
        "",
    ])
    os.makedirs(os.path.dirname(args.output) or ".", exist_ok=True)
    with open(args.output, "w") as f:
        f.write(text)
    with open(os.path.splitext(args.output)[0] + ".json", "w") as f:
        json.dump(dict(command=cmd.strip(), steps=steps, lr=args.lr, seeds=seeds, budgets=list(budgets), complete=done,
                       rows=rows), f, indent=1)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
