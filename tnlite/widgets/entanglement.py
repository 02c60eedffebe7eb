"""Lessons 02-03's panels: entanglement profiles of spin chains, and MPS truncation.

`build_entanglement_profile` compares the entropy at every cut of the Ising ground
state with a Haar-random state, Page's value and the largest possible value;
`build_mps_truncation` cuts a state to bond dimension chi and shows what is lost.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as _np
import scipy.sparse as _sp

from .. import diagrams as _diagrams
from .._validate import as_int as _as_int
from ..mps import MPS
from ..spins import ground_state, tfim_hamiltonian
from ..tensors import page_entropy, random_state
from .panel import Panel, set_limits


_RANDOM_COLOR = "#7f7f7f"  # a Haar-random state, for contrast with the measured ground state


def _even_ground_state(N, h):
    """Ground state of the open Ising chain (J = 1) in the even sector of the spin flip P = prod X_i.

    P commutes with H and the ground state is even (its amplitudes are all positive). For
    h < 1 the lowest even and odd states (the two cat states) are split by ~h^N, which at
    small h is below what eigsh resolves: it would return any mix of them, anywhere from 0
    to 1 bit at a cut. Raising the odd sector by 2N, H + N (1 - P), leaves the even ground
    state alone, with its energy, and makes it the unique lowest state.
    """
    dim = 2**N
    flip = _sp.csr_matrix((_np.ones(dim), _np.arange(dim)[::-1], _np.arange(dim + 1)), shape=(dim, dim))  # P|x> = |~x>
    return ground_state(tfim_hamiltonian(N, J=1.0, h=h) + N * (_sp.identity(dim, format="csr") - flip))


def build_entanglement_profile(N=10, h=1.0, cut=5, N_max=14, rng=0):
    """Lesson 02: N, field h and a cut; entropy profile of the Ising ground state vs a random state.

    The ground state of H = -sum Z_i Z_{i+1} - h sum X_i (open chain, tnlite.spins) and
    a Haar-random state of the same N; their entropies S(l) at every cut (l sites on the
    left, bits) against the largest possible value min(l, N-l) and Page's value for a
    random state. Ground states are cached per (N, h), random states per N.

    Parameters
    ----------
    N : int
        Initial number of spins, 4..N_max.
    h : float
        Initial transverse field, 0..3 (steps of 0.1).
    cut : int
        Initial cut l: sites 0..l-1 | l..N-1, 1 <= l <= N-1.
    N_max : int
        Largest N on the slider (<= 16; N = 14 takes ~0.5 s per new field value).
    rng : int seed
        The random state of N spins uses np.random.default_rng((rng, N)).

    Returns
    -------
    Panel
        Controls ``"N"``, ``"h"``, ``"cut"``; ``panel.data``: ``N``, ``h``, ``cut``, ``E0``,
        ``ising``, ``random``, ``page``, ``max`` (arrays over l = 1..N-1, bits) and their
        values at the cut, ``ising_at_cut``, ``random_at_cut``, ``page_at_cut``, ``max_at_cut``.
    """
    N_max = _as_int(N_max, "N_max", minimum=4)
    if N_max > 16:
        raise ValueError(f"N_max must be <= 16 so that a new ground state takes about a second, got {N_max}")
    N = _as_int(N, "N", minimum=4)
    if N > N_max:
        raise ValueError(f"N must be between 4 and N_max = {N_max}, got {N}")
    cut = _as_int(cut, "cut", minimum=1)
    if cut > N - 1:
        raise ValueError(f"cut must be between 1 and N-1 = {N - 1}, got {cut}")
    if isinstance(h, bool) or not isinstance(h, (int, float, _np.floating, _np.integer)) or not 0 <= h <= 3:
        raise ValueError(f"h must be a number between 0 and 3, got {h!r}")
    seed = _as_int(rng, "rng", minimum=0)
    ground, randoms = {}, {}

    def ising_profile(N, h):
        key = (N, round(float(h), 6))
        if key not in ground:
            E0, psi = _even_ground_state(N, float(h))
            ground[key] = (E0, MPS.from_dense(psi).entropies())
        return ground[key]

    def random_profile(N):
        if N not in randoms:
            psi = random_state(N, 2, _np.random.default_rng((seed, N)))
            randoms[N] = MPS.from_dense(psi).entropies()
        return randoms[N]

    controls = {
        "N": widgets.IntSlider(value=N, min=4, max=N_max, description="spins N", continuous_update=False),
        "h": widgets.FloatSlider(value=float(h), min=0.0, max=3.0, step=0.1, description="field h",
                                 continuous_update=False, readout_format=".1f"),
        "cut": widgets.IntSlider(value=cut, min=1, max=N - 1, description="cut l", continuous_update=False),
    }
    with plt.ioff():
        fig, ax = plt.subplots(figsize=(7.5, 3.8), layout="constrained")
    _diagrams.new_axes(None, "cut l (sites 0..l-1 | l..N-1)", "entropy S(l) (bits)", ax=ax)
    (ising,) = ax.plot([], [], "o-", color=_diagrams.COLORS["measured"], label="Ising ground state")
    (rand,) = ax.plot([], [], "s-", color=_RANDOM_COLOR, label="Haar-random state")
    # Page's value is the random states' average entropy, not a bound: drawn in the random state's colour
    (page,) = ax.plot([], [], ":", color=_RANDOM_COLOR, label="Page value (random average)")
    (bound,) = ax.plot([], [], "--", color=_diagrams.COLORS["bound"], label="max possible min(l, N-l)")
    marker = ax.axvline(cut, color="gray", linewidth=6, alpha=0.25, zorder=0)
    ax.legend(loc="upper right", fontsize=8)

    def update(panel):
        N = panel.value("N")
        if panel.controls["cut"].max != N - 1:
            panel.controls["cut"].max = N - 1  # clamps the cut (and re-runs this update once)
        h, cut = round(panel.value("h"), 6), panel.value("cut")
        E0, S = ising_profile(N, h)
        R = random_profile(N)
        ls = _np.arange(1, N)
        top = _np.minimum(ls, N - ls).astype(float)
        pg = _np.array([page_entropy(2**l, 2 ** (N - l)) for l in ls])
        panel.data = {"N": N, "h": h, "cut": cut, "E0": E0, "ising": S, "random": R, "page": pg, "max": top,
                      "ising_at_cut": float(S[cut - 1]), "random_at_cut": float(R[cut - 1]),
                      "page_at_cut": float(pg[cut - 1]), "max_at_cut": float(top[cut - 1])}
        ising.set_data(ls, S)
        rand.set_data(ls, R)
        if len(page.get_xdata()) != N - 1:  # the two curves of N alone: redrawn (in full) when N moves
            page.set_data(ls, pg)
            bound.set_data(ls, top)
        marker.set_xdata([cut, cut])
        set_limits(ax, (0.5, N - 0.5), (-0.1, N / 2 + 0.6))
        phase = "critical" if h == 1 else ("ordered, gapped" if h < 1 else "paramagnetic, gapped")
        ax.title.set_text(f"N = {N}, h = {h:.1f} ({phase}): entanglement profile")
        panel.text.value = (
            f"cut l = {cut}: Ising S = {S[cut - 1]:.3f} bits, random S = {R[cut - 1]:.3f} bits, "
            f"Page value {pg[cut - 1]:.3f} bits, max possible {top[cut - 1]:.0f} bits"
        )

    return Panel(controls, fig, update, artists={"ax": ax, "ising": ising, "random": rand, "page": page,
                                                "bound": bound, "marker": marker},
                 animated=[marker, rand, ising, ax.title])


_MPS_STATES = ("critical Ising (h = 1)", "Haar random")


def build_mps_truncation(N=12, chi=4, state=_MPS_STATES[0], rng=0):
    """Lesson 03: a bond-dimension slider; fidelity, discarded weight and entropies of the truncated MPS.

    The state (the critical Ising ground state, h = J = 1, or a Haar-random state; N
    spins) is split by TT-SVD keeping at most chi singular values per cut
    (``MPS.from_dense(psi, max_bond=chi)``). Left: entropy at each cut of the truncated
    MPS and of the exact state, with the bound log2 min(chi, 2^l, 2^(N-l)). Right: the
    discarded weight and 1 - fidelity against chi (they coincide).

    Parameters
    ----------
    N : int
        Number of spins, 4..14 (fixed for the panel).
    chi : int
        Initial bond dimension, 1..2**(N//2).
    state : str
        One of "critical Ising (h = 1)", "Haar random".
    rng : int seed
        Seeds the random state.

    Returns
    -------
    Panel
        Controls ``"chi"``, ``"state"``; ``panel.data``: ``state``, ``chi``, ``N``, ``mps``,
        ``fidelity`` (|<psi|psi_chi>|^2 / <psi_chi|psi_chi>), ``discarded_weight``,
        ``entropies``, ``exact_entropies``, ``bounds`` (arrays over l = 1..N-1, bits),
        ``bond_dims``.
    """
    N = _as_int(N, "N", minimum=4)
    if N > 14:
        raise ValueError(f"N must be between 4 and 14 for this panel, got {N}")
    chi_max = 2 ** (N // 2)
    chi = _as_int(chi, "chi", minimum=1)
    if chi > chi_max:
        raise ValueError(f"chi must be between 1 and 2**(N//2) = {chi_max}, got {chi}")
    if state not in _MPS_STATES:
        raise ValueError(f"state must be one of {_MPS_STATES}, got {state!r}")
    seed = _as_int(rng, "rng", minimum=0)
    psis = {_MPS_STATES[0]: ground_state(tfim_hamiltonian(N, J=1.0, h=1.0))[1],
            _MPS_STATES[1]: random_state(N, 2, _np.random.default_rng(seed))}
    exact = {name: MPS.from_dense(psi).entropies() for name, psi in psis.items()}
    # the curve on a sparse grid of chi (each point is one TT-SVD); the slider's own chi is marked
    chis = _np.unique(_np.concatenate([2 ** _np.arange(N // 2 + 1), 3 * 2 ** _np.arange(N // 2 - 1)]))
    chis = chis[chis <= chi_max]
    curves = {name: _np.array([MPS.from_dense(psi, max_bond=int(c)).discarded_weight for c in chis])
              for name, psi in psis.items()}

    controls = {
        "chi": widgets.IntSlider(value=chi, min=1, max=chi_max, description="bond dim chi", continuous_update=False,
                                 style={"description_width": "initial"}),  # the default width cut it to "bond dim ..."
        "state": widgets.Dropdown(options=list(_MPS_STATES), value=state, description="state"),
    }
    with plt.ioff():
        fig, (ax_s, ax_w) = plt.subplots(1, 2, figsize=(10.0, 3.8), layout="constrained")
    _diagrams.new_axes(None, "cut l (sites 0..l-1 | l..N-1)", "entropy S(l) (bits)", ax=ax_s)
    (exact_line,) = ax_s.plot([], [], "o:", color=_RANDOM_COLOR, label="exact state")
    (trunc_line,) = ax_s.plot([], [], "o-", color=_diagrams.COLORS["measured"], label="MPS, bond dim <= chi")
    (bound_line,) = ax_s.plot([], [], "--", color=_diagrams.COLORS["bound"], label="log2 min(chi, 2^l, 2^(N-l))")
    ax_s.legend(loc="upper center", fontsize=8)
    _diagrams.new_axes("Truncation error against chi", "bond dimension chi", "weight (relative)", ax=ax_w)
    (weight_line,) = ax_w.semilogy([], [], ".-", color=_diagrams.COLORS["measured"], label="discarded weight")
    (fid_point,) = ax_w.semilogy([], [], "o", color=_diagrams.COLORS["measured"], mfc="none", markersize=10,
                                 label="1 - fidelity (at chi)")  # measured, like the discarded weight it equals
    _diagrams.plain_log_axis(ax_w)
    ax_w.legend(loc="upper right", fontsize=8)
    ls = _np.arange(1, N)
    ax_s.set_xlim(0.5, N - 0.5)
    ax_s.set_ylim(-0.1, N / 2 + 0.5)
    ax_w.set_xlim(0.5, chi_max + 0.5)
    ax_w.set_ylim(1e-17, 2.0)
    shown = {"state": None}

    def update(panel):
        name, chi = panel.value("state"), panel.value("chi")
        psi = psis[name]
        m = MPS.from_dense(psi, max_bond=chi)
        approx = m.to_dense()
        fidelity = float(abs(_np.vdot(psi, approx)) ** 2 / _np.vdot(approx, approx).real)
        S = m.entropies()
        bounds = _np.log2(_np.minimum(chi, _np.minimum(2.0**ls, 2.0 ** (N - ls))))
        panel.data = {"state": name, "chi": chi, "N": N, "mps": m, "fidelity": fidelity,
                      "discarded_weight": m.discarded_weight, "entropies": S, "exact_entropies": exact[name],
                      "bounds": bounds, "bond_dims": m.bond_dims}
        if shown["state"] != name:  # the curves of the state alone: redrawn (in full) when the state changes
            shown["state"] = name
            exact_line.set_data(ls, exact[name])
            weight_line.set_data(chis, _np.maximum(curves[name], 1e-17))  # exact zeros at the log axis' floor
        trunc_line.set_data(ls, S)
        bound_line.set_data(ls, bounds)
        ax_s.title.set_text(f"{name}, N = {N}, chi = {chi}")
        fid_point.set_data([chi], [max(1 - fidelity, 1e-17)])
        panel.text.value = (
            f"chi = {chi}: fidelity {fidelity:.6f}, discarded weight {m.discarded_weight:.3e}, "
            f"bond dims {m.bond_dims}"
        )

    return Panel(controls, fig, update, artists={"ax_entropy": ax_s, "ax_weight": ax_w, "exact": exact_line,
                                                "truncated": trunc_line, "bound": bound_line,
                                                "weight": weight_line, "fidelity": fid_point},
                 animated=[trunc_line, bound_line, fid_point, ax_s.title])
