"""The fast forward passes, QR sweep and overlap against the routes they replaced.

Each reference below is the previous implementation (or the definition), kept here and
not in the library: position-major copies of X gathered in tree order, pooling one window
member at a time, a product over positions one at a time, a RAC step with fresh arrays,
a QR sweep by numpy.linalg.qr, an overlap by tensordot. Shapes are chosen to hit every
branch: batch chunks (the cache sizes patched small, so chunks are 32 samples and a few
positions per block), shared and unshared layers, exact arithmetic mod p, complex
numbers, QRs on both sides of the blocked-LAPACK crossover, wide and tall sweep matrices.
"""
from types import SimpleNamespace

import numpy as np
import pytest

import tnlite as tl
import tnlite._linalg as linalg
from tnlite import CP, ConvAC, ConvAC2D, RAC, ShallowConvAC
from tnlite.mps import MPS

P = tl.PRIME


@pytest.fixture
def small_caches(monkeypatch):
    """Caches of 1 KiB (L1) and 16 KiB (L2): chunks of 32 samples, few positions per block."""
    monkeypatch.setattr(linalg, "cache_bytes", lambda level: {1: 1024, 2: 16 * 1024}[level])


# ----------------------------------------------------------------------------- references
def old_convac_score(net, X):
    """The previous ConvAC.score: X gathered into tree order as a contiguous (N, b, M) copy,
    layer by layer, pooling one window member at a time, a product over all N positions
    one at a time in the shallow case. Chunks as the library's (BLAS may round a block of
    rows differently from a block of another height)."""
    p, w = net.p, net.pool
    chunk = linalg.conv_chunk(max(net.widths), np.result_type(X.dtype, net.w_out.dtype).itemsize)
    Wt = [np.ascontiguousarray(W.T if W.ndim == 2 else W.transpose(0, 2, 1)) for W in net.layers]
    out = np.empty(X.shape[0], dtype=np.result_type(X.dtype, Wt[0].dtype, net.w_out.dtype))
    for s in range(0, X.shape[0], chunk):
        V = linalg.matmul(np.ascontiguousarray(X[s:s + chunk, net.order].transpose(1, 0, 2)), Wt[0], p)
        for l in range(1, net.L + 1):
            Q = V[0::w]
            for k in range(1, w):
                Q = linalg.mod(Q * V[k::w], p)
            V = linalg.matmul(Q, Wt[l], p) if l < net.L else Q
        out[s:s + chunk] = linalg.matmul(V[0], net.w_out, p)
    return out


def old_rac_score(rac, X):
    """The previous RAC.score: a position-major copy, fresh arrays at every step."""
    p = rac.p
    Xc = np.ascontiguousarray(X.transpose(1, 0, 2))  # (N, B, M)
    h = [np.tile(h0, (X.shape[0], 1)) for h0 in rac.h0]
    for t in range(rac.N):
        u = linalg.matmul(Xc[t], rac.W_I[0].T, p)
        for k in range(rac.depth):
            h[k] = linalg.mod(linalg.matmul(h[k], rac.W_H[k].T, p) * u, p)
            if k + 1 < rac.depth:
                u = linalg.matmul(h[k], rac.W_I[k + 1].T, p)
    return linalg.matmul(h[-1], rac.W_O[:, None], p)[:, 0]


def cp_by_definition(cp, X):
    """sum_k w_k prod_j (X[:, j] @ F_j)[:, k], one position at a time (Python ints if exact)."""
    prod = X[:, 0] @ cp.factors[0]
    for j in range(1, cp.N):
        prod = prod * (X[:, j] @ cp.factors[j])
        if cp.p is not None:
            prod %= cp.p
    out = prod @ cp.weights
    return out % cp.p if cp.p is not None else out


def qr_sweep_reference(cores, center):
    """Mixed canonical form by numpy.linalg.qr (LAPACK geqrf + orgqr), as the sweep was written before."""
    N = len(cores)
    out = [None] * N
    R = np.ones((1, 1))
    for t in range(center):
        left, d, right = cores[t].shape
        Q, R = np.linalg.qr((R @ cores[t].reshape(left, d * right)).reshape(-1, right))
        out[t] = Q.reshape(-1, d, Q.shape[1])
    L = np.ones((1, 1))
    for t in range(N - 1, center, -1):
        left, d, right = cores[t].shape
        Q, Rt = np.linalg.qr((cores[t].reshape(left * d, right) @ L).reshape(left, -1).T)
        out[t] = Q.T.reshape(-1, d, L.shape[1])
        L = Rt.T
    left, d, right = cores[center].shape
    out[center] = ((R @ cores[center].reshape(left, d * right)).reshape(-1, right) @ L).reshape(R.shape[0], d, -1)
    return out


def close(a, b, rtol=1e-13):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape
    assert np.abs(a - b).max() <= rtol * np.abs(b).max(), np.abs(a - b).max() / np.abs(b).max()


def features(rng, B, N, M, kind="float"):
    X = rng.random((B, N, M)) + 0.5
    if kind == "complex":
        X = X + 1j * rng.standard_normal((B, N, M))
    if kind == "exact":
        X = rng.integers(0, P, size=(B, N, M))
    return X


