"""Every notebook of the in-browser edition, run in JupyterLite in headless Chromium (`make test-lite`).

For each chapter and each assignment's student notebook: open it in the book's JupyterLite site
with every request to another host blocked, run all cells, require that each ran and none raised,
then move a slider of every live figure and require that its image changes. Runs only with
LITE_FULL=1 (8 to 10 minutes for all 16 on a shared 2-core machine); `make test` runs the fast subset
in test_lite.py.
"""
from __future__ import annotations

import os

import pytest

from booksite.browser import lite as lite_driver
from test_lite import build, lite_browser, lite_site  # noqa: E402,F401  (fixtures)
from booksite.browser import BOOK_HTML

pytestmark = pytest.mark.skipif(os.environ.get("LITE_FULL") != "1",
                                reason="the full JupyterLite run is `make test-lite` (LITE_FULL=1)")

NOTEBOOKS = [rel for _, rel in build.notebooks()]
# Chapters whose figures must redraw: every one that creates an nnlib interactive figure.
FIGURE_CHAPTERS = [rel for source, rel in build.notebooks()
                   if "nnlib.widgets import" in source.read_text()]


@pytest.fixture(scope="module")
def lite_context(lite_site, lite_browser, serve):
    """One server and one browser profile for all notebooks: like a reader going from chapter to
    chapter, the site's files come from the browser's cache after the first one."""
    with serve(BOOK_HTML) as base:
        context, guard = lite_driver.new_context(lite_browser, base)
        yield base, context, guard
        context.close()


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_runs_in_the_browser_and_its_figures_are_live(notebook, lite_context):
    base, context, guard = lite_context
    guard.outside.clear()
    page = context.new_page()
    page.set_default_timeout(300_000)
    try:
        log = lite_driver.KernelLog(page)
        page.goto(lite_driver.lite_url(base, notebook))
        lite_driver.wait_kernel(page, log=log)
        result = lite_driver.run_all(page, timeout_ms=900_000)
        assert result["errors"] == [], result["errors"]
        assert result["ok"] and result["run"] == result["total"], result
        moved = 0
        for figure in range(lite_driver.count_figures(page)):
            if lite_driver.move_slider(page, figure) is not None:
                lite_driver.move_slider(page, figure, -1)
                moved += 1
        if notebook in FIGURE_CHAPTERS:
            assert moved >= 1, f"no live figure with a slider redrew in {notebook}"
        assert guard.outside == [], guard.outside
    finally:
        page.close()
