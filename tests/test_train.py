"""tnlite.train: the loss against its formula and finite differences, Adam against its closed
form, fit learning a separable task, stopping cleanly (divergence, Ctrl-C, early stop), and
refusing bad input by name."""
import numpy as np
import pytest

import tnlite as tl
from tnlite import train


def test_cross_entropy_is_the_born_rule_and_its_gradient_is_the_finite_difference():
    rng = np.random.default_rng(0)
    logabs, y = rng.standard_normal((6, 3)), np.array([0, 2, 1, 1, 0, 2])
    loss = train.CrossEntropy()
    value, g = loss((logabs, np.ones_like(logabs)), y)
    h2 = np.exp(2 * logabs)  # |h_c|^2
    assert value == pytest.approx(-np.mean(np.log(h2[np.arange(6), y] / h2.sum(axis=1))), rel=1e-12)
    eps, fd = 1e-6, np.zeros_like(logabs)
    for idx in np.ndindex(logabs.shape):
        d = np.zeros_like(logabs)
        d[idx] = eps
        fd[idx] = (loss((logabs + d, None), y)[0] - loss((logabs - d, None), y)[0]) / (2 * eps)
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-9)
    assert np.array_equal(loss.predict((logabs, None)), np.argmax(logabs, axis=1))


def test_adam_first_step_moves_each_weight_by_lr_against_the_gradient_sign():
    params = [np.array([1.0, -2.0, 3.0]), np.zeros((2, 2))]
    grads = [np.array([0.5, -4.0, 1e-3]), np.array([[1.0, -1.0], [2.0, 0.0]])]
    new = train.Adam(params, lr=0.1, eps=1e-12).step(params, grads)
    # step 1: m_hat = g, v_hat = g**2, so the step is -lr * g / (|g| + eps): lr against the sign, 0 where g = 0
    np.testing.assert_allclose(new[0], params[0] - 0.1 * np.sign(grads[0]), rtol=1e-8)
    np.testing.assert_allclose(new[1], params[1] - 0.1 * np.sign(grads[1]), rtol=1e-8)
    assert params[0][0] == 1.0  # never edited in place


def _separable(n, rng):
    """Label = whether input 0 is one of the two upper symbols: learnable by any ConvAC with r_0 >= 2."""
    configs = np.random.default_rng(rng).integers(0, 4, size=(n, 8))
    return tl.one_hot(configs, 4), (configs[:, 0] >= 2).astype(int)


def test_fit_decreases_the_loss_and_learns_a_separable_task():
    X, y = _separable(600, 0)
    Xv, yv = _separable(300, 1)
    net = train.positive(tl.ConvAC.random(8, 4, (2, 2, 2), rng=3, C=2), rng=0)
    assert all(np.all(a > 0) for a in net.params())
    before = train.evaluate(net, X, y)[0]
    res = train.fit(net, X, y, steps=150, lr=0.03, batch=100, rng=0, val=(Xv, yv), progress=False)
    after, acc = train.evaluate(res.model, Xv, yv)
    assert res.stopped == "done" and len(res.history["loss"]) == 150
    assert after < 0.5 * before and acc > 0.95
    assert res.history["val_step"][-1] == 150 and res.history["val_acc"][-1] == pytest.approx(acc)


def test_fit_at_N_256_stays_finite():
    rng = np.random.default_rng(2)
    X = tl.one_hot(rng.integers(0, 2, size=(64, 256)), 2) * 1e-3  # features of size 1e-3: 256 of them make 1e-768
    y = rng.integers(0, 2, size=64)
    net = tl.ConvAC.random(256, 2, [4] * 8, rng=0, C=2)
    assert np.all(net.score(X) == 0)  # the plain score underflows to exactly 0
    res = train.fit(net, X, y, steps=5, lr=0.01, batch=32, rng=0, progress=False)
    assert res.stopped == "done" and np.isfinite(res.history["loss"]).all()
    assert all(np.isfinite(a).all() for a in res.model.params())


def test_a_diverging_run_stops_naming_the_step_and_lr_and_keeps_the_last_finite_model():
    X, y = _separable(200, 0)
    seen = []

    class Exploding(train.CrossEntropy):
        """The loss of the models it is shown, nan from the fourth on (as an overflowing loss would be)."""

        def __call__(self, out, y):
            value, g = super().__call__(out, y)
            seen.append(value)
            return (np.nan, g) if len(seen) >= 4 else (value, g)

    net = tl.ConvAC.random(8, 4, (2, 2, 2), rng=3, C=2)
    with pytest.warns(RuntimeWarning, match=r"diverged at step 4 \(lr=0.05\)"):
        res = train.fit(net, X, y, steps=20, lr=0.05, batch=200, rng=0, loss=Exploding(), progress=False)
    assert res.stopped.startswith("diverged at step 4") and res.history["step"] == [1, 2, 3]
    # the model kept is the one whose (finite) loss was the last recorded: the model of step 3
    assert train.evaluate(res.model, X, y)[0] == pytest.approx(seen[2], rel=1e-12)


