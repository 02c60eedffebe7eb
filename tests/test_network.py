"""Every network class follows the one interface of tnlite.network, checked the same way for all.

The checks compare verbs with each other and with independent computations: entries of
to_dense() against amplitudes(), the score on one-hot features against the amplitudes,
the score on random features against the dense tensor contracted with them, the min cut
against exact ranks mod p, with_params() against the original.
"""
import inspect

import numpy as np
import pytest

import tnlite as tl

# name -> (make a float instance, make an exact one); all small enough to go dense
MAKERS = {
    "MPS": lambda p=None: tl.MPS.random(6, 2, 3, rng=1, p=p),
    "TreeTN": lambda p=None: tl.TreeTN.random(8, 2, (2, 3, 2), rng=1, p=p),
    "ConvAC": lambda p=None: tl.ConvAC.random(8, 2, (2, 3, 2), rng=1, p=p),
    "ConvAC2D": lambda p=None: tl.ConvAC2D.random(4, 2, (2, 3), rng=1, p=p),
    "ShallowConvAC": lambda p=None: tl.ShallowConvAC.random(6, 2, 3, rng=1, p=p),
    "CP": lambda p=None: tl.CP.random(6, 2, 3, rng=1, p=p),
    "RAC": lambda p=None: tl.RAC.random(6, 2, 3, rng=1, p=p),
    "RBM": lambda p=None: tl.RBM.random(6, 3, rng=1, p=p),
    "OverlappingConvAC": lambda p=None: tl.OverlappingConvAC.random(6, 2, 2, 2, 2, rng=1, p=p),
}
# Networks whose score is not multilinear in the features, so that it equals A contracted with
# the features only on one-hot inputs: those that use an input more than once (information
# re-use: a polynomial of higher degree in each f(x_j)) and the RBM (an exponential of them).
# For them the test checks instead that the score is NOT that contraction.
NOT_MULTILINEAR = {"OverlappingConvAC": "re-uses its inputs", "RBM": "exp and cosh of its inputs"}
CLASSES = {name: getattr(tl, name) for name in MAKERS}


def test_every_network_class_is_a_network_and_every_network_is_here():
    assert all(issubclass(cls, tl.Network) for cls in CLASSES.values())
    listed = {name for name in dir(tl) if isinstance(getattr(tl, name), type)
              and issubclass(getattr(tl, name), tl.Network) and getattr(tl, name) is not tl.Network}
    assert listed == set(CLASSES), "a new network class needs a line in MAKERS"


@pytest.mark.parametrize("name", MAKERS)
def test_random_requires_rng_and_takes_p(name):
    params = inspect.signature(CLASSES[name].random).parameters
    assert "rng" in params and params["rng"].default is inspect.Parameter.empty
    assert "p" in params and params["p"].default is None


@pytest.mark.parametrize("p", [None, tl.PRIME], ids=["float", "exact"])
@pytest.mark.parametrize("name", MAKERS)
def test_the_verbs_agree_with_each_other(name, p):
    net = MAKERS[name](p=p)
    A = net.to_dense()
    assert A.shape == net.phys_dims and len(net.phys_dims) == net.N
    assert net.n_params == sum(a.size for a in net.params()) > 0
    rng = np.random.default_rng(0)
    M = net.phys_dims[0]
    configs = rng.integers(0, M, size=(50, net.N))
    entries = A[tuple(configs.T)]
    if p is None:
        X = rng.standard_normal((4, net.N, M))
        ops = [[a for j in range(net.N) for a in (x[j], [j])] for x in X]
        expected = [np.einsum(A, list(range(net.N)), *o, []) for o in ops]
        close = lambda a, b: np.testing.assert_allclose(a, b, atol=1e-10 * np.abs(b).max())  # noqa: E731
    else:  # integer features, contracted in exact Python integers, then reduced
        X = rng.integers(0, 5, size=(4, net.N, M))
        ops = [[a for j in range(net.N) for a in (x[j].astype(object), [j])] for x in X]
        expected = [int(np.einsum(A.astype(object), list(range(net.N)), *o, [])) % p for o in ops]
        close = np.testing.assert_array_equal
    close(net.amplitudes(configs), entries)
    close(net.score(tl.one_hot(configs, M)), entries)
    if name in NOT_MULTILINEAR:
        with pytest.raises(AssertionError):
            close(net.score(X), expected)
    else:
        close(net.score(X), expected)  # score = A contracted with one feature vector per input


