"""Matplotlib drawings of tensor networks, and the course's plot conventions.

A drawing function takes an `ax` (or makes one), draws, and returns the `ax`; it keeps
to a handful of keyword arguments. Colours are shared across the whole course: one
for a *bound*, one for a *measured* value, one for each side of a partition.

Modules: `style` (COLORS, new_axes, plain_log_axis and the shared drawing helpers),
`basic` (a tensor, a contraction, a matricization), `chain` (an MPS), `tree` (a tree
TN, a MERA), `convac` and `rac`.
"""
from .._optional import require as _require

_require("tnlite.diagrams", "matplotlib")

from .basic import draw_contraction, draw_matricization, draw_tensor
from .chain import draw_chain
from .convac import convac_artists, draw_convac, redraw_convac
from .rac import draw_rac
from .reuse import draw_duplicated, draw_light_cone
from .style import COLORS, new_axes, plain_log_axis
from .tree import draw_mera, draw_tree, redraw_tree, tree_artists

