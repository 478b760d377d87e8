"""Write the student notebooks and autograder files from the master notebooks.

    python -m classroom.build [--out _build/assignments] [--check] [--sync-book] [names...]

For each master ``book/assignments/masters/<name>.ipynb`` this runs Otter Assign (otter-grader 7) and
writes

* ``<out>/<name>/student/<name>.ipynb``: the notebook students fill in (solutions replaced by ``...``,
  only the visible tests, stored in the notebook's metadata so the single file is all a student needs);
* ``<out>/<name>/autograder/<name>-autograder.zip``: everything ``grade.py`` needs, hidden tests included;
  it also runs unchanged in otter's standard container flow (Gradescope): its ``environment.yml``
  installs the book's package (``how-neural-networks-learn`` at the version in ``pyproject.toml``) from
  the wheel this script puts in the zip (``wheels/``), so the container needs nothing from this repository.

The student notebook's first cell finds the notebook it is in even when the browser renamed the file
(``neurons (1).ipynb``): it looks for the newest ``*.ipynb`` in the folder whose otter metadata names
the assignment, so the checks, stored in that metadata, still load.

``--check`` also runs every test (visible and hidden) against the solutions; it is slow (one kernel per
assignment), so the test suite checks the solutions in-process instead. ``--sync-book`` copies the
student notebooks to ``book/assignments/student/``, the files the book's pages offer for download.
All masters are processed in one Python process, so otter is imported only once.
"""
import argparse
import base64
import contextlib
import hashlib
import io
import json
import pathlib
import re
import shutil
import sys
import warnings
import zipfile

from classroom.masters import MASTERS, ROOT, names

BOOK_STUDENT = ROOT / "book" / "assignments" / "student"
NAMES = names()  # one per master notebook


def build(name, out, check=False):
    """Run Otter Assign on one master; return (student notebook path, autograder zip path)."""
    with warnings.catch_warnings():  # otter's dependencies warn on import; not ours to fix
        warnings.simplefilter("ignore", DeprecationWarning)
        from otter.assign import main as otter_assign

    dest = pathlib.Path(out) / name
    if dest.exists():
        shutil.rmtree(dest)
    log = io.StringIO()
    with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        try:
            otter_assign(str(MASTERS / f"{name}.ipynb"), str(dest), no_run_tests=not check, no_pdfs=True)
        except BaseException as e:  # otter calls sys.exit / raises when a solution fails a test
            raise RuntimeError(f"otter assign failed for {name}:\n{log.getvalue()}") from e
    # otter names the zip with a timestamp; give it a stable name.
    (zip_path,) = (dest / "autograder").glob("*.zip")
    stable = dest / "autograder" / f"{name}-autograder.zip"
    _with_package(zip_path, stable)
    zip_path.unlink()
    student = dest / "student" / f"{name}.ipynb"
    if has_questions(name):
        _with_checks(student, name)
    else:
        _find_itself(student, name)
    return student, stable


INIT_CELL = '''\
# Run this cell first: it loads the checks, which are stored in this notebook.
import glob, json, os, otter

def _this_notebook(assignment):
    """The newest notebook here made for this assignment (a renamed copy too)."""
    mine = []
    for path in glob.glob("*.ipynb"):
        try:
            with open(path, encoding="utf-8") as f:
                otter_meta = json.load(f)["metadata"]["otter"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if otter_meta.get("assignment_name") == assignment:
            mine.append(path)
    return max(mine, key=os.path.getmtime, default=assignment + ".ipynb")

grader = otter.Notebook(_this_notebook({name!r}))'''


def _find_itself(student, name):
    """Replace otter's set-up cell (which names the file) by one that finds a renamed copy too."""
    import nbformat

    nb = nbformat.read(str(student), as_version=4)
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and "otter.Notebook(" in c.source]
    cell.source = INIT_CELL.format(name=name)
    nbformat.write(nb, str(student))


GRADING = pathlib.Path(__file__).resolve().parent / "grading"


def has_questions(name):
    """Whether the assignment has a question file (masters/<name>.py): variants, checks, misconceptions."""
    return (MASTERS / f"{name}.py").is_file()


