"""`make bench`: tnlite against quimb, TeNPy, torch (CPU) and networkx, and the course's speed.

Usage: python benchmarks/run.py [--quick] [--only SUBSTRING] [--no-course] [--output PATH]

Prints progress lines and one table; writes it with the machine facts (CPU, BLAS kernel,
threads, measured GEMM peak and copy bandwidth) to benchmarks/results/<machine>.md and .json,
then rewrites benchmarks/RESULTS.md with every machine's numbers side by side (machines.py);
--quick, --only or --threads other than 1 write benchmarks/_out/RESULTS-partial.md instead
unless --output says otherwise. Every operation first checks that all implementations agree
within the stated tolerance; a mismatch is printed loudly and that operation is not timed.
Rows above 3x their hardware floor are flagged, with the floor that the rates BLAS reaches on
tnlite's own shapes allow (kernels.py) and its largest term.
"""
from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, ROOT)

import numpy as np  # noqa: E402

import harness  # noqa: E402
import kernels  # noqa: E402
import machines  # noqa: E402
from harness import FLOOR_LIMIT, fmt_time  # noqa: E402

# What limits each tnlite kernel and what would make it faster, keyed by operation name.
# Written from the measurements (see the final section of RESULTS.md); kept beside the code
# that measures them so they are regenerated with every run.
_FROM_DENSE = (
    "`MPS.from_dense` splits an exact near-square cut by QR, a wide cut by eigh of its Gram "
    "matrix, and a tall truncated one by QR and an SVD of R (all left-isometric cores, the "
    "truncation by singular values): 2-3x less work than an SVD at every cut. The floor counts "
    "one Gram GEMM per cut; an exact split also applies the isometry (a second product as large), "
    "so ~2x the floor is this algorithm's own limit, and the three middle cuts (512 x 2048, "
    "1024 x 1024, 2048 x 512: 70-120 ms each, ~80% of the random-state call) run LAPACK's "
    "Householder QR at ~45% of the GEMM peak. On the critical "
    "Ising state, TeNPy's from_full is not exact: it drops s < 1e-16, which shrinks the middle "
    "bonds from 1024 to ~90; tnlite does the same with `cutoff=1e-32` (its own row). "
    "What remains: (1) a cutoff below 1000 eps sends the wide cuts to a plain SVD, since the "
    "Gram route resolves s^2 only to a few eps s_max^2; (2) a noise-level cutoff "
    "(`from_dense_noise_floor` in prototypes.py: drop Gram eigenvalues below m eps w_max, which "
    "the Gram route cannot resolve anyway) took ~19 ms against the exact call's ~340 ms on the Ising "
    "state, with bond 17 and a reconstruction error of 1.2e-8: a candidate opt-in, not a "
    "default, since an exact call promises to keep every direction; (3) the complex Gram product "
    "copies M.conj() (~25% of the max_bond = 64 call on a complex state): a direct zherk would "
    "avoid it."
)
ADVICE = {
    "dense -> MPS (random)": _FROM_DENSE,
    "dense -> MPS (critical Ising)": _FROM_DENSE,
    "entropies at all cuts (dense)": (
        "`tensors.entropy_profile` (two Gram matrices and partial traces) is the fast path: its "
        "cost is one GEMM of the state with itself (the floor counts exactly that) plus small "
        "eigvalsh. The per-cut `tensors.entanglement_entropy` diagonalises the smaller side's Gram "
        "matrix too (eigvalsh, ~3x faster than the SVD it used before), so the per-cut row redoes "
        "that GEMM 19 times; `schmidt_values`/`schmidt_rank` keep the SVD, which resolves small "
        "singular values."
    ),
    "MPS overlap <a|b>": (
        "`MPS.overlap` runs two GEMMs per site on reshaped views (the transposes are BLAS flags): "
        "0.77x the time of the two tensordots it replaced (A/B in one process, thread CPU time, 11 "
        "rounds). Both GEMMs run at ~50 GFLOP/s here; what is left (~1.3x the kernel floor) is per-site "
        "Python and the small bonds at the chain's ends."
    ),
    "MPS left-canonical QR sweep": (
        "`MPS.canonicalize` calls LAPACK directly on fresh products: from 64 columns the blocked "
        "geqrt + gemqrt (128 against 159 µs for geqrf + orgqr at 128 x 64, which run unblocked below "
        "LAPACK's crossover of 128 columns), and R goes into the next core by trmm, which reads R's "
        "triangle in place (no triu copy, half a GEMM's multiplications), before Q is formed: 0.83x "
        "the time of the geqrf + orgqr + triu + GEMM sweep (A/B, thread CPU time). The QR is the "
        "floor-setter: LAPACK's Householder QR of 128 x 64 runs at ~20 GFLOP/s here (its panels are "
        "level-2 BLAS), so the sweep sits near its kernel floor. CholeskyQR2 (GEMM, Cholesky, "
        "triangular solve) was no faster with OpenBLAS's small syrk/trsm (179 against 167 µs) and "
        "loses orthogonality on ill-conditioned cores."
    ),
    "MPS batched amplitudes": (
        "Chunk the batch: the (B, d, chi) product of each site leaves the cache at B = 10,000. "
        "Measured (one thread): the same code over chunks of 2048 samples 70 ms against 151 ms "
        "(2.2x); for d = 2, splitting each chunk by the site's physical value with a boolean mask "
        "(one GEMM per value, no wasted half) 64 ms (2.4x). Both keep the result to 1e-12."
    ),
    "deep ConvAC forward": (
        "`ConvAC.score` reads layer 0's inputs where they lie in X (BLAS takes the strided rows; the "
        "gathered, transposed copy it replaced cost ~40% of the pass), runs batch chunks sized so that "
        "one position's (b, r) activations fill the L1 cache (256 samples at r = 16: measured best at "
        "r = 8, 16, 32), and pools in place: 0.71x the time of the previous pass (A/B, thread CPU "
        "time), bit-identical. What is left is three kernels numpy cannot do faster (the kernel "
        "table): the K = M = 4 GEMMs of layer 0, the 16 x 16 GEMMs (~50 GFLOP/s in cache, ~90% of "
        "the peak) and the product pooling, an elementwise multiply at numpy's ~3 G products/s; "
        "layer 0 runs slower in the pass than in cache since X (82 MB) streams from memory. Stacking "
        "positions into one large GEMM was slower (its operands leave the cache), and the Khatri-Rao "
        "fusion of layer 0 with the first pooling (one K = M^2 GEMM) loses to the outer products it "
        "needs (numpy loops of length M). float32 would roughly halve it (the torch float32 row)."
    ),
    "deep ConvAC 2D forward": (
        "As the 1D pass, with the 2x2 windows: layer 0 reads X through a view whose axes, the grid's "
        "row and column bits interleaved, run over the positions in Z order (no gathered copy: 0.72x "
        "the time of the previous pass). Each window pools four positions, so the product pooling "
        "(three multiplies per pooled vector, at numpy's elementwise rate) weighs more than in 1D, "
        "and the GEMMs of the layers above 0 fewer: the kernel table names the largest term."
    ),
    "shallow ConvAC / CP forward": (
        "`ShallowConvAC.score` and `CP.score` share one kernel: the N convs as stacked GEMMs on X read "
        "in place, then the product over positions by pairwise halving (log2 N numpy calls instead of "
        "N), block by block of positions whose (G, b, r) products fill the L2 cache: 0.41x (shallow) "
        "and 0.62x (CP) the time of the previous passes. Its flops are few (N r products per sample "
        "after layer 0), so the floor is low and the product over positions, at numpy's elementwise "
        "rate, is the largest term."
    ),
    "RAC forward (depth 1)": (
        "`RAC.score` writes every step's products into three reused (b, R) buffers, reads each step's "
        "inputs where they lie in X (no position-major copy), and sizes its batch chunks so that those "
        "buffers fill a quarter of the L2 cache (682 samples at R = 16: measured best at R = 8, 16, 32): "
        "0.63x the time of the previous pass (A/B, thread CPU time). The per-step GEMMs have inner "
        "dimension R = 16 and M = 4, and the elementwise product runs at numpy's rate: it sits near "
        "its kernel floor. Projecting all inputs at once, or 16 steps at once, was no faster (the "
        "projections leave the cache). Only float32 or a compiled kernel would help."
    ),
    "RAC forward (depth 2)": (
        "As depth 1 (the same buffers and chunks); each upper layer adds two 16 x 16 GEMMs and a "
        "product per step."
    ),
    "overlapping ConvAC forward": (
        "`OverlappingConvAC.score` runs the same position-major layout as the deep ConvAC: per layer, K "
        "stacked matmuls on contiguous slices of positions (views, no gather) multiplied in place; layer "
        "1 reads X in place, batch chunks are sized from the L1 cache and the last product runs by "
        "pairwise halving: 0.63x the time of the pass with a transposed copy of X, chunks of 512 and "
        "np.prod (A/B, thread CPU time). What is left is numpy's per-position small GEMMs (4 x 16 and "
        "16 x 16 weights, 254 positions: layer 1's, with inner dimension M = 4 and X read K times, run "
        "at ~10 GFLOP/s) and the products. One GEMM per input position for all K offsets ((16 x 48) "
        "weights) was 2.5x slower: its products then run on strided 16-wide slices. A compiled kernel "
        "would help; float32 would first need a rescaled product (the N = 256 scores, ~1e-80, are below "
        "its range)."
    ),
    "deep ConvAC training step": (
        "`ConvAC.vjp(log=True)` keeps the rescaled forward pass of each chunk of 512 samples and runs the "
        "backward pass in the same (n, B, c) layout with out= products (no temporaries). Per vector rescaling "
        "is one einsum for the squared norms (a max over the 16 channels was 3-5x slower and half the step); "
        "what remains is the forward pass twice as expensive as the plain one plus the backward GEMMs. "
        "Measured 0.9-1.07x torch autograd over two runs (1.7x before the einsum and the out= products)."
    ),
    "RAC training step (depth 1)": (
        "`RAC.vjp(log=True)` stores the rescaled states, the two factors of each step and the step's scale, "
        "then runs backpropagation through time with small (b, R) GEMMs; 0.75-0.81x torch autograd."
    ),
    "deep ConvAC log-domain forward": (
        "`log_abs_score` rescales every conv output and every pooled product by its norm (one einsum and one "
        "multiply each): about 3x the plain forward pass (452 against 155 ms of CPU at N = 256, B = 10,000, "
        "one thread); rescaling only after the conv (not after a pooling of two unit vectors) would save about "
        "a third, at the price of relying on products of unit vectors staying above 1e-308."
    ),
    "exact-energy gradient step (deep ConvAC)": (
        "The floor counts only reading the 2^N one-hot inputs once, which this route never does: "
        "`vmc.energy_gradient` contracts the tree to all 65,536 amplitudes and back (tnlite._grad_dense; "
        "widths 2-10, so broadcast products at numpy's elementwise rate, not GEMMs), applies the sparse H "
        "(N + 1 entries a row) and checks H's symmetry by two matvecs. Building the one-hot inputs it "
        "never reads was 34 of 36 ms of the step until it got a zero-stride placeholder."
    ),
    "exact-energy gradient step (RBM)": (
        "As for the deep ConvAC: the floor counts reading the inputs, which the route never does. "
        "What remains is the RBM's log-amplitudes of all 2^N spins (a (2^N, N) x (N, 24) GEMM, then "
        "log cosh over 2^N x 24 entries at numpy's transcendental rate) and their gradient: most of "
        "the step, the rest H and its symmetry check."
    ),
    "min cut, binary tree": (
        "scipy's maximum_flow is already ~20x faster than networkx; the remaining cost is the "
        "Python loops that build the node index and capacity lists. For trees, a level-by-level "
        "dynamic programme (prototyped before the project at 0.19 ms) would be faster still."
    ),
    "Ising H build (sparse)": (
        "`spins.tfim_hamiltonian` writes all N spin flips in one broadcast XOR and the Z Z diagonal "
        "as one popcount (`np.bitwise_count`) of x XOR (x shifted by a site): 3x faster at N = 20 "
        "than the per-site loop it replaced, bit-identical. What remains is writing 2^N (N + 1) "
        "column indices and values and scipy's CSR constructor checks; the floor counts only the "
        "bytes of the finished matrix."
    ),
    "Ising ground state (eigsh)": (
        "Same algorithm as quimb (scipy's eigsh: quimb's SCIPY backend, slepc4py not installed), "
        "run here with the same tol (1e-10) and start vector. The floor counts only streaming H "
        "once per matvec; ARPACK's reorthogonalisation against up to 20 Lanczos vectors costs "
        "about as much again (at N = 18: 151 matvecs of 5 ms in a 2.1 s solve). The Hermiticity "
        "check is now two matvecs (u^H (H - H^H) v for fixed random u, v) instead of building "
        "H - H^H (0.4-2.6 s at N = 20 before, 0.09 s now). The matrix-free `spins.tfim_operator` "
        "applies H 1.5x faster than the CSR matrix (3.1 against 4.6 ms at N = 18, one thread) in "
        "1/30 of the memory, but the solve is only ~5% faster with it (1.41 against 1.49 s): "
        "the Lanczos work dominates."
    ),
    "exact rank mod p": (
        "`tensors.rank_mod_p` eliminates over column panels on float64 BLAS (exact: residues "
        "|x| <= p/2 + 2, reduced mod p before a sum could pass 2^53) and finds each panel's pivots "
        "by a Gauss-Jordan step per pivot in int64. At 256 x 256 those 256 Python steps (~8 us "
        "each, numpy call overhead) are most of the time, so python-flint's compiled elimination "
        "is faster there; from ~350 on the matrix products dominate and tnlite is faster. Only a "
        "compiled pivot loop would close the small-size gap: a numba prototype of the loop took "
        "1.64 ms against 3.34 ms (python-flint 2.25 ms), but numba is not a dependency of the "
        "course (benchmarks/README.md has the variants tried, in numpy and compiled)."
    ),
}


