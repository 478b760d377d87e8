"""The built book as a reader meets it, in headless Chromium, at a phone's and a laptop's width.

* navigation: one header, one search box; the sidebar (☰) and contents toggles open and close
  the panels at 390 px and at 1280 px (the tests click them);
* overflow: no page scrolls sideways at 390 px; a box that scrolls inside itself shows it (a
  shadow cue); at 1280 px every code cell and printed output fits the column (every overflowing
  block is listed); table cells keep a readable width;
* no third party: no page requests anything from another host, and no page names a CDN;
* accessibility (axe-core, from `make vendor`), a meta description on every page, alt text that
  is not a file path, and search snippets that show text, not TeX.

Run: `make test-browser`, or on an existing build `.venv/bin/python -m pytest tests/browser/test_reader.py`.
"""

from __future__ import annotations

import re

import pytest

from booksite.browser import BOOK_HTML, VENDOR, NetworkGuard, launch_chromium, missing, serve_directory
from test_book_pages import PAGES, read, toc_pages

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
AXE = VENDOR / "axe-core" / "axe.min.js"


@pytest.fixture
def visit(browser, book_url):
    """visit(rel, viewport) -> (page, problems): the page fully loaded (MathJax done) behind a
    guard that aborts and records every request to another host."""
    contexts = []

    def _visit(rel, viewport, wait_mathjax=True):
        context = browser.new_context(viewport=viewport, device_scale_factor=1,
                                      is_mobile=viewport["width"] < 600, has_touch=viewport["width"] < 600)
        contexts.append(context)
        guard = NetworkGuard(book_url).attach(context)
        page = context.new_page()
        page.goto(book_url + rel, wait_until="load")
        page.wait_for_load_state("networkidle")
        if wait_mathjax and page.evaluate("() => document.querySelector('.math') !== null"):
            page.wait_for_function("() => !!document.querySelector('mjx-container') || "
                                   "(window.MathJax && MathJax.startup && MathJax.startup.promise)",
                                   timeout=30_000)
            page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.wait_for_timeout(400)  # the book's script marks scrolling boxes after typesetting
        return page, guard.problems

    yield _visit
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def loaded(browser, book_url):
    """loaded(rel, viewport) -> (page, problems), opened once per module and kept for the tests
    that only read a page (overflow, axe), so that every page loads once per width."""
    cache = {}

    def _loaded(rel, viewport):
        key = (rel, viewport["width"])
        if key not in cache and len(cache) >= 2:  # keep memory bounded: two pages open at most
            oldest = next(iter(cache))
            cache.pop(oldest)[0].context.close()
        if key not in cache:
            context = browser.new_context(viewport=viewport, device_scale_factor=1,
                                          is_mobile=viewport["width"] < 600, has_touch=viewport["width"] < 600)
            guard = NetworkGuard(book_url).attach(context)
            page = context.new_page()
            page.goto(book_url + rel, wait_until="load")
            page.wait_for_load_state("networkidle")
            if page.evaluate("() => document.querySelector('.math') !== null"):
                page.wait_for_function("() => !!document.querySelector('mjx-container') || "
                                       "(window.MathJax && MathJax.startup && MathJax.startup.promise)",
                                       timeout=30_000)
                page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
            page.wait_for_timeout(400)
            cache[key] = (page, guard.problems)
        return cache[key]

    yield _loaded
    for page, _ in cache.values():
        page.context.close()


# ---- navigation -------------------------------------------------------------------------------

