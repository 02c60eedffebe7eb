"""What ships: the wheel carries the MIT licence text, and `tnlite` installs without the notebook stack.

The library needs numpy and scipy only; matplotlib and ipywidgets are in the ``lab``
extra. A subprocess hides them behind a meta-path blocker (as if they were not
installed) and imports the library, so the test sees what a plain `pip install tnlite`
user sees.
"""
import email
import importlib.util
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


# --- binder/: the hub image, pinned to what the tests passed with ------------------------------

def _lock():
    lines = (ROOT / "binder" / "requirements.txt").read_text().splitlines()
    pins = dict(line.split("==") for line in lines if "==" in line and not line.startswith("#"))
    return lines, {canonical(k): v for k, v in pins.items()}


def canonical(name):
    return name.lower().replace("_", "-").replace(".", "-")


def _pyproject():
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_the_binder_lock_is_generated_and_pins_every_package_the_course_declares():
    from packaging.requirements import Requirement

    lines, pins = _lock()
    assert lines[0].startswith("# Generated by `make binder`")
    body = [line for line in lines if line and not line.startswith("#")]
    assert body[-1] == "-e ." and all("==" in line for line in body[:-1]), body
    project = _pyproject()["project"]
    declared = [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["lab"]]
    for req in declared:
        name = canonical(req.name)
        assert name in pins, f"binder/requirements.txt does not pin {req.name}; run make binder"
        assert req.specifier.contains(pins[name], prereleases=True), f"{req} but the lock pins {pins[name]}"


def test_the_binder_runtime_is_a_python_the_course_supports_and_the_lock_tool_reads_this_venv():
    from packaging.specifiers import SpecifierSet

    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert runtime.startswith("python-") and runtime.count(".") == 1
    assert SpecifierSet(_pyproject()["project"]["requires-python"]).contains(runtime.removeprefix("python-") + ".0")
    spec = importlib.util.spec_from_file_location("binder_lock", ROOT / "tools" / "binder_lock.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    closure = tool.closure()
    import importlib.metadata as md

    for name in ("numpy", "scipy", "matplotlib", "ipywidgets", "jupyterlab", "ipykernel", "ipympl", "pillow"):
        assert closure[name] == md.version(name)  # what is installed here, not what the tool guessed
    assert "pytest" not in closure and "sphinx" not in closure  # test and site tools stay out of the image


def test_repo2docker_writes_the_hub_image_from_binder_without_a_container_engine():
    if importlib.util.find_spec("repo2docker") is None:
        pytest.skip("jupyter-repo2docker is not installed (the test extra installs it)")
    result = subprocess.run([sys.executable, "-m", "repo2docker", "--no-build", "--no-run", "--debug", str(ROOT)],
                            capture_output=True, text=True, timeout=300)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-3000:]
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip().removeprefix("python-")
    assert f"python={runtime}" in out
    copy_repo = out.index("COPY --chown=0:0 src/ ${REPO_DIR}/")
    install = out.index('pip install --no-cache-dir -r "binder/requirements.txt"')
    assert copy_repo < install  # `-e .` needs the repository in place before pip runs
    assert "RUN ./binder/postBuild" in out and 'R2D_ENTRYPOINT="${REPO_DIR}/binder/start"' in out
