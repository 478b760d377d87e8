"""The assignments, as their master notebooks say: the one list of their names.

Each assignment is one master notebook, ``book/assignments/masters/<name>.ipynb`` (otter-grader
format: questions, solutions, visible and hidden tests). The build, the grader and the release
read the names from that folder; tests/assignments/test_assignments.py checks that ``_toc.yml``
has a page ``book/assignments/<name>`` for each, and no other.
"""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]   # the checkout this package is installed from
MASTERS = ROOT / "book" / "assignments" / "masters"


def names(masters: Path = MASTERS) -> list[str]:
    """Every assignment's name (its master notebook's file name without ``.ipynb``), sorted."""
    found = sorted(path.stem for path in Path(masters).glob("*.ipynb"))
    if not found:
        raise FileNotFoundError(f"no master notebooks in {masters}: classroom reads them from the book's "
                                "repository it is installed from; install it editable from a checkout "
                                "(pip install -e classroom, as `make` does)")
    return found
