"""tools/make_exercises.py: exercises/ is what the script writes from solutions/, stubs raise,
output is deterministic, and a hand-edited copy is kept unless --force."""
import importlib.util
import inspect
import json
import pathlib
import shutil

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))
SETS = ["01_tensors_and_diagrams", "02_entanglement", "03_matrix_product_states",
        "04_tree_tensor_networks", "05_convac_is_a_tree", "06_rac_is_an_mps", "07_designing_widths",
        "08_information_reuse", "09_entanglement_scaling", "10_capstone_variational_states"]


def _load_tool():
    spec = importlib.util.spec_from_file_location("make_exercises", ROOT / "tools" / "make_exercises.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


mx = _load_tool()


def _ids(paths):
    return [p.stem for p in paths]


def test_every_solution_has_its_exercise_and_the_names_are_the_courses():
    assert [p.stem for p in SOLUTIONS] == [p.stem for p in EXERCISES]
    assert set(p.stem for p in SOLUTIONS) <= set(SETS)


def test_exercises_are_exactly_what_the_script_writes(capsys):
    code = mx.main(["--check"])
    out = capsys.readouterr()
    assert code == 0, f"exercises/ is out of date; run `make exercises`:\n{out.err}"
    assert "up to date" in out.out


def test_the_manifest_records_the_sha256_of_each_generated_file():
    manifest = json.loads((ROOT / "exercises" / mx.MANIFEST).read_text())["files"]
    assert sorted(manifest) == [p.name for p in EXERCISES]
    for p in EXERCISES:
        assert manifest[p.name]["sha256"] == mx._sha(p.read_bytes())


@pytest.mark.parametrize("path", EXERCISES, ids=_ids(EXERCISES))
def test_every_stub_raises_not_implemented_and_its_cell_is_tagged(path):
    nb = nbformat.read(path, as_version=4)
    solution = nbformat.read(ROOT / "solutions" / path.name, as_version=4)
    n_stubs = 0
    for cell, sol in zip(nb.cells, solution.cells, strict=True):
        assert "BEGIN SOLUTION" not in cell.source and "END SOLUTION" not in cell.source
        if cell.cell_type != "code":
            continue
        has_stub = "raise NotImplementedError" in cell.source
        assert has_stub == ("# BEGIN SOLUTION" in sol.source)
        assert ("raises-exception" in cell.metadata.get("tags", [])) == has_stub
        if not has_stub:
            assert cell.source == sol.source  # everything else as it is
            continue
        # define the cell's functions (not the checker call) and call each one
        defs = "\n".join(line for line in cell.source.split("\n") if not line.startswith("tl.checks."))
        namespace = {}
        exec(compile(defs, f"{path.name}:stub", "exec"), namespace)
        funcs = [v for k, v in namespace.items() if inspect.isfunction(v)]
        assert funcs, f"{path.name}: a stub cell defines no function"
        for fn in funcs:
            with pytest.raises(NotImplementedError, match=f"`{fn.__name__}` is not written yet"):
                fn(*[None] * len(inspect.signature(fn).parameters))
            assert fn.__doc__, f"{fn.__name__}: the docstring outside the markers is kept"
            n_stubs += 1
        assert "tl.checks.check_" in cell.source.split("\n")[-1]
    assert 3 <= n_stubs <= 6


@pytest.mark.parametrize("path", SOLUTIONS, ids=_ids(SOLUTIONS))
def test_solution_code_does_not_leak_into_the_exercise(path):
    solution = path.read_text()
    exercise = (ROOT / "exercises" / path.name).read_text()
    nb = nbformat.reads(solution, as_version=4)
    for cell in nb.cells:
        lines, inside = [], False
        for line in cell.source.split("\n"):
            if line.strip() in (mx.BEGIN, mx.MD_BEGIN):
                inside = True
            elif line.strip() in (mx.END, mx.MD_END):
                inside = False
            elif inside and len(line.strip()) > 12:
                lines.append(line.strip())
        for line in lines:
            assert line not in exercise, f"{path.name}: solution line leaked: {line!r}"


def test_stub_keeps_signature_docstring_and_indentation():
    src = 'def f(a, b=2):\n    """Doc."""\n    # BEGIN SOLUTION\n    return a + b\n    # END SOLUTION\n\n\ncheck(f)'
    out, n = mx.stub_code(src)
    assert n == 1
    lines = out.split("\n")
    assert lines[:2] == ["def f(a, b=2):", '    """Doc."""']
    assert lines[2].startswith("    raise NotImplementedError(") and "`f` is not written yet" in lines[2]
    assert "return a + b" not in out and out.endswith("check(f)")


@pytest.mark.parametrize("src, match", [
    ("def f():\n    # BEGIN SOLUTION\n    return 1\n", "never closed"),
    ("def f():\n    return 1\n    # END SOLUTION\n", "without a '# BEGIN SOLUTION'"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n", "inside another solution block"),
])
def test_unpaired_markers_are_refused_with_the_line(src, match):
    with pytest.raises(mx.SolutionError, match=match):
        mx.stub_code(src, "nb.ipynb, cell 3")


def test_markdown_solution_blocks_are_dropped():
    md = f"Task.\n{mx.MD_BEGIN}\nThe answer is 5.\n{mx.MD_END}\nMore."
    assert mx.strip_markdown(md) == "Task.\nMore."
    with pytest.raises(mx.SolutionError, match="never closed"):
        mx.strip_markdown(f"a\n{mx.MD_BEGIN}\nb")


def _tmp_course(tmp_path, names=("01_tensors_and_diagrams", "02_entanglement")):
    sol, ex = tmp_path / "solutions", tmp_path / "exercises"
    sol.mkdir()
    for name in names:
        shutil.copy(ROOT / "solutions" / f"{name}.ipynb", sol)
    return sol, ex


def _run(sol, ex, *flags):
    return mx.main(["--solutions", str(sol), "--exercises", str(ex), *flags])


def test_generation_is_deterministic(tmp_path, capsys):
    sol, ex = _tmp_course(tmp_path)
    assert _run(sol, ex) == 0
    first = {p.name: p.read_bytes() for p in ex.iterdir()}
    shutil.rmtree(ex)
    assert _run(sol, ex) == 0
    second = {p.name: p.read_bytes() for p in ex.iterdir()}
    assert first == second and len(first) == 3  # two notebooks and the manifest
    assert _run(sol, ex) == 0  # a third run over its own output changes nothing
    assert "unchanged" in capsys.readouterr().out
    assert {p.name: p.read_bytes() for p in ex.iterdir()} == first
    nb = nbformat.reads(first["01_tensors_and_diagrams.ipynb"].decode(), as_version=4)
    assert [c.id for c in nb.cells] == [f"01-tensors-and-diagrams-{i:03d}" for i in range(len(nb.cells))]


def test_outputs_of_an_executed_solution_do_not_reach_the_exercise(tmp_path):
    sol, ex = _tmp_course(tmp_path, names=("01_tensors_and_diagrams",))
    path = sol / "01_tensors_and_diagrams.ipynb"
    clean = mx.make_exercise(path.read_text(), path.name)
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.execution_count = 7
            cell.outputs = [nbformat.v4.new_output("stream", text="Correct: the answer\n")]
    nbformat.write(nb, path)
    assert mx.make_exercise(path.read_text(), path.name) == clean


def test_an_edited_exercise_is_kept_and_named_unless_forced(tmp_path, capsys):
    sol, ex = _tmp_course(tmp_path)
    assert _run(sol, ex) == 0
    target = ex / "02_entanglement.ipynb"
    generated = target.read_bytes()
    edited = generated.replace(b"raise NotImplementedError(", b"return 0  # my try\n    raise NotImplementedError(", 1)
    target.write_bytes(edited)
    capsys.readouterr()

    assert _run(sol, ex) == 1
    err = capsys.readouterr().err
    assert "KEPT" in err and "02_entanglement.ipynb" in err and "--force" in err
    assert target.read_bytes() == edited

    assert _run(sol, ex, "--check") == 1
    assert "02_entanglement.ipynb (differs" in capsys.readouterr().err

    assert _run(sol, ex, "--force") == 0
    assert "wrote      " in capsys.readouterr().out
    assert target.read_bytes() == generated
    assert _run(sol, ex, "--check") == 0


def test_an_untouched_exercise_follows_its_solution(tmp_path, capsys):
    sol, ex = _tmp_course(tmp_path)
    assert _run(sol, ex) == 0
    path = sol / "01_tensors_and_diagrams.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source += "\n\nA new line of introduction."
    nbformat.write(nb, path)
    assert _run(sol, ex, "--check") == 1
    assert _run(sol, ex) == 0
    assert "A new line of introduction." in (ex / path.name).read_text()
    assert _run(sol, ex, "--check") == 0


def test_a_file_the_script_never_wrote_is_kept(tmp_path, capsys):
    sol, ex = _tmp_course(tmp_path, names=("01_tensors_and_diagrams",))
    ex.mkdir()
    mine = ex / "01_tensors_and_diagrams.ipynb"
    mine.write_text("{}")
    assert _run(sol, ex) == 1
    assert "KEPT" in capsys.readouterr().err
    assert mine.read_text() == "{}"


def test_check_names_missing_files_and_a_malformed_solution_fails_clearly(tmp_path, capsys):
    sol, ex = _tmp_course(tmp_path, names=("01_tensors_and_diagrams",))
    ex.mkdir()
    assert _run(sol, ex, "--check") == 1
    assert "01_tensors_and_diagrams.ipynb (missing)" in capsys.readouterr().err
    path = sol / "01_tensors_and_diagrams.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "# END SOLUTION" in c.source)
    cell.source = cell.source.replace("# END SOLUTION", "")
    nbformat.write(nb, path)
    assert _run(sol, ex) == 2
    assert "never closed" in capsys.readouterr().err
    assert not (ex / path.name).exists()


from hypothesis import given, strategies as st  # noqa: E402

_plain = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"),
                 max_size=30).filter(lambda s: "SOLUTION" not in s and "def" not in s)


@given(before=st.lists(_plain, max_size=4), inside=st.lists(_plain, min_size=1, max_size=4),
       after=st.lists(_plain, max_size=4), indent=st.sampled_from(["", "    ", "\t"]), blocks=st.integers(0, 3))
def test_stubbing_replaces_exactly_the_marked_lines(before, inside, after, indent, blocks):
    body = [indent + mx.BEGIN, *("SECRET" + s.replace("\n", " ") for s in inside), indent + mx.END]
    lines = [s.replace("\n", " ") for s in before] + body * blocks + [s.replace("\n", " ") for s in after]
    out, n = mx.stub_code("\n".join(lines))
    assert n == blocks
    assert "SECRET" not in out
    expected = [s.replace("\n", " ") for s in before] + [mx._stub_line(indent, None)] * blocks + [s.replace("\n", " ") for s in after]
    assert out == "\n".join(expected)


# -- malformed solution files: a clear error naming the file, exit 2, no traceback ---------
@pytest.mark.parametrize("content, says", [
    (b"[]", "not a notebook"),
    (b'{"cells": [{"cell_type": "code", "source": "x = 1"', "not valid JSON"),
    (bytes(range(256)) * 4, "not UTF-8 text"),
])
def test_a_malformed_solution_file_is_named_with_exit_2(tmp_path, capsys, content, says):
    sol, ex = _tmp_course(tmp_path, names=("01_tensors_and_diagrams",))
    bad = sol / "02_entanglement.ipynb"
    bad.write_bytes(content)
    assert _run(sol, ex) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and says in err, err
    assert not ex.exists() or not any(ex.iterdir())  # nothing written when a source is broken


def test_the_command_line_says_it_in_one_line_without_a_traceback(tmp_path):
    import subprocess
    import sys

    sol, ex = _tmp_course(tmp_path, names=("01_tensors_and_diagrams",))
    (sol / "02_entanglement.ipynb").write_text("[]")
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "make_exercises.py"), "--solutions", str(sol),
                          "--exercises", str(ex)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and run.stderr.count("\n") == 1, run.stderr
    assert "02_entanglement.ipynb" in run.stderr


