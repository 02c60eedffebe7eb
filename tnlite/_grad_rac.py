"""The RAC's log-domain forward pass and backpropagation through time, at any depth.

Layout as ``RAC.score``: the batch in chunks, each chunk position-major (N, b, M), a
hidden state per layer of shape (b, R). Step t of layer k:

    A = h_{t-1}^k W_H^k.T,   U = input W_I^k.T,   h_t^k = A * U     (input: f(x_t) for k = 1,
                                                                     h_t^{k-1} above)
Rescaling: every input row and every new state is divided by its norm per sample,
and each state carries the log of its own scale, a_t^k = a_{t-1}^k + a(input) + log
factor (a product multiplies scales). The score is y = exp(a_N^L) y~ with
y~ = h~_N^L . W_O; with the factors frozen the rescaled recurrence computes
y * exp(-a_N^L) exactly for any weights (induction over the steps), so
d y = exp(a_N^L) d y~ and
d log|y| = d y~ / y~, by one backward pass through the stored rescaled states.
"""
from __future__ import annotations

import numpy as np

from ._linalg import CHUNK


def _unit(V, logs):
    """Divide each row of V (..., b, R) by its norm in place, add the logs to logs (..., b); return the factors.

    The squared norms come from einsum (numpy's max or sum over the short last axis is
    3-5x slower); an all-zero row keeps factor 1 and adds log 0 = -inf.
    """
    s2 = np.einsum("...r,...r->...", V, V)
    with np.errstate(divide="ignore", over="ignore"):
        logs += 0.5 * np.log(s2)
    s2[s2 == 0] = 1.0
    s = np.sqrt(s2)[..., None]
    V *= 1.0 / s
    return s


def _forward(rac, Xc, tape):
    """Rescaled forward pass of one chunk Xc (N, b, M) (overwritten): (y~ (b,), a_N^L (b,)).

    With `tape` a dict, stores the states h (N+1, L, b, R), the factors A, U, the step
    factors s (N, L, b, 1) and the weights' normalised initial states' factors.
    """
    N, b = Xc.shape[:2]
    L, R = rac.depth, rac.R
    a_in = np.zeros((N, b))
    _unit(Xc, a_in)  # a_in[t]: the scale of input row t
    h0 = np.stack([np.broadcast_to(h, (b, R)) for h in rac.h0]).astype(np.float64)  # (L, b, R)
    a = np.zeros((L, b))
    c0 = _unit(h0, a)  # (L, b, 1)
    WHt = [w.T for w in rac.W_H]
    WIt = [w.T for w in rac.W_I]
    if tape is not None:
        H, A_, U_, S_ = (np.empty((N + 1, L, b, R)), np.empty((N, L, b, R)), np.empty((N, L, b, R)),
                         np.empty((N, L, b, 1)))
        H[0] = h0
        tape.update(H=H, A=A_, U=U_, S=S_, c0=c0, WHt=WHt, WIt=WIt)
    h = list(h0)
    for t in range(N):
        inp, a_up = Xc[t], a_in[t]  # (b, M), (b,)
        for k in range(L):
            A = h[k] @ WHt[k]  # (b, R): W_H h_{t-1}
            U = inp @ WIt[k]  # (b, R): W_I times the input
            hk = A * U
            a[k] += a_up
            s = _unit(hk, a[k])
            if tape is not None:
                A_[t, k], U_[t, k], S_[t, k], H[t + 1, k] = A, U, s, hk
            h[k], inp, a_up = hk, hk, a[k]
    return h[-1] @ rac.W_O, a[-1]


def _backward(rac, Xc, tape, u, grads):
    """Add the gradient of sum u * y~ of one chunk to grads: [dW_H^T..., dW_I^T..., dh0..., dW_O]."""
    N, L = Xc.shape[0], rac.depth
    H, A_, U_, S_, WHt, WIt = (tape[k] for k in ("H", "A", "U", "S", "WHt", "WIt"))
    grads[-1] += H[N, L - 1].T @ u  # (R,)
    delta = np.zeros(H.shape[1:])  # (L, b, R): d y~ / d h~_t^k
    delta[L - 1] = u[:, None] * rac.W_O
    for t in range(N - 1, -1, -1):
        for k in range(L - 1, -1, -1):  # layer k at step t needs layer k+1's part of delta[k] first
            d = delta[k] / S_[t, k]  # through the rescaling
            dA, dU = d * U_[t, k], d * A_[t, k]
            grads[k] += H[t, k].T @ dA  # (R_in, R_out) = dW_H^T
            delta[k] = dA @ WHt[k].T  # to h~_{t-1}^k
            inp = Xc[t] if k == 0 else H[t + 1, k - 1]
            grads[L + k] += inp.T @ dU  # dW_I^T
            if k > 0:
                delta[k - 1] += dU @ WIt[k].T
    for k in range(L):
        grads[2 * L + k] += (delta[k] / tape["c0"][k]).sum(axis=0)  # h~_0 = h0 / c0


def log_abs_score(rac, X):
    """(log|score|, sign) of a float RAC on float64 features X (B, N, M)."""
    logabs, sign = np.empty(X.shape[0]), np.empty(X.shape[0])
    for s in range(0, X.shape[0], CHUNK):
        y, a = _forward(rac, np.ascontiguousarray(X[s:s + CHUNK].transpose(1, 0, 2)), None)
        with np.errstate(divide="ignore"):
            logabs[s:s + CHUNK] = np.log(np.abs(y)) + a
        sign[s:s + CHUNK] = np.sign(y)
    return logabs, sign


def vjp(rac, X, g, log):
    """Gradient of sum g * score(X) (or of sum g * log|score(X)|) for each of rac.params()."""
    L = rac.depth
    grads = [np.zeros((rac.R, rac.R)) for _ in range(L)] + [np.zeros(w.T.shape) for w in rac.W_I]
    grads += [np.zeros(rac.R) for _ in range(L)] + [np.zeros(rac.R)]
    for s in range(0, X.shape[0], CHUNK):
        Xc = np.ascontiguousarray(X[s:s + CHUNK].transpose(1, 0, 2))  # (N, b, M)
        tape = {}
        y, a = _forward(rac, Xc, tape)
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            u = g[s:s + CHUNK] / y if log else g[s:s + CHUNK] * np.exp(a)
        _backward(rac, Xc, tape, u, grads)
    return [G.T for G in grads[:2 * L]] + grads[2 * L:]