# Peer sides left out on purpose (the rows above say what each peer that is there does).
NOT_MEASURED = [
    "TeNPy at max_bond = 64: `MPS.from_full` has no bond limit (only an absolute cutoff); "
    "truncating would be a separate compression step, i.e. other work.",
    "TeNPy for the Ising build and ground state: its models build MPOs, and its exact "
    "diagonalisation (`ExactDiag`) holds the Hamiltonian as dense charge blocks (`full_H`, used "
    "by `sparse_diag` too; 2^15 x 2^15 per parity block at N = 16 is 8 GB, capped by its "
    "max_size of 2e6 entries); its ground-state route is DMRG, other work than a sparse eigsh.",
    "Batched amplitudes in quimb and TeNPy: quimb's `MatrixProductState.amplitude` takes one "
    "configuration per call (timed on 100 and scaled, as the table says); no batched form of either "
    "was used; torch, written with tnlite's layout, is the batched peer.",
    "Deep ConvAC / RAC in quimb or TeNPy: no such networks there; torch is the peer.",
    "torch float32 for the shallow ConvAC and the depth-2 RAC: their scores (~1e-56 at N = 256; ~1e-80 "
    "at N = 32, depth 2) are below float32's range. The depth-2 RAC runs 8x shorter sequences, 8x more "
    "of them: at N = 64 its scores already leave float64's range (their logs grow like t^2).",
    "galois above 256 x 256 for the exact rank: its row reduction took 16.6 s at 1,024 x 1,024 (one "
    "run, against 0.11 s at 256; ~n^3, so ~18 min at 4,096); python-flint is the peer there.",
    "torch float32 for the overlapping ConvAC: its scores at N = 256 are ~1e-80 (a global product "
    "over 252 positions of unit-size factors), below float32's range.",
    "Min cut in quimb/TeNPy: none; networkx's `minimum_cut` (preflow-push) is the peer.",
    "tnlite via MPS for all-cut entropies (`MPS.from_dense(A).entropies()`): the TT-SVD is "
    "timed in the dense -> MPS rows; left out here to keep `make bench` under 5 minutes.",
]


