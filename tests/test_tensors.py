"""tnlite.tensors against numpy done another way, closed forms, and laws."""
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

import tnlite as tl


@st.composite
def tensors_and_rows(draw, max_axes=5):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=max_axes)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    A = rng.standard_normal(shape) + 1j * rng.standard_normal(shape) * draw(st.booleans())
    rows = draw(st.permutations(range(len(shape))))[: draw(st.integers(0, len(shape)))]
    return A, list(rows)


def test_matricize_orders_rows_as_given_then_columns_ascending():
    A = np.arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5)
    M = tl.matricize(A, [2, 0])
    assert M.shape == (8, 15)
    for a in range(2):
        for b in range(3):
            for c in range(4):
                for d in range(5):
                    assert M[c * 2 + a, b * 5 + d] == A[a, b, c, d]


@given(tensors_and_rows())
def test_schmidt_rank_is_matrix_rank_and_bounded_by_both_sides(case):
    A, rows = case
    M = tl.matricize(A, rows)
    r = tl.schmidt_rank(A, rows)
    assert r == np.linalg.matrix_rank(M)
    assert r <= min(M.shape)


@given(tensors_and_rows())
def test_entropy_is_at_most_log2_of_the_smaller_side(case):
    A, rows = case
    M = tl.matricize(A, rows)
    S = tl.entanglement_entropy(A, rows)
    assert -1e-12 <= S <= math.log2(min(M.shape)) + 1e-9
    # independent route: squared singular values of the normalised matricization (an SVD;
    # the function itself diagonalises a Gram matrix)
    p = np.linalg.svd(M / np.linalg.norm(M), compute_uv=False) ** 2
    p = p[p > 1e-15]
    assert S == pytest.approx(float(-(p * np.log2(p)).sum()), abs=1e-9)


def test_entropy_with_schmidt_values_spread_over_many_decades():
    rng = np.random.default_rng(3)
    s = np.array([1.0, 0.3, 1e-3, 1e-6, 1e-9, 0.0])
    U = np.linalg.qr(rng.standard_normal((8, 6)) + 1j * rng.standard_normal((8, 6)))[0]
    V = np.linalg.qr(rng.standard_normal((16, 6)))[0]
    A = ((U * s) @ V.T).reshape(2, 2, 2, 2, 2, 2, 2)  # Schmidt values s on (0, 1, 2 | 3, 4, 5, 6)
    p = s[s > 0] ** 2 / (s**2).sum()
    exact = float(-(p * np.log2(p)).sum())
    assert tl.entanglement_entropy(A, [0, 1, 2]) == pytest.approx(exact, rel=1e-12)
    assert tl.entanglement_entropy(A, [3, 4, 5, 6]) == pytest.approx(exact, rel=1e-12)


@given(tensors_and_rows(max_axes=6))
def test_entropy_profile_equals_the_entropy_at_each_cut(case):
    A, _ = case
    if A.ndim < 2 or not np.any(A):
        return
    expected = [tl.entanglement_entropy(A, range(l)) for l in range(1, A.ndim)]
    np.testing.assert_allclose(tl.entropy_profile(A), expected, atol=1e-9)


def test_entropy_profile_of_ghz_w_and_in_nats():
    np.testing.assert_allclose(tl.entropy_profile(tl.ghz_state(7)), np.ones(6), atol=1e-12)
    q = np.arange(1, 6) / 6
    h2 = -(q * np.log(q) + (1 - q) * np.log(1 - q))
    np.testing.assert_allclose(tl.entropy_profile(tl.w_state(6), base=np.e), h2, atol=1e-12)


def test_entropy_units_and_scale_invariance():
    psi = tl.random_state(6, 2, rng=3)
    bits = tl.entanglement_entropy(psi, [0, 1, 2])
    nats = tl.entanglement_entropy(psi, [0, 1, 2], base=np.e)
    assert nats == pytest.approx(bits * np.log(2))
    assert tl.entanglement_entropy(7.5 * psi, [0, 1, 2]) == pytest.approx(bits)


