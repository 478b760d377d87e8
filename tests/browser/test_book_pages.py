"""Every page of the built book, opened in headless Chromium.

For each page: no console errors, no failed requests and no request to another host (MathJax and
everything else come from the built site); MathJax typesets every equation; every image loads; every
static interactive figure reacts to its controls; a full-page screenshot goes to
_build/screenshots/. Plus the book-level features: search, previous/next links, logo, favicon,
.ipynb downloads and launch buttons.

Run: `make test-browser` (builds the book and the vendor files first), or on an existing build:
`.venv/bin/python -m pytest tests/browser/test_book_pages.py`.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import yaml

from booksite.browser import (BOOK_HTML, ROOT, SCREENSHOTS, NetworkGuard, built_pages, launch_chromium, missing,
                              serve_directory)


def toc_pages() -> list[str]:
    """The pages of _toc.yml in reading order, as paths relative to the HTML root ('book/x.html')."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text()) if (ROOT / "_toc.yml").exists() else {}
    if BOOK_HTML != (ROOT / "_build" / "html").resolve():  # a book built elsewhere (BOOK_HTML=...)
        other = BOOK_HTML.parent.parent / "_toc.yml"
        if other.exists():
            toc = yaml.safe_load(other.read_text())
    order: list[str] = []

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                order.append(re.sub(r"\.(ipynb|md)$", "", entry["file"]) + ".html")
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    if toc.get("root"):
        order.append(re.sub(r"\.(ipynb|md)$", "", toc["root"]) + ".html")
    walk(toc.get("parts"))
    walk(toc.get("chapters"))
    return order


PAGES = built_pages()


def screenshot_name(page: str) -> str:
    return re.sub(r"\.html$", "", page).replace("/", "__") + ".png"


