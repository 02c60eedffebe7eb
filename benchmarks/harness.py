"""Benchmark machinery: timing, correctness checks, the table, machine facts.

Nothing here imports a peer library (quimb, TeNPy, torch, networkx), so the fast tests
in tests/test_benchmarks.py run in the test venv. The operations themselves are in
benchmarks/ops.py; `benchmarks/run.py` runs them and writes benchmarks/RESULTS.md.

Every operation is a :class:`Case`: a dict of implementations (name -> zero-argument
callable), a comparison that is run on their outputs *before* anything is timed, and an
estimate of the work (flops, bytes) for the distance from what BLAS allows.
"""
from __future__ import annotations

import dataclasses
import os
import platform
import statistics
import sys
import time
from typing import Callable

import numpy as np


class MismatchError(AssertionError):
    """Raised when two implementations of one operation disagree beyond the tolerance."""


# ---------------------------------------------------------------------------- checks
def max_rel_diff(a, b):
    """max |a - b| / max(|b|_max, tiny), as a float; shapes must agree."""
    a = np.asarray(a)
    b = np.asarray(b)
    if a.shape != b.shape:
        raise MismatchError(f"shapes differ: {a.shape} vs {b.shape}")
    scale = float(np.max(np.abs(b))) if b.size else 0.0
    return float(np.max(np.abs(a - b))) / max(scale, 1e-300) if a.size else 0.0


def check_close(outputs, reference, rtol, what="result"):
    """Compare every implementation's output with the reference implementation's.

    Parameters
    ----------
    outputs : dict of str -> array-like or scalar
        One comparable output per implementation (already mapped to a common
        convention by the case: a dense vector, an energy, a list of entropies...).
    reference : str
        Key of `outputs` the others are compared with.
    rtol : float
        Tolerance on ``max|a - ref| / max|ref|``.

    Returns
    -------
    dict of str -> float
        The relative difference of each implementation (0.0 for the reference).

    Raises
    ------
    MismatchError
        Naming every implementation that differs, by how much, and the tolerance.
    """
    if reference not in outputs:
        raise KeyError(f"reference {reference!r} not among {sorted(outputs)}")
    ref = outputs[reference]
    diffs, bad = {}, []
    for name, out in outputs.items():
        try:
            d = 0.0 if name == reference else max_rel_diff(out, ref)
        except MismatchError as exc:
            bad.append(f"{name}: {exc}")
            continue
        if not np.isfinite(d) or d > rtol:
            bad.append(f"{name} differs from {reference} by {d:.3g} (tolerance {rtol:.1g})")
        diffs[name] = d
    if bad:
        raise MismatchError(f"{what}: " + "; ".join(bad))
    return diffs


# ---------------------------------------------------------------------------- timing
@dataclasses.dataclass
class Timing:
    """Repeated wall-clock times of one implementation, in seconds."""

    times: list
    scale: float = 1.0  # a time measured on a fraction of the work is multiplied by this
    note: str = ""

    @property
    def median(self):
        return statistics.median(self.times) * self.scale

    @property
    def spread(self):
        """(min, max) of the repeats, scaled like the median."""
        return min(self.times) * self.scale, max(self.times) * self.scale


def time_it(fn, repeats=5, warmup=1, clock=time.perf_counter):
    """Call `fn` `warmup` times untimed, then `repeats` times timed; returns a Timing."""
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = clock()
        fn()
        times.append(clock() - t0)
    return Timing(times)


