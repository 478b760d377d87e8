"""The figure registry is the one list of the figures (issue 21 item 4); tests/slow/test_new_figure.py
checks that a figure written by the guide reaches every list."""
import json
from pathlib import Path

import pytest

from nnlib.widgets import registry

ROOT = Path(__file__).resolve().parents[2]


def test_the_registry_lists_the_book_figures_in_the_book_order():
    names = list(registry.figures())
    assert names[:3] == ["neuron_playground", "activation_explorer", "forward_pass_explorer"]
    assert names[-1] == "digits_training" and len(names) == len(set(names))


def test_figure_factory_rejects_what_is_not_a_function():
    with pytest.raises(ValueError, match="figure function"):
        registry.figure_factory(42)


def test_the_gallery_page_is_the_registry():
    """book/figures.ipynb shows the figures by calling registry.gallery(), and calls no figure itself."""
    cells = json.loads((ROOT / "book" / "figures.ipynb").read_text())["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    assert any("registry.gallery()" in source for source in code)
    called = [name for name in registry.figures() for source in code if f"{name}(" in source]
    assert not called, f"the gallery calls {called} itself: let registry.gallery() show every figure"
