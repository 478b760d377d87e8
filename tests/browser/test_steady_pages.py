"""Pages that hold still and work by keyboard, at a phone's width (390 px) and a laptop's (1280 px).

* the contents drawer (a modal dialog on a phone) closes when a reader taps one of its entries,
  and the page goes to that entry;
* nothing moves while a reader scrolls a page from top to bottom: the layout shifts the browser
  reports (lazy images arriving, boxes growing) add up to less than 0.05;
* axe-core (every rule, best practices included) finds nothing serious or moderate;
* every image of the site declares its width and height, and the site has a favicon.ico.

Run: `.venv/bin/python -m pytest tests/browser/test_steady_pages.py` on a built book (BOOK_ALL_PAGES=1:
layout shift and axe on every page, as `make test-lite` runs it in CI).
"""
from __future__ import annotations

import os
import re

import pytest

from booksite.browser import BOOK_HTML, ROOT, VENDOR, NetworkGuard, missing
from test_book_pages import PAGES, read

# Layout shift and axe on every page at both widths take several minutes: `make test` checks the
# pages the issue measured (a long chapter, the cheat sheet, an assignment page); `make test-lite`
# (CI) sets BOOK_ALL_PAGES=1 for every page.
SAMPLE = ["book/neurons.html", "book/notation-cheatsheet.html", "book/assignments/neurons.html"]
CHECKED_PAGES = PAGES if os.environ.get("BOOK_ALL_PAGES") == "1" else [p for p in SAMPLE if p in PAGES]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
VIEWPORTS = [PHONE, DESKTOP]
IDS = ["390px", "1280px"]
AXE = VENDOR / "axe-core" / "axe.min.js"


def open_page(browser, book_url, rel, viewport):
    phone = viewport["width"] < 600
    context = browser.new_context(viewport=viewport, device_scale_factor=1, is_mobile=phone, has_touch=phone)
    guard = NetworkGuard(book_url).attach(context)
    page = context.new_page()
    page.goto(book_url + rel, wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, guard.problems


# ---- the drawer -------------------------------------------------------------------------------
DRAWER_PAGES = [p for p in ("book/backprop.html", "book/neurons.html") if p in PAGES]


@pytest.mark.parametrize("rel", DRAWER_PAGES or ["<no built book>"])
def test_the_contents_drawer_closes_after_a_tap_on_an_entry(browser, book_url, rel):
    page, outside = open_page(browser, book_url, rel, PHONE)
    try:
        page.locator(".secondary-toggle").first.tap()
        dialog = page.locator("#pst-secondary-sidebar-modal")
        page.wait_for_function("() => document.getElementById('pst-secondary-sidebar-modal').open")
        entries = dialog.locator("a.nav-link[href^='#']")
        assert entries.count() >= 3, "the contents drawer lists the page's sections"
        entry = entries.nth(2)
        target = entry.get_attribute("href")[1:]
        entry.tap()
        page.wait_for_timeout(800)
        state = page.evaluate("""(id) => {
          const d = document.getElementById('pst-secondary-sidebar-modal');
          const t = document.getElementById(decodeURIComponent(id)).getBoundingClientRect();
          return {open: d.open, top: t.top, hash: location.hash};
        }""", target)
        assert not state["open"], "the contents drawer is still open after a tap on an entry"
        assert state["hash"] == "#" + target
        assert -5 <= state["top"] < PHONE["height"] / 2, f"the entry is not on screen (top {state['top']})"
        assert not outside, outside
    finally:
        page.context.close()


# ---- layout shift while scrolling -------------------------------------------------------------
SCROLL_AND_MEASURE = r"""async () => {
  let total = 0;
  const shifts = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.hadRecentInput) continue;
      total += e.value;
      const node = e.sources && e.sources[0] && e.sources[0].node;
      shifts.push(`${e.value.toFixed(3)} at y=${Math.round(scrollY)}` +
                  (node && node.nodeType === 1 ? ` (${node.tagName.toLowerCase()}.${[...node.classList].join('.')})` : ''));
    }
  }).observe({type: 'layout-shift', buffered: true});
  const pause = (ms) => new Promise((r) => setTimeout(r, ms));
  await pause(200);
  for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight) {
    window.scrollTo(0, y);
    await pause(120);
  }
  await pause(400);
  return {total, shifts: shifts.slice(0, 8)};
}"""


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=IDS)
@pytest.mark.parametrize("rel", CHECKED_PAGES or ["<no built book>"])
def test_nothing_moves_while_scrolling(browser, book_url, rel, viewport):
    page, outside = open_page(browser, book_url, rel, viewport)
    try:
        result = page.evaluate(SCROLL_AND_MEASURE)
    finally:
        page.context.close()
    assert result["total"] < 0.05, (f"{rel} at {viewport['width']} px: layout shift {result['total']:.3f} "
                                    "while scrolling:\n  " + "\n  ".join(result["shifts"]))
    assert not outside, outside


