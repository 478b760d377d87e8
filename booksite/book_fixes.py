"""Small Sphinx fixes for the book's HTML (loaded from _config.yml, sphinx.extra_extensions).

1. Jupyter Book 1 with Sphinx 7.4 writes some inline <script> blocks twice into every page
   (extensions that call add_js_file(None, body=...) while the docs are read, e.g. sphinx-thebe and
   sphinx-togglebutton). The second copy of sphinx-thebe's `const THEBE_JS_URL = ...` is a
   SyntaxError in the browser console. Only the first copy of each script is kept.
2. On pages that embed ipywidgets state, myst-nb loads @jupyter-widgets/html-manager's embed-amd.js
   with a plain <script>. Its webpack public path is computed from the AMD module id
   "@jupyter-widgets/html-manager/dist/libembed-amd" resolved against the *page*, so its fonts are
   requested from book/@jupyter-widgets/... (404s). A one-line require.js `paths` entry, placed
   right after require.js, points that module id back at the CDN folder the script came from.
"""

import re

from .contracts import javascript_class

_EMBED = re.compile(r"^(?P<dist>https?://.+/@jupyter-widgets/html-manager@[^/]+/dist)/embed-amd\.js$")


def _fix_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for js in scripts:
        filename = getattr(js, "filename", js) or ""  # None and "" both mean an inline script
        attributes = getattr(js, "attributes", {}) or {}
        key = (str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key in seen:
            continue
        seen.add(key)
        unique.append(js)

    names = [str(getattr(js, "filename", "") or "") for js in unique]
    embed = next((m for m in map(_EMBED.match, names) if m), None)
    require_at = next((i for i, n in enumerate(names) if re.search(r"/require(\.min)?\.js$", n)), None)
    if embed and require_at is not None:
        _JavaScript = javascript_class("book_fixes.widget_require_config")
        require_js = unique[require_at]
        body = ('require.config({paths: {"@jupyter-widgets/html-manager/dist": "%s"}});'
                % embed.group("dist"))
        unique.insert(require_at + 1, _JavaScript("", body=body, priority=require_js.priority))
    scripts[:] = unique


def setup(app):
    app.connect("html-page-context", _fix_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "2"}
