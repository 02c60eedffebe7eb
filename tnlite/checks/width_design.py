"""Checkers for exercises 07, designing widths: width allocations, predictions, the backward step of product pooling.

The ConvACs here have N = 8 inputs, M = 4 features and 2 class scores, as in lesson 07.
A width allocation is judged by what the widths allow (parameter count and min cuts,
computed from the network's graph), never by comparison with one answer.
"""
from __future__ import annotations

import numpy as np

from .. import partitions
from ..convac import ConvAC
from ._common import _Wrong, _array, _call, _checker

_N, _M = 8, 4

#: The three allocation targets of task 1: (parameter budget, {partition name: least min cut}).
ALLOCATION_TARGETS = {
    "left_right": (180, {"left | right": 4}),
    "even_odd": (180, {"even | odd": 256}),
    "both": (240, {"left | right": 4, "even | odd": 256}),
}
_ROWS = {"left | right": partitions.halves(_N), "even | odd": partitions.interleaved(_N, 0)}


def _why_cut_is_small(part, widths, cut):
    r0, r1, r2 = widths
    if part == "even | odd":
        return (f"even | odd needs each of the 4 pairs of neighbours cut apart; the cheapest place is layer 0, "
                f"min(M, r_0) = min(4, {r0}) per pair, so the cut is {cut}: r_0 must reach M = 4 for 4**4 = 256")
    return (f"left | right is cut where the two blocks of 4 inputs meet: at the top conv's legs min(r_1, r_2) = "
            f"min({r1}, {r2}), or lower down (min(r_0, r_1)**2 = {min(r0, r1) ** 2}); widen those layers")


def _as_widths(name, widths):
    """The reader's widths as a tuple of ints; a float, bool or string is refused by name, never rounded."""
    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__iter__"):
        raise _Wrong(f"{name}: widths must be 3 whole numbers (r_0, r_1, r_2), got {widths!r}")
    widths = tuple(widths)
    for w in widths:
        if isinstance(w, (bool, np.bool_)) or not isinstance(w, (int, np.integer)):
            hint = (f"a layer has a whole number of channels: write an int (rounding {w!r} here would judge a "
                    "design you did not write)"
                    if isinstance(w, (float, np.floating)) else
                    "True and False are not widths" if isinstance(w, (bool, np.bool_)) else
                    "write the number itself, 2, not the string '2'" if isinstance(w, str) else None)
            raise _Wrong(f"{name}: widths must be 3 whole numbers (r_0, r_1, r_2), got {w!r} "
                         f"({type(w).__name__}) in {widths!r}", hint)
    return tuple(int(w) for w in widths)


@_checker("layer_allocations")
def check_layer_allocations(fn):
    """Check `layer_allocations()` -> {"left_right": widths, "even_odd": widths, "both": widths}, each 3 ints."""
    got = _call(fn, "your function")
    if not isinstance(got, dict) or set(got) != set(ALLOCATION_TARGETS):
        raise _Wrong(f"return a dict with the keys {sorted(ALLOCATION_TARGETS)}, got {got!r:.80}")
    for name, (budget, needs) in ALLOCATION_TARGETS.items():
        widths = _as_widths(name, got[name])
        if len(widths) != 3 or min(widths) < 1:
            raise _Wrong(f"{name}: N = 8 inputs need 3 conv layers of width >= 1, got {widths}")
        net = ConvAC.random(_N, _M, widths, rng=0, C=2)
        cost = [(_N >> l) * w * r_in for l, (w, r_in) in enumerate(zip(widths, (_M,) + widths[:-1]))] + [2 * widths[-1]]
        if net.n_params > budget:
            worst = int(np.argmax(cost[:3]))
            waste = (f"; r_0 = {widths[0]} > M = {_M} buys no rank: a site's leg is min(M, r_0)"
                     if widths[0] > _M else "")
            raise _Wrong(f"{name}: widths {widths} use {net.n_params} parameters, over the budget of {budget}",
                         f"per layer: {cost[:3]} (+{cost[3]} output); layer {worst} costs the most: "
                         f"N/2**l positions x r_l x r_(l-1){waste}")
        for part, least in needs.items():
            cut = net.min_cut(_ROWS[part]).rank_bound
            if cut < least:
                raise _Wrong(f"{name}: widths {widths} have min cut {cut} across {part}, it must be at least {least}",
                             _why_cut_is_small(part, widths, cut))
    return ("each allocation fits its budget and reaches its min cuts: left | right is bought at the top, "
            "even | odd at the bottom, and both together cost more.")


