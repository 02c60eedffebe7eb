"""What BLAS and LAPACK reach on this machine at the shapes tnlite's kernels run.

A row's hardware floor counts its flops at the 2048^3 GEMM peak. The forward passes run
GEMMs with an inner dimension of 4 or 16, the QR sweep Householder QRs of 128 x 64: no
library reaches the large-matrix rate on those. Each case here lists its work as terms,
each term a sum of (amount, kernel) parts; a kernel is one call at one of tnlite's real
shapes (its batch chunk included), timed alone on data in cache, best of several rounds,
once per run. Its rate (flop/s, or elements/s for the elementwise products) says what the
term could take at best; the **kernel floor** (the sum over terms) is what tnlite would
take if every call ran at the rate its shape allows here with no overhead between calls.
tnlite / kernel floor near 1 then means: the layout is right, only a better BLAS kernel
for that shape would help; the largest term names it.
"""
from __future__ import annotations

import dataclasses
import time
from typing import Callable

import numpy as np

_RATES = {}  # kernel label -> measured rate, once per run


@dataclasses.dataclass(frozen=True)
class Kernel:
    """One call of one shape: `work` flops (or elements) per call; `make()` returns the call."""

    label: str
    work: float
    make: Callable
    unit: str = "flop"

    def rate(self, min_seconds=0.03, rounds=5):
        """Work per second: each round times calls one by one for >= min_seconds and keeps
        their median (a call preempted by another process is an outlier, not the median);
        the best round counts (a round under load is slower, not faster)."""
        if self.label not in _RATES:
            call = self.make()
            call()  # warm-up: operands into cache, BLAS buffers allocated
            best = float("inf")
            for _ in range(rounds):
                times, start = [], time.perf_counter()
                while not times or times[-1] - start < min_seconds:
                    call()
                    times.append(time.perf_counter())
                best = min(best, float(np.median(np.diff([start] + times))))
            _RATES[self.label] = self.work / best
        return _RATES[self.label]


@dataclasses.dataclass
class Term:
    """Part of an operation's work, e.g. "layer 0: GEMM with inner dimension M"."""

    label: str
    parts: list  # [(amount, Kernel)]: amount in the kernel's unit

    def seconds(self):
        return sum(amount / kernel.rate() for amount, kernel in self.parts)

    @property
    def amount(self):
        return sum(amount for amount, _ in self.parts)

    @property
    def unit(self):
        return self.parts[0][1].unit


def gemm(batch, m, k, n, rows_apart=1, batch_step=1):
    """(batch, m, k) @ (batch, k, n) in float64 (batch 0: one 2D product), as tnlite calls it.

    rows_apart: A's rows lie that many k-wide slots apart, as when a layer reads X (B, N, M)
    in place (N apart for the RAC's X[:, t]; as the stacked view X.transpose(1, 0, 2) when
    batched). batch_step: A is every batch_step-th matrix of a stack (a pooled view)."""
    lead = (batch,) if batch else ()
    label = (f"GEMM ({m} x {k}) @ ({k} x {n})" + (f", {batch} stacked" if batch else "")
             + (", A's rows read in place from X" if rows_apart > 1 else "")
             + (f", A one matrix in {batch_step} of a stack" if batch_step > 1 else ""))

    def make():
        rng = np.random.default_rng(0)
        if rows_apart > 1:
            X = rng.standard_normal((m, rows_apart, k))  # (b, N, M)
            A = X.transpose(1, 0, 2)[:batch] if batch else X[:, 0]
        else:
            A = rng.standard_normal((max(batch, 1) * batch_step, m, k))[::batch_step]
            A = A if batch else A[0]
        B = rng.standard_normal(lead + (k, n))
        C = np.empty(lead + (m, n))
        return lambda: np.matmul(A, B, out=C)

    return Kernel(label, 2.0 * max(batch, 1) * m * k * n, make)


def pool_multiply(n, b, r, window=2):
    """Product pooling of V (n, b, r) over windows of `window` positions into a (n/w, b, r)
    buffer (tnlite writes into V's first slots: the same traffic); work = multiplications."""
    def make():
        V = np.random.default_rng(0).random((n, b, r)) + 0.5
        out = np.empty((n // window, b, r))

        def call():
            np.multiply(V[0::window], V[1::window], out=out)
            for k in range(2, window):
                np.multiply(out, V[k::window], out=out)
        return call

    return Kernel(f"product pooling over {window}: ({n} x {b} x {r}) -> ({n // window} x {b} x {r})",
                  (window - 1.0) * (n // window) * b * r, make, unit="element")


def householder_qr(m, n):
    """tnlite's Householder QR of a fresh (m, n) matrix, R read and Q formed, as one site of
    the sweep; work = 4 m n^2 (the floor's count for a QR and its Q)."""
    from tnlite._linalg import householder, triu_times

    def make():
        M0 = np.asfortranarray(np.random.default_rng(0).standard_normal((m, n)))
        nxt = np.random.default_rng(1).standard_normal((n, 2 * n))

        def call():
            A, form_q = householder(M0.copy(order="F"))
            triu_times(A, nxt)
            form_q()
        return call

    return Kernel(f"Householder QR ({m} x {n}) + R @ next core (trmm) + Q", 4.0 * m * n * n + 2.0 * n * n * 2 * n, make)


def elementwise(n):
    """a * b into a buffer of n float64 (the RAC's multiplicative step); work = elements."""
    def make():
        rng = np.random.default_rng(0)
        a, b, c = rng.random(n), rng.random(n), np.empty(n)
        return lambda: np.multiply(a, b, out=c)
    return Kernel(f"elementwise product of {n} numbers into a buffer", float(n), make, unit="element")


def floor_seconds(terms):
    """The kernel floor: sum over terms of amount / rate."""
    return sum(t.seconds() for t in terms)


def describe(terms, peak):
    """Rows (label, amount, unit, rate, share of peak or None, seconds) for the report."""
    out = []
    for t in terms:
        s = t.seconds()
        rate = t.amount / s
        out.append((t.label, t.amount, t.unit, rate, rate / peak if t.unit == "flop" else None, s))
    return out
