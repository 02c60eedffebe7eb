"""Fuzzing the public API: hostile sizes, dtypes, seeds and scales.

Four classes of defect, each with property tests (guard order in tests/test_fuzz_guards.py,
named errors and scale in tests/test_fuzz_numerics.py):

- guard order: a size that cannot be built is refused from the sizes alone, before any
  allocation that grows with it (measured with tracemalloc, never with a clock);
- OverflowError / MemoryError: a huge int (2**40, 2**63, ...) gives a ValueError, not a
  crash deep inside numpy;
- unnamed errors: every ValueError / TypeError names the argument it is about;
- scale: entropies and Schmidt spectra do not depend on the norm of the state.

The table of every public callable with hostile arguments lives in tests/_fuzz_table.py and
runs in a subprocess: a call that hangs is stopped after HANG_LIMIT seconds and named. That
limit guards against hangs only; no test here asserts a duration.
"""
from __future__ import annotations

import inspect
import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from _refusal import HANG_LIMIT
from tnlite import (budget, convac, convac2d, cp, features, mincut, mps, partitions, rac, rbm, reuse, scaling, spins, tensors,
                    train, tree)

TABLE = Path(__file__).with_name("_fuzz_table.py")
#: Bytes a call of the table may allocate: the baselines are tiny, so more means a guard came late.
PEAK_LIMIT = 64 * 2**20


def _pump(stream, lines):
    """Move the lines of `stream` into the queue `lines`, then None (a thread per worker)."""
    for line in stream:
        lines.put(line)
    lines.put(None)


def run_table():
    """Run every case of tests/_fuzz_table.py in a subprocess; {label: result}, hangs included."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    results, start = {}, 0
    labels = [c[0] for c in _table_module().cases()]
    while start < len(labels):
        proc = subprocess.Popen([sys.executable, str(TABLE), str(start)], stdout=subprocess.PIPE, text=True, env=env)
        lines = queue.Queue()
        threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True).start()
        printed = False
        while True:
            try:
                line = lines.get(timeout=HANG_LIMIT)
            except queue.Empty:
                proc.kill()
                results[labels[start]] = {"outcome": "hang", "type": "", "message": f"> {HANG_LIMIT} s", "peak": 0}
                start += 1
                break
            if line is None:  # the worker ended: done, or it died on case `start`
                proc.wait()
                if not printed and proc.returncode:  # not one case ran: the table itself is broken
                    raise AssertionError(f"the fuzz table's worker died (exit code {proc.returncode}) before "
                                         f"case {start}, {labels[start]}: run python {TABLE} {start}")
                if start < len(labels):
                    results[labels[start]] = {"outcome": "died", "type": "", "peak": 0,
                                              "message": f"worker exit code {proc.returncode}"}
                    start += 1
                break
            r, printed = json.loads(line), True
            results[r.pop("label")] = r
            start = r["i"] + 1
    return results


# ---------------------------------------------------------------------------- the table
@pytest.fixture(scope="module")
def table():
    return run_table()


def _table_module():
    sys.path.insert(0, str(TABLE.parent))
    try:
        import _fuzz_table
    finally:
        sys.path.remove(str(TABLE.parent))
    return _fuzz_table


def test_the_table_reaches_every_public_callable():
    # a new public function or method (or a new argument name) must get a row in the table
    ft = _table_module()
    covered = {label.split("(")[0].split("/")[0] for label, *_ in ft.cases()}
    public = set()
    records = (mincut.MinCut, budget.Architecture, train.FitResult)  # results, built by the library
    for mod in (tensors, features, mincut, convac, convac2d, cp, mps, rac, tree, reuse, rbm, partitions, spins, scaling,
                budget, train):
        short = mod.__name__.split(".")[-1]
        prefix = f"{short}." if short in ("partitions", "spins", "scaling", "budget", "train", "rbm") else ""
        for name in mod.__all__:
            obj = getattr(mod, name)
            if obj in records:
                continue
            if inspect.isclass(obj):
                public.add(name)
                public.update(f"{name}.{m}" for m in ft.public_methods(obj))
                public.update(f"{name}.{m}" for m, f in vars(obj).items()
                              if isinstance(f, classmethod) and not m.startswith("_"))
            elif callable(obj):
                public.add(prefix + name)
    missing = sorted(public - covered)
    assert not missing, f"public callables with arguments that the fuzz table never calls: {missing}"


def test_no_call_crashes_with_an_unnamed_error_or_hangs(table):
    bad = {k: r for k, r in table.items() if r["outcome"] not in ("ok", "named")}
    shown = "\n".join(f"{k}: {r['outcome']} {r['type']}: {r['message'][:150]}" for k, r in sorted(bad.items()))
    assert not bad, f"{len(bad)} of {len(table)} calls failed:\n{shown}"


def test_no_call_allocates_more_than_its_tiny_baseline_needs(table):
    big = {k: r["peak"] for k, r in table.items() if r["peak"] > PEAK_LIMIT}
    assert not big, "calls that allocated before refusing: " + ", ".join(
        f"{k} ({v / 2**20:.0f} MiB)" for k, v in sorted(big.items()))


def test_the_table_holds_the_cases_the_issue_names(table):
    # a table that silently lost its hard cases would pass the two tests above
    for label in ("ghz_state(N=9223372036854775808)", "random_state(rng=-1)", "RAC.random(N=1099511627776)",
                  "one_hot(M=1099511627776)", "gaussian_features(width=1e+308)", "matricize(A=array(0, 2, 2, 2) float64)",
                  "entanglement_entropy(A=array(2, 2, 2, 2) float16)", "MPS.random(2**40)",
                  "RAC.random(10**8).coefficient_tensor"):
        assert label in table
    assert sum(r["outcome"] == "named" for r in table.values()) > 500