def cases(quick):
    import ops
    import ops_models
    import ops_vmc

    yield lambda: ops.case_from_dense("random", None, quick)
    yield lambda: ops.case_from_dense("random", 64, quick)
    yield lambda: ops.case_from_dense("critical Ising", None, quick)
    yield lambda: ops.case_from_dense("critical Ising", 64, quick)
    yield lambda: ops.case_entropies(quick)
    yield lambda: ops.case_overlap(quick)
    yield lambda: ops.case_canonicalize(quick)
    yield lambda: ops.case_amplitudes(quick)
    yield lambda: ops_models.case_convac(quick)
    yield lambda: ops_models.case_convac(quick, "2d")
    yield lambda: ops_models.case_convac(quick, "shallow")
    yield lambda: ops_models.case_rac(quick)
    yield lambda: ops_models.case_rac(quick, depth=2)
    yield lambda: ops_models.case_overlapping(quick)
    yield lambda: ops_models.case_convac_train(quick)
    yield lambda: ops_models.case_rac_train(quick)
    yield lambda: ops_models.case_log_forward(quick)
    yield from ops_vmc.cases(quick)
    yield lambda: ops.case_mincut(quick)
    for N in ((10, 14) if quick else (16, 20)):
        yield lambda N=N: ops.case_ising_build(N, quick)
    for N in ((10, 14) if quick else (16, 20)):
        yield lambda N=N: ops.case_ising_ground(N, quick)
    import ops_exact

    for m, n, k in ops_exact.cases(quick):
        yield lambda m=m, n=n, k=k: ops_exact.case_rank_mod_p(m, n, k)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    p.add_argument("--only", default="", help="run only operations whose name contains this")
    p.add_argument("--no-course", action="store_true", help="skip lessons and widgets")
    p.add_argument("--output", default=None, help="where to write the markdown report")
    p.add_argument("--machine", default=None,
                   help="name of this machine's results file (default: from CPU model, cores, BLAS kernel, caches)")
    p.add_argument("--threads", type=int, default=1,
                   help="BLAS/OpenMP/torch threads per library (default 1; 0 = the libraries' own "
                        "defaults, all cores). With all cores, numpy's and scipy's OpenBLAS pools and "
                        "torch's OpenMP pool in one process steal the 2 cores from each other: torch "
                        "timings then scatter over 10-400x their minimum")
    args = p.parse_args(argv)
    partial = args.quick or args.only or args.threads != 1
    out_path = args.output or (os.path.join(HERE, "_out/RESULTS-partial.md") if partial else None)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    t_start = time.perf_counter()
    log = lambda s: print(s, flush=True)  # noqa: E731

    # machine
    import ops  # noqa: F401  (imports peers lazily; loads numpy/scipy BLAS now)
    import scipy.linalg  # noqa: F401  load scipy's OpenBLAS so threadpoolctl sees it

    torch = ops.peer("torch")
    _limits = None
    if args.threads:
        import threadpoolctl

        _limits = threadpoolctl.threadpool_limits(args.threads)  # kept alive for the whole run
        if torch is not None:
            torch.set_num_threads(args.threads)
    load_start = harness.load_average()
    cpu = harness.cpu_info()
    log(f"== load average at start (other processes on this machine): {load_start}")
    log(f"== machine: {cpu['model']}, {cpu['nproc']} logical CPUs (affinity {cpu['affinity']}), "
        f"avx2={cpu['avx2']} avx512f={cpu['avx512f']}")
    blas = harness.blas_info()
    for line in blas:
        log(f"   {line}")
    kernel = harness.blas_kernel()
    caches = (ops.tnlite_module("_linalg").cache_bytes(1), ops.tnlite_module("_linalg").cache_bytes(2))
    machine = args.machine or machines.machine_id(cpu, kernel, caches)
    log(f"== BLAS kernel numpy runs here: {kernel}; L1d {caches[0] // 1024} KiB, L2 {caches[1] // 1024} KiB "
        f"(tnlite's batch chunks follow these); results file: {machine}")
    log("== measuring the GEMM peak (2048^3 float64, and float32) and copy bandwidth ...")
    n_peak = 1024 if args.quick else 2048
    peak64, _ = harness.matmul_peak(n_peak, np.float64)
    peak32, _ = harness.matmul_peak(n_peak, np.float32)
    bw = harness.copy_bandwidth()
    log(f"   float64 {peak64 / 1e9:.1f} GFLOP/s, float32 {peak32 / 1e9:.1f} GFLOP/s, copy {bw / 1e9:.1f} GB/s")
    vers = harness.versions(["numpy", "scipy", "tnlite", "quimb", "tenpy", "torch", "networkx", "numba", "flint",
                             "galois"])
    log("   " + ", ".join(f"{k} {v}" for k, v in vers.items()))

    # operations
    rows = []
    for build in cases(args.quick):
        try:
            case = build()
        except Exception as exc:
            log(f"!! could not set up a case: {type(exc).__name__}: {exc}")
            continue
        if args.only and args.only.lower() not in case.op.lower():
            continue
        log(f"== {case.op} [{case.size}]  ({time.perf_counter() - t_start:.0f} s so far)")
        if isinstance(case, harness.Row):
            log(f"   {case.status}")
            rows.append(case)
            continue
        row = harness.run_case(case, log=log)
        if row.status == "ok":
            log(f"   check: {row.check}; max diff {max(row.diffs.values(), default=0):.1e} "
                f"(tolerance {row.rtol:.0e}); tnlite / best peer = "
                + (f"{row.ratio():.2f}" if row.ratio() is not None else "no peer"))
        rows.append(row)
    # the machine is shared: measure the peak again and keep the better of the two readings
    p2, _ = harness.matmul_peak(n_peak, np.float64)
    bw2 = harness.copy_bandwidth()
    log(f"== GEMM peak again at the end: {p2 / 1e9:.1f} GFLOP/s (start {peak64 / 1e9:.1f}); copy {bw2 / 1e9:.1f} GB/s")
    peak64, bw = max(peak64, p2), max(bw, bw2)
    table = harness.format_table(rows, peak64, bw)
    t_ops = time.perf_counter() - t_start

    # the course
    lessons, panels = [], []
    if not args.no_course and not args.only:
        import course

        log("== lessons (nbclient) ...")
        lessons = course.time_lessons(log=log)
        log("== widget panels (20 control changes each) ...")
        try:
            panels = course.time_widgets(log=log)
        except Exception as exc:
            log(f"!! widgets: {type(exc).__name__}: {exc}")
    total = time.perf_counter() - t_start

    print()
    print(table)
    print(f"\n(operations {t_ops:.0f} s, total {total:.0f} s)")
    print(f"\nmachine: {cpu['model']}, {cpu['nproc']} logical CPUs; BLAS kernel: {kernel}; "
          f"GEMM peak {peak64 / 1e9:.1f} GFLOP/s float64")
    flagged = [r for r in rows if r.status == "ok" and (harness.floor_ratio(r, peak64, bw) or 0) > FLOOR_LIMIT]
    print(f"rows above {FLOOR_LIMIT:g}x their hardware floor: {len(flagged) or 'none'}")
    for r in flagged:
        print(f"  - {r.op} [{r.size}]: {harness.floor_ratio(r, peak64, bw):.1f}x. "
              + (kernel_reason(r, peak64) or "(no kernel terms: the report's last section says what limits it)"))
    loads = (load_start, harness.load_average())
    facts = dict(cpu=cpu, blas=blas, kernel=kernel, caches=caches, machine=machine, vers=vers, peak64=peak64,
                 peak32=peak32, bw=bw, torch_threads=torch.get_num_threads() if torch else None, loads=loads)
    report = render(rows, table, facts, lessons, panels, args, total)
    paths = [out_path] if out_path else write_results(rows, report, facts)
    if out_path:
        os.makedirs(os.path.dirname(out_path), exist_ok=True)
        with open(out_path, "w") as f:
            f.write(report)
    print("wrote " + ", ".join(os.path.relpath(q, ROOT) for q in paths))
    bad = [r for r in rows if r.status.startswith(("MISMATCH", "ERROR"))]
    return 1 if bad else 0


