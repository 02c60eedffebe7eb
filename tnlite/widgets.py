"""Interactive panels of the lessons, one builder per panel.

Each ``build_<name>(...)`` returns a :class:`Panel`: an ipywidgets VBox that keeps
handles to its controls (``panel.controls``), its figure and artists
(``panel.fig``, ``panel.artists``) and the numbers it last showed (``panel.data``).
Setting ``panel.controls["N"].value = 8`` runs the update synchronously, so tests
drive a panel without a browser and assert on ``panel.data`` and the artists.
A notebook cell builds and shows a panel in one line.
"""
from __future__ import annotations

import io
import time

import ipywidgets as widgets
import matplotlib.pyplot as plt
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg


def _ipython():
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return None
    return get_ipython()


class FigurePane:
    """Shows a matplotlib figure inside a widget box and redraws it on demand.

    With ipympl (``%matplotlib widget``) the figure's canvas is itself a widget and a
    redraw is cheap; otherwise the figure is drawn on an Agg canvas and its pixels are
    sent as PNG to an Image widget, updated in place, whatever the matplotlib backend.
    The first render runs the figure's layout engine and then freezes the layout:
    re-running constrained layout on every slider move cost ~40% of each update.
    Outside a kernel (tests) nothing is rendered unless ``FigurePane.always_render``
    is set (benchmarks set it, so that a measured update includes the PNG a reader
    waits for).
    """

    always_render = False

    def __init__(self, fig):
        self.fig = fig
        self._is_canvas = isinstance(fig.canvas, widgets.DOMWidget)
        self.widget = fig.canvas if self._is_canvas else widgets.Image(format="png")
        self._layout_frozen = False

    def refresh(self):
        """Draw the figure's current state."""
        if self._is_canvas:
            self.fig.canvas.draw_idle()
        elif self.always_render or _ipython() is not None:
            canvas = self.fig.canvas
            if not isinstance(canvas, FigureCanvasAgg):  # plt.close() leaves a bare canvas
                canvas = FigureCanvasAgg(self.fig)
            canvas.draw()
            if not self._layout_frozen:
                self.fig.set_layout_engine("none")  # axes stay where the first layout put them
                self._layout_frozen = True
            width, height = canvas.get_width_height(physical=True)
            image = PIL.Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
            buffer = io.BytesIO()
            image.save(buffer, format="png", compress_level=1)  # fast zlib level: a third less time
            self.widget.value = buffer.getvalue()


class Panel(widgets.VBox):
    """A lesson panel: controls on top, figure below, an optional text line.

    Parameters
    ----------
    controls : dict of str -> ipywidgets.ValueWidget
        Named controls; any change of a ``value`` calls `update`.
    fig : matplotlib.figure.Figure
    update : callable(panel)
        Reads ``panel.value(name)``, recomputes, sets ``panel.data`` and the artists
        in ``panel.artists``, and may set ``panel.text.value``. The pane is redrawn after.
    artists : dict, optional
        Handles to axes and artists the update changes.
    """

    def __init__(self, controls, fig, update, artists=None, layout_rows=None):
        self.controls = dict(controls)
        self.fig = fig
        self.artists = dict(artists or {})
        self.data = {}
        self.text = widgets.HTML()
        self.last_update_seconds = None
        self._update = update
        self._pane = FigurePane(fig)
        plt.close(fig)  # the pane owns it; keeps inline from showing a second copy
        rows = layout_rows or [widgets.HBox(list(self.controls.values()))]
        super().__init__(children=[*rows, self.text, self._pane.widget])
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.update()

    def value(self, name):
        """Current value of control `name`."""
        return self.controls[name].value

    def _on_change(self, _change):
        self.update()

    def update(self):
        """Recompute and redraw; records the time it took in ``last_update_seconds``."""
        t0 = time.perf_counter()
        self._update(self)
        self._pane.refresh()
        self.last_update_seconds = time.perf_counter() - t0


