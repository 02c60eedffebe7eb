"""Matplotlib drawings of tensor networks, and the course's plot conventions.

A drawing function takes an `ax` (or makes one), draws, and returns the `ax`; it keeps
to a handful of keyword arguments. Colours are shared across the whole course: one
for a *bound*, one for a *measured* value, one for each side of a partition.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

#: The course's colours: the same meaning in every lesson.
COLORS = {
    "bound": "#d62728",      # red: an upper bound (min cut, log chi, Page value)
    "measured": "#1f77b4",   # blue: a value computed from the tensor
    "side_P": "#ff7f0e",     # orange: particles in `rows`
    "side_Q": "#2ca02c",     # green: the rest
    "node": "#dddddd",
    "delta": "#444444",      # copy (delta) tensors drawn as small black dots
    "cut": "#d62728",
}


def new_axes(title=None, xlabel=None, ylabel=None, figsize=(5.5, 3.2), ax=None):
    """An axes with title and labels set; makes a figure if `ax` is None."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    if title:
        ax.set_title(title)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    return ax


def _blank(ax, figsize):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


# --- tensors, contractions, chains and MPS (lessons 01-03) ---
# --- end of tensors, contractions, chains and MPS ---

# --- trees and MERA (lesson 04) ---
# --- end of trees and MERA ---

# --- ConvAC (lesson 05) ---
# --- end of ConvAC ---

# --- RAC (lesson 06) ---
# --- end of RAC ---
