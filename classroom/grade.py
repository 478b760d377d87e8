"""Grade every submitted notebook in a folder, locally and without Docker, into one CSV.

    python -m classroom.grade SUBMISSIONS [--assignment NAME] [--autograder-dir _build/assignments]
                               [--out grades.csv] [--timeout 300] [--budget S] [--jobs N]
                               [--roster ids.csv] [--regrade] [--unsafe-no-sandbox]
    python -m classroom.grade NOTEBOOK --show-variant [--student-id ID]

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
   Beside it, the class report (``class-report.html`` and ``.csv``, ``classreport``): per question the
   scores and the misconceptions matched, per student why each point was lost.

An assignment with a question file (``book/assignments/masters/<name>.py``) is graded on each
student's variant (``identity``, ``checks``): the expected values come from the reference solution
for that student's id, computed here on inputs the student's code never touched.
"""
import argparse
import concurrent.futures
import json
import os
import pathlib
import sys
import tempfile

import nbformat

from classroom import build, masters
from classroom.grading import checks, classreport, identity, intake, questions, report, sandbox, score
from classroom.grading.run import Broken, OutOfTime, Session, is_grader_cell

KNOWN = masters.names()


class Assignment:
    """One assignment's tests and given code, read from what `make assignments` wrote."""

    def __init__(self, name, autograder_dir):
        base = pathlib.Path(autograder_dir) / name
        zips = sorted((base / "autograder").glob("*.zip"))
        if not zips:
            raise FileNotFoundError(f"no autograder for {name!r} in {autograder_dir}: run `make assignments` first")
        self.name = name
        self.questions = None  # with a question file: variants, misconceptions, expected values from the reference
        spec = build.MASTERS / f"{name}.py"
        if spec.is_file():
            self.questions = questions.load(spec)
            self.reference = build.reference(name)
            self.tests = {}
            self.points = {q: float(v.points) for q, v in self.questions.items()}
        else:
            self.tests = score.load_tests(zips[-1])
            self.points = {q: t["points"] for q, t in self.tests.items()}
        template = nbformat.read(str(base / "student" / f"{name}.ipynb"), as_version=4)
        self.given = {}
        for cell in template.cells:  # the code the notebook gives (imports, helpers), not the answers
            if cell.cell_type == "code" and "..." not in cell.source and not is_grader_cell(cell.source):
                exec(compile(cell.source, f"<{name} given code>", "exec"), self.given)


def grade_one(filename, code, assignment, timeout, slot, isolate, notes=(), budget=None, student=None):
    """Return one CSV row (a dict) for one submission; ``code`` is [(cell index, source)].
    ``student``: (id, note), or None to read it from the code."""
    row = {"submission": filename, "assignment": assignment.name, **dict.fromkeys(assignment.points, 0.0),
           "possible": sum(assignment.points.values()), "tampering": ""}
    cells = [(i, source) for i, source in code if not is_grader_cell(source)
             and not source.startswith("_CHECKS_SOURCE")]
    session = Session(cells, timeout, slot=slot, isolate=isolate, budget=budget)
    lost, missing = [], []
    if assignment.questions is not None:
        student = student or identity.student_in((source for _, source in code), filename)
        return _grade_variant(row, assignment, session, cells, list(notes), student)
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