#: Task 2's described tasks: answer, and why.
PREDICTIONS = {
    "A": ("wide-tip", "inputs 0 and N/2 are on opposite sides of left | right and on the same side of even | odd "
                      "(both even): the relation is cut only high in the tree, where the top widths r_1, r_2 count"),
    "B": ("wide-base", "each relation joins neighbours 2i and 2i+1 with all M values: rank M per pair across "
                       "even | odd, which only r_0 >= M carries"),
    "C": ("either", "a parity is a product of one factor per input (+1 or -1): rank 1 across every partition, so "
                    "any design can carry it; 'global' is not the same as 'entangled'"),
    "D": ("wide-tip", "the label [left > right] as a matrix over the 256 x 256 configurations of the two halves "
                      "is a triangle of ones: rank 255 across left | right, which neither design reaches, but only "
                      "rank 4 across even | odd, which both carry (min cuts 16 and 256). So left | right decides: "
                      "wide-tip's min cut 4 there keeps more of the comparison than wide-base's 2 (the leading "
                      "digits x_0 > x_4 alone are a 4 x 4 triangle of rank 3)"),
}


@_checker("which_design_wins")
def check_which_design_wins(fn):
    """Check `which_design_wins()` -> {"A": ..., "B": ..., "C": ..., "D": ...}, each "wide-base", "wide-tip" or "either"."""
    got = _call(fn, "your function")
    if not isinstance(got, dict) or set(got) != set(PREDICTIONS):
        raise _Wrong(f"return a dict with the keys {sorted(PREDICTIONS)}, got {got!r:.80}")
    for key, (answer, why) in PREDICTIONS.items():
        value = got[key]
        if value not in ("wide-base", "wide-tip", "either"):
            raise _Wrong(f"task {key}: answer 'wide-base', 'wide-tip' or 'either', got {value!r}")
        if value != answer:
            raise _Wrong(f"task {key}: you predicted {value}, the min-cut argument says {answer}", why)
    return "all four: find the partition the label's relations cross, then the layers whose widths cut it."


def _pool(V):
    return V[0::2] * V[1::2]  # (n/2, b, r)


def _pairs(first, second):
    """dV with dV[0::2] = first and dV[1::2] = second."""
    dV = np.empty((2 * first.shape[0],) + first.shape[1:])
    dV[0::2], dV[1::2] = first, second
    return dV


def _aliased(V, dP):
    first = dP * V[1::2]  # written into V[0::2] itself when dV is V
    return _pairs(first, dP * first)


def _halves(V, dP):
    h = V.shape[0] // 2
    return np.concatenate([dP * V[h:], dP * V[:h]])  # the gradient of V[:n/2] * V[n/2:]


