"""Each patch of a Sphinx or theme internal has a contract (booksite/contracts.py, issue 21 item 7):
it holds on the pinned Sphinx and theme, and a changed internal stops the build with an error that
names the patch."""
from pathlib import Path

import pytest

import pydata_sphinx_theme
from booksite import contracts, page_weight
from booksite.contracts import ContractError

THEME_STATIC = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
FONTAWESOME = (THEME_STATIC / "scripts" / "fontawesome.js").read_text(encoding="utf-8")


# ---- Sphinx's private _JavaScript ---------------------------------------------------------------

def test_sphinx_still_has_the_script_entry_the_patches_rebuild():
    js = contracts.javascript_class("reader_site.mathjax_url")("mathjax/tex-chtml.js", priority=500, defer="defer")
    assert js.filename == "mathjax/tex-chtml.js" and js.priority == 500


def test_a_sphinx_without_javascript_class_stops_the_build_naming_the_patch(monkeypatch):
    import sphinx.builders.html._assets as assets

    monkeypatch.delattr(assets, "_JavaScript")
    with pytest.raises(ContractError, match=r"^book_fixes\.widget_require_config: .*_JavaScript is gone"):
        contracts.javascript_class("book_fixes.widget_require_config")


def test_a_changed_javascript_signature_stops_the_build_naming_the_patch(monkeypatch):
    import sphinx.builders.html._assets as assets

    class NewScript:  # a Sphinx that renamed priority
        def __init__(self, filename, order=500, **attributes):
            self.filename = filename

    monkeypatch.setattr(assets, "_JavaScript", NewScript)
    with pytest.raises(ContractError, match=r"^reader_site\.mathjax_url: "):
        contracts.javascript_class("reader_site.mathjax_url")


# ---- event priorities ------------------------------------------------------------------------

@pytest.fixture
def app(tmp_path):
    """A Sphinx app with sphinx-book-theme, as the book's build has it."""
    from sphinx.application import Sphinx

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "index.rst").write_text("Title\n=====\n")
    return Sphinx(str(tmp_path / "src"), None, str(tmp_path / "out"), str(tmp_path / "doctrees"), "html",
                  confoverrides={"extensions": ["sphinx_book_theme"], "html_theme": "sphinx_book_theme"},
                  status=None, warning=None)


def test_the_theme_handlers_run_where_the_launch_patches_expect(app):
    contracts.check_priorities(app)


def test_a_theme_that_builds_its_launch_menu_later_stops_the_build_naming_the_patch(app):
    listeners = app.events.listeners["html-page-context"]
    listeners[:] = [x._replace(priority=600) if x.handler.__name__ == "add_launch_buttons" else x for x in listeners]
    with pytest.raises(ContractError, match=r"^hub_launch\.add_buttons: .*priority 600"):
        contracts.check_priorities(app)


def test_a_theme_that_reads_the_options_earlier_stops_the_build_naming_the_patch(app):
    listeners = app.events.listeners["builder-inited"]
    listeners[:] = [x._replace(priority=300) if "sphinx_book_theme" in x.handler.__module__ else x
                    for x in listeners]
    with pytest.raises(ContractError, match=r"^hub_launch\.take_over_buttons: "):
        contracts.check_priorities(app)


def test_a_theme_without_its_launch_menu_stops_the_build_naming_the_patch(app):
    listeners = app.events.listeners["html-page-context"]
    listeners[:] = [x for x in listeners if x.handler.__name__ != "add_launch_buttons"]
    with pytest.raises(ContractError, match=r"^hub_launch\.add_buttons: .*add_launch_buttons is gone"):
        contracts.check_priorities(app)


# ---- fontawesome.js: parsed by a regular expression, then removed from the pages ---------------------

PAGE = '<i class="fa-solid fa-bars"></i><i class="fab fa-github"></i><i class="fa-solid fa-sun fa-lg"></i>'


