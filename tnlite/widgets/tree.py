"""Lesson 04's panel: a partition of a tree's leaves, its min cut and the measured rank.

`build_tree_partition` draws a random tree tensor network with bond dimensions on
sliders, lights up the min cut of the chosen partition (a preset of `tree_partitions`
or custom toggles) and sets the min-cut bound beside the measured Schmidt rank.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from .._validate import as_int, as_ints, as_power_of_two, as_rng
from ..diagrams import COLORS, draw_tree, new_axes, redraw_tree, tree_artists
from ..partitions import halves, interleaved
from ..tensors import schmidt_rank
from ..tree import TreeTN
from .panel import _SyncPanel, check_partition, set_limits


def tree_partitions(N):
    """Preset partitions of N = 2**L leaves (N >= 4): name -> side P (None for "custom")."""
    N, _ = as_power_of_two(N, "N")
    if N < 4:
        raise ValueError(f"N must be at least 4 for these partitions, got {N}")
    return {
        "left | right halves": halves(N),
        "interleaved (even | odd)": interleaved(N, 0),
        "blocks of 2 (alternating)": interleaved(N, 1),
        "custom": None,
    }


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
    N, L = as_power_of_two(N, "N")
    if N > 16:
        raise ValueError(f"N must be at most 16 for a live dense rank, got {N}")
    d = as_int(d, "d", minimum=1)
    max_bond = as_int(max_bond, "max_bond", minimum=1)
    chi = as_ints(chi, "chi", L, f"N={N} needs one per level 0..L-1, L={L}")
    if max(chi) > max_bond:
        raise ValueError(f"chi must be <= max_bond = {max_bond}, got {chi}")
    options = tree_partitions(N)
    check_partition(partition, options)
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
    draw_tree(TreeTN.random(N, d, chi, rng=seed), rows=start, show_cut=True, ax=ax_t)  # restyled by each update

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
        redraw_tree(ax_t, tree, rows, cut)  # restyles the drawing in place: no new artists
        heights = (np.log2(rank), cut.log_bound)
        for bar, h in zip(bars, heights):
            bar.set_height(h)
        set_limits(ax_b, ylim=(0, 1.25 * 4 * max(1, int(np.ceil(max(heights) / 4)))))  # in steps of 4 bits
        ax_b.title.set_text(f"rank {rank} <= bound {cut.rank_bound}")
        verdict = "equal: the bound is reached" if rank == cut.rank_bound else "the bound is not reached"
        panel.text.value = (f"P = {rows}: the min cut crosses {len(cut.edges)} bond(s), "
                            f"{' x '.join(str(e[2]) for e in cut.edges) or 'none'} = <b>{cut.rank_bound}</b>; "
                            f"measured Schmidt rank <b>{rank}</b> ({verdict}).")

    layout_rows = [widgets.HBox([controls["partition"]] + [controls[f"chi{l}"] for l in range(L)]),
                   widgets.HBox([widgets.Label("side P:")] + [controls[f"site{j}"] for j in range(N)])]
    return _SyncPanel(controls, fig, update, layout_rows=layout_rows,
                      artists={"ax_tree": ax_t, "ax_bars": ax_b, "bars": bars},
                      animated=[*tree_artists(ax_t), *bars, ax_b.title])
