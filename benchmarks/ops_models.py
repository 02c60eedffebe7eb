"""Network forward passes: deep ConvAC and RAC scores, tnlite against torch (CPU).

The torch versions (benchmarks/torch_peers.py) mirror the math with tnlite's weights,
so the check compares the very same function. float64 throughout (tnlite's dtype); a
float32 torch run is listed too, for scale only (its check uses a float32 tolerance).
"""
from __future__ import annotations

import numpy as np

from harness import Case
from ops import missing, peer, tnlite_module


def _features(B, N, M, rng):
    """Features with entries ~ U(0, 1) and unit-norm rows: scores stay O(1) with the weights below."""
    X = rng.random((B, N, M))
    return X / np.linalg.norm(X, axis=2, keepdims=True)


def case_rac(quick):
    N, M, R, B = (64, 4, 16, 2000) if quick else (256, 4, 16, 10_000)
    op, size = "RAC forward (depth 1)", f"N={N}, M={M}, R={R}, B={B:,}"
    rac = tnlite_module("rac")
    if rac is None:
        return missing(op, size, "rac")
    net = rac.RAC.random(N, M, R, rng=11)
    X = _features(B, N, M, np.random.default_rng(12))
    impls = {"tnlite RAC.score": lambda: net.score(X)}
    notes = {}
    torch = peer("torch")
    if torch is not None:
        import torch_peers

        Xt = torch.from_numpy(X)
        w = [torch.from_numpy(np.ascontiguousarray(a)) for a in (net.h0[0], net.W_H[0], net.W_I[0], net.W_O)]
        impls["torch (float64)"] = lambda: torch_peers.rac_forward(Xt, *w)
        notes["torch (float64)"] = ("per step (b,R)@(R,R) and (b,M)@(M,R) into reused buffers, chunks of 1024 "
                                     "(2x faster here than one GEMM for all input projections)")
        Xf = Xt.float()
        wf = [a.float() for a in w]
        impls["torch (float32, scale only)"] = lambda: torch_peers.rac_forward(Xf, *wf).double()

    def outputs(res):
        out = {k: np.asarray(v.numpy() if hasattr(v, "numpy") else v, dtype=float) for k, v in res.items()}
        # float32 is listed for scale; its own looser check:
        f32 = out.pop("torch (float32, scale only)", None)
        if f32 is not None:
            ref = out["tnlite RAC.score"]
            d = np.max(np.abs(f32 - ref)) / np.max(np.abs(ref))
            if d > 1e-3:
                out["torch (float32, scale only)"] = f32  # makes the check fail loudly
        return out

    flops = N * B * (2.0 * R * R + 2.0 * R * M + R)
    return Case(op, size, impls, outputs, rtol=1e-10, check="scores, max|a-b|/max|b| (float32: 1e-3)",
                flops=flops, bytes=X.nbytes, notes=notes)


def case_convac(quick):
    N, M, r, B = (64, 4, 16, 2000) if quick else (256, 4, 16, 10_000)
    op, size = "deep ConvAC forward", f"N={N}, M={M}, widths {r}, B={B:,}"
    convac = tnlite_module("convac")
    if convac is None:
        return missing(op, size, "convac")
    return convac_case(convac, op, size, N, M, r, B)


