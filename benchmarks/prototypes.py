"""Prototypes behind the speed-up advice in RESULTS.md, timed against tnlite as it is.

Not part of `make bench`. Run: `.venv-bench/bin/python benchmarks/prototypes.py` (one
thread per library, as the benchmark). Each prototype first checks that it returns what
tnlite returns, then both are timed (best of 5). They are sketches for the module owners,
not library code: no input validation.
"""
from __future__ import annotations

import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))


def best(fn, repeats=5):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def entropies_gram(psi, N):
    """Entropy (bits) at every cut from eigvalsh of the smaller side's Gram matrix."""
    out = []
    for t in range(N - 1):
        m = psi.reshape(2 ** (t + 1), -1)
        G = m @ m.T if m.shape[0] <= m.shape[1] else m.T @ m  # (small, small)
        p = np.linalg.eigvalsh(G)
        p = p[p > 0] / p[p > 0].sum()
        out.append(-(p * np.log2(p)).sum())
    return np.array(out)


def tfim_one_pass(N, J=1.0, h=1.0):
    """Open TFIM chain as CSR: all flips in one broadcast, the diagonal by one popcount."""
    import scipy.sparse as sp

    dim = 2**N
    x = np.arange(dim, dtype=np.int32)
    cols = np.empty((dim, N + 1), np.int32)
    vals = np.empty((dim, N + 1))
    masks = (1 << np.arange(N - 1, -1, -1)).astype(np.int32)
    cols[:, 0] = x
    np.bitwise_xor(x[:, None], masks[None, :], out=cols[:, 1:])
    anti = np.bitwise_count((x ^ (x >> 1)) & ((1 << (N - 1)) - 1))  # antiparallel neighbours
    vals[:, 0] = -J * ((N - 1) - 2.0 * anti)
    vals[:, 1:] = -h
    indptr = np.arange(0, (N + 1) * dim + 1, N + 1, dtype=np.int32)
    return sp.csr_matrix((vals.ravel(), cols.ravel(), indptr), shape=(dim, dim))


def amplitudes_mask(cores, configs, chunk=2048):
    """MPS amplitudes: batch chunks, one GEMM per physical value on the rows that have it."""
    out = np.empty(len(configs))
    for s in range(0, len(configs), chunk):
        c = configs[s:s + chunk]
        v = np.ones((len(c), 1))
        for t, core in enumerate(cores):
            nv = np.empty((len(c), core.shape[2]))
            for i in range(core.shape[1]):
                sel = c[:, t] == i
                nv[sel] = v[sel] @ core[:, i, :]
            v = nv
        out[s:s + len(c)] = v[:, 0]
    return out


def convac_contiguous(net, X, chunk=256):
    """Deep ConvAC scores with each layer transposed once to a contiguous array."""
    Wt = [np.ascontiguousarray(W.transpose(0, 2, 1)) for W in net.layers]  # (n, in, out)
    out = np.empty(X.shape[0])
    for s in range(0, X.shape[0], chunk):
        V = np.ascontiguousarray(X[s:s + chunk].transpose(1, 0, 2)) @ Wt[0]  # (N, b, r0)
        for W in Wt[1:]:
            P = V[0::2]
            np.multiply(P, V[1::2], out=P)  # product pooling, in place
            V = P @ W
        out[s:s + chunk] = (V[0] * V[1]) @ net.w_out
    return out


def from_dense_noise_floor(psi, N):
    """TT decomposition by Gram + eigh (wide cuts) / QR (tall cuts), dropping Gram eigenvalues
    below the rounding-noise level m eps w_max, which the Gram route cannot resolve anyway."""
    cores, rest = [], psi.reshape(1, -1)
    for _ in range(N - 1):
        chi = rest.shape[0]
        M = rest.reshape(chi * 2, -1)
        if M.shape[0] <= M.shape[1]:
            w, U = np.linalg.eigh(M @ M.T)
            w, U = w[::-1], U[:, ::-1]
            k = max(1, int(np.count_nonzero(w > w[0] * M.shape[0] * np.finfo(float).eps)))
            Q = U[:, :k]
            rest = Q.T @ M
        else:
            Q, rest = np.linalg.qr(M)
        cores.append(Q.reshape(chi, 2, -1))
    cores.append(rest.reshape(rest.shape[0], 2, 1))
    return cores


def overlap_matmul(a, b):
    """<a|b> of two real MPS core lists with reshape + matmul, no tensordot transposes."""
    E = np.ones((1, 1))
    for A, B in zip(a, b):
        la, d, ra = A.shape
        lb, _, rb = B.shape
        X = (E @ B.reshape(lb, d * rb)).reshape(la * d, rb)
        E = A.reshape(la * d, ra).T @ X
    return E[0, 0]


