"""How long does `make grade` take for a class, and how does it compare with the old grader?
And does a class with hostile submissions in it get the same grades as without them?

    .venv/bin/python benchmarks/bench_grading.py [--n 20] [--assignment cost] [--jobs N] [--old REV]
    .venv/bin/python benchmarks/bench_grading.py --n 300 --assignment backprop   # issue 19's class
    .venv/bin/python benchmarks/bench_grading.py --hostile [--n 300] [--jobs N]  # issue 20's class

Builds the assignment's student notebook and autograder (as `make assignments` does), fills n copies
with the master's solutions, each with a student id of its own (so each is graded on its own variant,
with its own right predictions), and grades the folder exactly as `make grade` does (a sandbox per
submission, parallel across cores, the class report written too). With ``--old REV`` (e.g. ``10c283d``, the grader before issue 11)
it also grades the same folder with that revision's ``classroom/grade.py`` (taken with
``git show``; otter in one kernel per submission), in the same run, and prints both times and their
ratio. The target: the new grader within 1.5x of the old one's time.

With ``--hostile`` (issue 20) it grades a folder of ``--n`` neurons submissions (default 300) of which
10 are hostile, one of each attack in tests/assignments/attacks.py (a fake
20000 x 20000 network, a 60 MiB notebook of tiny dicts, functions that swallow the alarm, a 60 MB
reply written to the grader's pipe, 15 setsid spinners, a silenced audit, forged status lines, a file
name that is a spreadsheet formula, another assignment's notebook, a process left behind), and the
same folder without them. It checks that every honest submission's row is the same in both, and
prints each run's wall time and the grading process's peak memory (its own, not the sandboxes').
The honest submissions cycle through full, all-wrong and half-answered notebooks.
"""
import argparse
import importlib.util
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
from classroom import build, grade


def attacks():
    """tests/assignments/attacks.py, the hostile submissions' code (loaded by path: not a package)."""
    spec = importlib.util.spec_from_file_location("attacks", ROOT / "tests" / "assignments" / "attacks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


def hostile_folders(tmp, n):
    """Write ``honest/`` (n - 10 submissions) and ``mixed/`` (the same plus 10 hostile ones)."""
    import copy

    hostile_code = attacks()
    answer_cell = hostile_code.answer_cell
    built = tmp / "assignments"
    student, _ = build.build("neurons", built)
    notation, _ = build.build("notation", built)
    honest, mixed = tmp / "honest", tmp / "mixed"
    honest.mkdir()
    mixed.mkdir()

    def write(name, edit=None, folders=(honest, mixed)):
        # each its own student id, so each is graded on its own variant (a shared id scores 0)
        nb = build.solved("neurons", student, student_id=re.sub(r"\W+", "_", pathlib.Path(name).stem))
        if edit:
            edit(nb)
        for folder in folders:
            nbformat.write(nb, str(folder / name))

    def source(definition, text, keep=False):
        def edit(nb):
            cell = answer_cell(nb, definition)
            cell.source = text + ("\n" + cell.source if keep else "")
        return edit

    def wrong(nb):
        for definition in ("def weighted_sum", "def perceptron", "def neuron"):
            answer_cell(nb, definition).source = definition + "(w, x, b):\n    return 0"
        answer_cell(nb, "def side").source = "def side(w, b, X):\n    return np.zeros(len(X), dtype=int)"

    def half(nb):
        for definition in ("def neuron", "def side"):
            answer_cell(nb, definition).source = definition + "(w, x, b):\n    ..."

    for i in range(n - 10):
        write(f"student{i:03d}.ipynb", (None, wrong, half)[i % 3])
    hostile = {
        "h_fake_network.ipynb": source("def weighted_sum", hostile_code.FAKE_NETWORK),
        "h_stubborn.ipynb": source("def weighted_sum", hostile_code.STUBBORN),
        "h_huge_reply.ipynb": source("def weighted_sum", hostile_code.HUGE_REPLY, keep=True),
        "h_spinners.ipynb": source("def weighted_sum", hostile_code.SPINNERS, keep=True),
        "h_silence_audit.ipynb": source("def weighted_sum", hostile_code.SILENCE_AUDIT, keep=True),
        "h_forge_status.ipynb": source("def perceptron", hostile_code.FORGE_STATUS, keep=True),
        '=HYPERLINK("http:x").ipynb': None,
        "h_left_process.ipynb": source("def weighted_sum", hostile_code.LEAVE_PROCESS, keep=True),
    }
    for name, edit in hostile.items():
        write(name, edit, folders=(mixed,))
    nbformat.write(build.solved("notation", notation), str(mixed / "h_notation.ipynb"))
    with open(mixed / "h_tiny_dicts.ipynb", "w") as f:
        f.write('{"cells": [], "nbformat": 4, "nbformat_minor": 5, "metadata": {"junk": [')
        f.write("{}," * (20 * 2**20))
        f.write("{}]}}")
    return built, honest, mixed


def grade_measured(folder, built, jobs, timeout):
    """Grade ``folder`` in a child process as `make grade` does; return (rows, seconds, peak MiB)."""
    import csv

    code = ("import resource; from classroom import grade; "
            f"grade.main([{str(folder)!r}, '--assignment', 'neurons', '--autograder-dir', {str(built)!r}, "
            f"'--jobs', '{jobs}', '--timeout', '{timeout}']); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    with open(folder / "grades.csv", newline="") as f:
        rows = {r["submission"]: r for r in csv.DictReader(f)}
    return rows, seconds, int(done.stdout.split()[-1]) / 1024


def hostile_main(args, jobs):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        built, honest, mixed = hostile_folders(tmp, args.n)
        isolated, why = grade.sandbox.probe()
        print(f"sandbox: {isolated or 'NONE: ' + why}; {jobs} workers; TIMEOUT={args.timeout:g} s")
        alone, t_alone, m_alone = grade_measured(honest, built, jobs, args.timeout)
        print(f"{len(alone)} honest submissions: {t_alone:.1f} s, grader peak {m_alone:.0f} MiB")
        rows, t_mixed, m_mixed = grade_measured(mixed, built, jobs, args.timeout)
        print(f"{len(rows)} submissions, 10 hostile: {t_mixed:.1f} s, grader peak {m_mixed:.0f} MiB")
        same = all(rows[name] == row for name, row in alone.items())
        print(f"honest rows identical with and without the hostile ones: {'PASS' if same else 'FAIL'}")
        for name, row in sorted(rows.items()):
            if name not in alone:
                print(f"  {name}: {row['total']}/{row['possible']}; error: {row['error'][:110]}; "
                      f"tampering: {row['tampering'][:110]}")
        if not same:
            for name, row in alone.items():
                if rows[name] != row:
                    print(f"  differs: {name}: {row} vs {rows[name]}")
            sys.exit(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=None, help="submissions (default 20, with --hostile 300)")
    parser.add_argument("--hostile", action="store_true", help="a class with 10 hostile submissions (issue 20)")
    parser.add_argument("--timeout", type=float, default=60, help="TIMEOUT for --hostile")
    parser.add_argument("--assignment", default="cost", choices=build.NAMES)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--old", default=None, help="git revision of the grader to compare with")
    args = parser.parse_args()
    jobs = args.jobs or os.cpu_count()
    if args.hostile:
        args.n = args.n or 300
        return hostile_main(args, jobs)
    args.n = args.n or 20
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