@pytest.mark.parametrize("N", [2, 5, 8])
def test_ghz_has_one_bit_and_product_has_zero_at_every_cut(N):
    ghz = tl.ghz_state(N)
    rng = np.random.default_rng(N)
    prod = tl.product_state(rng.standard_normal((N, 2)))
    for t in range(1, N):
        assert tl.entanglement_entropy(ghz, range(t)) == pytest.approx(1.0)
        assert tl.schmidt_rank(ghz, range(t)) == 2
        assert tl.entanglement_entropy(prod, range(t)) == pytest.approx(0.0, abs=1e-12)
        assert tl.schmidt_rank(prod, range(t)) == 1


def test_ghz_of_qutrits_has_log2_3_bits():
    assert tl.entanglement_entropy(tl.ghz_state(4, d=3), [0, 1]) == pytest.approx(math.log2(3))


@pytest.mark.parametrize("N,k", [(3, 1), (5, 2), (6, 3)])
def test_w_state_entropy_is_the_binary_entropy_of_k_over_n(N, k):
    q = k / N
    expected = -(q * math.log2(q) + (1 - q) * math.log2(1 - q))
    W = tl.w_state(N)
    assert np.linalg.norm(W) == pytest.approx(1.0)
    assert W[(1,) + (0,) * (N - 1)] == pytest.approx(1 / math.sqrt(N))
    assert tl.entanglement_entropy(W, range(k)) == pytest.approx(expected)


def test_random_state_is_normalised_reproducible_and_near_page():
    a = tl.random_state(14, 2, rng=np.random.default_rng(0))
    b = tl.random_state(14, 2, rng=0)
    assert np.iscomplexobj(a) and a.shape == (2,) * 14
    assert np.linalg.norm(a) == pytest.approx(1.0)
    np.testing.assert_array_equal(a, b)
    assert tl.entanglement_entropy(a, range(7)) == pytest.approx(tl.page_entropy(128, 128), abs=0.02)
    assert np.isrealobj(tl.random_state(4, 3, rng=1, real=True))


def test_page_entropy_closed_form():
    assert tl.page_entropy(4, 16, base=np.e) == pytest.approx(np.log(4) - 4 / 32)
    assert tl.page_entropy(16, 4) == pytest.approx((np.log(4) - 4 / 32) / np.log(2))


def test_schmidt_rank_tolerance_is_documented_default_or_given():
    A = np.diag([1.0, 1e-3, 1e-17]).reshape(3, 3)
    assert tl.schmidt_rank(A, [0]) == 2
    assert tl.schmidt_rank(A, [0], tol=1e-2) == 1
    assert tl.schmidt_rank(np.zeros((2, 2)), [0]) == 0


def _outer_mod(vectors, p):
    t = vectors[0]
    for v in vectors[1:]:
        t = np.multiply.outer(t, v) % p
    return t


@pytest.mark.parametrize("k", [1, 2, 4, 7])
def test_rank_mod_p_of_a_sum_of_k_products_is_k(k):
    rng = np.random.default_rng(k)
    p = tl.PRIME
    A = sum(_outer_mod([rng.integers(0, p, 3) for _ in range(4)], p) for _ in range(k)) % p
    assert tl.rank_mod_p(A, [0, 1]) == min(k, 9)
    assert tl.rank_mod_p(A, [2]) == min(k, 3)


def test_rank_mod_p_agrees_with_float_rank_on_small_integers():
    rng = np.random.default_rng(5)
    for _ in range(20):
        A = rng.integers(-1, 2, size=(3, 3, 2))
        assert tl.rank_mod_p(A, [0]) == np.linalg.matrix_rank(tl.matricize(A, [0]).astype(float))


