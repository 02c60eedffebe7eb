"""Fuzzing the public API: hostile sizes, dtypes, seeds and scales.

Four classes of defect, each with a property test:

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
import math
import os
import queue
import signal
import subprocess
import sys
import threading
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tnlite as tl
from tnlite import (budget, convac, convac2d, cp, features, mincut, mps, partitions, rac, rbm, reuse, scaling, spins, tensors,
                    train, tree)

TABLE = Path(__file__).with_name("_fuzz_table.py")
#: Seconds a single call of the table may run before it counts as a hang (a guard, not a timing).
HANG_LIMIT = 60
#: Bytes a call of the table may allocate: the baselines are tiny, so more means a guard came late.
PEAK_LIMIT = 64 * 2**20
#: Bytes a refusal may allocate: it is decided from the sizes alone.
REFUSAL_PEAK = 256 * 2**10


# ---------------------------------------------------------------------------- helpers
@contextmanager
def hang_guard(seconds=HANG_LIMIT):
    """Fail (instead of hanging the test run) if the block runs longer than `seconds`."""
    def alarm(signum, frame):
        raise AssertionError(f"did not return within {seconds} s (hang guard)")
    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def refusal(fn, exc=ValueError, match=None):
    """Call fn(), expect `exc`; return (message, peak bytes traced during the call)."""
    tracemalloc.start()
    try:
        with hang_guard(), pytest.raises(exc, match=match) as info:
            fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return str(info.value), peak


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


# ---------------------------------------------------------------------------- guard order
@settings(max_examples=40)
@given(N=st.integers(27, 10**6) | st.integers(2**40, 2**80),
       build=st.sampled_from(["ghz", "w", "random", "tfim", "tfim_operator", "heisenberg"]))
def test_dense_states_are_refused_from_the_sizes_alone(N, build):
    fn = {"ghz": lambda: tl.ghz_state(N), "w": lambda: tl.w_state(N), "random": lambda: tl.random_state(N, 2, rng=0),
          "tfim": lambda: spins.tfim_hamiltonian(N), "tfim_operator": lambda: spins.tfim_operator(N),
          "heisenberg": lambda: spins.heisenberg_hamiltonian(N)}[build]
    message, peak = refusal(fn, match="refusing to build a dense")
    assert peak < REFUSAL_PEAK, f"{peak} bytes allocated before refusing: {message}"


@settings(max_examples=30)
@given(N=st.integers(100, 10**5), M=st.integers(2, 5))
def test_coefficient_tensors_of_long_networks_are_refused_from_the_sizes_alone(N, M):
    net = tl.RAC.random(N, M, 2, rng=0)
    message, peak = refusal(net.coefficient_tensor, match="refusing to build a dense RAC coefficient tensor")
    assert peak < REFUSAL_PEAK, message
    L = max(7, (N - 1).bit_length())
    shared = tl.ConvAC.random(2**L, M, (2,) * L, rng=0, shared=True)
    message, peak = refusal(shared.to_dense, match="refusing to build a dense ConvAC coefficient tensor")
    assert peak < REFUSAL_PEAK, message


@settings(max_examples=40)
@given(N=st.integers(2**40, 2**80), M=st.integers(1, 4),
       build=st.sampled_from(["RAC", "RAC.random", "with_length", "ShallowConvAC", "ShallowConvAC.random",
                              "ConvAC.random"]))
def test_networks_over_more_inputs_than_the_limit_are_refused_by_name(N, M, build):
    r = tl.RAC.random(3, M, 2, rng=0)
    L = N.bit_length() - 1
    fn = {"RAC": lambda: tl.RAC(N, r.W_H[0], r.W_I[0], r.h0[0], r.W_O), "RAC.random": lambda: tl.RAC.random(N, M, 2, 0),
          "with_length": lambda: r.with_length(N), "ShallowConvAC": lambda: tl.ShallowConvAC(np.ones((2, M)), np.ones(2), N=N),
          "ShallowConvAC.random": lambda: tl.ShallowConvAC.random(N, M, 2, rng=0, shared=True),
          "ConvAC.random": lambda: tl.ConvAC.random(2**L, M, (2,) * L, rng=0, shared=True)}[build]
    message, peak = refusal(fn, match=r"^N must be at most ")
    assert peak < REFUSAL_PEAK, message


@settings(max_examples=30)
@given(N=st.integers(10**7, 2**80), d=st.integers(2, 4), chi=st.integers(2, 64), exact=st.booleans())
def test_random_mps_is_refused_before_a_per_site_list(N, d, chi, exact):
    message, peak = refusal(lambda: tl.MPS.random(N, d, chi, rng=0, p=tl.PRIME if exact else None),
                            match="refusing to build a dense set of")
    assert peak < REFUSAL_PEAK, message


def test_random_mps_counts_its_entries_in_closed_form():
    # bonds 1, 2, 4, 4, ..., 4, 2, 1 for d = 2, chi = 4: cores of 4, 16, 32 x (N - 4), 16, 4 entries
    for N in (5, 9, 40, 300):
        assert sum(c.size for c in tl.MPS.random(N, 2, 4, rng=0).cores) == 32 * (N - 4) + 40
    N = (tl.MAX_DENSE_ENTRIES - 40) // 32 + 5  # the first N over the limit
    assert 32 * (N - 4) + 40 > tl.MAX_DENSE_ENTRIES >= 32 * (N - 5) + 40
    message, peak = refusal(lambda: tl.MPS.random(N, 2, 4, rng=0), match=f"of {32 * (N - 4) + 40:,} entries")
    assert peak < REFUSAL_PEAK, message


@settings(max_examples=25)
@given(B=st.integers(1, 4), N=st.integers(1, 4), M=st.integers(2**26 // 3, 2**70))
def test_one_hot_refuses_a_huge_alphabet_before_allocating(B, N, M):
    if B * N * M <= tl.MAX_DENSE_ENTRIES:
        return
    message, peak = refusal(lambda: tl.one_hot(np.zeros((B, N), int), M), match="refusing to build a dense one-hot")
    assert peak < REFUSAL_PEAK, message


@settings(max_examples=25)
@given(N=st.integers(2**26 + 1, 2**80), which=st.sampled_from(["contiguous", "halves", "interleaved"]))
def test_partitions_of_too_many_particles_are_refused_by_name(N, which):
    fn = {"contiguous": lambda: partitions.contiguous(N, 1), "halves": lambda: partitions.halves(N),
          "interleaved": lambda: partitions.interleaved(N, 0)}[which]
    message, peak = refusal(fn, match="^N must be at most")
    assert peak < REFUSAL_PEAK, message


@settings(max_examples=25)
@given(side=st.integers(2**13 + 1, 2**80), which=st.sampled_from(["checkerboard", "left_right_2d", "zorder"]))
def test_grids_of_too_many_cells_are_refused_by_name(side, which):
    if which == "zorder":
        side = 1 << side.bit_length()  # zorder needs a power of 2
    fn = {"checkerboard": lambda: partitions.checkerboard(side), "left_right_2d": lambda: partitions.left_right_2d(side),
          "zorder": lambda: convac2d.zorder(side)}[which]
    message, peak = refusal(fn, match="^side must be at most")
    assert peak < REFUSAL_PEAK, message


@settings(max_examples=25)
@given(N_log=st.integers(25, 200), M=st.integers(2, 9), k=st.integers(0, 3))
def test_interleaved_rank_refuses_integers_too_long_to_compute(N_log, M, k):
    # the rank f ** (N / 2**(k+1)) has (N / 2**(k+1)) log2 f bits: refused above 2**20 bits
    bits = 2 ** (N_log - k - 1) * np.log2(M)
    message, peak = refusal(lambda: tl.interleaved_rank(2**N_log, M, (M,) * N_log, k), match="interleaved_rank")
    assert bits > 2**20 and peak < REFUSAL_PEAK, message


# ---------------------------------------------------------------------------- errors name the argument
RANDOM_BUILDERS = {
    "random_state": lambda rng: tl.random_state(2, 2, rng=rng),
    "MPS.random": lambda rng: tl.MPS.random(3, 2, 2, rng=rng),
    "TreeTN.random": lambda rng: tl.TreeTN.random(2, 2, 2, rng=rng),
    "RAC.random": lambda rng: tl.RAC.random(3, 2, 2, rng=rng),
    "ConvAC.random": lambda rng: tl.ConvAC.random(2, 2, (2,), rng=rng),
    "ConvAC2D.random": lambda rng: tl.ConvAC2D.random(2, 2, (2,), rng=rng),
    "ShallowConvAC.random": lambda rng: tl.ShallowConvAC.random(2, 2, 2, rng=rng),
    "CP.random": lambda rng: tl.CP.random(2, 2, 2, rng=rng),
}


@given(seed=st.integers(max_value=-1), build=st.sampled_from(sorted(RANDOM_BUILDERS)))
def test_a_negative_seed_is_refused_by_name(seed, build):
    with pytest.raises(ValueError, match=rf"^rng must be a numpy.random.Generator or an int seed >= 0, got {seed}$"):
        RANDOM_BUILDERS[build](seed)


@given(seed=st.integers(0, 2**200), build=st.sampled_from(sorted(RANDOM_BUILDERS)))
def test_any_non_negative_seed_is_accepted_and_reproducible(seed, build):
    a, b = RANDOM_BUILDERS[build](seed), RANDOM_BUILDERS[build](np.random.default_rng(seed))
    for x, y in zip(getattr(a, "params", lambda: [a])(), getattr(b, "params", lambda: [b])()):
        np.testing.assert_array_equal(x, y)


LINALG = {
    "schmidt_values": lambda A: tl.schmidt_values(A, (0,)),
    "schmidt_rank": lambda A: tl.schmidt_rank(A, (0,)),
    "entanglement_entropy": lambda A: tl.entanglement_entropy(A, (0,)),
    "entropy_profile": lambda A: tl.entropy_profile(A),
    "TreeTN.from_dense": lambda A: tl.TreeTN.from_dense(A),
}


@pytest.mark.parametrize("dtype", [np.float16, np.longdouble, np.clongdouble])
@pytest.mark.parametrize("fn", sorted(LINALG))
def test_dtypes_numpy_linalg_cannot_take_are_refused_by_name(fn, dtype):
    A = np.ones((2, 2, 2, 2), dtype=dtype)
    with pytest.raises(TypeError, match=rf"^A has dtype {np.dtype(dtype).name}, which numpy's linear algebra"):
        LINALG[fn](A)


@pytest.mark.parametrize("dtype", [np.float16, np.longdouble])
def test_ground_state_refuses_those_dtypes_by_name(dtype):
    with pytest.raises(TypeError, match=rf"^H has dtype {np.dtype(dtype).name}, which numpy's linear algebra"):
        spins.ground_state(np.eye(4, dtype=dtype))


@given(shape=st.lists(st.integers(0, 3), min_size=1, max_size=4).filter(lambda s: 0 in s), data=st.data())
def test_empty_tensors_matricize_to_empty_matrices(shape, data):
    A = np.zeros(shape)
    rows = data.draw(st.permutations(range(len(shape))))[: data.draw(st.integers(0, len(shape)))]
    M = tl.matricize(A, rows)
    n_rows = int(np.prod([shape[j] for j in rows]))
    assert M.shape == (n_rows, int(np.prod(shape)) // n_rows if n_rows else int(np.prod([shape[j] for j in range(len(shape)) if j not in rows])))
    assert tl.schmidt_values(A, rows).shape == (min(M.shape),)
    assert tl.schmidt_rank(A, rows) == 0
    assert tl.rank_mod_p(A.astype(int), rows) == 0


@pytest.mark.parametrize("fn", [lambda A: tl.entanglement_entropy(A, (0,)), tl.entropy_profile,
                                lambda A: tl.TreeTN.from_dense(A)])
def test_empty_tensors_have_no_entropy_or_decomposition_and_say_so(fn):
    with pytest.raises(ValueError, match=r"^A is empty, shape \(2, 0, 2, 2\)"):
        fn(np.zeros((2, 0, 2, 2)))


def test_entropy_from_schmidt_refuses_an_empty_spectrum_by_name():
    with pytest.raises(ValueError, match=r"^s is empty"):
        tl.entropy_from_schmidt(np.zeros(0))


def test_cp_random_names_its_own_argument():
    with pytest.raises(ValueError, match=r"^d must be >= 1, got 0$"):
        tl.CP.random(4, 0, 2, rng=0)


def test_shallow_convac_names_w_when_it_has_too_few_positions():
    with pytest.raises(ValueError, match=r"^W must have N >= 2 positions"):
        tl.ShallowConvAC(np.ones((1, 2, 2)), np.ones(2))


def test_page_entropy_takes_dimensions_beyond_float_range():
    m = 2**1100
    assert tl.page_entropy(m, m) == pytest.approx(1100 - 1 / (2 * np.log(2)))


# ---------------------------------------------------------------------------- gaussian features
@given(width=st.floats(1e-300, 1e308), x=st.lists(st.floats(-10, 10), min_size=1, max_size=4))
def test_gaussian_features_take_any_positive_width(width, x):
    centers = [0.0, 1.0, -3.5]
    F = tl.gaussian_features(np.array([x]), np.array(centers), width)  # no OverflowError, no 0/0
    expected = [[math.exp(-(((xj - c) / width) ** 2) / 2) if abs(xj - c) / width < 1e150 else 0.0 for c in centers]
                for xj in x]
    np.testing.assert_allclose(F[0], expected, rtol=1e-12, atol=1e-300)
    assert F[0, 0, 0] == 1.0 or x[0] != 0.0  # on a centre: exactly 1


@given(width=st.floats(1e-100, 1e100), e=st.integers(-600, 600))
def test_gaussian_features_are_invariant_under_a_common_scale(width, e):
    # a power of 2 scales x, the centres and the width exactly: the features must not move
    x, centers, s = np.array([[0.0, 0.25, -1.0]]) * width, np.array([0.0, 1.0]) * width, 2.0**e
    np.testing.assert_array_equal(tl.gaussian_features(x * s, centers * s, width * s),
                                  tl.gaussian_features(x, centers, width))


# ---------------------------------------------------------------------------- scale
def _state(seed, N=6):
    rng = np.random.default_rng(seed)
    psi = rng.standard_normal((2,) * N) + 1j * rng.standard_normal((2,) * N)
    return psi / np.linalg.norm(psi)


def _svd_entropy(psi, rows):
    """Independent: bits from the SVD of the normalised matricization, in plain numpy."""
    cols = [j for j in range(psi.ndim) if j not in rows]
    M = psi.transpose(list(rows) + cols).reshape(2 ** len(rows), -1)
    p = np.linalg.svd(M / np.linalg.norm(M), compute_uv=False) ** 2
    p = p[p > 1e-300]
    return float(-(p * np.log2(p)).sum())


scales = st.integers(-300, 300).map(lambda e: 10.0**e)


@given(c=scales, seed=st.integers(0, 5), l=st.integers(1, 5))
def test_entanglement_entropy_does_not_depend_on_the_scale(c, seed, l):
    psi = _state(seed)
    assert tl.entanglement_entropy(c * psi, range(l)) == pytest.approx(_svd_entropy(psi, range(l)), abs=1e-10)


@given(c=scales, seed=st.integers(0, 5))
def test_entropy_profile_does_not_depend_on_the_scale(c, seed):
    psi = _state(seed)
    expected = [_svd_entropy(psi, range(l)) for l in range(1, 6)]
    np.testing.assert_allclose(tl.entropy_profile(c * psi), expected, atol=1e-10)


@given(c=scales, seed=st.integers(0, 5))
def test_schmidt_values_scale_with_the_state(c, seed):
    psi = _state(seed)
    s = np.linalg.svd(psi.reshape(8, 8), compute_uv=False)
    np.testing.assert_allclose(tl.schmidt_values(c * psi, (0, 1, 2)) / c, s, rtol=1e-12, atol=1e-14)


@given(c=scales, s=st.lists(st.floats(0, 1), min_size=1, max_size=6).filter(lambda s: max(s) > 1e-3))
def test_entropy_from_schmidt_does_not_depend_on_the_scale(c, s):
    s = np.array(s)
    p = s**2 / np.sum(s**2)
    p = p[p > 0]
    assert tl.entropy_from_schmidt(c * s) == pytest.approx(float(-(p * np.log2(p)).sum()), abs=1e-12)


def test_the_scales_the_issue_names():
    psi = _state(0, N=8)
    exact = _svd_entropy(psi, range(4))
    for c in (1e-160, 1e-200, 1e160, 1e300):
        assert tl.entanglement_entropy(c * psi, range(4)) == pytest.approx(exact, abs=1e-12)
    assert tl.entropy_from_schmidt(np.array([0.8, 0.6]) * 1e160) == pytest.approx(
        -(0.64 * np.log2(0.64) + 0.36 * np.log2(0.36)), abs=1e-15)


@given(c=scales, seed=st.integers(0, 5))
def test_mps_from_dense_is_scale_equivariant(c, seed):
    psi = _state(seed)
    expected = [_svd_entropy(psi, range(l)) for l in range(1, 6)]
    m = tl.MPS.from_dense(c * psi)
    np.testing.assert_allclose(m.entropies(), expected, atol=1e-10)
    np.testing.assert_allclose(m.to_dense() / c, psi, atol=1e-12)
    cut, ref = tl.MPS.from_dense(c * psi, max_bond=2), tl.MPS.from_dense(psi, max_bond=2)
    assert cut.discarded_weight == pytest.approx(ref.discarded_weight, rel=1e-10)
    np.testing.assert_allclose(cut.to_dense() / c, ref.to_dense(), atol=1e-12)


@given(c=scales, seed=st.integers(0, 5))
def test_tree_from_dense_is_scale_equivariant(c, seed):
    psi = _state(seed, N=4)
    t, ref = tl.TreeTN.from_dense(c * psi, max_bond=2), tl.TreeTN.from_dense(psi, max_bond=2)
    assert t.discarded_weight == pytest.approx(ref.discarded_weight, rel=1e-10)
    np.testing.assert_allclose(t.to_dense() / c, ref.to_dense(), atol=1e-12)


def test_a_tiny_nonzero_state_is_not_called_zero():
    psi = _state(1) * 1e-200
    assert np.vdot(psi, psi) == 0  # its squared norm underflows
    assert tl.entanglement_entropy(psi, (0,)) > 0.5
    assert tl.MPS.from_dense(psi).entropies()[0] > 0.5


# ---------------------------------------------------------------------------- the newer networks and helpers
@settings(max_examples=40)
@given(n=st.integers(2**26 + 1, 2**80),
       build=st.sampled_from(["overlap depth", "overlap N", "overlap side", "RBM N", "RBM n_hidden", "rbm_sites",
                              "deep RAC", "lattice_bonds", "tfim_lattice", "region_1d", "region_2d", "params_mps",
                              "params_overlap depth", "afford system"]))
def test_newer_builders_are_refused_from_the_sizes_alone(n, build):
    # each of these built a list (or looped) of length n before refusing: hangs and MemoryErrors
    fn = {"overlap depth": lambda: tl.OverlappingConvAC.random(4, 2, 2, 1, n, rng=0),
          "overlap N": lambda: tl.OverlappingConvAC.random(n, 2, 2, 2, 1, rng=0),
          "overlap side": lambda: tl.OverlappingConvAC.random_2d(n, 2, 2, 2, 1, rng=0),
          "RBM N": lambda: tl.RBM.random(n, 2, rng=0, window=2),
          "RBM n_hidden": lambda: tl.RBM.random(8, n, rng=0, window=2),
          "rbm_sites": lambda: rbm.rbm_sites(n, 4, 2),
          "deep RAC": lambda: tl.RAC.random(n, 2, 2, rng=0, depth=3),
          "lattice_bonds": lambda: spins.lattice_bonds(n),
          "tfim_lattice": lambda: spins.tfim_lattice(n),
          "region_1d": lambda: scaling.region_1d(2, n),
          "region_2d": lambda: scaling.region_2d(2, n),
          "params_mps": lambda: budget.params_mps(n, 4),
          "params_overlap depth": lambda: budget.params_overlapping_convac(2, 2, 1, n, 8),
          "afford system": lambda: budget.afford("MPS", 10**6, n)}[build]
    if build == "params_mps":  # a count, not a build: answered in closed form, whatever N
        with hang_guard(5):
            assert fn() == 32 * (n - 4) + 40
        return
    message, peak = refusal(fn, match=r"must be at most|refusing to build a dense")
    assert peak < REFUSAL_PEAK, message


@pytest.mark.parametrize("d, chi", [(2, 1), (2, 4), (3, 5), (4, 64)])
def test_mps_parameter_counts_in_closed_form_match_the_drawn_cores(d, chi):
    def by_sites(N, k):  # bond t = min(k, d^t, d^(N-t)), summed site by site
        b = [min(k, d**t, d ** (N - t)) for t in range(N + 1)]
        return sum(b[t] * d * b[t + 1] for t in range(N))

    for N in (1, 2, 3, 7, 20):
        drawn = sum(c.size for c in tl.MPS.random(N, d, chi, rng=0).cores)
        assert budget.params_mps(N, chi, d) == drawn == by_sites(N, chi)
        budget_ = drawn + 3
        best = max(k for k in range(1, 300) if by_sites(N, k) <= budget_)
        assert tl.MPS.chi_for_params(N, d, budget_) == min(best, d ** (N // 2))


def test_every_score_docstring_states_the_magnitude_and_the_log_domain_route():
    for cls in (tl.MPS, tl.TreeTN, tl.RAC, tl.ConvAC, tl.ConvAC2D, tl.ShallowConvAC, tl.CP, tl.RBM, tl.OverlappingConvAC):
        doc = cls.score.__doc__
        assert "log_abs_score" in doc and ("0" in doc and "inf" in doc), cls.__name__
        if cls.log_abs_score is tl.Network.log_abs_score:  # none: the docstring must say so
            assert "no log-domain path" in doc, cls.__name__


def test_the_score_magnitudes_the_docstrings_quote():
    # MPS.score: "a normalised state's amplitudes are about d**(-N/2)": the mean square over
    # all 2**N configurations is exactly 2**-N (the norm), here checked at N = 12
    N, net = 12, tl.MPS.random(12, 2, 4, rng=0)
    configs = np.array(list(np.ndindex((2,) * N)))
    assert np.mean(net.score(tl.one_hot(configs, 2)) ** 2) == pytest.approx(2.0**-N, rel=1e-10)
    # at N = 2048 the score is exactly 0 while log_abs_score is finite and near -N/2 log 2
    long, X = tl.MPS.random(2048, 2, 4, rng=0), tl.one_hot(np.zeros((2, 2048), int), 2)
    logabs, sign = long.log_abs_score(X)
    assert np.all(long.score(X) == 0) and np.all(np.isfinite(logabs)) and np.all(sign != 0)
    assert np.all(logabs < -300 * np.log(10))


def test_training_helpers_name_their_arguments():
    net = tl.ConvAC.random(4, 2, (2, 2), rng=0, C=2)
    X, y = np.ones((4, 4, 2)) / 2, np.array([0, 1, 0, 1])
    with pytest.raises(ValueError, match=r"^y must have shape \(4,\)"):
        train.evaluate(net, X, np.asarray(1.0))
    with pytest.raises(TypeError, match=r"^y must hold integer class labels"):
        train.train_step(net, X, y + 0.5, train.CrossEntropy(), train.Adam(net.params(), 0.01))
    with pytest.raises(ValueError, match=r"^out must be the pair"):
        train.CrossEntropy.predict((np.zeros((0, 2)), np.zeros((0, 2))))
    with pytest.raises(ValueError, match=r"^X must have shape \(B, N, M\) with B >= 1"):
        train.predict(net, np.zeros((0, 4, 2)))
    with pytest.raises(ValueError, match=r"^params\[0\] and grads\[0\] must have shape"):
        train.Adam(net.params(), 0.01).step(net.params(), [np.zeros(1)] + net.params()[1:])
    with pytest.raises(ValueError, match=r"^jitter=1e\+308 overflows the weights"):
        train.positive(net, rng=0, jitter=1e308)
    with np.errstate(invalid="ignore"), pytest.raises(ValueError, match=r"^the loss has no finite gradient on X: at sample 0"):
        train.train_step(net, np.zeros((4, 4, 2)), y, train.CrossEntropy(), train.Adam(net.params(), 0.01))


def test_rbm_takes_boolean_one_hot_features():
    net, configs = tl.RBM.random(5, 3, rng=0), np.random.default_rng(0).integers(0, 2, (6, 5))
    X = tl.one_hot(configs, 2)
    np.testing.assert_allclose(net.score(X.astype(bool)), net.amplitudes(configs), rtol=1e-12)


def test_scaling_bits_names_a_rank_below_one():
    with pytest.raises(ValueError, match=r"^rank must be"):
        scaling.bits(0)
    assert scaling.bits(2**3000) == 3000.0
