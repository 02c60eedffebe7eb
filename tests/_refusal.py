"""Helpers of the fuzz tests: expect a refusal, with the memory traced and a guard against hangs."""
from __future__ import annotations

import signal
import tracemalloc
from contextlib import contextmanager

import pytest

#: Seconds a call may run before it counts as a hang (a guard, not a timing).
HANG_LIMIT = 60
#: Bytes a refusal may allocate: it is decided from the sizes alone.
REFUSAL_PEAK = 256 * 2**10


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
