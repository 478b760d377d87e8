"""How long does `make grade` take for a class of 20?

    .venv/bin/python benchmarks/bench_grading.py [--n 20] [--assignment cost] [--jobs N]

Builds the assignment's student notebook and autograder (as `make assignments` does), fills 20 copies
with the master's solutions, grades the folder exactly as `make grade` does (one process per submission,
parallel across cores) and prints the wall-clock time and the per-submission average.
"""
import argparse
import os
import pathlib
import sys
import tempfile
import time

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "assignments"))
sys.path.insert(0, str(ROOT / "tests" / "assignments"))
import build  # noqa: E402
import grade  # noqa: E402
from test_assignments import fill, master  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--assignment", default="cost", choices=build.NAMES)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        student, _ = build.build(args.assignment, tmp / "assignments")
        full = fill(nbformat.read(str(student), as_version=4), master(args.assignment))
        subs = tmp / "subs"
        subs.mkdir()
        for i in range(args.n):
            nbformat.write(full, str(subs / f"student{i:02d}.ipynb"))
        start = time.perf_counter()
        rows = grade.grade_folder(subs, args.assignment, tmp / "assignments", tmp / "grades.csv",
                                  timeout=600, jobs=args.jobs)
        seconds = time.perf_counter() - start
    assert all(float(r["total"]) == float(r["possible"]) and not r["error"] for r in rows), rows
    jobs = args.jobs or os.cpu_count()
    print(f"graded {args.n} submissions of {args.assignment!r} with {jobs} workers in {seconds:.1f} s "
          f"({seconds / args.n:.1f} s per submission)")


if __name__ == "__main__":
    main()