def _grade_variant(row, assignment, session, cells, notes, student):
    """grade_one for an assignment with a question file: the student's variant, misconceptions."""
    sid, note = student
    notes += [note] if note else []
    row["student_id"] = sid
    details = {}
    try:
        variant, hidden = checks.variant_of(assignment.name, sid), checks.hidden_seed(assignment.name, sid)
    except ValueError as e:
        variant = hidden = None
        notes.append(str(e))
    row["variant"] = variant
    lost = []
    if variant is not None:
        try:
            session._start()
            sources = [source for _, source in cells]
            for q, question in assignment.questions.items():
                try:
                    result = score.score_variant(question, session, assignment.reference, variant, hidden, sources)
                except OutOfTime:
                    raise
                except Broken as e:
                    result = {"earned": 0.0, "status": "raised", "reason": f"the sandbox failed: {e}",
                              "misconception": None, "message": ""}
                row[q] = result["earned"]
                details[q] = result
                if result["status"] != "passed":
                    why = result["reason"] + (f" ({result['misconception']})" if result["misconception"] else "")
                    lost.append(f"{q}: {why}")
        except Broken as e:
            session.errors.append(f"grading stopped: {e}")
        finally:
            session.close()
    else:
        session.close()
    raised = [e for e in session.errors if " raised " in e]
    other = [e for e in session.errors if " raised " not in e]
    row["total"] = sum(row[q] for q in assignment.points)
    row["error"] = "; ".join(notes + other + raised[:1] + lost)
    row["tampering"] = "; ".join(dict.fromkeys(session.tampering))
    row["details"] = details
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
                 jobs=None, progress=True, isolate=None, budget=None, regrade=False, unsafe_no_sandbox=False,
                 roster=None):
    """Grade every ``*.ipynb`` in ``folder`` into a CSV (default ``folder/grades.csv``), write the class
    report beside it, and return the rows (dicts) of the submissions in it. Rows already in the CSV are
    kept and not graded again (``regrade`` starts it over); each new row is appended as soon as it is
    graded. ``roster``: a file of student ids (identity.py); an id not on it scores 0."""
    on_roster = identity.load_roster(roster) if roster else None
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
                            known, on_roster)


def _grade_files(files, assignment, autograder_dir, out, timeout, jobs, progress, isolate, budget, known,
                 on_roster=None):
    assignments = {}

    def load(name):
        if name not in assignments:
            try:
                assignments[name] = Assignment(name, autograder_dir)
            except FileNotFoundError as e:
                assignments[name] = e
        return assignments[name]

    # One notebook at a time: read, keep what grading needs (on disk), and tell its assignment.
    plan = []  # (file name, assignment or None, note, code path or None, (student id, note) or None)
    ids = {}  # (assignment, normalized id) -> file names: one id on two notebooks is a copy
    for filename, path in files.items():
        if isinstance(path, intake.Refused):
            plan.append((filename, assignment, str(path), None, None))
            continue
        try:
            nb = intake.read(path)
        except intake.Refused as e:
            plan.append((filename, assignment, str(e), None, None))
            continue
        name, note, elsewhere = intake.assignment_of(nb["assignment"], filename, assignment, known)
        if name is not None and isinstance(load(name), Exception):
            note, name = str(assignments[name]), None
        if name is None or elsewhere:
            plan.append((filename, name, note, None, None))
            continue
        student = None
        if assignments[name].questions is not None:  # graded on the student's variant
            student = identity.student_in((source for _, source in nb["code"]), filename)
            try:
                key = checks.normalize_id(student[0])
            except ValueError:
                key = ""
            if on_roster is not None and key not in on_roster:
                plan.append((filename, name, f"student id {student[0][:60]!r} is not on the roster; scored 0",
                             None, student))
                continue
            ids.setdefault((name, key), []).append(filename)
        path.with_suffix(".json").write_text(json.dumps(nb["code"]))
        plan.append((filename, name, note, path.with_suffix(".json"), student))
        path.unlink()
    shared = {f: others for others in ids.values() if len(others) > 1 for f in others}
    for k, (filename, name, note, code, student) in enumerate(plan):
        if filename in shared:  # one id, several notebooks: a copied notebook; each scores 0
            others = ", ".join(f for f in shared[filename] if f != filename)
            plan[k] = (filename, name, f"the same student id as {others}; scored 0", None, student)
    graded = sorted(n for n, a in assignments.items() if not isinstance(a, Exception))
    if assignment is None and len(graded) == 1:
        assignment = graded[0]  # a one-assignment folder: a file that could not be read scores 0 on it
    if assignment is not None:
        load(assignment)
    questions = sorted({q for a in assignments.values() if not isinstance(a, Exception) for q in a.points},
                       key=lambda q: (len(q), q))
    book = report.GradeBook(out, questions)

    def zero(filename, name, why, student=None):
        a = assignments.get(name or assignment)
        if isinstance(a, Assignment):
            return {"submission": filename, "assignment": a.name, **dict.fromkeys(a.points, 0.0), "total": 0.0,
                    "possible": sum(a.points.values()), "error": why, "tampering": "",
                    **({"student_id": student[0]} if student else {})}
        return {"submission": filename, "assignment": name or "", "total": 0.0, "possible": 0.0, "error": why,
                "tampering": ""}

    rows, todo = [], []
    for slot, (filename, name, note, code, student) in enumerate(plan):
        if filename in book.rows:
            continue  # graded by an earlier run
        if code is None:
            rows.append(zero(filename, name, note, student))
            book.add(rows[-1])
        else:
            todo.append((filename, code, assignments[name], slot, note, student))

    def job(filename, code, a, slot, note, student):
        cells = [tuple(c) for c in json.loads(code.read_text())]
        return grade_one_safely(filename, cells, a, timeout, slot, isolate, [note] if note else [], budget,
                                student)

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
    earlier = [r for name, r in book.rows.items() if name not in {row["submission"] for row in rows}]
    rows = sorted(rows + earlier, key=lambda r: r["submission"])
    pages = classreport.write(rows, {n: a for n, a in assignments.items() if isinstance(a, Assignment)}, out)
    if progress:
        print(f"wrote {out} ({len(book.rows)} submissions, {len(rows) - len(earlier)} graded now) and the class "
              f"report {pages[0]}", file=sys.stderr)
    return rows