def browser_section():
    """The real-browser panel latencies written by tests/test_browser.py, with their date."""
    import course

    found = course.browser_latency()
    if found is None:
        return ("Real-browser panel latency: not measured in this run's tree. tests/test_browser.py (part of "
                "`make test`) moves each lesson's panel in JupyterLab in headless Chromium and writes "
                f"`{os.path.relpath(course.BROWSER_LATENCY, ROOT)}`; run it before `make bench` to have the table here.\n")
    text, stamp = found
    return ("Real-browser panel latency, key press to the panel's new image in JupyterLab (headless Chromium), "
            f"as tests/test_browser.py measured it on {stamp} (read from "
            f"`{os.path.relpath(course.BROWSER_LATENCY, ROOT)}`, not re-measured by `make bench`: the browser "
            "test starts the lab the way a student does, and its table is copied as it stands):\n\n" + text + "\n")


def panel_status(status, med, worst):
    """The status column of a panel: its own failure, else where it stands against 100 ms."""
    if status != "ok" or med is None:
        return status
    if med > 0.1:
        return "**over budget** (median)"
    return "ok" if worst <= 0.1 else "ok (median; one update over)"


def write_results(rows, report, facts):
    """A full run: this machine's report and record in results/, then RESULTS.md from every record."""
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    cpu = facts["cpu"]
    record = {"generated": now, "load": list(facts["loads"]), "versions": facts["vers"],
              "machine": {"id": facts["machine"], "cpu": cpu["model"], "nproc": cpu["nproc"],
                          "avx2": cpu["avx2"], "avx512f": cpu["avx512f"], "blas_kernel": facts["kernel"],
                          "peak_gflops": facts["peak64"] / 1e9, "copy_gbs": facts["bw"] / 1e9,
                          "l1": facts["caches"][0], "l2": facts["caches"][1]},
              "rows": [machines.row_record(r, facts["peak64"], facts["bw"], harness.blas_floor) for r in rows]}
    json_path = machines.save(record)
    md_path = json_path[:-len(".json")] + ".md"
    with open(md_path, "w") as f:
        f.write(report)
    index = os.path.join(HERE, "RESULTS.md")
    with open(index, "w") as f:
        f.write(machines.render_index(machines.load_all(), FLOOR_LIMIT))
    return [md_path, json_path, index]


