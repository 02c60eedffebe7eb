"""Checkers for exercises 02, entanglement: Schmidt probabilities, entropies in bits, profiles, predictions."""
from __future__ import annotations

import math

import numpy as np

from ..tensors import w_state
from ._common import _Cases, _Wrong, _array, _call, _checker, _fmt, _ghz, _mat, _random, _scalar
from ._predict import _number, _predictions


def _probs(A, rows):
    s = np.linalg.svd(_mat(A, rows), compute_uv=False)
    return s**2 / np.sum(s**2)


def _entropy(p, base=2.0):
    p = np.asarray(p, dtype=float)
    p = p[p > 0]
    return float(-np.sum(p * np.log(p)) / np.log(base))


@_checker("schmidt_probabilities")
def check_schmidt_probabilities(fn):
    """Check `schmidt_probabilities(A, rows)` -> p_k = s_k**2 / sum s**2, descending; zeros may be left out or kept."""
    rng = np.random.default_rng(4)
    prod = np.einsum("i,j,k->ijk", *[rng.standard_normal(2) for _ in range(3)])
    cases = [(3.0 * _ghz(3), (0,)), (_random((2, 3, 2), rng, complex_=True, scale=2.5), (1,)),
             (prod, (0, 2)), (_random((2, 2, 2, 2), rng, scale=0.3), (0, 1))]
    judged = _Cases(what="probability vector")
    for n, (A, rows) in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (A.shape={A.shape}, rows={rows}, norm of A {np.linalg.norm(A):.3g})"
        got = _array(_call(fn, case, A, rows), case)
        s = np.linalg.svd(_mat(A, rows), compute_uv=False)
        if got.ndim != 1:
            raise _Wrong(f"{case}: expected a 1-D array of {s.size} probabilities, got shape {got.shape}")
        # the spectrum is what is judged: the eigenvalues of either reduced density matrix are it,
        # padded with zeros up to that side's dimension, so compare both padded to the longer length
        s = np.concatenate([s, np.zeros(max(0, got.size - s.size))])
        if got.size < s.size and np.allclose(s[got.size:], 0, atol=1e-12):
            got = np.concatenate([got, np.zeros(s.size - got.size)])  # zeros left out: fine
        expected = s**2 / np.sum(s**2)
        judged.add(got, expected, case, mistakes=[
            (s**2, f"your probabilities sum to {np.sum(s**2):.4g}, not 1",
             "normalise: divide the squared singular values by their sum (the state was not normalised)"),
            (s / np.sum(s), "you normalised the singular values themselves", "the probabilities are the SQUARES s_k**2"),
            (s / np.sqrt(np.sum(s**2)), "these are normalised singular values, not probabilities",
             "square them: p_k = s_k**2 / sum(s**2)"),
            (expected[::-1], "the probabilities are in ascending order", "return them largest first (descending)"),
        ])
    judged.settle()
    return (f"{len(cases)} cases agree; the probabilities are normalised even when the state is not "
            "(zeros may be left out or kept, as the eigenvalues of either reduced density matrix give them).")


@_checker("entropy_bits")
def check_entropy_bits(fn):
    """Check `entropy_bits(p)` -> -sum p log2 p, with 0 log 0 = 0."""
    cases = [np.array([0.5, 0.5]), np.full(4, 0.25), np.array([1.0, 0.0, 0.0]),
             np.array([0.7, 0.2, 0.1, 0.0]), np.full(8, 1 / 8)]
    for n, p in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (p={_fmt(p)})"
        got = _scalar(_call(fn, case, p), case)
        expected = _entropy(p)
        if isinstance(got, complex):
            raise _Wrong(f"{case}: got a complex number {got}", "an entropy is real")
        if math.isnan(got):
            raise _Wrong(f"{case}: got nan", "0 * log(0) must count as 0: drop the zero probabilities before the log")
        if abs(got - expected) <= 1e-9:
            continue
        if expected and abs(got - expected * math.log(2)) <= 1e-9:
            raise _Wrong(f"{case}: expected {expected:.6g} bits, got {got:.6g} = the value in nats",
                         "np.log is the natural log; use np.log2 (or divide by np.log(2))")
        if abs(got + expected) <= 1e-9:
            raise _Wrong(f"{case}: expected {expected:.6g}, got {got:.6g}", "the entropy is MINUS sum p log p")
        raise _Wrong(f"{case}: expected {expected:.6g} bits, got {got:.6g}")
    return f"{len(cases)} cases agree, including zero probabilities (0 log 0 = 0)."


