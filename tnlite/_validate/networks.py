"""Shape checks of the networks' weights, called once by each constructor.

Each returns what the constructor stores (arrays, sizes) and raises a ValueError or
TypeError that names the argument, what it got and what it needs.
"""
from __future__ import annotations

import math

import numpy as np

from . import as_array, as_int, as_ints, as_power_of_two, as_residues, guard_length


def _as_layers(x, name, single_ndim):
    """A weight given for one layer (an array with `single_ndim` axes) or a sequence of layers."""
    if isinstance(x, (list, tuple)) and len(x) > 0 and np.ndim(x[0]) == single_ndim:
        return [as_array(w, f"{name}[{k}]") for k, w in enumerate(x)]
    return [as_array(x, name)]


def as_rac_weights(W_H, W_I, h0, W_O):
    """A RAC's weights, each a list with one array per layer (W_O one array).

    W_H: L of (R, R); W_I: (R, M) then L-1 of (R, R); h0: L of (R,); W_O: (R,).
    """
    W_H = _as_layers(W_H, "W_H", 2)
    W_I = _as_layers(W_I, "W_I", 2)
    h0 = _as_layers(h0, "h0", 1)
    W_O = as_array(W_O, "W_O")
    L = len(W_H)
    for name, ws in (("W_I", W_I), ("h0", h0)):
        if len(ws) != L:
            raise ValueError(f"{name} has {len(ws)} layers but W_H has {L}: give one per layer")
    if W_H[0].ndim != 2 or W_H[0].shape[0] != W_H[0].shape[1] or W_H[0].shape[0] < 1:
        raise ValueError(f"W_H must have shape (R, R) with R >= 1, got {W_H[0].shape}")
    R = W_H[0].shape[0]
    if W_I[0].ndim != 2 or W_I[0].shape[0] != R or W_I[0].shape[1] < 1:
        raise ValueError(f"W_I must have shape (R={R}, M) with M >= 1, got {W_I[0].shape}")
    M = W_I[0].shape[1]
    for k in range(L):
        sfx = f"[{k}]" if L > 1 else ""
        if W_H[k].shape != (R, R):
            raise ValueError(f"W_H{sfx} must have shape (R, R) = ({R}, {R}), got {W_H[k].shape}")
        need = (R, M) if k == 0 else (R, R)
        if W_I[k].shape != need:
            why = "" if k == 0 else f" (layer {k + 1} reads layer {k}'s hidden state)"
            raise ValueError(f"W_I{sfx} must have shape {need}{why}, got {W_I[k].shape}")
        if h0[k].shape != (R,):
            raise ValueError(f"h0{sfx} must have shape (R,) = ({R},), got {h0[k].shape}")
    if W_O.shape != (R,):
        raise ValueError(f"W_O must have shape (R,) = ({R},), got {W_O.shape}")
    return W_H, W_I, h0, W_O


def as_rbm_weights(a, b, w, sites, p):
    """An RBM's visible biases a (N,), hidden biases b (H,), weights w (H, k) and their sites (H, k).

    `sites` None means full connectivity (k = N, every row 0..N-1). With `p`, the three
    parameter arrays are integer exponents, reduced mod p - 1. Returns (a, b, w, sites).
    """
    a, b, w = as_array(a, "a"), as_array(b, "b"), as_array(w, "w")
    if a.ndim != 1 or a.shape[0] < 1:
        raise ValueError(f"a (visible biases) must have shape (N,) with N >= 1, got {a.shape}")
    N = a.shape[0]
    if b.ndim != 1:
        raise ValueError(f"b (hidden biases) must have shape (n_hidden,), got {b.shape}")
    H = b.shape[0]
    if sites is None:
        if w.shape != (H, N):
            raise ValueError(f"w must have shape (n_hidden, N) = ({H}, {N}) for a fully connected RBM, got {w.shape}")
        sites = np.broadcast_to(np.arange(N), (H, N))
    else:
        sites = as_array(sites, "sites")
        if sites.ndim != 2 or sites.shape[0] != H or not np.issubdtype(sites.dtype, np.integer):
            raise ValueError(f"sites must be an int array of shape (n_hidden={H}, k), got {sites.dtype} {sites.shape}")
        if sites.size and (sites.min() < 0 or sites.max() >= N):
            raise ValueError(f"sites must hold site indices in 0..N-1 = 0..{N - 1}, got {sites.min()}..{sites.max()}")
        if H and sites.shape[1] > 1 and np.any(np.diff(np.sort(sites, axis=1), axis=1) == 0):
            raise ValueError("sites repeats a site within a hidden unit's row: each unit couples a site once")
        if w.shape != sites.shape:
            raise ValueError(f"w must have the shape of sites, {sites.shape}, got {w.shape}")
    if p is None:
        if np.iscomplexobj(a) or np.iscomplexobj(b) or np.iscomplexobj(w):
            raise TypeError("a, b and w must be real (the course's RBMs have positive amplitudes)")
        a, b, w = (np.asarray(x, dtype=np.float64) for x in (a, b, w))
    else:
        a, b, w = (_exponents(x, p, n) for x, n in ((a, "a"), (b, "b"), (w, "w")))
    return a, b, w, np.ascontiguousarray(sites, dtype=np.int64)


