"""Serve the figure worker: the in-page Python of the HTML book's interactive figures.

Loaded from _config.yml (sphinx.extra_extensions). The static view of an nnlib figure
(nnlib/widgets/export.py) computes a value between its precomputed frames in a Web Worker that
runs nnlib in Pyodide, taken from the in-browser edition that `make lite` builds into lite/.
This extension copies that worker (booksite/figure_worker.js) to the path the figures ask for,
``_figures/worker.js`` at the root of the built site, once the HTML is written. It is not placed
under ``_static``: Jupyter Book adds every script there to every page, and no page loads this one
until a reader moves a control off the grid.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from nnlib.widgets.export import WORKER_PATH

SOURCE = Path(__file__).parent / "figure_worker.js"


def _copy_worker(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / WORKER_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SOURCE, target)


def setup(app):
    app.connect("build-finished", _copy_worker)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