# ----------------------------------------------------------------------------- helpers
def test_cache_sizes_come_from_the_machine_or_a_stated_default(monkeypatch):
    linalg.cache_bytes.cache_clear()
    l1, l2 = linalg.cache_bytes(1), linalg.cache_bytes(2)
    assert l1 >= 4096 and l2 >= l1 and l1 % 1024 == 0
    linalg.cache_bytes.cache_clear()

    def missing(*_):
        raise OSError("no sysfs here")

    monkeypatch.setattr(linalg.os, "listdir", missing)
    monkeypatch.setattr(linalg.os, "sysconf", lambda name: 0)  # sysconf knows nothing either
    try:
        assert (linalg.cache_bytes(1), linalg.cache_bytes(2)) == (32 * 1024, 1024 * 1024)
    finally:
        linalg.cache_bytes.cache_clear()


def test_chunks_follow_the_cache_sizes(small_caches):
    assert linalg.conv_chunk(16, 8) == 32  # 1 KiB / 128 B = 8, raised to the floor of 32
    assert linalg.position_block(32, 16, 8) == 4  # 16 KiB / (32 * 16 * 8 B)
    assert linalg.recurrent_chunk(4, 8) == 42  # 16 KiB / (12 * 4 * 8 B)


@pytest.mark.parametrize("n", range(1, 10))
def test_product_over_positions_float_and_mod_p(n):
    rng = np.random.default_rng(n)
    V = rng.standard_normal((n, 3, 2))
    close(linalg.product_over_positions(V.copy(), None), np.prod(V, axis=0))
    W = rng.integers(0, P, size=(n, 3, 2))
    want = np.ones((3, 2), dtype=object)
    for j in range(n):
        want = want * W[j].astype(object) % P
    assert np.array_equal(linalg.product_over_positions(W.copy(), P), want.astype(np.int64))


# ----------------------------------------------------------------------------- ConvAC family
@pytest.mark.parametrize("B", [1, 31, 32, 33, 100])
@pytest.mark.parametrize("shared", [False, True])
def test_deep_convac_score_is_bit_identical_to_the_old_route(small_caches, B, shared):
    rng = np.random.default_rng(B)
    net = ConvAC.random(16, 3, (4, 5, 2, 3), rng=B, shared=shared)
    X = features(rng, B, 16, 3)
    assert np.array_equal(net.score(X), old_convac_score(net, X))
    c = rng.integers(0, 3, size=(B, 16))
    assert np.array_equal(net.amplitudes(c), old_convac_score(net, tl.one_hot(c, 3).astype(float)))


@pytest.mark.parametrize("side", [2, 4, 8])
def test_convac2d_tree_view_is_the_z_order_without_a_copy(small_caches, side):
    rng = np.random.default_rng(side)
    net = ConvAC2D.random(side, 2, (3,) * (side.bit_length() - 1), rng=side)
    X = features(rng, 40, side * side, 2)
    view = net._tree_view(X)
    assert np.shares_memory(view, X)
    assert np.array_equal(view.reshape(side * side, 40, 2), X[:, tl.convac2d.zorder(side)].transpose(1, 0, 2))
    assert np.array_equal(net.score(X), old_convac_score(net, X))


@pytest.mark.parametrize("kind", ["float", "complex", "exact"])
def test_convac_scores_in_every_arithmetic(small_caches, kind):
    rng = np.random.default_rng(3)
    p = P if kind == "exact" else None
    for net in (ConvAC.random(8, 2, (3, 2, 4), rng=1, p=p), ConvAC2D.random(4, 2, (3, 2), rng=2, p=p)):
        X = features(rng, 70, net.N, 2, kind)
        got, want = net.score(X), old_convac_score(net, X)
        assert np.array_equal(got, want) if kind == "exact" else np.allclose(got, want, rtol=1e-13, atol=0)


@pytest.mark.parametrize("N", [2, 3, 5, 7, 12, 17])
@pytest.mark.parametrize("kind", ["float", "complex", "exact"])
def test_shallow_convac_and_cp_scores_match_the_product_one_position_at_a_time(small_caches, N, kind):
    rng = np.random.default_rng(N)
    p = P if kind == "exact" else None
    net = ShallowConvAC.random(N, 3, 4, rng=N, p=p)  # r = 4: blocks of 4 positions over 32 samples
    X = features(rng, 45, N, 3, kind)
    cp = net.to_cp()
    want = old_convac_score(net, X)
    if kind == "exact":
        assert np.array_equal(net.score(X), want) and np.array_equal(cp.score(X), want)
        exact = SimpleNamespace(N=N, p=P, factors=[F.astype(object) for F in cp.factors],
                                weights=cp.weights.astype(object))  # Python integers: no overflow
        assert np.array_equal(want, cp_by_definition(exact, X.astype(object)))
    else:
        close(net.score(X), want)
        close(cp.score(X), want)
        close(cp_by_definition(cp, X), want, rtol=1e-12)


