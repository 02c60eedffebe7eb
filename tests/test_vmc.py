"""tnlite.vmc: exact variational energies, their gradient as one vjp, fidelity bounds and fits.

References are independent: energies from ``to_dense`` and a dense H, gradients from
central finite differences of those energies, bounds from the target's truncated SVD
(which reaches them) and from random states of bounded rank (which cannot pass them).
"""
import numpy as np
import pytest
import scipy.sparse as sp

import tnlite as tl
from tnlite import spins, vmc

N = 8
H = spins.tfim_hamiltonian(N, 1.0, 1.0)
E0, PSI0 = spins.ground_state(H)
HD = H.toarray()

MAKERS = {
    "MPS": lambda s: tl.MPS.random(N, 2, 3, rng=s),
    "RAC": lambda s: tl.RAC.random(N, 2, 4, rng=s),
    "ConvAC": lambda s: tl.ConvAC.random(N, 2, (2, 3, 2), rng=s),
    "ShallowConvAC": lambda s: tl.ShallowConvAC.random(N, 2, 3, rng=s),
    "RBM": lambda s: tl.RBM.random(N, 4, rng=s),
    "TreeTN": lambda s: tl.TreeTN.random(N, 2, 2, rng=s),  # no dense route: its own vjp on all inputs
    "OverlappingConvAC": lambda s: tl.OverlappingConvAC.random(N, 2, 2, 2, 2, rng=s),
}


def _dense_energy(net):
    psi = net.to_dense().ravel()
    return psi @ HD @ psi / (psi @ psi)


@pytest.mark.parametrize("name", MAKERS)
def test_energy_is_the_rayleigh_quotient_and_above_the_ground_energy(name):
    for seed in range(3):
        net = MAKERS[name](seed)
        E = vmc.energy(net, H)
        assert E == pytest.approx(_dense_energy(net), rel=1e-12)
        assert E >= E0 - 1e-12


@pytest.mark.parametrize("name", MAKERS)
def test_energy_gradient_matches_finite_differences(name):
    net = MAKERS[name](1)
    E, grads = vmc.energy_gradient(net, H)
    assert E == pytest.approx(_dense_energy(net), rel=1e-12)
    r = np.random.default_rng(2)
    eps = 1e-6
    for k, P in enumerate(net.params()):
        D = r.standard_normal(P.shape)
        up, down = (_dense_energy(net.with_params([p + s * eps * D if i == k else p for i, p in
                                                   enumerate(net.params())])) for s in (1, -1))
        fd = (up - down) / (2 * eps)
        assert np.sum(grads[k] * D) == pytest.approx(fd, rel=1e-5, abs=1e-8), k


def test_the_gradient_vanishes_at_the_ground_state():
    exact = tl.MPS.from_dense(PSI0)  # the ground state itself, exactly
    E, grads = vmc.energy_gradient(exact, H)
    assert E == pytest.approx(E0, rel=1e-12)
    assert max(np.abs(g).max() for g in grads) < 1e-10


def test_the_upstream_weights_are_the_documented_vector():
    """grads == vjp(X, 2 (H psi - E psi) / <psi|psi>) on the one-hot inputs of all configurations."""
    net = MAKERS["TreeTN"](3)
    psi = net.to_dense().ravel()
    E = psi @ HD @ psi / (psi @ psi)
    g = 2 * (HD @ psi - E * psi) / (psi @ psi)
    X = tl.one_hot(vmc.all_configurations(N), 2)
    for a, b in zip(vmc.energy_gradient(net, H)[1], net.vjp(X, g)):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_all_configurations_is_to_dense_order():
    c = vmc.all_configurations(3, 3)
    assert c.shape == (27, 3)
    T = np.arange(27).reshape(3, 3, 3)
    assert np.array_equal(T[tuple(c.T)], np.arange(27))


