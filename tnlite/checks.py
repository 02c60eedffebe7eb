"""Checkers for the exercise notebooks: run the reader's function, say what is right or wrong.

Each ``check_<task>(fn)`` calls the reader's `fn` on a few cases, compares with an
answer computed here independently (numpy directly, or a tnlite function the task
does not ask the reader to write), prints one line, and returns True or False:

    Correct: matricize -- 6 cases agree, including rows given out of order.
    Not yet: matricize, case 2 of 6 (A.shape=(2, 3, 4), rows=(2, 0)): ...
      hint: ...

A wrong answer is diagnosed where a common mistake explains it (a transposed
matricization, natural logs where bits are asked, an off-by-one cut, a forgotten
normalisation, a wrong core leg order). A checker never raises, except to let a stub's
NotImplementedError through (after saying the task is not done yet), so a notebook
still runs top to bottom. Leg orders are the library's: MPS cores (left, phys, right),
tree leaves (phys, bond) and nodes (left, right, parent).
"""
from __future__ import annotations

import functools
import itertools
import math

import numpy as np

__all__ = [
    # 01 tensors and diagrams
    "check_matricize", "check_contract_chain", "check_schmidt_rank",
    # 02 entanglement
    "check_schmidt_probabilities", "check_entropy_bits", "check_entanglement_entropy",
    "check_entropy_profile",
    # 03 matrix product states
    "check_mps_to_dense", "check_tt_svd", "check_tt_svd_truncated",
    # 04 tree tensor networks
    "check_hand_min_cuts", "check_tree_min_cut", "check_tree_to_dense",
    # 05 ConvAC is a tree
    "check_hand_coefficient_tensor", "check_convac_coefficient_tensor", "check_convac_tree",
    # 06 RAC is an MPS
    "check_rac_score", "check_rac_mps_cores", "check_rac_rank_bounds",
]

RTOL, ATOL = 1e-8, 1e-10


# ---------------------------------------------------------------------------------------
# machinery
# ---------------------------------------------------------------------------------------
class _Wrong(Exception):
    """A wrong answer: what differs, and optionally a hint."""

    def __init__(self, message, hint=None):
        super().__init__(message)
        self.message, self.hint = message, hint


def _checker(task):
    """Wrap a check body: print the verdict, return True/False, let only a stub's error out."""

    def decorate(body):
        @functools.wraps(body)
        def check(fn, *args, **kwargs):
            if not callable(fn):
                print(f"Not yet: {task}: pass your function itself, e.g. check_{task}({task}), "
                      f"not {type(fn).__name__} {fn!r:.60}")
                return False
            try:
                verdict = body(fn, *args, **kwargs)
            except NotImplementedError:
                name = getattr(fn, "__name__", task)
                print(f"Not done yet: `{name}` still raises NotImplementedError. "
                      "Replace the `raise NotImplementedError(...)` line with your code and run the cell again.")
                raise
            except _Wrong as wrong:
                print(f"Not yet: {task}, {wrong.message}")
                if wrong.hint:
                    print(f"  hint: {wrong.hint}")
                return False
            except Exception as exc:  # a checker must not crash on a strange answer
                print(f"Not yet: {task}: checking your answer failed with {type(exc).__name__}: {exc}")
                return False
            print(f"Correct: {task} -- {verdict}")
            return True

        check.task = task
        return check

    return decorate


def _copy(x):
    if isinstance(x, np.ndarray):
        return x.copy()
    if isinstance(x, (list, tuple)):
        return type(x)(_copy(v) for v in x)
    return x


def _call(fn, case, *args):
    """fn(*args) on copies; the reader's exceptions become a _Wrong naming the case."""
    try:
        with np.errstate(divide="ignore", invalid="ignore"):  # nan / inf are explained by the checker
            return fn(*(_copy(a) for a in args))
    except NotImplementedError:
        raise
    except Exception as exc:
        raise _Wrong(f"{case}: your function raised {type(exc).__name__}: {exc}") from None


def _array(got, case, what="your function"):
    if got is None:
        raise _Wrong(f"{case}: {what} returned None", "did you forget the `return` statement?")
    try:
        arr = np.asarray(got)
    except Exception as exc:
        raise _Wrong(f"{case}: {what} returned {type(got).__name__}, which is not an array ({exc})") from None
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise _Wrong(f"{case}: {what} returned {type(got).__name__} with dtype {arr.dtype}, not numbers")
    return arr


def _same(got, expected, rtol=RTOL, atol=ATOL):
    got, expected = np.asarray(got), np.asarray(expected)
    return got.shape == expected.shape and bool(np.allclose(got, expected, rtol=rtol, atol=atol))


def _compare(got, expected, case, mistakes=(), what="result", rtol=RTOL, atol=ATOL):
    """Raise _Wrong unless `got` equals `expected`; `mistakes` are (candidate, message, hint)."""
    got = _array(got, case)
    for candidate, message, hint in mistakes:
        if candidate is not None and not _same(expected, candidate, rtol, atol) and _same(got, candidate, rtol, atol):
            raise _Wrong(f"{case}: {message}", hint)
    if got.shape != np.shape(expected):
        raise _Wrong(f"{case}: the {what} has shape {got.shape}, expected {np.shape(expected)}")
    if np.iscomplexobj(expected) and not np.iscomplexobj(got) and not _same(np.imag(expected), 0):
        raise _Wrong(f"{case}: the {what} is real (dtype {got.dtype}) but the answer is complex",
                     "np.real, abs or a float dtype threw away the imaginary part")
    if not np.all(np.isfinite(got)):
        raise _Wrong(f"{case}: the {what} contains nan or inf", "is there a log(0) or a division by zero?")
    if not _same(got, expected, rtol, atol):
        diff = np.abs(got - expected)
        where = np.unravel_index(np.argmax(diff), diff.shape) if diff.ndim else ()
        idx = f" at index {tuple(int(i) for i in where)}" if where else ""
        raise _Wrong(f"{case}: values differ{idx}: expected {_fmt(np.asarray(expected)[where])}, "
                     f"got {_fmt(got[where])} (largest difference {diff.max():.3g})")


def _fmt(x):
    x = np.asarray(x)
    if x.ndim == 0:
        v = x.item()
        if isinstance(v, complex):
            return f"{v.real:.6g}{v.imag:+.6g}j"
        return f"{v:.6g}" if isinstance(v, float) else str(v)
    return np.array2string(x, precision=4, suppress_small=True, max_line_width=120)


def _scalar(got, case, what="your function"):
    arr = _array(got, case, what)
    if arr.size != 1:
        raise _Wrong(f"{case}: {what} returned an array of shape {arr.shape}, expected one number")
    return arr.reshape(()).item()


def _mat(A, rows):
    """[A]_{rows, rest} with numpy only: rows in the given order, the rest ascending."""
    cols = [j for j in range(A.ndim) if j not in rows]
    n = int(np.prod([A.shape[j] for j in rows], dtype=np.int64))
    return np.transpose(A, list(rows) + cols).reshape(n, -1)


