"""Network forward passes: ConvAC (1D, 2D, shallow / CP) and RAC (depth 1, 2) scores,
tnlite against torch (CPU).

The torch versions (benchmarks/torch_peers.py) mirror the math with tnlite's weights,
so the check compares the very same function. float64 throughout (tnlite's dtype); a
float32 torch run is listed too, for scale only (its check uses a float32 tolerance).
Each case lists tnlite's work by kernel shape (benchmarks/kernels.py), with tnlite's own
batch chunks, for the kernel floor.
"""
from __future__ import annotations

import numpy as np

from harness import Case
from kernels import Term, elementwise, gemm, pool_multiply
from ops import missing, peer, tnlite_module


def _features(B, N, M, rng):
    """Features with entries ~ U(0, 1) and unit-norm rows: scores stay O(1) with the weights below."""
    X = rng.random((B, N, M))
    return X / np.linalg.norm(X, axis=2, keepdims=True)


def case_rac(quick, depth=1):
    N, M, R, B = (64, 4, 16, 2000) if quick else (256, 4, 16, 10_000)
    if depth > 1:  # a deep RAC's scores leave float64's range by N = 64 (the states' logs grow ~t^2):
        N, B = N // 8, B * 8  # 8x shorter sequences, 8x more of them, the same samples x steps
    op, size = f"RAC forward (depth {depth})", f"N={N}, M={M}, R={R}, B={B:,}"
    rac = tnlite_module("rac")
    if rac is None:
        return missing(op, size, "rac")
    net = rac.RAC.random(N, M, R, rng=11, depth=depth)
    X = _features(B, N, M, np.random.default_rng(12))
    impls = {"tnlite RAC.score": lambda: net.score(X)}
    notes = {}
    torch = peer("torch")
    if torch is not None:
        import torch_peers

        Xt = torch.from_numpy(X)
        t = lambda arrays: [torch.from_numpy(np.ascontiguousarray(a)) for a in arrays]  # noqa: E731
        w = (t(net.h0), t(net.W_H), t(net.W_I), torch.from_numpy(net.W_O))
        impls["torch (float64)"] = lambda: torch_peers.rac_forward(Xt, *w)
        notes["torch (float64)"] = ("per step (b,R)@(R,R) and (b,M)@(M,R) into reused buffers, chunks of 1024 "
                                     "(2x faster here than one GEMM for all input projections)")
        Xf = Xt.float()
        wf = ([a.float() for a in w[0]], [a.float() for a in w[1]], [a.float() for a in w[2]], w[3].float())
        if depth == 1:  # deeper: scores ~1e-80, below float32's range
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

    # per step and sample: W_I x (2RM), then per layer W_H h (2R^2) and the product (R), and
    # for each layer above the first its input W_I h (2R^2)
    flops = N * B * (2.0 * R * M + depth * (2.0 * R * R + R) + (depth - 1) * 2.0 * R * R)
    b = tnlite_module("_linalg").recurrent_chunk(R, 8)
    terms = [Term(f"W_I f(x_t): inner dimension M = {M}", [(2.0 * N * B * R * M, gemm(0, b, M, R, rows_apart=N))]),
             Term(f"W_H h and the upper layers' W_I h: inner dimension R = {R}",
                  [((2 * depth - 1) * 2.0 * N * B * R * R, gemm(0, b, R, R))]),
             Term("h_t = (W_H h_{t-1}) * u", [(depth * N * B * R, elementwise(b * R))])]
    return Case(op, size, impls, outputs, rtol=1e-10, check="scores, max|a-b|/max|b| (float32: 1e-3)",
                flops=flops, bytes=X.nbytes, notes=notes, terms=terms)


_CONVAC_OPS = {"1d": "deep ConvAC forward", "2d": "deep ConvAC 2D forward", "shallow": "shallow ConvAC / CP forward"}


