"""Tests of tnlite.rac against independent computations: the recurrence run one
configuration at a time, einsum over the features, closed-form ranks, exact ranks mod p."""
import itertools

import numpy as np
import pytest
from hypothesis import given, strategies as st

import tnlite as tl
from tnlite.rac import RAC
from tnlite.tensors import PRIME, rank_mod_p


def all_configs(N, M):
    return np.array(list(itertools.product(range(M), repeat=N)), dtype=np.int64).reshape(-1, N)


def one_hot(configs, M):
    return np.eye(M)[configs]  # (B, N, M)


def brute_force_tensor(rac):
    """A[d] by running the recurrence on each configuration separately (plain Python)."""
    N, M = rac.N, rac.M
    A = np.zeros((M,) * N)
    for d in itertools.product(range(M), repeat=N):
        h = [np.array(h0, dtype=float) for h0 in rac.h0]
        for t in range(N):
            inp = np.asarray(rac.W_I[0])[:, d[t]]
            for k in range(rac.depth):
                h[k] = (rac.W_H[k] @ h[k]) * inp
                if k + 1 < rac.depth:
                    inp = rac.W_I[k + 1] @ h[k]
        A[d] = rac.W_O @ h[-1]
    return A


def rel_err(a, b):
    return np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300)


small = st.tuples(st.integers(1, 6), st.integers(1, 3), st.integers(1, 4)).filter(
    lambda nmr: nmr[1] ** nmr[0] <= 400
)


# -- depth 1: RAC == MPS == scores on one-hot inputs ------------------------------------
@given(small, st.integers(0, 10**6))
def test_coefficient_tensor_equals_mps_and_one_hot_scores(nmr, seed):
    N, M, R = nmr
    rac = RAC.random(N, M, R, rng=seed)
    A = rac.coefficient_tensor()
    assert A.shape == (M,) * N
    reference = brute_force_tensor(rac)
    assert rel_err(A, reference) < 1e-10
    assert rel_err(rac.to_mps().to_dense(), reference) < 1e-10
    configs = all_configs(N, M)
    assert rel_err(rac.score(one_hot(configs, M)), reference.reshape(-1)) < 1e-10


@given(small, st.integers(0, 10**6))
def test_score_is_multilinear_in_the_features(nmr, seed):
    """Depth 1: score(X) = sum_d A[d] prod_t X[:, t, d_t] for any real features."""
    N, M, R = nmr
    rac = RAC.random(N, M, R, rng=seed)
    X = np.random.default_rng(seed).standard_normal((5, N, M))
    A = brute_force_tensor(rac)
    letters = "abcdefgh"[:N]
    expr = letters + "," + ",".join(f"z{c}" for c in letters) + "->z"
    expected = np.einsum(expr, A, *[X[:, t, :] for t in range(N)])
    assert rel_err(rac.score(X), expected) < 1e-10


def test_mps_cores_have_the_delta_structure():
    rac = RAC.random(5, 3, 4, rng=0)
    cores = rac.mps_cores()
    W_H, W_I, h0, W_O = rac.W_H[0], rac.W_I[0], rac.h0[0], rac.W_O
    assert [c.shape for c in cores] == [(1, 3, 4), (4, 3, 4), (4, 3, 4), (4, 3, 4), (4, 3, 1)]
    for a, d, b in itertools.product(range(4), range(3), range(4)):
        assert cores[2][a, d, b] == pytest.approx(W_H[b, a] * W_I[b, d])
    assert np.allclose(cores[0][0], (W_H @ h0)[None, :] * W_I.T)
    assert np.allclose(cores[-1][:, :, 0], (W_H * W_O[:, None]).T @ W_I)
    assert np.allclose(RAC.random(1, 3, 4, rng=0).to_mps().to_dense(), brute_force_tensor(RAC.random(1, 3, 4, rng=0)))