def _probs(A, rows):
    s = np.linalg.svd(_mat(A, rows), compute_uv=False)
    return s**2 / np.sum(s**2)


def _entropy(p, base=2.0):
    p = np.asarray(p, dtype=float)
    p = p[p > 0]
    return float(-np.sum(p * np.log(p)) / np.log(base))


def _random(shape, rng, complex_=False, scale=1.0):
    a = rng.standard_normal(shape)
    if complex_:
        a = a + 1j * rng.standard_normal(shape)
    return scale * a


def _ghz(N):
    psi = np.zeros((2,) * N)
    psi[(0,) * N] = psi[(1,) * N] = 1 / np.sqrt(2)
    return psi


def _mps_dense(cores):
    T = np.tensordot(np.ones(1), cores[0], axes=(0, 0))  # (d_0, vR)
    for c in cores[1:]:
        T = np.tensordot(T, c, axes=(-1, 0))  # (d_0..d_t, vR)
    return T[..., 0]


# ---------------------------------------------------------------------------------------
# 01 tensors and diagrams
# ---------------------------------------------------------------------------------------
@_checker("matricize")
def check_matricize(fn):
    """Check `matricize(A, rows)` -> [A]_{rows, rest}, rows in the given order, C order."""
    rng = np.random.default_rng(1)
    A1 = np.arange(24.0).reshape(2, 3, 4)
    A2 = _random((2, 3, 2, 5), rng, complex_=True)
    cases = [(A1, (0,)), (A1, (2, 0)), (A1, (1, 2)), (A1, (2,)), (A2, (3, 1)), (A2, (0, 2, 3))]
    for k, (A, rows) in enumerate(cases, 1):
        case = f"case {k} of {len(cases)} (A.shape={A.shape}, rows={rows})"
        got = _call(fn, case, A, rows)
        expected = _mat(A, rows)
        n = expected.shape[0]
        cols = tuple(j for j in range(A.ndim) if j not in rows)
        _compare(got, expected, case, mistakes=[
            (expected.T, "you returned the transpose: rows and columns are swapped",
             "the axes listed in `rows` index the ROWS of the matrix; the other axes its columns"),
            (_mat(A, tuple(sorted(rows))), f"the row axes are in ascending order, not in the order given ({rows})",
             "transpose with list(rows) + the remaining axes, keeping `rows` as given"),
            (np.transpose(A, rows + cols).reshape(n, -1, order="F"), "the entries are flattened in Fortran order",
             "use numpy's default C order in reshape (the last axis varies fastest)"),
            (A.reshape(n, -1), "you reshaped A without moving the `rows` axes to the front first",
             "np.transpose(A, list(rows) + other_axes) before the reshape"),
        ], what="matrix")
    return f"{len(cases)} cases agree, including rows given out of order and a complex tensor."


@_checker("contract_chain")
def check_contract_chain(fn):
    """Check `contract_chain(A, B, C)` -> T[i, j, k] = sum_{a,b} A[i,a] B[a,j,b] C[b,k]."""
    rng = np.random.default_rng(2)
    cases = []
    for dims in [(2, 3, 4, 5, 6), (3, 2, 5, 4, 2), (1, 4, 2, 3, 3)]:
        i, a, j, b, k = dims
        cases.append((_random((i, a), rng), _random((a, j, b), rng), _random((b, k), rng, complex_=k == 3)))
    for n, (A, B, C) in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (A {A.shape}, B {B.shape}, C {C.shape})"
        got = _call(fn, case, A, B, C)
        expected = np.tensordot(np.tensordot(A, B, axes=(1, 0)), C, axes=(2, 0))  # (i, j, k)
        names = "ijk"
        mistakes = []
        for perm in itertools.permutations(range(3)):
            if perm != (0, 1, 2):
                order = ", ".join(names[p] for p in perm)
                mistakes.append((expected.transpose(perm), f"your legs come out in the order ({order})",
                                 "the open legs should be (i, j, k): A's free leg, B's free leg, C's free leg"))
        arr = _array(got, case)
        if arr.ndim > 3:
            raise _Wrong(f"{case}: your result has {arr.ndim} axes (shape {arr.shape}); it should have 3",
                         "the bonds a and b are shared by two tensors and summed over: they are not open legs")
        _compare(arr, expected, case, mistakes=mistakes)
    return f"{len(cases)} chains contract correctly, legs in the order (i, j, k)."


@_checker("schmidt_rank")
def check_schmidt_rank(fn):
    """Check `schmidt_rank(A, rows)` -> rank of [A]_{rows, rest} with a floating-point tolerance."""
    rng = np.random.default_rng(3)
    prod = np.einsum("i,j,k,l->ijkl", *[rng.standard_normal(2) for _ in range(4)])
    rank3 = sum(np.einsum("i,j,k,l->ijkl", *[rng.standard_normal(3) for _ in range(4)]) for _ in range(3))
    w = np.zeros((2,) * 4)
    for j in range(4):
        idx = [0] * 4
        idx[j] = 1
        w[tuple(idx)] = 0.5
    # P (x) Q with Q of rank 1: rank 1 for rows (0, 2), 2 for rows (0, 1), and 4 is full
    mixed = np.einsum("ac,bd->abcd", rng.standard_normal((2, 2)), np.outer(*rng.standard_normal((2, 2))))
    cases = [(prod, (0, 1)), (_ghz(4), (0,)), (rank3, (0, 1)), (w, (0, 1)), (mixed, (0, 2)),
             (_random((2, 3, 2), rng), (1,))]
    for n, (A, rows) in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (A.shape={A.shape}, rows={rows})"
        got = _scalar(_call(fn, case, A, rows), case)
        expected = int(np.linalg.matrix_rank(_mat(A, rows)))
        if not isinstance(got, (int, float)) or got != int(got):
            raise _Wrong(f"{case}: a rank is a whole number, got {got!r}")
        got = int(got)
        if got == expected:
            continue
        full = min(_mat(A, rows).shape)
        if got == int(np.linalg.matrix_rank(A.reshape(_mat(A, rows).shape[0], -1))) and got != full:
            raise _Wrong(f"{case}: expected rank {expected}, got {got}: the rank of A reshaped without "
                         "moving the `rows` axes to the front", "matricize first (transpose, then reshape)")
        if got == full:
            raise _Wrong(f"{case}: expected rank {expected}, got {got} = the smaller side of the matrix",
                         "you counted singular values that are zero up to rounding (~1e-16); count only those "
                         "above a tolerance, e.g. s.max() * max(shape) * np.finfo(float).eps")
        raise _Wrong(f"{case}: expected rank {expected}, got {got}")
    return f"{len(cases)} ranks agree, including a rank-3 tensor whose other singular values are ~1e-16."


