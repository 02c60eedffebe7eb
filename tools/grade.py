#!/usr/bin/env python3
"""Grade students' exercise notebooks: `make grade SUBMISSIONS=DIR`.

    python tools/grade.py DIR                    # writes DIR/grades.csv
    python tools/grade.py DIR --out grades.csv --cell-timeout 60 --timeout 600 --jobs 2

DIR holds one folder per student with their exercise notebooks, named as in exercises/
(a notebook is matched by its two leading digits, so "01_tensors_and_diagrams (2).ipynb"
counts as set 01):

    DIR/ada/01_tensors_and_diagrams.ipynb
    DIR/ada/02_entanglement.ipynb
    DIR/alan/01_tensors_and_diagrams.ipynb

Each notebook runs top to bottom in its own kernel, in a worker process of its own,
never in this process: errors do not stop it (every task gets its chance), a cell that
runs longer than --cell-timeout seconds is interrupted, and a notebook still running
after --timeout seconds is killed with its kernel. The checkers (tnlite.checks) append
their verdicts to a file this grader names in $TNLITE_VERDICTS, so the CSV holds exactly
what each checker said: one row per student and task of every set anyone submitted,

    student, exercise_set, task, verdict, score, message

with verdict one of: correct (score 1), wrong, not done (the stub still raises), error
(the cell or an earlier one failed: its error is the message), timeout, missing (the
checker call was removed), not submitted. A student's code can do anything a notebook
can, including faking a verdict: for marks that matter, read what a high score did.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import csv
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHECK_CALL = re.compile(r"\btl\.checks\.(check_\w+)\s*\(")
FIELDS = ["student", "exercise_set", "task", "verdict", "score", "message"]


def exercise_sets(root=ROOT):
    """{"01": ("01_tensors_and_diagrams", [(checker, task), ...])} from the repository's exercises/."""
    import nbformat

    sets = {}
    for path in sorted((root / "exercises").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        checkers = [m for c in nb.cells if c.cell_type == "code" for m in CHECK_CALL.findall(c.source)]
        sets[path.name[:2]] = (path.stem, [(name, _task_name(name)) for name in dict.fromkeys(checkers)])
    return sets


def _task_name(checker):
    try:
        import tnlite.checks
        return getattr(tnlite.checks, checker).task
    except Exception:  # an unknown checker: its name without the prefix
        return checker.removeprefix("check_")


GRACE = 5  # seconds a SIGTERMed worker gets before its process group and its kernel's get SIGKILL


def run_one(notebook, verdicts, cell_timeout, kernel_pid=None):
    """Worker: run `notebook` in a kernel; return [(cell index, source, ename, evalue)] of failed cells.

    jupyter_client starts the kernel in a session (process group) of its own, out of reach of a
    signal to the worker's group: its pid goes to the file `kernel_pid` as soon as it runs, so the
    grader can kill that group too, and on SIGTERM the worker SIGKILLs it before it exits.
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    os.environ["TNLITE_VERDICTS"] = str(verdicts)
    os.environ.setdefault("MPLBACKEND", "Agg")
    client = NotebookClient(nb, timeout=cell_timeout, kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True, extra_arguments=["--log-level=ERROR"],
                            resources={"metadata": {"path": str(pathlib.Path(notebook).parent)}})
    group = []

    def started(notebook):  # nbclient's hook: the kernel runs, nothing has executed yet
        group.append(os.getpgid(client.km.provisioner.pid))
        if kernel_pid is not None:
            tmp = pathlib.Path(str(kernel_pid) + ".tmp")
            tmp.write_text(str(group[0]))
            tmp.replace(kernel_pid)  # the grader reads a whole number or nothing

    def terminated(signum, frame):
        for pgid in group:
            _kill_group(pgid, signal.SIGKILL)
        os._exit(128 + signum)

    client.on_notebook_start = started
    signal.signal(signal.SIGTERM, terminated)
    failed = []
    try:
        client.execute()
    except Exception as exc:  # a dead kernel, or a timeout nbclient could not interrupt
        failed.append((-1, "", type(exc).__name__, str(exc).strip().splitlines()[-1][:300] if str(exc) else ""))
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                failed.append((index, cell.source, output.ename, output.evalue[:300]))
    return failed


def _kill_group(pgid, sig):
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass  # already gone


def _stop(proc, kernel_pid, grace=GRACE):
    """End worker `proc` and everything its kernel started: SIGTERM, then SIGKILL after `grace` s.

    Both process groups get SIGKILL even when the worker exited on its own: a process the
    notebook forked (and left behind) lives in the kernel's group. Every wait is bounded.
    """
    if proc.poll() is None:
        _kill_group(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    groups = [proc.pid]
    try:
        groups.append(int(pathlib.Path(kernel_pid).read_text()))
    except (OSError, ValueError):
        pass  # the kernel never started
    for pgid in groups:
        _kill_group(pgid, signal.SIGKILL)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:  # unkillable (uninterruptible sleep): leave it, do not stall
        pass


def grade_notebook(notebook, tasks, cell_timeout, timeout):
    """Run one submission in a worker process; return {checker: (verdict, message)}."""
    with tempfile.TemporaryDirectory(prefix="grade-") as work:
        work = pathlib.Path(work)
        copy = work / pathlib.Path(notebook).name
        shutil.copy(notebook, copy)  # runs beside a copy: the submission folder stays as it was
        verdicts, result, log, kernel_pid = (work / name for name in
                                             ("verdicts.jsonl", "result.json", "worker.log", "kernel.pid"))
        cmd = [sys.executable, __file__, "--run-one", str(copy), "--verdicts", str(verdicts),
               "--cell-timeout", str(cell_timeout), "--result", str(result), "--kernel-pid", str(kernel_pid)]
        # Files, not pipes: a process the notebook leaves behind holding a pipe open would make
        # reading it to its end wait forever. Its own process group: one signal reaches the worker.
        with open(log, "w+", encoding="utf-8") as out:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
            try:
                proc.wait(timeout=timeout)
                killed = False
            except subprocess.TimeoutExpired:
                killed = True
            finally:
                _stop(proc, kernel_pid)
            out.seek(0)
            err = out.read()
        failed = []
        if not killed:
            try:
                failed = json.loads(result.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                failed = [(-1, "", "WorkerError", (err.strip().splitlines() or ["exit %s" % proc.returncode])[-1])]
        said = {}
        if verdicts.exists():
            for line in verdicts.read_text(encoding="utf-8").splitlines():
                try:
                    record = json.loads(line)
                    said[record["checker"]] = record
                except (ValueError, KeyError, TypeError):
                    continue  # a line the notebook wrote itself
        return {checker: _verdict(said.get(checker), checker, failed, killed, copy, timeout, cell_timeout)
                for checker, _ in tasks}


def _verdict(record, checker, failed, killed, notebook, timeout, cell_timeout):
    if record is not None:
        if record.get("passed") is True:
            return "correct", str(record.get("message", ""))
        if record.get("passed") is None:
            return "not done", str(record.get("message", ""))
        return "wrong", str(record.get("message", ""))
    if killed:
        return "timeout", f"the notebook was still running after {timeout} s and was stopped before this check"
    import nbformat

    cells = nbformat.read(notebook, as_version=4).cells
    own = next((i for i, c in enumerate(cells) if c.cell_type == "code" and checker in CHECK_CALL.findall(c.source)),
               None)
    if own is None and not failed:
        return "missing", f"the notebook no longer calls tl.checks.{checker}"
    before = [f for f in failed if own is None or f[0] <= own]
    if before:
        index, _, ename, evalue = before[-1]  # the check's own cell, else the last failure before it
        if ename == "KeyboardInterrupt":
            return "timeout", f"cell {index + 1} ran longer than {cell_timeout} s and was interrupted"
        where = f"cell {index + 1}" if index >= 0 else "the kernel"
        message = f"{where} failed before the check could report: {ename}: {evalue}"
        first = before[0]
        if first[0] != index:
            message += f" (first failure: cell {first[0] + 1}: {first[2]}: {first[3]})"
        return "error", message
    return "missing", f"tl.checks.{checker} never reported (is its call commented out?)"


def grade(submissions, cell_timeout=60, timeout=600, jobs=2, root=ROOT):
    """Grade every student folder in `submissions`; return the CSV rows."""
    sets = exercise_sets(root)
    students = sorted(p for p in pathlib.Path(submissions).iterdir() if p.is_dir() and not p.name.startswith("."))
    found, rows = {}, []
    for student in students:
        for nb in sorted(student.glob("*.ipynb")):
            key = nb.name[:2]
            if key in sets and (student.name, key) not in found:
                found[(student.name, key)] = nb
            elif key not in sets:
                rows.append([student.name, nb.stem, "-", "unrecognised",
                             0, f"{nb.name} is not an exercise set (names start with {', '.join(sets)})"])
    submitted = sorted({key for _, key in found})
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {k: pool.submit(grade_notebook, nb, sets[k[1]][1], cell_timeout, timeout) for k, nb in found.items()}
        for student in students:
            for key in submitted:
                name, tasks = sets[key]
                result = futures[(student.name, key)].result() if (student.name, key) in futures else None
                for checker, task in tasks:
                    verdict, message = result[checker] if result else ("not submitted", f"no {key}_*.ipynb")
                    rows.append([student.name, name, task, verdict, int(verdict == "correct"), message])
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("submissions", nargs="?", type=pathlib.Path)
    parser.add_argument("--out", type=pathlib.Path, help="CSV to write (default SUBMISSIONS/grades.csv)")
    parser.add_argument("--cell-timeout", type=int, default=60, help="seconds before a cell is interrupted")
    parser.add_argument("--timeout", type=int, default=600, help="seconds before a notebook is killed")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks graded at once")
    parser.add_argument("--run-one", type=pathlib.Path, help=argparse.SUPPRESS)
    parser.add_argument("--verdicts", type=pathlib.Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=pathlib.Path, help=argparse.SUPPRESS)
    parser.add_argument("--kernel-pid", type=pathlib.Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run_one:
        failed = run_one(args.run_one, args.verdicts, args.cell_timeout, args.kernel_pid)
        args.result.write_text(json.dumps(failed), encoding="utf-8")
        return 0
    if args.submissions is None or not args.submissions.is_dir():
        parser.error(f"SUBMISSIONS must be a folder of student folders, got {args.submissions}")
    rows = grade(args.submissions, args.cell_timeout, args.timeout, args.jobs)
    out = args.out or args.submissions / "grades.csv"
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(FIELDS)
        writer.writerows(rows)
    totals = {}
    for student, _, _, _, score, _ in rows:
        got, of = totals.get(student, (0, 0))
        totals[student] = (got + score, of + 1)
    for student, (got, of) in totals.items():
        print(f"{student}: {got}/{of} tasks correct")
    print(f"wrote {out} ({len(rows)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
