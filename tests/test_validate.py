"""Tests of tnlite._validate's shared checks, against direct numpy tests of the same property."""
import numpy as np
import pytest

from tnlite._validate import as_array, as_features, as_nonnegative


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.complex64, np.complex128])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_as_array_refuses_nan_and_inf_by_default(dtype, bad):
    A = np.ones((3, 4), dtype=dtype)
    A[2, 1] = bad
    assert not np.isfinite(A).all()  # the independent statement of what is refused
    with pytest.raises(ValueError, match="^weights has nan or inf entries$"):
        as_array(A, "weights")
    kept = as_array(A, "weights", finite=False)  # opt-out for hot-path batches: entries come back as given
    assert kept.shape == A.shape and kept.dtype == A.dtype
    np.testing.assert_array_equal(kept, A)  # the same values, nan/inf in the same places (nan matches nan)


def test_as_array_accepts_finite_entries_whose_sum_overflows():
    # the fast path sums the array; an overflowing sum of finite entries must not be refused
    for A in (np.array([1e308, 1e308, -1e308]), np.full(4, 60000, dtype=np.float16),
              np.array([1e308 + 1e308j, 1e308 + 0j])):
        assert np.isfinite(A).all()
        with np.errstate(over="ignore"):
            assert not np.isfinite(A.sum())
        np.testing.assert_array_equal(as_array(A, "A"), A)


def test_as_array_skips_integers_and_bools_and_keeps_the_array():
    for A in (np.arange(6).reshape(2, 3), np.ones(3, bool), [1, 2, 3]):
        np.testing.assert_array_equal(as_array(A, "A"), np.asarray(A))
    A = np.ones((2, 2))
    assert as_array(A, "A") is A  # no copy on the way


def test_as_features_lets_nan_through():
    # a batch of features is large and scored often: nan in gives a visible nan score out
    X = np.ones((5, 4, 2))
    X[3, 1, 0] = np.nan
    assert np.isnan(as_features(X, 4, 2)[3, 1, 0])


@pytest.mark.parametrize("x, exc", [(True, TypeError), (np.True_, TypeError), ("1", TypeError), (None, TypeError),
                                    ([0.1], TypeError), (np.nan, ValueError), (np.inf, ValueError),
                                    (-1e-300, ValueError)])
def test_as_nonnegative_refuses(x, exc):
    with pytest.raises(exc, match="w must be a finite number >= 0"):
        as_nonnegative(x, "w")


def test_as_nonnegative_returns_a_float():
    for x in (0, 3, 0.25, np.float32(0.5), np.int64(7)):
        y = as_nonnegative(x, "w")
        assert type(y) is float and y == float(x)