def convac_case(convac, op, size, N, M, r, B):
    L = int(np.log2(N))
    net = convac.ConvAC.random(N, M, [r] * L, rng=13)  # unshared 1x1 convs, float64
    W0, Ws, w_out = net.layers[0], list(net.layers[1:]), net.w_out
    X = _features(B, N, M, np.random.default_rng(14))
    impls = {"tnlite ConvAC.score": lambda: net.score(X)}
    notes = {"tnlite ConvAC.score": "position-major (n, B, c), matmul per layer, batch chunks"}
    torch = peer("torch")
    if torch is not None:
        import torch_peers

        Xt = torch.from_numpy(X)
        tw = (torch.from_numpy(np.ascontiguousarray(W0)), [torch.from_numpy(np.ascontiguousarray(W)) for W in Ws],
              torch.from_numpy(np.ascontiguousarray(w_out)))
        impls["torch (float64)"] = lambda: torch_peers.convac_forward(Xt, *tw)
        notes["torch (float64)"] = "the same layout: (n, B, c), bmm per layer, batch chunks of 512"
        Xf = Xt.float()
        twf = (tw[0].float(), [W.float() for W in tw[1]], tw[2].float())
        impls["torch (float32, scale only)"] = lambda: torch_peers.convac_forward(Xf, *twf).double()

    def outputs(res):
        out = {k: np.asarray(v.numpy() if hasattr(v, "numpy") else v, dtype=float) for k, v in res.items()}
        f32 = out.pop("torch (float32, scale only)", None)
        if f32 is not None:
            ref = out["tnlite ConvAC.score"]
            if np.max(np.abs(f32 - ref)) / np.max(np.abs(ref)) > 1e-3:
                out["torch (float32, scale only)"] = f32
        return out

    flops = 2.0 * B * N * M * r + sum(2.0 * B * (N >> l) * r * r + B * (N >> l) * r for l in range(1, L))
    return Case(op, size, impls, outputs, rtol=1e-10, check="scores, max|a-b|/max|b| (float32: 1e-3)",
                flops=flops, bytes=X.nbytes, notes=notes)


def case_overlapping(quick):
    N, M, r, K, depth, B = (64, 4, 16, 3, 2, 2000) if quick else (256, 4, 16, 3, 2, 10_000)
    op, size = "overlapping ConvAC forward", f"N={N}, M={M}, r={r}, K={K}, depth={depth}, B={B:,}"
    reuse = tnlite_module("reuse")
    if reuse is None:
        return missing(op, size, "reuse")
    net = reuse.OverlappingConvAC.random(N, M, r, K, depth, rng=15)
    X = _features(B, N, M, np.random.default_rng(16))
    ref = "tnlite OverlappingConvAC.score"
    impls = {ref: lambda: net.score(X)}
    notes = {ref: "position-major (n, B, c), one stacked matmul per layer and offset, batch chunks"}
    torch = peer("torch")
    if torch is not None:
        import torch_peers

        Xt = torch.from_numpy(X)
        tw = ([torch.from_numpy(W) for W in net.layers], torch.from_numpy(net.conv), torch.from_numpy(net.w_out))
        impls["torch (float64)"] = lambda: torch_peers.overlapping_forward(Xt, *tw)
        notes["torch (float64)"] = "the same layout: (n, B, c), bmm per offset, batch chunks of 512"

    def outputs(res):
        return {k: np.asarray(v.numpy() if hasattr(v, "numpy") else v, dtype=float) for k, v in res.items()}

    n = [N - l * (K - 1) for l in range(depth + 1)]
    flops = B * (sum(n[l + 1] * K * (2.0 * r * (M if l == 0 else r) + r) for l in range(depth))
                 + n[-1] * (2.0 * r * r + r) + 2.0 * r)
    return Case(op, size, impls, outputs, rtol=1e-10, check="scores, max|a-b|/max|b|",
                flops=flops, bytes=X.nbytes, notes=notes)


def _flat(grads):
    """A list of gradient arrays (numpy or torch) as one float64 vector, for the check."""
    return np.concatenate([np.asarray(G.numpy() if hasattr(G, "numpy") else G, dtype=float).ravel() for G in grads])


