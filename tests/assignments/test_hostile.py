"""Submissions that attack the grading run itself, not their own score only (issue 20): each one is
written as a dishonest student would, and each test failed on the grader before issue 20 (a258edf).

One folder of neurons submissions (honest ones and one of each attack) is graded once for the module;
the attacks that need a folder or a process of their own have their own tests.
"""
import copy
import csv
import json
import os
import pathlib
import signal
import subprocess
import sys
import textwrap
import time

import nbformat
import pytest

from attacks import FAKE_NETWORK, FORGE_STATUS, SILENCE_AUDIT, STUBBORN, answer_cell
from classroom import build, grade
from classroom.grading import run, wire
from test_grading import NEURONS_POINTS, fill, master, neurons_full  # noqa: F401 - a fixture, on this module's `built`

ROOT = pathlib.Path(__file__).resolve().parents[2]

ISOLATED, WHY = grade.sandbox.probe()
needs_sandbox = pytest.mark.skipif(not ISOLATED, reason=f"no sandbox on this machine: {WHY}")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """neurons, and notation for a notebook of another assignment (test_grading's neurons_full uses it)."""
    out = tmp_path_factory.mktemp("assignments")
    for name in ("neurons", "notation"):
        build.build(name, out)
    return out


@pytest.fixture(scope="module")
def graded(built, neurons_full, tmp_path_factory):
    """Grade one folder with ASSIGNMENT=neurons; return (rows by file name, the CSV's text)."""
    subs = tmp_path_factory.mktemp("subs")

    student = nbformat.read(str(built / "neurons" / "student" / "neurons.ipynb"), as_version=4)

    def variant(filename, edit=lambda nb: None):
        nb = fill(student, master("neurons"), student_id=filename)  # one id each: a shared id scores 0
        edit(nb)
        nbformat.write(nb, str(subs / filename))

    def replace(definition, source):
        def edit(nb):
            answer_cell(nb, definition).source = source
        return edit

    def prefix(definition, code):
        def edit(nb):
            cell = answer_cell(nb, definition)
            cell.source = code + "\n" + cell.source
        return edit

    variant("honest.ipynb")
    variant("fake_network.ipynb", replace("def weighted_sum", FAKE_NETWORK))
    variant("silence_audit.ipynb", prefix("def weighted_sum", SILENCE_AUDIT))
    variant("forge_status.ipynb", prefix("def perceptron", FORGE_STATUS))
    variant('=HYPERLINK("http:x")+1.ipynb')
    variant("-2+3.ipynb")
    notation = build.solved("notation", built / "notation" / "student" / "notation.ipynb")
    nbformat.write(notation, str(subs / "notation_done.ipynb"))
    (subs / "corrupt.ipynb").write_text('{"cells": [')
    out = tmp_path_factory.mktemp("grades") / "grades.csv"
    grade.grade_folder(subs, assignment="neurons", autograder_dir=built, out=out, timeout=30, jobs=2,
                       progress=False)
    text = out.read_text()
    rows = {r["submission"].lstrip("'"): r for r in csv.DictReader(text.splitlines())}
    return rows, text


def scores(row):
    return {q: float(row[q]) for q in NEURONS_POINTS}


@needs_sandbox
def test_the_honest_submission_keeps_full_marks(graded):
    rows, _ = graded
    assert scores(rows["honest.ipynb"]) == NEURONS_POINTS
    assert rows["honest.ipynb"]["error"] == "" and rows["honest.ipynb"]["tampering"] == ""


@needs_sandbox
def test_a_fake_network_is_refused_on_its_sizes_and_costs_only_its_question(graded):
    """Old grader: the fake 20000 x 20000 network was built in the grading process (3.2 GB)."""
    rows, _ = graded
    row = rows["fake_network.ipynb"]
    assert scores(row) == {**NEURONS_POINTS, "q1": 0.0}, row
    assert "parameters" in row["error"], row


def test_network_sizes_are_checked_before_anything_is_built():
    """Old grader: wire.decode built nnlib.Network([20000, 20000]) first (here, under a 1 GiB cap, a
    MemoryError instead of a ValueError naming the budget)."""
    code = textwrap.dedent(f'''
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))
        from classroom.grading import wire
        fake = {{"t": "Network", "sizes": [20000, 20000], "activation": "sigmoid", "cost": "quadratic",
                "output_activation": "sigmoid", "weights": [], "biases": []}}
        try:
            wire.decode(fake)
        except ValueError as e:
            print("refused:", e)
        ''')
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.startswith("refused: refused a network of 400020000 parameters"), (done.stdout,
                                                                                         done.stderr[-300:])