def test_size_guard_refuses_before_allocating():
    with pytest.raises(ValueError, match=r"refusing to build a dense random state of 1,073,741,824 entries"):
        tl.random_state(30, 2, rng=0)
    with pytest.raises(ValueError, match=r"GHZ state of 1,099,511,627,776 entries"):
        tl.ghz_state(40)
    with pytest.raises(ValueError, match=r"MAX_DENSE_ENTRIES"):
        tl.product_state(np.ones((27, 2)))
    with pytest.raises(ValueError, match=r"W state"):
        tl.w_state(64)


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: tl.matricize(np.ones((2, 2)), [0, 0]), ValueError, "rows repeats axis 0"),
        (lambda: tl.matricize(np.ones((2, 2)), [2]), ValueError, "rows has axis 2, out of range for a tensor with 2 axes"),
        (lambda: tl.matricize(np.ones((2, 2)), [-1]), ValueError, "rows has axis -1"),
        (lambda: tl.matricize(np.ones((2, 2)), ["a"]), TypeError, "rows must hold integers"),
        (lambda: tl.matricize(np.ones((2, 2)), 1.5), TypeError, "rows must be a sequence"),
        (lambda: tl.matricize(5.0, [0]), ValueError, "A must have at least 1 axes"),
        (lambda: tl.matricize([["a"]], [0]), TypeError, "A must hold numbers"),
        (lambda: tl.schmidt_rank(np.ones((2, 2)), [0], tol=-1), ValueError, "tol must be a finite number >= 0"),
        (lambda: tl.entanglement_entropy(np.ones((2, 2)), [0], base=1), ValueError, "base must be positive and not 1"),
        (lambda: tl.entanglement_entropy(np.ones((2, 2)), [0], base="2"), TypeError, "base must be a number"),
        (lambda: tl.entanglement_entropy(np.zeros((2, 2)), [0]), ValueError, "the zero tensor"),
        (lambda: tl.entropy_profile(np.zeros((2, 2))), ValueError, "A is all zeros"),
        (lambda: tl.entropy_profile(np.ones(4)), ValueError, r"A must have at least 2 axes, got shape \(4,\)"),
        (lambda: tl.entropy_profile(np.ones((2, 2)), base=0), ValueError, "base must be positive"),
        (lambda: tl.product_state(np.ones(3)), ValueError, r"local_states must have 2 axes, got shape \(3,\)"),
        (lambda: tl.product_state(np.zeros((2, 2))), ValueError, "local_states row 0 is zero"),
        (lambda: tl.ghz_state(0), ValueError, "N must be >= 1, got 0"),
        (lambda: tl.ghz_state(3, d=1), ValueError, "d must be >= 2"),
        (lambda: tl.w_state(2.5), TypeError, "N must be an integer"),
        (lambda: tl.ghz_state(True), TypeError, "N must be an integer, got the bool True"),
        (lambda: tl.random_state(4, 2, rng=None), TypeError, "rng is required"),
        (lambda: tl.random_state(4, 2, rng="seed"), TypeError, "rng must be a numpy.random.Generator or an int seed"),
        (lambda: tl.random_state(-1, 2, rng=0), ValueError, "N must be >= 1, got -1"),
        (lambda: tl.page_entropy(0, 4), ValueError, "m must be >= 1"),
        (lambda: tl.rank_mod_p(np.ones((2, 2)), [0]), TypeError, "A must hold integers"),
        (lambda: tl.rank_mod_p(np.ones((2, 2), int), [0], p=15), ValueError, "p must be a prime"),
        (lambda: tl.rank_mod_p(np.ones((2, 2), int), [0], p=2**31 - 1), ValueError, "p must be a prime no larger than 2\\*\\*24"),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def _with(A, index, value):
    A = np.array(A, dtype=np.result_type(A, float))
    A[index] = value
    return A


_PSI = tl.random_state(4, 2, rng=3)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, complex(0, np.nan)])
@pytest.mark.parametrize(
    "call, name",
    [
        (lambda A: tl.matricize(A, [0]), "A"),
        (lambda A: tl.schmidt_values(A, [0, 1]), "A"),
        (lambda A: tl.schmidt_rank(A, [0]), "A"),
        (lambda A: tl.entanglement_entropy(A, [1]), "A"),
        (lambda A: tl.entropy_profile(A), "A"),
        (lambda A: tl.entropy_from_schmidt(A.ravel()[:4]), "s"),
        (lambda A: tl.product_state(A.reshape(8, 2)), "local_states"),
    ],
)
def test_nan_and_inf_entries_are_refused_naming_the_argument(call, name, bad):
    # before: nan Schmidt values, entropies of -0.0 or nan, or LinAlgError from LAPACK
    with pytest.raises(ValueError, match=f"^{name} has nan or inf entries"):
        call(_with(_PSI, (0, 0, 0, 0), bad))


def test_entropy_from_schmidt_refuses_nan_instead_of_returning_nan():
    with pytest.raises(ValueError, match="s has nan or inf entries"):
        tl.entropy_from_schmidt([np.nan, 1.0])
    with pytest.raises(ValueError, match="s has nan or inf entries"):
        tl.entropy_from_schmidt([np.inf, 1.0])


@pytest.mark.parametrize("tol, exc", [(True, TypeError), ("a", TypeError), ([1e-3], TypeError), (None, None),
                                      (np.nan, ValueError), (np.inf, ValueError), (-1e-3, ValueError)])
