#!/usr/bin/env python3
"""Write exercises/NN_topic.ipynb from solutions/NN_topic.ipynb (the single source).

In a solution notebook, the reader's part of a code cell sits between marker lines:

    def matricize(A, rows):
        \"\"\"Docstring stays in the exercise.\"\"\"
        # BEGIN SOLUTION
        ...
        # END SOLUTION
    tl.checks.check_matricize(matricize);

In the exercise, each marked block (markers included) becomes one line at the BEGIN
marker's indentation, ``raise NotImplementedError("...")`` naming the function to
write, and the cell is tagged ``raises-exception`` (so nbval and "Run all" go on past
it). In markdown cells, lines between ``<!-- BEGIN SOLUTION -->`` and
``<!-- END SOLUTION -->`` are dropped. Everything else is copied as it is; outputs and
execution counts are cleared and cell ids are derived from the notebook name and the
cell's position, so the same input always gives the same bytes.

A file under exercises/ is only overwritten if it is still exactly what this script
wrote last time (its sha256 is in exercises/.generated.json); a copy someone edited is
kept and named, unless ``--force`` is given.

Usage:
    python tools/make_exercises.py            # regenerate, keeping edited copies
    python tools/make_exercises.py --force    # regenerate, overwriting edited copies
    python tools/make_exercises.py --check    # exit 1 and name the files that are out of date

Exit status: 0 when every exercise is what the solutions give; 1 when a file was kept
(or, with --check, is out of date); 2 when a solution notebook is malformed.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import pathlib
import re
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
MANIFEST = ".generated.json"
BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
MD_BEGIN, MD_END = "<!-- BEGIN SOLUTION -->", "<!-- END SOLUTION -->"
TAG = "raises-exception"
_DEF = re.compile(r"^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(")


class SolutionError(ValueError):
    """A solution notebook whose markers do not pair up."""


def _stub_line(indent, function):
    what = f"`{function}`" if function else "this part"
    msg = (
        f"{what} is not written yet: replace this line with your code "
        "and run the cell again"
    )
    return f"{indent}raise NotImplementedError({msg!r})"


def stub_code(source, where="cell"):
    """`source` with every BEGIN/END SOLUTION block replaced by a raising stub.

    Returns (new_source, number_of_blocks). Raises SolutionError on unpaired markers.
    """
    out, blocks, inside, function = [], 0, None, None
    for lineno, line in enumerate(source.split("\n"), 1):
        stripped = line.strip()
        if inside is None:
            m = _DEF.match(line)
            if m:
                function = m.group(1)
            if stripped == BEGIN:
                inside = line[: len(line) - len(line.lstrip())]
                out.append(_stub_line(inside, function))
                blocks += 1
            elif stripped == END:
                raise SolutionError(f"{where}, line {lineno}: '{END}' without a '{BEGIN}' before it")
            else:
                out.append(line)
        elif stripped == END:
            inside = None
        elif stripped == BEGIN:
            raise SolutionError(f"{where}, line {lineno}: '{BEGIN}' inside another solution block")
    if inside is not None:
        raise SolutionError(f"{where}: '{BEGIN}' is never closed by '{END}'")
    return "\n".join(out), blocks


def strip_markdown(source, where="cell"):
    """`source` without the lines between the markdown solution markers (markers included)."""
    out, inside = [], False
    for lineno, line in enumerate(source.split("\n"), 1):
        stripped = line.strip()
        if stripped == MD_BEGIN:
            if inside:
                raise SolutionError(f"{where}, line {lineno}: '{MD_BEGIN}' inside another solution block")
            inside = True
        elif stripped == MD_END:
            if not inside:
                raise SolutionError(f"{where}, line {lineno}: '{MD_END}' without a '{MD_BEGIN}' before it")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise SolutionError(f"{where}: '{MD_BEGIN}' is never closed by '{MD_END}'")
    return "\n".join(out)


def make_exercise(solution_text, name):
    """The exercise notebook's text (str) for a solution notebook's text."""
    nb = nbformat.reads(solution_text, as_version=4)
    stem = pathlib.Path(name).stem
    prefix = re.sub(r"[^A-Za-z0-9]+", "-", stem)[:40]
    n_blocks = 0
    for i, cell in enumerate(nb.cells):
        where = f"{name}, cell {i}"
        cell["id"] = f"{prefix}-{i:03d}"
        if cell.cell_type == "code":
            cell.source, blocks = stub_code(cell.source, where)
            cell.outputs = []
            cell.execution_count = None
            if blocks:
                n_blocks += blocks
                tags = set(cell.metadata.get("tags", [])) | {TAG}
                cell.metadata["tags"] = sorted(tags)
        elif cell.cell_type == "markdown":
            cell.source = strip_markdown(cell.source, where)
    if n_blocks == 0:
        raise SolutionError(f"{name} has no '{BEGIN}' block: nothing for the reader to write")
    nb.nbformat, nb.nbformat_minor = 4, max(5, nb.get("nbformat_minor", 5))
    nbformat.validate(nb)
    return nbformat.writes(nb, version=4) + "\n"


def _sha(data):
    return hashlib.sha256(data).hexdigest()


def _read_manifest(exercises):
    path = exercises / MANIFEST
    if not path.exists():
        return {}
    try:
        return dict(json.loads(path.read_text())["files"])
    except (ValueError, KeyError, TypeError):
        return {}


def _write_manifest(exercises, files):
    data = {
        "about": "sha256 of each exercise notebook as tools/make_exercises.py last wrote it; "
        "a file that no longer matches was edited and is not overwritten without --force",
        "files": {k: files[k] for k in sorted(files)},
    }
    (exercises / MANIFEST).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


def read_solution(path):
    """The text of the solution notebook at `path`; SolutionError naming the file if it is not one."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SolutionError(f"{path}: not UTF-8 text (byte {exc.start} is {data[exc.start]:#04x}): "
                            "a notebook is a JSON text file") from None
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise SolutionError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}): "
                            "truncated, or not a notebook?") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        got = (f"a JSON {type(raw).__name__}" if not isinstance(raw, dict) else "an object without 'cells'"
               if "cells" not in raw else f"'cells' as a {type(raw['cells']).__name__}")
        raise SolutionError(f"{path}: not a notebook: it holds {got}; a notebook is an object with a list of 'cells'")
    return text