# ---------------------------------------------------------------------------------------
# 02 entanglement
# ---------------------------------------------------------------------------------------
@_checker("schmidt_probabilities")
def check_schmidt_probabilities(fn):
    """Check `schmidt_probabilities(A, rows)` -> p_k = s_k**2 / sum s**2, descending."""
    rng = np.random.default_rng(4)
    prod = np.einsum("i,j,k->ijk", *[rng.standard_normal(2) for _ in range(3)])
    cases = [(3.0 * _ghz(3), (0,)), (_random((2, 3, 2), rng, complex_=True, scale=2.5), (1,)),
             (prod, (0, 2)), (_random((2, 2, 2, 2), rng, scale=0.3), (0, 1))]
    for n, (A, rows) in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (A.shape={A.shape}, rows={rows}, norm of A {np.linalg.norm(A):.3g})"
        got = _array(_call(fn, case, A, rows), case)
        s = np.linalg.svd(_mat(A, rows), compute_uv=False)
        expected = s**2 / np.sum(s**2)
        if got.ndim != 1:
            raise _Wrong(f"{case}: expected a 1-D array of {expected.size} probabilities, got shape {got.shape}")
        if got.size < expected.size and np.allclose(expected[got.size:], 0, atol=1e-12):
            got = np.concatenate([got, np.zeros(expected.size - got.size)])  # zeros left out: fine
        _compare(got, expected, case, mistakes=[
            (s**2, f"your probabilities sum to {np.sum(s**2):.4g}, not 1",
             "normalise: divide the squared singular values by their sum (the state was not normalised)"),
            (s / np.sum(s), "you normalised the singular values themselves", "the probabilities are the SQUARES s_k**2"),
            (s / np.sqrt(np.sum(s**2)), "these are normalised singular values, not probabilities",
             "square them: p_k = s_k**2 / sum(s**2)"),
            (expected[::-1], "the probabilities are in ascending order", "return them largest first (descending)"),
        ], what="probability vector")
    return f"{len(cases)} cases agree; the probabilities are normalised even when the state is not."


@_checker("entropy_bits")
def check_entropy_bits(fn):
    """Check `entropy_bits(p)` -> -sum p log2 p, with 0 log 0 = 0."""
    cases = [np.array([0.5, 0.5]), np.full(4, 0.25), np.array([1.0, 0.0, 0.0]),
             np.array([0.7, 0.2, 0.1, 0.0]), np.full(8, 1 / 8)]
    for n, p in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (p={_fmt(p)})"
        got = _scalar(_call(fn, case, p), case)
        expected = _entropy(p)
        if isinstance(got, complex):
            raise _Wrong(f"{case}: got a complex number {got}", "an entropy is real")
        if math.isnan(got):
            raise _Wrong(f"{case}: got nan", "0 * log(0) must count as 0: drop the zero probabilities before the log")
        if abs(got - expected) <= 1e-9:
            continue
        if expected and abs(got - expected * math.log(2)) <= 1e-9:
            raise _Wrong(f"{case}: expected {expected:.6g} bits, got {got:.6g} = the value in nats",
                         "np.log is the natural log; use np.log2 (or divide by np.log(2))")
        if abs(got + expected) <= 1e-9:
            raise _Wrong(f"{case}: expected {expected:.6g}, got {got:.6g}", "the entropy is MINUS sum p log p")
        raise _Wrong(f"{case}: expected {expected:.6g} bits, got {got:.6g}")
    return f"{len(cases)} cases agree, including zero probabilities (0 log 0 = 0)."


@_checker("entanglement_entropy")
def check_entanglement_entropy(fn):
    """Check `entanglement_entropy(A, rows)` in bits, for A that need not be normalised."""
    rng = np.random.default_rng(5)
    prod = np.einsum("i,j,k,l->ijkl", *[rng.standard_normal(2) for _ in range(4)])
    cases = [(3.0 * _ghz(4), (0, 1)), (prod, (0,)), (_random((2, 2, 2, 2), rng, scale=0.1), (0,)),
             (_random((3, 2, 2), rng, complex_=True, scale=4.0), (0,)), (_random((2, 3, 4), rng), (2, 0))]
    for n, (A, rows) in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (A.shape={A.shape}, rows={rows}, norm of A {np.linalg.norm(A):.3g})"
        got = _scalar(_call(fn, case, A, rows), case)
        if isinstance(got, complex):
            raise _Wrong(f"{case}: got a complex number {got}", "an entropy is real: use abs(s)**2 for probabilities")
        s = np.linalg.svd(_mat(A, rows), compute_uv=False)
        expected = _entropy(s**2 / np.sum(s**2))
        if abs(got - expected) <= 1e-9:
            continue
        if math.isnan(got):
            raise _Wrong(f"{case}: got nan", "drop zero probabilities before taking the log (0 log 0 = 0)")
        if expected > 1e-9 and abs(got - expected * math.log(2)) <= 1e-9:
            raise _Wrong(f"{case}: expected {expected:.6g} bits, got {got:.6g} = the value in nats",
                         "np.log is the natural log; use np.log2 for bits")
        raw = s[s > 0] ** 2
        if abs(got - float(-np.sum(raw * np.log2(raw)))) <= 1e-9:
            raise _Wrong(f"{case}: expected {expected:.6g} bits, got {got:.6g}: the entropy of the un-normalised s**2",
                         "normalise first: p = s**2 / sum(s**2) (this A has norm "
                         f"{np.linalg.norm(A):.3g}, not 1)")
        q = s[s > 0] / np.sum(s)
        if abs(got - _entropy(q)) <= 1e-9:
            raise _Wrong(f"{case}: expected {expected:.6g} bits, got {got:.6g}",
                         "the probabilities are the SQUARED singular values, normalised: p = s**2 / sum(s**2)")
        raise _Wrong(f"{case}: expected {expected:.6g} bits, got {got:.6g}")
    return f"{len(cases)} cases agree, in bits, for states that were not normalised."


@_checker("entropy_profile")
def check_entropy_profile(fn):
    """Check `entropy_profile(psi)` -> (N-1,) entropies in bits; entry t: sites 0..t | t+1..N-1."""
    rng = np.random.default_rng(6)
    bell = np.array([[1.0, 0.0], [0.0, 1.0]]) / np.sqrt(2)
    up = np.array([1.0, 0.0])
    bell_left = np.einsum("ab,c,d->abcd", bell, up, up)  # Bell pair on sites 0, 1
    bell_mid = np.einsum("a,bc,d,e->abcde", up, bell, up, up)  # on sites 1, 2
    cases = [bell_left, bell_mid, 2.0 * _ghz(5), _random((2,) * 5, rng, scale=3.0),
             _random((2, 3, 2, 2), rng, complex_=True)]
    for n, psi in enumerate(cases, 1):
        N = psi.ndim
        case = f"case {n} of {len(cases)} (psi.shape={psi.shape})"
        got = _array(_call(fn, case, psi), case)
        ent = lambda rows: _entropy(_probs(psi, tuple(rows))) if 0 < len(rows) < N else 0.0  # noqa: E731
        expected = np.array([ent(range(t + 1)) for t in range(N - 1)])
        hint_cut = "entry t is the cut after site t: sites 0..t against t+1..N-1, for t = 0..N-2"
        _compare(got, expected, case, mistakes=[
            (np.array([ent(range(t)) for t in range(N)]), f"you returned {N} entries, including the empty cut",
             f"there are N-1 = {N - 1} cuts; {hint_cut}"),
            (np.array([ent(range(t)) for t in range(N + 1)]), f"you returned {N + 1} entries, including both empty cuts",
             f"there are N-1 = {N - 1} cuts; {hint_cut}"),
            (np.array([ent(range(t)) for t in range(N - 1)]), "your cuts are shifted by one site (off by one)",
             hint_cut),
            (np.array([ent(range(t + 2)) for t in range(N - 1)]), "your cuts are shifted by one site (off by one)",
             hint_cut),
            (expected * np.log(2), "these are the entropies in nats", "use np.log2 for bits"),
        ], what="profile")
    return f"{len(cases)} profiles agree, in bits, with the cuts in the right places."


