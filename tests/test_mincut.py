"""min_cut against brute-force enumeration of every cut of small networks, with and without
delta (copy) tensors that a cut may split."""
import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tnlite.mincut import MinCut, min_cut


def brute_force_min_product(edges, legs, rows):
    """Smallest product of crossing bond dims over every 2-colouring of the tensors."""
    nodes = sorted({e[0] for e in edges} | {e[1] for e in edges} | {node for node, _ in legs})
    best = None
    for colours in itertools.product((0, 1), repeat=len(nodes)):
        side = dict(zip(nodes, colours))  # 0 = P, 1 = Q
        prod = 1
        for u, v, d in edges:
            if side[u] != side[v]:
                prod *= d
        for j, (node, d) in enumerate(legs):
            if side[node] != (0 if j in rows else 1):
                prod *= d
        best = prod if best is None else min(best, prod)
    return best


@st.composite
def networks(draw):
    n_nodes = draw(st.integers(1, 6))
    n_edges = draw(st.integers(0, 9))
    edges = []
    for _ in range(n_edges):
        u, v = draw(st.lists(st.integers(0, n_nodes - 1), min_size=2, max_size=2, unique=True)) if n_nodes > 1 else (0, 0)
        if u == v:
            continue
        edges.append((u, v, draw(st.integers(1, 7))))
    n_legs = draw(st.integers(2, 6))
    legs = [(draw(st.integers(0, n_nodes - 1)), draw(st.integers(1, 5))) for _ in range(n_legs)]
    rows = draw(st.sets(st.integers(0, n_legs - 1)))
    return edges, legs, sorted(rows)


@given(networks())
def test_min_cut_equals_brute_force(net):
    edges, legs, rows = net
    cut = min_cut(edges, legs, rows)
    assert cut.rank_bound == brute_force_min_product(edges, legs, rows)
    assert cut.log_bound == pytest.approx(math.log2(cut.rank_bound))


def brute_force_with_deltas(edges, legs, rows, deltas):
    """Smallest product over every labelling of the tensors P, Q, or (deltas only) split.

    A split delta costs its dimension and frees every bond at it: the delta becomes two
    deltas joined by one bond, and each of its legs goes to the side of its other end.
    """
    nodes = sorted({e[0] for e in edges} | {e[1] for e in edges} | {node for node, _ in legs})
    choices = [(0, 1, 2) if node in deltas else (0, 1) for node in nodes]
    best = None
    for labels in itertools.product(*choices):
        side = dict(zip(nodes, labels))  # 0 = P, 1 = Q, 2 = split
        prod = math.prod(deltas[n] for n in nodes if side[n] == 2)
        for u, v, d in edges:
            if 2 not in (side[u], side[v]) and side[u] != side[v]:
                prod *= d
        for j, (node, d) in enumerate(legs):
            if side[node] != 2 and side[node] != (0 if j in rows else 1):
                prod *= d
        best = prod if best is None else min(best, prod)
    return best


@st.composite
def networks_with_deltas(draw):
    """Random graphs in which some nodes are deltas: every bond and leg at a delta has its dim."""
    n = draw(st.integers(2, 7))
    deltas = {k: draw(st.integers(2, 4)) for k in range(n) if draw(st.booleans())}
    edges = []
    for _ in range(draw(st.integers(1, 10))):
        u, v = draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))
        if u in deltas and v in deltas and deltas[u] != deltas[v]:
            continue
        edges.append((u, v, deltas.get(u, deltas.get(v, draw(st.integers(1, 7))))))
    legs = [(node, deltas.get(node, draw(st.integers(1, 5))))
            for node in draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=6))]
    rows = draw(st.sets(st.integers(0, len(legs) - 1)))
    return edges, legs, sorted(rows), deltas


@settings(max_examples=200)
@given(networks_with_deltas())
def test_min_cut_with_deltas_equals_brute_force_over_splits(net):
    edges, legs, rows, deltas = net
    cut = min_cut(edges, legs, rows, deltas)
    assert cut.rank_bound == brute_force_with_deltas(edges, legs, rows, deltas)
    assert math.prod(d for _, _, d in cut.edges) == cut.rank_bound
    assert cut.rank_bound <= min_cut(edges, legs, rows).rank_bound  # splitting can only help


