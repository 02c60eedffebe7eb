"""Prototypes behind the speed-up advice in RESULTS.md not (yet) adopted by tnlite, timed
against tnlite as it is (the ones tnlite adopted are in its kernels now).

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


def main():
    import threadpoolctl

    threadpoolctl.threadpool_limits(1)
    from tnlite.mps import MPS

    import ops

    rows = []
    N = 20
    gs = ops.ising_ground_state(N)
    c = from_dense_noise_floor(gs, N)
    err = np.abs(MPS(c).to_dense().reshape(-1) - gs).max()
    rows.append((f"from_dense Ising N=20, noise floor (bond {max(x.shape[2] for x in c)}, err {err:.0e})",
                 best(lambda: MPS.from_dense(gs.reshape((2,) * N)), 3), best(lambda: from_dense_noise_floor(gs, N), 3)))

    print(f"{'operation':<50s} {'tnlite':>10s} {'prototype':>10s} {'speed-up':>9s}")
    for name, t_ref, t_new in rows:
        print(f"{name:<50s} {t_ref * 1e3:8.1f} ms {t_new * 1e3:8.1f} ms {t_ref / t_new:8.2f}x")


if __name__ == "__main__":
    main()
