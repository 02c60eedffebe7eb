"""Headless tests of the entanglement panels (two qubits, entropy profiles, MPS truncation): move a control, check the numbers shown."""
import numpy as np
import pytest

import tnlite as tl
from tnlite import widgets


def dense_profile(psi):
    """Entropy at every cut l = 1..N-1 from the dense state (independent of tnlite.mps)."""
    N = psi.ndim
    return np.array([tl.entanglement_entropy(psi, range(l)) for l in range(1, N)])


def test_entanglement_profile_follows_the_controls():
    p = widgets.build_entanglement_profile(N=6, h=1.0, cut=3, N_max=8)
    _, psi = tl.spins.ground_state(tl.spins.tfim_hamiltonian(6, h=1.0))
    np.testing.assert_allclose(p.data["ising"], dense_profile(psi), atol=1e-10)
    np.testing.assert_allclose(p.artists["ising"].get_ydata(), p.data["ising"])
    assert p.data["ising_at_cut"] == pytest.approx(tl.entanglement_entropy(psi, [0, 1, 2]), abs=1e-10)

    p.controls["h"].value = 3.0
    _, psi3 = tl.spins.ground_state(tl.spins.tfim_hamiltonian(6, h=3.0))
    assert p.data["h"] == 3.0
    np.testing.assert_allclose(p.data["ising"], dense_profile(psi3), atol=1e-10)
    assert "h = 3.0" in p.artists["ax"].get_title()

    p.controls["N"].value = 8
    assert p.data["N"] == 8 and len(p.data["ising"]) == 7 and p.controls["cut"].max == 7
    rand = tl.random_state(8, 2, np.random.default_rng((0, 8)))
    np.testing.assert_allclose(p.data["random"], dense_profile(rand), atol=1e-10)
    np.testing.assert_allclose(p.data["max"], [1, 2, 3, 4, 3, 2, 1])
    assert p.data["page"][3] == pytest.approx(tl.page_entropy(16, 16))

    p.controls["cut"].value = 2
    assert p.data["cut"] == 2 and p.data["random_at_cut"] == pytest.approx(p.data["random"][1])
    assert np.allclose(p.artists["marker"].get_xdata(), 2)
    assert "cut l = 2" in p.text.value

    p.controls["N"].value = 4  # the cut slider shrinks to 1..3; cut 2 stays
    assert p.data["N"] == 4 and p.controls["cut"].max == 3 and p.data["cut"] == 2


def test_entanglement_profile_clamps_the_cut_when_N_shrinks():
    p = widgets.build_entanglement_profile(N=8, h=0.5, cut=7, N_max=8)
    p.controls["N"].value = 5
    assert p.data["N"] == 5 and p.data["cut"] == 4


def test_mps_truncation_panel():
    p = widgets.build_mps_truncation(N=8, chi=2)
    _, psi = tl.spins.ground_state(tl.spins.tfim_hamiltonian(8, h=1.0))
    approx = p.data["mps"].to_dense()
    # fidelity and discarded weight, checked against the dense truncation error
    assert np.linalg.norm(approx - psi) ** 2 == pytest.approx(p.data["discarded_weight"], abs=1e-12)
    assert p.data["fidelity"] == pytest.approx(1 - p.data["discarded_weight"], abs=1e-12)
    np.testing.assert_allclose(p.data["entropies"], dense_profile(approx), atol=1e-10)
    np.testing.assert_allclose(p.data["exact_entropies"], dense_profile(psi), atol=1e-10)
    assert np.all(p.data["entropies"] <= p.data["bounds"] + 1e-12)
    np.testing.assert_allclose(p.data["bounds"], 1.0)
    assert max(p.data["bond_dims"]) == 2

    p.controls["chi"].value = 16
    assert p.data["chi"] == 16 and p.data["bond_dims"] == (2, 4, 8, 16, 8, 4, 2)
    assert p.data["discarded_weight"] == 0.0 and p.data["fidelity"] == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(p.artists["truncated"].get_ydata(), dense_profile(psi), atol=1e-10)
    assert "chi = 16" in p.artists["ax_entropy"].get_title()

    p.controls["state"].value = "Haar random"
    p.controls["chi"].value = 4
    rand = tl.random_state(8, 2, np.random.default_rng(0))
    ref = tl.MPS.from_dense(rand, max_bond=4)
    assert p.data["discarded_weight"] == pytest.approx(np.linalg.norm(ref.to_dense() - rand) ** 2, abs=1e-12)
    assert p.data["discarded_weight"] > 0.1  # a random state does not compress
    assert "Haar random" in p.artists["ax_entropy"].get_title()
    assert 1 - p.data["fidelity"] == pytest.approx(p.artists["fidelity"].get_ydata()[0], rel=1e-9)