def test_an_order_four_delta_splits_at_cost_r_where_a_plain_cut_pays_r_squared():
    edges = [("A", "D", 3), ("B", "D", 3), ("C", "D", 3), ("E", "D", 3)]
    legs = [("A", 9), ("B", 9), ("C", 9), ("E", 9)]
    assert min_cut(edges, legs, [0, 1]).rank_bound == 9
    cut = min_cut(edges, legs, [0, 1], deltas={"D": 3})
    assert cut.rank_bound == 3 and cut.edges == (("D", "split", 3),)


def test_a_split_that_ties_with_a_bond_is_reported_as_the_bond():
    edges = [("A", "D", 2), ("B", "D", 2), ("D", "C", 2)]
    cut = min_cut(edges, [("A", 2), ("B", 2), ("C", 2)], [0, 1], deltas={"D": 2})
    assert cut.edges == (("D", "C", 2),)


@pytest.mark.parametrize("deltas, exc, match", [
    ({"D": 3}, ValueError, r"edges\[0\] has dimension 2 at the delta 'D' of dimension 3"),
    ([("D", 2)], TypeError, r"deltas must be a dict"),
    ({"D": 0}, ValueError, r"deltas\['D'\] must be >= 1"),
])
def test_bad_deltas_are_refused_by_name(deltas, exc, match):
    with pytest.raises(exc, match=match):
        min_cut([("A", "D", 2), ("D", "B", 2)], [("A", 2), ("B", 2)], [0], deltas)


@given(networks())
def test_reported_edges_separate_the_sides(net):
    edges, legs, rows = net
    cut = min_cut(edges, legs, rows)
    assert math.prod(d for _, _, d in cut.edges) == cut.rank_bound
    # Removing the cut edges leaves no path from a P leg to a Q leg.
    cut_set = {(u, v) for u, v, _ in cut.edges}
    adjacency = {}
    all_edges = [(u, v) for u, v, _ in edges] + [(("leg", j), node) for j, (node, _) in enumerate(legs)]
    for u, v in all_edges:
        if (u, v) in cut_set or (v, u) in cut_set:
            continue
        adjacency.setdefault(u, set()).add(v)
        adjacency.setdefault(v, set()).add(u)
    seen, stack = set(), [("leg", j) for j in rows]
    while stack:
        x = stack.pop()
        if x in seen:
            continue
        seen.add(x)
        stack.extend(adjacency.get(x, ()))
    assert not any(("leg", j) in seen for j in range(len(legs)) if j not in rows)


def test_chain_cut_is_the_bond_between_the_halves():
    edges = [(0, 1, 4), (1, 2, 3), (2, 3, 4)]
    legs = [(t, 4) for t in range(4)]
    cut = min_cut(edges, legs, [0, 1])
    assert cut.rank_bound == 3
    assert cut.edges == ((1, 2, 3),)
    assert cut.side == frozenset({0, 1})
    assert "rank <= 3" in str(cut)


def test_open_legs_are_cuttable_so_bound_never_exceeds_the_smaller_side():
    # A single bond of dim 100 between two tensors that each hold one leg of dim 2.
    cut = min_cut([("a", "b", 100)], [("a", 2), ("b", 2)], [0])
    assert cut.rank_bound == 2
    assert cut.edges[0][0] == ("leg", 0) or cut.edges[0][0] == ("leg", 1)


def test_delta_node_lets_the_cut_use_the_cheaper_leg():
    # Pooling delta joins two child bonds (dim 5) and feeds a conv edge of dim 3.
    edges = [("c0", "delta", 5), ("c1", "delta", 5), ("delta", "W", 3), ("W", "root", 7)]
    legs = [("c0", 9), ("c1", 9), ("root", 9)]
    assert min_cut(edges, legs, [0, 1]).rank_bound == 3


