"""Lesson 04 panel and tree/MERA drawings, driven headless and checked against brute force."""
import itertools
import string

import numpy as np
import pytest

import tnlite as tl
from tnlite import diagrams
from tnlite.widgets import build_tree_partition, tree_partitions


def brute_force_bound(tree, rows):
    """Smallest product of crossing dims over every 2-colouring of the tree's tensors."""
    N, L = tree.N, tree.L
    nodes = [(l, i) for l in range(L + 1) for i in range(N >> l)]
    index = {n: k for k, n in enumerate(nodes)}
    colours = np.array(list(itertools.product((0, 1), repeat=len(nodes))), dtype=np.int8)  # 0 = P
    cost = np.zeros(len(colours))
    dims = tree.bond_dims
    for l in range(L):
        for i, k in enumerate(dims[l]):
            cost += np.log(k) * (colours[:, index[(l, i)]] != colours[:, index[(l + 1, i // 2)]])
    for j, dj in enumerate(tree.phys_dims):
        cost += np.log(dj) * (colours[:, index[(0, j)]] != (0 if j in rows else 1))
    return int(round(np.exp(cost.min())))


def dense_by_einsum(tree):
    letters = iter(string.ascii_letters)
    phys = [next(letters) for _ in range(tree.N)]
    bond = [next(letters) for _ in range(tree.N)]
    terms, ops = [p + b for p, b in zip(phys, bond)], list(tree.leaves)
    for row in tree.levels:
        up = [next(letters) for _ in row]
        terms += [bond[2 * i] + bond[2 * i + 1] + up[i] for i in range(len(row))]
        ops += row
        bond = up
    return np.einsum(",".join(terms) + "->" + "".join(phys) + bond[0], *ops, optimize="greedy")[..., 0]


def separates(cut_edges, tree, rows):
    """True if removing the cut bonds and legs leaves no path from a P leg to a Q leg."""
    edges, legs, _ = tree.graph()
    cut = {frozenset(e[:2]) for e in cut_edges}
    adj = {}
    all_edges = list(edges) + [(("leg", j), node, d) for j, (node, d) in enumerate(legs)]
    for u, v, _ in all_edges:
        if frozenset((u, v)) not in cut:
            adj.setdefault(u, set()).add(v)
            adj.setdefault(v, set()).add(u)
    seen, todo = set(), [("leg", j) for j in rows]
    while todo:
        n = todo.pop()
        if n not in seen:
            seen.add(n)
            todo += adj.get(n, ())
    return not any(("leg", j) in seen for j in range(tree.N) if j not in rows)


def red_lines(panel):
    return [a for a in panel.artists["ax_tree"].get_children() if getattr(a, "get_gid", lambda: None)() == "cut_bond"]


def panel_tree(rng, dims):
    """The tree a panel built with `rng` shows for bond dims `dims` (its documented seeding)."""
    return tl.TreeTN.random(8, 2, dims, rng=int(np.random.default_rng(rng).integers(2**31)))


def independent_rank(tree, rows):
    A = dense_by_einsum(tree)
    cols = [j for j in range(tree.N) if j not in rows]
    return np.linalg.matrix_rank(A.transpose(list(rows) + cols).reshape(2 ** len(rows), -1))


def test_presets_and_toggles_drive_the_bound_and_the_rank():
    panel = build_tree_partition(N=8, chi=(2, 3, 2), rng=0)
    seen_bounds = set()
    for name, rows in tree_partitions(8).items():
        if rows is None:
            continue
        panel.controls["partition"].value = name
        assert panel.data["rows"] == rows
        assert tuple(j for j in range(8) if panel.value(f"site{j}")) == rows
        tree = tl.TreeTN.random(8, 2, panel.data["chi"], rng=0)  # a same-shaped tree: the bound only needs the dims
        bound = brute_force_bound(tree, rows)
        assert panel.data["bound"] == bound
        assert separates(panel.data["cut_edges"], tree, rows)
        assert len(red_lines(panel)) == len(panel.data["cut_edges"])
        assert f"rank {panel.data['rank']} <= bound {bound}" == panel.artists["ax_bars"].get_title()
        seen_bounds.add(bound)
    # halves: the root bond, 2; interleaved: four legs, 2**4; blocks of 2: two level-1 bonds, 3 x 3
    assert seen_bounds == {2, 16, 9}

    # a toggle press switches to "custom" and recomputes
    panel.controls["site7"].value = True
    assert panel.value("partition") == "custom"
    rows = panel.data["rows"]
    assert 7 in rows
    assert panel.data["bound"] == brute_force_bound(tl.TreeTN.random(8, 2, (2, 3, 2), rng=0), rows)


def test_bond_sliders_change_the_tree_and_rank_reaches_bound():
    panel = build_tree_partition(N=8, chi=(2, 3, 2), rng=1)
    panel.controls["partition"].value = "left | right halves"
    panel.controls["chi2"].value = 4
    assert panel.data["chi"] == (2, 3, 4)
    assert panel.data["bound"] == 4  # the root bond, now 4, is cheaper than 3 x 3
    for chi0, partition in [(1, "interleaved (even | odd)"), (2, "blocks of 2 (alternating)"), (3, "left | right halves")]:
        panel.controls["chi0"].value = chi0
        panel.controls["partition"].value = partition
        rows = panel.data["rows"]
        dims = panel.data["chi"]
        tree = panel_tree(1, dims)
        assert panel.data["bound"] == brute_force_bound(tree, rows)
        assert panel.data["rank"] == independent_rank(tree, rows)
        assert panel.data["rank"] == panel.data["bound"]  # generic cores reach the bound


def test_measured_rank_matches_independent_contraction():
    panel = build_tree_partition(N=8, chi=(2, 2, 3), partition="interleaved (even | odd)", rng=3)
    tree = panel_tree(3, (2, 2, 3))
    assert panel.data["rank"] == independent_rank(tree, (0, 2, 4, 6)) == 16
    assert panel.data["n_params"] == tree.n_params


def test_panel_bad_arguments():
    with pytest.raises(ValueError, match="chi has 2 entries; N=8 needs one per level"):
        build_tree_partition(N=8, chi=(2, 2))
    with pytest.raises(ValueError, match="partition must be one of"):
        build_tree_partition(partition="diagonal")
    with pytest.raises(ValueError, match="N must be at most 16"):
        build_tree_partition(N=32, chi=(2,) * 5)
    with pytest.raises(ValueError, match=r"chi must be <= max_bond = 4"):
        build_tree_partition(chi=(2, 5, 2))


def test_draw_tree_and_mera_artists():
    tree = tl.TreeTN.random(8, 2, (2, 3, 2), rng=0)
    ax = diagrams.draw_tree(tree, rows=[0, 1, 2, 3], show_cut=True)
    red = [a for a in ax.get_children() if getattr(a, "get_gid", lambda: None)() == "cut_bond"]
    assert len(red) == 1  # the root's left bond, dimension 2
    labels = [t.get_text() for t in ax.texts if t.get_gid() == "bond_label"]
    assert sorted(labels) == sorted(map(str, [2] * 8 + [3] * 4 + [2] * 2 + [2] * 8))
    assert "rank <= 2" in ax.get_title()
    with pytest.raises(ValueError, match="show_cut needs rows"):
        diagrams.draw_tree(tree, show_cut=True)
    with pytest.raises(TypeError, match="tree must be a tnlite.TreeTN"):
        diagrams.draw_tree(np.ones((2, 2)))
    ax = diagrams.draw_mera(16, chi=2, rows=range(4, 8), show_cut=True)
    gids = [p.get_gid() for p in ax.patches]
    assert gids.count("disentangler") == 7 + 3 + 1 and gids.count("isometry") == 8 + 4 + 2 + 1
    red = [a for a in ax.get_children() if getattr(a, "get_gid", lambda: None)() == "cut_bond"]
    edges, legs, _ = tl.tree.mera_graph(16, 2)
    assert 2 ** len(red) == tl.mincut.min_cut(edges, legs, range(4, 8)).rank_bound
