"""Independent references for the ConvAC tests: one einsum with repeated indices as delta
tensors, and per-sample forward passes written out from the definitions (1D and 2D)."""
import string

import numpy as np

from tnlite import ConvAC2D, ShallowConvAC


def full_layers(net):
    """Per-position weights: shared layers repeated, as plain lists of matrices."""
    out = []
    for l, W in enumerate(net.layers):
        n = net.N if isinstance(net, ShallowConvAC) else net.N >> (2 * l if isinstance(net, ConvAC2D) else l)
        out.append([W] * n if W.ndim == 2 else list(W))
    return out


def einsum_reference(net):
    """The coefficient tensor as one einsum: product pooling = a letter shared by siblings."""
    letters = iter(string.ascii_letters)
    N, L = net.N, net.L
    d = [next(letters) for _ in range(N)]
    Ws = full_layers(net)
    if isinstance(net, ShallowConvAC):
        k = next(letters)
        subs = [k + d[j] for j in range(N)] + [k]
        ops = Ws[0] + [net.w_out]
    else:
        chan = {(l, k): next(letters) for l in range(L) for k in range((N >> l) // 2)}
        subs, ops = [], []
        for l in range(L):
            for i in range(N >> l):
                subs.append(chan[(l, i // 2)] + (d[i] if l == 0 else chan[(l - 1, i)]))
                ops.append(Ws[l][i])
        subs.append(chan[(L - 1, 0)])
        ops.append(net.w_out)
    return np.einsum(",".join(subs) + "->" + "".join(d), *ops, optimize=True)


def naive_score(net, x):
    """One sample x (N, M), vectors in a Python list, written straight from the definition (docs/science.md)."""
    Ws = full_layers(net)
    v = [Ws[0][j] @ x[j] for j in range(net.N)]
    if isinstance(net, ShallowConvAC):
        return float(np.prod(v, axis=0) @ net.w_out)
    for l in range(1, net.L):
        v = [Ws[l][i] @ (v[2 * i] * v[2 * i + 1]) for i in range(len(v) // 2)]
    return float(net.w_out @ (v[0] * v[1]))


def contract_features(A, x):
    """sum_d A[d] prod_j x[j, d_j] by contracting one axis at a time."""
    for j in range(x.shape[0]):
        A = np.tensordot(x[j], A, axes=([0], [0]))
    return float(A)


def block_of(i, n_side):
    """(row, col) of quad-tree position i on an n_side x n_side grid, by recursive quadrants."""
    row = col = 0
    half = n_side // 2
    for q in reversed([(i >> (2 * b)) & 3 for b in range(max(n_side.bit_length() - 1, 0))]):
        row, col = row + (q >> 1) * half, col + (q & 1) * half
        half //= 2
    return row, col


def naive_score_2d(net, x):
    """One sample x (side*side, M) in row-major order; windows taken from the grid geometry."""
    side = net.side
    Ws = full_layers(net)
    v = {}
    for i, W in enumerate(Ws[0]):
        row, col = block_of(i, side)
        v[row, col] = W @ x[row * side + col]
    n = side
    for l in range(1, net.L + 1):
        n //= 2
        pooled = {(a, b): v[2 * a, 2 * b] * v[2 * a, 2 * b + 1] * v[2 * a + 1, 2 * b] * v[2 * a + 1, 2 * b + 1]
                  for a in range(n) for b in range(n)}
        if l == net.L:
            return float(net.w_out @ pooled[0, 0])
        v = {}
        for i, W in enumerate(Ws[l]):
            v[block_of(i, n)] = W @ pooled[block_of(i, n)]
