"""How fast the HTML book's figures answer a value off their precomputed grid (`make bench-lite`).

For each figure of the book, on the built figures page (served from 127.0.0.1, every request to
another host blocked, headless Chromium):

* cold: a new browser profile (empty cache), the page loaded, then one control moved to a value with
  no precomputed frame: the time from that move to the new frame (Python starts in the page's Web
  Worker: Pyodide, numpy, matplotlib and nnlib from the site, then the figure is built and drawn);
* warm: the same in a second page of the same profile (the files are in the browser's HTTP cache;
  Python starts again, since each page has its own worker);
* redraw: in that warm page, the median time of further off-grid moves of the same control.

Targets (issue 14): first live frame within 10 s cold, redraws within 300 ms median, on a 2-core
machine. Where the cold start goes is printed under each figure: the worker's stages (loading
pyodide.js; starting Pyodide; numpy and matplotlib with their dependencies; the nnlib wheel; any
package loaded on demand; the first frame, which includes importing nnlib and matplotlib's font
cache), each as the time since the previous one.

    .venv/bin/python benchmarks/bench_worker.py [--figures neuron_playground,...] [--moves 6]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
from booksite.browser import BOOK_HTML, CHROMIUM_ARGS, NetworkGuard, chromium_path, serve_directory
from booksite.browser.figures import move_off_grid_and_wait, off_grid_moves

TARGET_COLD, TARGET_REDRAW = 10.0, 0.300


def off_grid_values(page, sel: str, control: str, first: str, moves: int) -> list[str]:
    """``moves`` values of ``control`` after ``first``, one step apart, none on the grid."""
    spec = page.evaluate("""([sel, name]) => { const el = document.querySelector(sel + ' [data-control=' + name + ']');
        return {min: +el.min, max: +el.max, step: +el.step, grid: JSON.parse(el.getAttribute('data-grid'))}; }""",
                         [sel, control])
    out, v = [], float(first)
    while len(out) < moves:
        v += spec["step"]
        if v > spec["max"]:
            v = spec["min"]
        v = round(v, 6)
        if all(abs(v - g) > spec["step"] / 1000 for g in spec["grid"]) and abs(v - float(first)) > 1e-9:
            out.append(f"{v:g}")
    return out


def one_figure(playwright, base: str, figure: str, control: str, value: str, moves: int) -> dict:
    profile = tempfile.mkdtemp(prefix="bench-worker-")
    context = playwright.chromium.launch_persistent_context(
        profile, executable_path=chromium_path(), args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 900})
    guard = NetworkGuard(base).attach(context)
    sel = f".nnlib-figure[data-figure={figure}]"
    result = {"figure": figure, "control": control}
    try:
        for run in ("cold", "warm"):
            page = context.new_page()
            page.goto(base + "book/figures.html")
            page.locator(sel).scroll_into_view_if_needed()
            first = move_off_grid_and_wait(page, sel, control, value)
            if first["key"] != "live":
                result["error"] = first["status"]
                return result
            result[run] = first["seconds"]
            if page.workers:
                result[run + "_stages"] = page.workers[0].evaluate("self.timings")
            if run == "warm":
                times = []
                for v in off_grid_values(page, sel, control, value, moves):
                    times.append(move_off_grid_and_wait(page, sel, control, v)["seconds"])
                result["redraws"] = times
                result["redraw_median"] = statistics.median(times)
            page.close()
    finally:
        context.close()
    result["other_hosts"] = guard.problems
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--figures", default=",".join(f for f, _, _ in off_grid_moves()))
    parser.add_argument("--moves", type=int, default=6, help="redraws timed per figure")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    if chromium_path() is None or not (BOOK_HTML / "lite" / "static" / "pyodide" / "pyodide.js").is_file():
        print("needs Chromium and the built book with its in-browser edition (make book)")
        return 1
    from playwright.sync_api import sync_playwright

    wanted = args.figures.split(",")
    rows = []
    with serve_directory(BOOK_HTML) as base, sync_playwright() as p:
        for figure, control, value in off_grid_moves():
            if figure in wanted:
                rows.append(one_figure(p, base, figure, control, value, args.moves))
                r = rows[-1]
                if "error" in r:
                    print(f"{figure:22s} FAILED: {r['error']}")
                    continue
                print(f"{figure:22s} {control}={value:5s} cold {r['cold']:5.1f} s  warm {r['warm']:5.1f} s  "
                      f"redraw median {1000 * r['redraw_median']:5.0f} ms "
                      f"(max {1000 * max(r['redraws']):.0f} ms)  other hosts: {len(r['other_hosts'])}", flush=True)
                stages, last, parts = r.get("cold_stages") or {}, 0, []
                for stage, at in sorted(stages.items(), key=lambda kv: kv[1]):
                    parts.append(f"{stage} {(at - last) / 1000:.1f} s")
                    last = at
                print(f"{'':22s} cold, in the worker: " + ", ".join(parts), flush=True)
    ok = [r for r in rows if "error" not in r]
    worst_cold = max((r["cold"] for r in ok), default=float("nan"))
    worst_redraw = max((r["redraw_median"] for r in ok), default=float("nan"))
    print(f"first live frame, cold: worst {worst_cold:.1f} s (target {TARGET_COLD:.0f} s): "
          f"{'PASS' if worst_cold <= TARGET_COLD else 'FAIL'}")
    print(f"redraw median: worst {1000 * worst_redraw:.0f} ms (target {1000 * TARGET_REDRAW:.0f} ms): "
          f"{'PASS' if worst_redraw <= TARGET_REDRAW else 'FAIL'}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0 if len(ok) == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
