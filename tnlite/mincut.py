"""The min-cut bound on the Schmidt rank of any tensor network.

For a network whose open legs are split into P (`rows`) and Q, the Schmidt rank of the
tensor it represents is at most the product of the bond dimensions along any set of
bonds whose removal separates P's legs from Q's (Cui et al. 2016). The best such bound
is a minimum cut with capacities log(bond dimension), computed here as a maximum flow
with ``scipy.sparse.csgraph.maximum_flow``.

The graph: every tensor is a node; every bond (u, v, dim) is an undirected edge; every
open leg j is an edge from a terminal ``("leg", j)`` to its tensor, so an open leg can
be cut too (at cost log d_j) and the bound never exceeds min(dim P, dim Q). A delta
(copy) tensor is a node like any other.

    P legs                         Q legs
   ("leg",0) --d-- [A] --chi-- [B] --d-- ("leg",1)
                         ^ a cut of cost log chi
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import breadth_first_order, maximum_flow

from ._validate import as_int, as_rows

__all__ = ["MinCut", "min_cut"]

# scipy's maximum_flow works on int32 capacities: logs are scaled to integers so
# that the whole graph's capacity fits, which resolves cuts whose products differ by a
# relative 1e-4 or more at any size used in the course (and 1e-9 on small networks).
_INT32_BUDGET = 2**30
_MAX_SCALE = 2**24
_LEG = object()  # private key for open-leg terminals, so no user node id can collide


@dataclass(frozen=True)
class MinCut:
    """A minimal cut of a tensor network for a partition of its open legs.

    Attributes
    ----------
    rank_bound : int
        Exact product of the dimensions of the cut bonds: an upper bound on the
        Schmidt rank of the partition.
    log_bound : float
        log2(rank_bound), in bits: an upper bound on the entanglement entropy.
    edges : tuple of (u, v, dim)
        The cut bonds; an open leg j appears as (("leg", j), node, dim).
    side : frozenset
        The internal nodes on P's side of the cut.
    """

    rank_bound: int
    log_bound: float
    edges: tuple
    side: frozenset

    def __str__(self):
        bonds = " x ".join(str(e[2]) for e in self.edges) or "nothing"
        return f"min cut: {len(self.edges)} bond(s), {bonds} -> rank <= {self.rank_bound} ({self.log_bound:.3g} bits)"


def _as_tuples(seq, name, form):
    """`seq` as a list of tuples, each `form` (e.g. "(u, v, dim)"); TypeError naming `name` otherwise."""
    if isinstance(seq, (str, bytes, dict)):
        raise TypeError(f"{name} must be a list of {form} tuples, got {type(seq).__name__} {seq!r}")
    try:
        seq = list(seq)
    except TypeError:
        raise TypeError(f"{name} must be a list of {form} tuples, got {type(seq).__name__} {seq!r}") from None
    out = []
    for i, e in enumerate(seq):
        if isinstance(e, (str, bytes)):
            raise TypeError(f"{name}[{i}] must be a {form} tuple, got {type(e).__name__} {e!r}")
        try:
            out.append(tuple(e))
        except TypeError:
            raise TypeError(f"{name}[{i}] must be a {form} tuple, got {type(e).__name__} {e!r}") from None
    return out


def _check_node(node, where):
    """A node id must be hashable (an int, a str, a tuple of those, ...)."""
    try:
        hash(node)
    except TypeError:
        raise TypeError(f"{where} is {node!r} ({type(node).__name__}): node ids must be hashable, "
                        "e.g. an int, a str or a tuple such as ('W', 0, 1)") from None


def _check_network(edges, legs):
    edges = _as_tuples(edges, "edges", "(u, v, dim)")
    for i, e in enumerate(edges):
        if len(e) != 3:
            raise ValueError(f"edges[{i}] must be (u, v, dim), got {e!r}")
        u, v, dim = e
        try:
            hash((u, v))
        except TypeError:
            _check_node(u, f"edges[{i}] node u")
            _check_node(v, f"edges[{i}] node v")
        as_int(dim, f"edges[{i}] dimension", minimum=1)
        if u == v:
            raise ValueError(f"edges[{i}] joins node {u!r} to itself; trace that bond out before cutting")
    legs = _as_tuples(legs, "legs", "(node, dim)")
    for j, leg in enumerate(legs):
        if len(leg) != 2:
            raise ValueError(f"legs[{j}] must be (node, dim), got {leg!r}")
        _check_node(leg[0], f"legs[{j}] node")
        as_int(leg[1], f"legs[{j}] dimension", minimum=1)
    if not legs:
        raise ValueError("legs is empty: a network needs open legs to partition")
    return edges, legs


def min_cut(edges, legs, rows):
    """Minimal cut separating the open legs `rows` from the other open legs.

    Parameters
    ----------
    edges : iterable of (u, v, dim)
        Bonds between tensors (any hashable node ids), dim an int >= 1. Parallel bonds add.
    legs : sequence of (node, dim)
        legs[j] is open leg j (particle j), attached to tensor `node` (hashable), dim >= 1.
    rows : sequence of int
        The open legs on side P.

    Returns
    -------
    MinCut
    """
    edges, legs = _check_network(edges, legs)
    rows = set(as_rows(rows, len(legs)))
    if not rows or len(rows) == len(legs):
        return MinCut(1, 0.0, (), frozenset())

    # node ids: 0 = source, 1 = sink, then tensors, then one terminal per open leg
    index = {}

    def idx(node):
        if node not in index:
            index[node] = len(index) + 2
        return index[node]

    tensors = [e[0] for e in edges] + [e[1] for e in edges] + [leg[0] for leg in legs]
    for node in tensors:
        idx(node)
    terminals = [idx((_LEG, j)) for j in range(len(legs))]
    bonds = [(idx(u), idx(v), int(d)) for u, v, d in edges]
    bonds += [(terminals[j], idx(node), int(d)) for j, (node, d) in enumerate(legs)]

    total_log = sum(math.log(d) for _, _, d in bonds)
    scale = _MAX_SCALE if total_log == 0 else min(_MAX_SCALE, _INT32_BUDGET / (total_log + 1.0))
    infinite = _INT32_BUDGET + 1  # exceeds any cut made of finite capacities

    src, dst, cap = [], [], []
    for u, v, d in bonds:
        c = int(round(math.log(d) * scale))
        src += [u, v]
        dst += [v, u]
        cap += [c, c]
    for j, t in enumerate(terminals):
        if j in rows:
            src.append(0), dst.append(t), cap.append(infinite)
        else:
            src.append(t), dst.append(1), cap.append(infinite)
    n = len(index) + 2
    capacity = coo_matrix((np.array(cap, dtype=np.int64), (src, dst)), shape=(n, n)).tocsr()
    capacity.sum_duplicates()
    capacity.data = np.minimum(capacity.data, infinite).astype(np.int32)
    flow = maximum_flow(capacity, 0, 1, method="dinic").flow

    residual = (capacity - flow).tocsr()
    residual.data = (residual.data > 0).astype(np.int8)
    residual.eliminate_zeros()
    reachable = np.zeros(n, dtype=bool)
    reachable[breadth_first_order(residual, 0, directed=True, return_predecessors=False)] = True

    cut = []
    for (u, v, d), (a, b, _) in zip(list(edges) + [(("leg", j), node, d) for j, (node, d) in enumerate(legs)], bonds):
        if reachable[a] != reachable[b]:
            cut.append((u, v, int(d)))
    rank = math.prod(d for _, _, d in cut)
    side = frozenset(node for node, k in index.items() if reachable[k] and not (isinstance(node, tuple) and node[:1] == (_LEG,)))
    return MinCut(rank, math.log2(rank), tuple(cut), side)
