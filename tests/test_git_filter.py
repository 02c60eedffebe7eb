"""A student's saved notebook never dirties the git tree (tools/nbclean.py, `make git-filter`).

Each test builds a small git repository in a temporary folder with the course's
.gitattributes, tools/nbclean.py and a committed lesson, registers the filter with the
Makefile's own `git-filter` target, and then writes what JupyterLab writes on save.
"""
import json
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
LESSON = "lessons/00_start_here.ipynb"


def _git(repo, *args):
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path):
    if shutil.which("git") is None or shutil.which("make") is None:
        pytest.skip("git and make are needed")
    repo = tmp_path / "clone"
    for rel in (".gitattributes", "tools/nbclean.py", LESSON):
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, repo / rel)
    _git(repo, "init", "-q")
    _git(repo, "-c", "user.email=t@t", "-c", "user.name=t", "add", ".")
    _git(repo, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "-m", "course")
    return repo


def _save_as_jupyterlab_does(path, edit_source=False):
    """Outputs, execution counts and the metadata a JupyterLab 4 save adds."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    count = 0
    for cell in nb["cells"]:
        cell["metadata"].update({"scrolled": True, "execution": {"iopub.status.idle": "2026-12-01T10:00:00Z"}})
        if cell["cell_type"] == "code":
            count += 1
            cell["execution_count"] = count
            cell["outputs"] = [{"name": "stdout", "output_type": "stream", "text": ["install OK\n"]},
                               {"data": {"image/png": "iVBORw0KGgo="}, "metadata": {}, "output_type": "display_data"}]
            if edit_source and count == 1:
                cell["source"] = ["# my note\n"] + cell["source"]
    nb["metadata"]["kernelspec"]["display_name"] = "Python 3 (ipykernel)"
    nb["metadata"]["language_info"] = {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                                       "mimetype": "text/x-python", "name": "python", "version": "3.11.7"}
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2}}
    path.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def test_without_the_filter_a_saved_lesson_dirties_the_tree(repo):
    """The control: what the filter is for (this is what students saw before)."""
    _save_as_jupyterlab_does(repo / LESSON)
    assert _git(repo, "status", "--porcelain").strip() == f"M {LESSON}"


def test_with_the_filter_outputs_and_metadata_leave_status_and_diff_clean(repo):
    subprocess.run(["make", "-s", "-f", str(ROOT / "Makefile"), "git-filter", f"PYTHON={sys.executable}"],
                   cwd=repo, check=True, capture_output=True)
    assert "tools/nbclean.py" in _git(repo, "config", "filter.nbclean.clean")
    _save_as_jupyterlab_does(repo / LESSON)
    assert "install OK" in (repo / LESSON).read_text(encoding="utf-8")   # the student's outputs stay on disk
    assert _git(repo, "status", "--porcelain") == ""
    assert _git(repo, "diff") == ""
    assert _git(repo, "diff", "--stat", "HEAD") == ""


def test_with_the_filter_a_students_own_edit_still_shows(repo):
    subprocess.run(["make", "-s", "-f", str(ROOT / "Makefile"), "git-filter", f"PYTHON={sys.executable}"],
                   cwd=repo, check=True, capture_output=True)
    _save_as_jupyterlab_does(repo / LESSON, edit_source=True)
    diff = _git(repo, "diff")
    assert "+    \"# my note\\n\"," in diff
    assert "install OK" not in diff and "execution_count" not in diff and "widgets" not in diff


@pytest.mark.parametrize("path", sorted(p.relative_to(ROOT).as_posix() for d in ("lessons", "solutions", "exercises")
                                        for p in (ROOT / d).glob("*.ipynb")))
def test_every_committed_notebook_is_already_clean(path):
    """The filter must not change a committed notebook, or installing it would dirty the tree."""
    raw = (ROOT / path).read_bytes()
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "nbclean.py")], input=raw,
                         capture_output=True, check=True).stdout
    assert out == raw, f"{path} is not in the committed form: run `python3 tools/nbclean.py < {path}`"


def test_a_file_that_is_not_a_notebook_passes_through():
    text = b'{"cells": [ half a notebook'
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "nbclean.py")], input=text,
                         capture_output=True, check=True).stdout
    assert out == text
