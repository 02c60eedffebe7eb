"""Training in numpy: a classification loss on log-domain scores, Adam, and `fit`.

Gradients come from each network's own backward pass, ``net.vjp(X, g)`` (no autodiff
framework). Classification reads a network's C class scores h_c(x) as amplitudes, the
course's wave-function reading (Born rule):

    p(c | x) = h_c(x)**2 / sum_c' h_c'(x)**2 = softmax_c(2 log|h_c(x)|)

so the loss is the softmax cross-entropy of the logits 2 log|h_c(x)|. It is computed from
``log_abs_score`` and differentiated by ``vjp(X, g, log=True)``, both rescaled layer by
layer, so N = 256 inputs neither overflow nor underflow, and the overall scale of the
scores (exponential in N) does not matter.

A loss is any callable ``loss(out, y) -> (value, g)``: with ``loss.log`` False (the
default for a plain function) `out` is ``score(X)`` and g = d value / d score; with
``loss.log = True`` `out` is the pair ``log_abs_score(X)`` and g = d value / d log|score|.
An optional ``loss.predict(out)`` gives class predictions, for accuracies. `fit` and
`Adam` take any such loss: e.g. a fidelity or an energy of the amplitudes on all
configurations (full batch, ``y=None``), whose g the caller writes down.
"""
from __future__ import annotations

import dataclasses
import warnings

import numpy as np

from ._progress import Progress
from ._validate import as_data, as_int, as_labels, as_nonnegative, as_positive_real, as_rng
from .network import Network

__all__ = ["CrossEntropy", "Adam", "FitResult", "fit", "evaluate", "positive", "predict", "train_step"]

_EVAL_CHUNK = 4096  # samples per forward pass when evaluating a whole set


class CrossEntropy:
    """Softmax cross-entropy of the logits 2 log|h_c(x)| (Born rule), averaged over the batch.

    ``loss((logabs, sign), y)`` with logabs of shape (B, C) and labels y (B,) returns the
    mean of -log p(y_b | x_b) and its gradient with respect to logabs (B, C).
    """

    log = True

    def __call__(self, out, y):
        logabs = _class_logabs(out)
        y = as_labels(y, logabs.shape[0], logabs.shape[1])
        z = 2.0 * logabs
        z = z - z.max(axis=1, keepdims=True)  # (B, C); a row of -inf only if every score is 0
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        B = logabs.shape[0]
        rows = np.arange(B)
        with np.errstate(divide="ignore"):
            value = float(-np.mean(np.log(p[rows, y])))
        g = p
        g[rows, y] -= 1.0
        return value, g * (2.0 / B)  # d value / d logabs

    @staticmethod
    def predict(out):
        """The class with the largest |h_c(x)|, shape (B,)."""
        return np.argmax(_class_logabs(out), axis=1)


def _class_logabs(out):
    """logabs of the pair ``out = log_abs_score(X)``, checked: shape (B, C), B >= 1, C >= 2."""
    logabs = np.asarray(out[0]) if isinstance(out, tuple) and len(out) == 2 else None
    if logabs is None or logabs.ndim != 2 or logabs.shape[0] < 1 or logabs.shape[1] < 2:
        got = f"shape {logabs.shape}" if logabs is not None else type(out).__name__
        raise ValueError(f"out must be the pair (logabs, sign) of log_abs_score(X) with logabs of shape (B, C), "
                         f"B >= 1 samples, C >= 2 classes; got {got}")
    return logabs