PANELS = r"""() => {
  const shown = (el) => {
    if (!el) return false;
    const s = getComputedStyle(el), r = el.getBoundingClientRect();
    return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 40 && r.height > 40 &&
           r.right > 0 && r.left < innerWidth && r.bottom > 0 && r.top < innerHeight;
  };
  const inDialog = (id) => { const d = document.getElementById(id); return !!(d && d.open && shown(d)); };
  const visible = (sel) => [...document.querySelectorAll(sel)].filter(e => {
    const s = getComputedStyle(e), r = e.getBoundingClientRect();
    return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0;
  }).length;
  return {
    primary: shown(document.getElementById('pst-primary-sidebar')) || inDialog('pst-primary-sidebar-modal'),
    secondary: shown(document.getElementById('pst-secondary-sidebar')) || inDialog('pst-secondary-sidebar-modal'),
    // page headers: the theme's navbar and the article header, counted if they hold anything
    allHeaders: [...document.querySelectorAll('#pst-header, header.bd-header, .bd-header-article')]
                  .filter(h => h.querySelector('button, input, a')).length,
    primaryToggles: document.querySelectorAll('.primary-toggle').length,
    secondaryToggles: document.querySelectorAll('.secondary-toggle').length,
    searchBoxes: visible('.search-button-field, form.bd-search, .search-button__button'),
    allSearchBoxes: document.querySelectorAll('.search-button-field').length,
  };
}"""


def click_visible(page, selector: str) -> bool:
    handles = [h for h in page.query_selector_all(selector) if h.is_visible()]
    if not handles:
        return False
    handles[0].click()
    page.wait_for_timeout(500)
    return True


def close_panel(page, selector, before):
    """Close what the toggle opened: Escape for a dialog (phone), the toggle again otherwise."""
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    if page.evaluate(PANELS) != before:
        click_visible(page, selector)


NAV_PAGES = [p for p in ("book/backprop.html", "book/notation-cheatsheet.html") if p in PAGES] or PAGES[:1]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
@pytest.mark.parametrize("rel", NAV_PAGES or ["<no built book>"])
def test_one_header_and_working_toggles(visit, rel, viewport):
    page, outside = visit(rel, viewport, wait_mathjax=False)
    start = page.evaluate(PANELS)
    problems = []
    if start["allHeaders"] != 1:
        problems.append(f"{start['allHeaders']} page headers in the HTML (one expected)")
    if start["primaryToggles"] != 1 or start["secondaryToggles"] != 1:
        problems.append(f"{start['primaryToggles']} sidebar toggles and {start['secondaryToggles']} "
                        "contents toggles (one of each expected)")
    if start["allSearchBoxes"] > 2 or start["searchBoxes"] > 1:
        problems.append(f"{start['searchBoxes']} search boxes shown, {start['allSearchBoxes']} in the HTML")
    for name, selector in (("primary", ".primary-toggle"), ("secondary", ".secondary-toggle")):
        before = page.evaluate(PANELS)
        if not click_visible(page, selector):
            problems.append(f"no visible {selector} button")
            continue
        after = page.evaluate(PANELS)
        if after[name] == before[name]:
            problems.append(f"clicking {selector} did not {'close' if before[name] else 'open'} the {name} panel")
            continue
        close_panel(page, selector, before)
        again = page.evaluate(PANELS)
        if again[name] != before[name]:
            problems.append(f"the {name} panel did not {'open' if before[name] else 'close'} again")
    problems += outside
    assert not problems, f"{rel} at {viewport['width']} px:\n  " + "\n  ".join(problems)


# ---- overflow ---------------------------------------------------------------------------------

PAGE_OVERFLOW = r"""async () => {
  const root = document.documentElement, width = root.clientWidth;
  const culprits = [];
  if (root.scrollWidth > width + 1) {
    for (const el of document.querySelectorAll('.bd-article *')) {
      const r = el.getBoundingClientRect();
      if (r.right <= width + 1 || r.width === 0) continue;
      // skip elements inside a box that scrolls (or clips) by itself
      let p = el.parentElement, inside = false;
      while (p && p !== document.body) {
        if (/(auto|scroll|hidden|clip)/.test(getComputedStyle(p).overflowX) &&
            p.getBoundingClientRect().right <= width + 1) { inside = true; break; }
        p = p.parentElement;
      }
      if (!inside) culprits.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')}` +
                                 ` (right edge ${Math.round(r.right)} px): ${el.textContent.trim().slice(0, 50)}`);
      if (culprits.length > 6) break;
    }
  }
  // Boxes that scroll sideways inside the page must show it, once a reader gets to them (the
  // book marks a box when it comes into view): each box is scrolled to before it is checked.
  const hidden = [];
  for (const el of document.querySelectorAll('.bd-article *')) {
    if (el.scrollWidth <= el.clientWidth + 1 || el.clientWidth === 0) continue;
    if (!/(auto|scroll)/.test(getComputedStyle(el).overflowX)) continue;
    el.scrollIntoView({block: 'center'});
    await new Promise(r => requestAnimationFrame(() => setTimeout(r, 60)));
    if (getComputedStyle(el).boxShadow === 'none')
      hidden.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')}: ${el.textContent.trim().slice(0, 50)}`);
  }
  window.scrollTo(0, 0);
  return {scrollWidth: root.scrollWidth, width, culprits, hidden};
}"""


