"""tnlite.rbm: amplitudes against a direct evaluation of the formula, gradients against finite
differences, the tensor network's min cut against exact ranks mod p, and bad input refused."""
import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tnlite as tl
from tnlite.rbm import rbm_sites


def _direct(rbm, c):
    """psi(s) from the formula, one configuration at a time, with the sites read one by one."""
    s = 1 - 2 * np.asarray(c)
    psi = math.exp(float(rbm.a @ s))
    for u in range(rbm.n_hidden):
        theta = rbm.b[u] + sum(rbm.w[u, k] * s[j] for k, j in enumerate(rbm.sites[u]))
        psi *= 2 * math.cosh(theta)
    return psi


def _direct_mod_p(rbm, c, g):
    """The exact-mode formula in Python integers: g^(a.s) prod_u (g^theta + g^-theta) mod p."""
    p, e = rbm.p, rbm.p - 1
    s = [1 - 2 * x for x in c]
    val = pow(g, sum(int(a) * x for a, x in zip(rbm.a, s)) % e, p)
    for u in range(rbm.n_hidden):
        theta = (int(rbm.b[u]) + sum(int(rbm.w[u, k]) * s[j] for k, j in enumerate(rbm.sites[u]))) % e
        val = val * (pow(g, theta, p) + pow(g, (-theta) % e, p)) % p
    return val


CONFIGS = [dict(N=6, n_hidden=4), dict(N=7, n_hidden=5, window=3), dict(N=9, n_hidden=6, window=2, grid=3),
           dict(N=6, n_hidden=0), dict(N=8, n_hidden=3, window=2, grid=(2, 4))]


@pytest.mark.parametrize("kw", CONFIGS, ids=str)
def test_amplitudes_equal_the_formula_on_every_configuration(kw):
    rbm = tl.RBM.random(rng=3, **kw)
    A = rbm.to_dense()
    for c in itertools.product([0, 1], repeat=rbm.N):
        assert A[c] == pytest.approx(_direct(rbm, c), rel=1e-12)
    configs = np.array(list(itertools.product([0, 1], repeat=rbm.N)))
    logabs, sign = rbm.log_abs_score(tl.one_hot(configs, 2))
    np.testing.assert_allclose(logabs, np.log(A.reshape(-1)), rtol=1e-12, atol=1e-12)
    assert np.all(sign == 1)
    np.testing.assert_allclose(rbm.score(tl.one_hot(configs, 2)), A.reshape(-1), rtol=1e-12)