def show_variant(notebook, assignment=None, student_id=None):
    """What a teacher sees to regrade one notebook by hand: its student id, variant, and for each
    question the visible inputs and the expected value of that variant (from the reference solution)."""
    nb = intake.read(notebook)
    name = assignment or nb["assignment"]
    if not build.has_questions(name or ""):
        raise SystemExit(f"{name!r} has no question file (book/assignments/masters/<name>.py)")
    sid = student_id or identity.student_in((source for _, source in nb["code"]), pathlib.Path(notebook).name)[0]
    variant = checks.variant_of(name, sid)
    ref = build.reference(name)
    lines = [f"{notebook}: assignment {name}, student id {sid!r}, variant {variant}"]
    for q, question in questions.load(build.MASTERS / f"{name}.py").items():
        args = questions.visible_rounded(question, variant)
        if question.kind == "predict":
            lines.append(f"  {q} ({question.variable}): scenario {checks.short(args, 90)}; "
                         f"answer {checks.short(question.answer(args))}")
        elif question.judge is not None:
            lines.append(f"  {q} {question.function}{checks.short(tuple(args), 90)}: {question.expected_text}")
        else:
            lines.append(f"  {q} {question.function}{checks.short(tuple(args), 90)} -> "
                         f"{checks.short(questions.expected_value(question, ref, args), 90)}")
    return "\n".join(lines)


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
    parser.add_argument("--roster", default=None, help="file of student ids; an id not on it scores 0")
    parser.add_argument("--show-variant", action="store_true",
                        help="SUBMISSIONS is one notebook: print its variant and that variant's expected values")
    parser.add_argument("--student-id", default=None, help="with --show-variant: the id to use instead")
    args = parser.parse_args(argv)
    if args.show_variant:
        print(show_variant(args.submissions, args.assignment, args.student_id))
        return 0
    grade_folder(args.submissions, args.assignment, args.autograder_dir, args.out, args.timeout, args.jobs,
                 budget=args.budget, regrade=args.regrade, unsafe_no_sandbox=args.unsafe_no_sandbox,
                 roster=args.roster)
    return 0


if __name__ == "__main__":
    sys.exit(main())
