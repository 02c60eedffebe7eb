"""Guard order: a size that cannot be built is refused from the sizes alone, before any
allocation or loop that grows with it (memory measured with tracemalloc, never a clock)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tnlite as tl
from _refusal import REFUSAL_PEAK, hang_guard, refusal
from tnlite import budget, convac2d, partitions, rbm, scaling, spins


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
