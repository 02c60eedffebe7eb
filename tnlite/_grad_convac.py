"""The ConvAC family's log-domain forward pass and backpropagation (ConvAC, ConvAC2D, ShallowConvAC, CP).

The layout is ``ConvAC.score``'s: activations position-major, (n, b, c) (position,
sample, channel), one batched matmul per conv, the batch in chunks of ``CHUNK``. The
pooling over a window of w positions is a chain of products, Q_k = Q_{k-1} * V_k.

Rescaling: each activation vector (one per position and sample: an input row, a conv
output, a partial product of the pooling chain) is divided by its norm, and
the logs of those factors are summed per sample into ``logs`` (b,). The score is linear
in each such vector, so with the factors held fixed the rescaled pass computes exactly
score~ = score * exp(-logs), for any weights. Hence

    log|score| = log|score~| + logs,     d score = exp(logs) d score~,
    d log|score| = d score~ / score~     (the factors frozen)

and one backward pass through the rescaled activations serves both gradients: its
upstream weights are g * exp(logs) for the score, g / score~ for log|score|.
"""
from __future__ import annotations

import numpy as np

from ._linalg import CHUNK


def _rescale(V, logs):
    """Divide each vector V[i, b, :] by its Euclidean norm in place; add the logs to logs[b].

    Returns the factors, shape (n, b, 1); an all-zero vector keeps factor 1 and adds
    log 0 = -inf (its sample's score is exactly 0). The squared norms come from einsum
    (numpy's max or sum over a short last axis is 3-5x slower).
    """
    s2 = np.einsum("nbc,nbc->nb", V, V)  # (n, b): squared norms
    with np.errstate(divide="ignore", over="ignore"):
        logs += 0.5 * np.log(s2).sum(axis=0)
    s2[s2 == 0] = 1.0
    s = np.sqrt(s2)[:, :, None]
    V *= 1.0 / s
    return s


def _forward(net, Xc, Wt, tape):
    """Rescaled forward pass of one chunk Xc (N, b, M) in tree order (overwritten).

    Returns score~ (b,) or (b, C) and logs (b,); with `tape` a list, appends per conv l
    (its input, its output V, V's factors, the pooling chain [(Q_k, factor_k)] after it).
    """
    w, logs = net.pool, np.zeros(Xc.shape[1])
    _rescale(Xc, logs)
    inp = Xc
    for l in range(net.L):
        V = inp @ Wt[l]  # (n_l, b, r_l)
        s = _rescale(V, logs)
        chain, Q = [], V[0::w]
        for k in range(1, w):  # product pooling over each window, one factor at a time
            Q = Q * V[k::w]  # (n_l / w, b, r_l)
            chain.append((Q, _rescale(Q, logs)))
        if tape is not None:
            tape.append((inp, V, s, chain))
        inp = Q
    return inp[0] @ net.w_out, logs  # (b,) or (b, C)


def _backward(net, tape, u, grads):
    """Add the gradient of sum u * score~ of one chunk to grads (the layers' shapes, then w_out's)."""
    w = net.pool
    top = tape[-1][3][-1][0][0]  # the last pooling's output (b, r)
    grads[-1] += top.T @ u  # (r,) or (r, C)
    d = (u[:, None] * net.w_out if u.ndim == 1 else u @ net.w_out.T)[None]  # (1, b, r): d score~ / d top
    for l in range(net.L - 1, -1, -1):
        inp, V, s, chain = tape[l]
        dV = np.empty_like(V)
        for k in range(w - 1, 0, -1):  # back through Q_k = Q_{k-1} * V_k / factor_k (d is ours to overwrite)
            d /= chain[k - 1][1]
            np.multiply(d, chain[k - 2][0] if k > 1 else V[0::w], out=dV[k::w])
            np.multiply(d, V[k::w], out=dV[0::w] if k == 1 else d)
        dV /= s  # V was rescaled by s after the conv
        W = net.layers[l]  # (n, out, in) or shared (out, in)
        if W.ndim == 2:  # shared weights: one matrix for all positions
            grads[l] += dV.reshape(-1, dV.shape[2]).T @ inp.reshape(-1, inp.shape[2])  # (out, in)
        else:
            grads[l] += np.matmul(dV.transpose(0, 2, 1), inp)  # (n, out, in)
        if l > 0:
            d = dV @ W  # (n, b, in)


def _chunks(net, X):
    """Each chunk of X (B, N, M) as a fresh position-major (N, b, M) array in tree order."""
    for s in range(0, X.shape[0], CHUNK):
        yield s, np.ascontiguousarray(X[s:s + CHUNK][:, net.order].transpose(1, 0, 2))


def log_abs_score(net, X):
    """(log|score|, sign) of a float ConvAC on float64 features X (B, N, M)."""
    Wt = net._transposed()
    logabs = np.empty((X.shape[0],) + net.w_out.shape[1:])
    sign = np.empty_like(logabs)
    for s, Xc in _chunks(net, X):
        y, logs = _forward(net, Xc, Wt, None)
        with np.errstate(divide="ignore"):
            logabs[s:s + CHUNK] = np.log(np.abs(y)) + (logs if y.ndim == 1 else logs[:, None])
        sign[s:s + CHUNK] = np.sign(y)
    return logabs, sign


def vjp(net, X, g, log):
    """Gradient of sum g * score(X) (or of sum g * log|score(X)| if `log`) for each of net.params()."""
    Wt = net._transposed()
    grads = [np.zeros(W.shape) for W in net.layers] + [np.zeros(net.w_out.shape)]
    for s, Xc in _chunks(net, X):
        tape = []
        y, logs = _forward(net, Xc, Wt, tape)
        gc = g[s:s + CHUNK]
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            u = gc / y if log else gc * np.exp(logs if y.ndim == 1 else logs[:, None])
        _backward(net, tape, u, grads)
    return grads