@dataclasses.dataclass
class Case:
    """One operation at one size, with every implementation that can do it.

    Parameters
    ----------
    op, size : str
        Row label of the table.
    impls : dict of str -> callable()
        Zero-argument callables doing the timed work. Names starting with "tnlite" are
        ours; the others are peers.
    outputs : callable(dict name -> return value) -> dict name -> comparable
        Maps each implementation's return value to a common convention for the check.
    rtol : float
        Tolerance of the check, stated in the report.
    flops, bytes : float or callable() -> float
        Estimated floating-point operations and memory traffic of the work, for the
        distance from the BLAS peak; 0 when it does not apply. A callable is evaluated
        after the checking call (for estimates that need a count from a real run).
    scale : dict of str -> float
        Implementations timed on a fraction of the work (a per-sample loop), with the
        factor that extrapolates to the full work. Stated in the table.
    notes : dict of str -> str
        What each implementation does, when it is not obvious (convention, algorithm).
    terms : list of kernels.Term
        tnlite's work split by kernel shape, for the kernel floor (what the rates BLAS
        reaches at those shapes allow); measured after the check.
    """

    op: str
    size: str
    impls: dict
    outputs: Callable | None = None
    rtol: float = 1e-10
    check: str = ""
    flops: float = 0.0
    bytes: float = 0.0
    scale: dict = dataclasses.field(default_factory=dict)
    notes: dict = dataclasses.field(default_factory=dict)
    repeats: int = 5
    terms: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Row:
    """The measured result of a Case."""

    op: str
    size: str
    timings: dict  # name -> Timing
    status: str = "ok"  # "ok", "MISMATCH: ...", "not measured: ..."
    diffs: dict = dataclasses.field(default_factory=dict)
    rtol: float = 0.0
    check: str = ""
    flops: float = 0.0
    bytes: float = 0.0
    notes: dict = dataclasses.field(default_factory=dict)
    terms: list = dataclasses.field(default_factory=list)

    def kernel_floor(self):
        """Seconds at the rates BLAS reaches on tnlite's own shapes (None without terms)."""
        return sum(t.seconds() for t in self.terms) if self.terms else None

    def tnlite_best(self):
        ours = {k: t for k, t in self.timings.items() if k.startswith("tnlite")}
        if not ours:
            return None, None
        k = min(ours, key=lambda n: ours[n].median)
        return k, ours[k]

    def peer_best(self):
        peers = {k: t for k, t in self.timings.items()
                 if not k.startswith("tnlite") and "scale only" not in k}  # float32: other work
        if not peers:
            return None, None
        k = min(peers, key=lambda n: peers[n].median)
        return k, peers[k]

    def ratio(self):
        """tnlite's best median / the best peer's median (below 1: tnlite is faster)."""
        _, ours = self.tnlite_best()
        _, peer = self.peer_best()
        if ours is None or peer is None:
            return None
        return ours.median / peer.median


def run_case(case, log=print, repeats=None, warmup=1):
    """Check, then time, one Case; a mismatch is reported and nothing is timed."""
    repeats = repeats or case.repeats
    row = Row(case.op, case.size, {}, rtol=case.rtol, check=case.check, flops=case.flops,
              bytes=case.bytes, notes=dict(case.notes))
    # 1. correctness, before any timing
    results = {}
    for name, fn in case.impls.items():
        try:
            results[name] = fn()
        except Exception as exc:  # an implementation that crashes is reported, not timed
            row.status = f"ERROR in {name}: {type(exc).__name__}: {exc}"
            log(f"  !! {case.op} [{case.size}] {row.status}")
            return row
    if case.outputs is not None and len(results) > 1:
        try:
            outs = case.outputs(results)
            ref = next((k for k in outs if k.startswith("tnlite")), next(iter(outs)))
            row.diffs = check_close(outs, ref, case.rtol, what=f"{case.op} [{case.size}]")
        except MismatchError as exc:
            row.status = f"MISMATCH: {exc}"
            log(f"  !! {row.status}  -- NOT TIMED")
            return row
    del results
    if callable(row.bytes):  # an estimate that needs the first call (e.g. a count of matvecs)
        row.bytes = float(row.bytes())
    if callable(row.flops):
        row.flops = float(row.flops())
    row.notes = dict(case.notes)  # the estimates above may have added to the notes
    row.terms = list(case.terms)
    row.kernel_floor()  # measures the kernels now, before the timings
    # 2. timing (the check's call was the first warm-up). Repeats are interleaved
    # round-robin over the implementations, so a burst of load from other processes
    # falls on all of them alike rather than on whichever ran during it.
    row.timings = interleaved_times(case.impls, repeats, warmup=max(warmup - 1, 0))
    for name, t in row.timings.items():
        t.scale = case.scale.get(name, 1.0)
        lo, hi = t.spread
        log(f"    {name:<36s} median {fmt_time(t.median)}  [{fmt_time(lo)} .. {fmt_time(hi)}]")
    return row


