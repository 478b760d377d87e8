"""How fast the in-browser edition starts and answers, and what it weighs (`make bench-lite`).

In headless Chromium (Debian's), serving _build/html from 127.0.0.1 with every request to another
host blocked, for one chapter (default: Neurons):

* launch to first output: from the click on "Run in your browser" on the chapter's page to the
  first output of a cell, with "Run all" pressed as soon as the kernel is ready; also the times to
  the notebook being shown, the kernel being ready and the first live figure. Cold: a new browser profile (empty cache).
  Warm: the same profile again (the site's files are in the browser's HTTP cache).
* slider: the time from pressing ArrowRight on a figure's first slider to its new image, for the
  first move and the median of the next ones.
* the site's size per part: the Pyodide runtime, the wheels, the JupyterLite application, the
  notebooks, and the HTML book without the in-browser edition; and the bytes the cold launch
  actually transferred.

Targets (issue 14): first live frame within 10 s cold; redraws within 300 ms median.

    .venv/bin/python benchmarks/bench_lite.py [--notebook neurons] [--moves 7] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
from booksite.browser import BOOK_HTML, chromium_path, serve_directory
from booksite.browser import lite as lite_driver

LITE = BOOK_HTML / "lite"
MB = 1024 * 1024


def folder_size(path: Path, suffixes: tuple[str, ...] | None = None) -> int:
    return sum(p.stat().st_size for p in path.rglob("*")
               if p.is_file() and (suffixes is None or p.name.endswith(suffixes)))


def site_sizes() -> dict[str, int]:
    pyodide = LITE / "static" / "pyodide"
    runtime = sum((pyodide / n).stat().st_size for n in
                  ("pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm",
                   "python_stdlib.zip", "pyodide-lock.json"))
    wheels = folder_size(pyodide, (".whl", ".zip")) - (pyodide / "python_stdlib.zip").stat().st_size
    notebooks = folder_size(LITE / "files")
    lite_total = folder_size(LITE)
    book = folder_size(BOOK_HTML) - lite_total
    return {"runtime": runtime, "wheels": wheels, "jupyterlite_app": lite_total - runtime - wheels
            - notebooks, "notebooks": notebooks, "lite_total": lite_total, "book_html": book}


def transferred(urls: list[str], base: str) -> int:
    """Bytes of the distinct local files behind `urls` (what a cold browser downloads)."""
    total = 0
    for url in set(urls):
        path = url[len(base):].split("?")[0].split("#")[0]
        file = BOOK_HTML / path
        if file.is_dir():
            file = file / "index.html"
        if file.is_file():
            total += file.stat().st_size
    return total


def launch(context, base: str, chapter: str, guard) -> dict:
    """Click "Run in your browser" on the chapter's page and press Run all as soon as the kernel is
    ready (its indicator turns idle); return the seconds from the click to the notebook being open,
    the kernel ready, the first output, the first live figure and the last cell done."""
    page = context.new_page()
    page.set_default_timeout(300_000)
    page.goto(f"{base}book/{chapter}.html")
    page.wait_for_load_state("load")
    # Requests of the book's page itself (e.g. MathJax from a CDN) are not the in-browser edition's.
    book_page_outside = sorted(set(guard.outside))
    guard.outside.clear()
    guard.local.clear()
    t0 = time.perf_counter()
    page.locator("a.lite-launch-button").first.click()
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext", polling=50)
    t_open = time.perf_counter() - t0
    page.wait_for_function(lite_driver.KERNEL_IDLE, polling=50)
    t_kernel = time.perf_counter() - t0
    page.evaluate(lite_driver.RUN_ALL)
    page.wait_for_function(lite_driver.FIRST_OUTPUT, polling=50)
    t_output = time.perf_counter() - t0
    page.wait_for_function(lite_driver.FIRST_FIGURE, polling=50)
    t_figure = time.perf_counter() - t0
    page.wait_for_function("() => window.__liteRun && window.__liteRun.done", polling=250)
    page.wait_for_function(lite_driver.KERNEL_IDLE, polling=100)
    t_all = time.perf_counter() - t0
    errors = page.evaluate(lite_driver.CELL_ERRORS)
    return {"page": page, "book_page_outside": book_page_outside, "lite_outside": list(guard.outside),
            "open": t_open, "first_output": t_output, "first_figure": t_figure,
            "all_cells": t_all, "errors": errors, "kernel_ready": t_kernel}


def slider_times(page, moves: int) -> list[dict]:
    rows = []
    for figure in range(lite_driver.count_figures(page)):
        times = [lite_driver.move_slider(page, figure, 1 if i % 2 == 0 else -1)
                 for i in range(moves)]
        if times[0] is None:  # a figure without a slider
            continue
        rows.append({"figure": figure, "first": times[0],
                     "median_after": statistics.median(times[1:]) if moves > 1 else None})
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notebook", default="neurons", help="chapter name (book/NAME.ipynb)")
    parser.add_argument("--moves", type=int, default=7, help="slider moves per figure")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    if not (LITE / "jupyter-lite.json").is_file() or not (BOOK_HTML / "book").is_dir():
        print("build the book and its in-browser edition first: make book", file=sys.stderr)
        return 2
    if chromium_path() is None:
        print("Chromium is missing: make browser", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()
    results: dict = {"notebook": args.notebook, "cpus": os.cpu_count()}
    with serve_directory(BOOK_HTML) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(),
                                    args=lite_driver.chromium_args())
        context, guard = lite_driver.new_context(browser, base)
        for run in ("cold", "warm"):
            if run == "warm":  # the same browser cache, but the site's notebook, not the saved one
                page = context.new_page()
                page.goto(f"{base}book/{args.notebook}.html")
                page.evaluate(lite_driver.FORGET_NOTEBOOKS)
                page.close()
            r = launch(context, base, args.notebook, guard)
            print(f"{run}: first output {r['first_output']:.1f} s, first figure "
                  f"{r['first_figure']:.1f} s", flush=True)
            if run == "cold":
                results["cold_transfer_bytes"] = transferred(guard.local, base)
            r["sliders"] = slider_times(r["page"], args.moves)
            r.pop("page").close()
            results[run] = r
        results["outside_requests"] = results["cold"]["lite_outside"] + results["warm"]["lite_outside"]
        results["book_page_outside"] = sorted(set(results["cold"]["book_page_outside"]))
        context.close()
        browser.close()
    results["load_average"] = [load_before, os.getloadavg()]
    results["sizes"] = site_sizes()

    print(f"bench_lite: chapter {args.notebook!r} in JupyterLite, headless Chromium, {os.cpu_count()} "
          f"cores, load average {load_before[0]:.1f} before and {os.getloadavg()[0]:.1f} after "
          "(the machine is shared: high load slows every figure)")
    print(f"{'':6} {'notebook open':>14} {'kernel ready':>13} {'first output':>13} {'first figure':>13} "
          f"{'all cells':>10}")
    for run in ("cold", "warm"):
        r = results[run]
        print(f"{run:6} {r['open']:13.1f}s {r['kernel_ready']:12.1f}s {r['first_output']:12.1f}s "
              f"{r['first_figure']:12.1f}s "
              f"{r['all_cells']:9.1f}s" + (f"   ERRORS: {r['errors']}" if r["errors"] else ""))
    print("slider -> new image (per figure; first move, then median of the next moves):")
    for run in ("cold", "warm"):
        for row in results[run]["sliders"]:
            print(f"  {run} figure {row['figure']}: first {row['first'] * 1000:.0f} ms, "
                  f"median {row['median_after'] * 1000:.0f} ms")
    sizes = results["sizes"]
    print("site size: " + ", ".join(f"{k} {v / MB:.1f} MB" for k, v in sizes.items()))
    print(f"cold launch transferred {results['cold_transfer_bytes'] / MB:.1f} MB "
          "(uncompressed files; a static host's gzip makes it smaller)")
    cold = results["cold"]["first_figure"]
    medians = [row["median_after"] for run in ("cold", "warm") for row in results[run]["sliders"]]
    checks = [("first live frame within 10 s cold", cold <= 10, f"{cold:.1f} s"),
              ("slider redraw median within 300 ms", max(medians) <= 0.3,
               f"worst figure {max(medians) * 1000:.0f} ms"),
              ("no request to another host from the in-browser edition", not results["outside_requests"],
               f"{len(results['outside_requests'])} blocked"),
              ("every cell ran without error", not results["cold"]["errors"], "")]
    if results["book_page_outside"]:
        print("(the chapter's page itself asked another host for: "
              + ", ".join(results["book_page_outside"]) + "; blocked, and not part of the in-browser "
              "edition)")
    for name, ok, detail in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
