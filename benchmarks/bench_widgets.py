"""Benchmark the interactive figures: live redraw time and static export size.

The figures are every figure of ``nnlib.widgets.registry.figures()`` (``--list`` prints them).
Live: for every control of every figure, step the value through its range and time
``update_values`` (new value -> finished draw on the Agg canvas). Targets: at most 50 ms median
and 100 ms 95th percentile; a figure that trains (it has an ``epoch`` control) is timed per
training update instead (one step of its epoch slider), at most 150 ms median.
The table shows wall time (what the reader feels; inflated on a busy machine) and process CPU
time (the figure's own cost). Each row gets a verdict for both; on this shared 2-core machine
wall time depends on the other jobs, so the exit status judges CPU time unless ``--judge wall``.
The load average is printed with the table. Static: the size of each figure's text/html export
(target: at most 1.5 MB) and its build time (target: at most 8 s).

Run: .venv/bin/python benchmarks/bench_widgets.py [--repeats N] [--no-static] [--judge cpu|wall] [--list]
With NNLIB_NO_GLYPH_CACHE=1 the figures draw text with matplotlib's stock renderer (see
nnlib/widgets/_fastagg.py): the comparison that decides whether the glyph cache stays.
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np

from nnlib.widgets import Choice, registry


def trains(name):
    """True for a figure that trains a network as its epoch control moves."""
    return any(c.name == "epoch" for c in registry.build(name).controls)


def control_values(control, n):
    if isinstance(control, Choice):
        return list(control.options)
    values = np.linspace(control.min, control.max, n)
    if control.is_int:
        values = np.unique(np.round(values).astype(int))
    return [v.item() for v in values]


def time_figure(name, n):
    fig = registry.build(name)
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
    fig = registry.build(name)
    epoch = next(c for c in fig.controls if c.name == "epoch")
    fig.update_values(epoch=0)
    times = []
    for k in range(1, n + 1):
        start, cpu = time.perf_counter(), time.process_time()
        fig.update_values(epoch=min(k * epoch.step, epoch.max))
        times.append((time.perf_counter() - start, time.process_time() - cpu))
    return [("epoch (+1 step)", times)]


def report(name, rows, median_limit, p95_limit):
    """Print one figure's rows; returns (all met on wall time, all met on CPU time)."""
    ok_wall = ok_cpu = True
    print(f"\n{name}")
    print(f"  {'control':<18}{'n':>4}{'wall med':>10}{'wall p95':>10}{'cpu med':>9}{'cpu p95':>9}   wall  cpu")
    for control, times in rows:
        ms = np.array(times) * 1000  # (n, 2): wall, process CPU
        med, p95 = statistics.median(ms[:, 0]), float(np.percentile(ms[:, 0], 95))
        cpu_med, cpu_p95 = statistics.median(ms[:, 1]), float(np.percentile(ms[:, 1], 95))
        good_wall = med <= median_limit and (p95_limit is None or p95 <= p95_limit)
        good_cpu = cpu_med <= median_limit and (p95_limit is None or cpu_p95 <= p95_limit)
        ok_wall &= good_wall
        ok_cpu &= good_cpu
        print(f"  {control:<18}{len(ms):>4}{med:>10.1f}{p95:>10.1f}{cpu_med:>9.1f}{cpu_p95:>9.1f}"
              f"   {'ok  ' if good_wall else 'SLOW'}  {'ok' if good_cpu else 'SLOW'}")
    return ok_wall, ok_cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="values per control (default 15)")
    parser.add_argument("--no-static", action="store_true", help="skip the static export sizes")
    parser.add_argument("--judge", choices=["cpu", "wall"], default="cpu",
                        help="which time decides the exit status (default cpu; both are printed)")
    parser.add_argument("--list", action="store_true", help="print the figures it times, and stop")
    args = parser.parse_args()
    names = list(registry.figures())
    if args.list:
        print("\n".join(names))
        return 0
    live = [name for name in names if not trains(name)]
    training = [name for name in names if trains(name)]
    ok_wall = ok_cpu = ok_static = True
    print("Live redraw: control change -> finished Agg draw (ms)")
    print("load average at start: " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores")
    for name in live:
        w, c = report(name, time_figure(name, args.repeats), 50, 100)
        ok_wall, ok_cpu = ok_wall and w, ok_cpu and c
    for name in training:
        w, c = report(name, time_training_updates(name, args.repeats), 150, None)
        ok_wall, ok_cpu = ok_wall and w, ok_cpu and c
    if not args.no_static:
        print(f"\nStatic export\n  {'figure':<24}{'frames':>7}{'size MB':>9}{'wall s':>8}{'cpu s':>7}")
        for name in live + training:
            fig = registry.build(name)
            start, cpu = time.perf_counter(), time.process_time()
            size = len(fig.to_html().encode()) / 1e6
            seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
            good = size <= 1.5 and cpu_seconds <= 8
            ok_static &= good
            print(f"  {name:<24}{len(fig.static_grid()):>7}{size:>9.3f}{seconds:>8.1f}{cpu_seconds:>7.1f}"
                  f"  {'ok' if good else 'TOO BIG/SLOW'}")
    print("load average at end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"\nlive targets on CPU time: {'met' if ok_cpu else 'MISSED'}; on wall time: {'met' if ok_wall else 'MISSED'}"
          + ("" if args.no_static else f"; static export: {'met' if ok_static else 'MISSED'}"))
    ok = (ok_cpu if args.judge == "cpu" else ok_wall) and ok_static
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