@pytest.mark.parametrize("kw", CONFIGS[:3], ids=str)
def test_exact_mode_is_the_same_formula_with_a_primitive_root_mod_p(kw):
    p = 10007
    rbm = tl.RBM.random(rng=4, p=p, **kw)
    g = next(g for g in range(2, p) if all(pow(g, (p - 1) // f, p) != 1 for f in (2, 3, 1667)))  # p-1 = 2*3*1667
    A = rbm.to_dense()
    assert A.dtype == np.int64
    for c in itertools.product([0, 1], repeat=rbm.N):
        assert A[c] == _direct_mod_p(rbm, c, g)


def test_exact_mode_routes_agree_and_match_the_formula_beyond_the_half_tables():
    rbm = tl.RBM.random(9, 5, rng=6, window=4, p=tl.PRIME)
    configs = np.array(list(itertools.product([0, 1], repeat=9)))
    by_tables = rbm.amplitudes(configs)  # configurations: two half-configuration tables
    by_powers = rbm.score(tl.one_hot(configs, 2).astype(np.int64))  # features: a power per entry
    np.testing.assert_array_equal(by_tables, by_powers)
    big = tl.RBM.random(26, 7, rng=6, p=tl.PRIME)  # N > 24: no tables
    p = tl.PRIME
    g = next(g for g in range(2, p) if all(pow(g, (p - 1) // f, p) != 1 for f in _prime_factors(p - 1)))
    few = np.random.default_rng(0).integers(0, 2, size=(3, 26))
    assert big.amplitudes(few).tolist() == [_direct_mod_p(big, c.tolist(), g) for c in few]


def _prime_factors(n):
    out, q = set(), 2
    while q * q <= n:
        while n % q == 0:
            out.add(q)
            n //= q
        q += 1
    return out | ({n} if n > 1 else set())


def test_local_windows_couple_the_right_sites():
    assert rbm_sites(6, 5, 3).tolist() == [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [0, 1, 2]]
    sq = rbm_sites(12, 7, 2, grid=(3, 4))  # positions (0,0),(0,1),(0,2),(1,0),... row-major
    assert sq.tolist()[:4] == [[0, 1, 4, 5], [1, 2, 5, 6], [2, 3, 6, 7], [4, 5, 8, 9]]
    assert sq.tolist()[6] == sq.tolist()[0]  # 6 positions, then round again
    assert rbm_sites(5, 3, None) is None
    rbm = tl.RBM.random(12, 7, rng=0, window=2, grid=(3, 4))
    assert rbm.n_params == 12 + 7 + 7 * 4 and rbm.w.shape == (7, 4)


def test_log_abs_score_stays_finite_where_amplitudes_overflow():
    rbm = tl.RBM.random(64, 128, rng=0)
    big = rbm.with_params([a * 40 for a in rbm.params()])
    configs = np.random.default_rng(0).integers(0, 2, size=(300, 64))
    logs, _ = big.log_abs_score(tl.one_hot(configs, 2))
    assert np.all(np.isfinite(logs)) and logs.max() > 800
    assert np.isinf(big.amplitudes(configs)).any()  # the plain route overflows, as any score may
    small = tl.RBM.random(12, 40, rng=0)
    with pytest.raises(ValueError, match="overflow float64.*use log_abs_score"):  # a dense tensor of infs: refused
        small.with_params([x * 60 for x in small.params()]).to_dense()
    # at moderate size the log route equals log of the direct product
    np.testing.assert_allclose(rbm.log_abs_score(tl.one_hot(configs[:5], 2))[0],
                               [math.log(_direct(rbm, c)) for c in configs[:5]], rtol=1e-12)


def _finite_differences(f, params, eps=1e-6):
    out = []
    for k, P in enumerate(params):
        G = np.zeros_like(P)
        for idx in np.ndindex(P.shape):
            up = [q.copy() for q in params]
            dn = [q.copy() for q in params]
            up[k][idx] += eps
            dn[k][idx] -= eps
            G[idx] = (f(up) - f(dn)) / (2 * eps)
        out.append(G)
    return out


@pytest.mark.parametrize("kw", CONFIGS[1:3], ids=str)
def test_vjp_and_its_log_form_against_finite_differences(kw):
    rbm = tl.RBM.random(rng=5, **kw)
    rng = np.random.default_rng(1)
    X = rng.standard_normal((7, rbm.N, 2))  # any real features, not only one-hot
    g = rng.standard_normal(7)
    grads = rbm.vjp(X, g)
    assert [x.shape for x in grads] == [x.shape for x in rbm.params()]
    numeric = _finite_differences(lambda ps: g @ rbm.with_params(ps).score(X), rbm.params())
    for got, want in zip(grads, numeric):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
    numeric_log = _finite_differences(lambda ps: g @ rbm.with_params(ps).log_abs_score(X)[0], rbm.params())
    for got, want in zip(rbm.vjp(X, g, log=True), numeric_log):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


def test_score_reads_each_spin_as_the_difference_of_its_two_features():
    rbm = tl.RBM.random(5, 3, rng=2)
    X = np.random.default_rng(2).standard_normal((4, 5, 2))
    s = X[:, :, 0] - X[:, :, 1]
    W = np.zeros((3, 5))
    np.put_along_axis(W, rbm.sites, rbm.w, axis=1)
    want = np.exp(s @ rbm.a) * np.prod(2 * np.cosh(s @ W.T + rbm.b), axis=1)
    np.testing.assert_allclose(rbm.score(X), want, rtol=1e-12)


def test_graph_has_one_bond_per_coupling_and_a_delta_per_unit():
    rbm = tl.RBM.random(6, 4, rng=0, window=3)
    g = rbm.graph()
    assert len(g.edges) == 4 * 3 and all(d == 2 for *_, d in g.edges)
    assert g.legs == [(("v", j), 2) for j in range(6)] and len(g.deltas) == 6 + 4


@settings(max_examples=25, deadline=None)
@given(N=st.integers(2, 9), n_hidden=st.integers(0, 6), window=st.one_of(st.none(), st.integers(1, 4)),
       seed=st.integers(0, 10**6))
def test_min_cut_bounds_the_exact_rank_and_is_at_most_two_to_the_crossing_units(N, n_hidden, window, seed):
    window = None if window is None or window > N else window
    rbm = tl.RBM.random(N, n_hidden, rng=seed, window=window, p=tl.PRIME)
    A = rbm.to_dense()
    rng = np.random.default_rng(seed)
    for _ in range(4):
        rows = tuple(sorted(rng.choice(N, size=int(rng.integers(1, N)), replace=False).tolist()))
        in_P = np.isin(np.arange(N), rows)
        brute = sum(1 for u in range(n_hidden) if len(set(in_P[rbm.sites[u]])) == 2)  # units on both sides
        assert rbm.crossing(rows) == brute
        cut = rbm.min_cut(rows).rank_bound
        rank = tl.rank_mod_p(A, rows)
        assert rank <= cut <= min(2**brute, 2 ** len(rows), 2 ** (N - len(rows)))


def test_rank_reaches_two_to_the_crossing_units_when_few_units_cross():
    # full RBM, 3 hidden units, halves of 8 spins: each unit adds one bit
    rbm = tl.RBM.random(8, 3, rng=7, p=tl.PRIME)
    assert tl.rank_mod_p(rbm.to_dense(), range(4)) == rbm.min_cut(range(4)).rank_bound == 2**3
    # local windows of 3 on a chain: 2 units cross the middle cut, whatever N
    loc = tl.RBM.random(10, 8, rng=7, window=3, p=tl.PRIME)
    assert loc.crossing(range(5)) == 2 and tl.rank_mod_p(loc.to_dense(), range(5)) == 4


@pytest.mark.parametrize("call, match", [
    (lambda: tl.RBM.random(4, 2, rng=0, window=5), r"window=5 is larger than the system, N=4"),
    (lambda: tl.RBM.random(4, -1, rng=0), r"n_hidden must be >= 0, got -1"),
    # an exact RBM's weights are exponents of a primitive root: the message names p, not p - 1 as the modulus
    (lambda: tl.RBM(np.full(3, 0.5), np.zeros(1), np.ones((1, 3)), p=tl.PRIME),
     r"a must hold integers for an exact RBM mod p=16777213 \(exponents of a primitive root, taken mod p-1=16777212\)"),
    (lambda: tl.RBM.random(9, 2, rng=0, window=2, grid=(2, 4)), r"grid 2 x 4 has 8 sites; N=9"),
    (lambda: tl.RBM.random(8, 2, rng=0, window=3, grid=(2, 4)), r"window=3 is larger than the 2 x 4 grid"),
    (lambda: tl.RBM.random(4, 2, rng=None), r"rng is required"),
    (lambda: tl.RBM(np.zeros(3), np.zeros(2), np.zeros((2, 4))), r"w must have shape \(n_hidden, N\) = \(2, 3\)"),
    (lambda: tl.RBM(np.zeros(3), np.zeros(1), np.zeros((1, 2)), sites=[[0, 0]]), r"repeats a site"),
    (lambda: tl.RBM(np.zeros(3), np.zeros(1), np.zeros((1, 2)), sites=[[0, 3]]), r"site indices in 0..N-1 = 0..2"),
    (lambda: tl.RBM.random(3, 1, rng=0).vjp(np.zeros((2, 3, 2)), np.zeros(3)), r"g must have the shape of score\(X\), \(2,\)"),
    (lambda: tl.RBM.random(3, 1, rng=0, p=tl.PRIME).log_abs_score(np.ones((1, 3, 2))), r"exact mod p"),
    (lambda: tl.RBM.random(3, 1, rng=0, p=tl.PRIME).vjp(np.ones((1, 3, 2)), np.ones(1)), r"exact mod p"),
    (lambda: tl.RBM.random(3, 1, rng=0).amplitudes([[0, 2, 0]]), r"configs must hold values in 0..1"),
])
def test_bad_input_is_refused_by_name(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()
