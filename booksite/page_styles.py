"""One small stylesheet per page instead of nine render-blocking ones.

A built page links nine stylesheets (the theme's, Sphinx's, myst-nb's, sphinx-design's, the
book's...). Each one blocks the first paint, and the theme's alone is 400 KB, of which a page uses
about a tenth. ``bundle_site(root)`` runs after the build:

1. **Bundle.** For each distinct list of local stylesheets that pages link (in practice one), the
   files are concatenated in the same order into ``_static/book-styles.<hash>.css``: ``@import``
   rules are replaced by the file they import, relative ``url(...)`` references are rewritten to
   point from the bundle's folder to the same files, and source-map comments are dropped.
2. **Keep only rules the site can use.** A selector is kept when every class and id it requires
   occurs as a word in some page or script of the site (the approach of PurgeCSS: a class that a
   script adds, such as "show", is in the script's text). Classes inside ``:not()``, ``:is()``,
   ``:where()`` and ``:has()`` are not required; a script word ending in "-" (e.g. bootstrap's
   ``"bs-tooltip-" + placement``) keeps every class that starts with it; ``@font-face``,
   ``@keyframes`` and other at-rules are kept as they are; ``@media`` and ``@supports`` blocks
   keep the rules inside them that are kept.
3. **Link it.** The page's ``<link rel="stylesheet">`` tags for those files become one link to
   the bundle. The original files stay in ``_static`` (the bundle's first comment lists them), so
   a test can load a page both ways and compare what a reader sees.

Pages that link a stylesheet from outside ``_static`` (none today) keep their links untouched.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import tinycss2

BUNDLE_PREFIX = "book-styles."
HEADER = "/* book-styles: bundled from "

_LINK = re.compile(r'[ \t]*<link\b(?=[^>]*\brel="stylesheet")[^>]*\bhref="(?P<href>[^"]+)"[^>]*/?>\n?', re.I)
_IMPORT = re.compile(r'@import\s+(?:url\()?\s*["\']?(?P<url>[^"\')\s;]+)["\']?\s*\)?\s*;')
_URL = re.compile(r'url\(\s*(?P<q>["\']?)(?P<url>[^"\')]+)(?P=q)\s*\)')
_SOURCE_MAP = re.compile(r"/\*[#@]\s*sourceMappingURL=[^*]*\*/")
_WORD = re.compile(r"[A-Za-z0-9_-]+")
_REQUIRED = re.compile(r"(?P<kind>[.#])(?P<name>-?[_a-zA-Z][\w-]*)")
_FUNCTIONAL = re.compile(r":(?:not|is|where|has|-webkit-any|-moz-any)\(")
_WRAPPING_AT_RULES = {"media", "supports", "layer", "container", "document"}


@dataclass
class Report:
    bundles: dict[str, list[str]] = field(default_factory=dict)  # bundle -> source files
    pages: int = 0
    bytes_before: int = 0
    bytes_after: int = 0


# ---- vocabulary ---------------------------------------------------------------------------------

def site_words(root: Path, pages: list[Path]) -> set[str]:
    """Every word of the pages and of the site's scripts: the classes and ids anything can use."""
    words: set[str] = set()
    scripts = [p for p in (root / "_static").rglob("*.js")]
    for path in [*pages, *scripts]:
        words.update(_WORD.findall(path.read_text(encoding="utf-8", errors="replace")))
    return words


# ---- purging ------------------------------------------------------------------------------------

def _strip_optional(selector: str) -> str:
    """The selector without the parts that do not have to match: functional pseudo-classes,
    attribute selectors and strings."""
    out, i = [], 0
    while i < len(selector):
        m = _FUNCTIONAL.match(selector, i)
        if m:  # skip to the matching parenthesis
            depth, j = 1, m.end()
            while j < len(selector) and depth:
                depth += {"(": 1, ")": -1}.get(selector[j], 0)
                j += 1
            i = j
            continue
        ch = selector[i]
        if ch == "[":
            j = selector.find("]", i)
            i = len(selector) if j < 0 else j + 1
            continue
        if ch in "\"'":
            j = selector.find(ch, i + 1)
            i = len(selector) if j < 0 else j + 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def selector_used(selector: str, words: set[str], prefixes: tuple[str, ...] = ()) -> bool:
    """True when every class and id that ``selector`` requires is a word of the site."""
    plain = _strip_optional(selector)
    if "\\" in plain:
        return True  # escaped names (rare): kept rather than guessed at
    for m in _REQUIRED.finditer(plain):
        name = m["name"]
        if name not in words and not (m["kind"] == "." and name.startswith(prefixes)):
            return False
    return True


