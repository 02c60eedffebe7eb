"""The fuzz table of tests/test_fuzz.py: every public callable of tnlite with hostile arguments.

One case = one call: a callable, its (small, valid) baseline arguments, and one argument
replaced by a hostile value (a huge, negative or zero size, a bool, a float where an int
belongs, a float16 / longdouble / empty / 0-d array, 1e308 or 5e-324 where a float
belongs). A few more cases chain a constructor and a method (``RAC.random(...).rank_bounds()``).

Run as a script, ``python tests/_fuzz_table.py START``, it calls cases START, START+1, ...
in order and prints one JSON line per case: ``{"i", "outcome", "type", "message", "peak"}``,
outcome one of

- "ok": the call returned;
- "named": a ValueError or TypeError whose message names one of the call's arguments, or
  the size guard's "refusing to build a dense ..." (which names the shape);
- "unnamed": a ValueError or TypeError that names none of them;
- "error": any other exception (OverflowError, MemoryError, LinAlgError, ...);

and ``peak`` the largest memory traced (tracemalloc) during the call. The test runs it in
a subprocess so that a call that hangs can be stopped and named.
"""
from __future__ import annotations

import inspect
import json
import re
import sys
import tracemalloc
import warnings

import numpy as np

import tnlite as tl
from tnlite import budget, convac2d, partitions, scaling, spins, train

HUGE_INTS = [2**40, 2**63, 2**64, np.int64(2**62), np.uint64(2**64 - 1)]
BAD_INTS = HUGE_INTS + [-1, -2**63, 0, True, 2.5, "3"]
BAD_SEEDS = [-1, -2**63, np.int64(-5), 2**64, 1.5, "0", True]
BAD_FLOATS = [1e308, -1e308, 5e-324, 0.0, -1.0, float("nan"), float("inf"), np.float16(2), np.longdouble(2),
              True, "1"]


def bad_arrays(a):
    """Hostile variants of the array `a`: odd dtypes, an empty axis, 0-d, extreme scales."""
    a = np.asarray(a)
    out = [a.astype(np.float16), a.astype(np.longdouble), a.astype(np.clongdouble), np.asarray(5.0),
           np.zeros((0,) + a.shape[1:]), np.zeros(a.shape[:-1] + (0,)), a.astype(np.int8), a.astype(bool)]
    if a.dtype.kind in "fc":
        out += [a * 1e300, a * 1e-300]
    return out


def bad_values(name, base):
    """The hostile values for the argument `name` whose valid value is `base`."""
    if name == "rng":
        return BAD_SEEDS
    if isinstance(base, (bool, np.bool_)):
        return [1, "yes", None]
    if base is None:
        return HUGE_INTS[:3] + [-1, 0, 1e308, np.float16(2)]
    if isinstance(base, (int, np.integer)):
        return BAD_INTS
    if isinstance(base, float):
        return BAD_FLOATS
    if isinstance(base, np.ndarray):
        return bad_arrays(base)
    if isinstance(base, str):
        return ["", "9" * 400, "-1, 0", "0 " + str(2**63)]
    if isinstance(base, (tuple, list)) and base and all(isinstance(x, (int, np.integer)) for x in base):
        n = len(base)
        return [(2**40,) * n, (2**63,) * n, (-1,) * n, (), (0,) * n, (2.5,) * n]
    if isinstance(base, (tuple, list)) and base and all(isinstance(x, np.ndarray) for x in base):
        return [[b.astype(np.float16) for b in base], [b.astype(np.longdouble) for b in base], [],
                [np.zeros((0,) * b.ndim) for b in base], [b * 1e300 for b in base]]
    return []


