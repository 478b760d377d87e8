"""Grade every submitted notebook in a folder, locally and without Docker, into one CSV.

    python book/assignments/grade.py SUBMISSIONS [--assignment NAME] [--autograder-dir _build/assignments]
                                     [--out grades.csv] [--timeout 300] [--jobs N]

Each submission is graded by otter-grader (``otter.api.grade_submission``) in its own process, in
parallel across cores (``--jobs``, default: all cores), under a time limit (``--timeout`` seconds per
grading). One row per submission: ``submission, q1..qN, total, possible, error``. A submission that is
not valid notebook JSON, raises in a cell, lacks questions or loops forever still gets a row, with the
points it earned and the reason in ``error``; the run always goes on to the next submission.

When a grading runs past the time limit it is killed (with its kernel) and what was running is taken
out: a cell that did not finish is replaced by ``raise TimeoutError(...)``, a question whose tests did
not finish (a function that never returns) is left out and scores 0, and the submission is graded
again. A submission is graded at most ``MAX_GRADINGS`` = 3 times, so it takes at most 3 x timeout
(plus a second or so to start each grading); if the third grading also times out, or the time ran out
in otter's own set-up, the row gets 0 points and "timed out after N s".

The assignment is read from the notebooks' otter metadata (``--assignment`` overrides it); its
autograder zip comes from ``make assignments`` (``_build/assignments/<name>/autograder/``).
Student code runs unsandboxed: grade only on a machine where that is acceptable.
"""
import argparse
import concurrent.futures
import csv
import json
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import zipfile

import nbformat

COLUMNS_AFTER = ["total", "possible", "error"]


def read_notebook(path):
    """Return the notebook, or raise ValueError("not a valid notebook: ...")."""
    try:
        nb = nbformat.read(str(path), as_version=4)
        nbformat.validate(nb)
    except Exception as e:  # any parse or schema error means the file cannot be graded
        raise ValueError(f"not a valid notebook: {type(e).__name__}: {str(e).splitlines()[0][:200]}") from None
    return nb


def question_points(autograder_zip):
    """Return {question: points} from the autograder's tests, in notebook order."""
    points = {}
    with zipfile.ZipFile(autograder_zip) as zf:
        for name in zf.namelist():
            if name.startswith("tests/") and name.endswith(".py"):
                namespace = {}
                exec(zf.read(name).decode(), namespace)  # an OK-format file: `test = {...}`
                points[namespace["test"]["name"]] = float(namespace["test"]["points"])
    return dict(sorted(points.items(), key=lambda item: (len(item[0]), item[0])))  # q2 before q10


MARK = "grade_py"  # cell metadata: {"cell": index in the submission, "replaced": bool}
MAX_GRADINGS = 3  # a submission is graded at most this many times: the worst case is 3 x timeout

# Runs first in the grading kernel: writes to the progress file which question's tests are running, so
# that a timeout inside a test (a student's function that never returns) is blamed on that question.
KERNEL_HOOK = '''\
def _grade_py_hook(progress):
    import inspect, json, os
    from otter.execute import Checker

    check = Checker.check.__func__

    def note(test):
        with open(progress, "a") as f:
            f.write(json.dumps({"test": test}) + "\\n")

    def logged_check(cls, nb_or_test_path, nbmeta_config, test_name=None, global_env=None):
        if global_env is None:
            global_env = inspect.currentframe().f_back.f_globals
        note(test_name or os.path.splitext(os.path.basename(nb_or_test_path))[0])
        try:
            return check(cls, nb_or_test_path, nbmeta_config, test_name, global_env)
        finally:
            note(None)

    Checker.check = classmethod(logged_check)

_grade_py_hook(%r)
del _grade_py_hook
'''


def _child(submission, autograder_zip, progress):
    """Grade one submission (runs in a child process) and print a JSON summary on the last line.

    While it runs, it appends JSON lines to ``progress``: the kernel's process group, and before each
    cell the cell's index in the submission (None for the cells otter adds); the kernel hook adds the
    question whose tests start and end. After a timeout, the parent reads what was running.
    """
    import nbconvert.preprocessors
    import nbformat.v4

    def note(**event):
        with open(progress, "a") as f:
            f.write(json.dumps(event) + "\n")

    class ReportingExecutePreprocessor(nbconvert.preprocessors.ExecutePreprocessor):
        def preprocess(self, nb, resources=None, km=None):
            nb.cells.insert(0, nbformat.v4.new_code_cell(KERNEL_HOOK % progress))
            return super().preprocess(nb, resources, km)

        def preprocess_cell(self, cell, resources, index):
            if not getattr(self, "_noted_kernel", False):
                provisioner = getattr(self.km, "provisioner", None)
                note(kernel=getattr(provisioner, "pgid", None))
                self._noted_kernel = True
            note(cell=cell.metadata.get(MARK, {}).get("cell"))
            return super().preprocess_cell(cell, resources, index)

    # otter.execute.grade_notebook imports ExecutePreprocessor from this module when it runs.
    nbconvert.preprocessors.ExecutePreprocessor = ReportingExecutePreprocessor
    import otter.api

    result = otter.api.grade_submission(submission, autograder_zip, quiet=True)
    scores = {q: float(r.score) for q, r in result.results.items()}
    errors = []
    nb = getattr(result, "notebook", None)
    for cell in (nb.cells if nb is not None else []):
        mark = cell.metadata.get(MARK, {})
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error" and not mark.get("replaced"):
                errors.append({"cell": mark.get("cell"), "ename": out["ename"], "evalue": out["evalue"]})
    print(json.dumps({"scores": scores, "errors": errors}))


