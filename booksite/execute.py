"""Run the chapters in place and store their outputs, as strict nbval compares them.

    python -m booksite.execute [NOTEBOOK ...]      # default: every book/*.ipynb

Each notebook runs top to bottom in a fresh kernel from its own folder (as a reader's would), its
outputs are stored, and the per-cell execution timestamps are dropped so that a run that prints the
same numbers leaves the file unchanged. Figures store their widget view only: the static frames are
drawn when the book is built (``nnlib.widgets.export``), so ``NNLIB_STATIC_FIGURES`` is cleared here.
"""
import argparse
import os
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]


def execute(path, timeout=900):
    """Execute the notebook at ``path`` in place; return the seconds it took."""
    path = pathlib.Path(path)
    nb = nbformat.read(str(path), as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, str(path))
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="default: every chapter in book/")
    args = parser.parse_args(argv)
    os.environ.pop("NNLIB_STATIC_FIGURES", None)
    paths = args.notebooks or sorted((ROOT / "book").glob("*.ipynb"))
    for path in paths:
        print(f"{path}: {execute(path):.0f} s", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