# --- lesson 00 panels ---
def build_two_qubit(theta=0.3):
    """Lesson 00: the state cos(t)|00> + sin(t)|11> and its entanglement, from 0 to 1 bit.

    Controls: ``theta`` (radians, 0 to pi/2). Data: ``schmidt`` (the two Schmidt
    values), ``entropy`` (bits).
    """
    import numpy as np

    from .diagrams import COLORS, new_axes
    from .tensors import entanglement_entropy, schmidt_values

    slider = widgets.FloatSlider(value=theta, min=0.0, max=np.pi / 2, step=0.01, description="theta",
                                 readout_format=".2f", continuous_update=True)
    grid = np.linspace(0, np.pi / 2, 200)
    p = np.cos(grid) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        curve = np.nan_to_num(-(p * np.log2(p) + (1 - p) * np.log2(1 - p)))
    with plt.ioff():
        fig, (ax_s, ax_e) = plt.subplots(1, 2, figsize=(8, 3), layout="constrained")
    new_axes("Schmidt values", "k", "s_k", ax=ax_s)
    bars = ax_s.bar([1, 2], [1, 0], color=COLORS["measured"])
    ax_s.set_xticks([1, 2])
    ax_s.set_ylim(0, 1.05)
    new_axes("Entanglement entropy", "theta (radians)", "S (bits)", ax=ax_e)
    ax_e.plot(grid, curve, color=COLORS["measured"], lw=1, alpha=0.5, label="S(theta)")
    ax_e.axhline(1.0, color=COLORS["bound"], ls="--", label="bound: log2(2) = 1 bit")
    (marker,) = ax_e.plot([theta], [0], "o", color=COLORS["measured"], ms=9, label="this state")
    ax_e.set_ylim(0, 1.1)
    ax_e.legend(loc="lower right", fontsize=8)

    def update(panel):
        t = panel.value("theta")
        psi = np.array([[np.cos(t), 0.0], [0.0, np.sin(t)]])  # axes (qubit 0, qubit 1)
        s = schmidt_values(psi, [0])
        S = entanglement_entropy(psi, [0])
        panel.data.update(theta=t, schmidt=s, entropy=S)
        for bar, h in zip(bars, s):
            bar.set_height(h)
        marker.set_data([t], [S])
        ax_e.set_title(f"Entanglement entropy: S = {S:.3f} bits")
        panel.text.value = (f"psi = {np.cos(t):.3f} |00> + {np.sin(t):.3f} |11> &nbsp; "
                            f"Schmidt values {s[0]:.3f}, {s[1]:.3f} &nbsp; S = <b>{S:.3f} bits</b>")

    return Panel({"theta": slider}, fig, update, artists={"bars": bars, "marker": marker, "ax": ax_e})
# --- end of lesson 00 panels ---

# --- lesson 01 panels ---
import numpy as _np  # noqa: E402  (imports of this section kept inside it)

from . import diagrams as _diagrams  # noqa: E402
from ._validate import as_int as _as_int, as_rng as _as_rng, as_rows as _as_rows  # noqa: E402
from ._validate import guard_dense as _guard_dense  # noqa: E402
from .tensors import matricize as _matricize  # noqa: E402
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator  # noqa: E402


def _sum_of_products(vecs, k):
    """sum_{t<k} v_0^t (x) ... (x) v_{N-1}^t from vecs[j] of shape (k_max, d_j)."""
    A = vecs[0][:k]  # (k, d_0)
    for V in vecs[1:]:
        A = A[..., None] * V[:k].reshape((k,) + (1,) * (A.ndim - 1) + (V.shape[1],))  # (k, d_0, ..., d_j)
    return A.sum(axis=0)  # (d_0, ..., d_{N-1})