def kernel_reason(row, peak):
    """One measured line: the floor the kernel rates allow on tnlite's shapes, and its largest term."""
    floor = row.kernel_floor()
    if not floor:
        return ""
    _, ours = row.tnlite_best()
    label, _, unit, rate, share, seconds = max(kernels.describe(row.terms, peak), key=lambda d: d[-1])
    speed = (f"{rate / 1e9:.1f} GFLOP/s, {share:.0%} of the 2048^3 peak" if unit == "flop"
             else f"{rate / 1e9:.2f} G products/s")
    return (f"At the rates BLAS/LAPACK reach on tnlite's own shapes here the floor is {fmt_time(floor)} and "
            f"tnlite takes {ours.median / floor:.1f}x that; its largest term is {label}: {fmt_time(seconds)} "
            f"at {speed}.")


def kernel_table(rows, peak):
    """Markdown: every term of every row with terms, its kernel's rate here, and the kernel floor."""
    L = ["| operation | term | kernel (one call, as tnlite makes it) | rate here | of the GEMM peak | "
         "time at that rate |", "|---|---|---|---|---|---|"]
    for r in rows:
        if r.status != "ok" or not r.terms:
            continue
        first = True
        for t, (label, _, unit, rate, share, seconds) in zip(r.terms, kernels.describe(r.terms, peak)):
            shape = t.parts[0][1].label + (f" (+{len(t.parts) - 1} more shapes)" if len(t.parts) > 1 else "")
            speed = f"{rate / 1e9:.1f} GFLOP/s" if unit == "flop" else f"{rate / 1e9:.2f} G products/s"
            L.append(f"| {r.op + ' [' + r.size + ']' if first else ''} | {label} | {shape} | {speed} | "
                     f"{f'{share:.0%}' if share is not None else '—'} | {fmt_time(seconds)} |")
            first = False
        _, ours = r.tnlite_best()
        floor = r.kernel_floor()
        L.append(f"|  | **kernel floor** |  |  |  | **{fmt_time(floor)}** (tnlite {ours.median / floor:.1f}x) |")
    return "\n".join(L)


