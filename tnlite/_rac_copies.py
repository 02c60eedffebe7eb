"""The RAC unrolled as a tensor network with duplicated inputs: RAC.duplicated_network.

From depth 2 on, layer l's state at step s is read twice (by its next step and by layer
l+1), and no tensor network copies a vector: every chain of layer l that layer l+1 reads
is built as its own copy. Names and legs are documented on ``RAC.duplicated_network``.
"""
from __future__ import annotations

from ._copynet import CopyNetwork
from ._linalg import matmul
from ._validate.networks import guard_rac_network


def copy_network(rac):
    """The CopyNetwork of ``rac`` (a tnlite.rac.RAC), refused above MAX_GRAPH_NODES tensors."""
    guard_rac_network(rac.N, rac.depth)
    nodes, tensors, axes = [], [], []
    dims = {("x", s): rac.M for s in range(rac.N)}
    W_H_h0 = [matmul(W, h[:, None], rac.p)[:, 0] for W, h in zip(rac.W_H, rac.h0)]  # (R,) per layer

    def add(node, T, labels):
        nodes.append(node), tensors.append(T), axes.append(labels)

    def chain(l, a, last):
        """Layer l's chain at address a over steps 0..last: returns the label of its last state."""
        for s in range(last + 1):
            h = ("h", l, a, s)
            dims[h] = rac.R
            if s == 0:
                add(("W_H h0", l, a), W_H_h0[l - 1], (h,))
            else:
                add(("W_H", l, a, s), rac.W_H[l - 1], (h, ("h", l, a, s - 1)))  # (out, in)
            below = ("x", s) if l == 1 else chain(l - 1, a + (s,), s)
            add(("W_I", l, a, s), rac.W_I[l - 1], (h, below))  # (out, in)
        return ("h", l, a, last)

    top = chain(rac.depth, (), rac.N - 1)
    add(("W_O",), rac.W_O, (top,))
    return CopyNetwork(nodes, tensors, axes, dims, [("x", s) for s in range(rac.N)])
