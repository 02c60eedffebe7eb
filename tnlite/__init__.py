"""tnlite: a small numpy tensor-network library for the course.

Conventions, stated once: a tensor's axis j is particle j; `rows` is the set of
particles on side P of a partition; MPS cores are (left, phys, right); a batch of
network inputs is features of shape (B, N, M); entropies are in bits unless
`base=` says otherwise; every random thing takes `rng` (a Generator or an int seed).

Every network (MPS, TreeTN, ConvAC, ConvAC2D, ShallowConvAC, CP, RAC) follows one
interface, written down in :mod:`tnlite.network`.

`tnlite.diagrams`, `tnlite.widgets` and `tnlite.checks` import matplotlib and
ipywidgets, so they load on first use (`tl.widgets.build_...`).
"""
import importlib as _importlib

from ._validate import MAX_DENSE_ENTRIES
from .tensors import (
    entanglement_entropy,
    entropy_profile,
    entropy_from_schmidt,
    ghz_state,
    guard_dense,
    matricize,
    PRIME,
    page_entropy,
    product_state,
    random_state,
    rank_mod_p,
    schmidt_rank,
    schmidt_values,
    w_state,
)
from . import tensors
# --- modules added as they land (one line each, keep alphabetical) ---
from . import budget
from .convac import ConvAC, interleaved_rank
from .convac2d import ConvAC2D
from .cp import CP, ShallowConvAC
from . import data
from .features import gaussian_features, one_hot
from .mincut import MinCut, min_cut
from .mps import MPS
from .network import Graph, Network
from . import partitions
from .rac import RAC
from .rbm import RBM
from .reuse import OverlappingConvAC
from . import scaling
from . import spins
from . import train
from .tree import TreeTN, mera_graph
from . import vmc
# --- end of modules ---

_LAZY = {"diagrams", "widgets", "checks"}


def __getattr__(name):
    if name in _LAZY:
        return _importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'tnlite' has no attribute {name!r}")


__version__ = "0.1.0"
