"""The built book as a reader meets it: one header, no third party, light pages.

Loaded from _config.yml (sphinx.extra_extensions). What it does, in build order:

* config: the theme's second, hidden header is not rendered (pydata-sphinx-theme 0.17 adds a
  "search-button-field" navbar item unless ``navbar_persistent`` is set, and that item alone makes
  it render a whole header with its own sidebar toggles, which the theme's script then binds to);
  the book's own CSS/JS (booksite/static) is added to every page; MathJax is served from the
  site (``html_extra_path`` holds the copy that ``make vendor`` makes, see booksite/vendor.sh).
* each page: scripts that only name another host (sphinx-thebe's unused ``THEBE_JS_URL``) are
  dropped; MathJax's URL points at the site's copy; a ``<meta name="description">`` is written
  from the page's first paragraph of prose (see page_text.py).
* after the build, every formula is typeset into the pages (page_math.py: MathJax CommonHTML,
  no MathJax script left to run in the browser), then every HTML file is rewritten (page_weight.py): large ``data:image`` URIs
  move to files, the 1.5 MB icon script gives way to the few icons the page shows, and a page
  that would still load anything from another host is a build warning (an error under ``-W``);
  last, each page's nine stylesheets become one, holding only the rules the site can use
  (page_styles.py); finally images get their width and height, the contents' expanders their
  names, the sidebar a landmark, and the site a favicon.ico (page_layout.py).
"""

from __future__ import annotations

import html
from pathlib import Path

from sphinx.errors import ExtensionError
from sphinx.util import logging

from . import contracts, page_layout, page_math, page_styles, page_text, page_weight

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
MATHJAX = "mathjax/tex-chtml.js"   # inside the built site, copied there by html_extra_path


def _configure(app, config):
    options = config.html_theme_options
    options.setdefault("navbar_persistent", [])
    config.html_static_path = list(config.html_static_path) + [str(STATIC)]
    for folder in config.html_extra_path:
        root = Path(app.confdir, folder)
        if not (root / MATHJAX).is_file():
            raise ExtensionError(
                f"{root / MATHJAX} is missing: run `make vendor` (it installs the pinned npm "
                "packages the book serves itself, such as MathJax)")
    # Sphinx puts a relative mathjax_path under _static/; the page hook below moves it back.
    # (page_math.py then typesets the maths at build time and removes the script again.)
    config.mathjax_path = "../" + MATHJAX
    modules = Path(app.confdir, config.book_node_modules)
    if not (modules / "mathjax-full" / "js" / "mathjax.js").is_file():
        raise ExtensionError(f"{modules / 'mathjax-full'} is missing: run `make vendor`")


def _thebe_in_use(app) -> bool:
    launch = (app.config.html_theme_options or {}).get("launch_buttons") or {}
    return bool(launch.get("thebe"))


def _page_context(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts:
        _JavaScript = contracts.javascript_class("reader_site.mathjax_url")
        thebe = _thebe_in_use(app)
        kept = []
        for js in scripts:
            filename = str(getattr(js, "filename", js) or "")
            body = str(getattr(js, "attributes", {}).get("body", "") or "")
            if not filename and page_weight.names_other_host(body):
                continue  # e.g. sphinx-thebe's `const THEBE_JS_URL = "https://unpkg.com/..."`
            if not thebe and ("sphinx-thebe" in filename or "thebe_selector" in body):
                continue  # no thebe launch button: its loader and settings do nothing
            if filename == "_static/../" + MATHJAX:
                attributes = dict(getattr(js, "attributes", {}) or {})
                js = _JavaScript(MATHJAX, priority=js.priority, **attributes)
            kept.append(js)
        scripts[:] = kept

    styles = context.get("css_files")
    if styles and not _thebe_in_use(app):
        styles[:] = [css for css in styles if "sphinx-thebe" not in str(getattr(css, "filename", css) or "")]

    description = page_text.description(doctree) if doctree is not None else ""
    if not description:
        title = page_text.plain(str(context.get("title", "")))
        description = f"{title}: a page of {app.config.project}." if title else app.config.project
    context["metatags"] = context.get("metatags", "") + (
        f'\n<meta name="description" content="{html.escape(description, quote=True)}" />')


def _doctree_resolved(app, doctree, docname):
    for image, alt, source in page_text.figure_alts(doctree):
        image["alt"] = alt
        if source == "prose":
            logger.info(f"{docname}: alt text of {image.get('uri')} taken from the paragraph before it")


def _build_finished(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    count, problems = page_math.typeset_site(Path(app.outdir), Path(app.confdir, app.config.book_node_modules))
    for page, problem in problems:
        logger.warning(f"{page}: {problem}", type="reader_site", subtype="math")
    logger.info(f"reader_site: {count} formulas typeset at build time")
    search_as_you_type = str((app.config.html_theme_options or {}).get("search_as_you_type", False)).lower() == "true"
    report = page_weight.rewrite_site(Path(app.outdir), keep_thebe=_thebe_in_use(app),
                                      keep_search_tools=search_as_you_type)
    for page, problem in report.problems:
        logger.warning(f"{page}: {problem}", type="reader_site", subtype="third_party")
    logger.info(f"reader_site: {report.moved} data: images moved to files "
                f"({report.moved_bytes / 1e6:.1f} MB), icons on {report.icon_pages} pages")
    # before the stylesheets are bundled: the classes it adds (book-cards) keep their rules
    favicon = app.config.html_favicon
    favicon = Path(app.confdir, favicon) if favicon and str(favicon).endswith(".svg") else None
    sized = page_layout.finish_site(Path(app.outdir), favicon)
    logger.info(f"reader_site: {sized} images given their width and height; favicon.ico "
                f"{'written' if favicon else 'not written (no SVG favicon)'}")
    styles = page_styles.bundle_site(Path(app.outdir))
    logger.info(f"reader_site: one stylesheet on {styles.pages} pages ({styles.bytes_before / 1e3:.0f} KB "
                f"of CSS bundled and purged to {styles.bytes_after / 1e3:.0f} KB)")


def setup(app):
    app.add_config_value("book_node_modules", "_build/vendor/node_modules", "html")
    app.connect("config-inited", _configure)
    app.add_css_file("book-site.css")
    app.add_js_file("book-site.js", defer="defer")
    app.connect("html-page-context", _page_context, priority=950)
    app.connect("doctree-resolved", _doctree_resolved)
    # After the theme's own build-finished work (pydata-sphinx-theme writes its light/dark
    # pygments.css then), so that the bundled stylesheets are the final ones.
    app.connect("build-finished", _build_finished, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
