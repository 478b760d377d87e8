"""Adversarial submissions for `make grade` (classroom/grade.py): issue 11, one test per defect.

Each submission is written the way a student (careless or dishonest) writes it. One folder of neurons
submissions is graded once for the whole module (two workers), and each test reads its row; the
per-cell timeout and the feedback a student sees in Jupyter have tests of their own.
"""
import copy
import csv
import os
import pathlib
import signal
import subprocess
import time

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
from classroom import build, grade
from test_assignments import fill, master

NEURONS_POINTS = {"q1": 2.0, "q2": 2.0, "q3": 2.0, "q4": 1.0, "q5": 4.0, "q6": 2.0}
DAEMON_MARK = "grading-test-daemon-7f3a"

WRONG = {  # plausible wrong answers, each of the right type
    "def weighted_sum": "def weighted_sum(w, x, b):\n    return 0.0",
    "def perceptron": "def perceptron(w, x, b):\n    return 0",
    "def neuron": "def neuron(w, x, b):\n    return 0.5",
    "def side": "def side(w, b, X):\n    return np.zeros(len(X), dtype=int)",
    "def logic_network": "def logic_network(X, lo, hi, gate):\n    return np.zeros(len(X), dtype=int)",
    "prediction_q6 =": 'prediction_q6 = "stays"',
}

# Reads the master notebook next to the installed nnlib and runs its solution cells.
STEAL_MASTER = '''\
import json, pathlib, nnlib
_p = pathlib.Path(nnlib.__file__).resolve().parents[1] / "book" / "assignments" / "masters" / "neurons.ipynb"
for _c in json.loads(_p.read_text())["cells"]:
    if _c["cell_type"] == "code" and "# BEGIN SOLUTION" in "".join(_c["source"]):
        exec("".join(_c["source"]))
'''

# Makes every numeric comparison pass, in numpy and in doctest (otter's test runner).
REPLACE_CHECKS = '''\
import doctest
np.isclose = lambda *a, **k: True
np.allclose = lambda *a, **k: True
doctest.DocTestRunner.run = lambda self, test, *a, **k: doctest.TestResults(0, len(test.examples))
'''

# Deletes every classmate's notebook it can find, starting from the processes' folders in /proc.
DELETE_CLASSMATES = '''\
import glob, os
_dirs = {"/tmp"}
for _cwd in glob.glob("/proc/[0-9]*/cwd"):
    try:
        _dirs.add(os.readlink(_cwd))
    except OSError:
        pass
for _d in _dirs:
    for _root, _sub, _files in os.walk(_d):
        if _root.count(os.sep) > 6:
            _sub[:] = []
        for _f in _files:
            if _f.startswith("victim") and _f.endswith(".ipynb"):
                os.remove(os.path.join(_root, _f))
'''

# Leaves a detached process that waits for grades.csv and gives its author full marks.
DAEMON = '''\
import os, time
end = time.time() + 60
while time.time() < end:
    for root, sub, files in os.walk("/tmp"):
        if root.count(os.sep) > 5:
            sub[:] = []
        if "grades.csv" in files:
            p = os.path.join(root, "grades.csv")
            try:
                lines = open(p).read().splitlines()
            except OSError:
                continue
            if any(l.startswith("mallory_daemon") and "HACKED" not in l for l in lines):
                n = len(lines[0].split(","))
                full = ",".join(["mallory_daemon.ipynb"] + ["2"] * (n - 4) + ["7", "7", "HACKED"])
                lines = [full if l.startswith("mallory_daemon") else l for l in lines]
                open(p, "w").write("\\n".join(lines) + "\\n")
    time.sleep(0.2)
'''
LEAVE_DAEMON = f'''\
import subprocess, sys
subprocess.Popen([sys.executable, "-c", {DAEMON!r}, "{DAEMON_MARK}"], start_new_session=True,
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
'''


def answer_cell(nb, definition):
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and definition in c.source and "grader" not in c.source]
    return cell


