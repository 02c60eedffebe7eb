"""Networks as variational wave functions: energies, fidelities and fits, with exact sums.

A network with real weights theta gives real amplitudes psi(c) = ``amplitudes(c)`` on the
M^N spin configurations c. For N <= 20 (:data:`EXACT_SUM_LIMIT`) every sum over
configurations is done exactly, with all 2^N amplitudes at each step:

    E(theta) = <psi|H|psi> / <psi|psi>  >=  E_0                 (variational principle)
    dE       = g . dpsi,   g = 2 (H psi - E psi) / <psi|psi>   (real symmetric H)

so the gradient of the energy is ONE vector-Jacobian product of the amplitudes with the
upstream weights g: ``net.vjp(X, g)`` on the one-hot inputs X of all configurations, or the
same product by backpropagation through ``to_dense()`` (:mod:`tnlite._grad_dense`, about a
hundred times faster for MPS, RACs and ConvACs at N = 16). For a network computed in the
log domain (the RBM) the product is taken on log|psi| with weights g * psi, psi rescaled by
its largest entry first (E is scale-free), so nothing overflows. The fidelity with a target
phi, F = <phi|psi>^2 / (<phi|phi> <psi|psi>), is maximised the same way (g = -dF/dpsi).

Signs and complex numbers: amplitudes are real and may take either sign, so a network
can represent sign structures; an RBM with real weights has positive amplitudes only
(enough for the transverse-field Ising ground state, which is positive by the
Perron-Frobenius theorem). Complex amplitudes (complex Hermitian H, non-positive ground
states of frustrated models) need complex weights and Wirtinger derivatives: refused.

Optimisation is :func:`tnlite.train.fit` (Adam, history, progress bar, Ctrl-C, divergence
stop), full batch: the "data" are the M^N configurations. Past N = 20 the sums must be
estimated from samples of |psi|^2 drawn by Markov-chain Monte Carlo (variational Monte
Carlo, Carleo & Troyer 2017); the course stays at N <= 16, where exact sums cost
milliseconds and carry no statistical noise, so every number a lesson asserts is exact.

The ceiling an architecture sets (:func:`fidelity_bound`): if the network's Schmidt rank
across a cut is at most k (its min cut), F <= the sum of the target's k largest Schmidt
probabilities across that cut (Eckart-Young; docs/science.md, "Networks as variational
wave functions").
"""
from __future__ import annotations

import dataclasses

import numpy as np

from . import _grad_dense
from ._validate import as_int, as_rows
from ._validate.variational import EXACT_SUM_LIMIT, as_exact_sum_model, as_hamiltonian, as_state, as_target
from .features import all_configurations, one_hot
from .network import Network
from .tensors import schmidt_values
from .train import FitResult, fit

__all__ = ["EXACT_SUM_LIMIT", "VariationalResult", "all_configurations", "amplitudes", "energy", "energy_gradient",
           "fidelity", "fidelity_bound", "tightest_bound", "minimize_energy", "maximize_fidelity"]


def amplitudes(model):
    """All M^N amplitudes of `model`, flat (``to_dense().ravel()`` by the fastest route it has)."""
    model = as_exact_sum_model(model)
    if _grad_dense.supports(model):
        return _grad_dense.forward(model)[0]
    return model.to_dense().ravel()


def energy(model, H):
    """The variational energy <psi|H|psi> / <psi|psi> of the network's amplitudes (>= E_0)."""
    model = as_exact_sum_model(model)
    H = as_hamiltonian(H, model)
    psi = amplitudes(model)
    return float(psi @ (H @ psi) / (psi @ psi))


def energy_gradient(model, H):
    """(E, grads): the energy and its gradient, one vector-Jacobian product with g = 2(H psi - E psi)/<psi|psi>.

    Parameters
    ----------
    model : Network with float weights and N <= 20
    H : scipy.sparse matrix, LinearOperator or ndarray, shape (2^N, 2^N), real symmetric

    Returns
    -------
    E : float
    grads : list of ndarray
        dE/d each array of ``model.params()``, same shapes.
    """
    model = as_exact_sum_model(model)
    H = as_hamiltonian(H, model)
    net = _AllConfigurations(model) if _grad_dense.supports(model) else model
    X = _inputs(model, net)
    loss = _Energy(H, log=not isinstance(net, _AllConfigurations))
    out = net.log_abs_score(X) if loss.log else net.score(X)
    E, g = loss(out, None)
    return E, net.vjp(X, g, log=loss.log)