def baselines():
    """{label: (callable, valid keyword arguments)}: tiny instances, so every call is cheap."""
    rng = np.random.default_rng(0)
    A = rng.standard_normal((2, 2, 2, 2))
    mps = tl.MPS.random(4, 2, 2, rng=0)
    rac = tl.RAC.random(4, 2, 2, rng=0)
    tree = tl.TreeTN.random(4, 2, 2, rng=0)
    conv = tl.ConvAC.random(4, 2, (2, 2), rng=0)
    conv2 = tl.ConvAC2D.random(2, 2, (2,), rng=0)
    shallow = tl.ShallowConvAC.random(4, 2, 2, rng=0)
    cp = tl.CP.random(4, 2, 2, rng=0)
    overlap = tl.OverlappingConvAC.random(4, 2, 2, 2, 1, rng=0)
    rbm = tl.RBM.random(4, 2, rng=0, window=2)
    classifier = tl.ConvAC.random(4, 2, (2, 2), rng=0, C=2)
    X, y = np.ones((4, 4, 2)) / 2, np.array([0, 1, 0, 1])
    T = {
        "matricize": (tl.matricize, dict(A=A, rows=(0, 1))),
        "schmidt_values": (tl.schmidt_values, dict(A=A, rows=(0,))),
        "schmidt_rank": (tl.schmidt_rank, dict(A=A, rows=(0,), tol=1e-9)),
        "entropy_from_schmidt": (tl.entropy_from_schmidt, dict(s=np.array([0.8, 0.6]), base=2.0)),
        "entanglement_entropy": (tl.entanglement_entropy, dict(A=A, rows=(0,), base=2.0)),
        "entropy_profile": (tl.entropy_profile, dict(A=A, base=2.0)),
        "product_state": (tl.product_state, dict(local_states=np.ones((3, 2)))),
        "ghz_state": (tl.ghz_state, dict(N=3, d=2)),
        "w_state": (tl.w_state, dict(N=3)),
        "random_state": (tl.random_state, dict(N=3, d=2, rng=0, real=False)),
        "page_entropy": (tl.page_entropy, dict(m=2, n=4, base=2.0)),
        "rank_mod_p": (tl.rank_mod_p, dict(A=np.ones((2, 2, 2), int), rows=(0,), p=tl.PRIME)),
        "guard_dense": (tl.guard_dense, dict(shape=(2, 2), what="x")),
        "one_hot": (tl.one_hot, dict(configs=np.zeros((3, 4), int), M=2)),
        "gaussian_features": (tl.gaussian_features, dict(x=np.zeros((2, 3)), centers=np.array([0.0, 1.0]), width=0.5)),
        "min_cut": (tl.min_cut, dict(edges=[(0, 1, 2)], legs=[(0, 2), (1, 2)], rows=(0,))),
        "interleaved_rank": (tl.interleaved_rank, dict(N=4, M=2, widths=(2, 2), k=0)),
        "ConvAC": (tl.ConvAC, dict(layers=list(conv.layers), w_out=conv.w_out)),
        "ConvAC.random": (tl.ConvAC.random, dict(N=4, M=2, widths=(2, 2), rng=0, shared=False)),
        "ConvAC.random/shared": (tl.ConvAC.random, dict(N=4, M=2, widths=(2, 2), rng=0, shared=True)),
        "ConvAC2D": (tl.ConvAC2D, dict(layers=list(conv2.layers), w_out=conv2.w_out)),
        "ConvAC2D.random": (tl.ConvAC2D.random, dict(side=2, M=2, widths=(2,), rng=0, shared=False)),
        "ConvAC2D.random/shared": (tl.ConvAC2D.random, dict(side=2, M=2, widths=(2,), rng=0, shared=True)),
        "zorder": (convac2d.zorder, dict(side=4)),
        "ShallowConvAC": (tl.ShallowConvAC, dict(W=shallow.layers[0], w_out=shallow.w_out)),
        "ShallowConvAC/shared": (tl.ShallowConvAC, dict(W=np.ones((2, 2)), w_out=np.ones(2), N=4)),
        "ShallowConvAC.random": (tl.ShallowConvAC.random, dict(N=4, M=2, r=2, rng=0, shared=False)),
        "ShallowConvAC.random/shared": (tl.ShallowConvAC.random, dict(N=4, M=2, r=2, rng=0, shared=True)),
        "CP": (tl.CP, dict(factors=list(cp.factors), weights=cp.weights)),
        "CP.random": (tl.CP.random, dict(N=4, d=2, r=2, rng=0)),
        "MPS": (tl.MPS, dict(cores=list(mps.cores), discarded_weight=0.0)),
        "MPS.random": (tl.MPS.random, dict(N=4, d=2, chi=2, rng=0)),
        "MPS.from_dense": (tl.MPS.from_dense, dict(psi=A, max_bond=2, cutoff=0.0)),
        "RAC": (tl.RAC, dict(N=4, W_H=rac.W_H[0], W_I=rac.W_I[0], h0=rac.h0[0], W_O=rac.W_O)),
        "RAC.random": (tl.RAC.random, dict(N=4, M=2, R=2, rng=0, depth=1)),
        "RAC.random/depth2": (tl.RAC.random, dict(N=4, M=2, R=2, rng=0, depth=2)),
        "TreeTN": (tl.TreeTN, dict(leaves=list(tree.leaves), levels=tree.levels)),
        "TreeTN.random": (tl.TreeTN.random, dict(N=4, d=2, chi=2, rng=0)),
        "TreeTN.from_dense": (tl.TreeTN.from_dense, dict(A=A, max_bond=2, cutoff=0.0)),
        "mera_graph": (tl.mera_graph, dict(N=8, chi=2, d=2)),
        "partitions.contiguous": (partitions.contiguous, dict(N=4, t=2)),
        "partitions.halves": (partitions.halves, dict(N=4)),
        "partitions.interleaved": (partitions.interleaved, dict(N=4, k=0)),
        "partitions.checkerboard": (partitions.checkerboard, dict(side=4, k=0)),
        "partitions.left_right_2d": (partitions.left_right_2d, dict(side=4)),
        "partitions.parse": (partitions.parse, dict(text="0, 1", N=4)),
        "spins.tfim_hamiltonian": (spins.tfim_hamiltonian, dict(N=4, J=1.0, h=1.0, periodic=False)),
        "spins.tfim_operator": (spins.tfim_operator, dict(N=4, J=1.0, h=1.0, periodic=False)),
        "spins.heisenberg_hamiltonian": (spins.heisenberg_hamiltonian, dict(N=4, Jz=1.0, periodic=False)),
        "spins.ground_state": (spins.ground_state, dict(H=np.diag([1.0, 2.0, 3.0, 4.0]), tol=0.0)),
        "spins.tfim_lattice": (spins.tfim_lattice, dict(side=2, J=1.0, h=1.0, periodic=False)),
        "spins.lattice_bonds": (spins.lattice_bonds, dict(side=3, periodic=False)),
        "MPS.chi_for_params": (tl.MPS.chi_for_params, dict(N=4, d=2, n_params=40)),
        "OverlappingConvAC": (tl.OverlappingConvAC, dict(layers=list(overlap.layers), conv=overlap.conv,
                                                         w_out=overlap.w_out, grid=4, K=2)),
        "OverlappingConvAC.random": (tl.OverlappingConvAC.random, dict(N=4, M=2, r=2, K=2, depth=1, rng=0)),
        "OverlappingConvAC.random_2d": (tl.OverlappingConvAC.random_2d, dict(side=3, M=2, r=2, K=2, depth=1, rng=0)),
        "RBM": (tl.RBM, dict(a=rbm.a, b=rbm.b, w=rbm.w, sites=rbm.sites)),
        "RBM.random": (tl.RBM.random, dict(N=4, n_hidden=2, rng=0, window=2)),
        "RBM.random/grid": (tl.RBM.random, dict(N=4, n_hidden=2, rng=0, window=1, grid=2)),
        "rbm.rbm_sites": (tl.rbm.rbm_sites, dict(N=4, n_hidden=2, window=2)),
        "scaling.bits": (scaling.bits, dict(rank=4)),
        "scaling.region_1d": (scaling.region_1d, dict(ell=2, N=8)),
        "scaling.region_2d": (scaling.region_2d, dict(alpha=2, side=4, top=1, left=1)),
        "scaling.mps_1d": (scaling.mps_1d, dict(ell=2, chi=2, d=2, N=8)),
        "scaling.mps_2d": (scaling.mps_2d, dict(alpha=2, side=4, chi=2, d=2, top=1, left=1)),
        "scaling.tree_1d": (scaling.tree_1d, dict(ell=2, chi=2, d=2, N=8)),
        "scaling.mera_1d": (scaling.mera_1d, dict(ell=2, chi=2, d=2, N=8)),
        "scaling.rbm_1d": (scaling.rbm_1d, dict(ell=2, n_hidden=4, window=2, N=8)),
        "scaling.rbm_2d": (scaling.rbm_2d, dict(alpha=2, side=4, n_hidden=4, window=2, top=1, left=1)),
        "scaling.deep_rac_1d": (scaling.deep_rac_1d, dict(ell=2, M=2, R=2, depth=2, N=8)),
        "scaling.deep_rac_lower_1d": (scaling.deep_rac_lower_1d, dict(ell=2, M=2, R=2, depth=2, N=8)),
        "scaling.overlapping_convac_1d": (scaling.overlapping_convac_1d, dict(ell=2, M=2, r=2, K=2, depth=1, N=8)),
        "scaling.overlapping_convac_2d": (scaling.overlapping_convac_2d,
                                          dict(alpha=2, side=4, M=2, r=2, K=2, depth=1, top=1, left=1)),
        "budget.afford": (budget.afford, dict(name="MPS", budget=100, system=8, dim=1, largest=64)),
        "budget.shared_convac": (budget.shared_convac, dict(net=overlap)),
        "budget.shared_mps": (budget.shared_mps, dict(net=mps)),
        "budget.shared_tree": (budget.shared_tree, dict(net=tree)),
        "budget.shared_rbm": (budget.shared_rbm, dict(net=rbm)),
        "budget.params_mps/shared": (budget.params_mps, dict(N=8, chi=2, d=2, shared=True)),
        "budget.params_mps": (budget.params_mps, dict(N=8, chi=2, d=2)),
        "budget.params_tree": (budget.params_tree, dict(N=8, chi=2, d=2)),
        "budget.params_mera": (budget.params_mera, dict(N=8, chi=2, d=2)),
        "budget.params_rbm": (budget.params_rbm, dict(N=8, n_hidden=2, window=2)),
        "budget.params_deep_rac": (budget.params_deep_rac, dict(M=2, R=2, depth=2)),
        "budget.params_overlapping_convac": (budget.params_overlapping_convac,
                                             dict(M=2, r=2, K=2, depth=1, grid=8, shared=False)),
        "train.fit": (train.fit, dict(model=classifier, X=X, y=y, steps=2, lr=0.01, batch=2, rng=0, patience=1,
                                      eval_every=1, progress=False)),
        "train.evaluate": (train.evaluate, dict(model=classifier, X=X, y=y)),
        "train.predict": (train.predict, dict(model=classifier, X=X)),
        "train.positive": (train.positive, dict(model=classifier, rng=0, jitter=0.1)),
        "train.train_step": (train.train_step, dict(model=classifier, X=X, y=y, loss=train.CrossEntropy(),
                                                    opt=train.Adam(classifier.params(), 0.01))),
        "Adam": (train.Adam, dict(params=classifier.params(), lr=0.01, eps=1e-8)),
        "Adam.step": (train.Adam(classifier.params(), 0.01).step, dict(params=classifier.params(),
                                                                      grads=classifier.params())),
        "CrossEntropy()(out, y)": (train.CrossEntropy(), dict(out=np.ones((4, 2)), y=y)),
        "CrossEntropy.predict": (train.CrossEntropy.predict, dict(out=np.ones((3, 2)))),
    }
    nets = {"MPS": mps, "RAC": rac, "TreeTN": tree, "ConvAC": conv, "ConvAC2D": conv2, "ShallowConvAC": shallow,
            "CP": cp, "OverlappingConvAC": overlap, "RBM": rbm}
    for name, net in nets.items():
        for meth, kwargs in method_baselines(net).items():
            T[f"{name}.{meth}"] = (getattr(net, meth), kwargs)
    T["ConvAC.head"] = (classifier.head, dict(c=1))
    return T


