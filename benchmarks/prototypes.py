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
    rows.append(("entropies at all cuts, N=20", best(lambda: [tensors.entanglement_entropy(A, range(t + 1))
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

    print(f"{'operation':<36s} {'tnlite':>10s} {'prototype':>10s} {'speed-up':>9s}")
    for name, t_ref, t_new in rows:
        print(f"{name:<36s} {t_ref * 1e3:8.1f} ms {t_new * 1e3:8.1f} ms {t_ref / t_new:8.2f}x")


if __name__ == "__main__":
    main()
