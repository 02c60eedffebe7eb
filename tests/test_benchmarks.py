"""Fast tests of the benchmark machinery (benchmarks/harness.py): no timings are asserted.

They check that a wrong result is caught before anything is timed, that the timing loop
calls each implementation the stated number of times, and that the table formatter
shows what it should. The peers (quimb, TeNPy, torch) are not needed here.
"""
import os
import sys

import numpy as np
import pytest

BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks")
sys.path.insert(0, BENCH)

import harness  # noqa: E402
from harness import Case, MismatchError, Row, Timing  # noqa: E402


def test_check_close_accepts_equal_within_tolerance():
    ref = np.array([1.0, -2.0, 3.0])
    diffs = harness.check_close({"tnlite": ref, "peer": ref * (1 + 1e-12)}, "tnlite", rtol=1e-10)
    assert diffs["tnlite"] == 0.0
    assert 0 < diffs["peer"] < 1e-11


def test_check_close_catches_a_wrong_result():
    ref = np.array([1.0, 2.0, 3.0])
    wrong = ref.copy()
    wrong[1] += 1e-6
    with pytest.raises(MismatchError, match=r"peer differs from tnlite by 3.33e-07 \(tolerance 1e-10\)"):
        harness.check_close({"tnlite": ref, "peer": wrong}, "tnlite", rtol=1e-10)


def test_check_close_catches_shape_and_nan():
    ref = np.ones(4)
    with pytest.raises(MismatchError, match=r"shapes differ: \(3,\) vs \(4,\)"):
        harness.check_close({"tnlite": ref, "peer": np.ones(3)}, "tnlite", rtol=1e-8)
    with pytest.raises(MismatchError, match="peer differs"):
        harness.check_close({"tnlite": ref, "peer": np.full(4, np.nan)}, "tnlite", rtol=1e-8)


def test_check_close_unknown_reference():
    with pytest.raises(KeyError, match="reference 'x' not among"):
        harness.check_close({"a": 1.0}, "x", rtol=1.0)


def _counting(value, calls, name):
    def fn():
        calls[name] = calls.get(name, 0) + 1
        return value

    return fn


def test_run_case_reports_mismatch_and_times_nothing():
    calls = {}
    case = Case("op", "n=1", {"tnlite f": _counting(np.ones(3), calls, "t"),
                              "peer g": _counting(np.ones(3) * 1.1, calls, "p")},
                outputs=lambda r: r, rtol=1e-9)
    lines = []
    row = harness.run_case(case, log=lines.append)
    assert row.status.startswith("MISMATCH")
    assert "peer g differs from tnlite f by 0.1" in row.status
    assert row.timings == {}
    assert calls == {"t": 1, "p": 1}  # called once for the check, never timed
    assert any("NOT TIMED" in line for line in lines)


def test_run_case_reports_a_crash_and_times_nothing():
    def boom():
        raise RuntimeError("no such thing")

    row = harness.run_case(Case("op", "n", {"tnlite f": lambda: 1.0, "peer": boom},
                                outputs=lambda r: r), log=lambda s: None)
    assert row.status == "ERROR in peer: RuntimeError: no such thing"
    assert row.timings == {}


def test_run_case_times_every_implementation_interleaved():
    calls, order = {}, []

    def rec(name):
        def fn():
            order.append(name)
            calls[name] = calls.get(name, 0) + 1
            return np.zeros(2)

        return fn

    case = Case("op", "n", {"tnlite a": rec("a"), "peer b": rec("b")}, outputs=lambda r: r, repeats=5)
    row = harness.run_case(case, log=lambda s: None)
    assert row.status == "ok"
    assert calls == {"a": 6, "b": 6}  # one check call + 5 timed repeats each
    assert order[2:] == ["a", "b"] * 5  # round-robin, so load bursts hit both alike
    assert all(len(t.times) == 5 for t in row.timings.values())