class Adam:
    """The Adam optimiser (Kingma & Ba 2015) on a list of arrays; returns new arrays, never edits them.

    Parameters
    ----------
    params : list of ndarray
        The arrays it will update (their shapes fix the state's).
    lr : float
        Step size, > 0.
    betas : (float, float)
        Decay rates of the first and second moment estimates.
    eps : float
        Added to the root of the second moment.
    """

    def __init__(self, params, lr, betas=(0.9, 0.999), eps=1e-8):
        self.lr = as_positive_real(lr, "lr")
        self.betas, self.eps, self.t = betas, eps, 0
        self.m = [np.zeros(np.shape(a)) for a in params]
        self.v = [np.zeros(np.shape(a)) for a in params]

    def step(self, params, grads):
        """One descent step: params - lr * m_hat / (sqrt(v_hat) + eps), as a new list."""
        if len(params) != len(self.m) or len(grads) != len(self.m):
            raise ValueError(f"params and grads must hold {len(self.m)} arrays each (as the params Adam was made with), "
                             f"got {len(params)} and {len(grads)}")
        for k, (a, gk, m) in enumerate(zip(params, grads, self.m)):
            if np.shape(a) != m.shape or np.shape(gk) != m.shape:
                raise ValueError(f"params[{k}] and grads[{k}] must have shape {m.shape}, got {np.shape(a)} and {np.shape(gk)}")
        b1, b2 = self.betas
        self.t += 1
        out = []
        for k, (a, gk) in enumerate(zip(params, grads)):
            self.m[k] = b1 * self.m[k] + (1 - b1) * gk
            self.v[k] = b2 * self.v[k] + (1 - b2) * gk * gk
            m_hat = self.m[k] / (1 - b1**self.t)
            v_hat = self.v[k] / (1 - b2**self.t)
            out.append(a - self.lr * m_hat / (np.sqrt(v_hat) + self.eps))
        return out


def positive(model, rng, jitter=0.1):
    """`model` with every weight w replaced by |w| exp(jitter z), z standard normal: a start for training.

    With non-negative weights and features every score is positive, so log|h_c| (what
    the loss reads) has no zero crossings to fall into; the jitter breaks the symmetry
    between channels. Measured on the course's tasks, training from such a start learns
    where the signed random weights of ``random`` stall near chance.

    Parameters
    ----------
    model : Network
    rng : numpy.random.Generator or int seed
    jitter : float
        Spread of the log of the random factors (>= 0).
    """
    rng = as_rng(rng)
    jitter = as_nonnegative(jitter, "jitter")
    with np.errstate(over="ignore"):
        params = [np.abs(a) * np.exp(jitter * rng.standard_normal(np.shape(a))) for a in model.params()]
    if not all(np.isfinite(a).all() for a in params):
        raise ValueError(f"jitter={jitter} overflows the weights (exp(jitter z) is inf for some draws z): "
                         "use a spread of order 0.1")
    return model.with_params(params)


def _forward(model, X, loss):
    return model.log_abs_score(X) if getattr(loss, "log", False) else model.score(X)


def train_step(model, X, y, loss, opt):
    """One Adam step on the batch (X, y): (new model, loss value, forward output, gradients)."""
    X = as_data(X)
    out = _forward(model, X, loss)
    value, g = loss(out, y)
    finite = np.isfinite(g).reshape(len(X), -1).all(axis=1)
    if not finite.all():
        b = int(np.argmin(finite))
        raise ValueError(f"the loss has no finite gradient on X: at sample {b} the scores are exactly 0 or overflow "
                         "(log|score| = -inf or nan); rescale X or the weights")
    grads = model.vjp(X, g, log=getattr(loss, "log", False))
    return model.with_params(opt.step(model.params(), grads)), value, out, grads


def predict(model, X, loss=None):
    """Class predictions of `model` on X (B, N, M) under `loss` (default: the largest |h_c|), shape (B,)."""
    loss = CrossEntropy() if loss is None else loss
    X = as_data(X)
    return np.concatenate([loss.predict(_forward(model, X[s:s + _EVAL_CHUNK], loss))
                           for s in range(0, len(X), _EVAL_CHUNK)])


