#!/usr/bin/env python3
"""Measure what one workshop participant costs a hub: `python tools/host_needs.py [--fresh-venv]`.

Runs every lesson in its own kernel (as a participant would, one after another) and
reports the kernel's peak memory (VmHWM), its CPU seconds and wall time; measures the
memory of an idle JupyterLab server (the participant's single-user server); with
--fresh-venv, installs binder/requirements.txt into a new venv and reports its size on
disk (the course's part of the hub image). Prints a markdown table for docs/teaching.md.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import secrets
import socket
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
PROBE = ("import resource, json; _u = resource.getrusage(resource.RUSAGE_SELF); "
         "print('HOSTNEEDS' + json.dumps({'peak_mb': int(open('/proc/self/status').read().split('VmHWM:')[1]"
         ".split()[0]) / 1024, 'cpu_s': _u.ru_utime + _u.ru_stime}))")


def kernel_cost(path):
    """(peak RSS in MB, CPU seconds, wall seconds) of a kernel running notebook `path` top to bottom."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", extra_arguments=["--log-level=ERROR"],
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    wall = time.perf_counter() - t0
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    probe = json.loads(text.split("HOSTNEEDS")[1])
    return probe["peak_mb"], probe["cpu_s"], wall


def server_rss_mb(seconds=8):
    """Resident memory of an idle JupyterLab server started like `make lab` (no browser)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, JUPYTER_RUNTIME_DIR=tmp)
        proc = subprocess.Popen([sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
                                 "--ip=127.0.0.1", f"--port={port}", f"--ServerApp.token={secrets.token_hex(8)}",
                                 f"--ServerApp.root_dir={ROOT}"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(seconds)
            status = pathlib.Path(f"/proc/{proc.pid}/status").read_text()
            return int(status.split("VmRSS:")[1].split()[0]) / 1024
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def fresh_venv_mb():
    """Size on disk of a new venv holding binder/requirements.txt (the course's part of the image)."""
    with tempfile.TemporaryDirectory() as tmp:
        venv = pathlib.Path(tmp) / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "-r",
                        str(ROOT / "binder" / "requirements.txt")], check=True, cwd=ROOT)
        out = subprocess.run(["du", "-sm", str(venv)], capture_output=True, text=True, check=True).stdout
        return int(out.split()[0])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fresh-venv", action="store_true", help="also install binder/ into a new venv and size it")
    args = parser.parse_args(argv)
    os.environ.pop("MPLBACKEND", None)
    print("| notebook | kernel peak RSS (MB) | kernel CPU (s) | wall (s) |\n|---|---|---|---|")
    peaks = []
    for path in sorted((ROOT / "lessons").glob("*.ipynb")):
        peak, cpu, wall = kernel_cost(path)
        peaks.append(peak)
        print(f"| {path.name} | {peak:.0f} | {cpu:.1f} | {wall:.1f} |", flush=True)
    print(f"\nlargest kernel: {max(peaks):.0f} MB; idle JupyterLab server: {server_rss_mb():.0f} MB")
    if args.fresh_venv:
        print(f"a fresh venv of binder/requirements.txt: {fresh_venv_mb()} MB on disk")
    print(f"(cores: {os.cpu_count()}, OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')})")


if __name__ == "__main__":
    main()
