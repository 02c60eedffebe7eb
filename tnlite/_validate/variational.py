"""Checks at the door of variational fitting (tnlite.vmc): Hamiltonians, targets, models.

Each returns what the caller uses and raises a ValueError or TypeError that names the
argument, what it got and what it needs.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator

from . import as_array, all_finite

#: Largest number of particles whose M^N amplitudes tnlite.vmc sums exactly at every step.
EXACT_SUM_LIMIT = 20


def as_exact_sum_model(model, name="model"):
    """A float network of one score with N <= EXACT_SUM_LIMIT particles, checked before any work."""
    from ..network import Network

    if not isinstance(model, Network):
        raise TypeError(f"{name} must be a tnlite network (MPS, RAC, ConvAC, ConvAC2D, ShallowConvAC, RBM, ...), "
                        f"got {type(model).__name__}")
    if model.N > EXACT_SUM_LIMIT:
        raise ValueError(
            f"{name} has N={model.N} particles, above the exact-sum limit N <= {EXACT_SUM_LIMIT}: every step sums "
            f"all {model.phys_dims[0]}^{model.N} amplitudes. Beyond it the energy and its gradient must be "
            "estimated from samples of |psi|^2 (variational Monte Carlo, Carleo & Troyer 2017), which tnlite "
            "does not implement")
    if getattr(model, "p", None) is not None:
        raise ValueError(f"{name} is exact mod p={model.p}; variational fitting works in floating point "
                         "(random(..., p=None))")
    if any(np.iscomplexobj(a) for a in model.params()):
        raise TypeError(f"{name} has complex weights; tnlite.vmc fits real amplitudes only")
    if getattr(model, "C", None) is not None:
        raise ValueError(f"{name} has C={model.C} class scores; a wave function is one score (use head(c))")
    return model


def as_hamiltonian(H, model, name="H"):
    """H as a real symmetric matrix or operator on the model's spins-1/2, checked by name.

    Refuses a shape other than (2^N, 2^N) for the model's N, a model whose local
    dimension is not 2, complex entries that are not zero, nan or inf, and a
    non-Hermitian H (the randomised test of :func:`tnlite.spins.ground_state`).
    """
    from ..spins import _hermiticity_defect

    if not (sp.issparse(H) or isinstance(H, LinearOperator)):
        H = as_array(H, name, ndim=2)
    elif sp.issparse(H):
        H = H.tocsr()
        if np.issubdtype(H.dtype, np.inexact) and not all_finite(H.data):
            raise ValueError(f"{name} has nan or inf entries")
    if len(H.shape) != 2 or H.shape[0] != H.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got shape {H.shape}")
    if set(model.phys_dims) != {2}:
        raise ValueError(f"model has local dimensions {sorted(set(model.phys_dims))}, but {name} acts on spins-1/2: "
                         "every site needs local dimension 2 (a network built with M=2 or d=2)")
    if H.shape[0] != 2**model.N:
        raise ValueError(f"{name} has shape {H.shape}; a model on N={model.N} spins needs (2^{model.N}, 2^{model.N}) "
                         f"= ({2**model.N}, {2**model.N})")
    if np.iscomplexobj(np.zeros(0, dtype=H.dtype)):
        imag = (H.imag if sp.issparse(H) else np.imag(H)) if not isinstance(H, LinearOperator) else None
        if imag is None or (abs(imag).max() if imag.size else 0) != 0:
            raise TypeError(f"{name} is complex; tnlite.vmc fits real amplitudes, which need a real symmetric H "
                            "(a complex Hermitian H has complex ground states: complex weights and Wirtinger "
                            "derivatives, not implemented)")
        H = H.real
    asym, limit = _hermiticity_defect(H)
    if asym > limit:
        raise ValueError(f"{name} must be Hermitian (real symmetric), but |u^T (H - H^T) v| = {asym:.3g} for random "
                         f"unit vectors u, v, above the tolerance {limit:.3g}: <psi|H|psi> would not be an energy")
    return H


def as_state(a, name):
    """A real state of any shape as a flat float64 vector; complex, nan/inf (as_array) and zero norm refused."""
    a = as_array(a, name)
    if np.iscomplexobj(a):
        raise TypeError(f"{name} must be real (tnlite.vmc works with real amplitudes), got dtype {a.dtype}")
    a = a.astype(np.float64).ravel()
    if not np.any(a):
        raise ValueError(f"{name} has zero norm: a state needs at least one nonzero amplitude")
    return a


def as_target(target, model, name="target"):
    """A real target state of the model's shape, flattened and normalised; zero norm refused."""
    t = as_array(target, name)
    size = int(np.prod(model.phys_dims))
    if t.shape not in (tuple(model.phys_dims), (size,)):
        raise ValueError(f"{name} must have shape {tuple(model.phys_dims)} (or ({size},)), one amplitude per "
                         f"configuration of the model's {model.N} sites, got {t.shape}")
    t = as_state(t, name)
    norm = np.linalg.norm(t)
    if norm == 0:  # nonzero entries whose squares underflow
        raise ValueError(f"{name} has zero norm: a state needs at least one nonzero amplitude")
    return t / norm
