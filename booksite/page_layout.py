"""Pages that hold still and name every control (issue 22), applied to the built HTML.

``finish_site(outdir, favicon_svg)`` runs after the other rewrites (reader_site.py) and does:

1. **Images reserve their size.** Every ``<img>`` whose file is part of the site gets the file's
   own ``width`` and ``height`` (PNG, GIF, JPEG and SVG are read here), so that a lazy image that
   arrives late does not push the text below it down (cumulative layout shift). The book's CSS
   keeps ``max-width: 100%; height: auto``: the attributes fix the aspect ratio, not the size.
2. **Expanders have names.** The theme's collapsible table-of-contents entries are ``<summary>``
   elements holding only a chevron icon; each gets an ``aria-label`` naming the entry it opens.
3. **The logo is inside a landmark.** The primary sidebar (logo, contents) becomes a labelled
   ``complementary`` region, so that nothing of the page is outside a landmark.
4. **The cheat sheet on a phone.** A table whose first column is "Symbol" gets the class
   ``book-cards`` and each cell its column's name, so book-site.css shows one card per symbol at
   narrow widths instead of a table that scrolls sideways.
5. **favicon.ico.** Browsers and crawlers ask for ``/favicon.ico`` whatever the page links to; it is
   drawn from the book's favicon.svg (rectangles, lines and circles), at 16, 32 and 48 px.
"""
from __future__ import annotations

import html
import itertools
import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

_IMG = re.compile(r"<img\b[^>]*>", re.I)
_SRC = re.compile(r'\bsrc="([^"]+)"')
_SIZE_ATTR = re.compile(r"\b(width|height)=", re.I)


def image_size(path: Path) -> tuple[int, int] | None:
    """(width, height) in CSS pixels of a PNG, GIF, JPEG or SVG file; None if it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return struct.unpack("<HH", data[6:10])
    if data[:2] == b"\xff\xd8":
        return _jpeg_size(data)
    if path.suffix.lower() == ".svg":
        return _svg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        i += 2 + length
    return None


def _svg_size(data: bytes) -> tuple[int, int] | None:
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return None
    width, height = root.get("width", ""), root.get("height", "")
    number = re.compile(r"^\s*([\d.]+)\s*(px)?\s*$")
    if number.match(width) and number.match(height):
        return round(float(number.match(width)[1])), round(float(number.match(height)[1]))
    box = root.get("viewBox", "").replace(",", " ").split()
    if len(box) == 4:
        return round(float(box[2])), round(float(box[3]))
    return None


def size_images(text: str, page: Path, root: Path) -> tuple[str, int]:
    """`text` with width and height on each <img> of a site file that lacks them; and how many."""
    count = 0

    def fix(m):
        nonlocal count
        tag = m.group(0)
        src = _SRC.search(tag)
        if not src or _SIZE_ATTR.search(tag) or re.match(r"^(?:[a-z]+:|//)", src[1], re.I):
            return tag
        target = (page.parent / unquote(html.unescape(src[1]).split("#")[0].split("?")[0])).resolve()
        if root.resolve() not in target.parents:
            return tag
        size = image_size(target)
        if not size or not all(size):
            return tag
        count += 1
        extra = f' width="{size[0]}" height="{size[1]}"'
        if "logo__image" in tag and "style=" not in tag:
            # the theme sizes the logo with width and height auto: only a set width keeps its box
            # from being empty until the file arrives
            extra += f' style="width:{size[0]}px"'
        return tag[:4] + extra + tag[4:]

    return _IMG.sub(fix, text), count


# The theme's collapsible toctree entry: <a ...>Title</a><details ...><summary><span ...toggle...
_TOC_SUMMARY = re.compile(
    r'(<a\b[^>]*class="[^"]*\breference internal\b[^"]*"[^>]*>(?P<title>.*?)</a>\s*<details\b[^>]*>\s*)'
    r'<summary>', re.S)


def name_summaries(text: str) -> str:
    def fix(m):
        title = re.sub(r"<[^>]+>", "", m["title"]).strip()
        label = html.escape(f"Show or hide the pages of {title}", quote=True)
        return f'{m.group(1)}<summary aria-label="{label}">'
    return _TOC_SUMMARY.sub(fix, text)


_PRIMARY = re.compile(r'<div\b(?P<attrs>[^>]*\bclass="[^"]*\bbd-sidebar-primary\b[^"]*"[^>]*)>')


def landmark_sidebar(text: str) -> str:
    def fix(m):
        if "role=" in m["attrs"]:
            return m.group(0)
        return f'<div{m["attrs"]} role="complementary" aria-label="The book and its chapters">'
    return _PRIMARY.sub(fix, text, count=1)


_TABLE = re.compile(r'<table class="table">(?P<body>.*?)</table>', re.S)


def symbol_cards(text: str) -> str:
    """Tables whose first column is "Symbol" (the cheat sheet) become cards on a phone: each cell
    carries its column's name (data-label) for book-site.css to show above it, one card per row."""
    def fix(m):
        heads = [re.sub(r"<[^>]+>", "", h).strip()
                 for h in re.findall(r"<th\b[^>]*>(.*?)</th>", m["body"], re.S)]
        if not heads or heads[0] != "Symbol":
            return m.group(0)

        labels = [html.escape(head, quote=True) for head in heads]

        def label_row(row):
            column = itertools.count()
            return re.sub(r"<td\b", lambda _: f'<td data-label="{labels[min(next(column), len(labels) - 1)]}"',
                          row.group(0))
        body = re.sub(r"<tr\b.*?</tr>", label_row, m["body"], flags=re.S)
        return f'<table class="table book-cards">{body}</table>'
    return _TABLE.sub(fix, text)