def test_schmidt_rank_tol_must_be_a_finite_non_negative_number(tol, exc):
    if exc is None:
        assert tl.schmidt_rank(np.diag([1.0, 1e-3]), [0], tol=tol) == 2
        return
    for A in (np.diag([1.0, 1e-3]), np.zeros((2, 2))):  # checked before the zero-tensor shortcut too
        with pytest.raises(exc, match="tol must be a finite number >= 0"):
            tl.schmidt_rank(A, [0], tol=tol)


def test_schmidt_rank_accepts_numpy_and_integer_tolerances():
    A = np.diag([1.0, 1e-3, 1e-6])  # singular values 1, 1e-3, 1e-6: the rank is how many exceed tol
    assert tl.schmidt_rank(A, [0], tol=np.float32(1e-4)) == 2
    assert tl.schmidt_rank(A, [0], tol=0) == 3
    assert tl.schmidt_rank(A, [0], tol=np.int64(1)) == 0


@pytest.mark.parametrize("base", [np.inf, -np.inf, np.nan])
@pytest.mark.parametrize(
    "call",
    [
        lambda b: tl.entanglement_entropy(_PSI, [0], base=b),
        lambda b: tl.entropy_from_schmidt([1, 1], base=b),
        lambda b: tl.entropy_profile(_PSI, base=b),
        lambda b: tl.page_entropy(2, 4, base=b),
    ],
)
def test_infinite_or_nan_base_is_refused(call, base):
    # before: base=inf gave 0.0 bits for every state
    with pytest.raises(ValueError, match="base must be positive and not 1, and finite"):
        call(base)


@pytest.mark.parametrize("real", ["yes", "no", None, 2, 1.0, [True]])
def test_random_state_refuses_non_bool_real(real):
    with pytest.raises(TypeError, match="real must be True or False"):
        tl.random_state(3, 2, rng=0, real=real)


def test_random_state_accepts_numpy_bools():
    assert tl.random_state(3, 2, rng=0, real=np.True_).dtype == np.float64
    assert tl.random_state(3, 2, rng=0, real=np.False_).dtype == np.complex128


@pytest.mark.parametrize(
    "shape, exc, match",
    [
        (5, TypeError, "shape must be a sequence of ints, got int 5"),
        (None, TypeError, "shape must be a sequence of ints"),
        ([2.5], TypeError, r"shape must hold ints, got 2.5 \(float\)"),
        (["a"], TypeError, "shape must hold ints"),
        ([True, 2], TypeError, r"shape must hold ints, got True \(bool\)"),
        ([-1, 3], ValueError, "shape must hold non-negative ints, got -1"),
        ([-4, -4], ValueError, "shape must hold non-negative ints, got -4"),
    ],
)
def test_guard_dense_refuses_a_malformed_shape(shape, exc, match):
    with pytest.raises(exc, match=match):
        tl.guard_dense(shape)


def test_guard_dense_counts_entries_and_names_shape_and_count():
    assert tl.guard_dense([4, 5, 6]) == 120
    assert tl.guard_dense((np.int64(3), 0, 2**40)) == 0  # an empty array is never too big
    assert tl.guard_dense(()) == 1
    assert tl.guard_dense([2] * 26) == 2**26  # the limit itself is allowed
    with pytest.raises(ValueError, match=r"of 268,435,456 entries \(shape 16384 x 16384\)"):
        tl.guard_dense([2**14, 2**14])
    with pytest.raises(ValueError, match=r"GHZ state of 1,099,511,627,776 entries \(shape 2\^40\)"):
        tl.ghz_state(40)


def test_guard_dense_on_a_million_axes_reports_the_count_as_a_power_of_ten():
    # 2**(10**6) = 10**301029.99...: the exact product of a million dims is not formed
    with pytest.raises(ValueError, match=r"about 10\^301030 entries \(shape 2\^1000000\)"):
        tl.ghz_state(10**6)


@pytest.mark.parametrize("rows", [{0: 1}, "01"])
def test_rows_given_as_a_dict_or_string_is_refused(rows):
    # before: a dict silently used its keys, {0: 1} -> rows (0,)
    with pytest.raises(TypeError, match="rows must be a sequence of axis indices"):
        tl.matricize(_PSI, rows)
