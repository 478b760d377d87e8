"""Benchmark the interactive figures: live redraw time and static export size.

Live: for every control of every figure, step the value through its range and time
``update_values`` (new value -> finished draw on the Agg canvas). Targets: figures 1-7 at
most 50 ms median and 100 ms 95th percentile; figure 8 (one training update, i.e. one epoch
step of training_playground) at most 150 ms median.
The table shows wall time (what the reader feels; inflated on a busy machine) and process CPU
time (the figure's own cost). Static: the size of each figure's text/html export (target: at most 1.5 MB) and its build time.

Run: .venv/bin/python benchmarks/bench_widgets.py [--repeats N] [--no-static]
"""
import argparse
import statistics
import sys
import time

import numpy as np

from nnlib import widgets
from nnlib.widgets.core import Choice

LIVE = ["neuron_playground", "activation_explorer", "forward_pass_explorer", "cost_landscape", "descent_path",
        "backprop_stepper", "sgd_vs_full_batch"]
TRAINING = ["training_playground", "digits_training"]


def control_values(control, n):
    if isinstance(control, Choice):
        return list(control.options)
    values = np.linspace(control.min, control.max, n)
    if control.is_int:
        values = np.unique(np.round(values).astype(int))
    return [v.item() for v in values]


def time_figure(name, n):
    fig = getattr(widgets, name)()
    fig.update_values()  # build and draw once
    rows = []
    for control in fig.controls:
        times = []
        for value in control_values(control, n):
            start, cpu = time.perf_counter(), time.process_time()
            fig.update_values(**{control.name: value})
            times.append((time.perf_counter() - start, time.process_time() - cpu))
        fig.update_values(**{control.name: control.default})
        rows.append((control.name, times))
    return rows


def time_training_updates(name, n):
    """One training update = moving the epoch slider one step forward (trains that step's epochs)."""
    fig = getattr(widgets, name)()
    epoch = next(c for c in fig.controls if c.name == "epoch")
    fig.update_values(epoch=0)
    times = []
    for k in range(1, n + 1):
        start, cpu = time.perf_counter(), time.process_time()
        fig.update_values(epoch=min(k * epoch.step, epoch.max))
        times.append((time.perf_counter() - start, time.process_time() - cpu))
    return [("epoch (+1 step)", times)]


def report(name, rows, median_limit, p95_limit):
    ok = True
    print(f"\n{name}")
    print(f"  {'control':<18}{'n':>4}{'median ms':>11}{'p95 ms':>9}{'cpu median':>12}{'cpu p95':>9}")
    for control, times in rows:
        ms = np.array(times) * 1000  # (n, 2): wall, process CPU
        median, p95 = statistics.median(ms[:, 0]), float(np.percentile(ms[:, 0], 95))
        cpu_median, cpu_p95 = statistics.median(ms[:, 1]), float(np.percentile(ms[:, 1], 95))
        good = median <= median_limit and (p95_limit is None or p95 <= p95_limit)
        ok &= good
        print(f"  {control:<18}{len(ms):>4}{median:>11.1f}{p95:>9.1f}{cpu_median:>12.1f}{cpu_p95:>9.1f}"
              f"  {'ok' if good else 'SLOW'}")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="values per control (default 15)")
    parser.add_argument("--no-static", action="store_true", help="skip the static export sizes")
    args = parser.parse_args()
    ok = True
    print("Live redraw: control change -> finished Agg draw")
    for name in LIVE:
        ok &= report(name, time_figure(name, args.repeats), 50, 100)
    for name in TRAINING:
        ok &= report(name, time_training_updates(name, args.repeats), 150, None)
    if not args.no_static:
        print(f"\nStatic export\n  {'figure':<24}{'frames':>7}{'size MB':>9}{'seconds':>9}")
        for name in LIVE + TRAINING:
            fig = getattr(widgets, name)()
            start = time.perf_counter()
            size = len(fig.to_html().encode()) / 1e6
            seconds = time.perf_counter() - start
            good = size <= 1.5
            ok &= good
            print(f"  {name:<24}{len(fig.static_grid()):>7}{size:>9.3f}{seconds:>9.1f}  {'ok' if good else 'TOO BIG'}")
    print("\nall targets met" if ok else "\nSOME TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
