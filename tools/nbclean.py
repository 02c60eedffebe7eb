"""Keep what a student's JupyterLab adds to a notebook (outputs, metadata) out of git.

Two halves, both installed by `make lab`:

* a git clean filter. Run as a script, it reads a notebook on stdin and writes it as the
  repository keeps it: no outputs, no execution counts, cell metadata reduced to its tags,
  notebook metadata to the kernel spec and the language name. `make git-filter` registers
  it in the clone's .git/config (``filter.nbclean.clean``) and .gitattributes sends every
  *.ipynb through it, so `git diff` shows only a student's own edits and no commit
  carries outputs;
* `refresh_index`, which the course's Jupyter server (tools/lab/jupyter_server_config.py)
  calls after every save. Git decides "modified" from the file's size before it runs any
  filter, so a saved notebook with outputs would still show in `git status` and block a
  `git pull` of that file. When the filtered file equals what the index holds, it re-adds
  it: the index then records the new size, nothing is staged, the tree is clean.

Standard library only: git runs the filter with whatever python3 is on the PATH.
"""
import json
import os
import subprocess
import sys

KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}


def clean(nb):
    """Return the notebook dict `nb` as it is committed (modified in place)."""
    for cell in nb.get("cells", []):
        tags = cell.get("metadata", {}).get("tags")
        cell["metadata"] = {"tags": tags} if tags else {}
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    meta = nb.get("metadata", {})
    kept = {}
    if "kernelspec" in meta:
        spec = meta["kernelspec"]
        kept["kernelspec"] = KERNELSPEC if spec.get("name") == "python3" else spec
    if "language_info" in meta:
        kept["language_info"] = {"name": meta["language_info"].get("name", "python")}
    nb["metadata"] = kept
    return nb


def refresh_index(path):
    """After a save: if `path` differs from git's index only by what `clean` removes,
    record its new size in the index (nothing is staged). Returns True if it did.

    Never raises: outside a clone, without git, or for an untracked file it does nothing.
    """
    folder, name = os.path.split(os.path.abspath(path))
    def git(*args):
        return subprocess.run(["git", *args, "--", name], cwd=folder, capture_output=True, timeout=20)
    try:
        tracked = git("ls-files", "--error-unmatch").returncode == 0
        if tracked and git("diff", "--quiet").returncode == 0:   # filtered file == index
            return git("add").returncode == 0
    except (OSError, subprocess.SubprocessError):
        pass
    return False


def main():
    text = sys.stdin.buffer.read().decode("utf-8")
    try:
        nb = json.loads(text)
    except ValueError:
        sys.stdout.write(text)  # a notebook mid-edit or not a notebook: leave it to git
        return
    if not isinstance(nb, dict) or "cells" not in nb:
        sys.stdout.write(text)
        return
    # the layout nbformat (and so JupyterLab and nbconvert) writes
    out = json.dumps(clean(nb), indent=1, sort_keys=True, ensure_ascii=False, separators=(",", ": "))
    sys.stdout.buffer.write((out + "\n").encode("utf-8"))


if __name__ == "__main__":
    main()