def test_replies_are_bounded_in_values_and_depth():
    """A reply of a million empty lists, or nested 100000 deep, is refused before it is parsed."""
    with pytest.raises(ValueError, match="too many values"):
        run.parse_reply(b'{"v": [' + b"[]," * 1_000_000 + b"[]]}")
    with pytest.raises(ValueError):
        run.parse_reply(b"[" * 100_000 + b"]" * 100_000)
    big = {"t": "list", "v": [{"t": "float", "v": "1.0"}] * (wire.MAX_CONTAINERS + 1)}
    with pytest.raises(ValueError, match="more than"):
        wire.decode(big)


def test_replies_are_read_in_linear_time():
    """Old grader: `_Lines.read` grew a bytes buffer chunk by chunk, so a reply 4 times longer took
    about 16 times longer to read (60 MB: 42 s). Ratio of two sizes, measured in one run."""
    def seconds(n_bytes):
        rd, wr = os.pipe()
        line = json.dumps({"n": 1, "v": "x" * n_bytes}).encode() + b"\n"
        pid = os.fork()
        if pid == 0:
            os.close(rd)
            with os.fdopen(wr, "wb") as w:
                w.write(line)
            os._exit(0)
        os.close(wr)
        with os.fdopen(rd, "rb") as r:
            start = time.perf_counter()
            reply = run._Lines(r).read(120)
            took = time.perf_counter() - start
        os.waitpid(pid, 0)
        assert len(reply["v"]) == n_bytes
        return took

    seconds(1_000_000)  # warm up
    small, large = min(seconds(6_000_000) for _ in range(3)), min(seconds(24_000_000) for _ in range(3))
    assert large / small < 8, (small, large)


@needs_sandbox
def test_silencing_the_audit_from_inside_is_seen_from_outside(graded):
    """Old grader: replacing the runner's `_audit` (found through sys._getframe) left `tampering` empty,
    or filled it with whatever text the submission chose."""
    rows, _ = graded
    row = rows["silence_audit.ipynb"]
    assert "numpy.isclose" in row["tampering"], row
    assert "HYPERLINK" not in row["tampering"] and "hidden input" not in row["tampering"], row


@needs_sandbox
def test_forged_status_lines_are_flagged(graded):
    """Old grader: well-formed status lines written to the pipe were taken as the runner's replies and
    flagged for nothing."""
    rows, _ = graded
    row = rows["forge_status.ipynb"]
    assert "outside the protocol" in row["tampering"], row
    assert float(row["q2"]) == 0.0, row


@needs_sandbox
def test_no_cell_can_run_as_a_formula(graded):
    """Old grader: a file named `=HYPERLINK(...)` (or a tampering text the submission chose) went into
    the CSV as is, and a spreadsheet ran it."""
    rows, text = graded
    for line in text.splitlines()[1:]:
        for cell in next(csv.reader([line])):
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), line
    assert '\'=HYPERLINK("http:x")+1.ipynb' in [r["submission"] for r in rows.values()]
    assert scores(rows['=HYPERLINK("http:x")+1.ipynb']) == NEURONS_POINTS


@needs_sandbox
def test_another_assignments_notebook_scores_zero_and_says_which(graded):
    """Old grader: with ASSIGNMENT=neurons a finished notation notebook scored 7/7 in the neurons grades."""
    rows, _ = graded
    row = rows["notation_done.ipynb"]
    assert row["assignment"] == "neurons" and float(row["total"]) == 0.0 and float(row["possible"]) == sum(NEURONS_POINTS.values()), row
    assert "notation" in row["error"], row


@needs_sandbox
def test_an_unreadable_notebook_keeps_the_assignments_points(graded):
    rows, _ = graded
    row = rows["corrupt.ipynb"]
    assert float(row["possible"]) == sum(NEURONS_POINTS.values()) and row["error"].startswith("not a valid notebook"), row


@needs_sandbox
def test_a_call_that_never_answers_says_timeout_and_the_budget_holds(built, neurons_full, tmp_path):
    """Functions that swallow the alarm (`except BaseException`). Old grader: "ended Python (did not
    end)" after 10 s more, and no bound on the whole notebook (119 s at TIMEOUT=2)."""
    nb = copy.deepcopy(neurons_full)
    answer_cell(nb, "def weighted_sum").source = STUBBORN
    answer_cell(nb, "def perceptron").source = STUBBORN.replace("weighted_sum", "perceptron")
    answer_cell(nb, "def neuron").source = STUBBORN.replace("weighted_sum", "neuron")
    subs = tmp_path / "subs"
    subs.mkdir()
    nbformat.write(nb, str(subs / "stubborn.ipynb"))
    start = time.monotonic()
    (row,) = grade.grade_folder(subs, autograder_dir=built, out=tmp_path / "g.csv", timeout=2, budget=15,
                                jobs=1, progress=False)
    took = time.monotonic() - start
    assert "weighted_sum(...) did not return within 2 s" in row["error"], row
    assert "ended Python" not in row["error"], row
    assert "used its whole time budget (15 s" in row["error"], row
    assert took < 15 + 30, took  # the budget, plus reading and closing