def test_to_mps_at_N_60_matches_scores_on_one_hot_inputs():
    rac = RAC.random(60, 2, 4, rng=3)
    mps = rac.to_mps()
    assert mps.N == 60 and mps.bond_dims == (4,) * 59
    configs = np.random.default_rng(1).integers(0, 2, size=(1300, 60))  # crosses batch chunks
    scores = rac.score(one_hot(configs, 2))
    assert rel_err(mps.amplitudes(configs), scores) < 1e-10
    # weights drawn so that scores stay O(1), not 2**60 or 2**-60
    assert 1e-3 < np.median(np.abs(scores)) < 1e3


def test_explicit_weights_give_the_same_network():
    rng = np.random.default_rng(5)
    W_H, W_I, h0, W_O = rng.standard_normal((3, 3)), rng.standard_normal((3, 2)), rng.standard_normal(3), rng.standard_normal(3)
    rac = RAC(4, W_H, W_I, h0, W_O)
    assert (rac.N, rac.M, rac.R, rac.depth) == (4, 2, 3, 1)
    # written out with einsum, one step per factor
    A = np.einsum("a,ba,bi,cb,cj,dc,dk,ed,el,e->ijkl", h0, W_H, W_I, W_H, W_I, W_H, W_I, W_H, W_I, W_O)
    assert rel_err(rac.coefficient_tensor(), A) < 1e-12
    longer = rac.with_length(6)
    assert longer.N == 6
    for got, given in zip((longer.W_H[0], longer.W_I[0], longer.h0[0], longer.W_O), (W_H, W_I, h0, W_O)):
        np.testing.assert_array_equal(got, given)  # the same weights: only the length changes
    assert rel_err(rac.with_length(6).coefficient_tensor(), brute_force_tensor(rac.with_length(6))) < 1e-12


# -- ranks ------------------------------------------------------------------------------
@given(st.integers(2, 9), st.integers(1, 3), st.integers(1, 6), st.integers(0, 10**6))
def test_rank_at_every_contiguous_cut_is_min_R_M_t_M_N_minus_t_exactly(N, M, R, seed):
    if M**N > 5000:
        N = max(2, int(np.log(5000) / np.log(max(M, 2))))
    rac = RAC.random(N, M, R, rng=seed, p=PRIME)
    A = rac.coefficient_tensor()
    expected = [min(R, M**t, M ** (N - t)) for t in range(1, N)]
    assert [rank_mod_p(A, range(t), p=PRIME) for t in range(1, N)] == expected
    assert list(rac.rank_bounds()) == expected
    assert [rac.min_cut(range(t)).rank_bound for t in range(1, N)] == expected


def test_float_ranks_agree_with_the_formula_on_a_small_case():
    rac = RAC.random(10, 2, 5, rng=0)
    A = rac.coefficient_tensor()
    assert [tl.schmidt_rank(A, range(t)) for t in range(1, 10)] == [2, 4, 5, 5, 5, 5, 5, 4, 2]


