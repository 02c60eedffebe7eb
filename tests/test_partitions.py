"""Partition helpers against partitions written out by hand, and their refusals."""
import pytest

import tnlite as tl
from tnlite import partitions as P


def test_one_dimensional_partitions_written_out():
    assert P.contiguous(8, 3) == (0, 1, 2)
    assert P.halves(6) == (0, 1, 2)
    assert P.interleaved(8, 0) == (0, 2, 4, 6)
    assert P.interleaved(8, 1) == (0, 1, 4, 5)
    assert P.interleaved(8, 2) == (0, 1, 2, 3)
    assert P.interleaved(12, 0) == (0, 2, 4, 6, 8, 10)


def test_two_dimensional_partitions_written_out():
    # a 4 x 4 grid, particle j = row * 4 + col
    assert P.checkerboard(4) == (0, 2, 5, 7, 8, 10, 13, 15)
    assert P.checkerboard(4, 1) == (0, 1, 4, 5, 10, 11, 14, 15)
    assert P.left_right_2d(4) == (0, 1, 4, 5, 8, 9, 12, 13)


def test_parse_reads_a_typed_partition():
    assert P.parse("4, 0 1", 8) == (0, 1, 4)


@pytest.mark.parametrize("call, exc, match", [
    (lambda: P.contiguous(8, 8), ValueError, r"t must be in 1..N-1 = 1..7"),
    (lambda: P.interleaved(6, 1), ValueError, r"need N a multiple of 2\*\*\(k\+1\) = 4, got N=6"),
    (lambda: P.checkerboard(6, 1), ValueError, r"needs side a multiple of 4, got side=6"),
    (lambda: P.parse("0, x", 4), ValueError, r"P must be integers separated by commas \(particles, such as 0, 3, "
                                               r"5\), got '0, x'"),
    (lambda: P.parse("0, 9", 4), ValueError, r"P has particle 9, out of range: the 4 particles are numbered 0..3"),
    (lambda: P.parse("1, 0, 1", 4), ValueError, r"P names particle 1 twice"),
    (lambda: P.parse("", 4), ValueError, r"P is empty: type the particles of side P, e.g. 0, 3, 5 \(0..3\)"),
    (lambda: P.parse("0 1 2 3", 4), ValueError, r"P holds all 4 particles: leave at least one for the other side Q"),
    (lambda: P.parse(3, 4), TypeError, r"text must be a string"),
])
def test_bad_partitions_are_refused_by_name(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_interleaved_rank_checks_its_arguments():
    assert tl.interleaved_rank(8, 2, (2, 3, 5), 2) == 3  # left|right: the conv's input leg, not 5
    with pytest.raises(ValueError, match=r"k must be in 0..L-1 = 0..2"):
        tl.interleaved_rank(8, 2, (2, 2, 2), 3)
    with pytest.raises(ValueError, match=r"widths has 2 entries; N=8 needs log2\(8\)=3"):
        tl.interleaved_rank(8, 2, (2, 2), 0)
