"""What a student sees from `grader.check` (issue 11, "Feedback that teaches"), and the autograder zip
that otter's standard container flow (Gradescope) runs."""
import copy
import json
import pathlib
import subprocess
import sys
import zipfile

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
from classroom import build
from test_assignments import fill, master


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("assignments")
    return build.build("neurons", out)


def answer(nb, definition):
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and definition in c.source and "grader" not in c.source]
    return cell


def text_of(cell):
    parts = []
    for out in cell.get("outputs", []):
        parts.append(out.get("text", ""))
        parts += [v for k, v in out.get("data", {}).items() if k == "text/plain"]
        parts += out.get("traceback", []) + [out.get("evalue", "")]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def checked(built, tmp_path_factory):
    """Run the student notebook, saved under a browser's renamed name, with typical answers."""
    folder = tmp_path_factory.mktemp("downloads")
    student = nbformat.read(str(built[0]), as_version=4)
    nbformat.write(student, str(folder / "neurons (1).ipynb"))  # renamed by the browser
    nbformat.write(nbformat.v4.new_notebook(), str(folder / "notes.ipynb"))  # another notebook there
    nb = fill(student, master("neurons"))
    answer(nb, "def weighted_sum").source = "def weighted_sum(w, x, b):\n    return 0.0"
    answer(nb, "def perceptron").source = "def perceptron(w, x, b):\n    ..."
    answer(nb, "def side").source = "def side(w, b, X):\n    return [int(v) for v in X @ w + b >= 0]"
    nb.cells.append(nbformat.v4.new_code_cell("def side(w, b, X):\n    return X @ w + b >= 0"))
    nb.cells.append(nbformat.v4.new_code_cell('grader.check("q4")'))
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=120, allow_errors=True, resources={"metadata": {"path": str(folder)}}).execute()
    checks = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("grader.check(")]
    return nb, {c.source: text_of(c) for c in checks[:-1]}, text_of(checks[-1])


def test_a_renamed_notebook_finds_its_checks(checked):
    """Old notebook: FileNotFoundError in the set-up cell, then NameError: grader on every check."""
    nb, outputs, _ = checked
    setup = next(c for c in nb.cells if c.source.startswith("_CHECKS_SOURCE"))
    assert not any(o.get("output_type") == "error" for o in setup.outputs), text_of(setup)
    assert outputs['grader.check("q3")'].strip() == "q3: passed.", outputs['grader.check("q3")']


def test_a_wrong_answer_shows_what_came_back_what_was_expected_and_a_hint(checked):
    """Old notebook: a green "Test case passed" for the not-None case, then a doctest traceback that
    never said what the function returned."""
    _, outputs, _ = checked
    text = outputs['grader.check("q1")']
    assert "returned: 0" in text and "expected: " in text and "hint:" in text, text
    assert "passed" not in text.lower() and len(text.strip().splitlines()) <= 5, text  # fits on a screen


def test_an_unanswered_question_says_only_that(checked):
    """Old notebook: "not answered yet", then numpy's TypeError from the next case."""
    _, outputs, _ = checked
    text = outputs['grader.check("q2")']
    assert text.strip() == "q2 is not answered yet.", text  # nothing after it


def test_types_are_checked(checked):
    """Old notebook: a list, or a boolean array, where an integer array is asked got full marks."""
    _, outputs, bool_array = checked
    for text in (outputs['grader.check("q4")'], bool_array):
        assert "should return a numpy array of integers" in text, text


def test_autograder_zip_runs_in_otters_container_flow(built):
    """The zip carries what otter's Gradescope image needs: its setup script and run script, the
    tests, and an environment that installs the book's package at the project's version from a
    wheel inside the zip."""
    dist, version, _, _ = build.project()
    assert (dist, version) == ("how-neural-networks-learn", "0.2.0")
    with zipfile.ZipFile(built[1]) as zf:
        names = set(zf.namelist())
        assert {"setup.sh", "run_autograder", "run_otter.py", "otter_config.json", "environment.yml"} <= names
        assert {f"tests/q{i}.py" for i in range(1, 5)} <= names
        env = zf.read("environment.yml").decode()
        wheel = "wheels/how_neural_networks_learn-0.2.0-py3-none-any.whl"
        assert f"- how-neural-networks-learn @ file:///autograder/source/{wheel}" in env
        assert "otter-grader[grading,plugins]==7.0.0" in env
        with zipfile.ZipFile(zf.open(wheel)) as whl:
            meta = whl.read("how_neural_networks_learn-0.2.0.dist-info/METADATA").decode()
            assert "Name: how-neural-networks-learn\nVersion: 0.2.0" in meta
            assert "nnlib/network.py" in whl.namelist()
        assert json.loads(zf.read("otter_config.json"))["assignment_name"] == "neurons"


def test_autograder_environment_pins_every_package_it_installs(built):
    """Before issue 20 the zip's environment.yml left numpy, scipy and the other packages pip installs
    for otter and the book's package unpinned (and the conda packages too)."""
    with zipfile.ZipFile(built[1]) as zf:
        env = zf.read("environment.yml").decode()
    deps = env.split("dependencies:", 1)[1]
    lines = [line.strip()[2:] for line in deps.splitlines() if line.strip().startswith("- ")]
    pip_packages = lines[lines.index("pip:") + 1:]
    conda = lines[:lines.index("pip:")]
    assert all("==" in p or " @ file:///autograder/" in p for p in pip_packages), pip_packages
    assert all("=" in c for c in conda), conda
    names = {p.split("==")[0] for p in pip_packages}
    assert {"numpy", "scipy", "matplotlib", "scikit-learn", "ipywidgets", "tqdm", "nbformat"} <= names, names


def test_otter_run_with_the_zip_gives_full_marks_to_a_solution(built, tmp_path):
    """`otter run` is the grading step of otter's container flow (run_otter.py calls it)."""
    nb = fill(nbformat.read(str(built[0]), as_version=4), master("neurons"))
    sub = tmp_path / "neurons (2).ipynb"
    nbformat.write(nb, str(sub))
    subprocess.run([sys.executable, "-m", "otter", "run", "-a", str(built[1]), "-o", str(tmp_path), str(sub)],
                   check=True, capture_output=True, timeout=600)
    results = json.loads((tmp_path / "results.json").read_text())
    scores = {t["name"]: t["score"] for t in results["tests"] if "score" in t}  # Gradescope's format
    assert scores == {"q1": 2, "q2": 2, "q3": 2, "q4": 1, "q5": 4, "q6": 2}, results