#: Hostile values left out, with the reason: a legal request for a long computation is not a defect.
LEFT_OUT = {
    ("train.fit", "steps"): "2**40 Adam steps is a legal (interruptible) run, not a hang",
}


#: Valid values of the networks' method arguments, by argument name (a network -> value).
METHOD_ARGS = {
    "configs": lambda net: np.zeros((3, net.N), int),
    "X": lambda net: np.ones((3, net.N, net.phys_dims[0])),
    "rows": lambda net: (0,),
    "params": lambda net: net.params(),
    "center": lambda net: 1,
    "base": lambda net: 2.0,
    "N": lambda net: 4,
    "other": lambda net: net,
    "g": lambda net: np.ones(3),
    "log": lambda net: False,
    "l": lambda net: 0,
    "c": lambda net: 0,  # a one-score network refuses head(c) by name; "ConvAC.head" is a classifier's
}


#: Methods that tnlite.Network declares and a network without that route leaves raising NotImplementedError.
STUBS = ("score", "log_abs_score", "vjp", "amplitudes", "to_dense", "graph", "params")


def public_methods(cls):
    """{name: function} of the public methods of `cls` (inherited too) that take arguments."""
    out = {}
    for klass in reversed(cls.__mro__[:-1]):
        for name, member in vars(klass).items():
            f = member.__func__ if isinstance(member, (classmethod, staticmethod)) else member
            if klass is tl.Network and name in STUBS:
                continue  # "this network has none": NotImplementedError by design, unless a subclass overrides it
            if not name.startswith("_") and inspect.isfunction(f):
                out[name] = (f, isinstance(member, classmethod))
    return {name: f for name, (f, is_cls) in out.items()
            if not is_cls and len(inspect.signature(f).parameters) > 1}


