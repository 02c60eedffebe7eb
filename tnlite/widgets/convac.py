"""Lesson 05's panel: a deep ConvAC's exact Schmidt rank against its min cut.

`build_convac_partition` has a width slider per layer and a partition (named or
custom); it computes the rank exactly mod p, draws the network with its cut, and
compares the deep network's parameters with a shallow one of the same rank.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as _np

from .. import diagrams as _diagrams
from .. import partitions as _partitions
from .._validate import as_int as _as_int, as_ints as _as_ints, as_power_of_two as _as_power_of_two
from .._validate import as_rng as _as_rng, guard_dense as _guard_dense
from ..convac import ConvAC
from ..tensors import PRIME, rank_mod_p
from .panel import _SyncPanel, check_partition, set_limits


def _convac_partitions(N):
    """Named partitions of N = 2**L inputs: contiguous halves, interleaved blocks of 2**k, custom."""
    options = {"contiguous halves (left | right)": _partitions.halves(N)}
    for k in range(N.bit_length() - 2):
        options[f"interleaved, blocks of {2**k}"] = _partitions.interleaved(N, k)
    options["custom"] = None
    return options


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
    N, L = _as_power_of_two(N, "N")
    if N > 16:
        raise ValueError(f"N must be at most 16 for a live exact rank (the tensor has M^N entries), got {N}")
    M = _as_int(M, "M", minimum=1)
    max_width = _as_int(max_width, "max_width", minimum=1)
    widths = (2,) * L if widths is None else _as_ints(widths, "widths", L, f"N={N} needs log2({N})={L}")
    if max(widths) > max_width:
        raise ValueError(f"widths must be <= max_width = {max_width}, got {widths}")
    _guard_dense((M,) * N, "ConvAC coefficient tensor")
    options = _convac_partitions(N)
    check_partition(partition, options, custom)
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
    most = max(ConvAC.random(N, M, (max_width,) * L, rng=0).n_params, M ** (N // 2) * (N * M + 1))
    ax_p.set_ylim(1, 10.0 ** _np.ceil(_np.log10(10 * most)))  # fixed: a limit that moves redraws everything

    typed = {"custom": custom}
    first = ConvAC.random(N, M, widths, rng=seed, p=PRIME)  # drawn once here; each update restyles it
    _diagrams.redraw_convac(ax_d, first, range(N // 2), first.min_cut(range(N // 2)))

    def update(panel):
        widths = tuple(panel.value(f"r{l}") for l in range(L))
        if panel.value("custom") != typed["custom"]:  # typing a partition selects "custom"
            typed["custom"] = panel.value("custom")
            if panel.value("partition") != "custom":
                panel._syncing = True
                panel.controls["partition"].value = "custom"
                panel._syncing = False
        name = panel.value("partition")
        rows = options[name]
        if rows is None:
            try:
                rows = _partitions.parse(panel.value("custom"), N)
            except (TypeError, ValueError) as exc:
                panel.data = {"error": f"custom {exc}", "widths": widths}
                panel.text.value = f"custom {exc}"
                return
        net = ConvAC.random(N, M, widths, rng=seed, p=PRIME)
        rank = rank_mod_p(net.to_dense(), rows)
        cut = net.min_cut(rows)
        n_P = len(set(rows))
        max_rank = min(M**n_P, M ** (N - n_P))
        n_deep, n_shallow = net.n_params, rank * (N * M + 1)
        panel.data = {"widths": widths, "rows": tuple(rows), "rank": rank, "bound": cut.rank_bound,
                      "max_rank": max_rank, "cut_edges": cut.edges, "n_params_deep": n_deep,
                      "n_params_shallow": n_shallow}
        _diagrams.redraw_convac(ax_d, net, rows, cut)  # restyles the drawing in place: no new artists
        for bar, h in zip(rank_bars, (_np.log2(rank) if rank else 0.0, cut.log_bound)):
            bar.set_height(h)
        max_line.set_ydata([_np.log2(max_rank)] * 2)
        set_limits(ax_r, ylim=(0, max(1.0, _np.log2(max_rank)) * 1.45))
        ax_r.title.set_text(f"Schmidt rank {rank}, min-cut bound {cut.rank_bound}")
        for bar, t, n in zip(param_bars, param_text, (n_deep, n_shallow)):
            bar.set_height(n)
            t.set_position((bar.get_x() + bar.get_width() / 2, n))
            t.set_text(f"{n:,}")
        ax_p.title.set_text(f"Parameters for rank {rank} on this partition")
        why = ("" if n_shallow > n_deep else
               f" The shallow one is cheaper here: it only has to reach rank {rank} on this one partition, "
               f"while the deep one's weights serve every partition at once. On the interleaved partitions the "
               f"rank grows exponentially with N, and the shallow network's weights with it.")
        panel.text.value = (f"P = {tuple(rows)}: exact rank <b>{rank}</b>, min cut <b>{cut.rank_bound}</b> "
                            f"(largest possible {max_rank}). The deep ConvAC has {n_deep:,} weights; a shallow "
                            f"one needs r = {rank} channels, {n_shallow:,} weights, for the same rank here.{why}")

    layout_rows = [widgets.HBox([controls[f"r{l}"] for l in range(L)]),
                   widgets.HBox([controls["partition"], controls["custom"]])]
    panel = _SyncPanel(controls, fig, update, layout_rows=layout_rows,
                      artists={"ax_diagram": ax_d, "ax_rank": ax_r, "ax_params": ax_p, "rank_bars": rank_bars,
                               "param_bars": param_bars, "max_line": max_line},
                      animated=[*_diagrams.convac_artists(ax_d), *rank_bars, max_line, ax_r.title, *param_bars,
                                *param_text, ax_p.title])
    fig.canvas.draw()  # constrained layout places the axes once; later redraws keep them (a third faster)
    fig.set_layout_engine("none")
    return panel