def interleaved_times(impls, repeats=5, warmup=0, clock=time.perf_counter):
    """Time several callables round-robin: repeat r runs every implementation once.

    Returns
    -------
    dict of str -> Timing, in the order of `impls`
    """
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    for fn in impls.values():
        for _ in range(warmup):
            fn()
    times = {name: [] for name in impls}
    for _ in range(repeats):
        for name, fn in impls.items():
            t0 = clock()
            fn()
            times[name].append(clock() - t0)
    return {name: Timing(ts) for name, ts in times.items()}


# ---------------------------------------------------------------------------- table
def fmt_time(seconds):
    """A duration with a unit that keeps three significant digits: 12.3 ms, 1.50 s."""
    if seconds is None or not np.isfinite(seconds):
        return "—"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        v = seconds * 1e3
        return f"{v:.3g} ms" if v < 100 else f"{v:.0f} ms"
    v = seconds * 1e6
    return f"{v:.3g} µs" if v < 100 else f"{v:.0f} µs"


def blas_floor(row, peak_flops, mem_bw):
    """Seconds the work needs at the measured GEMM peak or memory bandwidth (the larger)."""
    t = 0.0
    if row.flops:
        t = max(t, row.flops / peak_flops)
    if row.bytes:
        t = max(t, row.bytes / mem_bw)
    return t or None


#: A tnlite row whose median exceeds this many times its hardware floor is flagged.
FLOOR_LIMIT = 3.0


def floor_ratio(row, peak_flops, mem_bw):
    """tnlite's best median / the row's hardware floor, or None."""
    floor = blas_floor(row, peak_flops, mem_bw) if peak_flops and mem_bw else None
    _, ours = row.tnlite_best()
    return ours.median / floor if floor and ours is not None else None


def format_table(rows, peak_flops=None, mem_bw=None):
    """A markdown table: op, size, each implementation's median [min..max], ratio, BLAS gap.

    The ratio is tnlite's best median over the best peer's median, and the floor ratio is
    tnlite's best median over the time the estimated flops / bytes need at the measured
    peak; both stand on the row of tnlite's fastest implementation.
    """
    head = "| operation | size | implementation | median [min .. max] | tnlite / best peer | tnlite / hardware floor |"
    out = [head, "|---|---|---|---|---|---|"]
    for row in rows:
        if row.status != "ok":
            out.append(f"| {row.op} | {row.size} | — | **{row.status}** | — | — |")
            continue
        r = row.ratio()
        floor = blas_floor(row, peak_flops, mem_bw) if peak_flops and mem_bw else None
        best_name, ours = row.tnlite_best()
        first = True
        for name, t in row.timings.items():
            lo, hi = t.spread
            label = name
            if t.scale != 1.0:
                label += f" (x{t.scale:g} extrapolated)"
            cell = f"{fmt_time(t.median)} [{fmt_time(lo)} .. {fmt_time(hi)}]"
            ratio = gap = ""
            if name == best_name or (best_name is None and first):  # on tnlite's fastest row
                ratio = f"**{r:.2f}x**" if r is not None else "no peer"
                if floor and ours is not None:
                    gap = f"{ours.median / floor:.1f}x (floor {fmt_time(floor)})"
                    if ours.median / floor > FLOOR_LIMIT:
                        gap += f" **> {FLOOR_LIMIT:g}x**"
                elif ours is not None:
                    gap = "n/a"
            out.append(f"| {row.op if first else ''} | {row.size if first else ''} | {label} | {cell} | {ratio} | {gap} |")
            first = False
    return "\n".join(out)


