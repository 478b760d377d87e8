"""Chapters fit the book's content column (about 688 CSS px at a 1280 px window).

For the chapters listed below, every code line shown in the book and every printed line of output
stays within 78 characters (no sideways scrolling), and every stored figure is at most 688 px wide
at its natural size. Cells tagged ``remove-cell`` are not shown and are skipped; widget outputs
(a widget view, and an HTML view when the book's build made them) are checked by the figure
tests instead.
"""
import base64
import json
import struct
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parents[2] / "book"
# The chapters this check covers (extend the list as chapters are brought to the column width).
CHAPTERS = ["intro", "neurons", "activations", "notation", "backprop"]
MAX_CHARS = 78
MAX_WIDTH_PX = 688
# An interactive figure's output: its text/plain is shown by neither the book nor JupyterLab.
FIGURE_VIEWS = {"text/html", "application/vnd.jupyter.widget-view+json"}


def shown_code_cells(name):
    cells = json.loads((BOOK / f"{name}.ipynb").read_text())["cells"]
    return [c for c in cells if c["cell_type"] == "code"
            and "remove-cell" not in c.get("metadata", {}).get("tags", [])]


def text_outputs(cell):
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            yield "".join(out["text"])
        elif "text/plain" in out.get("data", {}) and not set(out["data"]) & FIGURE_VIEWS:
            yield "".join(out["data"]["text/plain"])


@pytest.mark.parametrize("name", CHAPTERS)
def test_code_and_output_lines_fit_the_column(name):
    long = []
    for i, cell in enumerate(shown_code_cells(name)):
        texts = ["".join(cell["source"]), *text_outputs(cell)]
        for text in texts:
            long += [f"cell {i}: {line!r}" for line in text.splitlines() if len(line) > MAX_CHARS]
    assert not long, f"{name}: lines over {MAX_CHARS} characters:\n" + "\n".join(long)


@pytest.mark.parametrize("name", CHAPTERS)
def test_figures_are_at_most_the_column_width(name):
    wide = []
    for i, cell in enumerate(shown_code_cells(name)):
        for out in cell.get("outputs", []):
            png = out.get("data", {}).get("image/png")
            if png:
                width = struct.unpack(">I", base64.b64decode(png)[16:20])[0]
                if width > MAX_WIDTH_PX:
                    wide.append(f"cell {i}: {width} px")
    assert not wide, f"{name}: figures wider than {MAX_WIDTH_PX} px: {wide}"
