"""Rewrite the built HTML so that pages are light and load nothing from another host.

``rewrite_site(outdir)`` goes over every ``*.html`` file of a finished build:

0. **Leftovers.** The theme's navbar ``<header>``, empty once it has no search field, loses its
   whitespace (so CSS can hide it), and sphinx-thebe's settings block is removed when the book
   has no thebe button.
1. **Inline images out of the page.** Any ``data:image/...;base64,...`` URI longer than
   ``INLINE_LIMIT`` characters (in an attribute, a style, or the JSON/JS of a static figure, which
   stores its precomputed frames that way) is written once to ``_images/inline/<hash>.<ext>`` and
   replaced by a relative URL. A frame is then fetched only when a control shows it, and the same
   frame used by two pages is stored once.
2. **Lazy images.** Every ``<img>`` without a ``loading`` attribute gets ``loading="lazy"``.
3. **Icons without the icon script.** pydata-sphinx-theme loads fontawesome.js (1.5 MB) to turn
   ``<i class="fa-solid fa-bars">`` into SVG. The script is removed, and the page gets a small
   ``<style>`` that draws only the icons it uses, as CSS masks made from the same icon data
   (read from the theme's own fontawesome.js, so the icons stay those of the theme's version).
4. **No dead widget state.** myst-nb embeds the ipywidgets state of every widget on the page (with
   its images) for a widget manager script; the book loads none (``nb_ipywidgets_js`` is empty
   and figures show their static view), so a page with no such script loses that block.
5. **Scripts wait for the page.** Every ``<script src>`` in the head is deferred (they only
   decorate a page that is already readable), except documentation_options.js, which is inlined
   because inline settings right after it use it; the book's own script moves to the end of
   the head, so that it runs after the search scripts it adjusts.
6. **The theme measures no box at load.** pydata-sphinx-theme's script reads ``scrollWidth`` of
   every code block and output when the page has loaded, to give scrolling ones a tab stop; on a
   chapter with thousands of typeset maths elements that forces a layout of the whole page, the
   page's longest task (0.6 s under Lighthouse's mobile CPU). The build's copy of the script skips
   that pass (``THEME_SCROLL_PASS``); book-site.js gives the same boxes their tab stop as they come
   near the viewport. A theme whose script no longer has that pass is a build warning.
7. **Search tools on the search page only.** pydata-sphinx-theme loads Sphinx's search scripts
   and the whole search index (about 100 KB) on every page, for a search-as-you-type box that
   the book leaves off (``search_as_you_type``); the search box sends readers to search.html,
   which loads them itself. Other pages lose those three scripts.
8. **The colour theme from the first paint.** The theme's inline script in the head sets
   ``data-theme`` to the reader's stored choice or to "auto", and its deferred script resolves
   "auto" to light or dark after the page has been painted. The theme's colours, borders of
   inline code included, are defined only for light and dark, so every inline ``code`` grew by a
   1 px border then and paragraphs wrapped anew (layout shift 0.058 on the API page at 1280 px).
   The inline script now resolves "auto" itself (``THEME_MODE`` becomes ``THEME_MODE_RESOLVED``),
   as the theme's script does later; a theme whose line differs stops the build.
9. **Nothing from another host.** A ``<script src>``, stylesheet, font, image or frame that would
   load from ``http(s)://`` or ``//`` is reported as a problem (the build turns it into a warning).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from . import contracts

INLINE_LIMIT = 2048
INLINE_DIR = "_images/inline"

_DATA_URI = re.compile(
    r"data:image/(?P<type>png|jpeg|jpg|gif|webp|svg\+xml);base64,(?P<data>[A-Za-z0-9+/=\\]{%d,})"
    % INLINE_LIMIT)
_EXTENSIONS = {"png": "png", "jpeg": "jpg", "jpg": "jpg", "gif": "gif", "webp": "webp", "svg+xml": "svg"}

_IMG_TAG = re.compile(r"<img\b(?![^>]*\bloading=)", re.I)
_FA_SCRIPT = re.compile(r'\s*<(?:script|link)\b[^>]*fontawesome\.js[^>]*>(?:\s*</script>)?', re.I)
_ICON_CLASS = re.compile(r'class="([^"]*\bfa-[^"]*)"')
_STYLE_SLOT = "</head>"
_WIDGET_STATE = re.compile(r'<script type="application/vnd\.jupyter\.widget-state\+json">.*?</script>\s*', re.S)
_WIDGET_MANAGER = re.compile(r'<script\b[^>]*(html-manager|embed-amd|jupyter-widgets)[^>]*>', re.I)

# Tags and attributes that make a browser load something by itself (links <a href> do not).
_LOADS = re.compile(
    r"<(?:script|img|iframe|source|video|audio|embed|input)\b[^>]*?\bsrc=[\"'](?P<src>[^\"']+)"
    r"|<link\b(?=[^>]*\brel=[\"'](?:stylesheet|preload|modulepreload|icon|prefetch|preconnect|dns-prefetch)[\"'])"
    r"[^>]*?\bhref=[\"'](?P<href>[^\"']+)"
    r"|@import\s+(?:url\()?[\"']?(?P<imp>[^\"')\s]+)"
    r"|url\([\"']?(?P<url>(?:https?:)?//[^\"')]+)", re.I)
_OTHER_HOST = re.compile(r"^(?:https?:)?//", re.I)

# pydata-sphinx-theme 0.16-0.17's load-time pass over scrollable boxes (minified), and its no-op.
THEME_SCRIPT = "_static/scripts/pydata-sphinx-theme.js"
THEME_SCROLL_PASS = ".forEach(e=>{e.tabIndex=e.scrollWidth>e.clientWidth||e.scrollHeight>e.clientHeight?0:-1})"
THEME_SCROLL_SKIP = ".forEach(e=>{})/*book: book-site.js marks scrolling boxes as they come into view*/"


def names_other_host(text: str) -> bool:
    """True for an inline script that refers to a script on another host (e.g. thebe on unpkg)."""
    return bool(re.search(r"https?://[^\"'\s]*(unpkg\.com|jsdelivr\.net|cdnjs|thebe)", text))


@dataclass
class Report:
    moved: int = 0
    moved_bytes: int = 0
    icon_pages: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)


# ---- icons ------------------------------------------------------------------------------------

_ICON_DEF = re.compile(r'(?P<name>[a-z0-9-]+|"[a-z0-9-]+"):\[(?P<w>\d+),(?P<h>\d+),\[[^\]]*\],"[0-9a-f]+",'
                       r'(?P<path>"[^"]+"|\["[^\]]*\])\]')


def load_icons(script: str) -> dict[str, dict[str, tuple[int, int, list[str]]]]:
    """{'solid': {'bars': (w, h, [path, ...])}, 'regular': ..., 'brands': ...} from fontawesome.js.

    The script holds one object literal per icon style; they are told apart by where the runs of
    icon definitions break, and named by an icon only that style has (github: brands, bars: solid)."""
    runs: list[dict] = []
    last_end = None
    for m in _ICON_DEF.finditer(script):
        if last_end is None or m.start() - last_end > 2:
            runs.append({})
        paths = re.findall(r'"([^"]+)"', m["path"])
        runs[-1][m["name"].strip('"')] = (int(m["w"]), int(m["h"]), paths)
        last_end = m.end()
    styles: dict[str, dict] = {}
    for run in sorted(runs, key=len, reverse=True):
        if "github" in run and "brands" not in styles:
            styles["brands"] = run
        elif "bars" in run and "solid" not in styles:
            styles["solid"] = run
        elif "circle" in run and "bars" not in run and "regular" not in styles:
            styles["regular"] = run
    return styles


_STYLE_OF = {"fa-solid": "solid", "fas": "solid", "fa-regular": "regular", "far": "regular",
             "fa-brands": "brands", "fab": "brands"}


# Font Awesome classes that change how an icon is drawn rather than name one.
_MODIFIERS = {"fa-lg", "fa-xs", "fa-sm", "fa-fw", "fa-spin", "fa-pulse", "fa-border", "fa-inverse",
              "fa-stack", "fa-stack-1x", "fa-stack-2x", "fa-ul", "fa-li", "fa-pull-left", "fa-pull-right",
              *(f"fa-{n}x" for n in range(1, 11))}


def icons_used(html_text: str) -> set[tuple[str, str]]:
    """{(style, name)} of every Font Awesome icon a page shows (``name`` without ``fa-``)."""
    used = set()
    for classes in _ICON_CLASS.findall(html_text):
        names = classes.split()
        style = next((_STYLE_OF[c] for c in names if c in _STYLE_OF), "solid")
        used |= {(style, name[3:]) for name in names if name.startswith("fa-") and name not in _STYLE_OF
                 and name not in _MODIFIERS and not name.startswith(("fa-rotate-", "fa-flip-"))}
    return used


def icon_css(html_text: str, icons: dict) -> str:
    """CSS that draws every fontawesome icon used in a page as a mask (see book-site.css)."""
    rules = {}
    for style, icon_name in icons_used(html_text):
        name = "fa-" + icon_name
        if icon_name in icons.get(style, {}):
            w, h, paths = icons[style][icon_name]
            svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}">'
                   + "".join(f'<path d="{p}"/>' for p in paths) + "</svg>")
            selector = f'.{"fa-" + style}.{name}, .{ {"solid": "fas", "regular": "far", "brands": "fab"}[style]}.{name}'
            rules[selector] = f'{selector}{{--book-icon:url("data:image/svg+xml,{quote(svg, safe=" =:/.-")}")}}'
    # Sphinx's download links get the theme's download glyph from the icon font (::before).
    if "reference download" in html_text and "download" in icons.get("solid", {}):
        w, h, paths = icons["solid"]["download"]
        svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}">'
               + "".join(f'<path d="{p}"/>' for p in paths) + "</svg>")
        rules["a.reference.download"] = (
            'a.reference.download::before{content:""!important;font-family:inherit!important;'
            'display:inline-block;width:1em;height:1em;margin-right:.3em;vertical-align:-.125em;'
            'background-color:currentColor;'
            f'-webkit-mask:url("data:image/svg+xml,{quote(svg, safe=" =:/.-")}") center/contain no-repeat;'
            f'mask:url("data:image/svg+xml,{quote(svg, safe=" =:/.-")}") center/contain no-repeat}}')
    return "".join(rules[k] for k in sorted(rules))


# ---- the rewrite ------------------------------------------------------------------------------

def _relative(target: Path, page: Path) -> str:
    return Path(os.path.relpath(target, page.parent)).as_posix()


THEME_MODE = 'document.documentElement.dataset.theme = localStorage.getItem("theme") || "auto";'
THEME_MODE_RESOLVED = ('document.documentElement.dataset.theme = localStorage.getItem("theme") || '
                       '(window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");')
_THEBE_CONFIG = re.compile(r'<script type="text/x-thebe-config">.*?</script>\s*', re.S)
_EMPTY_HEADER = re.compile(r'(<header id="pst-header"[^>]*>)\s*(</header>)')


_HEAD_SCRIPT = re.compile(r'<script\b(?P<attrs>[^>]*)\bsrc="(?P<src>[^"]+)"(?P<rest>[^>]*)>\s*</script>')
_BOOK_SCRIPT = re.compile(r'\s*<script\b[^>]*src="[^"]*_static/book-site\.js[^"]*"[^>]*>\s*</script>')


def defer_scripts(text: str, root: Path, page: Path) -> str:
    head_end = text.find("</head>")
    if head_end < 0:
        return text
    head, rest = text[:head_end], text[head_end:]

    def fix(m):
        tag, src = m.group(0), m["src"]
        if src.split("?")[0].endswith("documentation_options.js") and not _OTHER_HOST.match(src):
            source = (page.parent / src.split("?")[0]).resolve()
            if source.is_file():
                return "<script>" + source.read_text(encoding="utf-8").replace("</script", "<\\/script") + "</script>"
        if re.search(r"\b(defer|async)\b|type=\"module\"", m["attrs"] + m["rest"]):
            return tag
        return tag.replace("<script ", "<script defer ", 1)

    head = _HEAD_SCRIPT.sub(fix, head)
    book = _BOOK_SCRIPT.search(head)
    if book:
        head = head[:book.start()] + head[book.end():] + book.group(0)
    return head + rest


_SEARCH_TOOLS = re.compile(r'\s*<script\b[^>]*\bsrc="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|'
                           r'searchindex\.js)[^"]*"[^>]*>\s*</script>')


def rewrite_page(page: Path, root: Path, icons: dict, report: Report, keep_thebe: bool = False,
                 keep_search_tools: bool = False) -> None:
    text = page.read_text(encoding="utf-8")
    original = text
    if not keep_search_tools and page.relative_to(root).as_posix() != "search.html":
        text = _SEARCH_TOOLS.sub("", text)
    # The theme's navbar header, left empty once its search field is gone: truly empty, so that
    # book-site.css hides it (`:empty`); the theme's script still measures it, so it stays.
    text = _EMPTY_HEADER.sub(r"\1\2", text)
    if not keep_thebe:  # settings for a thebe launch button the book does not have
        text = _THEBE_CONFIG.sub("", text)
    text = resolve_theme_mode(text)

    def move(m):
        data = m["data"].replace("\\/", "/").replace("\\", "")
        raw = base64.b64decode(data)
        name = hashlib.sha1(raw).hexdigest()[:20] + "." + _EXTENSIONS[m["type"]]
        target = root / INLINE_DIR / name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(raw)
        report.moved += 1
        report.moved_bytes += len(m.group(0))
        return _relative(target, page)

    if not _WIDGET_MANAGER.search(text):
        text = _WIDGET_STATE.sub("", text)
    text = _DATA_URI.sub(move, text)
    text = _IMG_TAG.sub('<img loading="lazy" decoding="async"', text)

    if icons and _FA_SCRIPT.search(text):
        contracts.check_icons(icons, icons_used(text))  # never drop the script for icons not parsed
        text = _FA_SCRIPT.sub("", text)
        css = icon_css(text, icons)
        if css:
            text = text.replace(_STYLE_SLOT, f'<style id="book-icons">{css}</style>\n{_STYLE_SLOT}', 1)
            report.icon_pages += 1

    text = defer_scripts(text, root, page)

    rel = page.relative_to(root).as_posix()
    for m in _LOADS.finditer(text):
        url = next(g for g in m.groups() if g)
        if _OTHER_HOST.match(url):
            report.problems.append((rel, f"loads {url[:100]} from another host"))
    for script in re.findall(r"<script\b[^>]*>(.*?)</script>", text, re.S | re.I):
        if names_other_host(script):
            report.problems.append((rel, "an inline script names a script on another host: "
                                    + re.search(r"https?://[^\"'\s]+", script).group(0)[:100]))
    if text != original:
        page.write_text(text, encoding="utf-8")


def resolve_theme_mode(text: str) -> str:
    """The page with the theme's head script resolving "auto" to light or dark before the first
    paint (step 8 of the module docstring)."""
    if 'data-theme="' not in text or THEME_MODE_RESOLVED in text:
        return text
    if text.count(THEME_MODE) != 1:
        raise contracts.ContractError(
            "page_weight.theme_mode", f"a page of the theme sets data-theme without the line {THEME_MODE!r}: "
            "its colours would change after the first paint; update page_weight.THEME_MODE")
    return text.replace(THEME_MODE, THEME_MODE_RESOLVED)


def skip_theme_scroll_pass(root: Path) -> str | None:
    """Take the theme's load-time measuring pass out of the built site's copy of its script
    (step 6 of the module docstring); returns a problem, or None."""
    script = root / THEME_SCRIPT
    if not script.is_file():
        raise contracts.ContractError("page_weight.theme_scroll_pass", f"the theme's script {THEME_SCRIPT} is gone")
    text = script.read_text(encoding="utf-8")
    if THEME_SCROLL_SKIP in text:
        return None
    if text.count(THEME_SCROLL_PASS) != 1:
        raise contracts.ContractError(
            "page_weight.theme_scroll_pass", f"{THEME_SCRIPT} holds the theme's scrollable-box pass "
            f"{text.count(THEME_SCROLL_PASS)} times, not once: pages would do a full layout at load; "
            "update page_weight.THEME_SCROLL_PASS")
    script.write_text(text.replace(THEME_SCROLL_PASS, THEME_SCROLL_SKIP), encoding="utf-8")
    return None


def rewrite_site(root: Path, keep_thebe: bool = False, keep_search_tools: bool = False) -> Report:
    report = Report()
    problem = skip_theme_scroll_pass(root)
    if problem:
        report.problems.append((THEME_SCRIPT, problem))
    script = root / "_static" / "scripts" / "fontawesome.js"
    icons = load_icons(script.read_text(encoding="utf-8", errors="replace")) if script.is_file() else {}
    if script.is_file():
        contracts.check_icons(icons)
    for page in sorted(root.rglob("*.html")):
        if INLINE_DIR in page.as_posix() or page.relative_to(root).parts[0] == "lite":
            continue  # lite/: the in-browser edition's own app (booksite/lite/build.py), not a book page
        rewrite_page(page, root, icons, report, keep_thebe, keep_search_tools)
    return report
