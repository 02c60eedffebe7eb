"""tnlite._grad_dense and tnlite._grad_overlap: all amplitudes and their vector-Jacobian product at once.

The forward pass is compared with each class's own ``to_dense``; the backward pass with
the networks' per-configuration ``vjp`` on the one-hot inputs of every configuration (an
independent implementation) and, for the networks without one, with central finite
differences of ``to_dense``.
"""
import numpy as np
import pytest

import tnlite as tl
from tnlite import _grad_dense as gd

rng = np.random.default_rng(5)


def _all_inputs(N, M=2):
    configs = np.indices((M,) * N).reshape(N, -1).T
    return tl.one_hot(configs, M)


MAKERS = {
    "MPS": lambda: tl.MPS.random(8, 2, 3, rng=1),
    "MPS, d=3": lambda: tl.MPS.random(5, 3, 4, rng=2),
    "RAC": lambda: tl.RAC.random(8, 2, 3, rng=3),
    "RAC, odd N": lambda: tl.RAC.random(7, 2, 4, rng=4),
    "RAC, M=3": lambda: tl.RAC.random(5, 3, 3, rng=5),
    "RAC, depth 2": lambda: tl.RAC.random(6, 2, 3, rng=6, depth=2),
    "RAC, depth 3": lambda: tl.RAC.random(6, 2, 2, rng=7, depth=3),
    "ConvAC": lambda: tl.ConvAC.random(8, 2, (2, 3, 2), rng=8),
    "ConvAC, shared": lambda: tl.ConvAC.random(8, 2, (3, 2, 2), rng=9, shared=True),
    "ConvAC2D": lambda: tl.ConvAC2D.random(4, 2, (3, 2), rng=10),
    "ShallowConvAC": lambda: tl.ShallowConvAC.random(7, 2, 3, rng=11),
    "RBM": lambda: tl.RBM.random(8, 3, rng=12),
    "RBM, local": lambda: tl.RBM.random(9, 5, rng=13, window=2),
}
WITH_VJP = list(MAKERS)
OVERLAPPING = {
    "1D, K=2, depth 2": lambda: tl.OverlappingConvAC.random(8, 2, 2, 2, 2, rng=14),
    "1D, K=3, depth 1": lambda: tl.OverlappingConvAC.random(7, 2, 3, 3, 1, rng=15),
    "1D, depth 0": lambda: tl.OverlappingConvAC.random(6, 2, 2, 2, 0, rng=16),
    "2D, side 3, depth 1": lambda: tl.OverlappingConvAC.random_2d(3, 2, 2, 2, 1, rng=17),
    "2D, side 4, depth 2": lambda: tl.OverlappingConvAC.random_2d(4, 2, 2, 2, 2, rng=18),
}


@pytest.mark.parametrize("name", list(MAKERS) + list(OVERLAPPING))
def test_forward_is_to_dense(name):
    net = {**MAKERS, **OVERLAPPING}[name]()
    A, _ = gd.forward(net)
    dense = net.to_dense().ravel()
    if isinstance(net, tl.RBM):  # the RBM's amplitudes come divided by the largest (a fixed scale)
        dense = dense / dense.max()
    np.testing.assert_allclose(A, dense, rtol=1e-12, atol=1e-14 * np.abs(dense).max())


@pytest.mark.parametrize("name", WITH_VJP)
def test_backward_equals_the_per_configuration_vjp(name):
    net = MAKERS[name]()
    A, tape = gd.forward(net)
    G = rng.standard_normal(A.size)
    mine = gd.backward(net, tape, G)
    X = _all_inputs(net.N, net.phys_dims[0])
    scale = net.to_dense().ravel().max() if isinstance(net, tl.RBM) else 1.0
    ref = net.vjp(X, G / scale)
    assert [a.shape for a in mine] == [a.shape for a in net.params()]
    for a, b in zip(mine, ref):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12 * np.abs(b).max())


@pytest.mark.parametrize("name", OVERLAPPING)
def test_overlapping_backward_matches_finite_differences(name):
    net = OVERLAPPING[name]()
    A, tape = gd.forward(net)
    G = rng.standard_normal(A.size)
    grads = gd.backward(net, tape, G)
    eps = 1e-6
    for k, P in enumerate(net.params()):
        D = rng.standard_normal(P.shape)
        up, down = (net.with_params([p + s * eps * D if i == k else p for i, p in enumerate(net.params())])
                    .to_dense().ravel() for s in (1, -1))
        fd = G @ (up - down) / (2 * eps)
        assert abs(fd - np.sum(grads[k] * D)) <= 1e-6 * (abs(fd) + 1e-9), (name, k)


def test_supports_float_single_score_networks_only():
    assert gd.supports(tl.MPS.random(4, 2, 2, rng=0))
    assert not gd.supports(tl.MPS.random(4, 2, 2, rng=0, p=tl.PRIME))
    assert not gd.supports(tl.ConvAC.random(4, 2, (2, 2), rng=0, C=3))
    assert not gd.supports(tl.TreeTN.random(4, 2, 2, rng=0))  # goes through its own vjp