def build_matricization(shape=(2, 3, 2, 3), k=2, rows=(0, 1), k_max=10, rng=0):
    """Lesson 01: pick legs to group; see the matricization's shape, its rank and the diagram.

    The tensor is a sum of k product tensors with standard normal factors, so
    every m x n matricization has rank min(k, m, n) for random terms (the first k
    of k_max terms drawn once, so moving k adds or removes one term). One toggle per leg puts
    it on the row side; the slider sets k. The rank is numpy's ``matrix_rank``
    tolerance rule applied to the singular values (as in :func:`tnlite.schmidt_rank`).

    Parameters
    ----------
    shape : sequence of int
        The tensor's leg dimensions, 2 to 6 legs.
    k : int
        Initial number of product terms (1..k_max).
    rows : sequence of int
        Legs on the row side at the start.
    k_max : int
        Largest k on the slider.
    rng : numpy.random.Generator or int seed

    Returns
    -------
    Panel
        Controls ``"leg0"``, ``"leg1"``, ... (ToggleButtons) and ``"k"`` (IntSlider);
        ``panel.data``: ``rows`` (tuple), ``shape`` ((m, n)), ``rank``, ``k``,
        ``singular_values`` (descending), ``tol``.
    """
    if _np.ndim(shape) != 1:
        raise ValueError(f"shape must be a sequence of leg dimensions such as (2, 3, 2, 3), got {shape!r}")
    shape = _diagrams._as_dims(shape, len(shape), "shape")
    if not 2 <= len(shape) <= 6:
        raise ValueError(f"shape must have 2 to 6 legs for a legible panel, got {len(shape)} legs {shape}")
    k_max = _as_int(k_max, "k_max", minimum=1)
    k = _as_int(k, "k", minimum=1)
    if k > k_max:
        raise ValueError(f"k must be <= k_max = {k_max}, got {k}")
    rows = set(_as_rows(rows, len(shape)))
    rng = _as_rng(rng)
    # all k_max terms drawn once; k uses the first k, so moving k adds or removes a term
    _guard_dense(shape, "low-rank tensor")
    vecs = [rng.standard_normal((k_max, d)) for d in shape]

    controls = {f"leg{j}": widgets.ToggleButton(value=j in rows, description=f"leg {j} (d={d})",
                                                 tooltip=f"put leg {j} on the row side",
                                                 layout=widgets.Layout(width="110px"))
                for j, d in enumerate(shape)}
    controls["k"] = widgets.IntSlider(value=k, min=1, max=k_max, description="terms k",
                                      continuous_update=False)
    with plt.ioff():
        # a fixed layout and plain tick labels: each redraw renders a PNG, and constrained
        # layout plus mathtext tick labels made that several times slower
        fig, (ax_d, ax_s) = plt.subplots(1, 2, figsize=(10.5, 3.4), gridspec_kw={"width_ratios": [1.6, 1]})
        fig.subplots_adjust(left=0.01, right=0.985, bottom=0.15, top=0.9, wspace=0.2)
    _diagrams.new_axes(None, "index of singular value", "singular value (log scale)", ax=ax_s)
    (values,) = ax_s.semilogy([1], [1], "o", color=_diagrams.COLORS["measured"], label="singular values")
    threshold = ax_s.axhline(1e-16, color="black", linestyle="--", linewidth=1, label="rank tolerance")
    ax_s.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_s.yaxis.set_major_locator(FixedLocator([1e-16, 1e-12, 1e-8, 1e-4, 1.0, 1e4]))
    ax_s.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:.0e}".replace("e+00", "").replace("e+0", "e")))
    ax_s.yaxis.set_minor_locator(NullLocator())
    ax_s.legend(loc="lower left", fontsize=9)

    def update(panel):
        rows = tuple(j for j in range(len(shape)) if panel.value(f"leg{j}"))
        k = panel.value("k")
        mat = _matricize(_sum_of_products(vecs, k), rows)
        m, n = mat.shape
        s = _np.linalg.svd(mat, compute_uv=False)
        tol = s[0] * max(m, n) * _np.finfo(s.dtype).eps  # numpy's matrix_rank rule
        rank = int(_np.count_nonzero(s > tol))
        panel.data = {"rows": rows, "shape": (m, n), "rank": rank, "k": k, "singular_values": s, "tol": tol}
        for artist in [*ax_d.patches, *ax_d.lines, *ax_d.texts]:
            artist.remove()  # cheaper than ax.clear(), which rebuilds the (hidden) ticks
        _diagrams.draw_matricization(shape, rows, ax=ax_d)
        idx = _np.arange(1, s.size + 1)
        values.set_data(idx, _np.maximum(s, 1e-18))  # zeros cannot sit on a log axis: shown at the floor
        threshold.set_ydata([tol, tol])
        ax_s.set_xlim(0.5, s.size + 0.5)
        ax_s.set_ylim(1e-18, max(10.0, 10 * s[0]))
        ax_s.set_title(f"{m} x {n} matrix: rank {rank}")
        panel.text.value = (f"rows = legs {rows}, columns = the others: a <b>{m} x {n}</b> matrix of rank "
                            f"<b>{rank}</b> (a sum of k = {k} product terms: rank &le; min(k, m, n) = "
                            f"{min(k, m, n)}).")

    layout_rows = [widgets.HBox([controls[f"leg{j}"] for j in range(len(shape))]), controls["k"]]
    return Panel(controls, fig, update, artists={"ax_diagram": ax_d, "ax_values": ax_s,
                                                  "values": values, "threshold": threshold}, layout_rows=layout_rows)