# ---------------------------------------------------------------------------------------
# 03 matrix product states
# ---------------------------------------------------------------------------------------
def _random_cores(dims, bonds, rng, complex_=False):
    bonds = [1, *bonds, 1]
    return [_random((bonds[t], d, bonds[t + 1]), rng, complex_) for t, d in enumerate(dims)]


def _as_cores(got, case, N):
    if got is None:
        raise _Wrong(f"{case}: your function returned None", "did you forget the `return` statement?")
    if isinstance(got, np.ndarray) or not isinstance(got, (list, tuple)):
        raise _Wrong(f"{case}: expected a list of {N} cores, got {type(got).__name__}")
    if len(got) != N:
        raise _Wrong(f"{case}: expected a list of N={N} cores, got {len(got)}", "one core per site")
    return [_array(c, case, f"core {t}") for t, c in enumerate(got)]


def _diagnose_cores(cores, psi_shape, case):
    """Raise _Wrong naming the first shape problem of an MPS with sites of dims psi_shape."""
    N = len(psi_shape)
    if any(c.ndim != 3 for c in cores):
        t = next(t for t, c in enumerate(cores) if c.ndim != 3)
        hint = ("keep the boundary legs of dimension 1: cores[0] has shape (1, d, chi), cores[-1] (chi, d, 1)"
                if t in (0, N - 1) and cores[t].ndim == 2 else "every core has three legs (left, phys, right)")
        raise _Wrong(f"{case}: core {t} has shape {cores[t].shape}, expected 3 axes (left, phys, right)", hint)
    ok = lambda cs: (cs[0].shape[0] == 1 and cs[-1].shape[2] == 1  # noqa: E731
                     and all(c.shape[1] == d for c, d in zip(cs, psi_shape))
                     and all(cs[t].shape[2] == cs[t + 1].shape[0] for t in range(N - 1)))
    if ok(cores):
        return
    for perm, order in [((0, 2, 1), "(left, right, phys)"), ((1, 0, 2), "(phys, left, right)"),
                        ((2, 1, 0), "(right, phys, left)")]:
        if ok([c.transpose(perm) for c in cores]):
            raise _Wrong(f"{case}: your cores have shapes {[c.shape for c in cores]}: legs in the order {order}",
                         "the course's core leg order is (left, phys, right), e.g. cores[0].shape == (1, d_0, chi_0)")
    for t, c in enumerate(cores):
        if c.shape[1] != psi_shape[t]:
            raise _Wrong(f"{case}: core {t} has shape {c.shape}; its middle (phys) leg should be {psi_shape[t]}")
    if cores[0].shape[0] != 1 or cores[-1].shape[2] != 1:
        raise _Wrong(f"{case}: the first core's left leg and the last core's right leg must have dimension 1, "
                     f"got shapes {cores[0].shape} and {cores[-1].shape}")
    t = next(t for t in range(N - 1) if cores[t].shape[2] != cores[t + 1].shape[0])
    raise _Wrong(f"{case}: bond {t} does not match: core {t} has right dimension {cores[t].shape[2]}, "
                 f"core {t + 1} has left dimension {cores[t + 1].shape[0]}")


@_checker("mps_to_dense")
def check_mps_to_dense(fn):
    """Check `mps_to_dense(cores)` -> the tensor of shape (d_0, ..., d_{N-1})."""
    rng = np.random.default_rng(7)
    cases = [_random_cores((2, 2, 2, 2), (2, 3, 2), rng), _random_cores((2, 3, 2), (3, 2), rng, complex_=True),
             _random_cores((3,), (), rng), _random_cores((2, 2, 3, 2, 2), (2, 4, 4, 2), rng)]
    for n, cores in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (core shapes {[c.shape for c in cores]})"
        got = _call(fn, case, cores)
        expected = _mps_dense(cores)
        _compare(got, expected, case, mistakes=[
            (expected[None, ..., None], "your tensor still has the two boundary legs of dimension 1",
             "drop them at the end, e.g. T.reshape(phys_dims) or T[0, ..., 0]"),
            (expected.transpose(range(expected.ndim)[::-1]) if expected.ndim > 1 else None,
             "your tensor's axes come out in reverse order", "axis j of the result is site j's physical leg"),
            (expected.conj() if np.iscomplexobj(expected) else None, "your tensor is the complex conjugate",
             "contract the cores as they are, without .conj()"),
        ], what="tensor")
    return f"{len(cases)} MPS contract to the right tensors (one site, mixed dims and complex cores included)."


def _tt_svd(psi, max_bond=None):
    """Reference TT-SVD written for the checkers: (dense approximation, discarded weight)."""
    dims, norm2 = psi.shape, float(np.vdot(psi, psi).real)
    rest, cores, discarded = psi.reshape(1, -1), [], 0.0
    for d in dims[:-1]:
        U, s, Vh = np.linalg.svd(rest.reshape(rest.shape[0] * d, -1), full_matrices=False)
        k = s.size if max_bond is None else min(max_bond, s.size)
        discarded += float(np.sum(s[k:] ** 2))
        cores.append(U[:, :k].reshape(-1, d, k))
        rest = s[:k, None] * Vh[:k]
    cores.append(rest.reshape(rest.shape[0], dims[-1], 1))
    return _mps_dense(cores), discarded / norm2


@_checker("tt_svd")
def check_tt_svd(fn):
    """Check `tt_svd(psi)` -> exact MPS cores (left, phys, right) whose contraction is psi."""
    rng = np.random.default_rng(8)
    cases = [_random((2, 2, 2, 2), rng), _random((2, 3, 2), rng, complex_=True, scale=2.0), 3.0 * _ghz(5),
             np.einsum("i,j,k->ijk", *[rng.standard_normal(2) for _ in range(3)]), _random((3, 2, 2, 3), rng)]
    for n, psi in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (psi.shape={psi.shape})"
        cores = _as_cores(_call(fn, case, psi), case, psi.ndim)
        _diagnose_cores(cores, psi.shape, case)
        got = _mps_dense(cores)
        for t in range(psi.ndim - 1):
            cap = min(math.prod(psi.shape[: t + 1]), math.prod(psi.shape[t + 1:]))
            if cores[t].shape[2] > cap:
                raise _Wrong(f"{case}: bond {t} has dimension {cores[t].shape[2]}, more than the exact "
                             f"split ever needs (min(d_0...d_{t}, d_{t + 1}...d_N-1) = {cap})",
                             "use the thin SVD: np.linalg.svd(..., full_matrices=False)")
        _compare(got, psi, case, mistakes=[
            (psi / np.linalg.norm(psi), "your MPS is psi normalised, not psi as given",
             "do not normalise: the cores should contract to psi itself"),
            (psi.conj() if np.iscomplexobj(psi) else None, "your MPS gives the complex conjugate of psi",
             "use U from np.linalg.svd as it is (not U.conj()) and keep s Vh for the next step"),
        ], what="contraction of your cores")
    return f"{len(cases)} tensors split into cores (left, phys, right) that contract back exactly."


