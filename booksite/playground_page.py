"""Serve the Playground page's scripts (book/playground.md).

Loaded from _config.yml (sphinx.extra_extensions, as booksite.playground_page). The page holds one empty ``<div>`` and loads
``_playground/playground.js``, which builds the controls and canvases, and starts
``_playground/worker.js``, which runs nnlib.playground in Pyodide (the in-browser edition's copy
under ``lite/static/pyodide``, built by ``make lite``). This extension copies the three files
there once the HTML is written. They are not placed under ``_static``: Jupyter Book adds every
script there to every page, and only this page needs them.
"""
from __future__ import annotations

import shutil
from pathlib import Path

HERE = Path(__file__).parent
FOLDER = "_playground"  # inside the built site
FILES = {"playground.js": "playground.js", "playground.css": "playground.css", "playground_worker.js": "worker.js"}


def _copy(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / FOLDER
    target.mkdir(parents=True, exist_ok=True)
    for source, name in FILES.items():
        shutil.copyfile(HERE / source, target / name)


def setup(app):
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
