"""The "Run in your browser" button: opens a page's notebook live in the book's own JupyterLite site.

Loaded from _config.yml (sphinx.extra_extensions). For every page that has a notebook in the
in-browser site that `make lite` builds into _build/html/lite (booksite/lite/build.py), it adds

* a button under the page's title, a plain link to lite/notebooks/index.html?path=<notebook>;
* the same link in the header's launch menu (next to Binder and Colab).

The link is all the page carries: no script, style sheet or file of the runtime loads until the
reader follows it, so the pages weigh what they did before. Which notebook a page opens:

* a chapter book/NAME.ipynb opens NAME.ipynb (a copy with the outputs cleared);
* an assignment page book/assignments/NAME opens assignments/NAME.ipynb, the student notebook
  book/assignments/student/NAME.ipynb.
"""
from __future__ import annotations

import html
from pathlib import Path

from docutils import nodes

from . import contracts

LITE_APP = "lite/notebooks/index.html"
ICON = "_static/images/logo_jupyterlite.svg"  # shipped by sphinx-book-theme
TOOLTIP = ("Open this page as a live notebook: Python runs inside your browser, nothing to install. "
           "The first start downloads about 60 MB from this site.")


def lite_notebook(srcdir: Path, docname: str) -> str | None:
    """The path, inside the JupyterLite site, of the notebook the page `docname` opens (or None)."""
    parts = docname.split("/")
    if len(parts) == 2 and parts[0] == "book" and (srcdir / f"{docname}.ipynb").is_file():
        return f"{parts[1]}.ipynb"
    if (len(parts) == 3 and parts[:2] == ["book", "assignments"]
            and (srcdir / "book" / "assignments" / "student" / f"{parts[2]}.ipynb").is_file()):
        return f"assignments/{parts[2]}.ipynb"
    return None


def launch_url(docname: str, notebook: str) -> str:
    """Relative URL from the page's HTML file to the notebook in the JupyterLite site."""
    up = "../" * docname.count("/")
    return f"{up}{LITE_APP}?path={notebook}"


def _add_button(app, doctree, docname):
    if app.builder.format != "html":
        return
    notebook = lite_notebook(Path(app.srcdir), docname)
    if notebook is None:
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not section.children or not isinstance(section[0], nodes.title):
        return
    url = html.escape(launch_url(docname, notebook), quote=True)
    button = (
        f'<p class="lite-launch"><a class="btn btn-sm btn-outline-primary lite-launch-button" '
        f'href="{url}" title="{html.escape(TOOLTIP, quote=True)}" '
        f'data-lite-notebook="{html.escape(notebook, quote=True)}">'
        '<span aria-hidden="true">&#9654;</span> Run in your browser</a></p>')
    section.insert(1, nodes.raw("", button, format="html"))


def _add_menu_entry(app, pagename, templatename, context, doctree):
    notebook = lite_notebook(Path(app.srcdir), pagename)
    buttons = context.get("header_buttons")
    if notebook is None or buttons is None:
        return
    entry = {"type": "link", "text": "Run in your browser", "tooltip": TOOLTIP, "icon": ICON,
             "url": launch_url(pagename, notebook), "label": "lite-launch"}
    group = next((b for b in buttons if b.get("label") == "launch-buttons"), None)
    if group is None:
        buttons.append({"type": "group", "tooltip": "Launch interactive content",
                        "icon": "fas fa-rocket", "buttons": [entry], "label": "launch-buttons"})
    else:
        group["buttons"].insert(0, entry)


def setup(app):
    app.connect("builder-inited", contracts.check_priorities)  # the theme's menu exists before ours
    app.connect("doctree-resolved", _add_button)
    # After sphinx-book-theme's add_launch_buttons (priority 501) and before the header is rendered.
    app.connect("html-page-context", _add_menu_entry, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