def checks_source():
    """The source of the checks module a student notebook carries (comparisons, tripwire, runner of
    the checks; no solution): checks.py, tripwire.py and notebook_checks.py, in that order."""
    parts = []
    for module in ("checks", "tripwire", "notebook_checks"):
        text = (GRADING / f"{module}.py").read_text()
        parts.append("\n".join(line for line in text.splitlines() if not line.startswith("from . import")))
    return "\n\n".join(parts)


CHECKS_CELL = '''\
# Run this cell first. It loads the checks of your variant (no answers: the comparisons, and the
# expected values of the visible checks for each variant). Then type your id in the next cell.
import types as _types
_checks = _types.ModuleType("nnbook_checks")
_checks.__dict__["_EMBEDDED_CHECKS"] = globals().get("_EMBEDDED_CHECKS")
exec(compile(_CHECKS_SOURCE, "nnbook_checks", "exec"), _checks.__dict__)
grader = _checks.Checks({name!r}, globals())'''


def checks_cell(name):
    """The first code cell of a student notebook with variant checks."""
    return f"_CHECKS_SOURCE = {checks_source()!r}\n" + CHECKS_CELL.format(name=name)


def given_sources(name):
    """The master's code cells outside questions (imports, helpers), as students get them."""
    import nbformat

    nb = nbformat.read(str(MASTERS / f"{name}.ipynb"), as_version=4)
    out, depth = [], 0
    for cell in nb.cells:
        text = cell.source.strip()
        if cell.cell_type == "raw" and text.startswith("# BEGIN QUESTION"):
            depth += 1
        elif cell.cell_type == "raw" and text.startswith("# END QUESTION"):
            depth -= 1
        elif cell.cell_type == "code" and depth == 0 and "student_id" not in text:
            out.append(cell.source)
    return out


def reference(name):
    """The master's given code and reference solutions, run in a namespace of their own."""
    from classroom.grading import questions

    return questions.reference_namespace(given_sources(name), solution_sources(name))


def check_data(name):
    """The metadata a student notebook carries: each question's public part and every variant's data."""
    from classroom.grading import checks, questions

    qs = questions.load(MASTERS / f"{name}.py")
    ref = reference(name)
    return {"assignment": name, "n_variants": checks.N_VARIANTS, "questions": questions.public(qs),
            "variants_json": json.dumps([questions.variant_data(qs, ref, v) for v in range(checks.N_VARIANTS)],
                                        separators=(",", ":"))}


def _with_checks(student, name):
    """Put the variant checks into the student notebook: its first cell and its metadata."""
    import nbformat

    nb = nbformat.read(str(student), as_version=4)
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and "otter.Notebook(" in c.source]
    cell.source = checks_cell(name)
    cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
    nb.metadata["nnbook_checks"] = check_data(name)
    nbformat.write(nb, str(student))


def project():
    """(distribution name, version, dependencies, requires-python) from pyproject.toml."""
    text = (ROOT / "pyproject.toml").read_text()
    try:
        import tomllib

        meta = tomllib.loads(text)["project"]
    except ImportError:  # Python 3.10: the few keys needed, by pattern
        meta = {k: json.loads(v) for k, v in re.findall(r'^(name|version|requires-python) = (".*")$', text, re.M)}
        meta["dependencies"] = json.loads(re.search(r"^dependencies = (\[.*\])$", text, re.M).group(1))
    return meta["name"], meta["version"], meta.get("dependencies", []), meta.get("requires-python", "")


def package_wheel():
    """(file name, bytes) of a pure-Python wheel of nnlib under the project's distribution name."""
    dist, version, deps, python = project()
    stem = f"{re.sub(r'[-_.]+', '_', dist)}-{version}"
    files = {}
    for path in sorted((ROOT / "nnlib").rglob("*.py")):
        files[path.relative_to(ROOT).as_posix()] = path.read_bytes()
    info = f"{stem}.dist-info"
    metadata = [f"Metadata-Version: 2.1", f"Name: {dist}", f"Version: {version}"]
    metadata += [f"Requires-Python: {python}"] if python else []
    metadata += [f"Requires-Dist: {d}" for d in deps]
    files[f"{info}/METADATA"] = ("\n".join(metadata) + "\n").encode()
    files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: classroom/build.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for path, data in files.items():
            zf.writestr(zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0)), data)
    return f"{stem}-py3-none-any.whl", buffer.getvalue()