def test_a_huge_notebook_costs_the_grader_little_and_says_its_size(built, tmp_path):
    """Old grader: a 60 MiB notebook of tiny dicts cost it 4.9 GB (here, under a 1.5 GiB cap, it died
    with no grades.csv); one over the 64 MiB limit was reported as `NotJSONError ... ''`."""
    subs = tmp_path / "subs"
    subs.mkdir()
    with open(subs / "tiny_dicts.ipynb", "w") as f:
        f.write('{"cells": [], "nbformat": 4, "nbformat_minor": 5, "metadata": {"junk": [')
        f.write("{}," * (20 * 2**20))
        f.write("{}]}}")
    with open(subs / "oversize.ipynb", "wb") as f:
        f.truncate(65 * 2**20)
    out = tmp_path / "g.csv"
    code = textwrap.dedent(f'''
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (3 * 2**29, 3 * 2**29))
        from classroom import grade
        grade.grade_folder({str(subs)!r}, assignment="neurons", autograder_dir={str(built)!r}, out={str(out)!r},
                           timeout=30, jobs=1, progress=False, isolate="none")
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        ''')
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-500:]
    assert int(done.stdout.split()[-1]) < 400 * 1024, done.stdout  # peak kB of the grading process
    rows = {r["submission"]: r for r in csv.DictReader(out.read_text().splitlines())}
    assert "60.0 MiB" in rows["tiny_dicts.ipynb"]["error"], rows["tiny_dicts.ipynb"]
    assert rows["oversize.ipynb"]["error"] == "the notebook is 65.0 MiB, over the 64.0 MiB limit; not read"
    assert all(float(r["possible"]) == sum(NEURONS_POINTS.values()) for r in rows.values())


@needs_sandbox
def test_a_killed_run_keeps_its_grades_and_a_rerun_grades_only_the_rest(built, neurons_full, tmp_path):
    """Old grader: the CSV was written only at the end, so killing the grader lost every grade."""
    subs = tmp_path / "subs"
    subs.mkdir()
    student = nbformat.read(str(built / "neurons" / "student" / "neurons.ipynb"), as_version=4)
    for i in range(2):  # one id each: a shared id scores 0 (issue 19)
        nbformat.write(fill(student, master("neurons"), student_id=f"a{i}"), str(subs / f"a{i}.ipynb"))
    slow = fill(student, master("neurons"), student_id="z_slow")
    cell = answer_cell(slow, "def side")
    cell.source = "import time\ntime.sleep(10)\n" + cell.source
    nbformat.write(slow, str(subs / "z_slow.ipynb"))
    out = tmp_path / "g.csv"
    cmd = [sys.executable, "-m", "classroom.grade", str(subs), "--autograder-dir",
           str(built), "--out", str(out), "--jobs", "1", "--timeout", "60"]
    grader = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            if out.exists() and out.read_text().count("\n") >= 3:  # the header and two rows
                break
            time.sleep(0.5)
        time.sleep(2)
    finally:
        os.killpg(grader.pid, signal.SIGKILL)
        grader.wait()
    kept = {r["submission"]: r for r in csv.DictReader(out.read_text().splitlines())}
    assert set(kept) == {"a0.ipynb", "a1.ipynb"}, kept
    rows = grade.grade_folder(subs, autograder_dir=built, out=out, timeout=60, jobs=1, progress=False)
    assert [r["submission"] for r in rows] == ["a0.ipynb", "a1.ipynb", "z_slow.ipynb"]
    graded_now = [r for r in rows if isinstance(r["total"], float)]
    assert [r["submission"] for r in graded_now] == ["z_slow.ipynb"], rows
    final = {r["submission"]: r for r in csv.DictReader(out.read_text().splitlines())}
    assert all(float(r["total"]) == sum(NEURONS_POINTS.values()) for r in final.values()), final


def test_a_rerun_knows_formula_named_rows_and_drops_a_row_cut_short(tmp_path):
    """A row whose file name was made inert is found again by its real name (not graded twice), and a
    row cut short by a kill is dropped, to be graded again."""
    from classroom.grading import report

    out = tmp_path / "grades.csv"
    book = report.GradeBook(out, ["q1"])
    book.add({"submission": "=SUM(1).ipynb", "assignment": "neurons", "q1": 1.0, "total": 1.0, "possible": 2.0,
              "error": "-1 point", "tampering": ""})
    with open(out, "a") as f:
        f.write("half.ipynb,neuro")  # killed in the middle of a write
    again = report.GradeBook(out, ["q1"])
    assert list(again.rows) == ["=SUM(1).ipynb"]
    assert out.read_text().splitlines()[1:] == ["'=SUM(1).ipynb,neurons,1,1,2,'-1 point,"]
