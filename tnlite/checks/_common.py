"""What every checker shares: running the reader's function, the verdict, references for several lessons.

`_checker` turns a check body into a checker that prints "Correct: ..." or "Not yet: ..."
and returns True or False; the body raises `_Wrong` for a wrong answer. `_call` runs the
reader's function on copies, `_array`, `_scalar` and `_compare` read and diagnose what it
returned, and the references here (`_mat`, `_mps_dense`, `_tree_dense`, ...) are written
with numpy alone for the lessons that share them. Leg orders are the library's: MPS cores
(left, phys, right), tree leaves (phys, bond) and nodes (left, right, parent).
"""
from __future__ import annotations

import functools
import json
import os
from string import ascii_letters

import numpy as np

RTOL, ATOL = 1e-8, 1e-10


class _Wrong(Exception):
    """A wrong answer: what differs, and optionally a hint."""

    def __init__(self, message, hint=None):
        super().__init__(message)
        self.message, self.hint = message, hint


def _checker(task):
    """Wrap a check body: print the verdict, return True/False, let only a stub's error out.

    Each verdict is also appended, as one JSON line, to the file $TNLITE_VERDICTS names
    when it is set (`make grade` sets it for each submission's kernel).
    """

    def decorate(body):
        def record(passed, message):
            if os.environ.get("TNLITE_VERDICTS"):
                with open(os.environ["TNLITE_VERDICTS"], "a", encoding="utf-8") as out:
                    out.write(json.dumps({"checker": body.__name__, "task": task, "passed": passed,
                                          "message": message}) + "\n")

        @functools.wraps(body)
        def check(fn, *args, **kwargs):
            __tracebackhide__ = True  # IPython and pytest leave this frame out of a traceback
            if not callable(fn):
                print(f"Not yet: {task}: pass your function itself, e.g. check_{task}({task}), "
                      f"not {type(fn).__name__} {fn!r:.60}")
                record(False, f"not a function: got {type(fn).__name__}")
                return False
            try:
                verdict = body(fn, *args, **kwargs)
            except NotImplementedError as stub:
                # an unfinished task: its own message says what to do; show it as raised in the
                # reader's cell, without the checker's frames (whose source lines hold other hints)
                record(None, f"not done yet: `{getattr(fn, '__name__', task)}` still raises NotImplementedError")
                raise stub.with_traceback(_readers_part(stub.__traceback__)) from None
            except _Wrong as wrong:
                print(f"Not yet: {task}, {wrong.message}")
                if wrong.hint:
                    print(f"  hint: {wrong.hint}")
                record(False, wrong.message + (f" (hint: {wrong.hint})" if wrong.hint else ""))
                return False
            except Exception as exc:  # a checker must not crash on a strange answer
                print(f"Not yet: {task}: checking your answer failed with {type(exc).__name__}: {exc}")
                record(False, f"checking the answer failed with {type(exc).__name__}: {exc}")
                return False
            print(f"Correct: {task} -- {verdict}")
            record(True, verdict)
            return True

        check.task = task
        return check

    return decorate


def _readers_part(tb):
    """The traceback `tb` from its first frame outside tnlite/checks on (all of it if none is)."""
    here, start = os.path.dirname(os.path.abspath(__file__)), tb
    while tb is not None and os.path.dirname(os.path.abspath(tb.tb_frame.f_code.co_filename)) == here:
        tb = tb.tb_next
    return tb if tb is not None else start


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


def _keyed_dict(got, keys, hint=None):
    """_Wrong unless `got` is a dict with every one of `keys` (in their order); `hint` says what to give."""
    keys = list(keys)
    if not isinstance(got, dict):
        raise _Wrong(f"expected a dict with keys {keys}, got {type(got).__name__}")
    missing = [k for k in keys if k not in got]
    if missing:
        raise _Wrong(f"your dict has no entry for {missing}", hint or f"give all of {keys}")


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


class _Cases:
    """Answers to several cases, judged together so that a mistake is named only if it explains them all.

    Case by case, two mistakes that agree on one case are told apart by luck: a Fortran-order
    reshape and descending column axes give the same matrix when one axis is on the row side.
    `add` records each case (raising at once only for an answer that is not an array);
    `settle` names the first candidate mistake that matches the answer in every case where
    the answer is wrong, else judges the first wrong case alone (`_compare`; with `strict`,
    without naming a mistake that explains that case only). Each case's `mistakes` list must
    hold the same mistakes in the same order (None where one does not apply).
    """

    def __init__(self, what="result", rtol=RTOL, atol=ATOL, strict=False):
        self.what, self.rtol, self.atol, self.strict, self.items = what, rtol, atol, strict, []

    def add(self, got, expected, case, mistakes=()):
        self.items.append((_array(got, case), expected, case, list(mistakes)))

    def settle(self):
        tol = dict(rtol=self.rtol, atol=self.atol)
        wrong = [item for item in self.items if not _same(item[0], item[1], **tol)]
        if not wrong:
            return
        for i, (_, message, hint) in enumerate(wrong[0][3]):
            if all(i < len(m) and m[i][0] is not None and not _same(e, m[i][0], **tol) and _same(g, m[i][0], **tol)
                   for g, e, _, m in wrong):
                raise _Wrong(f"{wrong[0][2]}: {message}", hint)
        got, expected, case, mistakes = wrong[0]
        _compare(got, expected, case, () if self.strict else mistakes, self.what, **tol)


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


def _tree_dense(leaves, levels):
    """Contract a tree with one einsum written out over all of its legs."""
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