# --- end of lesson 01 panels ---

# --- lessons 02-03 panels ---
import numpy as _np  # noqa: E402  (imports of this section kept inside it)

from . import diagrams as _diagrams  # noqa: E402
from ._validate import as_int as _as_int  # noqa: E402

_RANDOM_COLOR = "#7f7f7f"  # a Haar-random state, for contrast with the measured ground state


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
    from .mps import MPS
    from .spins import ground_state, tfim_hamiltonian
    from .tensors import page_entropy, random_state

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
            E0, psi = ground_state(tfim_hamiltonian(N, J=1.0, h=float(h)))
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
    (page,) = ax.plot([], [], ":", color=_diagrams.COLORS["bound"], label="Page value (random average)")
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
        page.set_data(ls, pg)
        bound.set_data(ls, top)
        marker.set_xdata([cut, cut])
        ax.set_xlim(0.5, N - 0.5)
        ax.set_ylim(-0.1, N / 2 + 0.6)
        phase = "critical" if h == 1 else ("ordered, gapped" if h < 1 else "paramagnetic, gapped")
        ax.set_title(f"N = {N}, h = {h:.1f} ({phase}): entanglement profile")
        panel.text.value = (
            f"cut l = {cut}: Ising S = {S[cut - 1]:.3f} bits, random S = {R[cut - 1]:.3f} bits, "
            f"Page value {pg[cut - 1]:.3f} bits, max possible {top[cut - 1]:.0f} bits"
        )

    return Panel(controls, fig, update, artists={"ax": ax, "ising": ising, "random": rand, "page": page,
                                                "bound": bound, "marker": marker})


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
    from .mps import MPS
    from .spins import ground_state, tfim_hamiltonian
    from .tensors import random_state

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
        "chi": widgets.IntSlider(value=chi, min=1, max=chi_max, description="bond dim chi", continuous_update=False),
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
    (fid_point,) = ax_w.semilogy([], [], "o", color=_diagrams.COLORS["bound"], mfc="none", markersize=10,
                                 label="1 - fidelity (at chi)")
    _diagrams.plain_log_axis(ax_w)
    ax_w.legend(loc="upper right", fontsize=8)
    ls = _np.arange(1, N)

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
        exact_line.set_data(ls, exact[name])
        trunc_line.set_data(ls, S)
        bound_line.set_data(ls, bounds)
        ax_s.set_xlim(0.5, N - 0.5)
        ax_s.set_ylim(-0.1, N / 2 + 0.5)
        ax_s.set_title(f"{name}, N = {N}, chi = {chi}")
        w = _np.maximum(curves[name], 1e-17)  # exact zeros drawn at the floor of the log axis
        weight_line.set_data(chis, w)
        fid_point.set_data([chi], [max(1 - fidelity, 1e-17)])
        ax_w.set_xlim(0.5, chi_max + 0.5)
        ax_w.set_ylim(1e-17, 2.0)
        panel.text.value = (
            f"chi = {chi}: fidelity {fidelity:.6f}, discarded weight {m.discarded_weight:.3e}, "
            f"bond dims {m.bond_dims}"
        )

    return Panel(controls, fig, update, artists={"ax_entropy": ax_s, "ax_weight": ax_w, "exact": exact_line,
                                                "truncated": trunc_line, "bound": bound_line,
                                                "weight": weight_line, "fidelity": fid_point})
# --- end of lessons 02-03 panels ---

