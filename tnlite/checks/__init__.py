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
NotImplementedError through: it prints nothing then, and the error shows as raised in the
reader's cell, the checker's own frames cut off (its one remaining frame is marked
``__tracebackhide__``, which IPython and pytest honour). Leg orders are the library's: MPS cores (left, phys, right),
tree leaves (phys, bond) and nodes (left, right, parent).
"""
# One module per exercise set, in lesson order; what they share is in `_common`.
from ._common import ATOL, RTOL
from .tensors import (CHAIN_PARTITIONS, HAND_CHAIN, check_chain_rank_predictions, check_contract_chain, check_matricize,
                      check_schmidt_rank)
from .entanglement import (PREDICT_ENTROPIES, check_entanglement_entropy, check_entropy_bits, check_entropy_predictions,
                           check_entropy_profile, check_schmidt_probabilities)
from .mps import PREDICT_BONDS, check_bond_dimension_predictions, check_mps_to_dense, check_tt_svd, check_tt_svd_truncated
from .tree import (ALLOCATION, HAND_PARTITIONS, HAND_TREE, check_hand_min_cuts, check_tree_min_cut, check_tree_to_dense,
                   check_width_allocation)
from .convac import (HAND_CONVAC, HAND_CONVAC_CUT, check_convac_coefficient_tensor, check_convac_min_cut_predictions,
                     check_convac_tree, check_hand_coefficient_tensor)
from .rac import HAND_RAC_CUT, check_rac_min_cut_predictions, check_rac_mps_cores, check_rac_rank_bounds, check_rac_score
from .reuse import check_duplicated_operands, check_light_cone_rank, check_partition_without_gain
from .scaling import check_choose, check_deep_rac_bound, check_hand_bounds, check_rbm_params, check_rbm_rank_bound
from .width_design import check_layer_allocations, check_pool_backward, check_which_design_wins
from .capstone import SCENARIOS, check_choose_architecture, check_energy_gradient, check_fidelity_bound

__all__ = [
    # 01 tensors and diagrams
    "check_matricize", "check_contract_chain", "check_schmidt_rank", "check_chain_rank_predictions",
    # 02 entanglement
    "check_schmidt_probabilities", "check_entropy_bits", "check_entanglement_entropy",
    "check_entropy_profile", "check_entropy_predictions",
    # 03 matrix product states
    "check_mps_to_dense", "check_tt_svd", "check_tt_svd_truncated", "check_bond_dimension_predictions",
    # 04 tree tensor networks
    "check_hand_min_cuts", "check_tree_min_cut", "check_tree_to_dense", "check_width_allocation",
    # 05 ConvAC is a tree
    "check_hand_coefficient_tensor", "check_convac_coefficient_tensor", "check_convac_tree",
    "check_convac_min_cut_predictions",
    # 06 RAC is an MPS
    "check_rac_score", "check_rac_mps_cores", "check_rac_rank_bounds", "check_rac_min_cut_predictions",
    # 07 designing widths
    "check_layer_allocations", "check_which_design_wins", "check_pool_backward",
    # 08 information re-use
    "check_light_cone_rank", "check_duplicated_operands", "check_partition_without_gain",
    # 09 entanglement scaling
    "check_hand_bounds", "check_rbm_rank_bound", "check_rbm_params", "check_deep_rac_bound", "check_choose",
    # 10 capstone
    "check_fidelity_bound", "check_energy_gradient", "check_choose_architecture",
]
