"""Grade every submitted notebook in a folder, locally and without Docker, into one CSV.

    python book/assignments/grade.py SUBMISSIONS [--assignment NAME] [--autograder-dir _build/assignments]
                                     [--out grades.csv] [--timeout 300] [--jobs N]

Each submission is graded by otter-grader (``otter.api.grade_submission``) in its own process, in
parallel across cores (``--jobs``, default: all cores), under a time limit. One row per submission:
``submission, q1..qN, total, possible, error``. A submission that is not valid notebook JSON, runs past
the time limit, raises in a cell or lacks questions still gets a row, with the points it earned (0 when
nothing could run) and the reason in ``error``; the run always goes on to the next submission.

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


def _child(submission, autograder_zip):
    """Grade one submission (runs in a child process) and print a JSON summary on the last line."""
    import otter.api

    result = otter.api.grade_submission(submission, autograder_zip, quiet=True)
    scores = {q: float(r.score) for q, r in result.results.items()}
    errors = []
    nb = getattr(result, "notebook", None)
    for cell in (nb.cells if nb is not None else []):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                errors.append(f"a cell raised {out['ename']}: {out['evalue']}"[:200])
    print(json.dumps({"scores": scores, "errors": errors}))


def grade_one(submission, autograder_zip, questions, timeout, assignment):
    """Return one CSV row (a dict) for one submission; never raises."""
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
    with tempfile.TemporaryDirectory() as tmp:
        # Otter writes next to the notebook; grade a copy so the submissions folder stays clean. The
        # copy takes the assignment's name, which the notebook's `otter.Notebook(...)` cell expects.
        copy = pathlib.Path(tmp) / f"{assignment}.ipynb"
        copy.write_bytes(pathlib.Path(submission).read_bytes())
        cmd = [sys.executable, os.path.abspath(__file__), "--child", str(copy), os.path.abspath(autograder_zip)]
        proc = subprocess.Popen(cmd, cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)  # own process group: a timeout kills the kernel too
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return {**row, "total": 0.0, "error": "; ".join(reasons + [f"timed out after {timeout:g} s"])}
    try:
        summary = json.loads(out.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        last = (err.strip().splitlines() or ["no output"])[-1]
        return {**row, "total": 0.0, "error": "; ".join(reasons + [f"grading failed: {last[:200]}"])}
    row.update({q: s for q, s in summary["scores"].items() if q in questions})
    reasons += summary["errors"][:1]
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
        _child(argv[1], argv[2])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submissions", help="folder of submitted .ipynb files")
    parser.add_argument("--assignment", default=None, help="assignment name (default: from the notebooks)")
    parser.add_argument("--autograder-dir", default="_build/assignments")
    parser.add_argument("--out", default=None, help="CSV path (default: SUBMISSIONS/grades.csv)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds allowed per submission")
    parser.add_argument("--jobs", type=int, default=None, help="parallel graders (default: all cores)")
    args = parser.parse_args(argv)
    grade_folder(args.submissions, args.assignment, args.autograder_dir, args.out, args.timeout, args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
