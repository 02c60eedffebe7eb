"""One exact-energy gradient step (lesson 10): all 2^N amplitudes, E = <psi|H|psi>/<psi|psi>, dE/dweights.

tnlite computes the gradient as one vector-Jacobian product with upstream weights
2 (H psi - E psi) / <psi|psi>, by backpropagation through ``to_dense`` written by hand
(tnlite._grad_dense); the per-configuration ``vjp`` on the one-hot inputs of every
configuration is listed beside it. torch differentiates the same model by autograd: the
same contraction of all amplitudes (the tree of a deep ConvAC, the RBM's log-cosh sum),
and for the ConvAC also its per-configuration forward pass. H is the transverse-field
Ising chain at h = 1 (scipy CSR for tnlite, the same matrix as a torch sparse COO tensor).
"""
from __future__ import annotations

import numpy as np

from harness import Case
from ops import missing, peer, tnlite_module

WIDTHS = (2, 4, 8, 10)  # the capstone's deep ConvAC at 425 parameters
HIDDEN = 24  # the capstone's RBM at 425 parameters


def _flat(E, grads):
    """(E, [grads]) of numpy or torch arrays as one float64 vector: E first."""
    vals = [np.asarray(E.detach().numpy() if hasattr(E, "detach") else E, dtype=float).ravel()]
    vals += [np.asarray(G.numpy() if hasattr(G, "numpy") else G, dtype=float).ravel() for G in grads]
    return np.concatenate(vals)


def case_energy_gradient(kind, quick):
    """kind: "deep ConvAC" or "RBM"."""
    N = 8 if quick else 16
    op = f"exact-energy gradient step ({kind})"
    vmc, spins = tnlite_module("vmc"), tnlite_module("spins")
    size = f"N={N}, " + (f"widths {WIDTHS}" if kind == "deep ConvAC" else f"{HIDDEN} hidden units") + ", float64"
    if vmc is None:
        return missing(op, size, "vmc")
    import tnlite as tl

    H = spins.tfim_hamiltonian(N, 1.0, 1.0)
    if kind == "deep ConvAC":
        net = tl.ConvAC.random(N, 2, WIDTHS[-int(np.log2(N)):], rng=21)
    else:
        net = tl.RBM.random(N, HIDDEN, rng=22)
    X = tl.one_hot(vmc.all_configurations(N), 2)

    def per_configuration():
        psi = net.score(X)
        nn, Hpsi = psi @ psi, H @ psi
        E = psi @ Hpsi / nn
        return E, net.vjp(X, 2 * (Hpsi - E * psi) / nn)

    impls = {"tnlite vmc.energy_gradient": lambda: vmc.energy_gradient(net, H),
             "tnlite vjp per configuration": per_configuration}
    notes = {"tnlite vmc.energy_gradient": "backpropagation through to_dense, by hand (tnlite._grad_dense)",
             "tnlite vjp per configuration": "score and vjp on the one-hot inputs of all 2^N configurations"}
    torch = peer("torch")
    if torch is not None:
        import torch_peers

        coo = H.tocoo()
        tH = torch.sparse_coo_tensor(np.vstack([coo.row, coo.col]), coo.data, coo.shape).coalesce()
        if kind == "deep ConvAC":
            tw = [torch.from_numpy(np.ascontiguousarray(W)) for W in net.layers] + [torch.from_numpy(net.w_out)]
            impls["torch autograd, all amplitudes (float64)"] = lambda: torch_peers.convac_energy_grad(tw, tH, N)
            impls["torch autograd, per configuration (float64)"] = lambda: torch_peers.convac_energy_grad_batched(
                tw, tH, torch.from_numpy(X))
            notes["torch autograd, all amplitudes (float64)"] = "the same tree contraction with autograd"
            notes["torch autograd, per configuration (float64)"] = "convac_forward's layout on all one-hot inputs"
        else:
            tw = [torch.from_numpy(np.ascontiguousarray(a)) for a in net.params()]
            impls["torch autograd (float64)"] = lambda: torch_peers.rbm_energy_grad(tw, tH, N)
            notes["torch autograd (float64)"] = "log psi of all spins, exp with the largest taken out, autograd"
    return Case(op, size, impls, lambda res: {k: _flat(*v) for k, v in res.items()}, rtol=1e-8,
                check="E and all gradients, max|a-b|/max|b|", flops=0.0, bytes=X.nbytes, notes=notes)


def cases(quick):
    for kind in ("deep ConvAC", "RBM"):
        yield lambda kind=kind: case_energy_gradient(kind, quick)
