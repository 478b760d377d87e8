"""The HTML book's interactive figures in a page: move a control off the precomputed grid and wait
for the figure worker (Pyodide in a Web Worker) to draw it. Used by tests/browser/test_live_figures.py
and benchmarks/bench_worker.py.
"""
from __future__ import annotations

import time

LIVE_TIMEOUT_MS = 120_000  # a loaded 2-core machine; the benchmark reports the real times


def move_off_grid_and_wait(page, root_selector: str, control: str, value: str) -> dict:
    """Move one control to ``value`` (off the grid); return the statuses seen and the time taken."""
    root = page.locator(root_selector)
    statuses = []
    t0 = time.monotonic()
    root.locator(f"[data-control={control}]").fill(value)
    deadline = t0 + LIVE_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        text = root.locator(".nnlib-note").text_content()  # the stage, the wait, or why it cannot draw
        if not statuses or statuses[-1] != text:
            statuses.append(text)
        if root.get_attribute("data-key") == "live" and root.get_attribute("aria-busy") is None:
            break
        if "Could not" in text or "only the precomputed" in text.lower():
            break
        time.sleep(0.05)
    return {"statuses": statuses, "seconds": time.monotonic() - t0,
            "key": root.get_attribute("data-key"), "status": root.locator(".nnlib-note").text_content(),
            "waited_ms": root.get_attribute("data-waited-ms"),
            "description": root.locator(".nnlib-description").text_content()}


def off_grid_value(control):
    """A value of slider ``control`` off its precomputed grid, as the page's input takes it (a
    string), or None: the step nearest halfway from its default towards the far end of its range."""
    if not hasattr(control, "step"):
        return None  # a Choice: every option is a frame or not; the sliders are what move off grid
    far = control.max if control.max - control.default >= control.default - control.min else control.min
    value = control.snap(control.default + (far - control.default) / 2)
    if value == control.default or any(abs(value - v) < control.step / 2 for v in control.static_values()):
        return None
    return str(value)


def off_grid_moves() -> list[tuple[str, str, str]]:
    """(figure, control, value) for every figure of the registry: its first slider that can move
    off the precomputed grid, and that value. Read by tests/browser/test_live_figures.py (the full
    run) and benchmarks/bench_worker.py."""
    from nnlib.widgets import registry

    moves = []
    for name in registry.figures():
        for control in registry.build(name).controls:
            value = off_grid_value(control)
            if value is not None:
                moves.append((name, control.name, value))
                break
    return moves