def evaluate(model, X, y, loss=None):
    """(mean loss, accuracy) of `model` on the set (X, y), in chunks; accuracy is nan without loss.predict."""
    loss = CrossEntropy() if loss is None else loss
    X = as_data(X)
    y = _labels(model, X, y, loss, "y")
    total, right = 0.0, 0
    for s in range(0, len(X), _EVAL_CHUNK):
        yb = None if y is None else y[s:s + _EVAL_CHUNK]
        out = _forward(model, X[s:s + _EVAL_CHUNK], loss)
        total += loss(out, yb)[0] * len(out[0] if isinstance(out, tuple) else out)
        if hasattr(loss, "predict") and y is not None:
            right += int(np.sum(loss.predict(out) == yb))
    return total / len(X), (right / len(X) if hasattr(loss, "predict") and y is not None else float("nan"))


@dataclasses.dataclass
class FitResult:
    """What `fit` returns.

    Attributes
    ----------
    model : Network
        The trained model: with `val` and `patience`, the one with the lowest validation
        loss; after a divergence, the last one with a finite loss and gradient.
    history : dict of lists
        ``step``, ``loss`` (the batch's), ``train_acc`` (the batch's) at every step;
        ``val_step``, ``val_loss``, ``val_acc`` at each evaluation.
    stopped : str
        "done", "early stop at step k", "interrupted at step k" or the divergence message.
    """

    model: Network
    history: dict
    stopped: str


def _check_model(model, loss):
    if not isinstance(model, Network) or type(model).vjp is Network.vjp:
        raise TypeError(f"model must be a network with vjp(X, g) (ConvAC, ConvAC2D, ShallowConvAC, CP, RAC, MPS, "
                        f"TreeTN), got {type(model).__name__}")
    if getattr(model, "p", None) is not None:
        raise ValueError(f"model is exact mod p={model.p}; training works in floating point (random(..., p=None))")
    if not callable(loss):
        raise TypeError(f"loss must be a callable loss(out, y) -> (value, g), got {type(loss).__name__}")


