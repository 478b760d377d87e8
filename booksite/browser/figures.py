"""The HTML book's interactive figures in a page: move a control off the precomputed grid and wait
for the figure worker (Pyodide in a Web Worker) to draw it. Used by tests/browser/test_live_figures.py
and benchmarks/bench_worker.py.
"""
from __future__ import annotations

import time

LIVE_TIMEOUT_MS = 120_000  # a loaded 2-core machine; the benchmark reports the real times

# (figure, a control, a value off its grid) for the full run; the neurons one runs in make test.
OFF_GRID = [("neuron_playground", "w2", "0.3"), ("activation_explorer", "z", "2.2"),
            ("forward_pass_explorer", "w11", "0.7"), ("cost_landscape", "w", "0.2"),
            ("descent_path", "n_steps", "45"), ("backprop_stepper", "x1", "-0.3"),
            ("sgd_vs_full_batch", "batch_size", "9"), ("training_playground", "hidden", "5"),
            ("digits_training", "hidden", "20")]


def move_off_grid_and_wait(page, root_selector: str, control: str, value: str) -> dict:
    """Move one control to ``value`` (off the grid); return the statuses seen and the time taken."""
    root = page.locator(root_selector)
    statuses = []
    t0 = time.monotonic()
    root.locator(f"[data-control={control}]").fill(value)
    deadline = t0 + LIVE_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        text = root.locator(".nnlib-status").text_content()
        if not statuses or statuses[-1] != text:
            statuses.append(text)
        if root.get_attribute("data-key") == "live" and root.get_attribute("aria-busy") is None:
            break
        if "Could not" in text or "only the precomputed" in text.lower():
            break
        time.sleep(0.05)
    return {"statuses": statuses, "seconds": time.monotonic() - t0,
            "key": root.get_attribute("data-key"), "status": root.locator(".nnlib-status").text_content()}
