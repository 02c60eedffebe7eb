"""Checkers for the exercise notebooks: run the reader's function, say what is right or wrong.

Each ``check_<task>(fn)`` calls the reader's `fn` on a few cases, compares with an
answer computed here independently (numpy directly, or a tnlite function the task
does not ask the reader to write), prints one line, and returns True or False:

    Correct: matricize -- 6 cases agree, including rows given out of order.
    Not yet: matricize, case 2 of 6 (A.shape=(2, 3, 4), rows=(2, 0)): ...
      hint: ...

A wrong answer is diagnosed where a common mistake explains it (a transposed
matricization, natural logs where bits are asked, an off-by-one cut, a forgotten
normalisation, a wrong core leg order). A checker never raises, except to let a stub's
NotImplementedError through (after saying the task is not done yet), so a notebook
still runs top to bottom. Leg orders are the library's: MPS cores (left, phys, right),
tree leaves (phys, bond) and nodes (left, right, parent).
"""
# One module per exercise set, in lesson order; what they share is in `_common`.
from ._common import ATOL, RTOL
from .tensors import check_contract_chain, check_matricize, check_schmidt_rank
from .entanglement import (check_entanglement_entropy, check_entropy_bits, check_entropy_profile,
                           check_schmidt_probabilities)
from .mps import check_mps_to_dense, check_tt_svd, check_tt_svd_truncated
from .tree import HAND_PARTITIONS, HAND_TREE, check_hand_min_cuts, check_tree_min_cut, check_tree_to_dense
from .convac import HAND_CONVAC, check_convac_coefficient_tensor, check_convac_tree, check_hand_coefficient_tensor
from .rac import check_rac_mps_cores, check_rac_rank_bounds, check_rac_score
from .width_design import check_pool_backward, check_which_design_wins, check_width_allocations  # noqa: F401 (07)

__all__ = [
    # 01 tensors and diagrams
    "check_matricize", "check_contract_chain", "check_schmidt_rank",
    # 02 entanglement
    "check_schmidt_probabilities", "check_entropy_bits", "check_entanglement_entropy",
    "check_entropy_profile",
    # 03 matrix product states
    "check_mps_to_dense", "check_tt_svd", "check_tt_svd_truncated",
    # 04 tree tensor networks
    "check_hand_min_cuts", "check_tree_min_cut", "check_tree_to_dense",
    # 05 ConvAC is a tree
    "check_hand_coefficient_tensor", "check_convac_coefficient_tensor", "check_convac_tree",
    # 06 RAC is an MPS
    "check_rac_score", "check_rac_mps_cores", "check_rac_rank_bounds",
]