def generate(solutions, exercises):
    """{file name: exercise bytes} for every solutions/*.ipynb."""
    out = {}
    for path in sorted(solutions.glob("*.ipynb")):
        text = read_solution(path)
        try:
            out[path.name] = make_exercise(text, path.name).encode("utf-8")
        except SolutionError:
            raise
        except Exception as exc:  # nbformat's own complaint about a malformed notebook, with the file named
            raise SolutionError(f"{path}: not a valid notebook ({type(exc).__name__}: {exc})") from None
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--solutions", type=pathlib.Path, default=ROOT / "solutions")
    ap.add_argument("--exercises", type=pathlib.Path, default=ROOT / "exercises")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--force", action="store_true", help="overwrite exercise files even if they were edited")
    mode.add_argument("--check", action="store_true", help="write nothing; exit 1 if any exercise is out of date")
    args = ap.parse_args(argv)
    solutions, exercises = args.solutions, args.exercises

    try:
        wanted = generate(solutions, exercises)
    except (SolutionError, nbformat.ValidationError, ValueError) as exc:
        print(f"make_exercises: {exc}", file=sys.stderr)
        return 2
    if not wanted:
        print(f"make_exercises: no notebooks in {solutions}", file=sys.stderr)
        return 2
    manifest = _read_manifest(exercises)
    rel = lambda p: p.relative_to(ROOT) if p.is_relative_to(ROOT) else p  # noqa: E731

    if args.check:
        stale = []
        for name, data in wanted.items():
            target = exercises / name
            if not target.exists():
                stale.append(f"{rel(target)} (missing)")
            elif target.read_bytes() != data:
                stale.append(f"{rel(target)} (differs from what {rel(solutions / name)} gives)")
            elif manifest.get(name, {}).get("sha256") != _sha(data):
                stale.append(f"{rel(exercises / MANIFEST)} (wrong or no sha256 for {name})")
        extra = sorted(p.name for p in exercises.glob("*.ipynb") if p.name not in wanted)
        stale += [f"{rel(exercises / n)} (no solutions/{n} generates it)" for n in extra]
        if stale:
            print("out of date; run `make exercises`:\n  " + "\n  ".join(stale), file=sys.stderr)
            return 1
        print(f"exercises up to date ({len(wanted)} notebooks)")
        return 0

    exercises.mkdir(parents=True, exist_ok=True)
    kept, new_manifest = [], {}
    for name, data in wanted.items():
        target = exercises / name
        entry = {"sha256": _sha(data), "source": f"solutions/{name}"}
        if target.exists():
            current = target.read_bytes()
            if current == data:
                new_manifest[name] = entry
                print(f"unchanged  {rel(target)}")
                continue
            recorded = manifest.get(name, {}).get("sha256")
            if _sha(current) != recorded and not args.force:
                kept.append(target)
                if name in manifest:
                    new_manifest[name] = manifest[name]
                print(f"KEPT       {rel(target)}: it differs from what this script wrote last time "
                      f"(edited by hand?); rerun with --force to overwrite it", file=sys.stderr)
                continue
        target.write_bytes(data)
        new_manifest[name] = entry
        print(f"wrote      {rel(target)}")
    _write_manifest(exercises, new_manifest)
    if kept:
        print(f"{len(kept)} file(s) kept; exercises/ is not in sync with solutions/", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
