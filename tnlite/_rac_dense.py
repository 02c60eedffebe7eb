"""The RAC's coefficient tensor, prefix by prefix: the scores behind RAC.to_dense.

Hidden states of all prefixes grow one input at a time until they fill a block of
``_STATE_ENTRIES``; the rest of the prefixes are then finished block by block, depth
first, each block writing its contiguous slice of the prefix-major output. Live states
stay a few MB at any N (growing all M^N prefixes at once held 0.5 GB at N = 22).
"""
from __future__ import annotations

from ._linalg import matmul, mod

_STATE_ENTRIES = 1 << 16  # hidden-state entries grown at once (0.5 MB of float64)


def grow(rac, h, record=None):
    """Every prefix grown by every input d: hidden states (K, R) per layer -> (K M, R).

    With a list `record`, each layer's factors (h_{t-1} (K, R), W_H h_{t-1} (K, R), its
    input (1 or K, d, R)) are appended to it: what backpropagation (tnlite._grad_dense) needs.
    """
    K, M, R, p = h[0].shape[0], rac.M, rac.R, rac.p
    u = rac.W_I[0].T[None, :, :]  # (1, d, R): W_I e_d for every new input d
    new = []
    for k in range(rac.depth):
        a = matmul(h[k], rac.W_H[k].T, p)  # (K, R): W_H h_{t-1}
        if record is not None:
            record.append((h[k], a, u))
        hk = mod(a[:, None, :] * u, p).reshape(K * M, R)  # (K d, R): prefixes grown by d
        new.append(hk)
        if k + 1 < rac.depth:
            u = matmul(hk, rac.W_I[k + 1].T, p).reshape(K, M, R)  # (K, d, R)
    return new


def prefix_scores(rac, h, steps, out):
    """Write the scores of K prefixes (states h, per layer (K, R)) completed by every
    suffix of `steps` inputs into out, shape (K M^steps,), prefix-major."""
    M = rac.M
    rows = max(M, _STATE_ENTRIES // (rac.R * rac.depth))  # prefixes per block
    while steps and h[0].shape[0] * M <= rows:
        h, steps = grow(rac, h), steps - 1
    if not steps:
        out[:] = matmul(h[-1], rac.W_O[:, None], rac.p)[:, 0]  # (K,)
        return
    K, step = h[0].shape[0], max(1, rows // M)  # grow `step` prefixes at a time
    size = M**steps  # output entries per prefix
    for i in range(0, K, step):
        j = min(i + step, K)
        prefix_scores(rac, grow(rac, [hk[i:j] for hk in h]), steps - 1, out[i * size:j * size])
