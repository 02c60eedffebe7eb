#!/usr/bin/env python3
"""Build the course's static site from notebooks executed now (`make site`).

    python tools/site/build.py            # writes build/site/html/ (open index.html)
    python tools/site/build.py --jobs 1   # one kernel at a time

1. Every notebook in lessons/ and exercises/ runs top to bottom in its own kernel
   (nbclient), `--jobs` at a time. A run is cached in build/site/executed/ under a key made
   of the notebook's bytes and the library's fingerprint (every file under tnlite/, the
   Python version and the versions of the packages a kernel imports), so after a change
   to one lesson only that lesson runs again, and a change to tnlite re-runs them all.
2. Sphinx with myst-nb (conf.py beside this file) renders README.md (the front page),
   the lessons in order, the exercises and docs/*.md, straight from the repository;
   conf.py hands Sphinx each notebook's executed copy made static by `static_notebook`:
   a panel shows the PNG it drew at its defaults and a line saying how to get the live
   one, and each page says how long its notebook ran. MathJax 3 is copied from the
   `django-static-mathjax` package into the site, so maths renders without a network.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import copy
import hashlib
import importlib.metadata
import json
import os
import pathlib
import shutil
import sys
import time

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "build" / "site"
SECTIONS = ("lessons", "exercises")  # notebook folders published as pages, in this order
KERNEL_PACKAGES = ("numpy", "scipy", "matplotlib", "ipywidgets", "ipykernel")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
LIVE_HINT = (
    "A picture of this panel at its default settings. Its controls need a running Python kernel: "
    "clone the course and run <code>make lab</code>, or open it on Binder or a JupyterHub "
    '(see <a href="../README.html#read-launch-teach">Read, launch, teach</a> on the front page).'
)


def notebooks(root=ROOT):
    """Every published notebook, as paths relative to `root`, lessons first, each folder sorted."""
    return [p.relative_to(root) for d in SECTIONS for p in sorted((root / d).glob("*.ipynb"))]


def library_fingerprint(root=ROOT):
    """sha256 of every file under tnlite/ and of the versions a kernel runs with."""
    h = hashlib.sha256()
    for path in sorted((root / "tnlite").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    versions = [sys.version.split()[0]] + [f"{p}=={_version(p)}" for p in KERNEL_PACKAGES]
    h.update("\n".join(versions).encode())
    return h.hexdigest()


def _version(package):
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def cache_key(path, fingerprint, root=ROOT):
    """The key a run of notebook `path` is cached under: its bytes and the library fingerprint."""
    return hashlib.sha256((root / path).read_bytes() + fingerprint.encode()).hexdigest()


def cached_path(path, out=OUT):
    return out / "executed" / (str(path).replace(os.sep, "__"))


def load_cached(path, key, out=OUT):
    """The executed notebook cached for `path` under `key`, or None."""
    target = cached_path(path, out)
    if not target.exists():
        return None
    nb = nbformat.read(target, as_version=4)
    return nb if nb.metadata.get("tnlite_site", {}).get("key") == key else None


def execute(path, key, out=OUT, root=ROOT, timeout=600):
    """Run notebook `path` in a fresh kernel, cache the result; return (path, seconds)."""
    from nbclient import NotebookClient

    nb = nbformat.read(root / path, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3", extra_arguments=["--log-level=ERROR"],
                   resources={"metadata": {"path": str((root / path).parent)}}).execute()
    seconds = time.perf_counter() - t0
    nb.metadata["tnlite_site"] = {"key": key, "seconds": round(seconds, 2), "cores": os.cpu_count()}
    target = cached_path(path, out)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return path, seconds


def execute_all(jobs=2, out=OUT, root=ROOT, log=print):
    """Execute every notebook whose cached run is missing or stale; return {path: (seconds, ran_now)}."""
    fingerprint = library_fingerprint(root)
    todo, result = {}, {}
    for path in notebooks(root):
        key = cache_key(path, fingerprint, root)
        nb = load_cached(path, key, out)
        if nb is None:
            todo[path] = key
        else:
            result[path] = (nb.metadata["tnlite_site"]["seconds"], False)
    log(f"site: {len(result)} notebooks cached, {len(todo)} to execute ({jobs} at a time)")
    backend = os.environ.pop("MPLBACKEND", None)  # kernels use their inline default, as in Lab
    try:  # threads only wait: each notebook runs in its own kernel process
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = {pool.submit(execute, path, key, out, root): path for path, key in todo.items()}
            for future in concurrent.futures.as_completed(futures):
                path = futures[future]
                try:
                    _, seconds = future.result()
                except Exception as exc:
                    raise SystemExit(f"site: {path} failed to run top to bottom:\n{exc}") from None
                log(f"site: executed {path} in {seconds:.1f} s")
                result[path] = (seconds, True)
    finally:
        if backend is not None:
            os.environ["MPLBACKEND"] = backend
    return result


def static_notebook(nb, section):
    """A copy of executed notebook `nb` made for a static page (see the module docstring)."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)  # widget state: a static page has no kernel to run it
    info = nb.metadata.get("tnlite_site", {})
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                data.pop(WIDGET_VIEW)
                outputs.append(output)
                if "image/png" in data:
                    outputs.append(nbformat.v4.new_output(
                        "display_data", data={"text/html": f'<p class="tnlite-panel-note">{LIVE_HINT}</p>'}))
                continue
            if output.get("output_type") == "error" and "raises-exception" in cell.metadata.get("tags", []):
                continue  # an exercise's unfinished task: its printed line says so, the traceback adds nothing
            outputs.append(output)
        cell.outputs = outputs
    if "seconds" in info:
        what = "lesson" if section == "lessons" else "exercise notebook"
        line = (f'<p class="tnlite-runtime">Run time: this {what} ran top to bottom in '
                f'<strong>{info["seconds"]:.1f} s</strong> when this site was built '
                f'(one kernel on {info.get("cores", "?")} cores, kernel start included).</p>')
        first_md = next((i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"), -1)
        nb.cells.insert(first_md + 1, nbformat.v4.new_markdown_cell(line))
    return nb


def copy_mathjax(static):
    """Copy MathJax 3's CommonHTML bundle and its fonts into `static`/mathjax; return that folder."""
    import mathjax  # the django-static-mathjax package: MathJax's own files, nothing else

    es5 = pathlib.Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    target = static / "mathjax"
    if not (target / "tex-chtml.js").exists():
        shutil.copytree(es5 / "output" / "chtml" / "fonts" / "woff-v2", target / "output" / "chtml" / "fonts" / "woff-v2")
        shutil.copytree(es5 / "input" / "tex" / "extensions", target / "input" / "tex" / "extensions")
        shutil.copy(es5 / "tex-chtml.js", target / "tex-chtml.js")
    return target


def build(jobs=2, out=OUT, root=ROOT, log=print):
    """Execute (cached) and render the site into `out`/html; return the run times."""
    from sphinx.cmd.build import build_main

    t0 = time.perf_counter()
    times = execute_all(jobs, out, root, log)
    copy_mathjax(out / "static")
    os.environ["TNLITE_SITE_OUT"] = str(out)
    html = out / "html"
    args = ["-b", "html", "-E", "-q", "-W", "--keep-going", "-j", "1", "-c", str(pathlib.Path(__file__).parent),
            "-d", str(out / "doctrees"), str(root), str(html)]
    if build_main(args) != 0:
        raise SystemExit("site: sphinx-build reported errors (above)")
    shutil.copy(html / "README.html", html / "index.html")  # the front page, where a web server looks
    (out / "times.json").write_text(json.dumps({str(p): s for p, (s, _) in sorted(times.items())}, indent=1))
    log(f"site: built {html / 'index.html'} in {time.perf_counter() - t0:.1f} s "
        f"({sum(ran for _, ran in times.values())} notebooks executed)")
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=2, help="kernels run at once (default 2)")
    parser.add_argument("--out", type=pathlib.Path, default=OUT, help="output folder (default build/site)")
    args = parser.parse_args(argv)
    build(args.jobs, args.out.resolve())


if __name__ == "__main__":
    main()
