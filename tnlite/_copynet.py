"""Tensor networks written as einsum operands, with copy (delta) tensors as shared labels.

A network that re-uses its inputs (:mod:`tnlite.reuse`, deep RACs in :mod:`tnlite.rac`) is
built as a list of tensors, each with one *label* per axis. A label on two axes is a bond;
a label on three or more axes (or on two axes and an open input) is a delta tensor: the
einsum sums it once, which is what a copy tensor does. ``inputs[j]`` is the label of input
j, the delta that hands the one-hot value of x_j to every copy that reads it.

    x_0 --o-- [W] ...        o = the copy delta of input 0 (label ("x", 0)):
           \\                   both W's read the same basis value
            -- [W] ...

Nothing here validates: the networks that call it build consistent wiring.
"""
from __future__ import annotations

from typing import NamedTuple

from .network import Graph

_EINSUM_LABELS = 52  # np.einsum maps each label to one of the letters a-z, A-Z


class CopyNetwork(NamedTuple):
    """A tensor network as einsum operands; labels shared by more than two axes are deltas.

    Attributes
    ----------
    nodes : list
        One hashable id per tensor (e.g. ``("W", 1, (0, 1))``).
    tensors : list of ndarray
        The tensors, in the order of `nodes` (the network's weight arrays, not copies).
    axes : list of tuple
        ``axes[n]`` holds one label per axis of ``tensors[n]``.
    dims : dict {label: int}
        Dimension of each label.
    inputs : list
        ``inputs[j]``: the label of input j (its copy delta, dimension M).
    """

    nodes: list
    tensors: list
    axes: list
    dims: dict
    inputs: list

    def copies(self):
        """Number of copies of each input: how many axes carry ``inputs[j]``, a list of N ints."""
        count = {label: 0 for label in self.inputs}
        for labels in self.axes:
            for label in labels:
                if label in count:
                    count[label] += 1
        return [count[label] for label in self.inputs]

    def einsum_operands(self, split_copies=False):
        """The network as ``np.einsum`` operands: tensor, axis ints, tensor, ..., output ints.

        Parameters
        ----------
        split_copies : bool
            False: every copy of input j carries the same label, so the contraction is
            the network restricted to equal copies, shape (M,)*N. True: each copy gets its
            own label and the output has one leg per copy, inputs in order, copies in
            the order they appear in `axes` (the larger network before the restriction).

        Returns
        -------
        list
            Pass as ``np.einsum(*operands, optimize="greedy")`` (without a contraction
            order numpy loops over all labels at once).

        Raises
        ------
        ValueError
            If the network has more than 52 labels: np.einsum names every label by a
            letter, in the interleaved form too, and has no more.
        """
        ints, out, ops = {}, [], []
        inputs = set(self.inputs)
        copy_labels = {label: [] for label in self.inputs}

        def index(label):
            if label not in ints:
                ints[label] = len(ints)
            return ints[label]

        for T, labels in zip(self.tensors, self.axes):
            sub = []
            for label in labels:
                if split_copies and label in inputs:
                    fresh = ("copy", label, len(copy_labels[label]))
                    copy_labels[label].append(fresh)
                    label = fresh
                sub.append(index(label))
            ops += [T, sub]
        if split_copies:
            out = [index(c) for label in self.inputs for c in copy_labels[label]]
        else:
            out = [index(label) for label in self.inputs]
        if len(ints) > _EINSUM_LABELS:
            what = "one per copy of an input, " if split_copies else ""
            raise ValueError(f"this network has {len(ints)} labels (bonds, deltas and open legs, {what}each an einsum "
                             f"index); np.einsum allows at most {_EINSUM_LABELS}: contract a smaller network "
                             "(graph() and min_cut need no einsum)")
        return ops + [out]

    def graph(self):
        """The wiring as a :class:`tnlite.network.Graph`, deltas explicit.

        A label on exactly two axes (and not an input) is a bond between its two tensors;
        an input carried by one axis is an open leg on that tensor; every other label is
        a delta node (its id is the label), joined to each tensor carrying it, with the
        open leg of input j on the delta ``inputs[j]``.
        """
        ends = {}
        for node, labels in zip(self.nodes, self.axes):
            for label in labels:
                ends.setdefault(label, []).append(node)
        inputs = set(self.inputs)
        edges, deltas, leg_node = [], {}, {}
        for label, nodes in ends.items():
            dim = self.dims[label]
            if label in inputs and len(nodes) == 1:
                leg_node[label] = nodes[0]
            elif label not in inputs and len(nodes) == 2:
                edges.append((nodes[0], nodes[1], dim))
            else:
                deltas[label] = dim
                edges += [(node, label, dim) for node in nodes]
                leg_node[label] = label
        legs = [(leg_node[label], self.dims[label]) for label in self.inputs]
        return Graph(edges, legs, deltas)
