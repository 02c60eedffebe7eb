"""Drawings of tensors, contractions, chains and matricizations: what is on the axes.

Artists are found by the gid the drawing functions give them ("node", "bond",
"bond_label", "leg", "leg_label", "cut", "particle"), never by drawing order alone.
"""
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgba
from hypothesis import given, strategies as st

from tnlite import diagrams as D
from tnlite.diagrams import COLORS


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def patches(ax, gid):
    return [p for p in ax.patches if p.get_gid() == gid]


def lines(ax, gid):
    return [ln for ln in ax.lines if ln.get_gid() == gid]


def texts(ax, gid):
    return [t for t in ax.texts if t.get_gid() == gid]


def same_color(a, b):
    return np.allclose(to_rgba(a), to_rgba(b))


# --- draw_tensor ---

@pytest.mark.parametrize("n", [0, 1, 2, 3, 5])
def test_tensor_has_one_node_and_n_legs(n):
    ax = D.draw_tensor(n)
    assert isinstance(ax, plt.Axes)
    assert len(patches(ax, "node")) == 1
    assert len(lines(ax, "leg")) == n
    assert sorted(t.get_text() for t in texts(ax, "leg_label")) == [str(j) for j in range(n)]
    assert f"order-{n}" in ax.get_title()


def test_tensor_labels_dims_and_given_axes():
    _, ax0 = plt.subplots()
    ax = D.draw_tensor(["i", "j", "k"], name="T", dims=[2, 3, 4], ax=ax0)
    assert ax is ax0
    assert {t.get_text() for t in texts(ax, "leg_label")} == {"i (2)", "j (3)", "k (4)"}
    assert "(2, 3, 4)" in ax.get_title()


def test_tensor_bad_input():
    with pytest.raises(ValueError, match="dims has 2 entries; it needs 3"):
        D.draw_tensor(3, dims=[2, 2])
    with pytest.raises(ValueError, match="legs must be >= 0, got -1"):
        D.draw_tensor(-1)
    with pytest.raises(TypeError, match="the string 'ij'"):
        D.draw_tensor("ij")


# --- draw_contraction ---

@pytest.mark.parametrize(
    "subscripts, n_nodes, bonds, open_legs",
    [
        ("ij,jk->ik", 2, {"j"}, {"i", "k"}),      # matrix product
        ("ii->", 1, {"i"}, set()),                 # trace: a loop
        ("ij,jk,ki->", 3, {"i", "j", "k"}, set()),  # trace of a product: a triangle
        ("abc,cd,bde->ae", 3, {"b", "c", "d"}, {"a", "e"}),
        ("ijk,ijl->kl", 2, {"i", "j"}, {"k", "l"}),  # two parallel bonds
        ("i,j->ij", 2, set(), {"i", "j"}),          # outer product: no bond
        ("ij,jk", 2, {"j"}, {"i", "k"}),            # implicit output, as numpy reads it
    ],
)
def test_contraction_nodes_bonds_and_open_legs(subscripts, n_nodes, bonds, open_legs):
    ax = D.draw_contraction(subscripts)
    assert len(patches(ax, "node")) == n_nodes
    assert len(lines(ax, "bond")) == len(bonds)
    assert {t.get_text() for t in texts(ax, "bond_label")} == bonds
    assert len(lines(ax, "leg")) == len(open_legs)
    assert {t.get_text() for t in texts(ax, "leg_label")} == open_legs
    title = ax.get_title()
    assert f"np.einsum('{subscripts}'" in title
    assert ("contracted legs: " + (", ".join(sorted(bonds)) if bonds else "none")) in title


def test_contraction_leg_summed_alone_is_dashed_and_dims_show():
    ax = D.draw_contraction("ij->i", names=["M"], dims={"i": 2, "j": 3})
    legs = {t.get_text() for t in texts(ax, "leg_label")}
    assert legs == {"i=2", "Σj=3"}
    styles = sorted(ln.get_linestyle() for ln in lines(ax, "leg"))
    assert styles == ["-", "--"]  # the kept leg solid, the summed one dashed
    assert "np.einsum('ij->i', M)" in ax.get_title() and "contracted legs: j" in ax.get_title()


def test_contraction_agrees_with_numpy_on_which_legs_stay_open():
    # the open legs drawn are the axes numpy's einsum returns, in its implicit mode too
    rng = np.random.default_rng(0)
    A, B, C = rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 5)), rng.standard_normal((3, 5, 6))
    for sub in ["abc,cd,bde", "abc,cd,bde->ea"]:
        out = np.einsum(sub, A, B, C)
        ax = D.draw_contraction(sub)
        assert len(lines(ax, "leg")) == out.ndim == 2


