"""Checks of a tensor network's graph (bonds, open legs, deltas) for tnlite.mincut."""
from __future__ import annotations

from collections.abc import Mapping

from . import as_int, as_list


def _as_tuples(seq, name, form):
    """`seq` as a list of tuples, each `form` (e.g. "(u, v, dim)"); TypeError naming `name` otherwise."""
    seq = as_list(seq, name, f"a list of {form} tuples")
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


def as_graph(edges, legs, deltas=None):
    """A tensor network's graph, checked: (edges, legs, deltas) as lists and a dict.

    edges: (u, v, dim) bonds between distinct hashable nodes; legs: (node, dim) open legs;
    deltas: {node: dim} copy tensors, every bond and leg of which must have dimension dim.
    """
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
    if deltas is None:
        return edges, legs, {}
    if not isinstance(deltas, Mapping):
        raise TypeError(f"deltas must be a dict {{node: dim}} of copy tensors, got {type(deltas).__name__}")
    deltas = {node: as_int(d, f"deltas[{node!r}]", minimum=1) for node, d in deltas.items()}
    for where, node, dim in [(f"edges[{i}]", n, d) for i, (u, v, d) in enumerate(edges) for n in (u, v)] + \
            [(f"legs[{j}]", n, d) for j, (n, d) in enumerate(legs)]:
        if node in deltas and dim != deltas[node]:
            raise ValueError(f"{where} has dimension {dim} at the delta {node!r} of dimension {deltas[node]}: "
                             "every leg of a copy tensor has its dimension")
    return edges, legs, deltas