# ---- the fidelity bound ----------------------------------------------------------------------------
def test_fidelity_bound_is_reached_by_the_truncated_svd_and_never_passed():
    rows = (0, 1, 2, 3)
    s = tl.schmidt_values(PSI0, rows)
    p = s**2 / np.sum(s**2)
    M = PSI0.reshape(16, 16)
    U, S, Vt = np.linalg.svd(M)
    r = np.random.default_rng(0)
    for k in (1, 2, 3, 5):
        bound = vmc.fidelity_bound(PSI0, k, rows)
        assert bound == pytest.approx(p[:k].sum(), rel=1e-12)
        best = (U[:, :k] * S[:k]) @ Vt[:k]
        assert vmc.fidelity(best, PSI0) == pytest.approx(bound, rel=1e-10)
        for _ in range(20):  # random rank-k states stay below
            Y = r.standard_normal((16, k)) @ r.standard_normal((k, 16))
            assert vmc.fidelity(Y, PSI0) <= bound + 1e-12


def test_fidelity_bound_of_a_network_uses_its_min_cut():
    mps = tl.MPS.random(N, 2, 2, rng=0)
    rows = range(4)
    assert mps.min_cut(rows).rank_bound == 2
    assert vmc.fidelity_bound(PSI0, mps, rows) == vmc.fidelity_bound(PSI0, 2, rows)
    assert vmc.fidelity_bound(PSI0, 10**6, rows) == 1.0  # a rank above the target's: no ceiling
    cp = tl.ShallowConvAC.random(N, 2, 3, rng=0)
    bound, cut = vmc.tightest_bound(PSI0, cp, [range(4), range(0, N, 2)])
    assert cut == tuple(range(0, N, 2)) and bound < vmc.fidelity_bound(PSI0, 3, range(4))


@pytest.mark.parametrize("name", ["MPS", "ShallowConvAC", "RBM"])
def test_a_fit_never_passes_its_ceiling(name):
    net = MAKERS[name](0)
    bound, _ = vmc.tightest_bound(PSI0, net, [range(4), range(0, N, 2)])
    res = vmc.maximize_fidelity(tl.train.positive(net, 0), PSI0, 150, 0.05, 0, progress=False)
    assert max(res.history["fidelity"]) <= bound + 1e-12
    assert res.fidelity <= bound + 1e-12


# ---- fits ---------------------------------------------------------------------------------------------
def test_minimize_energy_records_history_is_seeded_and_stays_above_e0():
    start = tl.train.positive(MAKERS["MPS"](0), 0)
    a = vmc.minimize_energy(start, H, 60, 0.05, 0, target=PSI0, progress=False)
    b = vmc.minimize_energy(start, H, 60, 0.05, 0, target=PSI0, progress=False)
    assert a.history["energy"] == b.history["energy"]
    assert len(a.history["energy"]) == len(a.history["fidelity"]) == 60 == len(a.history["step"])
    assert np.allclose(a.history["loss"], a.history["energy"])
    assert min(a.history["energy"]) >= E0 - 1e-12 and a.energy >= E0 - 1e-12
    assert a.energy < a.history["energy"][0]
    assert a.energy == pytest.approx(vmc.energy(a.model, H), rel=1e-12)
    assert a.fidelity == pytest.approx(vmc.fidelity(a.model, PSI0), rel=1e-12)
    assert a.stopped == "done"


def test_an_mps_with_enough_bond_dimension_reaches_the_gapped_ground_state():
    Hg = spins.tfim_hamiltonian(N, 1.0, 3.0)
    Eg, psig = spins.ground_state(Hg)
    for seed in range(3):
        res = vmc.minimize_energy(tl.train.positive(tl.MPS.random(N, 2, 2, rng=seed), seed), Hg, 150, 0.1, seed,
                                  target=psig, progress=False)
        assert res.fidelity > 0.999 and res.energy >= Eg - 1e-12


def test_maximize_fidelity_through_a_networks_own_vjp():
    res = vmc.maximize_fidelity(tl.train.positive(MAKERS["TreeTN"](0), 0), PSI0, 150, 0.05, 0, H=H, progress=False)
    assert res.history["fidelity"][-1] > res.history["fidelity"][0]
    assert len(res.history["energy"]) == 150 and res.energy >= E0 - 1e-12


def test_ctrl_c_returns_what_was_done(monkeypatch):
    calls = []
    original = vmc._Energy.__call__

    def interrupt(self, out, y):
        calls.append(1)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return original(self, out, y)

    monkeypatch.setattr(vmc._Energy, "__call__", interrupt)
    res = vmc.minimize_energy(MAKERS["MPS"](0), H, 50, 0.05, 0, progress=False)
    assert res.stopped.startswith("interrupted") and len(res.history["step"]) == 3


