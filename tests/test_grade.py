"""`make grade`: generated submissions get exactly the marks their contents deserve.

A class of generated students: one hands in every solution (full marks), one every
untouched exercise (zero), one a mix in set 01 (task 1 solved, task 2 wrong, task 3
untouched: exactly one mark), one a notebook that crashes on its first cell, one whose
task loops (interrupted by the cell timeout, the later tasks still graded) and one whose
loop ignores interrupts (killed by the notebook timeout; the verdicts given before it
stay), each graded with timeouts scaled by how long the set-01 solution takes on this
machine now, so a loaded CI machine neither times out a good notebook nor waits long on
a bad one. Every notebook runs in its own kernel in a worker process, never in pytest's,
and a kernel that ignores signals and forks a stubborn child is killed with its child.
"""
import concurrent.futures
import csv
import importlib.util
import pathlib
import re
import os
import shutil
import threading
import time

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("grade", ROOT / "tools" / "grade.py")
grade = importlib.util.module_from_spec(spec)
spec.loader.exec_module(grade)

SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))


def _checker_calls(path):
    """Checker names called in a notebook, read with nbformat and a plain search (not the grader's regex)."""
    names = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            for line in cell.source.splitlines():
                if line.startswith("tl.checks.check_"):
                    names.append(line.split("(")[0].removeprefix("tl.checks."))
    return names


def _with_cell(path, target, checker, source):
    """A copy of notebook `path` whose cell calling `checker` has `source` instead."""
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and f"tl.checks.{checker}(" in c.source)
    cell.source = source
    nbformat.write(nb, target)