# ---- axe, every rule ----------------------------------------------------------------------------
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=IDS)
@pytest.mark.parametrize("rel", CHECKED_PAGES or ["<no built book>"])
def test_axe_finds_nothing_serious_or_moderate(browser, book_url, rel, viewport):
    if not AXE.is_file():
        missing(f"{AXE} is missing: run `make vendor`")
    page, outside = open_page(browser, book_url, rel, viewport)
    try:
        # a reader scrolls through the page: the boxes that scroll get their tab stop on the way
        page.evaluate("""async () => {
          for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight * 2) {
            window.scrollTo(0, y); await new Promise((r) => setTimeout(r, 30)); }
          window.scrollTo(0, 0); await new Promise((r) => setTimeout(r, 300)); }""")
        page.add_script_tag(path=str(AXE))
        found = page.evaluate("""async () => {
          const r = await axe.run(document, {resultTypes: ['violations']});
          return r.violations.filter(v => v.impact === 'serious' || v.impact === 'moderate' ||
                                          v.impact === 'critical')
            .map(v => `${v.id} (${v.impact}, ${v.nodes.length}): ${v.help} -- ` +
                      v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
        }""")
    finally:
        page.context.close()
    assert not found and not outside, f"{rel} at {viewport['width']} px:\n  " + "\n  ".join(found + outside)


# ---- images and the favicon ------------------------------------------------------------------
def test_every_image_declares_its_size():
    problems = []
    for rel in PAGES:
        for tag in re.findall(r"<img\b[^>]*>", read(rel)):
            if not (re.search(r'\bwidth="\d+"', tag) and re.search(r'\bheight="\d+"', tag)):
                problems.append(f"{rel}: {tag[:120]}")
    assert not problems, f"{len(problems)} images without width and height:\n" + "\n".join(problems[:20])


def test_the_site_has_a_favicon_ico():
    ico = BOOK_HTML / "favicon.ico"
    assert ico.is_file(), "no favicon.ico at the site's root (browsers ask for it and get a 404)"
    from PIL import Image
    with Image.open(ico) as image:
        assert image.format == "ICO" and (32, 32) in image.info["sizes"]


def test_every_chapter_image_has_alt_text_written_for_it():
    """Alt text says what a plot shows; the build's fallback (titles and axis labels, or the
    sentence before the cell) is only a fallback, so each image output of a chapter carries its own
    text in the cell's metadata (mystnb.image.alt)."""
    import json
    problems = []
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        for number, cell in enumerate(json.loads(path.read_text())["cells"]):
            if cell["cell_type"] != "code":
                continue
            if not any("image/png" in out.get("data", {}) for out in cell.get("outputs", [])):
                continue
            alt = cell["metadata"].get("mystnb", {}).get("image", {}).get("alt", "")
            if len(alt.split()) < 8:
                problems.append(f"{path.name} cell {number}: alt {alt!r}")
    assert not problems, "images without a written alt text:\n" + "\n".join(problems)


