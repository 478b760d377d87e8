"""Words of main-line prose per chapter: what a reader reads straight through.

    python benchmarks/prose_words.py [--rev REV] [book/*.ipynb ...]

Counts the words of every markdown cell of a chapter, leaving out what a reader may skip:

* boxes: MyST directives in colon or backtick fences (``{dropdown}``, ``{admonition}``, ``{note}``, ...);
* sections the reader may skip: a heading that contains "for the curious", and the end matter
  ("Check your understanding", "Problems", "Assignment"), each up to the next heading of its level
  or above;
* HTML comments (the figure-link markers).

A word is a run of non-space characters, so a formula counts as the words it is split into.
With ``--rev REV`` the chapters are read from that git revision instead of the work tree, so
``--rev a258edf`` gives the "before" column.
"""
from __future__ import annotations

import argparse
import json
import pathlib
import re
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[1]
SKIPPED_SECTIONS = ("for the curious", "check your understanding", "problems", "assignment")
FENCE = re.compile(r"^(`{3,}|:{3,})\s*(\{[^}]+\})?")
HEADING = re.compile(r"^(#{1,6})\s+(.*)")
COMMENT = re.compile(r"<!--.*?-->", re.S)


def main_line_words(markdown_cells: list[str]) -> int:
    """Words of main-line prose in a chapter's markdown cells (in order)."""
    words = 0
    skip_level = None  # heading level of the skipped section we are in
    for text in markdown_cells:
        fence = None  # the fence string of the box we are in
        for line in COMMENT.sub("", text).splitlines():
            stripped = line.strip()
            if fence is not None:
                if stripped == fence:
                    fence = None
                continue
            opened = FENCE.match(stripped)
            if opened and opened.group(2):  # a directive: a box the reader may skip
                fence = opened.group(1)
                continue
            heading = HEADING.match(stripped)
            if heading:
                level = len(heading.group(1))
                if skip_level is not None and level <= skip_level:
                    skip_level = None
                if skip_level is None and any(s in heading.group(2).lower() for s in SKIPPED_SECTIONS):
                    skip_level = level
            if skip_level is None:
                words += len(stripped.split())
    return words


def chapter_cells(path: str, rev: str | None) -> list[str]:
    if rev:
        text = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout
    else:
        text = (ROOT / path).read_text()
    return ["".join(c["source"]) for c in json.loads(text)["cells"] if c["cell_type"] == "markdown"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="read the chapters from this git revision")
    parser.add_argument("chapters", nargs="*", help="chapter notebooks (default: the seven and the welcome)")
    args = parser.parse_args(argv)
    chapters = args.chapters or [f"book/{name}.ipynb" for name in (
        "intro", "neurons", "activations", "notation", "cost", "backprop", "sgd", "putting-it-together")]
    total = 0
    for path in chapters:
        n = main_line_words(chapter_cells(path, args.rev))
        total += n
        print(f"{path:32s} {n:6d}")
    print(f"{'total':32s} {total:6d}")


if __name__ == "__main__":
    main()