def test_the_bond_dimension_slider_shows_its_whole_label():
    """The default label width cut "bond dim chi" to "bond dim ..." (the browser test measures it)."""
    p = widgets.build_mps_truncation(N=8, chi=2)
    assert p.controls["chi"].description == "bond dim chi"
    assert p.controls["chi"].style.description_width == "initial"


def test_colours_red_for_bounds_only():
    """Page's value is an average (a random state's), 1 - fidelity a measurement: neither is red."""
    from tnlite.diagrams import COLORS
    p = widgets.build_entanglement_profile(N=6, h=1.0, cut=3, N_max=8)
    assert p.artists["bound"].get_color() == COLORS["bound"]                 # min(l, N - l): a bound
    assert p.artists["page"].get_color() == p.artists["random"].get_color() != COLORS["bound"]
    assert p.artists["ising"].get_color() == COLORS["measured"]
    m = widgets.build_mps_truncation(N=8, chi=2)
    assert m.artists["bound"].get_color() == COLORS["bound"]                 # log2 min(chi, ...)
    assert m.artists["fidelity"].get_color() == m.artists["weight"].get_color() == COLORS["measured"]
    assert m.artists["fidelity"].get_markeredgecolor() == COLORS["measured"]


def test_bad_panel_arguments():
    with pytest.raises(ValueError, match="N must be between 4 and N_max = 14"):
        widgets.build_entanglement_profile(N=15)
    with pytest.raises(ValueError, match="N_max must be <= 16"):
        widgets.build_entanglement_profile(N_max=20)
    with pytest.raises(ValueError, match="cut must be between 1 and N-1 = 9"):
        widgets.build_entanglement_profile(N=10, cut=10)
    with pytest.raises(ValueError, match="h must be a number between 0 and 3"):
        widgets.build_entanglement_profile(h=5.0)
    with pytest.raises(ValueError, match="N must be between 4 and 14 for this panel"):
        widgets.build_mps_truncation(N=20)
    with pytest.raises(ValueError, match=r"chi must be between 1 and 2\*\*\(N//2\) = 16"):
        widgets.build_mps_truncation(N=8, chi=17)
    with pytest.raises(ValueError, match="state must be one of"):
        widgets.build_mps_truncation(state="GHZ")


def test_entanglement_profile_in_the_ordered_phase_is_the_cats_bit():
    # At h = 0 the ground state of the open chain is the even cat (|0...0> + |1...1>)/sqrt(2):
    # exactly 1 bit at every cut, and E0 = -(N - 1). Its odd partner is degenerate, so a solver
    # that does not fix the spin-flip sector returns any mix (0 to 1 bit).
    panel = widgets.build_entanglement_profile(N=10, h=0.0, cut=5)
    assert np.allclose(panel.data["ising"], 1.0, atol=1e-9)
    assert abs(panel.data["E0"] + 9) < 1e-9
    panel.controls["N"].value = 14
    panel.controls["h"].value = 0.1  # splitting ~ 0.1^14: far below eigsh's resolution
    assert np.all(np.abs(panel.data["ising"] - 1.0) < 0.01)