#: Typical wrong answers, each (what it returns, what the reader did, hint); named only when it explains every case.
_POOL_MISTAKES = (
    (lambda V, dP: _pairs(dP * V[0::2], dP * V[1::2]), "you multiplied each entry's gradient by itself",
     "d(a*b)/da = b: the gradient of V[2i] is dP[i] * V[2i+1], and of V[2i+1] is dP[i] * V[2i]"),
    (lambda V, dP: np.repeat(dP, 2, axis=0), "you passed dP through unchanged, as for a sum pooling",
     "a product pooling multiplies: each factor's gradient is dP times the other factor"),
    (lambda V, dP: _pairs(V[1::2], V[0::2]), "you left out dP: your dV is the other factor alone",
     "the chain rule: d loss / d V[2i] = dP[i] * d P[i] / d V[2i] = dP[i] * V[2i+1]"),
    (lambda V, dP: _pairs(dP * V[1::2], 0 * dP), "only the even positions V[2i] get a gradient, V[2i+1] get 0",
     "both factors of each product get one: dV[2i+1] = dP[i] * V[2i]"),
    (lambda V, dP: _pairs(0 * dP, dP * V[0::2]), "only the odd positions V[2i+1] get a gradient, V[2i] get 0",
     "both factors of each product get one: dV[2i] = dP[i] * V[2i+1]"),
    (_halves, "you paired position i with i + n/2 (the two halves) instead of the neighbours 2i, 2i+1",
     "P = V[0::2] * V[1::2]: the pairs are (0, 1), (2, 3), ..."),
    (_aliased, "your dV is V itself (dV = V, not a copy): writing dV[0::2] overwrote V[0::2] before dV[1::2] "
               "read it", "start from dV = np.empty_like(V) (or V.copy()), never dV = V"),
)


@_checker("pool_backward")
def check_pool_backward(fn):
    """Check `pool_backward(V, dP)` -> dV (n, b, r), the gradient of sum(dP * P) with P = V[0::2] * V[1::2]."""
    rng = np.random.default_rng(7)
    cases = []
    for n, shape in enumerate(((2, 1, 1), (4, 3, 2), (8, 5, 3)), 1):
        V = rng.standard_normal(shape)
        dP = rng.standard_normal((V.shape[0] // 2,) + V.shape[1:])
        case = f"case {n} of 3 (V.shape={V.shape})"
        got = _array(_call(fn, case, V, dP), case).astype(float)
        if got.shape != V.shape:
            raise _Wrong(f"{case}: dV must have V's shape {V.shape}, got {got.shape}",
                         "every entry of V gets a gradient: the pooled pairs (2i, 2i+1) both")
        eps, fd = 1e-6, np.zeros_like(V)  # central finite differences of sum(dP * pool(V))
        for idx in np.ndindex(V.shape):
            step = np.zeros_like(V)
            step[idx] = eps
            fd[idx] = (np.sum(dP * _pool(V + step)) - np.sum(dP * _pool(V - step))) / (2 * eps)
        cases.append((case, V, dP, got, fd))
    wrong = [c for c in cases if not np.allclose(c[3], c[4], rtol=1e-6, atol=1e-8)]
    if not wrong:
        return f"{len(cases)} cases agree with central finite differences."
    for mistake, message, hint in _POOL_MISTAKES:
        if all(np.allclose(got, mistake(V, dP)) for _, V, dP, got, _ in cases):
            raise _Wrong(f"{wrong[0][0]}: {message}", hint)
    ratios = [float(np.sum(got * fd) / np.sum(fd * fd)) for _, _, _, got, fd in cases]
    if all(np.allclose(got, ratios[0] * fd, rtol=1e-6, atol=1e-8) for _, _, _, got, fd in cases):
        raise _Wrong(f"{wrong[0][0]}: your dV is {ratios[0]:.6g} times the finite-difference gradient in every case"
                     + (" (the wrong sign)" if np.isclose(ratios[0], -1) else ""),
                     "d(a*b)/da = b, with no extra factor or sign: dV[2i] = dP[i] * V[2i+1]")
    case, V, _, got, fd = wrong[0]
    where = np.unravel_index(np.argmax(np.abs(got - fd)), V.shape)
    raise _Wrong(f"{case}: at index {tuple(int(i) for i in where)} your dV is {got[where]:.6g}, the finite "
                 f"difference {fd[where]:.6g}", "P[i] = V[2i] * V[2i+1] (positions in pairs along axis 0)")