def _exponents(x, p, name):
    """An exact RBM's parameter: integer exponents of g, reduced mod p - 1 (the order of g mod p)."""
    try:
        return as_residues(x, p - 1, name)
    except TypeError:
        raise TypeError(f"{name} must hold integers for an exact RBM mod p={p} (exponents of a primitive "
                        f"root, taken mod p-1={p - 1}), got dtype {x.dtype}") from None


def as_tree_cores(leaves, levels):
    """A binary tree's leaves (N of (d_j, k_j)) and levels (L lists of (k_left, k_right, k_parent))."""
    for name, seq in (("leaves", leaves), ("levels", levels)):
        if isinstance(seq, np.ndarray) or not hasattr(seq, "__len__"):
            raise TypeError(f"{name} must be a list of arrays, got {type(seq).__name__}")
    N, L = len(leaves), None
    if N < 2 or N & (N - 1):
        raise ValueError(f"leaves has {N} entries; a binary tree needs N = a power of 2 (2, 4, 8, ...) leaves")
    L = N.bit_length() - 1
    if len(levels) != L:
        raise ValueError(f"levels has {len(levels)} entries; N={N} leaves need L=log2({N})={L} levels")
    out_leaves = []
    for j, a in enumerate(leaves):
        a = as_array(a, f"leaves[{j}]")
        if a.ndim != 2 or min(a.shape) < 1:
            raise ValueError(f"leaves[{j}] must have shape (d_j, k_j) with d_j, k_j >= 1, got {a.shape}")
        out_leaves.append(a)
    below = [a.shape[1] for a in out_leaves]  # bonds coming up from level l-1
    out_levels = []
    for l in range(1, L + 1):
        row = levels[l - 1]
        want = N >> l
        if isinstance(row, np.ndarray) and row.ndim == 3:
            row = [row]
        if not hasattr(row, "__len__") or len(row) != want:
            got = len(row) if hasattr(row, "__len__") else type(row).__name__
            raise ValueError(f"levels[{l - 1}] must hold {want} nodes (N/2**{l}), got {got}")
        nodes = []
        for i, t in enumerate(row):
            t = as_array(t, f"levels[{l - 1}][{i}]")
            if t.ndim != 3 or min(t.shape) < 1:
                raise ValueError(
                    f"levels[{l - 1}][{i}] must have shape (k_left, k_right, k_parent), got {t.shape}"
                )
            if t.shape[:2] != (below[2 * i], below[2 * i + 1]):
                raise ValueError(
                    f"levels[{l - 1}][{i}] has shape {t.shape} but its children give left bond "
                    f"{below[2 * i]} and right bond {below[2 * i + 1]}"
                )
            nodes.append(t)
        below = [t.shape[2] for t in nodes]
        out_levels.append(nodes)
    if below != [1]:
        raise ValueError(f"the root levels[{L - 1}][0] must have parent bond 1, got shape {out_levels[-1][0].shape}")
    return out_leaves, out_levels


def as_mps_cores(cores, p):
    """N >= 1 cores (left, phys, right) whose bonds match, with boundary bonds 1; residues if p."""
    if isinstance(cores, np.ndarray) or not hasattr(cores, "__len__"):
        raise TypeError(
            f"cores must be a list of 3-axis arrays (left, phys, right), got {type(cores).__name__}"
        )
    if len(cores) == 0:
        raise ValueError("cores is empty: an MPS needs at least one core")
    out = []
    for t, c in enumerate(cores):
        c = as_array(c, f"cores[{t}]")
        if c.ndim != 3:
            raise ValueError(f"cores[{t}] must have 3 axes (left, phys, right), got shape {c.shape}")
        if min(c.shape) < 1:
            raise ValueError(f"cores[{t}] has an empty axis, shape {c.shape}")
        if p is not None:
            c = as_residues(c, p, f"cores[{t}]")
        elif not np.issubdtype(c.dtype, np.inexact):
            c = c.astype(np.float64)
        out.append(c)
    if out[0].shape[0] != 1:
        raise ValueError(f"cores[0] must have left dimension 1, got shape {out[0].shape}")
    if out[-1].shape[2] != 1:
        raise ValueError(f"cores[{len(out) - 1}] must have right dimension 1, got shape {out[-1].shape}")
    for t in range(len(out) - 1):
        if out[t].shape[2] != out[t + 1].shape[0]:
            raise ValueError(
                f"bond {t} does not match: cores[{t}] has right dimension {out[t].shape[2]}, "
                f"cores[{t + 1}] has left dimension {out[t + 1].shape[0]}"
            )
    return out


