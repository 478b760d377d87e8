"""Whose notebook is this? The student id typed in the notebook (read from its source, never by
running it), checked against the teacher's roster when one is given, and the variant it selects.

* The id is the string literal of the first ``student_id = "..."`` in the notebook's code cells.
  A notebook without one is graded as the id its file name gives (``ada.ipynb`` -> ``ada``), which
  is how a JupyterHub collection names files (one per hub user), and the row says so.
* ``--roster FILE``: one id a line (or a CSV whose first column, or column ``id``/``student_id``,
  holds them). An id that is not on the roster scores 0 with the reason; so does an id that two
  submissions share (a copied notebook), for both.
"""
import ast
import csv
import io
import pathlib
import re

from . import checks


def typed_id(nb):
    """The literal of the first ``student_id = "..."`` assignment in the code cells, or None."""
    return typed_id_in(cell.source for cell in nb.cells if cell.cell_type == "code")


def typed_id_in(sources):
    """:func:`typed_id` of the code cells' sources."""
    for source in sources:
        if "student_id" not in source:
            continue
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "student_id"
                                                    for t in node.targets):
                if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                    text = node.value.value.strip()
                    return text if text and text != "..." else None
                return None
    return None


def student_of(nb, filename):
    """(student id, note for the error column)."""
    return student_in((cell.source for cell in nb.cells if cell.cell_type == "code"), filename)


def student_in(sources, filename):
    """:func:`student_of` from the code cells' sources."""
    typed = typed_id_in(sources)
    if typed:
        return typed, ""
    stem = re.sub(r"\s*\(\d+\)$", "", pathlib.Path(filename).stem).strip()
    return stem, f"no student_id typed; graded as {stem!r} (the file name)"


def load_roster(path):
    """The set of normalized ids in a roster file."""
    text = pathlib.Path(path).read_text(encoding="utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(text)) if r and r[0].strip() and not r[0].startswith("#")]
    if not rows:
        return set()
    column = 0
    header = [h.strip().lower() for h in rows[0]]
    for name in ("student_id", "id"):
        if name in header:
            column = header.index(name)
            rows = rows[1:]
            break
    return {checks.normalize_id(r[column]) for r in rows if len(r) > column and r[column].strip()}