@pytest.mark.parametrize("N, M, R, expected", [(6, 2, 2, 8), (8, 2, 2, 16), (6, 4, 2, 8), (6, 4, 3, 27), (6, 3, 2, 8)])
def test_interleaved_partition_rank_equals_delta_graph_min_cut(N, M, R, expected):
    """Odd/even: every bond is cut and each far-side input costs min(M, R)."""
    rac = RAC.random(N, M, R, rng=1, p=PRIME)
    rows = list(range(0, N, 2))
    assert rac.min_cut(rows).rank_bound == expected == min(M, R) ** (N // 2)
    assert rank_mod_p(rac.coefficient_tensor(), rows) == expected
    # the plain chain graph of the same MPS gives a looser bound when M > R
    chain = RAC.random(N, M, R, rng=1).to_mps().min_cut(rows).rank_bound
    assert chain >= expected and (chain > expected) == (M > R)


def test_graph_lists_deltas_and_weights():
    edges, legs, deltas = RAC.random(3, 5, 2, rng=0).graph()
    nodes = {u for u, v, _ in edges} | {v for u, v, _ in edges}
    assert {("delta", t) for t in range(3)} <= nodes and ("W_O",) in nodes
    assert deltas == {("delta", t): 2 for t in range(3)}
    assert legs == [(("W_I", t), 5) for t in range(3)]
    assert all(dim == 2 for _, _, dim in edges) and len(edges) == 1 + 3 + 2 * 2 + 1


# -- exact arithmetic mod p ---------------------------------------------------------------
def test_modular_rac_scores_and_cores_agree_with_its_coefficient_tensor():
    rac = RAC.random(5, 3, 3, rng=2, p=PRIME)
    A = rac.coefficient_tensor()
    assert A.dtype == np.int64 and A.min() >= 0 and A.max() < PRIME
    configs = all_configs(5, 3)
    assert np.array_equal(rac.score(one_hot(configs, 3).astype(np.int64)), A.reshape(-1))
    assert np.array_equal(rac.score(one_hot(configs, 3)), A.reshape(-1))  # float one-hot accepted
    # contract the cores mod p with Python ints (no overflow possible)
    cores = [c.astype(object) for c in rac.mps_cores()]
    T = cores[0].reshape(3, -1)
    for c in cores[1:]:
        T = (T @ c.reshape(c.shape[0], -1)).reshape(-1, c.shape[2]) % PRIME
    assert np.array_equal(T.reshape(A.shape).astype(np.int64), A)


def test_modular_weights_are_reduced():
    rac = RAC(3, [[PRIME + 1]], [[-1, 2]], [5], [1], p=PRIME)
    assert rac.W_H[0][0, 0] == 1 and rac.W_I[0][0, 0] == PRIME - 1
    # A[d] = h0 * W_H^3 * prod W_I[d_t] * W_O
    A = rac.coefficient_tensor()
    assert A[1, 1, 1] == 5 * 8 % PRIME and A[0, 0, 0] == (-5) % PRIME


# -- depth > 1 ------------------------------------------------------------------------------
@pytest.mark.parametrize("N, M, R, L", [(5, 2, 2, 2), (4, 3, 2, 2), (4, 2, 3, 3), (1, 2, 2, 2)])
def test_deep_rac_score_equals_coefficient_tensor_on_one_hot_inputs(N, M, R, L):
    rac = RAC.random(N, M, R, depth=L, rng=7)
    assert rac.depth == L and len(rac.W_H) == L
    A = rac.coefficient_tensor()
    reference = brute_force_tensor(rac)
    assert rel_err(A, reference) < 1e-10
    assert rel_err(rac.score(one_hot(all_configs(N, M), M)), reference.reshape(-1)) < 1e-10


def test_deep_rac_is_not_multilinear():
    """Depth 2 uses each input more than once: the score on general features is not A's multilinear form."""
    rac = RAC.random(3, 2, 2, depth=2, rng=0)
    X = np.random.default_rng(0).standard_normal((4, 3, 2))
    A = rac.coefficient_tensor()
    linear = np.einsum("abc,za,zb,zc->z", A, X[:, 0], X[:, 1], X[:, 2])
    assert rel_err(rac.score(X), linear) > 1e-3


def test_depth_two_start_end_rank_grows_with_T():
    """docs/science.md, RACs are matrix product states: M = R = 2, T = 2..14 gives 2, 4, 8, 10, 12, 14, 16 (exact); depth 1 stays at 2."""
    ranks, flat = [], []
    for T in range(2, 15, 2):
        deep = RAC.random(T, 2, 2, depth=2, rng=T, p=PRIME).coefficient_tensor()
        shallow = RAC.random(T, 2, 2, depth=1, rng=T, p=PRIME).coefficient_tensor()
        ranks.append(rank_mod_p(deep, range(T // 2)))
        flat.append(rank_mod_p(shallow, range(T // 2)))
    assert ranks == [2, 4, 8, 10, 12, 14, 16]
    assert flat == [2] * 7


def test_n_params_counts_every_weight():
    for L in (1, 2, 3):
        rac = RAC.random(7, 3, 4, depth=L, rng=0)
        arrays = [*rac.W_H, *rac.W_I, *rac.h0, rac.W_O]
        assert rac.n_params == sum(a.size for a in arrays)
    assert RAC.random(50, 3, 4, rng=0).n_params == 4 * 4 + 4 * 3 + 4 + 4  # independent of N


# -- bad input ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(N=4, M=2, R=0), r"R must be >= 1, got 0"),
        (dict(N=4, M=2, R=2, depth=0), r"depth must be >= 1, got 0"),
        (dict(N=0, M=2, R=2), r"N must be >= 1, got 0"),
        (dict(N=4, M=0, R=2), r"M must be >= 1, got 0"),
        (dict(N=4, M=2, R=2, p=15), r"p must be a prime no larger than 2\*\*24"),
        (dict(N=4, M=2, R=2, p=2**25 + 1), r"p must be a prime"),
    ],
)
def test_random_rejects_bad_sizes(kwargs, match):
    with pytest.raises(ValueError, match=match):
        RAC.random(rng=0, **kwargs)


def test_random_needs_an_rng():
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'rng'"):
        RAC.random(4, 2, 2)  # no default: the signature itself asks for it
    with pytest.raises(TypeError, match="rng is required"):
        RAC.random(4, 2, 2, rng=None)
    with pytest.raises(TypeError, match="R must be an integer"):
        RAC.random(4, 2, 2.5, rng=0)


@pytest.mark.parametrize(
    "args, match",
    [
        ((np.eye(2, 3), np.ones((2, 2)), np.ones(2), np.ones(2)), r"W_H must have shape \(R, R\)"),
        ((np.eye(2), np.ones((3, 2)), np.ones(2), np.ones(2)), r"W_I must have shape \(R=2, M\)"),
        ((np.eye(2), np.ones((2, 2)), np.ones(3), np.ones(2)), r"h0 must have shape \(R,\) = \(2,\)"),
        ((np.eye(2), np.ones((2, 2)), np.ones(2), np.ones((1, 2))), r"W_O must have shape \(R,\) = \(2,\), got \(1, 2\)"),
        (([np.eye(2), np.eye(2)], np.ones((2, 3)), np.ones(2), np.ones(2)), r"W_I has 1 layers but W_H has 2"),
        (([np.eye(2), np.eye(2)], [np.ones((2, 3)), np.ones((2, 3))], [np.ones(2)] * 2, np.ones(2)),
         r"W_I\[1\] must have shape \(2, 2\) \(layer 2 reads layer 1's hidden state\)"),
        (([np.eye(2), np.eye(3)], [np.ones((2, 3)), np.ones((2, 2))], [np.ones(2)] * 2, np.ones(2)),
         r"W_H\[1\] must have shape \(R, R\) = \(2, 2\)"),
    ],
)
def test_constructor_rejects_wrong_shapes(args, match):
    with pytest.raises(ValueError, match=match):
        RAC(4, *args)


def test_constructor_rejects_wrong_types():
    with pytest.raises(TypeError, match=r"W_H must hold integers for exact arithmetic mod p=16777213"):
        RAC(3, [[0.5]], [[1, 2]], [1], [1], p=PRIME)
    with pytest.raises(TypeError, match="W_H must hold numbers"):
        RAC(3, [["a"]], [[1, 2]], [1], [1])
    with pytest.raises(TypeError, match="W_H must be real"):
        RAC(3, [[1j]], [[1, 2]], [1], [1])


def test_score_rejects_wrong_feature_shapes():
    rac = RAC.random(4, 3, 2, rng=0)
    with pytest.raises(ValueError, match=r"X must have shape \(B, N=4, M=3\), got \(2, 5, 3\)"):
        rac.score(np.ones((2, 5, 3)))
    with pytest.raises(ValueError, match=r"for one sample use X\[None\]"):
        rac.score(np.ones((4, 3)))
    with pytest.raises(TypeError, match=r"must hold integers for exact arithmetic mod p="):
        RAC.random(4, 3, 2, rng=0, p=PRIME).score(np.full((1, 4, 3), 0.5))


def test_depth_one_only_methods_explain_why():
    deep = RAC.random(4, 2, 2, depth=2, rng=0)
    for method, args in (("to_mps", ()), ("mps_cores", ())):  # graph and min_cut: the duplicated network
        with pytest.raises(ValueError, match=r"depth 1 only; this RAC has depth 2.*information re-use.*not an MPS"):
            getattr(deep, method)(*args)
    with pytest.raises(ValueError, match=r"to_mps needs a real-valued RAC; this one computes modulo p"):
        RAC.random(4, 2, 2, rng=0, p=PRIME).to_mps()
    with pytest.raises(ValueError, match=r"rows has axis 4, out of range"):
        RAC.random(4, 2, 2, rng=0).min_cut([4])


def test_coefficient_tensor_is_guarded():
    with pytest.raises(ValueError, match="refusing to build a dense RAC coefficient tensor"):
        RAC.random(60, 2, 2, rng=0).coefficient_tensor()


def test_random_weights_and_cores_are_refused_before_allocating(monkeypatch):
    small = RAC.random(30, 2, 6, rng=0)  # built under the real limit
    monkeypatch.setattr("tnlite._validate.MAX_DENSE_ENTRIES", 1000)
    with pytest.raises(ValueError, match=r"hidden weights W_H \(hidden size R=40\) of 1,600 entries"):
        RAC.random(4, 2, 40, rng=0)
    with pytest.raises(ValueError, match=r"input weights W_I \(hidden size R=4 x M=300\)"):
        RAC.random(4, 300, 4, rng=0)
    with pytest.raises(ValueError, match=r"W_H of all layers \(depth=20 x R=10 x R=10\)"):
        RAC.random(4, 2, 10, depth=20, rng=0, p=PRIME)
    with pytest.raises(ValueError, match=r"set of N=30 MPS cores \(R=6, M=2\) of 2,160 entries"):
        small.to_mps()
    assert RAC.random(4, 2, 30, rng=0).R == 30  # 900 entries: allowed


def _dense_all_prefixes(rac):
    """The former RAC.to_dense: every M^t prefix grown at once (reference, memory M^N R)."""
    from tnlite._linalg import matmul, mod

    M, R, p = rac.M, rac.R, rac.p
    h = [h0[None, :] for h0 in rac.h0]
    for _ in range(rac.N):
        K, u, new = h[0].shape[0], rac.W_I[0].T[None, :, :], []
        for k in range(rac.depth):
            hk = mod(matmul(h[k], rac.W_H[k].T, p)[:, None, :] * u, p).reshape(K * M, R)
            new.append(hk)
            if k + 1 < rac.depth:
                u = matmul(hk, rac.W_I[k + 1].T, p).reshape(K, M, R)
        h = new
    return matmul(h[-1], rac.W_O[:, None], p).reshape((M,) * rac.N)


@pytest.mark.parametrize("p", [None, PRIME])
@pytest.mark.parametrize("N,M,R,depth", [(1, 3, 2, 1), (9, 2, 3, 2), (7, 3, 2, 3), (13, 2, 2, 3), (6, 4, 5, 1)])
def test_to_dense_in_blocks_equals_growing_all_prefixes(monkeypatch, N, M, R, depth, p):
    """Bit for bit mod p. In float, BLAS rounds a row differently with the number of rows in
    the product (edge kernels), so blocks agree with the all-prefix result to rounding only."""
    rac = RAC.random(N, M, R, rng=N + M, depth=depth, p=p)
    want = _dense_all_prefixes(rac)
    for entries in (1, 7, 64, 1 << 16):  # blocks of one prefix up to no blocking at all
        monkeypatch.setattr("tnlite._rac_dense._STATE_ENTRIES", entries)
        got = rac.to_dense()
        assert got.dtype == want.dtype and got.shape == want.shape
        if p is None:
            assert np.abs(got - want).max() <= 1e-13 * np.abs(want).max(), entries
        else:
            assert np.array_equal(got, want), entries


def test_to_dense_keeps_few_states_alive():
    import tracemalloc

    rac = RAC.random(18, 2, 2, rng=1, depth=3, p=PRIME)
    peaks = []
    for f in (_dense_all_prefixes, RAC.to_dense):
        tracemalloc.start()
        A = f(rac)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        del A
    old, new = peaks
    out = 8 * 2**18  # the output itself
    assert old > 6 * out and new < out + (4 << 20), (old, new)