def fidelity(psi, target):
    """|<target|psi>|^2 / (<target|target> <psi|psi>) for a network or an array of the target's size."""
    if isinstance(psi, Network):
        psi = amplitudes(psi)
    psi, t = as_state(psi, "psi"), as_state(target, "target")
    if psi.shape != t.shape:
        raise ValueError(f"psi and target must have the same size, got {psi.size} and {t.size}")
    return float((t @ psi) ** 2 / ((t @ t) * (psi @ psi)))


def fidelity_bound(target, rank, rows):
    """The largest fidelity with `target` of any state whose Schmidt rank across (rows | rest) is <= rank.

    The sum of the target's `rank` largest Schmidt probabilities p_i = s_i^2 / sum s^2
    across the cut (Eckart-Young), reached by the target's truncated SVD.

    Parameters
    ----------
    target : array_like, shape (d_0, ..., d_{N-1})
        Any nonzero tensor (normalised here), one axis per site; a flat (prod d,) vector is
        folded only when `rank` is a network (its ``phys_dims``).
    rank : int or Network
        A bound on the Schmidt rank, or a network: its ``min_cut(rows).rank_bound``.
    rows : sequence of int
        The sites on side P: at least one, not all.

    Returns
    -------
    float, in (0, 1]
    """
    shape = np.shape(target)
    if isinstance(rank, Network) and len(shape) == 1 and shape[0] == int(np.prod(rank.phys_dims)):
        shape = tuple(rank.phys_dims)             # a flat target: the network says how to fold it
    t = as_state(target, "target").reshape(shape)
    if t.ndim == 1:
        raise ValueError(f"target has shape {np.shape(target)}: a cut needs one axis per site, e.g. shape "
                         f"(2,) * N (target.reshape((2,) * N)), or pass a network as rank to fold it")
    rows = as_rows(rows, t.ndim)
    if not 0 < len(rows) < t.ndim:
        raise ValueError(f"rows must hold some but not all of the target's {t.ndim} sites, got {rows}: "
                         f"a cut with an empty side has no Schmidt spectrum to bound")
    if isinstance(rank, Network):
        rank = rank.min_cut(rows).rank_bound
    rank = as_int(rank, "rank", minimum=1)
    s = schmidt_values(t, rows)
    p = s**2 / np.sum(s**2)
    return float(min(1.0, p[:rank].sum()))


def tightest_bound(target, model, cuts):
    """(bound, rows): the smallest :func:`fidelity_bound` of `model` over the partitions `cuts`."""
    bounds = [(fidelity_bound(target, model, rows), tuple(rows)) for rows in cuts]
    return min(bounds, key=lambda b: b[0])


@dataclasses.dataclass
class VariationalResult(FitResult):
    """What :func:`minimize_energy` and :func:`maximize_fidelity` return: a FitResult and the final numbers.

    Attributes
    ----------
    model, history, stopped
        As :class:`tnlite.train.FitResult`; history also has ``energy`` (with H) and
        ``fidelity`` (with a target) at every step, before the step's update.
    energy : float or None
        The final model's variational energy (None without H).
    fidelity : float or None
        The final model's fidelity with the target (None without one).
    """

    energy: float = None
    fidelity: float = None


def minimize_energy(model, H, steps, lr, rng, target=None, progress=True):
    """Fit `model` to the ground state of `H` by minimising its variational energy with Adam.

    Parameters
    ----------
    model : Network
        Float weights, one score, N <= 20 spins-1/2 (local dimension 2): MPS, RAC,
        ConvAC, ConvAC2D, ShallowConvAC, RBM, TreeTN, CP.
    H : scipy.sparse matrix, LinearOperator or ndarray, shape (2^N, 2^N)
        Real symmetric (checked: a non-Hermitian or complex H is refused by name).
    steps : int
    lr : float
        Adam's step size.
    rng : numpy.random.Generator or int seed
        Passed to :func:`tnlite.train.fit` (the start is the model you pass: seed it).
    target : array_like, shape (2,)*N, optional
        E.g. the exact ground state: its fidelity is recorded at every step.
    progress : bool
        One progress line (a widget in a notebook).

    Returns
    -------
    VariationalResult
        Ctrl-C stops the fit and returns what was done so far.
    """
    model = as_exact_sum_model(model)
    H = as_hamiltonian(H, model)
    phi = None if target is None else as_target(target, model)
    return _fit(model, steps, lr, rng, progress, lambda log: _Energy(H, log, phi), H, phi)


def maximize_fidelity(model, target, steps, lr, rng, H=None, progress=True):
    """Fit `model` to `target` by maximising the fidelity |<target|psi>|^2 / <psi|psi> with Adam.

    The loss is the infidelity 1 - F. Parameters as :func:`minimize_energy`; with `H`,
    the energy is recorded too.
    """
    model = as_exact_sum_model(model)
    phi = as_target(target, model)
    H = None if H is None else as_hamiltonian(H, model)
    return _fit(model, steps, lr, rng, progress, lambda log: _Infidelity(phi, log, H), H, phi)


