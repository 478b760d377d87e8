"""Grade every submitted notebook in a folder, locally and without Docker, into one CSV.

    python -m classroom.grade SUBMISSIONS [--assignment NAME] [--autograder-dir _build/assignments]
                               [--out grades.csv] [--timeout 300] [--jobs N]

The steps, one module each in ``grading/``:

1. ``intake``: every ``*.ipynb`` in the folder is read into memory before any student code runs; each
   notebook's assignment comes from its otter metadata (else ``--assignment``, else its file name).
2. ``sandbox`` + ``run``: each submission runs in a sandbox of its own (its own user, namespaces, a
   private root directory, no network, resource limits); its code cells run one by one, each under
   ``--timeout`` seconds. A cell that raises, loops or ends Python costs only what depends on it.
3. ``score``: the assignment's tests (visible and hidden) run in this process; the student's functions
   are called in the sandbox and only plain data comes back. The expected values never enter it.
4. ``report``: one row per submission, ``submission, assignment, q1..qN, total, possible, error,
   tampering``, checked and written by this process alone.
"""
import argparse
import concurrent.futures
import os
import pathlib
import sys

import nbformat

from classroom import masters
from classroom.grading import intake, report, sandbox, score
from classroom.grading.run import Broken, Session, is_grader_cell

KNOWN = masters.names()


class Assignment:
    """One assignment's tests and given code, read from what `make assignments` wrote."""

    def __init__(self, name, autograder_dir):
        base = pathlib.Path(autograder_dir) / name
        zips = sorted((base / "autograder").glob("*.zip"))
        if not zips:
            raise FileNotFoundError(f"no autograder for {name!r} in {autograder_dir}: run `make assignments` first")
        self.name = name
        self.tests = score.load_tests(zips[-1])
        self.points = {q: t["points"] for q, t in self.tests.items()}
        template = nbformat.read(str(base / "student" / f"{name}.ipynb"), as_version=4)
        self.given = {}
        for cell in template.cells:  # the code the notebook gives (imports, helpers), not the answers
            if cell.cell_type == "code" and "..." not in cell.source and not is_grader_cell(cell.source):
                exec(compile(cell.source, f"<{name} given code>", "exec"), self.given)


def grade_one(filename, nb, assignment, timeout, slot, isolate, notes=()):
    """Return one CSV row (a dict) for one submission."""
    row = {"submission": filename, "assignment": assignment.name, **dict.fromkeys(assignment.points, 0.0),
           "possible": sum(assignment.points.values()), "tampering": ""}
    cells = [(i, c.source) for i, c in enumerate(nb.cells) if c.cell_type == "code" and not is_grader_cell(c.source)]
    session = Session(cells, timeout, slot=slot, isolate=isolate)
    lost, missing = [], []
    try:
        session._start()
        for q, test in assignment.tests.items():
            try:
                earned, failures, absent = score.score_question(q, test, session, assignment.given)
            except Broken as e:
                earned, failures, absent = 0.0, [f"the sandbox failed: {e}"], []
            row[q] = float(earned)
            if absent and not any(n in source for n in absent for _, source in cells):
                missing.append(q)  # not a cell that failed: no cell even mentions the names
            lost += [f"{q}: {f}; {q} scored 0" for f in failures if "did not return" in f or "ended Python" in f
                     or "sandbox failed" in f]
    except Broken as e:
        session.errors.append(f"grading stopped: {e}")
    finally:
        session.close()
    raised = [e for e in session.errors if " raised " in e]
    other = [e for e in session.errors if " raised " not in e]
    reasons = list(notes) + (["missing questions: " + ", ".join(missing)] if missing else []) + other + lost + raised[:1]
    row["total"] = sum(row[q] for q in assignment.points)
    row["error"] = "; ".join(reasons)
    row["tampering"] = "; ".join(dict.fromkeys(session.tampering))
    report.check_row(row, assignment.points)
    return row