def case_convac(quick, kind="1d"):
    """kind "1d" (pooling pairs), "2d" (2x2 windows on a side x side grid, side^2 = N) or
    "shallow" (one global pooling: a CP decomposition of rank r)."""
    N, M, r, B = (64, 4, 16, 2000) if quick else (256, 4, 16, 10_000)
    op = _CONVAC_OPS[kind]
    module = {"1d": "convac", "2d": "convac2d", "shallow": "cp"}[kind]
    side = int(round(N ** 0.5))
    size = (f"{side} x {side} grid" if kind == "2d" else f"N={N}") + f", M={M}, widths {r}, B={B:,}"
    mod = tnlite_module(module)
    if mod is None:
        return missing(op, size, module)
    if kind == "1d":
        net, pool = mod.ConvAC.random(N, M, [r] * int(np.log2(N)), rng=13), 2  # unshared 1x1 convs, float64
    elif kind == "2d":
        net, pool = mod.ConvAC2D.random(side, M, [r] * int(np.log2(side)), rng=13), 4
    else:
        net, pool = mod.ShallowConvAC.random(N, M, r, rng=13), N
    X = _features(B, N, M, np.random.default_rng(14))
    ref = f"tnlite {type(net).__name__}.score"
    impls = {ref: lambda: net.score(X)}
    notes = {ref: "position-major (n, B, c), layer 0 read from X in place, matmul per layer, batch chunks "
                  "sized from the L1 cache" + ("; positions multiplied down in L2-sized blocks" if kind == "shallow" else "")}
    if kind == "shallow":
        cp = net.to_cp()
        impls["tnlite CP.score"] = lambda: cp.score(X)
        notes["tnlite CP.score"] = "the same network as a CP decomposition (factors W^(0,j).T)"
    torch = peer("torch")
    if torch is not None:
        import torch_peers

        Xt = torch.from_numpy(X)
        tw = (torch.from_numpy(np.ascontiguousarray(net.layers[0])),
              [torch.from_numpy(np.ascontiguousarray(W)) for W in net.layers[1:]],
              torch.from_numpy(np.ascontiguousarray(net.w_out)))
        if kind == "shallow":
            forward = lambda X_, W0, Ws, w: torch_peers.shallow_forward(X_, W0, w)  # noqa: E731
            notes["torch (float64)"] = "(n, B, c), bmm for the N convs, torch.prod over positions, batch chunks of 512"
        else:
            order = None if kind == "1d" else torch.from_numpy(net.order)
            forward = lambda X_, W0, Ws, w: torch_peers.convac_forward(X_, W0, Ws, w, pool=pool, order=order)  # noqa: E731
            notes["torch (float64)"] = ("the same layout: (n, B, c), bmm per layer, batch chunks of 512"
                                        + ("; the chunk gathered into Z order" if kind == "2d" else ""))
        impls["torch (float64)"] = lambda: forward(Xt, *tw)
        if kind != "shallow":  # a shallow score at N = 256 is ~1e-56, below float32's range
            Xf = Xt.float()
            twf = (tw[0].float(), [W.float() for W in tw[1]], tw[2].float())
            impls["torch (float32, scale only)"] = lambda: forward(Xf, *twf).double()

    def outputs(res):
        out = {k: np.asarray(v.numpy() if hasattr(v, "numpy") else v, dtype=float) for k, v in res.items()}
        f32 = out.pop("torch (float32, scale only)", None)
        if f32 is not None:
            if np.max(np.abs(f32 - out[ref])) / np.max(np.abs(out[ref])) > 1e-3:
                out["torch (float32, scale only)"] = f32
        return out

    n = [N // pool**l for l in range(net.L + 1)]  # positions at each level
    # layer 0, then per conv layer l >= 1 its GEMM and the pooling that feeds it (w - 1 products each)
    flops = 2.0 * B * N * M * r + sum(2.0 * B * n[l] * r * r + (pool - 1) * B * n[l] * r for l in range(1, net.L))
    if kind == "shallow":
        flops += B * (N - 1.0) * r
    return Case(op, size, impls, outputs, rtol=1e-10, check="scores, max|a-b|/max|b| (float32: 1e-3)",
                flops=flops, bytes=X.nbytes, notes=notes, terms=_convac_terms(net, B, pool, n))


def _convac_terms(net, B, pool, n):
    """tnlite's work by kernel shape, with its own chunk b (and block of G positions, shallow)."""
    linalg = tnlite_module("_linalg")
    N, M, r = net.N, net.M, net.widths[0]
    b = linalg.conv_chunk(max(net.widths), 8)
    if pool == N:  # shallow: layer 0 and the products per block of G positions
        G = min(N, linalg.position_block(b, r, 8))
        return [Term(f"layer 0: N GEMMs with inner dimension M = {M}", [(2.0 * B * N * M * r, gemm(G, b, M, r, rows_apart=N))]),
                Term("product over the N positions", [(B * (N - 1.0) * r, pool_multiply(G, b, r))])]
    return [Term(f"layer 0: N GEMMs with inner dimension M = {M}", [(2.0 * B * N * M * r, gemm(N, b, M, r, rows_apart=N))]),
            Term(f"layers 1..L-1: GEMMs with inner dimension r = {r}",
                 [(2.0 * B * n[l] * r * r, gemm(n[l], b, r, r, batch_step=pool)) for l in range(1, net.L)]),
            Term(f"product pooling over {pool}",
                 [((pool - 1.0) * B * n[l] * r, pool_multiply(n[l - 1], b, r, pool)) for l in range(1, net.L + 1)])]


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
    notes = {ref: "position-major (n, B, c), one stacked matmul per layer and offset on views of X, batch chunks "
                  "sized from the L1 cache"}
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
    b = tnlite_module("_linalg").conv_chunk(r, 8)
    terms = [Term(f"layer 1: K GEMMs per position, inner dimension M = {M}",
                  [(2.0 * B * n[1] * K * M * r, gemm(n[1], b, M, r, rows_apart=N))]),
             Term(f"layers 2..depth and the 1x1 conv: GEMMs with inner dimension r = {r}",
                  [(2.0 * B * n[l + 1] * K * r * r, gemm(n[l + 1], b, r, r)) for l in range(1, depth)]
                  + [(2.0 * B * n[-1] * r * r, gemm(n[-1], b, r, r))]),
             Term("products over the K offsets and over the last positions",
                  [((K - 1.0) * B * n[l + 1] * r, pool_multiply(2 * n[l + 1], b, r)) for l in range(depth)]
                  + [((n[-1] - 1.0) * B * r, pool_multiply(n[-1], b, r))])]
    return Case(op, size, impls, outputs, rtol=1e-10, check="scores, max|a-b|/max|b|",
                flops=flops, bytes=X.nbytes, notes=notes, terms=terms)


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
