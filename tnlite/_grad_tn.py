"""Log-domain scores and gradients of the MPS and the binary tree read as linear models of features.

Both contract one feature vector per site into the network; a weight's gradient is its
environment, the network with that weight removed, contracted with the same features.
Every partial contraction (a vector per sample) is divided by its norm and the
logs of the factors are summed per sample, as in :mod:`tnlite._grad_convac`: the score
is linear in each partial contraction, so with the factors frozen d log|score| =
d score~ / score~ and d score = exp(logs) d score~.

MPS legs (vL, i, vR): the left environment of core t is the chain contracted up to it,
(b, vL); the right one from the end back to it, (b, vR). Tree legs: leaf (phys, bond),
node (left, right, parent); a node's environment is its two children's vectors and the
gradient arriving at its parent bond.
"""
from __future__ import annotations

import numpy as np

from ._grad_rac import _unit


def _upstream(g, y, logs, log):
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        return g / y if log else g * np.exp(logs)


def _log_sign(y, logs):
    with np.errstate(divide="ignore"):
        return np.log(np.abs(y)) + logs, np.sign(y)


# ---- MPS --------------------------------------------------------------------------------
def _mps_forward(cores, X):
    """Left environments (rescaled) and the raw vectors after each core; logs of the factors so far."""
    B = X.shape[0]
    v, logs = np.ones((B, 1)), np.zeros(B)
    lefts, raws, log_left = [], [], []
    for t, core in enumerate(cores):
        left, d, right = core.shape
        W = (v @ core.reshape(left, d * right)).reshape(B, d, right)  # (b, i, vR)
        raw = np.einsum("bir,bi->br", W, X[:, t])  # (b, vR)
        lefts.append(v)
        log_left.append(logs.copy())
        raws.append(raw)
        v = raw.copy()
        _unit(v, logs)
    return lefts, raws, log_left, v[:, 0], logs


def mps_log_abs_score(mps, X):
    *_, y, logs = _mps_forward(mps.cores, X)
    return _log_sign(y, logs)


def mps_vjp(mps, X, g, log):
    """Gradient of sum g * score(X) (or sum g * log|score(X)|) for each core of the MPS."""
    lefts, raws, log_left, _, _ = _mps_forward(mps.cores, X)
    B = X.shape[0]
    R, log_right = np.ones((B, 1)), np.zeros(B)  # right environment of the last core (b, vR)
    grads = [None] * mps.N
    for t in range(mps.N - 1, -1, -1):
        core = mps.cores[t]
        left, d, right = core.shape
        z = np.einsum("br,br->b", raws[t], R)  # score * exp(-(logs left of t+1, right of t))
        u = _upstream(g, z, log_left[t] + log_right, log)
        LX = (lefts[t] * u[:, None])[:, :, None] * X[:, t, None, :]  # (b, vL, i)
        grads[t] = (LX.reshape(B, left * d).T @ R).reshape(left, d, right)  # (vL, i, vR)
        R = np.einsum("bai,bi->ba", (R @ core.reshape(left * d, right).T).reshape(B, left, d), X[:, t])  # (b, vL)
        _unit(R, log_right)
    return grads


# ---- binary tree ------------------------------------------------------------------------
def _tree_forward(tree, X, tape):
    """Rescaled contraction up the tree; returns the root's score~ (b,) and logs (b,)."""
    logs = np.zeros(X.shape[0])
    vecs = []
    for j, leaf in enumerate(tree.leaves):
        v = X[:, j] @ leaf  # (b, k_j)
        s = _unit(v, logs)
        vecs.append(v)
        if tape is not None:
            tape.append(("leaf", j, s))
    for l, row in enumerate(tree.levels):
        new = []
        for i, t in enumerate(row):
            left, right = vecs[2 * i], vecs[2 * i + 1]
            kl, kr, kp = t.shape
            T1 = (left @ t.reshape(kl, kr * kp)).reshape(-1, kr, kp)  # (b, k_right, k_parent)
            p = np.einsum("bd,bde->be", right, T1)  # (b, k_parent)
            s = _unit(p, logs)
            new.append(p)
            if tape is not None:
                tape.append(("node", (l, i), left, right, T1, s))
        vecs = new
    return vecs[0][:, 0], logs


def tree_log_abs_score(tree, X):
    return _log_sign(*_tree_forward(tree, X, None))


def tree_vjp(tree, X, g, log):
    """Gradient of sum g * score(X) (or sum g * log|score(X)|) for each leaf, then each node level by level."""
    tape = []
    y, logs = _tree_forward(tree, X, tape)
    u = _upstream(g, y, logs, log)
    node_grads = {}
    delta = {(tree.L - 1, 0): u[:, None]}  # d score~ / d (rescaled vector of node (l, i)), (b, k_parent)
    leaf_grads = [None] * tree.N
    for entry in reversed(tape):
        if entry[0] == "node":
            _, (l, i), left, right, T1, s = entry
            t = tree.levels[l][i]
            kl, kr, kp = t.shape
            d = delta.pop((l, i)) / s  # through the rescaling
            node_grads[(l, i)] = ((left[:, :, None] * right[:, None, :]).reshape(-1, kl * kr).T @ d).reshape(kl, kr, kp)
            dl = np.einsum("bcd,bd->bc", (d @ t.reshape(kl * kr, kp).T).reshape(-1, kl, kr), right)
            dr = np.einsum("bde,be->bd", T1, d)
            delta[(l - 1, 2 * i)], delta[(l - 1, 2 * i + 1)] = dl, dr
        else:
            _, j, s = entry
            leaf_grads[j] = X[:, j].T @ (delta.pop((-1, j)) / s)  # (phys, bond)
    return leaf_grads + [node_grads[(l, i)] for l, row in enumerate(tree.levels) for i in range(len(row))]
