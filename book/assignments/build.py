"""Write the student notebooks and autograder files from the master notebooks.

    python book/assignments/build.py [--out _build/assignments] [--check] [--sync-book] [names...]

For each master ``book/assignments/masters/<name>.ipynb`` this runs Otter Assign (otter-grader 7) and
writes

* ``<out>/<name>/student/<name>.ipynb``: the notebook students fill in (solutions replaced by ``...``,
  only the visible tests, stored in the notebook's metadata so the single file is all a student needs);
* ``<out>/<name>/autograder/<name>-autograder.zip``: everything ``grade.py`` needs, hidden tests included.

``--check`` also runs every test (visible and hidden) against the solutions; it is slow (one kernel per
assignment), so the test suite checks the solutions in-process instead. ``--sync-book`` copies the
student notebooks to ``book/assignments/student/``, the files the book's pages offer for download.
All masters are processed in one Python process, so otter is imported only once.
"""
import argparse
import contextlib
import io
import pathlib
import shutil
import sys
import warnings

HERE = pathlib.Path(__file__).resolve().parent
MASTERS = HERE / "masters"
BOOK_STUDENT = HERE / "student"
NAMES = ["neurons", "activations", "notation", "cost", "backprop", "sgd"]


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
    zip_path.rename(stable)
    return dest / "student" / f"{name}.ipynb", stable


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