@pytest.mark.parametrize("rel", PAGES or ["<no built book>"], scope="module")  # grouped by page
def test_no_sideways_scrolling_on_a_phone(loaded, rel):
    page, outside = loaded(rel, PHONE)
    result = page.evaluate(PAGE_OVERFLOW)
    problems = []
    if result["scrollWidth"] > result["width"] + 1:
        problems.append(f"the page is {result['scrollWidth']} px wide in a {result['width']} px window; "
                        f"sticking out: {result['culprits']}")
    if result["hidden"]:
        problems.append(f"boxes that scroll sideways with no visible cue: {result['hidden'][:6]}")
    problems += outside
    assert not problems, f"{rel} at 390 px:\n  " + "\n  ".join(problems)


CODE_OVERFLOW = r"""() => {
  const blocks = [...document.querySelectorAll('.bd-article pre')];
  return blocks.filter(b => b.scrollWidth > b.clientWidth + 1).map(b => {
    const kind = b.closest('.cell_output, .output') ? 'output' : (b.closest('.cell_input, .cell') ? 'code cell' : 'code block');
    const lines = b.textContent.split('\n');
    const longest = lines.reduce((a, l) => l.length > a.length ? l : a, '');
    return `${kind}, ${b.scrollWidth} px in ${b.clientWidth} px (${longest.length} chars): ${longest.trim().slice(0, 60)}`;
  });
}"""


CODE_PAGES = PAGES or ["<no built book>"]


@pytest.mark.parametrize("rel", CODE_PAGES, scope="module")  # grouped by page
def test_code_and_output_fit_the_column_on_a_laptop(loaded, rel):
    page, outside = loaded(rel, DESKTOP)
    wide = page.evaluate(CODE_OVERFLOW)
    assert not wide and not outside, (f"{rel} at 1280 px: {len(wide)} blocks need sideways scrolling:\n  "
                                      + "\n  ".join(wide + outside))


