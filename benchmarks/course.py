"""The course's own speed: each lesson's execution time and each widget panel's update time.

Lessons run with nbclient in a kernel of the interpreter that runs this file (the bench
venv's python under `make bench`; the report names it). Panels are found by calling every
``build_*`` in tnlite.widgets with its defaults, then driven headless: 20 control changes
per panel, round-robin over its controls, each to a neighbour of its default value and
back, reading ``panel.last_update_seconds`` after each change.
"""
from __future__ import annotations

import glob
import inspect
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def time_lessons(pattern="lessons/*.ipynb", timeout=300, log=print):
    """[(name, seconds wall incl. kernel start, slowest cell seconds, status)] per notebook."""
    import nbformat
    from nbclient import NotebookClient

    # One untimed kernel first, importing what every lesson imports, so that one-off costs of
    # a run's first kernel (cold file cache, a font cache to build) fall outside the timings:
    # one bench run timed lesson 00 (whose first cell imports every module) at 15 s wall with
    # a 9 s cell, against 2.2-2.7 s when rerun alone.
    warm = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import matplotlib.pyplot as plt, ipywidgets, tnlite, tnlite.widgets\nplt.figure(); plt.close('all')")])
    NotebookClient(warm, timeout=timeout, kernel_name="python3").execute()
    rows = []
    for path in sorted(glob.glob(os.path.join(ROOT, pattern))):
        name = os.path.relpath(path, ROOT)
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=True,
                                resources={"metadata": {"path": os.path.dirname(path)}})
        t0 = time.perf_counter()
        status = "ok"
        try:
            client.execute()
        except Exception as exc:  # a failing lesson is reported, its time is up to the failure
            status = f"FAILED: {type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''}"
        wall = time.perf_counter() - t0
        slowest = 0.0
        for cell in nb.cells:
            ex = cell.get("metadata", {}).get("execution", {})
            a, b = ex.get("shell.execute_reply.started") or ex.get("iopub.execute_input"), ex.get("shell.execute_reply")
            if a and b:
                slowest = max(slowest, _seconds(b) - _seconds(a))
        rows.append((name, wall, slowest, status))
        log(f"    {name:<45s} {wall:6.2f} s (slowest cell {slowest:.2f} s) {status}")
    return rows


def _seconds(stamp):
    from datetime import datetime

    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def _option_values(control):
    """The values a dropdown or selection slider offers now (its options' values); [] for other controls."""
    return [o[1] if isinstance(o, tuple) else o for o in getattr(control, "options", None) or ()]


def _neighbour(control):
    """A valid value next to the control's current one (for sliders, dropdowns, toggles)."""
    v = control.value
    if isinstance(v, bool):
        return not v
    values = _option_values(control)
    if values:
        if len(values) < 2:
            return None
        i = values.index(v) if v in values else 0
        return values[i + 1] if i + 1 < len(values) else values[i - 1]
    if isinstance(v, tuple):  # range sliders
        lo, hi = v
        step = getattr(control, "step", 1)
        return (lo, hi - step) if hi - step > lo else (lo, hi + step)
    if hasattr(control, "max") and hasattr(control, "min") and isinstance(v, (int, float)):
        step = getattr(control, "step", 1) or 1
        return v + step if v + step <= control.max else v - step
    return None


def drive(panel, changes):
    """Move the panel's controls `changes` times, round-robin; (update times in s, status).

    Each control goes to a neighbour of its default value and back. Targets are chosen at the
    moment of the change, from the options the control has then: moving one control may
    change another's options (lesson 10's state sets which cuts exist), and a target chosen
    beforehand could then be no option at all.
    """
    movable = [(c, c.value) for c in panel.controls.values() if _neighbour(c) not in (None, c.value)]
    times, status = [], "ok"
    try:
        for i in range(changes if movable else 0):
            c, default = movable[i % len(movable)]
            values = _option_values(c)
            back = c.value != default and (not values or default in values)
            c.value = default if back else _neighbour(c)
            times.append(panel.last_update_seconds)
    except Exception as exc:
        status = f"update failed: {type(exc).__name__}: {exc}"
    return times, status


def time_widgets(changes=20, log=print):
    """[(builder, n_changes, median s, worst s, first-build s, status)] for every build_* panel."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    import gc

    import matplotlib.pyplot as plt

    # The peers this process loaded (torch, quimb, TeNPy; a lesson's kernel has none of them)
    # make a full garbage collection during an update take ~150-220 ms instead of the ~45 ms
    # measured in a tnlite-only process. Everything alive now is frozen out of the collector,
    # so a collection scans what the panels create: an update's own cost, GC pauses aside.
    gc.collect()
    gc.freeze()
    try:
        return _time_widgets(changes, log, plt)
    finally:
        gc.unfreeze()


def _time_widgets(changes, log, plt):
    widgets = __import__("tnlite.widgets", fromlist=["*"])
    if hasattr(widgets, "FigurePane"):
        widgets.FigurePane.always_render = True  # time the PNG a reader waits for, as in a kernel
    rows = []
    builders = [(n, f) for n, f in inspect.getmembers(widgets, inspect.isfunction)
                if n.startswith("build_") and f.__module__.startswith(widgets.__name__)]
    for name, build in builders:
        t0 = time.perf_counter()
        try:
            panel = build()
        except Exception as exc:
            rows.append((name, 0, None, None, None, f"build failed: {type(exc).__name__}: {exc}"))
            log(f"    {name}: build failed: {exc}")
            continue
        t_build = time.perf_counter() - t0
        times, status = drive(panel, changes)
        plt.close("all")
        if times:
            med, worst = statistics.median(times), max(times)
            log(f"    {name:<40s} median {med * 1e3:7.1f} ms, worst {worst * 1e3:7.1f} ms over {len(times)} "
                f"changes of {list(panel.controls)}")
        else:
            med = worst = None
            if status == "ok":
                status = "no control to move"
            log(f"    {name}: {status}")
        rows.append((name, len(times), med, worst, t_build, status))
    return rows


def kernel_description():
    return f"nbclient, kernel python3 = {sys.executable} (the bench venv's interpreter)"


#: Written by tests/test_browser.py (key press -> new panel image in JupyterLab in headless
#: Chromium, every lesson's panel): `make bench` reports it, it does not re-measure it.
BROWSER_LATENCY = os.path.join(ROOT, "tests", "_artifacts", "browser_latency.md")


def browser_latency(path=None):
    """(text, modification time as a UTC string) of the browser test's latency table, or None.

    The table is the browser test's own (its columns are its business); `make bench` puts it
    in the report with its date, so a stale file shows as such.
    """
    import datetime

    path = path or BROWSER_LATENCY
    try:
        with open(path) as f:
            text = f.read().strip()
        stamp = datetime.datetime.fromtimestamp(os.path.getmtime(path), datetime.timezone.utc)
    except OSError:
        return None
    return text, stamp.strftime("%Y-%m-%d %H:%M UTC")
