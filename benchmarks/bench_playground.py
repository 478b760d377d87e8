"""How many visible training updates a second the Playground page shows (`make bench-lite`).

The built Playground page (book/playground.html, served from 127.0.0.1, every request to another
host blocked, headless Chromium) is opened with a link to a 2-8-8-1 network (tanh, tanh) on 200
points; once Python has started, Play runs for a fixed time and the page's own counters are read:

* updates a second: answers drawn per second of play (each answer is one epoch of mini-batch SGD
  and a redraw of the plane, every neuron's map, the edges and the cost curve);
* where the time goes, medians per update: training one epoch in Python (nnlib.train), the
  snapshot (one forward pass over the 32 x 32 grid and packing it as float32), drawing in the page,
  and the round trip from a request to its answer (two requests are kept in flight, so the round
  trip overlaps the drawing and is longer than one update);
* the start: from opening the page to the first drawn answer, with the worker's stages.

Target (issue 23): at least 20 updates a second, at 1280 px and at 390 px (device scale 3), with 100
and with 180 training points (test share 50% and 10%).

    .venv/bin/python benchmarks/bench_playground.py [--seconds 8]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time

from booksite.browser import BOOK_HTML, CHROMIUM_ARGS, NetworkGuard, chromium_path, serve_directory

TARGET = 20.0
PAGE = "book/playground.html"
CASES = [  # (width, device scale, test share)
    (1280, 1, 0.5), (1280, 1, 0.1), (390, 3, 0.5), (390, 3, 0.1),
]


def link(test_share: float) -> str:
    return (f"#fig=playground&data=circles&noise=0.05&test={test_share}&layers=8,8&act=tanh,tanh"
            "&eta=0.3&batch=10&cost=cross_entropy&seed=0&epoch=0")


def one_case(browser, base: str, width: int, scale: int, test_share: float, seconds: float) -> dict:
    context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=scale)
    guard = NetworkGuard(base).attach(context)
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(base + PAGE + link(test_share))
    page.wait_for_function("window.nnPlayground && window.nnPlayground.idle()", timeout=300_000)
    start = time.perf_counter() - t0
    stages = page.evaluate("window.nnPlayground.stats.workerTimings") or {}
    before = page.evaluate("window.nnPlayground.stats.updates")
    page.get_by_role("button", name="Play").click()
    t1 = time.perf_counter()
    page.wait_for_timeout(seconds * 1000)
    after = page.evaluate("window.nnPlayground.stats.updates")
    elapsed = time.perf_counter() - t1
    page.get_by_role("button", name="Pause").click()
    stats = page.evaluate("""(() => { var s = window.nnPlayground.stats, n = s.updates;
        return {train: s.trainMs.slice(2), snapshot: s.snapshotMs.slice(2), draw: s.drawMs.slice(2),
                roundTrip: s.roundTripMs.slice(2)}; })()""")
    epoch = page.evaluate("window.nnPlayground.current().layout.epoch")
    context.close()
    if guard.problems:
        raise SystemExit(f"requests to another host: {guard.problems[:3]}")
    return {"rate": (after - before) / elapsed, "start": start, "epoch": epoch, "stages": stages,
            **{k: statistics.median(v) if v else float("nan") for k, v in stats.items()},
            "p95 draw": sorted(stats["draw"])[int(0.95 * (len(stats["draw"]) - 1))] if stats["draw"] else float("nan")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="seconds of play per case")
    args = parser.parse_args()
    if not (BOOK_HTML / PAGE).is_file() or not (BOOK_HTML / "lite" / "static" / "pyodide" / "pyodide.js").is_file():
        print(f"bench_playground: needs the built book with its in-browser edition ({BOOK_HTML / PAGE}, lite/): "
              "run `make book`")
        return 1
    from playwright.sync_api import sync_playwright

    failed = False
    with serve_directory(BOOK_HTML) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        print(f"Playground, 2-8-8-1 tanh network on 200 points, {args.seconds:g} s of play per case:")
        for width, scale, share in CASES:
            r = one_case(browser, base, width, scale, share, args.seconds)
            ok = r["rate"] >= TARGET
            failed |= not ok
            print(f"  {'PASS' if ok else 'FAIL'} {width} px x{scale}, {round(200 * (1 - share))} training points: "
                  f"{r['rate']:.1f} updates/s (target >= {TARGET:g}); reached epoch {r['epoch']}; "
                  f"first answer {r['start']:.1f} s after opening the page")
            print(f"       median per update: train {r['train']:.1f} ms, snapshot {r['snapshot']:.1f} ms (Python); "
                  f"draw {r['draw']:.1f} ms (p95 {r['p95 draw']:.1f}); round trip {r['roundTrip']:.1f} ms")
            stages = sorted(r["stages"].items(), key=lambda kv: kv[1])
            print("       worker start (ms since it began): " + ", ".join(f"{k} {v}" for k, v in stages))
        browser.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
