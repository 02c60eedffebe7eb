"""Backpropagation through ``to_dense()``: all M^N amplitudes and their vector-Jacobian product at once.

Exact sums over every configuration (:mod:`tnlite.vmc`) need the gradient of
sum_c G[c] A[c] for an upstream tensor G of all M^N entries. Evaluating the network on
the M^N one-hot inputs one sample at a time (``vjp(X, g)``) repeats the work shared by
configurations with a common part; contracting the network into A the way ``to_dense``
does, and backwards through the same steps, does each shared part once: at N = 16 about
a hundred times faster for the course's widths (benchmarks/README.md).

Supported: MPS (a chain of cores), RAC of any depth (all prefixes grown one step at a
time, as ``RAC.to_dense``) and the ConvAC family (ConvAC, ConvAC2D, ShallowConvAC: a tree
of product poolings and convs, in tree order). Every forward pass equals the class's own
``to_dense`` (tests check it); no rescaling, so it is meant for N <= 20 with weights of
moderate size (a score below 1e-300 or above 1e300 would underflow or overflow).

Leg names: a block of configurations of some positions and a channel, (D, r); a batch
of prefixes and a hidden unit, (K, R); MPS cores (vL, i, vR).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from . import _grad_overlap, _rac_dense
from .convac import ConvAC
from .features import all_configurations
from .mps import MPS
from .rac import RAC
from .rbm import RBM
from .reuse import OverlappingConvAC

__all__ = ["supports", "forward", "backward"]


def supports(net):
    """Whether `net` has a dense route here (float weights, one score)."""
    if getattr(net, "p", None) is not None:
        return False
    if isinstance(net, ConvAC):
        return net.C is None
    return isinstance(net, (MPS, RAC, RBM, OverlappingConvAC))


def forward(net):
    """(A, tape): the amplitudes of all M^N configurations, flat in ``to_dense()``'s order, and what backward needs."""
    if isinstance(net, MPS):
        return _mps_forward(net)
    if isinstance(net, RAC):
        return _rac_forward(net)
    if isinstance(net, RBM):
        return _rbm_forward(net)
    if isinstance(net, OverlappingConvAC):
        return _grad_overlap.forward(net)
    return _tree_forward(net)


def backward(net, tape, G):
    """Gradient of sum_c G[c] A[c] for each array of ``net.params()``, G flat of length M^N."""
    if isinstance(net, MPS):
        return _mps_backward(net, tape, G)
    if isinstance(net, RAC):
        return _rac_backward(net, tape, G)
    if isinstance(net, RBM):
        return net._grad_log(tape[0], G * tape[1])  # d psi = psi d log psi
    if isinstance(net, OverlappingConvAC):
        return _grad_overlap.backward(net, tape, G)
    return _tree_backward(net, tape, G)


# ---- MPS: T_t (d^t, vL) grows by one core per site ------------------------------------------
def _mps_forward(mps):
    T, tape = np.ones((1, 1)), []
    for core in mps.cores:
        left, d, right = core.shape
        tape.append(T)
        T = (T @ core.reshape(left, d * right)).reshape(-1, right)  # (i_0..i_t, vR)
    return T[:, 0], tape


def _mps_backward(mps, tape, G):
    D, grads = G[:, None], [None] * mps.N  # D: d <G, A> / d T_{t+1}, (i_0..i_t, vR)
    for t in range(mps.N - 1, -1, -1):
        core, T = mps.cores[t], tape[t]
        left, d, right = core.shape
        D3 = D.reshape(T.shape[0], d * right)  # (i_0..i_{t-1}, i_t vR)
        grads[t] = (T.T @ D3).reshape(left, d, right)  # (vL, i, vR)
        D = D3 @ core.reshape(left, d * right).T  # (i_0..i_{t-1}, vL)
    return grads


# ---- RAC: hidden states of all M^t prefixes, layer by layer --------------------------------
def _rac_forward(rac):
    if rac.depth == 1:
        return _rac1_forward(rac)
    h = [h0[None, :].astype(np.float64) for h0 in rac.h0]  # per layer (K prefixes, R)
    tape = []
    for _ in range(rac.N):
        tape.append(_grow(rac, h))
        h = tape[-1][1]
    return h[-1] @ rac.W_O, (tape, h[-1])


