"""torch CPU implementations of the benchmarked operations, mirroring tnlite's math.

Written for the benchmark only (torch is a peer, not a dependency of tnlite). Each
function takes torch tensors in tnlite's leg order and returns a torch tensor.
Leg orders: MPS cores (vL, i, vR); ConvAC/RAC features X (B, N, M).
"""
from __future__ import annotations

import torch


@torch.inference_mode()
def mps_overlap(a, b):
    """<a|b> for two MPS given as lists of (vL, i, vR) cores (real)."""
    E = torch.ones((1, 1), dtype=a[0].dtype)  # (vLa, vLb)
    for A, B in zip(a, b):
        la, d, ra = A.shape
        lb, _, rb = B.shape
        X = (E @ B.reshape(lb, d * rb)).reshape(la * d, rb)  # (vLa i, vRb)
        E = A.reshape(la * d, ra).T @ X  # (vRa, vRb)
    return E[0, 0]


@torch.inference_mode()
def mps_left_canonical(cores):
    """Left-canonical QR sweep; returns the new list of cores (vL, i, vR)."""
    out = []
    R = torch.ones((1, 1), dtype=cores[0].dtype)
    n = len(cores)
    for t, c in enumerate(cores):
        left, d, right = c.shape
        c = (R @ c.reshape(left, d * right)).reshape(R.shape[0] * d, right)
        if t == n - 1:
            out.append(c.reshape(-1, d, right))
            break
        Q, R = torch.linalg.qr(c)
        out.append(Q.reshape(-1, d, Q.shape[1]))
    return out


@torch.inference_mode()
def mps_amplitudes(cores, configs):
    """psi[configs[b]]: one GEMM per site over both physical values, then a select."""
    B = configs.shape[0]
    rows = torch.arange(B)
    v = torch.ones((B, 1), dtype=cores[0].dtype)
    for t, c in enumerate(cores):
        left, d, right = c.shape
        W = (v @ c.reshape(left, d * right)).reshape(B, d, right)
        v = W[rows, configs[:, t]]
    return v[:, 0]


@torch.inference_mode()
def convac_forward(X, W0, Ws, w_out, chunk=512, pool=2, order=None):
    """Deep ConvAC scores, product pooling over windows of `pool` positions, unshared 1x1 convs.

    v0_j = W0[j] @ X[:, order[j]]           W0: (N, r0, M) in tree order
    v_l,i = Ws[l-1][i] @ prod_k v_{l-1, pool i + k}       Ws[l-1]: (N / pool^l, r_l, r_{l-1})
    y = w_out . prod_k v_{L-1, k}          w_out: (r_{L-1},)

    Position-major layout (n, B, c) so each layer is one batched matmul; the batch is
    processed in chunks to keep temporaries in cache. `order` (2D: the Z order) gathers
    the chunk's positions into tree order, inside the timed call.

    Parameters
    ----------
    X : Tensor, shape (B, N, M)

    Returns
    -------
    Tensor, shape (B,)
    """
    B = X.shape[0]
    out = torch.empty(B, dtype=X.dtype)
    W0t = W0.transpose(1, 2)  # (N, M, r0)
    Wst = [W.transpose(1, 2) for W in Ws]  # (n, r_{l-1}, r_l)
    for s in range(0, B, chunk):
        x = X[s:s + chunk] if order is None else X[s:s + chunk, order]
        v = torch.bmm(x.transpose(0, 1), W0t)  # (N, b, r0)
        for Wt in Wst + [None]:
            p = v[0::pool]
            for k in range(1, pool):
                p = p * v[k::pool]  # (n / pool, b, r_{l-1})  product pooling
            v = torch.bmm(p, Wt) if Wt is not None else p  # (n, b, r_l)
        out[s:s + chunk] = v[0] @ w_out
    return out


@torch.inference_mode()
def shallow_forward(X, W0, w_out, chunk=512):
    """Shallow ConvAC (CP) scores: y = w_out . prod_j (W0[j] @ X[:, j]); W0 (N, r, M)."""
    B = X.shape[0]
    out = torch.empty(B, dtype=X.dtype)
    W0t = W0.transpose(1, 2)  # (N, M, r)
    for s in range(0, B, chunk):
        v = torch.bmm(X[s:s + chunk].transpose(0, 1), W0t)  # (N, b, r)
        out[s:s + chunk] = torch.prod(v, dim=0) @ w_out
    return out