def test_ctrl_c_keeps_the_model_and_history_so_far():
    X, y = _separable(200, 0)
    calls = []

    class Interrupting(train.CrossEntropy):
        def __call__(self, out, y):
            calls.append(1)
            if len(calls) == 4:
                raise KeyboardInterrupt
            return super().__call__(out, y)

    res = train.fit(tl.ConvAC.random(8, 4, (2, 2, 2), rng=3, C=2), X, y, steps=50, lr=0.01, batch=50, rng=0,
                    loss=Interrupting(), progress=False)
    assert res.stopped == "interrupted at step 4" and res.history["step"] == [1, 2, 3]
    assert isinstance(res.model, tl.ConvAC)


def test_early_stopping_returns_the_best_validation_model():
    X, y = _separable(300, 0)
    Xv, yv = _separable(100, 1)
    res = train.fit(tl.ConvAC.random(8, 4, (2, 2, 2), rng=3, C=2), X, y, steps=400, lr=0.03, batch=100, rng=0,
                    val=(Xv, yv), patience=2, eval_every=5, progress=False)
    best = min(res.history["val_loss"])
    assert train.evaluate(res.model, Xv, yv)[0] == pytest.approx(best, rel=1e-12)
    if res.stopped != "done":
        assert res.stopped.startswith("early stop at step")


def test_a_custom_loss_on_plain_scores_trains_any_network():
    """The capstone's route: a loss of the amplitudes on all configurations, full batch, no labels."""
    configs = np.indices((2,) * 6).reshape(6, -1).T
    X = tl.one_hot(configs, 2)
    target = tl.MPS.random(6, 2, 2, rng=9).amplitudes(configs)  # in the order of X: fit keeps a full batch's order
    target /= np.linalg.norm(target)

    def infidelity(psi, _y):
        n = np.linalg.norm(psi)
        overlap = target @ psi / n
        return 1 - overlap**2, -2 * overlap * (target - overlap * psi / n) / n  # d/dpsi of 1 - <t|psi>^2/<psi|psi>

    net = tl.MPS.random(6, 2, 2, rng=1)
    start = infidelity(net.score(X), None)[0]
    res = train.fit(net, X, None, steps=300, lr=0.02, batch=None, rng=0, loss=infidelity, progress=False)
    assert res.history["loss"][-1] < 0.1 * start
    assert np.isnan(res.history["train_acc"]).all()


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(y=np.zeros(5, int)), ValueError, r"y must have shape \(10,\), one label per sample"),
    (dict(y=np.full(10, 2)), ValueError, r"labels in 0..C-1 = 0..1 .* got values from 2 to 2"),
    (dict(X=np.full((10, 8, 4), np.nan)), ValueError, r"X has nan or inf entries \(first at sample 0"),
    (dict(lr=0.0), ValueError, r"lr must be a positive number \(finite and > 0\), got 0.0"),
    (dict(lr=-1), ValueError, r"lr must be a positive number \(finite and > 0\)"),
    (dict(steps=0), ValueError, r"steps must be >= 1, got 0"),
    (dict(model=tl.ConvAC.random(8, 4, (2, 2, 2), rng=0, C=2, p=tl.PRIME)), ValueError, r"exact mod p"),
    (dict(model=tl.ConvAC.random(8, 4, (2, 2, 2), rng=0)), ValueError,
     r"needs class scores of shape \(B, C\) with C >= 2.* gives shape \(1,\) for a batch of B = 1 sample"),
    (dict(y=None), ValueError, r"y must be class labels of shape \(10,\), integers in 0..1, .* got None"),
    (dict(y=np.eye(2, dtype=int)[np.arange(10) % 2]), ValueError,
     r"y must have shape \(10,\), one class index in 0..1 per sample, got shape \(10, 2\): one-hot rows\?"),
    (dict(val=(np.ones((4, 8, 4)), np.eye(2, dtype=int)[np.arange(4) % 2])), ValueError,
     r"val\[1\] must have shape \(4,\).*one-hot"),
    (dict(model="ConvAC"), TypeError, r"model must be a network with vjp\(X, g\)"),
    (dict(patience=3), ValueError, r"patience .* needs a validation set"),
])
def test_fit_refuses_bad_input_by_name(kwargs, error, match):
    X, y = _separable(10, 0)
    args = dict(model=tl.ConvAC.random(8, 4, (2, 2, 2), rng=0, C=2), X=X, y=y, steps=3, lr=0.01, batch=5, rng=0,
                progress=False)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        train.fit(**args)


def test_fit_refuses_a_network_without_vjp():
    class NoGrad(tl.Network):
        N, phys_dims = 8, (4,) * 8

    X, y = _separable(10, 0)
    with pytest.raises(TypeError, match="model must be a network with vjp.*got NoGrad"):
        train.fit(NoGrad(), X, y, steps=3, lr=0.01, batch=5, rng=0, progress=False)


def test_the_progress_line_outside_a_notebook_is_one_line_on_stderr(capsys):
    X, y = _separable(60, 0)
    train.fit(tl.ConvAC.random(8, 4, (2, 2, 2), rng=3, C=2), X, y, steps=3, lr=0.01, batch=20, rng=0)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\rstep 3/3: loss" in err and err.rstrip().endswith("(done)")
    seen = []
    train.fit(tl.ConvAC.random(8, 4, (2, 2, 2), rng=3, C=2), X, y, steps=4, lr=0.01, batch=20, rng=0,
              progress=lambda step, loss, val_acc: seen.append((step, val_acc)))
    assert seen == [(1, None), (2, None), (3, None), (4, None)] and capsys.readouterr().err == ""
