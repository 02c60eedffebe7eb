"""Checkers for exercises 08, information re-use: light_cone_rank, duplicated_operands, partition_without_gain.

They judge invariants only: exact ranks mod p of random networks, the tensor a network of
operands contracts to, the score it gives on real features with one feature vector per copy,
and min-cut bounds. Layers are (position, offset k, out, in), as in tnlite.OverlappingConvAC.
"""
from __future__ import annotations

import numpy as np

from .._copynet import CopyNetwork
from ..mps import MPS
from ..reuse import OverlappingConvAC
from ..tensors import PRIME, rank_mod_p
from ._common import _Cases, _Wrong, _call, _checker, _scalar


def _halves_rank(N, M, r, K, depth, seed):
    """The exact rank of a random overlapping ConvAC across its two halves (mod p)."""
    net = OverlappingConvAC.random(N, M, r, K, depth, rng=seed, p=PRIME)
    return rank_mod_p(net.to_dense(), range(N // 2))


# (N, M, r, K, depth), each with r >= M and a light cone inside each half. Chosen so that every
# mistake below differs from the others on the cases where it is wrong (r = M = K = 2 alone
# cannot tell "no r" from "one layer too few", nor "L*K wide" from "both sides").
LIGHT_CONE_CASES = [(12, 2, 2, 2, 3), (12, 2, 2, 3, 2), (10, 2, 3, 2, 2), (8, 3, 3, 2, 1), (12, 2, 2, 2, 6),
                    (8, 2, 4, 1, 3), (6, 3, 3, 2, 0), (10, 2, 2, 3, 1)]


def _light_cone_mistakes(N, M, r, K, L, got, expected):
    """(candidate, message, hint) for each common wrong prediction, in a fixed order."""
    cap, c = M ** (N // 2), L * (K - 1)
    said = f"you predicted {got}, the exact rank is {expected}: "
    return [
        (r * M**c, said + "you did not cap the rank by M^(N/2)",
         "a matrix with M^(N/2) rows has rank at most M^(N/2): take the min"),
        (min(M**c, cap), said + "you left out the r channels",
         "the pooling delta joins r channels: splitting it costs r, so the light cone bound is r M^(L(K-1))"),
        (min(r * M ** (L * K), cap), said + "your light cone is L*K inputs wide, not L*(K-1)",
         "a window of K covers K-1 new inputs past its first: L layers widen the cone by L(K-1)"),
        (min(r * K**L, cap), said + "you counted K^L paths, not inputs",
         "the rank counts configurations of the inputs inside the light cone: M per input"),
        (min(r * M ** (c + 1), cap), said + "your light cone is one input too wide",
         "the last-layer outputs that straddle the cut read L(K-1) inputs on each side"),
        (min(r * M ** ((L - 1) * (K - 1)), cap), said + "your light cone is one layer too narrow: (L-1)(K-1) inputs",
         "each of the L layers widens the cone by K-1 inputs, the first one included"),
        (min(r * M ** (2 * c), cap), said + "you counted the light cone's inputs on both sides of the cut",
         "a cut needs to separate only one side's inputs: L(K-1) of them, M states each"),
        (np.log2(expected), said + "this is the rank in bits (log2 of the rank)", "return the rank itself"),
    ]


@_checker("light_cone_rank")
def check_light_cone_rank(fn):
    """Check `light_cone_rank(N, M, r, K, depth)` -> the left | right rank against exact ranks
    (N even, r >= M, depth (K-1) <= N/2: the cases where the light cone gives the rank).

    A mistake is named only if it explains the answer in every case where the answer is wrong."""
    judged = _Cases(what="predicted rank", strict=True)
    for n, (N, M, r, K, L) in enumerate(LIGHT_CONE_CASES, 1):
        case = f"case {n} of {len(LIGHT_CONE_CASES)} (N={N}, M={M}, r={r}, K={K}, depth={L})"
        got = _scalar(_call(fn, case, N, M, r, K, L), case)
        expected = _halves_rank(N, M, r, K, L, seed=n)
        judged.add(got, expected, case, mistakes=_light_cone_mistakes(N, M, r, K, L, got, expected))
    try:
        judged.settle()
    except _Wrong as wrong:  # no common mistake explains every wrong case: say what to count
        raise _Wrong(wrong.message, wrong.hint or "count the inputs on one side inside the light cone, M states "
                     "each, and the r channels") from None
    return f"{len(LIGHT_CONE_CASES)} predictions agree with exact ranks of random networks."


def _parse_operands(ops, case, N):
    """The reader's einsum operands as a CopyNetwork: (tensor, labels) pairs, then the output labels."""
    if isinstance(ops, np.ndarray) or not isinstance(ops, (list, tuple)) or len(ops) < 3 or len(ops) % 2 == 0:
        got = type(ops).__name__ + (f" of length {len(ops)}" if hasattr(ops, "__len__") else "")
        raise _Wrong(f"{case}: expected a list [T_0, labels_0, T_1, labels_1, ..., output_labels], got {got}",
                     "np.einsum's interleaved form: each tensor followed by a list of one int label per axis, "
                     "and last the list of the N output labels")
    tensors = [np.asarray(T) for T in ops[:-1:2]]
    axes = [tuple(labels) for labels in ops[1:-1:2]]
    inputs = list(ops[-1])
    if len(inputs) != N:
        raise _Wrong(f"{case}: your output has {len(inputs)} labels; the network has N={N} inputs",
                     "the output labels are the inputs' copy deltas: one label per input, in order")
    dims = {}
    for T, labels in zip(tensors, axes):
        if T.ndim != len(labels):
            raise _Wrong(f"{case}: a tensor of shape {T.shape} comes with {len(labels)} labels {labels}",
                         "give one label per axis")
        for label, d in zip(labels, T.shape):
            if dims.setdefault(label, d) != d:
                raise _Wrong(f"{case}: label {label!r} is used for axes of dimensions {dims[label]} and {d}",
                             "a label shared by several axes is a bond or a delta: its axes must match. Mind the "
                             "leg order: W^(1,j,k) = net.layers[0][j, k] and C_j = net.conv[j] are (out, in)")
    missing = [j for j, label in enumerate(inputs) if label not in dims]
    if missing:
        raise _Wrong(f"{case}: output label {inputs[missing[0]]!r} (input {missing[0]}) is on no tensor",
                     "every input's label must be carried by the weights that read it")
    return _fold_deltas(CopyNetwork(list(range(len(tensors))), tensors, axes, dims, inputs), case)


def _is_delta(T):
    """True for a copy tensor: two or more axes of one dimension d, ones on the diagonal, zeros elsewhere."""
    if T.ndim < 2 or len(set(T.shape)) != 1:
        return False
    i = np.arange(T.shape[0])
    return bool(np.count_nonzero(T) == T.shape[0] and np.all(T[(i,) * T.ndim] == 1))


def _fold_deltas(net, case):
    """The same network with every explicit copy tensor folded into one shared label (what a delta is).

    The number of times an input is read then counts the weights reading it, through deltas or not.
    """
    parent = {}

    def find(label):
        while parent.get(label, label) != label:
            label = parent[label]
        return label

    keep = []
    for n, (T, labels) in enumerate(zip(net.tensors, net.axes)):
        if _is_delta(T):
            for label in labels[1:]:
                a, b = find(labels[0]), find(label)
                if a != b:
                    parent[b] = a
        else:
            keep.append(n)
    inputs = [find(label) for label in net.inputs]
    if len(set(inputs)) < len(inputs):
        j = next(j for j in range(len(inputs)) if inputs[j] in inputs[:j])
        raise _Wrong(f"{case}: input {j} is joined to input {inputs.index(inputs[j])} by a delta",
                     "each input has its own copy delta; the deltas of different inputs never meet")
    return CopyNetwork([net.nodes[n] for n in keep], [net.tensors[n] for n in keep],
                       [tuple(find(label) for label in net.axes[n]) for n in keep],
                       {find(label): d for label, d in net.dims.items()}, inputs)


def _duplicated_mistakes(net, A):
    """(candidate, message, hint) for the common slips in a one-layer duplicated network, in a fixed order."""
    layers, conv, w_out = net.params()
    r, M, K = net.r, net.M, net.K
    retry = lambda *arrays: net.with_params(list(arrays)).to_dense()  # noqa: E731
    return [
        (retry(layers, conv, np.ones(r)), "your network sums the r channels without the readout w_out",
         "add net.w_out as a tensor carrying the pooling label"),
        (retry(layers.transpose(0, 1, 3, 2), conv, w_out) if r == M else None,
         "your W^(1,j,k) are read with their legs as (in, out)",
         "net.layers[0][j, k] has legs (out, in): labels [product of position j, input j + k]"),
        (retry(layers, conv.transpose(0, 2, 1), w_out), "your 1x1 convs C_j are read with their legs as (in, out)",
         "net.conv[j] has legs (out, in): labels [pooling, product of position j]"),
        (retry(layers[:, ::-1], conv, w_out) if K > 1 else None,
         "your window offsets run backwards: W^(1,j,k) reads x_(j+K-1-k)",
         "W^(1,j,k) = net.layers[0][j, k] reads x_(j+k), offset k from the window's first input"),
        (A.transpose(range(net.N - 1, -1, -1)), "your output labels are the inputs in reverse order",
         "the output lists input 0's label first, then 1, ..., N-1"),
    ]


@_checker("duplicated_operands")
def check_duplicated_operands(fn):
    """Check `duplicated_operands(net)` -> einsum operands of a one-layer overlapping ConvAC's duplicated network.

    Judged on invariants: the contraction with equal copies (the coefficient tensor), the number
    of weights reading each input (copy deltas written out as tensors count as the label they
    share), and the score on real features with one feature vector per copy.
    """
    specs = [(4, 2, 2, 2), (5, 3, 2, 2), (6, 2, 3, 3), (4, 2, 3, 1)]
    judged = _Cases(what="contraction of your network (equal copies)", strict=True)
    built = []
    for n, (N, M, r, K) in enumerate(specs, 1):
        net = OverlappingConvAC.random(N, M, r, K, 1, rng=100 + n)
        case = f"case {n} of {len(specs)} (N={N}, M={M}, r={r}, K={K}, depth 1)"
        try:
            mine = _parse_operands(_call(fn, case, net), case, N)
            contracted = np.einsum(*mine.einsum_operands(), optimize="greedy")
        except (_Wrong, ValueError) as exc:
            judged.settle()  # a mistake seen in the cases before this one comes first
            if isinstance(exc, _Wrong):
                raise
            raise _Wrong(f"{case}: np.einsum refused your operands: {exc}") from None
        A = net.to_dense()
        judged.add(contracted, A, case, mistakes=_duplicated_mistakes(net, A))
        built.append((net, mine, case))
    judged.settle()
    rng = np.random.default_rng(8)
    for net, mine, case in built:
        copies, needed = mine.copies(), net.duplicated_network().copies()
        if copies != needed:
            j = next(j for j in range(net.N) if copies[j] != needed[j])
            raise _Wrong(f"{case}: your network contracts to the right tensor, but input {j} is read by "
                         f"{copies[j]} of your tensors; the network reads it {needed[j]} times",
                         "one copy per window that contains x_j, each read by its own W^(1,j,k)")
        X = rng.standard_normal((net.N, net.M))
        ops = mine.einsum_operands(split_copies=True)
        feed = [X[j] for j in range(net.N) for _ in range(copies[j])]
        value = np.einsum(*ops[:-1], *[a for f, leg in zip(feed, ops[-1]) for a in (f, [leg])], [], optimize="greedy")
        expected = net.score(X[None])[0]
        if not np.isclose(value, expected, rtol=1e-8, atol=1e-12 * abs(expected)):
            raise _Wrong(f"{case}: with one feature vector on every copy, your network gives {value:.6g}; the "
                         f"network's score on those real features is {expected:.6g}",
                         "each copy must be read by its own weight W^(1,j,k); joining the copies into one "
                         "tensor first (e.g. the coefficient tensor) works only for one-hot inputs")
    return f"{len(specs)} duplicated networks contract to the coefficient tensor and give the score on real features."


@_checker("partition_without_gain")
def check_partition_without_gain(fn):
    """Check `partition_without_gain(N)` -> rows on which an MPS with as many weights matches the overlapping ConvAC."""
    for n, N in enumerate((8, 12), 1):
        case = f"case {n} of 2 (N={N}, K=2, depth {N // 4}, M=r=2)"
        got = _call(fn, case, N)
        try:
            rows = sorted({int(j) for j in got})
        except (TypeError, ValueError):
            raise _Wrong(f"{case}: expected a list of input indices, got {type(got).__name__} {got!r:.60}") from None
        if len(rows) != len(list(got)) or not rows or rows[0] < 0 or rows[-1] >= N:
            raise _Wrong(f"{case}: {got!r:.60} is not a set of distinct inputs in 0..{N - 1}")
        if min(len(rows), N - len(rows)) < N // 4:
            raise _Wrong(f"{case}: P = {tuple(rows)} leaves fewer than N/4 = {N // 4} inputs on one side",
                         "a side with few inputs has a small rank for any network: find a partition with at "
                         f"least {N // 4} inputs on each side")
        net = OverlappingConvAC.random(N, 2, 2, 2, N // 4, rng=n, p=PRIME)
        rank = rank_mod_p(net.to_dense(), rows)
        chi = MPS.chi_for_params(N, 2, net.n_params)
        bound = MPS.random(N, 2, chi, rng=0).min_cut(rows).rank_bound
        if bound < rank:
            raise _Wrong(f"{case}: on P = {tuple(rows)} the overlapping ConvAC reaches rank {rank}, while an MPS "
                         f"with as many weights (chi={chi}) is bounded by {bound}: re-use gains here",
                         "an MPS's bound multiplies over every bond the partition crosses: look for a partition "
                         "that crosses the chain many times")
    return "on your partitions an MPS with as many weights already reaches the overlapping ConvAC's rank."