@pytest.fixture
def open_page(browser, book_url):
    """open_page(rel) -> (page, record): loads the page with the network guard and collects errors."""
    contexts = []

    def _open(rel: str, wait_mathjax: bool = True):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        guard = NetworkGuard(book_url).attach(context)
        page = context.new_page()
        record = {"console": [], "failed": guard.problems, "bad_status": []}
        page.on("console", lambda m: record["console"].append(f"{m.type}: {m.text}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: record["console"].append(f"uncaught: {e}"))
        page.on("requestfailed", lambda r: record["failed"].append(f"{r.url} ({r.failure})")
                if r.url.startswith(book_url) else None)
        page.on("response", lambda r: record["bad_status"].append(f"{r.status} {r.url}")
                if r.status >= 400 else None)
        page.goto(book_url + rel, wait_until="load")
        page.wait_for_load_state("networkidle")
        if wait_mathjax and page.evaluate("() => document.querySelector('.math') !== null"):
            # maths typeset at build time has its mjx-container already; else wait for MathJax
            page.wait_for_function("() => !!document.querySelector('mjx-container') || "
                                   "(window.MathJax && MathJax.startup && MathJax.startup.promise)",
                                   timeout=30_000)
            page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        return page, record

    yield _open
    for context in contexts:
        context.close()


def test_book_is_built():
    assert PAGES, f"no built book in {BOOK_HTML}: run `make test-build`"


def test_every_toc_page_is_built():
    missing_pages = [p for p in toc_pages() if not (BOOK_HTML / p).is_file()]
    assert not missing_pages, f"pages in _toc.yml with no HTML: {missing_pages}"


# ---- every page -------------------------------------------------------------------------------

MATH_CHECK = r"""() => {
  const nodes = [...document.querySelectorAll('.bd-article .math, article .math')];
  const untypeset = nodes.filter(n => !n.querySelector('mjx-container'))
                         .map(n => n.textContent.slice(0, 80));
  const containers = document.querySelectorAll('mjx-container').length;
  const errors = [...document.querySelectorAll('mjx-merror, [data-mjx-error]')]
                   .map(e => e.getAttribute('data-mjx-error') || e.textContent);
  // Raw TeX left in the prose (outside code blocks) means a formula MathJax never saw.
  const article = document.querySelector('.bd-article') || document.body;
  const clone = article.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, mjx-container, .highlight, textarea')
       .forEach(e => e.remove());
  const text = clone.textContent;
  const raw = [];
  for (const pat of ['$$', '\\(', '\\[', '\\begin{']) { if (text.includes(pat)) raw.push(pat); }
  return {nodes: nodes.length, containers, untypeset, errors, raw};
}"""

IMAGES_CHECK = r"""async () => {
  const imgs = [...document.images];
  // lazy images (the build marks them so) load only near the viewport: load them all now
  imgs.forEach(i => { if (i.loading === 'lazy') i.loading = 'eager'; });
  await Promise.race([new Promise(r => setTimeout(r, 20000)),
    Promise.all(imgs.map(i => i.complete ? null :
      new Promise(r => { i.addEventListener('load', r); i.addEventListener('error', r); })))]);
  return imgs.filter(i => !(i.complete && i.naturalWidth > 0))
             .map(i => (i.currentSrc || i.src || '').slice(0, 120));
}"""

# Controls of static interactive figures: sliders and menus with an image nearby. Controls that
# belong to live ipywidgets (.jupyter-widgets) need a kernel and are not expected to react here.
FIND_CONTROLS = r"""() => {
  const controls = [...document.querySelectorAll(
      '.bd-article input[type=range], .bd-article select, article input[type=range], article select')]
    .filter(c => !c.closest('.jupyter-widgets') && !c.closest('.bd-sidebar-primary'))
    // A control fixed at one value (disabled, or a one-step range) has nothing to change.
    .filter(c => !c.disabled && !(c.type === 'range' && c.min !== '' && c.min === c.max));
  const unique = [...new Set(controls)];
  unique.forEach((c, i) => c.setAttribute('data-book-test-control', String(i)));
  return unique.length;
}"""

CHANGE_CONTROL = r"""async (i) => {
  const c = document.querySelector(`[data-book-test-control="${i}"]`);
  // The figure: the closest ancestor of the control that shows an image (or the output cell).
  let fig = c.parentElement;
  while (fig && fig !== document.body && !fig.querySelector('img, canvas, svg')) fig = fig.parentElement;
  const cell = c.closest('.cell_output, .output, .cell') || fig;
  if (!fig || fig === document.body) fig = cell;
  const snapshot = () => [...fig.querySelectorAll('img')].map(im => im.src).join('|') +
                         '#' + fig.innerHTML.length + '#' + fig.textContent;
  const before = snapshot();
  const beforeImgs = [...fig.querySelectorAll('img')].map(im => im.src).join('|');
  // An nnlib figure (nnlib/widgets/export.py) shows precomputed frames for the values in data-grid
  // (option[data-frame]) at once and computes the others with Python in the page, which takes
  // seconds (tests/browser/test_live_figures.py checks those frames): move to another grid value
  // when there is one; otherwise the figure reacts by computing (aria-busy, the frame dimmed, and
  // "Loading Python (step 1 of 3)..." the first time).
  const original = c.value, live = c.closest('.nnlib-figure');
  const grid = live && c.tagName !== 'SELECT' ? JSON.parse(c.getAttribute('data-grid') || '[]')
    .filter(g => Math.abs(g - parseFloat(c.value)) > 1e-9) : [];
  const frames = live && c.tagName === 'SELECT' ? [...c.options]
    .filter(o => o.hasAttribute('data-frame') && o.index !== c.selectedIndex) : [];
  if (c.tagName === 'SELECT') {
    if (c.options.length < 2) return {skipped: 'select with one option'};
    c.selectedIndex = frames.length ? frames[0].index : (c.selectedIndex + 1) % c.options.length;
  } else if (grid.length) {
    c.value = String(grid[0]);
  } else {
    const min = parseFloat(c.min || '0'), max = parseFloat(c.max || '100');
    const v = parseFloat(c.value);
    c.value = String(v === max ? min : max);
  }
  c.dispatchEvent(new Event('input', {bubbles: true}));
  c.dispatchEvent(new Event('change', {bubbles: true}));
  await new Promise(r => setTimeout(r, 300));
  const afterImgs = [...fig.querySelectorAll('img')].map(im => im.src).join('|');
  const status = live ? live.querySelector('.nnlib-status').textContent : '';
  const result = {hasImg: beforeImgs.length > 0, imgChanged: beforeImgs !== afterImgs,
          changed: before !== snapshot(), label: (c.getAttribute('aria-label') || c.name || c.id || ''),
          computing: /Drawing this view|Loading Python/.test(status) || (live && live.getAttribute('aria-busy') === 'true')};
  if (live) {  // back to the precomputed value, so the next control starts on the grid
    const loaded = () => Promise.race([new Promise(r => setTimeout(r, 10000)), Promise.all(
      [...fig.querySelectorAll('img')].map(im => im.complete ? null : new Promise(r => {
        im.addEventListener('load', r); im.addEventListener('error', r); })))]);
    await loaded();  // a frame still loading would be aborted (a failed request) by the next src
    c.value = original;
    c.dispatchEvent(new Event('input', {bubbles: true}));
    await loaded();
  }
  return result;
}"""


@pytest.mark.parametrize("rel", PAGES or ["<no built book>"])
def test_page(open_page, rel):
    page, record = open_page(rel)
    problems = []

    math = page.evaluate(MATH_CHECK)
    if math["nodes"]:
        if math["untypeset"]:
            problems.append(f"equations MathJax did not typeset: {math['untypeset'][:5]}")
        if math["containers"] < math["nodes"]:
            problems.append(f"{math['nodes']} math nodes but only {math['containers']} typeset")
        if math["errors"]:
            problems.append(f"MathJax errors: {math['errors'][:5]}")
    if math["raw"]:
        problems.append(f"raw TeX delimiters left in the text: {math['raw']}")

    broken = page.evaluate(IMAGES_CHECK)
    if broken:
        problems.append(f"images that did not load: {broken}")

    for i in range(page.evaluate(FIND_CONTROLS)):
        result = page.evaluate(CHANGE_CONTROL, i)
        if "skipped" in result:
            continue
        reacted = result["imgChanged"] or result["computing"] if result["hasImg"] else result["changed"]
        if not reacted:
            problems.append(f"interactive control #{i} {result['label']!r} changed but its figure did not")

    problems += [f"console: {m}" for m in record["console"]]
    problems += [f"failed request: {m}" for m in record["failed"]]
    problems += [f"HTTP {m}" for m in record["bad_status"]]

    # The screenshot comes after the record is read: to capture beyond the viewport Chromium lays
    # the page out at another size for a moment, which a reader's page never goes through (a
    # figure's phone frames were fetched and then cancelled during it on the fresh-clone CI run).
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / screenshot_name(rel)), full_page=True)
    assert not problems, f"{rel}:\n  " + "\n  ".join(problems)


