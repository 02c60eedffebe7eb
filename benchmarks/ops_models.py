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