def test_cp_amplitudes_with_unequal_local_dimensions(small_caches):
    rng = np.random.default_rng(0)
    dims = (2, 5, 3, 4, 2)
    cp = CP([rng.standard_normal((d, 3)) for d in dims], rng.standard_normal(3))
    c = np.stack([rng.integers(0, d, size=50) for d in dims], axis=1)
    close(cp.amplitudes(c), cp.to_dense()[tuple(c.T)])


def test_shared_shallow_layer(small_caches):
    rng = np.random.default_rng(1)
    net = ShallowConvAC.random(9, 2, 3, rng=1, shared=True)
    X = features(rng, 33, 9, 2)
    close(net.score(X), old_convac_score(net, X))


# ----------------------------------------------------------------------------- RAC
@pytest.mark.parametrize("depth", [1, 2, 3])
@pytest.mark.parametrize("B", [1, 42, 43, 100])
def test_rac_score_matches_the_old_route(small_caches, depth, B):
    rng = np.random.default_rng(depth * 100 + B)
    rac = RAC.random(7, 3, 4, rng=B, depth=depth)  # R = 4: chunks of 42 samples
    X = features(rng, B, 7, 3)
    close(rac.score(X), old_rac_score(rac, X))
    exact = RAC.random(7, 3, 4, rng=B, depth=depth, p=P)
    Xi = features(rng, B, 7, 3, "exact")
    assert np.array_equal(exact.score(Xi), old_rac_score(exact, Xi))


# ----------------------------------------------------------------------------- MPS
@pytest.mark.parametrize("d, chi", [(2, 5), (2, 64), (3, 70)])  # QRs with k < 64 and k >= 64 columns
@pytest.mark.parametrize("kind", ["float", "complex"])
def test_canonicalize_equals_the_numpy_qr_sweep(d, chi, kind):
    rng = np.random.default_rng(chi)
    m = MPS.random(10, d, chi, rng=chi).canonicalize(5)  # wide sweep matrices at the ends, tall ones inside
    if kind == "complex":
        m = MPS([c * np.exp(1j * rng.uniform(0, 6, c.shape)) for c in m.cores])
    psi = m.to_dense()
    for center in (0, 4, 9):
        got, want = m.canonicalize(center).cores, qr_sweep_reference(m.cores, center)
        for a, b in zip(got, want):  # the same gauge: both are LAPACK Householder QRs
            close(a, b, rtol=1e-9)
        close(MPS(got).to_dense(), psi)
        assert all(c.base is None or not any(np.shares_memory(c, s) for s in m.cores) for c in got)


def test_canonicalize_leaves_f_ordered_cores_alone():
    m = MPS.random(6, 2, 8, rng=4)
    cores = [np.asfortranarray(c) for c in m.cores]
    before = [c.copy() for c in cores]
    MPS(cores).canonicalize(3)
    MPS(cores).canonicalize(0)
    assert all(np.array_equal(a, b) for a, b in zip(cores, before))


@pytest.mark.parametrize("kinds", [("float", "float"), ("float", "complex"), ("complex", "complex")])
def test_overlap_equals_the_dense_inner_product(kinds):
    rng = np.random.default_rng(7)

    def state(kind, chi, seed):
        m = MPS.random(7, 3, chi, rng=seed)
        return m if kind == "float" else MPS([c * np.exp(1j * rng.uniform(0, 6, c.shape)) for c in m.cores])

    a, b = state(kinds[0], 5, 1), state(kinds[1], 9, 2)  # different bond dimensions
    psi, phi = a.to_dense(), b.to_dense()
    # <a|b> is small (random states): the rounding is relative to |a| |b| = 1
    assert abs(a.overlap(b) - np.vdot(psi, phi)) <= 1e-13 * np.linalg.norm(psi) * np.linalg.norm(phi)
    close(a.overlap(a.canonicalize(3)), np.vdot(psi, psi))


# ----------------------------------------------------------------------------- overlapping ConvAC
def old_overlapping_score(net, X):
    """The previous OverlappingConvAC.score: one chunk, X copied position-major, np.prod over positions."""
    Ws, Ct = net._transposed()
    V = np.ascontiguousarray(X.transpose(1, 0, 2)).reshape(net.grid + (X.shape[0], net.M))
    V = net._activations(V, Ws, Ct).reshape(-1, X.shape[0], net.r)
    if net.p is None:
        return np.prod(V, axis=0) @ net.w_out
    out = V[0]
    for v in V[1:]:
        out = out * v % net.p
    return out @ net.w_out % net.p


@pytest.mark.parametrize("kind", ["float", "exact"])
def test_overlapping_convac_reads_x_in_place_in_chunks(small_caches, kind):
    rng = np.random.default_rng(5)
    p = P if kind == "exact" else None
    for net in (tl.OverlappingConvAC.random(11, 3, 2, 3, 2, rng=1, p=p),
                tl.OverlappingConvAC.random_2d(5, 2, 3, 2, 1, rng=2, p=p)):
        X = features(rng, 70, net.N, net.M, kind)  # three chunks of 32 samples
        got, want = net.score(X), old_overlapping_score(net, X)
        assert np.array_equal(got, want) if kind == "exact" else np.allclose(got, want, rtol=1e-13, atol=0)