def finish_page(page: Path, root: Path) -> int:
    text = page.read_text(encoding="utf-8")
    new, count = size_images(text, page, root)
    new = symbol_cards(landmark_sidebar(name_summaries(new)))
    if new != text:
        page.write_text(new, encoding="utf-8")
    return count


# ---- favicon.ico ------------------------------------------------------------------------------
def _colour(value: str | None):
    if not value or value == "none":
        return None
    value = value.strip()
    if re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        return tuple(int(value[i:i + 2], 16) for i in (1, 3, 5)) + (255,)
    if re.fullmatch(r"#[0-9a-fA-F]{3}", value):
        return tuple(int(c * 2, 16) for c in value[1:]) + (255,)
    names = {"white": "#ffffff", "black": "#000000"}
    if value in names:
        return _colour(names[value])
    raise ValueError(f"favicon: colour {value!r} is not #rgb or #rrggbb")


def draw_svg(svg: Path, size: int):
    """A PIL image of `svg` at `size` px, for SVGs made of rect, line and circle elements only."""
    from PIL import Image, ImageDraw

    root = ET.fromstring(svg.read_bytes())
    box = [float(v) for v in root.get("viewBox", "0 0 0 0").replace(",", " ").split()]
    if len(box) != 4 or box[2] <= 0:
        raise ValueError(f"{svg}: favicon needs a viewBox")
    scale_up = 8
    k = size * scale_up / box[2]
    image = Image.new("RGBA", (size * scale_up, size * scale_up), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)

    def walk(node, inherited):
        style = dict(inherited)
        for key in ("fill", "stroke", "stroke-width"):
            if node.get(key) is not None:
                style[key] = node.get(key)
        tag = node.tag.split("}")[-1]
        x = lambda name: (float(node.get(name, 0)) - box[0]) * k  # noqa: E731
        y = lambda name: (float(node.get(name, 0)) - box[1]) * k  # noqa: E731
        width = max(1, round(float(style.get("stroke-width", 1)) * k))
        fill, stroke = _colour(style.get("fill")), _colour(style.get("stroke"))
        if tag == "rect":
            w, h = float(node.get("width")) * k, float(node.get("height")) * k
            draw.rounded_rectangle([x("x"), y("y"), x("x") + w, y("y") + h],
                                   radius=float(node.get("rx", 0)) * k, fill=fill)
        elif tag == "line":
            draw.line([x("x1"), y("y1"), x("x2"), y("y2")], fill=stroke, width=width)
            for end in (("x1", "y1"), ("x2", "y2")):  # round caps
                cx, cy, r = x(end[0]), y(end[1]), width / 2
                draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=stroke)
        elif tag == "circle":
            cx, cy, r = x("cx"), y("cy"), float(node.get("r")) * k
            draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill, outline=stroke,
                         width=width if stroke else 0)
        elif tag not in ("svg", "g", "title", "desc"):
            raise ValueError(f"{svg}: favicon.ico cannot draw <{tag}>")
        for child in node:
            walk(child, style)

    walk(root, {"fill": "#000000"})
    return image.resize((size, size), Image.LANCZOS)


def write_favicon(svg: Path, out: Path) -> None:
    images = [draw_svg(svg, size) for size in (48, 32, 16)]
    images[0].save(out, format="ICO", sizes=[(48, 48), (32, 32), (16, 16)], append_images=images[1:])


def finish_site(root: Path, favicon_svg: Path | None) -> int:
    """Apply the page fixes to every book page of `root`; returns the number of images sized."""
    count = 0
    for page in sorted(root.rglob("*.html")):
        rel = page.relative_to(root)
        if rel.parts[0] in ("lite", "_images", "_static"):
            continue
        count += finish_page(page, root)
    if favicon_svg is not None and favicon_svg.is_file():
        write_favicon(favicon_svg, root / "favicon.ico")
    return count
