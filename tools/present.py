#!/usr/bin/env python3
"""Presenter mode: serve one lesson as a Voila app on this machine (`make present LESSON=05`).

    python tools/present.py 05                # lessons/05_*.ipynb on http://127.0.0.1:8866/?token=...
    python tools/present.py 05 --port 9000

Voila runs the lesson in a fresh kernel and shows its text, figures and live panels
without the code cells, for a lecturer's screen. It listens on 127.0.0.1 only, behind
a random token printed with the address. Stop it with Ctrl-C.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import secrets
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def lesson_path(lesson, root=ROOT):
    """lessons/NN_*.ipynb for `lesson` given as "05", "5" or a notebook name; ValueError if none or several."""
    name = str(lesson).strip()
    if name.isdigit():
        matches = sorted((root / "lessons").glob(f"{int(name):02d}_*.ipynb"))
    else:
        matches = [p for p in (root / "lessons").glob("*.ipynb") if p.name in (name, name + ".ipynb")]
    if len(matches) != 1:
        have = ", ".join(p.name[:2] for p in sorted((root / "lessons").glob("*.ipynb")))
        raise ValueError(f"LESSON={lesson!r} matches {len(matches)} lessons; it needs one of {have}")
    return matches[0]


def voila_command(path, port, token):
    return [sys.executable, "-m", "voila", str(path), "--no-browser", "--Voila.ip=127.0.0.1",
            f"--port={port}", f"--token={token}", "--show_tracebacks=True"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("lesson", help="lesson number (05) or notebook name")
    parser.add_argument("--port", type=int, default=int(os.environ.get("VOILA_PORT", 8866)))
    parser.add_argument("--token", default=None, help="access token (default: a random one)")
    args = parser.parse_args(argv)
    try:
        path = lesson_path(args.lesson)
    except ValueError as exc:
        parser.error(str(exc))
    token = args.token or secrets.token_hex(16)
    print(f"Presenting {path.relative_to(ROOT)}: open http://127.0.0.1:{args.port}/?token={token}", flush=True)
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # the kernel's own inline default
    os.execve(sys.executable, voila_command(path, args.port, token), env)


if __name__ == "__main__":
    main()
