"""Drive a notebook of the book's JupyterLite site (built by `make lite`) in headless Chromium.

Used by tests/browser/test_lite*.py and benchmarks/bench_lite.py. Every request that does not go to
the local server is aborted and recorded in `LiteGuard.outside`, so a caller can fail on it.
"""
from __future__ import annotations

import time

from booksite.browser import CHROMIUM_ARGS

# True once the notebook's kernel is connected and idle (JupyterLite exposes the app as
# window.jupyterapp because the site's jupyter-lite.json sets exposeAppInBrowser).
KERNEL_IDLE = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const s = w && w.sessionContext;
  return !!(s && s.session && s.session.kernel
            && s.session.kernel.connectionStatus === 'connected'
            && s.kernelDisplayStatus === 'idle');
}"""

# Run every cell; resolves when the last one has finished (or one has failed), without awaiting
# the command itself in Playwright (the kernel may take minutes).
RUN_ALL = """() => {
  window.__liteRun = {done: false, ok: null, started: performance.now()};
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  app.commands.execute('notebook:run-all-cells').then(ok => {
    window.__liteRun = Object.assign(window.__liteRun,
                                     {done: true, ok, finished: performance.now()});
  });
}"""

# Outputs of the notebook: per code cell, its source's first line and its error output if any.
CELL_ERRORS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const errors = [];
  for (const cell of panel.content.widgets) {
    if (cell.model.type !== 'code') continue;
    for (let i = 0; i < cell.model.outputs.length; i++) {
      const out = cell.model.outputs.get(i).toJSON();
      if (out.output_type === 'error') {
        errors.push({source: cell.model.sharedModel.getSource().slice(0, 120),
                     ename: out.ename, evalue: out.evalue,
                     traceback: (out.traceback || []).join('\\n').slice(-2000)});
      }
    }
  }
  return errors;
}"""

CODE_CELLS_RUN = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  let total = 0, run = 0;
  for (const cell of panel.content.widgets) {
    if (cell.model.type !== 'code') continue;
    total++;
    if (cell.model.executionCount !== null) run++;
  }
  return [run, total];
}"""

FIRST_OUTPUT = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.content || !panel.content.widgets) return false;
  return panel.content.widgets.some(c => c.model.type === 'code' && c.model.executionCount !== null
                                         && c.model.outputs && c.model.outputs.length > 0);
}"""


class LiteGuard:
    """Let requests to `base_url` through; abort and record every other one."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.outside: list[str] = []
        self.local: list[str] = []

    def handle(self, route):
        url = route.request.url
        if url.startswith(self.base_url) or url.startswith(("data:", "blob:")):
            self.local.append(url)
            route.continue_()
            return
        self.outside.append(url)
        route.abort()

    def attach(self, context):
        context.route("**/*", self.handle)
        # Web Workers' requests (the Pyodide kernel runs in one) are routed through the context
        # as well. The site registers no service worker (booksite/lite/jupyter-lite.json disables
        # JupyterLite's service-worker manager); blocking them here makes sure none could
        # answer a request outside the routing.
        return self


class KernelLog:
    """The page's console messages (the kernel's Web Worker logs there too: "Loading numpy",
    Pyodide's errors), with the seconds since the page opened, for failure messages."""

    def __init__(self, page):
        self.t0 = time.perf_counter()
        self.lines: list[str] = []
        page.on("console", lambda m: self.lines.append(
            f"[{time.perf_counter() - self.t0:6.1f}s] {m.type}: {m.text[:300]}"))
        page.on("pageerror", lambda e: self.lines.append(
            f"[{time.perf_counter() - self.t0:6.1f}s] page error: {str(e)[:300]}"))

    def tail(self, n: int = 25) -> str:
        # JupyterLab's own start-up chatter (module versions) says nothing about the kernel.
        lines = [line for line in self.lines if "shared singleton module" not in line
                 and "shared module" not in line and "Available versions" not in line]
        return "\n".join(lines[-n:])


def new_context(browser, base_url: str):
    context = browser.new_context(service_workers="block", viewport={"width": 1280, "height": 900})
    guard = LiteGuard(base_url).attach(context)
    return context, guard


def lite_url(base_url: str, notebook: str) -> str:
    return f"{base_url}lite/notebooks/index.html?path={notebook}"


