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


CHAPTER_TITLES = ("Neurons", "Activation functions", "Notation", "Cost", "Backpropagation", "SGD",
                  "Putting it together")


def question_file(name):
    from classroom.grading import questions

    return questions.load(build.MASTERS / f"{name}.py")


def master_questions(nb):
    """{name: points} of the master's questions, from their raw `# BEGIN QUESTION` cells."""
    out = {}
    for cell in nb.cells:
        if cell.cell_type == "raw" and cell.source.startswith("# BEGIN QUESTION"):
            fields = dict(line.split(": ", 1) for line in cell.source.splitlines()[1:] if ": " in line)
            out[fields["name"]] = float(fields["points"])
    return out


@pytest.mark.parametrize("name", NAMES)
def test_every_assignment_has_warm_ups_an_assemble_it_task_and_a_predict_and_explain_task(name):
    """Issue 19: at least one assemble-it task (several of the chapter's pieces put together, 4 or
    more points) and one autograded prediction per assignment; the master's questions and points are
    those of its question file."""
    qs = question_file(name)
    assert master_questions(master(name)) == {q: float(v.points) for q, v in qs.items()}
    functions = [q for q in qs.values() if q.kind == "function"]
    predictions = [q for q in qs.values() if q.kind == "predict"]
    assert len(functions) >= 3 and predictions
    assert any(q.points >= 4 for q in functions), "no assemble-it task"
    prompts = " ".join(c.source for c in master(name).cells if c.cell_type == "markdown")
    assert "Assemble it" in prompts and "Predict, then explain" in prompts


@pytest.mark.parametrize("name", NAMES)
def test_the_assignment_page_lists_the_questions_the_notebook_asks(name):
    """The book's assignment page says what the notebook asks: one line per question, its title as
    the master's prompt begins, its points."""
    page = (build.MASTERS.parent / f"{name}.md").read_text()
    listed = re.findall(r"^\d+\. \*\*(.+?)\*\* \((\d+) points?\)", page, re.M)
    prompts = [c.source for c in master(name).cells if c.cell_type == "markdown" and c.source.startswith("**")
               and not c.source.startswith("**Your variant")]
    points = list(master_questions(master(name)).values())
    assert len(listed) == len(points) == len(prompts), (listed, len(prompts))
    for (title, p), prompt, q_points in zip(listed, prompts, points):
        assert prompt.startswith(f"**{title}"), (title, prompt[:60])
        assert float(p) == q_points, (title, p, q_points)


@pytest.mark.parametrize("name", NAMES)
def test_hints_name_the_idea_and_the_section_never_the_code(name):
    """Old masters: "Hint: ... return np.array(path)", "np.outer(delta, a_prev)", "1 / (1 + np.exp(-z))"."""
    for q in question_file(name).values():
        assert any(title in q.hint for title in CHAPTER_TITLES), (q.name, q.hint)
        for code in ("np.", "return", "(z)", " @ ", "`", "= ", "**"):
            assert code not in q.hint, (q.name, code, q.hint)
        if q.kind == "function":
            for label, (_, message) in q.wrong.items():
                assert any(title in message for title in CHAPTER_TITLES), (q.name, label, message)


def checks_module(name):
    """The checks module a student notebook carries, loaded here from the same source."""
    import types

    module = types.ModuleType("nnbook_checks")
    module._EMBEDDED_CHECKS = build.check_data(name)
    exec(compile(build.checks_source(), "nnbook_checks", "exec"), module.__dict__)
    return module


@pytest.mark.parametrize("name", NAMES)
def test_the_reference_solutions_pass_the_students_checks_for_two_students(name):
    """The master's solutions, run as a student would (with the checks cell the notebook carries,
    tripwire armed), pass every check for two students; the right predictions differ per variant."""
    module = checks_module(name)
    for student in ("ada", "bob"):
        ns = {"__name__": "__main__"}
        nb = build.solve(name, copy.deepcopy(master(name)), student)
        nb.cells = [c for c in nb.cells if c.cell_type == "code" and "grader" not in c.source]
        for cell in nb.cells:
            source = cell.source if not cell.source.startswith("student_id") else f"student_id = {student!r}"
            exec(compile(strip_markers(source), f"<{name}>", "exec"), ns)
        for variable, value in build_predictions(name, student).items():
            ns[variable] = value
        checks = module.Checks(name, ns)
        for q in question_file(name):
            passed, lines = checks._run(q)
            assert passed, (name, student, lines)


def build_predictions(name, student):
    from classroom.grading import checks, questions

    variant = checks.variant_of(name, student)
    return {q.variable: q.answer(questions.visible_rounded(q, variant))
            for q in question_file(name).values() if q.kind == "predict"}