def as_deep_convac_sizes(N, M, widths):
    """(N, L, M, widths) of a deep 1D ConvAC: N = 2**L positions, M >= 1, L widths >= 1."""
    N, L = as_power_of_two(N, "N")
    M = as_int(M, "M", minimum=1)
    return N, L, M, as_ints(widths, "widths", L, f"N={N} needs log2({N})={L} (one per conv layer)")


def as_conv_layers(layers, w_out, N, pool):
    """The widths (r_0, ..., r_{L-1}) of conv layers over N positions pooled `pool` at a time.

    ``layers[l]`` must be (N / pool**l, r_l, r_{l-1}) or (r_l, r_{l-1}); w_out (r_{L-1},) for one
    score, or (r_{L-1}, C) with C >= 1 for C scores (one per class).
    """
    widths, r_in = [], None
    for l, W in enumerate(layers):
        n = N // pool**l
        if W.ndim not in (2, 3) or (W.ndim == 3 and W.shape[0] != n):
            raise ValueError(f"layers[{l}] must have shape (n={n}, r_{l}, r_{l - 1}) or (r_{l}, r_{l - 1}) "
                             f"if shared, got {W.shape}")
        if 0 in W.shape[-2:]:
            zero = f"r_{l} = 0 output channels" if W.shape[-2] == 0 else (
                "M = 0 representation channels" if l == 0 else f"r_{l - 1} = 0 input channels")
            raise ValueError(f"layers[{l}] has shape {W.shape}, with {zero}: every width must be >= 1")
        if r_in is not None and W.shape[-1] != r_in:
            raise ValueError(f"layers[{l}] takes {W.shape[-1]} input channels, layer {l - 1} gives {r_in}: "
                             f"shape {W.shape}")
        r_in = W.shape[-2]
        widths.append(r_in)
    if w_out.ndim not in (1, 2) or w_out.shape[0] != r_in or 0 in w_out.shape:
        raise ValueError(f"w_out must have shape ({r_in},) for one score or ({r_in}, C) with C >= 1 for C class "
                         f"scores, to match the last layer's {r_in} channels; got {w_out.shape}")
    return tuple(widths)


def as_overlap_geometry(grid, K, depth):
    """The grid shapes of an overlapping ConvAC's layers 0..depth (stride 1, valid windows of K).

    `grid` is N, (N,) or (side, side); layer l has side - l*(K-1) positions along each axis,
    which must leave at least one.
    """
    grid = (as_int(grid, "grid", minimum=1),) if np.ndim(grid) == 0 else tuple(
        as_int(s, "grid", minimum=1) for s in grid)
    if len(grid) not in (1, 2) or len(grid) == 2 and grid[0] != grid[1]:
        raise ValueError(f"grid must be N or (side, side), got {grid}")
    last = grid[0] - depth * (K - 1)  # checked before the depth+1 shapes are listed
    if last < 1:
        what = "N" if len(grid) == 1 else "side"
        most = (min(grid) - 1) // (K - 1)
        raise ValueError(f"depth={depth} with K={K} leaves {what} - depth*(K-1) = {grid[0]} - {depth * (K - 1)} "
                         f"= {last} positions; it needs at least 1 (depth <= {most} here)")
    guard_length(depth, "depth", "one weight array per layer")  # K = 1 allows any depth
    return [tuple(s - l * (K - 1) for s in grid) for l in range(depth + 1)]