@_checker("entanglement_entropy")
def check_entanglement_entropy(fn):
    """Check `entanglement_entropy(A, rows)` in bits, for A that need not be normalised."""
    rng = np.random.default_rng(5)
    prod = np.einsum("i,j,k,l->ijkl", *[rng.standard_normal(2) for _ in range(4)])
    cases = [(3.0 * _ghz(4), (0, 1)), (prod, (0,)), (_random((2, 2, 2, 2), rng, scale=0.1), (0,)),
             (_random((3, 2, 2), rng, complex_=True, scale=4.0), (0,)), (_random((2, 3, 4), rng), (2, 0))]
    for n, (A, rows) in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (A.shape={A.shape}, rows={rows}, norm of A {np.linalg.norm(A):.3g})"
        got = _scalar(_call(fn, case, A, rows), case)
        if isinstance(got, complex):
            raise _Wrong(f"{case}: got a complex number {got}", "an entropy is real: use abs(s)**2 for probabilities")
        s = np.linalg.svd(_mat(A, rows), compute_uv=False)
        expected = _entropy(s**2 / np.sum(s**2))
        if abs(got - expected) <= 1e-9:
            continue
        if math.isnan(got):
            raise _Wrong(f"{case}: got nan", "drop zero probabilities before taking the log (0 log 0 = 0)")
        if expected > 1e-9 and abs(got - expected * math.log(2)) <= 1e-9:
            raise _Wrong(f"{case}: expected {expected:.6g} bits, got {got:.6g} = the value in nats",
                         "np.log is the natural log; use np.log2 for bits")
        raw = s[s > 0] ** 2
        if abs(got - float(-np.sum(raw * np.log2(raw)))) <= 1e-9:
            raise _Wrong(f"{case}: expected {expected:.6g} bits, got {got:.6g}: the entropy of the un-normalised s**2",
                         "normalise first: p = s**2 / sum(s**2) (this A has norm "
                         f"{np.linalg.norm(A):.3g}, not 1)")
        q = s[s > 0] / np.sum(s)
        if abs(got - _entropy(q)) <= 1e-9:
            raise _Wrong(f"{case}: expected {expected:.6g} bits, got {got:.6g}",
                         "the probabilities are the SQUARED singular values, normalised: p = s**2 / sum(s**2)")
        raise _Wrong(f"{case}: expected {expected:.6g} bits, got {got:.6g}")
    return f"{len(cases)} cases agree, in bits, for states that were not normalised."