@_checker("tt_svd_truncated")
def check_tt_svd_truncated(fn):
    """Check `tt_svd_truncated(psi, max_bond)` -> (cores, discarded_weight)."""
    rng = np.random.default_rng(9)
    psi6 = _random((2,) * 6, rng, scale=3.0)
    cases = [(psi6, 2), (psi6, 4), (_random((3, 3, 3, 3), rng, complex_=True, scale=0.5), 2),
             (_random((2, 2, 2, 2), rng), 8), (_random((2,) * 5, rng, complex_=True), 1)]
    # (no degenerate singular values at a truncation: which of two equal ones is kept is arbitrary)
    for n, (psi, max_bond) in enumerate(cases, 1):
        norm2 = float(np.vdot(psi, psi).real)
        case = f"case {n} of {len(cases)} (psi.shape={psi.shape}, ||psi||^2={norm2:.3g}, max_bond={max_bond})"
        out = _call(fn, case, psi, max_bond)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise _Wrong(f"{case}: expected a pair (cores, discarded_weight), got {type(out).__name__}")
        cores = _as_cores(out[0], case, psi.ndim)
        w = _scalar(out[1], case, "the discarded weight")
        _diagnose_cores(cores, psi.shape, case)
        big = [t for t, c in enumerate(cores[:-1]) if c.shape[2] > max_bond]
        if big:
            raise _Wrong(f"{case}: bond {big[0]} has dimension {cores[big[0]].shape[2]} > max_bond={max_bond}",
                         "keep at most max_bond singular values at every cut")
        approx = _mps_dense(cores)
        ref, ref_w = _tt_svd(psi, max_bond)
        err = float(np.vdot(psi - approx, psi - approx).real) / norm2
        if not _same(approx, ref, 1e-6, 1e-9):
            unit = lambda T: T / np.linalg.norm(T)  # noqa: E731
            if np.linalg.norm(approx) > 0 and _same(unit(approx), unit(ref), 1e-6, 1e-9):
                raise _Wrong(f"{case}: your MPS is the right state but with the wrong norm "
                             f"({np.linalg.norm(approx):.4g} instead of {np.linalg.norm(ref):.4g})",
                             "approximate psi as given: no normalising, and carry s Vh (not Vh alone) to the next step")
            if err > ref_w + 1e-9:
                raise _Wrong(f"{case}: your MPS is further from psi than it should be: relative squared error "
                             f"{err:.4g}, sequential SVD truncation gets {ref_w:.4g}",
                             "keep the LARGEST singular values (np.linalg.svd returns them in descending order)")
            raise _Wrong(f"{case}: your MPS does not contract to the truncated sequential SVD of psi")
        if math.isnan(w) or abs(w - ref_w) > 1e-8:
            if abs(w - ref_w * norm2) <= 1e-8 * max(1, norm2) and abs(norm2 - 1) > 1e-6:
                raise _Wrong(f"{case}: discarded weight expected {ref_w:.6g}, got {w:.6g} = the sum of the dropped "
                             "s**2 without dividing by ||psi||^2", "the discarded weight is relative: divide by ||psi||^2")
            if abs(w - (1 - ref_w)) <= 1e-8:
                raise _Wrong(f"{case}: discarded weight expected {ref_w:.6g}, got {w:.6g} = 1 - (the answer)",
                             "return the weight of what was dropped, not of what was kept")
            raise _Wrong(f"{case}: discarded weight expected {ref_w:.6g} (= ||psi - mps||^2 / ||psi||^2), got {w:.6g}",
                         "add up the dropped s**2 at every cut (squares, not the singular values) and divide by ||psi||^2")
    return f"{len(cases)} truncations agree: bonds <= max_bond and the discarded weight equals the error."