def case_convac_train(quick):
    """One training step's gradients (forward + backward) of a deep ConvAC, tnlite's vjp against torch autograd."""
    N, M, r, B = (32, 4, 8, 256) if quick else (64, 4, 16, 1024)
    op, size = "deep ConvAC training step", f"N={N}, M={M}, widths {r}, B={B:,}, float64"
    convac = tnlite_module("convac")
    if convac is None or not hasattr(convac.ConvAC, "vjp"):
        return missing(op, size, "convac")
    L = int(np.log2(N))
    net = convac.ConvAC.random(N, M, [r] * L, rng=13)
    X = _features(B, N, M, np.random.default_rng(14))
    g = np.random.default_rng(15).standard_normal(B)
    impls = {"tnlite vjp(log=True)": lambda: net.vjp(X, g, log=True)}
    notes = {"tnlite vjp(log=True)": "gradient of sum g log|score|: the rescaled forward pass kept, then "
                                     "one backward pass in the same (n, B, c) layout, chunks of 512"}
    torch = peer("torch")
    if torch is not None:
        import torch_peers

        tX, tg = torch.from_numpy(X), torch.from_numpy(g)
        tw = (torch.from_numpy(np.ascontiguousarray(net.layers[0])),
              [torch.from_numpy(np.ascontiguousarray(W)) for W in net.layers[1:]], torch.from_numpy(net.w_out))
        impls["torch autograd (float64)"] = lambda: torch_peers.convac_log_loss_grad(tX, *tw, tg)
        notes["torch autograd (float64)"] = "the forward pass of the forward row with autograd, backward() per chunk"
    flops = 3 * (2.0 * B * N * M * r + sum(2.0 * B * (N >> l) * r * r for l in range(1, L)))  # forward + 2x backward
    return Case(op, size, impls, lambda res: {k: _flat(v) for k, v in res.items()}, rtol=1e-9,
                check="all gradients, max|a-b|/max|b|", flops=flops, bytes=X.nbytes, notes=notes)


def case_rac_train(quick):
    """One training step's gradients of a depth-1 RAC (backpropagation through time) against torch autograd."""
    N, M, R, B = (32, 4, 8, 256) if quick else (64, 4, 16, 1024)
    op, size = "RAC training step (depth 1)", f"N={N}, M={M}, R={R}, B={B:,}, float64"
    rac = tnlite_module("rac")
    if rac is None or not hasattr(rac.RAC, "vjp"):
        return missing(op, size, "rac")
    net = rac.RAC.random(N, M, R, rng=11)
    X = _features(B, N, M, np.random.default_rng(12))
    g = np.random.default_rng(13).standard_normal(B)
    impls = {"tnlite vjp(log=True)": lambda: net.vjp(X, g, log=True)}
    notes = {"tnlite vjp(log=True)": "rescaled states kept per step, then backpropagation through time"}
    torch = peer("torch")
    if torch is not None:
        import torch_peers

        w = [torch.from_numpy(np.ascontiguousarray(a)) for a in (net.h0[0], net.W_H[0], net.W_I[0], net.W_O)]
        tX, tg = torch.from_numpy(X), torch.from_numpy(g)
        impls["torch autograd (float64)"] = lambda: torch_peers.rac_log_loss_grad(tX, *w, tg)
        notes["torch autograd (float64)"] = "the RAC forward with autograd (no in-place buffers), backward() per chunk"
    flops = 3 * N * B * (2.0 * R * R + 2.0 * R * M + R)
    return Case(op, size, impls, lambda res: {k: _flat(v) for k, v in res.items()}, rtol=1e-9,
                check="all gradients, max|a-b|/max|b|", flops=flops, bytes=X.nbytes, notes=notes)


def case_log_forward(quick):
    """The log-domain forward pass (log_abs_score) against the plain one (score), the same deep ConvAC."""
    N, M, r, B = (64, 4, 16, 2000) if quick else (256, 4, 16, 10_000)
    op, size = "deep ConvAC log-domain forward", f"N={N}, M={M}, widths {r}, B={B:,}"
    convac = tnlite_module("convac")
    if convac is None or not hasattr(convac.ConvAC, "log_abs_score"):
        return missing(op, size, "convac")
    net = convac.ConvAC.random(N, M, [r] * int(np.log2(N)), rng=13)
    X = _features(B, N, M, np.random.default_rng(14))
    impls = {"tnlite log_abs_score": lambda: net.log_abs_score(X), "tnlite score (plain)": lambda: net.score(X)}

    def outputs(res):
        logabs, sign = res["tnlite log_abs_score"]
        return {"tnlite log_abs_score": sign * np.exp(logabs), "tnlite score (plain)": res["tnlite score (plain)"]}

    notes = {"tnlite log_abs_score": "every activation vector divided by its largest |entry|, logs summed: "
                                     "finite at any N (the plain row is compared where it is representable)"}
    flops = 2.0 * B * N * M * r + sum(2.0 * B * (N >> l) * r * r for l in range(1, int(np.log2(N))))
    return Case(op, size, impls, outputs, rtol=1e-9, check="sign * exp(log|score|) against score",
                flops=flops, bytes=X.nbytes, notes=notes)
