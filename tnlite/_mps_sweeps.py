"""The two sweeps behind MPS.from_dense and MPS.canonicalize, on bare cores (vL, i, vR).

Inputs are validated by the MPS methods that call these; nothing here checks again.
"""
from __future__ import annotations

import numpy as np

from ._linalg import householder, split, times_power_of_two, triu_times, with_safe_norm

# Gram eigenvalues (s**2) carry rounding errors of a few eps * s_max**2 (measured up to
# 16 eps for m = 1024), so a relative cutoff below this would act on noise: from_dense
# then splits wide cuts by an SVD instead (2.2e-13 in double precision).
_GRAM_RESOLVES = 1e3


def tt_svd(psi, max_bond, cutoff):
    """Left-to-right sequential SVDs of psi, shape (d_0, ..., d_{N-1}), float or complex.

    Returns (cores, discarded weight / ||psi||^2); see ``MPS.from_dense``. One SVD per cut,
    O(d^N) for the first.
    """
    dims = psi.shape
    psi, norm2, scale = with_safe_norm(psi)  # psi (as given) = psi (now) * 2**scale
    if norm2 == 0:
        raise ValueError("psi is the zero tensor: it has no normalised state to decompose")
    threshold = cutoff * norm2
    gram = not 0 < cutoff < _GRAM_RESOLVES * np.finfo(psi.dtype).eps
    cores, discarded = [], 0.0
    rest = psi.reshape(1, -1)  # (vL, i_t ... i_{N-1})
    for t, d in enumerate(dims[:-1]):
        chi = rest.shape[0]
        Q, rest, dropped = split(rest.reshape(chi * d, -1), max_bond, threshold, gram)
        discarded += dropped
        cores.append(Q.reshape(chi, d, -1))  # vL i vR, left-isometric
        # rest: (vR, i_{t+1} ... i_{N-1})
    last = times_power_of_two(rest, scale)
    if not np.isfinite(last).all():
        raise ValueError(f"psi's norm, about 2^{scale}, exceeds the float range: its MPS cannot hold it; rescale psi")
    cores.append(last.reshape(rest.shape[0], dims[-1], 1))
    return cores, discarded / norm2


def mixed_canonical(src, center, dtype):
    """Cores left of `center` left-isometric, right of it right-isometric, by QR sweeps.

    src: list of N cores (vL, i, vR), left untouched. Returns the new list; see
    ``MPS.canonicalize``. O(N chi^3 d).
    """
    # Every matrix handed to LAPACK is a fresh copy or product, so the QR may overwrite it
    # and no core of src is ever touched. R of each QR goes into the next core by trmm
    # (triu_times) before Q is formed, which may overwrite R's storage.
    M = np.array(src[0].reshape(-1, src[0].shape[2]), dtype=dtype, order="F")  # (vL i, vR)
    cores = [None] * len(src)
    for t in range(center):
        A, form_q = householder(M)  # M = Q R
        left, d, right = src[t + 1].shape
        M = triu_times(A, src[t + 1].reshape(left, d * right).astype(dtype, copy=False)).reshape(-1, right)
        Q = form_q()  # (vL i, k)
        cores[t] = Q.reshape(-1, src[t].shape[1], Q.shape[1])  # vL i vR, left-isometric
    # M: the center core with the left R absorbed, (vL i, vR)
    if center < len(src) - 1:
        X = np.array(src[-1].reshape(src[-1].shape[0], -1).T, dtype=dtype, order="F")  # (i vR, vL)
        for t in range(len(src) - 1, center, -1):
            A, form_q = householder(X)  # B^T = Q R, so B = R^T Q^T
            prev = M if t - 1 == center else src[t - 1].reshape(-1, src[t - 1].shape[2]).astype(dtype, copy=False)
            Y = triu_times(A, prev, transpose=True)  # (vL i, k): core t-1 with R^T absorbed
            Q = form_q()  # (i vR, k)
            cores[t] = Q.T.reshape(Q.shape[1], src[t].shape[1], -1)  # vL i vR, right-isometric
            if t - 1 == center:
                M = Y
            else:
                X = Y.reshape(src[t - 1].shape[0], -1).T  # (i vR, vL), Fortran order: no copy for LAPACK
    cores[center] = M.reshape(-1, src[center].shape[1], M.shape[1])  # vL i vR
    return cores
