"""One results record per machine, and RESULTS.md with every machine's numbers side by side.

A full `make bench` run writes two files named after the machine it ran on,
``benchmarks/results/<machine>.json`` (the numbers) and ``<machine>.md`` (the full
report), replacing only that machine's earlier files; then it rewrites RESULTS.md from
every ``results/*.json``: which machines there are (CPU, BLAS kernel, measured peak, when,
under what load) and, for every operation, each machine's tnlite time, its ratio to the
best peer and to the hardware floor, in one column per machine. A second machine's numbers
thus go beside the first. The machine's name is made from what decides the timings: CPU
model, logical CPUs, the BLAS kernel numpy runs and the L1/L2 sizes (two VMs both called
"AMD EPYC" with other caches are two machines); `run.py --machine NAME` overrides it.
"""
from __future__ import annotations

import glob
import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS_DIR = os.path.join(HERE, "results")


def machine_id(cpu, blas_kernel, caches):
    """A file-name-safe name: cpu model, logical CPUs, BLAS kernel, L1d/L2 sizes in KiB."""
    kernel = re.search(r"\(([^)]*)\)", blas_kernel)
    parts = [cpu["model"], f"{cpu['nproc']}cpu", kernel.group(1) if kernel else blas_kernel,
             f"l1-{caches[0] // 1024}k", f"l2-{caches[1] // 1024}k"]
    return re.sub(r"[^a-z0-9.+-]+", "-", "_".join(parts).lower().replace("_", " ")).strip("-")


def row_record(row, peak, bw, blas_floor):
    """The numbers of one harness.Row that RESULTS.md puts side by side."""
    out = {"op": row.op, "size": row.size, "status": row.status}
    if row.status != "ok":
        return out
    name, ours = row.tnlite_best()
    peer, theirs = row.peer_best()
    floor = blas_floor(row, peak, bw)
    kernel = row.kernel_floor()
    out.update(tnlite=name, tnlite_s=ours.median if ours else None, peer=peer,
               peer_s=theirs.median if theirs else None, ratio=row.ratio(), floor_s=floor,
               floor_ratio=ours.median / floor if floor and ours else None,
               kernel_floor_s=kernel, kernel_ratio=ours.median / kernel if kernel and ours else None)
    return out


def save(record, directory=RESULTS_DIR):
    """Write record (a dict with "machine": {"id": ...}) as <id>.json; returns the path."""
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, record["machine"]["id"] + ".json")
    with open(path, "w") as f:
        json.dump(record, f, indent=1, sort_keys=True)
        f.write("\n")
    return path


def load_all(directory=RESULTS_DIR):
    """Every machine's record, oldest run first."""
    records = []
    for path in sorted(glob.glob(os.path.join(directory, "*.json"))):
        with open(path) as f:
            records.append(json.load(f))
    return sorted(records, key=lambda r: r["generated"])


def _ms(seconds):
    if seconds is None:
        return "—"
    return f"{seconds * 1e3:.3g} ms" if seconds < 1 else f"{seconds:.2f} s"


def _cell(r, limit):
    if r is None:
        return "not run"
    if r["status"] != "ok":
        return r["status"].split(":")[0]
    text = _ms(r["tnlite_s"])
    if r.get("ratio") is not None:
        text += f"; {r['ratio']:.2f}x peer"
    if r.get("floor_ratio") is not None:
        flag = f" **> {limit:g}x**" if r["floor_ratio"] > limit else ""
        text += f"; {r['floor_ratio']:.1f}x floor{flag}"
    return text


def render_index(records, limit):
    """RESULTS.md: the machines, then one row per operation and one column per machine."""
    L = ["# Benchmarks: tnlite against quimb, TeNPy, torch (CPU) and networkx\n",
         "Written by `make bench` (`benchmarks/run.py`) from every machine's record in "
         "[`results/`](results/): a run replaces its own machine's record and leaves the others, so "
         "each machine's numbers stand beside the others'. Each cell: tnlite's best median; its time "
         "over the best peer's (below 1: tnlite is faster); its time over the hardware floor (the "
         "operation's flops at the machine's measured 2048^3 GEMM peak, or its bytes at the measured "
         f"copy bandwidth), marked above {limit:g}x. Each machine's full report (every implementation "
         "with its spread, the checks, the kernel rates behind each floor, the lessons and panels) is "
         "linked below.\n", "## Machines\n",
         "| machine | CPU | BLAS kernel (numpy) | GEMM peak float64 | run | load average (start; end) | full report |",
         "|---|---|---|---|---|---|---|"]
    for i, rec in enumerate(records):
        m = rec["machine"]
        L.append(f"| {chr(65 + i)} | {m['cpu']}, {m['nproc']} logical CPUs, L1d {m['l1'] // 1024} KiB, "
                 f"L2 {m['l2'] // 1024} KiB | {m['blas_kernel']} | {m['peak_gflops']:.1f} GFLOP/s | "
                 f"{rec['generated']} | {rec['load'][0]}; {rec['load'][1]} | [{m['id']}.md](results/{m['id']}.md) |")
    L.append("")
    L.append("## Results\n")
    keys, seen = [], set()
    for rec in records:
        for r in rec["rows"]:
            if (r["op"], r["size"]) not in seen:
                seen.add((r["op"], r["size"]))
                keys.append((r["op"], r["size"]))
    L.append("| operation | size | " + " | ".join(f"machine {chr(65 + i)}" for i in range(len(records))) + " |")
    L.append("|---|---|" + "---|" * len(records))
    for op, size in keys:
        cells = []
        for rec in records:
            match = [r for r in rec["rows"] if (r["op"], r["size"]) == (op, size)]
            cells.append(_cell(match[0] if match else None, limit))
        L.append(f"| {op} | {size} | " + " | ".join(cells) + " |")
    L.append("")
    return "\n".join(L)