def _with_package(src, dest):
    """Copy otter's autograder zip, adding the book's package as a wheel that environment.yml installs."""
    from classroom.grading import zipflow  # pins, and the comparisons `make grade` makes (issue 20)

    wheel_name, wheel = package_wheel()
    dist, version, deps, _ = project()
    requirement = f"{dist} @ file:///autograder/source/wheels/{wheel_name}"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "environment.yml":
                text = zipflow.pinned_environment(data.decode(), deps)
                pip_line = next(l for l in text.splitlines() if "otter-grader" in l)
                indent = pip_line[:len(pip_line) - len(pip_line.lstrip())]
                data = text.replace(pip_line, f"{pip_line}\n{indent}- {requirement}").encode()
            elif item.filename.startswith("tests/") and item.filename.endswith(".py"):
                data = zipflow.plain_tests(data.decode()).encode()
            zout.writestr(item, data)
        zout.writestr(f"wheels/{wheel_name}", wheel)


def solution_sources(name):
    """The master's solution cells of one assignment, without the BEGIN/END SOLUTION markers."""
    import nbformat

    nb = nbformat.read(str(MASTERS / f"{name}.ipynb"), as_version=4)
    sources, inside = [], False
    for cell in nb.cells:
        if cell.cell_type == "raw" and cell.source.strip() in ("# BEGIN SOLUTION", "# END SOLUTION"):
            inside = cell.source.strip() == "# BEGIN SOLUTION"
        elif inside and cell.cell_type == "code":
            sources.append("\n".join(l for l in cell.source.splitlines()
                                     if l.strip() not in ("# BEGIN SOLUTION", "# END SOLUTION")))
    return sources


def solved(name, student, student_id="ada"):
    """The student notebook at ``student`` with the master's solutions in its answer cells: what a
    student who answers everything right hands in (for benchmarks and checks). With a question file,
    ``student_id`` is typed in and each prediction is the right one for that student's variant."""
    import nbformat

    return solve(name, nbformat.read(str(student), as_version=4), student_id)


def solve(name, nb, student_id="ada"):
    """``solved`` on a notebook already read (changed in place and returned)."""
    answers = iter(solution_sources(name))
    predictions = {}
    if has_questions(name):
        from classroom.grading import checks, questions

        variant = checks.variant_of(name, student_id)
        for q in questions.load(MASTERS / f"{name}.py").values():
            if q.kind == "predict":
                predictions[q.variable] = q.answer(questions.visible_rounded(q, variant))
    for cell in nb.cells:
        if cell.cell_type != "code" or cell.source.startswith("_CHECKS_SOURCE"):
            continue
        if cell.source.startswith("student_id ="):
            cell.source = f"student_id = {student_id!r}"
        elif "..." in cell.source and "grader" not in cell.source:
            cell.source = next(answers)
        variable = cell.source.split("=")[0].strip()
        if variable in predictions:  # the right prediction for this student's variant
            cell.source = f"{variable} = {predictions[variable]!r}"
    return nb


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=NAMES, help="assignments to build (default: all)")
    parser.add_argument("--out", default="_build/assignments", help="output folder")
    parser.add_argument("--check", action="store_true", help="also run all tests against the solutions")
    parser.add_argument("--sync-book", action="store_true",
                        help="copy the student notebooks to book/assignments/student/")
    args = parser.parse_args(argv)
    for name in args.names:
        student, autograder = build(name, args.out, check=args.check)
        print(f"{name}: {student}  {autograder}")
        if args.sync_book:
            BOOK_STUDENT.mkdir(exist_ok=True)
            shutil.copyfile(student, BOOK_STUDENT / student.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
