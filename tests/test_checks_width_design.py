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
    (lambda V, dP: _right_backward(V, dP) * 2, "2 times the finite-difference gradient"),
    (lambda V, dP: _right_backward(V, dP) + V, "at index"),
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


@pytest.mark.parametrize("widths, message", [
    ((2.7, 4.9, 8.2), "got 2.7 (float)"),          # int() used to round this to (2, 4, 8) and accept it
    (("2", "4", "8"), "got '2' (str)"),
    ((True, 4, 8), "got True (bool)"),
    ("248", "widths must be 3 whole numbers"),
])
def test_layer_allocations_refuses_non_integer_widths_by_name(widths, message, capsys):
    ok, out = _run(checks.check_layer_allocations, dict(RIGHT, left_right=widths), capsys)
    assert not ok and "left_right: widths must be 3 whole numbers" in out and message in out, out


def test_layer_allocations_accepts_numpy_integers_and_lists(capsys):
    answer = {k: [np.int64(w) for w in v] for k, v in RIGHT.items()}
    assert _run(checks.check_layer_allocations, answer, capsys)[0]


def test_prediction_d_states_the_ranks_of_its_label():
    """Independently: the label [left > right] over all 4**8 sequences, by brute force and numpy's rank."""
    import itertools
    configs = np.array(list(itertools.product(range(4), repeat=8)))
    digits = 4 ** np.arange(3, -1, -1)
    label = (configs[:, :4] @ digits > configs[:, 4:] @ digits).astype(float).reshape((4,) * 8)
    left_right = np.linalg.matrix_rank(label.reshape(256, 256))
    even_odd = np.linalg.matrix_rank(label.transpose(0, 2, 4, 6, 1, 3, 5, 7).reshape(256, 256))
    lead = np.linalg.matrix_rank(np.tril(np.ones((4, 4)), -1))
    assert (left_right, even_odd, lead) == (255, 4, 3)
    why = checks.width_design.PREDICTIONS["D"][1]
    assert f"rank {left_right} across left | right" in why and f"rank {even_odd} across even | odd" in why
    assert f"rank {lead})" in why
    # the min cuts the text compares, from the networks' graphs
    cuts = {d: (tl.ConvAC.random(8, 4, w, rng=0, C=2).min_cut(tl.partitions.halves(8)).rank_bound,
                tl.ConvAC.random(8, 4, w, rng=0, C=2).min_cut(tl.partitions.interleaved(8, 0)).rank_bound)
            for d, w in {"wide-base": (4, 2, 2), "wide-tip": (2, 4, 8)}.items()}
    assert cuts == {"wide-base": (2, 256), "wide-tip": (4, 16)}
    assert max(c[0] for c in cuts.values()) < left_right and min(c[1] for c in cuts.values()) >= even_odd


def _aliased_backward(V, dP):
    dV = V
    dV[0::2] = dP * V[1::2]
    dV[1::2] = dP * V[0::2]
    return dV


def _only_even(V, dP):
    dV = _right_backward(V, dP)
    dV[1::2] = 0
    return dV


@pytest.mark.parametrize("fn, message", [
    (lambda V, dP: -_right_backward(V, dP), "-1 times the finite-difference gradient in every case (the wrong sign)"),
    (lambda V, dP: 0.5 * _right_backward(V, dP), "0.5 times the finite-difference gradient"),
    (lambda V, dP: np.stack([V[1::2], V[0::2]], 1).reshape(V.shape), "you left out dP"),
    (_only_even, "only the even positions V[2i] get a gradient"),
    (lambda V, dP: np.concatenate([dP * V[V.shape[0] // 2:], dP * V[:V.shape[0] // 2]]),
     "case 2 of 3 (V.shape=(4, 3, 2)): you paired position i with i + n/2"),
    (_aliased_backward, "your dV is V itself"),
    (lambda V, dP: None, "returned None"),
])
def test_pool_backward_names_typical_mistakes(fn, message, capsys):
    """These all used to get an unnamed 'at index ... your dV is ..., the finite difference ...'."""
    assert not checks.check_pool_backward(fn)
    out = capsys.readouterr().out
    assert message in out, out


def test_pool_backward_accepts_other_routes(capsys):
    assert checks.check_pool_backward(lambda V, dP: np.stack([dP * V[1::2], dP * V[0::2]], 1).reshape(V.shape))
    assert checks.check_pool_backward(lambda V, dP: np.repeat(dP * V[0::2] * V[1::2], 2, axis=0) / V)