# --- lesson 04 panels ---
def tree_partitions(N):
    """Preset partitions of N = 2**L leaves: name -> side P (None for "custom")."""
    return {
        "left | right halves": tuple(range(N // 2)),
        "interleaved (even | odd)": tuple(range(0, N, 2)),
        "blocks of 2 (alternating)": tuple(j for j in range(N) if (j // 2) % 2 == 0),
        "custom": None,
    }


class _SyncPanel(Panel):
    """A Panel whose update may set its own controls without re-entering itself."""

    _syncing = False

    def _on_change(self, _change):
        if not self._syncing:
            self.update()


def build_tree_partition(N=8, d=2, chi=(2, 3, 2), partition="left | right halves", max_bond=4, rng=0):
    """Lesson 04: pick a partition of the leaves; the min cut lights up beside the measured rank.

    The tree is :meth:`tnlite.TreeTN.random` (random isometric cores, so its ranks are
    generic) with the bond dimensions on the sliders; the measured Schmidt rank uses
    :func:`tnlite.schmidt_rank` (numpy's ``matrix_rank`` tolerance) on ``to_dense()``.

    Parameters
    ----------
    N : int
        Leaves, 4, 8 or 16.
    d : int
        Local dimension of every particle.
    chi : sequence of L ints
        Initial bond dimensions per level (chi[0] = leaf bonds).
    partition : str
        One of :func:`tree_partitions`'s names; "custom" uses the toggle buttons.
    max_bond : int
        Largest value on the bond sliders.
    rng : numpy.random.Generator or int seed

    Returns
    -------
    Panel
        Controls ``"partition"`` (Dropdown), ``"chi0"`` .. ``"chi{L-1}"`` (IntSliders),
        ``"site0"`` .. ``"site{N-1}"`` (ToggleButtons: pressed = side P). Choosing a
        preset sets the toggles; pressing a toggle switches to "custom".
        ``panel.data``: ``rows``, ``chi``, ``bound``, ``rank``, ``log_bound``,
        ``cut_edges``, ``n_params``.
    """
    import numpy as np

    from ._validate import as_int, as_power_of_two, as_rng
    from .diagrams import COLORS, draw_tree, new_axes
    from .tensors import schmidt_rank
    from .tree import TreeTN

    N, L = as_power_of_two(N, "N")
    if N > 16:
        raise ValueError(f"N must be at most 16 for a live dense rank, got {N}")
    d = as_int(d, "d", minimum=1)
    max_bond = as_int(max_bond, "max_bond", minimum=1)
    chi = tuple(chi)
    if len(chi) != L:
        raise ValueError(f"chi has {len(chi)} entries; N={N} needs one per level 0..L-1, L={L}")
    chi = tuple(as_int(c, f"chi[{l}]", minimum=1) for l, c in enumerate(chi))
    if max(chi) > max_bond:
        raise ValueError(f"chi must be <= max_bond = {max_bond}, got {chi}")
    options = tree_partitions(N)
    if partition not in options:
        raise ValueError(f"partition must be one of {list(options)}, got {partition!r}")
    seed = int(as_rng(rng).integers(2**31))
    start = options[partition] if options[partition] is not None else tuple(range(N // 2))

    controls = {"partition": widgets.Dropdown(options=list(options), value=partition, description="partition",
                                              layout=widgets.Layout(width="330px"))}
    for l in range(L):
        controls[f"chi{l}"] = widgets.IntSlider(value=chi[l], min=1, max=max_bond, description=f"bond, level {l}",
                                                continuous_update=False, style={"description_width": "initial"},
                                                layout=widgets.Layout(width="230px"))
    for j in range(N):
        controls[f"site{j}"] = widgets.ToggleButton(value=j in start, description=str(j), tooltip=f"particle {j} in P",
                                                    layout=widgets.Layout(width="42px"))
    with plt.ioff():
        # a fixed layout: constrained layout would re-measure every label on every update
        fig, (ax_t, ax_b) = plt.subplots(1, 2, figsize=(10.5, 4.2), gridspec_kw=dict(
            width_ratios=[2.3, 1], left=0.01, right=0.98, bottom=0.14, top=0.86, wspace=0.22))
    new_axes("Bound vs measured", None, "log2 rank (bits)", ax=ax_b)
    bars = ax_b.bar([0, 1], [1, 1], color=[COLORS["measured"], COLORS["bound"]], width=0.6)
    ax_b.set_xticks([0, 1], ["Schmidt rank\n(measured)", "min-cut bound"])
    cache, state = {}, {"preset": partition}

    def update(panel):
        name = panel.value("partition")
        if name != state["preset"] and options[name] is not None:  # a preset was chosen: set the toggles
            panel._syncing = True
            for j in range(N):
                panel.controls[f"site{j}"].value = j in options[name]
            panel._syncing = False
        elif name == state["preset"] and options[name] is not None:
            pressed = tuple(j for j in range(N) if panel.value(f"site{j}"))
            if pressed != options[name]:  # a toggle was pressed: this is now a custom partition
                panel._syncing = True
                panel.controls["partition"].value = name = "custom"
                panel._syncing = False
        state["preset"] = name
        rows = tuple(j for j in range(N) if panel.value(f"site{j}"))
        dims = tuple(panel.value(f"chi{l}") for l in range(L))
        if dims not in cache:
            tree = TreeTN.random(N, d, dims, rng=seed)
            cache[dims] = (tree, tree.to_dense())
        tree, A = cache[dims]
        cut = tree.min_cut(rows)
        rank = schmidt_rank(A, rows) if 0 < len(rows) < N else 1
        panel.data = {"rows": rows, "chi": dims, "bound": cut.rank_bound, "rank": rank,
                      "log_bound": cut.log_bound, "cut_edges": cut.edges, "n_params": tree.n_params}
        for artist in [*ax_t.patches, *ax_t.lines, *ax_t.texts]:
            artist.remove()
        draw_tree(tree, rows=rows, show_cut=True, ax=ax_t)
        heights = (np.log2(rank), cut.log_bound)
        for bar, h in zip(bars, heights):
            bar.set_height(h)
        ax_b.set_ylim(0, max(1.0, max(heights)) * 1.25)
        ax_b.set_title(f"rank {rank} <= bound {cut.rank_bound}")
        verdict = "equal: the bound is reached" if rank == cut.rank_bound else "the bound is not reached"
        panel.text.value = (f"P = {rows}: the min cut crosses {len(cut.edges)} bond(s), "
                            f"{' x '.join(str(e[2]) for e in cut.edges) or 'none'} = <b>{cut.rank_bound}</b>; "
                            f"measured Schmidt rank <b>{rank}</b> ({verdict}).")

    layout_rows = [widgets.HBox([controls["partition"]] + [controls[f"chi{l}"] for l in range(L)]),
                   widgets.HBox([widgets.Label("side P:")] + [controls[f"site{j}"] for j in range(N)])]
    return _SyncPanel(controls, fig, update, layout_rows=layout_rows,
                      artists={"ax_tree": ax_t, "ax_bars": ax_b, "bars": bars})
# --- end of lesson 04 panels ---

# --- lesson 05 panels ---
import numpy as _np  # noqa: E402  (this section's imports, kept inside it)

from . import diagrams as _diagrams  # noqa: E402
from ._validate import as_int as _as_int, as_power_of_two as _as_power_of_two, as_rng as _as_rng  # noqa: E402
from ._validate import as_rows as _as_rows, guard_dense as _guard_dense  # noqa: E402


def _convac_partitions(N):
    """Named partitions of N = 2**L inputs: contiguous halves, interleaved blocks of 2**k, custom."""
    options = {"contiguous halves (left | right)": tuple(range(N // 2))}
    for k in range(N.bit_length() - 2):
        options[f"interleaved, blocks of {2**k}"] = tuple(j for j in range(N) if (j >> k) % 2 == 0)
    options["custom"] = None
    return options


def _parse_sites(text, N):
    """'0, 1, 4' -> (0, 1, 4), checked against N (ValueError with the reason)."""
    items = text.replace(",", " ").split()
    try:
        sites = [int(t) for t in items]
    except ValueError:
        raise ValueError(f"custom sites must be integers separated by commas, got {text!r}") from None
    return _as_rows(sites, N, "custom sites")


def build_convac_partition(N=8, M=2, widths=None, partition="contiguous halves (left | right)",
                           custom="0, 1, 4", max_width=6, rng=0):
    """Lesson 05: a width slider per layer and a partition: exact rank vs min cut, and the cut.

    Each update draws a deep ConvAC with integer weights (:meth:`tnlite.ConvAC.random`
    with ``p=tnlite.PRIME``), computes its Schmidt rank exactly by elimination mod p
    (:func:`tnlite.rank_mod_p`) and its min-cut bound (:meth:`tnlite.ConvAC.min_cut`),
    draws the network with the cut, and compares parameter counts: this deep ConvAC vs
    the shallow ConvAC (CP) with just enough channels (r = rank) for the same rank.

    Parameters
    ----------
    N : int
        Inputs, a power of 2 from 4 to 16 (N = 16 updates in ~0.3 s).
    M : int
        Representation channels.
    widths : sequence of int, optional
        Initial r_0..r_{L-1} (default all 2).
    partition : str
        One of the dropdown's names: "contiguous halves (left | right)",
        "interleaved, blocks of 1", ..., "custom".
    custom : str
        The custom side P, e.g. "0, 1, 4".
    max_width : int
        Largest value on the width sliders.
    rng : numpy.random.Generator or int seed

    Returns
    -------
    Panel
        Controls ``"r0"``, ..., ``"r{L-1}"`` (IntSliders), ``"partition"`` (Dropdown),
        ``"custom"`` (Text). ``panel.data``: ``widths``, ``rows``, ``rank`` (exact),
        ``bound`` (min cut), ``max_rank`` (min(M^|P|, M^|Q|)), ``cut_edges``,
        ``n_params_deep``, ``n_params_shallow``; or ``error`` for a bad custom partition.
    """
    from .convac import ConvAC
    from .tensors import PRIME, rank_mod_p

    N, L = _as_power_of_two(N, "N")
    if N > 16:
        raise ValueError(f"N must be at most 16 for a live exact rank (the tensor has M^N entries), got {N}")
    M = _as_int(M, "M", minimum=1)
    max_width = _as_int(max_width, "max_width", minimum=1)
    widths = (2,) * L if widths is None else tuple(widths)
    if len(widths) != L:
        raise ValueError(f"widths has {len(widths)} entries; N={N} needs log2({N})={L}")
    widths = tuple(_as_int(r, f"widths[{l}]", minimum=1) for l, r in enumerate(widths))
    if max(widths) > max_width:
        raise ValueError(f"widths must be <= max_width = {max_width}, got {widths}")
    _guard_dense((M,) * N, "ConvAC coefficient tensor")
    options = _convac_partitions(N)
    if partition not in options:
        raise ValueError(f"partition must be one of {list(options)}, got {partition!r}")
    seed = int(_as_rng(rng).integers(2**31))

    controls = {f"r{l}": widgets.IntSlider(value=widths[l], min=1, max=max_width, description=f"r_{l}",
                                           continuous_update=False, layout=widgets.Layout(width="230px"))
                for l in range(L)}
    controls["partition"] = widgets.Dropdown(options=list(options), value=partition, description="partition",
                                             layout=widgets.Layout(width="370px"))
    controls["custom"] = widgets.Text(value=custom, description="custom P", layout=widgets.Layout(width="250px"))
    with plt.ioff():
        fig = plt.figure(figsize=(11.5, 4.8), layout="constrained")
        grid = fig.add_gridspec(2, 2, width_ratios=[1.7, 1])
        ax_d = fig.add_subplot(grid[:, 0])
        ax_r = fig.add_subplot(grid[0, 1])
        ax_p = fig.add_subplot(grid[1, 1])
    C = _diagrams.COLORS
    _diagrams.new_axes("Schmidt rank", None, "log2 rank (bits)", ax=ax_r)
    rank_bars = ax_r.bar([0, 1], [1, 1], color=[C["measured"], C["bound"]], width=0.6)
    ax_r.set_xticks([0, 1], ["rank (exact, mod p)", "min-cut bound"])
    (max_line,) = ax_r.plot([-0.5, 1.5], [1, 1], "k--", lw=1, label="log2 min(M^|P|, M^|Q|)")
    ax_r.legend(loc="upper left", fontsize=8)
    _diagrams.new_axes("Parameters for this rank", None, "parameters (log scale)", ax=ax_p)
    param_bars = ax_p.bar([0, 1], [1, 1], color=["#555555", "#aaaaaa"], width=0.6)
    _diagrams.plain_log_axis(ax_p)
    ax_p.set_xticks([0, 1], ["deep ConvAC", "shallow (CP), r = rank"])
    param_text = [ax_p.text(x, 1, "", ha="center", va="bottom", fontsize=9) for x in (0, 1)]

    def update(panel):
        widths = tuple(panel.value(f"r{l}") for l in range(L))
        name = panel.value("partition")
        rows = options[name]
        if rows is None:
            try:
                rows = _parse_sites(panel.value("custom"), N)
            except (TypeError, ValueError) as exc:
                panel.data = {"error": str(exc), "widths": widths}
                panel.text.value = f"<span style='color:{C['bound']}'>{exc}</span>"
                return
        net = ConvAC.random(N, M, widths, rng=seed, p=PRIME)
        rank = rank_mod_p(net.coefficient_tensor(), rows)
        cut = net.min_cut(rows)
        n_P = len(set(rows))
        max_rank = min(M**n_P, M ** (N - n_P))
        n_deep, n_shallow = net.n_params, rank * (N * M + 1)
        panel.data = {"widths": widths, "rows": tuple(rows), "rank": rank, "bound": cut.rank_bound,
                      "max_rank": max_rank, "cut_edges": cut.edges, "n_params_deep": n_deep,
                      "n_params_shallow": n_shallow}
        for artist in [*ax_d.patches, *ax_d.lines, *ax_d.texts]:
            artist.remove()
        _diagrams.draw_convac(net, rows=rows, show_cut=True, ax=ax_d)
        for bar, h in zip(rank_bars, (_np.log2(rank) if rank else 0.0, cut.log_bound)):
            bar.set_height(h)
        max_line.set_ydata([_np.log2(max_rank)] * 2)
        ax_r.set_ylim(0, max(1.0, _np.log2(max_rank)) * 1.45)
        ax_r.set_title(f"Schmidt rank {rank}, min-cut bound {cut.rank_bound}")
        for bar, t, n in zip(param_bars, param_text, (n_deep, n_shallow)):
            bar.set_height(n)
            t.set_position((bar.get_x() + bar.get_width() / 2, n))
            t.set_text(f"{n:,}")
        ax_p.set_ylim(1, 10 * max(n_deep, n_shallow))
        ax_p.set_title(f"Parameters for rank {rank} on this partition")
        panel.text.value = (f"P = {tuple(rows)}: exact rank <b>{rank}</b>, min cut <b>{cut.rank_bound}</b> "
                            f"(largest possible {max_rank}). The deep ConvAC has {n_deep:,} weights; a shallow "
                            f"one needs r = {rank} channels, {n_shallow:,} weights, for the same rank here.")

    layout_rows = [widgets.HBox([controls[f"r{l}"] for l in range(L)]),
                   widgets.HBox([controls["partition"], controls["custom"]])]
    panel = Panel(controls, fig, update, layout_rows=layout_rows,
                  artists={"ax_diagram": ax_d, "ax_rank": ax_r, "ax_params": ax_p, "rank_bars": rank_bars,
                           "param_bars": param_bars, "max_line": max_line})
    fig.canvas.draw()  # constrained layout places the axes once; later redraws keep them (a third faster)
    fig.set_layout_engine("none")
    return panel
# --- end of lesson 05 panels ---

# --- lesson 06 panels ---
import numpy as _np  # noqa: E402  (imports of this section kept inside it)

from . import diagrams as _diagrams  # noqa: E402
from ._validate import as_int as _as_int  # noqa: E402


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
        Input dimension (fixed for the panel).
    N_max, R_max : int
        Slider ranges.
    rng : int seed
        Seeds every draw: RAC(R) uses np.random.default_rng((rng, R)).

    Returns
    -------
    Panel
        Controls ``"R"``, ``"N"``, ``"t"`` (IntSliders); ``panel.data``: ``N``, ``R``, ``M``,
        ``t``, ``rac`` (the RAC shown), ``entropies`` and ``bounds`` (arrays over t = 1..N-1,
        bits), ``entropy_at_cut``, ``bound_at_cut`` (bits), ``rank_bound_at_cut`` (int).
    """
    from .rac import RAC

    M = _as_int(M, "M", minimum=1)
    N_max = _as_int(N_max, "N_max", minimum=2)
    R_max = _as_int(R_max, "R_max", minimum=1)
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
        ax_s.set_xlim(0.5, N - 0.5)
        ax_s.set_ylim(0, max(1.0, bounds.max()) * 1.15 + 0.05)
        ax_s.set_title(f"RAC entropy profile, N={N}, M={M}, R={R}\nat t={t}: "
                       f"S = {S[t - 1]:.3f} <= log2 {ranks[t - 1]} = {bounds[t - 1]:.3f} bits", fontsize=11)
        panel.text.value = (f"A RAC with hidden size R = {R} is an MPS of bond dimension R: at the cut t = {t} "
                            f"its entropy is <b>{S[t - 1]:.3f} bits</b>, at most log2 min(R, M^t, M^(N-t)) = "
                            f"log2 {ranks[t - 1]} = <b>{bounds[t - 1]:.3f} bits</b>. The bound is reached "
                            "only if the R Schmidt values are equal; a rank is not an entropy.")

    return Panel(controls, fig, update, artists={"ax_entropy": ax_s,
                                                  "measured": measured, "bound": bound, "marker": marker})
# --- end of lesson 06 panels ---
