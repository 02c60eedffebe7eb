"""Lesson 06's panel: a RAC's entanglement entropy at every cut against its bound.

`build_rac_entropy` has sliders for the hidden size R, the length N and a cut t, and
plots the RAC's entropy profile (from its MPS) under log2 min(R, M^t, M^(N-t)).
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as _np

from .. import diagrams as _diagrams
from .._validate import as_int as _as_int
from ..rac import RAC
from .panel import Panel, set_limits


_LIMITS = {"M": 16, "N_max": 64, "R_max": 64}  # every update then stays well under 100 ms


def build_rac_entropy(N=10, R=3, t=5, M=2, N_max=16, R_max=8, rng=0):
    """Lesson 06: hidden size R, length N and a cut t; the RAC's entropy profile against its bound.

    For each R one RAC is drawn (tnlite.RAC.random, weights kept O(1)) and unrolled
    to the chosen N with the same weights (it is recurrent). Its entanglement entropy
    at every contiguous cut comes from its MPS (``to_mps().entropies()``, bits); the
    bound is log2 min(R, M^t, M^(N-t)). (The network and its min cut are drawn by
    ``tnlite.diagrams.draw_rac``; redrawing it on every move would cost ~0.2 s.)

    Parameters
    ----------
    N, R, t : int
        Initial length (2..N_max), hidden size (1..R_max), cut (1..N-1: sites 0..t-1 | t..N-1).
    M : int
        Input dimension (fixed for the panel), at most 16.
    N_max, R_max : int
        Slider ranges, at most 64 each.
    rng : int seed
        Seeds every draw: RAC(R) uses np.random.default_rng((rng, R)).

    Returns
    -------
    Panel
        Controls ``"R"``, ``"N"``, ``"t"`` (IntSliders); ``panel.data``: ``N``, ``R``, ``M``,
        ``t``, ``rac`` (the RAC shown), ``entropies`` and ``bounds`` (arrays over t = 1..N-1,
        bits), ``entropy_at_cut``, ``bound_at_cut`` (bits), ``rank_bound_at_cut`` (int).
    """
    M = _as_int(M, "M", minimum=1)
    N_max = _as_int(N_max, "N_max", minimum=2)
    R_max = _as_int(R_max, "R_max", minimum=1)
    for name, value, top in (("M", M, _LIMITS["M"]), ("N_max", N_max, _LIMITS["N_max"]), ("R_max", R_max, _LIMITS["R_max"])):
        if value > top:
            raise ValueError(f"{name} must be <= {top} for a panel that answers at once, got {value}")
    N = _as_int(N, "N", minimum=2)
    R = _as_int(R, "R", minimum=1)
    t = _as_int(t, "t", minimum=1)
    seed = _as_int(rng, "rng", minimum=0)
    if N > N_max:
        raise ValueError(f"N must be <= N_max = {N_max}, got {N}")
    if R > R_max:
        raise ValueError(f"R must be <= R_max = {R_max}, got {R}")
    if t > N - 1:
        raise ValueError(f"t must be between 1 and N-1 = {N - 1}, got {t}")
    racs = {}

    def rac_for(R, N):
        if R not in racs:
            racs[R] = RAC.random(N_max, M, R, rng=_np.random.default_rng((seed, R)))
        return racs[R].with_length(N)

    controls = {
        "R": widgets.IntSlider(value=R, min=1, max=R_max, description="hidden R", continuous_update=False),
        "N": widgets.IntSlider(value=N, min=2, max=N_max, description="length N", continuous_update=False),
        "t": widgets.IntSlider(value=t, min=1, max=N - 1, description="cut t", continuous_update=False),
    }
    with plt.ioff():
        fig, ax_s = plt.subplots(figsize=(8.0, 3.6), layout="constrained")
    _diagrams.new_axes(None, "cut t (sites 0..t-1 | t..N-1)", "entropy (bits)", ax=ax_s)
    (measured,) = ax_s.plot([], [], "o-", color=_diagrams.COLORS["measured"], label="RAC entropy S(t)")
    (bound,) = ax_s.plot([], [], "s--", color=_diagrams.COLORS["bound"], label="log2 min(R, M^t, M^(N-t))")
    marker = ax_s.axvline(1, color="gray", linewidth=6, alpha=0.25, zorder=0)
    ax_s.legend(loc="lower center", fontsize=9)
    ax_s.title.set_fontsize(11)

    def update(panel):
        N, R = panel.value("N"), panel.value("R")
        if panel.controls["t"].max != N - 1:
            panel.controls["t"].max = N - 1  # clamps t (and re-runs this update once)
        t = panel.value("t")
        rac = rac_for(R, N)
        S = rac.to_mps().entropies(base=2)  # (N-1,): cut after site 0..N-2
        ranks = _np.array(rac.rank_bounds())
        bounds = _np.log2(ranks)
        panel.data = {"N": N, "R": R, "M": M, "t": t, "rac": rac, "entropies": S, "bounds": bounds,
                      "entropy_at_cut": float(S[t - 1]), "bound_at_cut": float(bounds[t - 1]),
                      "rank_bound_at_cut": int(ranks[t - 1])}
        cuts = _np.arange(1, N)
        measured.set_data(cuts, S)
        bound.set_data(cuts, bounds)
        marker.set_xdata([t, t])
        set_limits(ax_s, (0.5, N - 0.5), (0, max(1.0, bounds.max()) * 1.15 + 0.05))
        ax_s.title.set_text(f"RAC entropy profile, N={N}, M={M}, R={R}\nat t={t}: "
                            f"S = {S[t - 1]:.3f} <= log2 {ranks[t - 1]} = {bounds[t - 1]:.3f} bits")
        panel.text.value = (f"A RAC with hidden size R = {R} is an MPS of bond dimension R: at the cut t = {t} "
                            f"its entropy is <b>{S[t - 1]:.3f} bits</b>, at most log2 min(R, M^t, M^(N-t)) = "
                            f"log2 {ranks[t - 1]} = <b>{bounds[t - 1]:.3f} bits</b>. The bound is reached "
                            "only if the R Schmidt values are equal; a rank is not an entropy.")

    return Panel(controls, fig, update, artists={"ax_entropy": ax_s,
                                                  "measured": measured, "bound": bound, "marker": marker},
                 animated=[marker, measured, bound, ax_s.title])
