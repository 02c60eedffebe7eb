"""Named errors (dtype, seed, empty arrays, extreme widths) and scale: entropies and Schmidt
spectra do not depend on the norm of the state; scores say how large they get."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

import tnlite as tl
from tnlite import spins, train


RANDOM_BUILDERS = {
    "random_state": lambda rng: tl.random_state(2, 2, rng=rng),
    "MPS.random": lambda rng: tl.MPS.random(3, 2, 2, rng=rng),
    "TreeTN.random": lambda rng: tl.TreeTN.random(2, 2, 2, rng=rng),
    "RAC.random": lambda rng: tl.RAC.random(3, 2, 2, rng=rng),
    "ConvAC.random": lambda rng: tl.ConvAC.random(2, 2, (2,), rng=rng),
    "ConvAC2D.random": lambda rng: tl.ConvAC2D.random(2, 2, (2,), rng=rng),
    "ShallowConvAC.random": lambda rng: tl.ShallowConvAC.random(2, 2, 2, rng=rng),
    "CP.random": lambda rng: tl.CP.random(2, 2, 2, rng=rng),
}


@given(seed=st.integers(max_value=-1), build=st.sampled_from(sorted(RANDOM_BUILDERS)))
def test_a_negative_seed_is_refused_by_name(seed, build):
    with pytest.raises(ValueError, match=rf"^rng must be a numpy.random.Generator or an int seed >= 0, got {seed}$"):
        RANDOM_BUILDERS[build](seed)


@given(seed=st.integers(0, 2**200), build=st.sampled_from(sorted(RANDOM_BUILDERS)))
def test_any_non_negative_seed_is_accepted_and_reproducible(seed, build):
    a, b = RANDOM_BUILDERS[build](seed), RANDOM_BUILDERS[build](np.random.default_rng(seed))
    for x, y in zip(getattr(a, "params", lambda: [a])(), getattr(b, "params", lambda: [b])()):
        np.testing.assert_array_equal(x, y)


LINALG = {
    "schmidt_values": lambda A: tl.schmidt_values(A, (0,)),
    "schmidt_rank": lambda A: tl.schmidt_rank(A, (0,)),
    "entanglement_entropy": lambda A: tl.entanglement_entropy(A, (0,)),
    "entropy_profile": lambda A: tl.entropy_profile(A),
    "TreeTN.from_dense": lambda A: tl.TreeTN.from_dense(A),
}


@pytest.mark.parametrize("dtype", [np.float16, np.longdouble, np.clongdouble])
@pytest.mark.parametrize("fn", sorted(LINALG))
def test_dtypes_numpy_linalg_cannot_take_are_refused_by_name(fn, dtype):
    A = np.ones((2, 2, 2, 2), dtype=dtype)
    with pytest.raises(TypeError, match=rf"^A has dtype {np.dtype(dtype).name}, which numpy's linear algebra"):
        LINALG[fn](A)


@pytest.mark.parametrize("dtype", [np.float16, np.longdouble])
def test_ground_state_refuses_those_dtypes_by_name(dtype):
    with pytest.raises(TypeError, match=rf"^H has dtype {np.dtype(dtype).name}, which numpy's linear algebra"):
        spins.ground_state(np.eye(4, dtype=dtype))


@given(shape=st.lists(st.integers(0, 3), min_size=1, max_size=4).filter(lambda s: 0 in s), data=st.data())
def test_empty_tensors_matricize_to_empty_matrices(shape, data):
    A = np.zeros(shape)
    rows = data.draw(st.permutations(range(len(shape))))[: data.draw(st.integers(0, len(shape)))]
    M = tl.matricize(A, rows)
    n_rows = int(np.prod([shape[j] for j in rows]))
    assert M.shape == (n_rows, int(np.prod(shape)) // n_rows if n_rows else int(np.prod([shape[j] for j in range(len(shape)) if j not in rows])))
    assert tl.schmidt_values(A, rows).shape == (min(M.shape),)
    assert tl.schmidt_rank(A, rows) == 0
    assert tl.rank_mod_p(A.astype(int), rows) == 0


@pytest.mark.parametrize("fn", [lambda A: tl.entanglement_entropy(A, (0,)), tl.entropy_profile,
                                lambda A: tl.TreeTN.from_dense(A)])
def test_empty_tensors_have_no_entropy_or_decomposition_and_say_so(fn):
    with pytest.raises(ValueError, match=r"^A is empty, shape \(2, 0, 2, 2\)"):
        fn(np.zeros((2, 0, 2, 2)))


def test_entropy_from_schmidt_refuses_an_empty_spectrum_by_name():
    with pytest.raises(ValueError, match=r"^s is empty"):
        tl.entropy_from_schmidt(np.zeros(0))


def test_cp_random_names_its_own_argument():
    with pytest.raises(ValueError, match=r"^d must be >= 1, got 0$"):
        tl.CP.random(4, 0, 2, rng=0)


def test_shallow_convac_names_w_when_it_has_too_few_positions():
    with pytest.raises(ValueError, match=r"^W must have N >= 2 positions"):
        tl.ShallowConvAC(np.ones((1, 2, 2)), np.ones(2))


def test_page_entropy_takes_dimensions_beyond_float_range():
    m = 2**1100
    assert tl.page_entropy(m, m) == pytest.approx(1100 - 1 / (2 * np.log(2)))


# ---------------------------------------------------------------------------- gaussian features
@given(width=st.floats(1e-300, 1e308), x=st.lists(st.floats(-10, 10), min_size=1, max_size=4))
def test_gaussian_features_take_any_positive_width(width, x):
    centers = [0.0, 1.0, -3.5]
    F = tl.gaussian_features(np.array([x]), np.array(centers), width)  # no OverflowError, no 0/0
    expected = [[math.exp(-(((xj - c) / width) ** 2) / 2) if abs(xj - c) / width < 1e150 else 0.0 for c in centers]
                for xj in x]
    np.testing.assert_allclose(F[0], expected, rtol=1e-12, atol=1e-300)
    assert F[0, 0, 0] == 1.0 or x[0] != 0.0  # on a centre: exactly 1


@given(width=st.floats(1e-100, 1e100), e=st.integers(-600, 600))
def test_gaussian_features_are_invariant_under_a_common_scale(width, e):
    # a power of 2 scales x, the centres and the width exactly: the features must not move
    x, centers, s = np.array([[0.0, 0.25, -1.0]]) * width, np.array([0.0, 1.0]) * width, 2.0**e
    np.testing.assert_array_equal(tl.gaussian_features(x * s, centers * s, width * s),
                                  tl.gaussian_features(x, centers, width))


# ---------------------------------------------------------------------------- scale
def _state(seed, N=6):
    rng = np.random.default_rng(seed)
    psi = rng.standard_normal((2,) * N) + 1j * rng.standard_normal((2,) * N)
    return psi / np.linalg.norm(psi)


def _svd_entropy(psi, rows):
    """Independent: bits from the SVD of the normalised matricization, in plain numpy."""
    cols = [j for j in range(psi.ndim) if j not in rows]
    M = psi.transpose(list(rows) + cols).reshape(2 ** len(rows), -1)
    p = np.linalg.svd(M / np.linalg.norm(M), compute_uv=False) ** 2
    p = p[p > 1e-300]
    return float(-(p * np.log2(p)).sum())


scales = st.integers(-300, 300).map(lambda e: 10.0**e)


@given(c=scales, seed=st.integers(0, 5), l=st.integers(1, 5))
def test_entanglement_entropy_does_not_depend_on_the_scale(c, seed, l):
    psi = _state(seed)
    assert tl.entanglement_entropy(c * psi, range(l)) == pytest.approx(_svd_entropy(psi, range(l)), abs=1e-10)


@given(c=scales, seed=st.integers(0, 5))
def test_entropy_profile_does_not_depend_on_the_scale(c, seed):
    psi = _state(seed)
    expected = [_svd_entropy(psi, range(l)) for l in range(1, 6)]
    np.testing.assert_allclose(tl.entropy_profile(c * psi), expected, atol=1e-10)


@given(c=scales, seed=st.integers(0, 5))
def test_schmidt_values_scale_with_the_state(c, seed):
    psi = _state(seed)
    s = np.linalg.svd(psi.reshape(8, 8), compute_uv=False)
    np.testing.assert_allclose(tl.schmidt_values(c * psi, (0, 1, 2)) / c, s, rtol=1e-12, atol=1e-14)


@given(c=scales, s=st.lists(st.floats(0, 1), min_size=1, max_size=6).filter(lambda s: max(s) > 1e-3))
def test_entropy_from_schmidt_does_not_depend_on_the_scale(c, s):
    s = np.array(s)
    p = s**2 / np.sum(s**2)
    p = p[p > 0]
    assert tl.entropy_from_schmidt(c * s) == pytest.approx(float(-(p * np.log2(p)).sum()), abs=1e-12)


def test_the_scales_the_issue_names():
    psi = _state(0, N=8)
    exact = _svd_entropy(psi, range(4))
    for c in (1e-160, 1e-200, 1e160, 1e300):
        assert tl.entanglement_entropy(c * psi, range(4)) == pytest.approx(exact, abs=1e-12)
    assert tl.entropy_from_schmidt(np.array([0.8, 0.6]) * 1e160) == pytest.approx(
        -(0.64 * np.log2(0.64) + 0.36 * np.log2(0.36)), abs=1e-15)


@given(c=scales, seed=st.integers(0, 5))
def test_mps_from_dense_is_scale_equivariant(c, seed):
    psi = _state(seed)
    expected = [_svd_entropy(psi, range(l)) for l in range(1, 6)]
    m = tl.MPS.from_dense(c * psi)
    np.testing.assert_allclose(m.entropies(), expected, atol=1e-10)
    np.testing.assert_allclose(m.to_dense() / c, psi, atol=1e-12)
    cut, ref = tl.MPS.from_dense(c * psi, max_bond=2), tl.MPS.from_dense(psi, max_bond=2)
    assert cut.discarded_weight == pytest.approx(ref.discarded_weight, rel=1e-10)
    np.testing.assert_allclose(cut.to_dense() / c, ref.to_dense(), atol=1e-12)


@given(c=scales, seed=st.integers(0, 5))
def test_tree_from_dense_is_scale_equivariant(c, seed):
    psi = _state(seed, N=4)
    t, ref = tl.TreeTN.from_dense(c * psi, max_bond=2), tl.TreeTN.from_dense(psi, max_bond=2)
    assert t.discarded_weight == pytest.approx(ref.discarded_weight, rel=1e-10)
    np.testing.assert_allclose(t.to_dense() / c, ref.to_dense(), atol=1e-12)


def test_a_tiny_nonzero_state_is_not_called_zero():
    psi = _state(1) * 1e-200
    assert np.vdot(psi, psi) == 0  # its squared norm underflows
    assert tl.entanglement_entropy(psi, (0,)) > 0.5
    assert tl.MPS.from_dense(psi).entropies()[0] > 0.5


# ---------------------------------------------------------------------------- scores, training, helpers
def test_every_score_docstring_states_the_magnitude_and_the_log_domain_route():
    for cls in (tl.MPS, tl.TreeTN, tl.RAC, tl.ConvAC, tl.ConvAC2D, tl.ShallowConvAC, tl.CP, tl.RBM, tl.OverlappingConvAC):
        assert cls.log_abs_score is not tl.Network.log_abs_score, f"{cls.__name__} has no log-domain route"
        doc = cls.score.__doc__
        assert "log_abs_score" in doc and ("0" in doc and "inf" in doc), cls.__name__


def test_the_score_magnitudes_the_docstrings_quote():
    # MPS.score: "a normalised state's amplitudes are about d**(-N/2)": the mean square over
    # all 2**N configurations is exactly 2**-N (the norm), here checked at N = 12
    N, net = 12, tl.MPS.random(12, 2, 4, rng=0)
    configs = np.array(list(np.ndindex((2,) * N)))
    assert np.mean(net.score(tl.one_hot(configs, 2)) ** 2) == pytest.approx(2.0**-N, rel=1e-10)
    # at N = 2048 the score is exactly 0 while log_abs_score is finite and near -N/2 log 2
    long, X = tl.MPS.random(2048, 2, 4, rng=0), tl.one_hot(np.zeros((2, 2048), int), 2)
    logabs, sign = long.log_abs_score(X)
    assert np.all(long.score(X) == 0) and np.all(np.isfinite(logabs)) and np.all(sign != 0)
    assert np.all(logabs < -300 * np.log(10))


def test_training_helpers_name_their_arguments():
    net = tl.ConvAC.random(4, 2, (2, 2), rng=0, C=2)
    X, y = np.ones((4, 4, 2)) / 2, np.array([0, 1, 0, 1])
    with pytest.raises(ValueError, match=r"^y must have shape \(4,\)"):
        train.evaluate(net, X, np.asarray(1.0))
    with pytest.raises(TypeError, match=r"^y must hold integer class labels"):
        train.train_step(net, X, y + 0.5, train.CrossEntropy(), train.Adam(net.params(), 0.01))
    with pytest.raises(ValueError, match=r"^out must be the pair"):
        train.CrossEntropy.predict((np.zeros((0, 2)), np.zeros((0, 2))))
    with pytest.raises(ValueError, match=r"^X must have shape \(B, N, M\) with B >= 1"):
        train.predict(net, np.zeros((0, 4, 2)))
    with pytest.raises(ValueError, match=r"^params\[0\] and grads\[0\] must have shape"):
        train.Adam(net.params(), 0.01).step(net.params(), [np.zeros(1)] + net.params()[1:])
    with pytest.raises(ValueError, match=r"^jitter=1e\+308 overflows the weights"):
        train.positive(net, rng=0, jitter=1e308)
    with np.errstate(invalid="ignore"), pytest.raises(ValueError, match=r"^the loss has no finite gradient on X: at sample 0"):
        train.train_step(net, np.zeros((4, 4, 2)), y, train.CrossEntropy(), train.Adam(net.params(), 0.01))


def test_rbm_takes_boolean_one_hot_features():
    net, configs = tl.RBM.random(5, 3, rng=0), np.random.default_rng(0).integers(0, 2, (6, 5))
    X = tl.one_hot(configs, 2)
    np.testing.assert_allclose(net.score(X.astype(bool)), net.amplitudes(configs), rtol=1e-12)



@pytest.mark.parametrize("N, side, K, depth", [(6, None, 2, 2), (9, None, 3, 2), (8, None, 1, 3), (5, None, 2, 0),
                                               (None, 4, 2, 1), (None, 5, 2, 2)])
def test_overlapping_convac_log_abs_score_matches_the_score(N, side, K, depth):
    net = (tl.OverlappingConvAC.random(N, 2, 3, K, depth, rng=1) if side is None
           else tl.OverlappingConvAC.random_2d(side, 2, 3, K, depth, rng=1))
    X = np.random.default_rng(3).standard_normal((7, net.N, 2))
    s = net.score(X)
    logabs, sign = net.log_abs_score(X)
    np.testing.assert_allclose(logabs, np.log(np.abs(s)), atol=1e-12)
    np.testing.assert_array_equal(sign, np.sign(s))


def test_overlapping_convac_log_abs_score_is_finite_where_the_score_is_zero():
    # N = 2048: the score underflows to exactly 0; log_abs_score is finite and homogeneous:
    # each of the n_L = N - depth (K-1) last positions reads K**depth input instances, so
    # scaling X by c adds n_L K**depth log c (c = 1e300: every score overflows if formed)
    N, K, depth = 2048, 2, 2
    net, X = tl.OverlappingConvAC.random(N, 2, 4, K, depth, rng=0), tl.one_hot(np.random.default_rng(0).integers(0, 2, (3, N)), 2)
    logabs, sign = net.log_abs_score(X)
    assert np.all(net.score(X) == 0) and np.all(np.isfinite(logabs)) and np.all(sign != 0)
    scaled, sign2 = net.log_abs_score(X * 1e300)
    np.testing.assert_allclose(scaled - logabs, (N - depth * (K - 1)) * K**depth * np.log(1e300), rtol=1e-12)
    np.testing.assert_array_equal(sign2, sign)