def test_timing_scale_and_ratio():
    row = Row("op", "n", {"tnlite x": Timing([1.0, 2.0, 3.0]), "peer y": Timing([0.1, 0.2, 0.3], scale=20.0),
                          "peer z": Timing([8.0, 8.0, 8.0])})
    assert row.timings["peer y"].median == pytest.approx(4.0)
    assert row.timings["peer y"].spread == (pytest.approx(2.0), pytest.approx(6.0))
    assert row.peer_best()[0] == "peer y"
    assert row.ratio() == pytest.approx(0.5)
    assert Row("op", "n", {"tnlite x": Timing([1.0])}).ratio() is None


def test_time_it_rejects_zero_repeats():
    with pytest.raises(ValueError, match="repeats must be >= 1, got 0"):
        harness.time_it(lambda: None, repeats=0)


@pytest.mark.parametrize("seconds, text", [(2.5, "2.50 s"), (0.0123, "12.3 ms"), (0.25, "250 ms"),
                                           (4.2e-5, "42 µs"), (None, "—")])
def test_fmt_time(seconds, text):
    assert harness.fmt_time(seconds) == text


def test_format_table_rows_ratio_floor_and_status():
    ok = Row("overlap", "N=100", {"tnlite a": Timing([0.010, 0.011, 0.012]),
                                  "quimb b": Timing([0.020, 0.020, 0.020]),
                                  "loop c": Timing([0.001], scale=100.0)},
             flops=1e9)
    bad = Row("build", "N=16", {}, status="not measured: module tnlite/spins.py missing")
    text = harness.format_table([ok, bad], peak_flops=1e11, mem_bw=1e10)
    lines = text.splitlines()
    assert lines[0].startswith("| operation | size | implementation | median [min .. max]")
    assert lines[2] == ("| overlap | N=100 | tnlite a | 11 ms [10 ms .. 12 ms] | **0.55x** | "
                        "1.1x (floor 10 ms) |")
    assert lines[3] == "|  |  | quimb b | 20 ms [20 ms .. 20 ms] |  |  |"
    assert "loop c (x100 extrapolated) | 100 ms" in lines[4]
    assert lines[5] == "| build | N=16 | — | **not measured: module tnlite/spins.py missing** | — | — |"


def test_blas_floor_takes_the_larger_of_flops_and_bytes():
    row = Row("x", "y", {}, flops=2e9, bytes=1e9)
    assert harness.blas_floor(row, peak_flops=1e10, mem_bw=1e9) == pytest.approx(1.0)
    assert harness.blas_floor(Row("x", "y", {}), 1e10, 1e9) is None


def test_machine_facts_have_the_fields_the_report_prints():
    cpu = harness.cpu_info()
    assert {"model", "nproc", "avx2", "avx512f"} <= set(cpu)
    assert cpu["nproc"] >= 1
    assert set(harness.thread_env()) >= {"OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"}


def test_blas_info_names_each_thread_pool_and_numpys_own_blas(monkeypatch):
    import types

    pool = {"internal_api": "openblas", "version": "0.3.27", "threading_layer": "pthreads",
            "architecture": "SkylakeX", "num_threads": 2, "filepath": "/lib/x/libscipy_openblas64_.so"}
    monkeypatch.setitem(sys.modules, "threadpoolctl", types.SimpleNamespace(threadpool_info=lambda: [pool]))
    lines = harness.blas_info()
    assert lines[0] == "openblas 0.3.27 (pthreads threads, SkylakeX), num_threads=2, file libscipy_openblas64_.so"
    blas = np.__config__.CONFIG["Build Dependencies"]["blas"]  # numpy's record of the BLAS it was built with
    assert lines[1].startswith(f"numpy.show_config: BLAS {blas['name']} {blas['version']}, LAPACK ")
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # not installed: say so instead of guessing
    assert harness.blas_info()[0] == "(threadpoolctl not installed: thread counts unknown)"


