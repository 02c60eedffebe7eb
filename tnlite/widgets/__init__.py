"""Interactive panels of the lessons, one builder per panel.

Each ``build_<name>(...)`` returns a :class:`Panel`: an ipywidgets VBox that keeps
handles to its controls (``panel.controls``), its figure and artists
(``panel.fig``, ``panel.artists``) and the numbers it last showed (``panel.data``).
Setting ``panel.controls["N"].value = 8`` runs the update synchronously, so tests
drive a panel without a browser and assert on ``panel.data`` and the artists.
A notebook cell builds and shows a panel in one line.

Modules: `panel` (FigurePane, Panel), then one per lesson topic: `states` (00),
`matricization` (01), `entanglement` (02-03), `tree` (04), `convac` (05), `rac` (06),
`width_design` (07).
"""
from .._optional import require as _require

_require("tnlite.widgets", "matplotlib", "ipywidgets")

from .capstone import build_fidelity_ceiling
from .convac import build_convac_partition
from .entanglement import build_entanglement_profile, build_mps_truncation
from .matricization import build_matricization
from .panel import FigurePane, Panel
from .rac import build_rac_entropy
from .reuse import build_overlap_partition
from .scaling import build_entanglement_scaling
from .states import build_two_qubit
from .tree import build_tree_partition, tree_partitions
from .width_design import build_width_design