# ---------------------------------------------------------------------------------------
# 04 tree tensor networks
# ---------------------------------------------------------------------------------------
def _tree_graph(d, bond_dims, big_legs=False):
    """(edges, legs) of a perfect binary tree: leaf j = node (0, j), node i of level l = (l, i)."""
    L = len(bond_dims)
    N = 2**L
    edges = []
    for l in range(L):  # bonds from level l up to level l+1
        for i in range(N >> l):
            edges.append(((l, i), (l + 1, i // 2), int(bond_dims[l])))
    dims = [d] * N if np.isscalar(d) else list(d)
    legs = [((0, j), 10**9 if big_legs else int(dims[j])) for j in range(N)]
    return edges, legs


def _tree_cut(d, bond_dims, rows, big_legs=False):
    from .mincut import min_cut

    edges, legs = _tree_graph(d, bond_dims, big_legs)
    return min_cut(edges, legs, rows).rank_bound


#: The tree of the by-hand task: N = 8, d = 3, bond dims per level (leaf, level 1, level 2).
HAND_TREE = {"d": 3, "bond_dims": (2, 3, 5)}
HAND_PARTITIONS = {"left_half": (0, 1, 2, 3), "first_six": (0, 1, 2, 3, 4, 5),
                   "odd_even": (0, 2, 4, 6), "sites_1_2": (1, 2)}


@_checker("hand_min_cuts")
def check_hand_min_cuts(fn):
    """Check `hand_min_cuts()` -> dict of the min-cut rank bounds of HAND_PARTITIONS on HAND_TREE."""
    got = _call(fn, "your function", )
    if not isinstance(got, dict):
        raise _Wrong(f"expected a dict with keys {sorted(HAND_PARTITIONS)}, got {type(got).__name__}")
    missing = sorted(set(HAND_PARTITIONS) - set(got))
    if missing:
        raise _Wrong(f"your dict has no entry for {missing}", f"give all of {sorted(HAND_PARTITIONS)}")
    d, ks = HAND_TREE["d"], HAND_TREE["bond_dims"]
    for name, rows in HAND_PARTITIONS.items():
        case = f"partition {name} (P = sites {rows})"
        value = _scalar(got[name], case, "your entry")
        expected = _tree_cut(d, ks, rows)
        if value == expected:
            continue
        if abs(value - math.log2(expected)) < 1e-9:
            raise _Wrong(f"{case}: you gave {value}, the bound in bits", f"give the rank bound itself, 2**{value:g}")
        if value > expected:
            raise _Wrong(f"{case}: {value} is the product of a valid cut, perhaps, but not the smallest",
                         "look for a cheaper cut: one bond higher in the tree can replace several lower ones, "
                         "and an open leg (dimension d) can be cut too")
        raise _Wrong(f"{case}: {value} is smaller than any cut that separates P from Q",
                     "every path from a P leg to a Q leg must cross a cut bond; multiply the dimensions of "
                     "all the bonds you cut")
    return "all four min cuts are right."


@_checker("tree_min_cut")
def check_tree_min_cut(fn):
    """Check `tree_min_cut(d, bond_dims, rows)` -> int rank bound, against tnlite.mincut."""
    rng = np.random.default_rng(10)
    cases = [(3, (2, 3, 5), (0, 1, 2, 3)), (3, (2, 3, 5), (0, 2, 4, 6)), (2, (4, 2), (1, 2)), (2, (1,), (0,))]
    for _ in range(8):
        L = int(rng.integers(1, 4))
        N = 2**L
        rows = tuple(int(j) for j in np.flatnonzero(rng.random(N) < 0.5))
        cases.append((int(rng.integers(2, 5)), tuple(int(k) for k in rng.integers(1, 7, size=L)), rows))
    for n, (d, ks, rows) in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (d={d}, bond_dims={ks}, rows={rows})"
        got = _scalar(_call(fn, case, d, ks, rows), case)
        expected = _tree_cut(d, ks, rows)
        if got == expected:
            continue
        if expected > 1 and abs(got - math.log2(expected)) < 1e-9:
            raise _Wrong(f"{case}: expected {expected}, got {got} = log2 of it", "return the rank bound, not bits")
        if got == _tree_cut(d, ks, rows, big_legs=True):
            raise _Wrong(f"{case}: expected {expected}, got {got}: the cheapest cut through bonds only",
                         f"an open leg can be cut too, at cost d={d}; it is cheaper here")
        shifted = [tuple(ks[1:]) + (1,), (d,) + tuple(ks[:-1])]
        if any(got == _tree_cut(d, s, rows) for s in shifted):
            raise _Wrong(f"{case}: expected {expected}, got {got}: your bond dimensions are shifted by one level",
                         "bond_dims[0] is the leaf bond (leaf j to its level-1 node), bond_dims[l] joins level l to l+1")
        raise _Wrong(f"{case}: expected {expected}, got {got}")
    return f"{len(cases)} partitions agree with tnlite.mincut."


def _tree_dense(leaves, levels):
    """Contract a tree with one einsum written out over all of its legs."""
    from string import ascii_letters

    letters = iter(ascii_letters)
    N = len(leaves)
    phys = [next(letters) for _ in range(N)]
    below = [next(letters) for _ in range(N)]
    terms, ops = [], []
    for j, a in enumerate(leaves):
        terms.append(phys[j] + below[j])
        ops.append(a)
    for row in levels:
        up = [next(letters) for _ in row]
        for i, t in enumerate(row):
            terms.append(below[2 * i] + below[2 * i + 1] + up[i])
            ops.append(t)
        below = up
    return np.einsum(",".join(terms) + "->" + "".join(phys) + below[0], *ops, optimize="greedy")[..., 0]


def _random_tree(dims, ks, rng, complex_=False):
    N, L = len(dims), len(ks)
    leaves = [_random((dims[j], ks[0]), rng, complex_) for j in range(N)]
    levels = []
    for l in range(1, L + 1):
        up = ks[l] if l < L else 1
        levels.append([_random((ks[l - 1], ks[l - 1], up), rng, complex_) for _ in range(N >> l)])
    return leaves, levels


@_checker("tree_to_dense")
def check_tree_to_dense(fn):
    """Check `tree_to_dense(leaves, levels)` -> the tree's tensor, shape (d_0, ..., d_{N-1})."""
    rng = np.random.default_rng(11)
    cases = [_random_tree((2, 2), (3,), rng), _random_tree((2, 3, 2, 2), (2, 3), rng),
             _random_tree((2,) * 8, (2, 3, 2), rng, complex_=True)]
    for n, (leaves, levels) in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (N={len(leaves)}, bond_dims={[leaves[0].shape[1]] + [r[0].shape[2] for r in levels[:-1]]})"
        got = _call(fn, case, leaves, levels)
        expected = _tree_dense(leaves, levels)
        swapped = [[t.transpose(1, 0, 2) for t in row] for row in levels]
        _compare(got, expected, case, mistakes=[
            (expected[..., None], "your tensor still has the root's parent leg of dimension 1",
             "drop it at the end (the root's shape is (k_left, k_right, 1))"),
            (_tree_dense(leaves, swapped), "you joined each node's children the wrong way round",
             "a node's legs are (left, right, parent): child 2i goes on the left leg, 2i+1 on the right"),
            (expected.transpose(range(expected.ndim)[::-1]), "your tensor's axes come out in reverse order",
             "axis j of the result is leaf j's physical leg"),
        ], what="tensor")
    return f"{len(cases)} trees contract to the right tensors."


# ---------------------------------------------------------------------------------------
# 05 ConvAC is a tree
# ---------------------------------------------------------------------------------------
#: The tiny ConvAC of the by-hand task: N = 2, M = 2, r_0 = 2; layers[0][j] is (out c, in d).
HAND_CONVAC = {
    "layers": [np.array([[[1, 0], [1, 1]], [[2, 1], [0, 1]]])],  # (position j, channel c, feature d)
    "w_out": np.array([1, -1]),
}


def _convac_dense(layers, w_out, pair=lambda n: (slice(0, n, 2), slice(1, n, 2))):
    """A deep ConvAC's coefficient tensor by pooling blocks (position, D, channel) pairwise."""
    T = np.asarray(layers[0]).transpose(0, 2, 1)  # (n, d, c)
    for W in list(layers[1:]) + [None]:
        n = T.shape[0]
        ia, ib = pair(n)
        a, b = T[ia], T[ib]  # (n/2, D, c) each
        T = (a[:, :, None, :] * b[:, None, :, :]).reshape(a.shape[0], -1, a.shape[2])  # (n/2, D*D, c)
        if W is not None:
            T = T @ np.asarray(W).transpose(0, 2, 1)  # (n/2, D*D, c_out)
    N = len(layers[0])
    M = np.shape(layers[0])[2]
    return (T[0] @ w_out).reshape((M,) * N)


def _convac_expected(layers, w_out):
    """The coefficient tensor as tnlite.ConvAC's scores on every one-hot input (another route)."""
    from .convac import ConvAC

    net = ConvAC([np.asarray(W) for W in layers], np.asarray(w_out))
    N, M = net.N, net.M
    configs = np.indices((M,) * N).reshape(N, -1).T  # (M^N, N), C order
    return net.amplitudes(configs).reshape((M,) * N)


@_checker("hand_coefficient_tensor")
def check_hand_coefficient_tensor(fn):
    """Check `hand_coefficient_tensor()` -> the 2 x 2 coefficient tensor of HAND_CONVAC."""
    case = "the tiny ConvAC (N=2, M=2, r_0=2)"
    got = _call(fn, case)
    layers, w_out = HAND_CONVAC["layers"], HAND_CONVAC["w_out"]
    expected = _convac_expected(layers, w_out)
    W0, W1 = layers[0]
    _compare(got, expected, case, mistakes=[
        (expected.T, "you have the transpose: rows should be indexed by d_0, columns by d_1",
         "A[d_0, d_1] = sum_c w_out[c] W^(0,0)[c, d_0] W^(0,1)[c, d_1]"),
        (np.einsum("c,dc,ec->de", w_out, W0, W1), "you read the conv matrices as (input, output)",
         "W^(0,j)[c, d]: the first index is the output channel c, the second the input feature d"),
        (np.einsum("cd,ce->de", W0, W1), "you left out the output weights w_out",
         "the score is w_out . (v_0 * v_1): each channel c is weighted by w_out[c]"),
        (np.einsum("c,cd,ce->de", w_out, W0, W0), "you used W^(0,0) at both positions",
         "each position has its own conv matrix: W^(0,1) acts on d_1"),
    ], what="2 x 2 tensor")
    return "that is A, computed by hand: entry [d_0, d_1] is the score of the one-hot input (e_d0, e_d1)."


def _convac_cases(seed):
    from .convac import ConvAC

    rng = np.random.default_rng(seed)
    nets = [ConvAC.random(4, 2, (3, 2), rng), ConvAC.random(8, 2, (2, 3, 2), rng),
            ConvAC.random(2, 3, (2,), rng), ConvAC.random(4, 3, (2, 4), rng)]
    return [([np.asarray(W) for W in net.layers], np.asarray(net.w_out)) for net in nets]


@_checker("convac_coefficient_tensor")
def check_convac_coefficient_tensor(fn):
    """Check `convac_coefficient_tensor(layers, w_out)` -> shape (M,)*N, against the ConvAC's scores."""
    cases = _convac_cases(14)
    for n, (layers, w_out) in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (N={len(layers[0])}, layer shapes {[W.shape for W in layers]})"
        got = _call(fn, case, layers, w_out)
        expected = _convac_expected(layers, w_out)
        halves = lambda m: (slice(0, m // 2), slice(m // 2, m))  # noqa: E731
        _compare(got, expected, case, mistakes=[
            (_convac_dense(layers, w_out, halves), "you pooled position j with j + n/2 instead of 2i with 2i+1",
             "pooling windows are neighbours: (0, 1), (2, 3), ... at every level"),
            (expected.transpose(range(expected.ndim)[::-1]), "your tensor's axes come out in reverse order",
             "axis j is the feature index d_j of position j"),
        ], what="coefficient tensor", rtol=1e-7, atol=1e-10)
    return f"{len(cases)} ConvACs agree with their scores on every one-hot input."


@_checker("convac_tree")
def check_convac_tree(fn):
    """Check `convac_tree(layers, w_out)` -> (leaves, levels) of a tnlite.tree.TreeTN equal to the ConvAC."""
    from .tree import TreeTN

    cases = _convac_cases(15)
    for n, (layers, w_out) in enumerate(cases, 1):
        N, M = len(layers[0]), layers[0].shape[2]
        widths = [W.shape[1] for W in layers]
        case = f"case {n} of {len(cases)} (N={N}, M={M}, widths={tuple(widths)})"
        out = _call(fn, case, layers, w_out)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise _Wrong(f"{case}: expected a pair (leaves, levels), got {type(out).__name__}")
        leaves, levels = out
        if not isinstance(leaves, (list, tuple)) or len(leaves) != N:
            raise _Wrong(f"{case}: expected {N} leaves, got {type(leaves).__name__}"
                         f"{' of length ' + str(len(leaves)) if hasattr(leaves, '__len__') else ''}")
        leaf0 = _array(leaves[0], case, "leaves[0]")
        if leaf0.shape == (widths[0], M) and M != widths[0]:
            raise _Wrong(f"{case}: leaves[0] has shape {leaf0.shape}, legs (channel, feature)",
                         "a leaf's legs are (phys, bond): use W^(0,j).T, shape (M, r_0)")
        try:
            tree = TreeTN(list(leaves), [list(row) for row in levels])
        except (TypeError, ValueError) as exc:
            hint = ("a level-l node has legs (left, right, parent) = (r_{l-1}, r_{l-1}, r_l); the root's parent "
                    "leg has dimension 1")
            raise _Wrong(f"{case}: TreeTN refuses your parts: {exc}", hint) from None
        got = tree.to_dense()
        expected = _convac_expected(layers, w_out)
        r = [W.shape[1] for W in layers]
        no_delta = [[np.broadcast_to(W.T[:, None, :], (r[l - 1], r[l - 1], r[l])) for W in layers[l]]
                    for l in range(1, len(layers))]
        no_delta.append([np.broadcast_to(w_out[:, None, None], (r[-1], r[-1], 1))])
        _compare(got, expected, case, mistakes=[
            (_tree_dense([W.T for W in layers[0]], no_delta),
             "your nodes do not copy (delta): each left-child channel meets every right-child channel",
             "product pooling multiplies channel a of the left child by channel a of the right child only: "
             "node[a, b, c] = delta(a, b) W[c, a]"),
        ], what="tree's tensor", rtol=1e-7, atol=1e-10)
        for l, row in enumerate(levels[:-1], 1):
            for i, t in enumerate(row):
                W = layers[l][i]
                t = np.asarray(t)
                if not np.allclose(t, np.einsum("ab,ca->abc", np.eye(W.shape[1]), W)):
                    raise _Wrong(f"{case}: your tree gives the right tensor, but node {i} of level {l} is not "
                                 "delta(a, b) W^(l,i)[c, a]", "build each node from the weights as the contract says")
    return f"{len(cases)} ConvACs map onto trees (leaves W0.T, delta nodes) that contract to their coefficient tensors."


# ---------------------------------------------------------------------------------------
# 06 RAC is an MPS
# ---------------------------------------------------------------------------------------
def _random_rac_weights(M, R, rng):
    Q, _ = np.linalg.qr(rng.standard_normal((R, R)))
    W_I = rng.standard_normal((R, M))
    h0 = rng.standard_normal(R)
    W_O = rng.standard_normal(R)
    return Q, W_I / np.linalg.norm(W_I, axis=0) * np.sqrt(R), h0 / np.linalg.norm(h0), W_O / np.linalg.norm(W_O)


def _rac_tensor(W_H, W_I, h0, W_O, N):
    from .rac import RAC

    return RAC(N, W_H, W_I, h0, W_O).coefficient_tensor()


@_checker("rac_score")
def check_rac_score(fn):
    """Check `rac_score(W_H, W_I, h0, W_O, X)` -> (B,) scores, against the coefficient tensor."""
    rng = np.random.default_rng(12)
    cases = []
    for N, M, R, B in [(3, 2, 2, 5), (5, 3, 4, 7), (1, 2, 3, 2), (4, 2, 3, 6)]:
        cases.append((*_random_rac_weights(M, R, rng), rng.standard_normal((B, N, M))))
    for n, (W_H, W_I, h0, W_O, X) in enumerate(cases, 1):
        B, N, M = X.shape
        case = f"case {n} of {len(cases)} (X.shape={X.shape}, R={W_H.shape[0]})"
        got = _call(fn, case, W_H, W_I, h0, W_O, X)
        A = _rac_tensor(W_H, W_I, h0, W_O, N)
        # score_b = sum_d A[d_1..d_N] prod_t X[b, t, d_t]: a route independent of the recurrence
        expected = np.einsum(A, list(range(N)), *[a for t in range(N) for a in (X[:, t, :], [N, t])], [N])  # (B,)
        alt = []
        for label, (wh, start, steps, add) in {
            "W_H transposed": (W_H.T, h0, N, False),
            "h0 ignored": (W_H, None, N, False),
            "one step short": (W_H, h0, N - 1, False),
            "additive": (W_H, h0, N, True),
        }.items():
            h = np.broadcast_to(h0 if start is not None else np.ones_like(h0), (B, len(h0)))
            for t in range(steps):
                u = X[:, t] @ W_I.T
                h = h @ wh.T + u if add else (h @ wh.T) * u
            alt.append((label, h @ W_O))
        hints = {
            "W_H transposed": ("your scores match h @ W_H (W_H transposed)",
                               "the recurrence is h_t = (W_H h_{t-1}) * (W_I f(x_t)): with h as rows, h @ W_H.T"),
            "h0 ignored": ("your scores ignore h0", "start the recurrence from h0, not from ones"),
            "one step short": ("your scores stop one step early (off by one)", "apply the recurrence N times, t = 1..N"),
            "additive": ("your scores add W_H h and W_I f(x) instead of multiplying them",
                         "multiplicative integration: the elementwise product (W_H h) * (W_I f(x_t))"),
        }
        _compare(got, expected, case,
                 mistakes=[(val, *hints[label]) for label, val in alt],
                 what="score vector", rtol=1e-7, atol=1e-9)
    return f"{len(cases)} batches of scores agree with the RAC's coefficient tensor."


@_checker("rac_mps_cores")
def check_rac_mps_cores(fn):
    """Check `rac_mps_cores(W_H, W_I, h0, W_O, N)` -> N cores (left, phys, right) of the RAC's MPS."""
    rng = np.random.default_rng(13)
    cases = [(*_random_rac_weights(M, R, rng), N) for N, M, R in [(4, 2, 3), (3, 3, 2), (5, 2, 2), (2, 4, 3)]]
    for n, (W_H, W_I, h0, W_O, N) in enumerate(cases, 1):
        R, M = W_I.shape
        case = f"case {n} of {len(cases)} (N={N}, M={M}, R={R})"
        cores = _as_cores(_call(fn, case, W_H, W_I, h0, W_O, N), case, N)
        A = _rac_tensor(W_H, W_I, h0, W_O, N)
        if N > 2 and cores[1].ndim == 3 and cores[1].shape != (R, M, R):
            perms = {(R, R, M): "(left, right, phys)", (M, R, R): "(phys, left, right)"}
            if cores[1].shape in perms and M != R:
                raise _Wrong(f"{case}: a middle core has shape {cores[1].shape}: legs in the order "
                             f"{perms[cores[1].shape]}", "the course's order is (left a, phys d, right b): shape (R, M, R)")
        if cores[-1].ndim == 3 and cores[-1].shape[2] != 1 and cores[-1].shape[2] == R:
            raise _Wrong(f"{case}: the last core has shape {cores[-1].shape}; its right leg should be 1",
                         "absorb W_O into the last core: G_last[a, d, 0] = sum_b G[a, d, b] W_O[b]")
        if cores[0].ndim == 3 and cores[0].shape[0] == R and cores[0].shape[0] != 1:
            raise _Wrong(f"{case}: the first core has shape {cores[0].shape}; its left leg should be 1",
                         "absorb W_H h0 into the first core: G_first[0, d, b] = (W_H h0)[b] W_I[b, d]")
        _diagnose_cores(cores, (M,) * N, case)
        got = _mps_dense(cores)
        core_T = np.einsum("ab,bd->adb", W_H, W_I)  # W_H transposed: G[a,d,b] = W_H[a,b] W_I[b,d]
        wrong_T = [np.einsum("b,bd->db", W_H @ h0, W_I)[None]] + [core_T] * (N - 2) + [(core_T @ W_O)[..., None]]
        core = np.einsum("ba,bd->adb", W_H, W_I)
        raw_h0 = [np.einsum("b,bd->db", h0, W_I)[None]] + [core] * (N - 2) + [(core @ W_O)[..., None]]
        _compare(got, A, case, mistakes=[
            (_mps_dense(wrong_T) if N > 1 else None, "your cores use W_H[a, b] where W_H[b, a] belongs",
             "h_t = W_H h_{t-1} sums over W_H's second index: G[a, d, b] = W_H[b, a] W_I[b, d]"),
            (_mps_dense(raw_h0) if N > 1 else None, "your first core uses h0 where W_H h0 belongs",
             "the first step computes (W_H h0) * (W_I f(x_1)): absorb W_H h0, not h0"),
        ], what="contraction of your cores", rtol=1e-7, atol=1e-9)
    return f"{len(cases)} RACs unroll into MPS cores that contract to their coefficient tensors."


@_checker("rac_rank_bounds")
def check_rac_rank_bounds(fn):
    """Check `rac_rank_bounds(N, M, R)` -> tuple of min(R, M^t, M^(N-t)) for t = 1..N-1."""
    cases = [(6, 2, 3), (8, 2, 5), (5, 3, 100), (4, 4, 2), (2, 2, 2), (7, 3, 4)]
    for n, (N, M, R) in enumerate(cases, 1):
        case = f"case {n} of {len(cases)} (N={N}, M={M}, R={R})"
        got = _array(_call(fn, case, N, M, R), case)
        expected = np.array([min(R, M**t, M ** (N - t)) for t in range(1, N)])
        _compare(got, expected, case, mistakes=[
            (np.array([min(R, M**t, M ** (N - t)) for t in range(N)]), "you listed N cuts, starting at t = 0",
             "there are N-1 cuts, t = 1..N-1 (sites 0..t-1 | t..N-1)"),
            (np.array([min(R, M**t) for t in range(1, N)]), "your bounds forget the right side",
             "the rank is also at most the dimension M^(N-t) of the sites after the cut"),
            (np.array([min(R, M**t, M ** (N - t)) for t in range(0, N - 1)]), "your cuts are off by one",
             "t runs from 1 to N-1: the cut after the t-th input"),
            (np.array([min(R, M**t, M ** (N - t)) for t in range(2, N + 1)]), "your cuts are off by one",
             "t runs from 1 to N-1: the cut after the t-th input"),
            (np.array([min(M**t, M ** (N - t)) for t in range(1, N)]), "your bounds forget the hidden size R",
             "the only bond across a contiguous cut has dimension R"),
        ], what="list of bounds")
    return f"{len(cases)} bound profiles agree."
