"""Grade every submitted notebook in a folder, locally and without Docker, into one CSV.

    python -m classroom.grade SUBMISSIONS [--assignment NAME] [--autograder-dir _build/assignments]
                               [--out grades.csv] [--timeout 300] [--budget S] [--jobs N]
                               [--regrade] [--unsafe-no-sandbox]

The steps, one module each in ``grading/``:

1. ``intake``: every ``*.ipynb`` in the folder is copied to a private folder before any student code
   runs, then read one at a time under size and memory bounds; each notebook's assignment comes from its
   otter metadata (else ``--assignment``, else its file name). With ``--assignment`` a notebook of
   another assignment scores 0.
2. ``sandbox`` + ``run``: each submission runs in a sandbox of its own (its own user, namespaces, a
   private root directory, no network, resource limits, a CPU share), as root or, without root, in
   user namespaces; where neither is possible grading is refused unless ``--unsafe-no-sandbox``. Its
   code cells run one by one, each under ``--timeout`` seconds, the whole notebook under ``--budget``.
   A cell that raises, loops or ends Python costs only what depends on it.
3. ``score``: the assignment's tests (visible and hidden) run in this process; the student's functions
   are called in the sandbox and only plain data, bounded, comes back. The expected values never enter it.
4. ``report``: one row per submission, ``submission, assignment, q1..qN, total, possible, error,
   tampering``, checked and appended by this process alone as soon as it is graded; a second run grades
   only the notebooks not in the file yet. ``tampering`` holds only what the grader saw from outside.
"""
import argparse
import concurrent.futures
import json
import os
import pathlib
import sys
import tempfile

import nbformat

from classroom.grading import intake, report, sandbox, score
from classroom.grading.run import Broken, OutOfTime, Session, is_grader_cell

KNOWN = ["neurons", "activations", "notation", "cost", "backprop", "sgd", "putting-it-together"]


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


def grade_one(filename, code, assignment, timeout, slot, isolate, notes=(), budget=None):
    """Return one CSV row (a dict) for one submission; ``code`` is [(cell index, source)]."""
    row = {"submission": filename, "assignment": assignment.name, **dict.fromkeys(assignment.points, 0.0),
           "possible": sum(assignment.points.values()), "tampering": ""}
    cells = [(i, source) for i, source in code if not is_grader_cell(source)]
    session = Session(cells, timeout, slot=slot, isolate=isolate, budget=budget)
    lost, missing = [], []
    try:
        session._start()
        for q, test in assignment.tests.items():
            try:
                earned, failures, absent = score.score_question(q, test, session, assignment.given)
            except OutOfTime:
                raise
            except Broken as e:
                earned, failures, absent = 0.0, [f"the sandbox failed: {e}"], []
            row[q] = float(earned)
            if absent and not any(n in source for n in absent for _, source in cells):
                missing.append(q)  # not a cell that failed: no cell even mentions the names
            lost += [f"{q}: {f}; {q} scored 0" for f in failures if "did not return" in f or "ended Python" in f
                     or "sandbox failed" in f or "over the grader's bounds" in f]
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


def grade_one_safely(filename, code, assignment, *args, **kwargs):
    """grade_one, with a row of 0 points and the reason if the grader itself failed on this one."""
    try:
        return grade_one(filename, code, assignment, *args, **kwargs)
    except Exception as e:  # the class goes on; the instructor sees why in the row
        return {"submission": filename, "assignment": assignment.name, **dict.fromkeys(assignment.points, 0.0),
                "total": 0.0, "possible": sum(assignment.points.values()), "tampering": "",
                "error": f"the grader failed on this notebook: {type(e).__name__}: {e}"[:300]}


def isolation(unsafe_no_sandbox=False):
    """The sandbox this machine gives ("root" or "user"), or "none" when the teacher asked for no
    sandbox; SystemExit, saying why and what would be unprotected, when there is none to give."""
    mode, why = sandbox.probe()
    if mode:
        return mode
    if unsafe_no_sandbox or os.environ.get("UNSAFE_NO_SANDBOX") == "1":
        print(f"WARNING: no sandbox ({why}); grading anyway because --unsafe-no-sandbox was given. Student "
              f"code runs as this user, so {sandbox.UNPROTECTED}.", file=sys.stderr)
        return "none"
    raise SystemExit(f"no sandbox here ({why}): refusing to run student code. Without one, "
                     f"{sandbox.UNPROTECTED}. Grade on a Linux machine that allows user namespaces (or as root), "
                     "or, for work you trust, pass --unsafe-no-sandbox (make grade UNSAFE_NO_SANDBOX=1).")