def test_trivial_partitions_have_bound_one():
    edges, legs = [(0, 1, 3)], [(0, 2), (1, 2)]
    assert min_cut(edges, legs, []) == MinCut(1, 0.0, (), frozenset())
    assert min_cut(edges, legs, [0, 1]).rank_bound == 1


def test_node_ids_that_look_like_leg_terminals_do_not_collide():
    edges = [(("leg", 0), ("leg", 1), 3)]
    legs = [(("leg", 0), 2), (("leg", 1), 2)]
    assert min_cut(edges, legs, [0]).rank_bound == 2


def test_large_tree_matches_level_by_level_reasoning():
    # Binary tree over 1024 leaves, every bond dim 4, legs dim 2: cutting the left
    # half off costs one bond (4); the interleaved partition must cut every leg pair.
    n = 1024
    edges, legs = [], [(("leaf", j), 2) for j in range(n)]
    level = [("leaf", j) for j in range(n)]
    depth = 0
    while len(level) > 1:
        depth += 1
        parents = [("node", depth, i) for i in range(len(level) // 2)]
        for i, p in enumerate(parents):
            edges += [(level[2 * i], p, 4), (level[2 * i + 1], p, 4)]
        level = parents
    assert min_cut(edges, legs, range(n // 2)).rank_bound == 4
    assert min_cut(edges, legs, range(0, n, 2)).rank_bound == 2 ** (n // 2)


@pytest.mark.parametrize(
    "edges, legs, rows, exc, match",
    [
        ([(0, 1)], [(0, 2)], [0], ValueError, r"edges\[0\] must be \(u, v, dim\)"),
        ([(0, 1, 0)], [(0, 2)], [0], ValueError, r"edges\[0\] dimension must be >= 1"),
        ([(0, 0, 2)], [(0, 2)], [0], ValueError, r"joins node 0 to itself"),
        ([(0, 1, 2)], [(0,)], [0], ValueError, r"legs\[0\] must be \(node, dim\)"),
        ([(0, 1, 2)], [(0, 2.5)], [0], TypeError, r"legs\[0\] dimension must be an integer"),
        ([(0, 1, 2)], [], [], ValueError, r"legs is empty"),
        ([(0, 1, 2)], [(0, 2), (1, 2)], [2], ValueError, r"rows has axis 2, out of range"),
        ([(0, 1, 2)], [(0, 2), (1, 2)], [0, 0], ValueError, r"rows repeats axis 0"),
        (None, [(0, 2), (1, 2)], [0], TypeError, r"edges must be a list of \(u, v, dim\) tuples, got NoneType"),
        (5, [(0, 2), (1, 2)], [0], TypeError, r"edges must be a list of \(u, v, dim\) tuples, got int"),
        ("abc", [(0, 2), (1, 2)], [0], TypeError, r"edges must be a list of \(u, v, dim\) tuples, got str"),
        ([5], [(0, 2), (1, 2)], [0], TypeError, r"edges\[0\] must be a \(u, v, dim\) tuple, got int 5"),
        ([(0, 1, 2)], None, [0], TypeError, r"legs must be a list of \(node, dim\) tuples, got NoneType"),
        ([(0, 1, 2)], 5, [0], TypeError, r"legs must be a list of \(node, dim\) tuples, got int"),
        ([(0, 1, 2)], [5], [0], TypeError, r"legs\[0\] must be a \(node, dim\) tuple, got int 5"),
        ([([0], 1, 2)], [(0, 2), (1, 2)], [0], TypeError, r"edges\[0\] node u is \[0\] \(list\): node ids must be hashable"),
        ([(0, np.array([0, 1]), 2)], [(0, 2), (1, 2)], [0], TypeError, r"edges\[0\] node v is .*node ids must be hashable"),
        ([(0, 1, 2)], [({0: 1}, 2), (1, 2)], [0], TypeError, r"legs\[0\] node is \{0: 1\} \(dict\): node ids must be hashable"),
    ],
)
def test_bad_input_is_refused_with_a_message(edges, legs, rows, exc, match):
    with pytest.raises(exc, match=match):
        min_cut(edges, legs, rows)