def test_run_case_evaluates_a_floor_estimate_after_the_check():
    seen = []
    case = Case("op", "n", {"tnlite a": lambda: seen.append(1) or 1.0}, bytes=lambda: 8.0 * len(seen),
                flops=lambda: 3.0)
    row = harness.run_case(case, log=lambda s: None, repeats=1)
    assert row.bytes == 8.0  # evaluated once, after the one checking call, before timing
    assert row.flops == 3.0


def test_counting_csr_counts_matvecs_and_keeps_the_matrix():
    import scipy.sparse as sp

    import ops

    H = sp.random(50, 50, density=0.1, random_state=0, format="csr")
    Hc, counter = ops.counting_csr(H)
    v = np.arange(50.0)
    np.testing.assert_allclose(Hc @ v, H @ v)
    Hc @ v
    Hc @ np.ones((50, 3))
    assert counter["n"] == 5  # 2 vectors + a block of 3


def test_ising_reference_is_the_open_critical_chain():
    import ops

    H = ops.ising_csr(3).toarray()
    Z, X, I2 = np.diag([1.0, -1.0]), np.array([[0.0, 1.0], [1.0, 0.0]]), np.eye(2)

    def kron(*ms):
        out = np.ones((1, 1))
        for m in ms:
            out = np.kron(out, m)
        return out

    expected = -(kron(Z, Z, I2) + kron(I2, Z, Z)) - (kron(X, I2, I2) + kron(I2, X, I2) + kron(I2, I2, X))
    np.testing.assert_allclose(H, expected)


def test_format_table_puts_the_ratios_on_tnlites_fastest_row():
    row = Row("entropies", "N=20", {"tnlite slow": Timing([0.6]), "tnlite fast": Timing([0.15]),
                                    "quimb": Timing([0.2])}, flops=1e9)
    lines = harness.format_table([row], peak_flops=1e10, mem_bw=1e10).splitlines()
    assert lines[2] == "| entropies | N=20 | tnlite slow | 600 ms [600 ms .. 600 ms] |  |  |"
    assert lines[3] == "|  |  | tnlite fast | 150 ms [150 ms .. 150 ms] | **0.75x** | 1.5x (floor 100 ms) |"


def test_panel_status_measures_the_median_against_100_ms():
    import run

    assert run.panel_status("ok", 0.055, 0.080) == "ok"
    assert run.panel_status("ok", 0.109, 0.119) == "**over budget** (median)"
    assert run.panel_status("ok", 0.060, 0.130) == "ok (median; one update over)"
    assert run.panel_status("update failed: ValueError: x", 0.01, 0.01) == "update failed: ValueError: x"


def test_format_table_flags_rows_above_three_times_the_floor():
    row = Row("forward", "N=256", {"tnlite a": Timing([0.040]), "peer b": Timing([0.080])}, flops=1e9)
    line = harness.format_table([row], peak_flops=1e11, mem_bw=1e10).splitlines()[2]
    assert line.endswith("| **0.50x** | 4.0x (floor 10 ms) **> 3x** |")
    assert harness.floor_ratio(row, 1e11, 1e10) == pytest.approx(4.0)
    assert harness.floor_ratio(Row("x", "y", {"tnlite a": Timing([1.0])}), 1e11, 1e10) is None  # no work estimate


class _FakeKernel:
    def __init__(self, label, rate, unit="flop"):
        self.label, self.unit, self._rate, self.calls = label, unit, rate, 0

    def rate(self):
        self.calls += 1
        return self._rate


def test_kernel_floor_sums_work_over_rate_and_is_measured_before_timing():
    import kernels

    fast, slow = _FakeKernel("GEMM big", 1e10), _FakeKernel("GEMM K=4", 1e9)
    terms = [kernels.Term("layers", [(2e9, fast)]), kernels.Term("layer 0", [(1e9, slow), (1e9, slow)])]
    order = []
    case = Case("op", "n", {"tnlite a": lambda: order.append("call") or 1.0}, terms=terms)
    row = harness.run_case(case, log=lambda s: None, repeats=1)
    assert row.kernel_floor() == pytest.approx(0.2 + 2.0)
    assert fast.calls >= 1 and slow.calls >= 2
    rows = kernels.describe(terms, peak=1e10)
    assert rows[1][:2] == ("layer 0", 2e9) and rows[1][3] == pytest.approx(1e9) and rows[1][4] == pytest.approx(0.1)
    assert Row("x", "y", {}).kernel_floor() is None


