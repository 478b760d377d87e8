"""Tests for the classroom assignments (book/assignments): masters, student notebooks, grading."""
import ast
import contextlib
import copy
import csv
import io
import json
import pathlib
import re

import nbformat
import pytest

import yaml

from classroom import build, grade, masters

ROOT = pathlib.Path(__file__).resolve().parents[2]
NAMES = masters.names()  # the one list: book/assignments/masters/*.ipynb


def _toc_files(entries):
    for entry in entries or []:
        if "file" in entry:
            yield entry["file"]
        for key in ("sections", "chapters", "parts"):
            yield from _toc_files(entry.get(key))


def test_every_master_has_a_page_in_the_toc_and_every_assignment_page_a_master():
    """The masters folder is the one list of the assignments: the build and the grader read it,
    and the book's table of contents must agree with it."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = {f[len("book/assignments/"):] for f in _toc_files(toc.get("parts") or toc.get("chapters"))
             if f.startswith("book/assignments/") and f != "book/assignments/index"}
    assert pages == set(NAMES), f"_toc.yml lists {sorted(pages)}; the masters are {NAMES}"
    assert build.NAMES == grade.KNOWN == NAMES
    for name in NAMES:
        assert (ROOT / "book" / "assignments" / f"{name}.md").is_file(), f"no page book/assignments/{name}.md"


def master(name):
    return nbformat.read(str(build.MASTERS / f"{name}.ipynb"), as_version=4)


def code_cells_between(nb, block):
    """Sources of the code cells between the raw `# BEGIN <block>` / `# END <block>` cells."""
    begin, end = f"# BEGIN {block}", f"# END {block}"
    cells, inside = [], False
    for cell in nb.cells:
        if cell.cell_type == "raw" and cell.source.strip() in (begin, end):
            inside = cell.source.strip() == begin
        elif inside and cell.cell_type == "code":
            cells.append(cell.source)
    return cells


def solution_cells(nb):
    """The code cells between the raw `# BEGIN SOLUTION` / `# END SOLUTION` cells."""
    return code_cells_between(nb, "SOLUTION")


def question_tests(nb):
    """(source, hidden) for every test cell."""
    return [(source.removeprefix("# HIDDEN\n"), source.startswith("# HIDDEN"))
            for source in code_cells_between(nb, "TESTS")]


def strip_markers(source):
    return "\n".join(l for l in source.splitlines() if l.strip() not in ("# BEGIN SOLUTION", "# END SOLUTION"))


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("assignments")
    return {name: build.build(name, out) for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_master_has_at_least_three_questions_with_visible_and_hidden_tests(name):
    nb = master(name)
    questions = [c for c in nb.cells if c.cell_type == "raw" and c.source.startswith("# BEGIN QUESTION")]
    assert len(questions) >= 3
    tests = question_tests(nb)
    assert any(h for _, h in tests) and any(not h for _, h in tests)


@pytest.mark.parametrize("name", NAMES)
def test_master_solutions_pass_every_visible_and_hidden_test(name):
    """Run setup, solutions and tests in order, each test line as otter's doctest runs it: it must
    neither raise nor print anything (doctest expects no output)."""
    nb = master(name)
    namespace = {}
    tests = {source for source, _ in question_tests(nb)}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = cell.source.removeprefix("# HIDDEN\n")
        if source not in tests:
            exec(compile(strip_markers(source), f"<{name}>", "exec"), namespace)
            continue
        for stmt in ast.parse(source).body:
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(ast.Interactive([stmt]), f"<{name} test>", "single"), namespace)
            assert out.getvalue() == "", f"{name}: a test line printed output: {ast.unparse(stmt)}"


@pytest.mark.parametrize("name", NAMES)
def test_student_notebook_has_no_solution_and_no_hidden_test(name, built):
    student_text = pathlib.Path(built[name][0]).read_text()
    nb = master(name)
    visible_lines = {l.strip() for source, hidden in question_tests(nb) if not hidden for l in source.splitlines()}
    for source, hidden in question_tests(nb):
        if hidden:
            # setup lines shared with visible tests (indented there, in a check function) may appear
            for line in {l for l in source.splitlines() if l.strip() not in visible_lines}:
                assert json.dumps(line)[1:-1] not in student_text, f"hidden test leaked: {line}"
    # The prompts may quote a hint; solution code must not reach any code cell.
    student_code = "\n".join(c.source for c in nbformat.reads(student_text, as_version=4).cells
                             if c.cell_type == "code")
    for source in solution_cells(nb):
        body = source.split("# BEGIN SOLUTION")[1].split("# END SOLUTION")[0]
        for line in body.strip().splitlines():
            assert line.strip() not in student_code, f"solution leaked: {line}"


def comparable(nb):
    """The cells and otter's metadata as one string. otter assign rewrites test code with
    ast.unparse, which on Python 3.10 puts tuple targets in parentheses ("(X, y) = ...") and on
    3.11 does not; both spellings are made the same."""
    text = json.dumps([[(c.cell_type, c.source) for c in nb.cells], nb.metadata.get("otter")], sort_keys=True)
    return re.sub(r"\((\w+(?:, \w+)+)\) = ", r"\1 = ", text)


@pytest.mark.parametrize("name", NAMES)
def test_book_download_copy_equals_what_otter_assign_writes(name, built):
    fresh = nbformat.read(str(built[name][0]), as_version=4)
    committed = nbformat.read(str(build.BOOK_STUDENT / f"{name}.ipynb"), as_version=4)
    assert comparable(fresh) == comparable(committed), (
        "book/assignments/student is stale: run `python -m classroom.build --sync-book`")


def test_student_notebooks_run_and_report_unanswered_questions(built, tmp_path):
    from nbclient import NotebookClient

    for name in NAMES:
        nb = nbformat.read(str(built[name][0]), as_version=4)
        NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(built[name][0].parent)}}).execute()
        checks = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("grader.check(")]
        assert len(checks) >= 3
        for cell in checks:
            text = "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)
            assert "is not answered yet" in text, (name, cell.source, text[:300])


def fill(student, master_nb):
    """Return the student notebook with the master's solutions pasted into the answer cells."""
    answers = iter(strip_markers(s) for s in solution_cells(master_nb))
    nb = copy.deepcopy(student)
    for cell in nb.cells:
        if cell.cell_type == "code" and "..." in cell.source and "grader" not in cell.source:
            cell.source = next(answers)
    return nb