def render(rows, table, facts, lessons, panels, args, total):
    cpu, blas, vers, peak64, peak32, bw = (facts[k] for k in ("cpu", "blas", "vers", "peak64", "peak32", "bw"))
    torch_threads, loads = facts["torch_threads"], facts["loads"]
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    L = []
    L.append(f"# Benchmarks on {cpu['model']} ({facts['kernel']}): tnlite against quimb, TeNPy, torch (CPU) and networkx\n")
    L.append(f"These numbers come from one machine: **{cpu['model']}**, {cpu['nproc']} logical CPUs, numpy's BLAS "
             f"**{facts['kernel']}**, L1d {facts['caches'][0] // 1024} KiB and L2 {facts['caches'][1] // 1024} KiB "
             f"per core (results file `{facts['machine']}`); other machines' are beside them in "
             "[`../RESULTS.md`](../RESULTS.md).\n")
    L.append(f"Generated by `make bench` (`benchmarks/run.py{' --quick' if args.quick else ''}`) on {now}; "
             f"the whole run took {total:.0f} s. Each implementation: one warm-up (which is also the "
             "correctness check: every implementation's output is compared with tnlite's within the "
             "stated tolerance *before* anything is timed), then 5 timed repeats: median and "
             "[min .. max]. **tnlite / best peer** below 1 means tnlite is faster. **tnlite / hardware floor** "
             "divides tnlite's median by the time the operation's estimated flops need at the measured "
             "GEMM peak (or its bytes at the measured copy bandwidth, whichever is larger): a lower bound "
             f"no implementation beats, so 1x is perfect; above {FLOOR_LIMIT:g}x it is marked, and the "
             "section on kernel rates below says what the BLAS of this machine reaches on tnlite's shapes.\n")
    L.append("## Machine\n")
    L.append(f"- CPU: {cpu['model']}; {cpu['nproc']} logical CPUs (affinity {cpu['affinity']}); "
             f"AVX2 {cpu['avx2']}, AVX-512F {cpu['avx512f']}; L1d {facts['caches'][0] // 1024} KiB, "
             f"L2 {facts['caches'][1] // 1024} KiB (read by tnlite for its batch chunks)")
    L.append(f"- BLAS kernel numpy runs: {facts['kernel']}")
    L.append(f"- measured GEMM peak (numpy matmul, {2048 if not args.quick else 1024}^3, "
             f"{args.threads or 'default'} thread(s), the better of a reading at the start and at the end): "
             f"**{peak64 / 1e9:.1f} GFLOP/s float64**, {peak32 / 1e9:.1f} GFLOP/s float32; "
             f"copy bandwidth {bw / 1e9:.1f} GB/s (read + write)")
    L.append("- BLAS libraries loaded in the process (threadpoolctl):")
    for line in blas:
        L.append(f"  - {line}")
    L.append(f"- threads: {'every library limited to ' + str(args.threads) + ' (--threads, via threadpoolctl and torch.set_num_threads: with their own defaults, the three thread pools in one process steal the cores from each other and torch timings scatter over 10-400x); ' if args.threads else 'the libraries own defaults (--threads 0); '}"
             f"torch.get_num_threads() = {torch_threads}; environment "
             + ", ".join(f"{k}={v}" for k, v in harness.thread_env().items()))
    L.append(f"- load average (1, 5, 15 min) at the start of the run: {loads[0]}; at the end: {loads[1]} "
             f"(other processes sharing the {cpu['nproc']} cores inflate and scatter the timings)")
    L.append("- versions: " + ", ".join(f"{k} {v}" for k, v in vers.items()))
    L.append("- numpy and scipy each carry their own OpenBLAS; with two threads, LAPACK-heavy "
             "timings are bimodal from process to process (measured before the project started): compare ratios "
             "within one run.\n")
    L.append("## Results\n")
    L.append(table + "\n")
    L.append("### Correctness checks and notes\n")
    for r in rows:
        if r.status != "ok":
            L.append(f"- **{r.op} [{r.size}]**: {r.status}")
            continue
        diffs = ", ".join(f"{k} {v:.1e}" for k, v in r.diffs.items() if not k.startswith("tnlite") or v)
        L.append(f"- **{r.op} [{r.size}]**: check = {r.check}, tolerance {r.rtol:.0e}; differences: {diffs or 'n/a'}")
        for k, note in r.notes.items():
            L.append(f"  - {k}: {note}")
    L.append("")
    L.append("### Not measured, and why\n")
    missing = [r for r in rows if r.status.startswith("not measured")]
    for r in missing:
        L.append(f"- {r.op} [{r.size}]: {r.status}")
    for line in NOT_MEASURED:
        L.append(f"- {line}")
    L.append("")
    L.append("## What BLAS and LAPACK reach here at tnlite's own shapes\n")
    L.append("The hardware floor counts every flop at the 2048^3 GEMM peak. tnlite's forward passes run "
             "GEMMs whose inner dimension is M = 4 or a width of 16, its QR sweep LAPACK QRs of 128 x 64: "
             "no BLAS reaches the large-matrix rate there. Below, each operation's work split by kernel, "
             "each kernel timed alone at the shape tnlite calls it with (its batch chunk included), data in "
             "cache, best of 5 rounds (`benchmarks/kernels.py`). The **kernel floor** sums work / rate: "
             "what tnlite would take with no overhead between calls. A row far above its hardware floor "
             "but near its kernel floor is limited by the BLAS kernel for its shape, and the largest term "
             "says which.\n")
    L.append(kernel_table(rows, peak64) + "\n")
    L.append("## The course's own speed\n")
    if lessons:
        import course

        L.append(f"Lessons executed top to bottom with {course.kernel_description()}; wall time includes "
                 "the kernel start (~0.6 s), after one untimed kernel has imported the course's stack (a "
                 "run's first kernel can pay one-off costs: a cold file cache, a font cache to build). "
                 "Budget: under 20 s each.\n")
        L.append("| lesson | wall time | slowest cell | status |")
        L.append("|---|---|---|---|")
        for name, wall, slowest, status in lessons:
            L.append(f"| {name} | {wall:.2f} s | {slowest:.2f} s | {status} |")
        L.append("")
        over = [name for name, wall, _, _ in lessons if wall > 20]
        L.append(("Over the 20 s budget: " + ", ".join(over) + ".\n") if over else
                 "Every lesson is within the 20 s budget.\n")
    else:
        L.append("Lessons: none found in lessons/ at the time of this run (or skipped with --no-course).\n")
    if panels:
        L.append("Widget panels: every `build_*` in tnlite.widgets built with its defaults, then 20 control "
                 "changes (round-robin over its controls, each between its default and a neighbouring "
                 "value), `panel.last_update_seconds` after each, with the objects alive before the first "
                 "build frozen out of the garbage collector (`gc.freeze()`: the peers this run loaded "
                 "would make each full collection several times longer than in a lesson's kernel). "
                 "Budget: under 100 ms at the defaults.\n")
        L.append("| panel | first build | median update | worst update | changes | status |")
        L.append("|---|---|---|---|---|---|")
        for name, n, med, worst, tb, status in panels:
            L.append(f"| {name} | {fmt_time(tb)} | {fmt_time(med)} | {fmt_time(worst)} | {n} | "
                     f"{panel_status(status, med, worst)} |")
        L.append("")
        slow = [(n, med, worst) for n, _, med, worst, _, _ in panels if med is not None and med > 0.1]
        spiky = [(n, med, worst) for n, _, med, worst, _, _ in panels
                 if med is not None and med <= 0.1 and worst > 0.1]
        if slow:
            L.append("Over the 100 ms budget at the median: "
                     + ", ".join(f"{n} (median {fmt_time(m)}, worst {fmt_time(w)})" for n, m, w in slow)
                     + ". Profiles of these updates (cProfile, one thread) put the time in matplotlib: "
                     "text layout and glyph rendering, then the PNG encode (~11 ms for a 1150 x 480 "
                     "figure). What fixes it: fewer text artists, and restyling artists in place "
                     "rather than recreating them (as `build_convac_partition` does since it went from "
                     "~110 ms to ~55 ms).\n")
        else:
            L.append("Every panel's median update is within the 100 ms budget.\n")
        if spiky:
            L.append("Median within budget but a single update over 100 ms: "
                     + ", ".join(f"{n} (worst {fmt_time(w)})" for n, _, w in spiky)
                     + ". These one-off updates are Python's full garbage collection, not the panel's "
                     "work: they vanished with `gc.disable()` (every worst case then under 80 ms). "
                     "Everything alive before the panels are built (the peers loaded for this run "
                     "included) is frozen out of the collector during these timings (`gc.freeze()`); "
                     "unfrozen, a collection took ~150-220 ms here, and ~45 ms in a tnlite-only "
                     "process like a lesson's kernel.\n")
    else:
        L.append("Widget panels: no `build_*` in tnlite.widgets at the time of this run.\n")
    L.append(browser_section())
    L.append("## Where tnlite is slower than a peer or far from the hardware floor, and what would fix it\n")
    L.append("Prototypes quoted below are in `benchmarks/prototypes.py` (run it to re-time them beside "
             "tnlite; each checks its result against tnlite's first). Their timings are one-thread "
             "runs on this shared machine: trust the ratios more than the milliseconds.\n")
    said = {}
    for r in rows:
        if r.status != "ok":
            continue
        ratio = r.ratio()
        floor = harness.blas_floor(r, peak64, bw)
        _, ours = r.tnlite_best()
        peer_name, _ = r.peer_best()
        gap = ours.median / floor if floor else None
        slow = ratio is not None and ratio > 1.05
        far = gap is not None and gap > 2
        if not (slow or far):
            continue
        what = []
        if slow:
            what.append(f"{ratio:.2f}x the time of {peer_name}")
        if far:
            what.append(f"{gap:.1f}x the hardware floor" + (f" (**over {FLOOR_LIMIT:g}x**)" if gap > FLOOR_LIMIT else ""))
        advice = ADVICE.get(r.op, "")
        if advice in said:
            advice = f"(What would fix it: as for {said[advice]} above.)"
        elif advice:
            said[advice] = f"{r.op} [{r.size}]"
        reason = kernel_reason(r, peak64)
        L.append(f"- **{r.op} [{r.size}]**: tnlite takes {' and '.join(what)}. " + (reason + " " if reason else "") + advice)
    L.append("")
    return "\n".join(L)


if __name__ == "__main__":
    sys.exit(main())