def test_kernel_rate_times_the_call_it_is_given():
    import time

    import kernels

    k = kernels.Kernel("sleep 2 ms (test)", 1.0, lambda: (lambda: time.sleep(0.002)))
    rate = k.rate(min_seconds=0.01, rounds=2)
    assert 1 / 0.004 < rate < 1 / 0.0019  # a call takes at least the 2 ms it sleeps
    assert k.rate() == rate  # measured once per run
    g = kernels.gemm(3, 8, 4, 5, rows_apart=6)
    assert g.work == 2.0 * 3 * 8 * 4 * 5 and "stacked" in g.label
    g.make()()  # the strided operand is a valid matmul input


def test_kernel_reason_names_the_largest_term():
    import kernels
    import run

    terms = [kernels.Term("layers", [(1e9, _FakeKernel("GEMM big", 1e10))]),
             kernels.Term("layer 0: K = 4", [(1e9, _FakeKernel("GEMM K=4", 2e9))])]
    row = Row("forward", "n", {"tnlite a": Timing([1.2])}, terms=terms)
    text = run.kernel_reason(row, peak=1e10)
    assert "the floor is 600 ms and tnlite takes 2.0x that" in text
    assert "largest term is layer 0: K = 4: 500 ms at 2.0 GFLOP/s, 20% of the 2048^3 peak" in text
    assert run.kernel_reason(Row("x", "y", {"tnlite a": Timing([1.0])}), peak=1e10) == ""


def test_blas_kernel_is_numpys_own_pool(monkeypatch):
    import types

    pools = [{"user_api": "blas", "internal_api": "openblas", "version": "0.3.30", "architecture": "Haswell",
              "filepath": "/site/scipy.libs/libscipy_openblas.so"},
             {"user_api": "blas", "internal_api": "openblas", "version": "0.3.31", "architecture": "SkylakeX",
              "filepath": "/site/numpy.libs/libscipy_openblas64_.so"}]
    monkeypatch.setitem(sys.modules, "threadpoolctl", types.SimpleNamespace(threadpool_info=lambda: pools))
    assert harness.blas_kernel() == "openblas 0.3.31 (SkylakeX)"


def _record(machine, generated, rows):
    return {"generated": generated, "load": ["0.1", "0.2"], "versions": {},
            "machine": {"id": machine, "cpu": machine.upper(), "nproc": 2, "blas_kernel": "openblas 0.3 (X)",
                        "peak_gflops": 50.0, "copy_gbs": 20.0, "l1": 32768, "l2": 1048576},
            "rows": rows}


def test_each_machine_keeps_its_own_record_and_results_md_sets_them_side_by_side(tmp_path):
    import machines

    cpu = {"model": "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz", "nproc": 2}
    mid = machines.machine_id(cpu, "openblas 0.3.31 (SkylakeX)", (48 * 1024, 1280 * 1024))
    assert mid == "intel-r-xeon-r-platinum-8375c-cpu-2.90ghz-2cpu-skylakex-l1-48k-l2-1280k"
    ok = {"op": "deep ConvAC forward", "size": "N=256", "status": "ok", "tnlite_s": 0.07, "ratio": 0.5,
          "floor_ratio": 2.3}
    slow = dict(ok, tnlite_s=0.2, ratio=1.2, floor_ratio=9.1)
    machines.save(_record("amd", "2026-12-01 10:00 UTC", [ok]), tmp_path)
    machines.save(_record("intel", "2026-12-02 10:00 UTC", [slow, dict(ok, op="RAC forward")]), tmp_path)
    machines.save(_record("amd", "2026-12-03 10:00 UTC", [dict(ok, tnlite_s=0.06)]), tmp_path)  # amd again: replaced
    records = machines.load_all(tmp_path)
    assert [r["machine"]["id"] for r in records] == ["intel", "amd"]
    text = machines.render_index(records, 3.0)
    assert "| deep ConvAC forward | N=256 | 200 ms; 1.20x peer; 9.1x floor **> 3x** | 60 ms; 0.50x peer; 2.3x floor |" in text
    assert "| RAC forward | N=256 | 70 ms; 0.50x peer; 2.3x floor | not run |" in text
    assert "[amd.md](results/amd.md)" in text and "[intel.md](results/intel.md)" in text


