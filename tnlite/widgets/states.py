"""Lesson 00's panel: a two-qubit state and its entanglement, from 0 to 1 bit.

`build_two_qubit` has one slider for the angle of cos(t)|00> + sin(t)|11> and shows
its Schmidt values beside its entanglement entropy.
"""
from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from ..diagrams import COLORS, new_axes
from ..tensors import entanglement_entropy, schmidt_values
from .panel import Panel


def build_two_qubit(theta=0.3):
    """Lesson 00: the state cos(t)|00> + sin(t)|11> and its entanglement, from 0 to 1 bit.

    Controls: ``theta`` (radians, 0 to pi/2). Data: ``schmidt`` (the two Schmidt
    values), ``entropy`` (bits).
    """
    if isinstance(theta, bool) or not isinstance(theta, (int, float, np.integer, np.floating)):
        raise TypeError(f"theta must be a number (radians), got {theta!r}")
    if not 0 <= theta <= np.pi / 2:
        raise ValueError(f"theta must be between 0 and pi/2 (radians), got {theta!r}")
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
        ax_e.title.set_text(f"Entanglement entropy: S = {S:.3f} bits")
        panel.text.value = (f"psi = {np.cos(t):.3f} |00> + {np.sin(t):.3f} |11> &nbsp; "
                            f"Schmidt values {s[0]:.3f}, {s[1]:.3f} &nbsp; S = <b>{S:.3f} bits</b>")

    return Panel({"theta": slider}, fig, update, artists={"bars": bars, "marker": marker, "ax": ax_e},
                 animated=[*bars, marker, ax_e.title])
