"""The representation layer: one-hot and Gaussian features against their definitions."""
import numpy as np
import pytest

from tnlite import ConvAC, gaussian_features, one_hot


def test_one_hot_and_gaussian_features():
    X = one_hot([[0, 2, 1]], 3)
    assert X.shape == (1, 3, 3) and np.array_equal(X[0], np.eye(3)[[0, 2, 1]])
    F = gaussian_features([[0.0, 1.0]], [0.0, 0.5, 1.0])
    np.testing.assert_allclose(F[0, 0], np.exp(-np.array([0.0, 0.25, 1.0]) / (2 * 0.25)))
    assert F.shape == (1, 2, 3)
    net = ConvAC.random(2, 3, (2,), rng=0)
    assert np.isfinite(net.score(F)).all()


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(width=True), TypeError, "width must be a real number"),
    (dict(width="a"), TypeError, "width must be a real number"),
    (dict(width=[1.0]), TypeError, "width must be a real number"),
    (dict(width=np.inf), ValueError, r"width must be a positive number \(finite and > 0\), got inf"),
    (dict(width=np.nan), ValueError, r"width must be a positive number \(finite and > 0\), got nan"),
    (dict(width=0.0), ValueError, r"width must be a positive number"),
])
def test_gaussian_features_width_is_checked(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        gaussian_features(np.zeros((1, 2)), [0.0, 1.0], **kwargs)


def test_gaussian_features_refuse_complex_and_skip_repeated_centres():
    with pytest.raises(TypeError, match="x must be real"):
        gaussian_features(np.zeros((1, 2)) + 1j, [0.0, 1.0])
    with pytest.raises(TypeError, match="centers must be real"):
        gaussian_features(np.zeros((1, 2)), [0.0, 1j])
    # repeated centres: the default width is the smallest spacing between distinct ones (2)
    F = gaussian_features([[1.0]], [0.0, 0.0, 2.0])
    np.testing.assert_allclose(F[0, 0], np.exp(-np.array([1.0, 1.0, 1.0]) / (2 * 2.0**2)))