# ---------------------------------------------------------------------------- machine
def cpu_info():
    """CPU model, logical CPUs, and flags that matter (avx2, avx512f)."""
    model, flags = platform.processor() or "unknown", set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and model in ("unknown", "", platform.processor()):
                    model = line.split(":", 1)[1].strip()
                elif line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    break
    except OSError:
        pass
    return {
        "model": model,
        "nproc": os.cpu_count(),
        "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "avx2": "avx2" in flags,
        "avx512f": "avx512f" in flags,
    }


def blas_kernel():
    """numpy's BLAS and the kernel it runs on this CPU, e.g. 'openblas 0.3.31 (SkylakeX)'."""
    try:
        import threadpoolctl

        pools = [p for p in threadpoolctl.threadpool_info() if p.get("user_api") == "blas"]
        # numpy's wheel keeps its OpenBLAS in site-packages/numpy.libs (scipy's in scipy.libs)
        ours = [p for p in pools if os.path.basename(os.path.dirname(p.get("filepath", ""))).startswith("numpy")]
        ours = ours or pools
        if ours:
            p = ours[0]
            return f"{p.get('internal_api')} {p.get('version')} ({p.get('architecture', '?')})"
    except ImportError:
        pass
    return "unknown (threadpoolctl not installed)"


def blas_info():
    """The BLAS/LAPACK libraries loaded in this process and their thread counts."""
    lines = []
    try:
        import threadpoolctl

        for p in threadpoolctl.threadpool_info():
            lines.append(
                f"{p.get('internal_api')} {p.get('version')} ({p.get('threading_layer', '?')} threads, "
                f"{p.get('architecture', '?')}), num_threads={p.get('num_threads')}, "
                f"file {os.path.basename(p.get('filepath', ''))}"
            )
    except ImportError:
        lines.append("(threadpoolctl not installed: thread counts unknown)")
    try:
        cfg = np.show_config(mode="dicts")
        deps = cfg.get("Build Dependencies", {})
        blas, lapack = deps.get("blas", {}), deps.get("lapack", {})
        lines.append(f"numpy.show_config: BLAS {blas.get('name')} {blas.get('version')}, "
                     f"LAPACK {lapack.get('name')} {lapack.get('version')}")
    except Exception:  # older numpy without mode="dicts"
        pass
    return lines


def load_average():
    """The 1, 5 and 15 minute load averages as a string, or 'unknown'."""
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def thread_env():
    keys = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")
    return {k: os.environ.get(k, "unset") for k in keys}


def matmul_peak(n=2048, dtype=np.float64, repeats=5):
    """Measured GEMM rate (flop/s) of an n x n x n matmul with numpy, best of `repeats`."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n)).astype(dtype)
    b = rng.standard_normal((n, n)).astype(dtype)
    c = np.empty((n, n), dtype)
    np.matmul(a, b, out=c)  # warm-up
    t = time_it(lambda: np.matmul(a, b, out=c), repeats=repeats, warmup=0)
    return 2.0 * n**3 / min(t.times), t


def copy_bandwidth(nbytes=256 * 2**20, repeats=5):
    """Measured memory bandwidth (bytes/s) of a large array copy (read + write counted)."""
    a = np.ones(nbytes // 8)
    b = np.empty_like(a)
    np.copyto(b, a)
    t = time_it(lambda: np.copyto(b, a), repeats=repeats, warmup=0)
    return 2.0 * nbytes / min(t.times)


def versions(modules):
    out = {"python": sys.version.split()[0]}
    for m in modules:
        try:
            mod = __import__(m)
            out[m] = getattr(mod, "__version__", "?")
        except Exception as exc:  # not installed: say so
            out[m] = f"not available ({type(exc).__name__})"
    return out