TABLE_CELLS = r"""() => [...document.querySelectorAll('.bd-article td, .bd-article th')].flatMap(c => {
  const words = c.textContent.trim().split(/\s+/).filter(w => w.length > 0);
  const out = [];
  const clipped = [...c.querySelectorAll('code, span, a')].filter(e => {
    const r = e.getBoundingClientRect(), cr = c.getBoundingClientRect();
    return r.right > cr.right + 1;
  });
  if (clipped.length) out.push(`text runs past its cell: ${clipped[0].textContent.slice(0, 40)}`);
  if (words.length >= 4 && c.clientWidth < 90)
    out.push(`a cell of ${words.length} words squeezed to ${c.clientWidth} px: ${c.textContent.trim().slice(0, 40)}`);
  return out;
})"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_cheat_sheet_tables_are_readable(loaded, viewport):
    rel = "book/notation-cheatsheet.html"
    if rel not in PAGES:
        pytest.skip("no cheat sheet in this build")
    page, outside = loaded(rel, viewport)
    problems = page.evaluate(TABLE_CELLS) + outside
    assert not problems, f"{rel} at {viewport['width']} px:\n  " + "\n  ".join(problems[:12])


# ---- no third party ---------------------------------------------------------------------------

CDN = re.compile(r"unpkg\.com|jsdelivr\.net|cdnjs\.|googleapis\.com|gstatic\.com|thebe[^\"'\s]*\.js\b|"
                 r"https?://[^\"'\s]*mathjax", re.I)


def test_no_page_names_a_cdn():
    """A page may link to other sites (Binder, Colab, the repository), but none names a script
    host: nothing can be fetched from one, and nothing tells one that the page was read."""
    problems = []
    for rel in PAGES + [p for p in ("search.html", "genindex.html") if (BOOK_HTML / p).is_file()]:
        hits = sorted(set(m.group(0) for m in CDN.finditer(read(rel))))
        if hits:
            problems.append(f"{rel}: {hits}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("rel", PAGES or ["<no built book>"], scope="module")  # grouped by page
def test_accessibility_axe(loaded, rel):
    """axe-core's WCAG 2.1 A/AA rules on every page at phone width (a fast stand-in for
    Lighthouse's audit; the page is the one the overflow test just opened)."""
    if not AXE.is_file():
        missing(f"{AXE} is missing: run `make vendor`")
    page, outside = loaded(rel, PHONE)
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
      const r = await axe.run(document, {runOnly: {type: 'tag',
                  values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']});
      return r.violations.map(v => `${v.id} (${v.impact}): ${v.help} -- ` +
                              v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
    }""")
    assert not result and not outside, f"{rel}:\n  " + "\n  ".join(result + outside)


# ---- text for search engines, screen readers and the search box ----------------------------------

def test_every_page_has_a_meta_description():
    problems = []
    for rel in PAGES:
        m = re.search(r'<meta name="description" content="([^"]*)"', read(rel))
        if not m or len(m.group(1)) < 40:
            problems.append(f"{rel}: {'no' if not m else 'a too short'} meta description")
        elif re.search(r"\\[a-zA-Z]+|\$", m.group(1)):
            problems.append(f"{rel}: TeX in the meta description: {m.group(1)}")
    assert not problems, "\n".join(problems)


PATHLIKE = re.compile(r"^$|\.(png|jpe?g|svg|gif)$|^[^\s]*/[^\s]*$")


def test_images_have_alt_text_that_is_not_a_path():
    problems = []
    for rel in PAGES:
        article = read(rel).split('<article class="bd-article">', 1)[-1]
        for tag in re.findall(r"<img\b[^>]*>", article):
            alt = re.search(r'\balt="([^"]*)"', tag)
            src = re.search(r'\bsrc="([^"]*)"', tag)
            if alt is None or PATHLIKE.search(alt.group(1).strip()):
                problems.append(f"{rel}: <img src={src.group(1)[:60] if src else '?'}> alt="
                                f"{alt.group(1)[:60] if alt else None!r}")
    assert not problems, f"{len(problems)} images without a real alt text:\n" + "\n".join(problems)


TEX = re.compile(r"\\[a-zA-Z]+|\\[()\[\]]|\$\$|\^\{|_\{")


@pytest.mark.parametrize("word", ["gradient", "sigmoid"])
def test_search_snippets_show_text_not_tex(visit, word):
    page, outside = visit(f"search.html?q={word}", DESKTOP, wait_mathjax=False)
    page.wait_for_selector("#search-results ul.search li", timeout=30_000)
    page.wait_for_function("() => document.querySelectorAll('#search-results ul.search li p.context').length > 0 "
                           "|| document.querySelector('#search-results p.search-summary')", timeout=30_000)
    page.wait_for_timeout(2000)  # summaries arrive one page fetch at a time
    snippets = page.eval_on_selector_all("#search-results ul.search li p.context",
                                         "ps => ps.map(p => p.textContent)")
    assert snippets, f"no search snippets for {word!r}"
    with_tex = [s for s in snippets if TEX.search(s)]
    assert not with_tex and not outside, (f"{len(with_tex)} of {len(snippets)} snippets for {word!r} "
                                          f"show TeX source:\n  " + "\n  ".join(s[:160] for s in with_tex[:5]) + str(outside))
