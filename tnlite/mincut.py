"""The min-cut bound on the Schmidt rank of any tensor network.

For a network whose open legs are split into P (`rows`) and Q, the Schmidt rank of the
tensor it represents is at most the product of the bond dimensions along any set of
bonds whose removal separates P's legs from Q's (Cui et al. 2016). The best such bound
is a minimum cut with capacities log(bond dimension), computed here as a maximum flow
with ``scipy.sparse.csgraph.maximum_flow``.

The graph: every tensor is a node; every bond (u, v, dim) is an undirected edge; every
open leg j is an edge from a terminal ``("leg", j)`` to its tensor, so an open leg can
be cut too (at cost log d_j) and the bound never exceeds min(dim P, dim Q). A delta
(copy) tensor listed in `deltas` may be split by the cut at cost log(dim), whatever its
number of legs: a delta has rank dim across any split of its legs.

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

from ._validate import as_graph, as_rows

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


def _is_leg(node):
    return isinstance(node, tuple) and len(node) == 2 and node[0] is _LEG


def min_cut(edges, legs, rows, deltas=None):
    """Minimal cut separating the open legs `rows` from the other open legs.

    Parameters
    ----------
    edges : iterable of (u, v, dim)
        Bonds between tensors (any hashable node ids), dim an int >= 1. Parallel bonds add.
    legs : sequence of (node, dim)
        legs[j] is open leg j (particle j), attached to tensor `node` (hashable), dim >= 1.
    rows : sequence of int
        The open legs on side P.
    deltas : dict {node: dim}, optional
        Copy (delta) tensors: a cut may split such a node at cost log(dim), whatever its
        number of legs, and each of its legs then falls on either side.

    Returns
    -------
    MinCut
        A split delta is listed in ``edges`` as ``(node, "split", dim)``.
    """
    edges, legs, deltas = as_graph(edges, legs, deltas)
    rows = set(as_rows(rows, len(legs)))
    if not rows or len(rows) == len(legs):
        return MinCut(1, 0.0, (), frozenset())
    all_bonds = edges + [((_LEG, j), node, d) for j, (node, d) in enumerate(legs)]

    # Flow network: 0 = source, 1 = sink, then one vertex per tensor and per leg terminal.
    # A delta becomes two vertices, in -> out with capacity log(dim) (cutting it splits
    # the delta); a bond (u, v) becomes the arcs u_out -> v_in and v_out -> u_in.
    index = {}

    def ends(node):
        if node not in index:
            k = len(index)
            index[node] = (2 + 2 * k, 3 + 2 * k) if node in deltas else (2 + 2 * k, 2 + 2 * k)
        return index[node]

    for u, v, _ in all_bonds:
        ends(u), ends(v)
    total_log = sum(math.log(d) for _, _, d in all_bonds) + sum(math.log(d) for d in deltas.values())
    scale = _MAX_SCALE if total_log == 0 else min(_MAX_SCALE, _INT32_BUDGET / (total_log + 1.0))
    infinite = _INT32_BUDGET + 1  # exceeds any cut made of finite capacities

    src, dst, cap = [], [], []
    for u, v, d in all_bonds:
        c = int(round(math.log(d) * scale))
        (u_in, u_out), (v_in, v_out) = index[u], index[v]
        src += [u_out, v_out]
        dst += [v_in, u_in]
        cap += [c, c]
    for node, d in deltas.items():  # + 1: where a split ties with cutting a bond, the bond is reported
        if node in index:
            src.append(index[node][0]), dst.append(index[node][1]), cap.append(int(round(math.log(d) * scale)) + 1)
    for j in range(len(legs)):
        t = index[(_LEG, j)][0]
        if j in rows:
            src.append(0), dst.append(t), cap.append(infinite)
        else:
            src.append(t), dst.append(1), cap.append(infinite)
    n = 2 + 2 * len(index)
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
    for u, v, d in all_bonds:
        if reachable[index[u][1]] and not reachable[index[v][0]] or reachable[index[v][1]] and not reachable[index[u][0]]:
            cut.append((("leg", u[1]) if _is_leg(u) else u, v, int(d)))
    for node, d in deltas.items():
        if node in index and reachable[index[node][0]] and not reachable[index[node][1]]:
            cut.append((node, "split", d))
    rank = math.prod(d for _, _, d in cut)
    side = frozenset(node for node, (a, _) in index.items() if reachable[a] and not _is_leg(node))
    return MinCut(rank, math.log2(rank), tuple(cut), side)
