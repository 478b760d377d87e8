"""How long does `make grade` take for a class, and how does it compare with the old grader?

    .venv/bin/python benchmarks/bench_grading.py [--n 20] [--assignment cost] [--jobs N] [--old REV]
    .venv/bin/python benchmarks/bench_grading.py --n 300 --assignment backprop   # issue 19's class

Builds the assignment's student notebook and autograder (as `make assignments` does), fills n copies
with the master's solutions, each with a student id of its own (so each is graded on its own variant,
with its own right predictions), and grades the folder exactly as `make grade` does (a sandbox per
submission, parallel across cores, the class report written too). With ``--old REV`` (e.g. ``10c283d``, the grader before issue 11)
it also grades the same folder with that revision's ``classroom/grade.py`` (taken with
``git show``; otter in one kernel per submission), in the same run, and prints both times and their
ratio. The target: the new grader within 1.5x of the old one's time.
"""
import argparse
import importlib.util
import os
import pathlib
import subprocess
import tempfile
import time

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
from classroom import build, grade


def old_grader(rev, tmp):
    """Import ``classroom/grade.py`` as it was at git revision ``rev``."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:classroom/grade.py"], check=True,
                            capture_output=True, text=True).stdout
    path = pathlib.Path(tmp) / "old_grade.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("old_grade", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def timed(grader, subs, assignment, autograder_dir, out, jobs):
    start = time.perf_counter()
    rows = grader.grade_folder(subs, assignment, autograder_dir, out, timeout=600, jobs=jobs, progress=False)
    seconds = time.perf_counter() - start
    assert all(float(r["total"]) == float(r["possible"]) and not r["error"] for r in rows), rows
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--assignment", default="cost", choices=build.NAMES)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--old", default=None, help="git revision of the grader to compare with")
    args = parser.parse_args()
    jobs = args.jobs or os.cpu_count()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        student, _ = build.build(args.assignment, tmp / "assignments")
        subs = tmp / "subs"
        subs.mkdir()
        for i in range(args.n):
            nbformat.write(build.solved(args.assignment, student, f"student{i:03d}"), str(subs / f"student{i:03d}.ipynb"))
        isolated, why = grade.sandbox.probe()
        new = timed(grade, subs, args.assignment, tmp / "assignments", tmp / "grades.csv", jobs)
        print(f"new grader ({'sandboxed' if isolated else 'NOT sandboxed: ' + why}): {args.n} submissions of "
              f"{args.assignment!r} with {jobs} workers in {new:.1f} s ({new / args.n:.2f} s per submission)")
        if args.old:
            old = timed(old_grader(args.old, tmp), subs, args.assignment, tmp / "assignments",
                        tmp / "old-grades.csv", jobs)
            print(f"old grader ({args.old}): {old:.1f} s ({old / args.n:.2f} s per submission)")
            ratio = new / old
            print(f"new / old = {ratio:.2f}x (target <= 1.5x): {'PASS' if ratio <= 1.5 else 'FAIL'}")


if __name__ == "__main__":
    main()
