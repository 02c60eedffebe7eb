"""tnlite.checks: every checker passes the solution, rejects plausible wrong answers with a
specific message, says when a task is not done, and never raises anything but the stub's error."""
import math
import pathlib

import nbformat
import numpy as np
import pytest

import tnlite as tl
from tnlite import checks

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _solutions():
    """The reader's functions as the solution notebooks define them (checker calls left out)."""
    ns = {}
    for path in sorted((ROOT / "solutions").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        code = [cell.source for cell in nb.cells if cell.cell_type == "code"]
        env = {"np": np, "tl": tl}
        exec(compile(code[0], f"{path.name}", "exec"), env)  # the notebook's own imports (e.g. a module alias)
        for source in code:
            if "# BEGIN SOLUTION" in source:
                src = "\n".join(l for l in source.split("\n") if not l.startswith("tl.checks."))
                exec(compile(src, f"{path.name}", "exec"), env, ns)
    return ns


SOL = _solutions()
CHECKERS = {name[len("check_"):]: getattr(checks, name) for name in checks.__all__}


def _verdict(capsys, checker, fn):
    ok = checker(fn)
    return ok, capsys.readouterr().out


def test_every_task_of_the_solutions_has_a_checker_and_back():
    assert set(SOL) == set(CHECKERS)
    for name, checker in CHECKERS.items():
        assert checker.task == name


@pytest.mark.parametrize("task", sorted(CHECKERS))
def test_the_solution_passes(task, capsys):
    ok, out = _verdict(capsys, CHECKERS[task], SOL[task])
    assert ok is True, out
    assert out.startswith(f"Correct: {task} -- ")
    assert out.count("\n") == 1


def _transpose_result(f):
    return lambda *a: np.asarray(f(*a)).T


S = SOL  # short name for the wrong answers below


def _tt_svd_with(max_bond=None, keep="largest", relative=True, complement=False):
    def f(psi, mb=None):
        mb = mb if max_bond is None else max_bond
        cores, rest, dropped = [], psi.reshape(1, -1), 0.0
        for d in psi.shape[:-1]:
            chi = rest.shape[0]
            U, s, Vh = np.linalg.svd(rest.reshape(chi * d, -1), full_matrices=False)
            k = s.size if mb is None else min(mb, s.size)
            idx = np.arange(k) if keep == "largest" else np.arange(s.size - k, s.size)
            dropped += float(np.sum(np.delete(s, idx) ** 2))
            cores.append(U[:, idx].reshape(chi, d, k))
            rest = s[idx, None] * Vh[idx]
        cores.append(rest.reshape(rest.shape[0], psi.shape[-1], 1))
        w = dropped / (np.vdot(psi, psi).real if relative else 1.0)
        return cores, (1 - w if complement else w)
    return f


def _tt_svd_right_to_left(psi, max_bond=None):
    """A valid truncated TT-SVD that sweeps from the last site to the first."""
    cores, rest, dropped = [], psi.reshape(-1, 1), 0.0  # (rest, chi)
    for d in psi.shape[:0:-1]:
        chi = rest.shape[1]
        U, s, Vh = np.linalg.svd(rest.reshape(-1, d * chi), full_matrices=False)
        k = s.size if max_bond is None else min(max_bond, s.size)
        dropped += float(np.sum(s[k:] ** 2))
        cores.insert(0, Vh[:k].reshape(k, d, chi))  # (left, phys, right)
        rest = U[:, :k] * s[:k]  # (rest, left)
    cores.insert(0, rest.reshape(1, psi.shape[0], -1))
    return cores, dropped / np.vdot(psi, psi).real


def _tt_svd_carrying_vh(truncated):
    def f(psi, mb=None):
        cores, rest = [], psi.reshape(1, -1)
        for d in psi.shape[:-1]:
            chi = rest.shape[0]
            U, s, Vh = np.linalg.svd(rest.reshape(chi * d, -1), full_matrices=False)
            k = s.size if mb is None else min(mb, s.size)
            cores.append(U[:, :k].reshape(chi, d, k))
            rest = Vh[:k]  # the singular values are lost here
        cores.append(rest.reshape(rest.shape[0], psi.shape[-1], 1))
        return (cores, 0.0) if truncated else cores
    return f


def _rac_score_with(transposed=False, ignore_h0=False, short=False, additive=False):
    def f(W_H, W_I, h0, W_O, X):
        B, N, M = X.shape
        wh = W_H.T if transposed else W_H
        h = np.broadcast_to(np.ones_like(h0) if ignore_h0 else h0, (B, h0.shape[0]))
        for t in range(N - 1 if short else N):
            u = X[:, t, :] @ W_I.T
            h = h @ wh.T + u if additive else (h @ wh.T) * u
        return h @ W_O
    return f


def _rac_cores_with(transposed=False, raw_h0=False, order=None, no_W_O=False):
    def f(W_H, W_I, h0, W_O, N):
        core = np.einsum("ab,bd->adb" if transposed else "ba,bd->adb", W_H, W_I)
        start = h0 if raw_h0 else W_H @ h0
        first = np.einsum("b,bd->db", start, W_I)[None]
        last = core if no_W_O else core @ W_O[:, None]
        cores = [first] + [core] * (N - 2) + [last]
        return [c.transpose(order) for c in cores] if order else cores
    return f


def _convac_tree_with(leaf_T=True, delta=True, parent_first=False):
    def f(layers, w_out):
        leaves = [W.T if leaf_T else W for W in layers[0]]
        levels = []
        for l in range(1, len(layers)):
            r = layers[l].shape[2]
            eye = np.eye(r) if delta else np.ones((r, r))
            nodes = [np.einsum("ab,ca->abc", eye, W) for W in layers[l]]
            levels.append([n.transpose(2, 0, 1) for n in nodes] if parent_first else nodes)
        r = w_out.shape[0]
        eye = np.eye(r) if delta else np.ones((r, r))
        levels.append([np.einsum("ab,a->ab", eye, w_out)[:, :, None]])
        return leaves, levels
    return f


def _convac_tree_regauged(scale_only):
    """The solution's tree with its internal nodes changed but its tensor the same."""
    def f(layers, w_out):
        leaves, levels = SOL["convac_tree"](layers, w_out)
        levels = [[np.array(t, dtype=float) for t in row] for row in levels]
        rng = np.random.default_rng(0)
        for l in range(len(levels) - 1):  # the bond above node (l, i), into node (l+1, i//2)
            for i, t in enumerate(levels[l]):
                r = t.shape[2]
                G = 3.0 * np.eye(r) if scale_only else rng.standard_normal((r, r)) + 2 * np.eye(r)
                levels[l][i] = t @ G  # (left, right, parent G)
                parent = levels[l + 1][i // 2]
                Ginv = np.linalg.inv(G)
                levels[l + 1][i // 2] = (np.einsum("ab,bjc->ajc", Ginv, parent) if i % 2 == 0
                                         else np.einsum("ab,jbc->jac", Ginv, parent))
        return leaves, levels
    return f


def _convac_halves(layers, w_out):
    T = [W.T for W in layers[0]]
    for l in range(1, len(layers) + 1):
        n = len(T)
        pooled = [(T[i][:, None, :] * T[i + n // 2][None, :, :]).reshape(-1, T[i].shape[1]) for i in range(n // 2)]
        T = [P @ W.T for P, W in zip(pooled, layers[l])] if l < len(layers) else pooled
    M, N = layers[0].shape[2], layers[0].shape[0]
    return (T[0] @ w_out).reshape((M,) * N)


def _changed(task, entries):
    """The solution of a prediction task with some of its entries replaced."""
    return lambda: {**SOL[task](), **entries}


def _mat_sorted(A, rows):
    return S["matricize"](A, sorted(rows))


def _mat_descending_columns(A, rows):
    cols = sorted((j for j in range(A.ndim) if j not in rows), reverse=True)
    return np.transpose(A, list(rows) + cols).reshape(int(np.prod([A.shape[j] for j in rows])), -1)


def _rank_with_tolerance(rule):
    def f(A, rows):
        s = np.linalg.svd(tl.matricize(A, rows), compute_uv=False)
        return int(np.sum(s > rule(s)))
    return f


def _dup_relabelled(rule, reverse_out=False):
    """Exercise 08's duplicated operands with each tensor's labels changed by rule(net, labels)."""
    def f(net):
        ops = S["duplicated_operands"](net)
        out = [x for T, labels in zip(ops[:-1:2], ops[1:-1:2]) for x in (T, rule(net, list(labels)))]
        return out + [ops[-1][::-1] if reverse_out else ops[-1]]
    return f


W00, W01 = checks.HAND_CONVAC["layers"][0]
W_OUT = checks.HAND_CONVAC["w_out"]
HAND_A = np.einsum("c,cd,ce->de", W_OUT, W00, W01)


def _scaled_gradient(net, H, factor):
    E, grads = S["energy_gradient"](net, H)
    return E, [factor * g for g in grads]


def _changed_choice(key, value, scenario="2D lattice, any architecture, F >= 0.99"):
    answer = S["choose_architecture"]()
    return {**answer, scenario: {**answer[scenario], key: value}}


WRONG = [
    # 01
    ("matricize", _transpose_result(S["matricize"]), "rows and columns are swapped"),
    ("matricize", _mat_sorted, "ascending order, not in the order given"),
    ("matricize", lambda A, rows: np.transpose(A, list(rows) + [j for j in range(A.ndim) if j not in rows])
     .reshape(int(np.prod([A.shape[j] for j in rows])), -1, order="F"), "Fortran order"),
    ("matricize", lambda A, rows: A.reshape(int(np.prod([A.shape[j] for j in rows])), -1), "without moving"),
    ("matricize", _mat_descending_columns, "column axes are in descending order"),
    ("contract_chain", lambda A, B, C: np.einsum("ia,ajb,bk->kji", A, B, C), "in the order (k, j, i)"),
    ("contract_chain", lambda A, B, C: np.einsum("ia,ajb,bk->jik", A, B, C), "in the order (j, i, k)"),
    ("contract_chain", lambda A, B, C: np.einsum("ia,ajb,bk->iajbk", A, B, C), "it should have 3"),
    ("contract_chain", lambda A, B, C: np.einsum("ia,ajb,bk->ijk", A, B.conj(), C), "B.conj()"),
    ("contract_chain", lambda A, B, C: np.einsum("ia,ajb,bk->ijk", A, B, C).conj(), "complex conjugate"),
    ("schmidt_rank", lambda A, rows: int(np.sum(np.linalg.svd(tl.matricize(A, rows), compute_uv=False) > 0)),
     "zero up to rounding"),
    ("schmidt_rank", lambda A, rows: int(np.linalg.matrix_rank(A.reshape(tl.matricize(A, rows).shape[0], -1))),
     "without moving the `rows` axes"),
    ("schmidt_rank", lambda A, rows: 2.5, "whole number"),
    ("schmidt_rank", _rank_with_tolerance(lambda s: 0.1 * s[0]), "your tolerance is too large"),
    ("schmidt_rank", _rank_with_tolerance(lambda s: 1e-10), "does not scale with s_max"),
    ("chain_rank_predictions", _changed("chain_rank_predictions", {"i|jk": 4}), "leg i (4)"),
    ("chain_rank_predictions", _changed("chain_rank_predictions", {"j|ik": 10}), "not the cheapest"),
    ("chain_rank_predictions", _changed("chain_rank_predictions", {"j|ik": 2}), "leaves P and Q connected"),
    ("chain_rank_predictions", _changed("chain_rank_predictions", {"ij|k": np.log2(3)}), "in bits"),
    ("chain_rank_predictions", _changed("chain_rank_predictions", {"j|ik": 7}), "more than the rank"),
    ("chain_rank_predictions", lambda: {"i|jk": 2}, "no entry for"),
    # 02
    ("schmidt_probabilities", lambda A, rows: np.linalg.svd(tl.matricize(A, rows), compute_uv=False) ** 2,
     "sum to 9, not 1"),
    ("schmidt_probabilities", lambda A, rows: (lambda s: s / s.sum())(np.linalg.svd(tl.matricize(A, rows), compute_uv=False)),
     "normalised the singular values themselves"),
    ("schmidt_probabilities", lambda A, rows: S["schmidt_probabilities"](A, rows)[::-1], "ascending order"),
    ("entropy_bits", lambda p: S["entropy_bits"](p) * np.log(2), "the value in nats"),
    ("entropy_bits", lambda p: float(-np.sum(np.asarray(p) * np.log2(p))), "0 * log(0) must count as 0"),
    ("entropy_bits", lambda p: -S["entropy_bits"](p), "MINUS"),
    ("entanglement_entropy", lambda A, rows: S["entanglement_entropy"](A, rows) * np.log(2), "value in nats"),
    ("entanglement_entropy", lambda A, rows: S["entropy_bits"](np.linalg.svd(tl.matricize(A, rows), compute_uv=False) ** 2),
     "un-normalised s**2"),
    ("entanglement_entropy", lambda A, rows: (lambda s: S["entropy_bits"](s / s.sum()))(
        np.linalg.svd(tl.matricize(A, rows), compute_uv=False)), "SQUARED singular values"),
    ("entropy_profile", lambda psi: np.array([tl.entanglement_entropy(psi, range(t)) if t else 0.0
                                              for t in range(psi.ndim)]), "including the empty cut"),
    ("entropy_profile", lambda psi: np.array([tl.entanglement_entropy(psi, range(t + 2)) if t + 2 < psi.ndim else 0.0
                                              for t in range(psi.ndim - 1)]), "off by one"),
    ("entropy_profile", lambda psi: S["entropy_profile"](psi) * np.log(2), "in nats"),
    ("entropy_predictions", _changed("entropy_predictions", {"w": 1}), "log2 of the Schmidt rank"),
    ("entropy_predictions", _changed("entropy_predictions", {"ghz": 2}), "the most 2 qubits"),
    ("entropy_predictions", _changed("entropy_predictions", {"bell_across": 2 * np.log(2)}), "in nats"),
    ("entropy_predictions", _changed("entropy_predictions", {"bell_across": 1}),
     "Schmidt probabilities at this cut are (0.25, 0.25, 0.25, 0.25)"),
    # 03
    ("mps_to_dense", lambda cores: S["mps_to_dense"](cores)[None, ..., None], "boundary legs"),
    ("mps_to_dense", lambda cores: S["mps_to_dense"](cores).transpose(), "reverse order"),
    ("mps_to_dense", lambda cores: S["mps_to_dense"](cores).conj(), "complex conjugate"),
    ("tt_svd", lambda psi: [c.transpose(0, 2, 1) for c in S["tt_svd"](psi)], "(left, right, phys)"),
    ("tt_svd", lambda psi: [c.transpose(1, 0, 2) for c in S["tt_svd"](psi)], "(phys, left, right)"),
    ("tt_svd", lambda psi: S["tt_svd"](psi / np.linalg.norm(psi)), "normalised, not psi as given"),
    ("tt_svd", lambda psi: [S["tt_svd"](psi)[0][0]] + S["tt_svd"](psi)[1:], "keep the boundary legs"),
    ("tt_svd", _tt_svd_carrying_vh(truncated=False), "you carried Vh"),
    ("tt_svd_truncated", _tt_svd_with(relative=False), "without dividing by ||psi||^2"),
    ("tt_svd_truncated", _tt_svd_with(complement=True), "1 - (the answer)"),
    ("tt_svd_truncated", _tt_svd_with(keep="smallest"), "keep the LARGEST"),
    ("tt_svd_truncated", lambda psi, mb: _tt_svd_with()(psi, mb + 1), "> max_bond"),
    ("tt_svd_truncated", _tt_svd_carrying_vh(truncated=True), "you carried Vh"),
    ("bond_dimension_predictions", _changed("bond_dimension_predictions", {"ghz": (2, 4, 8, 4, 2)}), "thin SVD"),
    ("bond_dimension_predictions", _changed("bond_dimension_predictions", {"bell_pairs": (1,) * 5}), "cannot hold"),
    ("bond_dimension_predictions", _changed("bond_dimension_predictions", {"ghz": (2,) * 6}), "N-1 = 5 bonds"),
    # 04
    ("hand_min_cuts", lambda: {"left_half": 9, "first_six": 3, "odd_even": 16, "sites_1_2": 4}, "not the smallest"),
    ("hand_min_cuts", lambda: {"left_half": 5, "first_six": 3, "odd_even": 4, "sites_1_2": 4}, "odd_even"),
    ("hand_min_cuts", lambda: {"left_half": 5, "first_six": 3, "odd_even": 16, "sites_1_2": 2}, "the bound in bits"),
    ("hand_min_cuts", lambda: {"left_half": 5}, "no entry for"),
    ("tree_min_cut", lambda d, ks, rows: SOL["tree_min_cut"](10**6, ks, rows), "open leg can be cut too"),
    ("tree_min_cut", lambda d, ks, rows: SOL["tree_min_cut"](d, tuple(ks[1:]) + (1,), rows),
     "shifted by one level"),
    ("tree_min_cut", lambda d, ks, rows: np.log2(SOL["tree_min_cut"](d, ks, rows)), "log2"),
    ("tree_to_dense", lambda leaves, levels: S["tree_to_dense"](leaves, levels)[..., None], "root's parent leg"),
    ("tree_to_dense", lambda leaves, levels: S["tree_to_dense"](
        leaves, [[t.transpose(1, 0, 2) for t in row] for row in levels]), "wrong way round"),
    ("tree_to_dense", lambda leaves, levels: S["tree_to_dense"](leaves, levels).transpose(), "reverse order"),
    ("width_allocation", _changed("width_allocation", {"left_half": (1, 1, 16)}), "over the budget"),
    ("width_allocation", _changed("width_allocation", {"left_half": (2, 2, 8)}), "2 bonds k_1 = 2"),
    ("width_allocation", _changed("width_allocation", {"left_half": (2, 3, 5)}), "the best within the budget is 8"),
    ("width_allocation", _changed("width_allocation", {"odd_even": (1, 3, 8)}), "4 bonds k_0 = 1"),
    ("width_allocation", _changed("width_allocation", {"odd_even": (2, 0, 1)}), "whole numbers >= 1"),
    # 05
    ("hand_coefficient_tensor", lambda: HAND_A + np.array([[0, 1], [0, 0]]), "values differ"),
    ("hand_coefficient_tensor", lambda: np.einsum("cd,ce->de", W00, W01), "left out the output weights"),
    ("hand_coefficient_tensor", lambda: np.einsum("c,dc,ec->de", W_OUT, W00, W01), "(input, output)"),
    ("hand_coefficient_tensor", lambda: HAND_A.T, "you have A transposed"),
    ("hand_coefficient_tensor", lambda: np.einsum("c,cd,ce->de", W_OUT, W01, W00), "swapped the two positions"),
    ("hand_coefficient_tensor", lambda: np.einsum("c,cd,ce->de", W_OUT, W00, W00), "W^(0,0) at both positions"),
    ("convac_coefficient_tensor", _convac_halves, "j + n/2"),
    ("convac_coefficient_tensor", lambda layers, w: S["convac_coefficient_tensor"](layers, w).transpose(),
     "reverse order"),
    ("convac_tree", _convac_tree_with(leaf_T=False), "legs (channel, feature)"),
    ("convac_tree", _convac_tree_with(delta=False), "do not copy (delta)"),
    ("convac_tree", _convac_tree_with(parent_first=True), "TreeTN refuses your parts"),
    ("convac_min_cut_predictions", _changed("convac_min_cut_predictions", {"left_half": 5}), "input leg"),
    ("convac_min_cut_predictions", _changed("convac_min_cut_predictions", {"first_two": 4}), "open legs"),
    ("convac_min_cut_predictions", _changed("convac_min_cut_predictions", {"middle_four": 9}), "input leg"),
    ("convac_min_cut_predictions", _changed("convac_min_cut_predictions", {"odd_even": 2}), "one bond cannot"),
    # 06
    ("rac_score", _rac_score_with(transposed=True), "W_H transposed"),
    ("rac_score", _rac_score_with(ignore_h0=True), "ignore h0"),
    ("rac_score", _rac_score_with(short=True), "one step early"),
    ("rac_score", _rac_score_with(additive=True), "instead of multiplying"),
    ("rac_mps_cores", _rac_cores_with(transposed=True), "W_H[a, b] where W_H[b, a] belongs"),
    ("rac_mps_cores", _rac_cores_with(raw_h0=True), "uses h0 where W_H h0 belongs"),
    ("rac_mps_cores", _rac_cores_with(order=(0, 2, 1)), "(left, right, phys)"),
    ("rac_mps_cores", _rac_cores_with(no_W_O=True), "right leg should be 1"),
    ("rac_min_cut_predictions", _changed("rac_min_cut_predictions", {"middle_four": 3}), "two bonds"),
    ("rac_min_cut_predictions", _changed("rac_min_cut_predictions", {"middle_three": 9}),
     "open legs (2 x 2 x 2 = 8) are cheaper"),
    ("rac_min_cut_predictions", _changed("rac_min_cut_predictions", {"middle_four": 16}), "you cut the open legs"),
    ("rac_min_cut_predictions", _changed("rac_min_cut_predictions", {"first_one": 3}), "open leg (2) is cheaper"),
    ("rac_min_cut_predictions", _changed("rac_min_cut_predictions", {"first_two": 9}), "joined to the rest by ONE bond"),
    ("rac_rank_bounds", lambda N, M, R: [min(R, M**t, M ** (N - t)) for t in range(N)], "N cuts"),
    ("rac_rank_bounds", lambda N, M, R: [min(R, M**t) for t in range(1, N)], "forget the right side"),
    ("rac_rank_bounds", lambda N, M, R: [min(M**t, M ** (N - t)) for t in range(1, N)], "hidden size R"),
    ("rac_rank_bounds", lambda N, M, R: [min(R**2, M**t, M ** (N - t)) for t in range(1, N)], "R**2"),
    ("rac_rank_bounds", lambda N, M, R: [np.log2(min(R, M**t, M ** (N - t))) for t in range(1, N)], "in bits"),
    # 07
    ("layer_allocations", _changed("layer_allocations", {"left_right": (4, 2, 2)}), "min cut 2 across left | right"),
    ("layer_allocations", _changed("layer_allocations", {"even_odd": (2, 4, 8)}), "r_0 must reach M = 4"),
    ("layer_allocations", _changed("layer_allocations", {"even_odd": (8, 4, 2)}), "r_0 = 8 > M = 4 buys no rank"),
    ("which_design_wins", _changed("which_design_wins", {"C": "wide-tip"}), "'global' is not the same as 'entangled'"),
    ("which_design_wins", _changed("which_design_wins", {"B": "wide-tip"}), "only r_0 >= M carries"),
    ("pool_backward", lambda V, dP: np.repeat(dP, 2, axis=0), "as for a sum pooling"),
    ("pool_backward", lambda V, dP: np.stack([dP * V[0::2], dP * V[1::2]], axis=1).reshape(V.shape),
     "multiplied each entry's gradient by itself"),
    # 08
    ("light_cone_rank", lambda N, M, r, K, L: r * M ** (L * (K - 1)), "did not cap the rank by M^(N/2)"),
    ("light_cone_rank", lambda N, M, r, K, L: min(M ** (L * (K - 1)), M ** (N // 2)), "left out the r channels"),
    ("light_cone_rank", lambda N, M, r, K, L: min(r * M ** (L * K), M ** (N // 2)), "L*K inputs wide"),
    ("light_cone_rank", lambda N, M, r, K, L: min(r * M ** ((L - 1) * (K - 1)), M ** (N // 2)), "one layer too narrow"),
    ("light_cone_rank", lambda N, M, r, K, L: min(r * M ** (2 * L * (K - 1)), M ** (N // 2)), "on both sides"),
    ("light_cone_rank", lambda N, M, r, K, L: np.log2(min(r * M ** (L * (K - 1)), M ** (N // 2))), "in bits"),
    ("light_cone_rank", lambda N, M, r, K, L: min(M ** (L * (K - 1)), M ** (N // 2)) if K == 2 else  # "no r" in
     min(r * M ** (L * (K - 1)), M ** (N // 2)) + 1, "values differ"),  # some cases only: no mistake is named
    ("duplicated_operands", lambda net: [net.to_dense(), list(range(net.N)), list(range(net.N))],
     "the network reads it"),
    ("duplicated_operands", _dup_relabelled(lambda net, l: l[::-1] if len(l) == 2 and l[1] < net.N else l),
     "W^(1,j,k) are read with their legs as (in, out)"),
    ("duplicated_operands", _dup_relabelled(lambda net, l: l[::-1] if len(l) == 2 and l[0] == net.N else l),
     "1x1 convs C_j are read with their legs as (in, out)"),
    ("duplicated_operands", _dup_relabelled(lambda net, l: [l[0], 2 * (l[0] - net.N - 1) + net.K - 1 - l[1]]
                                            if len(l) == 2 and l[1] < net.N else l), "offsets run backwards"),
    ("duplicated_operands", _dup_relabelled(lambda net, l: l, reverse_out=True), "inputs in reverse order"),
    ("duplicated_operands", lambda net: S["duplicated_operands"](net)[:-3] + S["duplicated_operands"](net)[-1:],
     "without the readout w_out"),
    ("duplicated_operands", lambda net: S["duplicated_operands"](net)[:-1] + [list(range(net.N - 1))],
     "your output has"),
    ("partition_without_gain", lambda N: list(range(N // 2)), "re-use gains here"),
    ("partition_without_gain", lambda N: [0], "fewer than N/4"),
    ("partition_without_gain", lambda N: [0, 1, N], "not a set of distinct inputs"),
    # 09
    ("hand_bounds", _changed("hand_bounds", {"mera_left_half": 3}), "the bound in bits"),
    ("hand_bounds", _changed("hand_bounds", {"rbm_even_sites": 16}), "2^(units coupled across)"),
    ("hand_bounds", _changed("hand_bounds", {"mera_middle_four": 8}), "smaller than any cut"),
    ("hand_bounds", lambda: {"mera_left_half": 8}, "no entry for"),
    ("hand_bounds", _changed("hand_bounds", {"mera_first_two": True}), "a bool"),
    ("hand_bounds", _changed("hand_bounds", {"mera_middle_two": 2}), "if 2 is the bound in bits"),
    ("rbm_rank_bound", lambda sites, rows: np.log2(S["rbm_rank_bound"](sites, rows)), "the number of bits"),
    ("rbm_rank_bound", lambda sites, rows: sum(1 for u in sites if set(u) & set(rows) and set(u) - set(rows)),
     "the number of units coupled across"),
    ("rbm_rank_bound", lambda sites, rows: 2 ** sum(len(u) for u in sites if set(u) & set(rows) and set(u) - set(rows)),
     "couplings of the crossing units"),
    ("rbm_rank_bound", lambda sites, rows: 2 * 2 ** sum(1 for u in sites if set(u) & set(rows) and set(u) - set(rows)),
     "values differ"),  # two mistakes at once (no cap by the sites read, one too many): none is named
    ("rbm_rank_bound", lambda sites, rows: 2 ** sum(1 for u in sites if set(u) & set(rows)), "touches P"),
    ("rbm_rank_bound", lambda sites, rows: 2 ** sum(1 for u in sites for j in u if j in rows)
     if S["rbm_rank_bound"](sites, rows) > 1 else 1, "couplings, not units"),
    ("rbm_params", lambda N, H, w, grid: S["rbm_params"](N, H, w, grid) - N - H, "biases"),
    ("rbm_params", lambda N, H, w, grid: N + H + (N if w is None else w ** (1 if grid is None else 2)) if H > 1
     else S["rbm_params"](N, H, w, grid), "one unit's weights"),
    ("rbm_params", lambda N, H, w, grid: N + H + H * (N if w is None else w), "window^2"),
    ("deep_rac_bound", lambda l, M, R, L, N: min(R, M**l, M ** (N - l)), "depth-1 (MPS) bound"),
    ("deep_rac_bound", lambda l, M, R, L, N: min(M**l, M ** (N - l), int(np.prod(
        [math.comb(R + D - 1, D) for D in tl.scaling._rac_degrees(L, N - l + 1)], dtype=object))), "off by one"),
    ("choose", _changed("choose", {"critical 1D chain": "MPS"}), "stops growing"),
    ("choose", _changed("choose", {"2D area law": "MERA"}), "no 2D bound for a MERA"),
    ("choose", _changed("choose", {"2D area law": "MPS"}), "the top half"),
    ("choose", _changed("choose", {"2D volume law, fewest parameters": "RBM, full"}), "alpha^2 = 4,096 units"),
    ("choose", _changed("choose", {"2D volume law, fewest parameters": "RBM, local"}), "one shared w x w filter"),
    # 10
    ("fidelity_bound", lambda s, k: np.sort(s)[::-1][:k].sum() / np.sum(s), "singular values, not probabilities"),
    ("fidelity_bound", lambda s, k: 1 - S["fidelity_bound"](s, k), "1 - bound"),
    ("energy_gradient", lambda net, H: _scaled_gradient(net, H, 0.5), "without the factor 2"),
    ("energy_gradient", lambda net, H: _scaled_gradient(net, H, -1.0), "opposite sign"),
    ("choose_architecture", lambda: _changed_choice("rank", 2), "not 2"),
    ("choose_architecture", lambda: _changed_choice("cut", "checkerboard"), "lowest across"),
]


@pytest.mark.parametrize("task, wrong, message", WRONG, ids=[f"{t}-{i}" for i, (t, _, _) in enumerate(WRONG)])
def test_a_wrong_answer_is_rejected_with_a_specific_message(task, wrong, message, capsys):
    ok, out = _verdict(capsys, CHECKERS[task], wrong)
    assert ok is False
    assert out.startswith(f"Not yet: {task}")
    assert message in out, out


def test_every_checker_knows_at_least_two_wrong_answers():
    counts = {task: sum(t == task for t, _, _ in WRONG) for task in CHECKERS}
    assert min(counts.values()) >= 2, counts


def test_messages_name_the_case_and_show_expected_and_got(capsys):
    ok, out = _verdict(capsys, checks.check_entropy_bits, lambda p: 0.5)
    assert not ok
    assert "case 1 of 5 (p=[0.5 0.5])" in out and "expected 1 bits, got 0.5" in out
    ok, out = _verdict(capsys, checks.check_matricize, lambda A, rows: np.zeros((2, 2)))
    assert "the matrix has shape (2, 2), expected (2, 12)" in out
    ok, out = _verdict(capsys, checks.check_mps_to_dense, lambda cores: S["mps_to_dense"](cores) + 1e-3)
    assert "values differ at index (0, 0, 0, 0)" in out and "largest difference 0.001" in out


def _padded_probabilities(A, rows):
    """Eigenvalues of the reduced density matrix of the row side: zeros included, tiny negatives too."""
    m = tl.matricize(A, rows)
    rho = m @ m.conj().T  # (rows, rows)
    return np.linalg.eigvalsh(rho)[::-1] / np.trace(rho).real


RIGHT = [  # right answers by another route or in another gauge: each must pass
    ("schmidt_probabilities", _padded_probabilities, "zeros"),
    ("tt_svd", lambda psi: _tt_svd_right_to_left(psi)[0], "contract back exactly"),
    ("tt_svd_truncated", _tt_svd_right_to_left, "gauge"),
    ("convac_tree", _convac_tree_regauged(scale_only=True), "gauge"),
    ("convac_tree", _convac_tree_regauged(scale_only=False), "gauge"),
]


@pytest.mark.parametrize("task, right, message", RIGHT, ids=[f"{t}-{i}" for i, (t, _, _) in enumerate(RIGHT)])
def test_a_right_answer_by_another_route_or_gauge_passes(task, right, message, capsys):
    ok, out = _verdict(capsys, CHECKERS[task], right)
    assert ok is True, out
    assert message in out, out


def test_the_other_routes_are_really_other_routes():
    """The right answers above differ from the solution where a checker could have compared them."""
    psi = np.random.default_rng(0).standard_normal((2,) * 5)  # two cuts truncate: the sweeps disagree
    (ref, w_ref), (rl, w_rl) = S["tt_svd_truncated"](psi, 2), _tt_svd_right_to_left(psi, 2)
    assert not np.allclose(S["mps_to_dense"](ref), S["mps_to_dense"](rl))  # another truncated state
    assert abs(w_ref - w_rl) > 1e-6  # with another discarded weight
    psi = np.random.default_rng(1).standard_normal((2, 2, 2))
    A = psi.reshape(4, 2)  # rows (0, 1): the row side is larger, so there are padded zeros
    p = _padded_probabilities(psi, (0, 1))
    assert p.shape == (4,) and np.allclose(p[2:], 0, atol=1e-14)
    assert np.allclose(p[:2], np.linalg.svd(A, compute_uv=False) ** 2 / np.sum(A**2))
    layers = [np.random.default_rng(2).standard_normal((4, 2, 2)), np.random.default_rng(3).standard_normal((2, 3, 2))]
    w = np.ones(3)
    _, ref = S["convac_tree"](layers, w)
    for f in (_convac_tree_regauged(True), _convac_tree_regauged(False)):
        _, levels = f(layers, w)
        assert not np.allclose(levels[0][0], ref[0][0])
        assert np.allclose(tl.TreeTN(*f(layers, w)).to_dense(), tl.TreeTN(*S["convac_tree"](layers, w)).to_dense())


def _stub(*args):
    raise NotImplementedError("`f` is not written yet")


def _frames(tb):
    while tb is not None:
        yield tb.tb_frame
        tb = tb.tb_next


@pytest.mark.parametrize("task", sorted(CHECKERS))
def test_a_stub_raises_its_own_error_with_the_checker_hidden(task, capsys):
    with pytest.raises(NotImplementedError, match="^`f` is not written yet$") as info:
        CHECKERS[task](_stub)
    assert capsys.readouterr().out == ""  # the stub's message says it all, once
    frames = list(_frames(info.tb))[1:]  # after this test's own frame
    assert frames[-1].f_code is _stub.__code__  # raised from the reader's function...
    inside = [f for f in frames if "tnlite" in f.f_code.co_filename]
    # ...through one frame of the checker, marked hidden for IPython and pytest
    assert len(inside) == 1 and inside[0].f_locals.get("__tracebackhide__") is True, \
        [f.f_code.co_filename for f in frames]


def _raises(*args):
    return 1 / 0


@pytest.mark.parametrize("answer, message", [
    (_raises, "your function raised ZeroDivisionError: division by zero"),
    (lambda *a: None, "Not yet"),
    (lambda *a: "a string", "Not yet"),
    (lambda *a: [[1, 2], [3]], "Not yet"),
    (lambda *a: (_ for _ in ()).throw(KeyError("x")), "KeyError"),
    (42, "pass your function itself"),
])
@pytest.mark.parametrize("task", sorted(CHECKERS))
def test_a_strange_answer_never_crashes_a_checker(task, answer, message, capsys):
    ok, out = _verdict(capsys, CHECKERS[task], answer)
    assert ok is False
    assert message in out, out


def test_a_checker_does_not_let_the_reader_change_its_cases(capsys):
    def vandal(A, rows):
        out = S["matricize"](A, rows).copy()
        A[...] = 0  # writes into the array it was given
        return out

    ok, out = _verdict(capsys, checks.check_matricize, vandal)
    assert ok, out


# The checkers' own reference computations agree with the library they stand in for.
from hypothesis import given, settings, strategies as st  # noqa: E402


@given(shape=st.lists(st.integers(1, 3), min_size=1, max_size=4), data=st.data())
def test_the_reference_matricization_is_the_librarys(shape, data):
    A = np.arange(np.prod(shape), dtype=float).reshape(shape)
    rows = data.draw(st.permutations(range(len(shape))).map(lambda p: tuple(p[: data.draw(st.integers(0, len(shape)))])))
    assert np.array_equal(checks._common._mat(A, rows), tl.matricize(A, rows))


@given(seed=st.integers(0, 2**16), max_bond=st.integers(1, 5))
def test_the_reference_tt_svd_discards_what_the_librarys_does(seed, max_bond):
    psi = np.random.default_rng(seed).standard_normal((2, 3, 2, 2))
    dense, w = checks.mps._tt_svd(psi, max_bond)
    mps = tl.MPS.from_dense(psi, max_bond=max_bond)
    assert abs(w - mps.discarded_weight) < 1e-10
    assert np.allclose(dense, mps.to_dense(), atol=1e-10)


@settings(max_examples=10)  # L = 3: 2**15 side assignments per example
@given(L=st.integers(1, 3), d=st.integers(1, 4), data=st.data())
def test_the_reference_tree_cut_is_a_brute_force_min_cut(L, d, data):
    from itertools import product

    ks = data.draw(st.lists(st.integers(1, 4), min_size=L, max_size=L))
    N = 2**L
    rows = set(data.draw(st.lists(st.integers(0, N - 1), unique=True)))
    edges, legs = checks.tree._tree_graph(d, ks)
    nodes = sorted({n for e in edges for n in e[:2]})
    best = None  # leaves and inner nodes each pick a side; open legs are fixed to their own side
    for sides in product((0, 1), repeat=len(nodes)):
        side = dict(zip(nodes, sides))
        cost = 1
        for u, v, k in edges:
            cost *= k if side[u] != side[v] else 1
        for j, (node, dim) in enumerate(legs):
            cost *= dim if side[node] != (j in rows) else 1
        best = cost if best is None else min(best, cost)
    assert checks.tree._tree_cut(d, ks, sorted(rows)) == best


NEW_TASKS = {"01": "chain_rank_predictions", "02": "entropy_predictions", "03": "bond_dimension_predictions",
             "04": "width_allocation", "05": "convac_min_cut_predictions", "06": "rac_min_cut_predictions"}


@pytest.mark.parametrize("number, task", sorted(NEW_TASKS.items()))
def test_every_set_asks_for_a_prediction_a_min_cut_or_an_allocation(number, task):
    """Not re-typing the lesson's function: each set has a task whose answer is a judgement."""
    (path,) = (ROOT / "solutions").glob(f"{number}_*.ipynb")
    code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    assert f"def {task}():" in code and f"tl.checks.check_{task}({task})" in code


def test_the_allocation_task_counts_parameters_as_the_tree_holds_them():
    rng = np.random.default_rng(0)
    for ks in [(1, 1, 1), (2, 3, 8), (4, 1, 7), (3, 5, 2)]:
        leaves = [rng.standard_normal((2, ks[0])) for _ in range(8)]
        levels = [[rng.standard_normal((ks[0], ks[0], ks[1])) for _ in range(4)],
                  [rng.standard_normal((ks[1], ks[1], ks[2])) for _ in range(2)],
                  [rng.standard_normal((ks[2], ks[2], 1))]]
        held = sum(a.size for a in leaves) + sum(t.size for row in levels for t in row)
        assert sum(checks.tree._tree_params(2, ks)) == held == tl.TreeTN(leaves, levels).n_params


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**16), max_bond=st.integers(1, 4), shape=st.sampled_from([(2,) * 5, (3, 2, 2, 3), (2, 3, 4)]))
def test_a_truncated_tt_svd_swept_either_way_meets_what_the_checker_asks(seed, max_bond, shape):
    """The acceptance rule of check_tt_svd_truncated holds for both sweeps on any input (it never rejects them)."""
    psi = np.random.default_rng(seed).standard_normal(shape)
    bound = sum(checks.mps._tails(psi, max_bond))
    for cores, w in (S["tt_svd_truncated"](psi, max_bond), _tt_svd_right_to_left(psi, max_bond)):
        approx = S["mps_to_dense"](cores)
        err = np.sum((psi - approx) ** 2) / np.sum(psi**2)
        assert abs(w - err) < 1e-10 and err <= bound * (1 + 1e-8) + 1e-12
        assert all(c.shape[2] <= max_bond for c in cores[:-1])
