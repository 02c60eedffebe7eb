"""What ships: the wheel carries the MIT licence text, and `tnlite` installs without the notebook stack.

The library needs numpy and scipy only; matplotlib and ipywidgets are in the ``lab``
extra. A subprocess hides them behind a meta-path blocker (as if they were not
installed) and imports the library, so the test sees what a plain `pip install tnlite`
user sees.
"""
import email
import pathlib
import subprocess
import sys
import textwrap
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOK_STACK = ("matplotlib", "ipywidgets", "IPython", "ipykernel", "PIL")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    # --no-build-isolation: hatchling is in the test extra, so no download is needed
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(out), str(ROOT)], check=True, capture_output=True, timeout=300)
    (path,) = out.glob("tnlite-*.whl")
    return path


def test_the_licence_is_the_mit_text_with_the_projects_holder():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License\n")
    assert "Copyright (c) 2026 the tnlite-course authors" in text
    assert "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND" in text


def test_the_wheel_carries_the_licence_file(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        licences = [n for n in names if n.endswith("/LICENSE") and ".dist-info/" in n]
        assert licences, f"no LICENSE in the wheel: {names}"
        assert zf.read(licences[0]).decode() == (ROOT / "LICENSE").read_text()
        assert "tnlite/__init__.py" in names and "tnlite/widgets/panel.py" in names


def test_the_wheels_core_requirements_are_numpy_and_scipy_only(wheel):
    with zipfile.ZipFile(wheel) as zf:
        meta = email.message_from_bytes(zf.read(next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))))
    requires = meta.get_all("Requires-Dist")
    core = sorted(r.split(">")[0].split("=")[0].split("<")[0].strip() for r in requires if "extra ==" not in r)
    assert core == ["numpy", "scipy"], requires
    lab = " ".join(r for r in requires if "extra == \"lab\"" in r or "extra == 'lab'" in r)
    for package in ("matplotlib", "ipywidgets", "jupyterlab", "ipykernel"):
        assert package in lab, f"{package} is not in the lab extra: {requires}"


def _run_without_notebook_stack(body):
    """Run `body` in a fresh interpreter where the notebook stack cannot be imported."""
    blocker = textwrap.dedent(f"""
        import importlib.abc, sys
        BLOCKED = {NOTEBOOK_STACK!r}
        class Blocker(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in BLOCKED:
                    raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
                return None
        sys.meta_path.insert(0, Blocker())
        for name in list(sys.modules):
            if name.split(".")[0] in BLOCKED:
                del sys.modules[name]
    """)
    return subprocess.run([sys.executable, "-c", blocker + textwrap.dedent(body)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_the_blocker_really_hides_the_notebook_stack():
    result = _run_without_notebook_stack("import matplotlib")
    assert result.returncode != 0 and "No module named 'matplotlib'" in result.stderr


def test_tnlite_and_its_core_modules_import_without_the_notebook_stack():
    result = _run_without_notebook_stack("""
        import pkgutil, importlib, sys
        import numpy as np
        import tnlite as tl
        names = [m.name for m in pkgutil.iter_modules(tl.__path__) if m.name not in ("diagrams", "widgets")]
        for name in names:
            importlib.import_module("tnlite." + name)
        assert "tnlite.checks" in sys.modules and "tnlite.mps" in sys.modules, names
        psi = tl.ghz_state(4)
        assert tl.schmidt_rank(psi, (0, 1)) == 2
        assert tl.checks.check_matricize(lambda A, rows: tl.matricize(A, rows))
        print("core ok:", len(names), "modules")
    """)
    assert result.returncode == 0, result.stderr
    assert "core ok:" in result.stdout


@pytest.mark.parametrize("statement", ["import tnlite.widgets", "import tnlite as tl; tl.widgets",
                                       "import tnlite.diagrams"])
def test_the_panels_without_the_notebook_stack_say_how_to_install_it(statement):
    result = _run_without_notebook_stack(statement)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError:"), result.stderr
    assert "pip install tnlite[lab]" in last and "matplotlib" in last
