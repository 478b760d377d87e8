"""Every "try this" instruction of the prose works where the reader is (issue 10, item 4).

The chapters mark each instruction that asks the reader to move a figure's control with an invisible
comment right after it: ``<!-- try: figure=<nnlib.widgets function> control=<control label> -->``.
This test lists them all and checks that the figure and the control exist and that the control is
live in the HTML book (every control is since issue 14: values off the precomputed grid are drawn in
the page's own Python), so no instruction may still send the reader to a running notebook or call a
control fixed. A chapter that shows an interactive figure must carry at least one marker.
"""
import functools
import json
import pathlib
import re

import pytest

import nnlib.widgets

BOOK = pathlib.Path(__file__).resolve().parents[2] / "book"
CHAPTERS = ["neurons", "activations", "notation", "cost", "backprop", "sgd", "putting-it-together"]
MARKER = re.compile(r"<!-- try: figure=(\S+) control=(.*?) -->")
# What the prose said while some controls were fixed in the HTML book.
OUTDATED = re.compile(r"running\s+notebook|\bfixed\b|precomputed|web (page|version) (keeps|has)", re.I)


def markdown_cells(chapter):
    cells = json.loads((BOOK / f"{chapter}.ipynb").read_text())["cells"]
    return [(i, "".join(c["source"])) for i, c in enumerate(cells) if c["cell_type"] == "markdown"]


def figures_shown(chapter):
    cells = json.loads((BOOK / f"{chapter}.ipynb").read_text())["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return {name for name in nnlib.widgets.__all__ if re.search(rf"\b{name}\(", code)}


def instructions(chapter):
    """[(cell index, figure name, control label, the paragraph the marker closes)]."""
    found = []
    for i, text in markdown_cells(chapter):
        for m in MARKER.finditer(text):
            before = text[:m.start()]
            # the paragraph (or list item) the marker follows, markers themselves left out
            paragraph = MARKER.sub("", before[before.rfind("\n\n") + 1:])
            found.append((i, m.group(1), m.group(2), paragraph))
    return found


@functools.lru_cache(maxsize=None)
def controls_of(figure_name):
    figure = getattr(nnlib.widgets, figure_name)()
    return {(c.label or c.name): c for c in figure.controls} | {c.name: c for c in figure.controls}


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_instruction_names_a_control_the_reader_can_move_here(chapter):
    shown = figures_shown(chapter)
    listed = instructions(chapter)
    assert not shown or listed, f"{chapter} shows {sorted(shown)} but marks no instruction to move a control"
    problems = []
    for cell, figure, label, paragraph in listed:
        if figure not in nnlib.widgets.__all__:
            problems.append(f"cell {cell}: no figure nnlib.widgets.{figure}")
            continue
        control = controls_of(figure).get(label)
        if control is None:
            problems.append(f"cell {cell}: {figure} has no control {label!r} "
                            f"(it has {sorted(controls_of(figure))})")
        elif getattr(nnlib.widgets, figure)().factory_kwargs is None:
            problems.append(f"cell {cell}: {figure} cannot be rebuilt in the page, so {label!r} is not live there")
        elif OUTDATED.search(paragraph):
            problems.append(f"cell {cell}: the instruction to move {figure}'s {label!r} says "
                            f"{OUTDATED.search(paragraph).group(0)!r}, but it works in the HTML book")
    assert not problems, f"{chapter}:\n" + "\n".join(problems)