@pytest.mark.parametrize("name", NAMES)
def test_student_notebook_has_no_solution_and_no_hidden_test(name, built):
    student_text = pathlib.Path(built[name][0]).read_text()
    nb = master(name)
    # nothing of the question file (its misconceptions and hidden draws compute answers) ships
    parsed = json.loads(student_text)
    code_and_data = json.dumps([c["source"] for c in parsed["cells"] if c["cell_type"] == "code"]) + \
        json.dumps(parsed["metadata"])
    for line in (build.MASTERS / f"{name}.py").read_text().splitlines():
        if len(line.strip()) > 30 and not line.strip().startswith(("#", '"', "'")):
            assert json.dumps(line.strip())[1:-1] not in code_and_data, f"question file line leaked: {line}"
    visible_lines = {l.strip() for source, hidden in question_tests(nb) if not hidden for l in source.splitlines()}
    for source, hidden in question_tests(nb):
        if hidden:
            # setup lines shared with visible tests (indented there, in a check function) may appear
            for line in {l for l in source.splitlines() if l.strip() not in visible_lines}:
                assert json.dumps(line)[1:-1] not in student_text, f"hidden test leaked: {line}"
    # The prompts may quote a hint; solution code must not reach any code cell.
    cells = nbformat.reads(student_text, as_version=4).cells
    student_code = "\n".join(c.source for c in cells if c.cell_type == "code" and not c.source.startswith("_CHECKS"))
    machinery = "\n".join(c.source for c in cells if c.cell_type == "code" and c.source.startswith("_CHECKS"))
    for source in solution_cells(nb):
        body = source.split("# BEGIN SOLUTION")[1].split("# END SOLUTION")[0] if "# BEGIN SOLUTION" in source \
            else source.split("# SOLUTION")[0]  # a prediction: `name = value  # SOLUTION`
        for line in body.strip().splitlines():
            assert line.strip() not in student_code, f"solution leaked: {line}"
            if len(line.strip()) > 25:  # the checks cell (comparisons, tripwire) holds no solution line
                assert json.dumps(line.strip())[1:-1] not in machinery, f"solution in the checks cell: {line}"


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
        (id_cell,) = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("student_id =")]
        first_check = next(c for c in nb.cells if c.cell_type == "code" and c.source.startswith("grader.check("))
        nb.cells.insert(nb.cells.index(first_check), nbformat.v4.new_code_cell('grader.check("q1")'))
        NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(built[name][0].parent)}}).execute()
        no_id = nb.cells[nb.cells.index(first_check) - 1]
        assert "Type your student id" in "".join(o.get("text", "") for o in no_id.outputs)
        id_cell.source = 'student_id = "ada"'
        NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(built[name][0].parent)}}).execute()
        checks = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("grader.check(")]
        assert len(checks) >= 5
        for cell in checks:
            text = "".join(o.get("text", "") for o in cell.outputs)
            assert "is not answered yet" in text and len(text.splitlines()) <= 3, (name, cell.source, text[:300])


def fill(student, master_nb, student_id="ada"):
    """Return the student notebook with the master's solutions pasted into the answer cells, the
    student id typed in and, for an assignment with variants, that student's right predictions."""
    return build.solve(student.metadata["otter"]["assignment_name"], copy.deepcopy(student), student_id)


def test_grading_a_folder_gives_expected_scores_and_reasons(built, tmp_path):
    """Every kind of bad submission gets the points it earned and a reason. Two loop forever (one in
    an answer cell, one in a function the tests call) and each costs that cell or that question only."""
    name = "cost"
    student = nbformat.read(str(built[name][0]), as_version=4)
    full = fill(student, master(name))
    subs = tmp_path / "subs"
    subs.mkdir()

    def variant(filename, edit):
        nb = fill(student, master(name), student_id=filename)  # one id each: a shared id scores 0
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
    assert list(next(iter(rows.values()))) == ["submission", "assignment", "q1", "q2", "q3", "q4", "q5", "q6",
                                               "total", "possible", "error", "tampering"]
    full_marks = {"q1": 2.0, "q2": 2.0, "q3": 2.0, "q4": 2.0, "q5": 4.0, "q6": 2.0, "total": 14.0}

    def without(*lost):
        out = {**full_marks, **{q: 0.0 for q in lost}}
        out["total"] = sum(v for q, v in out.items() if q != "total")
        return out

    assert scores["alice_full.ipynb"]["total"] == 14.0 and errors["alice_full.ipynb"] == ""
    assert scores["bob_partial.ipynb"] == without("q2")
    assert scores["carol_crash.ipynb"] == without("q4")
    assert "RuntimeError: I broke it" in errors["carol_crash.ipynb"]
    assert scores["dan_loop.ipynb"] == without("q4")
    dan_cell = next(i for i, c in enumerate(full.cells) if "def descend" in c.source) + 1
    assert errors["dan_loop.ipynb"].startswith(
        f"cell {dan_cell} (while True:) did not finish within {timeout} s"), errors
    assert scores["erin_corrupt.ipynb"]["total"] == 0.0
    assert errors["erin_corrupt.ipynb"].startswith("not a valid notebook")
    assert scores["frank_loop_in_function.ipynb"] == without("q4")
    assert f"q4: the visible check: descend(...) did not return within {timeout} s" in \
        errors["frank_loop_in_function.ipynb"], errors
    assert scores["gina_missing.ipynb"] == without("q3")
    assert errors["gina_missing.ipynb"] == "q3: not answered", errors
    assert all(float(r["possible"]) == 14.0 for r in rows.values())