def test_grading_a_folder_gives_expected_scores_and_reasons(built, tmp_path):
    """Every kind of bad submission gets the points it earned and a reason. Two loop forever (one in
    an answer cell, one in a function the tests call) and each costs that cell or that question only."""
    name = "cost"
    student = nbformat.read(str(built[name][0]), as_version=4)
    full = fill(student, master(name))
    subs = tmp_path / "subs"
    subs.mkdir()

    def variant(filename, edit):
        nb = copy.deepcopy(full)
        edit(nb)
        nbformat.write(nb, str(subs / filename))

    def replace_answer(nb, definition, source):
        (cell,) = [c for c in nb.cells if definition in c.source and "grader" not in c.source]
        cell.source = source(cell.source)

    nbformat.write(full, str(subs / "alice_full.ipynb"))
    variant("bob_partial.ipynb", lambda nb: replace_answer(  # q2 unanswered
        nb, "def batch_cost", lambda s: "def batch_cost(A, Y):\n    ..."))
    variant("carol_crash.ipynb", lambda nb: replace_answer(
        nb, "def descend", lambda s: "raise RuntimeError('I broke it')\n" + s))
    variant("dan_loop.ipynb", lambda nb: replace_answer(  # the answer cell to q4 never finishes
        nb, "def descend", lambda s: "while True:\n    pass\n" + s))
    (subs / "erin_corrupt.ipynb").write_text('{"cells": [')
    variant("frank_loop_in_function.ipynb", lambda nb: replace_answer(  # q4's tests never finish
        nb, "def descend", lambda s: "def descend(x0, grad, eta, n_steps):\n    while True:\n        pass"))

    def drop_q3(nb):  # answer and check cell of q3 deleted
        nb.cells = [c for c in nb.cells if "def descent_step" not in c.source and 'grader.check("q3")' not in c.source]

    variant("gina_missing.ipynb", drop_q3)
    out = tmp_path / "grades.csv"
    timeout = 10
    grade.grade_folder(subs, autograder_dir=pathlib.Path(built[name][1]).parents[2], out=out, timeout=timeout,
                       jobs=2, progress=False)
    with open(out, newline="") as f:
        rows = {r["submission"]: r for r in csv.DictReader(f)}
    scores = {s: {k: float(v) for k, v in r.items() if k[0] == "q" or k == "total"} for s, r in rows.items()}
    errors = {s: r["error"] for s, r in rows.items()}
    assert list(next(iter(rows.values()))) == ["submission", "assignment", "q1", "q2", "q3", "q4", "total",
                                               "possible", "error", "tampering"]
    assert scores["alice_full.ipynb"]["total"] == 8.0 and errors["alice_full.ipynb"] == ""
    assert scores["bob_partial.ipynb"] == {"q1": 2.0, "q2": 0.0, "q3": 2.0, "q4": 2.0, "total": 6.0}
    assert scores["carol_crash.ipynb"] == {"q1": 2.0, "q2": 2.0, "q3": 2.0, "q4": 0.0, "total": 6.0}
    assert "RuntimeError: I broke it" in errors["carol_crash.ipynb"]
    assert scores["dan_loop.ipynb"] == {"q1": 2.0, "q2": 2.0, "q3": 2.0, "q4": 0.0, "total": 6.0}
    dan_cell = next(i for i, c in enumerate(full.cells) if "def descend" in c.source) + 1
    assert errors["dan_loop.ipynb"].startswith(
        f"cell {dan_cell} (while True:) did not finish within {timeout} s"), errors
    assert scores["erin_corrupt.ipynb"]["total"] == 0.0
    assert errors["erin_corrupt.ipynb"].startswith("not a valid notebook")
    assert scores["frank_loop_in_function.ipynb"] == {"q1": 2.0, "q2": 2.0, "q3": 2.0, "q4": 0.0, "total": 6.0}
    assert errors["frank_loop_in_function.ipynb"] == (
        f"q4: descend(...) did not return within {timeout} s; q4 scored 0"), errors
    assert scores["gina_missing.ipynb"] == {"q1": 2.0, "q2": 2.0, "q3": 0.0, "q4": 2.0, "total": 6.0}
    assert errors["gina_missing.ipynb"] == "missing questions: q3", errors
    assert all(float(r["possible"]) == 8.0 for r in rows.values())