# ---- the objectives, as losses for tnlite.train.fit ---------------------------------------------
def _unlog(out, log):
    """Real amplitudes from a forward output; in the log domain rescaled by the largest |psi| (any scale will do)."""
    if not log:
        return out
    logabs, sign = out
    return sign * np.exp(logabs - logabs.max())


class _Objective:
    """Records the energy and the fidelity of every state it sees."""

    def __init__(self, log, H, phi):
        self.log, self.H, self.phi = log, H, phi
        self.energies, self.fidelities = [], []

    def _record(self, psi, nn, Hpsi=None):
        if self.H is not None:
            Hpsi = self.H @ psi if Hpsi is None else Hpsi
            self.energies.append(float(psi @ Hpsi / nn))
        if self.phi is not None:
            self.fidelities.append(float((self.phi @ psi) ** 2 / nn))

    def _out(self, psi, g):
        return g * psi if self.log else g  # d/d log|psi| = psi d/d psi


class _Energy(_Objective):
    def __init__(self, H, log, phi=None):
        super().__init__(log, H, phi)

    def __call__(self, out, y):
        psi = _unlog(out, self.log)
        nn = psi @ psi
        Hpsi = self.H @ psi
        E = psi @ Hpsi / nn
        self._record(psi, nn, Hpsi)
        return float(E), self._out(psi, 2.0 * (Hpsi - E * psi) / nn)


class _Infidelity(_Objective):
    def __init__(self, phi, log, H=None):
        super().__init__(log, H, phi)

    def __call__(self, out, y):
        psi = _unlog(out, self.log)
        nn, overlap = psi @ psi, self.phi @ psi
        F = overlap**2 / nn
        self._record(psi, nn)
        dF = 2.0 * overlap * self.phi / nn - 2.0 * F * psi / nn
        return float(1.0 - F), self._out(psi, -dF)


def _inputs(model, net):
    """The one-hot inputs of all configurations, (M^N, N, M): what fit and vjp are called with.

    An :class:`_AllConfigurations` looks only at X's shape, so it gets a read-only zero-stride
    placeholder of that shape: building the real inputs (2^16 x 16 x 2 floats) cost 34 of the
    36 ms of a deep ConvAC's exact-energy step at N = 16.
    """
    M = model.phys_dims[0]
    if isinstance(net, _AllConfigurations):
        return np.broadcast_to(np.zeros((), dtype=np.float64), (M**model.N, model.N, M))
    return one_hot(all_configurations(model.N, M), M)


def _fit(model, steps, lr, rng, progress, make_loss, H, phi):
    dense = _grad_dense.supports(model)
    if not dense and type(model).vjp is Network.vjp:
        raise TypeError(f"model must have a backward pass (vjp); {type(model).__name__} has none")
    net = _AllConfigurations(model) if dense else model
    loss = make_loss(not dense)
    res = fit(net, _inputs(model, net), None, steps, lr, None, rng, loss=loss, progress=progress)
    final = res.model.model if dense else res.model
    res.history["energy"], res.history["fidelity"] = loss.energies, loss.fidelities
    psi = amplitudes(final)
    E = None if H is None else float(psi @ (H @ psi) / (psi @ psi))
    F = None if phi is None else fidelity(psi, phi)
    return VariationalResult(final, res.history, res.stopped, E, F)


class _AllConfigurations(Network):
    """`model` evaluated on the one-hot inputs of all its M^N configurations through ``to_dense``.

    ``score(X)`` and ``vjp(X, g)`` take X = those inputs in ``to_dense()``'s order (only
    its shape is looked at) and give what ``model.score(X)`` and ``model.vjp(X, g)`` would,
    by :mod:`tnlite._grad_dense`. Private to this module, which builds X itself.
    """

    def __init__(self, model):
        self.model, self.N, self.phys_dims, self.p = model, model.N, model.phys_dims, None
        self._tape = None

    def params(self):
        return self.model.params()

    def _rebuild(self, arrays):
        return _AllConfigurations(self.model.with_params(arrays))

    def _forward(self, X):
        if X.shape[0] != int(np.prod(self.phys_dims)):
            raise ValueError(f"X must hold all {int(np.prod(self.phys_dims))} configurations, got {X.shape[0]}")
        if self._tape is None:
            self._tape = _grad_dense.forward(self.model)
        return self._tape

    def score(self, X):
        return self._forward(X)[0]

    def vjp(self, X, g, log=False):
        _, tape = self._forward(X)
        return _grad_dense.backward(self.model, tape, np.asarray(g, dtype=np.float64))