# -- what a reader sees when a task is not done -----------------------------------------------
def test_a_stub_shows_one_short_error_raised_from_the_readers_cell():
    """Run exercise 01's set-up and first task in a kernel, as a reader would, and read the error."""
    import re

    from nbclient import NotebookClient

    nb = nbformat.read(ROOT / "exercises" / "01_tensors_and_diagrams.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    stub = next(c for c in code if "raise NotImplementedError" in c.source)
    nb.cells = [code[0], stub]
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(ROOT / "exercises")}}).execute()
    outputs = nb.cells[1].outputs
    assert [o.output_type for o in outputs] == ["error"], outputs  # nothing printed besides the error
    err = outputs[0]
    assert err.ename == "NotImplementedError"
    assert err.evalue.startswith("`matricize` is not written yet")
    text = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(err.traceback))
    lines = text.splitlines()
    assert len(lines) <= 20, text  # was 36-40 lines through tnlite/checks
    assert "tnlite" not in text.replace("tl.checks.check_matricize", ""), text  # no checker internals
    assert "hint" not in text and "Fortran" not in text, text  # no other mistake's message
    assert text.count("NotImplementedError: `matricize` is not written yet") == 1, text  # said once
    assert "----> " in text and 'raise NotImplementedError(' in text  # the arrow points at the reader's stub
