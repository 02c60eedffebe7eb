"""The overlapping ConvAC's log-domain forward pass: log|score| and its sign at any N.

Every activation vector is divided by its largest |entry| after each layer, the convs and
every product over positions, and the logs of those factors are carried per position and
sample. A position of layer l+1 multiplies the K**dim windows it reads, so its carried
log is the sum of theirs (windows overlap: the same input's factor counts once per reader,
as its activation does). Rescaling by the largest entry, not the norm, never squares an
entry: features of 1e300 stay finite.
"""
from __future__ import annotations

import numpy as np


def _rescale(A):
    """(A / m, log m) with m the largest |entry| of each last-axis vector (1 where it is 0)."""
    m = np.max(np.abs(A), axis=-1)  # (...,)
    with np.errstate(divide="ignore"):
        log_m = np.log(m)  # -inf where the vector is 0: the score is then exactly 0
    return A / np.where(m > 0, m, 1.0)[..., None], log_m


def log_abs_score(net, X):
    """(logabs, sign), each shape (B,), of the real float overlapping ConvAC `net` on X (B, N, M) float64."""
    B = X.shape[0]
    if B == 0:
        return np.zeros(0), np.zeros(0)
    Ws, Ct = net._transposed()
    V, S = _rescale(X.transpose(1, 0, 2).reshape(net.grid + (B, net.M)))  # grid + (b, M), grid + (b,)
    for Wt in Ws:
        out_shape = Wt.shape[1:-2]
        U = T = None
        for k, W in enumerate(Wt):
            o = np.unravel_index(k, (net.K,) * len(out_shape))
            window = tuple(slice(a, a + n) for a, n in zip(o, out_shape))
            term = np.matmul(V[window], W)  # grid_l + (b, r): W^(l,j,k) u_{j+k}
            U, T = (term, S[window]) if U is None else (U * term, T + S[window])
        V, s = _rescale(U)
        S = T + s
    V, s = _rescale(np.matmul(V, Ct))  # grid_L + (b, r): the 1x1 convs
    S = (S + s).reshape(-1, B).sum(axis=0)  # (b,): every last position's log, multiplied together
    V = V.reshape(-1, B, net.r)  # (n_L, b, r)
    acc = V[0]
    for j in range(1, V.shape[0]):  # the product over positions, rescaled at every step
        acc, s = _rescale(acc * V[j])
        S = S + s
    out = acc @ net.w_out  # (b,)
    with np.errstate(divide="ignore"):
        return S + np.log(np.abs(out)), np.sign(out)
