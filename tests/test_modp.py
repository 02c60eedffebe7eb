"""Exact rank mod p (tnlite/_modp.py) against references that share none of its code.

References: Gaussian elimination in pure Python integers (`reference_rank`), rational
elimination with Fraction where p exceeds every minor, and matrices built with a
known rank (a triangular basis, permuted, with dependent rows added). Small panel
widths make small matrices run through many panels, pivot moves and delayed reductions.
"""
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tnlite as tl
from tnlite import _modp

P = tl.PRIME
PRIMES = [2, 3, 5, 7, 101, 65521, P]


def reference_rank(M, p):
    """Row reduction mod p in Python ints, one entry at a time."""
    rows = [[int(x) % p for x in row] for row in np.asarray(M).tolist()]
    rank, n_cols = 0, len(rows[0]) if rows else 0
    for c in range(n_cols):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][c]), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        inv = pow(rows[rank][c], -1, p)
        for i in range(rank + 1, len(rows)):
            f = rows[i][c] * inv % p
            if f:
                rows[i] = [(a - f * b) % p for a, b in zip(rows[i], rows[rank])]
        rank += 1
    return rank


def rational_rank(M):
    """Rank over the rationals, by elimination with Fraction."""
    rows = [[Fraction(int(x)) for x in row] for row in np.asarray(M).tolist()]
    rank = 0
    for c in range(len(rows[0]) if rows else 0):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][c] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(rank + 1, len(rows)):
            f = rows[i][c] / rows[rank][c]
            rows[i] = [a - f * b for a, b in zip(rows[i], rows[rank])]
        rank += 1
    return rank


def known_rank(m, n, k, rng, p=P):
    """An (m, n) matrix mod p of rank exactly k: k triangular rows with non-zero diagonal,
    m - k combinations of them, then rows and columns shuffled."""
    U = np.triu(rng.integers(0, p, (k, n)))
    U[np.arange(k), np.arange(k)] = rng.integers(1, p, k)  # independent rows
    C = rng.integers(0, 4, (m - k, k))  # small coefficients: C @ U stays below 2**63
    A = np.vstack([U, C @ U % p])
    return A[rng.permutation(m)][:, rng.permutation(n)]


def planted_product(m, n, k, rng, p=P):
    """(m, k) @ (k, n) mod p with random factors, in exact integers."""
    X = rng.integers(0, p, (m, k)).astype(object)
    Y = rng.integers(0, p, (k, n)).astype(object)
    return (X @ Y % p).astype(np.int64)