def left_canonical_scipy(cores):
    """Left-canonical QR sweep with scipy's economic QR, no up-front copies."""
    import scipy.linalg as sl

    out, R = [], np.ones((1, 1))
    for t, c in enumerate(cores):
        left, d, right = c.shape
        c = (R @ c.reshape(left, d * right)).reshape(-1, right)
        if t == len(cores) - 1:
            out.append(c.reshape(-1, d, right))
            break
        Q, R = sl.qr(c, mode="economic", overwrite_a=True, check_finite=False)
        out.append(Q.reshape(-1, d, Q.shape[1]))
    return out


def hermitian_randomised(H, rng=0):
    """|vdot(u, H v) - vdot(H^H u, v)| for two random vectors: two matvecs, no transpose copy."""
    g = np.random.default_rng(rng)
    u, v = g.standard_normal(H.shape[0]), g.standard_normal(H.shape[0])
    return abs(np.vdot(u, H @ v) - np.vdot(H.conj().T @ u, v))


def main():
    import threadpoolctl

    threadpoolctl.threadpool_limits(1)
    from tnlite import convac, spins, tensors
    from tnlite.mps import MPS

    import ops_models

    rows = []
    N = 20
    psi = np.random.default_rng(2).standard_normal(2**N)
    psi /= np.linalg.norm(psi)
    A = psi.reshape((2,) * N)
    ref = np.array([tensors.entanglement_entropy(A, range(t + 1)) for t in range(N - 1)])
    assert np.allclose(entropies_gram(psi, N), ref, atol=1e-12)
    rows.append(("entanglement_entropy at 19 cuts, N=20", best(lambda: [tensors.entanglement_entropy(A, range(t + 1))
                                                              for t in range(N - 1)], 3),
                 best(lambda: entropies_gram(psi, N), 3)))

    v = np.random.default_rng(0).standard_normal(2**N)
    assert np.allclose(tfim_one_pass(N) @ v, spins.tfim_hamiltonian(N) @ v, atol=1e-12)
    rows.append(("TFIM build, N=20", best(lambda: spins.tfim_hamiltonian(N)), best(lambda: tfim_one_pass(N))))

    m = MPS.random(64, 2, 32, rng=5)
    m = MPS([c * np.sqrt(2.0) for c in m.cores])
    configs = np.random.default_rng(6).integers(0, 2, size=(10_000, 64))
    a = m.amplitudes(configs)
    assert np.allclose(amplitudes_mask(m.cores, configs), a, rtol=1e-12, atol=1e-12 * np.abs(a).max())
    rows.append(("MPS amplitudes, N=64 chi=32 B=10k", best(lambda: m.amplitudes(configs)),
                 best(lambda: amplitudes_mask(m.cores, configs))))

    net = convac.ConvAC.random(256, 4, [16] * 8, rng=13)
    X = ops_models._features(10_000, 256, 4, np.random.default_rng(14))
    y = net.score(X)
    assert np.allclose(convac_contiguous(net, X), y, rtol=1e-12, atol=1e-12 * np.abs(y).max())
    rows.append(("deep ConvAC forward, N=256 B=10k", best(lambda: net.score(X)), best(lambda: convac_contiguous(net, X))))

    import ops

    gs = ops.ising_ground_state(N)
    c = from_dense_noise_floor(gs, N)
    err = np.abs(MPS(c).to_dense().reshape(-1) - gs).max()
    rows.append((f"from_dense Ising N=20, noise floor (bond {max(x.shape[2] for x in c)}, err {err:.0e})",
                 best(lambda: MPS.from_dense(gs.reshape((2,) * N)), 3), best(lambda: from_dense_noise_floor(gs, N), 3)))

    a = MPS.random(100, 2, 64, rng=3)
    b = a.canonicalize(50)
    assert abs(overlap_matmul(a.cores, b.cores) - a.overlap(b)) < 1e-12
    rows.append(("MPS overlap N=100 chi=64", best(lambda: a.overlap(b)), best(lambda: overlap_matmul(a.cores, b.cores))))
    cfg = np.random.default_rng(4).integers(0, 2, size=(32, 100))
    assert np.allclose(MPS(left_canonical_scipy(b.cores)).amplitudes(cfg), b.amplitudes(cfg), rtol=1e-10, atol=1e-25)
    rows.append(("MPS left-canonical sweep N=100 chi=64", best(lambda: b.canonicalize(99)),
                 best(lambda: left_canonical_scipy(b.cores))))

    H = spins.tfim_hamiltonian(N)
    assert hermitian_randomised(H) < 1e-8
    rows.append(("Hermiticity check of H, N=20", best(lambda: abs(H - H.conj().T).max(), 3),
                 best(lambda: hermitian_randomised(H), 3)))

    print(f"{'operation':<50s} {'tnlite':>10s} {'prototype':>10s} {'speed-up':>9s}")
    for name, t_ref, t_new in rows:
        print(f"{name:<50s} {t_ref * 1e3:8.1f} ms {t_new * 1e3:8.1f} ms {t_ref / t_new:8.2f}x")


if __name__ == "__main__":
    main()