def grade_one_safely(filename, nb, assignment, *args):
    """grade_one, with a row of 0 points and the reason if the grader itself failed on this one."""
    try:
        return grade_one(filename, nb, assignment, *args)
    except Exception as e:  # the class goes on; the instructor sees why in the row
        return {"submission": filename, "assignment": assignment.name, **dict.fromkeys(assignment.points, 0.0),
                "total": 0.0, "possible": sum(assignment.points.values()), "tampering": "",
                "error": f"the grader failed on this notebook: {type(e).__name__}: {e}"[:300]}


def grade_folder(folder, assignment=None, autograder_dir="_build/assignments", out=None, timeout=300,
                 jobs=None, progress=True, isolate=None):
    """Grade every ``*.ipynb`` in ``folder``; write the CSV and return its rows (dicts)."""
    files = intake.copy_in(folder)  # every file read before any student code runs
    if not files:
        raise SystemExit(f"no .ipynb files in {folder}")
    if isolate is None:
        isolate, why = sandbox.probe()
        if not isolate and progress:
            print(f"WARNING: no sandbox ({why}). Student code runs as this user, so {sandbox.UNPROTECTED}.",
                  file=sys.stderr)
    known = sorted({*KNOWN, *(p.name for p in pathlib.Path(autograder_dir).glob("*") if p.is_dir())})
    rows, jobs_to_run, assignments = [], [], {}
    for slot, (filename, data) in enumerate(files.items()):
        stray = {"submission": filename, "assignment": "", "total": 0.0, "possible": 0.0, "tampering": ""}
        try:
            nb = intake.read_notebook(data)
        except ValueError as e:
            rows.append({**stray, "error": str(e)})
            continue
        name, note = intake.assignment_of(nb, filename, assignment, known)
        if name is not None and name not in assignments:
            try:
                assignments[name] = Assignment(name, autograder_dir)
            except FileNotFoundError as e:
                assignments[name] = e
        if name is None or isinstance(assignments[name], Exception):
            rows.append({**stray, "assignment": name or "", "error": note or str(assignments[name])})
            continue
        jobs_to_run.append((filename, nb, assignments[name], timeout, slot, isolate, [note] if note else []))
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
        futures = [pool.submit(grade_one_safely, *job) for job in jobs_to_run]
        iterator = concurrent.futures.as_completed(futures)
        if progress:
            from tqdm import tqdm
            iterator = tqdm(iterator, total=len(futures), desc="grading", unit="notebook", file=sys.stderr)
        for future in iterator:
            rows.append(future.result())
    graded = {name: a for name, a in assignments.items() if not isinstance(a, Exception)}
    if len(graded) == 1:  # a one-assignment folder: a file that could not be read scores 0 on each question
        (only,) = graded.values()
        for row in rows:
            if not row["assignment"]:
                row.update({"assignment": only.name, **dict.fromkeys(only.points, 0.0),
                            "possible": sum(only.points.values())})
    rows.sort(key=lambda r: r["submission"])
    questions = sorted({q for a in assignments.values() if not isinstance(a, Exception) for q in a.points},
                       key=lambda q: (len(q), q))
    out = report.write(rows, questions, out or pathlib.Path(folder) / "grades.csv")
    if progress:
        print(f"wrote {out} ({len(rows)} submissions)", file=sys.stderr)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submissions", help="folder of submitted .ipynb files")
    parser.add_argument("--assignment", default=None, help="assignment for notebooks without otter metadata")
    parser.add_argument("--autograder-dir", default="_build/assignments")
    parser.add_argument("--out", default=None, help="CSV path (default: SUBMISSIONS/grades.csv)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds allowed per cell and per test call")
    parser.add_argument("--jobs", type=int, default=None, help="parallel graders (default: all cores)")
    args = parser.parse_args(argv)
    grade_folder(args.submissions, args.assignment, args.autograder_dir, args.out, args.timeout, args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