def _read_progress(progress):
    """Return (kernel process group or None, what was running: ("cell", i), ("test", name) or None)."""
    kernel, cell, test = None, None, None
    try:
        lines = pathlib.Path(progress).read_text().splitlines()
    except OSError:
        lines = []
    for line in lines:
        try:
            event = json.loads(line)
        except json.JSONDecodeError:  # a line cut short by the kill
            continue
        if "kernel" in event:
            kernel = event["kernel"]
        elif "cell" in event:
            cell, test = event["cell"], None
        elif "test" in event:
            test = event["test"]
    if test is not None:
        return kernel, ("test", test)
    if cell is not None:
        return kernel, ("cell", cell)
    return kernel, None  # otter's own set-up or clean-up was running: nothing to blame


def _kill(proc, kernel_pgid):
    """Kill the grading process group and the kernel, which jupyter starts in a session of its own."""
    for pgid in (proc.pid, kernel_pgid):
        try:
            if pgid and os.getpgid(pgid) == pgid:  # still there, and still leading its own group
                os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    proc.communicate()


def _run_grading(notebook, autograder_zip, timeout, tmp):
    """Grade ``notebook`` in a child process. Return ("done", (stdout, stderr)), or after a timeout
    ("timeout", what was running: ("cell", index), ("test", question) or None)."""
    progress = pathlib.Path(tmp) / "progress.jsonl"
    progress.write_text("")
    cmd = [sys.executable, os.path.abspath(__file__), "--child", str(notebook), str(autograder_zip),
           str(progress)]
    # Otter's temporary folders and the kernel's connection file go into tmp, removed afterwards even
    # when the child is killed.
    env = {**os.environ, "TMPDIR": str(tmp), "JUPYTER_RUNTIME_DIR": str(tmp)}
    proc = subprocess.Popen(cmd, cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)  # its own process group, killed as a whole
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kernel, culprit = _read_progress(progress)
        _kill(proc, kernel)
        return "timeout", culprit
    kernel, _ = _read_progress(progress)
    _kill(proc, kernel)  # normally all gone already; a kernel left behind would keep running
    return "done", (out, err)


def _first_line(source):
    line = next((l.strip() for l in source.splitlines() if l.strip()), "")
    return line if len(line) <= 40 else line[:37] + "..."


def _without_tests(autograder_zip, dropped, dest):
    """Copy the autograder zip to ``dest`` without the test files of the ``dropped`` questions."""
    with zipfile.ZipFile(autograder_zip) as src, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            if not any(item.filename == f"tests/{q}.py" for q in dropped):
                out.writestr(item, src.read(item.filename))
    return dest