@pytest.mark.parametrize(
    "subscripts, match",
    [
        ("ij,jk,kl,lm->im", "has 4 operands; draw_contraction draws 1 to 3"),
        ("ij,jk,jl->ikl", "leg 'j' appears 3 times; a bond joins exactly two legs"),
        ("ij,jk->iz", "output leg 'z' is on no input"),
        ("ij,jk->ikk", "output leg 'k' appears twice"),
        ("i,i->i", "leg 'i' is joined and also kept"),
        ("...i,i->...", "uses '...'"),
        ("i1,1j->ij", "has '1'; legs are single letters"),
    ],
)
def test_contraction_bad_subscripts(subscripts, match):
    with pytest.raises(ValueError, match=match):
        D.draw_contraction(subscripts)


def test_contraction_bad_names_and_type():
    with pytest.raises(ValueError, match="names has 3 entries; subscripts 'ij,jk->ik' has 2 operands"):
        D.draw_contraction("ij,jk->ik", names=["A", "B", "C"])
    with pytest.raises(TypeError, match="subscripts must be an einsum string"):
        D.draw_contraction(["ij", "jk"])


# --- draw_chain ---

def bonds_by_x(ax):
    return sorted(lines(ax, "bond"), key=lambda ln: ln.get_xdata()[0])


@pytest.mark.parametrize("N", [1, 2, 5, 20])
def test_chain_counts(N):
    ax = D.draw_chain(N, bond_dims=list(range(2, N + 1)))
    assert isinstance(ax, plt.Axes)
    assert len(patches(ax, "node")) == N
    assert len(lines(ax, "leg")) == N
    assert len(lines(ax, "bond")) == N - 1
    labels = [t for t in texts(ax, "bond_label")]
    assert [t.get_text() for t in sorted(labels, key=lambda t: t.get_position()[0])] == [
        str(d) for d in range(2, N + 1)
    ]
    assert not lines(ax, "cut")


def test_chain_without_dims_has_no_bond_labels_and_uncoloured_particles():
    ax = D.draw_chain(4)
    assert texts(ax, "bond_label") == []
    assert all(same_color(p.get_facecolor(), "white") for p in patches(ax, "particle"))


@given(N=st.integers(2, 12), data=st.data())
def test_chain_cut_highlights_exactly_the_crossed_bond(N, data):
    t = data.draw(st.integers(1, N - 1))
    ax = D.draw_chain(N, bond_dims=3, cut=t)
    bonds = bonds_by_x(ax)
    hot = [i for i, ln in enumerate(bonds) if same_color(ln.get_color(), COLORS["cut"])]
    assert hot == [t - 1]
    assert all(ln.get_linewidth() < bonds[t - 1].get_linewidth() for i, ln in enumerate(bonds) if i != t - 1)
    (cut,) = lines(ax, "cut")
    assert cut.get_linestyle() == "--" and same_color(cut.get_color(), COLORS["cut"])
    # the dashed line sits between site t-1 and site t
    xs = sorted(p.center[0] for p in patches(ax, "node"))
    assert xs[t - 1] < cut.get_xdata()[0] < xs[t]
    # with no rows given, the left part is side P
    parts = sorted(patches(ax, "particle"), key=lambda p: p.center[0])
    assert [same_color(p.get_facecolor(), COLORS["side_P"]) for p in parts] == [j < t for j in range(N)]
    plt.close("all")


def test_chain_block_cut_crosses_two_bonds_and_states_the_bound():
    ax = D.draw_chain(8, bond_dims=[2, 3, 4, 5, 4, 3, 2], cut=(2, 5))
    bonds = bonds_by_x(ax)
    hot = [i for i, ln in enumerate(bonds) if same_color(ln.get_color(), COLORS["cut"])]
    assert hot == [1, 4]
    assert len(lines(ax, "cut")) == 2
    assert "rank <= 3 x 4 = 12" in ax.get_title()
    # a block at the end crosses one bond
    ax = D.draw_chain(8, cut=(5, 8))
    assert [i for i, ln in enumerate(bonds_by_x(ax)) if same_color(ln.get_color(), COLORS["cut"])] == [4]


def test_chain_rows_colour_particles_by_side():
    rows = [0, 2, 5]
    ax = D.draw_chain(6, rows=rows)
    parts = sorted(patches(ax, "particle"), key=lambda p: p.center[0])
    for j, p in enumerate(parts):
        assert same_color(p.get_facecolor(), COLORS["side_P"] if j in rows else COLORS["side_Q"])
    # rows may be either side of the cut
    ax = D.draw_chain(6, cut=2, rows=[2, 3, 4, 5])
    parts = sorted(patches(ax, "particle"), key=lambda p: p.center[0])
    assert [same_color(p.get_facecolor(), COLORS["side_P"]) for p in parts] == [False, False, True, True, True, True]


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(N=5, cut=5), ValueError, r"cut must be between 1 and N-1 = 4 \(the cut after site t-1\), got 5"),
        (dict(N=5, cut=0), ValueError, "cut must be between 1 and N-1 = 4"),
        (dict(N=5, cut=(0, 5)), ValueError, r"not be the whole chain, got \(0, 5\)"),
        (dict(N=5, cut=(3, 2)), ValueError, r"0 <= a < b <= N = 5"),
        (dict(N=5, cut=(1, 2, 3)), ValueError, "cut must be an int t or a pair"),
        (dict(N=5, bond_dims=[2, 2, 2]), ValueError, "bond_dims has 3 entries; a chain of N=5 cores has N-1 = 4 bonds"),
        (dict(N=5, bond_dims=[2, 2, 0, 2]), ValueError, r"bond_dims\[2\] must be >= 1, got 0"),
        (dict(N=5, bond_dims=0), ValueError, "bond_dims must be >= 1, got 0"),
        (dict(N=5, rows=[1, 5]), ValueError, r"rows has axis 5, out of range for a tensor with 5 axes"),
        (dict(N=5, rows=[0, 0]), ValueError, "rows repeats axis 0"),
        (dict(N=5, cut=2, rows=[0, 2]), ValueError, r"rows \[0, 2\] is neither side of the cut 2"),
        (dict(N=0), ValueError, "N must be >= 1, got 0"),
        (dict(N=2.5), TypeError, "N must be an integer"),
    ],
)
def test_chain_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        D.draw_chain(**kwargs)


