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
    "OverlappingConvAC": lambda p=None: tl.OverlappingConvAC.random(6, 2, 2, 2, 2, rng=1, p=p),
}
# Networks that use an input more than once (information re-use): their score is a
# polynomial of higher degree in each f(x_j), equal to A contracted with the features only
# on one-hot inputs. For them the test checks instead that the score is NOT multilinear.
REUSES_INPUTS = {"OverlappingConvAC"}
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
    if name in REUSES_INPUTS:
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