def _split_selectors(prelude: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(prelude):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(prelude[start:i])
            start = i + 1
    parts.append(prelude[start:])
    return [p.strip() for p in parts if p.strip()]


def purge(css: str, words: set[str]) -> str:
    """``css`` with only the rules whose selectors can match something in the site."""
    prefixes = tuple(sorted(w for w in words if w.endswith("-") and len(w) > 3))

    def rules(nodes) -> list[str]:
        out = []
        for node in nodes:
            if node.type == "qualified-rule":
                kept = [s for s in _split_selectors(tinycss2.serialize(node.prelude))
                        if selector_used(s, words, prefixes)]
                if kept:
                    out.append(",".join(kept) + "{" + tinycss2.serialize(node.content).strip() + "}")
            elif node.type == "at-rule":
                keyword = node.lower_at_keyword
                if keyword in _WRAPPING_AT_RULES and node.content is not None:
                    inner = rules(tinycss2.parse_rule_list(node.content, skip_comments=True,
                                                           skip_whitespace=True))
                    if inner:
                        out.append(f"@{node.at_keyword}{tinycss2.serialize(node.prelude).rstrip()}"
                                   "{" + "".join(inner) + "}")
                elif keyword != "charset":
                    out.append(tinycss2.serialize([node]).strip())
        return out

    return "\n".join(rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)))


# ---- bundling -----------------------------------------------------------------------------------

def _local(href: str, page: Path, root: Path) -> Path | None:
    if re.match(r"^(?:[a-z]+:|//|#)", href, re.I):
        return None
    path = (page.parent / href.split("?")[0].split("#")[0]).resolve()
    static = (root / "_static").resolve()
    return path if path.is_file() and static in path.parents else None


def read_with_imports(path: Path, target_dir: Path, seen: set[Path] | None = None) -> str:
    """The stylesheet at ``path`` with its ``@import`` rules inlined and its relative URLs rewritten
    to be relative to ``target_dir``."""
    seen = set() if seen is None else seen
    if path in seen:
        return ""
    seen.add(path)
    text = _SOURCE_MAP.sub("", path.read_text(encoding="utf-8"))

    def inline(m):
        url = m["url"]
        if re.match(r"^(?:[a-z]+:|//)", url, re.I):
            return m.group(0)
        return read_with_imports((path.parent / url).resolve(), target_dir, seen)

    def rebase(m):
        url = m["url"].strip()
        if re.match(r"^(?:[a-z]+:|//|#|/)", url, re.I):
            return m.group(0)
        target = (path.parent / url.split("?")[0].split("#")[0]).resolve()
        suffix = url[len(url.split("?")[0].split("#")[0]):]
        return f'url("{Path(os.path.relpath(target, target_dir)).as_posix()}{suffix}")'

    return _URL.sub(rebase, _IMPORT.sub(inline, text))


def bundle_site(root: Path, skip: tuple[str, ...] = ("lite/", "_images/")) -> Report:
    """Give every page of the built site at ``root`` one purged stylesheet (see the module docstring)."""
    report = Report()
    static = root / "_static"
    earlier = set(static.glob(BUNDLE_PREFIX + "*.css"))
    pages = [p for p in sorted(root.rglob("*.html"))
             if not p.relative_to(root).as_posix().startswith(skip)]
    words = site_words(root, pages)
    bundles: dict[tuple[Path, ...], str] = {}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        head_end = text.find("</head>")
        links = [m for m in _LINK.finditer(text, 0, max(head_end, 0))]
        sources = [_local(m["href"], page, root) for m in links]
        if not links or any(s is None for s in sources):
            continue
        key = tuple(source for s in sources for source in bundle_sources(s, static))
        if key not in bundles:
            raw = "\n".join(read_with_imports(s, static.resolve()) for s in key)
            css = purge(raw, words)
            listed = ", ".join(s.relative_to(static.resolve()).as_posix() for s in key)
            body = f"{HEADER}{listed} */\n{css}\n"
            name = BUNDLE_PREFIX + hashlib.sha1(body.encode()).hexdigest()[:12] + ".css"
            (static / name).write_text(body, encoding="utf-8")
            bundles[key] = name
            report.bundles[name] = [s.relative_to(static.resolve()).as_posix() for s in key]
            report.bytes_before += len(raw.encode())
            report.bytes_after += len(body.encode())
        href = Path(os.path.relpath(static / bundles[key], page.parent)).as_posix()
        first, rest = links[0], links[1:]
        new = (text[:first.start()] + f'<link rel="stylesheet" href="{href}" />\n'
               + "".join(text[a.end():b.start()] for a, b in zip(links, rest)) + text[links[-1].end():])
        page.write_text(new, encoding="utf-8")
        report.pages += 1
    for stale in earlier - {static / name for name in bundles.values()}:
        stale.unlink()
    return report


def bundle_sources(path: Path, static: Path) -> list[Path]:
    """[path], or for a bundle of an earlier build (a page Sphinx did not rewrite this time), the
    files it was made from, as its first comment lists them."""
    if not path.name.startswith(BUNDLE_PREFIX):
        return [path]
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    if not first.startswith(HEADER):
        return [path]
    listed = first[len(HEADER):].rsplit("*/", 1)[0]
    return [(static / name.strip()).resolve() for name in listed.split(",")]