# ---------------------------------------------------------------- the arithmetic
@pytest.mark.parametrize("p", PRIMES)
def test_reduce_is_exact_at_the_largest_input_it_accepts(p):
    rng = np.random.default_rng(p)
    L = int(_modp._limit(p))
    x = np.concatenate([[L, -L, L - 1, -(L - 1), 0, p, -p, p // 2, -(p // 2)],
                        rng.integers(-L, L, 2000, endpoint=True)])
    r = _modp._reduce(x.astype(np.float64), p)
    assert np.all(r == np.round(r))
    exact = [int(a) for a in x]
    got = [int(b) for b in r]
    assert all((a - b) % p == 0 for a, b in zip(exact, got))  # the same residue
    assert max(abs(b) for b in got) <= _modp._bound(p)
    assert all((b == 0) == (a % p == 0) for a, b in zip(exact, got))  # zero means 0 mod p


def test_max_inner_is_127_for_the_course_prime_and_tight():
    k, B, L = _modp.max_inner(P), _modp._bound(P), _modp._limit(P)
    assert k == 127
    assert B + k * B * B <= L < B + (k + 1) * B * B


def test_float64_products_at_max_inner_are_exact_and_four_times_longer_ones_are_not():
    # the worst case: every term of C - X @ Y near -B**2 (same signs), sums near the limit
    rng = np.random.default_rng(0)
    B, k = _modp._bound(P), _modp.max_inner(P)
    for inner, exact_expected in ((k, True), (4 * k, False)):
        X, Y = (rng.integers(B - B // 100, B, shape, endpoint=True) for shape in ((8, inner), (inner, 8)))
        C = -rng.integers(B - B // 100, B, (8, 8), endpoint=True)
        got = C.astype(np.float64) - X.astype(np.float64) @ Y.astype(np.float64)
        want = C.astype(object) - X.astype(object) @ Y.astype(object)
        assert (got.astype(object) == want).all() == exact_expected, inner


# ---------------------------------------------------------------- ranks against references
@pytest.mark.parametrize("p", PRIMES)
@pytest.mark.parametrize("panel", [1, 3, 8])
def test_random_and_rank_deficient_matrices_match_the_reference(p, panel):
    rng = np.random.default_rng(panel * 1000 + p % 997)
    for m, n in [(1, 1), (1, 9), (9, 1), (7, 7), (13, 29), (29, 13), (40, 40)]:
        A = rng.integers(0, p, (m, n))
        assert _modp.rank_mod_p(A, p, panel=panel) == reference_rank(A, p), (m, n)
        # rank deficient: repeated rows and columns, a zero band
        D = A.copy()
        D[m // 2:] = D[:m - m // 2]
        D[:, ::3] = 0
        assert _modp.rank_mod_p(D, p, panel=panel) == reference_rank(D, p), (m, n)


def test_agrees_with_the_rational_rank_when_p_exceeds_every_minor():
    # entries in {-1, 0, 1} and n <= 8: every minor is at most 8**4 = 4096 < p (Hadamard),
    # so a minor vanishes mod p exactly when it vanishes
    rng = np.random.default_rng(1)
    for _ in range(60):
        m, n = rng.integers(1, 9, 2)
        k = rng.integers(1, 4)
        A = rng.integers(-1, 2, (m, k)) @ rng.integers(-1, 2, (k, n))  # entries up to 3 ...
        A = np.clip(A, -1, 1)  # ... clipped back: rank at most min(m, n), often deficient
        assert _modp.rank_mod_p(A, P, panel=int(rng.integers(1, 4))) == rational_rank(A)


@pytest.mark.parametrize("m, n, k, panel", [
    (60, 50, 20, 4), (50, 60, 20, 4),  # planted rank, both orientations
    (120, 90, 90, 8),                  # full column rank, tall
    (80, 130, 80, 16),                 # full row rank, wide
])
def test_planted_products_have_the_reference_rank(m, n, k, panel):
    A = planted_product(m, n, k, np.random.default_rng(m + n + k))
    expected = reference_rank(A, P)
    assert expected == k  # random factors: full rank k (this seed)
    assert _modp.rank_mod_p(A, P, panel=panel) == expected
    assert _modp.rank_mod_p(A, P) == expected


@pytest.mark.parametrize("m, n, k", [(300, 260, 250), (260, 300, 0), (300, 260, 260), (520, 400, 333)])
def test_matrices_of_known_rank_across_many_panels_and_reductions(m, n, k):
    # 400 columns and k = 333 pivots pass max_inner(P) = 127 several times: the delayed
    # reduction of the trailing matrix is exercised, and shuffled rows force pivot moves
    rng = np.random.default_rng(k)
    A = known_rank(m, n, k, rng)
    for panel in (None, 16, 127):
        assert _modp.rank_mod_p(A, P, panel=panel) == k
        assert _modp.rank_mod_p(A.T, P, panel=panel) == k


def test_panels_whose_first_rows_do_not_span_them():
    # the first rows of every panel repeat one row, and the pivots lie far below
    rng = np.random.default_rng(3)
    A = rng.integers(0, P, (70, 48))
    A[:40] = A[0]
    A[45:50] = 0
    for panel in (4, 8, 16, 48):
        assert _modp.rank_mod_p(A, P, panel=panel) == reference_rank(A, P) == 1 + 5 + 20


def test_special_matrices():
    assert _modp.rank_mod_p(np.zeros((5, 7), dtype=np.int64), P) == 0
    assert _modp.rank_mod_p(np.zeros((0, 4), dtype=np.int64), P) == 0
    assert _modp.rank_mod_p(np.full((6, 9), P - 1), P) == 1
    assert _modp.rank_mod_p(np.full((6, 9), P), P) == 0  # p is 0 mod p
    assert _modp.rank_mod_p((P - 1) * np.eye(50, 70, dtype=np.int64), P, panel=8) == 50
    assert _modp.rank_mod_p(np.array([[P - 1]]), P) == 1
    assert _modp.rank_mod_p(np.array([[0, 0, P - 1]]), P) == 1
    assert _modp.rank_mod_p(np.array([[2], [4], [6]]), 2) == 0  # even numbers are 0 mod 2
    assert _modp.rank_mod_p(np.array([[1, 2], [3, 4]]), 2) == 1  # det -2 = 0 mod 2
    assert _modp.rank_mod_p(np.array([[1, 2], [3, 4]]), 3) == 2


@given(st.data())
def test_hypothesis_rank_equals_the_reference_and_its_laws_hold(data):
    p = data.draw(st.sampled_from(PRIMES))
    shape = data.draw(st.tuples(st.integers(1, 12), st.integers(1, 12)))
    A = data.draw(hnp.arrays(np.int64, shape, elements=st.integers(-3 * p, 3 * p)))
    panel = data.draw(st.integers(1, 5))
    r = _modp.rank_mod_p(A, p, panel=panel)
    assert r == reference_rank(A, p)
    assert r == _modp.rank_mod_p(A.T, p, panel=panel)  # row rank = column rank
    assert r == _modp.rank_mod_p(np.vstack([A, 5 * A]), p, panel=panel)  # dependent rows add nothing
    c = data.draw(st.integers(1, p - 1))
    assert r == _modp.rank_mod_p(c * A, p, panel=panel)  # a unit scales nothing away


# ---------------------------------------------------------------- the public function
def test_tensor_rank_mod_p_is_the_rank_of_the_matricization():
    rng = np.random.default_rng(4)
    A = rng.integers(-P, P, (3, 4, 5, 2))
    for rows in ([0], [1, 3], [2, 0], [0, 1, 3]):
        assert tl.rank_mod_p(A, rows) == reference_rank(tl.matricize(A, rows), P)


def test_unsigned_entries_above_2_63_are_reduced_exactly():
    # x = 1 mod p but x > 2**63: a cast to int64 first would wrap it to x - 2**64
    x = 2**64 - 1 - (2**64 - 2) % P
    assert x % P == 1 and x > 2**63 and (x - 2**64) % P != 1
    A = np.array([[x, 1], [1, 1]], dtype=np.uint64)
    assert tl.rank_mod_p(A, [0]) == 1