def test_the_theme_icons_parse_whole():
    icons = page_weight.load_icons(FONTAWESOME)
    contracts.check_icons(icons, page_weight.icons_used(PAGE))
    assert page_weight.icons_used(PAGE) == {("solid", "bars"), ("brands", "github"), ("solid", "sun")}


def test_a_partial_parse_of_the_icons_stops_the_build_naming_the_patch():
    half = page_weight.load_icons(FONTAWESOME[: len(FONTAWESOME) // 3])
    with pytest.raises(ContractError, match=r"^page_weight\.icons: .*icons, expected at least"):
        contracts.check_icons(half)


def test_an_icon_the_parse_missed_stops_the_build_instead_of_vanishing(tmp_path):
    icons = page_weight.load_icons(FONTAWESOME)
    del icons["solid"]["bars"]
    page = tmp_path / "page.html"
    page.write_text('<html><head><script src="_static/scripts/fontawesome.js"></script></head>'
                    f'<body>{PAGE}</body></html>')
    with pytest.raises(ContractError, match=r"^page_weight\.icons: .*solid bars"):
        page_weight.rewrite_page(page, tmp_path, icons, page_weight.Report())
    assert "fontawesome.js" in page.read_text()  # the page keeps the script


# ---- pydata-sphinx-theme's minified script ----------------------------------------------------------

def _site_with_theme_script(tmp_path, text):
    script = tmp_path / page_weight.THEME_SCRIPT
    script.parent.mkdir(parents=True)
    script.write_text(text)
    return script


def test_the_theme_script_holds_the_pass_the_build_removes(tmp_path):
    script = _site_with_theme_script(tmp_path, (THEME_STATIC / "scripts" / "pydata-sphinx-theme.js").read_text())
    assert page_weight.skip_theme_scroll_pass(tmp_path) is None
    assert page_weight.THEME_SCROLL_SKIP in script.read_text()


def test_a_changed_theme_script_stops_the_build_naming_the_patch(tmp_path):
    changed = (THEME_STATIC / "scripts" / "pydata-sphinx-theme.js").read_text().replace(
        page_weight.THEME_SCROLL_PASS, page_weight.THEME_SCROLL_PASS.replace("scrollWidth", "offsetWidth"))
    _site_with_theme_script(tmp_path, changed)
    with pytest.raises(ContractError, match=r"^page_weight\.theme_scroll_pass: .*0 times"):
        page_weight.skip_theme_scroll_pass(tmp_path)


def test_a_theme_without_its_script_stops_the_build_naming_the_patch(tmp_path):
    with pytest.raises(ContractError, match=r"^page_weight\.theme_scroll_pass: .*is gone"):
        page_weight.skip_theme_scroll_pass(tmp_path)


# ---- the theme's colour mode in the head (page_weight step 8) ------------------------------------

def test_the_theme_layout_sets_the_mode_in_the_line_the_build_resolves():
    layout = (THEME_STATIC.parent / "layout.html").read_text(encoding="utf-8")
    line = page_weight.THEME_MODE.replace('"auto"', '"{{ default_mode }}"')
    assert layout.count(line) == 1


def test_the_head_script_resolves_auto_before_the_first_paint_and_a_changed_line_stops_the_build():
    page = ('<html data-theme="auto"><head><script>\n'
            f'document.documentElement.dataset.mode = localStorage.getItem("mode") || "auto";\n{page_weight.THEME_MODE}\n'
            '</script></head><body></body></html>')
    resolved = page_weight.resolve_theme_mode(page)
    assert page_weight.THEME_MODE not in resolved and page_weight.THEME_MODE_RESOLVED in resolved
    assert page_weight.resolve_theme_mode(resolved) == resolved
    with pytest.raises(ContractError, match=r"^page_weight\.theme_mode: "):
        page_weight.resolve_theme_mode(page.replace('|| "auto"', '|| "light"'))