@_checker("entropy_profile")
def check_entropy_profile(fn):
    """Check `entropy_profile(psi)` -> (N-1,) entropies in bits; entry t: sites 0..t | t+1..N-1."""
    rng = np.random.default_rng(6)
    bell = np.array([[1.0, 0.0], [0.0, 1.0]]) / np.sqrt(2)
    up = np.array([1.0, 0.0])
    bell_left = np.einsum("ab,c,d->abcd", bell, up, up)  # Bell pair on sites 0, 1
    bell_mid = np.einsum("a,bc,d,e->abcde", up, bell, up, up)  # on sites 1, 2
    cases = [bell_left, bell_mid, 2.0 * _ghz(5), _random((2,) * 5, rng, scale=3.0),
             _random((2, 3, 2, 2), rng, complex_=True)]
    judged = _Cases(what="profile")
    for n, psi in enumerate(cases, 1):
        N = psi.ndim
        case = f"case {n} of {len(cases)} (psi.shape={psi.shape})"
        got = _array(_call(fn, case, psi), case)
        ent = lambda rows: _entropy(_probs(psi, tuple(rows))) if 0 < len(rows) < N else 0.0  # noqa: E731
        expected = np.array([ent(range(t + 1)) for t in range(N - 1)])
        hint_cut = "entry t is the cut after site t: sites 0..t against t+1..N-1, for t = 0..N-2"
        judged.add(got, expected, case, mistakes=[
            (np.array([ent(range(t)) for t in range(N)]), f"you returned {N} entries, including the empty cut",
             f"there are N-1 = {N - 1} cuts; {hint_cut}"),
            (np.array([ent(range(t)) for t in range(N + 1)]), f"you returned {N + 1} entries, including both empty cuts",
             f"there are N-1 = {N - 1} cuts; {hint_cut}"),
            (np.array([ent(range(t)) for t in range(N - 1)]), "your cuts are shifted by one site (off by one)",
             hint_cut),
            (np.array([ent(range(t + 2)) for t in range(N - 1)]), "your cuts are shifted by one site (off by one)",
             hint_cut),
            (expected * np.log(2), "these are the entropies in nats", "use np.log2 for bits"),
        ])
    judged.settle()
    return f"{len(cases)} profiles agree, in bits, with the cuts in the right places."


def _bell_pairs():
    """Bell pairs (|00> + |11>)/sqrt(2) on sites (0, 1) and (2, 3)."""
    bell = np.eye(2) / np.sqrt(2)
    return np.einsum("ab,cd->abcd", bell, bell)


#: The states of the prediction task: name -> (what it is, the state, P).
PREDICT_ENTROPIES = {
    "bell_across": ("two Bell pairs, on sites (0, 1) and (2, 3); P = {0, 2}", _bell_pairs(), (0, 2)),
    "bell_within": ("the same two Bell pairs; P = {0, 1}", _bell_pairs(), (0, 1)),
    "ghz": ("the GHZ state of 5 qubits; P = {0, 1}", _ghz(5), (0, 1)),
    "w": ("the W state of 4 qubits, (|1000> + |0100> + |0010> + |0001>)/2; P = {0}",
          w_state(4), (0,)),
}


@_checker("entropy_predictions")
def check_entropy_predictions(fn):
    """Check `entropy_predictions()` -> {name: entropy in bits} of PREDICT_ENTROPIES, to 0.01 bits."""
    got = _predictions(_call(fn, "your function"), PREDICT_ENTROPIES)
    for name, (what, psi, rows) in PREDICT_ENTROPIES.items():
        case = f"{name} ({what})"
        pred = _number(got[name], case)
        p = _probs(psi, rows)
        p = p[p > 1e-12]
        S = max(_entropy(p), 0.0)  # not -0.0 for a product cut
        if abs(pred - S) <= 0.01:
            continue
        k = min(len(rows), psi.ndim - len(rows))
        why = (f"The Schmidt probabilities at this cut are ({', '.join(f'{x:.3g}' for x in p)}), so "
               f"S = -sum p log2 p = {S:.3f} bits.")
        for value, reason in [
            (math.log2(p.size), f"that is log2 of the Schmidt rank ({p.size} terms), reached only when all terms "
                                "are equally likely"),
            (float(k), f"that is the most {k} qubits can hold (log2 of the smaller side's dimension): a bound, "
                       "reached only when the cut is maximally entangled"),
            (S * math.log(2), "that is the entropy in nats (natural log); the task asks for bits"),
        ]:
            if abs(value - S) > 0.01 and abs(pred - value) <= 0.01:
                raise _Wrong(f"{case}: you predicted {pred:.3g} bit{'' if pred == 1 else 's'}: {reason}. {why}")
        side = "more" if pred > S else "less"
        raise _Wrong(f"{case}: you predicted {pred:.3g} bit{'' if pred == 1 else 's'}, {side} than the entropy. {why}")
    return f"all {len(PREDICT_ENTROPIES)} entropies predicted to 0.01 bits."
