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