def _cell_calling(path, checker):
    nb = nbformat.read(path, as_version=4)
    return next(c.source for c in nb.cells if c.cell_type == "code" and f"tl.checks.{checker}(" in c.source)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    subs = tmp_path_factory.mktemp("submissions")
    slow = tmp_path_factory.mktemp("misbehaving")  # graded apart, with timeouts they must reach
    for student, files in [("solutions", SOLUTIONS), ("untouched", EXERCISES)]:
        (subs / student).mkdir()
        for path in files:
            shutil.copy(path, subs / student / path.name)
    ex01 = ROOT / "exercises" / "01_tensors_and_diagrams.ipynb"
    sol01 = ROOT / "solutions" / "01_tensors_and_diagrams.ipynb"
    (subs / "mixed").mkdir()
    _with_cell(ex01, subs / "mixed" / "01_tensors_and_diagrams (2).ipynb", "check_matricize",
               _cell_calling(sol01, "check_matricize"))
    _with_cell(subs / "mixed" / "01_tensors_and_diagrams (2).ipynb", subs / "mixed" / "01_tensors_and_diagrams (2).ipynb",
               "check_contract_chain", "def contract_chain(A, B, C):\n    return np.einsum('ia,ajb,bk->kji', A, B, C)\n\n"
               "tl.checks.check_contract_chain(contract_chain);")
    (subs / "crash").mkdir()
    nb = nbformat.read(ex01, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell("import a_module_that_does_not_exist"))
    setup = next(c for c in nb.cells[1:] if c.cell_type == "code")
    setup.source = "raise RuntimeError('broken setup')\n" + setup.source  # the imports never run
    nbformat.write(nb, subs / "crash" / ex01.name)
    (slow / "loops").mkdir()
    _with_cell(ex01, slow / "loops" / ex01.name, "check_matricize",
               "def matricize(A, rows):\n    while True:\n        pass\n\ntl.checks.check_matricize(matricize);")
    (slow / "stubborn").mkdir()
    sol = slow / "stubborn" / ex01.name
    shutil.copy(sol01, sol)
    _with_cell(sol, sol, "check_schmidt_rank", "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
               "while True:\n    time.sleep(0.05)\n\ntl.checks.check_schmidt_rank(schmidt_rank);")
    (subs / "stray").mkdir()
    (subs / "stray" / "notes.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
    # The well-behaved class gets timeouts no loaded machine reaches (they finish as fast as they
    # can); the two that loop get timeouts scaled by how long the set-01 solution takes right now.
    out, slow_out = subs / "grades.csv", slow / "grades.csv"
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:  # the good class, alongside
        good = pool.submit(grade.main, [str(subs), "--cell-timeout", "600", "--timeout", "1200", "--out", str(out)])
        t0 = time.perf_counter()  # measured while the good class runs: the load the slow ones will see
        assert grade.grade_notebook(sol01, [("check_matricize", "matricize")], 600, 1200)["check_matricize"][0] \
            == "correct"
        solution_seconds = time.perf_counter() - t0
        cell_timeout = max(10, round(2 * solution_seconds))  # every cell of set 01 takes less than the whole
        timeout = cell_timeout + round(3 * solution_seconds) + 10  # the loops student: set 01 and one interrupt
        t0 = time.perf_counter()
        assert grade.main([str(slow), "--cell-timeout", str(cell_timeout), "--timeout", str(timeout),
                           "--out", str(slow_out)]) == 0
        seconds = time.perf_counter() - t0
        assert good.result() == 0
    rows = []
    for path in (out, slow_out):
        with open(path, newline="") as f:
            rows += list(csv.DictReader(f))
    return rows, {"seconds": seconds, "timeout": timeout}


def _rows(rows, student):
    return [r for r in rows if r["student"] == student]


def test_the_csv_has_one_row_per_student_and_task_of_every_submitted_set(graded):
    rows, _ = graded
    assert list(rows[0]) == ["student", "exercise_set", "task", "verdict", "score", "message"]
    expected = sum(len(dict.fromkeys(_checker_calls(p))) for p in EXERCISES)
    for student in ("solutions", "untouched", "mixed", "crash"):
        assert len(_rows(rows, student)) == expected, student  # each student, every task of every set
    in_01 = len(dict.fromkeys(_checker_calls(ROOT / "exercises" / "01_tensors_and_diagrams.ipynb")))
    for student in ("loops", "stubborn"):  # graded apart, with short timeouts: set 01 only
        assert len(_rows(rows, student)) == in_01, student
    stray = _rows(rows, "stray")
    assert [r["verdict"] for r in stray if r["task"] == "-"] == ["unrecognised"]


def test_the_solutions_score_full_marks(graded):
    rows, _ = graded
    mine = _rows(rows, "solutions")
    assert {(r["verdict"], r["score"]) for r in mine} == {("correct", "1")}, [r for r in mine if r["score"] != "1"]
    tasks = {(r["exercise_set"], r["task"]) for r in mine}
    assert len(tasks) == sum(len(set(_checker_calls(p))) for p in SOLUTIONS)


def test_the_untouched_exercises_score_zero_each_task_not_done(graded):
    rows, _ = graded
    mine = _rows(rows, "untouched")
    assert {(r["verdict"], r["score"]) for r in mine} == {("not done", "0")}
    assert all("NotImplementedError" in r["message"] for r in mine)


def test_a_mixed_submission_scores_exactly_its_correct_tasks(graded):
    rows, _ = graded
    mine = {r["task"]: r for r in _rows(rows, "mixed") if r["exercise_set"] == "01_tensors_and_diagrams"}
    assert {t: (r["verdict"], r["score"]) for t, r in mine.items()} == {
        "matricize": ("correct", "1"), "contract_chain": ("wrong", "0"), "schmidt_rank": ("not done", "0"),
        "chain_rank_predictions": ("not done", "0")}
    assert "order (k, j, i)" in mine["contract_chain"]["message"]  # the checker's own diagnosis
    others = [r for r in _rows(rows, "mixed") if r["exercise_set"] != "01_tensors_and_diagrams"]
    assert {r["verdict"] for r in others} == {"not submitted"}


def test_a_crashing_notebook_gets_its_error_on_every_task(graded):
    rows, _ = graded
    mine = [r for r in _rows(rows, "crash") if r["exercise_set"] == "01_tensors_and_diagrams"]
    assert {r["verdict"] for r in mine} == {"error"}
    assert all("NameError" in r["message"] and "ModuleNotFoundError" in r["message"] for r in mine), mine


def test_a_looping_task_is_interrupted_and_the_later_tasks_are_still_graded(graded):
    rows, _ = graded
    mine = {r["task"]: r["verdict"] for r in _rows(rows, "loops") if r["exercise_set"] == "01_tensors_and_diagrams"}
    assert mine == {"matricize": "timeout", "contract_chain": "not done", "schmidt_rank": "not done",
                    "chain_rank_predictions": "not done"}


def test_a_notebook_that_ignores_interrupts_is_killed_and_keeps_its_earlier_verdicts(graded):
    rows, seconds = graded
    mine = {r["task"]: r for r in _rows(rows, "stubborn") if r["exercise_set"] == "01_tensors_and_diagrams"}
    assert (mine["matricize"]["verdict"], mine["contract_chain"]["verdict"]) == ("correct", "correct")
    assert mine["schmidt_rank"]["verdict"] == "timeout"
    assert re.search(rf"still running after {seconds['timeout']} s", mine["schmidt_rank"]["message"])
    assert seconds["seconds"] < seconds["timeout"] + 4 * grade.GRACE + 30  # the grader did not stall on it


def _alive(pid):
    """Whether process `pid` still runs (a zombie waiting for its parent to reap it does not)."""
    try:
        return pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def test_a_kernel_that_ignores_signals_and_forks_a_stubborn_child_cannot_stall_the_grader(tmp_path):
    """The kernel forks a child that ignores SIGTERM/SIGINT/SIGHUP and holds the kernel's files,
    then loops ignoring signals itself: the grader stops at its timeout and leaves nothing running."""
    pid_file = tmp_path / "child.pid"
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                            "language": "python"}})
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import os, signal, time\n"
            "for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):\n"
            "    signal.signal(s, signal.SIG_IGN)\n"
            "pid = os.fork()\n"
            "while pid == 0:\n"
            "    time.sleep(0.05)\n"
            f"open({str(pid_file)!r}, 'w').write(str(pid))"),
        nbformat.v4.new_code_cell("while True:\n    time.sleep(0.05)\n\ntl.checks.check_matricize(matricize);"),
    ]
    path = tmp_path / "01_stubborn.ipynb"
    nbformat.write(nb, path)
    timeout, result = 10, []
    worker = threading.Thread(target=lambda: result.append(grade.grade_notebook(
        path, [("check_matricize", "matricize")], cell_timeout=600, timeout=timeout)), daemon=True)
    try:
        worker.start()
        worker.join(timeout + 120)  # the timeout, a grace period, and room for a loaded machine
        assert not worker.is_alive(), "the grader still waits on a notebook it should have killed"
        assert result[0]["check_matricize"][0] == "timeout"
        child = int(pid_file.read_text())
        deadline = time.monotonic() + 10
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(child), f"process {child} forked by the kernel outlived the grading"
    finally:
        if pid_file.exists() and _alive(int(pid_file.read_text())):
            os.kill(int(pid_file.read_text()), 9)  # do not leave it behind when the test fails
