"""Text the build derives from a page: its meta description and its figures' alt text.

* ``description(doctree)``: the first paragraph of prose (no maths, not inside a notebook cell)
  that is long enough to say what the page is about, cut at a word near 160 characters.
* ``figure_alts(doctree)``: for every image drawn by a notebook cell whose alt text is missing or
  is only its file path, an alt text that says what the figure shows, from the cell's own code:
  the titles and axis labels it gives matplotlib. A cell that names none gets the first sentence
  of the prose just before it. An alt text set in the notebook (myst-nb's ``image.alt`` cell
  metadata) is kept.
"""

from __future__ import annotations

import ast
import re

from docutils import nodes

MAX_DESCRIPTION = 160

_LABEL_CALLS = {
    "suptitle": "title", "set_title": "title", "title": "title",
    "set_xlabel": "x axis", "xlabel": "x axis", "set_ylabel": "y axis", "ylabel": "y axis",
}


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()


def _shorten(text: str, limit: int) -> str:
    text = plain(text)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def description(doctree) -> str:
    for para in doctree.findall(nodes.paragraph):
        if _in_cell(para) or any(isinstance(n, nodes.math) for n in para.findall()):
            continue
        text = plain(para.astext())
        if len(text) >= 60:
            return _shorten(text, MAX_DESCRIPTION)
    return ""


def _string_value(node) -> str | None:
    """The text of a string literal or f-string (placeholders become '…')."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "…" for v in node.values)
    return None


def figure_labels(source: str) -> dict[str, list[str]]:
    """Titles and axis labels a cell's code gives matplotlib: {'title': [...], 'x axis': [...]}."""
    labels: dict[str, list[str]] = {}
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics and the like
        tree = ast.parse("\n".join(line for line in source.splitlines()
                                   if not line.lstrip().startswith(("%", "!"))))
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
        kinds = []
        if name in _LABEL_CALLS and call.args:
            kinds.append((_LABEL_CALLS[name], call.args[0]))
        if name == "set":  # ax.set(title=..., xlabel=..., ylabel=...)
            kinds += [(_LABEL_CALLS[k.arg], k.value) for k in call.keywords if k.arg in _LABEL_CALLS]
        for kind, value in kinds:
            text = _string_value(value)
            if text:
                text = plain(re.sub(r"\$([^$]*)\$", r"\1", text).replace("\\", ""))
                if text and text not in labels.setdefault(kind, []):
                    labels[kind].append(text)
    return labels


def _meaningful(text: str) -> bool:
    """A label says something once its f-string placeholders (…) are left out."""
    return len(re.findall(r"[A-Za-z]", text.replace("…", ""))) >= 3


def alt_from_labels(labels: dict[str, list[str]]) -> str:
    parts = []
    titles = [t for t in labels.get("title", []) if _meaningful(t)]
    if titles:
        parts.append("; ".join(titles))
    axes = [f"{kind[0]} axis: {', '.join(t for t in labels[kind] if _meaningful(t))}"
            for kind in ("x axis", "y axis") if any(_meaningful(t) for t in labels.get(kind, []))]
    if axes:
        parts.append(("Plot. " if not parts else "") + "; ".join(axes))
    return _shorten("Figure: " + ". ".join(parts), 300) if parts else ""


_TEX_WORDS = {"dots": "…", "ldots": "…", "cdots": "…", "times": "×", "cdot": "·", "eta": "η",
              "sigma": "σ", "delta": "δ", "partial": "∂", "nabla": "∇", "le": "≤", "ge": "≥"}


def tex_free(text: str) -> str:
    """Prose with its inline TeX made readable enough for alt text and descriptions."""
    text = re.sub(r"\\([A-Za-z]+)", lambda m: _TEX_WORDS.get(m.group(1), m.group(1)), text)
    return plain(text.replace("{", "").replace("}", "").replace("$", ""))


def _looks_like_path(alt: str, uri: str) -> bool:
    alt = alt.strip()
    return (not alt or alt == uri or alt.endswith((".png", ".jpg", ".jpeg", ".svg", ".gif"))
            or "/" in alt and " " not in alt)


def _cell_of(node):
    """The notebook cell (a container of class "cell") that holds ``node``, or None."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.container) and "cell" in parent.get("classes", []):
            return parent
        parent = parent.parent
    return None


def _in_cell(node) -> bool:
    return _cell_of(node) is not None


def _prose_before(cell) -> str:
    """First sentence of the last paragraph of prose before a notebook cell."""
    before = None
    for node in cell.document.findall():
        if node is cell:
            break
        if isinstance(node, nodes.paragraph) and not _in_cell(node):
            before = node
    if before is None:
        return ""
    text = tex_free(before.astext())
    sentence = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    return _shorten("Figure for: " + sentence, 300)


def figure_alts(doctree):
    """Yield (image node, alt text, 'code' | 'prose') for notebook images that need alt text."""
    for image in list(doctree.findall(nodes.image)):
        if not _looks_like_path(image.get("alt", ""), image.get("uri", "")):
            continue
        cell = _cell_of(image)
        if cell is None:
            continue
        source = "\n".join(block.astext() for block in cell.findall(nodes.literal_block)
                           if "cell_input" in (block.parent.get("classes", []) if block.parent else []))
        alt = alt_from_labels(figure_labels(source)) if source else ""
        if alt:
            yield image, alt, "code"
            continue
        alt = _prose_before(cell)
        if alt:
            yield image, alt, "prose"