# --- draw_matricization ---

def test_matricization_groups_and_shape():
    shape, rows = (2, 3, 2, 3, 2), (3, 0)
    ax = D.draw_matricization(shape, rows)
    assert len(patches(ax, "node")) == 1
    legs = lines(ax, "leg")
    assert len(legs) == 5
    n_P = sum(same_color(ln.get_color(), COLORS["side_P"]) for ln in legs)
    n_Q = sum(same_color(ln.get_color(), COLORS["side_Q"]) for ln in legs)
    assert (n_P, n_Q) == (2, 3)
    # the shape in the title is the shape numpy gives the same transpose + reshape
    A = np.zeros(shape)
    m, n = A.transpose(3, 0, 1, 2, 4).reshape(3 * 2, -1).shape
    assert f"a {m} x {n} matrix" in ax.get_title()
    assert "rows (3, 0), columns (1, 2, 4)" in ax.get_title()
    # row legs are on the left of the node, column legs on the right
    for ln in legs:
        x_end = ln.get_xdata()[-1]
        assert (x_end < 0) == same_color(ln.get_color(), COLORS["side_P"])
    assert {t.get_text() for t in texts(ax, "leg_label")} == {"0: d=2", "1: d=3", "2: d=2", "3: d=3", "4: d=2"}


def test_matricization_empty_side():
    ax = D.draw_matricization((2, 3), rows=())
    assert "a 1 x 6 matrix" in ax.get_title()


@pytest.mark.parametrize(
    "shape, rows, exc, match",
    [
        ((2, 3, 4), (3,), ValueError, "rows has axis 3, out of range for a tensor with 3 axes"),
        ((2, 3, 4), (1, 1), ValueError, "rows repeats axis 1"),
        ((2, 0, 4), (0,), ValueError, r"shape\[1\] must be >= 1, got 0"),
        ((), (), ValueError, "shape must be a sequence of at least one leg dimension"),
        ((2, 3), ("a",), TypeError, "rows must hold integers"),
    ],
)
def test_matricization_bad_input(shape, rows, exc, match):
    with pytest.raises(exc, match=match):
        D.draw_matricization(shape, rows)


@pytest.mark.parametrize("draw", [lambda ax: D.draw_chain(4, ax=ax), lambda ax: D.draw_tensor(3, ax=ax),
                                  lambda ax: D.draw_contraction("ij,jk->ik", ax=ax), lambda ax: D.new_axes(ax=ax)])
def test_an_array_of_axes_is_refused_with_a_hint(draw):
    fig, axs = plt.subplots(1, 2)
    with pytest.raises(TypeError, match=r"ax must be a matplotlib Axes.*pass one of them, e\.g\. axs\[0\]"):
        draw(axs)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes or None, got int"):
        draw(5)
    assert draw(axs[0]) is axs[0]  # one of them works
    plt.close(fig)


def test_plain_log_axis_and_contraction_dims_are_checked():
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes, got NoneType"):
        D.plain_log_axis(None)
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="which must be 'x' or 'y'"):
        D.plain_log_axis(ax, which="z")
    with pytest.raises(ValueError, match=r"dims\['i'\] must be >= 1"):
        D.draw_contraction("ij,jk->ik", dims={"i": -3}, ax=ax)
    with pytest.raises(ValueError, match="dims has leg 'z', which is not in subscripts"):
        D.draw_contraction("ij,jk->ik", dims={"z": 2}, ax=ax)
    with pytest.raises(TypeError, match="dims must be a dict"):
        D.draw_contraction("ij,jk->ik", dims=5, ax=ax)
    with pytest.raises(TypeError, match="names must be a sequence"):
        D.draw_contraction("ij,jk->ik", names=5, ax=ax)
    with pytest.raises(ValueError, match="has no legs to draw"):
        D.draw_contraction("->", ax=ax)
    with pytest.raises(ValueError, match="legs: 1000000 legs is more than a readable diagram holds"):
        D.draw_tensor(10**6, ax=ax)
    plt.close(fig)