def daemon_pids():
    out = subprocess.run(["pgrep", "-f", DAEMON_MARK], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("assignments")
    for name in ("neurons",):
        build.build(name, out)
    return out


@pytest.fixture(scope="module")
def neurons_full(built):
    student = nbformat.read(str(built / "neurons" / "student" / "neurons.ipynb"), as_version=4)
    return fill(student, master("neurons"))


@pytest.fixture(scope="module")
def graded(built, neurons_full, tmp_path_factory):
    """Grade one folder of neurons submissions; return (rows by file name, grades.csv path, seconds)."""
    subs = tmp_path_factory.mktemp("subs")

    def variant(filename, edit=None):
        nb = copy.deepcopy(neurons_full)
        nb = fill(nb, master("neurons"), student_id=filename)  # one id each: a shared id scores 0 (issue 19)
        if edit:
            edit(nb)
        nbformat.write(nb, str(subs / filename))

    def wrong_answers(nb):
        for definition, source in WRONG.items():
            answer_cell(nb, definition).source = source

    def prefix(definition, code):
        def edit(nb):
            cell = answer_cell(nb, definition)
            cell.source = code + "\n" + cell.source
        return edit

    def drop_check_q2(nb):
        nb.cells = [c for c in nb.cells if c.source.strip() != 'grader.check("q2")']

    def drop_metadata(nb):
        del nb.metadata["otter"]

    def steal(nb):  # no answers of its own: the last answer cell runs the master's solutions
        for definition, source in WRONG.items():
            answer_cell(nb, definition).source = source.split("\n")[0] + "\n    ..."
        answer_cell(nb, "def side").source = STEAL_MASTER

    def blank_with_replaced_checks(nb):
        wrong_answers(nb)
        answer_cell(nb, "def weighted_sum").source = REPLACE_CHECKS + WRONG["def weighted_sum"]

    # Graded first (names sort first), so it runs before the victims are read on the old grader.
    variant("aaa_mallory_deletes.ipynb", prefix("def weighted_sum", DELETE_CLASSMATES))
    variant("mallory_daemon.ipynb", prefix("def weighted_sum", LEAVE_DAEMON))
    variant("mallory_steals.ipynb", steal)
    variant("mallory_replaces_checks.ipynb", blank_with_replaced_checks)
    variant("full.ipynb")
    variant("wrong.ipynb", wrong_answers)
    variant("exit_in_q2.ipynb", prefix("def perceptron", "import os\nos._exit(0)"))
    variant("segfault_in_q3.ipynb", prefix("def neuron", "import ctypes\nctypes.string_at(0)"))
    variant("no_check_cell_q2.ipynb", drop_check_q2)
    variant("no_metadata.ipynb", drop_metadata)
    variant("neurons (1).ipynb")
    variant("victim_a.ipynb")
    variant("victim_b.ipynb")
    out = tmp_path_factory.mktemp("grades") / "grades.csv"
    start = time.perf_counter()
    try:
        grade.grade_folder(subs, assignment="neurons", autograder_dir=built, out=out, timeout=60, jobs=2,
                           progress=False)
        seconds = time.perf_counter() - start
        time.sleep(4)  # time for a process left behind to do its work
        with open(out, newline="") as f:
            rows = {r["submission"]: r for r in csv.DictReader(f)}
        yield rows, out, seconds
    finally:
        for pid in daemon_pids():  # left behind by the grader under test: ours to end
            os.kill(pid, signal.SIGKILL)


def scores(row):
    return {q: float(row[q]) for q in NEURONS_POINTS}


def test_full_marks_for_correct_answers(graded):
    rows, _, _ = graded
    assert scores(rows["full.ipynb"]) == NEURONS_POINTS
    assert rows["full.ipynb"]["error"] == ""
    assert rows["full.ipynb"]["tampering"] == ""


def test_wrong_answers_score_nothing(graded):
    """Old grader: the scored "is not answered yet" case gave 1.7 of 7 for all-wrong answers."""
    rows, _, _ = graded
    assert scores(rows["wrong.ipynb"]) == dict.fromkeys(NEURONS_POINTS, 0.0)


@pytest.mark.parametrize("filename, questions, what", [
    ("exit_in_q2.ipynb", ("q2", "q5"), "exit code 0"),  # q5 builds its network from q2's perceptron
    ("segfault_in_q3.ipynb", ("q3",), "SIGSEGV"),
])
def test_a_cell_that_kills_python_costs_only_its_question(graded, filename, questions, what):
    """Old grader: "grading failed: DeadKernelError" and 0 for the whole notebook."""
    rows, _, _ = graded
    assert scores(rows[filename]) == {**NEURONS_POINTS, **dict.fromkeys(questions, 0.0)}
    assert what in rows[filename]["error"] and "ended Python" in rows[filename]["error"], rows[filename]["error"]


def test_deleting_only_a_check_cell_is_no_error(graded):
    """Old grader: full points for q2 but also "missing questions: q2"."""
    rows, _, _ = graded
    assert scores(rows["no_check_cell_q2.ipynb"]) == NEURONS_POINTS
    assert rows["no_check_cell_q2.ipynb"]["error"] == ""


def test_missing_metadata_is_repaired_when_the_assignment_is_named(graded):
    """Old grader: 0 points, "submission for assignment 'None'"."""
    rows, _, _ = graded
    assert scores(rows["no_metadata.ipynb"]) == NEURONS_POINTS
    assert "otter metadata missing" in rows["no_metadata.ipynb"]["error"]


def test_a_renamed_notebook_is_graded(graded):
    rows, _, _ = graded
    assert scores(rows["neurons (1).ipynb"]) == NEURONS_POINTS


def test_a_submission_cannot_delete_a_classmates_notebook(graded):
    """Old grader: the victims' notebooks were gone before they were read, and they scored 0."""
    rows, _, _ = graded
    for victim in ("victim_a.ipynb", "victim_b.ipynb"):
        assert scores(rows[victim]) == NEURONS_POINTS, rows[victim]


def test_a_process_left_behind_cannot_rewrite_grades(graded):
    """Old grader: a detached process rewrote grades.csv after grading ended (full marks, no trace)."""
    rows, out, _ = graded
    assert "HACKED" not in out.read_text()
    assert daemon_pids() == []
    assert "process" in rows["mallory_daemon.ipynb"]["tampering"], rows["mallory_daemon.ipynb"]


def test_a_submission_cannot_read_the_masters_through_nnlib(graded):
    """Old grader: the masters' solution cells, found via nnlib.__file__, earned full marks."""
    rows, _, _ = graded
    assert float(rows["mallory_steals.ipynb"]["total"]) == 0.0, rows["mallory_steals.ipynb"]


def test_replacing_the_checks_earns_nothing_and_is_flagged(graded):
    """Old grader: replacing np.isclose and doctest's runner in the kernel passed otter's tests."""
    rows, _, _ = graded
    row = rows["mallory_replaces_checks.ipynb"]
    assert float(row["total"]) == 0.0, row
    assert "numpy.isclose" in row["tampering"] and "doctest" in row["tampering"], row


def test_csv_columns(graded):
    rows, _, _ = graded
    assert list(next(iter(rows.values()))) == ["submission", "assignment", *NEURONS_POINTS, "total",
                                               "possible", "error", "tampering"]


def test_timeout_applies_per_cell_and_names_the_cell(built, neurons_full, tmp_path):
    """Old grader: TIMEOUT was a budget for the whole notebook, so two cells of 0.6 x TIMEOUT each took
    out the second one, with a message that it "did not finish within" TIMEOUT."""
    timeout = 10
    nb = copy.deepcopy(neurons_full)
    for definition in ("def weighted_sum", "def neuron"):
        cell = answer_cell(nb, definition)
        cell.source = f"import time\ntime.sleep({0.6 * timeout})\n" + cell.source
    loop = answer_cell(nb, "def side")
    loop.source = "while True:\n    pass\n" + loop.source
    subs = tmp_path / "subs"
    subs.mkdir()
    nbformat.write(nb, str(subs / "slow.ipynb"))
    (row,) = grade.grade_folder(subs, autograder_dir=built, out=tmp_path / "grades.csv", timeout=timeout,
                                jobs=1, progress=False)
    assert {q: float(row[q]) for q in NEURONS_POINTS} == {**NEURONS_POINTS, "q4": 0.0}, row
    cell_number = nb.cells.index(loop) + 1
    assert f"cell {cell_number} (while True:) did not finish within {timeout} s" in row["error"], row


def test_every_assignments_solution_gets_full_marks_in_one_mixed_folder(tmp_path):
    """One folder with a solved notebook of every assignment: each is graded against its own tests
    (an SGD step that changes a network in place, functions passed as arguments, tuples, dicts), and
    a notebook of no known assignment is listed as a stray without stopping the class."""
    built_dir = tmp_path / "assignments"
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in build.NAMES:
        student, _ = build.build(name, built_dir)
        nbformat.write(build.solved(name, student), str(subs / f"{name}_alice.ipynb"))
    nbformat.write(nbformat.v4.new_notebook(), str(subs / "shopping_list.ipynb"))
    rows = {r["submission"]: r for r in grade.grade_folder(subs, autograder_dir=built_dir, out=tmp_path / "g.csv",
                                                            timeout=60, jobs=2, progress=False)}
    for name in build.NAMES:
        row = rows[f"{name}_alice.ipynb"]
        assert row["assignment"] == name and row["total"] == row["possible"] > 0, row
        assert row["error"] == "" and row["tampering"] == "", row
    assert "cannot tell which assignment" in rows["shopping_list.ipynb"]["error"]


def test_without_isolation_grading_is_refused_unless_asked_for(built, neurons_full, tmp_path, monkeypatch):
    """Old grader: it printed a warning and ran student code as the teacher. Now it refuses, says why
    and what would be unprotected, and writes nothing."""
    monkeypatch.setattr(grade.sandbox, "probe", lambda: (None, "this machine does not allow user namespaces"))
    monkeypatch.delenv("UNSAFE_NO_SANDBOX", raising=False)
    subs = tmp_path / "subs"
    subs.mkdir()
    nbformat.write(neurons_full, str(subs / "full.ipynb"))
    with pytest.raises(SystemExit) as stop:
        grade.grade_folder(subs, autograder_dir=built, out=tmp_path / "g.csv", timeout=60, jobs=1)
    assert "refusing to run student code" in str(stop.value) and "--unsafe-no-sandbox" in str(stop.value)
    assert "other submissions, the grades file, the masters" in str(stop.value)
    assert not (tmp_path / "g.csv").exists()


def test_without_isolation_the_unsafe_flag_grades_and_says_what_is_unprotected(built, neurons_full, tmp_path,
                                                                                 monkeypatch, capsys):
    """With --unsafe-no-sandbox it grades, after a warning naming what is unprotected; the child is
    started without preexec_fn (unsafe in a process with threads)."""
    monkeypatch.setattr(grade.sandbox, "probe", lambda: (None, "this machine does not allow user namespaces"))
    popen = grade.sandbox.subprocess.Popen

    def no_preexec(*args, **kwargs):
        assert kwargs.get("preexec_fn") is None, "preexec_fn under a thread pool"
        return popen(*args, **kwargs)

    monkeypatch.setattr(grade.sandbox.subprocess, "Popen", no_preexec)
    subs = tmp_path / "subs"
    subs.mkdir()
    nbformat.write(neurons_full, str(subs / "full.ipynb"))
    (row,) = grade.grade_folder(subs, autograder_dir=built, out=tmp_path / "g.csv", timeout=60, jobs=1,
                                unsafe_no_sandbox=True)
    err = capsys.readouterr().err
    assert err.startswith("WARNING: no sandbox (this machine does not allow user namespaces)"), err[:300]
    assert "other submissions, the grades file, the masters" in err and "network" in err
    assert row["total"] == sum(NEURONS_POINTS.values()) and row["error"] == ""