# What the notebook's session says about its kernel, for failure messages.
KERNEL_STATE = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const s = w && w.sessionContext;
  const k = s && s.session && s.session.kernel;
  return {widget: w ? w.title.label : null, kernel: k ? k.name : null,
          connection: k ? k.connectionStatus : null, status: s ? s.kernelDisplayStatus : null};
}"""


def wait_kernel(page, timeout_ms: int = 180_000, log: KernelLog | None = None) -> float:
    """Wait until the notebook's kernel is connected and idle (polled in the page, so it returns
    as soon as it is); return the seconds waited. On timeout, fail with the kernel's state and the
    last console lines (`log`), which say how far Pyodide got."""
    t0 = time.perf_counter()
    try:
        page.wait_for_function(KERNEL_IDLE, timeout=timeout_ms, polling=100)
    except Exception as error:  # playwright's TimeoutError
        state = page.evaluate(KERNEL_STATE)
        raise AssertionError(f"kernel not ready in {timeout_ms / 1000:.0f} s: {state}\n"
                             + (log.tail() if log else "")) from error
    return time.perf_counter() - t0


def run_all(page, timeout_ms: int = 600_000) -> dict:
    """Run every cell; return {'ok', 'seconds', 'errors', 'run', 'total'}."""
    page.evaluate(RUN_ALL)
    page.wait_for_function("() => window.__liteRun && window.__liteRun.done", timeout=timeout_ms,
                           polling=250)
    # run-all resolves when the cells are queued and done; wait for the kernel to go idle again.
    page.wait_for_function(KERNEL_IDLE, timeout=timeout_ms, polling=250)
    state = page.evaluate("() => window.__liteRun")
    run, total = page.evaluate(CODE_CELLS_RUN)
    return {"ok": state["ok"], "seconds": (state["finished"] - state["started"]) / 1000,
            "errors": page.evaluate(CELL_ERRORS), "run": run, "total": total}


# ------------------------------------------------------------------------------- the browser
# Besides the per-request routing of LiteGuard, Chromium itself resolves no host name but the
# loopback address, so a request to another host fails even if something escaped the routing.
HOST_RULES = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"


def chromium_args() -> list[str]:
    return CHROMIUM_ARGS + [HOST_RULES]


# ---------------------------------------------------------------------------------- figures
# Make the n-th cell with a live figure (an ipywidgets view) the active cell and scroll it to the
# middle: the notebook only renders cells near the visible part. Returns the cell's index or -1.
SHOW_FIGURE_CELL = """async (n) => {
  const nb = window.jupyterapp.shell.currentWidget.content;
  let k = -1;
  for (let i = 0; i < nb.widgets.length; i++) {
    const c = nb.widgets[i];
    if (c.model.type !== 'code' || !c.model.outputs) continue;
    let live = false;
    for (let j = 0; j < c.model.outputs.length; j++) {
      const data = c.model.outputs.get(j).toJSON().data || {};
      if ('application/vnd.jupyter.widget-view+json' in data) live = true;
    }
    if (live && ++k === n) {
      nb.activeCellIndex = i;
      await nb.scrollToItem(i, 'center');
      return i;
    }
  }
  return -1;
}"""

COUNT_FIGURE_CELLS = """() => window.jupyterapp.shell.currentWidget.content.widgets.filter(c =>
  c.model.type === 'code' && c.model.outputs && Array.from({length: c.model.outputs.length},
    (_, j) => c.model.outputs.get(j).toJSON().data || {})
    .some(d => 'application/vnd.jupyter.widget-view+json' in d)).length"""


def count_figures(page) -> int:
    """How many cells show a live figure (an ipywidgets view), from the notebook's model."""
    return page.evaluate(COUNT_FIGURE_CELLS)


def move_slider(page, figure: int, direction: int = 1, timeout_ms: int = 120_000) -> float | None:
    """Drag the first slider of the `figure`-th live figure of the notebook by a few steps (right
    for direction 1, left for -1), as a reader does with the mouse, and wait until the figure's
    image changes; return the seconds from the move to the new image (None: that figure has no
    slider and image).

    (Focusing the handle and pressing an arrow key does not move it here: JupyterLite's notebook
    takes the focus and scrolls to the active cell.)"""
    if page.evaluate(SHOW_FIGURE_CELL, figure) < 0:
        raise AssertionError(f"no live figure number {figure}")
    cell = page.locator(".jp-Notebook .jp-Cell.jp-mod-active")
    cell.locator("img.widget-image").first.wait_for(state="visible", timeout=timeout_ms)
    if cell.locator(".widget-slider .noUi-handle").count() == 0:
        return None
    image = cell.locator("img.widget-image").first
    before = image.get_attribute("src")
    handle = cell.locator(".widget-slider .noUi-handle").first
    # noUiSlider rounds aria-valuenow (0.1 for a noise of 0.05 or 0.11); aria-valuetext is the value
    # as the slider shows it.
    value = handle.get_attribute("aria-valuetext")
    # A tall figure (the Playground) puts its sliders below the fold: the mouse reaches only what is
    # on screen. Scrolling moves the page, not the focus, so the notebook does not jump back.
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    t0 = time.perf_counter()
    page.mouse.move(x + 16 * direction, y)
    page.mouse.up()
    if handle.get_attribute("aria-valuetext") == value:
        raise AssertionError(f"the slider did not move (still {value})")
    page.wait_for_function("([el, old]) => el.getAttribute('src') !== old",
                           arg=[image.element_handle(), before], timeout=timeout_ms, polling=10)
    return time.perf_counter() - t0


# JupyterLite keeps the reader's notebooks (and their outputs) in the browser's IndexedDB; this
# forgets them, so the next visit opens the site's copy again. The HTTP cache is left alone.
FORGET_NOTEBOOKS = """async () => {
  const dbs = indexedDB.databases ? await indexedDB.databases() : [];
  await Promise.all(dbs.map(db => new Promise(done => {
    const r = indexedDB.deleteDatabase(db.name); r.onsuccess = r.onerror = r.onblocked = done; })));
  localStorage.clear();
  return dbs.length;
}"""

# True once a cell has a live figure's output (an ipywidgets view) from this session's kernel. The
# model is asked, not the page: the notebook only renders cells near the visible part.
FIRST_FIGURE = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.content || !panel.content.widgets) return false;
  return panel.content.widgets.some(c => {
    if (c.model.type !== 'code' || c.model.executionCount === null || !c.model.outputs) return false;
    for (let i = 0; i < c.model.outputs.length; i++) {
      const data = c.model.outputs.get(i).toJSON().data || {};
      if ('application/vnd.jupyter.widget-view+json' in data) return true;
    }
    return false;
  });
}"""
