"""Instruction counts of nnlib.train and the floor of bench_train.py, under valgrind.

Wall and CPU times on a shared machine move by 10% or more from run to run; the number of
machine instructions a run executes does not. This script runs nnlib and the floor (the
hand-written numpy loop of ``bench_train.py``, same setting) under
``valgrind --tool=callgrind``, each once with ``LOW`` and once with ``HIGH`` epochs, and
reports the instructions per epoch, the difference of the two runs divided by
``HIGH - LOW``, so that Python's start-up, the imports and the data loading cancel out.
nnlib's per-epoch record (concatenation and scoring) is included, as in bench_train.py.

Instructions are not time (a cache miss costs more than an add), but at these array sizes
both are dominated by numpy's per-call overhead, and the two ratios agree to a few percent.

Run: ``.venv/bin/python benchmarks/count_train.py`` (needs valgrind; about two minutes).
Internal use: ``count_train.py run nnlib|floor EPOCHS`` runs one contender without valgrind.
"""
import os
import re
import subprocess
import sys

LOW, HIGH = 1, 4


def run(name, epochs):
    """Train with one contender for ``epochs`` epochs (the setting of bench_train.py)."""
    import bench_train  # beside this script, which Python puts first on the import path
    import nnlib

    bench_train.EPOCHS = epochs
    data = nnlib.load_digits(seed=bench_train.SEED)
    {"nnlib": bench_train.run_nnlib, "floor": bench_train.run_floor}[name](data)


def instructions(name, epochs):
    """Instructions executed by ``count_train.py run name epochs`` under callgrind."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
               MKL_NUM_THREADS="1")
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
               sys.executable, os.path.abspath(__file__), "run", name, str(epochs)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return int(re.search(r"Collected : (\d+)", result.stderr).group(1))


def main():
    per_epoch = {}
    for name in ("nnlib", "floor"):
        low, high = instructions(name, LOW), instructions(name, HIGH)
        per_epoch[name] = (high - low) / (HIGH - LOW)
        print(f"{name:<6} {per_epoch[name] / 1e6:8.1f} million instructions per epoch")
    print(f"nnlib/floor: {per_epoch['nnlib'] / per_epoch['floor']:.3f}x "
          f"(valgrind --tool=callgrind, epochs {HIGH} minus {LOW})")


if __name__ == "__main__":
    if sys.argv[1:2] == ["run"]:
        run(sys.argv[2], int(sys.argv[3]))
    else:
        main()
