"""A student's saved notebook never dirties the git tree or blocks a `git pull`.

Each test builds a small git repository in a temporary folder with the course's
.gitattributes, tools/nbclean.py and a committed lesson, registers the filter with the
Makefile's own `git-filter` target, writes what JupyterLab writes on save, and runs the
post-save hook that tools/lab/jupyter_server_config.py gives the course's server.
"""
import json
import pathlib
import runpy
import shutil
import subprocess
import sys

import pytest
from traitlets.config import Config

ROOT = pathlib.Path(__file__).resolve().parents[1]
LESSON = "lessons/00_start_here.ipynb"
GIT_ID = ["-c", "user.email=student@example.org", "-c", "user.name=student"]


def _git(repo, *args):
    return subprocess.run(["git", *GIT_ID, *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def _make_git_filter(repo):
    subprocess.run(["make", "-s", "-f", str(ROOT / "Makefile"), "git-filter", f"PYTHON={sys.executable}"],
                   cwd=repo, check=True, capture_output=True)


def _server_post_save_hook():
    """The hook the course's Jupyter server runs after a save, from its config file."""
    c = Config()
    runpy.run_path(str(ROOT / "tools" / "lab" / "jupyter_server_config.py"), init_globals={"c": c})
    return c.ContentsManager.post_save_hook


@pytest.fixture
def repo(tmp_path):
    if shutil.which("git") is None or shutil.which("make") is None:
        pytest.skip("git and make are needed")
    repo = tmp_path / "upstream"
    for rel in (".gitattributes", "tools/nbclean.py", LESSON):
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, repo / rel)
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "course")
    clone = tmp_path / "student"
    _git(tmp_path, "clone", "-q", str(repo), str(clone))
    return clone


def _save_as_jupyterlab_does(path, edit_source=False):
    """Outputs, execution counts and the metadata a JupyterLab 4 save adds; then the hook."""
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
    """The control: what students saw before."""
    _save_as_jupyterlab_does(repo / LESSON)
    assert _git(repo, "status", "--porcelain").strip() == f"M {LESSON}"


def test_a_saved_lesson_leaves_git_status_and_diff_clean(repo):
    _make_git_filter(repo)
    assert "tools/nbclean.py" in _git(repo, "config", "filter.nbclean.clean")
    _save_as_jupyterlab_does(repo / LESSON)
    assert _git(repo, "diff") == ""                                    # the filter alone does this much
    _server_post_save_hook()(model={"type": "notebook"}, os_path=str(repo / LESSON), contents_manager=None)
    assert "iVBORw0KGgo=" in (repo / LESSON).read_text(encoding="utf-8")  # the outputs stay on disk
    assert _git(repo, "status", "--porcelain") == ""
    assert _git(repo, "diff", "HEAD") == "" and _git(repo, "diff", "--cached") == ""


def test_git_pull_of_a_lesson_the_student_ran_and_saved_does_not_conflict(repo):
    _make_git_filter(repo)
    _save_as_jupyterlab_does(repo / LESSON)
    _server_post_save_hook()(model={"type": "notebook"}, os_path=str(repo / LESSON), contents_manager=None)
    upstream = repo.parent / "upstream"
    text = (upstream / LESSON).read_text(encoding="utf-8")
    (upstream / LESSON).write_text(text.replace("Welcome.", "Welcome again."), encoding="utf-8")
    _git(upstream, "commit", "-q", "-am", "lesson 00 revised")
    _git(repo, "pull", "-q")                                           # raised "would be overwritten" before
    assert "Welcome again." in (repo / LESSON).read_text(encoding="utf-8")


def test_a_students_own_edit_still_shows_and_is_not_staged(repo):
    _make_git_filter(repo)
    _save_as_jupyterlab_does(repo / LESSON, edit_source=True)
    _server_post_save_hook()(model={"type": "notebook"}, os_path=str(repo / LESSON), contents_manager=None)
    diff = _git(repo, "diff")
    assert '+    "# my note\\n",' in diff
    for added_by_jupyterlab in ("iVBORw0KGgo=", '"execution_count": 1', "widget-state", "ipykernel", "scrolled"):
        assert added_by_jupyterlab not in diff
    assert _git(repo, "diff", "--cached") == ""


def test_the_hook_does_nothing_outside_a_clone(tmp_path):
    notebook = tmp_path / "mine.ipynb"
    notebook.write_text("{}", encoding="utf-8")
    _server_post_save_hook()(model={"type": "notebook"}, os_path=str(notebook), contents_manager=None)
    assert notebook.read_text(encoding="utf-8") == "{}"


@pytest.mark.parametrize("path", sorted(p.relative_to(ROOT).as_posix() for d in ("lessons", "solutions", "exercises")
                                        for p in (ROOT / d).glob("*.ipynb")))
def test_every_committed_notebook_is_already_clean(path):
    """The filter must not change a committed notebook, or installing it would dirty the tree."""
    raw = (ROOT / path).read_bytes()
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "nbclean.py")], input=raw,
                         capture_output=True, check=True).stdout
    assert out == raw, f"{path} is not in its committed form: python3 tools/nbclean.py < {path} > clean && mv clean {path}"


def test_a_file_that_is_not_a_notebook_passes_through():
    text = b'{"cells": [ half a notebook'
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "nbclean.py")], input=text,
                         capture_output=True, check=True).stdout
    assert out == text