def method_baselines(net):
    """{method: valid kwargs} for every public method of `net` whose arguments METHOD_ARGS knows."""
    out = {}
    for name, f in public_methods(type(net)).items():
        if isinstance(inspect.getattr_static(type(net), name), staticmethod):
            continue  # called through the class, in baselines()
        params = list(inspect.signature(f).parameters.values())[1:]
        if all(p.name in METHOD_ARGS for p in params if p.default is inspect.Parameter.empty):
            out[name] = {p.name: METHOD_ARGS[p.name](net) for p in params if p.name in METHOD_ARGS}
    return out


def chains():
    """Calls through a constructor to a method that must refuse (or finish) from the sizes alone:
    {label: (thunk, the argument names its message may use)}."""
    return {
        "RAC.random(10**8).coefficient_tensor": (lambda: tl.RAC.random(10**8, 2, 2, rng=0).coefficient_tensor(), "N"),
        "RAC.random(100).coefficient_tensor": (lambda: tl.RAC.random(100, 2, 2, rng=0).coefficient_tensor(), ""),
        "RAC.random(10**5, M=3).rank_bounds": (lambda: tl.RAC.random(10**5, 3, 2, rng=0).rank_bounds(), ""),
        "RAC.random(10**5).mps_cores": (lambda: tl.RAC.random(10**5, 2, 200, rng=0).mps_cores(), ""),
        "ConvAC.random(2**40, shared)": (lambda: tl.ConvAC.random(2**40, 2, (2,) * 40, rng=0, shared=True), "N"),
        "ConvAC.random(2**16, shared).to_dense": (
            lambda: tl.ConvAC.random(2**16, 2, (2,) * 16, rng=0, shared=True).to_dense(), ""),
        "ConvAC2D.random(2**20, shared)": (
            lambda: tl.ConvAC2D.random(2**20, 2, (2,) * 20, rng=0, shared=True), "side"),
        "ConvAC(64 shared layers)": (lambda: tl.ConvAC([np.ones((2, 2))] * 64, np.ones(2)), "layers N"),
        "interleaved_rank(2**40)": (lambda: tl.interleaved_rank(2**40, 2, (2,) * 40, 0), "N"),
        "interleaved_rank(2**63)": (lambda: tl.interleaved_rank(2**63, 3, (3,) * 63, 0), "N"),
        "MPS.random(10**7)": (lambda: tl.MPS.random(10**7, 2, 2, rng=0), ""),
        "MPS.random(2**40)": (lambda: tl.MPS.random(2**40, 2, 2, rng=0), "N"),
        "MPS.random(2**40, p)": (lambda: tl.MPS.random(2**40, 2, 2, rng=0, p=tl.PRIME), "N"),
        "TreeTN.random(2**63)": (lambda: tl.TreeTN.random(2**63, 2, 2, rng=0), "N"),
        "CP.random(100).to_dense": (lambda: tl.CP.random(100, 2, 2, rng=0).to_dense(), ""),
        "random_state(100, d=1)": (lambda: tl.random_state(100, 1, rng=0), ""),
        "product_state(100 x 1)": (lambda: tl.product_state(np.ones((100, 1))), ""),
        "ghz_state(10**8)": (lambda: tl.ghz_state(10**8), ""),
        "random_state(10**8)": (lambda: tl.random_state(10**8, 2, rng=0), ""),
        "one_hot(M=10**9)": (lambda: tl.one_hot([[0]], 10**9), ""),
        "page_entropy(2**1100)": (lambda: tl.page_entropy(2**1100, 2**1100), ""),
        "interleaved(2**20, k=10**8)": (lambda: partitions.interleaved(2**20, 10**8), "k"),
        "checkerboard(10**8)": (lambda: partitions.checkerboard(10**8), "side"),
    }