@torch.inference_mode()
def rac_forward(X, h0, W_H, W_I, W_O, chunk=1024):
    """RAC scores with multiplicative integration: h_t = (W_H h_{t-1}) * (W_I f(x_t)).

    Per time step two small GEMMs into reused buffers, batch in chunks of `chunk`: on
    this machine about 2x faster than projecting all inputs at once (a (B, N, R)
    temporary that leaves the cache), so it is the fair torch side. Depth L: h0, W_H,
    W_I are lists of L (layer k > 0 reads layer k-1's state through its W_I (R, R)).

    Parameters
    ----------
    X : Tensor, shape (B, N, M)
    h0 : Tensor (R,) or list; W_H : (R, R) or list; W_I : (R, M) or list (then (R, R)); W_O : (R,)

    Returns
    -------
    Tensor, shape (B,)
    """
    h0, W_H, W_I = ([a] if torch.is_tensor(a) else list(a) for a in (h0, W_H, W_I))
    B, N, M = X.shape
    out = torch.empty(B, dtype=X.dtype)
    WHt, WIt = [w.T.contiguous() for w in W_H], [w.T.contiguous() for w in W_I]
    for s in range(0, B, chunk):
        x = X[s:s + chunk]
        b = x.shape[0]
        h = [g.expand(b, -1).clone() for g in h0]  # (b, R) per layer
        tmp, u = torch.empty_like(h[0]), torch.empty_like(h[0])
        for t in range(N):
            torch.mm(x[:, t, :], WIt[0], out=u)  # W_I f(x_t)
            for k in range(len(h)):
                torch.mm(h[k], WHt[k], out=tmp)  # W_H h_{t-1}
                torch.mul(tmp, u, out=h[k])
                if k + 1 < len(h):
                    torch.mm(h[k], WIt[k + 1], out=u)  # the next layer's input
        out[s:s + b] = h[-1] @ W_O
    return out


@torch.inference_mode()
def overlapping_forward(X, layers, conv, w_out, chunk=512):
    """1D overlapping ConvAC scores (stride 1, kernel K), unshared weights.

    u_l,j = prod_k layers[l-1][j, k] @ u_{l-1,j+k}      layers[l-1]: (n_l, K, r, r_in)
    y = w_out . prod_j (conv[j] @ u_L,j)                  conv: (n_L, r, r_in), w_out: (r,)

    Position-major (n, B, c): each offset k of a layer is one bmm on the slice of positions
    k..k+n_l-1, multiplied in place; batch chunks keep the temporaries in cache.

    Parameters
    ----------
    X : Tensor, shape (B, N, M)

    Returns
    -------
    Tensor, shape (B,)
    """
    B = X.shape[0]
    out = torch.empty(B, dtype=X.dtype)
    Wt = [W.permute(1, 0, 3, 2).contiguous() for W in layers]  # (K, n, in, out)
    Ct = conv.transpose(1, 2).contiguous()  # (n_L, in, out)
    for s in range(0, B, chunk):
        v = X[s:s + chunk].transpose(0, 1).contiguous()  # (N, b, M)
        for W in Wt:
            n = W.shape[1]
            u = torch.bmm(v[0:n], W[0])  # (n, b, r)
            for k in range(1, W.shape[0]):
                u.mul_(torch.bmm(v[k:k + n], W[k]))
            v = u
        out[s:s + chunk] = torch.prod(torch.bmm(v, Ct), dim=0) @ w_out
    return out


def convac_log_loss_grad(X, W0, Ws, w_out, g, chunk=512):
    """One training step's gradients by torch autograd: d/dweights of sum g * log|score| (deep ConvAC).

    The forward pass is `convac_forward`'s layout with autograd on (float64); the weights
    are fresh leaf tensors each call. Returns the gradients [W0, *Ws, w_out].
    """
    leaves = [W0.detach().clone().requires_grad_(True)] + [W.detach().clone().requires_grad_(True) for W in Ws]
    w = w_out.detach().clone().requires_grad_(True)
    W0t = leaves[0].transpose(1, 2)
    Wst = [W.transpose(1, 2) for W in leaves[1:]]
    for s in range(0, X.shape[0], chunk):
        v = torch.bmm(X[s:s + chunk].transpose(0, 1), W0t)  # (N, b, r0)
        for Wt in Wst:
            v = torch.bmm(v[0::2] * v[1::2], Wt)  # (n, b, r_l)
        score = (v[0] * v[1]) @ w
        (g[s:s + chunk] * torch.log(torch.abs(score))).sum().backward()
    return [a.grad for a in leaves] + [w.grad]


