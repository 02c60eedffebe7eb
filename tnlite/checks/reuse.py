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
from ._common import _Wrong, _call, _checker, _compare, _scalar


def _halves_rank(N, M, r, K, depth, seed):
    """The exact rank of a random overlapping ConvAC across its two halves (mod p)."""
    net = OverlappingConvAC.random(N, M, r, K, depth, rng=seed, p=PRIME)
    return rank_mod_p(net.to_dense(), range(N // 2))


@_checker("light_cone_rank")
def check_light_cone_rank(fn):
    """Check `light_cone_rank(N, M, r, K, depth)` -> the left | right rank against exact ranks
    (N even, r >= M, depth (K-1) <= N/2: the cases where the light cone gives the rank)."""
    cases = [(12, 2, 2, 2, 3), (12, 2, 2, 3, 2), (10, 2, 3, 2, 2), (8, 3, 3, 2, 1), (12, 2, 2, 2, 6), (8, 2, 4, 1, 3),
             (6, 3, 3, 2, 0)]
    for n, (N, M, r, K, L) in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (N={N}, M={M}, r={r}, K={K}, depth={L})"
        got = _scalar(_call(fn, case, N, M, r, K, L), case)
        expected = _halves_rank(N, M, r, K, L, seed=n)
        cap = M ** (N // 2)
        mistakes = [
            (r * M ** (L * (K - 1)), "you did not cap the rank by M^(N/2)",
             "a matrix with M^(N/2) rows has rank at most M^(N/2): take the min"),
            (min(M ** (L * (K - 1)), cap), "you left out the r channels",
             "the pooling delta joins r channels: splitting it costs r, so the light cone bound is r M^(L(K-1))"),
            (min(r * M ** (L * K), cap), "your light cone is L*K inputs wide, not L*(K-1)",
             "a window of K covers K-1 new inputs past its first: L layers widen the cone by L(K-1)"),
            (min(r * K**L, cap), "you counted K^L paths, not inputs",
             "the rank counts configurations of the inputs inside the light cone: M per input"),
            (min(r * M ** (L * (K - 1) + 1), cap), "your light cone is one input too wide",
             "the last-layer outputs that straddle the cut read L(K-1) inputs on each side"),
        ]
        for candidate, message, hint in mistakes:
            if got == candidate != expected:
                raise _Wrong(f"{case}: you predicted {got}, the exact rank is {expected}: {message}", hint)
        if got != expected:
            raise _Wrong(f"{case}: you predicted {got}, the exact rank (mod p, random weights) is {expected}",
                         "count the inputs on one side inside the light cone, M states each, and the r channels")
    return f"{len(cases)} predictions agree with exact ranks of random networks."


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
                             "a label shared by several axes is a bond or a delta: its axes must match")
    missing = [j for j, label in enumerate(inputs) if label not in dims]
    if missing:
        raise _Wrong(f"{case}: output label {inputs[missing[0]]!r} (input {missing[0]}) is on no tensor",
                     "every input's label must be carried by the weights that read it")
    return CopyNetwork(list(range(len(tensors))), tensors, axes, dims, inputs)


@_checker("duplicated_operands")
def check_duplicated_operands(fn):
    """Check `duplicated_operands(net)` -> einsum operands of a one-layer overlapping ConvAC's duplicated network."""
    specs = [(4, 2, 2, 2), (5, 3, 2, 2), (6, 2, 3, 3), (4, 2, 3, 1)]
    rng = np.random.default_rng(8)
    for n, (N, M, r, K) in enumerate(specs, 1):
        net = OverlappingConvAC.random(N, M, r, K, 1, rng=100 + n)
        case = f"case {n} of {len(specs)} (N={N}, M={M}, r={r}, K={K}, depth 1)"
        mine = _parse_operands(_call(fn, case, net), case, N)
        A = net.to_dense()
        try:
            contracted = np.einsum(*mine.einsum_operands(), optimize="greedy")
        except ValueError as exc:
            raise _Wrong(f"{case}: np.einsum refused your operands: {exc}") from None
        no_readout = net.with_params([*net.params()[:-1], np.ones(r)]).to_dense()
        _compare(contracted, A, case, what="contraction of your network (equal copies)", mistakes=[
            (no_readout, "your network sums the r channels without the readout w_out",
             "add net.w_out as a tensor carrying the pooling label")])
        copies, needed = mine.copies(), net.duplicated_network().copies()
        if copies != needed:
            j = next(j for j in range(N) if copies[j] != needed[j])
            raise _Wrong(f"{case}: your network contracts to the right tensor, but input {j} has {copies[j]} "
                         f"copies; the network reads it {needed[j]} times", "one copy per window that contains x_j")
        X = rng.standard_normal((N, M))
        ops = mine.einsum_operands(split_copies=True)
        feed = [X[j] for j in range(N) for _ in range(copies[j])]
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
        chi = max(c for c in range(1, 65) if MPS.random(N, 2, c, rng=0).n_params <= net.n_params)
        bound = MPS.random(N, 2, chi, rng=0).min_cut(rows).rank_bound
        if bound < rank:
            raise _Wrong(f"{case}: on P = {tuple(rows)} the overlapping ConvAC reaches rank {rank}, while an MPS "
                         f"with as many weights (chi={chi}) is bounded by {bound}: re-use gains here",
                         "an MPS's bound multiplies over every bond the partition crosses: look for a partition "
                         "that crosses the chain many times")
    return "on your partitions an MPS with as many weights already reaches the overlapping ConvAC's rank."
