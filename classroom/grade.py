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

from classroom import build
from classroom.grading import checks, classreport, identity, intake, questions, report, sandbox, score
from classroom.grading.run import Broken, Session, is_grader_cell

KNOWN = ["neurons", "activations", "notation", "cost", "backprop", "sgd", "putting-it-together"]


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


def grade_one(filename, nb, assignment, timeout, slot, isolate, notes=(), student=None):
    """Return one CSV row (a dict) for one submission. ``student``: (id, note), or None to read it."""
    row = {"submission": filename, "assignment": assignment.name, **dict.fromkeys(assignment.points, 0.0),
           "possible": sum(assignment.points.values()), "tampering": ""}
    cells = [(i, c.source) for i, c in enumerate(nb.cells) if c.cell_type == "code" and not is_grader_cell(c.source)
             and not c.source.startswith("_CHECKS_SOURCE")]
    session = Session(cells, timeout, slot=slot, isolate=isolate)
    lost, missing = [], []
    if assignment.questions is not None:
        return _grade_variant(row, nb, filename, assignment, session, cells, list(notes), student)
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


def _grade_variant(row, nb, filename, assignment, session, cells, notes, student):
    """grade_one for an assignment with a question file: the student's variant, misconceptions."""
    sid, note = student or identity.student_of(nb, filename)
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


def grade_one_safely(filename, nb, assignment, *args):
    """grade_one, with a row of 0 points and the reason if the grader itself failed on this one."""
    try:
        return grade_one(filename, nb, assignment, *args)
    except Exception as e:  # the class goes on; the instructor sees why in the row
        return {"submission": filename, "assignment": assignment.name, **dict.fromkeys(assignment.points, 0.0),
                "total": 0.0, "possible": sum(assignment.points.values()), "tampering": "",
                "error": f"the grader failed on this notebook: {type(e).__name__}: {e}"[:300]}


def grade_folder(folder, assignment=None, autograder_dir="_build/assignments", out=None, timeout=300,
                 jobs=None, progress=True, isolate=None, roster=None):
    """Grade every ``*.ipynb`` in ``folder``; write the CSV and the class report beside it and return
    the rows (dicts). ``roster``: a file of student ids (identity.py)."""
    on_roster = identity.load_roster(roster) if roster else None
    files = intake.copy_in(folder)  # every file read before any student code runs
    if not files:
        raise SystemExit(f"no .ipynb files in {folder}")
    if isolate is None:
        isolate, why = sandbox.probe()
        if not isolate and progress:
            print(f"WARNING: no sandbox ({why}). Student code runs as this user, so {sandbox.UNPROTECTED}.",
                  file=sys.stderr)
    known = sorted({*KNOWN, *(p.name for p in pathlib.Path(autograder_dir).glob("*") if p.is_dir())})
    rows, jobs_to_run, assignments, ids = [], [], {}, {}
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
        notes = [note] if note else []
        student = None
        if assignments[name].questions is not None:
            student = identity.student_of(nb, filename)
            try:
                key = checks.normalize_id(student[0])
            except ValueError:
                key = ""
            if on_roster is not None and key not in on_roster:
                rows.append({**stray, "assignment": name, **dict.fromkeys(assignments[name].points, 0.0),
                             "possible": sum(assignments[name].points.values()), "student_id": student[0],
                             "error": f"student id {student[0]!r} is not on the roster; scored 0"})
                continue
            ids.setdefault((name, key), []).append(filename)
        jobs_to_run.append((filename, nb, assignments[name], timeout, slot, isolate, notes, student))
    shared = {f: others for others in ids.values() if len(others) > 1 for f in others}
    for job in jobs_to_run:
        if job[0] in shared:  # one id, several notebooks: a copied notebook; each scores 0
            others = ", ".join(f for f in shared[job[0]] if f != job[0])
            rows.append({"submission": job[0], "assignment": job[2].name, **dict.fromkeys(job[2].points, 0.0),
                         "total": 0.0, "possible": sum(job[2].points.values()), "tampering": "",
                         "student_id": job[7][0], "error": f"the same student id as {others}; scored 0"})
    jobs_to_run = [job for job in jobs_to_run if job[0] not in shared]
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
    pages = classreport.write(rows, graded, out)
    if progress:
        print(f"wrote {out} ({len(rows)} submissions) and the class report {pages[0]}", file=sys.stderr)
    return rows


def show_variant(notebook, assignment=None, student_id=None):
    """What a teacher sees to regrade one notebook by hand: its student id, variant, and for each
    question the visible inputs and the expected value of that variant (from the reference solution)."""
    nb = intake.read_notebook(pathlib.Path(notebook).read_bytes())
    name = assignment or (nb.metadata.get("otter") or {}).get("assignment_name")
    if not build.has_questions(name or ""):
        raise SystemExit(f"{name!r} has no question file (book/assignments/masters/<name>.py)")
    sid = student_id or identity.student_of(nb, pathlib.Path(notebook).name)[0]
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
    parser.add_argument("--assignment", default=None, help="assignment for notebooks without otter metadata")
    parser.add_argument("--autograder-dir", default="_build/assignments")
    parser.add_argument("--out", default=None, help="CSV path (default: SUBMISSIONS/grades.csv)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds allowed per cell and per test call")
    parser.add_argument("--jobs", type=int, default=None, help="parallel graders (default: all cores)")
    parser.add_argument("--roster", default=None, help="file of student ids; an id not on it scores 0")
    parser.add_argument("--show-variant", action="store_true",
                        help="SUBMISSIONS is one notebook: print its variant and that variant's expected values")
    parser.add_argument("--student-id", default=None, help="with --show-variant: the id to use instead")
    args = parser.parse_args(argv)
    if args.show_variant:
        print(show_variant(args.submissions, args.assignment, args.student_id))
        return 0
    grade_folder(args.submissions, args.assignment, args.autograder_dir, args.out, args.timeout, args.jobs,
                 roster=args.roster)
    return 0


if __name__ == "__main__":
    sys.exit(main())
