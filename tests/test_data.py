"""tnlite.data: the tasks are what their docstrings say and deterministic for a seed; the digits are
read from the file scikit-learn ships; the data entanglement equals the SVD of the data tensor built
densely, by both of its routes."""
import importlib

import numpy as np
import pytest

import tnlite as tl
from tnlite import data

ent_module = importlib.import_module("tnlite.data.entanglement")  # the module; data.entanglement is the function


@pytest.mark.parametrize("make", [lambda s: data.sequences(16, 4, "local", 50, rng=s),
                                  lambda s: data.images(8, 4, "global", 50, rng=s),
                                  lambda s: data.digits("local", 3, rng=s)])
def test_generators_are_deterministic_for_a_seed(make):
    (X1, y1), (X2, y2), (X3, _) = make(0), make(0), make(1)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("task", data.TASKS)
def test_without_noise_class_1_relates_every_pair_and_only_across_its_partition(task):
    N, M = 16, 4
    X, y = data.sequences(N, M, task, 400, rng=3, noise=0.0)
    c = X.argmax(axis=2)  # back to symbols
    pairs = data.partners(N, task)
    a, b = c[:, pairs[:, 0]], c[:, pairs[:, 1]]
    related = (a == b) if task == "local" else ((a >= M // 2) == (b >= M // 2))
    assert related[y == 1].all() and not related[y == 0].all()
    assert np.bincount(y).tolist() == [200, 200]
    crosses = "even" if task == "local" else "halves"
    left = pairs < N // 2
    parity = pairs % 2
    if crosses == "halves":
        assert np.all(left[:, 0] != left[:, 1]) and np.all(parity[:, 0] == parity[:, 1])
    else:
        assert np.all(parity[:, 0] != parity[:, 1]) and np.all(left[:, 0] == left[:, 1])


def test_image_pairs_cross_the_midline_or_the_checkerboard():
    side = 8
    r, c = np.divmod(data.partners(64, "global", side), side)
    assert np.all(r[:, 0] == r[:, 1]) and np.all(c[:, 0] < 4) and np.all(c[:, 1] == c[:, 0] + 4)
    r, c = np.divmod(data.partners(64, "local", side), side)
    assert np.all(r[:, 0] == r[:, 1]) and np.all(c[:, 1] == c[:, 0] + 1) and np.all(c[:, 0] % 2 == 0)
    black = set(tl.partitions.checkerboard(side))
    assert all((a in black) != (b in black) for a, b in data.partners(64, "local", side))  # across the checkerboard


def test_digits_are_the_shipped_images_moved_or_scrambled_not_changed():
    X, y = data.digits("plain", M=17)
    assert X.shape == (1797, 64, 17) and np.bincount(y).min() >= 170
    grey = X.argmax(axis=2)  # 17 levels: the pixel values 0..16 themselves
    G, yg = data.digits("global", M=17, rng=2)
    assert G.shape == (1797, 256, 17) and np.array_equal(y, yg)
    canvas = G.argmax(axis=2).reshape(-1, 16, 16)
    assert np.array_equal(np.sort(canvas.reshape(1797, -1), axis=1)[:, -64:], np.sort(grey, axis=1))  # same pixels
    L, _ = data.digits("local", M=17, rng=2)
    patches = lambda img: np.sort(img.reshape(-1, 4, 2, 4, 2).transpose(0, 1, 3, 2, 4).reshape(-1, 16, 4), axis=1)  # noqa
    assert np.array_equal(patches(L.argmax(axis=2)), patches(grey))  # the same 2x2 patches, moved
    two, y2 = data.digits("plain", M=2, classes=[3, 8])
    assert set(y2) == {0, 1} and len(y2) == np.sum((y == 3) | (y == 8))


def _dense_data_tensor(X, y):
    """(1/n) sum_s y_s f(x_1^s) (x) ... (x) f(x_N^s), written with einsum."""
    n, N, M = X.shape
    letters = "abcdefgh"[:N]
    ops = [X[:, j] for j in range(N)]
    return np.einsum("z," + ",".join("z" + c for c in letters) + "->" + letters, y, *ops) / n


@pytest.mark.parametrize("route", ["direct", "gram"])
def test_data_entanglement_is_the_entropy_of_the_dense_data_tensor(route, monkeypatch):
    if route == "gram":
        monkeypatch.setattr(ent_module, "_DIRECT", 0)
    rng = np.random.default_rng(0)
    X = rng.random((30, 6, 3))  # real features, not one-hot: overlaps between samples matter
    y = rng.integers(0, 2, size=30)
    D = _dense_data_tensor(X, np.where(y == 1, 1.0, -1.0))
    for rows in ([0, 1, 2], [0, 2, 4], [5], [1, 4]):
        s = np.linalg.svd(tl.matricize(D, rows), compute_uv=False)
        np.testing.assert_allclose(data.schmidt_values(X, y, rows)[:len(s)], s / np.linalg.norm(s), atol=1e-10)
        assert data.entanglement(X, y, rows) == pytest.approx(tl.entanglement_entropy(D, rows), abs=1e-9)
        assert data.entanglement(X, None, rows, base=np.e) == pytest.approx(
            tl.entanglement_entropy(_dense_data_tensor(X, np.ones(30)), rows, base=np.e), abs=1e-9)


def test_the_tasks_are_entangled_across_the_partition_they_relate():
    N = 16
    for task, high, low in (("global", range(8), range(0, 16, 2)), ("local", range(0, 16, 2), range(8))):
        X, y = data.sequences(N, 2, task, 2000, rng=0, noise=0.1)
        assert data.entanglement(X, y, high) > data.entanglement(X, y, low) + 1.0


def test_bad_input_is_refused_by_name():
    with pytest.raises(ValueError, match="task must be one of"):
        data.sequences(8, 4, "middle", 10, rng=0)
    with pytest.raises(ValueError, match="M must be even"):
        data.sequences(8, 3, "local", 10, rng=0)
    with pytest.raises(ValueError, match=r"noise must be a probability in \[0, 1\], got 2.0"):
        data.sequences(8, 4, "local", 10, rng=0, noise=2.0)
    with pytest.raises(ValueError, match="variant must be one of"):
        data.digits("rotated")
    X, y = data.sequences(8, 2, "local", 10, rng=0)
    with pytest.raises(ValueError, match="y must hold two classes"):
        data.entanglement(X, np.arange(10) % 3, [0, 1])
    with pytest.raises(ValueError, match=r"y must have shape \(10,\)"):
        data.entanglement(X, y[:5], [0, 1])
    with pytest.raises(ValueError, match="rows must leave both sides non-empty"):
        data.entanglement(X, y, range(8))


@pytest.mark.parametrize("task", data.TASKS)
@pytest.mark.parametrize("M", [2, 4])
def test_population_tensor_is_the_generating_process_enumerated(task, M):
    """Every class-1 draw (symbols and which pairs are kept) enumerated with its probability, in plain Python."""
    import itertools
    N, noise, half = 4, 0.1, M // 2
    pairs = [(0, 2), (1, 3)] if task == "global" else [(0, 1), (2, 3)]
    P1 = np.zeros((M,) * N)
    for x in itertools.product(range(M), repeat=N):
        for keep in itertools.product([True, False], repeat=2):
            z = list(x)
            for (a, b), k in zip(pairs, keep):
                if k:
                    z[b] = z[a] if task == "local" else z[b] % half + half * (z[a] >= half)
            P1[tuple(z)] += M**-N * np.prod([1 - noise if k else noise for k in keep])
    expected = (P1 - M**-N) / 2  # y = +1 for class 1, -1 for the uniform class 0, balanced
    np.testing.assert_allclose(data.population(N, M, task, noise), expected, atol=1e-15)


def test_the_sample_data_tensor_tends_to_the_population_one():
    X, y = data.sequences(4, 4, "global", 400_000, rng=3, noise=0.1)
    D = _dense_data_tensor(X, np.where(y == 1, 1.0, -1.0))
    err = np.abs(D - data.population(4, 4, "global", 0.1)).max()
    assert err < 5 / np.sqrt(400_000) * np.sqrt(2 / 4**4)  # 5 standard deviations of the largest entry's mean


def test_population_ranks_are_the_pairs_counted():
    """N = 8, M = 4: each pair table has rank 2 (global, one coarse bit) or M = 4 (local, the whole symbol),
    so P_1 has rank 2**4 = 16 (global, left | right) or 4**4 = 256 (local, even | odd) across the partition
    the pairs cross, 1 across the other; subtracting the uniform class 0 (rank 1, inside P_1's span) leaves
    15 and 255 there, and 2 across the partition no pair crosses."""
    halves, even_odd = tl.partitions.halves(8), tl.partitions.interleaved(8, 0)
    ranks = {task: tuple(tl.schmidt_rank(data.population(8, 4, task, 0.1), rows) for rows in (halves, even_odd))
             for task in data.TASKS}
    assert ranks == {"global": (15, 2), "local": (2, 255)}


def test_population_refuses_a_tensor_too_large_before_building_it():
    with pytest.raises(ValueError, match="population data tensor"):
        data.population(64, 4, "global")


def test_population_of_an_image_task_relates_its_image_pairs():
    D = data.population(16, 2, "local", 0.0, side=4)       # (r, 2c) with (r, 2c + 1): checkerboard-crossing pairs
    assert tl.schmidt_rank(D, tl.partitions.checkerboard(4, 0)) > tl.schmidt_rank(D, tl.partitions.left_right_2d(4))
    with pytest.raises(ValueError, match="side\\*\\*2 for images; got N=16, side=8"):
        data.population(16, 2, "local", side=8)
