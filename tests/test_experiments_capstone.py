"""The capstone sweep: budgets within 10 %, ceilings and ranks against independent computations,
a small sweep's table and the files the script writes."""
import json

import numpy as np
import pytest

import tnlite as tl
from tnlite import vmc
from tnlite.experiments import capstone as cap


@pytest.mark.parametrize("state", list(cap.STATES))
def test_every_architecture_is_within_ten_percent_of_its_budget(state):
    for budget in cap.BUDGETS:
        for arch, knob in cap.lineup(state, budget).items():
            net = cap.build(arch, knob, cap.STATES[state][0], 0)
            assert abs(net.n_params - budget) <= 0.1 * budget, (state, budget, arch, net.n_params)
            assert all(np.all(a >= 0) for a in net.params())  # the positive start


def test_ranks_are_the_schmidt_ranks_of_generic_instances_where_the_dense_tensor_is_small():
    """Exact ranks mod p of random integer instances reach the min cut (lesson 05's generic-rank claim)."""
    for arch, dim, budget, cut, net in [
            ("MPS", 1, 125, "halves", tl.MPS.random(16, 2, 2, rng=0, p=tl.PRIME)),
            ("deep ConvAC", 2, 125, "corner 2x2 | rest", tl.ConvAC2D.random(4, 2, (3, 3), rng=0, p=tl.PRIME)),
            ("shallow ConvAC", 1, 125, "odd | even", tl.ShallowConvAC.random(16, 2, 4, rng=0, p=tl.PRIME))]:
        assert cap.rank(arch, dim, budget, cut) == tl.rank_mod_p(net.to_dense(), cap.CUTS[dim][cut])


def test_ceilings_are_the_smallest_bound_over_the_cuts():
    psi0 = cap.ground("critical chain")[1]
    for arch, (bound, cut) in cap.ceilings("critical chain", 125).items():
        net = cap.build(arch, cap.lineup("critical chain", 125)[arch], 1, 3)
        bounds = {c: vmc.fidelity_bound(psi0, net, rows) for c, rows in cap.CUTS[1].items()}
        assert bound == pytest.approx(min(bounds.values()), abs=1e-12) and bounds[cut] == pytest.approx(bound)


def test_a_small_sweep_and_its_table():
    rows = cap.sweep(states=("gapped chain",), budgets=(125,), seeds=(0, 1), steps=5, archs=("MPS", "RBM"),
                     progress=False)
    assert [(r["arch"], r["seed"]) for r in rows] == [("MPS", 0), ("MPS", 1), ("RBM", 0), ("RBM", 1)]
    E0 = cap.ground("gapped chain")[0]
    for r in rows:
        assert r["energy"] >= E0 and r["fidelity"] <= r["bound"] + 1e-12 and r["steps"] == 5
    text = cap.table(rows)
    assert text.count("\n| gapped chain | 125 |") == 2 and "chi = 2" in text and "hidden units = 6" in text


def test_the_script_writes_its_table_and_numbers(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cap, "lineup", lambda state, budget: {"MPS": cap.SIZES["MPS"][cap.STATES[state][0]][budget]})
    out = tmp_path / "results.md"
    assert cap.main(["--quick", "--output", str(out)]) == 0
    text = out.read_text()
    assert "Regenerate with `python -m tnlite.experiments.capstone --quick --output" in text and "complete" in text
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["seeds"] == [0] and len(data["rows"]) == 3 and data["steps"] == 30


def test_a_cut_sweep_says_what_was_cut_in_its_table(tmp_path, monkeypatch):
    monkeypatch.setattr(cap, "lineup", lambda state, budget: {"MPS": cap.SIZES["MPS"][cap.STATES[state][0]][budget]})
    out = tmp_path / "results.md"
    assert cap.main(["--steps", "3", "--seeds", "0", "--budgets", "425", "--output", str(out)]) == 0
    text = out.read_text()
    assert "cut to 3 steps instead of 1000 and budgets 425 of 125, 250, 425" in text
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["budgets"] == [425] and {r["budget"] for r in data["rows"]} == {425} and len(data["rows"]) == 3
    assert cap._cut_note(cap.DEFAULT_STEPS, cap.BUDGETS) == ""