def rac_log_loss_grad(X, h0, W_H, W_I, W_O, g, chunk=1024):
    """The same for the depth-1 RAC: gradients [W_H, W_I, h0, W_O] of sum g * log|score| by autograd."""
    leaves = [a.detach().clone().requires_grad_(True) for a in (W_H, W_I, h0, W_O)]
    wh, wi, h_0, wo = leaves
    for s in range(0, X.shape[0], chunk):
        x = X[s:s + chunk]
        h = h_0.expand(x.shape[0], -1)
        for t in range(x.shape[1]):
            h = (h @ wh.T) * (x[:, t, :] @ wi.T)
        (g[s:s + chunk] * torch.log(torch.abs(h @ wo))).sum().backward()
    return [a.grad for a in leaves]


def _energy(psi, H):
    """<psi|H|psi> / <psi|psi> for real amplitudes psi (autograd through the sparse product)."""
    Hpsi = torch.sparse.mm(H, psi[:, None])[:, 0]
    return psi @ Hpsi / (psi @ psi)


def convac_energy_grad(weights, H, N):
    """E and dE/dweights of a deep 1D ConvAC (unshared, window 2) by autograd, all amplitudes at once.

    The coefficient tensor is contracted as a tree: each leaf a table (M, r0), each pooling
    the outer product of two blocks' tables (D^2, r), each conv a matmul; the last pooling
    and w_out give all M^N amplitudes in site order. weights: [W0 (N, r0, M), W1, ..., w_out].
    """
    leaves = [w.detach().clone().requires_grad_(True) for w in weights]
    *layers, w_out = leaves
    T = layers[0].transpose(1, 2)  # (N, M, r0)
    for W in layers[1:]:
        n, D, r = T.shape
        P = (T[0::2, :, None, :] * T[1::2, None, :, :]).reshape(n // 2, D * D, r)  # (n/2, D^2, r)
        T = P @ W.transpose(1, 2)  # (n/2, D^2, r_l)
    psi = (T[0][:, None, :] * T[1][None, :, :]).reshape(-1, T.shape[2]) @ w_out  # (M^N,)
    E = _energy(psi, H)
    E.backward()
    return E.detach(), [a.grad for a in leaves]


def convac_energy_grad_batched(weights, H, X, chunk=4096):
    """The same gradient with the amplitudes from convac_forward's layout on all one-hot inputs X (B, N, M)."""
    leaves = [w.detach().clone().requires_grad_(True) for w in weights]
    *layers, w_out = leaves
    W0t, Wst = layers[0].transpose(1, 2), [W.transpose(1, 2) for W in layers[1:]]
    parts = []
    for s in range(0, X.shape[0], chunk):
        v = torch.bmm(X[s:s + chunk].transpose(0, 1), W0t)  # (N, b, r0)
        for Wt in Wst:
            v = torch.bmm(v[0::2] * v[1::2], Wt)  # (n, b, r_l)
        parts.append((v[0] * v[1]) @ w_out)
    E = _energy(torch.cat(parts), H)
    E.backward()
    return E.detach(), [a.grad for a in leaves]


def rbm_energy_grad(weights, H, N):
    """E and dE/d[a, b, w] of a fully connected RBM by autograd: log psi of all 2^N spin configurations."""
    a, b, w = (x.detach().clone().requires_grad_(True) for x in weights)
    x = torch.arange(2**N)
    s = (1 - 2 * ((x[:, None] >> torch.arange(N - 1, -1, -1)) & 1)).to(torch.float64)  # (2^N, N), site 0 first
    theta = s @ w.T + b  # (2^N, H)
    log_psi = s @ a + torch.logaddexp(theta, -theta).sum(dim=1)  # log(2 cosh theta) summed over the units
    psi = torch.exp(log_psi - log_psi.max().detach())  # the scale, held fixed, drops out of E
    E = _energy(psi, H)
    E.backward()
    return E.detach(), [a.grad, b.grad, w.grad]