def test_row_record_keeps_the_numbers_results_md_needs():
    import machines

    row = Row("op", "n", {"tnlite a": Timing([0.02]), "peer b": Timing([0.04])}, flops=1e9)
    rec = machines.row_record(row, 1e11, 1e10, harness.blas_floor)
    assert rec["tnlite"] == "tnlite a" and rec["ratio"] == pytest.approx(0.5)
    assert rec["floor_s"] == pytest.approx(0.01) and rec["floor_ratio"] == pytest.approx(2.0)
    assert rec["kernel_floor_s"] is None
    assert machines.row_record(Row("op", "n", {}, status="MISMATCH: x"), 1e11, 1e10, harness.blas_floor) == \
        {"op": "op", "size": "n", "status": "MISMATCH: x"}


def test_browser_latency_is_read_from_the_browser_tests_table(tmp_path, monkeypatch):
    import course
    import run

    path = tmp_path / "browser_latency.md"
    monkeypatch.setattr(course, "BROWSER_LATENCY", str(path))
    assert "not measured" in run.browser_section()
    path.write_text("load average 0.5\n\n| lesson | slider | key to image, median (ms) |\n|---|---|---|\n| 00 | theta | 180 |\n")
    text = run.browser_section()
    assert "| 00 | theta | 180 |" in text and "as tests/test_browser.py measured it on 20" in text


def test_exact_rank_benchmark_builds_exact_products_and_counts_lu_flops():
    import ops_exact

    p, (m, n, k) = ops_exact.P, (7, 9, 3)
    rng = np.random.default_rng(5)
    X, Y = rng.integers(0, p, (m, k)), rng.integers(0, p, (k, n))  # the draws planted makes
    want = (X.astype(object) @ Y.astype(object)) % p
    got = ops_exact.planted(m, n, k, np.random.default_rng(5))
    assert (got.astype(object) == want).all()
    assert ops_exact.elimination_flops(30, 30, 30) == pytest.approx(2 / 3 * 30**3)


def test_panel_driver_follows_a_control_whose_options_another_control_sets():
    """Lesson 10's panel: the state decides which cuts exist. A cut chosen before the state
    moved is then no option; the driver picks its targets when it moves a control."""
    import ipywidgets
    import course

    cuts = {"chain": ["half", "quarter"], "grid": ["column", "row"]}
    state = ipywidgets.Dropdown(options=list(cuts), value="chain")
    cut = ipywidgets.Dropdown(options=cuts["chain"], value="half")

    class Panel:
        controls = {"state": state, "cut": cut}
        last_update_seconds = 0.001

    def follow(change):
        cut.options = cuts[change["new"]]
        cut.value = cuts[change["new"]][0]

    state.observe(follow, names="value")
    times, status = course.drive(Panel(), 8)
    assert status == "ok" and len(times) == 8


def test_panel_driver_moves_every_lesson_panel_without_an_error():
    """Every build_* panel (lesson 10's capstone included) takes 6 control changes."""
    import inspect

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import course
    import tnlite.widgets as widgets

    failed = {}
    for name, build in inspect.getmembers(widgets, inspect.isfunction):
        if name.startswith("build_") and build.__module__.startswith(widgets.__name__):
            times, status = course.drive(build(), 6)
            plt.close("all")
            if status != "ok" or len(times) != 6:
                failed[name] = (status, len(times))
    assert not failed, failed