# ---- book-level features ----------------------------------------------------------------------

def read(rel: str) -> str:
    return (BOOK_HTML / rel).read_text(errors="replace")


def test_previous_next_navigation():
    order = [p for p in toc_pages() if (BOOK_HTML / p).is_file()]
    if len(order) < 2:
        pytest.skip("fewer than two pages built")
    for i, rel in enumerate(order):
        text = read(rel)
        prev_link = re.search(r'class="left-prev"[^>]*|href="[^"]*"[^>]*class="left-prev"', text)
        next_link = re.search(r'<a[^>]*class="right-next"[^>]*>', text)
        if i > 0:
            assert prev_link, f"{rel} has no 'previous' link"
        if i < len(order) - 1:
            assert next_link, f"{rel} has no 'next' link"
            href = re.search(r'href="([^"]+)"', next_link.group(0)).group(1)
            target = (Path(rel).parent / html.unescape(href).split("#")[0]).as_posix()
            target = re.sub(r"(^|/)[^/]+/\.\./", r"\1", target)
            assert target == order[i + 1], f"{rel}: 'next' goes to {target}, expected {order[i + 1]}"


def test_logo_favicon_and_buttons():
    problems = []
    for rel in PAGES:
        text = read(rel)
        base = (BOOK_HTML / rel).parent
        icon = re.search(r'<link rel="icon" href="([^"]+)"', text)
        if not icon or not (base / icon.group(1)).resolve().is_file():
            problems.append(f"{rel}: no favicon")
        if "logo__image" not in text:
            problems.append(f"{rel}: no logo")
        source = rel[:-5]
        if (BOOK_HTML / "_sources" / (source + ".ipynb")).is_file():
            if f"_sources/{source}.ipynb" not in text:
                problems.append(f"{rel}: no .ipynb download button")
            for name, pattern in (("Binder", r"https://mybinder\.org/v2/"),
                                  ("Colab", r"https://colab\.research\.google\.com/github/")):
                if not re.search(pattern, text):
                    problems.append(f"{rel}: no {name} launch button")
    assert not problems, "\n".join(problems)


def test_search_finds_a_word(open_page):
    first = (toc_pages() or PAGES)[0]
    title = re.search(r"<h1[^>]*>(.*?)<", read(first), re.S)
    assert title, f"{first} has no <h1>"
    words = [w for w in re.findall(r"[A-Za-z]{5,}", html.unescape(title.group(1)))]
    assert words, f"no searchable word in the title of {first}"
    page, record = open_page(f"search.html?q={words[0].lower()}", wait_mathjax=False)
    page.wait_for_selector("#search-results ul.search li", timeout=30_000)
    hits = page.eval_on_selector_all("#search-results ul.search li a", "as => as.map(a => a.href)")
    assert any(first.split("/")[-1] in h for h in hits), f"search for {words[0]!r} missed {first}: {hits}"
    assert not record["console"] and not record["failed"], record


def test_colab_setup_cells_use_the_repository():
    """Notebooks opened in Colab install nnlib from repository.url (_config.yml): every notebook
    page of the book (_toc.yml) that imports nnlib starts with the setup cell, and its URL matches the config."""
    import json

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    url = config["repository"]["url"].rstrip("/")
    problems = []
    notebooks = [ROOT / (page[:-5] + ".ipynb") for page in toc_pages()]
    for path in [p for p in notebooks if p.is_file()]:
        cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
        sources = ["".join(c["source"]) for c in cells]
        if not any(re.search(r"^\s*(import nnlib|from nnlib)", s, re.M) for s in sources):
            continue
        first = sources[0] if sources else ""
        if "google.colab" not in first:
            problems.append(f"{path.relative_to(ROOT)}: first code cell is not the Colab setup cell")
        elif f'"how-neural-networks-learn @ git+{url}@main"' not in first:
            problems.append(f"{path.relative_to(ROOT)}: Colab setup cell does not install "
                            f"how-neural-networks-learn from {url}")
    assert not problems, "\n".join(problems)