def fit(model, X, y, steps, lr, batch, rng, val=None, loss=None, patience=None, eval_every=10, progress=True):
    """Train `model` by Adam on minibatches of (X, y); interruptible, stops on divergence.

    Parameters
    ----------
    model : Network with vjp (ConvAC, RAC, MPS, ...)
    X : array_like, shape (B, N, M)
        Features (real, finite).
    y : array_like of int, shape (B,), or None
        Class labels in 0..C-1 for the default loss (the model must give (B, C) scores,
        C >= 2); anything the custom `loss` accepts otherwise (None for an unsupervised one).
    steps : int
        Number of Adam steps, >= 1.
    lr : float
        Adam's step size, > 0.
    batch : int or None
        Samples per step, drawn without replacement from a fresh shuffle each epoch;
        None (or B) for the full set every step, in its given order.
    rng : numpy.random.Generator or int seed
        For the shuffles.
    val : (X_val, y_val), optional
        Evaluated every `eval_every` steps (loss and accuracy).
    loss : callable, optional
        ``loss(out, y) -> (value, g)`` (see the module docstring); default
        :class:`CrossEntropy`.
    patience : int, optional
        With `val`: stop after this many evaluations without a lower validation loss and
        return the best model seen.
    eval_every : int
        Steps between evaluations of `val`.
    progress : bool or callable
        One progress line (a widget in a notebook, a text line in a terminal), or a
        function ``progress(step, loss, val_acc)`` called after every step (val_acc None
        before the first evaluation), e.g. a panel's own bar.

    Returns
    -------
    FitResult
        ``model``, ``history``, ``stopped``. Ctrl-C (KeyboardInterrupt) stops training
        and returns what was done so far. A nan or inf loss or gradient stops it with a
        RuntimeWarning naming the step and the learning rate, keeping the last finite model.
    """
    loss = CrossEntropy() if loss is None else loss
    _check_model(model, loss)
    X = as_data(X)
    steps, lr = as_int(steps, "steps", minimum=1), as_positive_real(lr, "lr")
    batch = X.shape[0] if batch is None else min(as_int(batch, "batch", minimum=1), X.shape[0])
    rng, eval_every = as_rng(rng), as_int(eval_every, "eval_every", minimum=1)
    patience = None if patience is None else as_int(patience, "patience", minimum=1)
    y = _labels(model, X, y, loss, "y")
    if val is not None:
        if not isinstance(val, (tuple, list)) or len(val) != 2:
            raise TypeError(f"val must be a pair (X_val, y_val), got {type(val).__name__}")
        Xv = as_data(val[0], "val[0]")
        val = (Xv, _labels(model, Xv, val[1], loss, "val[1]"))
    if patience is not None and val is None:
        raise ValueError("patience (early stopping) needs a validation set: pass val=(X_val, y_val)")

    opt = Adam(model.params(), lr)
    hist = {k: [] for k in ("step", "loss", "train_acc", "val_step", "val_loss", "val_acc")}
    best, best_loss, since, stopped, prev = model, np.inf, 0, "done", None
    order, pos = rng.permutation(X.shape[0]), 0
    bar = Progress(steps, progress if callable(progress) else None) if progress else None
    try:
        for step in range(1, steps + 1):
            if batch == X.shape[0]:  # the full set, in its own order (a loss may pair samples with targets)
                Xb, yb = X, y
            else:
                if pos + batch > X.shape[0]:
                    order, pos = rng.permutation(X.shape[0]), 0
                idx = order[pos:pos + batch]
                pos += batch
                Xb, yb = X[idx], (None if y is None else y[idx])
            new, value, out, grads = train_step(model, Xb, yb, loss, opt)
            finite = np.isfinite(value) and all(np.isfinite(G).all() for G in grads)
            if not (finite and all(np.isfinite(a).all() for a in new.params())):
                stopped = (f"diverged at step {step} (lr={lr:g}): the loss, its gradient or the new weights are not "
                           "finite; kept the last model with a finite loss. Try a smaller lr")
                model = model if finite or prev is None else prev
                warnings.warn(stopped, RuntimeWarning, stacklevel=2)
                break
            prev, model = model, new
            hist["step"].append(step)
            hist["loss"].append(value)
            hist["train_acc"].append(float(np.mean(loss.predict(out) == yb)) if hasattr(loss, "predict") else np.nan)
            if val is not None and (step % eval_every == 0 or step == steps):
                vl, va = evaluate(model, *val, loss)
                hist["val_step"].append(step)
                hist["val_loss"].append(vl)
                hist["val_acc"].append(va)
                if vl < best_loss:
                    best, best_loss, since = model, vl, 0
                else:
                    since += 1
                if patience is not None and since >= patience:
                    stopped = f"early stop at step {step}"
                    break
            if bar is not None:
                bar.update(step, value, hist["val_acc"][-1] if hist["val_acc"] else None)
    except KeyboardInterrupt:
        stopped = f"interrupted at step {len(hist['step']) + 1}"
    if bar is not None:
        bar.close(stopped)
    if patience is not None and best_loss < np.inf:
        model = best
    return FitResult(model, hist, stopped)


def _labels(model, X, y, loss, name):
    """Labels checked against the model's number of class scores (default loss only): shape (B,), ints in 0..C-1."""
    if not isinstance(loss, CrossEntropy):
        return y
    B = X.shape[0]
    logabs = model.log_abs_score(X[:1])[0]
    if logabs.ndim != 2 or logabs.shape[1] < 2:
        raise ValueError(f"the default loss needs class scores of shape (B, C) with C >= 2, one column per class; "
                         f"{type(model).__name__} gives shape {logabs.shape} for a batch of B = 1 sample (one "
                         f"score per sample): build it with C >= 2 class scores (e.g. ConvAC.random(..., C=2)), "
                         f"or pass loss=")
    C = logabs.shape[1]
    if y is None:
        raise ValueError(f"{name} must be class labels of shape ({B},), integers in 0..{C - 1}, for the default "
                         f"loss; got None (None is only for a custom loss=)")
    shape = np.shape(y)
    if len(shape) == 2 and shape == (B, C):
        raise ValueError(f"{name} must have shape ({B},), one class index in 0..{C - 1} per sample, got shape "
                         f"{shape}: one-hot rows? pass {name}.argmax(axis=1)")
    return as_labels(y, B, C, name)