@pytest.mark.parametrize("name", MAKERS)
def test_with_params_rebuilds_the_same_network_and_refuses_wrong_shapes(name):
    net = MAKERS[name]()
    same = net.with_params([a.copy() for a in net.params()])
    np.testing.assert_array_equal(same.to_dense(), net.to_dense())
    new = [2 * a for a in net.params()]
    twin = net.with_params(new)
    assert type(twin) is type(net) and twin.phys_dims == net.phys_dims
    assert all(np.array_equal(x, y) for x, y in zip(twin.params(), new))
    assert not np.allclose(twin.to_dense(), net.to_dense())
    assert np.array_equal(net.to_dense(), MAKERS[name]().to_dense())  # self unchanged
    k = len(new)
    with pytest.raises(ValueError, match=rf"params must be a list of {k} arrays"):
        net.with_params(net.params()[:-1])
    bad = [a for a in net.params()]
    bad[0] = np.zeros(bad[0].shape + (1,))
    with pytest.raises(ValueError, match=r"params\[0\] must have shape"):
        net.with_params(bad)


@pytest.mark.parametrize("name", MAKERS)
def test_min_cut_bounds_the_exact_rank_on_every_partition_and_graph_matches(name):
    net = MAKERS[name](p=tl.PRIME)
    A = net.to_dense()
    assert A.dtype == np.int64 and A.min() >= 0 and A.max() < tl.PRIME
    g = net.graph()
    assert isinstance(g, tl.Graph) and [d for _, d in g.legs] == list(net.phys_dims)
    rng = np.random.default_rng(3)
    for _ in range(12):
        rows = sorted(rng.choice(net.N, size=int(rng.integers(1, net.N)), replace=False).tolist())
        cut = net.min_cut(rows)
        rank = tl.rank_mod_p(A, rows)
        assert rank <= cut.rank_bound, (rows, rank, cut)
        assert cut.rank_bound == tl.min_cut(g.edges, g.legs, rows, g.deltas).rank_bound  # min_cut is graph's


# ---- training verbs: vjp against central finite differences, log_abs_score against log|score|
def _well_scored(net, rng, n=8, keep=4):
    """Features whose scores are not near 0 (where log|score| and its differences are ill-conditioned)."""
    X = rng.standard_normal((n, net.N, net.phys_dims[0]))
    s = net.score(X)
    s = np.abs(s).min(axis=1) if s.ndim == 2 else np.abs(s)
    return X[np.argsort(-s)[:keep]]


def _finite_differences(net, f, eps=1e-6):
    """Central differences of the scalar f(network) with respect to every entry of every params() array."""
    ps = [np.asarray(a, dtype=float) for a in net.params()]
    out = []
    for k, P in enumerate(ps):
        G = np.zeros_like(P)
        for idx in np.ndindex(P.shape):
            for sign in (1, -1):
                q = [a.copy() for a in ps]
                q[k][idx] += sign * eps
                G[idx] += sign * f(net.with_params(q)) / (2 * eps)
        out.append(G)
    return out


def _trainable(name):
    return type(MAKERS[name]()).vjp is not tl.Network.vjp


def test_the_networks_without_a_backward_pass_are_the_re_use_ones():
    """Every network class trains except the information re-use networks (to come with their own issue)."""
    assert {name for name in MAKERS if not _trainable(name)} == {"OverlappingConvAC"}


TRAINABLE = dict({name: make for name, make in MAKERS.items() if _trainable(name)}, **{
    "ConvAC (C=3)": lambda p=None: tl.ConvAC.random(8, 2, (2, 3, 2), rng=1, p=p, C=3),
    "ConvAC (shared)": lambda p=None: tl.ConvAC.random(8, 3, (2, 3, 2), rng=2, p=p, shared=True),
    "ConvAC2D (C=2)": lambda p=None: tl.ConvAC2D.random(4, 2, (2, 3), rng=1, p=p, C=2),
    "ShallowConvAC (C=2)": lambda p=None: tl.ShallowConvAC.random(6, 2, 3, rng=1, p=p, C=2),
    "RAC (depth 3)": lambda p=None: tl.RAC.random(5, 2, 3, rng=1, p=p, depth=3),
})


