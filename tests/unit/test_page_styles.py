"""booksite/page_styles.py: a page's stylesheets bundled into one, keeping only usable rules."""

import pytest

tinycss2 = pytest.importorskip("tinycss2")
from booksite import page_styles

WORDS = {"nav", "nav-link", "active", "bd-toc", "show", "p", "toc-h2", "main-content"}


@pytest.mark.parametrize("selector, used", [
    (".nav .nav-link", True),
    (".nav .dropdown-menu", False),             # a class no page or script has
    ("#main-content > p", True),
    ("#footer-thing", False),
    ("ul li", True),                            # element selectors are always kept
    (".nav:not(.collapsed)", True),             # classes in :not() are not required
    (":is(.nav, .nope) a", True),
    ("a[href^='.nope']", True),                 # nor inside an attribute value
    (".bs-tooltip-end .arrow", False),          # unless a script word is their prefix:
    ("html[data-theme=dark] .show", True),
])
def test_selector_used(selector, used):
    assert page_styles.selector_used(selector, WORDS) is used


def test_selector_kept_by_a_script_prefix():
    assert page_styles.selector_used(".bs-tooltip-end", WORDS | {"bs-tooltip-"}, ("bs-tooltip-",))


def test_purge_keeps_what_the_site_can_use():
    css = """
    @charset "utf-8";
    :root { --x: 1px }
    .nav, .dropdown-menu { color: red }
    .dropdown-menu { color: blue }
    @media (max-width: 600px) { .nav-link { margin: 0 } .carousel { margin: 1px } }
    @media print { .carousel { display: none } }
    @font-face { font-family: X; src: url(x.woff2) }
    @keyframes spin { from { transform: rotate(0) } to { transform: rotate(1turn) } }
    """
    out = page_styles.purge(css, WORDS)
    assert ":root{--x: 1px}" in out
    assert ".nav{color: red}" in out                       # the unused selector of the list is dropped
    assert "dropdown-menu" not in out and "carousel" not in out
    assert "@media (max-width: 600px){.nav-link{margin: 0}}" in out
    assert "@media print" not in out                       # a block left empty goes
    assert "@font-face" in out and "@keyframes spin" in out
    tinycss2.parse_stylesheet(out)                         # still valid CSS


def test_imports_are_inlined_and_urls_rebased(tmp_path):
    static = tmp_path / "_static"
    (static / "styles").mkdir(parents=True)
    (static / "basic.css").write_text("p { margin: 0 }\n")
    (static / "styles" / "theme.css").write_text(
        '@import "../basic.css";\n.nav { background: url(../vendor/x.png) }\n'
        '.nav { mask: url("data:image/svg+xml,abc") }\n/*# sourceMappingURL=theme.css.map */\n')
    out = page_styles.read_with_imports(static / "styles" / "theme.css", static)
    assert "p { margin: 0 }" in out and "@import" not in out
    assert 'url("vendor/x.png")' in out                    # relative to _static, where the bundle lives
    assert 'url("data:image/svg+xml,abc")' in out
    assert "sourceMappingURL" not in out


def test_bundle_site_gives_each_page_one_stylesheet(tmp_path):
    static = tmp_path / "_static"
    (static / "styles").mkdir(parents=True)
    (static / "styles" / "theme.css").write_text(".nav { color: red } .unused-thing { color: blue }")
    (static / "book.css").write_text(".show { color: green }")
    (static / "app.js").write_text('el.classList.add("show")')
    head = ('<head>\n<link href="{up}_static/styles/theme.css?digest=1" rel="stylesheet" />\n'
            '<script src="{up}_static/app.js"></script>\n'
            '<link rel="stylesheet" type="text/css" href="{up}_static/book.css?v=2" />\n</head>')
    (tmp_path / "book").mkdir()
    (tmp_path / "index.html").write_text(head.format(up="") + '<body><div class="nav">x</div></body>')
    (tmp_path / "book" / "a.html").write_text(head.format(up="../") + "<body></body>")
    report = page_styles.bundle_site(tmp_path)
    assert report.pages == 2 and len(report.bundles) == 1
    name = next(iter(report.bundles))
    bundle = (static / name).read_text()
    assert bundle.startswith(page_styles.HEADER + "styles/theme.css, book.css */")
    assert ".nav{color: red}" in bundle and ".show{color: green}" in bundle and "unused-thing" not in bundle
    page = (tmp_path / "book" / "a.html").read_text()
    assert page.count('rel="stylesheet"') == 1 and f'href="../_static/{name}"' in page
    assert '<script src="../_static/app.js"></script>' in page  # what stood between the links stays
    # An incremental build rewrites only some pages: those it left still link the old bundle,
    # which is expanded into its sources and bundled again with the rest; old bundles go.
    (static / "book.css").write_text(".show { color: olive }")
    (tmp_path / "index.html").write_text(head.format(up="") + '<body><div class="nav">x</div></body>')
    report = page_styles.bundle_site(tmp_path)
    assert report.pages == 2 and len(report.bundles) == 1 and next(iter(report.bundles)) != name
    assert [p.name for p in static.glob("book-styles.*.css")] == list(report.bundles)
    assert "olive" in (static / next(iter(report.bundles))).read_text()