def as_overlap_weights(layers, conv, w_out, shapes, K):
    """Check an overlapping ConvAC's weights against its grid shapes; returns (M, r).

    ``layers[l]``: (n_{l+1}, K**dim, r, r_in) with r_in = M for l = 0 and r after;
    conv: (n_L, r, r_in); w_out: (r,). n_l is the number of positions of layer l.
    """
    dim = len(shapes[0])
    taps = K**dim
    if conv.ndim != 3:
        raise ValueError(f"conv must have shape (n_L, r, r_in) (position, out, in), got {conv.shape}")
    r = conv.shape[1]
    M = layers[0].shape[-1] if layers else conv.shape[2]
    if layers and layers[0].ndim != 4:
        raise ValueError(f"layers[0] must have shape (n_1, K**{dim}, r, M) (position, offset, out, in), "
                         f"got {layers[0].shape}")
    if min(r, M) < 1:
        raise ValueError(f"every width must be >= 1: conv has shape {conv.shape}, M = {M}")
    for l, W in enumerate(layers):
        n = int(np.prod(shapes[l + 1]))
        need = (n, taps, r, M if l == 0 else r)
        if W.shape != need:
            raise ValueError(f"layers[{l}] must have shape {need} (positions of layer {l + 1}, K**{dim} offsets, "
                             f"r out, {'M' if l == 0 else 'r'} in), got {W.shape}")
    n_L = int(np.prod(shapes[-1]))
    need = (n_L, r, r if layers else M)
    if conv.shape != need:
        raise ValueError(f"conv must have shape {need} (the {n_L} last positions, r out, "
                         f"{'r' if layers else 'M'} in), got {conv.shape}")
    if w_out.shape != (r,):
        raise ValueError(f"w_out must have shape (r,) = ({r},) to match conv, got {w_out.shape}")
    return M, r


#: Largest network with duplicated inputs tnlite will build, in tensors. Their number grows
#: like n_L K^(dim depth) (overlapping ConvAC) or N^depth / depth! (deep RAC); a min cut
#: costs about 30 us per tensor, so this limit keeps ``min_cut`` to a few seconds.
MAX_GRAPH_NODES = 100_000


def _refuse_graph(count, exact, what, fix):
    """Raise if `count` tensors (at least `count` when not `exact`) exceed MAX_GRAPH_NODES."""
    if count > MAX_GRAPH_NODES:
        raise ValueError(f"refusing to build the duplicated-input network of {what}: it would have "
                         f"{'' if exact else 'more than '}{count:,} tensors; the limit is {MAX_GRAPH_NODES:,} "
                         f"(tnlite._validate.networks.MAX_GRAPH_NODES). {fix}")
    return count


def guard_overlap_network(shapes, K):
    """Refuse an overlapping ConvAC's duplicated-input network above MAX_GRAPH_NODES tensors; returns the count.

    Counted from the sizes alone (`shapes` as :func:`as_overlap_geometry` gives them): each of the
    n_L last positions roots a tree with T^l weight nodes at layer L - l + 1 (T = K**dim window
    offsets) and one conv; one readout joins the trees. The sum stops once it passes the limit.
    """
    dim, L = len(shapes[0]), len(shapes) - 1
    n_L, T = math.prod(shapes[-1]), K**dim
    count, level, l = n_L + 1, 1, 0
    while l < L and count <= MAX_GRAPH_NODES:
        l, level = l + 1, level * T
        count += n_L * level
    where = f"N={shapes[0][0]}" if dim == 1 else f"side={shapes[0][0]}"
    return _refuse_graph(count, l == L, f"an overlapping ConvAC with {where}, K={K}, depth={L}",
                         f"It grows like {n_L} x K^{'depth' if dim == 1 else '(2 depth)'}: use a smaller depth, K "
                         f"or {'N' if dim == 1 else 'side'}.")


def guard_rac_network(N, depth):
    """Refuse a deep RAC's duplicated-input network above MAX_GRAPH_NODES tensors; returns the count.

    Layer l's chain over n steps holds 2n weight nodes plus, at l > 1, a chain of layer l-1 over
    s steps for each s = 1..n (the copy of layer l-1 that step s reads); one readout on top. Each
    layer holds more than the one below, so the count stops at the first layer past the limit.
    """
    chains = [0] * (N + 1)  # chains[n]: tensors of a chain of the layer below over n steps (none below layer 1)
    for l in range(1, depth + 1):
        below, total = chains, 0
        chains = [0] * (N + 1)
        for n in range(1, N + 1):
            total += below[n]
            chains[n] = 2 * n + total
        if chains[N] + 1 > MAX_GRAPH_NODES:
            break
    return _refuse_graph(chains[N] + 1, l == depth, f"a RAC with N={N}, depth={depth}",
                         "It grows like N^depth / depth!: use a smaller N or depth.")
