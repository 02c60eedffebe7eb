"""Exercise 10's checkers: right answers pass, each typical mistake is named, and the choice task's
accepted answers are what the ceilings say (recomputed here from to_dense ranks where they fit)."""
import numpy as np

import tnlite as tl
from tnlite import vmc
from tnlite.checks import capstone as ck
from tnlite.experiments import capstone as cap


def _verdict(check, fn, capsys):
    ok = check(fn)
    return ok, capsys.readouterr().out


def _bound(s, k):
    p = np.sort(np.asarray(s) ** 2)[::-1]
    return float(min(1.0, p[:k].sum() / p.sum()))


def test_fidelity_bound_passes_and_names_each_mistake(capsys):
    assert _verdict(ck.check_fidelity_bound, _bound, capsys)[0]
    wrong = {
        "singular values, not probabilities": lambda s, k: np.sort(s)[::-1][:k].sum() / np.sum(s),
        "not normalised": lambda s, k: np.sum(np.sort(s)[::-1][:k] ** 2),
        "first k values as given": lambda s, k: np.sum(s[:k] ** 2) / np.sum(s**2),
        "1 - bound": lambda s, k: 1 - _bound(s, k),
        "k - 1 probabilities": lambda s, k: _bound(s, k - 1) if k > 1 else 1.0,
    }
    for phrase, fn in wrong.items():
        ok, out = _verdict(ck.check_fidelity_bound, fn, capsys)
        assert not ok and phrase in out, (phrase, out)


def _energy_gradient(net, H, g_of=lambda Hpsi, E, psi, nn: 2 * (Hpsi - E * psi) / nn):
    psi = net.to_dense().ravel()
    nn, Hpsi = psi @ psi, H @ psi
    E = psi @ Hpsi / nn
    X = tl.one_hot(vmc.all_configurations(net.N), 2)
    return E, net.vjp(X, g_of(Hpsi, E, psi, nn))


def test_energy_gradient_passes_and_names_wrong_upstream_weights(capsys):
    assert _verdict(ck.check_energy_gradient, _energy_gradient, capsys)[0]
    wrong = {
        "without the factor 2": lambda Hp, E, p, nn: (Hp - E * p) / nn,
        "without the - E psi term": lambda Hp, E, p, nn: 2 * Hp / nn,
        "opposite sign": lambda Hp, E, p, nn: -2 * (Hp - E * p) / nn,
    }
    for phrase, g_of in wrong.items():
        ok, out = _verdict(ck.check_energy_gradient, lambda net, H, g_of=g_of: _energy_gradient(net, H, g_of), capsys)
        assert not ok and phrase in out, (phrase, out)
    ok, out = _verdict(ck.check_energy_gradient, lambda net, H: (float(net.to_dense().ravel() @ H @ net.to_dense().ravel()),
                                                                   []), capsys)
    assert not ok and ("divide psi.H.psi by <psi|psi>" in out or "grads must be a list" in out)


def _right_choices():
    out = {}
    for scenario, (state, allowed, need) in ck.SCENARIOS.items():
        dim = cap.STATES[state][0]
        for b in cap.BUDGETS:
            ok = [(a, c, cut) for a, (c, cut) in cap.ceilings(state, b).items()
                  if (allowed is None or a in allowed) and c >= need]
            if ok:
                a, _, cut = ok[0]
                out[scenario] = {"architecture": a, "budget": b, "cut": cut, "rank": cap.rank(a, dim, b, cut)}
                break
    return out


def test_choose_architecture_accepts_the_ceilings_answer_and_names_wrong_reasons(capsys):
    right = _right_choices()
    assert right["critical chain, shallow ConvAC, F >= 0.95"]["budget"] == 425
    assert right["2D lattice, MPS, F >= 0.995"] == {"architecture": "MPS", "budget": 425, "cut": "top | bottom",
                                                    "rank": 4}
    assert _verdict(ck.check_choose_architecture, lambda: right, capsys)[0]
    s = "2D lattice, MPS, F >= 0.995"
    ok, out = _verdict(ck.check_choose_architecture, lambda: {**right, s: {**right[s], "budget": 250}}, capsys)
    assert not ok and "no training can reach 0.995" in out and "min-cut rank 3" in out
    s = "2D lattice, any architecture, F >= 0.99"
    ok, out = _verdict(ck.check_choose_architecture,
                       lambda: {**right, s: {"architecture": "RAC", "budget": 250, "cut": "top | bottom", "rank": 14}},
                       capsys)
    assert not ok and "more than needed" in out
    ok, out = _verdict(ck.check_choose_architecture,
                       lambda: {**right, s: {**right[s], "architecture": "MPS"}}, capsys)
    assert not ok and "ceiling 0.985" in out
    ok, out = _verdict(ck.check_choose_architecture, lambda: {**right, s: {**right[s], "rank": 2}}, capsys)
    assert not ok and "not 2" in out
    ok, out = _verdict(ck.check_choose_architecture, lambda: {**right, s: {**right[s], "cut": "checkerboard"}}, capsys)
    assert not ok and "lowest across" in out


def test_the_ceilings_behind_the_choices_match_exact_ranks_of_built_networks():
    """The 2D MPS's ranks at top | bottom are its bond dimension: an independent check of rank()."""
    psi0 = cap.ground("2D lattice")[1]
    for budget, chi in ((125, 2), (250, 3), (425, 4)):
        net = cap.build("MPS", chi, 2, 0)
        rows = cap.CUTS[2]["top | bottom"]
        assert cap.rank("MPS", 2, budget, "top | bottom") == tl.schmidt_rank(net.to_dense(), rows) == chi
        s = tl.schmidt_values(psi0, rows)
        assert cap.ceilings("2D lattice", budget)["MPS"][0] <= _bound(s, chi) + 1e-12
