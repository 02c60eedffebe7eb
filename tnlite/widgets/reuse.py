"""Lesson 08's panel: an overlapping ConvAC's exact rank, its min cut and the equal-parameter MPS bound.

`build_overlap_partition` has sliders for the kernel size K and the depth and a partition;
it computes the rank exactly mod p, the min cut of the duplicated-input network, and the
bound of the MPS with the largest bond dimension that the same number of weights buys,
and draws the network's light cone for the partition.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as _np

from .. import diagrams as _diagrams
from .. import partitions as _partitions
from .._validate import as_int as _as_int, as_rng as _as_rng, guard_dense as _guard_dense
from ..diagrams.reuse import light_cone_artists
from ..mincut import min_cut
from ..mps import MPS
from ..reuse import OverlappingConvAC
from ..tensors import PRIME, rank_mod_p
from .panel import Panel, check_partition, set_limits


def _partitions_of(N):
    """Named partitions of N inputs: halves, odd | even, pairs (when N allows), custom."""
    options = {"contiguous halves (left | right)": _partitions.halves(N)}
    if N % 2 == 0:
        options["odd | even"] = _partitions.interleaved(N, 0)
    if N % 4 == 0:
        options["interleaved pairs"] = _partitions.interleaved(N, 1)
    options["custom"] = None
    return options


def build_overlap_partition(N=12, M=2, r=2, K=2, depth=1, partition="contiguous halves (left | right)",
                            custom="0, 1, 2, 6", K_max=4, rng=0):
    """Lesson 08: kernel size K, depth and a partition: exact rank, min cut, equal-parameter MPS bound.

    Each update draws an overlapping ConvAC with integer weights
    (:meth:`tnlite.OverlappingConvAC.random` with ``p=tnlite.PRIME``), computes its Schmidt
    rank exactly (:func:`tnlite.rank_mod_p`) and the min cut of its duplicated-input network
    (:meth:`~tnlite.OverlappingConvAC.min_cut`), finds the MPS with the largest bond
    dimension chi that has no more weights, and takes that MPS's min cut on the same
    partition. The light cone of the partition is drawn on the network.

    Parameters
    ----------
    N : int
        Inputs, 4 to 14 (the tensor has M^N entries).
    M, r : int
        Representation channels and channels of every layer.
    K, depth : int
        Initial kernel size (1..K_max) and depth (N - depth*(K-1) >= 1).
    partition : str
        "contiguous halves (left | right)", "odd | even", "interleaved pairs" (N a
        multiple of 4) or "custom".
    custom : str
        The custom side P, e.g. "0, 1, 2, 6".
    K_max : int
        Largest kernel size on the slider.
    rng : int seed

    Returns
    -------
    Panel
        Controls ``"K"``, ``"depth"`` (IntSliders), ``"partition"`` (Dropdown), ``"custom"``
        (Text). ``panel.data``: ``K``, ``depth``, ``rows``, ``rank`` (exact), ``bound`` (min
        cut), ``max_rank``, ``n_params``, ``chi`` and ``mps_bound`` (the MPS with at most
        ``n_params`` weights), ``cone`` (the light cone, per layer); or ``error``.
    """
    N = _as_int(N, "N", minimum=4)
    if N > 14:
        raise ValueError(f"N must be at most 14 for a live exact rank (the tensor has M^N entries), got {N}")
    M, r = _as_int(M, "M", minimum=2), _as_int(r, "r", minimum=1)
    _guard_dense((M,) * N, "overlapping ConvAC coefficient tensor")
    K_max = _as_int(K_max, "K_max", minimum=1)
    K = _as_int(K, "K", minimum=1)
    if K > K_max:
        raise ValueError(f"K must be <= K_max = {K_max}, got {K}")
    depth_max = lambda K: (N - 1) // (K - 1) if K > 1 else 4  # noqa: E731
    depth = _as_int(depth, "depth", minimum=0)
    if depth > depth_max(K):
        raise ValueError(f"depth must be <= {depth_max(K)} for N={N} and K={K} (N - depth*(K-1) >= 1), got {depth}")
    options = _partitions_of(N)
    check_partition(partition, options, custom)
    seed = int(_as_rng(rng).integers(2**31))

    controls = {
        "K": widgets.IntSlider(value=K, min=1, max=K_max, description="kernel K", continuous_update=False),
        "depth": widgets.IntSlider(value=depth, min=0, max=depth_max(K), description="depth", continuous_update=False),
        "partition": widgets.Dropdown(options=list(options), value=partition, description="partition",
                                      layout=widgets.Layout(width="340px")),
        "custom": widgets.Text(value=custom, description="custom P", layout=widgets.Layout(width="230px")),
    }
    with plt.ioff():
        fig = plt.figure(figsize=(11.5, 4.2), layout="constrained")
        grid = fig.add_gridspec(1, 2, width_ratios=[1.8, 1])
        ax_d, ax_r = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
    C = _diagrams.COLORS
    _diagrams.new_axes(None, None, "log2 rank (bits)", ax=ax_r)
    bars = ax_r.bar([0, 1, 2], [1, 1, 1], color=[C["measured"], C["bound"], "#888888"], width=0.6)
    ax_r.set_xticks([0, 1, 2], ["rank\n(exact)", "min cut\n(duplicated)", "MPS, same\nparameters"])
    (max_line,) = ax_r.plot([-0.5, 2.5], [1, 1], "k--", lw=1, label="log2 min(M^|P|, M^|Q|)")
    ax_r.legend(loc="upper left", fontsize=8)
    ax_r.set_title("", fontsize=10)  # its text changes on every update (animated)
    nets = {}

    def network(K, depth):
        """The network, its tensor, its graph, chi and the MPS's graph, built once per setting."""
        if (K, depth) not in nets:
            net = OverlappingConvAC.random(N, M, r, K, depth, rng=seed, p=PRIME)
            chi = MPS.chi_for_params(N, M, net.n_params)
            nets[K, depth] = (net, net.to_dense(), net.graph(), chi, MPS.random(N, M, chi, rng=seed).graph())
        return nets[K, depth]

    _diagrams.draw_light_cone(network(K, depth)[0], range(N // 2), ax=ax_d)  # each update restyles it in place

    def update(panel):
        K = panel.value("K")
        if panel.controls["depth"].max != depth_max(K):
            panel.controls["depth"].max = depth_max(K)  # clamps depth (and re-runs this update once)
        depth = panel.value("depth")
        rows = options[panel.value("partition")]
        if rows is None:
            try:
                rows = _partitions.parse(panel.value("custom"), N)
            except (TypeError, ValueError) as exc:
                panel.data = {"error": str(exc), "K": K, "depth": depth}
                panel.text.value = f"<span style='color:{C['bound']}'>{exc}</span>"
                return
        net, A, g, chi, g_mps = network(K, depth)
        rank = rank_mod_p(A, rows)
        cut, mps_cut = min_cut(g.edges, g.legs, rows, g.deltas), min_cut(g_mps.edges, g_mps.legs, rows)
        n_P = len(rows)
        max_rank = min(M**n_P, M ** (N - n_P))
        cone = net.light_cone(rows)
        panel.data = {"K": K, "depth": depth, "rows": tuple(rows), "rank": rank, "bound": cut.rank_bound,
                      "max_rank": max_rank, "n_params": net.n_params, "chi": chi, "mps_bound": mps_cut.rank_bound,
                      "cone": cone}
        _diagrams.draw_light_cone(net, rows, ax=ax_d)  # in place; new limits (a new depth) draw in full
        for bar, value in zip(bars, (rank, cut.rank_bound, mps_cut.rank_bound)):
            bar.set_height(_np.log2(value))
        max_line.set_ydata([_np.log2(max_rank)] * 2)
        set_limits(ax_r, ylim=(0, max(1.0, _np.log2(max_rank)) * 1.3))  # a new limit (a new |P|) draws in full
        ax_r.title.set_text(f"rank {rank}, min cut {cut.rank_bound}; MPS (chi={chi}) {mps_cut.rank_bound}")
        panel.text.value = (f"P = {tuple(rows)}, K = {K}, depth {depth}: exact rank <b>{rank}</b>, min cut of the "
                            f"duplicated-input network <b>{cut.rank_bound}</b> (largest possible {max_rank}). "
                            f"Its {net.n_params:,} weights buy an MPS of bond dimension chi = {chi}, whose bound "
                            f"on this partition is <b>{mps_cut.rank_bound}</b>.")

    layout_rows = [widgets.HBox([controls["K"], controls["depth"]]),
                   widgets.HBox([controls["partition"], controls["custom"]])]
    panel = Panel(controls, fig, update, layout_rows=layout_rows,
                  artists={"ax_diagram": ax_d, "ax_rank": ax_r, "bars": bars, "max_line": max_line},
                  animated=[*light_cone_artists(ax_d), *bars, max_line, ax_r.title,
                            ax_r.spines["bottom"]])  # the axis line over the bars' feet, as in a full draw
    fig.canvas.draw()  # constrained layout places the axes once; later redraws keep them
    fig.set_layout_engine("none")
    return panel