#: Words a message may use instead of the argument's name: parse reports the side P and the sites typed
#: (what a partition panel shows its student), not the parameter `text`.
EXTRA_NAMES = {"partitions.parse": ("sites", "P")}


def cases():
    """Every case in a fixed order: (label, callable, kwargs, names the message may use)."""
    out = []
    for label, (fn, base) in baselines().items():
        names = tuple(base) + EXTRA_NAMES.get(label, ())
        out.append((label, fn, dict(base), names))
        for arg, valid in base.items():
            if LEFT_OUT.get((label, arg)):
                continue
            for v in bad_values(arg, valid):
                shown = f"array{v.shape} {v.dtype}" if isinstance(v, np.ndarray) else repr(v)[:40]
                out.append((f"{label}({arg}={shown})", fn, {**base, arg: v}, names))
    for label, (fn, names) in chains().items():
        out.append((label, fn, {}, tuple(names.split())))
    return out


def names_an_argument(message, names):
    """Does `message` name one of `names` (as a word), or is it the size guard's refusal?"""
    if message.startswith("refusing to build a dense"):
        return True
    return any(re.search(rf"(?<![\w.]){re.escape(n)}\b", message) for n in names)


def run_case(fn, kwargs, names):
    """Call fn(**kwargs) and classify what happened; see the module docstring."""
    tracemalloc.start()
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            fn(**kwargs)
        outcome, kind, message = "ok", "", ""
    except (ValueError, TypeError) as exc:
        message = str(exc)
        outcome = "named" if names_an_argument(message, names) else "unnamed"
        kind = type(exc).__name__
    except Exception as exc:  # noqa: BLE001 - the point is to see every other kind
        outcome, kind, message = "error", type(exc).__name__, str(exc)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"outcome": outcome, "type": kind, "message": message[:300], "peak": peak}


def main(start):
    table = cases()
    for i in range(start, len(table)):
        label, fn, kwargs, names = table[i]
        print(json.dumps({"i": i, "label": label, **run_case(fn, kwargs, names)}), flush=True)


if __name__ == "__main__":
    import resource

    # a guard that comes too late must fail here with a MemoryError, not take the machine down
    limit = 6 * 2**30
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
