"""Exercise 07's checkers accept right answers (including other valid allocations) and name each mistake."""
import numpy as np
import pytest

import tnlite as tl
from tnlite import checks

RIGHT = {"left_right": (2, 4, 8), "even_odd": (4, 2, 2), "both": (4, 4, 4)}


def _run(check, answer, capsys):
    ok = check(lambda *a: answer(*a) if callable(answer) else answer)
    return ok, capsys.readouterr().out


@pytest.mark.parametrize("answer", [RIGHT, {"left_right": (2, 4, 4), "even_odd": (4, 1, 1), "both": (4, 4, 4)}])
def test_layer_allocations_accepts_every_valid_allocation(answer, capsys):
    ok, out = _run(checks.check_layer_allocations, answer, capsys)
    assert ok and out.startswith("Correct")
    for name, widths in answer.items():  # independently: the budget and the cuts hold
        net = tl.ConvAC.random(8, 4, widths, rng=0, C=2)
        assert net.n_params <= checks.width_design.ALLOCATION_TARGETS[name][0]


@pytest.mark.parametrize("change, message", [
    ({"left_right": (4, 2, 2)}, r"left_right: widths \(4, 2, 2\) have min cut 2 across left \| right.*hint: left \| right is cut"),
    ({"even_odd": (2, 4, 8)}, r"even_odd: widths \(2, 4, 8\) have min cut 16 across even \| odd.*r_0 must reach M = 4"),
    ({"even_odd": (8, 4, 2)}, r"even_odd: widths \(8, 4, 2\) use 404 parameters, over the budget of 180.*layer 0 costs.*r_0 = 8 > M = 4 buys no"),
    ({"both": (2, 4, 8)}, r"both: widths \(2, 4, 8\) have min cut 16 across even \| odd"),
    ({"both": (0, 4, 8)}, r"need 3 conv layers of width >= 1"),
])
def test_layer_allocations_names_the_mistake(change, message, capsys):
    ok, out = _run(checks.check_layer_allocations, dict(RIGHT, **change), capsys)
    assert not ok
    assert __import__("re").search(message, out.replace("\n", " ")), out


def test_predictions_explain_a_wrong_one(capsys):
    right = {"A": "wide-tip", "B": "wide-base", "C": "either", "D": "wide-tip"}
    assert _run(checks.check_which_design_wins, right, capsys)[0]
    ok, out = _run(checks.check_which_design_wins, dict(right, C="wide-tip"), capsys)
    assert not ok and "task C: you predicted wide-tip, the min-cut argument says either" in out and "parity" in out
    ok, out = _run(checks.check_which_design_wins, dict(right, A="wide"), capsys)
    assert not ok and "answer 'wide-base', 'wide-tip' or 'either'" in out


def _right_backward(V, dP):
    dV = np.empty_like(V)
    dV[0::2], dV[1::2] = dP * V[1::2], dP * V[0::2]
    return dV


@pytest.mark.parametrize("fn, message", [
    (lambda V, dP: _self_product(V, dP),
     "you multiplied each entry's gradient by itself"),
    (lambda V, dP: np.repeat(dP, 2, axis=0), "you passed dP through unchanged"),
    (lambda V, dP: dP, "dV must have V's shape"),
    (lambda V, dP: _right_backward(V, dP) * 2, "the finite difference"),
])
def test_pool_backward_is_judged_by_finite_differences_and_names_mistakes(fn, message, capsys):
    assert checks.check_pool_backward(_right_backward)
    capsys.readouterr()
    assert not checks.check_pool_backward(fn)
    assert message in capsys.readouterr().out


def _self_product(V, dP):
    dV = np.empty_like(V)
    dV[0::2], dV[1::2] = dP * V[0::2], dP * V[1::2]
    return dV