def grade_one(submission, autograder_zip, questions, timeout, assignment):
    """Return one CSV row (a dict) for one submission; never raises.

    When grading runs past ``timeout``, whatever was running is taken out and the submission is graded
    again: a cell that did not finish is replaced by ``raise TimeoutError(...)``, a question whose tests
    did not finish (a function that never returns) is left out and scores 0. At most ``MAX_GRADINGS``
    gradings of ``timeout`` seconds each; if the last one also times out, the row gets 0 points.
    """
    row = {"submission": pathlib.Path(submission).name, **{q: 0.0 for q in questions}}
    reasons = []
    try:
        nb = read_notebook(submission)
    except ValueError as e:
        return {**row, "total": 0.0, "error": str(e)}
    missing = [q for q in questions if f'grader.check("{q}")' not in "\n".join(
        c.source for c in nb.cells if c.cell_type == "code")]
    if missing:
        reasons.append("missing questions: " + ", ".join(missing))
    for i, cell in enumerate(nb.cells):
        cell.metadata[MARK] = {"cell": i}
    dropped = []  # questions whose tests did not finish
    with tempfile.TemporaryDirectory() as tmp:
        # Otter writes next to the notebook; grade a copy so the submissions folder stays clean. The
        # copy takes the assignment's name, which the notebook's `otter.Notebook(...)` cell expects.
        copy = pathlib.Path(tmp) / f"{assignment}.ipynb"
        zip_path = os.path.abspath(autograder_zip)
        for attempt in range(MAX_GRADINGS):
            nbformat.write(nb, str(copy))
            status, value = _run_grading(copy, zip_path, timeout, tmp)
            if status == "done":
                out, err = value
                break
            culprit = value
            if attempt == MAX_GRADINGS - 1 or culprit is None:
                return {**row, "total": 0.0, "error": "; ".join(reasons + [f"timed out after {timeout:g} s"])}
            if culprit[0] == "test":
                dropped.append(culprit[1])
                zip_path = _without_tests(autograder_zip, dropped, pathlib.Path(tmp) / f"without-{attempt}.zip")
                reasons.append(f"timed out: the tests of {culprit[1]} did not finish within {timeout:g} s; "
                               f"{culprit[1]} scored 0")
            else:
                cell = nb.cells[culprit[1]]
                reasons.append(f"timed out: cell {culprit[1] + 1} ({_first_line(cell.source)}) did not finish "
                               f"within {timeout:g} s; graded without it")
                cell.source = f'raise TimeoutError("this cell did not finish within {timeout:g} s")'
                cell.outputs = []
                cell.metadata[MARK]["replaced"] = True
    try:
        summary = json.loads(out.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        last = (err.strip().splitlines() or ["no output"])[-1]
        return {**row, "total": 0.0, "error": "; ".join(reasons + [f"grading failed: {last[:200]}"])}
    row.update({q: s for q, s in summary["scores"].items() if q in questions})
    for e in summary["errors"]:
        if e["ename"] == "FileNotFoundError" and any(e["evalue"] == f"Test {q} does not exist" for q in dropped):
            continue  # the check cell of a question left out above
        where = "a cell" if e["cell"] is None else f"cell {e['cell'] + 1}"
        reasons.append(f"{where} raised {e['ename']}: {e['evalue']}"[:200])
        break  # the first error is usually the cause of the others
    row["total"] = sum(row[q] for q in questions)
    row["error"] = "; ".join(reasons)
    return row


def find_assignment(notebooks):
    """Return the single otter assignment name found in the notebooks' metadata."""
    names = set()
    for path in notebooks:
        try:
            names.add(read_notebook(path).metadata["otter"]["assignment_name"])
        except (ValueError, KeyError):
            continue
    if len(names) != 1:
        raise SystemExit(f"cannot tell which assignment these are (found {sorted(names) or 'none'}); "
                         "pass ASSIGNMENT=name (make) or --assignment name")
    return names.pop()


def grade_folder(folder, assignment=None, autograder_dir="_build/assignments", out=None, timeout=300,
                 jobs=None, progress=True):
    """Grade every ``*.ipynb`` in ``folder``; write and return the CSV rows."""
    notebooks = sorted(pathlib.Path(folder).glob("*.ipynb"))
    if not notebooks:
        raise SystemExit(f"no .ipynb files in {folder}")
    assignment = assignment or find_assignment(notebooks)
    zips = sorted((pathlib.Path(autograder_dir) / assignment / "autograder").glob("*.zip"))
    if not zips:
        raise SystemExit(f"no autograder for {assignment!r} in {autograder_dir}: run `make assignments` first")
    questions = question_points(zips[-1])
    jobs = jobs or os.cpu_count() or 1
    rows = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(grade_one, str(nb), str(zips[-1]), list(questions), timeout, assignment) for nb in notebooks]
        iterator = concurrent.futures.as_completed(futures)
        if progress:
            from tqdm import tqdm
            iterator = tqdm(iterator, total=len(futures), desc=f"grading {assignment}", unit="notebook",
                            file=sys.stderr)
        for future in iterator:
            rows.append(future.result())
    rows.sort(key=lambda r: r["submission"])
    possible = sum(questions.values())
    out = pathlib.Path(out or pathlib.Path(folder) / "grades.csv")
    with open(out, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["submission", *questions, *COLUMNS_AFTER])
        writer.writeheader()
        for row in rows:
            row["possible"] = possible
            writer.writerow(row)
    if progress:
        print(f"wrote {out} ({len(rows)} submissions)", file=sys.stderr)
    return rows


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        _child(argv[1], argv[2], argv[3])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submissions", help="folder of submitted .ipynb files")
    parser.add_argument("--assignment", default=None, help="assignment name (default: from the notebooks)")
    parser.add_argument("--autograder-dir", default="_build/assignments")
    parser.add_argument("--out", default=None, help="CSV path (default: SUBMISSIONS/grades.csv)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds allowed per grading; a submission that loops is graded up to 3 times")
    parser.add_argument("--jobs", type=int, default=None, help="parallel graders (default: all cores)")
    args = parser.parse_args(argv)
    grade_folder(args.submissions, args.assignment, args.autograder_dir, args.out, args.timeout, args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
