"""All amplitudes of an overlapping ConvAC and their vector-Jacobian product, through receptive fields.

``OverlappingConvAC.to_dense`` evaluates the sub-network under each last-layer position j
on every configuration of its receptive field (a table F_j of shape (M^F, r)), then
multiplies the tables over positions on the grid of all M^N configurations:

    A[x] = sum_c w_out[c] prod_j F_j[x restricted to field(j), c]

This module does the same with a tape, and backwards: d/d F_j is the upstream tensor
times the product of the other tables (prefix and suffix products over j), summed over
the sites outside field(j); then back through the sub-network's layers, whose weights
are views of the network's (a weight read by several fields collects all their
gradients). Layouts are ``OverlappingConvAC._transposed``'s: layer l as (K**dim offsets,)
+ grid of layer l+1 + (in, out); activations as grid + (b, channel), b the field's
configurations.
"""
from __future__ import annotations

import numpy as np

from .features import one_hot

__all__ = ["forward", "backward"]


def _box(start, width):
    return tuple(slice(int(s), int(s) + width) for s in start)


def _fields(net):
    """Per last position: the top-left corner of its field, and the field's one-hot inputs (grid + (M^F, M))."""
    dim, K, M = len(net.grid), net.K, net.M
    width = net.depth * (K - 1) + 1
    F = width**dim
    configs = np.indices((M,) * F).reshape(F, -1).T  # (M^F, F), the field's sites in ascending order
    V0 = np.ascontiguousarray(one_hot(configs, M).transpose(1, 0, 2)).reshape((width,) * dim + (M**F, M))
    starts = np.indices(net.shapes[-1]).reshape(dim, -1).T  # (n_L, dim)
    return starts, width, V0


def _sub_forward(net, Ws, Ct, start, width, V):
    """The sub-network under one last position on its field's configurations, with its tape."""
    dim, K, shrink = len(net.grid), net.K, net.K - 1
    tape = []
    for l, Wl in enumerate(Ws):
        W = Wl[(slice(None),) + _box(start, width - (l + 1) * shrink)]  # (taps,) + out_shape + (in, out)
        out_shape = W.shape[1:-2]
        terms, windows = [], []
        for k in range(W.shape[0]):
            o = np.unravel_index(k, (K,) * dim)
            windows.append(tuple(slice(a, a + n) for a, n in zip(o, out_shape)))
            terms.append(V[windows[-1]] @ W[k])  # out_shape + (b, out): W^(l,j,k) u_{j+k}
        tape.append((V, W, windows, terms))
        U = terms[0]
        for t in terms[1:]:
            U = U * t
        V = U
    C = Ct[_box(start, 1)]  # (1,)*dim + (in, out)
    return (V @ C).reshape(V.shape[-2], -1), (tape, V, C)  # (M^F, r)


def _sub_backward(net, sub, dF, dWs, dCt, start, width):
    """Add the gradients of sum dF * F_j into the full-size dWs, dCt (transposed layouts)."""
    tape, V, C = sub
    shrink = net.K - 1
    dV = dF.reshape(V.shape[:-1] + (dF.shape[-1],)) @ np.swapaxes(C, -1, -2)  # (1,)*dim + (b, in)
    dCt[_box(start, 1)] += np.swapaxes(V, -1, -2) @ dF.reshape(V.shape[:-1] + (dF.shape[-1],))
    for l in range(len(tape) - 1, -1, -1):
        V_in, W, windows, terms = tape[l]
        box = (slice(None),) + _box(start, width - (l + 1) * shrink)
        dV_in = np.zeros_like(V_in)
        for k, (win, t) in enumerate(zip(windows, terms)):
            others = np.ones_like(t)
            for k2, t2 in enumerate(terms):
                if k2 != k:
                    others = others * t2
            dt = dV * others  # out_shape + (b, out)
            dWs[l][box][k] += np.swapaxes(V_in[win], -1, -2) @ dt  # out_shape + (in, out)
            dV_in[win] += dt @ np.swapaxes(W[k], -1, -2)
        dV = dV_in


def forward(net):
    """(A, tape): the amplitudes of all M^N configurations, flat in ``to_dense()``'s order."""
    N, M, r = net.N, net.M, net.r
    Ws, Ct = net._transposed()
    starts, width, V0 = _fields(net)
    fields = net.receptive_fields(net.depth)  # (n_L, F)
    subs, tables, prefixes = [], [], []
    T = np.ones((1,) * N + (r,))
    for j, start in enumerate(starts):
        Fj, sub = _sub_forward(net, Ws, Ct, start, width, V0)
        shape = [1] * N + [r]
        for i in fields[j]:
            shape[i] = M
        subs.append(sub)
        tables.append(Fj.reshape(shape))
        prefixes.append(T)
        T = T * tables[-1]  # grows to (M,)*N + (r,)
    return (T @ net.w_out).ravel(), (Ws, Ct, starts, width, fields, subs, tables, prefixes, T)


def backward(net, tape, G):
    """Gradient of sum_c G[c] A[c] for each array of ``net.params()``."""
    Ws, Ct, starts, width, fields, subs, tables, prefixes, T = tape
    N, M, r = net.N, net.M, net.r
    G = G.reshape((M,) * N)
    dw_out = T.reshape(-1, r).T @ G.ravel()
    dT = G[..., None] * net.w_out  # (M,)*N + (r,)
    dWs, dCt = [np.zeros_like(W) for W in Ws], np.zeros_like(Ct)
    suffix = np.ones((1,) * N + (r,))
    for j in range(len(starts) - 1, -1, -1):
        outside = tuple(i for i in range(N) if i not in set(fields[j].tolist()))
        dF = (dT * prefixes[j] * suffix).sum(axis=outside)  # (M,)*F + (r,), the field's sites in order
        _sub_backward(net, subs[j], dF.reshape(-1, r), dWs, dCt, starts[j], width)
        suffix = suffix * tables[j]
    layers = [dW.reshape((dW.shape[0], -1) + dW.shape[-2:]).transpose(1, 0, 3, 2) for dW in dWs]
    conv = dCt.reshape((-1,) + dCt.shape[-2:]).transpose(0, 2, 1)
    return [*layers, conv, dw_out]
