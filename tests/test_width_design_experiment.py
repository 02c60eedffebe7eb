"""The width-design experiment script: a quick run never overwrites the committed full-size table."""
import os

import pytest

from tnlite.experiments import width_design as wd


def _fake_table(settings, report=None):
    acc = {t: {d: [0.5 + 0.01 * s for s in settings["seeds"]] for d in wd.DESIGNS[settings["N"]]}
           for t in ("global", "local")}
    return acc, {}


def test_quick_run_prints_and_leaves_the_committed_table_alone(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(wd, "table", _fake_table)
    before = open(wd.TABLE, "rb").read()
    assert wd.main(["--quick"]) == 0
    assert open(wd.TABLE, "rb").read() == before                          # used to be overwritten
    assert "## N = 8, 3 seeds" in capsys.readouterr().out
    out = tmp_path / "quick.md"
    assert wd.main(["--quick", "--output", str(out)]) == 0
    assert "--quick" in out.read_text() and open(wd.TABLE, "rb").read() == before
    with pytest.raises(SystemExit, match="does not overwrite the committed full-size table"):
        wd.main(["--quick", "--output", os.path.relpath(wd.TABLE)])


def test_the_committed_table_says_how_to_regenerate_it():
    text = open(wd.TABLE).read()
    assert "Regenerate with `python -m tnlite.experiments.width_design`" in text
    assert os.path.basename(wd.TABLE) == "results_width_design.md"


@pytest.mark.parametrize("noise", [0.0, 0.1, 0.3])
def test_relation_ceiling_is_the_bayes_accuracy_of_the_population(noise):
    """Independently: the best classifier's accuracy 0.5 * sum_x max(P_0(x), P_1(x)) from the population tensor,
    on all inputs (N = 4: 2 relations; N = 8: 4) and on the two inputs of one relation (marginal)."""
    import numpy as np
    from tnlite import data
    for N, k in ((4, 2), (8, 4)):
        P0 = np.full((4,) * N, 4.0**-N)
        P1 = 2 * data.population(N, 4, "global", noise) + P0
        assert 0.5 * np.maximum(P0, P1).sum() == pytest.approx(wd.relation_ceiling(k, noise), abs=1e-12)
    P1 = (2 * data.population(4, 4, "global", noise) + 4.0**-4).sum(axis=(1, 3))  # inputs 0 and 2, one relation
    assert 0.5 * np.maximum(np.full((4, 4), 1 / 16), P1).sum() == pytest.approx(wd.relation_ceiling(1, noise))


def _per_seed(section, task, design):
    import re
    line = re.search(rf"^- {task}, {design}: (.*)$", section, re.M).group(1)
    return [float(v) for v in line.split(", ")]


def test_the_committed_table_extends_the_lesson_and_supports_its_per_seed_assert():
    """The N = 8 table is the lesson's experiment with more seeds (the lesson's among them), and every one of its
    seeds obeys what the lesson asserts run by run: no wide-base run on the global task passes one relation's
    best accuracy plus 3 test-set standard errors. (The lesson's old asserts, e.g. min local wide-base > 0.7,
    fail for seeds 13 and 17 of this table.)"""
    import math
    full8 = wd.FULL[0]
    assert {k: v for k, v in full8.items() if k != "seeds"} == {k: v for k, v in wd.LESSON.items() if k != "seeds"}
    assert set(wd.LESSON["seeds"]) <= set(full8["seeds"])
    text = open(wd.TABLE).read()
    section = text[text.index(f"## N = 8, {len(full8['seeds'])} seeds"):text.index("## N = 16")]
    assert f"steps={full8['steps']}," in section
    one = wd.relation_ceiling(1, full8["noise"])
    slack = 3 * math.sqrt(one * (1 - one) / full8["n_test"])
    base = _per_seed(section, "global", "wide-base")
    assert len(base) == len(full8["seeds"]) and max(base) <= one + slack


def test_docs_science_quotes_the_committed_table():
    """docs/science.md's lesson-07 paragraph quotes the table it links: every mean difference, every
    'ahead in k of n seeds' and the seed counts, at N = 8 and N = 16 (it used to quote an older table)."""
    import re
    table = open(wd.TABLE).read()
    science = open(os.path.join(os.path.dirname(wd.TABLE), "science.md")).read()
    section = " ".join(science[science.index("## Designing widths with min cuts"):science.index("## Information re-use")]
                       .split())  # one line: a quoted number may wrap
    for N, settings in ((8, wd.FULL[0]), (16, wd.FULL[1])):
        part = table[table.index(f"## N = {N}, "):]
        part = part[:part.index("## N = 16")] if N == 8 else part
        k = len(settings["seeds"])
        assert f"## N = {N}, {k} seeds" in table
        for task, diff, err, wins in re.findall(
                r"- (global|local) task: wide-base minus wide-tip ([+-][\d.]+) \+- ([\d.]+) .*? ahead in (\d+) of", part):
            assert f"{abs(float(diff)):.3f} \\pm {err}" in section, (N, task, diff, err)
            assert f"{wins} of {k}" in section, (N, task, wins)