def test_progress_line_in_a_terminal(capsys):
    vmc.minimize_energy(MAKERS["MPS"](0), H, 5, 0.05, 0, progress=True)
    assert "step 5/5" in capsys.readouterr().err


# ---- bad input, refused by name -------------------------------------------------------------------
_NET = MAKERS["MPS"](0)
_SKEW = sp.csr_matrix(HD + np.triu(np.ones_like(HD), 1))
BAD = {
    "non-Hermitian H (energy)": (lambda: vmc.energy(_NET, _SKEW), ValueError, "H must be Hermitian"),
    "non-Hermitian H (fit)": (lambda: vmc.minimize_energy(_NET, _SKEW, 10, 0.1, 0), ValueError, "H must be Hermitian"),
    "non-Hermitian H (recorded)": (lambda: vmc.maximize_fidelity(_NET, PSI0, 10, 0.1, 0, H=_SKEW), ValueError,
                                   "H must be Hermitian"),
    "complex H": (lambda: vmc.energy(_NET, HD + 1j * np.triu(np.ones_like(HD), 1)), TypeError, "H is complex"),
    "H for other N": (lambda: vmc.energy(_NET, spins.tfim_hamiltonian(9)), ValueError,
                      r"H has shape \(512, 512\); a model on N=8 spins needs \(2\^8"),
    "local dimension 3": (lambda: vmc.energy(tl.MPS.random(N, 3, 2, rng=0), H), ValueError,
                          r"local dimensions \[3\].*every site needs local dimension 2"),
    "local dimension 3 (fit)": (lambda: vmc.minimize_energy(tl.RAC.random(N, 3, 2, rng=0), H, 10, 0.1, 0), ValueError,
                                r"local dimensions \[3\].*every site needs local dimension 2"),
    "N above the limit (fit)": (lambda: vmc.minimize_energy(tl.MPS.random(24, 2, 2, rng=0), H, 10, 0.1, 0), ValueError,
                                r"N=24 .* exact-sum limit N <= 20.*estimated from samples.*Monte Carlo"),
    "N above the limit (gradient)": (lambda: vmc.energy_gradient(tl.RBM.random(21, 2, rng=0), H), ValueError,
                                     r"N=21 .* exact-sum limit N <= 20.*variational Monte Carlo"),
    "target of wrong shape": (lambda: vmc.maximize_fidelity(_NET, np.ones(128), 10, 0.1, 0), ValueError,
                              r"target must have shape \(2, 2, 2, 2, 2, 2, 2, 2\) \(or \(256,\)\)"),
    "target of wrong shape (recorded)": (lambda: vmc.minimize_energy(_NET, H, 10, 0.1, 0, target=np.ones((2, 128))),
                                         ValueError, r"target must have shape .*got \(2, 128\)"),
    "zero target": (lambda: vmc.maximize_fidelity(_NET, np.zeros(256), 10, 0.1, 0), ValueError, "target has zero norm"),
    "zero target (fidelity)": (lambda: vmc.fidelity(_NET, np.zeros(256)), ValueError, "target has zero norm"),
    "zero target (bound)": (lambda: vmc.fidelity_bound(np.zeros((2,) * N), 2, [0, 1]), ValueError,
                            "target has zero norm"),
    "zero psi (fidelity)": (lambda: vmc.fidelity(np.zeros(256), PSI0), ValueError, "psi has zero norm"),
    "nan target": (lambda: vmc.fidelity(_NET, np.full(256, np.nan)), ValueError, "target has nan or inf"),
    "psi and target sizes": (lambda: vmc.fidelity(np.ones(4), np.ones(8)), ValueError,
                             "psi and target must have the same size, got 4 and 8"),
    "exact mod p": (lambda: vmc.energy(tl.MPS.random(N, 2, 2, rng=0, p=tl.PRIME), H), ValueError, "exact mod p"),
    "class scores": (lambda: vmc.energy(tl.ConvAC.random(N, 2, (2, 2, 2), rng=0, C=3), H), ValueError,
                     "C=3 class scores"),
    "not a network": (lambda: vmc.energy(PSI0, H), TypeError, "model must be a tnlite network"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_input_is_refused_by_name(case):
    call, error, message = BAD[case]
    with pytest.raises(error, match=message):
        call()
