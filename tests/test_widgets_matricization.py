"""Lesson 01's panel driven headless: toggle legs, move k, check shape and rank.

The expected values are computed here independently: the tensor is rebuilt from the
same seed with np.einsum, matricized by an explicit transpose + reshape, and ranked
with np.linalg.matrix_rank.
"""
import string

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgba

from tnlite import widgets
from tnlite.diagrams import COLORS


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def reference_matrix(shape, k, rows, k_max, seed):
    """The panel's matricization, recomputed with einsum + transpose + reshape."""
    rng = np.random.default_rng(seed)
    vecs = [rng.standard_normal((k_max, d)) for d in shape]  # the panel draws its terms this way
    letters = string.ascii_lowercase[1 : len(shape) + 1]
    spec = ",".join("a" + c for c in letters) + "->" + letters  # sum over the term index a
    A = np.einsum(spec, *[V[:k] for V in vecs])
    cols = [j for j in range(len(shape)) if j not in rows]
    mat = A.transpose(list(rows) + cols).reshape(int(np.prod([shape[j] for j in rows])), -1)
    return mat


def reference(shape, k, rows, k_max, seed):
    """(m, n) and numpy's matrix_rank of the panel's matricization."""
    mat = reference_matrix(shape, k, rows, k_max, seed)
    return mat.shape, int(np.linalg.matrix_rank(mat))


def test_toggling_legs_changes_shape_and_rank_as_numpy_says():
    shape, k_max = (2, 3, 2, 3, 2), 10
    panel = widgets.build_matricization(shape, k=5, rows=(0,), k_max=k_max, rng=3)
    assert panel.data["rows"] == (0,)
    assert (panel.data["shape"], panel.data["rank"]) == reference(shape, 5, (0,), k_max, 3) == ((2, 36), 2)
    seen = set()
    for leg in (1, 3, 4, 0):  # grow then shrink the row side
        panel.controls[f"leg{leg}"].value = not panel.controls[f"leg{leg}"].value
        rows = panel.data["rows"]
        expected = reference(shape, 5, rows, k_max, 3)
        assert (panel.data["shape"], panel.data["rank"]) == expected
        assert f"{expected[0][0]} x {expected[0][1]} matrix: rank {expected[1]}" == panel.artists["ax_values"].get_title()
        seen.add(expected)
    assert rows == (1, 3, 4)
    assert len(seen) >= 3  # the toggles really moved the shape and the rank


def test_k_sets_the_rank_until_the_matrix_is_full():
    shape = (2, 3, 2, 3)
    panel = widgets.build_matricization(shape, k=1, rows=(0, 1), rng=0)  # 6 x 6
    ranks = []
    for k in range(1, 9):
        panel.controls["k"].value = k
        assert (panel.data["shape"], panel.data["rank"]) == reference(shape, k, (0, 1), 10, 0)
        ranks.append(panel.data["rank"])
    assert ranks == [1, 2, 3, 4, 5, 6, 6, 6]  # min(k, 6, 6)
    # the plotted points are the singular values, the dashed line the tolerance
    x, y = panel.artists["values"].get_data()
    s_ref = np.linalg.svd(reference_matrix((2, 3, 2, 3), 8, (0, 1), 10, 0), compute_uv=False)
    assert list(x) == [1, 2, 3, 4, 5, 6] and np.allclose(y, s_ref, rtol=1e-10)
    assert np.allclose(panel.artists["threshold"].get_ydata(), panel.data["tol"])


def test_diagram_is_redrawn_with_the_groups_coloured():
    panel = widgets.build_matricization((2, 2, 3, 3), k=2, rows=(2,), rng=1)
    ax = panel.artists["ax_diagram"]

    def n_row_legs():
        legs = [ln for ln in ax.lines if ln.get_gid() == "leg"]
        assert len(legs) == 4  # old legs removed, not piled up
        return sum(np.allclose(to_rgba(ln.get_color()), to_rgba(COLORS["side_P"])) for ln in legs)

    assert n_row_legs() == 1
    panel.controls["leg0"].value = True
    assert n_row_legs() == 2 and "rows (0, 2)" in ax.get_title()
    assert "rank <b>2</b>" in panel.text.value


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(shape=(2,)), ValueError, "shape must have 2 to 6 legs"),
        (dict(shape=(2, 0, 2)), ValueError, r"shape\[1\] must be >= 1, got 0"),
        (dict(shape=4), ValueError, "shape must be a sequence of leg dimensions"),
        (dict(k=11), ValueError, "k must be <= k_max = 10, got 11"),
        (dict(k=0), ValueError, "k must be >= 1, got 0"),
        (dict(rows=(4,)), ValueError, "rows has axis 4, out of range for a tensor with 4 axes"),
        (dict(rng=None), TypeError, "rng is required"),
    ],
)
def test_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        widgets.build_matricization(**kwargs)