@pytest.mark.parametrize("log", [False, True], ids=["score", "log"])
@pytest.mark.parametrize("name", TRAINABLE)
def test_vjp_equals_central_finite_differences(name, log):
    net = TRAINABLE[name]()
    rng = np.random.default_rng(4)
    X = _well_scored(net, rng)
    g = rng.standard_normal(net.score(X).shape)
    if log:
        f = lambda n: float(np.sum(g * np.log(np.abs(n.score(X)))))  # noqa: E731  (plain log of the plain score)
    else:
        f = lambda n: float(np.sum(g * n.score(X)))  # noqa: E731
    grads = net.vjp(X, g, log=log)
    expected = _finite_differences(net, f)
    assert [G.shape for G in grads] == [a.shape for a in net.params()]
    for G, E in zip(grads, expected):
        np.testing.assert_allclose(G, E, rtol=1e-6, atol=1e-6 * max(np.abs(E).max(), 1e-12))


@pytest.mark.parametrize("name", TRAINABLE)
def test_log_abs_score_is_log_of_the_score_where_it_is_finite(name):
    net = TRAINABLE[name]()
    X = np.random.default_rng(5).standard_normal((20, net.N, net.phys_dims[0]))
    s = net.score(X)
    logabs, sign = net.log_abs_score(X)
    assert logabs.shape == sign.shape == s.shape
    np.testing.assert_allclose(logabs, np.log(np.abs(s)), rtol=0, atol=1e-10)
    assert np.array_equal(sign, np.sign(s))


LONG = {  # N = 256 inputs (the 2D one on a 16 x 16 grid)
    "MPS": lambda: tl.MPS.random(256, 4, 8, rng=1),
    "TreeTN": lambda: tl.TreeTN.random(256, 4, 4, rng=1),
    "ConvAC": lambda: tl.ConvAC.random(256, 4, [8] * 8, rng=1, C=2),
    "ConvAC2D": lambda: tl.ConvAC2D.random(16, 4, [8] * 4, rng=1),
    "ShallowConvAC": lambda: tl.ShallowConvAC.random(256, 4, 8, rng=1),
    "CP": lambda: tl.CP.random(256, 4, 8, rng=1),
    "RAC": lambda: tl.RAC.random(256, 4, 8, rng=1, depth=2),
    "RBM": lambda: tl.RBM.random(256, 64, rng=1, window=8),
}


@pytest.mark.parametrize("scale", [1.0, 1e100, 1e-100])
@pytest.mark.parametrize("name", LONG)
def test_the_log_domain_path_is_finite_at_N_256_where_the_plain_score_is_not(name, scale):
    assert set(LONG) == {name for name in MAKERS if _trainable(name)}
    net = LONG[name]()
    rng = np.random.default_rng(6)
    M = net.phys_dims[0]
    X = tl.one_hot(rng.integers(0, M, size=(40, 256)), M) * scale
    logabs, sign = net.log_abs_score(X)
    grads = net.vjp(X, rng.standard_normal(logabs.shape), log=True)
    assert np.isfinite(logabs).all() and np.all(sign != 0)
    assert all(np.isfinite(G).all() for G in grads)
    # 256 factors of 1e+-100 each: the plain score cannot be represented (the RBM's spins
    # s = X[..., 0] - X[..., 1] shrink to 0 at 1e-100, where its plain amplitude is finite)
    if scale != 1.0 and not (name == "RBM" and scale < 1):
        with np.errstate(all="ignore"):
            plain = net.score(X)
        assert not np.all(np.isfinite(plain) & (plain != 0))
        # log|score| moves by 256 log(scale) exactly (the score is homogeneous of degree 256 in
        # the features) -- except for the deep RAC, whose degree in each input is higher, and
        # the RBM, whose log-amplitude is not a polynomial of its inputs
        if name not in ("RAC", "RBM"):
            np.testing.assert_allclose(logabs - net.log_abs_score(X / scale)[0], 256 * np.log(scale), rtol=1e-12)


def test_a_network_without_a_backward_pass_says_so_by_name():
    class Bare(tl.Network):
        N, phys_dims = 2, (2, 2)

    with pytest.raises(NotImplementedError, match="Bare has no vjp"):
        Bare().vjp(np.ones((1, 2, 2)), np.ones(1))
    with pytest.raises(NotImplementedError, match="Bare has no log_abs_score"):
        Bare().log_abs_score(np.ones((1, 2, 2)))


@pytest.mark.parametrize("name", [name for name in MAKERS if _trainable(name)])
def test_vjp_refuses_exact_networks_and_upstream_of_the_wrong_shape(name):
    with pytest.raises(ValueError, match="floating point"):
        MAKERS[name](p=tl.PRIME).vjp(np.ones((2, MAKERS[name]().N, 2)), np.ones(2))
    net = MAKERS[name]()
    with pytest.raises(ValueError, match=r"g must have the shape of score\(X\), \(3,\)"):
        net.vjp(np.ones((3, net.N, 2)), np.ones(4))