def _grow(rac, h):
    """One time step for all K prefixes: (per layer (h_{t-1}, W_H h_{t-1}, input), per layer h_t (K d, R))."""
    step = []
    return step, _rac_dense.grow(rac, h, record=step)


def _rac1_forward(rac):
    """Depth 1 meets in the middle: y = c_t . h_t, h_t over the first t inputs, c_t over the rest.

    c_N = W_O and c_{t-1} = W_H^T (c_t * W_I e_{d_t}), so A = H C^T for the states H of
    all prefixes of length t = N // 2 and the covectors C of all suffixes (M^(N/2), R).
    """
    h, left = [rac.h0[0][None, :].astype(np.float64)], []
    for _ in range(rac.N // 2):
        left.append(_grow(rac, h))
        h = left[-1][1]
    C, right = rac.W_O[None, :].astype(np.float64), []
    for _ in range(rac.N - rac.N // 2):
        P = (rac.W_I[0].T[:, None, :] * C[None, :, :]).reshape(-1, rac.R)  # (d s, R): c_t * W_I e_d
        right.append((C, P))
        C = P @ rac.W_H[0]  # (d s, R): W_H^T (c_t * u_d), as rows
    return (h[0] @ C.T).ravel(), (left, right, h[0], C)


def _rac_backward(rac, tape, G):
    dWH = [np.zeros_like(w) for w in rac.W_H]
    dWI = [np.zeros(w.shape) for w in rac.W_I]
    if rac.depth == 1:
        left, right, Hh, C = tape
        Gm = G.reshape(Hh.shape[0], C.shape[0])  # (prefix, suffix)
        dC = Gm.T @ Hh  # (suffix, R)
        for C_t, P in reversed(right):  # back through C_{t-1} = P W_H, P = c_t * u_d
            dWH[0] += P.T @ dC
            dP = (dC @ rac.W_H[0].T).reshape(rac.M, C_t.shape[0], rac.R)  # (d, s, R)
            dWI[0] += np.stack([(dP[d] * C_t).sum(axis=0) for d in range(rac.M)], axis=1)  # (R, d)
            dC = sum(dP[d] * rac.W_I[0][:, d] for d in range(rac.M))  # (s, R)
        dWO = dC[0]
        steps, dh = left, [Gm @ C]  # d/d h_{N/2}, (prefix, R)
    else:
        steps, top = tape
        dWO = top.T @ G
        dh = [None] * (rac.depth - 1) + [G[:, None] * rac.W_O[None, :]]  # d/d h_N of each layer, (K d, R)
    dh0 = _through_time(rac, steps, dh, dWH, dWI)
    return [*dWH, *dWI, *dh0, dWO]


def _through_time(rac, steps, dh, dWH, dWI):
    """Backpropagate dh (per layer, d/d h_t) through the prefix steps, adding into dWH, dWI; returns dh_0."""
    M, R, L = rac.M, rac.R, rac.depth
    for step, new in reversed(steps):
        K = step[0][0].shape[0]
        dprev = [None] * L
        for k in range(L - 1, -1, -1):
            h_prev, a, u = step[k]
            dhk = dh[k].reshape(K, M, R) if dh[k] is not None else np.zeros((K, M, R))
            da = sum(dhk[:, d] * u[:, d] for d in range(M))  # (K, R); a loop over d: M is 2 or 3
            du = dhk * a[:, None, :]  # (K, d, R)
            if k == 0:  # u = W_I e_d
                dWI[0] += np.stack([du[:, d].sum(axis=0) for d in range(M)], axis=1)  # (R, d)
            else:  # u = h^{k-1}_t W_I[k].T
                du2 = du.reshape(K * M, R)
                dWI[k] += du2.T @ new[k - 1]
                extra = du2 @ rac.W_I[k]  # (K d, R): into layer k-1's new state
                dh[k - 1] = extra if dh[k - 1] is None else dh[k - 1] + extra
            dWH[k] += da.T @ h_prev
            dprev[k] = da @ rac.W_H[k]  # (K, R)
        dh = dprev
    return [d.sum(axis=0) for d in dh]  # the first step's K = 1 prefix


# ---- RBM: log psi of every configuration, then exp with the largest value taken out -------------
@lru_cache(maxsize=2)
def _spins(N):
    """s_j = 1 - 2 c_j for every configuration c, (2^N, N) in to_dense order (read-only, cached)."""
    s = RBM._spins(all_configurations(N))
    s.flags.writeable = False
    return s


def _rbm_forward(rbm):
    s = _spins(rbm.N)
    log_psi = rbm._log_psi(s)
    A = np.exp(log_psi - log_psi.max())  # psi / max psi: the scale, held fixed, drops out of E and F
    return A, (s, A)


# ---- ConvAC family: blocks of positions (n, D, r) in tree order ------------------------------
def _pool(T):
    """Product over the w blocks of T (w, D, r), configurations in row-major order: (D^w, r), and the prefixes."""
    P, prefixes = T[0], []
    for k in range(1, T.shape[0]):
        prefixes.append(P)
        P = (P[:, None, :] * T[k][None, :, :]).reshape(-1, T.shape[2])  # (D^k, D, r) -> (D^(k+1), r)
    return P, prefixes


def _pool_backward(T, prefixes, dP):
    """d/d T of sum dP * pool(T): for block k, contract dP with the product of all other blocks."""
    w, D, r = T.shape
    dT = np.empty_like(T)
    suffix = np.ones((1, r))  # product of the blocks after k, (D^(w-1-k), r)
    for k in range(w - 1, -1, -1):
        before = prefixes[k - 1] if k > 0 else np.ones((1, r))  # (D^k, r)
        d4 = dP.reshape(before.shape[0], D, suffix.shape[0], r)
        dT[k] = np.einsum("pdr,pr->dr", np.einsum("pdsr,sr->pdr", d4, suffix), before)  # (D, r)
        suffix = (T[k][:, None, :] * suffix[None, :, :]).reshape(-1, r)
    return dT


def _tree_forward(net):
    w = net.pool
    T = np.ascontiguousarray(net._full(0).transpose(0, 2, 1), dtype=np.float64)  # (N, M, r_0): leaves W^T
    tape = []
    for l in range(1, net.L):
        pooled = [_pool(T[i:i + w]) for i in range(0, T.shape[0], w)]
        P = np.stack([p for p, _ in pooled])  # (n/w, D^w, r_{l-1})
        tape.append((T, [pre for _, pre in pooled], P))
        T = P @ net._full(l).transpose(0, 2, 1)  # (n/w, D^w, r_l)
    top, prefixes = _pool(T)  # every remaining position: (M^N in tree order, r)
    tape.append((T, [prefixes], None))
    A = (top @ net.w_out).reshape((net.M,) * net.N).transpose(np.argsort(net.order))  # particle order
    return A.ravel(), (tape, top)


def _tree_backward(net, tape, G):
    tape, top = tape
    w = net.pool
    G = G.reshape((net.M,) * net.N).transpose(net.order).ravel()  # tree order
    grads = [None] * (net.L + 1)
    grads[-1] = top.T @ G  # (r,)
    T, (prefixes,), _ = tape[-1]
    dT = _pool_backward(T, prefixes, G[:, None] * net.w_out[None, :])  # (n, D, r_{L-1})
    for l in range(net.L - 1, 0, -1):
        T_in, prefixes, P = tape[l - 1]
        W = net._full(l)  # (n/w, r_l, r_{l-1})
        dW = np.matmul(dT.transpose(0, 2, 1), P)  # (n/w, r_l, r_{l-1})
        grads[l] = dW.sum(axis=0) if net.layers[l].ndim == 2 else dW
        dP = dT @ W  # (n/w, D^w, r_{l-1})
        dT = np.concatenate([_pool_backward(T_in[w * i:w * i + w], prefixes[i], dP[i]) for i in range(dP.shape[0])])
    dW0 = dT.transpose(0, 2, 1)  # (N, r_0, M)
    grads[0] = dW0.sum(axis=0) if net.layers[0].ndim == 2 else dW0
    return grads
