"""Typeset every page's maths at build time (MathJax CommonHTML), so no page runs MathJax.

Sphinx writes maths as TeX inside ``<span class="math">\\(...\\)</span>`` and
``<div class="math">\\[...\\]</div>`` and lets MathJax typeset it in the reader's browser: 260 KB of
script and seconds of work on a phone for a page with a hundred formulas. ``typeset_site(outdir)``
hands every formula of every page to tex2chtml.js (MathJax 3.2.2 from npm ``mathjax-full``, run
once with node), writes the resulting markup in place of the TeX, adds each page's MathJax
stylesheet (fonts served from the site's own ``mathjax/`` folder), and removes the MathJax
script and its settings from the page. The TeX stays in the page as the element's
``data-tex`` attribute (for search snippets); MathJax's assistive MathML is what screen readers read.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
from pathlib import Path

FONTS = "mathjax/output/chtml/fonts/woff-v2"

_MATH = re.compile(r'(?P<open><(?P<tag>span|div) class="math notranslate nohighlight"[^>]*>)(?P<body>.*?)(?P<close></(?P=tag)>)',
                   re.S)
_DELIMS = re.compile(r"\\\((?P<inline>.*?)\\\)|\\\[(?P<display>.*?)\\\]", re.S)
_MATHJAX_TAGS = re.compile(
    r'\s*<script\b[^>]*>\s*window\.MathJax\s*=.*?</script>'
    r'|\s*<script\b[^>]*\bsrc="[^"]*mathjax/tex-chtml\.js[^"]*"[^>]*>\s*</script>', re.S)


class MathError(RuntimeError):
    pass


def _formulas(text: str) -> list[tuple[str, bool]]:
    found = []
    for m in _MATH.finditer(text):
        for d in _DELIMS.finditer(m["body"]):
            tex = d["inline"] if d["inline"] is not None else d["display"]
            found.append((html.unescape(tex), d["display"] is not None))
    return found


def _typeset(requests: list[dict], node_modules: Path, font_url: str) -> dict:
    script = Path(__file__).with_name("tex2chtml.js")
    proc = subprocess.run(["node", str(script)], input=json.dumps({"fontURL": font_url, "pages": requests}),
                          capture_output=True, text=True, env=dict(os.environ, BOOK_NODE_MODULES=str(node_modules)),
                          timeout=600)
    if proc.returncode != 0:
        raise MathError(f"tex2chtml.js failed: {proc.stderr[-1500:]}")
    return {page["id"]: page for page in json.loads(proc.stdout)["pages"]}


def typeset_site(root: Path, node_modules: Path) -> tuple[int, list[tuple[str, str]]]:
    """Typeset every page under root; return (number of formulas, [(page, problem)])."""
    pages = {}
    for page in sorted(root.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        formulas = _formulas(text)
        if formulas:
            pages[page] = (text, formulas)
        elif _MATHJAX_TAGS.search(text):  # Sphinx adds MathJax to a page with a maths node of any kind
            page.write_text(_MATHJAX_TAGS.sub("", text), encoding="utf-8")
    if not pages:
        return 0, []
    problems = []
    count = 0
    # Fonts are addressed relative to each page, so pages at one depth share a request.
    by_depth: dict[str, list[Path]] = {}
    for page in pages:
        prefix = "../" * (len(page.relative_to(root).parts) - 1)
        by_depth.setdefault(prefix, []).append(page)
    for prefix, group in by_depth.items():
        requests = [{"id": str(p), "formulas": [{"tex": t, "display": d} for t, d in pages[p][1]]} for p in group]
        results = _typeset(requests, node_modules, prefix + FONTS)
        for page in group:
            text, formulas = pages[page]
            result = results[str(page)]
            rendered = iter(zip(formulas, result["html"]))
            rel = page.relative_to(root).as_posix()

            def replace_body(m):
                nonlocal count

                def one(d):
                    nonlocal count
                    (tex, _display), markup = next(rendered)
                    if markup is None:
                        problems.append((rel, f"MathJax could not typeset {tex[:80]!r}"))
                        return d.group(0)
                    count += 1
                    return markup

                body = _DELIMS.sub(one, m["body"])
                tex = " ".join(html.unescape(d.group(0)) for d in _DELIMS.finditer(m["body"]))
                opening = m["open"][:-1] + f' data-tex="{html.escape(tex, quote=True)}">'
                return opening + body + m["close"]

            text = _MATH.sub(replace_body, text)
            text = _MATHJAX_TAGS.sub("", text)
            text = text.replace("</head>", f'<style id="book-mathjax">{result["css"]}</style>\n</head>', 1)
            page.write_text(text, encoding="utf-8")
    return count, problems
