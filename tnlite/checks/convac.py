"""Checkers for exercises 05, ConvAC is a tree: coefficient tensors by hand and in code, the tree, min cuts.

Conv matrices are (out channel c, in feature d); tree leaves (phys, bond), nodes (left, right, parent).
"""
from __future__ import annotations

import numpy as np

from ..convac import ConvAC
from ..tensors import PRIME
from ..tree import TreeTN
from ._common import _Cases, _Wrong, _array, _call, _checker, _compare, _tree_dense
from ._predict import _judge_cut_predictions, _predictions


#: The tiny ConvAC of the by-hand task: N = 2, M = 2, r_0 = 2; layers[0][j] is (out c, in d).
#: Its A is not symmetric, so a transposed answer (or swapped positions) is told apart.
HAND_CONVAC = {
    "layers": [np.array([[[1, 2], [0, 1]], [[1, 0], [3, 1]]])],  # (position j, channel c, feature d)
    "w_out": np.array([2, -1]),
}


def _convac_dense(layers, w_out, pair=lambda n: (slice(0, n, 2), slice(1, n, 2))):
    """A deep ConvAC's coefficient tensor by pooling blocks (position, D, channel) pairwise."""
    T = np.asarray(layers[0]).transpose(0, 2, 1)  # (n, d, c)
    for W in list(layers[1:]) + [None]:
        n = T.shape[0]
        ia, ib = pair(n)
        a, b = T[ia], T[ib]  # (n/2, D, c) each
        T = (a[:, :, None, :] * b[:, None, :, :]).reshape(a.shape[0], -1, a.shape[2])  # (n/2, D*D, c)
        if W is not None:
            T = T @ np.asarray(W).transpose(0, 2, 1)  # (n/2, D*D, c_out)
    N = len(layers[0])
    M = np.shape(layers[0])[2]
    return (T[0] @ w_out).reshape((M,) * N)


def _convac_expected(layers, w_out):
    """The coefficient tensor as tnlite.ConvAC's scores on every one-hot input (another route)."""
    net = ConvAC([np.asarray(W) for W in layers], np.asarray(w_out))
    N, M = net.N, net.M
    configs = np.indices((M,) * N).reshape(N, -1).T  # (M^N, N), C order
    return net.amplitudes(configs).reshape((M,) * N)


@_checker("hand_coefficient_tensor")
def check_hand_coefficient_tensor(fn):
    """Check `hand_coefficient_tensor()` -> the 2 x 2 coefficient tensor of HAND_CONVAC."""
    case = "the tiny ConvAC (N=2, M=2, r_0=2)"
    got = _call(fn, case)
    layers, w_out = HAND_CONVAC["layers"], HAND_CONVAC["w_out"]
    expected = _convac_expected(layers, w_out)
    W0, W1 = layers[0]
    A = lambda w, Wa, Wb: np.einsum("c,cd,ce->de", w, Wa, Wb)  # noqa: E731  A[d_0, d_1]
    _compare(got, expected, case, mistakes=[
        (expected.T, "you have A transposed (A[d_1, d_0]): either rows and columns are swapped, or you "
                     "swapped the two positions, W^(0,1) acting on d_0 and W^(0,0) on d_1 (for N = 2 both give "
                     "this matrix)",
         "rows are d_0, the feature at position 0, which W^(0,0) reads: A[d_0, d_1] = sum_c w_out[c] "
         "W^(0,0)[c, d_0] W^(0,1)[c, d_1]"),
        (A(w_out, W0.T, W1.T), "you read the conv matrices as (input, output)",
         "W^(0,j)[c, d]: the first index is the output channel c, the second the input feature d"),
        (A(w_out, W0.T, W1.T).T, "you read the conv matrices as (input, output), and your A is transposed",
         "W^(0,j)[c, d]: the first index is the output channel c; rows of A are d_0"),
        (A(np.ones_like(w_out), W0, W1), "you left out the output weights w_out",
         "the score is w_out . (v_0 * v_1): each channel c is weighted by w_out[c]"),
        (A(w_out, W0, W0), "you used W^(0,0) at both positions", "each position has its own conv matrix: W^(0,1) acts on d_1"),
        (A(w_out, W1, W1), "you used W^(0,1) at both positions", "each position has its own conv matrix: W^(0,0) acts on d_0"),
    ], what="2 x 2 tensor")
    return "that is A, computed by hand: entry [d_0, d_1] is the score of the one-hot input (e_d0, e_d1)."