def grade_folder(folder, assignment=None, autograder_dir="_build/assignments", out=None, timeout=300,
                 jobs=None, progress=True, isolate=None, budget=None, regrade=False, unsafe_no_sandbox=False):
    """Grade every ``*.ipynb`` in ``folder`` into a CSV (default ``folder/grades.csv``) and return the rows
    (dicts) of the submissions in it. Rows already in the CSV are kept and not graded again (``regrade``
    starts it over); each new row is appended as soon as it is graded."""
    if isolate is None:
        isolate = isolation(unsafe_no_sandbox)
    known = sorted({*KNOWN, *(p.name for p in pathlib.Path(autograder_dir).glob("*") if p.is_dir())})
    if assignment is not None and assignment not in known:
        raise SystemExit(f"ASSIGNMENT={assignment!r} is not one of {', '.join(known)}")
    out = pathlib.Path(out or pathlib.Path(folder) / "grades.csv")
    if regrade and out.exists():
        out.unlink()
    with tempfile.TemporaryDirectory(prefix="grading-intake-") as private:
        files = intake.copy_in(folder, private)  # every file copied before any student code runs
        if not files:
            raise SystemExit(f"no .ipynb files in {folder}")
        return _grade_files(files, assignment, autograder_dir, out, timeout, jobs, progress, isolate, budget,
                            known)


def _grade_files(files, assignment, autograder_dir, out, timeout, jobs, progress, isolate, budget, known):
    assignments = {}

    def load(name):
        if name not in assignments:
            try:
                assignments[name] = Assignment(name, autograder_dir)
            except FileNotFoundError as e:
                assignments[name] = e
        return assignments[name]

    # One notebook at a time: read, keep what grading needs (on disk), and tell its assignment.
    plan = []  # (file name, assignment or None, note, code path or None)
    for filename, path in files.items():
        if isinstance(path, intake.Refused):
            plan.append((filename, assignment, str(path), None))
            continue
        try:
            nb = intake.read(path)
        except intake.Refused as e:
            plan.append((filename, assignment, str(e), None))
            continue
        name, note, elsewhere = intake.assignment_of(nb["assignment"], filename, assignment, known)
        if name is not None and isinstance(load(name), Exception):
            note, name = str(assignments[name]), None
        if name is None or elsewhere:
            plan.append((filename, name, note, None))
            continue
        path.with_suffix(".json").write_text(json.dumps(nb["code"]))
        plan.append((filename, name, note, path.with_suffix(".json")))
        path.unlink()
    graded = sorted(n for n, a in assignments.items() if not isinstance(a, Exception))
    if assignment is None and len(graded) == 1:
        assignment = graded[0]  # a one-assignment folder: a file that could not be read scores 0 on it
    if assignment is not None:
        load(assignment)
    questions = sorted({q for a in assignments.values() if not isinstance(a, Exception) for q in a.points},
                       key=lambda q: (len(q), q))
    book = report.GradeBook(out, questions)

    def zero(filename, name, why):
        a = assignments.get(name or assignment)
        if isinstance(a, Assignment):
            return {"submission": filename, "assignment": a.name, **dict.fromkeys(a.points, 0.0), "total": 0.0,
                    "possible": sum(a.points.values()), "error": why, "tampering": ""}
        return {"submission": filename, "assignment": name or "", "total": 0.0, "possible": 0.0, "error": why,
                "tampering": ""}

    rows, todo = [], []
    for slot, (filename, name, note, code) in enumerate(plan):
        if filename in book.rows:
            continue  # graded by an earlier run
        if code is None:
            rows.append(zero(filename, name, note))
            book.add(rows[-1])
        else:
            todo.append((filename, code, assignments[name], slot, note))

    def job(filename, code, a, slot, note):
        cells = [tuple(c) for c in json.loads(code.read_text())]
        return grade_one_safely(filename, cells, a, timeout, slot, isolate, [note] if note else [], budget)

    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
            futures = [pool.submit(job, *t) for t in todo]
            iterator = concurrent.futures.as_completed(futures)
            if progress:
                from tqdm import tqdm
                iterator = tqdm(iterator, total=len(futures), desc="grading", unit="notebook", file=sys.stderr)
            for future in iterator:
                rows.append(future.result())
                book.add(rows[-1])
    finally:
        sandbox.close_cpu_groups()
    book.finish()
    if progress:
        print(f"wrote {out} ({len(book.rows)} submissions, {len(rows)} graded now)", file=sys.stderr)
    earlier = [r for name, r in book.rows.items() if name not in {row["submission"] for row in rows}]
    return sorted(rows + earlier, key=lambda r: r["submission"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submissions", help="folder of submitted .ipynb files")
    parser.add_argument("--assignment", default=None,
                        help="the assignment being graded (a notebook of another one scores 0)")
    parser.add_argument("--autograder-dir", default="_build/assignments")
    parser.add_argument("--out", default=None, help="CSV path (default: SUBMISSIONS/grades.csv)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds allowed per cell and per test call")
    parser.add_argument("--budget", type=float, default=None,
                        help="seconds allowed per notebook, restarts included (default: 5 x timeout + 60)")
    parser.add_argument("--jobs", type=int, default=None, help="parallel graders (default: all cores)")
    parser.add_argument("--regrade", action="store_true", help="grade every notebook again (default: only "
                        "those not yet in the CSV)")
    parser.add_argument("--unsafe-no-sandbox", action="store_true",
                        help="grade even where no sandbox is possible: student code then runs as you")
    args = parser.parse_args(argv)
    grade_folder(args.submissions, args.assignment, args.autograder_dir, args.out, args.timeout, args.jobs,
                 budget=args.budget, regrade=args.regrade, unsafe_no_sandbox=args.unsafe_no_sandbox)
    return 0


if __name__ == "__main__":
    sys.exit(main())
