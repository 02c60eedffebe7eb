"""Every committed notebook is clean, valid, and shaped like a lesson of this course.

nbval (run by `make test` over lessons/, solutions/, exercises/) checks that each
notebook runs top to bottom; these tests check what nbval cannot see.
"""
import json
import pathlib
import re

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for d in ("lessons", "exercises", "solutions") for p in (ROOT / d).glob("*.ipynb"))
LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))


def _ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def test_the_course_has_its_first_lessons():
    names = {p.stem for p in LESSONS}
    assert {"00_start_here", "01_tensors_and_diagrams", "02_entanglement", "03_matrix_product_states"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_is_committed_without_outputs(path):
    nb = json.loads(path.read_text())
    dirty = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert not dirty, f"{path.name}: code cells {dirty} carry outputs or execution counts; clear them before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_is_valid_and_uses_the_python3_kernel(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


@pytest.mark.parametrize("path", LESSONS, ids=_ids(LESSONS))
def test_lesson_checks_its_claims_and_ends_with_what_you_can_now_do(path):
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert re.search(r"^\s*assert ", code, re.M), f"{path.name} has no visible assert cell"
    assert "build_" in code, f"{path.name} shows no widget panel"
    assert "What you should now be able to do" in markdown, f"{path.name} lacks its closing section"
    assert "import tnlite as tl" in code
    assert "np.random.seed" not in code, "use a seeded numpy.random.Generator, not global random state"