def _convac_cases(seed):
    rng = np.random.default_rng(seed)
    nets = [ConvAC.random(4, 2, (3, 2), rng), ConvAC.random(8, 2, (2, 3, 2), rng),
            ConvAC.random(2, 3, (2,), rng), ConvAC.random(4, 3, (2, 4), rng)]
    return [([np.asarray(W) for W in net.layers], np.asarray(net.w_out)) for net in nets]


@_checker("convac_coefficient_tensor")
def check_convac_coefficient_tensor(fn):
    """Check `convac_coefficient_tensor(layers, w_out)` -> shape (M,)*N, against the ConvAC's scores."""
    cases = _convac_cases(14)
    judged = _Cases(what="coefficient tensor", rtol=1e-7, atol=1e-10)
    for n, (layers, w_out) in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (N={len(layers[0])}, layer shapes {[W.shape for W in layers]})"
        got = _call(fn, case, layers, w_out)
        expected = _convac_expected(layers, w_out)
        halves = lambda m: (slice(0, m // 2), slice(m // 2, m))  # noqa: E731
        judged.add(got, expected, case, mistakes=[
            (_convac_dense(layers, w_out, halves), "you pooled position j with j + n/2 instead of 2i with 2i+1",
             "pooling windows are neighbours: (0, 1), (2, 3), ... at every level"),
            (expected.transpose(range(expected.ndim)[::-1]), "your tensor's axes come out in reverse order",
             "axis j is the feature index d_j of position j"),
        ])
    judged.settle()
    return f"{len(cases)} ConvACs agree with their scores on every one-hot input."


@_checker("convac_tree")
def check_convac_tree(fn):
    """Check `convac_tree(layers, w_out)` -> (leaves, levels) of a tnlite.tree.TreeTN equal to the ConvAC."""
    cases = _convac_cases(15)
    for n, (layers, w_out) in enumerate(cases, 1):
        N, M = len(layers[0]), layers[0].shape[2]
        widths = [W.shape[1] for W in layers]
        case = f"case {n} of {len(cases)} (N={N}, M={M}, widths={tuple(widths)})"
        out = _call(fn, case, layers, w_out)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise _Wrong(f"{case}: expected a pair (leaves, levels), got {type(out).__name__}")
        leaves, levels = out
        if not isinstance(leaves, (list, tuple)) or len(leaves) != N:
            raise _Wrong(f"{case}: expected {N} leaves, got {type(leaves).__name__}"
                         f"{' of length ' + str(len(leaves)) if hasattr(leaves, '__len__') else ''}")
        leaf0 = _array(leaves[0], case, "leaves[0]")
        if leaf0.shape == (widths[0], M) and M != widths[0]:
            raise _Wrong(f"{case}: leaves[0] has shape {leaf0.shape}, legs (channel, feature)",
                         "a leaf's legs are (phys, bond): use W^(0,j).T, shape (M, r_0)")
        try:
            tree = TreeTN(list(leaves), [list(row) for row in levels])
        except (TypeError, ValueError) as exc:
            hint = ("a level-l node has legs (left, right, parent) = (r_{l-1}, r_{l-1}, r_l); the root's parent "
                    "leg has dimension 1")
            raise _Wrong(f"{case}: TreeTN refuses your parts: {exc}", hint) from None
        got = tree.to_dense()
        expected = _convac_expected(layers, w_out)
        r = [W.shape[1] for W in layers]
        no_delta = [[np.broadcast_to(W.T[:, None, :], (r[l - 1], r[l - 1], r[l])) for W in layers[l]]
                    for l in range(1, len(layers))]
        no_delta.append([np.broadcast_to(w_out[:, None, None], (r[-1], r[-1], 1))])
        _compare(got, expected, case, mistakes=[
            (_tree_dense([W.T for W in layers[0]], no_delta),
             "your nodes do not copy (delta): each left-child channel meets every right-child channel",
             "product pooling multiplies channel a of the left child by channel a of the right child only: "
             "node[a, b, c] = delta(a, b) W[c, a]"),
        ], what="tree's tensor", rtol=1e-7, atol=1e-10)
    return (f"{len(cases)} ConvACs map onto trees that contract to their coefficient tensors (judged by the "
            "contracted tensor, which no gauge changes: rescaling a node and its neighbour, or any invertible "
            "matrix on a bond and its inverse across it, gives the same tensor).")


#: The ConvAC of the by-hand min-cut task (widths r_0, r_1, r_2) and its partitions: name -> P.
HAND_CONVAC_CUT = {"N": 8, "M": 2, "widths": (2, 3, 5),
                   "partitions": {"left_half": (0, 1, 2, 3), "first_two": (0, 1), "odd_even": (0, 2, 4, 6),
                                  "middle_four": (2, 3, 4, 5)}}


def _convac_cut_candidates(name, M, r):
    """Plausible wrong answers for HAND_CONVAC_CUT's partitions, each with the reasoning that gives it."""
    P = HAND_CONVAC_CUT["partitions"][name]
    legs = [(M ** len(P), f"that is the cut through the {len(P)} open legs of P (M^{len(P)}), not the cheapest")]
    conv = lambda l, i: f"W^({l},{i})"  # noqa: E731
    return legs + {
        "left_half": [(r[2], f"that is the output bond of the conv {conv(2, 0)} above the left half (r_2 = {r[2]}); "
                             f"but that conv node also has an input leg, from the pooling below it, of dimension "
                             f"r_1 = {r[1]}: cutting there is cheaper"),
                      (r[1] ** 2, f"that is the two output bonds of {conv(1, 0)} and {conv(1, 1)} (r_1^2), not the "
                                  "cheapest")],
        "first_two": [(r[1], f"that is the output bond of {conv(1, 0)} (r_1 = {r[1]}); its input leg, "
                             f"r_0 = {r[0]}, is cheaper")],
        "odd_even": [(r[0], "one bond cannot separate interleaved sites: every pair (2i, 2i+1) must be split below "
                            "its pooling")],
        "middle_four": [(r[1] ** 2, f"that is the output bonds of {conv(1, 1)} and {conv(1, 2)} (r_1^2 = {r[1] ** 2}); "
                                    f"each of those convs also has an input leg of r_0 = {r[0]}: cutting both costs "
                                    f"{r[0] ** 2}"),
                        (r[1], "a single bond cannot separate a middle block: it hangs from two subtrees")],
    }[name]


@_checker("convac_min_cut_predictions")
def check_convac_min_cut_predictions(fn):
    """Check `convac_min_cut_predictions()` -> {partition: min cut} of HAND_CONVAC_CUT, found by hand.

    Judged against the exact rank of a random integer ConvAC (mod p), which reaches the min cut here.
    """
    spec = HAND_CONVAC_CUT
    got = _predictions(_call(fn, "your function"), spec["partitions"])
    M, r = spec["M"], spec["widths"]
    net = ConvAC.random(spec["N"], M, r, np.random.default_rng(18), p=PRIME)  # integer weights: exact ranks
    _judge_cut_predictions(got, spec["partitions"], net.to_dense(), net.min_cut, "a ConvAC with random weights",
                           lambda name, rows: _convac_cut_candidates(name, M, r))
    return ("all four ranks found by hand: each is the min cut, where a conv node can be cut on its input leg "
            "(r_{l-1}) or its output leg (r_l).")
