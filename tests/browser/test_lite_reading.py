"""A chapter in the in-browser edition reads and works like the book (issue 22), in headless
Chromium at 390 px and 1280 px, every request to another host blocked (`make test-lite`, CI-only:
each notebook takes its kernel about a minute to start on a shared machine).

* every markdown cell renders without raw MyST (no ```{dropdown}, {ref}`...`, :class:), the answers
  of "Check your understanding" are closed <details>, and maths is typeset;
* the header does not say "Not Trusted", no cell prints matplotlib's font-cache warning, and the
  notebook opens with one line that says how to run it;
* a focused slider handle moves with the arrow keys, the focus stays on it and the notebook does
  not scroll;
* at 390 px nothing of the notebook's toolbar and menu bar is cut off.
"""
from __future__ import annotations

import os
import re

import pytest

from booksite.browser import BOOK_HTML
from booksite.browser import lite as lite_driver
from test_lite import lite_browser, lite_site  # noqa: F401  (fixtures)

pytestmark = pytest.mark.skipif(os.environ.get("LITE_FULL") != "1",
                                reason="JupyterLite reading checks run in `make test-lite` (LITE_FULL=1)")

VIEWPORTS = [{"width": 390, "height": 844}, {"width": 1280, "height": 900}]
IDS = ["390px", "1280px"]
RAW_MYST = r"(`{3,}|:{3,})\{[\w-]+\}|\{(ref|doc|numref|eq)\}`|^:class:|^\([\w-]+\)=$"

# Every markdown cell, brought into view one after the other (the notebook renders only the cells
# near the visible part), with what it renders.
RENDERED_MARKDOWN = """async () => {
  const nb = window.jupyterapp.shell.currentWidget.content;
  const cells = [];
  for (let i = 0; i < nb.widgets.length; i++) {
    const cell = nb.widgets[i];
    if (cell.model.type !== 'markdown') continue;
    await nb.scrollToItem(i, 'center');
    await new Promise(r => setTimeout(r, 30));
    const html = cell.node.querySelector('.jp-RenderedMarkdown');
    if (!html) { cells.push({index: i, text: null}); continue; }
    cells.push({index: i, text: html.innerText, details: html.querySelectorAll('details').length,
                open: html.querySelectorAll('details[open]').length,
                math: html.querySelectorAll('mjx-container, .MathJax').length,
                dollars: (html.innerText.match(/\\$[^$\\s][^$]*\\$/g) || []).length});
  }
  return cells;
}"""


@pytest.fixture(scope="module")
def served(lite_site, serve):
    with serve(BOOK_HTML) as base:
        yield base


def open_notebook(lite_browser, base, notebook, viewport):
    context = lite_browser.new_context(service_workers="block", viewport=viewport)
    guard = lite_driver.LiteGuard(base).attach(context)
    page = context.new_page()
    page.set_default_timeout(300_000)
    page.goto(lite_driver.lite_url(base, notebook))
    lite_driver.wait_kernel(page)
    return context, page, guard


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=IDS)
def test_a_chapter_reads_like_the_book(lite_browser, served, viewport):
    context, page, guard = open_notebook(lite_browser, served, "cost.ipynb", viewport)
    try:
        toolbar = page.evaluate("() => document.body.innerText")
        assert "Not Trusted" not in toolbar
        cells = page.evaluate(RENDERED_MARKDOWN)
        assert cells and all(c["text"] is not None for c in cells)
        raw = [c["text"][:120] for c in cells if re.search(RAW_MYST, c["text"], re.M)]
        assert not raw, f"raw MyST in {len(raw)} cells: {raw[:3]}"
        assert sum(c["details"] for c in cells) >= 5, "the answers are not in <details>"
        assert sum(c["open"] for c in cells) == 0, "an answer is shown before it is opened"
        assert sum(c["math"] for c in cells) > 20 and sum(c["dollars"] for c in cells) == 0
        assert cells[1]["text"].strip().startswith("Run the cells"), cells[1]["text"][:80]
        # the answers stay hidden until a reader opens them
        summary = page.locator(".jp-RenderedMarkdown details summary").first
        summary.scroll_into_view_if_needed()
        summary.click()
        assert page.locator(".jp-RenderedMarkdown details[open]").count() == 1
        if viewport["width"] < 600:
            clipped = page.evaluate("""() => [...document.querySelectorAll(
                '.jp-Toolbar-item, #menu-panel .lm-MenuBar-item, #top-panel .jp-Toolbar-item')]
              .filter(e => e.offsetParent !== null)
              .map(e => [e.innerText || e.title || e.className, e.getBoundingClientRect()])
              .filter(([_, r]) => r.width > 0 && (r.left < 0 || r.right > innerWidth + 1))
              .map(([name]) => name)""")
            assert not clipped, f"cut off at 390 px: {clipped}"
        assert guard.outside == [], guard.outside
    finally:
        context.close()


def test_running_a_chapter_prints_no_font_cache_warning(lite_browser, served):
    context, page, guard = open_notebook(lite_browser, served, "neurons.ipynb", VIEWPORTS[1])
    try:
        result = lite_driver.run_all(page)
        assert result["errors"] == [], result["errors"]
        stderr = page.evaluate("""() => window.jupyterapp.shell.currentWidget.content.widgets
          .filter(c => c.model.type === 'code')
          .flatMap(c => Array.from({length: c.model.outputs.length}, (_, j) => c.model.outputs.get(j).toJSON()))
          .filter(o => o.output_type === 'stream' && o.name === 'stderr').map(o => o.text)""")
        assert not [s for s in stderr if "font cache" in "".join(s)], stderr
    finally:
        context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=IDS)
def test_arrow_keys_move_a_focused_slider(lite_browser, served, viewport):
    context, page, guard = open_notebook(lite_browser, served, "neurons.ipynb", viewport)
    try:
        result = lite_driver.run_all(page)
        assert result["errors"] == [], result["errors"]
        assert page.evaluate(lite_driver.SHOW_FIGURE_CELL, 0) >= 0
        cell = page.locator(".jp-Notebook .jp-Cell.jp-mod-active")
        handle = cell.locator(".widget-slider .noUi-handle").first
        handle.wait_for(state="visible")
        handle.focus()
        scroller = ".jp-WindowedPanel-outer"
        before = (handle.get_attribute("aria-valuenow"), page.eval_on_selector(scroller, "e => e.scrollTop"))
        for key in ("ArrowRight", "ArrowRight", "ArrowLeft"):
            page.keyboard.press(key)
            page.wait_for_timeout(300)
        after = (handle.get_attribute("aria-valuenow"), page.eval_on_selector(scroller, "e => e.scrollTop"))
        assert float(after[0]) > float(before[0]), f"the slider did not move: {before[0]} -> {after[0]}"
        assert abs(after[1] - before[1]) < 5, f"the notebook scrolled by {after[1] - before[1]} px"
        assert page.evaluate("() => document.activeElement.classList.contains('noUi-handle')")
    finally:
        context.close()