# ---- search ---------------------------------------------------------------------------------------
def _control_words() -> set[str]:
    """Pairs of neighbouring option names of the figures' menus ("step identity"), from the pages."""
    import html as html_module
    import json
    pairs = set()
    for rel in PAGES:
        for options in re.findall(r'data-options="([^"]*)"', read(rel)):
            names = json.loads(html_module.unescape(options))
            pairs |= {f"{a} {b}" for a, b in zip(names, names[1:])}
    return pairs


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=IDS)
def test_search_for_sigmoid_shows_prose(browser, book_url, viewport):
    """Snippets hold the page's prose: no figure controls, no garbled maths; and the search box's
    magnifier does not sit on the query."""
    page, outside = open_page(browser, book_url, "search.html?q=sigmoid", viewport)
    try:
        page.wait_for_selector("#search-results ul.search li", timeout=30_000)
        page.wait_for_timeout(2500)  # summaries arrive one page fetch at a time
        snippets = page.eval_on_selector_all("#search-results ul.search li p.context",
                                             "ps => ps.map(p => p.textContent)")
        overlap = page.evaluate("""() => {
          const input = document.querySelector('#search-results form input[name=q], .bd-search input[name=q], input[name=q]');
          if (!input) return 'no search box';
          const icon = input.parentElement.querySelector('i, svg, .fa-magnifying-glass');
          if (!icon) return null;
          const r = icon.getBoundingClientRect(), box = input.getBoundingClientRect();
          const textStart = box.left + parseFloat(getComputedStyle(input).paddingLeft);
          const overlaps = r.right > textStart && r.left < box.right && r.bottom > box.top && r.top < box.bottom;
          return overlaps ? `icon ${Math.round(r.left)}-${Math.round(r.right)} px, text from ${Math.round(textStart)} px` : null;
        }""")
    finally:
        page.context.close()
    assert snippets, "no search snippets for 'sigmoid'"
    pairs = _control_words()
    with_controls = [s for s in snippets if any(pair in s for pair in pairs) or "starting Python" in s]
    assert not with_controls, "snippets show figure controls:\n  " + "\n  ".join(s[:160] for s in with_controls)
    garbled = [s for s in snippets if re.search(r"\\[a-zA-Z]+|\$|/1[1-9]|\be\(", s)]
    assert not garbled, "snippets show raw or garbled maths:\n  " + "\n  ".join(s[:160] for s in garbled)
    assert overlap is None, f"the magnifier overlaps the query: {overlap}"
    assert not outside, outside


# ---- wide printed output ----------------------------------------------------------------------------
WIDE_OUTPUTS = [("book/notation.html", "def forward_batch"), ("book/backprop.html", "finite differences")]
NO_WRAP = r"""(needle) => {
  const pre = [...document.querySelectorAll('.bd-article .cell_output pre')].find(p => p.textContent.includes(needle));
  if (!pre) return 'not found';
  pre.scrollIntoView({block: 'center'});
  const lines = pre.textContent.replace(/\n$/, '').split('\n').length;
  const style = getComputedStyle(pre);
  const lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2;
  const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
  const rendered = Math.round((pre.scrollHeight - padding) / lineHeight);
  return {lines, rendered, whiteSpace: style.whiteSpace, scrolls: pre.scrollWidth > pre.clientWidth + 1};
}"""


@pytest.mark.parametrize("rel, needle", WIDE_OUTPUTS)
def test_wide_printed_output_scrolls_instead_of_wrapping(browser, book_url, rel, needle):
    """At 390 px a printed function (notation) or table (backprop) keeps one line per line: its
    indentation and columns stay, and its box scrolls sideways (and is reachable by keyboard)."""
    if rel not in PAGES:
        pytest.skip(f"{rel} is not built")
    page, outside = open_page(browser, book_url, rel, PHONE)
    try:
        state = page.evaluate(NO_WRAP, needle)
        page.wait_for_timeout(400)
        focusable = page.evaluate("""(needle) => {
          const pre = [...document.querySelectorAll('.bd-article .cell_output pre')].find(p => p.textContent.includes(needle));
          return pre.tabIndex >= 0 || !!pre.closest('[tabindex="0"]');
        }""", needle)
    finally:
        page.context.close()
    assert state != "not found", f"no printed output with {needle!r} in {rel}"
    assert state["rendered"] <= state["lines"], f"{rel}: {state['lines']} lines wrapped into {state['rendered']}"
    assert state["scrolls"] and focusable, state
    assert not outside, outside


# ---- the cheat sheet on a phone -------------------------------------------------------------------
def test_the_cheat_sheet_is_one_card_per_symbol_on_a_phone(browser, book_url):
    rel = "book/notation-cheatsheet.html"
    if rel not in PAGES:
        pytest.skip("no cheat sheet in this build")
    page, outside = open_page(browser, book_url, rel, PHONE)
    try:
        problems = page.evaluate("""() => {
          const out = [];
          const rows = [...document.querySelectorAll('.bd-article table tbody tr')];
          if (!rows.length) out.push('no table rows');
          for (const row of rows) {
            const cells = [...row.children];
            for (const cell of cells.slice(0, 2)) {
              const r = cell.getBoundingClientRect();
              if (r.left < 0 || r.right > innerWidth + 1)
                out.push(`off screen: ${cell.textContent.trim().slice(0, 40)} (${Math.round(r.left)}-${Math.round(r.right)} px)`);
            }
          }
          for (const box of document.querySelectorAll('.bd-article .pst-scrollable-table-container, .bd-article table'))
            if (box.scrollWidth > box.clientWidth + 1) out.push(`a table scrolls sideways (${box.scrollWidth} px)`);
          return out.slice(0, 10);
        }""")
    finally:
        page.context.close()
    assert not problems and not outside, "\n".join(problems + outside)
